//! Test hooks: the account's gift card transactions changed behind the till's back, as someone
//! with access to the Lightspeed account could (a shift's reconciliation must notice).
//! Lightspeed's API has no call for any of these.

use super::ledger::{Txn, TxnKind, SIM_USER};
use super::LightspeedSim;
use time::OffsetDateTime;

impl LightspeedSim {
    /// Deletes the transaction made with `client_id`; false when none was.
    pub fn delete_client_transaction(&self, client_id: &str) -> bool {
        let mut state = self.lock();
        state.ledger.cards.values_mut().any(|card| {
            let before = card.txns.len();
            card.txns
                .retain(|t| t.client_id.as_deref() != Some(client_id));
            card.txns.len() < before
        })
    }

    /// Rewrites the amount (minor units, signed) of the transaction made with `client_id`;
    /// false when none was.
    pub fn set_client_transaction_amount(&self, client_id: &str, minor: i64) -> bool {
        let mut state = self.lock();
        let txn = state
            .ledger
            .cards
            .values_mut()
            .flat_map(|card| card.txns.iter_mut())
            .find(|t| t.client_id.as_deref() == Some(client_id));
        match txn {
            Some(t) => {
                t.amount = minor;
                true
            }
            None => false,
        }
    }

    /// Books a redemption of `minor` on card `number` now, with no client id (as another
    /// register of the account would); returns its id, or `None` for an unknown card.
    pub fn book_redemption(&self, number: &str, minor: i64) -> Option<String> {
        let mut state = self.lock();
        let id = state.ledger.new_id(0x7a1);
        let card = state.ledger.cards.get_mut(number)?;
        card.txns.push(Txn {
            id: id.clone(),
            amount: -minor,
            kind: TxnKind::Redeeming,
            client_id: None,
            user_id: SIM_USER.into(),
            created_at: OffsetDateTime::now_utc(),
            reversed: false,
        });
        Some(id)
    }
}
