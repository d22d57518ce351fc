//! Crash: the process sending the outbox (a worker running the engine over the till's
//! database) is killed with SIGKILL at random points, at least 20 times, while sales keep
//! coming, and started again each time. The simulators run in this test's process, so their
//! ledgers outlive every kill. At the end each ledger equals the till's journal exactly.

mod chaos_support;

use chaos_support::{assert_ledgers_equal_journal, sales, seed, sims, Sims};
use kassa_core::store::Store;
use kassa_sim::leat::DEFAULT_SHOP_UUID;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KILLS: usize = 20;
/// Operations per kill, roughly: what one start's batch of sales holds.
const OPS: usize = 30;
const MAX_STARTS_PER_KILL: usize = 10;

fn start_worker(db: &Path, sims: &Sims) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kassa-chaos-worker"))
        .arg(db)
        .args([
            &sims.urls.leat,
            &sims.urls.lightspeed,
            &sims.urls.zmyle,
            DEFAULT_SHOP_UUID,
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("the worker starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_senders_lose_nothing_and_double_nothing() {
    let seed = seed();
    println!("crash seed {seed} (set KASSA_CHAOS_SEED to explore)");
    let sims = sims(seed).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kassa.sqlite3");
    let store = Store::open(&db).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    // Every start gets a fresh batch of sales, so a worker always has work when the kill comes;
    // one that finishes first still made progress, and the loop goes on until enough kills
    // landed. The pool is large enough for the most starts the loop allows.
    let pool = sales(seed.wrapping_mul(31), KILLS * MAX_STARTS_PER_KILL * OPS);
    let batch = pool.len() / (KILLS * MAX_STARTS_PER_KILL);
    let mut incoming = pool.iter();

    let (mut kills, mut starts) = (0, 0);
    while kills < KILLS {
        for sale in incoming.by_ref().take(batch) {
            store.enqueue(sale).unwrap();
        }
        let mut worker = start_worker(&db, &sims);
        starts += 1;
        tokio::time::sleep(Duration::from_millis(rng.u64(10..200))).await;
        if worker.try_wait().unwrap().is_none() {
            worker.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let status = worker.wait().unwrap();
        assert!(
            status.success() || status.code().is_none(),
            "a worker failed by itself: {status}"
        );
        assert!(
            starts < MAX_STARTS_PER_KILL * KILLS,
            "the workers keep finishing before the kill"
        );
    }
    let mut last = start_worker(&db, &sims);
    let finished = tokio::task::spawn_blocking(move || last.wait().unwrap())
        .await
        .unwrap();
    assert!(finished.success(), "the last worker drains the queue");

    println!(
        "crash: {starts} workers started, {kills} killed with SIGKILL mid-work, {} operations",
        store.ops(&[], u32::MAX).unwrap().len()
    );
    let compared = assert_ledgers_equal_journal(&sims, &store);
    assert!(compared.values().sum::<usize>() > KILLS * OPS / 4);
}
