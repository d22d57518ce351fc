//! Leat's own record of this shop's transactions for a shift's reconciliation
//! (`kassa_core::shifts::reconcile`): the gift card transactions of the shop since the shift
//! opened (`GET giftcard-transactions?shop_uuid&created_at[gte]`, every page), and the
//! prepaid transactions of each wallet the shift touched (`GET prepaid-transactions?contact_uuid`).
//! Each record carries our op id in its custom attributes where we made it. A record of ours
//! booked after the shift closed (sent late) still counts; anyone else's only up to the close.
//! Leat's times have whole seconds, so the shift starts at the start of its first second.

use super::paging::{all_pages, MAX_PAGES};
use super::LeatClient;
use super::TransactionFilter;
use async_trait::async_trait;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::shifts::reconcile::{Expected, ProviderLedger, ProviderRecord};
use std::collections::BTreeSet;
use time::OffsetDateTime;

fn too_long(list: &str) -> ProviderError {
    ProviderError::BadResponse {
        message: format!(
            "Leat's {list} for this shift run over {MAX_PAGES} pages: compare it at Leat by hand"
        ),
    }
}

#[async_trait]
impl ProviderLedger for LeatClient {
    fn provider(&self) -> ProviderId {
        ProviderId::Leat
    }

    async fn records(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        ours: &[Expected],
    ) -> Result<Vec<ProviderRecord>, ProviderError> {
        // Leat's times have whole seconds: a record made in the second the shift opened
        // belongs to it.
        let from = from.replace_nanosecond(0).unwrap_or(from);
        let mine: BTreeSet<&str> = ours.iter().map(|e| e.op_id.as_str()).collect();
        let counts = |op: &Option<String>, at: OffsetDateTime| {
            at <= until || op.as_deref().is_some_and(|o| mine.contains(o))
        };
        let filter = TransactionFilter {
            giftcard_hash: None,
            shop_uuid: self.shop_uuid.clone(),
            created_from: Some(from),
            newest_first: false,
            page: 1,
            per_page: 100,
        };
        let cards = all_pages(|page| {
            let f = TransactionFilter {
                page,
                ..filter.clone()
            };
            async move { self.list_giftcard_transactions(&f).await }
        })
        .await?
        .ok_or_else(|| too_long("gift card transactions"))?;
        let mut out: Vec<ProviderRecord> = cards
            .into_iter()
            .filter(|t| t.created_at >= from && counts(&t.op_id, t.created_at))
            .map(|t| ProviderRecord {
                provider_ref: t
                    .uuid
                    .clone()
                    .unwrap_or_else(|| t.id.map_or_else(String::new, |id| id.to_string())),
                op_id: t.op_id,
                card_masked: None,
                amount_minor: t.amount.minor,
            })
            .collect();
        let contacts: BTreeSet<&str> = ours.iter().filter_map(|e| e.contact.as_deref()).collect();
        for contact in contacts {
            let wallet = all_pages(|page| async move {
                self.list_prepaid_transactions(Some(contact), page, 30)
                    .await
            })
            .await?
            .ok_or_else(|| too_long("prepaid transactions"))?;
            out.extend(
                wallet
                    .into_iter()
                    .filter(|t| {
                        t.created_at >= from
                            && counts(&t.op_id, t.created_at)
                            && (self.shop_uuid.is_none() || t.shop_uuid == self.shop_uuid)
                    })
                    .map(|t| ProviderRecord {
                        provider_ref: t.uuid,
                        op_id: t.op_id,
                        card_masked: None,
                        amount_minor: t.amount.minor,
                    }),
            );
        }
        Ok(out)
    }
}
