//! Breaks of the chain found at the start (`journal_breaks`), the stop they put on payments, and
//! a manager's acknowledgement.

use super::chain::{self, ChainBreak, ChainReport, BREAK_SEEN};
use super::{append, JournalEntry};
use crate::lang::{Sentence, Text};
use crate::store::stamp::stamp;
use crate::store::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use time::OffsetDateTime;

/// How many of the newest rows are walked each time the database is opened: enough to see a
/// change made since the till last ran, few enough to cost nothing at start.
pub const START_CHECK_ROWS: u32 = 1_000;

/// The cashier's sentence while a break has not been seen by a manager, if one has not.
pub(super) fn unseen(conn: &Connection) -> Result<Option<Sentence>, StoreError> {
    let first: Option<(i64, String, Option<i64>, String, i64)> = conn
        .prepare_cached(
            "SELECT row_id, problem, seq, message, count(*) OVER () FROM journal_breaks
             WHERE seen_row IS NULL ORDER BY row_id LIMIT 1",
        )?
        .query_row([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((id, problem, seq, message, count)) = first else {
        return Ok(None);
    };
    let said = kept_break(conn, id, &problem, seq, &message)?;
    let more = if count > 1 {
        Sentence::new(Text::JournalMoreBreaks).with("count", count - 1)
    } else {
        Sentence::verbatim("")
    };
    Ok(Some(
        Sentence::new(Text::JournalChanged)
            .with("break", said)
            .with("more", more),
    ))
}

/// A kept break as a sentence: rebuilt from its row (for rows deleted, the seq of the row after
/// the gap as the journal holds it) when that says its stored English word for word, else the
/// stored English.
fn kept_break(
    conn: &Connection,
    id: i64,
    problem: &str,
    seq: Option<i64>,
    message: &str,
) -> Result<Sentence, StoreError> {
    let Some(problem) = chain::Problem::parse(problem) else {
        return Ok(Sentence::verbatim(message));
    };
    let found_seq = if problem == chain::Problem::Missing {
        conn.query_row("SELECT seq FROM journal WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .flatten()
    } else {
        None
    };
    let rebuilt = ChainBreak {
        id,
        seq,
        problem,
        found_seq,
        acknowledged: false,
    }
    .sentence();
    Ok(if rebuilt.to_string() == message {
        rebuilt
    } else {
        Sentence::verbatim(message)
    })
}

impl Store {
    /// Walks the newest `rows` rows of the journal and keeps each break no manager has
    /// acknowledged, which stops payments. Run each time the database is opened.
    pub fn check_recent_journal(&self, rows: u32) -> Result<ChainReport, StoreError> {
        let mut conn = self.conn();
        let report = {
            let tx = conn.transaction()?;
            let anchor = chain::anchor_before_newest(&tx, rows)?;
            chain::walk(&tx, anchor)?
        };
        let unseen: Vec<&ChainBreak> = report.breaks.iter().filter(|b| !b.acknowledged).collect();
        if !unseen.is_empty() {
            let now = stamp(OffsetDateTime::now_utc());
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for b in unseen {
                tracing::error!(row = b.id, problem = b.problem.as_str(), "{}", b.describe());
                tx.execute(
                    "INSERT INTO journal_breaks (row_id, problem, seq, message, found_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (row_id, problem) DO NOTHING",
                    params![b.id, b.problem.as_str(), b.seq, b.describe(), now],
                )?;
            }
            tx.commit()?;
        }
        Ok(report)
    }

    /// Why payments are stopped by the journal, if they are: a break no manager has seen.
    pub fn journal_stop(&self) -> Result<Option<Sentence>, StoreError> {
        unseen(&self.conn())
    }

    /// A manager has seen the breaks that stop payments (the caller checked the PIN): each gets
    /// a journal row of its own, and payments go on. Returns the breaks' descriptions.
    pub fn acknowledge_journal_breaks(&self, by: &str) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let breaks: Vec<(i64, String, Option<i64>, String)> = tx
            .prepare(
                "SELECT row_id, problem, seq, message FROM journal_breaks
                 WHERE seen_row IS NULL ORDER BY row_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let now = stamp(OffsetDateTime::now_utc());
        for (row_id, problem, seq, message) in &breaks {
            let at = seq.map_or(format!("id {row_id}"), |s| format!("seq {s}"));
            let seen = append(
                &tx,
                &now,
                &JournalEntry {
                    kind: BREAK_SEEN.into(),
                    outcome: "seen".into(),
                    detail: serde_json::json!({
                        "id": row_id,
                        "seq": seq,
                        "problem": problem,
                        "by": by,
                        "note": format!("chain break at {at} seen by {by}: {message}"),
                    }),
                    cashier: Some(by.to_string()),
                    ..Default::default()
                },
            )?;
            tx.execute(
                "UPDATE journal_breaks SET seen_row = ?3, seen_at = ?4
                 WHERE row_id = ?1 AND problem = ?2",
                params![row_id, problem, seen, now],
            )?;
        }
        tx.commit()?;
        Ok(breaks.into_iter().map(|(.., message)| message).collect())
    }
}
