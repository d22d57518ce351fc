//! `kassa queue`, `kassa review`, `kassa reset` and `kassa sync --once` as an installer runs
//! them: the real binary, a fresh data folder, training mode (so `sync` sends to the in-process
//! simulators, and the manager PIN is training's known 1234).

use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{NewOp, OpKind, Transition};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use time::OffsetDateTime;

/// Training mode's manager PIN.
const PIN: &str = "1234\n";

/// `kassa` with `stdin` on its standard input (where it reads the manager PIN).
fn kassa_with(home: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env_remove("KASSA_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kassa runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn kassa(home: &Path, args: &[&str]) -> Output {
    kassa_with(home, args, "")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A refused Leat redemption waiting for review, in the training database; its id.
fn one_in_review(db: &Path) -> String {
    let store = Store::open(db).unwrap();
    let refused = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100002"),
        eur(900),
    );
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
    refused.id
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
    let refused = one_in_review(&db);
    let pending = NewOp::new(
        ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100001"),
        eur(500),
    )
    .in_sale("sale-2");
    Store::open(&db)
        .unwrap()
        .enqueue(std::slice::from_ref(&pending))
        .unwrap();

    let queue = json(&kassa(home.path(), &["--json", "queue"]));
    assert_eq!(queue["unfinished"], 1);
    assert_eq!(queue["in_review"], 1);
    assert_eq!(queue["ops"][0]["id"], pending.id.as_str());
    assert_eq!(queue["ops"][0]["amount"], "EUR 5.00");
    assert!(
        !queue.to_string().contains("4165100001"),
        "card codes are shown masked"
    );

    let synced = kassa(home.path(), &["--json", "sync", "--once"]);
    assert_eq!(synced.status.code(), Some(3), "one is left for review");
    let synced: Value = serde_json::from_slice(&synced.stdout).unwrap();
    assert_eq!(synced["stats"]["succeeded"], 1);
    assert_eq!(synced["unfinished"], 0);

    let review = json(&kassa(home.path(), &["--json", "review"]));
    assert_eq!(review["review"][0]["id"], refused.as_str());
    assert_eq!(review["review"][0]["review_reason"], "Insufficient balance");

    let no_note = kassa_with(home.path(), &["review", "write-off", &refused], PIN);
    assert!(!no_note.status.success(), "a write-off needs a note");
    json(&kassa_with(
        home.path(),
        &[
            "--json",
            "review",
            "write-off",
            &refused,
            "--note",
            "paid in cash",
        ],
        PIN,
    ));
    let review = json(&kassa(home.path(), &["--json", "review"]));
    assert_eq!(review["review"].as_array().unwrap().len(), 0);

    let unknown = kassa_with(home.path(), &["review", "retry", "no-such-op"], PIN);
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

    let refused = kassa_with(home.path(), &["reset"], PIN);
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

    let without_pin = kassa(
        home.path(),
        &["--json", "reset", "--exported", file.to_str().unwrap()],
    );
    assert!(!without_pin.status.success(), "a reset needs the manager");
    let answer: Value = serde_json::from_slice(&without_pin.stdout).unwrap();
    assert_eq!(answer["error"]["code"], "pin_refused");
    assert!(db.exists(), "nothing was set aside");
    json(&kassa_with(
        home.path(),
        &["--json", "reset", "--exported", file.to_str().unwrap()],
        PIN,
    ));
    assert!(!db.exists(), "set aside");
    let fresh = json(&kassa(home.path(), &["--json", "queue"]));
    assert_eq!(fresh["unfinished"], 0);
}

#[test]
fn a_review_decision_needs_the_manager_pin_and_the_lock_out_outlives_the_process() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    let op = one_in_review(&db);
    let write_off = [
        "--json",
        "review",
        "write-off",
        &op,
        "--note",
        "paid in cash",
    ];
    let still_in_review = || {
        let review = json(&kassa(home.path(), &["--json", "review"]));
        review["review"][0]["id"] == op.as_str()
    };

    let no_pin = kassa(home.path(), &write_off);
    assert!(!no_pin.status.success());
    let answer: Value = serde_json::from_slice(&no_pin.stdout).unwrap();
    assert_eq!(answer["error"]["code"], "pin_refused");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("standard input"),
        "{answer}"
    );
    assert!(still_in_review(), "nothing decided without the PIN");

    // Each wrong PIN in a process of its own: the count is the till's, not the process's.
    for left in (1..=4).rev() {
        let wrong = kassa_with(home.path(), &write_off, "0000\n");
        let answer: Value = serde_json::from_slice(&wrong.stdout).unwrap();
        assert_eq!(answer["error"]["code"], "pin_refused");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} more tries")),
            "{answer}"
        );
    }
    let locking = kassa_with(home.path(), &["review", "retry", &op], "0000\n");
    assert!(
        stderr(&locking).contains("locked for 60"),
        "{}",
        stderr(&locking)
    );
    let locked = kassa_with(home.path(), &write_off, PIN);
    assert!(
        !locked.status.success(),
        "the right PIN is refused while locked"
    );
    assert!(
        String::from_utf8_lossy(&locked.stdout).contains("locked for"),
        "{}",
        String::from_utf8_lossy(&locked.stdout)
    );
    assert!(still_in_review(), "nothing decided while locked");
}

#[test]
fn sync_once_makes_one_pass_and_says_with_its_exit_code_what_is_left() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    let op = one_in_review(&db);

    let left = kassa(home.path(), &["sync", "--once"]);
    assert_eq!(left.status.code(), Some(3), "{}", stderr(&left));
    assert!(
        stderr(&left).contains("1 waiting for review"),
        "{}",
        stderr(&left)
    );

    json(&kassa_with(
        home.path(),
        &["--json", "review", "done", &op, "--note", "checked at Leat"],
        PIN,
    ));
    let empty = kassa(home.path(), &["--json", "sync", "--once"]);
    assert_eq!(empty.status.code(), Some(0), "{}", stderr(&empty));
    let answer = json(&empty);
    assert_eq!(
        (answer["unfinished"].as_i64(), answer["in_review"].as_i64()),
        (Some(0), Some(0))
    );
}

#[test]
fn a_manager_settles_a_reconciliation_difference_with_a_note_and_the_pin() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    let store = Store::open(&db).unwrap();
    let shift = store.open_shift_with(&eur(0).currency, 0).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO reconciliation_diffs (shift_id, provider, kind, op_id, card_masked,
                    expected_minor, currency, found_at)
             VALUES (?1, 'leat', 'missing', 'op-1', '••••0001', -900, 'EUR',
                     '2026-11-30T09:00:00.000Z')",
            [shift.id],
        )
        .unwrap();
    drop(store);

    let listed = kassa(home.path(), &["review"]);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(out.contains("#1") && out.contains("missing"), "{out}");

    let wrong = kassa_with(
        home.path(),
        &["review", "settle", "1", "--note", "booked by hand"],
        "999999\n",
    );
    assert!(!wrong.status.success(), "a wrong PIN settles nothing");
    let still = json(&kassa(home.path(), &["--json", "review"]));
    assert_eq!(still["differences"].as_array().unwrap().len(), 1, "{still}");

    let settled = kassa_with(
        home.path(),
        &["review", "settle", "1", "--note", "booked by hand"],
        PIN,
    );
    assert!(settled.status.success(), "{}", stderr(&settled));
    assert!(String::from_utf8_lossy(&settled.stdout).contains("#1: settled"));
    let after = json(&kassa(home.path(), &["--json", "review"]));
    assert!(
        after["differences"].as_array().unwrap().is_empty(),
        "{after}"
    );
    let note: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT resolution_note FROM reconciliation_diffs WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(note.contains("booked by hand"), "{note}");
}
