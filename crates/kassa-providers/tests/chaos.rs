//! Chaos: thousands of randomized operations over many cards of all four providers (gift-card
//! redemptions, reloads and holds at Leat, Lightspeed and zmyle; Leat prepaid wallets; Leat
//! payments reversed and zmyle payments refunded; every sale recorded in Shopwave), driven by
//! the outbox engine through the real clients against the simulators, with faults on (latency,
//! 5xx, 429 + Retry-After, maintenance, connections dropped before and after the write was
//! applied, answers slower than the client's timeout, Leat writes applied after the till gave
//! up on them, within its settle time). When the queue has drained, each simulator's records
//! equal the till's journal operation by operation (nothing lost, nothing doubled), some
//! outcomes were unknown on the way, and every refusal is explained by a model of the card.
//!
//! The seed is fixed; set `KASSA_CHAOS_SEED` to explore others.

use kassa_core::outbox::{OpKind, OpState};
use kassa_core::store::Store;
use kassa_testkit::{
    assert_ledgers_equal_journal, assert_refusals_explained, cards_of, clients, sales, seed, sims,
};
use std::sync::Arc;
use std::time::Duration;

const OPS: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ledger_equals_the_journal_after_chaos() {
    let seed = seed();
    println!("chaos seed {seed} (set KASSA_CHAOS_SEED to explore)");
    let sims = sims(seed).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let engine = Arc::new(clients::engine(store.clone(), &sims.urls));

    // The engine runs while the sales come in; then the queue drains.
    let sales = sales(seed, OPS, &sims.wallets);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(stop).await }
    });
    for chunk in sales.chunks(25) {
        for sale in chunk {
            store.enqueue(sale).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop_tx.send(true).unwrap();
    let first = running.await.unwrap().unwrap();
    let rest = engine.run_until_idle().await.unwrap();

    let cards = cards_of(&sales);
    let compared = assert_ledgers_equal_journal(&sims, &store, &cards);
    let refusals = assert_refusals_explained(&store, &cards);
    let all_ops = store.ops(&[], u32::MAX).unwrap();
    let by_state = |s: OpState| all_ops.iter().filter(|o| o.state == s).count();
    let record_sales = all_ops
        .iter()
        .filter(|o| o.kind == OpKind::RecordSale)
        .count();
    println!(
        "chaos: {} ops in {} sales ({} of them record_sale); {} succeeded, {} declined, {refusals} refusals explained by the model",
        all_ops.len(),
        sales.len(),
        record_sales,
        by_state(OpState::Succeeded),
        by_state(OpState::Declined),
    );
    println!("faults injected: {:?}", sims.faults_injected());
    println!(
        "engine steps: {} (retried {}, unknown {}, to review {})",
        first.steps + rest.steps,
        first.retried + rest.retried,
        first.unknown + rest.unknown,
        first.to_review + rest.to_review
    );
    let unknown = first.unknown + rest.unknown;
    assert!(all_ops.len() >= OPS);
    assert!(
        refusals > 0,
        "some payments and holds were refused, each when its card had too little"
    );
    assert!(unknown > 0, "some outcomes were unknown and settled");
    let given_back = all_ops
        .iter()
        .filter(|o| o.kind == OpKind::Reverse && o.state == OpState::Succeeded)
        .map(|o| o.provider)
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(
        given_back.len(),
        2,
        "payments were given back at Leat (reversals) and zmyle (refunds)"
    );
    assert!(
        compared["leat_prepaid"] > 0,
        "Leat prepaid wallets paid and were topped up"
    );
    assert_eq!(
        compared["shopwave"],
        sales.len(),
        "every sale is recorded in the back-office"
    );
    assert!(
        compared.values().sum::<usize>() > OPS / 4,
        "many operations moved money"
    );
    assert!(
        sims.faults_injected().iter().all(|(_, n)| *n > 0),
        "every simulator injected faults"
    );
}
