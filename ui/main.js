// The card-balance screen: scans and typed codes in, one unmistakable state out.

import { listenForScans } from "./scanner.js";

const { invoke } = window.__TAURI__.core;
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text) {
  $("status-text").textContent = text;
}

function showMessage(state, tone, title, text) {
  const result = $("result");
  result.dataset.state = state;
  result.replaceChildren(el("div", { class: `message ${tone}` }, el("h2", {}, title), el("p", {}, text)));
}

// What a cashier should read for each error code (the provider's own words follow).
const ERROR_VIEWS = {
  malformed_code: ["warn", "Scan not readable"],
  unknown_card_type: ["warn", "Not a card this till takes"],
  not_found: ["bad", "Card not found"],
  declined: ["bad", "Card refused"],
  unreachable: ["warn", "Provider not reachable — nothing was charged"],
  provider_error: ["bad", "Unexpected answer from the provider"],
  config: ["bad", "Till not set up"],
};

function showError(error) {
  const [tone, title] = ERROR_VIEWS[error?.code] || ["bad", "Something went wrong"];
  showMessage(error?.code || "error", tone, title, error?.message || String(error));
}

const KIND_NAMES = { gift_card: "gift card", prepaid_wallet: "prepaid wallet" };

function showCard(card) {
  const state = card.expired ? "expired" : card.active ? "card" : "inactive";
  const facts = el("dl", { class: "facts" });
  const fact = (name, value) => facts.append(el("dt", {}, name), el("dd", {}, value));
  if (card.available && card.available !== card.balance) {
    fact("Available now", card.available);
    fact("On hold", card.on_hold);
  }
  fact("Expires", card.expires_on || "never");
  if (card.holder) fact("Holder", card.holder);
  if (card.program) fact("Program", card.program);
  const flags = [];
  if (card.expired) flags.push("EXPIRED — cannot be used");
  if (!card.active) flags.push("INACTIVE — cannot be used");
  const box = el(
    "div",
    { class: "card", "data-provider": card.provider },
    el("div", { class: "card-head" },
      el("span", { id: "card-provider" }, `${card.provider_name} ${KIND_NAMES[card.kind] || "card"}`),
      el("span", { id: "card-code" }, card.card_masked)),
    el("div", { class: "balance", id: "card-balance" }, card.balance),
    facts,
  );
  for (const f of flags) box.append(el("p", { class: "flag" }, f));
  const result = $("result");
  result.dataset.state = state;
  result.replaceChildren(box);
}

let busy = false;
async function lookup(code) {
  if (busy) return;
  busy = true;
  $("lookup-button").disabled = true;
  showMessage("busy", "busy", "Looking up…", "Asking the card's provider.");
  setStatus("Looking up a card…");
  try {
    showCard(await invoke("lookup_card", { code }));
    setStatus("Ready");
  } catch (error) {
    showError(error);
    setStatus("Ready");
  } finally {
    busy = false;
    $("lookup-button").disabled = false;
  }
}

// The status bar: what is still to reach the providers, what needs a manager, each provider's
// health; and, above everything, a disk fault that stops payments. The till pushes it as the
// "till-status" event whenever it changes.
function minutes(secs) {
  return secs < 60 ? "under a minute" : `${Math.round(secs / 60)} min`;
}

const HEALTH_WORDS = { up: "answering", down: "not reachable", unknown: "not asked yet" };

function showStatus(status) {
  const node = $("queue-status");
  if (status.code) {
    node.textContent = status.message;
    node.dataset.state = "review";
    return;
  }
  const parts = [];
  if (status.unfinished > 0) {
    parts.push(`${status.unfinished} to sync, oldest ${minutes(status.oldest_age_secs ?? 0)}`);
    if (status.outstanding.length) parts.push(`${status.outstanding.join(", ")} outstanding`);
  } else {
    parts.push("All synced");
  }
  if (status.in_review > 0) parts.push(`${status.in_review} to review`);
  node.textContent = parts.join(" · ");
  node.dataset.state = status.in_review > 0 ? "review" : status.unfinished > 0 ? "syncing" : "idle";

  $("provider-health").replaceChildren(
    ...status.health.map((h) =>
      el("span", {
        class: "health",
        "data-provider": h.provider,
        "data-state": h.state,
        title: `${h.name}: ${HEALTH_WORDS[h.state] ?? h.state}`,
      }, h.name)),
  );
  $("payments-stopped").hidden = !status.payments_stopped;
  $("payments-stopped-text").textContent = status.payments_stopped ?? "";
}

async function refreshStatus() {
  try {
    showStatus(await invoke("till_status"));
  } catch (error) {
    showStatus(error);
  }
}

// The Queue screen: review items first, with a manager's actions under the manager's PIN; then
// what is still to send.
async function showQueue() {
  const body = $("queue-table").querySelector("tbody");
  const ops = await invoke("queue_ops");
  body.replaceChildren(
    ...ops.map((op) => {
      const actions = el("td");
      if (op.review_reason) {
        const note = el("input", { type: "text", placeholder: "note (what was done)", "aria-label": "note" });
        const act = async (action) => {
          $("manager-error").textContent = "";
          try {
            await invoke("resolve_review", { opId: op.id, action, note: note.value, pin: $("manager-pin").value });
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
        const retry = el("button", { type: "button" }, "Send again");
        retry.addEventListener("click", () => act("retry"));
        const writeOff = el("button", { type: "button" }, "Write off");
        writeOff.addEventListener("click", () => act("write_off"));
        const done = el("button", { type: "button", title: "Checked at the provider: it was done there" }, "Done at provider");
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
        el("td", {}, op.review_reason ? "to review" : op.state),
        el("td", {}, op.review_reason ?? op.last_error ?? ""),
        actions,
      );
    }),
  );
  $("queue-empty").hidden = ops.length > 0;
  $("manager-row").hidden = !ops.some((op) => op.review_reason);
}

async function start() {
  const info = await invoke("app_info");
  $("register-name").textContent = info.register_name;
  $("training-banner").hidden = !info.training;
  $("training-pin").textContent = info.training_pin ?? "";
  $("mode-badge").hidden = !info.training;
  if (info.training) document.title = "Kassa — TRAINING";
  if (info.startup_error) {
    $("startup-error-text").textContent = info.startup_error;
    $("startup-error").hidden = false;
    $("lookup-panel").hidden = true;
    setStatus("Not ready");
    return;
  }
  await window.__TAURI__.event.listen("till-status", (event) => showStatus(event.payload));
  refreshStatus();
  $("queue-status").addEventListener("click", async () => {
    const panel = $("queue-panel");
    panel.hidden = !panel.hidden;
    if (!panel.hidden) await showQueue();
  });
  $("lookup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookup($("code-input").value);
  });
  listenForScans(
    window,
    {
      maxKeyGapMs: info.scanner.max_key_gap_ms,
      minLength: info.scanner.min_length,
      layout: info.scanner.layout,
    },
    (code) => lookup(code),
  );
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  $("startup-error-text").textContent = String(error?.message || error);
  $("startup-error").hidden = false;
});
