//! The review list (docs/design.md §4.3): operations no automatic step can finish — refused by the
//! provider, or whose outcome the provider's records cannot tell. Nothing leaves the list but
//! by a manager's decision: send again, write off with a note (the money was settled another
//! way, or not at all), or mark as done at the provider after checking there.

use super::model::{Op, OpOutcome, OpState};
use super::queue::{journal_op, OP_COLUMNS, OP_FROM};
use crate::store::stamp::stamp;
use crate::store::{Store, StoreError};
use rusqlite::{params, TransactionBehavior};
use thiserror::Error;
use time::OffsetDateTime;

/// An operation waiting for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub op: Op,
    /// Why: the provider's refusal, or why its records do not tell.
    pub reason: String,
}

/// A manager's decision on a review item.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Send it again (a refused op), or read the provider's records again (an unknown one).
    Retry,
    /// Close it without the provider: settled another way, or given up. A note is required.
    WriteOff { note: String },
    /// The manager checked at the provider that it was done: book it as succeeded.
    DoneAtProvider { note: String },
}

#[derive(Debug, Error)]
pub enum ReviewError {
    #[error("no operation {0} is waiting for review")]
    NotInReview(String),
    #[error("a note is required to say how it was settled")]
    NoteRequired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// The operations waiting for a person, oldest first.
    pub fn review_list(&self) -> Result<Vec<ReviewItem>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {OP_COLUMNS} FROM {OP_FROM}
             WHERE o.review_reason IS NOT NULL AND o.resolved_at IS NULL ORDER BY o.rowid"
        ))?;
        let rows = stmt.query_map([], super::queue::read_op)?;
        let ops: Vec<Op> = rows.collect::<Result<_, _>>()?;
        Ok(ops
            .into_iter()
            .map(|op| ReviewItem {
                reason: op.review_reason.clone().unwrap_or_default(),
                op,
            })
            .collect())
    }

    /// Applies a manager's decision to an operation on the review list.
    pub fn resolve_review(&self, op_id: &str, resolution: &Resolution) -> Result<(), ReviewError> {
        self.resolve_review_by(op_id, resolution, None)
    }

    /// [`Store::resolve_review`], its journal row naming the manager who decided (`by`), else
    /// the cashier signed in.
    pub fn resolve_review_by(
        &self,
        op_id: &str,
        resolution: &Resolution,
        by: Option<&str>,
    ) -> Result<(), ReviewError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let op = tx
            .query_row(
                &format!(
                    "SELECT {OP_COLUMNS} FROM {OP_FROM}
                     WHERE o.id = ?1 AND o.review_reason IS NOT NULL AND o.resolved_at IS NULL"
                ),
                [op_id],
                super::queue::read_op,
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => ReviewError::NotInReview(op_id.into()),
                e => StoreError::from(e).into(),
            })?;
        let note = match resolution {
            Resolution::Retry => None,
            Resolution::WriteOff { note } | Resolution::DoneAtProvider { note } => {
                let note = note.trim();
                if note.is_empty() {
                    return Err(ReviewError::NoteRequired);
                }
                Some(note.to_string())
            }
        };
        let (state, label) = match resolution {
            // A refused op is sent again; an unknown one is reconciled again.
            Resolution::Retry if op.state == OpState::Declined => ("pending", "retried"),
            Resolution::Retry => ("unknown", "retried"),
            Resolution::WriteOff { .. } => ("declined", "written_off"),
            Resolution::DoneAtProvider { .. } => ("succeeded", "done_at_provider"),
        };
        let step = || -> Result<(), StoreError> {
            tx.execute(
                "UPDATE ops SET state = ?2, resolution = ?3, resolution_note = ?4, resolved_at = ?5,
                        review_reason = CASE WHEN ?3 = 'retried' THEN NULL ELSE review_reason END,
                        next_attempt_at = NULL, updated_at = ?5
                 WHERE id = ?1",
                params![op.id, state, label, note, now],
            )?;
            if state == "declined" {
                super::queue::settle_moot_dependents(&tx, &op.id, &now)?;
            }
            let done = OpOutcome::default();
            let booked = (state == "succeeded").then_some(&done);
            if let Some(done) = booked {
                // A confirm or cancel done at the provider closed its reserve's hold.
                super::queue::record_hold(&tx, &op, done, &now)?;
            }
            let closed = booked.and(op.depends_on.as_deref());
            super::card_codes::forget_codes(
                &tx,
                [Some(op.id.as_str()), closed].into_iter().flatten(),
            )?;
            let decided_by = match by {
                Some(name) => Some(name.to_string()),
                None => crate::store::journal::signed_in(&tx)?,
            };
            journal_op(&tx, &op, label, booked, &now, decided_by.as_deref())?;
            Ok(())
        };
        step()?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::outbox::model::{NewOp, OpKind, Transition};
    use crate::provider::ProviderId;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
    }

    fn refused(s: &Store) -> NewOp {
        let op =
            NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), eur(900)).in_sale("sale-7");
        s.enqueue(std::slice::from_ref(&op)).unwrap();
        let now = OffsetDateTime::now_utc();
        let claimed = s.claim_due(ProviderId::Leat, now, 1).unwrap();
        s.record(
            &claimed[0],
            &Transition::Declined {
                reason: "Onvoldoende saldo | Insufficient balance".into(),
            },
            now,
        )
        .unwrap();
        op
    }

    #[test]
    fn a_refusal_is_listed_with_reason_sale_card_and_amount() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let op = refused(&s);
        let list = s.review_list().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].op.id, op.id);
        assert_eq!(list[0].reason, "Onvoldoende saldo | Insufficient balance");
        assert_eq!(list[0].op.sale_id.as_deref(), Some("sale-7"));
        assert_eq!(list[0].op.card_masked().as_deref(), Some("•••••"));
        assert_eq!(list[0].op.amount, eur(900));
    }

    #[test]
    fn a_retry_sends_again_and_a_new_refusal_lists_it_again() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let op = refused(&s);
        s.resolve_review(&op.id, &Resolution::Retry).unwrap();
        assert!(s.review_list().unwrap().is_empty());
        assert_eq!(s.op(&op.id).unwrap().unwrap().state, OpState::Pending);
        let now = OffsetDateTime::now_utc();
        let claimed = s.claim_due(ProviderId::Leat, now, 1).unwrap();
        assert_eq!(claimed.len(), 1);
        s.record(
            &claimed[0],
            &Transition::Declined {
                reason: "still no".into(),
            },
            now,
        )
        .unwrap();
        assert_eq!(s.review_list().unwrap()[0].reason, "still no");
    }

    #[test]
    fn a_write_off_needs_a_note_and_closes_the_op() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let op = refused(&s);
        assert!(matches!(
            s.resolve_review(&op.id, &Resolution::WriteOff { note: " ".into() }),
            Err(ReviewError::NoteRequired)
        ));
        s.resolve_review(
            &op.id,
            &Resolution::WriteOff {
                note: "customer paid cash".into(),
            },
        )
        .unwrap();
        assert!(s.review_list().unwrap().is_empty());
        assert!(matches!(
            s.resolve_review(&op.id, &Resolution::Retry),
            Err(ReviewError::NotInReview(_))
        ));
        let row = &s.recent_journal(1).unwrap()[0];
        assert_eq!(row.outcome, "written_off");
        assert_eq!(row.amount_minor, None, "no money moved");
    }

    #[test]
    fn done_at_provider_books_the_money() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let op = refused(&s);
        s.resolve_review(
            &op.id,
            &Resolution::DoneAtProvider {
                note: "seen in the Leat dashboard".into(),
            },
        )
        .unwrap();
        assert_eq!(s.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
        assert_eq!(s.recent_journal(1).unwrap()[0].amount_minor, Some(-900));
    }
}
