use super::chain::{self, Problem, HASHED_COLUMNS};
use super::*;
use std::path::Path;

fn lookups(store: &Store, n: i64) {
    for i in 0..n {
        let mut entry = JournalEntry::lookup("leat", &format!("••••{:04}", i % 10_000), "ok");
        entry.amount_minor = Some(i * 10);
        entry.currency = Some("EUR".into());
        store.journal(&entry).unwrap();
    }
}

fn cash_tender() -> JournalEntry {
    JournalEntry {
        kind: "tender".into(),
        sale_id: Some("s1".into()),
        amount_minor: Some(500),
        currency: Some("EUR".into()),
        outcome: "cash".into(),
        ..Default::default()
    }
}

/// Changes the database as someone with the sqlite3 tool would: another connection.
fn tamper(path: &Path, sql: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

fn open(dir: &tempfile::TempDir) -> (Store, std::path::PathBuf) {
    let path = dir.path().join("kassa.sqlite3");
    (Store::open(&path).unwrap(), path)
}

#[test]
fn every_journal_column_is_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    let conn = store.conn();
    let mut columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('journal')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    columns.sort();
    let mut hashed: Vec<String> = HASHED_COLUMNS.iter().map(|c| c.to_string()).collect();
    hashed.push("hash".into());
    hashed.sort();
    assert_eq!(
        columns, hashed,
        "a journal column that is not hashed could be changed unseen: add it to HASHED_COLUMNS"
    );
}

#[test]
fn a_journal_written_by_every_writer_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    lookups(&store, 300);
    store.journal(&cash_tender()).unwrap();
    let report = store.verify_journal().unwrap();
    assert_eq!(report.rows, 301);
    assert_eq!(report.break_count, 0, "{:?}", report.breaks);
    let head = report.head.unwrap();
    assert_eq!((head.id, head.seq), (301, 301));
}

#[test]
fn the_hash_is_sha256_over_the_documented_encoding() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    store
        .journal(&JournalEntry {
            kind: "lookup".into(),
            provider: Some("leat".into()),
            amount_minor: Some(-5),
            outcome: "".into(),
            detail: serde_json::json!({}),
            ..Default::default()
        })
        .unwrap();
    let (at, hash): (String, Vec<u8>) = store
        .conn()
        .query_row("SELECT at, hash FROM journal", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    // Written out by hand from the module documentation.
    let text = |s: &str| {
        let mut v = vec![3u8];
        v.extend((s.len() as u64).to_be_bytes());
        v.extend(s.as_bytes());
        v
    };
    let int = |i: i64| {
        let mut v = vec![1u8];
        v.extend(i.to_be_bytes());
        v
    };
    let mut content = b"kassa-journal-v1\n".to_vec();
    content.extend([0u8; 32]);
    for part in [
        int(1),
        int(1),
        text(&at),
        text("lookup"),
        text("leat"),
        vec![0],
        vec![0],
        vec![0],
        int(-5),
        vec![0],
        text(""),
        text("{}"),
        // The cashier (migration 13): nobody was signed in.
        text("system"),
    ] {
        content.extend(part);
    }
    assert_eq!(hash, Sha256::digest(&content).to_vec());
}

#[test]
fn a_changed_row_is_named_by_its_seq_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 200);
    tamper(&path, "UPDATE journal SET amount_minor = 1 WHERE id = 120");
    let report = store.verify_journal().unwrap();
    let first = report.first_unseen().unwrap();
    assert_eq!(
        (first.id, first.seq, first.problem),
        (120, Some(120), Problem::Changed)
    );
    assert_eq!(report.break_count, 1, "the rows after it still link");
    assert!(first.describe().contains("seq 120 (id 120) was changed"));
}

#[test]
fn null_is_not_an_empty_text_and_a_number_is_not_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 3);
    tamper(&path, "UPDATE journal SET sale_id = '' WHERE id = 1");
    // The same number is no change; the same digits as bytes are.
    tamper(&path, "UPDATE journal SET amount_minor = '10' WHERE id = 2");
    tamper(
        &path,
        "UPDATE journal SET amount_minor = CAST('20' AS BLOB) WHERE id = 3",
    );
    let report = store.verify_journal().unwrap();
    let changed: Vec<i64> = report.breaks.iter().map(|b| b.id).collect();
    assert_eq!(changed, [1, 3]);
}

#[test]
fn a_deleted_row_shows_as_a_gap_before_the_row_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 50);
    tamper(&path, "DELETE FROM journal WHERE id IN (20, 21)");
    let report = store.verify_journal().unwrap();
    let first = report.first_unseen().unwrap();
    assert_eq!(
        (first.id, first.seq, first.problem, first.found_seq),
        (22, Some(20), Problem::Missing, Some(22))
    );
    assert_eq!(report.break_count, 1);
    assert!(
        first
            .describe()
            .contains("seq 20 to 21 are missing before seq 22 (id 22)"),
        "{}",
        first.describe()
    );
}

#[test]
fn an_inserted_row_is_named_and_the_till_writes_on_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 30);
    // One without seq or hash, one copied from an older row with its seq and hash.
    tamper(
        &path,
        "INSERT INTO journal (at, kind, outcome) VALUES ('2026-01-01T00:00:00.000Z', 'sale', 'completed');
         INSERT INTO journal (at, kind, outcome, amount_minor, seq, hash)
             SELECT at, kind, outcome, 99999, seq, hash FROM journal WHERE id = 10;",
    );
    let report = store.verify_journal().unwrap();
    let found: Vec<_> = report.breaks.iter().map(|b| (b.id, b.problem)).collect();
    assert_eq!(found, [(31, Problem::Inserted), (32, Problem::Inserted)]);
    // The till's next row links to the chain as stored: no new break.
    lookups(&store, 2);
    assert_eq!(store.verify_journal().unwrap().break_count, 2);
}

#[test]
fn the_migration_chains_the_rows_written_before_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    lookups(&store, 25_000);
    {
        let mut conn = store.conn();
        // As before migration 13: no cashier column, so none hashed.
        conn.execute(
            "UPDATE journal SET seq = NULL, hash = NULL, cashier = NULL",
            [],
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        chain::chain_existing(&tx).unwrap();
        tx.commit().unwrap();
    }
    let report = store.verify_journal().unwrap();
    assert_eq!((report.rows, report.break_count), (25_000, 0));
    assert_eq!(report.head.unwrap().seq, 25_000);
}

#[test]
fn a_row_is_appended_only_inside_a_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    let err = append(&store.conn(), "2026-01-01T00:00:00.000Z", &cash_tender()).unwrap_err();
    assert!(err.to_string().contains("inside a transaction"), "{err}");
}

#[test]
fn a_break_found_at_start_stops_payments_until_a_manager_has_seen_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 1_500);
    drop(store);
    // Older than the rows checked at start: only a full verify sees it.
    tamper(&path, "UPDATE journal SET outcome = 'x' WHERE id = 100");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.journal_stop().unwrap(), None);
    drop(store);
    tamper(&path, "UPDATE journal SET amount_minor = 1 WHERE id = 1400");
    let store = Store::open(&path).unwrap();
    let stop = store
        .journal_stop()
        .unwrap()
        .expect("payments stop")
        .to_string();
    assert!(stop.contains("seq 1400 (id 1400) was changed"), "{stop}");
    assert!(stop.contains("manager"), "{stop}");

    // No payment is taken; look-ups go on.
    let refused = store.journal(&cash_tender()).unwrap_err().to_string();
    assert_eq!(refused, stop);
    store
        .journal(&JournalEntry::lookup("leat", "••••0001", "ok"))
        .unwrap();

    let seen = store.acknowledge_journal_breaks("manager").unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(store.journal_stop().unwrap(), None);
    store.journal(&cash_tender()).unwrap();

    let report = store.verify_journal().unwrap();
    let ids: Vec<_> = report
        .breaks
        .iter()
        .map(|b| (b.id, b.acknowledged))
        .collect();
    assert_eq!(ids, [(100, false), (1400, true)]);
    let note: String = store
        .conn()
        .query_row(
            "SELECT json_extract(detail, '$.note') FROM journal WHERE kind = 'journal_break_seen'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        note.starts_with("chain break at seq 1400 seen by manager"),
        "{note}"
    );

    // The next start sees the acknowledged break and lets payments go on.
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.journal_stop().unwrap(), None);
    store.journal(&cash_tender()).unwrap();
}

#[test]
fn rows_name_the_signed_in_cashier_and_their_name_is_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open(&dir);
    lookups(&store, 1);
    store.sign_in_journal(Some("Anna")).unwrap();
    lookups(&store, 1);
    store
        .journal(&JournalEntry {
            cashier: Some("Bea".into()),
            ..cash_tender()
        })
        .unwrap();
    store.sign_in_journal(None).unwrap();
    lookups(&store, 1);
    let rows = store.recent_journal(10).unwrap();
    let names: Vec<_> = rows.iter().rev().map(|r| r.cashier.clone()).collect();
    let names: Vec<_> = names.iter().map(|n| n.as_deref().unwrap()).collect();
    assert_eq!(names, ["system", "Anna", "Bea", "system"]);
    assert_eq!(store.verify_journal().unwrap().break_count, 0);
    tamper(&path, "UPDATE journal SET cashier = 'Carl' WHERE id = 2");
    let report = store.verify_journal().unwrap();
    assert_eq!(
        report
            .breaks
            .iter()
            .map(|b| (b.id, b.problem))
            .collect::<Vec<_>>(),
        [(2, Problem::Changed)]
    );
}

#[test]
fn a_database_from_before_the_chain_is_chained_when_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kassa.sqlite3");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        // Migration 11 is the last one before the chain (migration 12).
        crate::store::schema::migrations()
            .to_version(&mut conn, 11)
            .unwrap();
        for i in 0..500 {
            conn.execute(
                "INSERT INTO journal (at, kind, provider, amount_minor, currency, outcome, detail)
                 VALUES ('2026-11-30T06:01:19.000Z', 'lookup', 'leat', ?1, 'EUR', 'ok', '{}')",
                [i],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    store.journal(&cash_tender()).unwrap();
    let report = store.verify_journal().unwrap();
    assert_eq!((report.rows, report.break_count), (501, 0));
    assert_eq!(report.head.unwrap().seq, 501);
}

/// Every column of every row, with its seq and hash, in id order.
fn journal_rows(store: &Store) -> Vec<Vec<rusqlite::types::Value>> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {}, hash FROM journal ORDER BY id",
            HASHED_COLUMNS.join(", ")
        ))
        .unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn rows_written_in_one_batch_are_the_rows_written_one_at_a_time() {
    let at = "2026-11-30T14:00:00Z";
    let batch = [
        JournalEntry::lookup("leat", "••••0001", "ok"),
        JournalEntry {
            kind: "op".into(),
            provider: Some("lightspeed".into()),
            card_masked: Some("••••0002".into()),
            op_id: Some("op-1".into()),
            amount_minor: Some(-500),
            currency: Some("EUR".into()),
            outcome: "succeeded".into(),
            detail: serde_json::json!({"kind": "redeem", "attempts": 1}),
            cashier: Some(SYSTEM.into()),
            ..Default::default()
        },
        cash_tender(),
        JournalEntry::lookup("zmyle", "••••0003", "not_found"),
    ];
    let (one_dir, batch_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ((one, _), (batched, _)) = (open(&one_dir), open(&batch_dir));
    for store in [&one, &batched] {
        let mut conn = store.conn();
        let tx = conn.transaction().unwrap();
        for card in ["••••0007", "••••0008", "••••0009"] {
            append(&tx, at, &JournalEntry::lookup("leat", card, "ok")).unwrap();
        }
        tx.commit().unwrap();
        drop(conn);
        store.sign_in_journal(Some("Anna")).unwrap();
    }
    for entry in &batch {
        let mut conn = one.conn();
        let tx = conn.transaction().unwrap();
        append(&tx, at, entry).unwrap();
        tx.commit().unwrap();
    }
    {
        let mut conn = batched.conn();
        let tx = conn.transaction().unwrap();
        let mut journal = Appender::default();
        for entry in &batch {
            journal.append(&tx, at, entry).unwrap();
        }
        tx.commit().unwrap();
    }
    let rows = journal_rows(&batched);
    assert_eq!(rows.len(), 7);
    assert_eq!(rows, journal_rows(&one), "ids, seqs, columns and hashes");
    let report = batched.verify_journal().unwrap();
    assert_eq!(report.break_count, 0, "{:?}", report.breaks);
    let head = report.head.unwrap();
    assert_eq!((head.id, head.seq), (7, 7));
}

#[test]
fn a_batch_does_not_link_past_a_row_written_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(&dir);
    let mut conn = store.conn();
    let tx = conn.transaction().unwrap();
    let mut journal = Appender::default();
    let at = "2026-11-30T14:00:00Z";
    journal.append(&tx, at, &cash_tender()).unwrap();
    append(&tx, at, &cash_tender()).unwrap();
    assert!(
        journal.append(&tx, at, &cash_tender()).is_err(),
        "the row's id is taken: it is refused, not linked to the wrong row"
    );
}
