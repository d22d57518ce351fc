// The card-sale dialog (F7 on the sale screen): a gift card sold (a pre-printed zmyle card
// activated) or reloaded (a Leat or Lightspeed card), rung up as a line of the sale whose price
// is what goes on the card. The till checks the card and the amount when the line is added
// (`sale_add_card_line`) and loads the card only once the sale is paid. Keyboard only: a scan
// while it is open fills the card field; Tab moves between the fields, ↑↓ choose sell or
// reload, Enter rings it up, Esc closes.

import { el } from "./dom.js";
import { errorView } from "./errors.js";
import { parseAmount } from "./entry.js";

// Every word this dialog shows, in one place (translations come later).
export const TEXT = {
  title: "Sell or reload a gift card",
  code: "Card (scan it, or type its code)",
  action: "What to do",
  sell: "Sell a new card (pre-printed)",
  reload: "Reload the card",
  amount: "Amount to put on the card",
  keys: "Tab next field · ↑↓ sell or reload · Enter ring it up · Esc close",
  busy: "Asking the card's provider…",
  noCode: "Scan the card, or type its code.",
};

let parts = null;
let hooks = null;
let busy = false;

function build() {
  const field = (id, label, input) => [el("label", { for: id }, label), input];
  const code = el("input", { id: "card-sale-code", type: "text", autocomplete: "off", spellcheck: "false" });
  const action = el(
    "select",
    { id: "card-sale-action" },
    el("option", { value: "sell" }, TEXT.sell),
    el("option", { value: "reload" }, TEXT.reload),
  );
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
  parts.action.value = "sell";
  parts.error.textContent = "";
  parts.root.hidden = false;
  parts.code.focus();
}

function close() {
  parts.root.hidden = true;
  hooks.closed();
}

// A scan while the dialog is open is the card to sell or reload.
export function takeScan(code) {
  parts.code.value = code;
  parts.error.textContent = "";
  parts.amount.focus();
}

function moveFocus(step) {
  const at = parts.order.indexOf(document.activeElement);
  const next = (at + step + parts.order.length) % parts.order.length;
  parts.order[next].focus();
}

function showError(text) {
  parts.error.textContent = text;
}

async function submit() {
  if (busy) return;
  const code = parts.code.value.trim();
  if (code === "") {
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
    await hooks.ringUp(code, amount.minor, parts.action.value);
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
      // ↑↓ choose sell or reload from any field.
      if (document.activeElement !== parts.action) {
        event.preventDefault();
        parts.action.value = parts.action.value === "sell" ? "reload" : "sell";
      }
      return;
    default:
      // Function keys do nothing here; characters type into the focused field.
      if (/^F[0-9]+$/.test(event.key)) event.preventDefault();
  }
}
