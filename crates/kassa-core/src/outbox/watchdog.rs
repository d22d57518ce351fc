//! The hold watchdog (docs/design.md §4.7): on start and periodically, every open hold gets settled
//! before it expires. A hold whose sale completed has its confirm queued, and the engine sends
//! it; a hold left without a confirm or cancel (the sale was abandoned, or the till died before
//! the sale completed) gets a cancel queued once it is older than `abandon_after`, or when its
//! expiry comes near. A hold that expired before its confirm was sent goes to the review list:
//! the card was not charged for a sale that counted on it.

use super::model::{NewOp, OpKind};
use crate::holds::Hold;
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::time::Duration;
use time::OffsetDateTime;

/// Said on the review list for a hold that expired before its confirm was sent.
pub const EXPIRED_BEFORE_CONFIRM: &str =
    "The hold expired before it was confirmed: the card was not charged for this sale.";

#[derive(Debug, Clone)]
pub struct WatchdogConfig {
    /// A hold without a confirm or cancel this long is taken as abandoned and cancelled.
    pub abandon_after: Duration,
    /// A hold without a confirm or cancel this close to its expiry is cancelled now.
    pub margin: Duration,
    /// How often the engine runs the watchdog.
    pub interval: Duration,
}

impl Default for WatchdogConfig {
    fn default() -> Self {
        WatchdogConfig {
            abandon_after: Duration::from_secs(10 * 60),
            margin: Duration::from_secs(5 * 60),
            interval: Duration::from_secs(60),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchdogReport {
    /// Cancels queued for abandoned holds.
    pub cancels_queued: usize,
    /// Expired holds whose confirm was never sent: now on the review list.
    pub expired_to_review: usize,
    /// Expired holds that needed nothing (abandoned, or their confirm was refused).
    pub expired_released: usize,
}

/// The operation that settles a hold, if one was queued.
struct Settle {
    id: String,
    kind: OpKind,
    state: String,
}

impl Store {
    /// One pass of the watchdog over the open holds, at `now`.
    pub fn watch_holds(
        &self,
        now: OffsetDateTime,
        config: &WatchdogConfig,
    ) -> Result<WatchdogReport, StoreError> {
        let mut report = WatchdogReport::default();
        for hold in self.open_holds()? {
            let Some(reserve_id) = hold.op_id.clone() else {
                continue;
            };
            let settle = self.settle_of(&reserve_id)?;
            if hold.is_past_expiry(now) {
                match settle {
                    Some(s) if s.kind == OpKind::Confirm && s.state == "pending" => {
                        self.expire_unconfirmed(&hold, &s.id, now)?;
                        report.expired_to_review += 1;
                    }
                    // An unknown or in-flight confirm is settled by reading the intent.
                    Some(s) if s.kind == OpKind::Confirm && s.state != "declined" => {}
                    _ => {
                        self.expire_hold(hold.provider, &hold.intent_id)?;
                        report.expired_released += 1;
                    }
                }
                continue;
            }
            if settle.is_some() {
                continue;
            }
            let created = self.hold_created_at(&hold)?;
            // A hold of a sale still being paid is the checkout's to settle.
            let abandoned = created.is_some_and(|at| at + config.abandon_after <= now)
                && !crate::checkout::records::in_unfinished_sale(&self.conn(), &reserve_id)?;
            let expiring = hold.expires_at - config.margin <= now;
            if abandoned || expiring {
                self.queue_cancel(&hold, &reserve_id)?;
                report.cancels_queued += 1;
            }
        }
        if report != WatchdogReport::default() {
            tracing::info!(?report, "hold watchdog");
        }
        Ok(report)
    }

    fn settle_of(&self, reserve_id: &str) -> Result<Option<Settle>, StoreError> {
        let row: Option<(String, String, String)> = self
            .conn()
            .query_row(
                "SELECT id, kind, state FROM ops
                 WHERE depends_on = ?1 AND kind IN ('confirm', 'cancel')
                 ORDER BY rowid DESC LIMIT 1",
                [reserve_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(id, kind, state)| {
            Some(Settle {
                id,
                kind: kind.parse().ok()?,
                state,
            })
        }))
    }

    fn hold_created_at(&self, hold: &Hold) -> Result<Option<OffsetDateTime>, StoreError> {
        let created: String = self.conn().query_row(
            "SELECT created_at FROM holds WHERE provider = ?1 AND intent_id = ?2",
            params![hold.provider.as_str(), hold.intent_id],
            |r| r.get(0),
        )?;
        Ok(parse_stamp(&created))
    }

    fn queue_cancel(&self, hold: &Hold, reserve_id: &str) -> Result<(), StoreError> {
        let reserve = self.op(reserve_id)?;
        let mut cancel = NewOp::new(
            hold.provider,
            OpKind::Cancel,
            reserve.as_ref().and_then(|r| r.card_code.as_deref()),
            hold.amount.clone(),
        )
        .after(reserve_id);
        cancel.sale_id = reserve.and_then(|r| r.sale_id);
        self.enqueue(&[cancel])
    }

    /// The confirm was never sent and cannot be now: refuse it for review, release the hold.
    fn expire_unconfirmed(
        &self,
        hold: &Hold,
        confirm_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now_s = stamp(now);
        let changed = self.conn().execute(
            "UPDATE ops SET state = 'declined', last_error = ?2, review_reason = ?2,
                    resolution = NULL, resolved_at = NULL, next_attempt_at = NULL, updated_at = ?3
             WHERE id = ?1 AND state = 'pending'",
            params![confirm_id, EXPIRED_BEFORE_CONFIRM, now_s],
        )?;
        if changed == 1 {
            self.expire_hold(hold.provider, &hold.intent_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::outbox::model::{OpOutcome, OpState, Transition};
    use crate::provider::ProviderId;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
    }

    /// A reserve that succeeded: an open hold expiring in 30 minutes.
    fn held(s: &Store, now: OffsetDateTime) -> NewOp {
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(700))
            .in_sale("sale-1");
        s.enqueue(std::slice::from_ref(&reserve)).unwrap();
        let claimed = s.claim_due(ProviderId::Zmyle, now, 1).unwrap();
        s.record(
            &claimed[0],
            &Transition::Succeeded(OpOutcome {
                provider_ref: Some(format!("intent-{}", reserve.id)),
                hold_expires_at: Some(now + Duration::from_secs(1800)),
            }),
            now,
        )
        .unwrap();
        reserve
    }

    #[test]
    fn an_abandoned_hold_gets_a_cancel_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let now = OffsetDateTime::now_utc();
        let reserve = held(&s, now);
        let config = WatchdogConfig::default();
        assert_eq!(s.watch_holds(now, &config).unwrap().cancels_queued, 0);
        let later = now + config.abandon_after + Duration::from_secs(1);
        assert_eq!(s.watch_holds(later, &config).unwrap().cancels_queued, 1);
        assert_eq!(
            s.watch_holds(later, &config).unwrap().cancels_queued,
            0,
            "queued once"
        );
        let cancel = s.claim_due(ProviderId::Zmyle, later, 5).unwrap();
        assert_eq!(cancel[0].kind, OpKind::Cancel);
        assert_eq!(cancel[0].sale_id.as_deref(), Some("sale-1"));
        assert_eq!(
            cancel[0].dependency_ref,
            Some(format!("intent-{}", reserve.id))
        );
    }

    #[test]
    fn a_hold_that_expired_before_its_confirm_went_out_goes_to_review() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("k.sqlite3")).unwrap();
        let now = OffsetDateTime::now_utc();
        let reserve = held(&s, now);
        let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(700))
            .after(&reserve.id);
        s.enqueue(std::slice::from_ref(&confirm)).unwrap();
        let expired = now + Duration::from_secs(1801);
        let report = s.watch_holds(expired, &WatchdogConfig::default()).unwrap();
        assert_eq!(report.expired_to_review, 1);
        assert!(s.open_holds().unwrap().is_empty());
        let review = s.review_list().unwrap();
        assert_eq!(review[0].op.id, confirm.id);
        assert_eq!(review[0].op.state, OpState::Declined);
        assert_eq!(review[0].reason, EXPIRED_BEFORE_CONFIRM);
    }
}
