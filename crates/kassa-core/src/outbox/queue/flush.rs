//! The engine's flush: outcomes and claims committed with a disk flush (`fsync`) only where
//! money safety needs one.
//!
//! A claim (`sending`) or an outcome may be committed with `synchronous=NORMAL` (WAL: written,
//! not flushed; the WAL keeps commits in order, so the next `FULL` commit or checkpoint makes it
//! durable with everything before it) when losing it to a power cut can only make the operation
//! be sent again with the same key, which its provider answers as the first time:
//! - its provider dedupes a resend of its kind by our key ([`crate::outbox::OpExecutor::resend_is_safe`]);
//! - and nothing can take it back as never sent: a lost claim leaves it `pending` and never in
//!   doubt, which the checkout withdraws (closes as moot, no undo) when its tender is taken off
//!   or its sale abandoned. So its sale, if it has one, must be completed or abandoned already
//!   (final, for good); an open sale's charge keeps its `FULL` claim and outcome, which is also
//!   all that Complete → Paid waits on.
//!
//! Everything else (Leat, Shopwave, zmyle's confirm and cancel: settle-before-look needs the
//! durable send time) is committed `FULL`. The enqueue always is (docs/design.md §4.1).

use super::{claim_in, record_in};
use crate::outbox::model::{Op, Transition};
use crate::provider::ProviderId;
use crate::store::journal::Appender;
use crate::store::{without_fsync, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use time::OffsetDateTime;

/// What [`Store::flush`] claimed, and how it committed.
#[derive(Debug, Default)]
pub struct Flushed {
    /// The claimed operations, one list per provider asked, in the order asked.
    pub claimed: Vec<Vec<Op>>,
    /// `false` when everything was committed without a disk flush (`synchronous=NORMAL`).
    pub synced: bool,
}

impl Store {
    /// [`Store::record_and_claim`], with the disk flush left out where `resend_is_safe` (the
    /// provider's word for an operation) and the operation's sale allow it (see the module).
    /// A flush whose outcomes all allow it is tried without one, claiming only operations that
    /// allow it too; the others are claimed after it in a `FULL` transaction, which makes the
    /// first durable as well.
    pub fn flush(
        &self,
        outcomes: &[(Op, Transition)],
        wants: &[(ProviderId, usize)],
        now: OffsetDateTime,
        resend_is_safe: &(dyn Fn(&Op) -> bool + Sync),
    ) -> Result<Flushed, StoreError> {
        if outcomes.is_empty() && wants.iter().all(|(_, limit)| *limit == 0) {
            return Ok(Flushed {
                claimed: wants.iter().map(|_| Vec::new()).collect(),
                synced: true,
            });
        }
        let mut conn = self.conn();
        let mut lazy = true;
        for (op, _) in outcomes {
            if !(resend_is_safe(op) && sale_is_final(&conn, op.sale_id.as_deref())?) {
                lazy = false;
                break;
            }
        }
        let mut claimed: Vec<Vec<Op>> = wants.iter().map(|_| Vec::new()).collect();
        let mut left: Vec<(ProviderId, usize)> = wants.to_vec();
        if lazy {
            let skipped = without_fsync(&mut conn, |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut journal = Appender::default();
                for (op, transition) in outcomes {
                    record_in(&tx, &mut journal, op, transition, now)?;
                }
                let mut skipped = Vec::with_capacity(wants.len());
                for (i, (provider, limit)) in wants.iter().enumerate() {
                    let (ops, skipped_some) =
                        claim_in(&tx, *provider, now, *limit, Some(resend_is_safe))?;
                    claimed[i] = ops;
                    skipped.push(skipped_some);
                }
                tx.commit()?;
                Ok(skipped)
            })?;
            for (i, want) in left.iter_mut().enumerate() {
                want.1 = if skipped[i] {
                    want.1 - claimed[i].len()
                } else {
                    0
                };
            }
            if left.iter().all(|(_, limit)| *limit == 0) {
                return Ok(Flushed {
                    claimed,
                    synced: false,
                });
            }
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !lazy {
            let mut journal = Appender::default();
            for (op, transition) in outcomes {
                record_in(&tx, &mut journal, op, transition, now)?;
            }
        }
        for (i, (provider, limit)) in left.iter().enumerate() {
            claimed[i].extend(claim_in(&tx, *provider, now, *limit, None)?.0);
        }
        tx.commit()?;
        Ok(Flushed {
            claimed,
            synced: true,
        })
    }
}

/// Whether the sale `sale_id` (none: no sale) can no longer take an operation back: completed or
/// abandoned, which it stays.
fn sale_is_final(conn: &Connection, sale_id: Option<&str>) -> Result<bool, StoreError> {
    let Some(sale_id) = sale_id else {
        return Ok(true);
    };
    let state: Option<String> = conn
        .prepare_cached("SELECT state FROM sales WHERE id = ?1")?
        .query_row([sale_id], |r| r.get(0))
        .optional()?;
    Ok(matches!(state.as_deref(), Some("completed" | "abandoned")))
}
