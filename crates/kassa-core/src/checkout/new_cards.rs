//! New gift cards sold with no code to scan: the provider makes the card once the sale is paid
//! (a Leat digital gift card), and the customer learns its code from the receipt. The card line
//! is marked by its key ([`NEW_CARD_KEY`]); the executor notes the card it made on the
//! operation (`ops.provider_ref`, [`MadeCard::to_ref`]) before loading it, and Complete waits,
//! bounded like the card tenders, until the card is made so the receipt printed after Paid has
//! its code.

use super::model::{CardLine, Sale};
use super::{Checkout, CheckoutError};
use crate::outbox::OpState;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How a new card's line key starts: there is no code to hash, and each new card is its own.
pub const NEW_CARD_KEY: &str = "new:";

/// A card line that sells a new card, made by its provider after the sale.
pub fn is_new_card(card: &CardLine) -> bool {
    card.card_key.starts_with(NEW_CARD_KEY)
}

/// The card a provider made for a new card line, as noted on its operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeCard {
    /// The provider's id of the card.
    pub uuid: String,
    /// The card's full code (Leat's hash): what the customer bought.
    pub code: String,
    /// Where the holder sees the card, when the provider says.
    pub url: Option<String>,
}

impl MadeCard {
    /// The form kept in `ops.provider_ref`.
    pub fn to_ref(&self) -> String {
        serde_json::to_string(self).expect("a made card serialises")
    }

    /// The card noted in an operation's `provider_ref`, if it is one.
    pub fn from_ref(provider_ref: &str) -> Option<MadeCard> {
        serde_json::from_str(provider_ref).ok()
    }
}

impl Checkout {
    /// Waits until each new card of the sale is made (its operation notes it), its operation
    /// is final, or it cannot be made before `[checkout] charge_timeout_ms` has passed.
    pub(super) async fn wait_for_new_cards(&self, sale: &Sale) -> Result<(), CheckoutError> {
        let ids: Vec<String> = sale
            .lines
            .iter()
            .filter_map(|l| l.card.as_ref().filter(|c| is_new_card(c)))
            .filter_map(|c| c.op_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let timeout = self.config.charge_timeout();
        let started = Instant::now();
        let deadline = self.clock.now() + timeout;
        let mut link = self.link.clone();
        loop {
            let mut waiting = false;
            for p in self.store.op_progress(&ids)? {
                let made = p.state.is_final()
                    || self
                        .store
                        .op(&p.id)?
                        .is_some_and(|op| op.provider_ref.is_some());
                // No answer to be had before the deadline: retry or settle time after it.
                let later = p.attempts > 0
                    && matches!(p.state, OpState::Pending | OpState::Unknown)
                    && p.next_attempt_at.is_none_or(|next| next > deadline);
                waiting |= !made && !later;
            }
            let left = timeout.saturating_sub(started.elapsed());
            if !waiting || left.is_zero() {
                return Ok(());
            }
            // The card is noted without an outcome written: polled, and woken by outcomes.
            tokio::select! {
                _ = link.written() => {}
                _ = tokio::time::sleep(left.min(Duration::from_millis(50))) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_card_travels_in_the_operations_reference() {
        let card = MadeCard {
            uuid: "u-1".into(),
            code: "4165100099".into(),
            url: Some("https://leat.example/giftcard-balance?hash=4165100099".into()),
        };
        assert_eq!(MadeCard::from_ref(&card.to_ref()), Some(card));
        assert_eq!(MadeCard::from_ref("355892c5-transaction-uuid"), None);
    }
}
