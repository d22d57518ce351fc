//! Test hooks: the account's gift card transactions changed behind the till's back, as someone
//! with access to the Leat account could (a shift's reconciliation must notice). Leat's API has
//! no call for any of these.

use super::{mark, LeatSim, DEFAULT_SHOP_UUID};
use crate::leat::ledger::GiftcardTxn;

impl LeatSim {
    /// Deletes the gift card transaction carrying `mark` under `attribute`; false when none does.
    pub fn delete_marked_transaction(&self, attribute: &str, mark_value: &str) -> bool {
        let mut ledger = self.ledger();
        let before = ledger.giftcard_txns.len();
        ledger
            .giftcard_txns
            .retain(|t| mark(&t.custom_attributes, attribute).as_deref() != Some(mark_value));
        ledger.giftcard_txns.len() < before
    }

    /// Rewrites the amount of the gift card transaction carrying `mark`; false when none does.
    pub fn set_marked_transaction_amount(
        &self,
        attribute: &str,
        mark_value: &str,
        cents: i64,
    ) -> bool {
        let mut ledger = self.ledger();
        match ledger
            .giftcard_txns
            .iter_mut()
            .find(|t| mark(&t.custom_attributes, attribute).as_deref() == Some(mark_value))
        {
            Some(t) => {
                t.amount_in_cents = cents;
                true
            }
            None => false,
        }
    }

    /// Books a transaction on card `hash` in the default shop now, carrying no mark; returns
    /// its uuid.
    pub fn book_unmarked_transaction(&self, hash: &str, cents: i64) -> String {
        let mut ledger = self.ledger();
        let (id, uuid) = ledger.next(0x7a4d);
        ledger.giftcard_txns.push(GiftcardTxn {
            id,
            uuid: uuid.clone(),
            card_hash: hash.to_string(),
            amount_in_cents: cents,
            shop_uuid: Some(DEFAULT_SHOP_UUID.to_string()),
            created_at: super::now(),
            custom_attributes: Default::default(),
        });
        if let Some(card) = ledger.cards.get_mut(hash) {
            card.amount_in_cents += cents;
        }
        uuid
    }
}
