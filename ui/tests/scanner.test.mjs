// Unit tests of the scanner's pure logic: node --test ui/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScanDetector } from "../scanner.js";
import { decodeKey } from "../keymaps.js";

// Key presses as a US-programmed scanner sends them: physical codes plus Shift.
const US_CODES = {
  ":": ["Semicolon", true], "/": ["Slash", false], ".": ["Period", false], "?": ["Slash", true],
  "=": ["Equal", false], "-": ["Minus", false], "_": ["Minus", true],
};
function press(ch, t, osKey = ch) {
  let code, shiftKey = false;
  if (/[a-z]/.test(ch)) code = `Key${ch.toUpperCase()}`;
  else if (/[A-Z]/.test(ch)) { code = `Key${ch}`; shiftKey = true; }
  else if (/[0-9]/.test(ch)) code = `Digit${ch}`;
  else [code, shiftKey] = US_CODES[ch];
  return { key: osKey, code, shiftKey, timeStamp: t };
}
const enter = (t) => ({ key: "Enter", code: "Enter", timeStamp: t });

function feedAll(detector, text, { gap = 8, start = 1000, osKeys } = {}) {
  let t = start, last;
  [...text].forEach((ch, i) => {
    last = detector.feed(press(ch, t, osKeys ? osKeys[i] : ch));
    t += gap;
  });
  return detector.feed(enter(t));
}

test("a fast burst ending in Enter is a scan", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  assert.deepEqual(feedAll(d, "4165100001"), {
    type: "scan",
    code: "4165100001",
    origin: null,
    startedAt: 1000,
  });
});

test("a scan starts at its burst's first key, not at keys typed by hand before it", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  d.feed(press("7", 100));
  d.feed(press("3", 400));
  assert.equal(feedAll(d, "4165100001", { start: 700 }).startedAt, 700);
  assert.equal(feedAll(d, "QTHX", { start: 5000 }).startedAt, 5000, "each scan its own start");
});

test("typing by hand is not a scan", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  assert.equal(feedAll(d, "4165100001", { gap: 180 }).type, "other");
});

test("a short burst is not a scan", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  assert.equal(feedAll(d, "41").type, "other");
});

test("a pause before Enter means a person pressed it", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  for (const [i, ch] of [..."4165100001"].entries()) d.feed(press(ch, 1000 + i * 5));
  assert.equal(d.feed(enter(2000)).type, "other");
});

test("a QR URL typed under a German OS layout decodes by physical key", () => {
  const url = "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";
  // What a German OS layout reports as event.key for a US scanner's key presses.
  const deKey = { y: "z", z: "y", ":": "Ö", "/": "-", "?": "_", "=": "´", "-": "ß", "_": "?" };
  const osKeys = [...url].map((ch) => deKey[ch] ?? ch);
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4, layout: "us" });
  assert.equal(feedAll(d, url, { osKeys }).code, url);
});

test("a scanner programmed for German decodes under the de table", () => {
  assert.equal(decodeKey({ code: "KeyZ", shiftKey: false, key: "z" }, "de"), "y");
  assert.equal(decodeKey({ code: "Digit7", shiftKey: true, key: "/" }, "de"), "/");
  assert.equal(decodeKey({ code: "Period", shiftKey: true, key: ":" }, "de"), ":");
});

test("events without a code fall back to the key; Shift alone types nothing", () => {
  assert.equal(decodeKey({ code: "", key: "7" }), "7");
  assert.equal(decodeKey({ code: "ShiftLeft", key: "Shift" }), null);
});

test("a burst into a PIN field is a scan without its code, and a PIN is never kept", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  let t = 1000;
  for (const ch of "4165100001") d.feed(press(ch, (t += 8)), null, true);
  assert.deepEqual(d.chars.join(""), "", "no character of a PIN field is kept");
  assert.deepEqual(d.feed(enter(t + 8)), { type: "scan", code: null, origin: null, startedAt: 1008 });

  // Typed by hand into the PIN field, then a scan elsewhere: the scan has its code.
  for (const ch of "482193") d.feed(press(ch, (t += 300)), null, true);
  assert.equal(d.feed(enter((t += 300))).type, "other");
  assert.equal(feedAll(d, "4165100002", { start: t + 1000 }).code, "4165100002");
});

test("a burst that reaches a PIN field part-way is not read either", () => {
  const d = new ScanDetector({ maxKeyGapMs: 50, minLength: 4 });
  let t = 1000;
  [..."4165100001"].forEach((ch, i) => d.feed(press(ch, (t += 8)), null, i >= 5));
  assert.equal(d.feed(enter(t + 8)).code, null);
});
