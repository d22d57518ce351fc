//! The shift reconciled against the providers: each provider's own record of this shop's
//! transactions ([`ProviderLedger`], implemented per provider in `kassa-providers`) compared
//! with the operations the till sent during the shift, operation by operation ([`compare`]).
//! A difference — ours missing at the provider, one of theirs we never made, a different
//! amount — is kept in `reconciliation_diffs`, journalled, and listed on the Z report and with
//! the review list until a manager settles it. A provider that cannot be reached leaves its
//! comparison `pending` (`reconciliations`); [`Reconciler::complete_pending`] tries again at
//! the next sync.
//!
//! A back-office's `record_sale` operation is compared payment by payment: each payment of the
//! sale (or refund) it recorded is an [`Expected`] of its own, under the payment's reference,
//! in the basket named by the operation's `provider_ref`. A provider that cannot read some of
//! our operations back says which ([`ProviderLedger::reads`]) and what it cannot see
//! ([`ProviderLedger::blind_spot`], shown with its comparison on the Z report).

use super::report::{Difference, ProviderCheck, Reconciliation, ShiftReport};
use super::{Shift, ShiftError};
use crate::lang::{Language, Text};
use crate::outbox::OpKind;
use crate::provider::{ProviderError, ProviderId};
use crate::store::stamp::stamp;
use crate::store::JournalEntry;
use crate::store::{Store, StoreError};
use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::sync::Arc;
use time::OffsetDateTime;

/// One of our operations that moved money at a provider during the shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Our operation's id; for a payment of a `record_sale`, the payment's reference.
    pub op_id: String,
    pub kind: OpKind,
    /// What it undoes or confirms; for a payment of a `record_sale`, the operation.
    pub depends_on: Option<String>,
    /// The provider's id of what it depends on (a zmyle confirm: the hold's intent).
    pub depends_on_ref: Option<String>,
    /// The provider's id of what it made (a `record_sale`: its basket).
    pub provider_ref: Option<String>,
    pub card_masked: Option<String>,
    /// The provider's id of the card (the tender's, refund part's or card line's `card_id`):
    /// a finished operation keeps its code masked, so a provider's records are read by this.
    pub card_id: Option<String>,
    /// A Leat wallet's contact (the op's payload).
    pub contact: Option<String>,
    /// The change to the card's balance: negative for a payment.
    pub amount_minor: i64,
}

/// A transaction as the provider recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRecord {
    /// Our operation's id, where the record carries it.
    pub op_id: Option<String>,
    /// The provider's id of the record.
    pub provider_ref: String,
    pub card_masked: Option<String>,
    /// The change to the card's balance: negative for a payment.
    pub amount_minor: i64,
}

/// A provider's own records of this shop's transactions.
#[async_trait]
pub trait ProviderLedger: Send + Sync {
    fn provider(&self) -> ProviderId;
    /// Whether the provider's records show this operation of ours; those it cannot read back
    /// are left out of the comparison.
    fn reads(&self, _ours: &Expected) -> bool {
        true
    }
    /// What this provider's records cannot show (told with its comparison on the Z report,
    /// kept as its English and said in the report's language).
    fn blind_spot(&self) -> Option<Text> {
        None
    }
    /// The records from `from` to `until` of what `ours` touched (and anything else of this
    /// shop's that the provider lists for that time).
    async fn records(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        ours: &[Expected],
    ) -> Result<Vec<ProviderRecord>, ProviderError>;
}

/// A difference found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Our operation succeeded; the provider has no record of it.
    Missing(Expected),
    /// The provider has a record no operation of ours made.
    Extra(ProviderRecord),
    /// Both have it, for different amounts.
    Amount(Expected, ProviderRecord),
}

/// Matches each of our operations with the provider's record carrying its id (an undo also
/// with a reversal the provider booked under the id of what it undoes); what is left over on
/// either side is a difference. A record carrying the id of an operation of ours from outside
/// the shift (`known`) is not one.
pub fn compare(
    ours: &[Expected],
    theirs: Vec<ProviderRecord>,
    known: impl Fn(&str) -> bool,
) -> Vec<Found> {
    let mut by_op: HashMap<String, Vec<ProviderRecord>> = HashMap::new();
    let mut found = Vec::new();
    for r in theirs {
        match &r.op_id {
            Some(id) => by_op.entry(id.clone()).or_default().push(r),
            None => found.push(Found::Extra(r)),
        }
    }
    let mut take = |id: &str, amount: Option<i64>| -> Option<ProviderRecord> {
        let records = by_op.get_mut(id)?;
        let at = match amount {
            Some(a) => records.iter().position(|r| r.amount_minor == a)?,
            None if records.is_empty() => return None,
            None => 0,
        };
        Some(records.remove(at))
    };
    let mut ordered: Vec<&Expected> = ours.iter().collect();
    ordered.sort_by_key(|e| e.kind == OpKind::Reverse);
    let mut unmatched = Vec::new();
    for e in ordered {
        let exact = take(&e.op_id, Some(e.amount_minor)).or_else(|| {
            let undone = e
                .depends_on
                .as_deref()
                .filter(|_| e.kind == OpKind::Reverse)?;
            take(undone, Some(e.amount_minor))
        });
        if exact.is_none() {
            unmatched.push(e);
        }
    }
    for e in unmatched {
        match take(&e.op_id, None) {
            Some(r) => found.push(Found::Amount(e.clone(), r)),
            None => found.push(Found::Missing(e.clone())),
        }
    }
    let ours_ids: std::collections::HashSet<&str> = ours.iter().map(|e| e.op_id.as_str()).collect();
    let mut left: Vec<(String, Vec<ProviderRecord>)> = by_op.into_iter().collect();
    left.sort_by(|a, b| a.0.cmp(&b.0));
    for (id, records) in left {
        if ours_ids.contains(id.as_str()) || !known(&id) {
            found.extend(records.into_iter().map(Found::Extra));
        }
    }
    found
}

impl Store {
    /// The operations of `provider` that moved money and succeeded between `from` and `until`,
    /// a `record_sale` as one [`Expected`] per payment it recorded.
    pub fn moved_between(
        &self,
        provider: ProviderId,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<Expected>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, o.kind, o.depends_on, o.provider_ref, o.card_code, o.amount_minor,
                    o.payload,
                    coalesce(
                      (SELECT t.card_id FROM tenders t WHERE t.sale_id = o.sale_id
                         AND o.id IN (t.op_id, t.confirm_op_id, t.undo_op_id)),
                      (SELECT t.card_id FROM refunds r
                         JOIN refund_parts p ON p.refund_id = r.id
                         JOIN tenders t ON t.id = p.tender_id
                       WHERE r.sale_id = o.sale_id AND p.op_id = o.id),
                      (SELECT l.card_id FROM sale_lines l WHERE l.sale_id = o.sale_id
                         AND l.card_op_id = o.id)),
                    d.provider_ref
             FROM ops o LEFT JOIN ops d ON d.id = o.depends_on
             WHERE o.created_at >= ?1 AND o.created_at <= ?2 AND o.provider = ?3
               AND o.state = 'succeeded'
               AND o.kind IN ('redeem', 'reload', 'confirm', 'reverse', 'activate',
                              'record_sale')
             ORDER BY o.rowid",
        )?;
        let rows = stmt.query_map(params![stamp(from), stamp(until), provider.as_str()], |r| {
            let kind: String = r.get(1)?;
            let kind: OpKind = kind
                .parse()
                .map_err(|e: String| crate::store::bad_column(1, e))?;
            let code: Option<String> = r.get(4)?;
            let payload: String = r.get(6)?;
            let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            let amount: i64 = r.get(5)?;
            let op = Expected {
                op_id: r.get(0)?,
                kind,
                depends_on: r.get(2)?,
                depends_on_ref: r.get(8)?,
                provider_ref: r.get(3)?,
                card_masked: code.as_deref().map(crate::card::mask),
                card_id: r.get(7)?,
                contact: payload
                    .get("contact_uuid")
                    .and_then(|c| c.as_str())
                    .map(str::to_string),
                amount_minor: kind.balance_effect(amount),
            };
            Ok(if kind == OpKind::RecordSale {
                recorded_payments(op, &payload)
            } else {
                vec![op]
            })
        })?;
        let mut out = Vec::new();
        for ops in rows {
            out.extend(ops?);
        }
        Ok(out)
    }

    fn is_our_op(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM ops WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Notes that `provider` could not be compared yet (a comparison done before stays done).
    fn reconciliation_pending(
        &self,
        shift: i64,
        provider: ProviderId,
        message: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO reconciliations (shift_id, provider, state, message, checked_at)
             VALUES (?1, ?2, 'pending', ?3, ?4)
             ON CONFLICT (shift_id, provider) DO UPDATE SET message = ?3, checked_at = ?4
                 WHERE state = 'pending'",
            params![
                shift,
                provider.as_str(),
                message,
                stamp(OffsetDateTime::now_utc())
            ],
        )?;
        Ok(())
    }

    /// Keeps a finished comparison: new differences added, earlier ones no longer found
    /// settled. Returns the differences that are new.
    fn reconciliation_done(
        &self,
        shift: i64,
        provider: ProviderId,
        currency: &str,
        compared: usize,
        blind_spot: Option<&str>,
        found: &[Found],
    ) -> Result<Vec<Found>, StoreError> {
        let now = stamp(OffsetDateTime::now_utc());
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO reconciliations (shift_id, provider, state, compared, message,
                                          checked_at)
             VALUES (?1, ?2, 'done', ?3, ?5, ?4)
             ON CONFLICT (shift_id, provider) DO UPDATE
                 SET state = 'done', compared = ?3, message = ?5, checked_at = ?4",
            params![shift, provider.as_str(), compared as i64, now, blind_spot],
        )?;
        let mut fresh = Vec::new();
        let mut keys = Vec::new();
        for f in found {
            let (kind, op, theirs, card, expected, actual) = match f {
                Found::Missing(e) => (
                    "missing",
                    e.op_id.as_str(),
                    "",
                    e.card_masked.as_deref(),
                    Some(e.amount_minor),
                    None,
                ),
                Found::Extra(r) => (
                    "extra",
                    "",
                    r.provider_ref.as_str(),
                    r.card_masked.as_deref(),
                    None,
                    Some(r.amount_minor),
                ),
                Found::Amount(e, r) => (
                    "amount",
                    e.op_id.as_str(),
                    r.provider_ref.as_str(),
                    e.card_masked.as_deref().or(r.card_masked.as_deref()),
                    Some(e.amount_minor),
                    Some(r.amount_minor),
                ),
            };
            keys.push((kind, op.to_string(), theirs.to_string()));
            let added = tx.execute(
                "INSERT INTO reconciliation_diffs (shift_id, provider, kind, op_id, provider_ref,
                        card_masked, expected_minor, actual_minor, currency, found_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT DO NOTHING",
                params![
                    shift,
                    provider.as_str(),
                    kind,
                    op,
                    theirs,
                    card,
                    expected,
                    actual,
                    currency,
                    now
                ],
            )?;
            if added > 0 {
                fresh.push(f.clone());
            }
        }
        let open: Vec<(i64, String, String, String)> = tx
            .prepare(
                "SELECT id, kind, op_id, provider_ref FROM reconciliation_diffs
                 WHERE shift_id = ?1 AND provider = ?2 AND resolved_at IS NULL",
            )?
            .query_map(params![shift, provider.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, kind, op, theirs) in open {
            if !keys
                .iter()
                .any(|(k, o, t)| *k == kind && *o == op && *t == theirs)
            {
                tx.execute(
                    "UPDATE reconciliation_diffs SET resolved_at = ?2,
                            resolution_note = 'no longer differs at the next comparison'
                     WHERE id = ?1",
                    params![id, now],
                )?;
            }
        }
        tx.commit()?;
        Ok(fresh)
    }

    /// The differences no manager has settled yet, oldest first (every shift).
    pub fn open_differences(&self) -> Result<Vec<Difference>, StoreError> {
        self.differences("WHERE resolved_at IS NULL", params![])
    }

    fn differences(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<Difference>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT id, provider, kind, op_id, provider_ref, card_masked, expected_minor,
                    actual_minor, resolved_at
             FROM reconciliation_diffs {filter} ORDER BY id"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let op: String = r.get(3)?;
            let theirs: String = r.get(4)?;
            let resolved: Option<String> = r.get(8)?;
            Ok(Difference {
                id: r.get(0)?,
                provider: r.get(1)?,
                kind: r.get(2)?,
                op_id: Some(op).filter(|o| !o.is_empty()),
                provider_ref: Some(theirs).filter(|t| !t.is_empty()),
                card_masked: r.get(5)?,
                expected_minor: r.get(6)?,
                actual_minor: r.get(7)?,
                resolved: resolved.is_some(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A manager settles a difference (checked at the provider, corrected by hand): a note
    /// says how.
    pub fn settle_difference(&self, id: i64, note: &str) -> Result<(), ShiftError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(ShiftError::ReasonRequired);
        }
        let changed = self.conn().execute(
            "UPDATE reconciliation_diffs SET resolved_at = ?2, resolution_note = ?3
             WHERE id = ?1 AND resolved_at IS NULL",
            params![id, stamp(OffsetDateTime::now_utc()), note],
        )?;
        if changed == 0 {
            return Err(ShiftError::NoDifference(id));
        }
        self.journal(&JournalEntry {
            kind: "reconciliation".into(),
            outcome: "settled".into(),
            detail: serde_json::json!({ "difference": id, "note": note }),
            ..Default::default()
        })?;
        Ok(())
    }

    /// The report with its shift's reconciliation as it stands now.
    pub(crate) fn with_reconciliation(
        &self,
        mut report: ShiftReport,
    ) -> Result<ShiftReport, StoreError> {
        report.reconciliation = self.reconciliation_of(report.shift.id)?;
        Ok(report)
    }

    /// A shift's comparisons and every difference they found.
    pub fn reconciliation_of(&self, shift: i64) -> Result<Reconciliation, StoreError> {
        let providers = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(
                "SELECT provider, state, compared, message FROM reconciliations
                 WHERE shift_id = ?1 ORDER BY provider",
            )?;
            let rows = stmt.query_map([shift], |r| {
                Ok(ProviderCheck {
                    provider: r.get(0)?,
                    state: r.get(1)?,
                    compared: r.get(2)?,
                    message: r.get(3)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        Ok(Reconciliation {
            providers,
            differences: self.differences("WHERE shift_id = ?1", params![shift])?,
        })
    }

    /// Closed shifts with a comparison still pending, oldest first.
    fn pending_reconciliations(&self) -> Result<Vec<i64>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT DISTINCT shift_id FROM reconciliations WHERE state = 'pending'
             ORDER BY shift_id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The payments a `record_sale` operation recorded (its payload's `payments`), each under its
/// reference, in the operation's basket.
fn recorded_payments(record: Expected, payload: &serde_json::Value) -> Vec<Expected> {
    let payments = payload.get("payments").and_then(|p| p.as_array());
    payments
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(Expected {
                op_id: p.get("reference")?.as_str()?.to_string(),
                depends_on: Some(record.op_id.clone()),
                amount_minor: p.get("amount_minor")?.as_i64()?,
                ..record.clone()
            })
        })
        .collect()
}

/// Runs the comparisons: every provider with a ledger, for a shift.
pub struct Reconciler {
    store: Arc<Store>,
    ledgers: Vec<Arc<dyn ProviderLedger>>,
}

impl Reconciler {
    pub fn new(store: Arc<Store>, ledgers: Vec<Arc<dyn ProviderLedger>>) -> Self {
        Reconciler { store, ledgers }
    }

    /// Compares shift `id` with every provider (an open shift: up to now). A provider that
    /// does not answer is left pending; the others are done.
    pub async fn reconcile(&self, id: i64) -> Result<Reconciliation, ShiftError> {
        let shift: Shift = self.store.shift(id)?.ok_or(ShiftError::NotFound(id))?;
        let until = shift.closed_at.unwrap_or_else(OffsetDateTime::now_utc);
        for ledger in &self.ledgers {
            let provider = ledger.provider();
            let mut ours = self.store.moved_between(provider, shift.opened_at, until)?;
            ours.retain(|e| ledger.reads(e));
            self.store
                .reconciliation_pending(id, provider, "not compared yet")?;
            match ledger.records(shift.opened_at, until, &ours).await {
                Ok(theirs) => {
                    let store = &self.store;
                    let found = compare(&ours, theirs, |op| store.is_our_op(op).unwrap_or(true));
                    let fresh = self.store.reconciliation_done(
                        id,
                        provider,
                        shift.currency.code(),
                        ours.len(),
                        ledger.blind_spot().map(|t| t.get(Language::En)),
                        &found,
                    )?;
                    for f in fresh {
                        self.store.journal(&journal_entry(id, provider, &f))?;
                    }
                }
                Err(e) => {
                    tracing::warn!(
                        shift = id,
                        provider = provider.as_str(),
                        "reconciliation pending: {e}"
                    );
                    self.store
                        .reconciliation_pending(id, provider, &e.to_string())?;
                }
            }
        }
        Ok(self.store.reconciliation_of(id)?)
    }

    /// Completes the comparisons left pending (the next sync). Returns how many shifts were
    /// compared again.
    pub async fn complete_pending(&self) -> Result<usize, ShiftError> {
        let pending = self.store.pending_reconciliations()?;
        for id in &pending {
            self.reconcile(*id).await?;
        }
        Ok(pending.len())
    }
}

fn journal_entry(shift: i64, provider: ProviderId, found: &Found) -> JournalEntry {
    let (kind, op, theirs, card, amount) = match found {
        Found::Missing(e) => (
            "missing",
            Some(&e.op_id),
            None,
            e.card_masked.clone(),
            e.amount_minor,
        ),
        Found::Extra(r) => (
            "extra",
            None,
            Some(&r.provider_ref),
            r.card_masked.clone(),
            r.amount_minor,
        ),
        Found::Amount(e, r) => (
            "amount",
            Some(&e.op_id),
            Some(&r.provider_ref),
            e.card_masked.clone(),
            r.amount_minor,
        ),
    };
    JournalEntry {
        kind: "reconciliation".into(),
        provider: Some(provider.as_str().into()),
        card_masked: card,
        amount_minor: Some(amount),
        outcome: kind.into(),
        detail: serde_json::json!({ "shift_id": shift, "op_id": op, "provider_ref": theirs }),
        ..Default::default()
    }
}
