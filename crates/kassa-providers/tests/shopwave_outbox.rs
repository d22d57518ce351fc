//! A sale recorded in Shopwave through the outbox: answers lost after the basket and the
//! payment were written are settled by reading back, so the back-office ends with exactly one
//! complete basket and one complete payment per tender.

#[allow(dead_code)] // the other Shopwave tests use the rest
mod shopwave_support;

use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::pos::PaymentKind;
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_providers::executor::{sale_payload, ShopwaveExecutor};
use kassa_sim::faults::{Fault, Target};
use shopwave_support::{sale, setup};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn a_sale_whose_answers_were_lost_is_recorded_once() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let pos_sale = sale("sale-77", &[PaymentKind::Voucher, PaymentKind::Cash]);
    let mut op = NewOp::new(
        ProviderId::Shopwave,
        OpKind::RecordSale,
        None,
        Money::new(
            pos_sale.total_minor(),
            Currency::try_from("EUR".to_string()).unwrap(),
        ),
    )
    .in_sale(&pos_sale.reference);
    op.payload = sale_payload(&pos_sale);
    store.enqueue(std::slice::from_ref(&op)).unwrap();

    // The basket is created but its answer lost; then the payments likewise.
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            min_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(ShopwaveExecutor::new(Arc::new(s.client))));
    let stats = engine.run_until_idle().await.unwrap();

    assert_eq!(store.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
    assert!(
        stats.unknown >= 2,
        "both lost answers were noticed: {stats:?}"
    );
    let baskets = s.sim.baskets();
    assert_eq!(baskets.len(), 1, "one basket");
    assert_eq!(baskets[0].object_ref, "sale-77");
    assert!(baskets[0].complete_date.is_some(), "the basket is complete");
    let payments = s.sim.transactions();
    assert_eq!(payments.len(), 2, "one payment per tender");
    assert!(payments.iter().all(|p| p.complete_date.is_some()));
    assert_eq!(
        payments.iter().map(|p| p.amount).sum::<i64>(),
        pos_sale.total_minor()
    );
}
