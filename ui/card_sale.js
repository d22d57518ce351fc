// The card-sale dialog (F7 on the sale screen): a gift card sold (a pre-printed zmyle card
// activated, a pre-printed Lightspeed number issued), a new Leat gift card (no card to scan:
// Leat makes it once the sale is paid, and the receipt carries its code) or a card reloaded (a
// Leat or Lightspeed card), rung up as a line of the sale whose price is what goes on the card.
// The till checks the card and the amount when the line is added (`sale_add_card_line`; a new
// card is a sale with no code) and loads the card only once the sale is paid. Keyboard only: a
// scan while it is open fills the card field; Tab moves between the fields, ↑↓ choose sell, new
// Leat card or reload, Enter rings it up, Esc closes.

import { el } from "./dom.js";
import { errorView } from "./errors.js";
import { parseAmount } from "./entry.js";
import { words } from "./i18n.js";

// Every word this dialog shows, in one place (translated by ui/i18n.js).
export const TEXT = words("card_sale", {
  title: "Sell or reload a gift card",
  code: "Card (scan it, or type its code)",
  action: "What to do",
  sell: "Sell a new card (pre-printed)",
  new: "New Leat gift card (no card to scan)",
  reload: "Reload the card",
  noCard: "No card: Leat makes it once the sale is paid",
  amount: "Amount to put on the card",
  keys: "Tab next field · ↑↓ sell, new Leat card or reload · Enter ring it up · Esc close",
  busy: "Asking the card's provider…",
  noCode: "Scan the card, or type its code.",
});

// What ↑↓ step through; `new` sells a card that has no code yet.
const ACTIONS = ["sell", "new", "reload"];

let parts = null;
let hooks = null;
let busy = false;

function build() {
  const field = (id, label, input) => [el("label", { for: id }, label), input];
  const code = el("input", { id: "card-sale-code", type: "text", autocomplete: "off", spellcheck: "false" });
  const action = el(
    "select",
    { id: "card-sale-action" },
    ...ACTIONS.map((value) => el("option", { value }, TEXT[value])),
  );
  action.addEventListener("change", () => setAction(action.value));
  const amount = el("input", { id: "card-sale-amount", type: "text", inputmode: "decimal", autocomplete: "off" });
  const error = el("p", { id: "card-sale-error", class: "inline-error", role: "alert" });
  const root = el(
    "div",
    { id: "card-sale", class: "dialog-backdrop", hidden: true },
    el(
      "div",
      { class: "dialog", role: "dialog", "aria-labelledby": "card-sale-title" },
      el("h2", { id: "card-sale-title" }, TEXT.title),
      ...field("card-sale-code", TEXT.code, code),
      ...field("card-sale-action", TEXT.action, action),
      ...field("card-sale-amount", TEXT.amount, amount),
      error,
      el("p", { class: "dialog-keys" }, TEXT.keys),
    ),
  );
  document.body.append(root);
  return { root, code, action, amount, error, order: [code, action, amount] };
}

// `h.ringUp(code, amountMinor, action)` adds the line (rejects with the till's error);
// `h.currency()` is the sale's currency; `h.closed()` gives focus back to the sale screen.
export function init(h) {
  hooks = h;
}

export const isOpen = () => parts !== null && !parts.root.hidden;

export function open() {
  parts ??= build();
  parts.code.value = "";
  parts.amount.value = "";
  setAction("sell");
  parts.error.textContent = "";
  parts.root.hidden = false;
  parts.code.focus();
}

// A new card has no code: its field is emptied and skipped.
function setAction(value) {
  parts.action.value = value;
  const none = value === "new";
  parts.code.disabled = none;
  parts.code.placeholder = none ? TEXT.noCard : "";
  if (none) parts.code.value = "";
}

function close() {
  parts.root.hidden = true;
  hooks.closed();
}

// A scan while the dialog is open is the card to sell or reload.
export function takeScan(code) {
  if (parts.action.value === "new") setAction("sell");
  parts.code.value = code;
  parts.error.textContent = "";
  parts.amount.focus();
}

function moveFocus(step) {
  const order = parts.order.filter((field) => !field.disabled);
  const at = order.indexOf(document.activeElement);
  const next = (at + step + order.length) % order.length;
  order[next].focus();
}

function showError(text) {
  parts.error.textContent = text;
}

async function submit() {
  if (busy) return;
  const isNew = parts.action.value === "new";
  const code = isNew ? "" : parts.code.value.trim();
  if (!isNew && code === "") {
    showError(TEXT.noCode);
    parts.code.focus();
    return;
  }
  const amount = parseAmount(parts.amount.value, hooks.currency());
  if (amount.error) {
    showError(amount.error);
    parts.amount.focus();
    return;
  }
  busy = true;
  showError(TEXT.busy);
  try {
    await hooks.ringUp(code, amount.minor, isNew ? "sell" : parts.action.value);
    close();
  } catch (error) {
    const view = errorView(error);
    showError(`${view.title}: ${view.text}`);
  } finally {
    busy = false;
  }
}

// Keys while the dialog is open (the sale screen hands them over).
export function onKey(event) {
  switch (event.key) {
    case "Escape":
      event.preventDefault();
      if (!busy) close();
      return;
    case "Enter":
      event.preventDefault();
      submit();
      return;
    case "Tab":
      event.preventDefault();
      moveFocus(event.shiftKey ? -1 : 1);
      return;
    case "ArrowUp":
    case "ArrowDown":
      // ↑↓ choose sell, new Leat card or reload from any field.
      event.preventDefault();
      {
        const step = event.key === "ArrowDown" ? 1 : -1;
        const at = ACTIONS.indexOf(parts.action.value);
        setAction(ACTIONS[(at + step + ACTIONS.length) % ACTIONS.length]);
        if (document.activeElement?.disabled) parts.amount.focus();
      }
      return;
    default:
      // Function keys do nothing here; characters type into the focused field.
      if (/^F[0-9]+$/.test(event.key)) event.preventDefault();
  }
}
