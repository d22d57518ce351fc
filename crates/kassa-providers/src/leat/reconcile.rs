//! Settling a gift card transaction whose answer never came. Leat has no idempotency key, so
//! the card's transactions are read back (GUIDE §4.2): ours carries the till's operation id in
//! `custom_attributes`; where Leat does not echo custom attributes, a transaction of the same
//! amount at the same shop within the configured window around the send time is taken as ours
//! when there is exactly one. Prepaid transactions take no custom attributes, so a prepaid
//! write is always settled that way, from the contact's transactions.

use super::giftcards::TransactionFilter;
use super::types::{GiftcardTransaction, PrepaidTransaction};
use super::LeatClient;
use kassa_core::money::Money;
use kassa_core::provider::ProviderError;
use time::OffsetDateTime;

/// At most this many pages of 100 transactions are read before giving up.
const MAX_PAGES: u32 = 10;

/// A gift card transaction that was sent without an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownWrite {
    /// The till's operation id, sent in `custom_attributes`.
    pub op_id: String,
    pub giftcard_hash: String,
    /// The signed amount that was sent.
    pub amount: Money,
    /// When the request left the till.
    pub sent_at: OffsetDateTime,
}

/// A prepaid transaction that was sent without an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownPrepaidWrite {
    /// The wallet's contact (a scanned customer card's contact, see `lookup`).
    pub contact_uuid: String,
    /// The signed amount that was sent.
    pub amount: Money,
    /// When the request left the till.
    pub sent_at: OffsetDateTime,
}

/// What Leat's records say about a write whose answer never came.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconciliation<T = GiftcardTransaction> {
    /// It was made: this is the transaction.
    Applied(T),
    /// It was not made: safe to send again.
    NotApplied,
    /// The records do not tell; a person must look (the reason says why).
    StillUnknown { reason: String },
}

impl LeatClient {
    /// Lists the card's transactions at the till's shop from the window before `sent_at` on
    /// and finds the one the write made, if any.
    pub async fn reconcile_giftcard_transaction(
        &self,
        write: &UnknownWrite,
    ) -> Result<Reconciliation, ProviderError> {
        let window =
            time::Duration::try_from(self.reconcile_window).unwrap_or(time::Duration::HOUR);
        let (from, until) = (write.sent_at - window, write.sent_at + window);
        let mut filter = TransactionFilter {
            shop_uuid: self.shop_uuid.clone(),
            created_from: Some(from),
            newest_first: true,
            ..TransactionFilter::card(&write.giftcard_hash)
        };
        let mut seen: Vec<GiftcardTransaction> = Vec::new();
        loop {
            let page = self.list_giftcard_transactions(&filter).await?;
            let done = page.items.is_empty() || page.page >= page.last_page;
            seen.extend(page.items.into_iter().filter(|t| t.created_at <= until));
            if done {
                break;
            }
            if filter.page >= MAX_PAGES {
                return Ok(Reconciliation::StillUnknown {
                    reason: format!(
                        "the card has more than {} transactions in the window",
                        MAX_PAGES * filter.per_page
                    ),
                });
            }
            filter.page += 1;
        }
        Ok(settle(write, seen))
    }

    /// Reads the contact's prepaid transactions at the till's shop and takes the one of the
    /// same amount within the window around `sent_at`, if there is exactly one.
    pub async fn reconcile_prepaid_transaction(
        &self,
        write: &UnknownPrepaidWrite,
    ) -> Result<Reconciliation<PrepaidTransaction>, ProviderError> {
        let (from, until) = self.window(write.sent_at);
        let mut candidates = Vec::new();
        for page_no in 1..=MAX_PAGES {
            let page = self
                .list_prepaid_transactions(Some(&write.contact_uuid), page_no, 30)
                .await?;
            let done = page.items.is_empty() || page.page >= page.last_page;
            candidates.extend(page.items.into_iter().filter(|t| {
                t.amount == write.amount
                    && (from..=until).contains(&t.created_at)
                    && (self.shop_uuid.is_none() || t.shop_uuid == self.shop_uuid)
            }));
            if done {
                return Ok(match candidates.len() {
                    0 => Reconciliation::NotApplied,
                    1 => Reconciliation::Applied(candidates.remove(0)),
                    n => Reconciliation::StillUnknown {
                        reason: format!(
                            "{n} prepaid transactions of {} for this contact in the window",
                            write.amount
                        ),
                    },
                });
            }
        }
        Ok(Reconciliation::StillUnknown {
            reason: format!(
                "the contact has more than {} prepaid transactions to check",
                MAX_PAGES * 30
            ),
        })
    }

    /// The configured window on either side of a send time.
    fn window(&self, sent_at: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
        let window =
            time::Duration::try_from(self.reconcile_window).unwrap_or(time::Duration::HOUR);
        (sent_at - window, sent_at + window)
    }
}

fn settle(write: &UnknownWrite, seen: Vec<GiftcardTransaction>) -> Reconciliation {
    // A reversal repeats the original's attributes with the negated amount: match both.
    if let Some(ours) = seen
        .iter()
        .find(|t| t.op_id.as_deref() == Some(write.op_id.as_str()) && t.amount == write.amount)
    {
        return Reconciliation::Applied(ours.clone());
    }
    if seen.iter().any(|t| t.has_custom_attributes) {
        // Leat echoes custom attributes, and none of these is ours.
        return Reconciliation::NotApplied;
    }
    let mut same_amount: Vec<_> = seen
        .into_iter()
        .filter(|t| t.amount == write.amount)
        .collect();
    match same_amount.len() {
        0 => Reconciliation::NotApplied,
        1 => Reconciliation::Applied(same_amount.remove(0)),
        n => Reconciliation::StillUnknown {
            reason: format!(
                "{n} transactions of {} on this card in the window, none marked with the till's operation id",
                write.amount
            ),
        },
    }
}
