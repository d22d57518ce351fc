//! The receipt of a refund or a void: the same shape as a sale's, with the money going back
//! negative, the sale it refers to and the reason; its barcode is the sale's, so a later refund
//! finds the sale from either receipt.

use super::{barcode_of, Receipt, ReceiptError, ReceiptLine, ReceiptTender};
use crate::checkout::refunds::{PartKind, Refund, RefundKind};
use crate::checkout::Sale;
use crate::config::RegisterConfig;
use crate::lang::{Language, Text};
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
        let language = Language::from_code(&register.language);
        let title = match refund.kind {
            RefundKind::Refund => Text::ReceiptRefund,
            RefundKind::Void => Text::ReceiptVoid,
        }
        .get(language);
        let mut tenders = Vec::with_capacity(refund.parts.len());
        for p in &refund.parts {
            let provider = p.provider.map_or("", |p| p.display_name());
            let provider_ref = match &p.op_id {
                Some(id) => store.op(id)?.and_then(|op| op.provider_ref),
                None => None,
            };
            tenders.push(ReceiptTender {
                label: match p.kind {
                    PartKind::Card => {
                        Text::RefundBackOnto.fill(language, &[("provider", &provider)])
                    }
                    PartKind::Reload => {
                        Text::RefundLoadedOnto.fill(language, &[("provider", &provider)])
                    }
                    PartKind::Cash => Text::RefundCash.get(language).into(),
                    PartKind::Terminal => Text::RefundTerminal.get(language).into(),
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
            reference: Some(Text::ReceiptOfSale.fill(language, &[("number", &sale.number)])),
            reason: Some(refund.reason.clone()),
            currency: refund.currency.clone(),
            lines: vec![ReceiptLine {
                description: Text::ReceiptTitleOfSale
                    .fill(language, &[("title", &title), ("number", &sale.number)]),
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
            language,
        })
    }
}
