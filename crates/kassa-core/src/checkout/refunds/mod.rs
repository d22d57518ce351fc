//! After the sale: refunds and voids of a completed sale (docs/design.md §5). Each is its own
//! record, linked to the sale, with a reason and who approved it, written with the operations
//! that give the money back in one transaction (`records.rs`).
//!
//! Money goes back onto the cards that paid first — only cards the customer presents again
//! (scanned: the operations need the code, and the database keeps a finished sale's codes only
//! as keyed hashes) —, each up to what it paid and has not had back; the rest goes to cash, the
//! card terminal, or another gift card (a reload). Never more than was paid comes back. A card's
//! money goes back through the outbox as a reversal after the payment it undoes: zmyle refunds
//! the confirmed card transaction (within 14 days), Leat reverses the card's last transaction
//! or tops the card up, Lightspeed reverses the redemption or reloads; what a provider refuses
//! lands on the review list with the money owed. The back-office records the refund as a
//! basket of its own with the amounts negative: a completed Shopwave sale cannot be changed.
//!
//! - [`model`]: refunds and the plan of one, pure.

pub mod model;
mod records;

pub use model::{PartKind, Refund, RefundKind, RefundPart, Refundable, RestTo};

use super::model::{Sale, SaleState, TenderKind};
use super::{Checkout, CheckoutError};
use crate::card::{mask, CardCode};
use crate::lang::{Sentence, Text};
use crate::money::Money;
use crate::outbox::{NewOp, OpKind, OpState};
use crate::pos::{sale_payload, PaymentKind, PosLine, PosPayment, PosSale};
use crate::provider::{CardKind, ProviderError, ProviderId};
use crate::till::LookupError;
use model::{plan_refund, plan_void, Planned};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 200;
/// How long after a sale zmyle takes a refund of it.
const ZMYLE_REFUND_DAYS: i64 = 14;

/// What a cashier asks for, with a manager's approval.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub sale_id: String,
    pub kind: RefundKind,
    /// A refund's amount; a void gives back everything that was paid.
    pub amount_minor: Option<i64>,
    pub reason: String,
    /// The cards that paid the sale, scanned again: the money goes back onto them first.
    pub cards: Vec<String>,
    /// Where what cannot go back onto those cards goes.
    pub rest_to: RestTo,
    /// The gift card to load with the rest, for [`RestTo::Reload`].
    pub reload_card: Option<String>,
    /// Who approved it.
    pub approved_by: String,
}

/// A card scanned for a refund: the code the operation needs.
struct Presented {
    tender_id: String,
    code: String,
}

/// The card to load with the rest of a refund, as its provider answered.
struct ReloadCard {
    provider: ProviderId,
    kind: CardKind,
    card_id: String,
    code: String,
}

impl Checkout {
    /// The refunds and voids of a sale, oldest first.
    pub fn refunds_of(&self, sale_id: &str) -> Result<Vec<Refund>, CheckoutError> {
        Ok(self.store.refunds_of(sale_id)?)
    }

    /// What a sale paid and has given back so far.
    pub fn refundable(&self, sale_id: &str) -> Result<Refundable, CheckoutError> {
        let sale = self.load(sale_id)?;
        Ok(Refundable::of(&sale, &self.store.refunds_of(sale_id)?))
    }

    /// The sale a receipt's barcode (`KS42`), a typed number (`42`) or an id names.
    pub fn sale_by_receipt(&self, scanned: &str) -> Result<Sale, CheckoutError> {
        crate::receipt::find_sale(&self.store, scanned)?.ok_or_else(|| {
            let text: String = scanned.trim().chars().take(40).collect();
            CheckoutError::Invalid(Sentence::new(Text::NoSaleForReceipt).with("text", text))
        })
    }

    /// Refunds or voids a completed sale: checks it against what was paid and given back,
    /// writes the refund with its operations, and wakes the engine for them.
    pub async fn refund(&self, request: RefundRequest) -> Result<Refund, CheckoutError> {
        let reason = request.reason.trim().to_string();
        if reason.is_empty() {
            return Err(CheckoutError::Invalid(Text::RefundNeedsReason.into()));
        }
        if reason.chars().count() > MAX_REASON {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::RefundReasonTooLong).with("most", MAX_REASON),
            ));
        }
        let reload = match (request.rest_to, &request.reload_card) {
            (RestTo::Reload, Some(raw)) => Some(self.reload_card(raw).await?),
            (RestTo::Reload, None) => {
                return Err(CheckoutError::Invalid(Text::RefundScanReloadCard.into()))
            }
            _ => None,
        };
        let _gate = self.gate.lock().await;
        let sale = self.load(&request.sale_id)?;
        if sale.state != SaleState::Completed {
            return Err(CheckoutError::State(
                Sentence::new(match request.kind {
                    RefundKind::Refund => Text::RefundNotCompleted,
                    RefundKind::Void => Text::VoidNotCompleted,
                })
                .with("number", sale.number),
            ));
        }
        let presented = self.presented(&sale, &request.cards)?;
        let tender_ids: Vec<String> = presented.iter().map(|p| p.tender_id.clone()).collect();
        let before = self.store.refunds_of(&sale.id)?;
        let now = self.clock.now();
        let sold_at = sale.finished_at.unwrap_or(sale.created_at);
        let plan = match request.kind {
            RefundKind::Void => {
                let window = self.config.void_within();
                if now - sold_at > window {
                    return Err(CheckoutError::State(
                        Sentence::new(Text::VoidTooLate)
                            .with("number", sale.number)
                            .with("minutes", window.as_secs() / 60),
                    ));
                }
                plan_void(&sale, &before, &tender_ids)
            }
            RefundKind::Refund => {
                let amount = request
                    .amount_minor
                    .ok_or_else(|| CheckoutError::Invalid(Text::RefundTypeAmount.into()))?;
                plan_refund(&sale, &before, amount, &tender_ids, request.rest_to)
            }
        }
        .map_err(CheckoutError::Invalid)?;
        let late = now - sold_at > time::Duration::days(ZMYLE_REFUND_DAYS);
        for p in &plan {
            let tender = p.tender_id.as_deref().and_then(|id| sale.tender(id));
            if p.kind == model::PartKind::Card
                && late
                && tender.and_then(|t| t.provider) == Some(ProviderId::Zmyle)
            {
                return Err(CheckoutError::Declined(
                    Sentence::new(Text::ZmyleRefundTooLate)
                        .with("days", ZMYLE_REFUND_DAYS)
                        .with(
                            "card",
                            tender
                                .and_then(|t| t.card_masked.clone())
                                .unwrap_or_default(),
                        ),
                ));
            }
        }
        self.check_leat_parts(&sale, &plan, &presented).await?;
        let mut refund = Refund {
            id: uuid::Uuid::now_v7().to_string(),
            number: 0,
            kind: request.kind,
            sale_id: sale.id.clone(),
            sale_number: sale.number,
            currency: self.currency.clone(),
            reason,
            amount_minor: plan.iter().map(|p| p.amount_minor).sum(),
            approved_by: Some(request.approved_by),
            parts: Vec::with_capacity(plan.len()),
            record_op_id: None,
            created_at: now,
        };
        let mut ops = Vec::new();
        for (i, p) in plan.into_iter().enumerate() {
            let (part, op) = self.part(&sale, &presented, reload.as_ref(), i as i64 + 1, p);
            refund.parts.push(part);
            ops.extend(op);
        }
        if let Some(pos) = self.pos {
            let mut record = NewOp::new(
                pos,
                OpKind::RecordSale,
                None,
                Money::new(refund.amount_minor, self.currency.clone()),
            );
            // The refund's id is also its record's: the back-office basket is named by it.
            record.id = refund.id.clone();
            record.payload = sale_payload(&pos_refund(&sale, &refund));
            refund.record_op_id = Some(record.id.clone());
            ops.push(record);
        }
        self.store.insert_refund(&mut refund, &ops)?;
        if !ops.is_empty() {
            self.link.nudge();
        }
        Ok(refund)
    }

    /// Each scanned card matched to the tender it paid with.
    fn presented(&self, sale: &Sale, cards: &[String]) -> Result<Vec<Presented>, CheckoutError> {
        let mut found: Vec<Presented> = Vec::new();
        for raw in cards {
            let code = CardCode::parse(raw)?;
            let key = self.keyer.key_of(&code);
            let tender = sale
                .tenders
                .iter()
                .find(|t| t.is_card() && t.state.counts() && t.card_key.as_deref() == Some(&key))
                .ok_or_else(|| {
                    CheckoutError::Invalid(
                        Sentence::new(Text::RefundCardDidNotPay)
                            .with("card", mask(code.as_str()))
                            .with("number", sale.number),
                    )
                })?;
            let paid = tender.confirm_op_id.as_deref().or(tender.op_id.as_deref());
            if let Some(op) = paid.map(|id| self.store.op(id)).transpose()?.flatten() {
                if op.state == OpState::Declined {
                    return Err(CheckoutError::Declined(
                        Sentence::new(Text::RefundCardRefusedAfter)
                            .with("card", mask(code.as_str()))
                            .with("provider", op.provider.display_name()),
                    ));
                }
            }
            if found.iter().all(|p| p.tender_id != tender.id) {
                found.push(Presented {
                    tender_id: tender.id.clone(),
                    code: code.as_str().to_string(),
                });
            }
        }
        Ok(found)
    }

    /// Leat puts a gift card payment back only whole (its last transaction, reversed); a part
    /// of one is a top-up, which Leat allows only on some cards: asked now, so that a refund
    /// Leat would refuse is not promised to the customer.
    async fn check_leat_parts(
        &self,
        sale: &Sale,
        plan: &[Planned],
        presented: &[Presented],
    ) -> Result<(), CheckoutError> {
        for p in plan.iter().filter(|p| p.kind == PartKind::Card) {
            let Some(t) = p.tender_id.as_deref().and_then(|id| sale.tender(id)) else {
                continue;
            };
            if t.provider != Some(ProviderId::Leat)
                || t.kind != TenderKind::GiftCard
                || p.amount_minor == t.amount_minor
            {
                continue;
            }
            let Some(card) = presented.iter().find(|c| c.tender_id == t.id) else {
                continue;
            };
            let code = CardCode::parse(&card.code)?;
            let whole = Money::new(t.amount_minor, self.currency.clone());
            match self.provider(ProviderId::Leat)?.check_reload(&code).await {
                Ok(()) => {}
                Err(e @ ProviderError::Declined { .. }) => {
                    return Err(CheckoutError::Declined(
                        Sentence::new(Text::LeatWholeOnly)
                            .with("card", code.masked())
                            .with("whole", &whole)
                            .with("reason", e.to_string()),
                    ))
                }
                Err(e) => {
                    return Err(CheckoutError::Lookup(LookupError::Provider {
                        provider: ProviderId::Leat,
                        error: ProviderError::Unavailable {
                            message: format!(
                                "Leat cannot be asked now whether card {} takes a top-up ({e}): refund its whole payment ({whole}) onto it, or this amount to cash or another card, or try again later.",
                                code.masked()
                            ),
                            retry_after: None,
                        },
                    }))
                }
            }
        }
        Ok(())
    }

    /// Looks the card up that the rest of a refund is loaded onto.
    async fn reload_card(&self, raw: &str) -> Result<ReloadCard, CheckoutError> {
        let code = CardCode::parse(raw)?;
        let card = self.reloadable(&code).await?;
        Ok(ReloadCard {
            provider: card.provider,
            kind: card.kind,
            card_id: card.card_id,
            code: code.as_str().to_string(),
        })
    }

    /// A planned part, and the operation that moves its money (none for cash and terminal).
    fn part(
        &self,
        sale: &Sale,
        presented: &[Presented],
        reload: Option<&ReloadCard>,
        pos: i64,
        planned: Planned,
    ) -> (RefundPart, Option<NewOp>) {
        let amount = Money::new(planned.amount_minor, self.currency.clone());
        let tender = planned.tender_id.as_deref().and_then(|id| sale.tender(id));
        let mut part = RefundPart {
            pos,
            kind: planned.kind,
            tender_id: planned.tender_id.clone(),
            provider: None,
            card_masked: None,
            amount_minor: planned.amount_minor,
            op_id: None,
        };
        let op = match (planned.kind, tender, reload) {
            (PartKind::Card, Some(t), _) => {
                let provider = t.provider.expect("a card tender has a provider");
                let code = &presented
                    .iter()
                    .find(|p| p.tender_id == t.id)
                    .expect("a card part's card was presented")
                    .code;
                // A zmyle payment is the confirm of its hold: that card transaction is refunded.
                let paid = t
                    .confirm_op_id
                    .as_deref()
                    .or(t.op_id.as_deref())
                    .expect("a paid card tender has its operation");
                part.provider = Some(provider);
                part.card_masked = t.card_masked.clone();
                let op = if t.kind == TenderKind::Wallet {
                    NewOp::leat_prepaid(
                        OpKind::Reverse,
                        code,
                        t.card_id.as_deref().unwrap_or_default(),
                        amount,
                    )
                } else if provider == ProviderId::Lightspeed
                    && planned.amount_minor != t.amount_minor
                {
                    // Lightspeed reverses a redemption whole: a part goes back as a reload.
                    NewOp::new(provider, OpKind::Reload, Some(code), amount)
                } else {
                    NewOp::new(provider, OpKind::Reverse, Some(code), amount)
                };
                Some(op.after(paid).in_sale(&sale.id))
            }
            (PartKind::Reload, _, Some(card)) => {
                part.provider = Some(card.provider);
                part.card_masked = Some(mask(&card.code));
                let op = if card.kind == CardKind::PrepaidWallet {
                    NewOp::leat_prepaid(OpKind::Reload, &card.code, &card.card_id, amount)
                } else {
                    NewOp::new(card.provider, OpKind::Reload, Some(&card.code), amount)
                };
                Some(op.in_sale(&sale.id))
            }
            _ => None,
        };
        part.op_id = op.as_ref().map(|o| o.id.clone());
        (part, op)
    }
}

/// The refund as the POS back-office records it: a basket of its own, one line of the amount
/// given back, negative, and one negative payment per part.
fn pos_refund(sale: &Sale, refund: &Refund) -> PosSale {
    let what = match refund.kind {
        RefundKind::Refund => "Refund",
        RefundKind::Void => "Void",
    };
    let note = format!("{what} of sale {}: {}", refund.sale_number, refund.reason);
    PosSale {
        reference: refund.id.clone(),
        store_id: None,
        lines: vec![PosLine {
            name: format!("{what} of sale {}", refund.sale_number),
            unit_price_minor: refund.amount_minor,
            quantity: -1,
            product_instance_id: None,
        }],
        payments: refund
            .parts
            .iter()
            .map(|p| PosPayment {
                reference: format!("{}-{}", refund.id, p.pos),
                kind: match p.kind {
                    PartKind::Cash => PaymentKind::Cash,
                    PartKind::Terminal => PaymentKind::Card,
                    PartKind::Card | PartKind::Reload => {
                        let tender = p.tender_id.as_deref().and_then(|id| sale.tender(id));
                        if tender.is_some_and(|t| t.kind == TenderKind::Wallet) {
                            PaymentKind::App
                        } else {
                            PaymentKind::Voucher
                        }
                    }
                },
                amount_minor: -p.amount_minor,
                tip_minor: 0,
                note: p
                    .card_masked
                    .as_ref()
                    .map(|m| format!("{} {m}", p.provider.map_or("", |p| p.display_name()))),
            })
            .collect(),
        note: Some(note),
    }
}
