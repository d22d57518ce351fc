//! The status bar and the Queue screen over Tauri's IPC (mock runtime): the till's status on
//! request and pushed as events, each provider's health, a disk fault stopping payments, and a
//! manager's review decisions under the manager's PIN.

mod ipc_support;

use ipc_support::{app_with, invoke, locked_app_with, Webview};
use kassa_app::boot::{boot, Booted};
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_app::status::{feed, EVENT};
use kassa_app::training::MANAGER_PIN;
use kassa_core::cashiers::{TRAINING_CASHIER, TRAINING_CASHIER_PIN};
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{NewOp, OpKind, Transition};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;
use tauri::{Listener, Manager};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn boot_in(dir: &Path, secrets: MemorySecretStore) -> Booted {
    tauri::async_runtime::block_on(boot(Paths::in_dir(dir), Arc::new(secrets))).unwrap()
}

/// Every status the window is sent, in order, from the feed the window's setup starts.
fn statuses(webview: &Webview) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    webview.listen(EVENT, move |event| {
        let _ = tx.send(serde_json::from_str(event.payload()).unwrap());
    });
    tauri::async_runtime::spawn(feed(webview.app_handle().clone()));
    rx
}

/// Waits for a status that satisfies `wanted`; panics with the last one seen.
fn wait_for(rx: &mpsc::Receiver<Value>, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    while let Ok(status) = rx.recv_timeout(Duration::from_secs(15)) {
        if wanted(&status) {
            return status;
        }
        last = status;
    }
    panic!("no status event showed {what}; the last was {last}");
}

fn health_of<'a>(status: &'a Value, provider: &str) -> &'a str {
    status["health"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["provider"] == provider)
        .map_or("absent", |h| h["state"].as_str().unwrap())
}

/// Refuses one Leat redemption, so it waits on the review list.
fn refused_op(store: &Store) -> NewOp {
    let refused = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100002"),
        eur(900),
    );
    store.enqueue(std::slice::from_ref(&refused)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let claimed = store.claim_due(ProviderId::Leat, now, 1).unwrap();
    store
        .record(
            &claimed[0],
            &Transition::Declined {
                reason: "Insufficient balance".into(),
            },
            now,
        )
        .unwrap();
    refused
}

#[test]
fn till_status_counts_what_is_left_to_sync() {
    let dir = tempfile::tempdir().unwrap();
    let booted = boot_in(dir.path(), MemorySecretStore::default());
    let store = booted.store.clone();
    let webview = app_with(AppState::ready(Ok(booted)));

    let empty = invoke(&webview, "till_status", json!({})).unwrap();
    assert_eq!(empty["unfinished"], 0);
    assert_eq!(empty["oldest_age_secs"], Value::Null);
    assert_eq!(empty["payments_stopped"], Value::Null);
    for provider in ["zmyle", "lightspeed", "leat", "shopwave"] {
        assert_eq!(
            health_of(&empty, provider),
            "unknown",
            "{provider} not asked yet"
        );
    }

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
    let queued = invoke(&webview, "till_status", json!({})).unwrap();
    assert_eq!(queued["unfinished"], 2);
    assert_eq!(queued["in_review"], 0);
    assert_eq!(queued["outstanding"], json!(["EUR 15.00"]));
    assert_eq!(queued["by_provider"]["leat"], 1);
    assert!(queued["oldest_age_secs"].as_i64().unwrap() >= 0);
}

#[test]
fn the_window_is_told_as_the_outbox_drains_and_providers_answer() {
    let dir = tempfile::tempdir().unwrap();
    let booted = boot_in(dir.path(), MemorySecretStore::default());
    let (store, engine) = (booted.store.clone(), booted.engine.clone());
    let webview = app_with(AppState::ready(Ok(booted)));
    let rx = statuses(&webview);
    wait_for(&rx, "an empty queue", |s| s["unfinished"] == 0);

    // A training card pays EUR 5.00 at Leat.
    store
        .enqueue(&[NewOp::new(
            ProviderId::Leat,
            OpKind::Redeem,
            Some("4165100001"),
            eur(500),
        )])
        .unwrap();
    tauri::async_runtime::block_on(engine.run_until_idle()).unwrap();
    let drained = wait_for(&rx, "Leat up after the redemption", |s| {
        health_of(s, "leat") == "up"
    });
    assert_eq!(drained["unfinished"], 0, "{drained}");
    assert_eq!(drained["in_review"], 0, "{drained}");
}

#[test]
fn a_provider_that_cannot_be_reached_shows_as_down() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on the discard port of loopback.
    std::fs::write(
        dir.path().join("kassa.toml"),
        "[providers.zmyle]\nbase_url = \"http://127.0.0.1:9\"\ntimeout_ms = 500\n",
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set("zmyle.api_key", &Secret::new("test-key"))
        .unwrap();
    secrets
        .set("zmyle.api_secret", &Secret::new("test-secret"))
        .unwrap();
    let booted = boot_in(dir.path(), secrets);
    let (store, engine) = (booted.store.clone(), booted.engine.clone());
    let webview = app_with(AppState::ready(Ok(booted)));
    let rx = statuses(&webview);

    store
        .enqueue(&[NewOp::new(
            ProviderId::Zmyle,
            OpKind::Reserve,
            Some("QTHX"),
            eur(500),
        )])
        .unwrap();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tauri::async_runtime::spawn(async move { engine.run(stop).await });
    let down = wait_for(&rx, "zmyle down", |s| health_of(s, "zmyle") == "down");
    stop_tx.send(true).unwrap();
    tauri::async_runtime::block_on(running).unwrap().unwrap();
    assert_eq!(down["unfinished"], 1, "the hold still waits to be sent");
    assert_eq!(down["outstanding"], json!(["EUR 5.00"]));
}

#[test]
fn a_disk_without_room_stops_payments_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    // More free space than any disk has: the till must see it as full.
    std::fs::write(
        dir.path().join("kassa.toml"),
        "[register]\nmin_free_disk_mb = 9000000000000\n",
    )
    .unwrap();
    let booted = boot_in(dir.path(), MemorySecretStore::default());
    let webview = app_with(AppState::ready(Ok(booted)));
    let status = invoke(&webview, "till_status", json!({})).unwrap();
    let stopped = status["payments_stopped"].as_str().unwrap();
    assert!(stopped.contains("disk is full"), "{stopped}");
    assert!(stopped.contains("takes none"), "{stopped}");
}

#[test]
fn the_queue_screen_lists_review_items_and_takes_a_managers_decision() {
    let dir = tempfile::tempdir().unwrap();
    let booted = boot_in(dir.path(), MemorySecretStore::default());
    let store = booted.store.clone();
    let webview = app_with(AppState::ready(Ok(booted)));

    let refused = refused_op(&store);
    let waiting = NewOp::new(
        ProviderId::Leat,
        OpKind::Reload,
        Some("4165100001"),
        eur(100),
    );
    store.enqueue(std::slice::from_ref(&waiting)).unwrap();

    let ops = invoke(&webview, "queue_ops", json!({})).unwrap();
    assert_eq!(ops[0]["id"], refused.id.as_str(), "review items first");
    assert_eq!(ops[0]["review_reason"], "Insufficient balance");
    assert_eq!(ops[0]["card"], "••••0002");
    assert_eq!(ops[0]["amount"], "EUR 9.00");
    assert_eq!(ops[1]["id"], waiting.id.as_str());
    assert_eq!(ops[1]["state"], "pending");

    let decide = |action: &str, note: &str, pin: &str| {
        invoke(
            &webview,
            "resolve_review",
            json!({"opId": refused.id, "action": action, "note": note, "pin": pin}),
        )
    };
    let no_note = decide("write_off", "", MANAGER_PIN).unwrap_err();
    assert_eq!(no_note["code"], "config");
    let wrong_pin = decide("write_off", "paid in cash", "0000").unwrap_err();
    assert_eq!(wrong_pin["code"], "pin_refused");
    assert!(
        wrong_pin["message"]
            .as_str()
            .unwrap()
            .contains("Wrong manager PIN"),
        "{wrong_pin}"
    );
    assert_eq!(
        invoke(&webview, "queue_ops", json!({})).unwrap()[0]["id"],
        refused.id.as_str(),
        "a wrong PIN decides nothing"
    );
    decide("write_off", "paid in cash", MANAGER_PIN).unwrap();
    let ops = invoke(&webview, "queue_ops", json!({})).unwrap();
    assert_eq!(
        ops.as_array().unwrap().len(),
        1,
        "only the waiting one is left"
    );
}

#[test]
fn wrong_pins_lock_the_review_and_a_till_without_a_pin_says_how_to_set_one() {
    let dir = tempfile::tempdir().unwrap();
    let booted = boot_in(dir.path(), MemorySecretStore::default());
    let store = booted.store.clone();
    let webview = app_with(AppState::ready(Ok(booted)));
    let refused = refused_op(&store);
    let retry = |pin: &str| {
        invoke(
            &webview,
            "resolve_review",
            json!({"opId": refused.id, "action": "retry", "pin": pin}),
        )
    };
    for _ in 0..4 {
        retry("9999").unwrap_err();
    }
    let locked = retry("9999").unwrap_err();
    assert!(
        locked["message"].as_str().unwrap().contains("locked"),
        "{locked}"
    );
    let still = retry(MANAGER_PIN).unwrap_err();
    assert_eq!(
        still["code"], "pin_refused",
        "locked even for the right PIN"
    );

    // The window closed and opened again: the lock is the till's, not the process's.
    drop(webview);
    let reopened = locked_app_with(AppState::ready(Ok(boot_in(
        dir.path(),
        MemorySecretStore::default(),
    ))));
    let (name, pin) = (TRAINING_CASHIER, TRAINING_CASHIER_PIN);
    let after_restart = invoke(
        &reopened,
        "cashier_sign_in",
        json!({"name": name, "pin": pin}),
    )
    .unwrap_err();
    assert!(
        after_restart["message"]
            .as_str()
            .unwrap()
            .contains("locked"),
        "{after_restart}"
    );

    // A configured till whose installer set no PIN.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kassa.toml"),
        "[providers.zmyle]\nbase_url = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets.set("zmyle.api_key", &Secret::new("k")).unwrap();
    secrets.set("zmyle.api_secret", &Secret::new("s")).unwrap();
    let booted = boot_in(dir.path(), secrets);
    let store = booted.store.clone();
    let webview = app_with(AppState::ready(Ok(booted)));
    let refused = refused_op(&store);
    let unset = invoke(
        &webview,
        "resolve_review",
        json!({"opId": refused.id, "action": "retry", "pin": "1234"}),
    )
    .unwrap_err();
    assert!(
        unset["message"]
            .as_str()
            .unwrap()
            .contains("kassa manager set-pin"),
        "{unset}"
    );
}
