//! The outbox in SQLite (the `ops` table): operations are written in one `BEGIN IMMEDIATE`
//! transaction before any request leaves (docs/design.md §4.1), claimed when due, and every outcome is
//! written with its journal row in one transaction.
//!
//! Claiming respects order: of the unfinished operations on one card (same provider and card
//! code) only the oldest can be claimed, and an operation that depends on another waits until
//! that one succeeded.

use super::card_codes::{forget_codes, CODE_ONCE_DONE};
use super::model::{NewOp, Op, OpKind, OpOutcome, OpState, Transition};
use crate::money::{Currency, Money};
use crate::provider::ProviderId;
use crate::store::journal::Appender;
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{bad_column, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;
use time::OffsetDateTime;

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

    /// Keeps, on an operation being sent, the provider's id of what it is making before that is
    /// written (Shopwave's pre-generated basket): every later attempt writes into the same one.
    /// `false` when the operation is no longer in flight here (nothing is written then).
    pub fn note_provider_ref(&self, op_id: &str, provider_ref: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE ops SET provider_ref = ?2, updated_at = ?3
             WHERE id = ?1 AND state IN ('sending', 'reconciling')",
            params![op_id, provider_ref, stamp(OffsetDateTime::now_utc())],
        )?;
        Ok(changed == 1)
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
            .record_and_claim(&[], &[(provider, limit)], now)?
            .pop()
            .unwrap_or_default())
    }

    /// Writes the outcomes of finished steps, then claims [`Store::claim_due`]'s operations for
    /// several providers (in the order asked), all in one transaction: one disk flush for the
    /// answers that arrived together and the work that replaces them (group commit). Each
    /// outcome is durable before anything is claimed after it, and each claim before its
    /// request leaves (docs/design.md §4.1); an operation whose predecessor on the card
    /// finished in `outcomes` can be claimed at once.
    pub fn record_and_claim(
        &self,
        outcomes: &[(Op, Transition)],
        wants: &[(ProviderId, usize)],
        now: OffsetDateTime,
    ) -> Result<Vec<Vec<Op>>, StoreError> {
        if outcomes.is_empty() && wants.iter().all(|(_, limit)| *limit == 0) {
            return Ok(wants.iter().map(|_| Vec::new()).collect());
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut journal = Appender::default();
        for (op, transition) in outcomes {
            record_in(&tx, &mut journal, op, transition, now)?;
        }
        let claimed = wants
            .iter()
            .map(|(provider, limit)| Ok(claim_in(&tx, *provider, now, *limit, None)?.0))
            .collect::<Result<_, StoreError>>()?;
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
        self.record_and_claim(&[(op.clone(), transition.clone())], &[], now)?;
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
    /// The card, masked as the journal holds it (`None` for a record of a sale).
    pub card_masked: Option<String>,
    /// Signed: the change to the card's balance.
    pub amount_minor: i64,
    pub provider_ref: Option<String>,
}

impl Store {
    /// Every journalled operation that moved money (or placed a hold), in journal order.
    pub fn booked_ops(&self) -> Result<Vec<Booked>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT j.op_id, j.provider, o.kind, j.card_masked, j.amount_minor, o.provider_ref
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
                card_masked: r.get(3)?,
                amount_minor: r.get(4)?,
                provider_ref: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Claims up to `limit` due operations of `provider`; with `only_resend_safe`, only those it
/// calls safe to send again whose sale is final (see `flush`), saying whether it left others
/// out.
fn claim_in(
    tx: &Connection,
    provider: ProviderId,
    now: OffsetDateTime,
    limit: usize,
    only_resend_safe: Option<&(dyn Fn(&Op) -> bool + Sync)>,
) -> Result<(Vec<Op>, bool), StoreError> {
    if limit == 0 {
        return Ok((Vec::new(), false));
    }
    let now_s = stamp(now);
    let due: Vec<(Op, bool)> = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {OP_COLUMNS},
                    o.sale_id IS NULL OR EXISTS (SELECT 1 FROM sales s WHERE s.id = o.sale_id
                                                   AND s.state IN ('completed', 'abandoned'))
             FROM {OP_FROM}
             WHERE o.provider = ?1 AND o.state IN ('pending', 'unknown')
               AND o.review_reason IS NULL
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?2)
               AND {IN_ORDER}
             ORDER BY o.rowid"
        ))?;
        // The first `limit` rows, read one by one (the index gives them in order): a bound
        // `LIMIT` would make SQLite prepare the statement again at each new value.
        let rows = stmt.query_map(params![provider.as_str(), now_s], |r| {
            Ok((read_op(r)?, r.get(18)?))
        })?;
        rows.take(limit).collect::<Result<_, _>>()?
    };
    let found = due.len();
    let mut ops: Vec<Op> = due
        .into_iter()
        .filter(|(op, sale_final)| only_resend_safe.is_none_or(|safe| *sale_final && safe(op)))
        .map(|(op, _)| op)
        .collect();
    let left_out = ops.len() < found;
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
    Ok((ops, left_out))
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
    // What comes after an operation declined already can never be sent: closed as moot now,
    // or it would wait forever and hold up its card.
    let declined: Vec<String> = {
        let mut state = conn.prepare_cached("SELECT state FROM ops WHERE id = ?1")?;
        let mut found = Vec::new();
        for dep in ops.iter().filter_map(|op| op.depends_on.as_deref()) {
            let s: Option<String> = state.query_row([dep], |r| r.get(0)).optional()?;
            if s.as_deref() == Some("declined") {
                found.push(dep.to_string());
            }
        }
        found
    };
    for dep in declined {
        settle_moot_dependents(conn, &dep, &now)?;
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
        forget_codes(conn, [op_id])?;
        settle_moot_dependents(conn, op_id, &now)?;
    }
    Ok(changed == 1)
}

/// A success's update of its operation, its code masked once done with it.
static SUCCEEDED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE ops SET state = 'succeeded', provider_ref = ?3, last_error = NULL,
                next_attempt_at = NULL, hold_expires_at = ?4, updated_at = ?5,
                card_code = {CODE_ONCE_DONE}
         WHERE id = ?1 AND state = ?2"
    )
});

/// Writes an outcome; its journal row goes through `journal`, the transaction's appender.
fn record_in(
    conn: &Connection,
    journal: &mut Appender,
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
            // The code is masked by the same statement, unless a hold is placed or settled
            // below: then once the hold is written.
            let holds = matches!(op.kind, OpKind::Reserve | OpKind::Confirm | OpKind::Cancel);
            let changed = conn.prepare_cached(&SUCCEEDED)?.execute(params![
                op.id,
                claimed,
                outcome.provider_ref,
                outcome.hold_expires_at.map(stamp),
                now_s,
                op.card_masked().filter(|_| !holds)
            ])?;
            if changed == 1 {
                journal_op_in(journal, conn, op, "succeeded", Some(outcome), &now_s, None)?;
                record_hold(conn, op, outcome, &now_s)?;
                // A confirm or cancel closed its reserve's hold.
                let own = holds.then_some(op.id.as_str());
                if own.is_some() || op.depends_on.is_some() {
                    forget_codes(conn, [own, op.depends_on.as_deref()].into_iter().flatten())?;
                }
            }
        }
        Transition::Declined { reason } => {
            let reason = owed_first(op, reason);
            let changed = conn
                .prepare_cached(
                    "UPDATE ops SET state = 'declined', last_error = ?3, review_reason = ?3,
                        resolution = NULL, resolved_at = NULL, next_attempt_at = NULL,
                        updated_at = ?4
                 WHERE id = ?1 AND state = ?2",
                )?
                .execute(params![op.id, claimed, reason, now_s])?;
            if changed == 1 {
                journal_op_in(journal, conn, op, "declined", None, &now_s, None)?;
                settle_undone_refusal(conn, &op.id, &now_s)?;
                forget_codes(conn, [op.id.as_str()])?;
                settle_moot_dependents(conn, &op.id, &now_s)?;
            }
        }
        Transition::Retry { delay, error } | Transition::Unknown { delay, error } => {
            let next = match transition {
                Transition::Retry { .. } => OpState::Pending,
                _ => OpState::Unknown,
            };
            conn.prepare_cached(
                "UPDATE ops SET state = ?3, last_error = ?4, next_attempt_at = ?5,
                        updated_at = ?6, in_doubt = in_doubt OR ?7
                 WHERE id = ?1 AND state = ?2",
            )?
            .execute(params![
                op.id,
                claimed,
                next.as_str(),
                error,
                due(delay),
                now_s,
                next == OpState::Unknown
            ])?;
        }
        Transition::Review { reason } => {
            let reason = owed_first(op, reason);
            let changed = conn
                .prepare_cached(
                    "UPDATE ops SET state = 'unknown', in_doubt = 1, last_error = ?3,
                        review_reason = ?3, resolution = NULL, resolved_at = NULL,
                        next_attempt_at = NULL, updated_at = ?4
                 WHERE id = ?1 AND state = ?2",
                )?
                .execute(params![op.id, claimed, reason, now_s])?;
            if changed == 1 {
                journal_op_in(journal, conn, op, "review", None, &now_s, None)?;
            }
        }
    }
    Ok(())
}

/// Why an operation goes to a person: what it leaves owed to whom, where its payload says (a
/// card paid for in a sale but not loaded), then the provider's reason.
fn owed_first(op: &Op, reason: &str) -> String {
    match op
        .payload
        .get(crate::checkout::OWED_KEY)
        .and_then(|o| o.as_str())
    {
        Some(owed) => format!("{owed} {}: {reason}", op.provider.display_name()),
        None => reason.to_string(),
    }
}

/// A refusal of an operation whose undo was already queued (its tender was taken off, or its
/// sale abandoned) leaves nothing owed to anyone: it needs nobody's review. So does one that
/// refunds gave back whole (`refund_parts`); one refunded in part stays on the review list,
/// for what the customer still owes.
fn settle_undone_refusal(
    conn: &Connection,
    declined_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE ops SET resolution = 'moot', resolved_at = ?2,
                resolution_note = 'refused after it was taken off or refunded: nothing moved, nothing owed'
         WHERE id = ?1 AND (
             EXISTS (SELECT 1 FROM ops u WHERE u.depends_on = ?1
                       AND u.kind IN ('reverse', 'cancel')
                       AND NOT EXISTS (SELECT 1 FROM refund_parts p WHERE p.op_id = u.id))
             OR (SELECT coalesce(sum(u.amount_minor), 0) FROM ops u
                   JOIN refund_parts p ON p.op_id = u.id WHERE u.depends_on = ?1)
                >= amount_minor)",
    )?
    .execute(params![declined_id, now])?;
    Ok(())
}

/// A pending operation whose dependency was declined cannot be done (no hold to confirm),
/// nor can what depends on it in turn (the refund of that confirm): they are closed as moot,
/// which needs nobody's review, and the card's line moves on.
pub(crate) fn settle_moot_dependents(
    conn: &Connection,
    declined_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    let moot: Vec<String> = conn
        .prepare_cached(
            "WITH RECURSIVE moot(id) AS (
                 SELECT id FROM ops WHERE depends_on = ?1 AND state = 'pending'
                 UNION
                 SELECT o.id FROM ops o JOIN moot m ON o.depends_on = m.id
                  WHERE o.state = 'pending'
             )
             SELECT id FROM moot",
        )?
        .query_map([declined_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut close = conn.prepare_cached(
        "UPDATE ops SET state = 'declined', resolution = 'moot', resolved_at = ?2,
                last_error = 'the operation it depends on was declined', updated_at = ?2
         WHERE id = ?1",
    )?;
    for id in &moot {
        close.execute(params![id, now])?;
    }
    forget_codes(conn, moot.iter().map(String::as_str))?;
    Ok(())
}

/// An operation's journal row; `cashier` names who decided it (a manager's review decision),
/// `None` the engine ([`crate::store::journal::SYSTEM`]).
pub(crate) fn journal_op(
    conn: &Connection,
    op: &Op,
    outcome: &str,
    done: Option<&OpOutcome>,
    now: &str,
    cashier: Option<&str>,
) -> Result<(), StoreError> {
    journal_op_in(
        &mut Appender::default(),
        conn,
        op,
        outcome,
        done,
        now,
        cashier,
    )
}

/// [`journal_op`] through a transaction's [`Appender`].
fn journal_op_in(
    journal: &mut Appender,
    conn: &Connection,
    op: &Op,
    outcome: &str,
    done: Option<&OpOutcome>,
    now: &str,
    cashier: Option<&str>,
) -> Result<(), StoreError> {
    // Only a success moves money; other rows carry the amount in their detail.
    let effect = done.map(|_| op.kind.balance_effect(op.amount.minor));
    let detail = serde_json::json!({
        "kind": op.kind.as_str(),
        "amount_minor": op.amount.minor,
        "provider_ref": done.and_then(|d| d.provider_ref.clone()),
        "attempts": op.attempts,
    });
    journal.append(
        conn,
        now,
        &crate::store::JournalEntry {
            kind: "op".into(),
            provider: Some(op.provider.as_str().into()),
            card_masked: op.card_masked(),
            sale_id: op.sale_id.clone(),
            op_id: Some(op.id.clone()),
            amount_minor: effect,
            currency: Some(op.amount.currency.code().into()),
            outcome: outcome.into(),
            detail,
            cashier: Some(cashier.unwrap_or(crate::store::journal::SYSTEM).into()),
        },
    )?;
    Ok(())
}

/// A reserve that succeeded placed a hold; a confirm or cancel settled one.
pub(crate) fn record_hold(
    conn: &Connection,
    op: &Op,
    outcome: &OpOutcome,
    now: &str,
) -> Result<(), StoreError> {
    match (op.kind, &outcome.provider_ref, outcome.hold_expires_at) {
        (OpKind::Reserve, Some(intent), Some(expires_at)) => {
            conn.prepare_cached(
                "INSERT INTO holds (provider, intent_id, op_id, card_masked, amount_minor,
                                    currency, expires_at, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?8)
                 ON CONFLICT (provider, intent_id) DO NOTHING",
            )?
            .execute(params![
                op.provider.as_str(),
                intent,
                op.id,
                op.card_masked().unwrap_or_default(),
                op.amount.minor,
                op.amount.currency.code(),
                crate::holds::expiry_stamp(expires_at),
                now
            ])?;
        }
        (OpKind::Confirm | OpKind::Cancel, _, _) => {
            if let Some(intent) = &op.dependency_ref {
                let state = if op.kind == OpKind::Confirm {
                    "confirmed"
                } else {
                    "cancelled"
                };
                conn.prepare_cached(
                    "UPDATE holds SET state = ?3, transaction_id = ?4, updated_at = ?5
                     WHERE provider = ?1 AND intent_id = ?2 AND state = 'open'",
                )?
                .execute(params![
                    op.provider.as_str(),
                    intent,
                    state,
                    outcome.provider_ref,
                    now
                ])?;
            }
        }
        _ => {}
    }
    Ok(())
}

mod flush;
pub use flush::Flushed;

#[cfg(test)]
mod tests;
