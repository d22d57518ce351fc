//! Test hooks: the back-office's baskets and payments changed behind the till's back, as
//! someone with access to the Shopwave account could (a shift's reconciliation must notice).
//! A payment of the till's is found by the reference at the head of its `Note`
//! (`Kassa payment <reference>`).

use super::ledger::{Transaction, TYPES};
use super::ShopwaveSim;

/// Whether the transaction's `Note` names the till's payment `reference`.
fn names(t: &Transaction, reference: &str) -> bool {
    t.note.as_deref().is_some_and(|note| {
        let mut words = note.split_whitespace();
        words.next() == Some("Kassa")
            && words.next() == Some("payment")
            && words.next() == Some(reference)
    })
}

impl ShopwaveSim {
    /// Deletes basket `id` and its payments; false when there was none.
    pub fn delete_basket(&self, id: u64) -> bool {
        let mut state = self.lock();
        state.ledger.transactions.retain(|_, t| t.basket_id != id);
        state.ledger.baskets.remove(&id).is_some()
    }

    /// Deletes the payment the till made with `reference`; false when none was.
    pub fn delete_payment(&self, reference: &str) -> bool {
        let mut state = self.lock();
        let before = state.ledger.transactions.len();
        state
            .ledger
            .transactions
            .retain(|_, t| !names(t, reference));
        state.ledger.transactions.len() < before
    }

    /// Rewrites the amount (pence) of the payment the till made with `reference`; false when
    /// none was.
    pub fn set_payment_amount(&self, reference: &str, pence: i64) -> bool {
        let mut state = self.lock();
        match state
            .ledger
            .transactions
            .values_mut()
            .find(|t| names(t, reference))
        {
            Some(t) => {
                t.amount = pence;
                true
            }
            None => false,
        }
    }

    /// Adds a completed payment of `pence` and `kind` (one of Shopwave's types) to basket
    /// `basket_id`, with no reference of the till's, as another register could; returns its
    /// id, or `None` for an unknown basket or type.
    pub fn add_payment(&self, basket_id: u64, kind: &str, pence: i64) -> Option<u64> {
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .ok()?;
        let mut state = self.lock();
        let ledger = &mut state.ledger;
        if !ledger.baskets.contains_key(&basket_id) || !TYPES.contains(&kind) {
            return None;
        }
        let id = ledger.new_transaction_id();
        ledger.transactions.insert(
            id,
            Transaction {
                id,
                basket_id,
                kind: kind.into(),
                amount: pence,
                tip: 0,
                note: Some("added at the back-office".into()),
                complete_date: Some(now),
            },
        );
        Some(id)
    }
}
