// A manager PIN field (docs/design.md §6, §7a): emptied as soon as its PIN is used, and after
// `idleMs` without typing, so that a PIN left in the field cannot approve the next decision.

export const PIN_IDLE_MS = 30_000;

// The PIN typed into `input`; the field is empty again.
export function takePin(input) {
  const pin = input.value;
  input.value = "";
  return pin;
}

// Empties `input` once `idleMs` pass after the last key typed into it. `timers` has
// setTimeout/clearTimeout (the window's, or a test's).
export function clearWhenIdle(input, idleMs = PIN_IDLE_MS, timers = globalThis) {
  let timer = null;
  input.addEventListener("input", () => {
    timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      input.value = "";
      timer = null;
    }, idleMs);
  });
}
