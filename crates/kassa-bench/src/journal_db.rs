//! A till's database with a long history: the store's own schema (kassa-core's migrations) and
//! `rows` journal rows of look-ups, chained by the journal's own writer in one transaction.

use kassa_core::store::journal::append;
use kassa_core::store::{JournalEntry, Store};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use time::{Duration, OffsetDateTime};

const PROVIDERS: [&str; 3] = ["leat", "zmyle", "lightspeed"];

pub fn create(path: &Path, rows: u64) -> Result<(), String> {
    drop(Store::open(path).map_err(|e| e.to_string())?);
    let mut conn = Connection::open(path).map_err(|e| e.to_string())?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    // A year of look-ups, oldest first, as a busy till writes them.
    let start = OffsetDateTime::now_utc() - Duration::days(365);
    let step = Duration::days(365) / rows.max(1) as u32;
    for i in 0..rows {
        let at = start + step * i as u32;
        let stamp = format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.millisecond()
        );
        let entry = JournalEntry {
            kind: "lookup".into(),
            provider: Some(PROVIDERS[(i % 3) as usize].into()),
            card_masked: Some(format!("••••{:04}", i % 10_000)),
            amount_minor: Some((i % 5_000) as i64),
            currency: Some("EUR".into()),
            outcome: "balance".into(),
            detail: serde_json::json!({}),
            ..Default::default()
        };
        append(&tx, &stamp, &entry).map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_opens_as_the_till_s_with_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("training.sqlite3");
        super::create(&path, 1_000).unwrap();
        let store = kassa_core::store::Store::open(&path).unwrap();
        let newest = store.recent_journal(2).unwrap();
        assert_eq!(newest[0].id, 1_000);
        assert!(newest[1].at < newest[0].at, "{newest:?}");
        assert_eq!(store.quick_check().unwrap(), "ok");
        let chain = store.verify_journal().unwrap();
        assert_eq!((chain.rows, chain.break_count), (1_000, 0));
    }
}
