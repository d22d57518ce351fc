//! The receipt of a completed sale (and, built by the refunds, of a refund or a void): what the
//! customer takes home, as plain data. [`layout`] lays it out in text at a printer's width; the
//! ESC/POS printer (`kassa-print`) and the window's 80 mm print layout render the same data.
//!
//! Card codes appear masked only (`Tender::card_masked`), but for one: a new card the sale sold
//! with no code (a Leat digital gift card, made after the sale) shows its full code and page,
//! because that code is what the customer bought ([`NewCardOnReceipt`]).

mod layout;
mod refund;

pub use layout::{wrap, Row, MIN_COLUMNS};

use crate::checkout::new_cards::{is_new_card, MadeCard};
use crate::checkout::{Line, Sale, SaleState, Tender, TenderKind};
use crate::config::RegisterConfig;
use crate::lang::{Language, Sentence, Text};
use crate::money::Currency;
use crate::outbox::OpState;
use crate::store::{Store, StoreError};
use rusqlite::OptionalExtension;
use thiserror::Error;
use time::{OffsetDateTime, UtcOffset};

/// What a receipt's barcode says before the sale's number: `KS42` is sale 42. The refund screen
/// reads a scanned receipt by it ([`find_sale`]).
pub const BARCODE_PREFIX: &str = "KS";

#[derive(Debug, Error)]
pub enum ReceiptError {
    #[error("{}", self.sentence())]
    NotCompleted { number: i64, state: SaleState },
    #[error("{}", self.sentence())]
    Store(#[from] StoreError),
}

impl ReceiptError {
    /// What the cashier reads (the store's failure as it is).
    pub fn sentence(&self) -> Sentence {
        match self {
            ReceiptError::NotCompleted { number, state } => {
                let state = match state {
                    SaleState::Open => Text::SaleOpen,
                    SaleState::Tendering => Text::SaleTendering,
                    SaleState::Completing => Text::SaleCompleting,
                    SaleState::Completed => Text::SaleCompleted,
                    SaleState::Abandoned => Text::SaleAbandoned,
                };
                Sentence::new(Text::ReceiptNotPaid)
                    .with("number", *number)
                    .with("state", state)
            }
            ReceiptError::Store(e) => {
                Sentence::new(Text::ReceiptUnreadable).with("error", e.to_string())
            }
        }
    }
}

/// A receipt: a sale's, or a refund's or void's (the same shape, with negative amounts, a
/// `reference` to the sale and a `reason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The shop's name (`[register] shop`); empty when not set.
    pub shop: String,
    /// The till's name and id (`[register] name`, `id`).
    pub till_name: String,
    pub till_id: String,
    /// "Sale", "Refund", "Void" (in the receipt's language).
    pub title: String,
    pub number: i64,
    /// When it was completed, in the offset the receipt is printed in.
    pub at: OffsetDateTime,
    /// What it refers to, e.g. "of sale 42" (a refund or a void).
    pub reference: Option<String>,
    /// Why (a refund or a void).
    pub reason: Option<String>,
    pub currency: Currency,
    pub lines: Vec<ReceiptLine>,
    /// The lines' sum.
    pub total_minor: i64,
    /// Cash rounding added to the total (zero when none).
    pub rounding_minor: i64,
    pub tenders: Vec<ReceiptTender>,
    /// Cash handed back.
    pub change_minor: i64,
    /// Made in training mode: nothing was really paid.
    pub training: bool,
    /// The barcode's payload: [`BARCODE_PREFIX`] and the number.
    pub barcode: String,
    /// The till's language (`[register] language`): the labels, amounts and time.
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    /// The card a card line sold or reloaded, masked.
    pub card_masked: Option<String>,
    /// A new card the line sold (one with no code when it was sold), as far as it is made.
    pub new_card: Option<NewCardOnReceipt>,
}

/// A new card sold in the sale, as the receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewCardOnReceipt {
    /// Made: its full code and its page at the provider.
    Made { code: String, url: Option<String> },
    /// Not made yet: the receipt is printed again later for its code.
    Making,
    /// The provider refused to make or load it: the review list says what is owed.
    NotMade,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptTender {
    /// "Cash", "Card terminal", "Gift card zmyle", "Wallet Leat" (in the receipt's language).
    pub label: String,
    /// The card, masked (`••••0001`); never the full code.
    pub card_masked: Option<String>,
    /// What it paid (negative: paid back). Cash: what was handed over, when known.
    pub amount_minor: i64,
    /// What is left on the card: its balance when tendered less what it paid, where known.
    pub balance_after_minor: Option<i64>,
    /// The provider's reference of the payment (zmyle: the confirm's).
    pub provider_ref: Option<String>,
}

impl Receipt {
    /// The receipt of a completed sale. `offset` is the time zone the time is shown in;
    /// `training` says whether the till runs in training mode.
    pub fn for_sale(
        sale: &Sale,
        store: &Store,
        register: &RegisterConfig,
        training: bool,
        offset: UtcOffset,
    ) -> Result<Receipt, ReceiptError> {
        if sale.state != SaleState::Completed {
            return Err(ReceiptError::NotCompleted {
                number: sale.number,
                state: sale.state,
            });
        }
        let language = Language::from_code(&register.language);
        let mut tenders = Vec::new();
        for t in sale.tenders.iter().filter(|t| t.state.counts()) {
            tenders.push(tender(t, store, language)?);
        }
        Ok(Receipt {
            shop: register.shop.clone(),
            till_name: register.name.clone(),
            till_id: register.id.clone(),
            title: Text::ReceiptSale.get(language).into(),
            number: sale.number,
            at: sale
                .finished_at
                .unwrap_or(sale.created_at)
                .to_offset(offset),
            reference: None,
            reason: None,
            currency: sale.currency.clone(),
            lines: sale
                .lines
                .iter()
                .map(|l| line(l, store))
                .collect::<Result<_, _>>()?,
            total_minor: sale.total_minor(),
            rounding_minor: sale.rounding_minor(),
            tenders,
            change_minor: sale.change_minor(),
            training,
            barcode: barcode_of(sale.number),
            language,
        })
    }

    /// The receipt laid out in text, `columns` characters wide at most, with each row's
    /// style; the barcode is not among them (see [`Receipt::text`]).
    pub fn rows(&self, columns: usize) -> Vec<Row> {
        layout::rows(self, columns)
    }

    /// The receipt as plain text lines of at most `columns` characters (48 fill 80 mm paper in
    /// a printer's font A; [`MIN_COLUMNS`] at the least), the barcode's payload last.
    pub fn text(&self, columns: usize) -> Vec<String> {
        let mut out: Vec<String> = self.rows(columns).into_iter().map(|r| r.text).collect();
        out.push(layout::centered(&self.barcode, columns.max(MIN_COLUMNS)));
        out
    }
}

/// The barcode payload of sale `number`: `KS42`.
pub fn barcode_of(number: i64) -> String {
    format!("{BARCODE_PREFIX}{number}")
}

fn line(l: &Line, store: &Store) -> Result<ReceiptLine, StoreError> {
    let new_card = match l.card.as_ref().filter(|c| is_new_card(c)) {
        Some(card) => Some(new_card(card.op_id.as_deref(), store)?),
        None => None,
    };
    Ok(ReceiptLine {
        description: l.description.clone(),
        quantity: l.quantity,
        unit_price_minor: l.unit_price_minor,
        total_minor: l.total_minor(),
        card_masked: l
            .card
            .as_ref()
            .filter(|_| new_card.is_none())
            .map(|c| c.card_masked.clone()),
        new_card,
    })
}

/// A new card as its operation has got: the card the provider made is noted on it before it
/// is loaded.
fn new_card(op_id: Option<&str>, store: &Store) -> Result<NewCardOnReceipt, StoreError> {
    let Some(op) = op_id.map(|id| store.op(id)).transpose()?.flatten() else {
        return Ok(NewCardOnReceipt::Making);
    };
    if op.state == OpState::Declined {
        return Ok(NewCardOnReceipt::NotMade);
    }
    Ok(
        match op.provider_ref.as_deref().and_then(MadeCard::from_ref) {
            // The full code, printed: it is the card the customer bought.
            Some(card) => NewCardOnReceipt::Made {
                code: card.code,
                url: card.url,
            },
            None => NewCardOnReceipt::Making,
        },
    )
}

fn tender(t: &Tender, store: &Store, language: Language) -> Result<ReceiptTender, StoreError> {
    let provider = t.provider.map_or("", |p| p.display_name());
    let label = match t.kind {
        TenderKind::Cash => Text::TenderCash.get(language).to_string(),
        TenderKind::Terminal => Text::TenderTerminal.get(language).to_string(),
        TenderKind::GiftCard => Text::TenderGiftCard.fill(language, &[("provider", &provider)]),
        TenderKind::Wallet => Text::TenderWallet.fill(language, &[("provider", &provider)]),
    };
    // The payment's operation: a held card's confirm, else its charge.
    let op_id = t.confirm_op_id.as_ref().or(t.op_id.as_ref());
    let provider_ref = match op_id {
        Some(id) if t.is_card() => store.op(id)?.and_then(|op| op.provider_ref),
        _ => None,
    };
    Ok(ReceiptTender {
        label,
        card_masked: t.card_masked.clone(),
        amount_minor: t.given_minor.unwrap_or(t.amount_minor),
        balance_after_minor: t
            .balance_minor
            .filter(|_| t.is_card())
            .map(|b| b - t.amount_minor),
        provider_ref,
    })
}

/// The sale a receipt names: its id, its number (`42`) or its barcode (`KS42`).
pub fn find_sale(store: &Store, reference: &str) -> Result<Option<Sale>, StoreError> {
    let reference = reference.trim();
    if let Some(sale) = store.sale(reference)? {
        return Ok(Some(sale));
    }
    let digits = match reference.get(..BARCODE_PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(BARCODE_PREFIX) => &reference[head.len()..],
        _ => reference,
    };
    let Ok(number) = digits.parse::<i64>() else {
        return Ok(None);
    };
    let id: Option<String> = store
        .conn()
        .query_row("SELECT id FROM sales WHERE number = ?1", [number], |r| {
            r.get(0)
        })
        .optional()?;
    match id {
        Some(id) => store.sale(&id),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;
