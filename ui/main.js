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

// The outbox in the status bar: what is still to reach the providers, and what needs a manager.
function minutes(secs) {
  return secs < 60 ? "under a minute" : `${Math.round(secs / 60)} min`;
}

async function refreshQueue() {
  const node = $("queue-status");
  try {
    const q = await invoke("queue_status");
    const parts = [];
    if (q.unfinished > 0) {
      parts.push(`${q.unfinished} to sync, oldest ${minutes(q.oldest_age_secs ?? 0)}`);
      if (q.outstanding.length) parts.push(`${q.outstanding.join(", ")} outstanding`);
    } else {
      parts.push("All synced");
    }
    if (q.in_review > 0) parts.push(`${q.in_review} to review`);
    node.textContent = parts.join(" · ");
    node.dataset.state = q.in_review > 0 ? "review" : q.unfinished > 0 ? "syncing" : "idle";
  } catch (error) {
    node.textContent = error.message ?? String(error);
    node.dataset.state = "review";
  }
}

// The Queue screen: review items first, with a manager's actions; then what is still to send.
async function showQueue() {
  const body = $("queue-table").querySelector("tbody");
  const ops = await invoke("queue_ops");
  body.replaceChildren(
    ...ops.map((op) => {
      const actions = el("td");
      if (op.review_reason) {
        const note = el("input", { type: "text", placeholder: "note (for write-off)", "aria-label": "note" });
        const act = async (action) => {
          try {
            await invoke("resolve_review", { opId: op.id, action, note: note.value });
            await showQueue();
            refreshQueue();
          } catch (error) {
            note.setCustomValidity(error.message ?? String(error));
            note.reportValidity();
          }
        };
        const retry = el("button", { type: "button" }, "Send again");
        retry.addEventListener("click", () => act("retry"));
        const writeOff = el("button", { type: "button" }, "Write off");
        writeOff.addEventListener("click", () => act("write_off"));
        actions.append(note, retry, writeOff);
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
}

async function start() {
  const info = await invoke("app_info");
  $("register-name").textContent = info.register_name;
  $("training-banner").hidden = !info.training;
  $("mode-badge").hidden = !info.training;
  if (info.training) document.title = "Kassa — TRAINING";
  if (info.startup_error) {
    $("startup-error-text").textContent = info.startup_error;
    $("startup-error").hidden = false;
    $("lookup-panel").hidden = true;
    setStatus("Not ready");
    return;
  }
  refreshQueue();
  setInterval(refreshQueue, 3000);
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
