//! Refunds and voids of the completed sales, as a cashier with a manager makes them between
//! sales, while the faults and outages go on: refunds of random amounts (now and then more
//! than is left, or with a card that did not pay the sale: refused), onto a random subset of
//! the sale's cards presented again, the rest to cash, the terminal or, sometimes, loaded onto
//! another card of the run; voids of the sale just paid (one with a card not presented, or of
//! a sale refunded before: refused). Part of a Leat gift card's payment can go back only as a
//! top-up, so the till refuses it at once onto a card that takes none (the fixed ones).
//!
//! The model says first what the till must answer: what is left of a sale (paid less given
//! back), each part's plan (the presented cards in the order they paid, each up to what it
//! paid less what it got back; the rest to where the cashier said), and each part's operation
//! (its kind and amount, after the payment it gives back). The answer is checked against it at
//! once; what the parts moved is checked after the drain ([`super::verify`]).

use super::driver::{CardOp, Driver};
use super::Card;
use crate::sims::{CARDS_PER_PROVIDER, WALLETS};
use kassa_core::checkout::refunds::{PartKind, Refund, RefundKind, RefundRequest, RestTo};
use kassa_core::checkout::{CheckoutError, Sale, SaleState, Tender, TenderKind};
use kassa_core::outbox::{OpKind, OpState};
use kassa_core::provider::ProviderId;
use std::collections::BTreeMap;

/// A refund or void the till made, and the card each of its parts moves money on.
#[derive(Debug, Clone)]
pub struct RefundMade {
    pub refund: Refund,
    /// By part position: a card part's card (the one that paid), a reload's card.
    pub cards: BTreeMap<i64, Card>,
}

/// What the till must answer, by the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Made,
    ForeignCard,
    Over,
    /// Part of a payment onto a Leat gift card that cannot be topped up.
    PartOnFixed,
    MissingCard,
    /// A void of a sale that loaded a card (the card keeps its money).
    CardSale,
    AfterRefund,
}

/// A part as the model plans it: its kind, the tender it gives back to, its amount.
type PlannedPart = (PartKind, Option<String>, i64);

impl Driver<'_> {
    /// A refund or a void of a completed sale.
    pub(super) async fn refund_or_void(&mut self) {
        let completed: Vec<usize> = (0..self.ended.len())
            .filter(|i| self.ended[*i].state == SaleState::Completed)
            .collect();
        let Some(&last) = completed.last() else {
            return;
        };
        let refunded: Vec<usize> = completed
            .iter()
            .copied()
            .filter(|i| self.given_back(&self.ended[*i].id).0 > 0)
            .collect();
        if self.rng.u8(..3) == 0 {
            // Mostly the sale just paid; now and then one refunded before (refused).
            let pick = if !refunded.is_empty() && self.rng.u8(..3) == 0 {
                refunded[self.rng.usize(..refunded.len())]
            } else {
                last
            };
            // The run's timing decides which sales load a card: after five voids without one
            // refused for that, the newest such sale is voided (chance alone may never pick it).
            let overdue = self.counts.voids >= 5 && self.counts.refused_void_card_sale == 0;
            let card_sale = completed
                .iter()
                .rev()
                .find(|i| self.ended[**i].lines.iter().any(|l| l.card.is_some()));
            let pick = match card_sale {
                Some(&card_sale) if overdue => card_sale,
                _ => pick,
            };
            self.void(pick).await;
        } else if let Some(pick) = self.paid_by_fixed(&completed).filter(|_| self.rng.bool()) {
            self.refund(pick, true).await;
        } else {
            // Any completed sale; a third of the time one refunded before, so that refunds
            // add up to what was paid (and then ask for more).
            let pick = if !refunded.is_empty() && self.rng.u8(..3) == 0 {
                refunded[self.rng.usize(..refunded.len())]
            } else {
                completed[self.rng.usize(..completed.len())]
            };
            self.refund(pick, false).await;
        }
    }

    /// A completed sale a fixed Leat gift card paid, the oldest first: its card has likely
    /// been used since, so its payment is no longer the card's last transaction.
    fn paid_by_fixed(&mut self, completed: &[usize]) -> Option<usize> {
        let fixed: Vec<usize> = completed
            .iter()
            .copied()
            .filter(|i| {
                self.paying_cards(&self.ended[*i])
                    .iter()
                    .any(|(t, c)| matches!(c, Card::LeatFixed(_)) && self.room(t) > 0)
            })
            .collect();
        fixed.get(self.rng.usize(..fixed.len().max(1)) / 2).copied()
    }

    /// What the model says sale `id` gave back so far, and whether anything was.
    fn given_back(&self, id: &str) -> (i64, usize) {
        let before: Vec<&Refund> = self
            .refunds
            .iter()
            .map(|r| &r.refund)
            .filter(|r| r.sale_id == id)
            .collect();
        (before.iter().map(|r| r.amount_minor).sum(), before.len())
    }

    /// What tender `t` may still give back onto its card, by the model.
    fn room(&self, t: &Tender) -> i64 {
        let back: i64 = self
            .refunds
            .iter()
            .flat_map(|r| &r.refund.parts)
            .filter(|p| p.kind == PartKind::Card && p.tender_id.as_deref() == Some(&t.id))
            .map(|p| p.amount_minor)
            .sum();
        t.amount_minor - back
    }

    /// The sale's card tenders that paid, with their cards.
    fn paying_cards(&self, sale: &Sale) -> Vec<(Tender, Card)> {
        sale.tenders
            .iter()
            .filter(|t| t.state.counts() && t.is_card())
            .map(|t| (t.clone(), self.tender_cards[&t.id]))
            .collect()
    }

    /// Whether tender `t`'s payment was refused since Paid (taken offline): it paid nothing,
    /// and the cashier, told by the review list, does not present its card for a refund.
    fn charge_refused(&self, t: &Tender) -> bool {
        let charge = t.confirm_op_id.as_ref().or(t.op_id.as_ref());
        charge.is_some_and(|id| {
            self.rig
                .store
                .op(id)
                .expect("the outbox reads")
                .is_some_and(|o| o.state == OpState::Declined)
        })
    }

    async fn void(&mut self, i: usize) {
        let sale = self.ended[i].clone();
        let cards = self.paying_cards(&sale);
        if cards.iter().any(|(t, _)| self.charge_refused(t)) {
            return;
        }
        let mut presented: Vec<String> = cards.iter().map(|(_, c)| c.code()).collect();
        let expect = if sale.lines.iter().any(|l| l.card.is_some()) {
            Expect::CardSale
        } else if self.given_back(&sale.id).1 > 0 {
            Expect::AfterRefund
        } else if !presented.is_empty()
            && (self.rng.u8(..4) == 0
                || self.counts.voids >= 5 && self.counts.refused_void_missing_card == 0)
        {
            presented.remove(self.rng.usize(..presented.len()));
            Expect::MissingCard
        } else {
            Expect::Made
        };
        let planned: Vec<PlannedPart> = sale
            .tenders
            .iter()
            .filter(|t| t.state.counts())
            .map(|t| {
                let kind = match t.kind {
                    TenderKind::Cash => PartKind::Cash,
                    TenderKind::Terminal => PartKind::Terminal,
                    TenderKind::GiftCard | TenderKind::Wallet => PartKind::Card,
                };
                (kind, Some(t.id.clone()), t.amount_minor)
            })
            .collect();
        let request = RefundRequest {
            sale_id: sale.id.clone(),
            kind: RefundKind::Void,
            amount_minor: None,
            reason: "rung up on the wrong customer".into(),
            cards: presented,
            rest_to: RestTo::Cash,
            reload_card: None,
            approved_by: "manager".into(),
        };
        let answer = self.rig.checkout.refund(request).await;
        self.check(&sale, expect, answer, &planned, None);
    }

    /// A refund of sale `i`; `onto_fixed`: onto its fixed Leat card's payment, all that is
    /// left of it or part.
    async fn refund(&mut self, i: usize, onto_fixed: bool) {
        let sale = self.ended[i].clone();
        let cards = self.paying_cards(&sale);
        // What the sale put on cards stays on them.
        let loaded: i64 = sale
            .lines
            .iter()
            .filter(|l| l.card.is_some())
            .map(|l| l.total_minor())
            .sum();
        let left = sale
            .tenders
            .iter()
            .filter(|t| t.state.counts())
            .map(|t| t.amount_minor)
            .sum::<i64>()
            - loaded
            - self.given_back(&sale.id).0;
        let over = !onto_fixed && (left < 1 || self.rng.u8(..6) == 0);
        let mut amount = if over {
            left + self.rng.i64(1..=500)
        } else {
            self.rng.i64(1..=left)
        };
        let mut presented: Vec<(Tender, Card)> = Vec::new();
        for (t, card) in cards {
            let fixed = matches!(card, Card::LeatFixed(_));
            // Never more than is left of the sale (what it loaded onto cards stays there).
            let room = self.room(&t).min(left);
            if onto_fixed && fixed && room > 0 && !self.charge_refused(&t) {
                amount = if self.rng.bool() {
                    room
                } else {
                    self.rng.i64(1..=room)
                };
                presented = vec![(t, card)];
                break;
            }
            if !self.charge_refused(&t) && self.rng.bool() {
                presented.push((t, card));
            }
        }
        // A tenth of the refunds, and the next one after ten made without any: the run's timing
        // decides which sales get this far, so chance alone may never draw it.
        let drawn = self.rng.u8(..10) == 0;
        let overdue = self.counts.refunds >= 10 && self.counts.refused_foreign_card == 0;
        let foreign = !onto_fixed && (drawn || overdue);
        let mut codes: Vec<String> = presented.iter().map(|(_, c)| c.code()).collect();
        if foreign {
            codes.push(self.other_card(&sale).code());
        }
        let expect = if foreign {
            Expect::ForeignCard
        } else if over {
            Expect::Over
        } else {
            Expect::Made
        };
        // A quarter of the rests onto another card, and the next one after ten refunds without.
        let draw = self.rng.u8(..8);
        let overdue = self.counts.refunds >= 10 && self.counts.reloads == 0;
        let (rest_to, mut reload) = match if overdue { 0 } else { draw } {
            0 | 1 => (RestTo::Reload, Some(self.reload_target(&sale))),
            2 => (RestTo::Terminal, None),
            _ => (RestTo::Cash, None),
        };
        // The model's plan: the presented cards in the order they paid, then the rest.
        presented.sort_by_key(|(t, _)| t.pos);
        let mut rest = amount;
        let mut planned: Vec<PlannedPart> = Vec::new();
        let mut part_on_fixed = false;
        for (t, card) in &presented {
            let take = self.room(t).min(rest);
            if take > 0 {
                planned.push((PartKind::Card, Some(t.id.clone()), take));
                rest -= take;
                part_on_fixed |= matches!(card, Card::LeatFixed(_)) && take != t.amount_minor;
            }
        }
        let expect = match expect {
            Expect::Made if part_on_fixed => Expect::PartOnFixed,
            expect => expect,
        };
        for attempt in 0.. {
            let rest_to = if reload.is_some() {
                rest_to
            } else {
                RestTo::Cash
            };
            let mut planned = planned.clone();
            if rest > 0 {
                let kind = match rest_to {
                    RestTo::Cash => PartKind::Cash,
                    RestTo::Terminal => PartKind::Terminal,
                    RestTo::Reload => PartKind::Reload,
                };
                planned.push((kind, None, rest));
            }
            let request = RefundRequest {
                sale_id: sale.id.clone(),
                kind: RefundKind::Refund,
                amount_minor: Some(amount),
                reason: "the customer brought it back".into(),
                cards: codes.clone(),
                rest_to,
                reload_card: reload.map(Card::code),
                approved_by: "manager".into(),
            };
            let answer = self.rig.checkout.refund(request).await;
            match answer {
                // The card to load did not answer its look-up: scanned again, then the rest
                // goes to cash.
                Err(CheckoutError::Lookup(_)) if reload.is_some() => {
                    if attempt == 2 {
                        self.counts.reload_unanswered += 1;
                        reload = None;
                    }
                }
                // Leat did not answer whether a Leat gift card that gets part of its payment
                // back takes a top-up (the till cannot promise it, and says why).
                Err(CheckoutError::Lookup(e))
                    if matches!(expect, Expect::Made | Expect::PartOnFixed)
                        && e.to_string().contains("cannot be asked now") =>
                {
                    self.counts.leat_check_unanswered += 1;
                    return;
                }
                answer => {
                    self.check(&sale, expect, answer, &planned, reload);
                    return;
                }
            }
        }
    }

    /// Another card of the run to load a refund's rest onto: one that can be topped up, and
    /// did not pay the sale.
    fn reload_target(&mut self, sale: &Sale) -> Card {
        let paid: Vec<Card> = self
            .paying_cards(sale)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        loop {
            let card = match self.rng.u8(..3) {
                0 => Card::LeatGift(self.rng.usize(..CARDS_PER_PROVIDER)),
                1 => Card::LeatWallet(self.rng.usize(..WALLETS)),
                _ => Card::Lightspeed(self.rng.usize(..CARDS_PER_PROVIDER)),
            };
            if !paid.contains(&card) {
                return card;
            }
        }
    }

    /// A card of the run that did not pay the sale.
    fn other_card(&mut self, sale: &Sale) -> Card {
        let paid: Vec<Card> = self
            .paying_cards(sale)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let all = Card::all();
        loop {
            let card = all[self.rng.usize(..all.len())];
            if !paid.contains(&card) {
                return card;
            }
        }
    }

    /// The till's answer against the model's: a refusal for the reason the model gave, or
    /// the refund as planned, each part's operation queued as the model says.
    fn check(
        &mut self,
        sale: &Sale,
        expect: Expect,
        answer: Result<Refund, CheckoutError>,
        planned: &[PlannedPart],
        reload: Option<Card>,
    ) {
        let n = sale.number;
        let refund = match (expect, answer) {
            (Expect::Made, Ok(refund)) => refund,
            (Expect::Made, Err(e)) => panic!("sale {n}: the model allows {planned:?}, yet: {e}"),
            (expect, Ok(refund)) => panic!(
                "sale {n}: the model expects a refusal ({expect:?}), yet the till made {:?}",
                refund.parts
            ),
            (Expect::PartOnFixed, Err(CheckoutError::Declined(message))) => {
                let message = message.to_string();
                assert!(
                    message.contains("only whole") && message.contains("not upgradeable"),
                    "sale {n}: refused (part of a fixed Leat card's payment, by the model), but saying: {message}"
                );
                self.counts.refused_part_on_fixed += 1;
                return;
            }
            (expect, Err(CheckoutError::Invalid(message))) => {
                let message = message.to_string();
                let (said, count) = match expect {
                    Expect::ForeignCard => {
                        ("did not pay sale", &mut self.counts.refused_foreign_card)
                    }
                    Expect::Over => ("At most", &mut self.counts.refused_over),
                    Expect::MissingCard => (
                        "A void puts every card's payment back",
                        &mut self.counts.refused_void_missing_card,
                    ),
                    Expect::AfterRefund => (
                        "already: refund what is left",
                        &mut self.counts.refused_void_after_refund,
                    ),
                    Expect::CardSale => {
                        ("cannot be voided", &mut self.counts.refused_void_card_sale)
                    }
                    Expect::Made | Expect::PartOnFixed => {
                        panic!("sale {n}: the model expects {expect:?}, yet: {message}")
                    }
                };
                assert!(
                    message.contains(said),
                    "sale {n}: refused ({expect:?} by the model), but saying: {message}"
                );
                *count += 1;
                return;
            }
            (expect, Err(e)) => panic!("sale {n}: the model expects {expect:?}, yet: {e}"),
        };
        let parts: Vec<PlannedPart> = refund
            .parts
            .iter()
            .map(|p| (p.kind, p.tender_id.clone(), p.amount_minor))
            .collect();
        assert_eq!(
            parts, planned,
            "sale {n}: the refund's parts are the model's plan"
        );
        let mut cards = BTreeMap::new();
        for p in &refund.parts {
            let tender = p.tender_id.as_deref().and_then(|id| sale.tender(id));
            let (card, kind, after) = match p.kind {
                PartKind::Card => {
                    let t = tender.expect("a card part names its tender");
                    let card = self.tender_cards[&t.id];
                    // Lightspeed reverses a redemption whole; part of it goes back as a reload.
                    let kind = if card.provider() == ProviderId::Lightspeed
                        && p.amount_minor != t.amount_minor
                    {
                        OpKind::Reload
                    } else {
                        OpKind::Reverse
                    };
                    (card, kind, t.confirm_op_id.clone().or(t.op_id.clone()))
                }
                PartKind::Reload => (
                    reload.expect("a reload part has its card"),
                    OpKind::Reload,
                    None,
                ),
                PartKind::Cash | PartKind::Terminal => {
                    assert_eq!(p.op_id, None, "sale {n}: a {:?} part moves no card", p.kind);
                    continue;
                }
            };
            let id = p.op_id.clone().expect("a card's part has its operation");
            let op = self
                .rig
                .store
                .op(&id)
                .expect("the outbox reads")
                .expect("the part's operation is queued");
            assert_eq!(
                (op.provider, op.kind, op.amount.minor, op.depends_on.clone()),
                (card.provider(), kind, p.amount_minor, after),
                "sale {n}: part {} of refund {}",
                p.pos,
                refund.number
            );
            self.ops.insert(
                id,
                CardOp {
                    card,
                    kind,
                    amount: p.amount_minor,
                },
            );
            cards.insert(p.pos, card);
        }
        assert!(
            refund.record_op_id.is_some(),
            "sale {n}: the refund is recorded"
        );
        match refund.kind {
            RefundKind::Void => self.counts.voids += 1,
            RefundKind::Refund => {
                self.counts.refunds += 1;
                if refund.parts.iter().any(|p| p.kind == PartKind::Reload) {
                    self.counts.reloads += 1;
                }
            }
        }
        self.refunds.push(RefundMade { refund, cards });
    }
}
