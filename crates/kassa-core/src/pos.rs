//! Recording sales in the shop's POS back-office (Shopwave): the till's vocabulary for a sale to
//! record, and what a back-office client offers the outbox that drives it.
//!
//! A back-office has no idempotency key. A sale's basket is written into an id the back-office
//! pre-generated, which the outbox keeps with the operation: writing it again is an update by id.
//! Every object carries a reference of ours in a field the back-office keeps (the sale id in the
//! basket's name, the tender's operation id in the payment's note), so that a write whose answer
//! was lost is settled by reading the basket and its payments back by the basket's id before any
//! retry. Writes are batched: each object of a batch gets an outcome of its own, because a batch
//! can succeed in part.

use crate::provider::{ProviderError, ProviderId};
use async_trait::async_trait;
use std::fmt;

/// The longest reference a back-office is sent.
pub const MAX_REFERENCE_LEN: usize = 64;

/// True for a reference that can travel as a map key and, comma-separated, in a filter header:
/// 1 to [`MAX_REFERENCE_LEN`] characters of `A-Z a-z 0-9 . _ : -`.
pub fn is_valid_reference(reference: &str) -> bool {
    (1..=MAX_REFERENCE_LEN).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// How a payment was made, as the back-office books it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentKind {
    Cash,
    /// An external card terminal.
    Card,
    Cheque,
    /// A gift card or voucher.
    Voucher,
    /// A payment app or prepaid wallet.
    App,
}

impl PaymentKind {
    pub const ALL: [PaymentKind; 5] = [
        PaymentKind::Cash,
        PaymentKind::Card,
        PaymentKind::Cheque,
        PaymentKind::Voucher,
        PaymentKind::App,
    ];

    /// `CASH`, `CARD`, `CHEQUE`, `VOUCHER`, `APP`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Cash => "CASH",
            PaymentKind::Card => "CARD",
            PaymentKind::Cheque => "CHEQUE",
            PaymentKind::Voucher => "VOUCHER",
            PaymentKind::App => "APP",
        }
    }

    /// The kind named by [`PaymentKind::as_str`], in any letter case.
    pub fn parse(name: &str) -> Option<PaymentKind> {
        PaymentKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for PaymentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a sale. Amounts are minor units of the till's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosLine {
    pub name: String,
    /// The price of one item as sold (after any price change at the till).
    pub unit_price_minor: i64,
    /// Negative for an item taken back.
    pub quantity: i64,
    /// The back-office's own id of the product instance, where the line is one of its products.
    pub product_instance_id: Option<String>,
}

impl PosLine {
    /// `unit_price_minor × quantity`, saturating (no real line comes near the limit).
    pub fn total_minor(&self) -> i64 {
        self.unit_price_minor.saturating_mul(self.quantity)
    }
}

/// One payment of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosPayment {
    /// Our reference of this payment (the tender's operation id); see [`is_valid_reference`].
    pub reference: String,
    pub kind: PaymentKind,
    pub amount_minor: i64,
    pub tip_minor: i64,
    pub note: Option<String>,
}

/// A completed sale of the till, to be recorded in the back-office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosSale {
    /// Our sale id, the basket's reference; see [`is_valid_reference`].
    pub reference: String,
    /// The back-office's store; `None` for the store the back-office client is configured with.
    pub store_id: Option<String>,
    pub lines: Vec<PosLine>,
    pub payments: Vec<PosPayment>,
    pub note: Option<String>,
}

impl PosSale {
    /// The sum of the lines.
    pub fn total_minor(&self) -> i64 {
        self.lines
            .iter()
            .fold(0i64, |sum, l| sum.saturating_add(l.total_minor()))
    }

    /// The sale's payments, to be created against the back-office basket `basket_id`.
    pub fn payments_for(&self, basket_id: &str) -> Vec<PaymentToRecord> {
        self.payments
            .iter()
            .map(|payment| PaymentToRecord {
                basket_id: basket_id.to_string(),
                payment: payment.clone(),
            })
            .collect()
    }
}

/// The payload of a `record_sale` operation for `sale` (its reference travels as the op's
/// sale id).
pub fn sale_payload(sale: &PosSale) -> serde_json::Value {
    serde_json::json!({
        "store_id": sale.store_id,
        "note": sale.note,
        "lines": sale.lines.iter().map(|l| serde_json::json!({
            "name": l.name,
            "unit_price_minor": l.unit_price_minor,
            "quantity": l.quantity,
            "product_instance_id": l.product_instance_id,
        })).collect::<Vec<_>>(),
        "payments": sale.payments.iter().map(|p| serde_json::json!({
            "reference": p.reference,
            "kind": p.kind.as_str(),
            "amount_minor": p.amount_minor,
            "tip_minor": p.tip_minor,
            "note": p.note,
        })).collect::<Vec<_>>(),
    })
}

/// A sale to write into a basket the back-office pre-generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketToWrite {
    /// The back-office's id of the basket.
    pub basket_id: String,
    pub sale: PosSale,
}

/// A payment to create against a basket the back-office already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentToRecord {
    /// The back-office's id of the basket.
    pub basket_id: String,
    pub payment: PosPayment,
}

/// A basket as the back-office holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedBasket {
    /// Our reference (the sale id); empty for a basket no sale was written into yet.
    pub reference: String,
    /// The back-office's id.
    pub id: String,
    pub store_id: String,
    pub lines: Vec<PosLine>,
    pub note: Option<String>,
    /// Complete: the back-office takes no more changes to it.
    pub completed: bool,
}

impl RecordedBasket {
    /// The sum of the lines.
    pub fn total_minor(&self) -> i64 {
        self.lines
            .iter()
            .fold(0i64, |sum, l| sum.saturating_add(l.total_minor()))
    }
}

/// A payment transaction as the back-office holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPayment {
    /// Our reference (the tender's operation id); empty for a payment Kassa did not make.
    pub reference: String,
    /// The back-office's id.
    pub id: String,
    /// The back-office's id of the basket it pays.
    pub basket_id: String,
    pub kind: PaymentKind,
    pub amount_minor: i64,
    pub tip_minor: i64,
    pub note: Option<String>,
    /// Complete: the back-office takes no more changes to it.
    pub completed: bool,
}

/// What became of one object of a batched write. An object the back-office already had
/// complete counts as completed: repeating a completion is harmless.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectOutcome<T> {
    /// Our reference of the object.
    pub reference: String,
    /// `OutcomeUnknown` when the write may or may not have happened: read back by the
    /// reference before writing again.
    pub result: Result<T, ProviderError>,
}

/// What a POS back-office client offers the outbox. Each write takes a batch of objects, which
/// the client splits into as many calls as the back-office needs, and answers one outcome per
/// object, in the order given.
///
/// The sale flow: [`new_baskets`](PosRecorder::new_baskets) (an id per sale, kept by the
/// caller), [`write_baskets`](PosRecorder::write_baskets) (the lines, into that id), then
/// [`create_payments`](PosRecorder::create_payments) against the baskets, then
/// [`complete_payments`](PosRecorder::complete_payments) and
/// [`complete_baskets`](PosRecorder::complete_baskets). Payment creates are not idempotent: read
/// the basket's payments back before sending one again. Completions are (a repeated completion
/// is success).
#[async_trait]
pub trait PosRecorder: Send + Sync {
    fn id(&self) -> ProviderId;

    /// How long after a write without an answer the back-office may still apply it: nothing is
    /// read back sooner.
    fn settle_time(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    /// Pre-generates an empty basket for each sale and answers its id. A lost answer leaves an
    /// empty basket behind, never a sale.
    async fn new_baskets(&self, sales: &[PosSale]) -> Vec<ObjectOutcome<String>>;

    /// Writes each sale (its reference, note and lines, not its payments) into its
    /// pre-generated basket.
    async fn write_baskets(&self, baskets: &[BasketToWrite]) -> Vec<ObjectOutcome<RecordedBasket>>;

    /// Creates payment transactions against baskets; they stay open until completed.
    async fn create_payments(
        &self,
        payments: &[PaymentToRecord],
    ) -> Vec<ObjectOutcome<RecordedPayment>>;

    /// Completes payment transactions, after which they cannot change.
    async fn complete_payments(
        &self,
        payments: &[RecordedPayment],
    ) -> Vec<ObjectOutcome<RecordedPayment>>;

    /// Completes baskets, after which they cannot change.
    async fn complete_baskets(
        &self,
        baskets: &[RecordedBasket],
    ) -> Vec<ObjectOutcome<RecordedBasket>>;

    /// The baskets the back-office has under these ids of its own; unknown ones are left out.
    async fn find_baskets(&self, ids: &[String]) -> Result<Vec<RecordedBasket>, ProviderError>;

    /// The payments against the baskets with these ids; baskets without any are left out.
    async fn find_payments(
        &self,
        basket_ids: &[String],
    ) -> Result<Vec<RecordedPayment>, ProviderError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_kinds_read_back_as_written() {
        for kind in PaymentKind::ALL {
            assert_eq!(PaymentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PaymentKind::parse(" voucher "), Some(PaymentKind::Voucher));
        assert_eq!(PaymentKind::parse("GIFT"), None);
    }

    #[test]
    fn references_fit_a_map_key_and_a_header_list() {
        assert!(is_valid_reference("0190f3a2-7c1e-7000-8000-000000000001"));
        assert!(is_valid_reference("sale-17.p2"));
        assert!(!is_valid_reference(""));
        assert!(!is_valid_reference("a,b"));
        assert!(!is_valid_reference("with space"));
        assert!(!is_valid_reference(&"x".repeat(MAX_REFERENCE_LEN + 1)));
    }

    #[test]
    fn a_sale_totals_its_lines_and_pays_against_a_basket() {
        let sale = PosSale {
            reference: "s1".into(),
            store_id: None,
            lines: vec![
                PosLine {
                    name: "Tea".into(),
                    unit_price_minor: 250,
                    quantity: 2,
                    product_instance_id: None,
                },
                PosLine {
                    name: "Mug returned".into(),
                    unit_price_minor: 499,
                    quantity: -1,
                    product_instance_id: Some("77".into()),
                },
            ],
            payments: vec![PosPayment {
                reference: "s1.p1".into(),
                kind: PaymentKind::Cash,
                amount_minor: 1,
                tip_minor: 0,
                note: None,
            }],
            note: None,
        };
        assert_eq!(sale.total_minor(), 1);
        let to_record = sale.payments_for("5541");
        assert_eq!(to_record.len(), 1);
        assert_eq!(to_record[0].basket_id, "5541");
        assert_eq!(to_record[0].payment.reference, "s1.p1");
    }
}
