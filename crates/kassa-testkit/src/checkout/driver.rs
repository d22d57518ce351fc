//! Randomized sales through the checkout core, as a cashier rings them up: 1–3 lines, tenders
//! from Leat gift cards, Leat prepaid wallets, Lightspeed and zmyle cards, cash (sometimes
//! with change, sometimes part of the rest) and the card terminal; several cards in one sale;
//! a card's balance lowered by another till between look-up and Complete (or, for zmyle,
//! between look-up and hold); about one sale in five abandoned after some tenders; a manager
//! who approves an offline tender over a cap, or a cashier who takes it off; and stretches of
//! sales where one provider answers nothing (the first write of the stretch applied, its
//! answer lost).
//!
//! About one sale in eight also reloads a card of the run as a line of the sale (a card sale:
//! loaded when the sale completes). After about one sale in four, a refund or void of a
//! completed sale ([`super::refunds`]).
//!
//! The driver keeps what the model needs: every sale as the cashier last saw it, every
//! operation of every card tender and of every refund, and every spend of the other till.

use super::refunds::RefundMade;
use super::{Card, Rig, FIXED_LEAT_CARDS, WALLETS};
use crate::sims::{rates_for, Sims, CARDS_PER_PROVIDER, START_BALANCE};
use kassa_core::checkout::{CardAction, CheckoutError, Completion, Sale, TenderState};
use kassa_core::outbox::{Op, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_sim::faults::{Fault, Faults, Rates, Target};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::time::{Duration, Instant, SystemTime};

/// Who approves an offline tender over a cap in the run.
pub const MANAGER: &str = "Manager";
/// Steps (tenders tried, Completes) after which the rest is paid in cash.
const CASH_AFTER: usize = 10;
/// Steps after which the sale is given up.
const MAX_STEPS: usize = 16;

/// A stretch of sales during which a provider answers nothing but 503, except that the first
/// write to reach it, and now and then another, is applied and its answer lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub provider: ProviderId,
    pub sales: Range<usize>,
}

/// What the run did, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub sales: usize,
    pub completed: usize,
    pub abandoned: usize,
    /// Tenders taken, by kind of tender.
    pub tenders: BTreeMap<&'static str, usize>,
    /// Completed sales paid by two or more cards.
    pub multi_card_sales: usize,
    pub change_given: usize,
    pub cash_rounded: usize,
    /// Complete answered Refused (a card refused its charge or hold).
    pub refused_at_complete: usize,
    /// zmyle refused a hold when the card was tendered.
    pub refused_holds: usize,
    /// A look-up found the card unable to pay anything.
    pub declined_lookups: usize,
    /// A look-up got no answer and the card was not known (or known empty) offline.
    pub unanswered_lookups: usize,
    /// Proposals made from the last known balance (the provider did not answer).
    pub offline_proposals: usize,
    /// The other till spent from a card between look-up and Complete (or hold).
    pub spent_behind: usize,
    pub needs_approval: usize,
    /// Completes sent again with the manager's approval.
    pub approvals_given: usize,
    /// Unanswered tenders taken off after NeedsApproval.
    pub taken_off: usize,
    /// Sales abandoned after Complete refused a card.
    pub abandoned_after_refusal: usize,
    /// Sales rung up while a provider was down.
    pub outage_sales: usize,
    /// Refunds the till made, and of those, the ones whose rest was loaded onto another card.
    pub refunds: usize,
    pub reloads: usize,
    /// Voids the till made.
    pub voids: usize,
    /// Refunds refused for asking more than is left of the sale (the model said so first).
    pub refused_over: usize,
    /// Refunds refused for a card presented that did not pay the sale.
    pub refused_foreign_card: usize,
    /// Voids refused for a card of the sale not presented.
    pub refused_void_missing_card: usize,
    /// Voids refused because the sale was refunded before.
    pub refused_void_after_refund: usize,
    /// Voids refused because the sale loaded a card.
    pub refused_void_card_sale: usize,
    /// Cards reloaded as lines of a sale (rung up), and those whose look-up got no answer.
    pub card_lines: usize,
    pub card_lines_unanswered: usize,
    /// Reloads whose card's provider did not answer the look-up: the rest went to cash.
    pub reload_unanswered: usize,
    /// Refunds refused for part of a payment onto a Leat gift card that takes no top-up.
    pub refused_part_on_fixed: usize,
    /// Refunds given up because Leat did not answer whether a gift card takes a top-up.
    pub leat_check_unanswered: usize,
    /// Calls and the time they took, by checkout step.
    pub time: BTreeMap<&'static str, (usize, Duration)>,
}

/// A movement the other till made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub card: Card,
    /// Positive: what it took.
    pub amount: i64,
    /// Its key (Leat op id attribute, Lightspeed client_id, zmyle idempotency key).
    pub mark: String,
    /// How it shows in the provider's records (zmyle: the card transaction's id).
    pub shown: String,
    /// When it was asked for.
    pub at: SystemTime,
}

/// An operation of a card tender, as the driver saw it named on the sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardOp {
    pub card: Card,
    pub kind: OpKind,
    pub amount: i64,
}

/// The change an operation makes to what a card can spend (zmyle: a hold takes it).
pub fn available_effect(card: Card, kind: OpKind, amount: i64) -> i64 {
    match (card, kind) {
        (Card::Zmyle(_), OpKind::Reserve) => -amount,
        (Card::Zmyle(_), OpKind::Confirm) => 0,
        (Card::Zmyle(_), OpKind::Cancel) => amount,
        _ => kind.balance_effect(amount),
    }
}

pub struct Driver<'a> {
    pub(super) rig: &'a Rig,
    sims: &'a Sims,
    pub(super) rng: fastrand::Rng,
    pub counts: Counts,
    /// Every sale as it ended: as Complete answered Paid, or as abandoned.
    pub ended: Vec<Sale>,
    pub spends: Vec<Spend>,
    /// The card of every card tender, by tender id (a finished sale forgets its codes).
    pub tender_cards: HashMap<String, Card>,
    /// Every operation named on a tender or a refund's part, by op id.
    pub ops: BTreeMap<String, CardOp>,
    /// Every refund and void the till made, in order.
    pub refunds: Vec<RefundMade>,
    /// The card of each card line, by sale id and line position.
    pub line_cards: HashMap<(String, i64), Card>,
    down: Option<ProviderId>,
}

impl<'a> Driver<'a> {
    pub fn new(rig: &'a Rig, sims: &'a Sims, seed: u64) -> Self {
        Driver {
            rig,
            sims,
            rng: fastrand::Rng::with_seed(seed ^ 0xC4EC_0000_u64),
            counts: Counts::default(),
            ended: Vec::new(),
            spends: Vec::new(),
            tender_cards: HashMap::new(),
            ops: BTreeMap::new(),
            refunds: Vec::new(),
            line_cards: HashMap::new(),
            down: None,
        }
    }

    fn faults(&self, provider: ProviderId) -> &Faults {
        match provider {
            ProviderId::Leat => &self.sims.leat.faults,
            ProviderId::Lightspeed => &self.sims.lightspeed.faults,
            ProviderId::Zmyle => &self.sims.zmyle.faults,
            ProviderId::Shopwave => &self.sims.shopwave.faults,
        }
    }

    /// Rings up `sales` sales one after the other; each outage's provider is down for its
    /// stretch of sales.
    pub async fn run(&mut self, sales: usize, outages: &[Outage]) {
        for n in 0..sales {
            for o in outages {
                if o.sales.start == n {
                    // The first write of the stretch is applied and its answer lost; then
                    // every request gets 503.
                    let faults = self.faults(o.provider);
                    faults.inject(Fault::DropAfterApply, Target::Writes);
                    faults.set_rates(Rates {
                        maintenance: 1.0,
                        ..Rates::default()
                    });
                }
                if o.sales.end == n {
                    self.faults(o.provider).set_rates(rates_for(o.provider));
                }
            }
            self.down = outages
                .iter()
                .find(|o| o.sales.contains(&n))
                .map(|o| o.provider);
            if let Some(down) = self.down {
                self.counts.outage_sales += 1;
                // Now and then a write still gets through, and its answer is lost.
                if self.rng.u8(..4) == 0 {
                    self.faults(down)
                        .inject(Fault::DropAfterApply, Target::Writes);
                }
            }
            self.sale(n).await;
        }
        for o in outages {
            if o.sales.end >= sales {
                self.faults(o.provider).set_rates(rates_for(o.provider));
            }
        }
        self.down = None;
    }

    /// One sale, from its first line to Paid or abandoned.
    async fn sale(&mut self, n: usize) {
        let checkout = &self.rig.checkout;
        let sale = checkout.open().await.expect("a sale opens");
        assert!(
            sale.lines.is_empty() && sale.tenders.is_empty(),
            "sale {} is new: the one before it was finished",
            sale.number
        );
        self.counts.sales += 1;
        let id = sale.id.clone();
        for l in 0..self.rng.usize(1..=3) {
            // Mostly small articles, so that the cards last the run; now and then a dear one.
            let price = if self.rng.u8(..5) == 0 {
                self.rng.i64(600..=2_000)
            } else {
                self.rng.i64(50..=600)
            };
            let quantity = if self.rng.u8(..4) == 0 { 2 } else { 1 };
            checkout
                .add_line(&id, &format!("Article {n}.{l}"), quantity, price)
                .await
                .expect("a line is rung up");
        }
        if self.rng.u8(..8) == 0 {
            self.card_line(&id).await;
        }
        // About one sale in five is given up after one or two tenders.
        let leave_after = (self.rng.u8(..5) == 0).then(|| self.rng.usize(1..=2));
        let mut approve = false;
        for step in 0.. {
            let sale = self.look(&id);
            let counting = sale.tenders.iter().filter(|t| t.state.counts()).count();
            let paid_up = sale.remaining_minor() == 0;
            let leave = leave_after.is_some_and(|k| counting >= k || (paid_up && counting > 0));
            if leave || step >= MAX_STEPS {
                self.abandon(&id).await;
                return;
            }
            if !paid_up {
                if step >= CASH_AFTER {
                    self.cash(&sale, Some(sale.remaining_minor())).await;
                } else {
                    self.tender(&sale).await;
                }
                continue;
            }
            let clock = Instant::now();
            let completed = checkout.complete(&id, approve.then_some(MANAGER)).await;
            self.timed("complete", clock);
            match completed {
                Ok(Completion::Paid(paid)) => {
                    self.harvest(&paid);
                    self.paid(paid);
                    if self.rng.u8(..4) == 0 {
                        self.refund_or_void().await;
                    }
                    return;
                }
                Ok(Completion::Refused { sale, .. }) => {
                    self.harvest(&sale);
                    self.counts.refused_at_complete += 1;
                    approve = false;
                    if self.rng.u8(..4) == 0 {
                        self.counts.abandoned_after_refusal += 1;
                        self.abandon(&id).await;
                        return;
                    }
                }
                Ok(Completion::NeedsApproval { sale, .. }) => {
                    self.harvest(&sale);
                    self.counts.needs_approval += 1;
                    if self.rng.bool() {
                        self.counts.approvals_given += 1;
                        approve = true;
                    } else {
                        approve = false;
                        let unanswered: Vec<String> = sale
                            .tenders
                            .iter()
                            .filter(|t| {
                                matches!(t.state, TenderState::Charging | TenderState::Holding)
                            })
                            .map(|t| t.id.clone())
                            .collect();
                        for tender in unanswered {
                            let after = checkout
                                .remove_tender(&id, &tender)
                                .await
                                .expect("an unanswered tender can be taken off");
                            self.harvest(&after);
                            self.counts.taken_off += 1;
                        }
                    }
                }
                // A tender left unanswered by an earlier Complete was refused meanwhile.
                Err(CheckoutError::Invalid(message))
                    if message.to_string().contains("still to pay") => {}
                Err(e) => panic!("sale {}: Complete failed: {e}", sale.number),
            }
        }
    }

    /// A card of the run reloaded as a line of the sale: a Leat gift card that takes top-ups,
    /// a Leat wallet or a Lightspeed card.
    async fn card_line(&mut self, id: &str) {
        let card = match self.rng.u8(..3) {
            0 => Card::LeatGift(self.rng.usize(..CARDS_PER_PROVIDER)),
            1 => Card::LeatWallet(self.rng.usize(..WALLETS)),
            _ => Card::Lightspeed(self.rng.usize(..CARDS_PER_PROVIDER)),
        };
        let amount = self.rng.i64(100..=1_500);
        let added = self
            .rig
            .checkout
            .add_card_line(id, &card.code(), amount, CardAction::Reload)
            .await;
        match added {
            Ok(sale) => {
                let line = sale
                    .lines
                    .iter()
                    .rfind(|l| l.card.is_some())
                    .expect("the card line is on the sale");
                assert_eq!(line.total_minor(), amount);
                self.line_cards.insert((sale.id.clone(), line.pos), card);
                self.counts.card_lines += 1;
            }
            // Its provider did not answer the look-up (or whether the card takes money).
            Err(CheckoutError::Lookup(_)) => self.counts.card_lines_unanswered += 1,
            Err(e) => panic!("{card:?}: reloading {amount} as a line failed: {e}"),
        }
    }

    /// The sale as it stands; its tenders' cards and operations noted.
    fn look(&mut self, id: &str) -> Sale {
        let sale = self.rig.checkout.sale(id).expect("the sale reads");
        self.harvest(&sale);
        sale
    }

    /// Notes each card tender's card and the operations named on it, and each card line's
    /// operation.
    fn harvest(&mut self, sale: &Sale) {
        for line in &sale.lines {
            if let Some(op_id) = line.card.as_ref().and_then(|c| c.op_id.clone()) {
                let card = self.line_cards[&(sale.id.clone(), line.pos)];
                self.ops.entry(op_id).or_insert(CardOp {
                    card,
                    kind: OpKind::Reload,
                    amount: line.total_minor(),
                });
            }
        }
        for t in sale.tenders.iter().filter(|t| t.is_card()) {
            if let (Some(provider), Some(code)) = (t.provider, t.card_code.as_deref()) {
                let card = Card::of(provider, code).expect("the driver's cards only");
                self.tender_cards.insert(t.id.clone(), card);
            }
            let card = *self
                .tender_cards
                .get(&t.id)
                .expect("a tender is seen with its code before its sale ends");
            let held = card.provider() == ProviderId::Zmyle;
            let named = [
                (
                    &t.op_id,
                    if held {
                        OpKind::Reserve
                    } else {
                        OpKind::Redeem
                    },
                ),
                (&t.confirm_op_id, OpKind::Confirm),
                (
                    &t.undo_op_id,
                    if held {
                        OpKind::Cancel
                    } else {
                        OpKind::Reverse
                    },
                ),
            ];
            for (id, kind) in named {
                if let Some(id) = id {
                    self.ops.entry(id.clone()).or_insert(CardOp {
                        card,
                        kind,
                        amount: t.amount_minor,
                    });
                }
            }
        }
    }

    fn paid(&mut self, sale: Sale) {
        self.counts.completed += 1;
        let cards = sale
            .tenders
            .iter()
            .filter(|t| t.state.counts() && t.is_card())
            .count();
        if cards >= 2 {
            self.counts.multi_card_sales += 1;
        }
        if sale.change_minor() > 0 {
            self.counts.change_given += 1;
        }
        if sale.rounding_minor() != 0 {
            self.counts.cash_rounded += 1;
        }
        self.ended.push(sale);
    }

    async fn abandon(&mut self, id: &str) {
        let sale = self
            .rig
            .checkout
            .abandon(id, "the customer left")
            .await
            .expect("an unfinished sale can be abandoned");
        self.harvest(&sale);
        self.counts.abandoned += 1;
        self.ended.push(sale);
    }

    fn timed(&mut self, step: &'static str, since: Instant) {
        let spent = self.counts.time.entry(step).or_default();
        spent.0 += 1;
        spent.1 += since.elapsed();
    }

    fn count(&mut self, kind: &'static str) {
        *self.counts.tenders.entry(kind).or_default() += 1;
    }

    /// One tender: cash, the terminal, or a card (chosen more often from a provider that is
    /// down, so that its cards are taken offline).
    async fn tender(&mut self, sale: &Sale) {
        match self.rng.u32(..100) {
            0..=11 => self.cash(sale, None).await,
            12..=19 => self.terminal(sale).await,
            _ => self.card(sale).await,
        }
    }

    /// Cash: the rest (the till rounds it), more (change), or part of it.
    async fn cash(&mut self, sale: &Sale, given: Option<i64>) {
        let remaining = sale.remaining_minor();
        let given = given.unwrap_or_else(|| match self.rng.u8(..10) {
            0..=4 => remaining,
            5..=7 => remaining + self.rng.i64(1..=2_000),
            _ if remaining > 1 => self.rng.i64(1..remaining),
            _ => remaining,
        });
        self.rig
            .checkout
            .tender_cash(&sale.id, given)
            .await
            .expect("cash is taken");
        self.count("cash");
    }

    async fn terminal(&mut self, sale: &Sale) {
        let remaining = sale.remaining_minor();
        let amount = if remaining > 1 && self.rng.u8(..3) == 0 {
            self.rng.i64(1..remaining)
        } else {
            remaining
        };
        self.rig
            .checkout
            .tender_terminal(&sale.id, amount)
            .await
            .expect("the terminal's amount is taken");
        self.count("terminal");
    }

    pub(super) fn pick_card(&mut self, sale: &Sale) -> Card {
        // A card on a line of the sale cannot pay it.
        let on_sale: Vec<&str> = sale
            .tenders
            .iter()
            .filter(|t| t.state.counts())
            .filter_map(|t| t.card_code.as_deref())
            .chain(
                sale.lines
                    .iter()
                    .filter_map(|l| l.card.as_ref()?.card_code.as_deref()),
            )
            .collect();
        loop {
            let n = CARDS_PER_PROVIDER;
            let card = match (self.down, self.rng.u8(..100)) {
                (Some(ProviderId::Leat), 0..=59) if self.rng.u8(..3) == 0 => {
                    Card::LeatWallet(self.rng.usize(..WALLETS))
                }
                (Some(ProviderId::Leat), 0..=59) => self.leat_gift(),
                (Some(ProviderId::Lightspeed), 0..=59) => Card::Lightspeed(self.rng.usize(..n)),
                (Some(ProviderId::Zmyle), 0..=59) => Card::Zmyle(self.rng.usize(..n)),
                (_, 0..=24) => self.leat_gift(),
                (_, 25..=39) => Card::LeatWallet(self.rng.usize(..WALLETS)),
                (_, 40..=69) => Card::Lightspeed(self.rng.usize(..n)),
                _ => Card::Zmyle(self.rng.usize(..n)),
            };
            if !on_sale.contains(&card.code().as_str()) {
                return card;
            }
        }
    }

    /// A Leat gift card; one in five cannot be topped up.
    fn leat_gift(&mut self) -> Card {
        if self.rng.u8(..5) == 0 {
            Card::LeatFixed(self.rng.usize(..FIXED_LEAT_CARDS))
        } else {
            Card::LeatGift(self.rng.usize(..CARDS_PER_PROVIDER))
        }
    }

    fn kind_name(card: Card) -> &'static str {
        match card {
            Card::LeatGift(_) | Card::LeatFixed(_) => "leat gift card",
            Card::LeatWallet(_) => "leat prepaid wallet",
            Card::Lightspeed(_) => "lightspeed gift card",
            Card::Zmyle(_) => "zmyle gift card",
        }
    }

    /// A card: looked up, perhaps spent from by the other till, tendered (all it can pay, or
    /// part), perhaps spent from again before Complete.
    async fn card(&mut self, sale: &Sale) {
        let card = self.pick_card(sale);
        let code = card.code();
        let checkout = &self.rig.checkout;
        let lower = self.lower_bound(card);
        let clock = Instant::now();
        let proposed = checkout.propose(&sale.id, &code).await;
        self.timed("propose", clock);
        let proposal = match proposed {
            Ok(p) => p,
            Err(CheckoutError::Declined(_)) if !self.answered() => {
                // Its provider did not answer, and the card cannot be taken offline.
                self.counts.unanswered_lookups += 1;
                return;
            }
            Err(CheckoutError::Declined(message)) => {
                // The provider says the card cannot pay anything: the model must agree.
                assert!(
                    lower < 1,
                    "{card:?}: the look-up refused it ({message}), yet the model says it has at least {lower}\n{}",
                    self.history(card)
                );
                self.counts.declined_lookups += 1;
                return;
            }
            Err(e) => panic!("{card:?}: the look-up failed: {e}"),
        };
        if proposal.offline_since.is_some() {
            self.counts.offline_proposals += 1;
        }
        let mut amount = proposal.amount_minor;
        if amount > 1 && self.rng.u8(..10) < 3 {
            amount = self.rng.i64(1..amount);
        }
        // The other till leaves the fixed Leat cards alone: whether a refund is the card's last
        // transaction is then the model's to say.
        let behind = self.down != Some(card.provider())
            && !matches!(card, Card::LeatFixed(_))
            && self.rng.u8(..100) < 8;
        let held = card.provider() == ProviderId::Zmyle;
        if behind && held {
            self.spend_behind(card, amount).await;
        }
        let clock = Instant::now();
        let tendered = checkout.tender_card(&sale.id, &code, amount).await;
        self.timed("tender_card", clock);
        match tendered {
            Ok(after) => {
                self.harvest(&after);
                self.count(Self::kind_name(card));
                if behind && !held {
                    self.spend_behind(card, amount).await;
                }
            }
            Err(CheckoutError::Declined(message))
                if message.to_string().starts_with("zmyle refused") =>
            {
                self.counts.refused_holds += 1;
            }
            Err(e) => panic!("{card:?}: tendering {amount} failed: {e}"),
        }
    }

    /// Whether the latest look-up got its provider's answer (the till journals each one).
    fn answered(&self) -> bool {
        let latest = self.rig.store.recent_journal(1).expect("the journal reads");
        latest
            .first()
            .is_some_and(|row| row.kind == "lookup" && row.outcome == "ok")
    }

    /// The other till takes so much from `card` that less than `amount` is left.
    async fn spend_behind(&mut self, card: Card, amount: i64) {
        let code = card.code();
        let contact = match card {
            Card::LeatWallet(i) => Some(self.rig.contact(i).to_string()),
            _ => None,
        };
        let available = match card {
            Card::LeatGift(_) | Card::LeatFixed(_) => self.sims.leat.balance(&code),
            Card::LeatWallet(_) => self
                .sims
                .leat
                .prepaid_balance(contact.as_deref().unwrap_or_default()),
            Card::Lightspeed(_) => self.sims.lightspeed.balance(&code),
            Card::Zmyle(_) => self.sims.zmyle.balances(&code).map(|(_, a)| a),
        }
        .expect("the card exists");
        let take = available - self.rng.i64(0..amount.max(1));
        if take < 1 {
            return;
        }
        let mark = format!("other-till-{}", uuid_like(&mut self.rng));
        let at = SystemTime::now();
        if let Some(shown) = self
            .rig
            .other
            .spend(card, contact.as_deref(), take, &mark)
            .await
        {
            self.counts.spent_behind += 1;
            self.spends.push(Spend {
                card,
                amount: take,
                mark,
                shown,
                at,
            });
        }
    }

    /// The least `card` can have to spend now, by the model: its start, less everything the
    /// other till took, with each of this till's operations on it that succeeded, and those
    /// still unfinished counted only when they take money.
    fn lower_bound(&self, card: Card) -> i64 {
        let ids: Vec<String> = self
            .ops
            .iter()
            .filter(|(_, op)| op.card == card)
            .map(|(id, _)| id.clone())
            .collect();
        let progress = self.rig.store.op_progress(&ids).expect("the outbox reads");
        let ours: i64 = progress
            .iter()
            .map(|p| {
                let op = &self.ops[&p.id];
                let effect = available_effect(card, op.kind, op.amount);
                match p.state {
                    OpState::Succeeded => effect,
                    OpState::Declined => 0,
                    _ => effect.min(0),
                }
            })
            .sum();
        let others: i64 = self
            .spends
            .iter()
            .filter(|s| s.card == card)
            .map(|s| s.amount)
            .sum();
        START_BALANCE + ours - others
    }

    /// What the till did with `card` and what its provider shows, for a failure's message.
    pub fn history(&self, card: Card) -> String {
        let mut out = String::new();
        let ids: Vec<String> = self
            .ops
            .iter()
            .filter(|(_, op)| op.card == card)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            let op = self.rig.store.op(&id).expect("the outbox reads");
            out += &format!(
                "  op {id} {:?}\n",
                op.map(|o| (
                    o.sale_id,
                    o.kind,
                    o.amount.minor,
                    o.state,
                    o.attempts,
                    o.last_error
                ))
            );
        }
        for s in self.spends.iter().filter(|s| s.card == card) {
            out += &format!("  other till: {} ({})\n", -s.amount, s.mark);
        }
        let code = card.code();
        match card {
            Card::Lightspeed(_) => {
                for t in self.sims.lightspeed.transactions(&code) {
                    out += &format!(
                        "  at Lightspeed: {:?} {} {:?}\n",
                        t.kind, t.amount, t.client_id
                    );
                }
            }
            Card::LeatGift(_) | Card::LeatFixed(_) => {
                out += &format!(
                    "  at Leat: {:?}\n",
                    self.sims.leat.transaction_amounts(&code)
                );
            }
            Card::LeatWallet(i) => {
                out += &format!(
                    "  at Leat: {:?}\n",
                    self.sims.leat.prepaid_amounts(self.rig.contact(i))
                );
            }
            Card::Zmyle(_) => {
                out += &format!("  at zmyle: {:?}\n", self.sims.zmyle.balances(&code));
            }
        }
        out
    }

    /// The card of each of `ops` the run made: those named on its tenders, and what was
    /// queued after them (the hold watchdog's cancel). The till keeps a finished operation's
    /// code masked only, so the cards come from what the driver saw.
    pub fn cards(&self, ops: &HashMap<String, Op>) -> HashMap<String, Card> {
        let card_of = |id: &str| {
            let mut at = id;
            loop {
                if let Some(named) = self.ops.get(at) {
                    return Some(named.card);
                }
                at = ops.get(at)?.depends_on.as_deref()?;
            }
        };
        ops.keys()
            .filter_map(|id| Some((id.clone(), card_of(id)?)))
            .collect()
    }

    /// [`Driver::cards`] as codes, for the ledgers' check.
    pub fn op_cards(&self, ops: &HashMap<String, Op>) -> crate::ledgers::OpCards {
        self.cards(ops)
            .into_iter()
            .map(|(id, card)| (id, card.code()))
            .collect()
    }

    /// What the ledgers' check must count besides the till's operations on the standard
    /// cards: what the other till spent, the fixed Leat cards, the refusals of money given
    /// back that the model explains (`refusals::assert_reversals_explained`).
    pub fn besides(&self) -> crate::ledgers::Besides {
        let ops = self
            .rig
            .store
            .ops(&[], u32::MAX)
            .expect("the outbox reads")
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let fixed: Vec<String> = (0..FIXED_LEAT_CARDS)
            .map(|i| Card::LeatFixed(i).code())
            .collect();
        let mut besides = crate::ledgers::Besides {
            refused: crate::refusals::assert_reversals_explained(
                &self.rig.store,
                &self.op_cards(&ops),
                &fixed.iter().cloned().collect(),
            ),
            leat_cards: fixed,
            ..Default::default()
        };
        for s in &self.spends {
            // zmyle's records show a spend by its card transaction, the others by our mark.
            let shown = if s.card.provider() == ProviderId::Zmyle {
                &s.shown
            } else {
                &s.mark
            };
            besides
                .moved
                .entry((s.card.provider(), s.card.code()))
                .or_default()
                .push((shown.clone(), -s.amount));
        }
        besides
    }
}

fn uuid_like(rng: &mut fastrand::Rng) -> String {
    format!("{:016x}{:016x}", rng.u64(..), rng.u64(..))
}
