//! The journal: an append-only record of what the till did.

use super::stamp::stamp;
use super::{Store, StoreError};
use time::OffsetDateTime;

/// A row to append. Card codes arrive masked: the journal never holds a full code.
#[derive(Debug, Clone, Default)]
pub struct JournalEntry {
    pub kind: String,
    pub provider: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub outcome: String,
    pub detail: serde_json::Value,
}

impl JournalEntry {
    pub fn lookup(provider: &str, card_masked: &str, outcome: &str) -> Self {
        JournalEntry {
            kind: "lookup".into(),
            provider: Some(provider.into()),
            card_masked: Some(card_masked.into()),
            outcome: outcome.into(),
            detail: serde_json::json!({}),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JournalRow {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub provider: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: Option<i64>,
    pub outcome: String,
}

impl Store {
    pub fn journal(&self, entry: &JournalEntry) -> Result<i64, StoreError> {
        let at = stamp(OffsetDateTime::now_utc());
        let conn = self.conn();
        conn.execute(
            "INSERT INTO journal (at, kind, provider, card_masked, amount_minor, currency, outcome, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                at,
                entry.kind,
                entry.provider,
                entry.card_masked,
                entry.amount_minor,
                entry.currency,
                entry.outcome,
                entry.detail.to_string()
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// The newest rows first.
    pub fn recent_journal(&self, limit: u32) -> Result<Vec<JournalRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, at, kind, provider, card_masked, amount_minor, outcome
             FROM journal ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(JournalRow {
                id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                provider: r.get(3)?,
                card_masked: r.get(4)?,
                amount_minor: r.get(5)?,
                outcome: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
