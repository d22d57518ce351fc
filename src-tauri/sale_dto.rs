//! The sale screen's DTOs: a sale with its sums and each tender's state as the cashier reads it,
//! a scanned card's proposal, and how a Complete ended.

use crate::dto::{CardDto, ErrorCode, ErrorDto};
use kassa_core::checkout::{
    notes, CardLine, CheckoutError, Completion, OpProgress, Proposal, Sale, Tender, TenderState,
};
use kassa_core::lang::{Language, Text};
use kassa_core::money::Money;
use kassa_core::outbox::OpState;
use kassa_core::store::Store;
use serde::Serialize;
use std::collections::HashMap;

impl ErrorDto {
    /// A checkout's refusal in `language`.
    pub fn checkout(e: &CheckoutError, language: Language) -> Self {
        let (code, sentence) = match e {
            CheckoutError::Invalid(s) => (ErrorCode::Invalid, s),
            CheckoutError::State(s) => (ErrorCode::SaleState, s),
            CheckoutError::Declined(s) => (ErrorCode::Declined, s),
            CheckoutError::Lookup(e) => return ErrorDto::lookup(e, language),
            CheckoutError::Store(e) => {
                return crate::commands::store_error_in(e, language);
            }
        };
        ErrorDto {
            code,
            message: sentence.render(language),
        }
    }
}

/// The CLI's errors are English.
impl From<&CheckoutError> for ErrorDto {
    fn from(e: &CheckoutError) -> Self {
        ErrorDto::checkout(e, Language::En)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LineDto {
    pub pos: i64,
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    /// The gift card this line sells or reloads.
    pub card: Option<CardLineDto>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardLineDto {
    pub provider: String,
    pub provider_name: String,
    /// `sell` or `reload`.
    pub action: String,
    pub card_masked: String,
    /// What the cashier reads, in the till's language (English: `to load at Complete`,
    /// `loading…`, `outcome unknown: being checked…`, `loaded`, `not loaded: in review`).
    pub status: String,
}

fn card_status(card: &CardLine, ops: &HashMap<String, OpProgress>) -> Text {
    let Some(op) = &card.op_id else {
        return Text::CardLineToLoad;
    };
    match ops.get(op).map(|p| p.state) {
        Some(OpState::Succeeded) => Text::CardLineLoaded,
        Some(OpState::Declined) => Text::CardLineNotLoaded,
        Some(OpState::Unknown | OpState::Reconciling) => Text::CardLineUnknown,
        _ => Text::CardLineLoading,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TenderDto {
    pub id: String,
    /// `cash`, `terminal`, `gift_card`, `wallet`.
    pub kind: String,
    pub provider: Option<String>,
    pub provider_name: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: i64,
    pub given_minor: Option<i64>,
    pub change_minor: i64,
    /// The checkout's state: `checked`, `holding`, `held`, `charging`, `taken`, `offline`,
    /// `refused`, `removed`.
    pub state: String,
    /// What the cashier reads, one of: `to charge at Complete`, `holding…`, `held`,
    /// `charging…`, `outcome unknown: being checked…`, `paid`, `confirming…`, `confirmed`, `queued (offline)`, `paid (synced)`,
    /// `shortfall: in review`, `refused`,
    /// `removed`, `undoing…`, `undone`, `undo in review`.
    pub status: String,
    pub offline: bool,
    pub approved_by: Option<String>,
    pub message: Option<String>,
    pub balance_minor: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SaleDto {
    pub id: String,
    pub number: i64,
    /// `open`, `tendering`, `completing`, `completed`, `abandoned`.
    pub state: String,
    pub currency: String,
    pub lines: Vec<LineDto>,
    pub tenders: Vec<TenderDto>,
    pub total_minor: i64,
    pub rounding_minor: i64,
    pub due_minor: i64,
    pub paid_minor: i64,
    pub remaining_minor: i64,
    pub change_minor: i64,
    pub note: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// The back-office record's state, once completed (`pending`, `succeeded`, ...).
    pub recorded: Option<String>,
    /// The cashier who started the sale (`None` before cashiers signed in).
    pub cashier: Option<String>,
}

/// Every operation a sale names, with how far it has got.
fn progress_of(store: &Store, sale: &Sale) -> HashMap<String, OpProgress> {
    let ids: Vec<String> = sale
        .tenders
        .iter()
        .flat_map(|t| [&t.op_id, &t.confirm_op_id, &t.undo_op_id])
        .chain(
            sale.lines
                .iter()
                .filter_map(|l| l.card.as_ref().map(|c| &c.op_id)),
        )
        .chain([&sale.record_op_id])
        .filter_map(|id| id.clone())
        .collect();
    store
        .op_progress(&ids)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect()
}

fn status_of(t: &Tender, ops: &HashMap<String, OpProgress>) -> &'static str {
    let state_of = |id: &Option<String>| id.as_ref().and_then(|id| ops.get(id)).map(|p| p.state);
    if t.state == TenderState::Removed {
        return match (t.undo_op_id.is_some(), state_of(&t.undo_op_id)) {
            (false, _) => "removed",
            (true, Some(OpState::Succeeded)) => "undone",
            (true, Some(OpState::Declined)) => "undo in review",
            (true, _) => "undoing…",
        };
    }
    match t.state {
        TenderState::Checked => "to charge at Complete",
        // An answer lost on the way: the outbox settles it; nobody should retry by hand.
        TenderState::Holding | TenderState::Charging
            if matches!(
                state_of(&t.op_id),
                Some(OpState::Unknown | OpState::Reconciling)
            ) =>
        {
            "outcome unknown: being checked…"
        }
        TenderState::Holding => "holding…",
        TenderState::Charging => "charging…",
        TenderState::Refused => "refused",
        TenderState::Offline => match state_of(if t.confirm_op_id.is_some() {
            &t.confirm_op_id
        } else {
            &t.op_id
        }) {
            Some(OpState::Succeeded) => "paid (synced)",
            Some(OpState::Declined) => "shortfall: in review",
            _ => "queued (offline)",
        },
        TenderState::Held if t.confirm_op_id.is_none() => "held",
        TenderState::Held => match state_of(&t.confirm_op_id) {
            Some(OpState::Succeeded) => "confirmed",
            _ => "confirming…",
        },
        _ => "paid",
    }
}

impl SaleDto {
    /// The sale with its notes in English (the CLI).
    pub fn new(store: &Store, sale: &Sale) -> Self {
        SaleDto::in_language(store, sale, Language::En)
    }

    /// The sale with its notes (a card line's description, a tender's note, why it was
    /// abandoned) in `language`; what the cashier typed and a provider's reason stay as they
    /// are.
    pub fn in_language(store: &Store, sale: &Sale, language: Language) -> Self {
        let ops = progress_of(store, sale);
        SaleDto {
            cashier: store.sale_cashier(&sale.id).ok().flatten(),
            id: sale.id.clone(),
            number: sale.number,
            state: sale.state.as_str().into(),
            currency: sale.currency.code().into(),
            lines: sale
                .lines
                .iter()
                .map(|l| LineDto {
                    pos: l.pos,
                    description: notes::line_description(l).render(language),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    total_minor: l.total_minor(),
                    card: l.card.as_ref().map(|c| CardLineDto {
                        provider: c.provider.as_str().into(),
                        provider_name: c.provider.display_name().into(),
                        action: c.action.as_str().into(),
                        card_masked: c.card_masked.clone(),
                        status: card_status(c, &ops).get(language).into(),
                    }),
                })
                .collect(),
            tenders: sale
                .tenders
                .iter()
                .map(|t| TenderDto {
                    id: t.id.clone(),
                    kind: t.kind.as_str().into(),
                    provider: t.provider.map(|p| p.as_str().into()),
                    provider_name: t.provider.map(|p| p.display_name().into()),
                    card_masked: t.card_masked.clone(),
                    amount_minor: t.amount_minor,
                    given_minor: t.given_minor,
                    change_minor: t.change_minor(),
                    state: t.state.as_str().into(),
                    status: status_of(t, &ops).into(),
                    offline: t.offline_at.is_some(),
                    approved_by: t.approved_by.clone(),
                    message: notes::tender_note(t).map(|s| s.render(language)),
                    balance_minor: t.balance_minor,
                })
                .collect(),
            total_minor: sale.total_minor(),
            rounding_minor: sale.rounding_minor(),
            due_minor: sale.due_minor(),
            paid_minor: sale.paid_minor(),
            remaining_minor: sale.remaining_minor(),
            change_minor: sale.change_minor(),
            note: notes::sale_note(sale).map(|s| s.render(language)),
            created_at: sale
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            recorded: sale
                .record_op_id
                .as_ref()
                .and_then(|id| ops.get(id))
                .map(|p| p.state.as_str().into()),
        }
    }
}

/// What a scan answered: a card to pay with, or (no sale to pay) its balance; `scan` says
/// which.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "scan", rename_all = "snake_case")]
pub enum ScanDto {
    Proposal(ProposalDto),
    Balance(CardDto),
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalDto {
    pub sale_id: String,
    pub provider: String,
    pub provider_name: String,
    pub card_kind: kassa_core::provider::CardKind,
    pub card_masked: String,
    pub available_minor: i64,
    pub available: String,
    /// What Enter accepts: min(available, still to pay).
    pub amount_minor: i64,
    /// Set when the provider could not be asked: when the balance used was last seen.
    pub offline_since: Option<String>,
    pub holder: Option<String>,
}

impl ProposalDto {
    pub fn new(sale_id: &str, p: &Proposal, currency: &kassa_core::money::Currency) -> Self {
        ProposalDto {
            sale_id: sale_id.into(),
            provider: p.provider.as_str().into(),
            provider_name: p.provider.display_name().into(),
            card_kind: p.kind,
            card_masked: p.card_masked.clone(),
            available_minor: p.available_minor,
            available: Money::new(p.available_minor, currency.clone()).to_string(),
            amount_minor: p.amount_minor,
            offline_since: p.offline_since.and_then(|at| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
            holder: p.holder.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CompletionDto {
    /// `paid`, `refused` (back to tendering without the refused card) or `needs_approval`
    /// (a manager's PIN accepts the offline tender, or the cashier takes another).
    pub outcome: &'static str,
    pub sale: SaleDto,
    pub reasons: Vec<String>,
}

impl CompletionDto {
    /// The reasons in `language`.
    pub fn new(store: &Store, completion: &Completion, language: Language) -> Self {
        let (outcome, sale, reasons) = match completion {
            Completion::Paid(sale) => ("paid", sale, &[][..]),
            Completion::Refused { sale, reasons } => ("refused", sale, &reasons[..]),
            Completion::NeedsApproval { sale, reasons } => ("needs_approval", sale, &reasons[..]),
        };
        CompletionDto {
            outcome,
            sale: SaleDto::new(store, sale),
            reasons: reasons.iter().map(|r| r.render(language)).collect(),
        }
    }
}
