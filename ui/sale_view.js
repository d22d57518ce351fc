// How the sale screen (ui/sale.js) words a tender: its name, its status in the cashier's words
// with its tone, and what else the cashier should know. Pure: no DOM, no IPC, so node's test
// runner checks it (ui/tests/sale_view.test.mjs). Money is formatted by the caller.

import { words } from "./i18n.js";

// Every word of a tender's line, in one place (translated by ui/i18n.js).
export const TEXT = words("sale_view", {
  cash: "Cash",
  terminal: "Card terminal",
  wallet: "wallet",
  given: (given, change) => `given ${given}` + (change ? ` · change ${change}` : ""),
  had: (balance) => `had ${balance}`,
  approvedBy: (who) => `approved by ${who}`,
  unknown: "no answer yet — being checked, do not retry by hand",
  refusedWith: (why) => (why ? `refused: ${why}` : "refused"),
  removedWith: (why) => (why ? `removed — ${why}` : "removed"),
  // Each tender status the till reports (STATUS_VIEW's keys), as the cashier reads it.
  status: {
    "to charge at Complete": "to charge at Complete",
    "holding…": "holding…",
    held: "held",
    "charging…": "charging…",
    "outcome unknown: being checked…": "outcome unknown: being checked…",
    paid: "paid",
    "confirming…": "confirming…",
    confirmed: "confirmed",
    "queued (offline)": "queued (offline)",
    "paid (synced)": "paid (synced)",
    "shortfall: in review": "shortfall: in review",
    refused: "refused",
    removed: "removed",
    "undoing…": "undoing…",
    undone: "undone",
    "undo in review": "undo in review",
  },
});

// Each tender status the till reports (src-tauri/sale_dto.rs, TenderDto.status) and its tone,
// the colour styles.css gives `[data-tone]`: approved (ok), declined (bad), held, queued offline
// (offline), outcome unknown (unknown), in progress (pending), in review (review).
export const STATUS_VIEW = {
  "to charge at Complete": "checked",
  "holding…": "pending",
  held: "held",
  "charging…": "pending",
  "outcome unknown: being checked…": "unknown",
  paid: "ok",
  "confirming…": "pending",
  confirmed: "ok",
  "queued (offline)": "offline",
  "paid (synced)": "ok",
  "shortfall: in review": "review",
  refused: "bad",
  removed: "removed",
  "undoing…": "pending",
  undone: "undone",
  "undo in review": "review",
};

// Still moving: the screen follows the sale until it is not.
export const isSettling = (status) => typeof status === "string" && status.endsWith("…");
// Taken offline: it moves when its provider answers again (the status bar's offline figure too).
export const isQueued = (status) => status === "queued (offline)";
// Asked of its provider (a hold or a charge) and not answered yet.
export const awaitsAnswer = (status) => status === "holding…" || status === "charging…";

// A tender that still pays (not refused, not taken off).
export const counts = (t) => t.state !== "refused" && t.state !== "removed";

// A status in the cashier's words (one the screen does not know as the till sent it).
const statusWords = (status) => (Object.hasOwn(TEXT.status, status) ? TEXT.status[status] : status);

// What a tender's status line says, and its tone. `unanswered`: the till's bounded wait for
// this tender's provider is over and it is still in progress — an unknown outcome.
export function tenderView(t, unanswered = false) {
  if (unanswered && awaitsAnswer(t.status)) {
    return { tone: "unknown", words: `${statusWords(t.status)} ${TEXT.unknown}` };
  }
  const tone = STATUS_VIEW[t.status] ?? "pending";
  let words = statusWords(t.status);
  if (t.status === "refused") words = TEXT.refusedWith(t.message);
  else if (t.status === "removed" && t.message) words = TEXT.removedWith(t.message);
  if (t.approved_by) words += ` · ${TEXT.approvedBy(t.approved_by)}`;
  return { tone, words };
}

// A tender's name as the cashier reads it.
export function tenderName(t) {
  if (t.kind === "cash") return TEXT.cash;
  if (t.kind === "terminal") return TEXT.terminal;
  const kind = t.kind === "wallet" ? ` ${TEXT.wallet}` : "";
  return `${t.provider_name ?? ""}${kind} ${t.card_masked ?? ""}`.trim();
}

// What the cashier should know of a tender besides its status (`view`, from tenderView): cash
// given, what a card had, and the till's note (offline, approved) where the status does not
// already say it. `money(minor)` formats an amount. "" when there is nothing.
export function tenderDetail(t, view, money) {
  const details = [];
  if (t.kind === "cash" && t.given_minor) {
    details.push(TEXT.given(money(t.given_minor), t.change_minor ? money(t.change_minor) : ""));
  } else if (t.balance_minor !== null && t.balance_minor !== undefined && counts(t)) {
    details.push(TEXT.had(money(t.balance_minor)));
  }
  if (t.message && counts(t) && view.tone !== "ok") details.push(t.message);
  return details.join(" · ");
}
