// Unit tests of the PIN field's rules: node --test ui/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { clearWhenIdle, takePin, PIN_IDLE_MS } from "../pin_field.js";

// A field as the DOM has it: a value, and the events typing fires.
function field() {
  return Object.assign(new EventTarget(), { value: "" });
}

// Timers the test moves by hand.
function clock() {
  let now = 0, next = 1;
  const due = new Map();
  return {
    setTimeout(fn, ms) { due.set(next, { at: now + ms, fn }); return next++; },
    clearTimeout(id) { due.delete(id); },
    advance(ms) {
      now += ms;
      for (const [id, t] of [...due]) if (t.at <= now) { due.delete(id); t.fn(); }
    },
  };
}

function type(input, text) {
  input.value += text;
  input.dispatchEvent(new Event("input"));
}

test("a PIN is taken once: the field is empty after its use", () => {
  const pin = field();
  type(pin, "482193");
  assert.equal(takePin(pin), "482193");
  assert.equal(pin.value, "");
});

test("a PIN left in the field is cleared after a short idle time", () => {
  const pin = field(), timers = clock();
  clearWhenIdle(pin, PIN_IDLE_MS, timers);
  type(pin, "4821");
  timers.advance(PIN_IDLE_MS - 1);
  assert.equal(pin.value, "4821", "not while the manager may still be typing");
  timers.advance(1);
  assert.equal(pin.value, "");
});

test("each key typed starts the idle time again", () => {
  const pin = field(), timers = clock();
  clearWhenIdle(pin, 30_000, timers);
  type(pin, "48");
  timers.advance(20_000);
  type(pin, "21");
  timers.advance(20_000);
  assert.equal(pin.value, "4821");
  timers.advance(10_000);
  assert.equal(pin.value, "");
});
