//! `kassa journal verify` on a long real journal: sales through `kassa sale` in training mode
//! (their sale, tender and operation rows), many look-ups through the store between them; the
//! whole chain verifies; then copies of it changed with the `sqlite3` tool — an amount, a row
//! deleted, rows inserted — each fail at exactly that row.

use kassa_core::store::{JournalEntry, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn shown(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn database(home: &Path) -> PathBuf {
    home.join("data/eu.kassa.till/training.sqlite3")
}

fn sqlite3(db: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the sqlite3 tool runs (make test-packages installs it)");
    assert!(out.status.success(), "sqlite3 {sql}: {}", shown(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn sell(home: &Path, line: &str, pays: &[&str]) {
    let mut args = vec!["sale", "--line", line];
    for pay in pays {
        args.extend(["--pay", pay]);
    }
    let out = kassa(home, &args);
    assert!(out.status.success(), "{}", shown(&out));
}

/// `kassa --json journal verify`: its exit code and its answer.
fn verify(home: &Path) -> (Option<i32>, Value) {
    let out = kassa(home, &["--json", "journal", "verify"]);
    let answer = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", shown(&out)));
    (out.status.code(), answer)
}

/// A copy of the till in `from`, in a home of its own (SQLite's own copy: `VACUUM INTO`).
fn copy_of(from: &Path, to: &Path) {
    let db = database(to);
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    sqlite3(&database(from), &format!("VACUUM INTO '{}'", db.display()));
}

/// A journal of real sales with 20,000 look-ups between them.
fn long_journal(home: &Path) -> i64 {
    sell(home, "Mug=7.95", &["4165100001=5.00", "cash=5"]);
    sell(home, "Tea=3.20", &["cash=5"]);
    {
        let store = Store::open(&database(home)).unwrap();
        for i in 0..20_000 {
            let mut entry =
                JournalEntry::lookup("lightspeed", &format!("••••{:04}", i % 10_000), "balance");
            entry.amount_minor = Some(i);
            entry.currency = Some("EUR".into());
            store.journal(&entry).unwrap();
        }
    }
    sell(home, "Cake=4.50", &["terminal=4.50"]);
    sqlite3(&database(home), "SELECT count(*) FROM journal")
        .parse()
        .unwrap()
}

#[test]
fn verify_passes_on_a_long_journal_and_names_the_row_that_was_changed_deleted_or_inserted() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("till");
    let rows = long_journal(&home);
    assert!(rows > 20_000, "{rows}");

    let (code, whole) = verify(&home);
    assert_eq!(code, Some(0), "{whole}");
    assert_eq!(whole["ok"], true);
    assert_eq!(whole["rows"], rows);
    assert_eq!(whole["head"]["seq"], rows);
    assert_eq!(whole["first_break"], Value::Null);
    let text = kassa(&home, &["journal", "verify"]);
    assert!(text.status.success());
    assert!(
        shown(&text).contains(&format!("The journal is whole: {rows} rows checked.")),
        "{}",
        shown(&text)
    );

    // One tender's amount changed: verify fails at exactly that row, and only there.
    let changed = root.path().join("changed");
    copy_of(&home, &changed);
    let db = database(&changed);
    let tender: i64 = sqlite3(
        &db,
        "SELECT id FROM journal WHERE kind = 'tender' AND outcome = 'cash' ORDER BY id LIMIT 1",
    )
    .parse()
    .unwrap();
    sqlite3(
        &db,
        &format!("UPDATE journal SET amount_minor = amount_minor + 100 WHERE id = {tender}"),
    );
    let (code, broken) = verify(&changed);
    assert_eq!(code, Some(3), "{broken}");
    assert_eq!(broken["ok"], false);
    assert_eq!(broken["first_break"]["id"], tender);
    assert_eq!(broken["first_break"]["seq"], tender);
    assert_eq!(broken["first_break"]["problem"], "changed");
    assert_eq!(broken["break_count"], 1, "the rows after it still link");
    let text = shown(&kassa(&changed, &["journal", "verify"]));
    assert!(
        text.contains(&format!(
            "The journal's chain is broken: seq {tender} (id {tender}) was changed"
        )),
        "{text}"
    );

    // A row deleted: the gap is named, before the row after it.
    let deleted = root.path().join("deleted");
    copy_of(&home, &deleted);
    sqlite3(&database(&deleted), "DELETE FROM journal WHERE id = 5000");
    let (code, broken) = verify(&deleted);
    assert_eq!(code, Some(3), "{broken}");
    assert_eq!(broken["first_break"]["problem"], "missing");
    assert_eq!(broken["first_break"]["seq"], 5000);
    assert_eq!(broken["first_break"]["id"], 5001);
    assert!(
        broken["first_break"]["message"]
            .as_str()
            .unwrap()
            .contains("seq 5000 is missing before seq 5001 (id 5001)"),
        "{broken}"
    );

    // A row inserted by hand (a sale that never was): named by its id.
    let inserted = root.path().join("inserted");
    copy_of(&home, &inserted);
    let db = database(&inserted);
    sqlite3(
        &db,
        "INSERT INTO journal (at, kind, sale_id, amount_minor, currency, outcome)
         VALUES ('2026-01-01T00:00:00.000Z', 'sale', 'x', 100000, 'EUR', 'completed')",
    );
    let (code, broken) = verify(&inserted);
    assert_eq!(code, Some(3), "{broken}");
    assert_eq!(broken["first_break"]["problem"], "inserted");
    assert_eq!(broken["first_break"]["id"], rows + 1);

    // A copy of an old row with its seq and hash: inserted too, at its id.
    let copied = root.path().join("copied");
    copy_of(&home, &copied);
    sqlite3(
        &database(&copied),
        "INSERT INTO journal (at, kind, provider, card_masked, amount_minor, currency, outcome, detail, seq, hash)
         SELECT at, kind, provider, card_masked, amount_minor, currency, outcome, detail, seq, hash
         FROM journal WHERE id = 100",
    );
    let (code, broken) = verify(&copied);
    assert_eq!(code, Some(3), "{broken}");
    assert_eq!(broken["first_break"]["problem"], "inserted");
    assert_eq!(broken["first_break"]["seq"], 100);
    assert_eq!(broken["first_break"]["id"], rows + 1);
}

#[test]
fn verify_of_a_folder_without_a_readable_database_says_why() {
    let root = tempfile::tempdir().unwrap();
    let db = database(root.path());
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    std::fs::write(&db, "not a database at all ".repeat(100)).unwrap();
    let out = kassa(root.path(), &["journal", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(shown(&out).contains("training.sqlite3"), "{}", shown(&out));
}
