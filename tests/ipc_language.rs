//! The till's own sentences in its language, over Tauri's IPC (mock runtime), in training mode:
//! a till set to `[register] language = "nl"` refuses in Dutch — a bad amount, a scan that was
//! empty, a sale not paid yet, a wrong manager PIN, a refund over what is left, a card that did
//! not pay the sale, a step on an abandoned sale — with amounts written `€ 10,00`; its shift
//! refusals, a card line's description (kept as the English, shown in Dutch), the receipt
//! printer's problems and payments stopped by a changed journal in Dutch too, and so are a card
//! line's progress, the refusal of a receipt for a sale not paid, and the setup screen's
//! refusals; a till left in English says the same in English, as before.

mod ipc_support;

use ipc_support::till::{training, Till};
use ipc_support::{invoke, Webview};
use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::oauth_sign_in::SignInSettings;
use kassa_app::paths::Paths;
use kassa_app::setup_commands::SetupState;
use kassa_app::training::MANAGER_PIN;
use kassa_core::secrets::MemorySecretStore;
use kassa_testkit::printer::{PrinterState, TestPrinter};
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::WebviewWindowBuilder;

const LEAT_25: &str = "4165100001";
const LIGHTSPEED_75: &str = "9100000000000001";

fn till_in(dir: &std::path::Path, language: &str) -> Till {
    std::fs::write(
        dir.join("kassa.toml"),
        format!("[register]\nlanguage = \"{language}\"\n"),
    )
    .unwrap();
    training(dir)
}

/// A sale of 10.00 rung up, not yet paid.
fn rung_up(till: &Till) -> (String, i64) {
    let sale = till.call("sale_open", json!({}));
    let id = sale["id"].as_str().unwrap().to_string();
    till.call(
        "sale_add_line",
        json!({"saleId": id, "description": "Mok", "quantity": 1, "unitPriceMinor": 1000}),
    );
    (id, sale["number"].as_i64().unwrap())
}

fn refund(till: &Till, sale_id: &str, body: Value) -> Value {
    let mut args = json!({
        "saleId": sale_id,
        "kind": "refund",
        "reason": "klant bedacht zich",
        "cards": [],
        "restTo": "cash",
        "pin": MANAGER_PIN,
        "amountMinor": 500,
    });
    args.as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    till.refuse("sale_refund", args)
}

fn said(refusal: &Value) -> &str {
    refusal["message"].as_str().unwrap()
}

#[test]
fn a_dutch_till_refuses_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let till = till_in(dir.path(), "nl");
    let (id, number) = rung_up(&till);

    let zero = till.refuse("sale_tender_cash", json!({"saleId": id, "givenMinor": 0}));
    assert_eq!(zero["code"], "invalid");
    assert_eq!(said(&zero), "Een bedrag moet meer dan 0 zijn.");

    let empty = till.refuse("sale_scan", json!({"code": "  "}));
    assert_eq!(empty["code"], "malformed_code");
    assert_eq!(
        said(&empty),
        "De scan was leeg. Scan de kaart opnieuw of typ de code."
    );

    let unpaid = till.refuse("sale_complete", json!({ "saleId": id }));
    assert_eq!(said(&unpaid), "Er moet nog € 10,00 betaald worden.");

    till.call(
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": 1000}),
    );
    let done = till.call("sale_complete", json!({ "saleId": id }));
    assert_eq!(done["outcome"], "paid", "{done}");

    let wrong_pin = refund(&till, &id, json!({"pin": "000000"}));
    assert_eq!(wrong_pin["code"], "pin_refused");
    assert_eq!(
        said(&wrong_pin),
        "Verkeerde managerpincode (nog 4 pogingen voordat de pincode een minuut geblokkeerd wordt)."
    );

    let over = refund(&till, &id, json!({"amountMinor": 1500}));
    assert_eq!(over["code"], "invalid");
    assert_eq!(
        said(&over),
        format!(
            "Van verkoop {number} kan hoogstens € 10,00 geretourneerd worden: er is € 10,00 betaald en al € 0,00 teruggegeven."
        )
    );

    let foreign = refund(&till, &id, json!({"cards": [LEAT_25]}));
    assert_eq!(
        said(&foreign),
        format!(
            "Kaart ••••0001 heeft verkoop {number} niet betaald: scan een kaart waarmee de verkoop betaald is."
        )
    );

    let (other, other_number) = rung_up(&till);
    till.call("sale_abandon", json!({ "saleId": other }));
    let abandoned = till.refuse(
        "sale_add_line",
        json!({"saleId": other, "description": "Mok", "quantity": 1, "unitPriceMinor": 100}),
    );
    assert_eq!(abandoned["code"], "sale_state");
    assert_eq!(
        said(&abandoned),
        format!("Verkoop {other_number} is afgebroken: een regel toevoegen kan niet.")
    );
}

#[test]
fn an_english_till_says_what_it_said_before() {
    let dir = tempfile::tempdir().unwrap();
    let till = till_in(dir.path(), "en");
    let (id, number) = rung_up(&till);

    let unpaid = till.refuse("sale_complete", json!({ "saleId": id }));
    assert_eq!(said(&unpaid), "EUR 10.00 is still to pay.");

    till.call(
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": 1000}),
    );
    till.call("sale_complete", json!({ "saleId": id }));
    let over = refund(&till, &id, json!({"amountMinor": 1500}));
    assert_eq!(
        said(&over),
        format!(
            "At most EUR 10.00 can be refunded of sale {number}: EUR 10.00 was paid and EUR 0.00 given back already."
        )
    );
    let wrong_pin = refund(&till, &id, json!({"pin": "000000"}));
    assert_eq!(
        said(&wrong_pin),
        "Wrong manager PIN (4 more tries before the PIN is locked for a minute)."
    );
}

/// A Dutch till with the test kit's receipt printer at `printer`.
fn till_with_printer(dir: &std::path::Path, printer: &TestPrinter) -> Till {
    std::fs::write(
        dir.join("kassa.toml"),
        format!(
            "[register]\nlanguage = \"nl\"\n[printer]\nkind = \"network\"\naddress = \"{}\"\ncolumns = 42\ntimeout_ms = 1000\n",
            printer.address()
        ),
    )
    .unwrap();
    training(dir)
}

#[test]
fn a_dutch_till_says_its_shift_refusals_notes_and_printer_problems_in_dutch() {
    let printer = TestPrinter::start(PrinterState::Ready);
    let dir = tempfile::tempdir().unwrap();
    let till = till_with_printer(dir.path(), &printer);

    let none_open = till.refuse("shift_x", json!({}));
    assert_eq!(none_open["code"], "invalid");
    assert_eq!(
        said(&none_open),
        "Er is geen dienst open: open er een met de wisselgeldvoorraad."
    );
    let no_float = till.refuse("shift_open", json!({"float": " "}));
    assert_eq!(said(&no_float), "Typ de wisselgeldvoorraad.");
    till.call("shift_open", json!({"float": "100.00"}));
    let no_reason = till.refuse(
        "shift_cash_move",
        json!({"kind": "paid_out", "amount": "5.00", "reason": " "}),
    );
    assert_eq!(
        said(&no_reason),
        "Zeg waarom het contant geld gestort of uitbetaald wordt."
    );

    // A card line's description is kept as its English and shown in Dutch; the cashier's own
    // line stays as typed.
    let (id, _) = rung_up(&till);
    let sale = till.call(
        "sale_add_card_line",
        json!({"saleId": id, "code": LIGHTSPEED_75, "amountMinor": 500, "action": "reload"}),
    );
    assert_eq!(sale["lines"][0]["description"], "Mok");
    assert_eq!(
        sale["lines"][1]["description"], "Opwaarderen Lightspeed ••••0001",
        "{sale}"
    );
    assert_eq!(sale["lines"][1]["card"]["status"], "te laden bij Afronden");
    till.call(
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": 1500}),
    );
    let done = till.call("sale_complete", json!({ "saleId": id }));
    assert_eq!(done["outcome"], "paid", "{done}");

    printer.set_state(PrinterState::PaperOut);
    let printed = till.call("receipt_print", json!({ "saleId": id }));
    assert_eq!(printed["printed"], false);
    assert_eq!(
        printed["message"],
        "De bonprinter heeft geen papier meer. Plaats een nieuwe rol en druk de bon dan opnieuw af."
    );
    printer.set_state(PrinterState::Ready);
    let printed = till.call("receipt_print", json!({ "saleId": id }));
    assert_eq!(printed["printed"], true, "{printed}");
    assert_eq!(
        printed["message"],
        format!("Bon {} is afgedrukt.", done["sale"]["number"])
    );
}

#[test]
fn a_dutch_till_says_payments_stopped_by_a_changed_journal_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let till = till_in(dir.path(), "nl");
    let (id, _) = rung_up(&till);
    till.call(
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": 1000}),
    );
    till.call("sale_complete", json!({ "saleId": id }));
    drop(till);

    let db = Paths::in_dir(dir.path()).database(true);
    let tender: i64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let id = conn
            .query_row(
                "SELECT id FROM journal WHERE kind = 'tender' AND outcome = 'cash'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute("UPDATE journal SET amount_minor = 500 WHERE id = ?1", [id])
            .unwrap();
        id
    };

    let till = training(dir.path());
    let status = till.call("till_status", json!({}));
    let stopped = status["payments_stopped"].as_str().expect("payments stop");
    assert_eq!(
        stopped,
        format!(
            "Het journaal is buiten de kassa om gewijzigd: seq {tender} (id {tender}) is gewijzigd: de hash past niet bij de inhoud. Kassa neemt geen betaling aan totdat een manager het gezien heeft en met de managerpincode bevestigd heeft."
        )
    );
    let (other, _) = rung_up(&till);
    let refused = till.refuse(
        "sale_tender_cash",
        json!({"saleId": other, "givenMinor": 1000}),
    );
    assert_eq!(said(&refused), stopped, "{refused}");
}

#[test]
fn a_dutch_till_refuses_a_receipt_for_a_sale_not_paid_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let till = till_in(dir.path(), "nl");
    let (id, number) = rung_up(&till);
    till.call("sale_abandon", json!({ "saleId": id }));

    let refused = till.refuse("receipt_get", json!({ "saleId": id }));
    assert_eq!(refused["code"], "sale_state");
    assert_eq!(
        said(&refused),
        format!(
            "Verkoop {number}: afgebroken. Een bon wordt gemaakt zodra een verkoop betaald is."
        )
    );
}

/// A training till in `language` whose setup screen writes its own configuration file.
fn setup_in(dir: &std::path::Path, language: &str) -> Webview {
    let paths = Paths::in_dir(dir);
    std::fs::write(
        &paths.config_file,
        format!("[register]\nlanguage = \"{language}\"\n"),
    )
    .unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(paths.clone(), Arc::new(MemorySecretStore::default())))
            .unwrap();
    let setup = SetupState::new(
        paths.config_file.clone(),
        Arc::new(MemorySecretStore::default()),
        SignInSettings {
            open_browser: |_| Ok(()),
            ..SignInSettings::default()
        },
    );
    let app = kassa_app::with_setup(
        kassa_app::with_commands(mock_builder(), AppState::ready(Ok(booted))),
        setup,
    )
    .build(mock_context(noop_assets()))
    .unwrap();
    WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap()
}

/// The setup command's refusal.
fn setup_refuses(webview: &Webview, cmd: &str, body: Value) -> String {
    let refusal = invoke(webview, cmd, body).expect_err(cmd);
    assert_eq!(refusal["code"], "config", "{refusal}");
    said(&refusal).to_string()
}

#[test]
fn a_dutch_till_says_its_setup_refusals_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let setup = setup_in(dir.path(), "nl");

    let outside = setup_refuses(
        &setup,
        "setup_save",
        json!({"pin": MANAGER_PIN, "changes": [{"key": "outbox.max_attempts", "value": 3}]}),
    );
    assert_eq!(
        outside,
        "outbox.max_attempts wordt niet op dit scherm ingesteld: alleen de kassa en de aanbieders"
    );
    let leaving = setup_refuses(
        &setup,
        "setup_save",
        json!({"pin": MANAGER_PIN, "changes": [
            {"key": "providers.zmyle.base_url", "value": "https://posapi.zmyledemo.de"},
            {"key": "providers.zmyle.hold_minutes", "value": 20},
        ]}),
    );
    assert_eq!(
        leaving,
        "Dit opslaan haalt de kassa uit de oefenmodus: hij neemt dan echte betalingen aan via de aanbieders die hier ingesteld zijn. Bevestig om de oefenmodus te verlaten."
    );
    let secret = setup_refuses(
        &setup,
        "setup_secret_set",
        json!({"pin": MANAGER_PIN, "name": "leat.api_key", "value": " "}),
    );
    assert_eq!(
        secret,
        "leat.api_key moet als één regel tekst geplakt worden, zonder spaties eromheen"
    );
    let unsaved = setup_refuses(
        &setup,
        "setup_test",
        json!({"pin": MANAGER_PIN, "provider": "zmyle"}),
    );
    assert_eq!(
        unsaved,
        "Sla de instellingen van zmyle op voordat je de verbinding test."
    );
    let no_sign_in = setup_refuses(
        &setup,
        "setup_sign_in_start",
        json!({"pin": MANAGER_PIN, "provider": "leat"}),
    );
    assert_eq!(
        no_sign_in,
        "'leat' heeft geen aanmelding: alleen Lightspeed en Shopwave melden aan via de browser"
    );
    let not_set_up = setup_refuses(
        &setup,
        "setup_sign_in_start",
        json!({"pin": MANAGER_PIN, "provider": "lightspeed"}),
    );
    assert_eq!(
        not_set_up,
        "Lightspeed is nog niet ingesteld: sla eerst de instellingen op (met OAuth)."
    );
    let none_under_way = setup_refuses(
        &setup,
        "setup_sign_in_finish",
        json!({"provider": "shopwave"}),
    );
    assert_eq!(
        none_under_way,
        "Er loopt geen aanmelding voor deze aanbieder: begin opnieuw."
    );
}
