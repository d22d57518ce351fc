//! Holds: funds a provider reserves for the till (zmyle transaction intents) until the till
//! confirms or cancels them, or the provider lets them expire. Each hold is stored with its
//! expiry as soon as the provider grants it, so that after a crash or restart the till still
//! knows what to confirm or cancel (docs/design.md §4.7).

use crate::money::{Currency, Money};
use crate::provider::ProviderId;
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{bad_column, Store, StoreError};
use rusqlite::OptionalExtension;
use std::str::FromStr;
use time::OffsetDateTime;

/// Where a hold stands, as far as the till knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldState {
    /// Granted; neither confirmed nor cancelled yet.
    Open,
    /// Confirmed: the money was taken from the card.
    Confirmed,
    /// Cancelled by the till: the money went back to the card.
    Cancelled,
    /// Released by the provider because it was not confirmed in time.
    Expired,
}

impl HoldState {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldState::Open => "open",
            HoldState::Confirmed => "confirmed",
            HoldState::Cancelled => "cancelled",
            HoldState::Expired => "expired",
        }
    }
}

impl FromStr for HoldState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "open" => HoldState::Open,
            "confirmed" => HoldState::Confirmed,
            "cancelled" => HoldState::Cancelled,
            "expired" => HoldState::Expired,
            other => return Err(format!("unknown hold state '{other}'")),
        })
    }
}

/// A hold the provider has just granted.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHold {
    pub provider: ProviderId,
    /// The provider's id of the hold (a zmyle transaction intent id).
    pub intent_id: String,
    /// The operation that placed the hold: its idempotency key.
    pub op_id: Option<String>,
    /// The card's code, masked ([`crate::card::CardCode::masked`]).
    pub card_masked: String,
    pub amount: Money,
    pub expires_at: OffsetDateTime,
}

/// A stored hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    pub provider: ProviderId,
    pub intent_id: String,
    pub op_id: Option<String>,
    pub card_masked: String,
    pub amount: Money,
    /// When the provider releases the hold by itself; whole seconds, UTC.
    pub expires_at: OffsetDateTime,
    pub state: HoldState,
    /// The provider's transaction, once the hold is confirmed.
    pub transaction_id: Option<String>,
}

impl Hold {
    /// True when the provider has released (or is about to release) the hold by `now`.
    pub fn is_past_expiry(&self, now: OffsetDateTime) -> bool {
        self.expires_at <= now
    }
}

/// A hold's expiry as stored: to the whole second, so that a hold is taken for gone at the
/// start of its last second.
pub(crate) fn expiry_stamp(at: OffsetDateTime) -> String {
    stamp(at.replace_nanosecond(0).expect("zero nanoseconds is valid"))
}

fn read_hold(r: &rusqlite::Row<'_>) -> rusqlite::Result<Hold> {
    let provider: String = r.get(0)?;
    let currency: String = r.get(5)?;
    let expires_at: String = r.get(6)?;
    let state: String = r.get(7)?;
    Ok(Hold {
        provider: ProviderId::parse(&provider)
            .ok_or_else(|| bad_column(0, format!("unknown provider '{provider}'")))?,
        intent_id: r.get(1)?,
        op_id: r.get(2)?,
        card_masked: r.get(3)?,
        amount: Money::new(
            r.get(4)?,
            Currency::try_from(currency).map_err(|e| bad_column(5, e))?,
        ),
        expires_at: parse_stamp(&expires_at)
            .ok_or_else(|| bad_column(6, format!("expires_at '{expires_at}' is not a time")))?,
        state: state.parse().map_err(|e| bad_column(7, e))?,
        transaction_id: r.get(8)?,
    })
}

const COLUMNS: &str = "provider, intent_id, op_id, card_masked, amount_minor, currency, expires_at, state, transaction_id";

impl Store {
    /// Records a hold the provider granted, as open. Saving the same hold again (a replayed
    /// answer to the same request) changes nothing and is not an error.
    pub fn save_hold(&self, hold: &NewHold) -> Result<(), StoreError> {
        let now = stamp(OffsetDateTime::now_utc());
        self.conn().execute(
            "INSERT INTO holds (provider, intent_id, op_id, card_masked, amount_minor, currency,
                                expires_at, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?8)
             ON CONFLICT (provider, intent_id) DO NOTHING",
            rusqlite::params![
                hold.provider.as_str(),
                hold.intent_id,
                hold.op_id,
                hold.card_masked,
                hold.amount.minor,
                hold.amount.currency.code(),
                expiry_stamp(hold.expires_at),
                now
            ],
        )?;
        Ok(())
    }

    /// The holds neither confirmed, cancelled nor known to have expired, soonest expiry first.
    pub fn open_holds(&self) -> Result<Vec<Hold>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM holds WHERE state = 'open' ORDER BY expires_at, intent_id"
        ))?;
        let rows = stmt.query_map([], read_hold)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One hold by the provider's id of it.
    pub fn hold(&self, provider: ProviderId, intent_id: &str) -> Result<Option<Hold>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM holds WHERE provider = ?1 AND intent_id = ?2"),
                rusqlite::params![provider.as_str(), intent_id],
                read_hold,
            )
            .optional()?)
    }

    /// Marks an open hold confirmed, with the provider's transaction id. False when the hold
    /// is unknown or no longer open.
    pub fn confirm_hold(
        &self,
        provider: ProviderId,
        intent_id: &str,
        transaction_id: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.close_hold(provider, intent_id, HoldState::Confirmed, transaction_id)
    }

    /// Marks an open hold cancelled. False when the hold is unknown or no longer open.
    pub fn cancel_hold(&self, provider: ProviderId, intent_id: &str) -> Result<bool, StoreError> {
        self.close_hold(provider, intent_id, HoldState::Cancelled, None)
    }

    /// Marks an open hold expired (released by the provider). False when the hold is unknown
    /// or no longer open.
    pub fn expire_hold(&self, provider: ProviderId, intent_id: &str) -> Result<bool, StoreError> {
        self.close_hold(provider, intent_id, HoldState::Expired, None)
    }

    /// Closes an open hold; its reserve is then done with its card's code
    /// (`outbox::card_codes`).
    fn close_hold(
        &self,
        provider: ProviderId,
        intent_id: &str,
        state: HoldState,
        transaction_id: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let reserve: Option<Option<String>> = tx
            .query_row(
                "UPDATE holds SET state = ?3, transaction_id = ?4, updated_at = ?5
                 WHERE provider = ?1 AND intent_id = ?2 AND state = 'open'
                 RETURNING op_id",
                rusqlite::params![
                    provider.as_str(),
                    intent_id,
                    state.as_str(),
                    transaction_id,
                    stamp(OffsetDateTime::now_utc())
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(op_id) = reserve.as_ref().and_then(Option::as_deref) {
            crate::outbox::card_codes::forget_codes(&tx, [op_id])?;
        }
        tx.commit()?;
        Ok(reserve.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
    }

    fn hold(intent_id: &str, expires_at: OffsetDateTime) -> NewHold {
        NewHold {
            provider: ProviderId::Zmyle,
            intent_id: intent_id.into(),
            op_id: Some(format!("op-{intent_id}")),
            card_masked: "••••".into(),
            amount: eur(1250),
            expires_at,
        }
    }

    #[test]
    fn a_hold_survives_a_restart_and_can_be_settled_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        {
            let before = Store::open(&path).unwrap();
            before
                .save_hold(&hold(
                    "18k78hj3e2j65686vhipw560u6sm",
                    datetime!(2017-11-27 05:22:56.731 UTC),
                ))
                .unwrap();
        }
        let after = Store::open(&path).unwrap();
        let open = after.open_holds().unwrap();
        assert_eq!(open.len(), 1);
        let h = &open[0];
        assert_eq!(h.provider, ProviderId::Zmyle);
        assert_eq!(h.intent_id, "18k78hj3e2j65686vhipw560u6sm");
        assert_eq!(h.op_id.as_deref(), Some("op-18k78hj3e2j65686vhipw560u6sm"));
        assert_eq!(h.amount.to_string(), "EUR 12.50");
        assert_eq!(h.expires_at, datetime!(2017-11-27 05:22:56 UTC));
        assert_eq!(h.state, HoldState::Open);
        assert!(h.is_past_expiry(datetime!(2017-11-27 05:22:56 UTC)));
        assert!(!h.is_past_expiry(datetime!(2017-11-27 05:22:55 UTC)));

        assert!(after
            .confirm_hold(
                ProviderId::Zmyle,
                &h.intent_id,
                Some("18k7e49n4n25e25wt5z9")
            )
            .unwrap());
        assert!(after.open_holds().unwrap().is_empty());
        let settled = after
            .hold(ProviderId::Zmyle, &h.intent_id)
            .unwrap()
            .unwrap();
        assert_eq!(settled.state, HoldState::Confirmed);
        assert_eq!(
            settled.transaction_id.as_deref(),
            Some("18k7e49n4n25e25wt5z9")
        );
    }

    #[test]
    fn only_open_holds_are_listed_soonest_first_and_settled_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        // 13:30 at +02:00 is 11:30 UTC, after 11:00 UTC: expiries compare in UTC.
        let later = datetime!(2030-01-01 13:30:00 +02:00);
        let sooner = datetime!(2030-01-01 11:00:00 UTC);
        store.save_hold(&hold("intentlater000", later)).unwrap();
        store.save_hold(&hold("intentsooner00", sooner)).unwrap();
        store.save_hold(&hold("intentgone0000", sooner)).unwrap();
        // The same answer saved twice is still one hold.
        store.save_hold(&hold("intentsooner00", sooner)).unwrap();

        assert!(store
            .cancel_hold(ProviderId::Zmyle, "intentgone0000")
            .unwrap());
        assert!(
            !store
                .confirm_hold(ProviderId::Zmyle, "intentgone0000", None)
                .unwrap(),
            "a cancelled hold cannot be confirmed"
        );
        let ids: Vec<_> = store
            .open_holds()
            .unwrap()
            .into_iter()
            .map(|h| h.intent_id)
            .collect();
        assert_eq!(ids, ["intentsooner00", "intentlater000"]);

        assert!(store
            .expire_hold(ProviderId::Zmyle, "intentsooner00")
            .unwrap());
        assert!(!store
            .expire_hold(ProviderId::Zmyle, "no-such-intent")
            .unwrap());
        assert_eq!(
            store
                .hold(ProviderId::Zmyle, "intentsooner00")
                .unwrap()
                .unwrap()
                .state,
            HoldState::Expired
        );
        assert_eq!(store.open_holds().unwrap().len(), 1);
    }
}
