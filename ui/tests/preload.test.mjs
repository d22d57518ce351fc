// index.html preloads every module the window's start imports (main.js and what it imports, at
// any depth), so the webview fetches them at once; a module added without its preload, or a
// preload left behind, fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const UI = join(dirname(fileURLToPath(import.meta.url)), "..");

// The modules `entry` imports, at any depth, as paths relative to ui/.
function imported(entry, seen = new Set()) {
  const source = readFileSync(join(UI, entry), "utf8");
  for (const match of source.matchAll(/^\s*import\s[^"']*["'](\.[^"']+)["']/gm)) {
    const path = normalize(join(dirname(entry), match[1]));
    if (!seen.has(path)) {
      seen.add(path);
      imported(path, seen);
    }
  }
  return seen;
}

test("index.html preloads exactly the modules main.js imports", () => {
  const html = readFileSync(join(UI, "index.html"), "utf8");
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.equal(new Set(preloaded).size, preloaded.length, "a module is preloaded twice");
  assert.deepEqual(new Set(preloaded), imported("main.js"));
});
