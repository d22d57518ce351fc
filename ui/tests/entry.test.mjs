// Unit tests of what the sale screen reads from the keypad: node --test ui/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMinor, formatPlain, parseAmount, parseLine, MAX_AMOUNT_MINOR } from "../entry.js";

test("amounts are read as minor units, with a point or a comma", () => {
  assert.deepEqual(parseAmount("12.50"), { minor: 1250 });
  assert.deepEqual(parseAmount("12,50"), { minor: 1250 });
  assert.deepEqual(parseAmount("12"), { minor: 1200 });
  assert.deepEqual(parseAmount("12.5"), { minor: 1250 });
  assert.deepEqual(parseAmount(".05"), { minor: 5 });
  assert.deepEqual(parseAmount(" 0.10 "), { minor: 10 });
  assert.deepEqual(parseAmount("1.10"), { minor: 110 });
  // The classic float trap: 0.1 + 0.2 and 4.35 * 100 are not what they seem in floats.
  assert.deepEqual(parseAmount("4.35"), { minor: 435 });
  assert.deepEqual(parseAmount("1.005", "KWD"), { minor: 1005 });
  assert.deepEqual(parseAmount("1200", "JPY"), { minor: 1200 });
});

test("what is not an amount is refused with a reason", () => {
  for (const bad of ["", " ", "abc", "12.5.0", "-3", "+3", "1e3", "12 50", ".", "12..5", "0x10"]) {
    const r = parseAmount(bad);
    assert.ok(r.error, `'${bad}' must be refused`);
    assert.equal(r.minor, undefined);
  }
  assert.match(parseAmount("12.505").error, /more than 2 decimals/);
  assert.match(parseAmount("12.5", "JPY").error, /more than 0 decimals/);
  assert.match(parseAmount("0").error, /zero/);
  assert.match(parseAmount("0.00").error, /zero/);
  assert.match(parseAmount("").error, /\(nothing\)/);
});

test("amounts over the till's limit are refused, however long", () => {
  assert.deepEqual(parseAmount("1000000.00"), { minor: MAX_AMOUNT_MINOR });
  assert.match(parseAmount("1000000.01").error, /more than the till takes/);
  assert.match(parseAmount("99999999999999999999999999").error, /more than the till takes/);
});

test("a price alone is one Item line", () => {
  assert.deepEqual(parseLine("12.50"), { description: "Item", quantity: 1, unitPriceMinor: 1250 });
  assert.deepEqual(parseLine("30"), { description: "Item", quantity: 1, unitPriceMinor: 3000 });
});

test("a quantity before the price, with x, X, * or ×", () => {
  const mugs = { description: "Item", quantity: 2, unitPriceMinor: 795 };
  assert.deepEqual(parseLine("2x7.95"), mugs);
  assert.deepEqual(parseLine("2X7,95"), mugs);
  assert.deepEqual(parseLine("2*7.95"), mugs);
  assert.deepEqual(parseLine("2 × 7.95"), mugs);
  assert.deepEqual(parseLine("2 x 7.95"), mugs);
});

test("a description first", () => {
  assert.deepEqual(parseLine("Mug 2x7.95"), { description: "Mug", quantity: 2, unitPriceMinor: 795 });
  assert.deepEqual(parseLine("Coffee beans 12.50"), { description: "Coffee beans", quantity: 1, unitPriceMinor: 1250 });
  assert.deepEqual(parseLine("  Box of 6 2 x 3,00 "), { description: "Box of 6", quantity: 2, unitPriceMinor: 300 });
  assert.deepEqual(parseLine("Kaffee Bohnen 9"), { description: "Kaffee Bohnen", quantity: 1, unitPriceMinor: 900 });
  assert.deepEqual(parseLine("Größe 42 59.95"), { description: "Größe 42", quantity: 1, unitPriceMinor: 5995 });
});

test("what is not a line says how to type one", () => {
  for (const bad of ["", "Mug", "Mug 2x", "7.95 x 2", "x7.95", "Mug -3", "Mug 2x7.95x3"]) {
    const r = parseLine(bad);
    assert.ok(r.error, `'${bad}' must be refused`);
  }
  assert.match(parseLine("Mug").error, /not a line.*2x7\.95/);
  assert.match(parseLine("7.95 x 2").error, /not a line/);
  assert.match(parseLine("Mug 0x7.95").error, /quantity/);
  assert.match(parseLine("10000x1").error, /quantity/);
  assert.match(parseLine("123456789012345678901x1").error, /quantity/);
  assert.deepEqual(parseLine("0000000000000002x1"), { description: "Item", quantity: 2, unitPriceMinor: 100 });
  assert.match(parseLine("Mug 0").error, /zero/);
  assert.match(parseLine("Mug 1.999").error, /decimals/);
  assert.match(parseLine("9999x1000000").error, /more than the till takes in one sale/);
  assert.match(parseLine(`${"a".repeat(121)} 1`).error, /at most 120/);
});

test("minor units print as the till prints money", () => {
  assert.equal(formatMinor(1250, "EUR"), "EUR 12.50");
  assert.equal(formatMinor(5, "EUR"), "EUR 0.05");
  assert.equal(formatMinor(0, "EUR"), "EUR 0.00");
  assert.equal(formatMinor(-5, "EUR"), "EUR -0.05");
  assert.equal(formatMinor(1200, "JPY"), "JPY 1200");
  assert.equal(formatMinor(1005, "KWD"), "KWD 1.005");
  assert.equal(formatMinor(2840, "EUR", "nl"), "€ 28,40");
  assert.equal(formatPlain(795, "EUR"), "7.95");
  assert.equal(formatPlain(795, "EUR", "de"), "7,95");
  assert.equal(formatPlain(MAX_AMOUNT_MINOR, "EUR"), "1000000.00");
});
