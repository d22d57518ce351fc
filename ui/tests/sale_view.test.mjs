// Unit tests of how the sale screen words a tender (ui/sale_view.js): node --test ui/tests/
import { test } from "node:test";
import assert from "node:assert/strict";
import { STATUS_VIEW, isSettling, tenderDetail, tenderName, tenderView } from "../sale_view.js";

test("every tender status the till reports has a tone", () => {
  // TenderDto.status in src-tauri/sale_dto.rs.
  const statuses = [
    "to charge at Complete", "holding…", "held", "charging…", "outcome unknown: being checked…",
    "paid", "confirming…", "confirmed",
    "queued (offline)", "paid (synced)", "shortfall: in review", "refused", "removed", "undoing…",
    "undone", "undo in review",
  ];
  assert.deepEqual(Object.keys(STATUS_VIEW).sort(), [...statuses].sort());
  const tones = new Set(Object.values(STATUS_VIEW));
  for (const tone of ["ok", "held", "offline", "bad", "pending", "review", "unknown"]) assert.ok(tones.has(tone), tone);
  assert.ok(isSettling("confirming…"));
  assert.ok(isSettling("outcome unknown: being checked…"), "the screen keeps following it");
  assert.ok(!isSettling("confirmed"));
});

test("a tender's words: held, refused with the reason, unknown when unanswered", () => {
  const zmyle = { kind: "gift_card", provider: "zmyle", provider_name: "zmyle", card_masked: "••••7834", status: "held" };
  assert.deepEqual(tenderView(zmyle), { tone: "held", words: "held" });
  assert.equal(tenderName(zmyle), "zmyle ••••7834");
  const holding = { ...zmyle, status: "holding…" };
  assert.equal(tenderView(holding).tone, "pending");
  assert.equal(tenderView(holding, true).tone, "unknown");
  assert.match(tenderView(holding, true).words, /do not retry by hand/);
  const refused = { ...zmyle, status: "refused", message: "Insufficient balance" };
  assert.deepEqual(tenderView(refused), { tone: "bad", words: "refused: Insufficient balance" });
  const offline = { ...zmyle, status: "queued (offline)", approved_by: "manager" };
  assert.deepEqual(tenderView(offline), { tone: "offline", words: "queued (offline) · approved by manager" });
  assert.equal(tenderName({ kind: "wallet", provider_name: "Leat", card_masked: "••••LT01" }), "Leat wallet ••••LT01");
  assert.equal(tenderName({ kind: "cash" }), "Cash");
  assert.equal(tenderName({ kind: "terminal" }), "Card terminal");
  const terminal = { kind: "terminal", status: "removed", message: "refund it on the card terminal" };
  assert.equal(tenderView(terminal).words, "removed — refund it on the card terminal");
});

test("a tender's detail: cash given and change, what a card had, the till's note", () => {
  const money = (minor) => `EUR ${(minor / 100).toFixed(2)}`;
  const cash = { kind: "cash", state: "paid", status: "paid", given_minor: 5000, change_minor: 2610 };
  assert.equal(tenderDetail(cash, tenderView(cash), money), "given EUR 50.00 · change EUR 26.10");
  assert.equal(tenderDetail({ ...cash, change_minor: 0 }, tenderView(cash), money), "given EUR 50.00");
  const card = { kind: "gift_card", state: "offline", status: "queued (offline)", balance_minor: 20000, message: "taken offline" };
  assert.equal(tenderDetail(card, tenderView(card), money), "had EUR 200.00 · taken offline");
  const synced = { ...card, status: "paid (synced)" };
  assert.equal(tenderDetail(synced, tenderView(synced), money), "had EUR 200.00", "the status says it");
  const removed = { ...card, state: "removed", status: "removed" };
  assert.equal(tenderDetail(removed, tenderView(removed), money), "");
});
