//! Each provider's own records against the model, after the drain: Leat's, Lightspeed's and
//! zmyle's records card by card, operation by operation (the tenders' payments and undos, the
//! refunds' parts), and Shopwave's baskets sale by sale and refund by refund.

use super::refunds::RefundMade;
use super::verify::{Back, Fate};
use super::{scanned, Card, Rig};
use crate::sims::{Sims, START_BALANCE};
use kassa_core::checkout::{Sale, SaleState};
use kassa_core::outbox::{OpKind, OpState};
use kassa_providers::zmyle::IntentStatus;
use std::collections::{BTreeMap, HashMap};

/// Leat (a gift card's transactions after its issue, or a wallet's): each marked with the op
/// id that made it. A paid tender: its redemption once. One that pays nothing: nothing, or its
/// redemption and the reversal (Leat's own, carrying the same mark; or a top-up carrying the
/// undo's). A refund's part that landed: once, as a top-up under its own mark or (a gift
/// card's whole payment) as Leat's own reverse under the payment's; one refused: nothing. The
/// other till's spends once each. Nothing else.
pub(super) fn leat_records(
    card: Card,
    txns: Vec<(Option<String>, i64)>,
    fates: &[Fate],
    backs: &[Back],
    spends: &[&super::driver::Spend],
) -> usize {
    let compared = txns.len();
    let mut by_mark: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (mark, amount) in txns {
        let mark =
            mark.unwrap_or_else(|| panic!("{card:?}: a transaction of {amount} nobody marked"));
        by_mark.entry(mark).or_default().push(amount);
    }
    let mut take = |mark: &str| by_mark.remove(mark).unwrap_or_default();
    // Payments given back by Leat's own reverse (under the payment's mark): what came back.
    let mut reversed: BTreeMap<String, i64> = BTreeMap::new();
    for b in backs {
        let own = take(&b.op.id);
        let what = format!(
            "{card:?}: the refund's {} {} of {} ({:?})",
            b.op.kind, b.op.id, b.amount, b.op.state
        );
        if !b.landed {
            assert!(
                own.is_empty(),
                "{what} moved nothing, yet Leat shows {own:?}"
            );
        } else if own != [b.amount] {
            assert!(own.is_empty(), "{what} shows {own:?}");
            let undone = b
                .undoes
                .as_ref()
                .filter(|u| b.op.kind == OpKind::Reverse && u.amount.minor == b.amount)
                .unwrap_or_else(|| panic!("{what}: landed, yet Leat shows nothing of it"));
            assert!(
                reversed.insert(undone.id.clone(), b.amount).is_none(),
                "{what}: the payment {} given back whole twice",
                undone.id
            );
        }
    }
    for f in fates {
        let a = f.amount;
        let Some(first) = &f.first else { continue };
        let ours = take(&first.id);
        let undo = f.undo.as_ref().map(|u| take(&u.id)).unwrap_or_default();
        if f.paid {
            let mut want = vec![-a];
            want.extend(reversed.remove(&first.id));
            assert_eq!(
                ours, want,
                "{card:?}: op {} paid once (and given back once by Leat's reverse)",
                first.id
            );
            assert!(undo.is_empty());
        } else {
            let ok = matches!(
                (ours.as_slice(), undo.as_slice()),
                ([], []) | ([_, _], []) | ([_], [_])
            ) && match (ours.as_slice(), undo.as_slice()) {
                ([x, y], []) => *x == -a && *y == a,
                ([x], [y]) => *x == -a && *y == a,
                _ => true,
            };
            assert!(
                ok,
                "{card:?}: op {} ({:?}) of a tender that pays nothing shows {ours:?}, its undo {undo:?}",
                first.id, first.state
            );
            assert_eq!(
                ours.is_empty(),
                first.state != OpState::Succeeded,
                "{card:?}: the till's {} {} ended {:?} ({:?}, {} attempts), and Leat shows {ours:?}",
                first.kind,
                first.id,
                first.state,
                first.last_error,
                first.attempts
            );
        }
    }
    assert!(
        reversed.is_empty(),
        "{card:?}: Leat's reverse of payments no paid tender made: {reversed:?}"
    );
    for s in spends {
        assert_eq!(
            take(&s.mark),
            [-s.amount],
            "{card:?}: the other till's spend"
        );
    }
    assert!(
        by_mark.is_empty(),
        "{card:?}: transactions nobody made: {by_mark:?}"
    );
    compared
}

/// Lightspeed: the redemptions and reloads (a refund's part of a payment, or the rest loaded
/// onto the card) carry our op id as `client_id`; a reversal carries none, so reversals are
/// matched by amount with the tenders that took money and pay nothing and the refunds' parts
/// that gave a whole payment back.
pub(super) fn lightspeed_records(
    sims: &Sims,
    card: Card,
    fates: &[Fate],
    backs: &[Back],
    spends: &[&super::driver::Spend],
) -> usize {
    use kassa_sim::lightspeed::TxnKind;
    let txns = sims.lightspeed.transactions(&card.code());
    let compared = txns.len();
    let mut by_mark: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut reversals: Vec<i64> = Vec::new();
    for t in txns {
        match (t.kind, t.client_id) {
            (TxnKind::Activation, _) => assert_eq!(t.amount, START_BALANCE),
            (TxnKind::Reversing, None) => reversals.push(t.amount),
            (_, Some(mark)) => by_mark.entry(mark).or_default().push(t.amount),
            (kind, None) => panic!("{card:?}: a {kind:?} transaction nobody marked"),
        }
    }
    let mut undone = Vec::new();
    for f in fates {
        let Some(first) = &f.first else { continue };
        let ours = by_mark.remove(&first.id).unwrap_or_default();
        if f.paid {
            assert_eq!(ours, [-f.amount], "{card:?}: op {} paid once", first.id);
        } else {
            assert_eq!(
                ours.is_empty(),
                first.state != OpState::Succeeded,
                "{card:?}: the till's {} {} ended {:?} ({:?}, {} attempts), and Lightspeed shows {ours:?}",
                first.kind,
                first.id,
                first.state,
                first.last_error,
                first.attempts
            );
            if !ours.is_empty() {
                assert_eq!(ours, [-f.amount], "{card:?}: op {} at most once", first.id);
                undone.push(f.amount);
            }
        }
    }
    for b in backs {
        let ours = by_mark.remove(&b.op.id).unwrap_or_default();
        let want = match (b.landed, b.op.kind) {
            (true, OpKind::Reverse) => {
                undone.push(b.amount);
                vec![]
            }
            (true, _) => vec![b.amount],
            (false, _) => vec![],
        };
        assert_eq!(
            ours, want,
            "{card:?}: the refund's {} {} of {} ({:?})",
            b.op.kind, b.op.id, b.amount, b.op.state
        );
    }
    for s in spends {
        assert_eq!(
            by_mark.remove(&s.mark).unwrap_or_default(),
            [-s.amount],
            "{card:?}: the other till's spend"
        );
    }
    assert!(
        by_mark.is_empty(),
        "{card:?}: transactions nobody made: {by_mark:?}"
    );
    reversals.sort_unstable();
    undone.sort_unstable();
    assert_eq!(
        reversals, undone,
        "{card:?}: each redemption of a tender that pays nothing is reversed once"
    );
    compared
}

/// zmyle: a paid tender's hold was confirmed for its amount and made one card transaction; a
/// hold of a tender that pays nothing was cancelled (or let expire); each refund's part that
/// landed is one refund transaction for its amount; the card's transactions are its
/// activation, those and the other till's, once each.
pub(super) async fn zmyle_records(
    rig: &Rig,
    card: Card,
    fates: &[Fate],
    backs: &[Back],
    spends: &[&super::driver::Spend],
) -> usize {
    let found = rig
        .other
        .zmyle
        .find(&scanned(&card.code()))
        .await
        .expect("zmyle finds the card");
    let compared = found.transactions.len();
    let mut txns: BTreeMap<String, i64> = BTreeMap::new();
    for t in &found.transactions {
        assert!(txns.insert(t.id.clone(), t.amount).is_none());
    }
    let activation = found
        .transactions
        .first()
        .expect("the card's activation")
        .id
        .clone();
    assert_eq!(txns.remove(&activation), Some(START_BALANCE));
    for f in fates {
        let Some(reserve) = &f.first else { continue };
        let Some(intent_id) = &reserve.provider_ref else {
            assert_ne!(
                reserve.state,
                OpState::Succeeded,
                "{card:?}: a hold without its intent"
            );
            continue;
        };
        let intent = rig
            .other
            .zmyle
            .intent(intent_id)
            .await
            .expect("zmyle reads the intent");
        assert_eq!(intent.amount, f.amount, "{card:?}: intent {intent_id}");
        if f.paid {
            assert_eq!(
                intent.status,
                IntentStatus::Succeeded,
                "{card:?}: intent {intent_id}"
            );
            let made = intent
                .giftcard_transaction_id
                .expect("a confirmed intent names its transaction");
            assert_eq!(
                txns.remove(&made),
                Some(-f.amount),
                "{card:?}: intent {intent_id} charged once"
            );
        } else {
            assert!(
                matches!(
                    intent.status,
                    IntentStatus::Cancelled | IntentStatus::Other(_)
                ),
                "{card:?}: the hold {intent_id} of a tender that pays nothing is {:?}",
                intent.status
            );
        }
    }
    for b in backs.iter().filter(|b| b.landed) {
        let made = b.op.provider_ref.clone().unwrap_or_default();
        assert_eq!(
            txns.remove(&made),
            Some(b.amount),
            "{card:?}: the refund {} is one card transaction",
            b.op.id
        );
    }
    for s in spends {
        assert_eq!(
            txns.remove(&s.shown),
            Some(-s.amount),
            "{card:?}: the other till's spend"
        );
    }
    assert!(
        txns.is_empty(),
        "{card:?}: transactions nobody made: {txns:?}"
    );
    compared
}

/// Shopwave holds one completed basket per completed sale, with each paying tender once for
/// its amount, and nothing for an abandoned sale; and one completed basket per refund, its
/// lines making the amount given back negative, with one payment per part, negative.
pub(super) fn shopwave(
    sims: &Sims,
    stored: &[Sale],
    seen: &HashMap<&str, &Sale>,
    refunds: &[RefundMade],
) {
    let mut basket_of: BTreeMap<u64, String> = BTreeMap::new();
    let mut by_sale: BTreeMap<String, u64> = BTreeMap::new();
    let mut lines: BTreeMap<String, i64> = BTreeMap::new();
    for b in sims.shopwave.baskets() {
        let Some(sale) = crate::shopwave::sale_of(&b) else {
            continue;
        };
        assert!(
            by_sale.insert(sale.clone(), b.id).is_none(),
            "sale {sale} has one basket"
        );
        assert!(b.complete_date.is_some(), "basket {} is complete", b.id);
        lines.insert(
            sale.clone(),
            b.products.iter().map(|p| p.price * p.quantity).sum(),
        );
        basket_of.insert(b.id, sale);
    }
    let mut payments: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for t in sims.shopwave.transactions() {
        let reference = crate::shopwave::payment_of(&t);
        let sale = basket_of
            .get(&t.basket_id)
            .unwrap_or_else(|| panic!("payment {reference} has no basket of ours"));
        assert!(
            payments
                .entry(sale.clone())
                .or_default()
                .insert(reference.clone(), t.amount)
                .is_none(),
            "payment {reference} once"
        );
    }
    for sale in stored {
        let recorded = by_sale.remove(&sale.id).is_some();
        assert_eq!(
            recorded,
            sale.state == SaleState::Completed,
            "sale {} in Shopwave: only completed sales",
            sale.number
        );
        if recorded {
            let want: BTreeMap<String, i64> = seen[sale.id.as_str()]
                .tenders
                .iter()
                .filter(|t| t.state.counts())
                .map(|t| (t.id.clone(), t.amount_minor))
                .collect();
            assert_eq!(
                payments.remove(&sale.id).unwrap_or_default(),
                want,
                "sale {}: Shopwave's payments",
                sale.number
            );
        }
    }
    for made in refunds {
        let r = &made.refund;
        // A refund's basket carries its record's op id (the back-office writer names a basket
        // by the sale of its operation, and a refund's record names none).
        let basket = r.record_op_id.clone().expect("a refund is recorded");
        assert!(
            by_sale.remove(&basket).is_some(),
            "refund {} of sale {} has one basket in Shopwave",
            r.number,
            r.sale_number
        );
        assert_eq!(
            lines[&basket], -r.amount_minor,
            "refund {}: its basket's lines give the amount back",
            r.number
        );
        let want: BTreeMap<String, i64> = r
            .parts
            .iter()
            .map(|p| (format!("{}-{}", r.id, p.pos), -p.amount_minor))
            .collect();
        assert_eq!(
            payments.remove(&basket).unwrap_or_default(),
            want,
            "refund {}: Shopwave's payments, one per part",
            r.number
        );
    }
    assert!(
        by_sale.is_empty(),
        "baskets of no sale or refund of ours: {by_sale:?}"
    );
}
