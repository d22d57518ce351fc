//! A shift reconciled against Shopwave's baskets: the till's sales and a refund are recorded
//! through the outbox in the Shopwave simulator, the shift closes, and then the back-office is
//! changed behind the till's back — a payment deleted, one's amount rewritten, one added to a
//! sale's basket and a whole basket deleted. The Z report shows exactly those differences:
//! each deleted payment missing (the basket's two), the rewritten one of a different amount,
//! the added one extra.

#[allow(dead_code)] // the other Shopwave tests use the rest
mod shopwave_support;

use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::pos::{PaymentKind, PosSale};
use kassa_core::provider::ProviderId;
use kassa_core::shifts::reconcile::{ProviderLedger, Reconciler};
use kassa_core::store::Store;
use kassa_providers::executor::{sale_payload, ShopwaveExecutor};
use shopwave_support::{sale, setup};
use std::sync::Arc;
use std::time::Duration;

fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).unwrap()
}

fn record_op(sale: &PosSale) -> NewOp {
    // A refund's operation carries the amount paid back, positive.
    let total = sale
        .payments
        .iter()
        .map(|p| p.amount_minor)
        .sum::<i64>()
        .abs();
    let mut op = NewOp::new(
        ProviderId::Shopwave,
        OpKind::RecordSale,
        None,
        Money::new(total, eur()),
    )
    .in_sale(&sale.reference);
    op.payload = sale_payload(sale);
    op
}

/// A refund of `sale`'s mug, paid back in cash.
fn refund(reference: &str) -> PosSale {
    let mut r = sale(reference, &[PaymentKind::Cash]);
    r.lines.retain(|l| l.name == "Mug");
    r.lines[0].quantity = -1;
    r.payments[0].amount_minor = -499;
    r
}

#[tokio::test]
async fn a_deleted_a_changed_and_an_added_payment_and_a_deleted_basket_are_exactly_the_differences()
{
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let client = Arc::new(s.client);
    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            min_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(ShopwaveExecutor::new(
        client.clone(),
        store.clone(),
    )));
    let ledger: Arc<dyn ProviderLedger> = client;
    let reconciler = Reconciler::new(store.clone(), vec![ledger]);

    let split = sale("s-split", &[PaymentKind::Cash, PaymentKind::Voucher]);
    let card = sale("s-card", &[PaymentKind::Card]);
    let cash = sale("s-cash", &[PaymentKind::Cash]);
    let gone = sale("s-gone", &[PaymentKind::Cash, PaymentKind::App]);
    let back = refund("r-mug");
    let sales = [&split, &card, &cash, &gone, &back];
    let ops: Vec<NewOp> = sales.iter().map(|s| record_op(s)).collect();

    store.open_shift_with(&eur(), 0).unwrap();
    store.enqueue(&ops).unwrap();
    engine.run_until_idle().await.unwrap();
    let mut basket = std::collections::HashMap::new();
    for (op, sale) in ops.iter().zip(sales) {
        let op = store.op(&op.id).unwrap().unwrap();
        assert_eq!(op.state, OpState::Succeeded, "{op:?}");
        basket.insert(sale.reference.clone(), op.provider_ref.unwrap());
    }
    let shift = store.close_shift(0).unwrap().shift.id;

    let first = reconciler.reconcile(shift).await.unwrap();
    assert_eq!(first.providers[0].provider, "shopwave");
    assert_eq!(first.providers[0].state, "done");
    assert_eq!(
        first.providers[0].compared, 7,
        "every payment of the five baskets"
    );
    assert!(first.differences.is_empty(), "{:?}", first.differences);

    assert!(s.sim.delete_payment("s-split.p1"));
    assert!(s.sim.set_payment_amount("s-card.p1", 1_099));
    let added = s
        .sim
        .add_payment(basket["s-cash"].parse().unwrap(), "CARD", 250)
        .unwrap();
    assert!(s.sim.delete_basket(basket["s-gone"].parse().unwrap()));

    reconciler.reconcile(shift).await.unwrap();
    let z = store.z_report(Some(shift)).unwrap();
    let mut found: Vec<_> = z
        .reconciliation
        .differences
        .iter()
        .map(|d| {
            (
                d.kind.clone(),
                d.op_id.clone(),
                d.provider_ref.is_some(),
                d.expected_minor,
                d.actual_minor,
            )
        })
        .collect();
    found.sort();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        found,
        vec![
            (
                "amount".into(),
                some("s-card.p1"),
                true,
                Some(999),
                Some(1_099)
            ),
            ("extra".into(), None, true, None, Some(250)),
            ("missing".into(), some("s-gone.p1"), false, Some(499), None),
            ("missing".into(), some("s-gone.p2"), false, Some(500), None),
            ("missing".into(), some("s-split.p1"), false, Some(499), None),
        ]
    );
    let extra = z
        .reconciliation
        .differences
        .iter()
        .find(|d| d.kind == "extra")
        .unwrap();
    assert_eq!(extra.provider_ref, Some(added.to_string()));
    assert_eq!(store.open_differences().unwrap().len(), 5);
    let text: Vec<String> = kassa_core::shifts::text::rows(&z, 48)
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(
        text.iter()
            .filter(|l| l.contains(" shopwave ") && l.trim_start().starts_with('#'))
            .count(),
        5,
        "{text:#?}"
    );
}
