// The window's languages: English, Dutch and German. Each module keeps its words in one table
// (`TEXT`, in English) and registers it here with `words(name, table)`; ui/lang/nl.js and
// ui/lang/de.js hold the translations keyed by the same names and keys (a function for a string
// with values, with the same parameters). `setLanguage` (ui/main.js, from `app_info`'s
// `language`) imports that language's file only and writes its words into every table in
// place, so each module keeps reading `TEXT.x` as before. index.html's static text carries `data-i18n` keys (and
// `data-i18n-title`, `data-i18n-aria-label` for attributes), translated by `translateDocument`
// under the name `html`. Dates and times in the language's format (`formatDateTime`).
// ui/tests/i18n.test.mjs fails on a word with no translation.

export const LANGUAGES = ["en", "nl", "de"];
// The catalogs imported so far, by language (English needs none).
const TRANSLATIONS = {};
const LOCALES = { en: "en-GB", nl: "nl-NL", de: "de-DE" };

const tables = new Map();
// Each table's English words, copied when registered, to switch back.
const english = new Map();
let current = "en";

const isTable = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

// A table's copy: nested tables and lists copied, words and functions shared.
function copy(value) {
  if (Array.isArray(value)) return value.map(copy);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

// Writes `translated` over `table` in place: nested tables key by key, lists element by element.
function overlay(table, translated) {
  if (Array.isArray(table)) {
    table.splice(0, table.length, ...translated);
    return;
  }
  for (const [key, value] of Object.entries(translated)) {
    if (isTable(table[key]) && isTable(value)) overlay(table[key], value);
    else if (Array.isArray(table[key]) && Array.isArray(value)) overlay(table[key], value);
    else if (key in table) table[key] = value;
  }
}

// Registers a module's words (English) under `name`; answers the same table, which the
// language set (now or later) translates in place.
export function words(name, table) {
  tables.set(name, table);
  english.set(name, copy(table));
  const translated = TRANSLATIONS[current]?.[name];
  if (translated) overlay(table, translated);
  return table;
}

// The registered tables by name (for the test that every word is translated).
export const registered = () => new Map(tables);

// The window's language: `en` (also for anything unknown), `nl` or `de`.
export const language = () => current;

// Sets the window's language (at start, from `app_info`): its catalog imported, every table
// registered so far, and any registered later, in that language.
export async function setLanguage(code) {
  const next = LANGUAGES.includes(code) ? code : "en";
  if (next !== "en" && !TRANSLATIONS[next]) TRANSLATIONS[next] = (await import(`./lang/${next}.js`)).default;
  if (next === current) return;
  current = next;
  for (const [name, table] of tables) {
    overlay(table, copy(english.get(name)));
    const translated = TRANSLATIONS[current]?.[name];
    if (translated) overlay(table, translated);
  }
}

// index.html's static words in the window's language.
export function translateDocument(doc) {
  const html = TRANSLATIONS[current]?.html;
  if (!html) return;
  doc.documentElement.lang = current;
  for (const node of doc.querySelectorAll("[data-i18n]")) {
    const text = html[node.dataset.i18n];
    if (text !== undefined) node.textContent = text;
  }
  for (const attr of ["title", "aria-label", "placeholder"]) {
    for (const node of doc.querySelectorAll(`[data-i18n-${attr}]`)) {
      const text = html[node.getAttribute(`data-i18n-${attr}`)];
      if (text !== undefined) node.setAttribute(attr, text);
    }
  }
}

// A date and time (a Date, an ISO string or epoch milliseconds) as the language writes it:
// `12-03-2025, 14:05` (nl), `12.03.25, 14:05` (de), `12/03/2025, 14:05` (en).
export function formatDateTime(when, code = current) {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return String(when ?? "");
  return new Intl.DateTimeFormat(LOCALES[code] ?? LOCALES.en, { dateStyle: "short", timeStyle: "short" }).format(date);
}
