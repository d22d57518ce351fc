//! Crash: the real `kassa sync --once`, sending the till's outbox to all four providers, is
//! killed with SIGKILL at random moments while it works, at least 20 times, while sales keep
//! coming, and started again each time. The simulators run in this test's process with faults
//! on, so their ledgers outlive every kill. The till is configured as an installer would: a
//! kassa.toml naming the providers, and their credentials stored with `kassa secret set` in the
//! OS keyring (`make test` runs the tests with GNOME Keyring unlocked on a private D-Bus
//! session; without a keyring this test fails and says so). Some kills land while requests are
//! in flight, and at Leat some writes are applied after the till gave up on them (within its
//! settle time, which a restarted till waits out too). After the last runs drain the queue,
//! each simulator's records equal the till's journal operation by operation, and every refusal
//! is explained by a model of the card.
//!
//! And two `kassa sync` on one data folder: the second is refused, saying who sends the till's
//! payments, and nothing is sent twice.
//!
//! The seed is fixed; set `KASSA_CHAOS_SEED` to explore others.

mod crash_support;

use crash_support::{output, read_only, Till, WORK_LEFT};
use kassa_core::outbox::{NewOp, OpKind};
use kassa_core::store::Store;
use kassa_testkit::{
    assert_ledgers_equal_journal, assert_refusals_explained, cards_of, sales, seed, sims, OpCards,
    Sims,
};
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
/// Runs of `kassa sync --once` that the drain may take at most.
const MAX_DRAIN_RUNS: usize = 100;

/// Operations in flight (`sending`, `reconciling`): after a kill, those the kill interrupted.
fn in_flight(database: &Path) -> i64 {
    let conn = read_only(database).expect("the till's database");
    conn.query_row(
        "SELECT count(*) FROM ops WHERE state IN ('sending', 'reconciling')",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

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

/// `kassa sync --once` until no operation is left unfinished (refusals may wait for review).
async fn drain(till: &Till, database: &Path) {
    let mut runs = 0;
    while unfinished(database) > 0 {
        assert!(
            runs < MAX_DRAIN_RUNS,
            "`kassa sync --once` does not drain the queue"
        );
        let run = output(till.sync()).await;
        assert!(
            run.status.success() || run.status.code() == Some(WORK_LEFT),
            "`kassa sync --once`: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        runs += 1;
    }
}

/// Operations not yet final.
fn unfinished(database: &Path) -> i64 {
    let conn = read_only(database).expect("the till's database");
    conn.query_row(
        "SELECT count(*) FROM ops WHERE state NOT IN ('succeeded', 'declined')",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Enqueues `sales` as the window would.
fn ring_up<'a>(store: &Store, sales: impl IntoIterator<Item = &'a Vec<NewOp>>) {
    for sale in sales {
        store.enqueue(sale).unwrap();
    }
}

/// The end of a run: the queue drained, the records equal the journal, refusals explained.
fn check_the_books(
    sims: &Sims,
    store: &Store,
    cards: &OpCards,
) -> std::collections::BTreeMap<&'static str, usize> {
    let compared = assert_ledgers_equal_journal(sims, store, cards);
    let refusals = assert_refusals_explained(store, cards);
    println!("{refusals} refusals, each explained by the model of its card");
    compared
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
    let pool = sales(
        seed.wrapping_mul(31),
        KILLS * MAX_STARTS_PER_KILL * OPS,
        &sims.wallets,
    );
    let batch = pool.len() / (KILLS * MAX_STARTS_PER_KILL);
    let mut incoming = pool.iter();

    let (mut kills, mut starts, mut kills_in_flight) = (0, 0, 0);
    while kills < KILLS {
        ring_up(&store, incoming.by_ref().take(batch));
        let before = attempts(&database);
        let mut sync = till.sync();
        starts += 1;
        let_it_work(&mut sync, &database, before, &mut rng).await;
        let killed = sync.try_wait().unwrap().is_none();
        if killed {
            sync.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let status = sync.wait().unwrap();
        if killed && in_flight(&database) > 0 {
            kills_in_flight += 1;
        }
        assert!(
            status.success() || status.code().is_none() || status.code() == Some(WORK_LEFT),
            "`kassa sync` failed by itself: {status}: {}",
            stderr_of(sync)
        );
        assert!(
            starts < MAX_STARTS_PER_KILL * KILLS,
            "`kassa sync` keeps finishing before the kill"
        );
    }
    drain(&till, &database).await;

    let ops = store.ops(&[], u32::MAX).unwrap();
    let record_sales = ops.iter().filter(|o| o.kind == OpKind::RecordSale).count();
    println!(
        "crash: {starts} `kassa sync` started, {kills} killed with SIGKILL mid-work \
         ({kills_in_flight} with requests in flight), {} operations ({record_sales} record_sale) \
         in {} sales",
        ops.len(),
        pool.len().min(starts * batch),
    );
    println!("faults injected: {:?}", sims.faults_injected());
    let compared = check_the_books(&sims, &store, &cards_of(&pool));
    println!("crash test took {:.1} s", began.elapsed().as_secs_f64());
    assert!(
        kills_in_flight > 0,
        "some kills landed while requests were in flight"
    );
    assert_eq!(
        compared["shopwave"], record_sales,
        "every sale is recorded in the back-office"
    );
    assert!(compared.values().sum::<usize>() > KILLS * OPS / 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_kassa_sync_on_one_data_folder_is_refused_and_nothing_is_sent_twice() {
    let seed = seed().wrapping_add(7);
    let sims = sims(seed).await;
    let till = Till::configured(&sims, "eu.kassa.test.crash.two", "");
    let database = till.database();
    let store = Store::open(&database).unwrap();
    let pool = sales(seed, 2_000, &sims.wallets);
    let mut batches = pool.chunks(pool.len() / 5);

    // The second starts while the first is sending (it has claimed work and not ended); if the
    // first ran out of work before the second was told, another batch and another try.
    let refused = loop {
        ring_up(&store, batches.next().expect("a batch is left to try with"));
        let before = attempts(&database);
        let mut first = till.sync();
        let started = Instant::now();
        while first.try_wait().unwrap().is_none()
            && attempts(&database) == before
            && started.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let second = output(till.spawn(["sync", "--once"])).await;
        let first_was_sending = first.try_wait().unwrap().is_none();
        let first_status = first.wait().unwrap();
        assert!(
            first_status.success() || first_status.code() == Some(WORK_LEFT),
            "the first `kassa sync` works undisturbed: {first_status}: {}",
            stderr_of(first)
        );
        if first_was_sending {
            break second;
        }
    };
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && refused.status.code() != Some(WORK_LEFT),
        "the second `kassa sync` is refused: {said}"
    );
    assert!(
        said.contains("Another Kassa is already sending this till's payments")
            && said.contains("kassa sync"),
        "the second `kassa sync` says who sends the till's payments: {said}"
    );

    drain(&till, &database).await;
    check_the_books(&sims, &store, &cards_of(&pool));
}
