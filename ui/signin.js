// The sign-in screen: the window opens on it, and the screen locks back onto it (F11, or after
// `[register] lock_after_minutes` without a key). A cashier types their name, Enter, their PIN
// (a password field: the scanner never feeds it), Enter. While it shows, the till's other keys
// do nothing and a scan is not acted on. The Rust side refuses the till's commands while
// locked, whatever the screen shows (src-tauri/cashier_commands.rs).

import { $, el } from "./dom.js";
import { clearWhenIdle, takePin } from "./pin_field.js";
import { words } from "./i18n.js";

const { invoke } = window.__TAURI__.core;

// The words of this module, in one place (translated by ui/i18n.js).
export const TEXT = words("signin", {
  title: "Sign in",
  lockedTitle: "Locked",
  name: "Your name",
  pin: "Your PIN",
  keys: "Enter: next · Enter on the PIN: sign in",
  lockedBy: (who) => `Locked while ${who} was signed in: their PIN opens it, or another cashier signs in.`,
  training: (cashier, pin, managerPin) =>
    `Training: ${cashier}, PIN ${pin} · Manager, PIN ${managerPin}`,
  scanLocked: "The till is locked: sign in first. The scan was not used.",
});

let session = null;
let done = null;
let lastKey = Date.now();

// Whether the sign-in screen is up: the till's keys and scans wait.
export const isLocked = () => !$("signin-panel").hidden;

// "Anna (cashier)" in the top bar.
function showCashier() {
  $("cashier-name").textContent = session?.cashier ?? "";
}

function showPanel() {
  $("signin-panel").hidden = false;
  $("signin-title").textContent = session?.cashier ? TEXT.lockedTitle : TEXT.title;
  $("signin-who").textContent = session?.cashier ? TEXT.lockedBy(session.cashier) : "";
  $("signin-name").value = session?.name ?? "";
  $("signin-pin").value = "";
  $("signin-error").textContent = "";
  ($("signin-name").value ? $("signin-pin") : $("signin-name")).focus();
}

// Shows the sign-in screen; resolves once a cashier has signed in.
export function required() {
  showPanel();
  return new Promise((resolve) => {
    done = resolve;
  });
}

async function signIn() {
  $("signin-error").textContent = "";
  try {
    session = await invoke("cashier_sign_in", { name: $("signin-name").value, pin: takePin($("signin-pin")) });
    showCashier();
    $("signin-panel").hidden = true;
    lastKey = Date.now();
    done?.();
    done = null;
  } catch (error) {
    $("signin-error").textContent = error.message ?? String(error);
    $("signin-pin").focus();
  }
}

// Locks the screen (F11, or idle): the Rust side refuses until a PIN opens it.
export async function lock() {
  session = await invoke("cashier_lock");
  showCashier();
  showPanel();
  return new Promise((resolve) => {
    done = resolve;
  });
}

// A scan while locked: said, not used.
export function scanWhileLocked() {
  $("signin-error").textContent = TEXT.scanLocked;
  if (document.activeElement === $("signin-name")) $("signin-name").value = "";
}

// Builds the screen; `info`: app_info, whose `session` is who is signed in as the till has it
// (answered back).
export function init(info, onUnlocked) {
  const name = el("input", { id: "signin-name", type: "text", autocomplete: "off", spellcheck: "false", maxlength: "40" });
  const pin = el("input", { id: "signin-pin", type: "password", inputmode: "numeric", autocomplete: "off", maxlength: "12" });
  clearWhenIdle(pin);
  session = info.session;
  const training = session.trainingCashier
    ? el("p", { class: "hint", id: "signin-training" }, TEXT.training(session.trainingCashier, session.trainingCashierPin, info.training_pin))
    : null;
  $("signin-panel").replaceChildren(
    el("div", { class: "dialog signin" },
      el("h2", { id: "signin-title" }, TEXT.title),
      el("p", { id: "signin-who", class: "hint" }),
      el("label", { for: "signin-name" }, TEXT.name), name,
      el("label", { for: "signin-pin" }, TEXT.pin), pin,
      el("p", { id: "signin-error", class: "inline-error", role: "alert" }),
      training,
      el("p", { class: "dialog-keys" }, TEXT.keys)),
  );
  name.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    pin.focus();
  });
  pin.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    signIn();
  });
  window.addEventListener("keydown", () => {
    lastKey = Date.now();
  }, true);
  if (session.lockAfterMinutes > 0) {
    setInterval(async () => {
      if (!isLocked() && Date.now() - lastKey >= session.lockAfterMinutes * 60_000) {
        await lock();
        onUnlocked();
      }
    }, 10_000);
  }
  showCashier();
  return session;
}
