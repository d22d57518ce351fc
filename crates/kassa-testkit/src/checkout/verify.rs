//! The checks after the drain, against the model the driver kept (what the cashier saw: each
//! sale Paid or abandoned, each tender's amount and card; and every spend of the other till):
//!
//! - each completed sale adds up: its paying tenders make its total plus cash rounding, and
//!   the change is the cash given less the cash due;
//! - each card tender of a completed sale took its amount exactly once, unless it was accepted
//!   offline and refused later, which is then on the review list with its sale; every tender
//!   that pays nothing in the end (taken off, refused, its sale abandoned) moved nothing net,
//!   and an abandoned sale's operations net to zero on each of its cards;
//! - each card's balance at its simulator is its start plus the model's movements;
//! - each provider's own records of each card are the model's, operation by operation (Leat
//!   and Lightspeed by our marks, zmyle by its intents and card transactions): a lost payment
//!   and a doubled one of the same amount cannot cancel out;
//! - every refusal of a redemption or hold is explained by the model: the card could not have
//!   had the amount when it was asked;
//! - each refund's and void's part that gives money back onto a card landed once (its
//!   reversal, top-up or reload in the card's records and balance), or was refused where the
//!   model says the provider must refuse it (then it is on the review list), or gave back a
//!   payment that was itself refused (then it moved nothing);
//! - Shopwave holds each completed sale once, with its payments, and each refund once with
//!   its negative amounts, and nothing of the others.

use super::driver::{available_effect, Driver};
use super::provider_records::{leat_records, lightspeed_records, shopwave, zmyle_records};
use super::{Card, Rig, FIXED_LEAT_CARDS};
use crate::sims::{Sims, START_BALANCE};
use kassa_core::checkout::{model::cash_due, Sale, SaleState, TenderKind, TenderState};
use kassa_core::outbox::{Op, OpKind, OpState, Resolution};
use kassa_core::provider::ProviderId;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

/// What the checks looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    pub completed: usize,
    pub abandoned: usize,
    /// Card tenders of completed sales whose money was taken.
    pub card_tenders_paid: usize,
    /// Tenders of completed sales accepted without their provider's answer.
    pub offline_accepted: usize,
    /// Of those, accepted by a manager over a cap.
    pub manager_approved: usize,
    /// Offline tenders refused once their provider answered: on the review list.
    pub offline_refused_later: usize,
    /// Redemptions and holds the providers refused, each explained by the model.
    pub provider_refusals: usize,
    /// Card tenders that took money and gave it back (their sale abandoned, or taken off).
    pub undone: usize,
    /// Card tenders whose operation was withdrawn before it left.
    pub withdrawn: usize,
    /// Provider records compared operation by operation.
    pub records_compared: usize,
    /// Refunds and voids of completed sales, each recorded in Shopwave.
    pub refunds: usize,
    pub voids: usize,
    /// Their parts that gave money back onto a card (its own or another, loaded).
    pub parts_landed: usize,
    /// Their parts a provider refused, each explained by the model and on the review list.
    pub parts_refused: usize,
    /// Their parts closed because the payment they gave back was refused.
    pub parts_moot: usize,
    /// Cards loaded by a line of a completed sale.
    pub cards_loaded: usize,
}

/// Said by a declined operation that no provider refused.
fn moot(op: &Op) -> bool {
    op.last_error.as_deref().is_some_and(|e| {
        e.starts_with("withdrawn") || e.starts_with("the operation it depends on was declined")
    })
}

/// A card tender's fate, for the comparison with its provider's records.
#[derive(Debug, Clone)]
pub(super) struct Fate {
    pub(super) amount: i64,
    /// The hold or redemption, and the provider's reference of it.
    pub(super) first: Option<Op>,
    pub(super) undo: Option<Op>,
    /// Its money was taken for a completed sale.
    pub(super) paid: bool,
}

/// Money a refund's part gives back onto a card, or a card line of a completed sale loads
/// onto one, for the comparison with its provider's records.
#[derive(Debug, Clone)]
pub(super) struct Back {
    pub(super) amount: i64,
    /// The reversal or reload.
    pub(super) op: Op,
    /// The payment it gives back (a card part).
    pub(super) undoes: Option<Op>,
    /// It moved the money (a refusal moves nothing).
    pub(super) landed: bool,
}

/// What a manager does with the review list after the drain: an outcome the provider's
/// records could not settle is checked at the provider (the simulator) and marked done there,
/// or sent for another look. Refusals stay. Returns how many were resolved; the engine must
/// run again for what waited behind them.
pub fn resolve_unknowns_as_manager(rig: &Rig, sims: &Sims, driver: &Driver<'_>) -> usize {
    let store = &rig.store;
    let cards = driver.op_cards(&ops_by_id(rig));
    let mut resolved = 0;
    for item in store.review_list().expect("the review list reads") {
        let op = &item.op;
        if op.state != OpState::Unknown {
            continue;
        }
        let code = op.card_code.clone().unwrap_or_default();
        let done = match (op.provider, op.kind) {
            // A reversal carries no mark of ours: the card shows one reversal of this amount
            // more than the till has booked.
            (ProviderId::Lightspeed, OpKind::Reverse) => {
                let there = sims
                    .lightspeed
                    .transactions(&code)
                    .into_iter()
                    .filter(|t| {
                        t.kind == kassa_sim::lightspeed::TxnKind::Reversing
                            && t.amount == op.amount.minor
                    })
                    .count();
                let booked = store
                    .booked_ops()
                    .expect("the journal reads")
                    .into_iter()
                    .filter(|b| {
                        b.provider == ProviderId::Lightspeed
                            && b.kind == OpKind::Reverse
                            && cards.get(&b.op_id) == Some(&code)
                            && b.amount_minor == op.amount.minor
                    })
                    .count();
                there > booked
            }
            (provider, kind) => panic!(
                "{provider} {kind} of {} cannot be settled: {}",
                op.amount.minor, item.reason
            ),
        };
        let resolution = if done {
            Resolution::DoneAtProvider {
                note: "the card shows it at the provider".into(),
            }
        } else {
            Resolution::Retry
        };
        store
            .resolve_review(&op.id, &resolution)
            .expect("a manager resolves it");
        resolved += 1;
    }
    resolved
}

/// The till's operations by id.
fn ops_by_id(rig: &Rig) -> HashMap<String, Op> {
    rig.store
        .ops(&[], u32::MAX)
        .expect("the outbox reads")
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect()
}

/// Runs every check; panics with the first difference.
pub async fn verify(rig: &Rig, sims: &Sims, driver: &Driver<'_>, cash_rounding: i64) -> Verified {
    let mut v = Verified::default();
    let store = &rig.store;
    let stored = rig.checkout.sales(None, u32::MAX).expect("the sales read");
    assert_eq!(
        stored.len(),
        driver.ended.len(),
        "the till holds every sale the cashier rang up, and no other"
    );
    let seen: HashMap<&str, &Sale> = driver.ended.iter().map(|s| (s.id.as_str(), s)).collect();
    let ops = ops_by_id(rig);
    let card_of = driver.cards(&ops);
    let mut unfinished: Vec<&Op> = ops.values().filter(|o| !o.state.is_final()).collect();
    unfinished.sort_by_key(|o| o.seq);
    assert!(
        unfinished.is_empty(),
        "the outbox drained, yet:\n{}",
        unfinished
            .iter()
            .map(|o| format!(
                "  {} {} {:?} of {} on {:?} (sale {:?}): {:?}, attempts {}, review {:?}",
                o.provider,
                o.kind,
                o.state,
                o.amount.minor,
                o.card_code,
                o.sale_id,
                o.last_error,
                o.attempts,
                o.review_reason
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let review: BTreeSet<String> = store
        .review_list()
        .expect("the review list reads")
        .into_iter()
        .map(|r| r.op.id)
        .collect();
    let mut explained_reviews = BTreeSet::new();
    let mut moved: BTreeMap<Card, i64> = BTreeMap::new();
    let mut fates: BTreeMap<Card, Vec<Fate>> = BTreeMap::new();
    let mut backs: BTreeMap<Card, Vec<Back>> = BTreeMap::new();

    for sale in &stored {
        let cashier = seen
            .get(sale.id.as_str())
            .unwrap_or_else(|| panic!("sale {} was not rung up by the cashier", sale.number));
        assert_eq!(sale.state, cashier.state, "sale {}", sale.number);
        let completed = match sale.state {
            SaleState::Completed => true,
            SaleState::Abandoned => false,
            other => panic!("sale {} is left {other}", sale.number),
        };
        if completed {
            v.completed += 1;
            adds_up(cashier, cash_rounding);
            let paying = |s: &Sale| -> BTreeMap<String, i64> {
                s.tenders
                    .iter()
                    .filter(|t| t.state.counts())
                    .map(|t| (t.id.clone(), t.amount_minor))
                    .collect()
            };
            assert_eq!(
                paying(sale),
                paying(cashier),
                "sale {}: the till keeps the tenders the cashier saw paid",
                sale.number
            );
            let record = sale
                .record_op_id
                .as_ref()
                .and_then(|id| ops.get(id))
                .unwrap_or_else(|| panic!("sale {} is recorded for Shopwave", sale.number));
            assert_eq!(record.state, OpState::Succeeded, "sale {}", sale.number);
            // Each card it loaded got the money once (a card that takes it).
            for line in &sale.lines {
                let Some(loaded) = &line.card else { continue };
                let card = driver.line_cards[&(sale.id.clone(), line.pos)];
                let op = loaded
                    .op_id
                    .as_ref()
                    .map(|id| ops[id].clone())
                    .unwrap_or_else(|| panic!("sale {}: its card line is loaded", sale.number));
                assert_eq!(
                    (op.kind, op.amount.minor, op.state),
                    (OpKind::Reload, line.total_minor(), OpState::Succeeded),
                    "sale {}: {card:?} loaded by its line ({:?})",
                    sale.number,
                    op.last_error
                );
                *moved.entry(card).or_default() += line.total_minor();
                v.cards_loaded += 1;
                backs.entry(card).or_default().push(Back {
                    amount: line.total_minor(),
                    op,
                    undoes: None,
                    landed: true,
                });
            }
        } else {
            v.abandoned += 1;
            assert!(sale.record_op_id.is_none(), "sale {}", sale.number);
            assert!(
                sale.lines
                    .iter()
                    .all(|l| l.card.as_ref().is_none_or(|c| c.op_id.is_none())),
                "abandoned sale {}: no card is loaded",
                sale.number
            );
            // Whatever the sale took from a card, it gave back.
            let mut net: BTreeMap<Card, i64> = BTreeMap::new();
            for op in ops
                .values()
                .filter(|o| o.sale_id.as_deref() == Some(&sale.id))
            {
                if op.state == OpState::Succeeded {
                    let card = card_of
                        .get(&op.id)
                        .unwrap_or_else(|| panic!("the driver saw the card of {}", op.id));
                    *net.entry(*card).or_default() += op.kind.balance_effect(op.amount.minor);
                }
            }
            for (card, n) in net {
                assert_eq!(
                    n, 0,
                    "abandoned sale {}: {card:?} moved {n} net",
                    sale.number
                );
            }
        }

        for t in sale.tenders.iter().filter(|t| t.is_card()) {
            let card = driver.tender_cards[&t.id];
            let op = |id: &Option<String>| id.as_ref().map(|id| ops[id].clone());
            let (first, confirm, undo) = (op(&t.op_id), op(&t.confirm_op_id), op(&t.undo_op_id));
            let succeeded =
                |o: &Option<Op>| o.as_ref().is_some_and(|o| o.state == OpState::Succeeded);
            let mut fate = Fate {
                amount: t.amount_minor,
                first: first.clone(),
                undo: undo.clone(),
                paid: false,
            };
            if completed && t.state.counts() {
                assert!(
                    matches!(
                        t.state,
                        TenderState::Taken | TenderState::Held | TenderState::Offline
                    ),
                    "sale {}: a paying tender is {}",
                    sale.number,
                    t.state
                );
                let charge = confirm.clone().or(first.clone()).unwrap_or_else(|| {
                    panic!("sale {}: a card tender without its operation", sale.number)
                });
                assert_eq!(charge.sale_id.as_deref(), Some(sale.id.as_str()));
                assert_eq!(charge.amount.minor, t.amount_minor);
                if t.state == TenderState::Offline {
                    v.offline_accepted += 1;
                    if t.approved_by.as_deref() == Some(super::driver::MANAGER) {
                        v.manager_approved += 1;
                    }
                }
                if charge.state == OpState::Succeeded {
                    assert!(
                        succeeded(&first),
                        "sale {}: confirmed without its hold",
                        sale.number
                    );
                    *moved.entry(card).or_default() -= t.amount_minor;
                    fate.paid = true;
                    v.card_tenders_paid += 1;
                } else {
                    assert_eq!(
                        charge.state,
                        OpState::Declined,
                        "sale {}: the {} of a paying {card:?} tender ({}) ended {:?}: {:?} {:?}",
                        sale.number,
                        charge.kind,
                        t.state,
                        charge.state,
                        charge.last_error,
                        charge.review_reason
                    );
                    assert_eq!(
                        t.state,
                        TenderState::Offline,
                        "sale {}: only a tender accepted offline may be refused after Paid ({:?})",
                        sale.number,
                        charge.last_error
                    );
                    // What the customer owes: the tender, less what refunds and voids gave
                    // back onto it since (nothing, for it was never taken).
                    let back: i64 = driver
                        .refunds
                        .iter()
                        .flat_map(|r| &r.refund.parts)
                        .filter(|p| p.tender_id.as_deref() == Some(t.id.as_str()))
                        .filter(|p| p.kind == kassa_core::checkout::refunds::PartKind::Card)
                        .map(|p| p.amount_minor)
                        .sum();
                    let listed = [&first, &confirm]
                        .into_iter()
                        .flatten()
                        .find(|o| review.contains(&o.id));
                    match listed {
                        Some(listed) => {
                            assert_eq!(listed.sale_id.as_deref(), Some(sale.id.as_str()));
                            explained_reviews.insert(listed.id.clone());
                        }
                        None => assert_eq!(
                            back,
                            t.amount_minor,
                            "sale {}: the offline {card:?} tender of {} refused later is not on \
                             the review list, yet {} of it is owed ({back} given back onto it \
                             by a refund since; its {} ended {:?}: {:?})",
                            sale.number,
                            t.amount_minor,
                            t.amount_minor - back,
                            charge.kind,
                            charge.state,
                            charge.last_error
                        ),
                    }
                    v.offline_refused_later += 1;
                }
            } else {
                // Pays nothing in the end: whatever it took was given back.
                let net: i64 = [&first, &confirm, &undo]
                    .into_iter()
                    .flatten()
                    .filter(|o| o.state == OpState::Succeeded)
                    .map(|o| o.kind.balance_effect(o.amount.minor))
                    .sum();
                assert_eq!(
                    net, 0,
                    "sale {}: {card:?} tender {} ({}) moved {net} net",
                    sale.number, t.id, t.state
                );
                assert!(
                    !succeeded(&confirm),
                    "sale {}: an unpaid hold confirmed",
                    sale.number
                );
                if succeeded(&first) {
                    assert!(
                        succeeded(&undo),
                        "sale {}: {card:?} tender {} ({}) took money and was not undone (its {} is {:?}, its undo {:?})",
                        sale.number,
                        t.id,
                        t.state,
                        first.as_ref().map(|o| o.kind).unwrap_or(OpKind::Redeem),
                        first.as_ref().map(|o| (o.state, o.attempts, o.last_error.clone())),
                        undo.as_ref().map(|o| (o.kind, o.state))
                    );
                    v.undone += 1;
                }
                if first.as_ref().is_some_and(moot) {
                    v.withdrawn += 1;
                }
                // Refused after the cashier took it off (or gave the sale up): nothing is
                // owed, so nobody is asked to look.
                if let Some(listed) = first.as_ref().filter(|o| review.contains(&o.id)) {
                    panic!(
                        "sale {} ({}): {} {} of {} refused after its tender was taken off is on the review list: {:?}",
                        sale.number, sale.state, listed.provider, listed.kind, listed.amount.minor,
                        listed.last_error
                    );
                }
            }
            fates.entry(card).or_default().push(fate);
        }
    }

    // Each refund's parts: landed once, or refused where the model says so.
    let fixed = (0..FIXED_LEAT_CARDS)
        .map(|i| Card::LeatFixed(i).code())
        .collect();
    let refused =
        crate::refusals::assert_reversals_explained(store, &driver.op_cards(&ops), &fixed);
    for made in &driver.refunds {
        let r = &made.refund;
        let sale = seen[r.sale_id.as_str()];
        assert_eq!(sale.state, SaleState::Completed, "refund {}", r.number);
        match r.kind {
            kassa_core::checkout::refunds::RefundKind::Refund => v.refunds += 1,
            kassa_core::checkout::refunds::RefundKind::Void => v.voids += 1,
        }
        let record = r.record_op_id.as_ref().map(|id| &ops[id]);
        assert_eq!(
            record.map(|o| o.state),
            Some(OpState::Succeeded),
            "refund {} of sale {} is recorded for Shopwave",
            r.number,
            sale.number
        );
        for p in &r.parts {
            let Some(id) = &p.op_id else { continue };
            let op = ops[id].clone();
            let card = made.cards[&p.pos];
            let what = format!(
                "refund {} of sale {}: part {} ({:?}, {} onto {card:?}), its {} {:?}: {:?}",
                r.number,
                sale.number,
                p.pos,
                p.kind,
                p.amount_minor,
                op.kind,
                op.state,
                op.last_error
            );
            let undoes = op.depends_on.as_ref().map(|d| ops[d].clone());
            let landed = match op.state {
                OpState::Succeeded => {
                    *moved.entry(card).or_default() += p.amount_minor;
                    v.parts_landed += 1;
                    true
                }
                OpState::Declined if refused.contains(id) => {
                    explained_reviews.insert(id.clone());
                    v.parts_refused += 1;
                    false
                }
                OpState::Declined
                    if moot(&op)
                        && undoes
                            .as_ref()
                            .is_some_and(|u| u.state == OpState::Declined) =>
                {
                    v.parts_moot += 1;
                    false
                }
                _ => panic!("{what}: neither landed nor refused as the model says"),
            };
            backs.entry(card).or_default().push(Back {
                amount: p.amount_minor,
                op,
                undoes,
                landed,
            });
        }
    }
    let unexplained: Vec<String> = review
        .difference(&explained_reviews)
        .map(|id| {
            let op = &ops[id];
            let sale = stored
                .iter()
                .find(|s| Some(&s.id) == op.sale_id.as_ref())
                .expect("a tender's operation names its sale");
            let tender = sale
                .tenders
                .iter()
                .find(|t| t.op_id.as_ref() == Some(id) || t.confirm_op_id.as_ref() == Some(id));
            format!(
                "{} {} of {} ({:?}, attempts {}) of sale {} ({}), its tender {:?}",
                op.provider,
                op.kind,
                op.amount.minor,
                op.last_error,
                op.attempts,
                sale.number,
                sale.state,
                tender.map(|t| (t.state, &t.message))
            )
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "on the review list without an offline tender refused after its sale:\n{}",
        unexplained.join("\n")
    );
    assert!(
        store.open_holds().expect("the holds read").is_empty(),
        "no hold left open"
    );

    // Each card's records at its provider, operation by operation.
    for card in Card::all() {
        let fates = fates.remove(&card).unwrap_or_default();
        let backs = backs.remove(&card).unwrap_or_default();
        let spends: Vec<_> = driver.spends.iter().filter(|s| s.card == card).collect();
        v.records_compared += match card {
            Card::LeatGift(_) | Card::LeatFixed(_) => {
                let mut txns = rig.other.leat_transactions(&card.code()).await;
                assert_eq!(
                    txns.first(),
                    Some(&(None, START_BALANCE)),
                    "{card:?}: its issue comes first"
                );
                txns.remove(0);
                leat_records(card, txns, &fates, &backs, &spends)
            }
            Card::LeatWallet(i) => {
                let txns = rig.other.prepaid_transactions(rig.contact(i)).await;
                leat_records(card, txns, &fates, &backs, &spends)
            }
            Card::Lightspeed(_) => lightspeed_records(sims, card, &fates, &backs, &spends),
            Card::Zmyle(_) => zmyle_records(rig, card, &fates, &backs, &spends).await,
        };
    }

    // Each card's balance: its start plus the model's movements.
    let mut spent: BTreeMap<Card, i64> = BTreeMap::new();
    for s in &driver.spends {
        *spent.entry(s.card).or_default() += s.amount;
    }
    for card in Card::all() {
        let want = START_BALANCE + moved.get(&card).copied().unwrap_or(0)
            - spent.get(&card).copied().unwrap_or(0);
        let code = card.code();
        let have = match card {
            Card::LeatGift(_) | Card::LeatFixed(_) => sims.leat.balance(&code),
            Card::LeatWallet(i) => sims.leat.prepaid_balance(rig.contact(i)),
            Card::Lightspeed(_) => sims.lightspeed.balance(&code),
            Card::Zmyle(_) => sims.zmyle.balances(&code).map(|(balance, available)| {
                assert_eq!(
                    available, balance,
                    "{card:?}: a hold is left that the till does not know of"
                );
                balance
            }),
        };
        assert_eq!(have, Some(want), "{card:?}: balance at the provider");
    }

    // Every refusal of a redemption or hold is explained: by the model, the card could not
    // have had the amount when it was asked. Operations on one card run in creation order,
    // so those before it were final by then.
    let mut all: Vec<&Op> = ops.values().collect();
    all.sort_by_key(|o| o.seq);
    for d in all.iter().filter(|o| {
        o.state == OpState::Declined
            && matches!(o.kind, OpKind::Redeem | OpKind::Reserve)
            && !moot(o)
    }) {
        let card = *card_of
            .get(&d.id)
            .expect("a refusal of one of the driver's cards");
        let before: i64 = all
            .iter()
            .filter(|p| {
                p.seq < d.seq && card_of.get(&p.id) == Some(&card) && p.state == OpState::Succeeded
            })
            .map(|p| available_effect(card, p.kind, p.amount.minor))
            .sum();
        let asked = d.sent_at.map_or(SystemTime::now(), SystemTime::from) + Duration::from_secs(2);
        let others: i64 = driver
            .spends
            .iter()
            .filter(|s| s.card == card && s.at < asked)
            .map(|s| s.amount)
            .sum();
        let at_most = START_BALANCE + before - others;
        assert!(
            at_most < d.amount.minor,
            "{card:?}: {} of {} refused ({:?}), yet by the model the card had {at_most} to spend",
            d.kind,
            d.amount.minor,
            d.last_error
        );
        v.provider_refusals += 1;
    }

    shopwave(sims, &stored, &seen, &driver.refunds);
    v
}

/// A completed sale as the cashier saw it Paid: the paying tenders make the total plus cash
/// rounding; the change is the cash given less the cash due.
fn adds_up(sale: &Sale, cash_rounding: i64) {
    let n = sale.number;
    let paying: Vec<_> = sale.tenders.iter().filter(|t| t.state.counts()).collect();
    let paid: i64 = paying.iter().map(|t| t.amount_minor).sum();
    assert_eq!(sale.remaining_minor(), 0, "sale {n}");
    assert_eq!(
        paid,
        sale.total_minor() + sale.rounding_minor(),
        "sale {n}: tenders make the total plus rounding"
    );
    let cash: Vec<_> = paying
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .collect();
    let given: i64 = cash.iter().map(|t| t.given_minor.unwrap_or(0)).sum();
    let cash_paid: i64 = cash.iter().map(|t| t.amount_minor).sum();
    assert_eq!(sale.change_minor(), given - cash_paid, "sale {n}: change");
    assert!(sale.change_minor() >= 0, "sale {n}: change");
    for t in &paying {
        assert!(t.amount_minor > 0, "sale {n}: a tender of nothing");
        if t.kind != TenderKind::Cash {
            assert_eq!(t.rounding_minor, 0, "sale {n}: only cash rounds");
            assert_eq!(t.given_minor, None, "sale {n}");
        } else if t.rounding_minor != 0 {
            // It paid the rest, rounded to the step.
            let rest = t.amount_minor - t.rounding_minor;
            assert_eq!(t.amount_minor, cash_due(rest, cash_rounding), "sale {n}");
        }
    }
}
