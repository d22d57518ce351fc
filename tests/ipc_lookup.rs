//! The look-up commands over Tauri's IPC (mock runtime), against training mode's simulators.

mod ipc_support;

use ipc_support::{app_with, invoke};
use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::secrets::MemorySecretStore;
use serde_json::{json, Value};
use std::sync::Arc;

#[test]
fn lookup_card_answers_balance_and_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Tauri's own runtime: the commands and the training simulators run on it, as in the app.
    let booted = tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir.path()),
        Arc::new(MemorySecretStore::default()),
    ))
    .unwrap();
    let webview = app_with(AppState::ready(Ok(booted)));

    let info = invoke(&webview, "app_info", json!({})).unwrap();
    assert_eq!(info["training"], true);
    assert_eq!(info["startup_error"], Value::Null);

    let card = invoke(&webview, "lookup_card", json!({"code": "4165100001"})).unwrap();
    assert_eq!(card["balance"], "EUR 25.00");
    assert_eq!(card["balance_minor"], 2500);
    assert_eq!(card["provider"], "leat");
    assert_eq!(card["card_masked"], "••••0001");
    assert_eq!(card["expired"], false);

    let expired = invoke(&webview, "lookup_card", json!({"code": "4165100003"})).unwrap();
    assert_eq!(expired["expired"], true);

    for (code, expected) in [
        ("", "malformed_code"),
        ("41651\u{7}00001", "malformed_code"),
        ("no such card!", "unknown_card_type"),
        ("4165199999", "not_found"),
    ] {
        let err = invoke(&webview, "lookup_card", json!({ "code": code })).unwrap_err();
        assert_eq!(err["code"], expected, "{code:?}: {err}");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    let long = "7".repeat(10_000);
    let err = invoke(&webview, "lookup_card", json!({ "code": long })).unwrap_err();
    assert_eq!(err["code"], "malformed_code");
}

#[test]
fn a_till_that_could_not_open_says_why() {
    let webview = app_with(AppState::ready(Err(
        "cannot read the configuration file /etc/kassa.toml: permission denied".into(),
    )));
    let info = invoke(&webview, "app_info", json!({})).unwrap();
    assert!(info["startup_error"]
        .as_str()
        .unwrap()
        .contains("permission denied"));
    let err = invoke(&webview, "lookup_card", json!({"code": "4165100001"})).unwrap_err();
    assert_eq!(err["code"], "config");
}

/// The window opens while the till does: a command that comes first says the till is still
/// opening; the UI's first call (`app_info`) waits, and answers once the till has opened.
#[test]
fn a_window_opened_before_its_till_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::opening();
    let webview = app_with(state.clone());
    let early = invoke(&webview, "lookup_card", json!({"code": "4165100001"})).unwrap_err();
    assert_eq!(early["code"], "config");
    assert!(
        early["message"].as_str().unwrap().contains("still opening"),
        "{early}"
    );
    let asking = std::thread::spawn({
        let webview = webview.clone();
        move || invoke(&webview, "app_info", json!({}))
    });
    let booted = tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir.path()),
        Arc::new(MemorySecretStore::default()),
    ));
    state.open(booted);
    let info = asking.join().unwrap().unwrap();
    assert_eq!(info["training"], true);
    assert_eq!(info["startup_error"], Value::Null);
    // Signed in, the till's commands now answer.
    invoke(
        &webview,
        "cashier_sign_in",
        json!({"name": kassa_core::cashiers::TRAINING_CASHIER, "pin": kassa_core::cashiers::TRAINING_CASHIER_PIN}),
    )
    .unwrap();
    let card = invoke(&webview, "lookup_card", json!({"code": "4165100001"})).unwrap();
    assert_eq!(card["balance"], "EUR 25.00");
}
