//! A shift over Tauri's IPC (mock runtime), with the outbox engine running as in the window, on
//! a till whose gift cards are at the Lightspeed simulator (which can stop answering, so that a
//! payment is accepted offline) and whose receipt printer is the test kit's: opened with a
//! float, a day of mixed sales (cash with change, two cards, the card terminal, a card accepted
//! offline), a refund to cash and a void, cash paid in and out, the X report, then the close
//! with a counted-cash shortfall and its Z report — every figure checked, and the Z printed.

mod ipc_support;

use ipc_support::invoke;
use ipc_support::till::{open, Till};
use kassa_app::boot::boot;
use kassa_app::paths::Paths;
use kassa_core::manager_pin;
use kassa_core::outbox::OpKind;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_sim::faults::Rates;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_testkit::printer::{decode, PrinterState, TestPrinter};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CARD: &str = "9200000000000001";
const CARD_2: &str = "9200000000000002";
const PIN: &str = "432198";

struct Shop {
    till: Till,
    /// The window's comparisons left pending are completed by this, as `run_window` does.
    reconciler: Option<kassa_core::shifts::reconcile::Reconciler>,
    sim: LightspeedSim,
    printer: TestPrinter,
    _running: kassa_sim::server::Running,
}

fn shop(dir: &Path) -> Shop {
    let sim = LightspeedSim::new();
    sim.add_personal_token("lightspeed-test-token", &ALL_SCOPES);
    sim.add_card(CARD, 20_000, CardStatus::Active, None);
    sim.add_card(CARD_2, 20_000, CardStatus::Active, None);
    let running = tauri::async_runtime::block_on(kassa_sim::server::serve(sim.router())).unwrap();
    let printer = TestPrinter::start(PrinterState::Ready);
    std::fs::write(
        dir.join("kassa.toml"),
        format!(
            "[providers.lightspeed]\nbase_url = \"{}\"\ncard_pattern = \"^92\\\\d{{14}}$\"\ntimeout_ms = 500\n\
             [checkout]\ncharge_timeout_ms = 1500\n\
             [offline]\nmax_per_tender = \"30.00\"\nmax_per_card_per_day = \"50.00\"\nmax_outstanding = \"100.00\"\n\
             [outbox]\nmin_backoff_ms = 200\nmax_backoff_ms = 400\npoll_interval_ms = 100\n\
             [printer]\nkind = \"network\"\naddress = \"{}\"\ncolumns = 42\ntimeout_ms = 1000\n",
            running.url(),
            printer.address()
        ),
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set("lightspeed.token", &Secret::new("lightspeed-test-token"))
        .unwrap();
    manager_pin::set_pin(&secrets, PIN).unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(Paths::in_dir(dir), Arc::new(secrets))).unwrap();
    Shop {
        reconciler: Some(kassa_app::shift_cli::reconciler(&booted)),
        till: open(booted),
        sim,
        printer,
        _running: running,
    }
}

impl Shop {
    /// Lightspeed answers every request with 503 (maintenance) while `down`.
    fn down(&self, down: bool) {
        self.sim.faults.set_rates(Rates {
            maintenance: if down { 1.0 } else { 0.0 },
            ..Rates::default()
        });
    }

    /// A new sale with one line of `minor`.
    fn sale_of(&self, minor: i64) -> String {
        let sale = self.till.call("sale_open", json!({}));
        let id = sale["id"].as_str().unwrap().to_string();
        self.till.call(
            "sale_add_line",
            json!({"saleId": id, "description": "Goods", "quantity": 1, "unitPriceMinor": minor}),
        );
        id
    }

    fn card(&self, sale: &str, code: &str, amount: i64) {
        let scan = self.till.call("sale_scan", json!({ "code": code }));
        assert_eq!(scan["scan"], "proposal", "{scan}");
        self.till.call(
            "sale_tender_card",
            json!({"saleId": sale, "code": code, "amountMinor": amount}),
        );
    }

    fn complete(&self, sale: &str) -> Value {
        let done = self.till.call("sale_complete", json!({ "saleId": sale }));
        assert_eq!(done["outcome"], "paid", "{done}");
        done
    }

    /// Waits until the outbox has nothing left to send.
    fn synced(&self, what: &str) {
        let until = Instant::now() + Duration::from_secs(20);
        while self.till.call("till_status", json!({}))["unfinished"] != 0 {
            assert!(Instant::now() < until, "{what} never synced");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn refund(&self, sale: &str, body: Value) -> Value {
        let mut args = json!({
            "saleId": sale,
            "kind": "refund",
            "reason": "customer changed their mind",
            "cards": [],
            "restTo": "cash",
            "pin": PIN,
        });
        args.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        invoke(&self.till.webview, "sale_refund", args)
            .unwrap_or_else(|e| panic!("sale_refund failed: {e}"))
    }
}

/// Waits for the next whole second. Lightspeed's times have whole seconds: the cards'
/// activations, booked as the simulator started, stay out of the shift's second.
fn next_second() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    std::thread::sleep(Duration::from_nanos(u64::from(
        1_000_000_000 - now.subsec_nanos(),
    )));
}

/// A difference as (kind, our op, the provider's id, expected, actual).
type Found = (
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// Tender totals as (kind, provider, count, amount).
fn totals(rows: &Value) -> Vec<(String, Option<String>, i64, i64)> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_string(),
                t["provider"].as_str().map(str::to_string),
                t["count"].as_i64().unwrap(),
                t["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn row(
    kind: &str,
    provider: Option<&str>,
    count: i64,
    amount: i64,
) -> (String, Option<String>, i64, i64) {
    (kind.into(), provider.map(str::to_string), count, amount)
}

fn tally(v: &Value) -> (i64, i64) {
    (
        v["count"].as_i64().unwrap(),
        v["amount_minor"].as_i64().unwrap(),
    )
}

fn lines(report: &Value) -> Vec<String> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

/// The row that starts with `label`.
fn line<'a>(rows: &'a [String], label: &str) -> &'a str {
    rows.iter()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no '{label}' row in {rows:#?}"))
}

#[test]
fn a_day_from_float_to_z_report_adds_up_figure_by_figure() {
    let dir = tempfile::tempdir().unwrap();
    let shop = shop(dir.path());
    let till = &shop.till;

    // No shift yet: nothing to report, nothing to close.
    assert_eq!(till.call("shift_current", json!({})), Value::Null);

    let e = till.refuse("shift_x", json!({}));
    assert!(
        e["message"].as_str().unwrap().contains("No shift is open"),
        "{e}"
    );
    let e = till.refuse("shift_open", json!({ "float": "ten" }));
    assert!(e["message"].as_str().unwrap().contains("'ten'"), "{e}");
    let e = till.refuse("shift_open", json!({ "float": " " }));
    assert_eq!(e["message"], "Type the float.");

    next_second();
    let shift = till.call("shift_open", json!({ "float": "100.00" }));
    assert_eq!(shift["float_minor"], 10_000);
    assert_eq!(shift["opened_by"], "cashier");
    assert_eq!(shift["cashier"], "Tess");
    let id = shift["id"].as_i64().unwrap();
    assert_eq!(till.call("shift_current", json!({}))["id"], id);
    let e = till.refuse("shift_open", json!({ "float": "50.00" }));
    assert!(
        e["message"].as_str().unwrap().contains("already open"),
        "{e}"
    );

    // Cash with change: 12.50 paid with a 20.
    let cash_sale = shop.sale_of(1_250);
    let s = till.call(
        "sale_tender_cash",
        json!({"saleId": cash_sale, "givenMinor": 2_000}),
    );
    assert_eq!(s["change_minor"], 750);
    shop.complete(&cash_sale);
    // A card and the card terminal.
    let mixed = shop.sale_of(3_000);
    shop.card(&mixed, CARD, 2_000);
    till.call(
        "sale_tender_terminal",
        json!({"saleId": mixed, "amountMinor": 1_000}),
    );
    shop.complete(&mixed);
    // Another card, for all of it: voided later.
    let voided = shop.sale_of(4_000);
    shop.card(&voided, CARD_2, 4_000);
    shop.complete(&voided);
    shop.synced("the card payments");

    // A refund to cash, and a void back onto the card.
    let refund = shop.refund(&cash_sale, json!({ "amountMinor": 500 }));
    assert_eq!(refund["amount_minor"], 500);
    let void = shop.refund(
        &voided,
        json!({"kind": "void", "cards": [CARD_2], "reason": "rang up twice"}),
    );
    assert_eq!(void["amount_minor"], 4_000);
    shop.synced("the void's reversal");
    assert_eq!(shop.sim.balance(CARD_2), Some(20_000));

    // Lightspeed stops answering: a card payment accepted offline stays queued.
    shop.down(true);
    let offline = shop.sale_of(2_000);
    let proposal = till.call("sale_scan", json!({ "code": CARD }));
    assert!(proposal["offline_since"].is_string(), "{proposal}");
    till.call(
        "sale_tender_card",
        json!({"saleId": offline, "code": CARD, "amountMinor": 2_000}),
    );
    let done = shop.complete(&offline);
    assert_eq!(done["sale"]["tenders"][0]["status"], "queued (offline)");

    // Cash in and out of the drawer, each with a reason.
    let e = till.refuse(
        "shift_cash_move",
        json!({"kind": "paid_in", "amount": "20.00", "reason": " "}),
    );
    assert!(e["message"].as_str().unwrap().contains("why"), "{e}");
    let e = till.refuse(
        "shift_cash_move",
        json!({"kind": "paid_sideways", "amount": "20.00", "reason": "x"}),
    );
    assert!(
        e["message"].as_str().unwrap().contains("paid_sideways"),
        "{e}"
    );
    till.call(
        "shift_cash_move",
        json!({"kind": "paid_in", "amount": "20.00", "reason": "change from the bank"}),
    );
    till.call(
        "shift_cash_move",
        json!({"kind": "paid_out", "amount": "5.50", "reason": "window cleaner"}),
    );

    // The X report: the figures now.
    let x = till.call("shift_x", json!({}));
    let r = &x["report"];
    assert_eq!(r["kind"], "x");
    assert_eq!(r["shift"]["id"], id);
    assert_eq!(r["shift"]["open"], true);
    let sales = 1_250 + 3_000 + 4_000 + 2_000;
    assert_eq!(tally(&r["sales"]), (4, sales));
    assert_eq!(tally(&r["refunds"]), (1, 500));
    assert_eq!(tally(&r["voids"]), (1, 4_000));
    assert_eq!(r["abandoned"], 0);
    assert_eq!(r["lookups"], 3, "the three cards scanned");
    assert_eq!(
        totals(&r["tenders"]),
        vec![
            row("cash", None, 1, 1_250),
            row("gift_card", Some("lightspeed"), 3, 2_000 + 4_000 + 2_000),
            row("terminal", None, 1, 1_000),
        ]
    );
    assert_eq!(
        totals(&r["given_back"]),
        vec![
            row("card", Some("lightspeed"), 1, 4_000),
            row("cash", None, 1, 500),
        ]
    );
    assert_eq!(r["card_sales"], json!([]));
    assert_eq!(tally(&r["offline_outstanding"]), (1, 2_000));
    assert_eq!(r["queue"]["unfinished"], 1, "the offline payment");
    assert_eq!(r["queue"]["in_review"], 0);
    assert_eq!(r["per_cashier"][0]["cashier"], "Tess");
    assert_eq!(r["per_cashier"][0]["count"], 4);
    let expected = 10_000 + 1_250 + 2_000 - 550 - 500;
    let cash = &r["cash"];
    assert_eq!(cash["float_minor"], 10_000);
    assert_eq!(cash["sales_minor"], 1_250);
    assert_eq!(cash["paid_in_minor"], 2_000);
    assert_eq!(cash["paid_out_minor"], 550);
    assert_eq!(cash["refunds_minor"], 500);
    assert_eq!(cash["expected_minor"], expected);
    assert_eq!(cash["counted_minor"], Value::Null);
    assert_eq!(cash["movements"][1]["reason"], "window cleaner");
    let rows = lines(&x);
    assert!(rows.iter().all(|l| l.chars().count() <= 42), "{rows:#?}");
    assert!(line(&rows, "Expected in drawer").ends_with("EUR 122.00"));

    // Lightspeed answers again: the offline payment goes through. Then its ledger is changed
    // behind the till's back: a payment deleted, one's amount rewritten, one booked that no
    // till made.
    shop.down(false);
    shop.synced("the offline payment");
    let redeem_of = |sale: &str| {
        till.store
            .ops(&[], 1000)
            .unwrap()
            .into_iter()
            .find(|o| o.sale_id.as_deref() == Some(sale) && o.kind == OpKind::Redeem)
            .unwrap()
            .id
    };
    let (deleted, changed) = (redeem_of(&mixed), redeem_of(&offline));
    assert!(shop.sim.delete_client_transaction(&deleted));
    assert!(shop.sim.set_client_transaction_amount(&changed, -2_001));
    let extra = shop.sim.book_redemption(CARD_2, 300).unwrap();

    // Closing is refused while a sale is unfinished; an unfinished sale is abandoned first.
    let open_sale = shop.sale_of(100);
    let e = till.refuse("shift_close", json!({ "counted": "121.50" }));
    assert!(
        e["message"].as_str().unwrap().contains("not finished"),
        "{e}"
    );
    till.call("sale_abandon", json!({ "saleId": open_sale }));
    let e = till.refuse("shift_close", json!({ "counted": "lots" }));
    assert!(e["message"].as_str().unwrap().contains("'lots'"), "{e}");

    // The close: 50 cents short.
    let z = till.call("shift_close", json!({ "counted": "121.50" }));
    let r = &z["report"];
    assert_eq!(r["kind"], "z");
    assert_eq!(r["shift"]["open"], false);
    assert_eq!(r["shift"]["closed_by"], "Tess");
    assert_eq!(tally(&r["sales"]), (4, sales));
    assert_eq!(r["abandoned"], 1);
    assert_eq!(
        tally(&r["offline_outstanding"]),
        (0, 0),
        "synced since the X"
    );
    assert_eq!(r["queue"]["unfinished"], 0);
    assert_eq!(r["cash"]["expected_minor"], expected);
    assert_eq!(r["cash"]["counted_minor"], 12_150);
    assert_eq!(r["cash"]["difference_minor"], -50);
    let rows = lines(&z);
    assert!(line(&rows, "Counted").ends_with("EUR 121.50"), "{rows:#?}");
    assert!(
        line(&rows, "Difference").ends_with("EUR -0.50"),
        "{rows:#?}"
    );
    assert_eq!(till.call("shift_current", json!({})), Value::Null);

    // Compared with Lightspeed at the close: exactly the three changes.
    let rec = &r["reconciliation"];
    assert_eq!(rec["providers"][0]["provider"], "lightspeed", "{rec}");
    assert_eq!(rec["providers"][0]["state"], "done", "{rec}");
    assert_eq!(
        rec["providers"][0]["compared"], 4,
        "three payments and the void's reversal"
    );
    let mut found: Vec<Found> = rec["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["op_id"].as_str().map(str::to_string),
                d["provider_ref"].as_str().map(str::to_string),
                d["expected_minor"].as_i64(),
                d["actual_minor"].as_i64(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        (
            found[0].0.as_str(),
            found[0].1.as_deref(),
            found[0].3,
            found[0].4
        ),
        ("amount", Some(changed.as_str()), Some(-2_000), Some(-2_001))
    );
    assert_eq!(
        found[1],
        ("extra".into(), None, Some(extra), None, Some(-300))
    );
    assert_eq!(
        found[2],
        (
            "missing".into(),
            Some(deleted.clone()),
            None,
            Some(-2_000),
            None
        )
    );
    assert_eq!(
        rows.iter()
            .filter(|l| l.trim_start().starts_with('#') && l.contains(" lightspeed "))
            .count(),
        3,
        "{rows:#?}"
    );

    // Where the manager looks: each until settled with a note and a manager's PIN.
    let open = till.call("shift_differences", json!({}));
    assert_eq!(open.as_array().unwrap().len(), 3);
    let first = open[0]["id"].as_i64().unwrap();
    let e = till.refuse(
        "shift_settle_difference",
        json!({"id": first, "note": "checked", "pin": "999999"}),
    );
    assert_eq!(e["code"], "pin_refused");
    let e = till.refuse(
        "shift_settle_difference",
        json!({"id": first, "note": " ", "pin": PIN}),
    );
    assert!(e["message"].as_str().unwrap().contains("note"), "{e}");
    till.call(
        "shift_settle_difference",
        json!({"id": first, "note": "checked at Lightspeed", "pin": PIN}),
    );
    let open = till.call("shift_differences", json!({}));
    assert_eq!(open.as_array().unwrap().len(), 2);
    assert!(open.as_array().unwrap().iter().all(|d| d["id"] != first));

    // The Z report again by its shift's number, the same figures; printed on the printer.
    let again = till.call("shift_z", json!({ "shiftId": id }));
    assert_eq!(again["report"]["cash"], r["cash"]);
    assert_eq!(again["report"]["tenders"], r["tenders"]);
    let e = till.refuse("shift_z", json!({ "shiftId": 99 }));
    assert_eq!(e["message"], "There is no shift 99.");
    let printed = till.call("shift_print", json!({ "which": "z", "shiftId": id }));
    assert_eq!(printed["printed"], true, "{printed}");
    let paper = decode(&shop.printer.received(1)).unwrap();
    assert_eq!(
        paper
            .lines
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect::<Vec<_>>(),
        lines(&again)
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| l.replace('•', "*"))
            .collect::<Vec<_>>(),
        "the Z on paper, row for row (one difference now settled)"
    );
    assert!(paper.text().contains("Difference"), "{}", paper.text());
    assert!(paper.lines.iter().any(|l| l.ends_with("EUR -0.50")));
    assert_eq!(paper.cuts, 1);
    assert!(paper.barcodes.is_empty());
}

#[test]
fn a_comparison_left_pending_at_the_close_is_completed_by_the_window_once_the_provider_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut shop = shop(dir.path());
    let reconciler = shop.reconciler.take().unwrap();
    let till = &shop.till;
    next_second();
    till.call("shift_open", json!({ "float": "0" }));
    let sale = shop.sale_of(1_000);
    shop.card(&sale, CARD, 1_000);
    shop.complete(&sale);
    shop.synced("the payment");

    // Lightspeed is down at the close: its comparison is pending on the Z report.
    shop.down(true);
    let z = till.call("shift_close", json!({ "counted": "0" }));
    let id = z["report"]["shift"]["id"].clone();
    let state = |z: &Value| z["report"]["reconciliation"]["providers"][0]["state"].clone();
    assert_eq!(state(&z), "pending", "{z}");

    // The window's loop (as run_window spawns it, every 50 ms here) completes it once
    // Lightspeed answers again, without `kassa sync`.
    tauri::async_runtime::spawn(kassa_app::shift_commands::reconcile_pending(
        reconciler,
        Duration::from_millis(50),
    ));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        state(&till.call("shift_z", json!({ "shiftId": id }))),
        "pending",
        "still down"
    );
    shop.down(false);
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let z = till.call("shift_z", json!({ "shiftId": id }));
        if state(&z) == "done" {
            assert_eq!(z["report"]["reconciliation"]["providers"][0]["compared"], 1);
            let differences = &z["report"]["reconciliation"]["differences"];
            assert_eq!(differences, &json!([]), "{z}");
            break;
        }
        assert!(Instant::now() < until, "never completed: {z}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
