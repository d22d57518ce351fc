//! A sale recorded in Shopwave through the outbox: its basket is pre-generated and its id kept
//! with the operation; answers lost after the basket and the payments were written are settled
//! by reading back by that id, so the back-office ends with exactly one complete basket and one
//! complete payment per tender.

#[allow(dead_code)] // the other Shopwave tests use the rest
mod shopwave_support;

use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpExecutor, OpKind, OpState};
use kassa_core::pos::{PaymentKind, PosSale};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_providers::executor::{sale_payload, ShopwaveExecutor};
use kassa_providers::shopwave::ShopwaveClient;
use kassa_sim::faults::{Fault, Rates, Target};
use shopwave_support::{sale, setup};
use std::sync::Arc;
use std::time::Duration;

/// A sale of [`sale`]'s lines paid with `kinds`, queued for Shopwave in `store`.
fn queued(store: &Store, reference: &str, kinds: &[PaymentKind]) -> (PosSale, NewOp) {
    let pos_sale = sale(reference, kinds);
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
    (pos_sale, op)
}

/// The outbox over Shopwave: retries after `backoff`, up to ten times that.
fn engine(store: &Arc<Store>, client: ShopwaveClient, backoff: Duration) -> Engine {
    Engine::new(
        store.clone(),
        EngineConfig {
            min_backoff: backoff,
            max_backoff: backoff * 10,
            poll: backoff,
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(ShopwaveExecutor::new(
        Arc::new(client),
        store.clone(),
    )))
}

#[tokio::test]
async fn a_sale_whose_answers_were_lost_is_recorded_once() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let (pos_sale, op) = queued(
        &store,
        "sale-77",
        &[PaymentKind::Voucher, PaymentKind::Cash],
    );

    // The basket is pre-generated (an answer at once: a slow answer of no delay), written but
    // its answer lost; then the payments likewise.
    s.sim
        .faults
        .inject(Fault::SlowAnswer(Duration::ZERO), Target::Writes);
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let engine = engine(&store, s.client, Duration::from_millis(5));
    let stats = engine.run_until_idle().await.unwrap();

    let done = store.op(&op.id).unwrap().unwrap();
    assert_eq!(done.state, OpState::Succeeded);
    assert!(
        stats.unknown >= 2,
        "both lost answers were noticed: {stats:?}"
    );
    let baskets = s.sim.baskets();
    assert_eq!(baskets.len(), 1, "one basket: {baskets:?}");
    assert_eq!(baskets[0].name.as_deref(), Some("Kassa sale sale-77"));
    assert_eq!(baskets[0].products.len(), 2, "its lines once");
    assert!(baskets[0].complete_date.is_some(), "the basket is complete");
    assert_eq!(done.provider_ref, Some(baskets[0].id.to_string()));
    let payments = s.sim.transactions();
    assert_eq!(payments.len(), 2, "one payment per tender: {payments:?}");
    assert!(payments.iter().all(|p| p.complete_date.is_some()));
    assert_eq!(
        payments.iter().map(|p| p.amount).sum::<i64>(),
        pos_sale.total_minor()
    );
}

/// After a restart the operation goes on with the basket noted on it: the sale is written into
/// that basket, never into a second one.
#[tokio::test]
async fn a_restart_writes_into_the_basket_noted_on_the_operation() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kassa.sqlite3");
    let store = Arc::new(Store::open(&path).unwrap());
    let (_, op) = queued(&store, "sale-78", &[PaymentKind::Card]);

    // The first run pre-generates the basket, and then Shopwave goes down for good.
    s.sim
        .faults
        .inject(Fault::SlowAnswer(Duration::ZERO), Target::Writes);
    s.sim.faults.set_rates(Rates {
        maintenance: 1.0,
        ..Rates::default()
    });
    let client = Arc::new(s.client);
    let claimed = store
        .claim_due(ProviderId::Shopwave, time::OffsetDateTime::now_utc(), 1)
        .unwrap();
    let executor = ShopwaveExecutor::new(client.clone(), store.clone());
    let err = executor.execute(&claimed[0]).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let noted = store.op(&op.id).unwrap().unwrap().provider_ref;
    let pregenerated = s.sim.baskets();
    assert_eq!(noted, Some(pregenerated[0].id.to_string()));
    drop(executor);
    drop(store);

    // A new process on the same database, Shopwave back.
    s.sim.faults.set_rates(Rates::default());
    let store = Arc::new(Store::open(&path).unwrap());
    store.recover_in_flight(|_| Duration::ZERO).unwrap();
    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            min_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(ShopwaveExecutor::new(client, store.clone())));
    engine.run_until_idle().await.unwrap();

    assert_eq!(store.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
    let baskets = s.sim.baskets();
    assert_eq!(baskets.len(), 1, "{baskets:?}");
    assert_eq!(Some(baskets[0].id.to_string()), noted);
    assert!(baskets[0].complete_date.is_some());
    assert_eq!(s.sim.transactions().len(), 1);
}

/// A payment Shopwave writes only after the till gave up on its answer (within the settle
/// time) is found when the basket is read back: it is not sent a second time.
#[tokio::test]
async fn a_payment_written_late_is_found_and_not_sent_again() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let (pos_sale, op) = queued(&store, "sale-79", &[PaymentKind::Card]);

    // The basket is pre-generated and written; the payment's connection is dropped at once and
    // Shopwave writes it 20 ms later, long after the next attempt would be due. The write after
    // that is answered only after 50 ms: a payment sent again then would be in the basket
    // beside the late one before the basket is complete.
    for _ in 0..2 {
        s.sim
            .faults
            .inject(Fault::SlowAnswer(Duration::ZERO), Target::Writes);
    }
    s.sim
        .faults
        .inject(Fault::ApplyLate(Duration::from_millis(20)), Target::Writes);
    s.sim
        .faults
        .inject(Fault::SlowAnswer(Duration::from_millis(50)), Target::Writes);
    let engine = engine(&store, s.client, Duration::from_millis(1));
    let stats = engine.run_until_idle().await.unwrap();

    // Long enough for a payment sent twice to have been written twice.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        stats.unknown, 1,
        "the dropped payment was noticed: {stats:?}"
    );
    assert_eq!(store.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
    let payments = s.sim.transactions();
    assert_eq!(payments.len(), 1, "one payment: {payments:?}");
    assert_eq!(payments[0].amount, pos_sale.total_minor());
    assert!(payments[0].complete_date.is_some());
    assert_eq!(s.sim.baskets().len(), 1);
}
