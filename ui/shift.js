// The shift screen (F1): open a shift with the cash float in the drawer; cash paid in or out
// with a reason; the X report (F2); close with the cash counted (the Z report); a past shift's
// Z report by its number; the report shown printed (F9) on the receipt printer, or, with none
// set up, through the OS's print dialog as receipts are (ui/receipt.js). Keyboard only:
// Tab between the fields, Enter sends the field's form, F1 / Esc go back. Amounts go to the
// till as typed (`100.00`, `100,00`, `0`); the report's rows are the till's own (the receipt
// printer's layout, in the till's language): the screen adds no sums.

import { $, el, fill } from "./dom.js";
import { errorView } from "./errors.js";
import { formatMinor } from "./entry.js";
import { formatDateTime, words } from "./i18n.js";
import { renderReceipt } from "./receipt.js";

const { invoke } = window.__TAURI__.core;

// Every word this screen shows, in one place (translated by ui/i18n.js).
export const TEXT = words("shift", {
  keys: [["Enter", "Send"], ["Tab", "Next field"], ["F2", "X report"], ["F9", "Print the report"], ["F1 / Esc", "Back to the sale"]],
  title: "Shift",
  none: "No shift is open. Count the cash in the drawer and open one.",
  open: (id, since, float) => `Shift ${id} is open since ${since}, float ${float}.`,
  bySale: (id, since) => `Shift ${id} was opened by a sale at ${since}, with no float.`,
  float: "Cash float in the drawer",
  openButton: "Open the shift",
  moveKind: "Cash",
  paidIn: "Paid in",
  paidOut: "Paid out",
  amount: "Amount",
  reason: "Why",
  moveButton: "Note it",
  counted: "Cash counted in the drawer",
  closeButton: "Close the shift (Z report)",
  pastShift: "Z report of shift number",
  showButton: "Show",
  opened: (id) => `Shift ${id} is open.`,
  moved: (kind, amount) => `${kind} ${amount} noted.`,
  closed: (id) => `Shift ${id} is closed: its Z report is below.`,
  printing: "Printing…",
  noReport: "Show a report first (F2 for the X report).",
});

const state = { shift: null, report: null, rows: [], busy: false };

function message(text, tone = "ok") {
  const box = $("shift-message");
  box.dataset.tone = tone;
  fill(box, text);
}

function error(e) {
  const view = errorView(e);
  message(`${view.title}: ${view.text}`, "bad");
}

// Builds the screen's forms once, into the empty section of index.html.
export function init() {
  const field = (id, label, attrs = {}) => [
    el("label", { for: id }, label),
    el("input", { id, type: "text", autocomplete: "off", spellcheck: "false", maxlength: "40", ...attrs }),
  ];
  const form = (id, button, ...fields) => {
    const f = el("form", { id, class: "shift-form" }, ...fields, el("button", { type: "submit" }, button));
    return f;
  };
  fill(
    $("shift-panel"),
    el("h1", { id: "shift-title" }, TEXT.title),
    el("p", { id: "shift-state", class: "hint" }),
    form("shift-open-form", TEXT.openButton, ...field("shift-float", TEXT.float, { inputmode: "decimal" })),
    form(
      "shift-move-form",
      TEXT.moveButton,
      el("label", { for: "shift-move-kind" }, TEXT.moveKind),
      el("select", { id: "shift-move-kind" },
        el("option", { value: "paid_in" }, TEXT.paidIn),
        el("option", { value: "paid_out" }, TEXT.paidOut)),
      ...field("shift-move-amount", TEXT.amount, { inputmode: "decimal" }),
      ...field("shift-move-reason", TEXT.reason, { maxlength: "120" }),
    ),
    form("shift-close-form", TEXT.closeButton, ...field("shift-counted", TEXT.counted, { inputmode: "decimal" })),
    form("shift-past-form", TEXT.showButton, ...field("shift-past", TEXT.pastShift, { inputmode: "numeric", maxlength: "9" })),
    el("div", { id: "shift-message", class: "shift-message", role: "status" }),
    el("div", { id: "shift-report", class: "shift-report", "aria-live": "polite" }),
  );
  const on = (id, act) =>
    $(id).addEventListener("submit", (event) => {
      event.preventDefault();
      run(act);
    });
  on("shift-open-form", openShift);
  on("shift-move-form", cashMove);
  on("shift-close-form", closeShift);
  on("shift-past-form", pastZ);
}

// One command at a time; its refusal is said on the screen.
async function run(act) {
  if (state.busy) return;
  state.busy = true;
  try {
    await act();
  } catch (e) {
    error(e);
  } finally {
    state.busy = false;
  }
}

// The screen is shown: the open shift (or none), and the forms that fit.
export async function open() {
  fill($("shift-message"));
  try {
    state.shift = await invoke("shift_current");
  } catch (e) {
    return error(e);
  }
  showState();
  (state.shift ? $("shift-move-amount") : $("shift-float")).focus();
}

function showState() {
  const s = state.shift;
  const since = s && formatDateTime(s.opened_at);
  fill(
    $("shift-state"),
    !s ? TEXT.none : s.opened_by === "sale" ? TEXT.bySale(s.id, since) : TEXT.open(s.id, since, formatMinor(s.float_minor, s.currency)),
  );
  $("shift-open-form").hidden = Boolean(s);
  $("shift-move-form").hidden = !s;
  $("shift-close-form").hidden = !s;
}

// The report's rows, line for line as the receipt printer prints them.
function showReport(dto) {
  state.report = dto.report;
  state.rows = dto.rows;
  fill(
    $("shift-report"),
    el("pre", { "data-kind": dto.report.kind, "data-shift": dto.report.shift.id },
      ...dto.rows.map((r) => el("span", { class: r.bold ? "bold" : null }, `${r.text}\n`))),
  );
}

async function openShift() {
  state.shift = await invoke("shift_open", { float: $("shift-float").value });
  $("shift-float").value = "";
  message(TEXT.opened(state.shift.id));
  showState();
  $("shift-move-amount").focus();
}

async function cashMove() {
  const kind = $("shift-move-kind").value;
  const amount = $("shift-move-amount").value;
  showReport(await invoke("shift_cash_move", { kind, amount, reason: $("shift-move-reason").value }));
  const moved = state.report.cash.movements.at(-1);
  message(TEXT.moved(kind === "paid_in" ? TEXT.paidIn : TEXT.paidOut, formatMinor(moved.amount_minor, state.report.currency)));
  $("shift-move-amount").value = "";
  $("shift-move-reason").value = "";
  $("shift-move-amount").focus();
}

async function closeShift() {
  const z = await invoke("shift_close", { counted: $("shift-counted").value });
  $("shift-counted").value = "";
  state.shift = null;
  showState();
  showReport(z);
  message(TEXT.closed(z.report.shift.id));
  $("shift-past").focus();
}

async function pastZ() {
  const text = $("shift-past").value.trim();
  showReport(await invoke("shift_z", { shiftId: text === "" ? null : Number(text) }));
  fill($("shift-message"));
}

async function xReport() {
  showReport(await invoke("shift_x"));
  fill($("shift-message"));
}

async function print() {
  const r = state.report;
  if (!r) return message(TEXT.noReport, "bad");
  message(TEXT.printing);
  const done = await invoke("shift_print", { which: r.kind, shiftId: r.kind === "z" ? r.shift.id : null });
  if (!done.configured) {
    // No receipt printer: the rows shown, on the receipts' print-only paper.
    renderReceipt({ text: state.rows.map((row) => row.text) });
    fill($("shift-message"));
    window.print();
    return;
  }
  message(done.message, done.printed ? "ok" : "bad");
}

// The screen's keys; false for those the window handles (F1 / Esc: back to the sale).
export function onKey(event) {
  if (event.key === "F2") {
    run(xReport);
    return true;
  }
  if (event.key === "F9") {
    run(print);
    return true;
  }
  return false;
}
