//! zmyle's own record of the shift's payments for its reconciliation
//! (`kassa_core::shifts::reconcile`). zmyle documents two reads: a card by
//! `gift_cards/find?query=` (its short id or QR content, with its transactions) and a hold by
//! `GET transaction_intents/{id}`. A finished operation keeps its card's code masked, so cards
//! cannot be read: each confirm of the shift is compared through its hold, read by the intent
//! id its reserve got back. A hold zmyle shows confirmed is a record of the amount it took
//! (under the card transaction the confirm made); one shown cancelled, expired or still open
//! took nothing (an amount of 0); one zmyle does not know has no record (missing).
//!
//! zmyle has no read of a transaction by id, so refunds (`POST transactions/{id}/refund`) and
//! activations are not compared, and payments booked at zmyle behind the till's back cannot be
//! found: they are listed only on a card's record, which needs the card's code
//! ([`ProviderLedger::blind_spot`], told on the Z report).

use super::{IntentStatus, ZmyleClient};
use async_trait::async_trait;
use kassa_core::lang::Text;
use kassa_core::outbox::OpKind;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::shifts::reconcile::{Expected, ProviderLedger, ProviderRecord};
use time::OffsetDateTime;

/// zmyle's error for a hold it does not know.
const NO_SUCH_INTENT: &str = "api:biz:noSuchTransactionIntent";

#[async_trait]
impl ProviderLedger for ZmyleClient {
    fn provider(&self) -> ProviderId {
        ProviderId::Zmyle
    }

    /// A confirm, read through its hold.
    fn reads(&self, ours: &Expected) -> bool {
        ours.kind == OpKind::Confirm && ours.depends_on_ref.is_some()
    }

    fn blind_spot(&self) -> Option<Text> {
        Some(Text::ZmyleBlindSpot)
    }

    async fn records(
        &self,
        _from: OffsetDateTime,
        _until: OffsetDateTime,
        ours: &[Expected],
    ) -> Result<Vec<ProviderRecord>, ProviderError> {
        let mut out = Vec::new();
        for e in ours {
            let Some(intent_id) = e.depends_on_ref.as_deref() else {
                continue;
            };
            let intent = match self.intent(intent_id).await {
                Ok(intent) => intent,
                Err(ProviderError::Declined { code, .. }) if code == NO_SUCH_INTENT => continue,
                Err(e) => return Err(e),
            };
            let took = match intent.status {
                IntentStatus::Succeeded => -intent.amount,
                _ => 0,
            };
            out.push(ProviderRecord {
                op_id: Some(e.op_id.clone()),
                provider_ref: intent.giftcard_transaction_id.unwrap_or(intent.id),
                card_masked: None,
                amount_minor: took,
            });
        }
        Ok(out)
    }
}
