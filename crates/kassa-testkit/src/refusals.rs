//! Every refusal of a payment or hold is explained by a model of the card: it could not have
//! had the amount when it was asked. A refusal is never taken as "the card ran low" on trust.
//!
//! The outbox sends the operations of one card one at a time, in creation order (docs/design.md
//! §5), so when an operation was sent every earlier one on its card was final, and the card had
//! what it started with plus what those that succeeded moved.

use crate::ledgers::OpCards;
use crate::sims::START_BALANCE;
use kassa_core::outbox::{Op, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use std::collections::HashMap;

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
