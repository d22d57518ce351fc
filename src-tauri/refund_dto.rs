//! The refund screen's DTOs: a refund or void with each part's progress as the cashier reads it,
//! and what a sale may still give back.

use crate::sale_dto::SaleDto;
use kassa_core::checkout::refunds::{PartKind, Refund, RefundPart, Refundable};
use kassa_core::checkout::Sale;
use kassa_core::lang::Language;
use kassa_core::outbox::OpState;
use kassa_core::store::Store;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RefundPartDto {
    /// `card` (back onto the card that paid), `reload` (onto another gift card), `cash`,
    /// `terminal`.
    pub kind: String,
    pub provider: Option<String>,
    pub provider_name: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: i64,
    /// What the cashier reads: `pay out of the drawer`, `refund on the card terminal`,
    /// `sending…`, `done`, `in review: give the money back another way`.
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefundDto {
    pub id: String,
    pub number: i64,
    /// `refund` or `void`.
    pub kind: String,
    pub sale_id: String,
    pub sale_number: i64,
    pub currency: String,
    pub reason: String,
    pub amount_minor: i64,
    pub approved_by: Option<String>,
    pub parts: Vec<RefundPartDto>,
    /// The back-office record's state (`pending`, `succeeded`, ...), where one is configured.
    pub recorded: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl RefundDto {
    pub fn new(store: &Store, refund: &Refund) -> Self {
        let ids: Vec<String> = refund
            .parts
            .iter()
            .filter_map(|p| p.op_id.clone())
            .chain(refund.record_op_id.clone())
            .collect();
        let progress = store.op_progress(&ids).unwrap_or_default();
        let state_of = |p: &RefundPart| {
            p.op_id
                .as_ref()
                .and_then(|id| progress.iter().find(|o| &o.id == id))
                .map(|o| o.state)
        };
        RefundDto {
            id: refund.id.clone(),
            number: refund.number,
            kind: refund.kind.as_str().into(),
            sale_id: refund.sale_id.clone(),
            sale_number: refund.sale_number,
            currency: refund.currency.code().into(),
            reason: refund.reason.clone(),
            amount_minor: refund.amount_minor,
            approved_by: refund.approved_by.clone(),
            parts: refund
                .parts
                .iter()
                .map(|p| RefundPartDto {
                    kind: p.kind.as_str().into(),
                    provider: p.provider.map(|p| p.as_str().into()),
                    provider_name: p.provider.map(|p| p.display_name().into()),
                    card_masked: p.card_masked.clone(),
                    amount_minor: p.amount_minor,
                    status: match (p.op_id.is_some(), state_of(p)) {
                        (false, _) if p.kind == PartKind::Cash => "pay out of the drawer",
                        (false, _) => "refund on the card terminal",
                        (true, Some(OpState::Succeeded)) => "done",
                        (true, Some(OpState::Declined)) => {
                            "in review: give the money back another way"
                        }
                        (true, _) => "sending…",
                    }
                    .into(),
                })
                .collect(),
            recorded: refund.record_op_id.as_ref().and_then(|id| {
                progress
                    .iter()
                    .find(|o| &o.id == id)
                    .map(|o| o.state.as_str().to_string())
            }),
            created_at: refund
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

/// A completed sale on the refund screen: the sale, what it may still give back, and its
/// refunds so far.
#[derive(Debug, Clone, Serialize)]
pub struct RefundableDto {
    pub sale: SaleDto,
    pub paid_minor: i64,
    /// What the sale put on gift cards it sold or loaded: not refunded.
    pub cards_sold_minor: i64,
    pub refunded_minor: i64,
    pub left_minor: i64,
    pub voided: bool,
    pub refunds: Vec<RefundDto>,
}

impl RefundableDto {
    /// The sale's notes in `language`.
    pub fn new(
        store: &Store,
        sale: &Sale,
        refundable: &Refundable,
        refunds: &[Refund],
        language: Language,
    ) -> Self {
        RefundableDto {
            sale: SaleDto::in_language(store, sale, language),
            paid_minor: refundable.paid_minor,
            cards_sold_minor: refundable.cards_sold_minor,
            refunded_minor: refundable.refunded_minor,
            left_minor: refundable.left_minor(),
            voided: refundable.voided,
            refunds: refunds.iter().map(|r| RefundDto::new(store, r)).collect(),
        }
    }
}
