// The window: six screens — the sale (home, ui/sale.js), a card's balance, the queue,
// refunds (ui/refunds.js), setup (ui/setup.js) and the shift (ui/shift.js) —, the keys that switch between them, where a scan goes, and the
// status bar. It starts on the sign-in screen with only that screen's modules; the sale screen
// is imported once it is up, the refund, setup and shift screens on first use (ui/screens.js).

import { listenForScans } from "./scanner.js";
import { MarkRing, afterNextPaint } from "./scan_marks.js";
import { clearWhenIdle, takePin } from "./pin_field.js";
import { $, el } from "./dom.js";
import { loadScreen, loadedScreen, screenForKey } from "./screens.js";
import * as signin from "./signin.js";
import { setLanguage, translateDocument, words } from "./i18n.js";

const { invoke } = window.__TAURI__.core;

// The words of this module, in one place (translated by ui/i18n.js).
export const TEXT = words("main", {
  ready: "Ready",
  notReady: "Not ready",
  lookingUp: "Looking up a card…",
  lookingUpTitle: "Looking up…",
  lookingUpText: "Asking the card's provider.",
  pinIgnored: "A scan is not read in a PIN field: type the PIN.",
  kinds: { gift_card: "gift card", prepaid_wallet: "prepaid wallet" },
  card: "card",
  availableNow: "Available now",
  onHold: "On hold",
  expires: "Expires",
  never: "never",
  holder: "Holder",
  program: "Program",
  expired: "EXPIRED — cannot be used",
  inactive: "INACTIVE — cannot be used",
  underAMinute: "under a minute",
  minutes: (n) => `${n} min`,
  toSync: (n, oldest) => `${n} to sync, oldest ${oldest}`,
  outstanding: (amounts) => `${amounts} outstanding`,
  allSynced: "All synced",
  toReview: (n) => `${n} to review`,
  health: { up: "answering", down: "not reachable", unknown: "not asked yet" },
  offlineExposure: (amount) => `${amount} taken offline, not yet confirmed`,
  journalPin: "Manager PIN",
  journalSeen: "Seen by a manager — take payments again",
  note: "note (what was done)",
  retry: "Send again",
  writeOff: "Write off",
  done: "Done at provider",
  doneTitle: "Checked at the provider: it was done there",
  review: "to review",
  trainingTitle: "Kassa — TRAINING",
  // A reconciliation difference on the Queue screen, settled with a note and the manager's PIN.
  difference: { missing: "missing at the provider", extra: "not made by this till", amount: "different amount" },
  differenceOf: (shiftWhat, expected, actual) => `${shiftWhat}: expected ${expected}, the provider has ${actual}`,
  settle: "Settled",
  settleTitle: "Checked and put right: the note says how",
  // The footer's keys per screen (the sale screen's are sale.KEYS).
  keys: {
    balance: [["Enter", "Look up"], ["F4 / Esc", "Back to the sale"], ["F6", "Queue"], ["F10", "Refund"], ["F12", "Setup"]],
    queue: [["Tab", "Next"], ["Enter", "Press"], ["F4", "Balance"], ["F6 / Esc", "Back to the sale"], ["F10", "Refund"], ["F12", "Setup"]],
  },
});

function setStatus(text) {
  $("status-text").textContent = text;
}

// ---- screens -------------------------------------------------------------------------------

// Only the sign-in screen's modules load before it shows: the sale screen's just after (while
// the cashier signs in), the refund, setup and shift screens on first use (ui/screens.js).
let sale = null;
let saleLoading = null;
const loadSale = () => (saleLoading ??= import("./sale.js").then((module) => (sale = module)));

const SCREENS = { sale: "sale-panel", balance: "lookup-panel", queue: "queue-panel", refunds: "refund-panel", setup: "setup-panel", shift: "shift-panel" };
let screen = "sale";
// The till's currency (app_info), for amounts the till sends without one.
let tillCurrency = "EUR";

function showScreen(name) {
  if (screen === "setup" && name !== "setup") loadedScreen("setup").close();
  screen = name;
  for (const [n, id] of Object.entries(SCREENS)) $(id).hidden = n !== name;
  const keys = (name === "sale" ? sale?.KEYS : loadedScreen(name)?.TEXT.keys) ?? TEXT.keys[name] ?? [];
  $("keys").replaceChildren(
    ...keys.map(([key, what]) => el("span", { class: "key" }, el("kbd", {}, key), ` ${what}`)),
  );
  if (name === "sale") sale?.focus();
  if (name === "balance") $("code-input").focus();
}

// A screen loaded on first use (F1 the shift, F10 refunds, F12 setup: ui/screens.js), or back to
// the sale when it shows; `receipt`: a receipt's barcode scanned, whose sale the refund screen
// opens. Setup asks for a manager's PIN every time it opens.
async function toggleScreen(name, receipt = null) {
  if (screen === name && !receipt) return showScreen("sale");
  const module = await loadScreen(name);
  showScreen(name);
  module.open(receipt);
}

async function toggleQueue() {
  if (screen === "queue") return showScreen("sale");
  showScreen("queue");
  await showQueue();
}

// ---- the card-balance screen: scans and typed codes in, one unmistakable state out ----------

function showMessage(state, tone, title, text) {
  const result = $("result");
  result.dataset.state = state;
  result.replaceChildren(el("div", { class: `message ${tone}` }, el("h2", {}, title), el("p", {}, text)));
}

async function showError(error) {
  const { errorView } = await import("./errors.js");
  const view = errorView(error);
  showMessage(view.code, view.tone, view.title, view.text);
}

function showCard(card) {
  const state = card.expired ? "expired" : card.active ? "card" : "inactive";
  const facts = el("dl", { class: "facts" });
  const fact = (name, value) => facts.append(el("dt", {}, name), el("dd", {}, value));
  if (card.available && card.available !== card.balance) {
    fact(TEXT.availableNow, card.available);
    fact(TEXT.onHold, card.on_hold);
  }
  fact(TEXT.expires, card.expires_on || TEXT.never);
  if (card.holder) fact(TEXT.holder, card.holder);
  if (card.program) fact(TEXT.program, card.program);
  const flags = [];
  if (card.expired) flags.push(TEXT.expired);
  if (!card.active) flags.push(TEXT.inactive);
  const box = el(
    "div",
    { class: "card", "data-provider": card.provider },
    el("div", { class: "card-head" },
      el("span", { id: "card-provider" }, `${card.provider_name} ${TEXT.kinds[card.kind] || TEXT.card}`),
      el("span", { id: "card-code" }, card.card_masked)),
    el("div", { class: "balance", id: "card-balance" }, card.balance),
    facts,
  );
  for (const f of flags) box.append(el("p", { class: "flag" }, f));
  const result = $("result");
  result.dataset.state = state;
  result.replaceChildren(box);
}

// Scan → balance on screen, by the window's own clock: read by benches/scan_window.rs.
const scanMarks = new MarkRing();
window.kassaScanMarks = scanMarks;

// `keys`: when the keys of the scan that asked came (`listenForScans`), if a scan did.
let busy = false;
async function lookup(code, keys = null) {
  if (busy) return;
  busy = true;
  $("lookup-button").disabled = true;
  showMessage("busy", "busy", TEXT.lookingUpTitle, TEXT.lookingUpText);
  setStatus(TEXT.lookingUp);
  try {
    showCard(await invoke("lookup_card", { code }));
  } catch (error) {
    await showError(error);
  } finally {
    setStatus(TEXT.ready);
    busy = false;
    $("lookup-button").disabled = false;
  }
  if (keys) {
    const state = $("result").dataset.state;
    const answeredAt = performance.now();
    afterNextPaint((shownAt) => scanMarks.add({ ...keys, answeredAt, shownAt, state }));
  }
}

// ---- the status bar: what is still to reach the providers, what needs a manager, card money
// taken offline, each provider's health; and, above everything, a disk fault that stops
// payments. The till pushes it as the "till-status" event whenever it changes.

function minutes(secs) {
  return secs < 60 ? TEXT.underAMinute : TEXT.minutes(Math.round(secs / 60));
}

function showStatus(status) {
  const node = $("queue-status");
  if (status.code) {
    node.textContent = status.message;
    node.dataset.state = "review";
    return;
  }
  const parts = [];
  if (status.unfinished > 0) {
    parts.push(TEXT.toSync(status.unfinished, minutes(status.oldest_age_secs ?? 0)));
    if (status.outstanding.length) parts.push(TEXT.outstanding(status.outstanding.join(", ")));
  } else {
    parts.push(TEXT.allSynced);
  }
  if (status.in_review > 0) parts.push(TEXT.toReview(status.in_review));
  node.textContent = parts.join(" · ");
  node.dataset.state = status.in_review > 0 ? "review" : status.unfinished > 0 ? "syncing" : "idle";

  $("offline-exposure").hidden = !status.offline_exposure;
  $("offline-exposure").textContent = status.offline_exposure ? TEXT.offlineExposure(status.offline_exposure) : "";
  $("provider-health").replaceChildren(
    ...status.health.map((h) =>
      el("span", {
        class: "health",
        "data-provider": h.provider,
        "data-state": h.state,
        title: `${h.name}: ${TEXT.health[h.state] ?? h.state}`,
      }, h.name)),
  );
  $("payments-stopped").hidden = !status.payments_stopped;
  $("payments-stopped-text").textContent = status.payments_stopped ?? "";
  const ack = status.journal_break ? journalAcknowledgeForm() : $("journal-ack");
  if (ack) ack.hidden = !status.journal_break;
}

// The journal's chain is broken (rows changed behind the till's back): on the payments-stopped
// banner, a manager who has seen it confirms with the PIN, and payments go on.
function journalAcknowledgeForm() {
  const existing = $("journal-ack");
  if (existing) return existing;
  const pin = el("input", {
    id: "journal-ack-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: "12", placeholder: TEXT.journalPin, "aria-label": TEXT.journalPin,
  });
  const error = el("span", { id: "journal-ack-error", role: "alert" });
  const form = el("form", { id: "journal-ack", class: "stop-ack" },
    pin, el("button", { type: "submit" }, TEXT.journalSeen), error);
  clearWhenIdle(pin);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await invoke("journal_acknowledge", { pin: takePin(pin) });
      refreshStatus();
    } catch (e) {
      error.textContent = e.message ?? String(e);
      pin.focus();
    }
  });
  $("payments-stopped").append(form);
  return form;
}

async function refreshStatus() {
  try {
    showStatus(await invoke("till_status"));
  } catch (error) {
    showStatus(error);
  }
}

// ---- the Queue screen: review items first, with a manager's actions under the manager's PIN;
// then what is still to send.

async function showQueue() {
  const body = $("queue-table").querySelector("tbody");
  const ops = await invoke("queue_ops");
  body.replaceChildren(
    ...ops.map((op) => {
      const actions = el("td");
      if (op.review_reason) {
        const note = el("input", { type: "text", placeholder: TEXT.note, "aria-label": "note" });
        const act = async (action) => {
          $("manager-error").textContent = "";
          try {
            const pin = takePin($("manager-pin"));
            await invoke("resolve_review", { opId: op.id, action, note: note.value, pin });
            await showQueue();
            refreshStatus();
          } catch (error) {
            const message = error.message ?? String(error);
            if (error.code === "pin_refused") {
              $("manager-error").textContent = message;
              $("manager-pin").focus();
            } else {
              note.setCustomValidity(message);
              note.reportValidity();
            }
          }
        };
        const retry = el("button", { type: "button" }, TEXT.retry);
        retry.addEventListener("click", () => act("retry"));
        const writeOff = el("button", { type: "button" }, TEXT.writeOff);
        writeOff.addEventListener("click", () => act("write_off"));
        const done = el("button", { type: "button", title: TEXT.doneTitle }, TEXT.done);
        done.addEventListener("click", () => act("done"));
        actions.append(note, retry, writeOff, done);
      }
      return el(
        "tr",
        { "data-op": op.id, "data-review": op.review_reason ? "yes" : "no" },
        el("td", {}, op.provider),
        el("td", {}, op.kind),
        el("td", {}, op.card ?? ""),
        el("td", {}, op.amount),
        el("td", {}, op.review_reason ? TEXT.review : op.state),
        el("td", {}, op.review_reason ?? op.last_error ?? ""),
        actions,
      );
    }),
  );
  const differences = await invoke("shift_differences");
  const { formatMinor } = await import("./entry.js");
  body.append(...differences.map((d) => differenceRow(d, formatMinor)));
  $("queue-empty").hidden = ops.length + differences.length > 0;
  $("manager-row").hidden = !ops.some((op) => op.review_reason) && differences.length === 0;
}

// A difference between the till and a provider's own records (a shift's reconciliation): what
// differs, until a manager settles it with a note and the PIN.
function differenceRow(d, formatMinor) {
  const money = (minor) => (minor === null ? "—" : formatMinor(minor, tillCurrency));
  const note = el("input", { type: "text", placeholder: TEXT.note, "aria-label": "note" });
  const settle = el("button", { type: "button", title: TEXT.settleTitle }, TEXT.settle);
  settle.addEventListener("click", async () => {
    $("manager-error").textContent = "";
    try {
      const pin = takePin($("manager-pin"));
      await invoke("shift_settle_difference", { id: d.id, note: note.value, pin });
      await showQueue();
    } catch (error) {
      const message = error.message ?? String(error);
      if (error.code === "pin_refused") {
        $("manager-error").textContent = message;
        $("manager-pin").focus();
      } else {
        note.setCustomValidity(message);
        note.reportValidity();
      }
    }
  });
  return el(
    "tr",
    { "data-difference": d.id, "data-review": "yes" },
    el("td", {}, d.provider),
    el("td", {}, TEXT.difference[d.kind] ?? d.kind),
    el("td", {}, d.card_masked ?? ""),
    el("td", {}, money(d.actual_minor ?? d.expected_minor)),
    el("td", {}, TEXT.review),
    el("td", {}, TEXT.differenceOf(`#${d.id} ${d.provider_ref ?? d.op_id ?? ""}`, money(d.expected_minor), money(d.actual_minor))),
    el("td", {}, note, settle),
  );
}

// ---- keys and scans ------------------------------------------------------------------------

// F4 and F6 switch screens everywhere; Esc goes back to the sale from the other screens; the
// sale screen has the rest. Every F-key's default (a webview's reload, caret browsing) is off.
function onKey(event) {
  if (/^F[0-9]+$/.test(event.key)) event.preventDefault();
  // The sign-in screen's own fields take the keys; the till's wait.
  if (signin.isLocked()) return;
  if (event.key === "F11") return signin.lock().then(() => showScreen(screen));
  const lazy = screenForKey(event.key);
  if (lazy) return toggleScreen(lazy);
  if (event.key === "F4") return showScreen(screen === "balance" ? "sale" : "balance");
  if (event.key === "F6") return toggleQueue();
  if (screen === "sale") return sale?.onKey(event);
  if (loadedScreen(screen)?.onKey(event)) return;
  if (event.key === "Escape") {
    event.preventDefault();
    showScreen("sale");
  }
}

// A scan is a card wherever focus is, except in a PIN field: the scanner has taken its
// characters out again, and it is not read (its code is null). On the balance screen it is
// looked up; anywhere else it goes to the sale, which proposes it as a tender or shows its
// balance.
function onScan(code, keys) {
  if (signin.isLocked()) return signin.scanWhileLocked();
  const focused = document.activeElement;
  if (code === null || (focused instanceof HTMLInputElement && focused.type === "password")) {
    const error = { "approve-pin": "approve-error", "manager-pin": "manager-error", "refund-pin": "refund-error" }[focused.id];
    if (error) $(error).textContent = TEXT.pinIgnored;
    else setStatus(TEXT.pinIgnored);
    return;
  }
  if (screen === "balance") return lookup(code, keys);
  if (screen === "refunds") return loadedScreen("refunds").scan(code);
  // A scan is no setting.
  if (screen === "setup") return;
  // A receipt's barcode opens its sale for a refund.
  if (/^KS[0-9]+$/i.test(code)) return toggleScreen("refunds", code);
  if (screen !== "sale") showScreen("sale");
  loadSale().then(() => sale.scan(code));
}

async function start() {
  const info = await invoke("app_info");
  tillCurrency = info.currency;
  await setLanguage(info.language);
  translateDocument(document);
  $("register-name").textContent = info.register_name;
  $("training-banner").hidden = !info.training;
  $("training-pin").textContent = info.training_pin ?? "";
  $("mode-badge").hidden = !info.training;
  if (info.training) document.title = TEXT.trainingTitle;
  if (info.startup_error) {
    $("startup-error-text").textContent = info.startup_error;
    $("startup-error").hidden = false;
    for (const id of Object.values(SCREENS)) $(id).hidden = true;
    setStatus(TEXT.notReady);
    return;
  }
  $("queue-status").addEventListener("click", toggleQueue);
  $("lookup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookup($("code-input").value);
  });
  // The scanner listens in the capture phase and stops a scan's Enter there; the screens' keys
  // listen after it.
  listenForScans(
    window,
    {
      maxKeyGapMs: info.scanner.max_key_gap_ms,
      minLength: info.scanner.min_length,
      layout: info.scanner.layout,
    },
    onScan,
  );
  window.addEventListener("keydown", onKey);
  clearWhenIdle($("manager-pin"));
  // Nothing of the till before a cashier signs in: the sign-in screen is the window's start.
  const session = signin.init(info, () => showScreen(screen));
  const signedIn = session.locked ? signin.required() : null;
  // The sign-in screen is up: the startup mark that `make bench` times cold start to. The
  // status bar and the sale screen load behind it while the cashier signs in.
  if (session.locked) await invoke("startup_mark");
  loadSale();
  await window.__TAURI__.event.listen("till-status", (event) => {
    showStatus(event.payload);
    sale?.onStatus();
  });
  refreshStatus();
  await signedIn;
  await loadSale();
  await sale.init(info, {
    showBalance(card) {
      showScreen("balance");
      showCard(card);
    },
    active: () => screen === "sale",
  });
  showScreen(screen);
  document.body.dataset.ready = "true";
  // A cashier was signed in already: the window is interactive on the sale, the startup mark.
  if (!session.locked) await invoke("startup_mark");
}

start().catch((error) => {
  $("startup-error-text").textContent = String(error?.message || error);
  $("startup-error").hidden = false;
});
