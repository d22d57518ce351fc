//! Shopwave's own record of the shift's sales for its reconciliation
//! (`kassa_core::shifts::reconcile`): each `record_sale` of the shift (a sale or a refund) is a
//! basket whose id is the operation's `provider_ref`, and each payment it recorded an
//! [`Expected`] under the payment's reference. The baskets' payments are read back by the
//! documented `basketIds` filter on `GET /transaction`; a payment carries our reference at the
//! head of its `Note`, and one without it (added at Shopwave) is nobody's of ours. A basket
//! Shopwave no longer has shows no payments, so each of its payments is missing.

use super::ShopwaveClient;
use async_trait::async_trait;
use kassa_core::pos::PosRecorder;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::shifts::reconcile::{Expected, ProviderLedger, ProviderRecord};
use std::collections::BTreeSet;
use time::OffsetDateTime;

#[async_trait]
impl ProviderLedger for ShopwaveClient {
    fn provider(&self) -> ProviderId {
        ProviderId::Shopwave
    }

    async fn records(
        &self,
        _from: OffsetDateTime,
        _until: OffsetDateTime,
        ours: &[Expected],
    ) -> Result<Vec<ProviderRecord>, ProviderError> {
        let baskets: BTreeSet<&str> = ours
            .iter()
            .filter_map(|e| e.provider_ref.as_deref())
            .collect();
        if baskets.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<String> = baskets.into_iter().map(str::to_string).collect();
        let payments = self.find_payments(&ids).await?;
        Ok(payments
            .into_iter()
            .map(|p| ProviderRecord {
                op_id: Some(p.reference).filter(|r| !r.is_empty()),
                provider_ref: p.id,
                card_masked: None,
                amount_minor: p.amount_minor,
            })
            .collect())
    }
}
