//! The checkout over Tauri's IPC (mock runtime), with the outbox engine running as in the
//! window: every tender kind, partial redemption, two cards in one sale, a refusal at Complete,
//! abandon with compensation, a restart mid-sale, bad amounts, and offline acceptance within and
//! over the caps (a manager's PIN) against a provider that stopped answering.

mod ipc_support;

use ipc_support::till::{open, training, Till};
use kassa_app::boot::boot;
use kassa_app::paths::Paths;
use kassa_app::training::MANAGER_PIN;
use kassa_core::manager_pin;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_sim::faults::Rates;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LEAT_25: &str = "4165100001";
const LEAT_1_10: &str = "4165100002";
const WALLET_40: &str = "LEATWALLET01";
const ZMYLE_20: &str = "QTHX";
const LIGHTSPEED_75: &str = "9100000000000001";

impl Till {
    /// A new sale with one line of `minor`.
    fn sale_of(&self, minor: i64) -> String {
        let sale = self.call("sale_open", json!({}));
        let id = sale["id"].as_str().unwrap().to_string();
        self.call(
            "sale_add_line",
            json!({"saleId": id, "description": "Goods", "quantity": 1, "unitPriceMinor": minor}),
        );
        id
    }

    /// Scans a card and accepts `amount` (the proposal's when `None`).
    fn card(&self, sale: &str, code: &str, amount: Option<i64>) -> Value {
        let scan = self.call("sale_scan", json!({ "code": code }));
        assert_eq!(scan["scan"], "proposal", "{scan}");
        let amount = amount.unwrap_or_else(|| scan["amount_minor"].as_i64().unwrap());
        self.call(
            "sale_tender_card",
            json!({"saleId": sale, "code": code, "amountMinor": amount}),
        )
    }

    fn complete(&self, sale: &str) -> Value {
        self.call("sale_complete", json!({ "saleId": sale }))
    }

    fn sale(&self, sale: &str) -> Value {
        self.call("sale_get", json!({ "saleId": sale }))
    }

    /// Waits until every operation of the sale is done (the engine runs in the background).
    fn settled(&self, sale: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.sale(sale);
            if done(&s) {
                return s;
            }
            assert!(Instant::now() < until, "{what} never happened: {s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn balance(&self, code: &str) -> i64 {
        let card = self.call("lookup_card", json!({ "code": code }));
        card["balance_minor"].as_i64().unwrap()
    }

    fn ops_of(&self, sale: &str) -> Vec<(OpKind, OpState, i64)> {
        self.store
            .ops(&[], 1000)
            .unwrap()
            .into_iter()
            .filter(|o| o.sale_id.as_deref() == Some(sale))
            .map(|o| (o.kind, o.state, o.amount.minor))
            .collect()
    }
}

fn statuses(sale: &Value) -> Vec<String> {
    sale["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_sale_paid_by_every_tender_kind_with_a_partial_card_and_change() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(10_000);

    // A card with less than the rest pays what it has.
    let scan = till.call("sale_scan", json!({ "code": LEAT_1_10 }));
    assert_eq!(scan["amount_minor"], 110, "{scan}");
    till.card(&sale, LEAT_1_10, None);
    till.card(&sale, WALLET_40, Some(1_000));
    let held = till.card(&sale, ZMYLE_20, Some(2_000));
    assert_eq!(held["tenders"][2]["status"], "held", "{held}");
    till.card(&sale, LIGHTSPEED_75, Some(3_000));
    let s = till.call(
        "sale_tender_terminal",
        json!({"saleId": sale, "amountMinor": 2_000}),
    );
    assert_eq!(
        s["remaining_minor"],
        10_000 - 110 - 1_000 - 2_000 - 3_000 - 2_000
    );
    let s = till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 2_000}),
    );
    assert_eq!(s["remaining_minor"], 0);
    assert_eq!(s["change_minor"], 2_000 - 1_890);

    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");
    assert_eq!(done["sale"]["state"], "completed");
    let s = till.settled(&sale, "the confirm and the record", |s| {
        s["recorded"] == "succeeded" && statuses(s).contains(&"confirmed".to_string())
    });
    assert_eq!(s["paid_minor"], 10_000);
    assert_eq!(till.balance(LEAT_1_10), 0);
    assert_eq!(till.balance(WALLET_40), 3_000);
    assert_eq!(till.balance(ZMYLE_20), 0);
    assert_eq!(till.balance(LIGHTSPEED_75), 4_500);
    let ops = till.ops_of(&sale);
    assert!(
        ops.iter().all(|(_, state, _)| *state == OpState::Succeeded),
        "{ops:?}"
    );
    assert_eq!(
        ops.iter()
            .filter(|(kind, _, _)| *kind == OpKind::Redeem)
            .count(),
        3,
        "Leat card, wallet and Lightspeed, once each: {ops:?}"
    );
}

#[test]
fn the_same_card_twice_is_refused_and_a_second_card_pays_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(3_000);
    till.card(&sale, LEAT_25, None);
    let twice = till.refuse("sale_scan", json!({ "code": LEAT_25 }));
    assert_eq!(twice["code"], "declined");
    assert!(
        twice["message"].as_str().unwrap().contains("scanned twice"),
        "{twice}"
    );
    let s = till.card(&sale, LIGHTSPEED_75, None);
    assert_eq!(
        s["tenders"][1]["amount_minor"], 500,
        "the rest, not the balance"
    );
    assert_eq!(till.complete(&sale)["outcome"], "paid");
    assert_eq!(till.balance(LEAT_25), 0);
    assert_eq!(till.balance(LIGHTSPEED_75), 7_000);
}

#[test]
fn a_card_whose_balance_dropped_is_refused_at_complete_and_the_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(3_000);
    till.card(&sale, LIGHTSPEED_75, Some(1_000));
    till.card(&sale, LEAT_25, Some(2_000));
    // Another till spends the Leat card between the look-up and Complete.
    let elsewhere = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some(LEAT_25),
        Money::new(2_400, Currency::try_from("EUR".to_string()).unwrap()),
    );
    till.store.enqueue(&[elsewhere]).unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while till.balance(LEAT_25) != 100 {
        assert!(
            Instant::now() < until,
            "the other till's redemption never went out"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let refused = till.complete(&sale);
    assert_eq!(refused["outcome"], "refused", "{refused}");
    let s = &refused["sale"];
    assert_eq!(s["state"], "tendering");
    assert_eq!(
        s["tenders"][0]["status"], "paid",
        "Lightspeed was taken: {s}"
    );
    assert_eq!(s["tenders"][1]["status"], "refused");
    assert_eq!(s["remaining_minor"], 2_000);
    assert!(
        !refused["reasons"][0].as_str().unwrap().is_empty(),
        "the cashier is told why"
    );
    // Not a matter for the review list: the cashier handled it.
    assert_eq!(till.store.queue_summary().unwrap().in_review, 0);

    till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 2_000}),
    );
    assert_eq!(till.complete(&sale)["outcome"], "paid");
    assert_eq!(till.balance(LIGHTSPEED_75), 6_500, "charged once");
    assert_eq!(till.balance(LEAT_25), 100, "not charged by this sale");
}

#[test]
fn an_abandoned_sale_undoes_its_hold_and_its_redemption() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(4_000);
    till.card(&sale, ZMYLE_20, Some(1_500));
    till.card(&sale, LIGHTSPEED_75, Some(1_000));
    till.card(&sale, LEAT_1_10, None);
    // Leat 1.10 is refused at Complete (spent elsewhere), Lightspeed is charged, zmyle stays
    // held: then the customer walks away.
    let elsewhere = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some(LEAT_1_10),
        Money::new(100, Currency::try_from("EUR".to_string()).unwrap()),
    );
    till.store.enqueue(&[elsewhere]).unwrap();
    while till.balance(LEAT_1_10) != 10 {
        std::thread::sleep(Duration::from_millis(50));
    }
    till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 1_390}),
    );
    assert_eq!(till.complete(&sale)["outcome"], "refused");
    assert_eq!(till.balance(LIGHTSPEED_75), 6_500);

    let abandoned = till.call("sale_abandon", json!({ "saleId": sale }));
    assert_eq!(abandoned["state"], "abandoned");
    let s = till.settled(&sale, "every undo", |s| {
        s["tenders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] != "undoing…")
    });
    let by_kind: Vec<(String, String)> = s["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["provider"].as_str().unwrap_or("cash").to_string(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_kind,
        [
            ("zmyle".into(), "undone".into()),
            ("lightspeed".into(), "undone".into()),
            ("leat".into(), "refused".into()),
            ("cash".into(), "removed".into()),
        ]
    );
    assert_eq!(till.balance(LIGHTSPEED_75), 7_500, "reversed");
    let zmyle = till.call("lookup_card", json!({ "code": ZMYLE_20 }));
    assert_eq!(
        zmyle["available"], "EUR 20.00",
        "the hold is released: {zmyle}"
    );
    assert!(till.store.open_holds().unwrap().is_empty());
    assert_eq!(till.store.queue_summary().unwrap().in_review, 0);
    assert!(
        till.ops_of(&sale)
            .iter()
            .all(|(kind, _, _)| *kind != OpKind::RecordSale),
        "an abandoned sale is not recorded in the back-office"
    );
}

#[test]
fn a_tender_taken_off_before_it_left_is_withdrawn_not_undone() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(5_000);
    let s = till.card(&sale, LEAT_25, None);
    let tender = s["tenders"][0]["id"].as_str().unwrap().to_string();
    let s = till.call(
        "sale_remove_tender",
        json!({"saleId": sale, "tenderId": tender}),
    );
    assert_eq!(s["tenders"][0]["status"], "removed");
    assert_eq!(s["remaining_minor"], 5_000);
    assert!(
        till.ops_of(&sale).is_empty(),
        "a checked card moved nothing"
    );
    assert_eq!(till.balance(LEAT_25), 2_500);
}

#[test]
fn cash_is_rounded_to_the_configured_step_and_recorded_net_of_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kassa.toml"),
        "[checkout]\ncash_rounding = 5\n",
    )
    .unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(1_242);
    let s = till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 2_000}),
    );
    assert_eq!(s["rounding_minor"], -2);
    assert_eq!(s["due_minor"], 1_240);
    assert_eq!(s["change_minor"], 760);
    assert_eq!(s["tenders"][0]["amount_minor"], 1_240);
    assert_eq!(till.complete(&sale)["outcome"], "paid");
    till.settled(&sale, "the back-office record", |s| {
        s["recorded"] == "succeeded"
    });
}

#[test]
fn bad_amounts_and_lines_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.call("sale_open", json!({}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (quantity, price) in [
        (1, 0),
        (1, -500),
        (0, 100),
        (-2, 100),
        (10_000, 1),
        (9_999, i64::MAX / 2),
    ] {
        let e = till.refuse(
            "sale_add_line",
            json!({"saleId": sale, "description": "X", "quantity": quantity, "unitPriceMinor": price}),
        );
        assert_eq!(e["code"], "invalid", "{quantity} × {price}: {e}");
    }
    let e = till.refuse(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 500}),
    );
    assert!(
        e["message"].as_str().unwrap().contains("Ring up a line"),
        "{e}"
    );
    till.call(
        "sale_add_line",
        json!({"saleId": sale, "description": "Tea", "quantity": 2, "unitPriceMinor": 250}),
    );
    for given in [0, -1, i64::MAX] {
        let e = till.refuse(
            "sale_tender_cash",
            json!({"saleId": sale, "givenMinor": given}),
        );
        assert_eq!(e["code"], "invalid", "{given}: {e}");
    }
    let e = till.refuse(
        "sale_tender_terminal",
        json!({"saleId": sale, "amountMinor": 501}),
    );
    assert_eq!(e["code"], "invalid", "more than the rest: {e}");
    till.call("sale_scan", json!({ "code": LEAT_25 }));
    for amount in [0, -100, 501, 2_501] {
        let e = till.refuse(
            "sale_tender_card",
            json!({"saleId": sale, "code": LEAT_25, "amountMinor": amount}),
        );
        assert_eq!(e["code"], "invalid", "{amount}: {e}");
    }
    let e = till.refuse("sale_scan", json!({ "code": "\u{1b}[A" }));
    assert_eq!(e["code"], "malformed_code");
    let e = till.refuse("sale_complete", json!({ "saleId": sale }));
    assert!(
        e["message"].as_str().unwrap().contains("still to pay"),
        "{e}"
    );
    assert_eq!(till.sale(&sale)["total_minor"], 500);
}

#[test]
fn a_restart_resumes_the_sale_where_it_was_and_a_scan_without_a_sale_shows_the_balance() {
    let dir = tempfile::tempdir().unwrap();
    let sale = {
        let till = training(dir.path());
        let card = till.call("sale_scan", json!({ "code": LEAT_25 }));
        assert_eq!(card["scan"], "balance", "no sale: {card}");
        assert_eq!(card["balance_minor"], 2_500);
        let sale = till.sale_of(4_000);
        till.card(&sale, ZMYLE_20, Some(500));
        till.call(
            "sale_tender_cash",
            json!({"saleId": sale, "givenMinor": 1_000}),
        );
        sale
    };
    let till = training(dir.path());
    let s = till.call("sale_current", json!({}));
    assert_eq!(s["id"], sale.as_str());
    assert_eq!(s["state"], "tendering");
    assert_eq!(statuses(&s), ["held", "paid"]);
    assert_eq!(s["remaining_minor"], 2_500);
    till.card(&sale, LIGHTSPEED_75, None);
    assert_eq!(till.complete(&sale)["outcome"], "paid");
    till.settled(&sale, "the confirm", |s| {
        statuses(s).contains(&"confirmed".to_string())
    });
    assert_eq!(
        till.balance(ZMYLE_20),
        1_500,
        "the zmyle ledger outlived the restart and was charged once"
    );
}

/// A till whose only gift-card provider is a Lightspeed simulator the test can take down.
struct Offline {
    till: Till,
    sim: LightspeedSim,
    _running: kassa_sim::server::Running,
}

const CARD: &str = "9200000000000001";
const CARD_2: &str = "9200000000000002";

impl Offline {
    /// Lightspeed answers every request with 503 (maintenance) while `down`.
    fn down(&self, down: bool) {
        self.sim.faults.set_rates(Rates {
            maintenance: if down { 1.0 } else { 0.0 },
            ..Rates::default()
        });
    }
}

fn offline_till(dir: &Path, max_per_tender: &str) -> Offline {
    let sim = LightspeedSim::new();
    sim.add_personal_token("lightspeed-test-token", &ALL_SCOPES);
    sim.add_card(CARD, 20_000, CardStatus::Active, None);
    sim.add_card(CARD_2, 20_000, CardStatus::Active, None);
    let running = tauri::async_runtime::block_on(kassa_sim::server::serve(sim.router())).unwrap();
    std::fs::write(
        dir.join("kassa.toml"),
        format!(
            "[providers.lightspeed]\nbase_url = \"{}\"\ncard_pattern = \"^92\\\\d{{14}}$\"\ntimeout_ms = 500\n\
             [checkout]\ncharge_timeout_ms = 1500\n\
             [offline]\nmax_per_tender = \"{max_per_tender}\"\nmax_per_card_per_day = \"50.00\"\nmax_outstanding = \"100.00\"\n\
             [outbox]\nmin_backoff_ms = 200\nmax_backoff_ms = 400\npoll_interval_ms = 100\n",
            running.url()
        ),
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set("lightspeed.token", &Secret::new("lightspeed-test-token"))
        .unwrap();
    manager_pin::set_pin(&secrets, "432198").unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(Paths::in_dir(dir), Arc::new(secrets))).unwrap();
    Offline {
        till: open(booted),
        sim,
        _running: running,
    }
}

#[test]
fn a_provider_that_stops_answering_is_trusted_within_the_caps_and_a_manager_decides_over_them() {
    let dir = tempfile::tempdir().unwrap();
    let o = offline_till(dir.path(), "30.00");
    let till = &o.till;
    // Seen online once: the last known balance.
    assert_eq!(till.balance(CARD), 20_000);
    assert_eq!(till.balance(CARD_2), 20_000);
    o.down(true);

    // Within the caps: accepted offline, the redemption stays queued.
    let sale = till.sale_of(2_000);
    let proposal = till.call("sale_scan", json!({ "code": CARD }));
    assert!(proposal["offline_since"].is_string(), "{proposal}");
    assert_eq!(proposal["amount_minor"], 2_000);
    till.card(&sale, CARD, None);
    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");
    assert_eq!(done["sale"]["tenders"][0]["status"], "queued (offline)");
    let status = till.call("till_status", json!({}));
    assert_eq!(status["offline_exposure"], "EUR 20.00", "{status}");

    // Over the per-payment cap: a wrong PIN is refused, the manager's accepts.
    let sale_2 = till.sale_of(4_000);
    till.card(&sale_2, CARD_2, None);
    let asked = till.complete(&sale_2);
    assert_eq!(asked["outcome"], "needs_approval", "{asked}");
    assert!(
        asked["reasons"][0]
            .as_str()
            .unwrap()
            .contains("per payment"),
        "{asked}"
    );
    assert_eq!(asked["sale"]["state"], "tendering");
    let wrong = till.refuse("sale_complete", json!({"saleId": sale_2, "pin": "999999"}));
    assert_eq!(wrong["code"], "pin_refused");
    let approved = till.call("sale_complete", json!({"saleId": sale_2, "pin": "432198"}));
    assert_eq!(approved["outcome"], "paid", "{approved}");
    assert_eq!(approved["sale"]["tenders"][0]["approved_by"], "Manager");
    let status = till.call("till_status", json!({}));
    assert_eq!(status["offline_exposure"], "EUR 60.00");

    // Over the card's daily cap: the cashier takes the card off and pays cash instead.
    let sale_3 = till.sale_of(3_500);
    let s = till.card(&sale_3, CARD, None);
    let tender = s["tenders"][0]["id"].as_str().unwrap().to_string();
    let asked = till.complete(&sale_3);
    assert_eq!(asked["outcome"], "needs_approval");
    assert!(
        asked["reasons"][0].as_str().unwrap().contains("in a day"),
        "{asked}"
    );
    till.call(
        "sale_remove_tender",
        json!({"saleId": sale_3, "tenderId": tender}),
    );
    till.call(
        "sale_tender_cash",
        json!({"saleId": sale_3, "givenMinor": 3_500}),
    );
    assert_eq!(till.complete(&sale_3)["outcome"], "paid");
    assert_eq!(
        o.sim.balance(CARD),
        Some(20_000),
        "nothing reached Lightspeed"
    );

    // Lightspeed is back: the queued redemptions go out once each, the withdrawn one never.
    o.down(false);
    let until = Instant::now() + Duration::from_secs(20);
    while till.call("till_status", json!({}))["offline_exposure"] != Value::Null {
        assert!(Instant::now() < until, "the offline tenders never synced");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(o.sim.balance(CARD), Some(18_000));
    assert_eq!(o.sim.balance(CARD_2), Some(16_000));
    assert_eq!(till.sale(&sale)["tenders"][0]["status"], "paid (synced)");
    let ops = till.ops_of(&sale_3);
    assert!(
        ops.iter()
            .all(|(kind, state, _)| *kind != OpKind::Redeem || *state == OpState::Declined),
        "the card taken off was withdrawn: {ops:?}"
    );
}

#[test]
fn with_offline_acceptance_off_a_card_without_an_answer_is_taken_off_and_the_cashier_told() {
    let dir = tempfile::tempdir().unwrap();
    let o = offline_till(dir.path(), "0");
    let till = &o.till;
    assert_eq!(till.balance(CARD), 20_000);
    o.down(true);
    let sale = till.sale_of(1_000);
    till.card(&sale, CARD, None);
    let refused = till.complete(&sale);
    assert_eq!(refused["outcome"], "refused", "{refused}");
    assert!(
        refused["reasons"][0]
            .as_str()
            .unwrap()
            .contains("offline payments are turned off"),
        "{refused}"
    );
    assert_eq!(refused["sale"]["tenders"][0]["state"], "removed");
    assert_eq!(refused["sale"]["remaining_minor"], 1_000);

    // A card never seen here has no balance to go by.
    let e = till.refuse("sale_scan", json!({ "code": CARD_2 }));
    assert_eq!(e["code"], "declined");
    assert!(
        e["message"].as_str().unwrap().contains("not been seen"),
        "{e}"
    );

    o.down(false);
    till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 1_000}),
    );
    assert_eq!(till.complete(&sale)["outcome"], "paid");
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(
        o.sim.balance(CARD),
        Some(20_000),
        "the card taken off was never charged, nor charged and reversed"
    );
}

#[test]
fn the_training_manager_pin_approves_like_a_real_one() {
    // The training PIN is shown in the banner; it must be the one the checkout checks.
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.sale_of(100);
    till.call(
        "sale_tender_cash",
        json!({"saleId": sale, "givenMinor": 100}),
    );
    let done = till.call("sale_complete", json!({"saleId": sale, "pin": MANAGER_PIN}));
    assert_eq!(done["outcome"], "paid");
    let again = till.complete(&sale);
    assert_eq!(again["outcome"], "paid", "completing twice is harmless");
    let e = till.refuse("sale_abandon", json!({ "saleId": sale }));
    assert_eq!(e["code"], "sale_state");
}
