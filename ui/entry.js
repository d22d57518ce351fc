// What a cashier types on the sale screen, read with integer arithmetic only (docs/design.md §4.5):
// amounts to minor units, a line ("12.50", "2x7.95", "Mug 2x7.95", "Coffee beans 12.50"), and
// minor units back to text. Pure: no DOM, unit-tested with node (ui/tests/entry.test.mjs).

// The same limits as kassa-core (money.rs, checkout/model.rs): the till refuses what is over.
import { language as windowLanguage, words } from "./i18n.js";

export const MAX_AMOUNT_MINOR = 100_000_000;
export const MAX_QUANTITY = 9_999;
export const MAX_DESCRIPTION = 120;

// The words of this module, in one place (translated by ui/i18n.js).
export const TEXT = words("entry", {
  defaultDescription: "Item",
  nothing: "(nothing)",
  notAmount: (t) => `'${t}' is not an amount: type digits, such as 12.50`,
  tooManyDecimals: (t, exp, cur) => `'${t}' has more than ${exp} decimals: ${cur} amounts have ${exp}`,
  tooBig: (t) => `'${t}' is more than the till takes at once`,
  zero: (t) => `'${t}' is zero: an amount must be more than 0`,
  notLine: (t) =>
    `'${t}' is not a line: type a price (12.50), a quantity and a price (2x7.95), or a description first (Mug 2x7.95)`,
  quantity: `The quantity must be from 1 to ${MAX_QUANTITY}.`,
  description: `A line's description is at most ${MAX_DESCRIPTION} characters of text.`,
  lineTooBig: "That line is more than the till takes in one sale.",
});

// Digits after the decimal point (ISO 4217), as kassa-core's Currency::exponent.
const ZERO_DECIMALS = new Set(["JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "HUF"]);
const THREE_DECIMALS = new Set(["KWD", "BHD", "JOD", "OMR", "TND"]);

export function exponentOf(currency) {
  if (ZERO_DECIMALS.has(currency)) return 0;
  if (THREE_DECIMALS.has(currency)) return 3;
  return 2;
}

const isDigits = (s) => /^[0-9]*$/.test(s);

// Reads an amount a person typed (`12.50`, `12,50`, `12`, `.5`) as minor units of `currency`:
// digits, at most one decimal separator, no more decimals than the currency has, more than 0
// and at most MAX_AMOUNT_MINOR. Returns {minor} or {error}.
export function parseAmount(text, currency = "EUR") {
  const t = String(text ?? "").trim();
  const shown = t === "" ? TEXT.nothing : t;
  const exp = exponentOf(currency);
  const sep = t.search(/[.,]/);
  const whole = sep < 0 ? t : t.slice(0, sep);
  const frac = sep < 0 ? "" : t.slice(sep + 1);
  if ((whole === "" && frac === "") || !isDigits(whole) || !isDigits(frac)) {
    return { error: TEXT.notAmount(shown) };
  }
  if (frac.length > exp) return { error: TEXT.tooManyDecimals(shown, exp, currency) };
  // Digit by digit, stopping as soon as it is over the limit, so the number stays an exact
  // integer (far below 2^53).
  let minor = 0;
  for (const d of whole + frac.padEnd(exp, "0")) {
    minor = minor * 10 + (d.charCodeAt(0) - 48);
    if (minor > MAX_AMOUNT_MINOR) return { error: TEXT.tooBig(shown) };
  }
  if (minor === 0) return { error: TEXT.zero(shown) };
  return { minor };
}

// `[description] [quantity x] price`: the price is the last word, a quantity (`2x`, `2 x`,
// `2*`, `2×`) may stand before it, and everything before that is the description. Tried in
// this order.
const PRICE = "([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)";
const TIMES = "([0-9]+)\\s*[xX×*]\\s*";
const LINES = [
  [new RegExp(`^${PRICE}$`, "u"), (m) => ["", undefined, m[1]]],
  [new RegExp(`^${TIMES}${PRICE}$`, "u"), (m) => ["", m[1], m[2]]],
  [new RegExp(`^(.*?)\\s+${TIMES}${PRICE}$`, "u"), (m) => [m[1], m[2], m[3]]],
  [new RegExp(`^(.*?)\\s+${PRICE}$`, "u"), (m) => [m[1], undefined, m[2]]],
];

// Reads what was typed into a line. Returns {description, quantity, unitPriceMinor} or {error}.
export function parseLine(text, currency = "EUR") {
  const t = String(text ?? "").trim();
  let parts = null;
  for (const [re, pick] of LINES) {
    const m = re.exec(t);
    if (m) {
      parts = pick(m);
      break;
    }
  }
  if (!parts) return { error: TEXT.notLine(t === "" ? TEXT.nothing : t) };
  const [rawDescription, rawQuantity, rawPrice] = parts;
  const description = rawDescription.trim();
  // A description has a letter, and does not end in a times sign (`7.95 x 2` is no line).
  if (description !== "" && (!/\p{L}/u.test(description) || /(^|\s)[xX×*]$/u.test(description))) {
    return { error: TEXT.notLine(t) };
  }
  if ([...description].length > MAX_DESCRIPTION || /\p{Cc}/u.test(description)) {
    return { error: TEXT.description };
  }
  // Over four digits (leading zeros aside) is over the limit, whatever they are.
  const digits = (rawQuantity ?? "1").replace(/^0+(?=[0-9])/, "");
  const quantity = digits.length > 4 ? Infinity : Number(digits);
  if (!(quantity >= 1 && quantity <= MAX_QUANTITY)) return { error: TEXT.quantity };
  const price = parseAmount(rawPrice, currency);
  if (price.error) return price;
  if (quantity * price.minor > MAX_AMOUNT_MINOR) return { error: TEXT.lineTooBig };
  return {
    description: description || TEXT.defaultDescription,
    quantity,
    unitPriceMinor: price.minor,
  };
}

// Minor units as digits with the language's decimal separator, without a currency: `12.50`
// (en), `12,50` (nl, de).
export function formatPlain(minor, currency = "EUR", language = windowLanguage()) {
  const exp = exponentOf(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, "0");
  if (exp === 0) return sign + digits;
  const sep = language === "en" ? "." : ",";
  return `${sign}${digits.slice(0, -exp)}${sep}${digits.slice(-exp)}`;
}

// An amount as the till shows it: `EUR 12.50` in English (as kassa-core's Money prints it),
// `€ 12,50` in Dutch and German.
export function formatMinor(minor, currency = "EUR", language = windowLanguage()) {
  const plain = formatPlain(minor, currency, language);
  if (language !== "en" && currency === "EUR") return `€ ${plain}`;
  return `${currency} ${plain}`;
}
