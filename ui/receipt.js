// Receipts from the window: on the ESC/POS receipt printer when `[printer]` names one
// (`receipt_print`), else through the OS's print dialog, from a print-only element laid out for
// 80 mm paper (ui/styles.css, "Receipts"). The layout is the till's own (`receipt_get`'s `text`,
// line for line): the UI adds no sums. A printer problem is a passing message, never in the way
// of the sale; the receipt can always be printed again.

import { el, fill } from "./dom.js";
import { words } from "./i18n.js";

const invoke = (command, args) => window.__TAURI__.core.invoke(command, args);

// The words of this module (translated by ui/i18n.js).
export const TEXT = words("receipt", {
  notPrinted: "Receipt not printed",
  failed: (message) => message || "The receipt could not be printed.",
});

// How long a message about the printer stays.
const NOTE_MS = 8000;

function node(id, attrs) {
  let found = document.getElementById(id);
  if (!found) {
    found = el("div", { id, ...attrs });
    document.body.append(found);
  }
  return found;
}

// A message that does not take the focus and goes away by itself.
function note(title, text) {
  const box = node("receipt-note", { class: "receipt-note", role: "status" });
  fill(box, el("strong", {}, title), " ", text);
  box.hidden = false;
  clearTimeout(note.timer);
  note.timer = setTimeout(() => (box.hidden = true), NOTE_MS);
}

// Puts the receipt in the print-only element.
export function renderReceipt(receipt) {
  const paper = node("receipt-print", { class: "receipt-print", "aria-hidden": "true" });
  fill(paper, el("pre", {}, receipt.text.join("\n")));
  return paper;
}

// Prints sale `saleId`'s receipt (or, with `refundId`, that refund's): on the receipt printer
// when there is one; else, with `dialog` (the default), through the OS's print dialog. Never
// throws.
export async function printReceipt(saleId, { dialog = true, refundId = null } = {}) {
  try {
    const answer = await invoke("receipt_print", { saleId, refundId });
    if (answer.configured) {
      if (!answer.printed) note(TEXT.notPrinted, TEXT.failed(answer.message));
      return answer;
    }
    if (dialog) {
      renderReceipt(await invoke("receipt_get", { saleId, refundId }));
      window.print();
    }
    return answer;
  } catch (error) {
    note(TEXT.notPrinted, TEXT.failed(error?.message));
    return { printed: false, configured: false, message: error?.message ?? String(error) };
  }
}
