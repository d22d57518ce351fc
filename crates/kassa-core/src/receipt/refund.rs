//! The receipt of a refund or a void: the same shape as a sale's, with the money going back
//! negative, the sale it refers to and the reason; its barcode is the sale's, so a later refund
//! finds the sale from either receipt.

use super::{barcode_of, Receipt, ReceiptError, ReceiptLine, ReceiptTender};
use crate::checkout::refunds::{PartKind, Refund, RefundKind};
use crate::checkout::Sale;
use crate::config::RegisterConfig;
use crate::store::Store;
use time::UtcOffset;

impl Receipt {
    /// The receipt of `refund`, of `sale`.
    pub fn for_refund(
        refund: &Refund,
        sale: &Sale,
        store: &Store,
        register: &RegisterConfig,
        training: bool,
        offset: UtcOffset,
    ) -> Result<Receipt, ReceiptError> {
        let title = match refund.kind {
            RefundKind::Refund => "Refund",
            RefundKind::Void => "Void",
        };
        let mut tenders = Vec::with_capacity(refund.parts.len());
        for p in &refund.parts {
            let provider = p.provider.map_or("", |p| p.display_name());
            let provider_ref = match &p.op_id {
                Some(id) => store.op(id)?.and_then(|op| op.provider_ref),
                None => None,
            };
            tenders.push(ReceiptTender {
                label: match p.kind {
                    PartKind::Card => format!("Back onto {provider} card"),
                    PartKind::Reload => format!("Loaded onto {provider} card"),
                    PartKind::Cash => "Cash paid out".into(),
                    PartKind::Terminal => "Card terminal refund".into(),
                },
                card_masked: p.card_masked.clone(),
                amount_minor: -p.amount_minor,
                balance_after_minor: None,
                provider_ref,
            });
        }
        Ok(Receipt {
            shop: register.shop.clone(),
            till_name: register.name.clone(),
            till_id: register.id.clone(),
            title: title.into(),
            number: refund.number,
            at: refund.created_at.to_offset(offset),
            reference: Some(format!("of sale {}", sale.number)),
            reason: Some(refund.reason.clone()),
            currency: refund.currency.clone(),
            lines: vec![ReceiptLine {
                description: format!("{title} of sale {}", sale.number),
                quantity: 1,
                unit_price_minor: -refund.amount_minor,
                total_minor: -refund.amount_minor,
                card_masked: None,
                new_card: None,
            }],
            total_minor: -refund.amount_minor,
            rounding_minor: 0,
            tenders,
            change_minor: 0,
            training,
            barcode: barcode_of(sale.number),
        })
    }
}
