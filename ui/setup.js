// The setup screen (F12): a manager sets the till up without a text editor. The manager's PIN
// first; then the register and each provider's settings as the configuration file holds them
// (an empty field is the setting's default), each provider's secrets as password fields that
// show only "set" or "not set" and are emptied once the till has them, "Test connection", and
// "Sign in" for Lightspeed and Shopwave (the system browser opens; the till catches its return).
// Keyboard only: Tab between fields, Enter saves the settings (or, in a secret's field, sets that
// secret), F3 tests the connection and F5 signs in to the provider whose section has the focus,
// F12 / Esc go back. The PIN is kept while the screen is open, and forgotten when it closes.
// The running till keeps the settings it opened with: the screen says to close and open it.

import { $, el, fill } from "./dom.js";
import { errorView } from "./errors.js";
import { takePin } from "./pin_field.js";
import { words } from "./i18n.js";

const { invoke } = window.__TAURI__.core;

// Every word this screen shows, in one place (translated by ui/i18n.js).
export const TEXT = words("setup", {
  keys: [["Enter", "Save / set the secret"], ["Tab", "Next field"], ["F3", "Test connection"], ["F5", "Sign in"], ["F12 / Esc", "Back to the sale"]],
  title: "Setup",
  unlockHint: "Setting the till up is for a manager: type the manager's PIN and press Enter.",
  pin: "Manager PIN",
  file: (path) => `Settings file: ${path}`,
  trainingNow: "No provider is set up: the till runs in training mode. Saving a first provider takes it out of training mode.",
  register: "Register",
  providerNames: { leat: "Leat", zmyle: "zmyle", lightspeed: "Lightspeed", shopwave: "Shopwave (back-office)" },
  configured: "set up",
  notConfigured: "not set up",
  signedIn: "signed in",
  notSignedIn: "not signed in",
  secrets: "Secrets (kept in the OS keyring, never shown)",
  secretSet: "set",
  secretNotSet: "not set",
  secretPlaceholder: "paste and press Enter",
  defaultPlaceholder: "default",
  none: "(default)",
  // A choice's words where its value is a code (each language by its own name).
  choices: { en: "English", nl: "Nederlands", de: "Deutsch" },
  test: "Test connection (F3)",
  signIn: (name) => `Sign in with ${name} (F5)`,
  labels: {
    "register.name": "Till name",
    "register.id": "Till id",
    "register.shop": "Shop name (receipt head)",
    "register.currency": "Currency",
    "register.language": "Language",
    base_url: "Address (base URL)",
    api: "API family",
    auth: "Sign-in kind",
    client_id: "Client id",
    shop_uuid: "Shop UUID",
    partner_id: "Partner id",
    card_pattern: "Card pattern",
    timeout_ms: "Timeout (ms)",
    store: "Store",
    idempotency_header: "Idempotency header",
    hold_minutes: "Hold minutes",
    domain_prefix: "Domain prefix",
    api_version: "API version",
    redirect_uri: "Redirect URI (this computer)",
    registers: "Registers",
    time_zone: "Time zone",
    token_url: "Token URL",
    store_id: "Store id",
    accept_version: "API version",
    batch_size: "Batch size",
    settle_ms: "Settle time (ms)",
  },
  nothingChanged: "Nothing was changed.",
  saving: "Saving…",
  saved: (path) => `Saved in ${path}. Close the till and open it again to use the new settings.`,
  secretDone: (name) => `${name} is set.`,
  testing: (name) => `Asking ${name}…`,
  testOk: (name, detail) => `${name}: ${detail}`,
  testFailed: (name, detail) => `${name} did not answer as it should: ${detail}`,
  signingIn: (name, url) => `The browser opened ${name}'s sign-in page: finish there, then come back. If no browser opened, go to ${url}`,
  noProvider: "Put the focus in a provider's section first (Tab).",
  noSignIn: "Only Lightspeed and Shopwave sign in through the browser.",
  leaveTitle: "Leave training mode?",
  leaveText: "Once saved, the till takes real payments from the providers set up here, in a database of its own. Training's practice sales stay in training.",
  leaveKeys: "Enter: Leave training mode and save · Esc: Back",
});

// Each section's settings: [name, kind, choices]; kind "text", "int" or "choice".
const PROVIDERS = {
  leat: [["base_url", "text"], ["api", "choice", ["oauth", "register"]], ["auth", "choice", ["api_key", "personal_access_token", "client_credentials"]], ["client_id", "int"], ["shop_uuid", "text"], ["partner_id", "text"], ["card_pattern", "text"], ["timeout_ms", "int"]],
  zmyle: [["base_url", "text"], ["store", "text"], ["idempotency_header", "text"], ["hold_minutes", "int"], ["card_pattern", "text"], ["timeout_ms", "int"]],
  lightspeed: [["domain_prefix", "text"], ["base_url", "text"], ["api_version", "text"], ["auth", "choice", ["personal", "oauth"]], ["client_id", "text"], ["redirect_uri", "text"], ["registers", "int"], ["card_pattern", "text"], ["time_zone", "text"], ["timeout_ms", "int"]],
  shopwave: [["base_url", "text"], ["token_url", "text"], ["client_id", "text"], ["store_id", "text"], ["redirect_uri", "text"], ["accept_version", "text"], ["batch_size", "int"], ["timeout_ms", "int"], ["settle_ms", "int"]],
};
const REGISTER = [["register.name", "text"], ["register.id", "text"], ["register.shop", "text"], ["register.currency", "text"], ["register.language", "choice", ["en", "nl", "de"]]];
const SIGN_IN = ["lightspeed", "shopwave"];

const state = { pin: null, data: null, busy: false };

function say(text) {
  fill($("setup-message"), text);
  fill($("setup-error"));
}

function fail(error) {
  const view = errorView(error);
  fill($("setup-message"));
  fill($("setup-error"), `${view.title}: ${view.text}`);
}

// A setting's input: its dotted key, its kind and the value the file holds.
function field(key, kind, choices, value, placeholder) {
  const id = `setup-${key.replaceAll(".", "-")}`;
  const initial = value === undefined || value === null ? "" : String(value);
  const input = kind === "choice"
    ? el("select", { id }, el("option", { value: "" }, TEXT.none), ...choices.map((c) => el("option", { value: c }, TEXT.choices[c] ?? c)))
    : el("input", { id, type: "text", autocomplete: "off", spellcheck: "false", placeholder, inputmode: kind === "int" ? "numeric" : undefined });
  input.value = initial;
  input.dataset.key = key;
  input.dataset.kind = kind;
  input.dataset.initial = initial;
  const name = key.split(".").pop();
  return el("div", { class: "setup-field" }, el("label", { for: id }, TEXT.labels[key] ?? TEXT.labels[name] ?? name), input);
}

function secretRow(secret) {
  const id = `setup-secret-${secret.name.replaceAll(".", "-")}`;
  const input = el("input", { id, type: "password", autocomplete: "off", placeholder: TEXT.secretPlaceholder });
  input.dataset.secret = secret.name;
  return el(
    "div",
    { class: "setup-field" },
    el("label", { for: id }, secret.name),
    input,
    el("span", { class: "setup-secret-state", "data-set": secret.set ? "yes" : "no" }, secret.set ? TEXT.secretSet : TEXT.secretNotSet),
  );
}

function providerSection(p, data) {
  const name = TEXT.providerNames[p.provider];
  const status = [p.configured ? TEXT.configured : TEXT.notConfigured];
  if (p.signedIn !== null && p.signedIn !== undefined) status.push(p.signedIn ? TEXT.signedIn : TEXT.notSignedIn);
  const test = el("button", { type: "button" }, TEXT.test);
  test.addEventListener("click", () => testConnection(p.provider));
  const buttons = el("div", { class: "setup-buttons" }, test);
  if (SIGN_IN.includes(p.provider)) {
    const signIn = el("button", { type: "button" }, TEXT.signIn(name));
    signIn.addEventListener("click", () => startSignIn(p.provider));
    buttons.append(signIn);
  }
  return el(
    "fieldset",
    { "data-provider": p.provider, "data-configured": p.configured ? "yes" : "no" },
    el("legend", {}, `${name} — ${status.join(", ")}`),
    ...PROVIDERS[p.provider].map(([n, kind, choices]) =>
      field(`providers.${p.provider}.${n}`, kind, choices, p.settings[n], TEXT.defaultPlaceholder)),
    el("h3", {}, TEXT.secrets),
    ...data.secrets.filter((s) => s.provider === p.provider).map(secretRow),
    buttons,
  );
}

function render(data) {
  state.data = data;
  const register = el(
    "fieldset",
    { "data-section": "register" },
    el("legend", {}, TEXT.register),
    ...REGISTER.map(([key, kind, choices]) => field(key, kind, choices, data.register[key.split(".")[1]], "")),
  );
  fill(
    $("setup-form"),
    el("p", { class: "hint" }, TEXT.file(data.configFile)),
    data.training ? el("p", { class: "setup-training" }, TEXT.trainingNow) : null,
    register,
    ...data.providers.map((p) => providerSection(p, data)),
  );
}

// Every field whose value differs from the file's; an emptied one goes back to its default.
function changes() {
  return [...$("setup-form").querySelectorAll("[data-key]")]
    .filter((input) => input.value.trim() !== input.dataset.initial)
    .map((input) => {
      const value = input.value.trim();
      if (value === "") return { key: input.dataset.key, value: null };
      return { key: input.dataset.key, value: input.dataset.kind === "int" && /^-?[0-9]+$/.test(value) ? Number(value) : value };
    });
}

async function run(work) {
  if (state.busy) return;
  state.busy = true;
  try {
    await work();
  } catch (error) {
    fail(error);
  } finally {
    state.busy = false;
  }
}

async function reload() {
  render(await invoke("setup_get", { pin: state.pin }));
}

function unlock() {
  return run(async () => {
    const pin = takePin($("setup-pin"));
    const data = await invoke("setup_get", { pin });
    state.pin = pin;
    $("setup-unlock").hidden = true;
    $("setup-form").hidden = false;
    render(data);
    say("");
    $("setup-form").querySelector("[data-key]")?.focus();
  });
}

function save(leaveTraining = false) {
  const list = changes();
  if (!list.length) return say(TEXT.nothingChanged);
  const addsProvider = list.some((c) => c.key.startsWith("providers.") && c.value !== null);
  if (state.data.training && addsProvider && !leaveTraining) {
    fill($("setup-confirm-title"), TEXT.leaveTitle);
    fill($("setup-confirm-text"), TEXT.leaveText);
    fill($("setup-confirm-keys"), TEXT.leaveKeys);
    $("setup-dialog").hidden = false;
    return;
  }
  return run(async () => {
    say(TEXT.saving);
    const saved = await invoke("setup_save", { pin: state.pin, changes: list, leaveTraining });
    await reload();
    say(TEXT.saved(saved.configFile));
  });
}

function setSecret(input) {
  return run(async () => {
    const name = input.dataset.secret;
    const value = input.value;
    input.value = "";
    await invoke("setup_secret_set", { pin: state.pin, name, value });
    await reload();
    say(TEXT.secretDone(name));
    $(input.id)?.focus();
  });
}

function focusedProvider() {
  return document.activeElement?.closest?.("#setup-form fieldset[data-provider]")?.dataset.provider ?? null;
}

function testConnection(provider) {
  if (!provider) return say(TEXT.noProvider);
  const name = TEXT.providerNames[provider];
  return run(async () => {
    say(TEXT.testing(name));
    const result = await invoke("setup_test", { pin: state.pin, provider });
    if (result.ok) say(TEXT.testOk(name, result.detail));
    else fail({ message: TEXT.testFailed(name, result.detail) });
  });
}

function startSignIn(provider) {
  if (!provider) return say(TEXT.noProvider);
  if (!SIGN_IN.includes(provider)) return say(TEXT.noSignIn);
  const name = TEXT.providerNames[provider];
  return run(async () => {
    const started = await invoke("setup_sign_in_start", { pin: state.pin, provider });
    say(TEXT.signingIn(name, started.authorizeUrl));
    const done = await invoke("setup_sign_in_finish", { provider });
    await reload();
    say(done);
  });
}

export function init() {
  fill($("setup-title"), TEXT.title);
  fill($("setup-unlock-hint"), TEXT.unlockHint);
  fill($("setup-pin-label"), TEXT.pin);
}

// The screen is shown: the PIN first, every time.
export function open() {
  close();
  $("setup-pin").focus();
}

// The screen is left: the PIN is forgotten, the settings taken off the screen.
export function close() {
  state.pin = null;
  state.data = null;
  $("setup-pin").value = "";
  $("setup-unlock").hidden = false;
  $("setup-form").hidden = true;
  $("setup-dialog").hidden = true;
  fill($("setup-form"));
  fill($("setup-message"));
  fill($("setup-error"));
}

// The screen's keys; false for those the window handles (F12 / Esc: back to the sale).
export function onKey(event) {
  if (!$("setup-dialog").hidden) {
    if (event.key === "Enter") {
      event.preventDefault();
      $("setup-dialog").hidden = true;
          save(true);
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      $("setup-dialog").hidden = true;
          return true;
    }
    return true;
  }
  const focused = document.activeElement;
  switch (event.key) {
    case "Enter":
      if (focused instanceof HTMLButtonElement) return false;
      event.preventDefault();
      if (focused?.id === "setup-pin") unlock();
      else if (focused?.dataset?.secret) setSecret(focused);
      else if (state.pin) save();
      return true;
    case "F3":
      if (state.pin) testConnection(focusedProvider());
      return true;
    case "F5":
      if (state.pin) startSignIn(focusedProvider());
      return true;
    default:
      return false;
  }
}
