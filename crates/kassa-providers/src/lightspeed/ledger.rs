//! Lightspeed's own record of this shop's transactions for a shift's reconciliation
//! (`kassa_core::shifts::reconcile`): every card the shift touched, read by Lightspeed's card id
//! (the tender's `card_id`; a finished operation keeps its number masked), with its
//! transactions embedded (Lightspeed has no list of transactions). Each transaction the till
//! made carries our op id as its `client_id`; a reversal carries none, and is ours when its id
//! is the one our reversal got back. A transaction of ours booked after the shift closed (sent
//! late) still counts; anyone else's only up to the close.

use super::LightspeedClient;
use async_trait::async_trait;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::shifts::reconcile::{Expected, ProviderLedger, ProviderRecord};
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

/// The kinds of transaction that move a card's money.
const MOVES_MONEY: [&str; 4] = ["REDEEMING", "RELOADING", "REVERSING", "ACTIVATION"];

#[async_trait]
impl ProviderLedger for LightspeedClient {
    fn provider(&self) -> ProviderId {
        ProviderId::Lightspeed
    }

    async fn records(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        ours: &[Expected],
    ) -> Result<Vec<ProviderRecord>, ProviderError> {
        // Lightspeed's times may have whole seconds: a transaction made in the second the
        // shift opened belongs to it.
        let from = from.replace_nanosecond(0).unwrap_or(from);
        let mine: BTreeSet<&str> = ours.iter().map(|e| e.op_id.as_str()).collect();
        let by_ref: HashMap<&str, &str> = ours
            .iter()
            .filter_map(|e| Some((e.provider_ref.as_deref()?, e.op_id.as_str())))
            .collect();
        let cards: BTreeSet<&str> = ours.iter().filter_map(|e| e.card_id.as_deref()).collect();
        let mut out = Vec::new();
        for id in cards {
            let card = self.card_by_id(id).await?;
            for t in card.transactions {
                if !MOVES_MONEY.contains(&t.kind.as_str()) {
                    continue;
                }
                let op_id = t
                    .client_id
                    .clone()
                    .or_else(|| by_ref.get(t.id.as_str()).map(|op| op.to_string()));
                let at = t.created_at.unwrap_or(until);
                let ours = op_id.as_deref().is_some_and(|o| mine.contains(o));
                if at < from || (at > until && !ours) {
                    continue;
                }
                out.push(ProviderRecord {
                    op_id,
                    provider_ref: t.id,
                    card_masked: None,
                    amount_minor: t.amount.minor,
                });
            }
        }
        Ok(out)
    }
}
