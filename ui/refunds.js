// The refund screen (docs/design.md §5): a completed sale found by its receipt's barcode, its
// number or the list of recent sales; then a refund of part or all of it, or a void, with a
// reason and the manager's PIN. The cards that paid are scanned again to get their money back;
// the rest goes to cash, the card terminal or another gift card. Keyboard only: Tab between the
// fields, Enter finds or refunds, ↑↓ pick a sale from the list, Esc goes back. What each part
// of a refund says (RefundPartDto.status) comes from the till.

import { $, el, fill } from "./dom.js";
import { errorView } from "./errors.js";
import { formatMinor, formatPlain, parseAmount } from "./entry.js";
import { clearWhenIdle, takePin } from "./pin_field.js";
import { printReceipt } from "./receipt.js";
import { formatDateTime, words } from "./i18n.js";

const { invoke } = window.__TAURI__.core;

// Every word this screen shows, in one place (translated by ui/i18n.js).
export const TEXT = words("refunds", {
  keys: [["Enter", "Find / refund"], ["Tab", "Next field"], ["↑↓", "Pick a sale"], ["F9", "Print the sale's receipt"], ["F10 / Esc", "Back"]],
  title: "Refunds and voids",
  sale: (n, when) => `Sale ${n} · ${when}`,
  states: { completed: "paid", abandoned: "abandoned", open: "open", tendering: "being paid", completing: "being completed" },
  noSales: "No sales yet.",
  paid: "Paid",
  refunded: "Given back",
  left: "Can still be refunded",
  voided: "Voided: nothing more can be given back.",
  notPaid: "This sale was not paid: there is nothing to refund.",
  cardsNone: "none scanned — scan each card the customer wants the money back on",
  scanned: (masked) => `${masked} scanned`,
  notOnSale: "That card is scanned already.",
  history: (r) => `${r.kind === "void" ? "Void" : "Refund"} ${r.number} · ${r.reason}`,
  done: (r) => `${r.kind === "void" ? "Voided" : "Refunded"}: ${r.amount}`,
  partName: (p) =>
    ({ card: `Back onto ${p.provider_name} ${p.card_masked}`, reload: `Loaded onto ${p.provider_name} ${p.card_masked}`, cash: "Cash", terminal: "Card terminal" })[p.kind],
  busy: "One moment: giving the money back…",
  finding: "Finding the sale…",
  pinIgnored: "A scan is not read in the PIN field: type the PIN.",
  noAmount: "Type the amount to refund.",
});

const state = {
  // "find" (the list) or "sale" (one sale open).
  mode: "find",
  sales: [],
  selected: 0,
  // The open sale's RefundableDto.
  found: null,
  // Codes of the sale's cards scanned again (memory only, dropped with the sale).
  cards: [],
  busy: false,
  poll: null,
};

const money = (minor, currency = state.found?.sale.currency ?? "EUR") => formatMinor(minor, currency);
const masked = (code) => `••••${code.slice(-4)}`;

function error(e) {
  const view = errorView(e);
  fill($("refund-error"), `${view.title}: ${view.text}`);
}

export function init() {
  clearWhenIdle($("refund-pin"));
  $("refund-kind").addEventListener("change", showForm);
  $("refund-rest").addEventListener("change", showForm);
}

// The screen is shown: the list of recent sales, the receipt field focused.
export async function open(receipt = null) {
  state.mode = "find";
  state.found = null;
  state.cards = [];
  $("refund-find").hidden = false;
  $("refund-sale").hidden = true;
  $("refund-receipt").value = "";
  fill($("refund-error"));
  $("refund-receipt").focus();
  if (receipt) return find({ receipt });
  try {
    state.sales = (await invoke("sales_recent", { limit: 50 })).filter((s) => s.state === "completed");
    state.selected = 0;
    showList();
  } catch (e) {
    error(e);
  }
}

function showList() {
  const rows = state.sales.map((s, i) =>
    el("tr", { class: i === state.selected ? "selected" : null, "data-number": s.number },
      el("td", {}, String(s.number)),
      el("td", {}, formatDateTime(s.created_at)),
      el("td", { class: "amount" }, money(s.paid_minor, s.currency)),
      el("td", {}, s.tenders.filter((t) => t.state !== "removed" && t.state !== "refused")
        .map((t) => (t.card_masked ? `${t.provider_name} ${t.card_masked}` : t.kind)).join(", "))));
  fill($("refund-sales").tBodies[0], ...rows);
  $("refund-sales-empty").hidden = state.sales.length > 0;
}

async function find(args) {
  fill($("refund-error"), TEXT.finding);
  try {
    show(await invoke("refund_find", args));
    fill($("refund-error"));
  } catch (e) {
    error(e);
  }
}

// Shows a sale found, and its refund form.
function show(found) {
  const sameSale = state.found?.sale.id === found.sale.id;
  state.found = found;
  if (!sameSale) state.cards = [];
  state.mode = "sale";
  $("refund-find").hidden = true;
  $("refund-sale").hidden = false;
  const sale = found.sale;
  fill($("refund-sale-title"), TEXT.sale(sale.number, formatDateTime(sale.created_at)));
  fill($("refund-facts"),
    el("dt", {}, TEXT.paid), el("dd", { id: "refund-paid" }, money(found.paid_minor)),
    el("dt", {}, TEXT.refunded), el("dd", { id: "refund-refunded" }, money(found.refunded_minor)),
    el("dt", {}, TEXT.left), el("dd", { id: "refund-left" }, money(found.left_minor)));
  fill($("refund-tenders"), ...sale.tenders.filter((t) => t.state !== "removed" && t.state !== "refused").map((t) =>
    el("li", { "data-provider": t.provider ?? t.kind },
      el("span", {}, t.card_masked ? `${t.provider_name} ${t.card_masked}` : t.kind), " ",
      el("strong", {}, money(t.amount_minor)))));
  fill($("refund-history"), ...found.refunds.map(refundView));
  const closed = sale.state !== "completed" || found.voided || found.left_minor === 0;
  $("refund-form").hidden = closed;
  fill($("refund-closed"), sale.state !== "completed" ? TEXT.notPaid : closed ? TEXT.voided : null);
  if (!sameSale) {
    $("refund-kind").value = "refund";
    $("refund-rest").value = "cash";
    $("refund-reload").value = "";
    $("refund-reason").value = "";
  }
  $("refund-amount").value = formatPlain(found.left_minor, sale.currency);
  showForm();
  if (!closed && !sameSale) {
    $("refund-amount").focus();
    $("refund-amount").select();
  }
}

function refundView(r) {
  return el("li", { class: "refund", "data-kind": r.kind, "data-number": r.number },
    el("div", { class: "refund-head" }, el("span", {}, TEXT.history(r)), el("strong", {}, money(-r.amount_minor))),
    el("ul", {}, ...r.parts.map((p) =>
      el("li", { "data-part": p.kind },
        el("span", {}, TEXT.partName(p)), " ", el("strong", {}, money(p.amount_minor)), " ",
        el("span", { class: "part-status" }, p.status)))));
}

function showForm() {
  const isVoid = $("refund-kind").value === "void";
  $("refund-amount").disabled = isVoid;
  $("refund-rest-row").hidden = isVoid;
  $("refund-reload-row").hidden = isVoid || $("refund-rest").value !== "reload";
  fill($("refund-cards"), state.cards.length ? state.cards.map((c) => TEXT.scanned(masked(c))).join(", ") : TEXT.cardsNone);
}

// A scan on this screen: a receipt opens its sale; a card, while a sale is open, is one of the
// cards it goes back onto (or, in the reload field, the card to load).
export function scan(code) {
  if (document.activeElement?.id === "refund-pin") return fill($("refund-error"), TEXT.pinIgnored);
  if (state.mode === "find" || /^KS[0-9]+$/i.test(code)) return find({ receipt: code });
  if (document.activeElement?.id === "refund-reload") {
    $("refund-reload").value = code;
    return;
  }
  if (state.cards.includes(code)) return fill($("refund-error"), TEXT.notOnSale);
  state.cards.push(code);
  fill($("refund-error"));
  showForm();
}

async function submit() {
  if (state.busy) return;
  const sale = state.found.sale;
  const kind = $("refund-kind").value;
  let amountMinor = null;
  if (kind === "refund") {
    const amount = parseAmount($("refund-amount").value, sale.currency);
    if (amount.error) return fill($("refund-error"), amount.error);
    amountMinor = amount.minor;
  }
  const rest = $("refund-rest").value;
  const pin = takePin($("refund-pin"));
  state.busy = true;
  fill($("refund-error"), TEXT.busy);
  try {
    const refund = await invoke("sale_refund", {
      saleId: sale.id,
      kind,
      amountMinor,
      reason: $("refund-reason").value,
      cards: state.cards,
      restTo: rest,
      reloadCard: rest === "reload" ? $("refund-reload").value : null,
      pin,
    });
    state.cards = [];
    fill($("refund-error"));
    fill($("refund-result"), el("p", { class: "refund-done" }, TEXT.done({ ...refund, amount: money(refund.amount_minor) })));
    $("refund-result").hidden = false;
    printReceipt(sale.id, { dialog: false, refundId: refund.id });
    follow(sale.id);
  } catch (e) {
    error(e);
    $("refund-pin").focus();
  } finally {
    state.busy = false;
  }
}

// Follows the sale's refunds until none of their parts is still on its way.
function follow(saleId) {
  clearTimeout(state.poll);
  const until = Date.now() + 120_000;
  const tick = async () => {
    if (state.found?.sale.id !== saleId) return;
    try {
      const found = await invoke("refund_find", { saleId });
      show(found);
      const moving = found.refunds.some((r) => r.parts.some((p) => p.status.endsWith("…")));
      if (moving && Date.now() < until) state.poll = setTimeout(tick, 500);
    } catch (e) {
      error(e);
    }
  };
  tick();
}

// This screen's keys; true when the key was this screen's.
export function onKey(event) {
  if (state.mode === "find") {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      state.selected = Math.max(0, Math.min(state.sales.length - 1, state.selected + step));
      showList();
      return true;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      const typed = $("refund-receipt").value.trim();
      const picked = state.sales[state.selected];
      if (typed) find({ receipt: typed });
      else if (picked) find({ saleId: picked.id });
      return true;
    }
    return false;
  }
  if (event.key === "Escape") {
    event.preventDefault();
    clearTimeout(state.poll);
    open();
    return true;
  }
  if (event.key === "F9") {
    event.preventDefault();
    printReceipt(state.found.sale.id);
    return true;
  }
  if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
    event.preventDefault();
    // Enter walks to what is still missing — the reason, then the PIN — and refunds from there.
    if (!$("refund-reason").value.trim()) $("refund-reason").focus();
    else if (!$("refund-pin").value) $("refund-pin").focus();
    else submit();
    return true;
  }
  return false;
}
