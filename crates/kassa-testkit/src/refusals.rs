//! Every refusal of a payment or hold is explained by a model of the card: it could not have
//! had the amount when it was asked. A refusal is never taken as "the card ran low" on trust.
//!
//! The outbox sends the operations of one card one at a time, in creation order (docs/design.md
//! §5), so when an operation was sent every earlier one on its card was final, and the card had
//! what it started with plus what those that succeeded moved.
//!
//! Money given back onto a Leat gift card that cannot be topped up (not upgradeable) is
//! explained the same way: Leat reverses only the card's last transaction, whole, so the
//! model says which of those reversals Leat must refuse ([`assert_reversals_explained`]).

use crate::ledgers::OpCards;
use crate::sims::START_BALANCE;
use kassa_core::outbox::{Op, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use std::collections::{BTreeSet, HashMap};

/// The change an operation that succeeded makes to what its card can spend (a hold takes it,
/// its confirm no more, its cancel gives it back).
fn available_effect(kind: OpKind, minor: i64) -> i64 {
    match kind {
        OpKind::Redeem | OpKind::Reserve => -minor,
        OpKind::Reload | OpKind::Reverse | OpKind::Cancel | OpKind::Activate => minor,
        OpKind::Confirm | OpKind::RecordSale => 0,
    }
}

/// Declined by a provider, not closed by the till because what it depended on was refused.
fn refused_by_provider(op: &Op) -> bool {
    op.state == OpState::Declined
        && matches!(op.kind, OpKind::Redeem | OpKind::Reserve)
        && op.depends_on.is_none()
}

/// Asserts that each refused payment or hold asked for more than its card had by the model,
/// every card starting with `START_BALANCE` and each operation's card given by `cards`;
/// returns how many refusals it checked.
pub fn assert_refusals_explained(store: &Store, cards: &OpCards) -> usize {
    let mut ops = store.ops(&[], u32::MAX).expect("the outbox reads");
    ops.sort_by_key(|o| o.seq);
    let mut available: HashMap<(ProviderId, String), i64> = HashMap::new();
    let mut refusals = 0;
    for op in &ops {
        let Some(card) = cards.get(&op.id).cloned() else {
            assert_eq!(
                op.kind,
                OpKind::RecordSale,
                "the test gave {}'s card",
                op.id
            );
            continue;
        };
        let had = available
            .entry((op.provider, card))
            .or_insert(START_BALANCE);
        if op.state == OpState::Succeeded {
            *had += available_effect(op.kind, op.amount.minor);
        } else if refused_by_provider(op) {
            assert!(
                *had < op.amount.minor,
                "{} refused a {} of {} ({:?}), yet by the model the card had {had}",
                op.provider,
                op.kind,
                op.amount.minor,
                op.last_error
            );
            refusals += 1;
        }
    }
    refusals
}

/// Closed by the till because the payment it gives back was refused: it moved nothing.
fn moot(op: &Op) -> bool {
    op.last_error
        .as_deref()
        .is_some_and(|e| e.starts_with("the operation it depends on was declined"))
}

/// Asserts that every reversal or reload a provider refused is one the model says it must
/// refuse, and that every one the model says it must refuse was refused: on the Leat gift
/// cards in `fixed` (not upgradeable; nobody else moves money on them), a reload, or a
/// reversal of a payment that is not the card's last transaction or not of its whole amount.
/// A reversal of a payment that was itself refused is closed as moot. Every refusal is on
/// the review list. Returns the refused operations' ids.
pub fn assert_reversals_explained(
    store: &Store,
    cards: &OpCards,
    fixed: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut ops = store.ops(&[], u32::MAX).expect("the outbox reads");
    ops.sort_by_key(|o| o.seq);
    let by_id: HashMap<&str, &Op> = ops.iter().map(|o| (o.id.as_str(), o)).collect();
    let review: BTreeSet<String> = store
        .review_list()
        .expect("the review list reads")
        .into_iter()
        .map(|r| r.op.id)
        .collect();
    // The card's last transaction by the model: the last of its operations that succeeded.
    let mut last: HashMap<&str, &str> = HashMap::new();
    let mut refused = BTreeSet::new();
    for op in &ops {
        let card = cards.get(&op.id).map(String::as_str);
        if matches!(op.kind, OpKind::Reverse | OpKind::Reload) {
            let undone = op.depends_on.as_deref().map(|d| by_id[d]);
            let what = format!(
                "{} {} of {} on {card:?} ({:?}: {:?})",
                op.provider, op.kind, op.amount.minor, op.state, op.last_error
            );
            if undone.is_some_and(|d| d.state == OpState::Declined) {
                assert!(
                    op.state == OpState::Declined && moot(op),
                    "{what}: what it gives back was refused, so it is closed"
                );
                continue;
            }
            let on_fixed = op.provider == ProviderId::Leat
                && op.prepaid_contact().is_none()
                && card.is_some_and(|c| fixed.contains(c));
            let must_refuse = on_fixed
                && match (op.kind, undone) {
                    (OpKind::Reverse, Some(d)) => {
                        card.and_then(|c| last.get(c)) != Some(&d.id.as_str())
                            || d.amount.minor != op.amount.minor
                    }
                    _ => true,
                };
            if must_refuse {
                assert_eq!(
                    op.state,
                    OpState::Declined,
                    "{what}: Leat cannot take it onto a card that is not upgradeable"
                );
                assert!(
                    review.contains(&op.id),
                    "{what}: refused, so on the review list"
                );
                refused.insert(op.id.clone());
            } else {
                assert_ne!(
                    op.state,
                    OpState::Declined,
                    "{what}: refused, yet by the model the card takes it"
                );
            }
        }
        if op.state == OpState::Succeeded {
            if let Some(card) = card {
                last.insert(card, &op.id);
            }
        }
    }
    refused
}
