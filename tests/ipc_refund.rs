//! Refunds and voids over Tauri's IPC (mock runtime), with the outbox engine running as in the
//! window, in training mode (the providers' simulators in the process): a void of a sale paid by
//! every kind of tender, refunds in part onto each provider's card, to cash and onto another
//! gift card, and what is refused — over what was paid, a card that did not pay, a wrong PIN,
//! a second void.

mod ipc_support;

use ipc_support::invoke;
use ipc_support::till::{training, Till};
use kassa_app::training::MANAGER_PIN;
use kassa_core::outbox::{OpKind, OpState};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LEAT_25: &str = "4165100001";
const LEAT_1_10: &str = "4165100002";
const WALLET_40: &str = "LEATWALLET01";
const ZMYLE_20: &str = "QTHX";
const ZMYLE_50: &str = "K7MR2P";
const LIGHTSPEED_75: &str = "9100000000000001";

impl Till {
    /// A completed sale of `minor`, paid by `cards` (code, amount) and cash for the rest, with
    /// every operation done.
    fn paid_sale(&self, minor: i64, cards: &[(&str, i64)]) -> Value {
        let sale = self.call("sale_open", json!({}));
        let id = sale["id"].as_str().unwrap().to_string();
        self.call(
            "sale_add_line",
            json!({"saleId": id, "description": "Goods", "quantity": 1, "unitPriceMinor": minor}),
        );
        for (code, amount) in cards {
            let scan = self.call("sale_scan", json!({ "code": code }));
            assert_eq!(scan["scan"], "proposal", "{scan}");
            self.call(
                "sale_tender_card",
                json!({"saleId": id, "code": code, "amountMinor": amount}),
            );
        }
        let rest: i64 = minor - cards.iter().map(|(_, a)| a).sum::<i64>();
        if rest > 0 {
            self.call(
                "sale_tender_cash",
                json!({"saleId": id, "givenMinor": rest}),
            );
        }
        let done = self.call("sale_complete", json!({ "saleId": id }));
        assert_eq!(done["outcome"], "paid", "{done}");
        self.wait(&format!("sale {id} settled"), || {
            let s = self.call("sale_get", json!({ "saleId": id }));
            (s["recorded"] == "succeeded" && self.ops_done(&id)).then_some(s)
        })
    }

    fn ops_done(&self, sale: &str) -> bool {
        self.store
            .ops(&[], 1000)
            .unwrap()
            .iter()
            .filter(|o| o.sale_id.as_deref() == Some(sale))
            .all(|o| o.state.is_final())
    }

    fn wait<T>(&self, what: &str, mut done: impl FnMut() -> Option<T>) -> T {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(v) = done() {
                return v;
            }
            if Instant::now() > until {
                let ops: Vec<String> = self
                    .store
                    .ops(&[], 1000)
                    .unwrap()
                    .iter()
                    .filter(|o| !o.state.is_final() || o.review_reason.is_some())
                    .map(|o| {
                        format!(
                            "{:?} {:?} {:?} {:?}",
                            o.kind, o.state, o.last_error, o.review_reason
                        )
                    })
                    .collect();
                panic!("{what} never happened; unsettled operations: {ops:#?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn balance(&self, code: &str) -> i64 {
        self.call("lookup_card", json!({ "code": code }))["balance_minor"]
            .as_i64()
            .unwrap()
    }

    fn refund(&self, sale: &Value, body: Value) -> Result<Value, Value> {
        let mut args = json!({
            "saleId": sale["id"],
            "kind": "refund",
            "reason": "customer changed their mind",
            "cards": [],
            "restTo": "cash",
            "pin": MANAGER_PIN,
        });
        args.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        invoke(&self.webview, "sale_refund", args)
    }

    /// Waits until every part of the refund with this id is done and the back-office has it,
    /// and answers its parts' statuses.
    fn refund_settled(&self, sale: &Value, refund: &Value) -> Vec<String> {
        self.wait("the refund's operations", || {
            let found = self.call("refund_find", json!({ "saleId": sale["id"] }));
            let r = found["refunds"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == refund["id"])
                .cloned()
                .unwrap();
            let statuses: Vec<String> = r["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["status"].as_str().unwrap().to_string())
                .collect();
            let recorded = r["recorded"] == "succeeded";
            (recorded && statuses.iter().all(|s| s != "sending…")).then_some(statuses)
        })
    }
}

#[test]
fn a_void_puts_every_tender_back_once_with_the_managers_pin_and_every_card() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.paid_sale(
        10_000,
        &[
            (LEAT_1_10, 110),
            (ZMYLE_20, 2_000),
            (LIGHTSPEED_75, 3_000),
            (WALLET_40, 1_000),
        ],
    );
    assert_eq!(till.balance(LEAT_1_10), 0);
    assert_eq!(till.balance(ZMYLE_20), 0);
    assert_eq!(till.balance(LIGHTSPEED_75), 4_500);
    assert_eq!(till.balance(WALLET_40), 3_000);
    let every_card = json!([LEAT_1_10, ZMYLE_20, LIGHTSPEED_75, WALLET_40]);

    // Every card must be there: the void names the missing ones.
    let e = till
        .refund(
            &sale,
            json!({"kind": "void", "cards": [LEAT_1_10, ZMYLE_20]}),
        )
        .unwrap_err();
    assert_eq!(e["code"], "invalid", "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("0001") && message.contains("ET01"),
        "{message}"
    );
    let e = till
        .refund(
            &sale,
            json!({"kind": "void", "cards": every_card, "pin": "999999"}),
        )
        .unwrap_err();
    assert_eq!(e["code"], "pin_refused", "{e}");
    let e = till
        .refund(
            &sale,
            json!({"kind": "void", "cards": every_card, "reason": "  "}),
        )
        .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("reason"), "{e}");

    let void = till
        .refund(
            &sale,
            json!({"kind": "void", "cards": every_card, "reason": "rang up twice"}),
        )
        .unwrap();
    assert_eq!(void["kind"], "void");
    assert_eq!(void["amount_minor"], 10_000);
    assert_eq!(
        void["approved_by"], "Manager",
        "the manager who approved, by name"
    );
    let statuses = till.refund_settled(&sale, &void);
    assert_eq!(
        statuses,
        ["done", "done", "done", "done", "pay out of the drawer"],
        "{void}"
    );
    assert_eq!(till.balance(LEAT_1_10), 110);
    assert_eq!(till.balance(ZMYLE_20), 2_000);
    assert_eq!(till.balance(LIGHTSPEED_75), 7_500);
    assert_eq!(till.balance(WALLET_40), 4_000);

    // Voided once: neither a second void nor a refund gives anything more back.
    let e = till
        .refund(&sale, json!({"kind": "void", "cards": every_card}))
        .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("voided"), "{e}");
    let e = till.refund(&sale, json!({"amountMinor": 1})).unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("At most"), "{e}");
    let found = till.call("refund_find", json!({ "saleId": sale["id"] }));
    assert_eq!(found["left_minor"], 0);
    assert_eq!(found["voided"], true);

    // The journal has the void, with its reason, linked to the sale.
    let conn = rusqlite::Connection::open(till.store.path()).unwrap();
    let (amount, detail): (i64, String) = conn
        .query_row(
            "SELECT amount_minor, detail FROM journal WHERE kind = 'void' AND sale_id = ?1",
            [sale["id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(amount, 10_000);
    assert!(detail.contains("rang up twice"), "{detail}");
}

#[test]
fn refunds_in_part_go_back_onto_each_providers_card_and_never_past_what_was_paid() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.paid_sale(
        8_000,
        &[
            (ZMYLE_50, 2_000),
            (LIGHTSPEED_75, 3_000),
            (WALLET_40, 1_000),
        ],
    );
    let zmyle_before = till.balance(ZMYLE_50);
    let lightspeed_before = till.balance(LIGHTSPEED_75);
    let wallet_before = till.balance(WALLET_40);

    // zmyle: a refund of part of the confirmed payment.
    let r = till
        .refund(&sale, json!({"amountMinor": 500, "cards": [ZMYLE_50]}))
        .unwrap();
    assert_eq!(r["parts"][0]["kind"], "card");
    assert_eq!(till.refund_settled(&sale, &r), ["done"]);
    assert_eq!(till.balance(ZMYLE_50), zmyle_before + 500);

    // Lightspeed: a part goes back as a reload.
    let r = till
        .refund(&sale, json!({"amountMinor": 700, "cards": [LIGHTSPEED_75]}))
        .unwrap();
    assert_eq!(till.refund_settled(&sale, &r), ["done"]);
    assert_eq!(till.balance(LIGHTSPEED_75), lightspeed_before + 700);

    // Leat's wallet: a top-up. More than the wallet paid: the rest goes to cash.
    let r = till
        .refund(&sale, json!({"amountMinor": 1_500, "cards": [WALLET_40]}))
        .unwrap();
    let parts: Vec<(String, i64)> = r["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().into(),
                p["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(parts, [("card".into(), 1_000), ("cash".into(), 500)]);
    assert_eq!(
        till.refund_settled(&sale, &r),
        ["done", "pay out of the drawer"]
    );
    assert_eq!(till.balance(WALLET_40), wallet_before + 1_000);

    // 2,700 of 8,000 given back: 5,301 is refused, naming what is left; a card that did not
    // pay the sale is refused too.
    let e = till
        .refund(&sale, json!({"amountMinor": 5_301}))
        .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("At most EUR 53.00"),
        "{e}"
    );
    let e = till
        .refund(&sale, json!({"amountMinor": 100, "cards": [LEAT_25]}))
        .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("did not pay"),
        "{e}"
    );
    for bad in [0, -100] {
        till.refund(&sale, json!({ "amountMinor": bad }))
            .unwrap_err();
    }

    // The rest onto another gift card: a Lightspeed reload of a card that did not pay.
    let found = till.call(
        "refund_find",
        json!({ "receipt": format!("KS{}", sale["number"]) }),
    );
    assert_eq!(found["sale"]["id"], sale["id"]);
    assert_eq!(found["left_minor"], 5_300);
    let lightspeed_now = till.balance(LIGHTSPEED_75);
    let r = till
        .refund(
            &sale,
            json!({"amountMinor": 5_300, "restTo": "reload", "reloadCard": LIGHTSPEED_75}),
        )
        .unwrap();
    assert_eq!(r["parts"][0]["kind"], "reload");
    assert_eq!(till.refund_settled(&sale, &r), ["done"]);
    assert_eq!(till.balance(LIGHTSPEED_75), lightspeed_now + 5_300);
    let found = till.call("refund_find", json!({ "saleId": sale["id"] }));
    assert_eq!(found["left_minor"], 0);
    assert_eq!(found["refunds"].as_array().unwrap().len(), 4);

    // Every card operation of the refunds, once each, and each done.
    let ops: Vec<(OpKind, OpState, i64)> = till
        .store
        .ops(&[], 1000)
        .unwrap()
        .into_iter()
        .filter(|o| o.sale_id == sale["id"].as_str().map(str::to_string))
        .filter(|o| matches!(o.kind, OpKind::Reverse | OpKind::Reload))
        .map(|o| (o.kind, o.state, o.amount.minor))
        .collect();
    assert_eq!(
        ops,
        [
            (OpKind::Reverse, OpState::Succeeded, 500),
            (OpKind::Reload, OpState::Succeeded, 700),
            (OpKind::Reverse, OpState::Succeeded, 1_000),
            (OpKind::Reload, OpState::Succeeded, 5_300),
        ]
    );
}

#[test]
fn a_leat_gift_card_gets_its_whole_payment_back_and_an_unfinished_sale_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.paid_sale(3_000, &[(LEAT_25, 2_500)]);
    assert_eq!(till.balance(LEAT_25), 0);
    // A part of a Leat gift card payment would be a top-up, which this card does not take:
    // refused before anything is promised.
    let e = till
        .refund(&sale, json!({"amountMinor": 1_000, "cards": [LEAT_25]}))
        .unwrap_err();
    assert_eq!(e["code"], "declined", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("only whole (EUR 25.00)"),
        "{e}"
    );
    let r = till
        .refund(&sale, json!({"amountMinor": 3_000, "cards": [LEAT_25]}))
        .unwrap();
    assert_eq!(
        till.refund_settled(&sale, &r),
        ["done", "pay out of the drawer"]
    );
    assert_eq!(till.balance(LEAT_25), 2_500);

    // The refund's receipt: negative amounts, the sale it refers to, the reason, the card
    // masked, and the sale's barcode.
    let receipt = till.call(
        "receipt_get",
        json!({"saleId": sale["id"], "refundId": r["id"]}),
    );
    assert_eq!(receipt["title"], "Refund");
    assert_eq!(receipt["reference"], "of sale 1");
    assert_eq!(receipt["total_minor"], -3_000);
    assert_eq!(receipt["barcode"], "KS1");
    let text = receipt["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    for expected in [
        "Reason: customer changed their mind",
        "Back onto Leat card",
        "••••0001",
        "EUR -25.00",
        "Cash paid out",
        "EUR -5.00",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    assert!(!text.contains(LEAT_25), "{text}");

    let open = till.call("sale_open", json!({}));
    let e = till.refund(&open, json!({"amountMinor": 100})).unwrap_err();
    assert_eq!(e["code"], "sale_state", "{e}");
    let e = till.refuse("refund_find", json!({ "receipt": "KS999" }));
    assert!(
        e["message"].as_str().unwrap().contains("no sale 'KS999'"),
        "{e}"
    );
    let e = till.refuse("refund_find", json!({ "receipt": "KS-x" }));
    assert!(
        e["message"].as_str().unwrap().contains("no sale 'KS-x'"),
        "{e}"
    );
}
