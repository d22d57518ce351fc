// The sale screen, the till's home (docs/design.md §5, §7a): lines typed on the keypad, tenders, and the
// total, paid, still to pay and change, large and always visible. Keyboard only: every action
// has a key (KEYS). Amounts cross IPC as integer minor units (ui/entry.js reads what was typed);
// what each tender's status says comes from the till (TenderDto.status) and has its own words
// and colour (ui/sale_view.js). Nothing says Paid before `sale_complete` answered `paid`.

import * as cardSale from "./card_sale.js";
import { $, el, fill } from "./dom.js";
import { clearWhenIdle, takePin } from "./pin_field.js";
import { errorView } from "./errors.js";
import { formatMinor, formatPlain, parseAmount, parseLine } from "./entry.js";
import { awaitsAnswer, counts, isQueued, isSettling, tenderDetail, tenderName, tenderView } from "./sale_view.js";
import { printReceipt } from "./receipt.js";
import { formatDateTime, words } from "./i18n.js";

// The keys of this screen, as the footer shows them.
export const KEYS = words("sale.keys", [
  ["Enter", "Add / accept"],
  ["F1", "Shift"],
  ["F2", "Cash"],
  ["F3", "Terminal"],
  ["F4", "Balance"],
  ["F5", "Card code"],
  ["F6", "Queue"],
  ["F7", "Sell / reload card"],
  ["F8", "Select ↑↓ Del"],
  ["F9", "Complete"],
  ["F10", "Refund"],
  ["F12", "Setup"],
  ["Esc", "Abandon"],
]);

// Every word this screen shows, in one place (translated by ui/i18n.js).
export const TEXT = words("sale", {
  newSale: "New sale",
  sale: (n) => `Sale ${n}`,
  emptyHint:
    "Type a price (12.50) or a line (Mug 2x7.95, Coffee beans 12.50) and press Enter. Scan a card to pay with it.",
  entryLabel: "Amount or line",
  entryLabelProposal: (amount) => `Amount from this card (Enter alone: ${amount})`,
  saleStates: { completing: "being completed" },
  proposalCard: (name, masked, available) => `${name} ${masked} has ${available}`,
  proposalPay: "Pay",
  proposalHint: "Enter accepts · type a lower amount, then Enter · Esc: not this card",
  proposalOffline: (name, since) =>
    `${name} cannot be reached: the last known balance (seen ${since}) stands in; the card is charged when ${name} answers.`,
  proposalHolder: (holder) => `Holder: ${holder}`,
  busy: {
    line: "Adding the line…",
    scan: "Looking the card up…",
    hold: (name, amount) => `Asking ${name} to hold ${amount}…`,
    card: "Putting the card on the sale…",
    cash: "Taking the cash…",
    terminal: "Recording the terminal payment…",
    remove: "Taking it off…",
    complete: "Completing: charging the cards…",
    abandon: "Abandoning: giving back what was taken…",
    resume: "Opening the sale the till was on…",
  },
  wait: (what) => `One moment: ${what}`,
  ringUpFirst: "Ring up a line first: the sale has nothing to pay.",
  nothingLeft: "Nothing is left to pay: press F9 to complete.",
  pressF9: "Everything is paid: press F9 (or numpad Enter) to complete.",
  typeCode: "Type the card's code, then press F5.",
  amountTooHigh: (most) => `This card can pay at most ${most} of this sale.`,
  notAmountTitle: "Not an amount",
  notLineTitle: "Not a line",
  nothingSelected: "Nothing to select yet.",
  selectHint: "↑↓ choose · Delete takes it off · Esc back",
  refusedTitle: "Refused — the sale is back to paying, without that card",
  interrupted: "This sale was being completed when the till stopped: press F9 to finish it.",
  paid: "Paid",
  change: "Change",
  noChange: "No change",
  abandoned: "Sale abandoned",
  abandonedHint: "Each tender below shows how its undo goes.",
  nextSale: "The next key or scan starts a new sale.",
  lastSale: (n, outcome) => `Last sale ${n}: ${outcome}`,
  lastPaid: (change) => (change ? `paid, change ${change}` : "paid"),
  lastAbandoned: "abandoned",
  pinIgnored: "A scan is not read in the PIN field: type the PIN.",
  answerFirst: "Answer the question first: Enter abandons the sale, Esc keeps it.",
  approveBack: "Take that tender off (↑↓ then Delete) and take another, or press F9 to try again.",
  afterRefusal: "Take another tender, then F9.",
});

const POLL_FAST_MS = 400;
const POLL_SLOW_MS = 3000;
const FAST_FOR_MS = 60_000;

const state = {
  info: null,
  hooks: null,
  // The unfinished sale (SaleDto), or null before the first line.
  sale: null,
  // "sale", or "paid"/"abandoned" right after one ended, until the next key or scan.
  view: "sale",
  // The sale that ended last, followed until its operations settle.
  last: null,
  // A scanned card's proposal, with its code (kept in memory only until accepted or dropped).
  proposal: null,
  // What is in flight, in words; actions wait for it.
  busy: null,
  message: null,
  // Index into selectable() while F8 selection is on.
  select: null,
  // "abandon" or "approve".
  dialog: null,
  approval: [],
  // Tenders whose bounded wait ended without an answer.
  unanswered: new Set(),
  epoch: 0,
  poll: null,
  changedAt: 0,
};

const invoke = (command, args) => window.__TAURI__.core.invoke(command, args);
const currency = () => state.sale?.currency ?? state.info?.currency ?? "EUR";
const language = () => state.info?.language ?? "en";
const money = (minor, cur = currency()) => formatMinor(minor, cur, language());
const entry = () => $("entry");
const entryText = () => entry().value.trim();

function clearEntry() {
  entry().value = "";
}

function say(tone, title, text = "") {
  state.message = { tone, title, text };
  render();
}

function showError(error) {
  const view = errorView(error);
  state.message = { tone: view.tone, title: view.title, text: view.text };
}

// Runs one action at a time; what it changes is rendered when it ends, errors are shown.
async function act(busy, fn) {
  if (state.busy) {
    say("warn", TEXT.wait(state.busy));
    return;
  }
  state.busy = busy;
  state.message = null;
  state.epoch++;
  render();
  try {
    await fn();
  } catch (error) {
    showError(error);
    if (error?.code === "sale_state") await reload();
  } finally {
    state.busy = null;
    state.epoch++;
    render();
  }
}

// The sale as the till has it now (after a refusal, or when it changed under the screen).
async function reload() {
  try {
    state.sale = await invoke("sale_current");
  } catch (error) {
    showError(error);
  }
}

function markUnanswered(sale) {
  for (const t of sale?.tenders ?? []) {
    if (awaitsAnswer(t.status)) state.unanswered.add(t.id);
  }
}

// ---- actions -------------------------------------------------------------------------------

function addLine(text) {
  const line = parseLine(text, currency());
  if (line.error) return say("warn", TEXT.notLineTitle, line.error);
  act(TEXT.busy.line, async () => {
    if (!state.sale) state.sale = await invoke("sale_open");
    state.sale = await invoke("sale_add_line", {
      saleId: state.sale.id,
      description: line.description,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
    });
    clearEntry();
  });
}

// The amount typed, or `otherwise` when nothing was; null (and a message) when it is not one.
function typedAmount(otherwise) {
  const text = entryText();
  if (text === "") return otherwise;
  const amount = parseAmount(text, currency());
  if (amount.error) {
    say("warn", TEXT.notAmountTitle, amount.error);
    return null;
  }
  return amount.minor;
}

// The open sale when it has something left to pay; otherwise says why not.
function saleToPay() {
  const sale = state.sale;
  if (!sale || sale.lines.length === 0) {
    say("warn", TEXT.ringUpFirst);
    return null;
  }
  if (sale.remaining_minor === 0) {
    say("warn", TEXT.nothingLeft);
    return null;
  }
  return sale;
}

// Cash (F2) or the card terminal (F3): the amount typed, or the rest when nothing was.
// `tender(saleId, minor)` asks the till and answers with the sale.
function payRest(busy, tender) {
  const sale = saleToPay();
  if (!sale) return;
  const amount = typedAmount(sale.remaining_minor);
  if (amount === null) return;
  act(busy, async () => {
    state.sale = await tender(sale.id, amount);
    clearEntry();
  });
}

const cash = () =>
  payRest(TEXT.busy.cash, (saleId, givenMinor) => invoke("sale_tender_cash", { saleId, givenMinor }));
const terminal = () =>
  payRest(TEXT.busy.terminal, (saleId, amountMinor) => invoke("sale_tender_terminal", { saleId, amountMinor }));

// A card scanned, or typed and sent with F5: with something left to pay, a proposal to accept
// or lower; otherwise the till answers with its balance, which the balance screen shows.
export function scan(code) {
  if (cardSale.isOpen()) return cardSale.takeScan(code);
  if (state.dialog === "approve") {
    $("approve-error").textContent = TEXT.pinIgnored;
    return;
  }
  if (state.dialog) {
    say("warn", TEXT.answerFirst);
    return;
  }
  leaveOutcome();
  state.select = null;
  act(TEXT.busy.scan, async () => {
    const answer = await invoke("sale_scan", { code });
    // `scan` says which (src-tauri/sale_dto.rs ScanDto).
    if (answer.scan === "proposal") {
      state.proposal = { ...answer, code };
      clearEntry();
    } else {
      state.proposal = null;
      state.hooks.showBalance(answer);
    }
  });
}

function acceptProposal() {
  const p = state.proposal;
  const amount = typedAmount(p.amount_minor);
  if (amount === null) return;
  if (amount > p.amount_minor) {
    say("warn", TEXT.notAmountTitle, TEXT.amountTooHigh(money(p.amount_minor)));
    return;
  }
  const busy = p.provider === "zmyle" ? TEXT.busy.hold(p.provider_name, money(amount)) : TEXT.busy.card;
  act(busy, async () => {
    try {
      state.sale = await invoke("sale_tender_card", { saleId: p.sale_id, code: p.code, amountMinor: amount });
      state.proposal = null;
      clearEntry();
      markUnanswered(state.sale);
    } catch (error) {
      // A refusal takes the card off the sale (the refused tender shows why); a wrong amount
      // leaves the proposal for another try.
      if (error?.code !== "invalid") {
        state.proposal = null;
        await reload();
      }
      throw error;
    }
  });
}

function complete(pin) {
  const sale = state.sale;
  if (!sale || sale.lines.length === 0) {
    say("warn", TEXT.ringUpFirst);
    return;
  }
  act(TEXT.busy.complete, async () => {
    let done;
    try {
      done = await invoke("sale_complete", { saleId: sale.id, pin });
    } catch (error) {
      if (error?.code === "pin_refused" && state.dialog === "approve") {
        $("approve-error").textContent = error.message;
        return;
      }
      state.dialog = null;
      throw error;
    }
    state.dialog = null;
    state.proposal = null;
    markUnanswered(done.sale);
    if (done.outcome === "paid") {
      // On the receipt printer, if there is one; never in the way of the next sale.
      printReceipt(done.sale.id, { dialog: false });
      state.last = done.sale;
      state.sale = null;
      state.view = "paid";
      state.select = null;
      clearEntry();
      state.changedAt = Date.now();
    } else if (done.outcome === "needs_approval") {
      state.sale = done.sale;
      state.approval = done.reasons;
      openDialog("approve");
    } else {
      state.sale = done.sale;
      state.message = { tone: "bad", title: TEXT.refusedTitle, text: done.reasons, after: TEXT.afterRefusal };
    }
  });
}

function abandon() {
  const sale = state.sale;
  state.dialog = null;
  act(TEXT.busy.abandon, async () => {
    const done = await invoke("sale_abandon", { saleId: sale.id });
    state.last = done;
    state.sale = null;
    state.proposal = null;
    state.select = null;
    state.view = "abandoned";
    state.changedAt = Date.now();
    clearEntry();
  });
}

// Lines and the tenders that still pay: what F8 lets the cashier pick and take off.
function selectable() {
  const sale = state.sale;
  if (!sale) return [];
  return [
    ...sale.lines.map((l) => ({ kind: "line", id: l.pos })),
    ...sale.tenders.filter(counts).map((t) => ({ kind: "tender", id: t.id })),
  ];
}

function startSelecting(prefer) {
  const rows = selectable();
  if (rows.length === 0) return say("warn", TEXT.nothingSelected);
  let index = rows.findIndex((r) => r.kind === "tender" && r.id === prefer);
  if (index < 0) index = rows.length - 1;
  state.select = index;
  state.message = null;
  render();
}

function removeSelected() {
  const row = selectable()[state.select];
  if (!row) return;
  const sale = state.sale;
  act(TEXT.busy.remove, async () => {
    state.sale =
      row.kind === "line"
        ? await invoke("sale_remove_line", { saleId: sale.id, pos: row.id })
        : await invoke("sale_remove_tender", { saleId: sale.id, tenderId: row.id });
    const left = selectable().length;
    state.select = left === 0 ? null : Math.min(state.select, left - 1);
  });
}

function openDialog(which) {
  state.dialog = which;
  $("approve-error").textContent = "";
  $("approve-pin").value = "";
}

function closeDialog() {
  state.dialog = null;
  render();
}

// After Paid or an abandon: the next key or scan starts a new sale.
function leaveOutcome() {
  if (state.view !== "sale") {
    state.view = "sale";
    state.message = null;
    render();
  }
}

// ---- keys ----------------------------------------------------------------------------------

const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock", "NumLock", "Dead"]);

function dialogKey(event) {
  if (event.key === "Escape") {
    event.preventDefault();
    const was = state.dialog;
    closeDialog();
    if (was === "approve") {
      const waiting = state.sale?.tenders.find((t) => counts(t) && isSettling(t.status));
      startSelecting(waiting?.id);
      say("warn", TEXT.approveBack);
    }
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (state.dialog === "abandon") abandon();
    else complete(takePin($("approve-pin")));
  } else if (state.dialog === "abandon" || /^F[0-9]+$/.test(event.key) || event.key === "Tab") {
    // Only the PIN field takes typing; nothing else happens until the question is answered.
    event.preventDefault();
  }
}

// Keys while F8 selection is on. Returns true when the key was for the selection.
function selectKey(event) {
  const rows = selectable();
  switch (event.key) {
    case "ArrowUp":
    case "ArrowDown": {
      event.preventDefault();
      const step = event.key === "ArrowUp" ? -1 : 1;
      state.select = Math.max(0, Math.min(rows.length - 1, state.select + step));
      render();
      return true;
    }
    case "Delete":
    case "Backspace":
      event.preventDefault();
      removeSelected();
      return true;
    case "Escape":
    case "F8":
    case "Enter":
      event.preventDefault();
      state.select = null;
      render();
      return true;
    default:
      // Typing or another action key ends the selection and does what it does.
      state.select = null;
      render();
      return false;
  }
}

function escape() {
  if (state.proposal) {
    state.proposal = null;
    clearEntry();
    render();
  } else if (entryText() !== "") {
    clearEntry();
  } else if (state.sale && (state.sale.lines.length > 0 || state.sale.tenders.some(counts))) {
    openDialog("abandon");
    render();
  }
}

function enter() {
  if (state.proposal) return acceptProposal();
  const text = entryText();
  if (text !== "") return addLine(text);
  if (state.sale && state.sale.lines.length > 0 && state.sale.remaining_minor === 0) say("warn", TEXT.pressF9);
}

// Keys of the sale screen (F4 and F6 switch screens in main.js). Characters type into the
// entry field, which keeps focus.
export function onKey(event) {
  if (event.isComposing || MODIFIERS.has(event.key)) return;
  if (state.dialog) return dialogKey(event);
  if (cardSale.isOpen()) return cardSale.onKey(event);
  leaveOutcome();
  if (state.select !== null && selectKey(event)) return;
  if (state.busy && ["Enter", "F2", "F3", "F5", "F8", "F9", "Escape"].includes(event.key)) {
    event.preventDefault();
    say("warn", TEXT.wait(state.busy));
    return;
  }
  switch (event.key) {
    case "Enter":
      event.preventDefault();
      // Numpad Enter with nothing typed completes (as F9); otherwise it is Enter.
      if (event.code === "NumpadEnter" && !state.proposal && entryText() === "") complete();
      else enter();
      return;
    case "F2":
      event.preventDefault();
      return cash();
    case "F3":
      event.preventDefault();
      return terminal();
    case "F5": {
      event.preventDefault();
      const code = entryText();
      if (code === "") return say("warn", TEXT.typeCode);
      clearEntry();
      return scan(code);
    }
    case "F7":
      event.preventDefault();
      if (state.busy) return say("warn", TEXT.wait(state.busy));
      state.select = null;
      state.proposal = null;
      return cardSale.open();
    case "F8":
      event.preventDefault();
      return startSelecting();
    case "F9":
      event.preventDefault();
      return complete();
    case "Escape":
      event.preventDefault();
      return escape();
    case "Tab":
      // Focus stays in the entry field (a scanner's Tab never gets here).
      event.preventDefault();
      return;
    default:
  }
}

// ---- rendering -----------------------------------------------------------------------------

function renderLines(sale) {
  const selected = state.select !== null ? selectable()[state.select] : null;
  const lines = sale?.lines ?? [];
  fill($("sale-lines").querySelector("tbody"), 
    ...lines.map((l) =>
      el(
        "tr",
        { "data-pos": l.pos, class: selected?.kind === "line" && selected.id === l.pos ? "selected" : undefined },
        el("td", { class: "pos" }, String(l.pos)),
        el("td", { class: "desc" }, l.card ? `${l.description} · ${l.card.status}` : l.description),
        el("td", { class: "qty" }, `${l.quantity} × ${formatPlain(l.unit_price_minor, sale.currency, language())}`),
        el("td", { class: "amount" }, formatPlain(l.total_minor, sale.currency, language())),
      ),
    ),
  );
  $("sale-lines").hidden = lines.length === 0;
  $("sale-empty").textContent = TEXT.emptyHint;
  $("sale-empty").hidden = lines.length > 0 || state.view !== "sale";
}

function renderTotals(sale) {
  const cur = sale?.currency ?? currency();
  const amount = (minor) => money(minor ?? 0, cur);
  $("sale-total").textContent = amount(sale?.total_minor);
  $("row-rounding").hidden = !sale?.rounding_minor;
  $("sale-rounding").textContent = amount(sale?.rounding_minor);
  $("sale-paid").textContent = amount(sale?.paid_minor);
  $("sale-remaining").textContent = amount(sale?.remaining_minor);
  $("sale-change").textContent = amount(sale?.change_minor);
  // Only an unfinished sale asks for more.
  $("row-remaining").dataset.due = state.view === "sale" && sale?.remaining_minor > 0 ? "yes" : "no";
  $("row-change").dataset.due = sale?.change_minor > 0 ? "yes" : "no";
}

function renderTenders(sale) {
  const selected = state.select !== null ? selectable()[state.select] : null;
  fill($("sale-tenders"), 
    ...(sale?.tenders ?? []).map((t) => {
      const view = tenderView(t, state.unanswered.has(t.id));
      const detail = tenderDetail(t, view, (minor) => money(minor, sale.currency));
      return el(
        "li",
        {
          class: selected?.kind === "tender" && selected.id === t.id ? "tender selected" : "tender",
          "data-tender": t.id,
          "data-kind": t.kind,
          "data-provider": t.provider ?? t.kind,
          "data-status": t.status,
          "data-tone": view.tone,
        },
        el("span", { class: "t-name" }, tenderName(t)),
        el("span", { class: "t-amount" }, money(t.amount_minor, sale.currency)),
        el("span", { class: "t-status" }, view.words),
        detail ? el("span", { class: "t-detail" }, detail) : null,
      );
    }),
  );
  $("tenders-title").hidden = !(sale?.tenders?.length > 0);
}

function renderOutcome() {
  const box = $("sale-outcome");
  box.hidden = state.view === "sale";
  box.dataset.outcome = state.view;
  if (state.view === "sale") return;
  const last = state.last;
  if (state.view === "paid") {
    fill(box, 
      el("div", { class: "outcome-title", id: "outcome-title" }, TEXT.paid),
      el(
        "div",
        { class: "outcome-change" },
        last.change_minor > 0 ? `${TEXT.change} ` : TEXT.noChange,
        last.change_minor > 0 ? el("strong", { id: "outcome-change" }, money(last.change_minor, last.currency)) : "",
      ),
      el("p", { class: "hint" }, TEXT.nextSale),
    );
  } else {
    fill(box, 
      el("div", { class: "outcome-title", id: "outcome-title" }, TEXT.abandoned),
      el("p", {}, TEXT.abandonedHint),
      el("p", { class: "hint" }, TEXT.nextSale),
    );
  }
}

function renderLastSale() {
  const node = $("last-sale");
  const last = state.last;
  const show = state.view === "sale" && last && (!state.sale || last.tenders.some((t) => isSettling(t.status)));
  node.hidden = !show;
  if (!show) return;
  const outcome =
    last.state === "completed"
      ? TEXT.lastPaid(last.change_minor > 0 ? money(last.change_minor, last.currency) : "")
      : TEXT.lastAbandoned;
  fill(node, 
    el("span", {}, TEXT.lastSale(last.number, outcome)),
    ...last.tenders
      .filter((t) => t.kind !== "cash")
      .map((t) => {
        const view = tenderView(t, state.unanswered.has(t.id));
        return el("span", { class: "last-tender", "data-tone": view.tone }, `${tenderName(t)} ${view.words}`);
      }),
  );
}

function renderProposal() {
  const p = state.proposal;
  const box = $("sale-proposal");
  box.hidden = !p;
  $("entry-label").textContent = p ? TEXT.entryLabelProposal(money(p.amount_minor)) : TEXT.entryLabel;
  if (!p) return;
  box.dataset.offline = p.offline_since ? "yes" : "no";
  fill(box, 
    el("div", { class: "proposal-card", id: "proposal-card" },
      TEXT.proposalCard(p.provider_name, p.card_masked, money(p.available_minor))),
    el("div", { class: "proposal-amount" }, `${TEXT.proposalPay} `, el("strong", { id: "proposal-amount" }, money(p.amount_minor)), "?"),
    p.holder ? el("p", { class: "hint" }, TEXT.proposalHolder(p.holder)) : null,
    p.offline_since
      ? el("p", { class: "proposal-offline" }, TEXT.proposalOffline(p.provider_name, formatDateTime(p.offline_since)))
      : null,
    el("p", { class: "hint" }, TEXT.proposalHint),
  );
}

function renderMessage() {
  const m = state.message;
  const box = $("sale-message");
  box.hidden = !m;
  if (!m) return;
  box.dataset.tone = m.tone;
  const text = Array.isArray(m.text)
    ? el("ul", {}, ...m.text.map((r) => el("li", {}, r)))
    : m.text
      ? el("p", {}, m.text)
      : null;
  fill(box, el("strong", {}, m.title), text, m.after ? el("p", {}, m.after) : null);
}

function renderDialog() {
  $("sale-dialog").hidden = !state.dialog;
  $("abandon-dialog").hidden = state.dialog !== "abandon";
  $("approve-dialog").hidden = state.dialog !== "approve";
  if (state.dialog === "abandon") {
    $("abandon-title").textContent = `${TEXT.sale(state.sale?.number ?? "")}: abandon it?`;
  }
  if (state.dialog === "approve") {
    fill($("approve-reasons"), ...state.approval.map((r) => el("li", {}, r)));
    if (document.activeElement !== $("approve-pin")) $("approve-pin").focus();
  } else if (state.hooks?.active() && document.activeElement !== entry()) {
    entry().focus();
  }
}

function render() {
  const shown = state.view === "sale" ? state.sale : state.last;
  $("sale-title").textContent = shown ? TEXT.sale(shown.number) : TEXT.newSale;
  const saleState = shown && state.view === "sale" ? TEXT.saleStates[shown.state] : null;
  $("sale-state").textContent = saleState ?? "";
  $("sale-state").hidden = !saleState;
  renderLines(shown);
  renderTotals(shown);
  renderTenders(shown);
  renderOutcome();
  renderLastSale();
  renderProposal();
  renderMessage();
  $("sale-busy").textContent = state.busy ?? "";
  $("sale-busy").hidden = !state.busy;
  $("sale-panel").dataset.busy = state.busy ? "yes" : "no";
  $("sale-panel").dataset.selecting = state.select !== null ? "yes" : "no";
  $("select-hint").hidden = state.select === null;
  $("select-hint").textContent = TEXT.selectHint;
  renderDialog();
  follow();
}

// ---- following what is still moving --------------------------------------------------------

// Sales on screen with a tender still moving (a hold asked for, a confirm or an undo on its
// way, a payment taken offline): read again until they settle, fast at first, and whenever the
// till's status changes.
function moving() {
  return [state.sale, state.last].filter((s) => s && s.tenders.some((t) => isSettling(t.status) || isQueued(t.status)));
}

function follow() {
  if (state.poll || moving().length === 0) return;
  const delay = Date.now() - state.changedAt < FAST_FOR_MS ? POLL_FAST_MS : POLL_SLOW_MS;
  state.poll = setTimeout(refreshMoving, delay);
}

async function refreshMoving() {
  state.poll = null;
  if (state.busy) return follow();
  const epoch = state.epoch;
  let changed = false;
  for (const sale of moving()) {
    let fresh;
    try {
      fresh = await invoke("sale_get", { saleId: sale.id });
    } catch {
      continue;
    }
    if (epoch !== state.epoch) return follow();
    const before = JSON.stringify(sale.tenders.map((t) => t.status));
    if (JSON.stringify(fresh.tenders.map((t) => t.status)) !== before) {
      changed = true;
      state.changedAt = Date.now();
    }
    if (state.sale?.id === fresh.id) state.sale = fresh;
    if (state.last?.id === fresh.id) state.last = fresh;
  }
  if (changed) render();
  else follow();
}

// The till's status changed (the outbox wrote): what is moving may have moved.
export function onStatus() {
  if (moving().length === 0) return;
  clearTimeout(state.poll);
  state.poll = null;
  state.changedAt = Date.now();
  refreshMoving();
}

export function focus() {
  if (state.dialog === "approve") $("approve-pin").focus();
  else entry().focus();
}

// Starts the screen: the sale the till was on, if any, where it was (after a restart too).
// hooks: showBalance(card) shows a card's balance; active() says whether this screen is shown.
export async function init(info, hooks) {
  state.info = info;
  state.hooks = hooks;
  clearWhenIdle($("approve-pin"));
  cardSale.init({
    currency,
    closed: () => {
      render();
      focus();
    },
    ringUp: async (code, amountMinor, action) => {
      state.message = null;
      if (!state.sale) state.sale = await invoke("sale_open");
      state.sale = await invoke("sale_add_card_line", { saleId: state.sale.id, code, amountMinor, action });
    },
  });
  // Focus stays in the entry field while this screen is shown, so typing always lands there.
  entry().addEventListener("blur", () =>
    setTimeout(() => {
      const focused = document.activeElement;
      if (hooks.active() && !state.dialog && (!focused || focused === document.body)) entry().focus();
    }, 0),
  );
  state.busy = TEXT.busy.resume;
  try {
    state.sale = await invoke("sale_current");
    markUnanswered(state.sale);
    if (state.sale?.state === "completing") state.message = { tone: "warn", title: TEXT.interrupted };
  } catch (error) {
    showError(error);
  } finally {
    state.busy = null;
    render();
  }
}
