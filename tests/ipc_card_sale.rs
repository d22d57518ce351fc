//! Gift cards sold and reloaded at the till, over Tauri's IPC (mock runtime) with the outbox
//! engine running as in the window: a pre-printed zmyle card sold for cash is active with its
//! amount at zmyle; a Leat prepaid wallet and a Lightspeed card reloaded in one sale paid with
//! another gift card (training's Leat gift cards are loaded once: their reload is refused); a card sold elsewhere between the payment and its activation leaves the sale paid and
//! the activation on the review list saying what is owed; amounts zmyle would not sell a card
//! for are refused when the line is added. A pre-printed number Lightspeed does not know is
//! issued for what was paid (one ACTIVATION), and a number it knows is refused for sale (reload
//! it instead); a new Leat gift card sold with no code gets its code on the receipt printed
//! after Paid, and that code looks up with the amount.

mod ipc_support;

use ipc_support::till::{open, training, Till};
use kassa_app::boot::boot;
use kassa_app::paths::Paths;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_sim::lightspeed::{LightspeedSim, TxnKind, ALL_SCOPES};
use kassa_sim::zmyle::{CardSpec, CardStatus, ZmyleSim};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Training's pre-printed zmyle card, sold for €30.00.
const ZMYLE_BLANK: &str = "BL4NK5";
const ZMYLE_20: &str = "QTHX";
const LEAT_25: &str = "4165100001";
/// Training's Leat customer card whose contact's prepaid wallet holds €40.00.
const WALLET_40: &str = "LEATWALLET01";
const LIGHTSPEED_75: &str = "9100000000000001";

impl Till {
    /// The message of the command's refusal.
    fn refused(&self, cmd: &str, body: Value) -> String {
        self.refuse(cmd, body)["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn open_sale(&self) -> String {
        let sale = self.call("sale_open", json!({}));
        sale["id"].as_str().unwrap().to_string()
    }

    fn card_line(&self, sale: &str, code: &str, amount: i64, action: &str) -> Value {
        self.call(
            "sale_add_card_line",
            json!({"saleId": sale, "code": code, "amountMinor": amount, "action": action}),
        )
    }

    fn refused_line(&self, sale: &str, code: &str, amount: i64, action: &str) -> String {
        self.refused(
            "sale_add_card_line",
            json!({"saleId": sale, "code": code, "amountMinor": amount, "action": action}),
        )
    }

    fn pay_cash(&self, sale: &str, given: i64) {
        self.call(
            "sale_tender_cash",
            json!({"saleId": sale, "givenMinor": given}),
        );
    }

    fn complete(&self, sale: &str) -> Value {
        self.call("sale_complete", json!({ "saleId": sale }))
    }

    /// Waits until every card line of the sale has the status `status`.
    fn lines_settle(&self, sale: &str, status: &str) -> Value {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.call("sale_get", json!({ "saleId": sale }));
            let cards: Vec<&Value> = s["lines"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| !l["card"].is_null())
                .collect();
            if cards.iter().all(|l| l["card"]["status"] == status) {
                return s;
            }
            assert!(Instant::now() < until, "never {status}: {s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn card(&self, code: &str) -> Value {
        self.call("lookup_card", json!({ "code": code }))
    }
}

#[test]
fn a_pre_printed_zmyle_card_sold_for_cash_is_active_with_its_amount() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    assert_eq!(till.card(ZMYLE_BLANK)["active"], false, "not sold yet");
    let sale = till.open_sale();
    let rung = till.card_line(&sale, ZMYLE_BLANK, 3_000, "sell");
    assert_eq!(rung["total_minor"], 3_000);
    let line = &rung["lines"][0];
    assert_eq!(line["description"], "Gift card zmyle ••••••");
    assert_eq!(line["card"]["action"], "sell");
    assert_eq!(line["card"]["status"], "to load at Complete");
    assert_eq!(
        till.card(ZMYLE_BLANK)["active"],
        false,
        "nothing happens before the sale is paid"
    );

    till.pay_cash(&sale, 5_000);
    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");
    assert_eq!(done["sale"]["change_minor"], 2_000);
    till.lines_settle(&sale, "loaded");

    let card = till.card(ZMYLE_BLANK);
    assert_eq!(card["active"], true, "{card}");
    assert_eq!(card["balance_minor"], 3_000);
    assert!(till.store.review_list().unwrap().is_empty());
}

#[test]
fn a_leat_and_a_lightspeed_card_are_reloaded_in_a_sale_paid_with_another_gift_card() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.open_sale();
    till.card_line(&sale, WALLET_40, 1_000, "reload");
    let rung = till.card_line(&sale, LIGHTSPEED_75, 500, "reload");
    assert_eq!(rung["total_minor"], 1_500);
    assert_eq!(rung["lines"][0]["description"], "Reload Leat ••••ET01");
    assert_eq!(
        rung["lines"][1]["description"],
        "Reload Lightspeed ••••0001"
    );

    // A card reloaded in the sale cannot pay for it; another card can.
    let itself = till.refused("sale_scan", json!({ "code": WALLET_40 }));
    assert!(itself.contains("cannot pay for it"), "{itself}");
    let scan = till.call("sale_scan", json!({ "code": ZMYLE_20 }));
    assert_eq!(scan["amount_minor"], 1_500, "{scan}");
    till.call(
        "sale_tender_card",
        json!({"saleId": sale, "code": ZMYLE_20, "amountMinor": 1_500}),
    );
    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");
    till.lines_settle(&sale, "loaded");

    assert_eq!(till.card(WALLET_40)["balance_minor"], 5_000);
    assert_eq!(till.card(LIGHTSPEED_75)["balance_minor"], 8_000);
    assert_eq!(
        till.card(ZMYLE_20)["balance_minor"],
        500,
        "it paid the reloads"
    );
    assert!(till.store.review_list().unwrap().is_empty());
}

#[test]
fn amounts_a_card_cannot_be_sold_or_reloaded_for_are_refused_when_the_line_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.open_sale();
    for (code, amount, action, says) in [
        (ZMYLE_BLANK, 0, "sell", "more than 0"),
        (ZMYLE_BLANK, -3_000, "sell", "more than 0"),
        (ZMYLE_BLANK, 30_000, "sell", "EUR 1.00 to EUR 250.00"),
        (ZMYLE_BLANK, 2_500, "sell", "EUR 30.00 exactly"),
        (ZMYLE_20, 2_000, "sell", "already been sold"),
        (ZMYLE_20, 1_000, "reload", "cannot be reloaded"),
        (LEAT_25, 1_000, "sell", "sell a new Leat gift card"),
        (LIGHTSPEED_75, 1_000, "sell", "choose reload"),
        (LEAT_25, 1_000, "give away", "sell or reload"),
        (LEAT_25, 0, "reload", "more than 0"),
        (LEAT_25, 1_000, "reload", "not upgradeable"),
    ] {
        let refused = till.refused_line(&sale, code, amount, action);
        assert!(
            refused.contains(says),
            "{code} {amount} {action}: {refused}"
        );
    }
    let sale_now = till.call("sale_get", json!({ "saleId": sale }));
    assert_eq!(sale_now["lines"], json!([]), "nothing was rung up");
}

/// A till configured with a zmyle simulator of the test's own, with training's pre-printed
/// card: another till can sell the card behind this one's back.
struct WithZmyle {
    till: Till,
    url: String,
    _running: kassa_sim::server::Running,
}

const BLANK_ID: &str = "18jja4mf08fn08f7b4l5";
const BLANK_TOKEN: &str = "t6y8u2i4o6p8a1s3d5f7";

fn with_zmyle(dir: &Path) -> WithZmyle {
    let sim = ZmyleSim::new("zmyle-key", "zmyle-secret");
    sim.add_card(CardSpec {
        balance: 0,
        initial_amount: 3_000,
        status: CardStatus::Blank { sellable: true },
        preprinted: true,
        ..CardSpec::active(BLANK_ID, ZMYLE_BLANK, BLANK_TOKEN, 0)
    });
    let running = tauri::async_runtime::block_on(kassa_sim::server::serve(sim.router())).unwrap();
    std::fs::write(
        dir.join("kassa.toml"),
        format!(
            "[providers.zmyle]\nbase_url = \"{}\"\n\
             [outbox]\nmin_backoff_ms = 200\nmax_backoff_ms = 400\npoll_interval_ms = 100\n",
            running.url()
        ),
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set("zmyle.api_key", &Secret::new("zmyle-key"))
        .unwrap();
    secrets
        .set("zmyle.api_secret", &Secret::new("zmyle-secret"))
        .unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(Paths::in_dir(dir), Arc::new(secrets))).unwrap();
    WithZmyle {
        till: open(booted),
        url: running.url(),
        _running: running,
    }
}

#[test]
fn a_card_sold_elsewhere_after_the_payment_leaves_the_sale_paid_and_what_is_owed_in_review() {
    let dir = tempfile::tempdir().unwrap();
    let z = with_zmyle(dir.path());
    let till = &z.till;
    let sale = till.open_sale();
    till.card_line(&sale, ZMYLE_BLANK, 3_000, "sell");
    till.pay_cash(&sale, 3_000);

    // Another till sells the same card first, through zmyle's API.
    let other = reqwest::blocking::Client::new()
        .post(format!(
            "{}/service/v1.1/gift_cards/{BLANK_ID}/activate",
            z.url
        ))
        .basic_auth("zmyle-key", Some("zmyle-secret"))
        .json(&json!({ "accessToken": BLANK_TOKEN }))
        .send()
        .unwrap();
    assert!(other.status().is_success(), "{}", other.status());

    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "the customer paid: {done}");
    let settled = till.lines_settle(&sale, "not loaded: in review");
    assert_eq!(settled["state"], "completed");

    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0].op.sale_id.as_deref(), Some(sale.as_str()));
    assert_eq!(
        review[0].reason,
        "Card •••••• was paid for (EUR 30.00) but not loaded: load it by hand or refund the customer. zmyle: This gift card has already been sold."
    );
    let queue = till.call("queue_ops", json!({}));
    assert_eq!(
        queue[0]["review_reason"], review[0].reason,
        "the Queue screen says the same: {queue}"
    );
}

/// A pre-printed Lightspeed number its simulator does not know yet.
const LIGHTSPEED_BLANK: &str = "9200000000000009";

/// A till configured with a Lightspeed simulator of the test's own (date version, issue scope).
fn with_lightspeed(dir: &Path) -> (Till, LightspeedSim, kassa_sim::server::Running) {
    let sim = LightspeedSim::new();
    sim.add_personal_token("lightspeed-test-token", &ALL_SCOPES);
    let running = tauri::async_runtime::block_on(kassa_sim::server::serve(sim.router())).unwrap();
    std::fs::write(
        dir.join("kassa.toml"),
        format!(
            "[providers.lightspeed]\nbase_url = \"{}\"\ncard_pattern = \"^92\\\\d{{14}}$\"\n\
             [outbox]\nmin_backoff_ms = 200\nmax_backoff_ms = 400\npoll_interval_ms = 100\n",
            running.url()
        ),
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set("lightspeed.token", &Secret::new("lightspeed-test-token"))
        .unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(Paths::in_dir(dir), Arc::new(secrets))).unwrap();
    (open(booted), sim, running)
}

#[test]
fn a_pre_printed_lightspeed_number_sold_for_cash_is_issued_with_its_balance() {
    let dir = tempfile::tempdir().unwrap();
    let (till, sim, _running) = with_lightspeed(dir.path());
    let unknown = till.refused("lookup_card", json!({ "code": LIGHTSPEED_BLANK }));
    assert!(unknown.contains("does not know"), "{unknown}");

    let sale = till.open_sale();
    let rung = till.card_line(&sale, LIGHTSPEED_BLANK, 2_500, "sell");
    assert_eq!(
        rung["lines"][0]["description"],
        "Gift card Lightspeed ••••0009"
    );
    assert_eq!(rung["lines"][0]["card"]["status"], "to load at Complete");
    assert_eq!(
        sim.balance(LIGHTSPEED_BLANK),
        None,
        "nothing before it is paid"
    );
    till.pay_cash(&sale, 2_500);
    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");
    till.lines_settle(&sale, "loaded");

    assert_eq!(sim.balance(LIGHTSPEED_BLANK), Some(2_500));
    let txns = sim.transactions(LIGHTSPEED_BLANK);
    assert_eq!(txns.len(), 1, "{txns:?}");
    assert_eq!((txns[0].kind, txns[0].amount), (TxnKind::Activation, 2_500));
    assert_eq!(till.card(LIGHTSPEED_BLANK)["balance_minor"], 2_500);
    assert!(till.store.review_list().unwrap().is_empty());

    // Sold once: the number is a card now, to reload, not to sell again.
    let next = till.open_sale();
    assert_ne!(next, sale);
    let again = till.refused_line(&next, LIGHTSPEED_BLANK, 2_500, "sell");
    assert!(again.contains("choose reload"), "{again}");
}

#[test]
fn a_new_leat_card_sold_for_cash_has_its_code_on_the_receipt_and_holds_the_amount() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let sale = till.open_sale();
    let rung = till.card_line(&sale, "", 2_000, "sell");
    let line = &rung["lines"][0];
    assert_eq!(line["description"], "New gift card Leat");
    assert_eq!(line["card"]["status"], "to load at Complete");
    till.pay_cash(&sale, 2_000);
    let done = till.complete(&sale);
    assert_eq!(done["outcome"], "paid", "{done}");

    // The receipt printed after Paid already has the card Leat made.
    let receipt = till.call("receipt_get", json!({ "saleId": sale }));
    let text: Vec<&str> = receipt["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let code = text
        .iter()
        .find_map(|l| l.trim().strip_prefix("Card code "))
        .unwrap_or_else(|| panic!("no card code on the receipt: {text:#?}"))
        .to_string();
    // The page's address, wrapped at the printer's width.
    let joined: String = text.iter().map(|l| l.trim()).collect();
    assert!(
        joined.contains(&format!("giftcard-balance?hash={code}")),
        "the card's page: {text:#?}"
    );
    assert!(!text.iter().any(|l| l.contains("being made")), "{text:#?}");

    till.lines_settle(&sale, "loaded");
    let card = till.card(&code);
    assert_eq!(card["provider"], "leat", "{card}");
    assert_eq!(card["balance_minor"], 2_000, "{card}");
    assert!(till.store.review_list().unwrap().is_empty());
}
