//! Crash: the real `kassa sync --once`, sending the till's outbox to all four providers, is
//! killed with SIGKILL at random moments while it works, at least 20 times, while sales keep
//! coming, and started again each time. The simulators run in this test's process with faults
//! on, so their ledgers outlive every kill. The till is configured as an installer would: a
//! kassa.toml naming the providers, and their credentials stored with `kassa secret set` in the
//! OS keyring (`make test` runs the tests with GNOME Keyring unlocked on a private D-Bus
//! session; without a keyring this test fails and says so). After a last run drains the queue,
//! each simulator's ledger equals the till's journal exactly.
//!
//! The seed is fixed; set `KASSA_CHAOS_SEED` to explore others.

mod crash_support;

use crash_support::{output, read_only, Till};
use kassa_core::outbox::OpKind;
use kassa_core::store::Store;
use kassa_testkit::{assert_ledgers_equal_journal, sales, seed, sims};
use std::io::Read;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

const KILLS: usize = 20;
/// Operations per start, roughly: what one batch of sales holds.
const OPS: usize = 20;
const MAX_STARTS_PER_KILL: usize = 10;
/// A kill lands this long at most after the till began sending.
const MAX_KILL_DELAY_MS: u64 = 120;
/// This test's own keyring service, so that tests sharing the keyring keep their secrets apart.
const KEYRING_SERVICE: &str = "eu.kassa.test.crash";

/// Requests sent so far by every process (each claim of an operation counts one).
fn attempts(database: &Path) -> i64 {
    let conn = read_only(database).expect("the till's database");
    conn.query_row("SELECT COALESCE(SUM(attempts), 0) FROM ops", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// Waits until `sync` has claimed work (or ended), then a random while more.
async fn let_it_work(sync: &mut Child, database: &Path, before: i64, rng: &mut fastrand::Rng) {
    let started = Instant::now();
    while sync.try_wait().unwrap().is_none()
        && attempts(database) == before
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(rng.u64(0..=MAX_KILL_DELAY_MS))).await;
}

fn stderr_of(child: Child) -> String {
    let mut text = String::new();
    if let Some(mut err) = child.stderr {
        let _ = err.read_to_string(&mut text);
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_kassa_sync_loses_nothing_and_doubles_nothing() {
    let began = Instant::now();
    let seed = seed();
    println!("crash seed {seed} (set KASSA_CHAOS_SEED to explore)");
    let sims = sims(seed).await;
    let till = Till::configured(&sims, KEYRING_SERVICE, "");
    let database = till.database();
    // The test plays the cashier: sales go into the till's database as the window puts them.
    let store = Store::open(&database).unwrap();
    let mut rng = fastrand::Rng::with_seed(seed);
    // Every start gets a fresh batch of sales, so `kassa sync` always has work when the kill
    // comes; one that finishes first still made progress, and the loop goes on until enough
    // kills landed. The pool is large enough for the most starts the loop allows.
    let pool = sales(seed.wrapping_mul(31), KILLS * MAX_STARTS_PER_KILL * OPS);
    let batch = pool.len() / (KILLS * MAX_STARTS_PER_KILL);
    let mut incoming = pool.iter();

    let (mut kills, mut starts) = (0, 0);
    while kills < KILLS {
        for sale in incoming.by_ref().take(batch) {
            store.enqueue(sale).unwrap();
        }
        let before = attempts(&database);
        let mut sync = till.sync();
        starts += 1;
        let_it_work(&mut sync, &database, before, &mut rng).await;
        if sync.try_wait().unwrap().is_none() {
            sync.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let status = sync.wait().unwrap();
        assert!(
            status.success() || status.code().is_none(),
            "`kassa sync` failed by itself: {status}: {}",
            stderr_of(sync)
        );
        assert!(
            starts < MAX_STARTS_PER_KILL * KILLS,
            "`kassa sync` keeps finishing before the kill"
        );
    }
    let last = till.sync();
    let finished = output(last).await;
    assert!(
        finished.status.success(),
        "the last `kassa sync --once` drains the queue: {}",
        String::from_utf8_lossy(&finished.stderr)
    );

    let ops = store.ops(&[], u32::MAX).unwrap();
    let record_sales = ops.iter().filter(|o| o.kind == OpKind::RecordSale).count();
    println!(
        "crash: {starts} `kassa sync` started, {kills} killed with SIGKILL mid-work, {} operations \
         ({record_sales} record_sale) in {} sales",
        ops.len(),
        pool.len().min(starts * batch),
    );
    println!("faults injected: {:?}", sims.faults_injected());
    let compared = assert_ledgers_equal_journal(&sims, &store);
    println!("crash test took {:.1} s", began.elapsed().as_secs_f64());
    assert_eq!(
        compared["shopwave"], record_sales,
        "every sale is recorded in the back-office"
    );
    assert!(compared.values().sum::<usize>() > KILLS * OPS / 4);
}
