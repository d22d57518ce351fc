//! The outbox in SQLite (the `ops` table): operations are written in one `BEGIN IMMEDIATE`
//! transaction before any request leaves (docs/design.md §4.1), claimed when due, and every outcome is
//! written with its journal row in one transaction.
//!
//! Claiming respects order: of the unfinished operations on one card (same provider and card
//! code) only the oldest can be claimed, and an operation that depends on another waits until
//! that one succeeded.

use super::model::{NewOp, Op, OpKind, OpOutcome, OpState, Transition};
use crate::money::{Currency, Money};
use crate::provider::ProviderId;
use crate::store::{bad_column, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::time::Duration;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// Fixed width, UTC, milliseconds: the stored text sorts in time order.
const STAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

pub(crate) fn stamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(STAMP)
        .expect("UTC time formats")
}

pub(crate) fn parse_stamp(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, STAMP)
        .map(|t| t.assume_utc())
        .ok()
        .or_else(|| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
}

/// The columns [`read_op`] reads, from `ops o` left-joined with its dependency `d`.
pub(crate) const OP_COLUMNS: &str = "o.id, o.rowid, o.sale_id, o.provider, o.kind, o.card_code, \
    o.amount_minor, o.currency, o.state, o.depends_on, d.provider_ref, o.attempts, \
    o.provider_ref, o.last_error, o.payload, o.sent_at, o.created_at, o.review_reason";

pub(crate) const OP_FROM: &str = "ops o LEFT JOIN ops d ON d.id = o.depends_on";

pub(crate) fn read_op(r: &rusqlite::Row<'_>) -> rusqlite::Result<Op> {
    let provider: String = r.get(3)?;
    let kind: String = r.get(4)?;
    let currency: String = r.get(7)?;
    let state: String = r.get(8)?;
    let payload: String = r.get(14)?;
    let sent_at: Option<String> = r.get(15)?;
    let created_at: String = r.get(16)?;
    Ok(Op {
        id: r.get(0)?,
        seq: r.get(1)?,
        sale_id: r.get(2)?,
        provider: ProviderId::parse(&provider)
            .ok_or_else(|| bad_column(3, format!("unknown provider '{provider}'")))?,
        kind: kind.parse().map_err(|e| bad_column(4, e))?,
        card_code: r.get(5)?,
        amount: Money::new(
            r.get(6)?,
            Currency::try_from(currency).map_err(|e| bad_column(7, e))?,
        ),
        state: state.parse().map_err(|e| bad_column(8, e))?,
        depends_on: r.get(9)?,
        dependency_ref: r.get(10)?,
        attempts: r.get(11)?,
        provider_ref: r.get(12)?,
        last_error: r.get(13)?,
        payload: serde_json::from_str(&payload)
            .map_err(|e| bad_column(14, format!("payload: {e}")))?,
        sent_at: sent_at.as_deref().and_then(parse_stamp),
        created_at: parse_stamp(&created_at)
            .ok_or_else(|| bad_column(16, format!("created_at '{created_at}'")))?,
        review_reason: r.get(17)?,
    })
}

/// The queue at a glance: what the status bar and `kassa queue` show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueSummary {
    /// Unfinished operations by state (`pending`, `unknown`, ...).
    pub by_state: BTreeMap<String, i64>,
    /// Unfinished operations by provider.
    pub by_provider: BTreeMap<String, i64>,
    /// Operations waiting for a person (see the review list).
    pub in_review: i64,
    /// When the oldest unfinished operation was made.
    pub oldest: Option<OffsetDateTime>,
    /// The money of unfinished operations, per currency (minor units).
    pub outstanding: BTreeMap<String, i64>,
}

impl QueueSummary {
    pub fn unfinished(&self) -> i64 {
        self.by_state.values().sum()
    }
}

/// The condition that an operation is next in its card's line and its dependency succeeded.
const IN_ORDER: &str = "(o.depends_on IS NULL OR d.state = 'succeeded')
    AND NOT EXISTS (SELECT 1 FROM ops p
                    WHERE p.provider = o.provider AND p.card_code = o.card_code
                      AND p.rowid < o.rowid AND p.state NOT IN ('succeeded', 'declined'))";

impl Store {
    /// Writes operations durably, all or none, before anything is sent. Each id must be new.
    pub fn enqueue(&self, ops: &[NewOp]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        enqueue_in(&tx, ops)?;
        tx.commit()?;
        Ok(())
    }

    /// After a crash: a request that was on its way may have been applied, so operations
    /// found `sending` or `reconciling` become `unknown`, due for reconciliation once their
    /// provider's settle time (`settle`) has passed since their send, as after any unanswered
    /// request: a request held up on its way may still be applied. Returns how many.
    pub fn recover_in_flight(
        &self,
        settle: impl Fn(ProviderId) -> Duration,
    ) -> Result<usize, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let in_flight: Vec<(String, String, Option<String>)> = tx
            .prepare(
                "SELECT id, provider, sent_at FROM ops WHERE state IN ('sending', 'reconciling')",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (id, provider, sent_at) in &in_flight {
            let sent = sent_at.as_deref().and_then(parse_stamp).unwrap_or(now);
            let wait = ProviderId::parse(provider).map_or(Duration::ZERO, &settle);
            tx.execute(
                "UPDATE ops SET state = 'unknown', in_doubt = 1, next_attempt_at = ?2,
                        updated_at = ?3
                 WHERE id = ?1",
                params![id, stamp(sent + wait), stamp(now)],
            )?;
        }
        tx.commit()?;
        Ok(in_flight.len())
    }

    /// Claims up to `limit` operations of `provider` that are due at `now` and next in order:
    /// pending ones become `sending` (their send time recorded), unknown ones `reconciling`.
    pub fn claim_due(
        &self,
        provider: ProviderId,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<Op>, StoreError> {
        Ok(self
            .claim_due_each(&[(provider, limit)], now)?
            .pop()
            .unwrap_or_default())
    }

    /// [`Store::claim_due`] for several providers in one transaction (one disk flush), in the
    /// order asked.
    pub fn claim_due_each(
        &self,
        wants: &[(ProviderId, usize)],
        now: OffsetDateTime,
    ) -> Result<Vec<Vec<Op>>, StoreError> {
        if wants.iter().all(|(_, limit)| *limit == 0) {
            return Ok(wants.iter().map(|_| Vec::new()).collect());
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = wants
            .iter()
            .map(|(provider, limit)| claim_in(&tx, *provider, now, *limit))
            .collect::<Result<_, _>>()?;
        tx.commit()?;
        Ok(claimed)
    }

    /// When the next operation of `provider` that waits only for time falls due, if any.
    pub fn next_due(&self, provider: ProviderId) -> Result<Option<OffsetDateTime>, StoreError> {
        let next: Option<String> = self.conn().query_row(
            &format!(
                "SELECT min(coalesce(o.next_attempt_at, '')) FROM {OP_FROM}
                 WHERE o.provider = ?1 AND o.state IN ('pending', 'unknown')
                   AND o.review_reason IS NULL AND {IN_ORDER}"
            ),
            [provider.as_str()],
            |r| r.get(0),
        )?;
        Ok(next.map(|s| parse_stamp(&s).unwrap_or(OffsetDateTime::UNIX_EPOCH)))
    }

    /// Writes what became of a claimed operation: its new state and, when it succeeded, its
    /// journal row and the hold it placed or settled, in one transaction.
    pub fn record(
        &self,
        op: &Op,
        transition: &Transition,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.record_all(&[(op.clone(), transition.clone())], now)
    }

    /// [`Store::record`] for several operations in one transaction (one disk flush).
    pub fn record_all(
        &self,
        outcomes: &[(Op, Transition)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (op, transition) in outcomes {
            record_in(&tx, op, transition, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One operation by id.
    pub fn op(&self, id: &str) -> Result<Option<Op>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {OP_COLUMNS} FROM {OP_FROM} WHERE o.id = ?1"),
                [id],
                read_op,
            )
            .optional()?)
    }

    /// Operations in creation order, optionally only those in `states`.
    pub fn ops(&self, states: &[OpState], limit: u32) -> Result<Vec<Op>, StoreError> {
        let filter = if states.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
            format!("WHERE o.state IN ({})", list.join(", "))
        };
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {OP_COLUMNS} FROM {OP_FROM} {filter} ORDER BY o.rowid LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], read_op)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Counts, age and money of the unfinished operations.
    pub fn queue_summary(&self) -> Result<QueueSummary, StoreError> {
        let conn = self.conn();
        let mut summary = QueueSummary::default();
        let mut stmt = conn.prepare(
            "SELECT state, provider, currency, count(*), sum(amount_minor), min(created_at)
             FROM ops WHERE state NOT IN ('succeeded', 'declined')
             GROUP BY state, provider, currency",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (state, provider, currency): (String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            let (count, money, oldest): (i64, i64, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
            *summary.by_state.entry(state).or_default() += count;
            *summary.by_provider.entry(provider).or_default() += count;
            *summary.outstanding.entry(currency).or_default() += money;
            let oldest = parse_stamp(&oldest);
            if oldest.is_some() && (summary.oldest.is_none() || oldest < summary.oldest) {
                summary.oldest = oldest;
            }
        }
        summary.in_review = conn.query_row(
            "SELECT count(*) FROM ops WHERE review_reason IS NOT NULL AND resolved_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(summary)
    }
}

/// A movement of money the journal booked for an operation: what the provider's ledger must
/// show, one for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub op_id: String,
    pub provider: ProviderId,
    pub kind: OpKind,
    /// The card's full code, from the operation (the journal holds it masked).
    pub card_code: Option<String>,
    /// Signed: the change to the card's balance.
    pub amount_minor: i64,
    pub provider_ref: Option<String>,
}

impl Store {
    /// Every journalled operation that moved money (or placed a hold), in journal order.
    pub fn booked_ops(&self) -> Result<Vec<Booked>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT j.op_id, j.provider, o.kind, o.card_code, j.amount_minor, o.provider_ref
             FROM journal j JOIN ops o ON o.id = j.op_id
             WHERE j.kind = 'op' AND j.amount_minor IS NOT NULL ORDER BY j.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let provider: String = r.get(1)?;
            let kind: String = r.get(2)?;
            Ok(Booked {
                op_id: r.get(0)?,
                provider: ProviderId::parse(&provider)
                    .ok_or_else(|| bad_column(1, format!("unknown provider '{provider}'")))?,
                kind: kind.parse().map_err(|e| bad_column(2, e))?,
                card_code: r.get(3)?,
                amount_minor: r.get(4)?,
                provider_ref: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn claim_in(
    tx: &Connection,
    provider: ProviderId,
    now: OffsetDateTime,
    limit: usize,
) -> Result<Vec<Op>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let now_s = stamp(now);
    let mut ops: Vec<Op> = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {OP_COLUMNS} FROM {OP_FROM}
             WHERE o.provider = ?1 AND o.state IN ('pending', 'unknown')
               AND o.review_reason IS NULL
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?2)
               AND {IN_ORDER}
             ORDER BY o.rowid LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![provider.as_str(), now_s, limit as i64], read_op)?;
        rows.collect::<Result<_, _>>()?
    };
    let mut send = tx.prepare_cached(
        "UPDATE ops SET state = 'sending', attempts = attempts + 1, sent_at = ?2,
                updated_at = ?2 WHERE id = ?1",
    )?;
    let mut reconcile = tx.prepare_cached(
        "UPDATE ops SET state = 'reconciling', attempts = attempts + 1, updated_at = ?2
         WHERE id = ?1",
    )?;
    for op in &mut ops {
        op.attempts += 1;
        if op.state == OpState::Pending {
            send.execute(params![op.id, now_s])?;
            op.state = OpState::Sending;
            op.sent_at = Some(now);
        } else {
            reconcile.execute(params![op.id, now_s])?;
            op.state = OpState::Reconciling;
        }
    }
    Ok(ops)
}

/// [`Store::enqueue`] inside a caller's transaction, so that operations are written with the
/// state that needs them (a sale's tender and its redemption) or not at all.
pub(crate) fn enqueue_in(conn: &Connection, ops: &[NewOp]) -> Result<(), StoreError> {
    // Every operation moves a positive amount; a record of a sale may be for nothing.
    if let Some(op) = ops.iter().find(|op| {
        let least = if op.kind == OpKind::RecordSale { 0 } else { 1 };
        !(least..=crate::money::MAX_AMOUNT_MINOR).contains(&op.amount.minor)
    }) {
        return Err(StoreError::Refused(format!(
            "An operation of {} is not queued: an amount must be more than 0 and at most {}.",
            op.amount,
            Money::new(crate::money::MAX_AMOUNT_MINOR, op.amount.currency.clone())
        )));
    }
    let now = stamp(OffsetDateTime::now_utc());
    let mut insert = conn.prepare_cached(
        "INSERT INTO ops (id, sale_id, provider, kind, card_code, amount_minor, currency,
                          state, depends_on, payload, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9, ?10, ?10)",
    )?;
    for op in ops {
        insert.execute(params![
            op.id,
            op.sale_id,
            op.provider.as_str(),
            op.kind.as_str(),
            op.card_code,
            op.amount.minor,
            op.amount.currency.code(),
            op.depends_on,
            op.payload.to_string(),
            now
        ])?;
    }
    Ok(())
}

/// Takes back an operation that cannot have taken effect: one `pending` that never had an
/// unknown outcome (never sent, or turned away before it was applied) is closed as moot, and so
/// are those waiting on it. `false` when it is on its way, done, or was ever in doubt (pending
/// again for an idempotent resend, it may have been applied): then it can only be undone by
/// another operation.
pub(crate) fn withdraw_in(conn: &Connection, op_id: &str, why: &str) -> Result<bool, StoreError> {
    let now = stamp(OffsetDateTime::now_utc());
    let changed = conn.execute(
        "UPDATE ops SET state = 'declined', resolution = 'moot', resolved_at = ?2,
                last_error = ?3, next_attempt_at = NULL, updated_at = ?2
         WHERE id = ?1 AND state = 'pending' AND in_doubt = 0",
        params![op_id, now, why],
    )?;
    if changed == 1 {
        settle_moot_dependents(conn, op_id, &now)?;
    }
    Ok(changed == 1)
}

fn record_in(
    conn: &Connection,
    op: &Op,
    transition: &Transition,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let now_s = stamp(now);
    let due = |delay: &Duration| stamp(now + *delay);
    let claimed = op.state.as_str();
    // Each update changes the row only if it is still as this process claimed it; an outcome
    // that changed nothing (another process settled it) is not journalled again.
    match transition {
        Transition::Succeeded(outcome) => {
            let changed = conn.execute(
                "UPDATE ops SET state = 'succeeded', provider_ref = ?3, last_error = NULL,
                        next_attempt_at = NULL, hold_expires_at = ?4, updated_at = ?5
                 WHERE id = ?1 AND state = ?2",
                params![
                    op.id,
                    claimed,
                    outcome.provider_ref,
                    outcome.hold_expires_at.map(stamp),
                    now_s
                ],
            )?;
            if changed == 1 {
                journal_op(conn, op, "succeeded", Some(outcome), &now_s)?;
                record_hold(conn, op, outcome, &now_s)?;
            }
        }
        Transition::Declined { reason } => {
            let changed = conn.execute(
                "UPDATE ops SET state = 'declined', last_error = ?3, review_reason = ?3,
                        resolution = NULL, resolved_at = NULL, next_attempt_at = NULL,
                        updated_at = ?4
                 WHERE id = ?1 AND state = ?2",
                params![op.id, claimed, reason, now_s],
            )?;
            if changed == 1 {
                journal_op(conn, op, "declined", None, &now_s)?;
                settle_undone_refusal(conn, &op.id, &now_s)?;
                settle_moot_dependents(conn, &op.id, &now_s)?;
            }
        }
        Transition::Retry { delay, error } | Transition::Unknown { delay, error } => {
            let next = match transition {
                Transition::Retry { .. } => OpState::Pending,
                _ => OpState::Unknown,
            };
            conn.execute(
                "UPDATE ops SET state = ?3, last_error = ?4, next_attempt_at = ?5,
                        updated_at = ?6, in_doubt = in_doubt OR ?7
                 WHERE id = ?1 AND state = ?2",
                params![
                    op.id,
                    claimed,
                    next.as_str(),
                    error,
                    due(delay),
                    now_s,
                    next == OpState::Unknown
                ],
            )?;
        }
        Transition::Review { reason } => {
            let changed = conn.execute(
                "UPDATE ops SET state = 'unknown', in_doubt = 1, last_error = ?3,
                        review_reason = ?3, resolution = NULL, resolved_at = NULL,
                        next_attempt_at = NULL, updated_at = ?4
                 WHERE id = ?1 AND state = ?2",
                params![op.id, claimed, reason, now_s],
            )?;
            if changed == 1 {
                journal_op(conn, op, "review", None, &now_s)?;
            }
        }
    }
    Ok(())
}

/// A refusal of an operation whose undo was already queued (its tender was taken off, or its
/// sale abandoned) leaves nothing owed to anyone: it needs nobody's review.
fn settle_undone_refusal(
    conn: &Connection,
    declined_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ops SET resolution = 'moot', resolved_at = ?2,
                resolution_note = 'refused after it was taken off: nothing moved, nothing owed'
         WHERE id = ?1 AND EXISTS (SELECT 1 FROM ops u WHERE u.depends_on = ?1
                                   AND u.kind IN ('reverse', 'cancel'))",
        params![declined_id, now],
    )?;
    Ok(())
}

/// A pending operation whose dependency was declined cannot be done (no hold to confirm):
/// it is closed as moot, which needs nobody's review.
pub(crate) fn settle_moot_dependents(
    conn: &Connection,
    declined_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ops SET state = 'declined', resolution = 'moot', resolved_at = ?2,
                last_error = 'the operation it depends on was declined', updated_at = ?2
         WHERE depends_on = ?1 AND state = 'pending'",
        params![declined_id, now],
    )?;
    Ok(())
}

pub(crate) fn journal_op(
    conn: &Connection,
    op: &Op,
    outcome: &str,
    done: Option<&OpOutcome>,
    now: &str,
) -> Result<(), StoreError> {
    // Only a success moves money; other rows carry the amount in their detail.
    let effect = done.map(|_| op.kind.balance_effect(op.amount.minor));
    let detail = serde_json::json!({
        "kind": op.kind.as_str(),
        "amount_minor": op.amount.minor,
        "provider_ref": done.and_then(|d| d.provider_ref.clone()),
        "attempts": op.attempts,
    });
    conn.execute(
        "INSERT INTO journal (at, kind, provider, card_masked, sale_id, op_id, amount_minor,
                              currency, outcome, detail)
         VALUES (?1, 'op', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            now,
            op.provider.as_str(),
            op.card_masked(),
            op.sale_id,
            op.id,
            effect,
            op.amount.currency.code(),
            outcome,
            detail.to_string()
        ],
    )?;
    Ok(())
}

/// A reserve that succeeded placed a hold; a confirm or cancel settled one.
fn record_hold(
    conn: &Connection,
    op: &Op,
    outcome: &OpOutcome,
    now: &str,
) -> Result<(), StoreError> {
    match (op.kind, &outcome.provider_ref, outcome.hold_expires_at) {
        (OpKind::Reserve, Some(intent), Some(expires_at)) => {
            conn.execute(
                "INSERT INTO holds (provider, intent_id, op_id, card_masked, amount_minor,
                                    currency, expires_at, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?8)
                 ON CONFLICT (provider, intent_id) DO NOTHING",
                params![
                    op.provider.as_str(),
                    intent,
                    op.id,
                    op.card_masked().unwrap_or_default(),
                    op.amount.minor,
                    op.amount.currency.code(),
                    crate::holds::stamp(expires_at),
                    now
                ],
            )?;
        }
        (OpKind::Confirm | OpKind::Cancel, _, _) => {
            if let Some(intent) = &op.dependency_ref {
                let state = if op.kind == OpKind::Confirm {
                    "confirmed"
                } else {
                    "cancelled"
                };
                conn.execute(
                    "UPDATE holds SET state = ?3, transaction_id = ?4, updated_at = ?5
                     WHERE provider = ?1 AND intent_id = ?2 AND state = 'open'",
                    params![
                        op.provider.as_str(),
                        intent,
                        state,
                        outcome.provider_ref,
                        now
                    ],
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::model::OpOutcome;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
    }

    fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("kassa.sqlite3")).unwrap()
    }

    fn ids(ops: &[Op]) -> Vec<&str> {
        ops.iter().map(|o| o.id.as_str()).collect()
    }

    #[test]
    fn an_enqueued_op_survives_a_restart_pending() {
        let dir = tempfile::tempdir().unwrap();
        let op =
            NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), eur(500)).in_sale("sale-1");
        store(&dir).enqueue(std::slice::from_ref(&op)).unwrap();
        let again = store(&dir);
        let stored = again.op(&op.id).unwrap().unwrap();
        assert_eq!(stored.state, OpState::Pending);
        assert_eq!(stored.amount, eur(500));
        assert_eq!(stored.sale_id.as_deref(), Some("sale-1"));
        assert_eq!(again.unfinished_ops().unwrap(), 1);
    }

    #[test]
    fn a_batch_with_a_duplicate_id_is_refused_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let a = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(1));
        let b = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("2"), eur(2));
        s.enqueue(std::slice::from_ref(&a)).unwrap();
        assert!(s.enqueue(&[b.clone(), a]).is_err());
        assert!(s.op(&b.id).unwrap().is_none(), "nothing of the batch stays");
    }

    #[test]
    fn ops_on_one_card_are_claimed_one_at_a_time_in_creation_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let first = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(1));
        let second = NewOp::new(ProviderId::Leat, OpKind::Reload, Some("A"), eur(2));
        let other = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("B"), eur(3));
        s.enqueue(&[first.clone(), second.clone(), other.clone()])
            .unwrap();
        let claimed = s.claim_due(ProviderId::Leat, now, 10).unwrap();
        assert_eq!(ids(&claimed), [first.id.as_str(), other.id.as_str()]);
        assert!(claimed.iter().all(|o| o.state == OpState::Sending));
        assert!(s.claim_due(ProviderId::Leat, now, 10).unwrap().is_empty());
        s.record(
            &claimed[0],
            &Transition::Succeeded(OpOutcome::default()),
            now,
        )
        .unwrap();
        let next = s.claim_due(ProviderId::Leat, now, 10).unwrap();
        assert_eq!(ids(&next), [second.id.as_str()]);
    }

    #[test]
    fn a_dependent_waits_for_its_dependency_and_sees_its_reference() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(700));
        let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(700))
            .after(&reserve.id);
        s.enqueue(&[reserve.clone(), confirm.clone()]).unwrap();
        let claimed = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
        assert_eq!(ids(&claimed), [reserve.id.as_str()]);
        let expires = now + Duration::from_secs(1800);
        s.record(
            &claimed[0],
            &Transition::Succeeded(OpOutcome {
                provider_ref: Some("intent-1".into()),
                hold_expires_at: Some(expires),
            }),
            now,
        )
        .unwrap();
        assert_eq!(s.open_holds().unwrap().len(), 1, "the hold is stored");
        let next = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
        assert_eq!(ids(&next), [confirm.id.as_str()]);
        assert_eq!(next[0].dependency_ref.as_deref(), Some("intent-1"));
        s.record(
            &next[0],
            &Transition::Succeeded(OpOutcome {
                provider_ref: Some("txn-9".into()),
                hold_expires_at: None,
            }),
            now,
        )
        .unwrap();
        assert!(s.open_holds().unwrap().is_empty(), "the hold is confirmed");
        let journal = s.recent_journal(5).unwrap();
        assert_eq!(
            journal[0].amount_minor,
            Some(-700),
            "the confirm took the money"
        );
        assert_eq!(journal[1].amount_minor, Some(0), "the hold moved none");
    }

    #[test]
    fn a_dependent_of_a_declined_op_is_closed_without_review() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("Q"), eur(700));
        let confirm =
            NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("Q"), eur(700)).after(&reserve.id);
        s.enqueue(&[reserve.clone(), confirm.clone()]).unwrap();
        let claimed = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
        s.record(
            &claimed[0],
            &Transition::Declined {
                reason: "Not enough balance".into(),
            },
            now,
        )
        .unwrap();
        assert!(s.claim_due(ProviderId::Zmyle, now, 10).unwrap().is_empty());
        assert_eq!(s.op(&confirm.id).unwrap().unwrap().state, OpState::Declined);
        assert_eq!(s.unfinished_ops().unwrap(), 0);
        assert_eq!(s.queue_summary().unwrap().in_review, 1, "only the refusal");
    }

    #[test]
    fn a_retry_waits_until_due_and_a_crash_mid_send_leaves_it_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let op = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("7"), eur(5));
        s.enqueue(std::slice::from_ref(&op)).unwrap();
        let claimed = s.claim_due(ProviderId::Lightspeed, now, 1).unwrap();
        s.record(
            &claimed[0],
            &Transition::Retry {
                delay: Duration::from_secs(60),
                error: "503".into(),
            },
            now,
        )
        .unwrap();
        assert!(s
            .claim_due(ProviderId::Lightspeed, now, 1)
            .unwrap()
            .is_empty());
        let later = now + Duration::from_secs(61);
        assert_eq!(
            s.next_due(ProviderId::Lightspeed).unwrap().map(stamp),
            Some(stamp(now + Duration::from_secs(60)))
        );
        let again = s.claim_due(ProviderId::Lightspeed, later, 1).unwrap();
        assert_eq!(again[0].attempts, 2);
        // The process dies here, mid-request.
        drop(s);
        let after = store(&dir);
        assert_eq!(after.recover_in_flight(|_| Duration::ZERO).unwrap(), 1);
        let found = after.op(&op.id).unwrap().unwrap();
        assert_eq!(found.state, OpState::Unknown);
        let reclaimed = after.claim_due(ProviderId::Lightspeed, later, 1).unwrap();
        assert_eq!(reclaimed[0].state, OpState::Reconciling);
    }

    #[test]
    fn only_an_operation_that_cannot_have_taken_effect_is_withdrawn() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let turned_away = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("1"), eur(5));
        let lost = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("2"), eur(5));
        s.enqueue(&[turned_away.clone(), lost.clone()]).unwrap();
        let claimed = s.claim_due(ProviderId::Lightspeed, now, 2).unwrap();
        let retry = Transition::Retry {
            delay: Duration::ZERO,
            error: "503".into(),
        };
        s.record(&claimed[0], &retry, now).unwrap();
        s.record(
            &claimed[1],
            &Transition::Unknown {
                delay: Duration::ZERO,
                error: "no answer".into(),
            },
            now,
        )
        .unwrap();
        // The lost answer is settled as "send again" (same idempotency key): pending again.
        let reclaimed = s.claim_due(ProviderId::Lightspeed, now, 2).unwrap();
        let again = reclaimed.iter().find(|o| o.id == lost.id).unwrap();
        s.record(again, &retry, now).unwrap();
        let lost_now = s.op(&lost.id).unwrap().unwrap();
        assert_eq!(lost_now.state, OpState::Pending);

        let why = "the tender was taken off";
        let first = reclaimed.iter().find(|o| o.id == turned_away.id).unwrap();
        s.record(first, &retry, now).unwrap();
        assert!(withdraw_in(&s.conn(), &turned_away.id, why).unwrap());
        assert_eq!(
            s.op(&turned_away.id).unwrap().unwrap().state,
            OpState::Declined
        );
        assert!(
            !withdraw_in(&s.conn(), &lost.id, why).unwrap(),
            "it may have been applied before its answer was lost"
        );
        assert_eq!(s.op(&lost.id).unwrap().unwrap().state, OpState::Pending);
    }

    #[test]
    fn a_refusal_whose_undo_was_queued_needs_no_review() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(818));
        let reverse =
            NewOp::new(ProviderId::Leat, OpKind::Reverse, Some("A"), eur(818)).after(&redeem.id);
        let alone = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("B"), eur(5));
        s.enqueue(&[redeem.clone(), reverse.clone(), alone])
            .unwrap();
        let refused = Transition::Declined {
            reason: "Insufficient balance".into(),
        };
        for op in s.claim_due(ProviderId::Leat, now, 5).unwrap() {
            s.record(&op, &refused, now).unwrap();
        }
        assert_eq!(s.op(&reverse.id).unwrap().unwrap().state, OpState::Declined);
        let review = s.review_list().unwrap();
        assert_eq!(review.len(), 1, "only the refusal nothing undid");
        assert_eq!(review[0].op.card_code.as_deref(), Some("B"));
    }

    #[test]
    fn zero_negative_and_overflowing_amounts_are_not_queued() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        for minor in [0, -500, crate::money::MAX_AMOUNT_MINOR + 1, i64::MAX] {
            let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(minor));
            let err = s.enqueue(&[op]).unwrap_err();
            assert!(matches!(err, StoreError::Refused(_)), "{minor}: {err}");
        }
        assert_eq!(s.unfinished_ops().unwrap(), 0);
    }

    #[test]
    fn an_outcome_that_changed_nothing_is_not_journalled_twice() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let now = OffsetDateTime::now_utc();
        let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(700));
        s.enqueue(std::slice::from_ref(&op)).unwrap();
        let claimed = s.claim_due(ProviderId::Leat, now, 1).unwrap();
        let done = Transition::Succeeded(OpOutcome::default());
        s.record(&claimed[0], &done, now).unwrap();
        // A second engine with the same claim (it cannot run now, but a stale step could).
        s.record(&claimed[0], &done, now).unwrap();
        assert_eq!(s.booked_ops().unwrap().len(), 1, "booked once");
    }

    #[test]
    fn after_a_crash_an_unanswered_write_waits_its_settle_time_from_the_send() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let sent = OffsetDateTime::now_utc();
        let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(700));
        s.enqueue(std::slice::from_ref(&op)).unwrap();
        s.claim_due(ProviderId::Leat, sent, 1).unwrap();
        drop(s);
        let after = store(&dir);
        let settle = Duration::from_secs(60);
        assert_eq!(after.recover_in_flight(|_| settle).unwrap(), 1);
        assert_eq!(after.op(&op.id).unwrap().unwrap().state, OpState::Unknown);
        let soon = sent + Duration::from_secs(59);
        assert!(
            after
                .claim_due(ProviderId::Leat, soon, 1)
                .unwrap()
                .is_empty(),
            "not looked for before the settle time"
        );
        let later = sent + Duration::from_secs(61);
        let due = after.claim_due(ProviderId::Leat, later, 1).unwrap();
        assert_eq!(due[0].state, OpState::Reconciling);
    }

    #[test]
    fn the_summary_counts_unfinished_money_and_age() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        s.enqueue(&[
            NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(100)),
            NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("2"), eur(250)),
        ])
        .unwrap();
        let summary = s.queue_summary().unwrap();
        assert_eq!(summary.unfinished(), 2);
        assert_eq!(summary.by_state["pending"], 2);
        assert_eq!(summary.by_provider["zmyle"], 1);
        assert_eq!(summary.outstanding["EUR"], 350);
        assert!(summary.oldest.is_some());
    }
}
