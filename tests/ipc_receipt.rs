//! Receipts through Tauri's IPC (mock runtime), as the window asks for them: a sale paid by a
//! Leat demo card and cash in training mode, its receipt read (`receipt_get`) and printed
//! (`receipt_print`) on the test kit's receipt printer on 127.0.0.1 — ready, then out of
//! paper —, and a till without a printer, which leaves the printing to the OS.

mod ipc_support;

use ipc_support::{app_with, invoke, Webview};
use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::secrets::MemorySecretStore;
use kassa_testkit::printer::{decode, PrinterState, TestPrinter};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

fn window(dir: &Path, config: &str) -> Webview {
    std::fs::write(dir.join("kassa.toml"), config).unwrap();
    let booted = tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir),
        Arc::new(MemorySecretStore::default()),
    ))
    .unwrap();
    let engine = booted.engine.clone();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(async move { engine.run(stop).await });
    // The engine runs for the test's life.
    std::mem::forget(stop_tx);
    app_with(AppState::ready(Ok(booted)))
}

fn call(w: &Webview, cmd: &str, body: Value) -> Value {
    invoke(w, cmd, body).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

/// A paid sale: Mug 2 × 7.95, the Leat demo card 10.00 of its 25.00, cash 10.00 given.
fn paid_sale(w: &Webview) -> (String, i64) {
    let sale = call(w, "sale_open", json!({}));
    let id = sale["id"].as_str().unwrap().to_string();
    call(
        w,
        "sale_add_line",
        json!({"saleId": id, "description": "Mug", "quantity": 2, "unitPriceMinor": 795}),
    );
    call(
        w,
        "sale_tender_card",
        json!({"saleId": id, "code": "4165100001", "amountMinor": 1_000}),
    );
    call(
        w,
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": 1_000}),
    );
    let done = call(w, "sale_complete", json!({ "saleId": id }));
    assert_eq!(done["outcome"], "paid", "{done}");
    (id, done["sale"]["number"].as_i64().unwrap())
}

#[test]
fn a_paid_sales_receipt_is_read_and_printed_on_the_receipt_printer() {
    let printer = TestPrinter::start(PrinterState::Ready);
    let dir = tempfile::tempdir().unwrap();
    let w = window(
        dir.path(),
        &format!(
            "[register]\nshop = \"Koffie & Co\"\n[printer]\nkind = \"network\"\naddress = \"{}\"\ncolumns = 42\ntimeout_ms = 1000\n",
            printer.address()
        ),
    );
    let (id, number) = paid_sale(&w);

    let receipt = call(&w, "receipt_get", json!({ "saleId": id }));
    assert_eq!(receipt["title"], "Sale");
    assert_eq!(receipt["number"], number);
    assert_eq!(receipt["shop"], "Koffie & Co");
    assert_eq!(receipt["training"], true);
    assert_eq!(receipt["total_minor"], 1_590);
    assert_eq!(receipt["change_minor"], 1_000 - 590);
    assert_eq!(receipt["barcode"], format!("KS{number}"));
    let card = &receipt["tenders"][0];
    assert_eq!(card["label"], "Gift card Leat");
    assert_eq!(card["card_masked"], "••••0001");
    assert_eq!(card["balance_after_minor"], 2_500 - 1_000);
    let text: Vec<String> = serde_json::from_value(receipt["text"].clone()).unwrap();
    assert!(text.iter().all(|l| l.chars().count() <= 42), "{text:#?}");
    assert!(!receipt.to_string().contains("4165100001"), "{receipt}");

    let printed = call(&w, "receipt_print", json!({ "saleId": id }));
    assert_eq!(printed["printed"], true, "{printed}");
    let paper = decode(&printer.received(1)).unwrap();
    assert!(paper.text().contains("Card ****0001"), "{}", paper.text());
    assert!(paper
        .lines
        .iter()
        .any(|l| l.starts_with("TOTAL") && l.ends_with("EUR 15.90")));
    assert_eq!(paper.barcodes, [format!("KS{number}")]);

    // Out of paper: an answer with the cashier's sentence, not an error.
    printer.set_state(PrinterState::PaperOut);
    let printed = call(&w, "receipt_print", json!({ "saleId": id }));
    assert_eq!(printed["printed"], false);
    assert_eq!(printed["configured"], true);
    assert_eq!(
        printed["message"],
        "The receipt printer is out of paper. Put in a new roll, then print the receipt again."
    );
    // By the barcode's payload too (the refund screen's scan).
    printer.set_state(PrinterState::Ready);
    let printed = call(
        &w,
        "receipt_print",
        json!({ "saleId": format!("KS{number}") }),
    );
    assert_eq!(printed["printed"], true, "{printed}");
}

#[test]
fn without_a_printer_the_window_prints_through_the_os_and_an_open_sale_has_no_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let w = window(dir.path(), "");
    let (id, _) = paid_sale(&w);
    let printed = call(&w, "receipt_print", json!({ "saleId": id }));
    assert_eq!(printed["printed"], false);
    assert_eq!(printed["configured"], false);
    assert!(call(&w, "receipt_get", json!({ "saleId": id }))["text"]
        .as_array()
        .is_some_and(|lines| lines.len() > 10));

    let open = call(&w, "sale_open", json!({}));
    let err = invoke(&w, "receipt_get", json!({ "saleId": open["id"] })).unwrap_err();
    assert_eq!(err["code"], "sale_state", "{err}");
    let err = invoke(&w, "receipt_get", json!({ "saleId": "KS999" })).unwrap_err();
    assert_eq!(err["message"], "There is no sale 'KS999'.");
}
