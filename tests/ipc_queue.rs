//! The status bar's queue command over Tauri's IPC (mock runtime), in training mode.

mod ipc_support;

use ipc_support::{app_with, invoke};
use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{NewOp, OpKind};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::MemorySecretStore;
use serde_json::{json, Value};
use std::sync::Arc;

#[test]
fn queue_status_counts_what_is_left_to_sync() {
    let dir = tempfile::tempdir().unwrap();
    let booted = tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir.path()),
        Arc::new(MemorySecretStore::default()),
    ))
    .unwrap();
    let store = booted.store.clone();
    let webview = app_with(AppState(Ok(booted)));

    let empty = invoke(&webview, "queue_status", json!({})).unwrap();
    assert_eq!(empty["unfinished"], 0);
    assert_eq!(empty["oldest_age_secs"], Value::Null);

    let eur = |minor| Money::new(minor, Currency::try_from("EUR".to_string()).unwrap());
    store
        .enqueue(&[
            NewOp::new(
                ProviderId::Leat,
                OpKind::Redeem,
                Some("4165100001"),
                eur(1250),
            ),
            NewOp::new(
                ProviderId::Lightspeed,
                OpKind::Redeem,
                Some("9100000000000001"),
                eur(250),
            ),
        ])
        .unwrap();
    let queued = invoke(&webview, "queue_status", json!({})).unwrap();
    assert_eq!(queued["unfinished"], 2);
    assert_eq!(queued["in_review"], 0);
    assert_eq!(queued["outstanding"], json!(["EUR 15.00"]));
    assert_eq!(queued["by_provider"]["leat"], 1);
    assert!(queued["oldest_age_secs"].as_i64().unwrap() >= 0);
}

#[test]
fn the_queue_screen_lists_review_items_and_takes_a_managers_decision() {
    let dir = tempfile::tempdir().unwrap();
    let booted = tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir.path()),
        Arc::new(MemorySecretStore::default()),
    ))
    .unwrap();
    let store = booted.store.clone();
    let webview = app_with(AppState(Ok(booted)));

    let eur = |minor| Money::new(minor, Currency::try_from("EUR".to_string()).unwrap());
    let refused = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100002"),
        eur(900),
    );
    let waiting = NewOp::new(
        ProviderId::Leat,
        OpKind::Reload,
        Some("4165100001"),
        eur(100),
    );
    store.enqueue(std::slice::from_ref(&refused)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let claimed = store.claim_due(ProviderId::Leat, now, 1).unwrap();
    store
        .record(
            &claimed[0],
            &kassa_core::outbox::Transition::Declined {
                reason: "Insufficient balance".into(),
            },
            now,
        )
        .unwrap();
    store.enqueue(std::slice::from_ref(&waiting)).unwrap();

    let ops = invoke(&webview, "queue_ops", json!({})).unwrap();
    assert_eq!(ops[0]["id"], refused.id.as_str(), "review items first");
    assert_eq!(ops[0]["review_reason"], "Insufficient balance");
    assert_eq!(ops[0]["card"], "••••0002");
    assert_eq!(ops[0]["amount"], "EUR 9.00");
    assert_eq!(ops[1]["id"], waiting.id.as_str());
    assert_eq!(ops[1]["state"], "pending");

    let no_note = invoke(
        &webview,
        "resolve_review",
        json!({"opId": refused.id, "action": "write_off", "note": ""}),
    )
    .unwrap_err();
    assert_eq!(no_note["code"], "config");
    invoke(
        &webview,
        "resolve_review",
        json!({"opId": refused.id, "action": "write_off", "note": "paid in cash"}),
    )
    .unwrap();
    let ops = invoke(&webview, "queue_ops", json!({})).unwrap();
    assert_eq!(
        ops.as_array().unwrap().len(),
        1,
        "only the waiting one is left"
    );
}
