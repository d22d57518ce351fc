// Every word the window shows has its Dutch and German translation (ui/i18n.js): each module's
// registered table walked key by key against ui/lang/nl.js and ui/lang/de.js — a word with no
// translation, a translation with no English source, a function whose parameters differ —, and
// index.html's static text and attributes, which must all carry keys.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const UI = join(dirname(fileURLToPath(import.meta.url)), "..");

// The screens' modules reach for Tauri when imported; an invoke that never answers keeps
// ui/main.js's start waiting before it touches the page.
globalThis.window = {
  __TAURI__: { core: { invoke: () => new Promise(() => {}) }, event: { listen: () => new Promise(() => {}) } },
};

const i18n = await import(pathToFileURL(join(UI, "i18n.js")));
const modules = readdirSync(UI).filter((f) => f.endsWith(".js")).sort();
for (const file of modules) await import(pathToFileURL(join(UI, file)));
const tables = i18n.registered();
const TRANSLATIONS = {
  nl: (await import(pathToFileURL(join(UI, "lang", "nl.js")))).default,
  de: (await import(pathToFileURL(join(UI, "lang", "de.js")))).default,
};

const isTable = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const kind = (v) => (Array.isArray(v) ? "list" : isTable(v) ? "table" : typeof v);

// A function's parameter names, as written.
function params(fn) {
  const src = fn.toString();
  const list = src.startsWith("(") || src.startsWith("function") ? src.slice(src.indexOf("(") + 1, src.indexOf(")")) : src.slice(0, src.indexOf("=>"));
  return list.split(",").map((p) => p.trim()).filter(Boolean).join(", ");
}

// What is wrong with `translated` against its English source, as "lang name.path: problem".
function compare(english, translated, path, problems) {
  if (translated === undefined) return problems.push(`${path}: no translation`);
  if (kind(english) !== kind(translated)) {
    return problems.push(`${path}: English is a ${kind(english)}, the translation a ${kind(translated)}`);
  }
  if (typeof english === "function") {
    if (params(english) !== params(translated)) {
      problems.push(`${path}: parameters (${params(translated)}) differ from English (${params(english)})`);
    }
  } else if (typeof english === "string") {
    if (translated.trim() === "") problems.push(`${path}: empty translation`);
  } else if (Array.isArray(english)) {
    if (english.length !== translated.length) {
      problems.push(`${path}: ${translated.length} entries, English has ${english.length}`);
    }
    english.forEach((e, i) => compare(e, translated[i], `${path}.${i}`, problems));
  } else {
    for (const key of Object.keys(english)) compare(english[key], translated[key], `${path}.${key}`, problems);
    for (const key of Object.keys(translated)) {
      if (!(key in english)) problems.push(`${path}.${key}: translation with no English source`);
    }
  }
}

// index.html's keys with their English text, and the text and attributes that carry no key.
function htmlWords() {
  const html = readFileSync(join(UI, "index.html"), "utf8");
  const body = html.slice(html.indexOf("<body"));
  const keys = new Map();
  const untranslated = [];
  const keep = (key, text) => {
    const known = keys.get(key);
    if (known !== undefined && known !== text) untranslated.push(`key ${key} stands for "${known}" and "${text}"`);
    keys.set(key, text);
  };
  for (const [, key, text] of body.matchAll(/<[a-z0-9]+[^>]*\bdata-i18n="([^"]+)"[^>]*>([^<]*)</g)) keep(key, text.trim());
  for (const [, tag] of body.matchAll(/(<[a-z0-9]+[^>]*>)/g)) {
    for (const attr of ["title", "aria-label", "placeholder"]) {
      const value = tag.match(new RegExp(`\\s${attr}="([^"]*)"`));
      const key = tag.match(new RegExp(`data-i18n-${attr}="([^"]*)"`));
      if (value && !key) untranslated.push(`${attr}="${value[1]}" has no data-i18n-${attr}`);
      if (value && key) keep(key[1], value[1]);
    }
  }
  // Text outside a keyed element: what is left once keyed elements, key names (kbd), commands
  // (code), the brand and the lines' column mark are taken out.
  const rest = body
    .replace(/<([a-z0-9]+)[^>]*\bdata-i18n="[^"]+"[^>]*>[^<]*<\/\1>/g, "")
    .replace(/<(kbd|code)[^>]*>[^<]*<\/\1>/g, "")
    .replace(/<span class="brand">Kassa<\/span>/, "")
    .replace(/<th class="pos">#<\/th>/, "");
  for (const [, text] of rest.matchAll(/>([^<]+)</g)) {
    const words = text.replace(/[·\s]/g, "");
    if (words) untranslated.push(`"${text.trim()}" has no data-i18n key`);
  }
  return { keys, untranslated };
}

test("every module with words registers them with ui/i18n.js", () => {
  const missing = [];
  for (const file of modules) {
    const source = readFileSync(join(UI, file), "utf8");
    const name = basename(file, ".js");
    if (/\b(TEXT|KEYS)\s*=/.test(source) && ![...tables.keys()].some((t) => t === name || t.startsWith(`${name}.`))) {
      missing.push(file);
    }
  }
  assert.deepEqual(missing, [], `modules whose words are not registered with words(name, table): ${missing.join(", ")}`);
  assert.ok(tables.size >= 8, `only ${tables.size} tables registered`);
});

for (const lang of ["nl", "de"]) {
  test(`every word of every module has its ${lang} translation`, () => {
    const catalog = TRANSLATIONS[lang];
    const problems = [];
    for (const [name, table] of tables) compare(table, catalog[name], `${lang} ${name}`, problems);
    for (const name of Object.keys(catalog)) {
      if (name !== "html" && !tables.has(name)) problems.push(`${lang} ${name}: translations for no module`);
    }
    assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
  });

  test(`every word of index.html has its ${lang} translation`, () => {
    const { keys, untranslated } = htmlWords();
    const html = TRANSLATIONS[lang].html;
    const problems = [...untranslated];
    for (const [key, text] of keys) {
      if (typeof html[key] !== "string" || html[key].trim() === "") problems.push(`${lang} html.${key} ("${text}"): no translation`);
    }
    for (const key of Object.keys(html)) {
      if (!keys.has(key)) problems.push(`${lang} html.${key}: translation with no key in index.html`);
    }
    assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
    assert.ok(keys.size > 40, `only ${keys.size} keys found in index.html`);
  });
}

test("the compare finds a missing word, an extra one and different parameters", () => {
  const problems = [];
  compare({ a: "A", b: (n) => `${n}`, c: { d: "D" } }, { b: (m) => `${m}`, c: { d: "d", e: "e" } }, "x", problems);
  assert.deepEqual(problems, [
    "x.a: no translation",
    "x.b: parameters (m) differ from English (n)",
    "x.c.e: translation with no English source",
  ]);
});

test("the language set translates every table in place; dates and money in its format", async () => {
  const sale = await import(pathToFileURL(join(UI, "sale.js")));
  const entry = await import(pathToFileURL(join(UI, "entry.js")));
  const when = new Date(2025, 2, 12, 14, 5);
  assert.equal(sale.TEXT.paid, "Paid");
  assert.equal(entry.formatMinor(1250, "EUR"), "EUR 12.50");
  await i18n.setLanguage("nl");
  assert.equal(sale.TEXT.paid, "Betaald");
  assert.equal(sale.TEXT.lastPaid("€ 2,50"), "betaald, wisselgeld € 2,50");
  assert.deepEqual(sale.KEYS[1], ["F1", "Dienst"]);
  assert.deepEqual(sale.KEYS[2], ["F2", "Contant"]);
  assert.equal(entry.formatMinor(1250, "EUR"), "€ 12,50");
  assert.match(i18n.formatDateTime(when), /^12-03-2025,? 14:05$/);
  await i18n.setLanguage("de");
  assert.equal(sale.TEXT.paid, "Bezahlt");
  assert.match(i18n.formatDateTime(when), /^12\.03\.25,? 14:05$/);
  await i18n.setLanguage("fr");
  assert.equal(i18n.language(), "en");
  assert.equal(sale.TEXT.paid, "Paid");
  assert.deepEqual(sale.KEYS[2], ["F2", "Cash"]);
});
