//! Settling a gift card transaction whose answer never came. Leat has no idempotency key, so
//! the card's transactions are read back (docs/design.md §4.2): ours carries the till's
//! operation id in `custom_attributes`; where Leat does not echo custom attributes, or the till
//! sends none (`op_id_attribute = ""`), a transaction of the same amount at the same shop within
//! the configured window around the send time is taken as ours when there is exactly one.
//! Prepaid transactions are settled the same way from the contact's transactions. A reversal
//! is settled by what follows the transaction it undoes.

use super::giftcards::TransactionFilter;
use super::paging::{all_pages, MAX_PAGES};
use super::types::{GiftcardTransaction, PrepaidTransaction};
use super::LeatClient;
use kassa_core::money::Money;
use kassa_core::provider::ProviderError;
use time::OffsetDateTime;

/// Prepaid transactions a page: Leat's maximum.
const PREPAID_PER_PAGE: u32 = 30;

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
    /// The till's operation id, if it was sent in `custom_attributes`.
    pub op_id: Option<String>,
    /// The wallet's contact (a scanned customer card's contact, see `lookup`).
    pub contact_uuid: String,
    /// The signed amount that was sent.
    pub amount: Money,
    /// When the request left the till.
    pub sent_at: OffsetDateTime,
}

/// The reversal of a gift card transaction (or the top-up that replaces it) that was sent
/// without an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownReversal {
    /// The reversing operation's id, which a replacing top-up carries.
    pub op_id: String,
    /// The undone transaction's operation id: Leat's reversal repeats its custom attributes.
    pub original_op_id: Option<String>,
    /// Leat's uuid of the undone transaction.
    pub original_uuid: String,
    pub giftcard_hash: String,
    /// The amount put back on the card (positive).
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
        let filter = TransactionFilter {
            shop_uuid: self.shop_uuid.clone(),
            newest_first: true,
            ..TransactionFilter::card(&write.giftcard_hash)
        };
        let Some(seen) = self.card_window(filter, write.sent_at).await? else {
            return Ok(too_many_on_the_card());
        };
        Ok(settle(write, self.marks().then_some(&write.op_id), seen))
    }

    /// Reads the contact's prepaid transactions at the till's shop within the window around
    /// `sent_at`: the one marked with our operation id; where Leat echoes no custom
    /// attributes (or the till sends none), the one of the same amount if there is exactly one.
    pub async fn reconcile_prepaid_transaction(
        &self,
        write: &UnknownPrepaidWrite,
    ) -> Result<Reconciliation<PrepaidTransaction>, ProviderError> {
        let (from, until) = self.window(write.sent_at);
        let listed = all_pages(|page| {
            self.list_prepaid_transactions(Some(&write.contact_uuid), page, PREPAID_PER_PAGE)
        })
        .await?;
        let Some(listed) = listed else {
            return Ok(Reconciliation::StillUnknown {
                reason: format!(
                    "the contact has more than {} prepaid transactions to check",
                    MAX_PAGES * PREPAID_PER_PAGE
                ),
            });
        };
        let seen = listed
            .into_iter()
            .filter(|t| {
                (from..=until).contains(&t.created_at)
                    && (self.shop_uuid.is_none() || t.shop_uuid == self.shop_uuid)
            })
            .collect();
        let op_id = write.op_id.as_deref().filter(|_| self.marks());
        Ok(settle_prepaid(write, op_id, seen))
    }

    /// Lists the card's transactions from the window before `sent_at` on, oldest first, and
    /// finds the reversal or the top-up that the write made, if any.
    pub async fn reconcile_giftcard_reversal(
        &self,
        write: &UnknownReversal,
    ) -> Result<Reconciliation, ProviderError> {
        let filter = TransactionFilter::card(&write.giftcard_hash);
        let Some(seen) = self.card_window(filter, write.sent_at).await? else {
            return Ok(too_many_on_the_card());
        };
        Ok(settle_reversal(write, self.marks(), seen))
    }

    /// Whether the till marks its writes with its operation id (`op_id_attribute` not `""`).
    fn marks(&self) -> bool {
        self.op_id_attribute.is_some()
    }

    /// A card's transactions under `filter` within the window around `sent_at`; `None` when
    /// there are more than [`MAX_PAGES`] pages of them.
    async fn card_window(
        &self,
        filter: TransactionFilter,
        sent_at: OffsetDateTime,
    ) -> Result<Option<Vec<GiftcardTransaction>>, ProviderError> {
        let (from, until) = self.window(sent_at);
        let filter = TransactionFilter {
            created_from: Some(from),
            ..filter
        };
        let listed = all_pages(|page| {
            let filter = TransactionFilter {
                page,
                ..filter.clone()
            };
            async move { self.list_giftcard_transactions(&filter).await }
        })
        .await?;
        Ok(listed.map(|all| all.into_iter().filter(|t| t.created_at <= until).collect()))
    }

    /// The configured window on either side of a send time.
    fn window(&self, sent_at: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
        let window =
            time::Duration::try_from(self.reconcile_window).unwrap_or(time::Duration::HOUR);
        (sent_at - window, sent_at + window)
    }
}

fn too_many_on_the_card() -> Reconciliation {
    Reconciliation::StillUnknown {
        reason: format!("the card has more than {MAX_PAGES} pages of transactions in the window"),
    }
}

/// What settling looks at in a transaction Leat lists, gift card or prepaid.
trait Listed: Clone {
    fn op_id(&self) -> Option<&str>;
    fn amount(&self) -> &Money;
    fn has_custom_attributes(&self) -> bool;
}

impl Listed for GiftcardTransaction {
    fn op_id(&self) -> Option<&str> {
        self.op_id.as_deref()
    }
    fn amount(&self) -> &Money {
        &self.amount
    }
    fn has_custom_attributes(&self) -> bool {
        self.has_custom_attributes
    }
}

impl Listed for PrepaidTransaction {
    fn op_id(&self) -> Option<&str> {
        self.op_id.as_deref()
    }
    fn amount(&self) -> &Money {
        &self.amount
    }
    fn has_custom_attributes(&self) -> bool {
        self.has_custom_attributes
    }
}

/// Ours is the transaction marked with our op id and the amount we sent. Where Leat echoes
/// custom attributes and none is ours, the write was not applied; where it echoes none, a
/// single transaction of the amount in the window is taken as ours; several leave it unknown,
/// for the reason `several` gives.
fn settle_listed<T: Listed>(
    op_id: Option<&str>,
    amount: &Money,
    seen: Vec<T>,
    several: fn(usize, &Money) -> String,
) -> Reconciliation<T> {
    if let Some(op_id) = op_id {
        // A reversal repeats the original's attributes with the negated amount: match both.
        if let Some(ours) = seen
            .iter()
            .find(|t| t.op_id() == Some(op_id) && t.amount() == amount)
        {
            return Reconciliation::Applied(ours.clone());
        }
        if seen.iter().any(Listed::has_custom_attributes) {
            // Leat echoes custom attributes, and none of these is ours.
            return Reconciliation::NotApplied;
        }
    }
    let mut same_amount: Vec<_> = seen.into_iter().filter(|t| t.amount() == amount).collect();
    match same_amount.len() {
        0 => Reconciliation::NotApplied,
        1 => Reconciliation::Applied(same_amount.remove(0)),
        n => Reconciliation::StillUnknown {
            reason: several(n, amount),
        },
    }
}

/// `op_id`: the till's operation id if the write carried it.
fn settle(
    write: &UnknownWrite,
    op_id: Option<&str>,
    seen: Vec<GiftcardTransaction>,
) -> Reconciliation {
    settle_listed(op_id, &write.amount, seen, |n, amount| {
        format!("{n} transactions of {amount} on this card in the window, none marked with the till's operation id")
    })
}

fn settle_prepaid(
    write: &UnknownPrepaidWrite,
    op_id: Option<&str>,
    seen: Vec<PrepaidTransaction>,
) -> Reconciliation<PrepaidTransaction> {
    settle_listed(op_id, &write.amount, seen, |n, amount| {
        format!("{n} prepaid transactions of {amount} for this contact in the window")
    })
}

/// `marks`: whether the till marks its writes; where it does not, a transaction's custom
/// attributes (somebody else's) say nothing about whether it is ours.
fn settle_reversal(
    write: &UnknownReversal,
    marks: bool,
    seen: Vec<GiftcardTransaction>,
) -> Reconciliation {
    let ours = |t: &&GiftcardTransaction| {
        t.amount == write.amount
            && t.op_id
                .as_deref()
                .is_some_and(|id| id == write.op_id || write.original_op_id.as_deref() == Some(id))
    };
    if let Some(found) = seen.iter().find(ours) {
        return Reconciliation::Applied(found.clone());
    }
    // Only what came after the undone transaction can undo it.
    let after = match seen
        .iter()
        .position(|t| t.uuid.as_deref() == Some(write.original_uuid.as_str()))
    {
        Some(i) => &seen[i + 1..],
        None => &seen[..],
    };
    let unmarked: Vec<_> = after
        .iter()
        .filter(|t| t.amount == write.amount && !(marks && t.has_custom_attributes))
        .collect();
    let echoes = marks && seen.iter().any(|t| t.has_custom_attributes);
    match (unmarked.len(), echoes) {
        (0, _) => Reconciliation::NotApplied,
        (1, false) => Reconciliation::Applied(unmarked[0].clone()),
        // Leat marks the till's own transactions, yet this one is not: it may be our reversal
        // without the original's attributes, or somebody else's top-up.
        (_, true) => Reconciliation::StillUnknown {
            reason: format!(
                "a top-up of {} without the till's mark follows the transaction to undo: check whether it is the reversal",
                write.amount
            ),
        },
        (n, false) => Reconciliation::StillUnknown {
            reason: format!(
                "{n} top-ups of {} follow the transaction to undo, none marked with the till's operation id",
                write.amount
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(cents: i64) -> Money {
        Money::new(cents, "EUR".to_string().try_into().unwrap())
    }

    fn txn(uuid: &str, cents: i64, op_id: Option<&str>, marked: bool) -> GiftcardTransaction {
        GiftcardTransaction {
            id: None,
            uuid: Some(uuid.into()),
            amount: eur(cents),
            card_uuid: None,
            shop_uuid: None,
            settled: false,
            created_at: OffsetDateTime::UNIX_EPOCH,
            op_id: op_id.map(str::to_string),
            has_custom_attributes: marked,
        }
    }

    fn reversal_of(original: &str) -> UnknownReversal {
        UnknownReversal {
            op_id: "op-reverse".into(),
            original_op_id: Some("op-redeem".into()),
            original_uuid: original.into(),
            giftcard_hash: "41651".into(),
            amount: eur(1000),
            sent_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_reversal_is_found_by_the_original_mark_or_its_own_and_not_before_the_original() {
        let write = reversal_of("t-2");
        let reversed = vec![
            txn("t-1", 1000, Some("op-reload"), true),
            txn("t-2", -1000, Some("op-redeem"), true),
            txn("t-3", 1000, Some("op-redeem"), true),
        ];
        assert!(matches!(
            settle_reversal(&write, true, reversed),
            Reconciliation::Applied(t) if t.uuid.as_deref() == Some("t-3")
        ));
        let topped_up = vec![
            txn("t-2", -1000, Some("op-redeem"), true),
            txn("t-3", 1000, Some("op-reverse"), true),
        ];
        assert!(matches!(
            settle_reversal(&write, true, topped_up),
            Reconciliation::Applied(t) if t.uuid.as_deref() == Some("t-3")
        ));
        // Unmarked (Leat echoes nothing): a top-up of the amount before the payment is not it.
        let not_yet = vec![
            txn("t-1", 1000, None, false),
            txn("t-2", -1000, None, false),
        ];
        assert_eq!(
            settle_reversal(&write, true, not_yet),
            Reconciliation::NotApplied
        );
        let unmarked = vec![
            txn("t-1", 1000, None, false),
            txn("t-2", -1000, None, false),
            txn("t-3", 1000, None, false),
        ];
        assert!(matches!(
            settle_reversal(&write, true, unmarked),
            Reconciliation::Applied(t) if t.uuid.as_deref() == Some("t-3")
        ));
    }

    #[test]
    fn an_unmarked_top_up_after_the_payment_where_leat_marks_transactions_asks_a_person() {
        // Were Leat's reversal not to repeat the original's attributes, sending the reversal
        // again would be refused (55025) and replaced by a second top-up: a person decides.
        let seen = vec![
            txn("t-2", -1000, Some("op-redeem"), true),
            txn("t-3", 1000, None, false),
        ];
        assert!(matches!(
            settle_reversal(&reversal_of("t-2"), true, seen),
            Reconciliation::StillUnknown { .. }
        ));
    }

    #[test]
    fn a_till_that_marks_nothing_reads_other_systems_attributes_as_saying_nothing() {
        let write = UnknownReversal {
            original_op_id: None,
            ..reversal_of("t-2")
        };
        // Somebody else's attribute on every transaction, none of them the till's.
        let seen = vec![txn("t-2", -1000, None, true), txn("t-3", 1000, None, true)];
        assert!(matches!(
            settle_reversal(&write, false, seen.clone()),
            Reconciliation::Applied(t) if t.uuid.as_deref() == Some("t-3")
        ));
        // A till that marks its writes knows that one is not its own.
        assert_eq!(
            settle_reversal(&write, true, seen),
            Reconciliation::NotApplied
        );
    }
}
