// Telling a barcode scanner (keyboard wedge) from a person typing, wherever focus is:
// a scanner types fast, at least `minLength` keys, and ends with Enter or Tab (docs/design.md §7).

import { decodeKey } from "./keymaps.js";

// The pure part: feed key presses, get told when one completes a scan.
export class ScanDetector {
  constructor({ maxKeyGapMs = 50, minLength = 4, layout = "us" } = {}) {
    this.maxKeyGapMs = maxKeyGapMs;
    this.minLength = minLength;
    this.layout = layout;
    this.reset();
  }

  reset() {
    this.chars = [];
    this.last = -Infinity;
    this.origin = null;
    this.secret = false;
    this.startedAt = null;
  }

  // `event` has key, code, shiftKey, ctrlKey, altKey, metaKey and timeStamp (ms). `secret`:
  // the key went to a PIN field, which the scanner never reads — its character is not kept,
  // and a burst that reached a PIN field is a scan without a code (`code: null`).
  // Returns {type: "char", burst} for a typing key, {type: "scan", code, origin, startedAt}
  // when a terminator completes a scan (`startedAt`: the timeStamp of the burst's first key),
  // or {type: "other"}.
  feed(event, origin = null, secret = false) {
    const gap = event.timeStamp - this.last;
    const inBurst = gap <= this.maxKeyGapMs;
    if (event.key === "Enter" || event.key === "Tab") {
      const code = this.secret ? null : this.chars.join("");
      const { origin: scanOrigin, startedAt } = this;
      const isScan = inBurst && this.chars.length >= this.minLength;
      this.reset();
      return isScan ? { type: "scan", code, origin: scanOrigin, startedAt } : { type: "other" };
    }
    if (event.ctrlKey || event.metaKey || (event.altKey && !event.getModifierState?.("AltGraph"))) {
      this.reset();
      return { type: "other" };
    }
    const ch = decodeKey(event, this.layout);
    if (ch === null) return { type: "other" }; // Shift and friends keep the burst going
    if (!inBurst) {
      this.chars = [];
      this.origin = origin;
      this.secret = false;
      this.startedAt = event.timeStamp;
    }
    this.secret ||= secret;
    this.chars.push(secret ? "" : ch);
    this.last = event.timeStamp;
    return { type: "char", burst: this.chars.length > 1 };
  }
}

function isEditable(el) {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;
}

function isPinField(el) {
  return el instanceof HTMLInputElement && el.type === "password";
}

// Listens on the whole window. When a scan completes, the characters it typed into a text
// field are taken out again (the field gets back the value it had before the burst) and
// `onScan(code, keys)` is called — with `null` for a burst that reached a PIN field, whose keys
// the scanner never reads; `keys` says when the burst's first key and its terminator came
// (`startedAt`, `endedAt`: event times). Typing by hand is never swallowed.
export function listenForScans(target, options, onScan) {
  const detector = new ScanDetector(options);
  target.addEventListener(
    "keydown",
    (event) => {
      const el = event.target;
      const snapshot = isEditable(el)
        ? { el, value: el.value, start: el.selectionStart, end: el.selectionEnd }
        : null;
      const result = detector.feed(event, snapshot, isPinField(el));
      if (result.type !== "scan") return;
      event.preventDefault();
      event.stopPropagation();
      const origin = result.origin;
      if (origin && origin.el.value !== origin.value) {
        origin.el.value = origin.value;
        origin.el.setSelectionRange(origin.start, origin.end);
      }
      onScan(result.code, { startedAt: result.startedAt, endedAt: event.timeStamp });
    },
    { capture: true },
  );
  return detector;
}
