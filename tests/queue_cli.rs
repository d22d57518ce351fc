//! `kassa queue`, `kassa review` and `kassa sync --once` as an installer runs them: the real
//! binary, a fresh data folder, training mode (so `sync` sends to the in-process simulators).

use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{NewOp, OpKind, Transition};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use time::OffsetDateTime;

fn kassa(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env_remove("KASSA_CONFIG")
        .output()
        .expect("kassa runs")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

#[test]
fn an_installer_inspects_syncs_and_resolves_the_queue() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    let (pending, refused) = {
        let store = Store::open(&db).unwrap();
        let refused = NewOp::new(
            ProviderId::Leat,
            OpKind::Redeem,
            Some("4165100002"),
            eur(900),
        )
        .in_sale("sale-1");
        store.enqueue(std::slice::from_ref(&refused)).unwrap();
        let now = OffsetDateTime::now_utc();
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
        let pending = NewOp::new(
            ProviderId::Leat,
            OpKind::Redeem,
            Some("4165100001"),
            eur(500),
        )
        .in_sale("sale-2");
        store.enqueue(std::slice::from_ref(&pending)).unwrap();
        (pending, refused)
    };

    let queue = json(&kassa(home.path(), &["--json", "queue"]));
    assert_eq!(queue["unfinished"], 1);
    assert_eq!(queue["in_review"], 1);
    assert_eq!(queue["ops"][0]["id"], pending.id.as_str());
    assert_eq!(queue["ops"][0]["amount"], "EUR 5.00");
    assert!(
        !queue.to_string().contains("4165100001"),
        "card codes are shown masked"
    );

    let synced = json(&kassa(home.path(), &["--json", "sync", "--once"]));
    assert_eq!(synced["stats"]["succeeded"], 1);
    assert_eq!(synced["unfinished"], 0);

    let review = json(&kassa(home.path(), &["--json", "review"]));
    assert_eq!(review["review"][0]["id"], refused.id.as_str());
    assert_eq!(review["review"][0]["review_reason"], "Insufficient balance");

    let no_note = kassa(home.path(), &["review", "write-off", &refused.id]);
    assert!(!no_note.status.success(), "a write-off needs a note");
    json(&kassa(
        home.path(),
        &[
            "--json",
            "review",
            "write-off",
            &refused.id,
            "--note",
            "paid in cash",
        ],
    ));
    let review = json(&kassa(home.path(), &["--json", "review"]));
    assert_eq!(review["review"].as_array().unwrap().len(), 0);

    let unknown = kassa(home.path(), &["review", "retry", "no-such-op"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-op"));
}

#[test]
fn the_database_is_not_reset_while_operations_are_unfinished_unless_exported() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    let op = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100001"),
        eur(500),
    );
    Store::open(&db)
        .unwrap()
        .enqueue(std::slice::from_ref(&op))
        .unwrap();

    let refused = kassa(home.path(), &["reset"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("kassa queue --export"));
    assert!(db.exists(), "nothing was touched");

    let file = home.path().join("unfinished.json");
    json(&kassa(
        home.path(),
        &["--json", "queue", "--export", file.to_str().unwrap()],
    ));
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(exported.contains(&op.id));
    assert!(!exported.contains("4165100001"), "card codes masked");

    json(&kassa(
        home.path(),
        &["--json", "reset", "--exported", file.to_str().unwrap()],
    ));
    assert!(!db.exists(), "set aside");
    let fresh = json(&kassa(home.path(), &["--json", "queue"]));
    assert_eq!(fresh["unfinished"], 0);
}
