// The window starts on the sign-in screen's modules only (ui/main.js's static imports), and the
// screens loaded on first use (ui/screens.js) open with the keys the sale screen's footer names:
// a screen left out of the key map, a key that loads the wrong module, or a screen imported at
// start fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const UI = join(dirname(fileURLToPath(import.meta.url)), "..");

// The screens' modules reach for Tauri when imported.
globalThis.window = {
  __TAURI__: { core: { invoke: () => new Promise(() => {}) }, event: { listen: () => new Promise(() => {}) } },
};

const screens = await import(pathToFileURL(join(UI, "screens.js")));
const sale = await import(pathToFileURL(join(UI, "sale.js")));

// The modules `entry` imports statically, at any depth, as paths relative to ui/.
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

test("the window's start loads what the sign-in screen needs and no other screen", () => {
  const eager = imported("main.js");
  assert.deepEqual(
    [...eager].sort(),
    ["dom.js", "i18n.js", "keymaps.js", "pin_field.js", "scan_marks.js", "scanner.js", "screens.js", "signin.js"],
  );
  // A screen's module answers its keys (`onKey`): none of them is among the start's.
  const screensAtStart = [...eager].filter((path) =>
    /^export (async )?function onKey\b/m.test(readFileSync(join(UI, path), "utf8")));
  assert.deepEqual(screensAtStart, []);
});

// What the sale screen's footer promises: the key, its words there, the screen it opens.
const OPENED_BY_KEY = [
  ["F1", "Shift", "shift"],
  ["F10", "Refund", "refunds"],
  ["F12", "Setup", "setup"],
];

test("each key the sale's footer names for a screen loads that screen", async () => {
  for (const [key, words, name] of OPENED_BY_KEY) {
    assert.ok(sale.KEYS.some(([k, w]) => k === key && w === words), `the sale's footer names ${key} ${words}`);
    assert.equal(screens.screenForKey(key), name, `${key} opens ${name}`);
    const module = await screens.LAZY_SCREENS[name].load();
    for (const fn of ["init", "open", "onKey"]) assert.equal(typeof module[fn], "function", `${name}.${fn}`);
    // Its own footer says the same key takes the cashier back.
    assert.match(module.TEXT.keys.at(-1)[0], new RegExp(`^${key}\\b`), `${name}'s footer closes with ${key}`);
  }
  assert.deepEqual(Object.keys(screens.LAZY_SCREENS).sort(), OPENED_BY_KEY.map(([, , name]) => name).sort());
  assert.equal(screens.screenForKey("F4"), null, "F4 is the balance screen, part of main.js");
});
