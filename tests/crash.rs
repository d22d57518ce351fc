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

use kassa_core::outbox::OpKind;
use kassa_core::store::Store;
use kassa_testkit::sims::{
    CLIENT_TIMEOUT_MS, LEAT_SETTLE_MS, LEAT_SHOP, LEAT_TOKEN, LIGHTSPEED_TOKEN, SHOPWAVE_ACCESS,
    SHOPWAVE_CLIENT_ID, SHOPWAVE_CLIENT_SECRET, SHOPWAVE_REDIRECT, SHOPWAVE_REFRESH,
    SHOPWAVE_STORE, ZMYLE_KEY, ZMYLE_SECRET,
};
use kassa_testkit::{assert_ledgers_equal_journal, sales, seed, sims, Sims};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 20;
/// Operations per start, roughly: what one batch of sales holds.
const OPS: usize = 20;
const MAX_STARTS_PER_KILL: usize = 10;
/// A kill lands this long at most after the till began sending.
const MAX_KILL_DELAY_MS: u64 = 120;
/// This test's own keyring service, so that tests sharing the keyring keep their secrets apart.
const KEYRING_SERVICE: &str = "eu.kassa.test.crash";

/// The till's folder: its kassa.toml, and its data (database, logs) under `data/`.
struct Till {
    home: tempfile::TempDir,
}

impl Till {
    fn config_file(&self) -> PathBuf {
        self.home.path().join("kassa.toml")
    }

    /// Where `kassa` keeps its database: the OS data folder (`XDG_DATA_HOME`) under the app id.
    fn database(&self) -> PathBuf {
        self.home
            .path()
            .join("data")
            .join("eu.kassa.till")
            .join("kassa.sqlite3")
    }

    fn kassa(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kassa"));
        command
            .arg("--config")
            .arg(self.config_file())
            .args(args)
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env_remove("KASSA_CONFIG");
        command
    }

    /// `kassa secret set NAME`, the value on standard input.
    fn set_secret(&self, name: &str, value: &str) {
        let mut child = self
            .kassa(&["secret", "set", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kassa starts");
        let mut stdin = child.stdin.take().expect("a stdin pipe");
        stdin.write_all(format!("{value}\n").as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "`kassa secret set {name}` failed: the crash test needs an unlocked OS keyring \
             (make test runs the tests in a D-Bus session with GNOME Keyring unlocked): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn sync(&self) -> Child {
        self.kassa(&["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kassa sync starts")
    }
}

/// The till's configuration: all four providers at the simulators, short client timeouts and
/// a short outbox backoff, and this test's keyring service.
fn config(sims: &Sims) -> String {
    let u = &sims.urls;
    format!(
        r#"[secrets]
keyring_service = "{KEYRING_SERVICE}"

[outbox]
concurrency = 8
min_backoff_ms = 5
max_backoff_ms = 200
poll_interval_ms = 20

[providers.leat]
base_url = "{leat}"
api = "register"
shop_uuid = "{LEAT_SHOP}"
settle_ms = {LEAT_SETTLE_MS}
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.lightspeed]
base_url = "{lightspeed}"
registers = 50
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.zmyle]
base_url = "{zmyle}"
store = "chaos"
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.shopwave]
base_url = "{shopwave}"
token_url = "{shopwave}/oauth/token"
client_id = "{SHOPWAVE_CLIENT_ID}"
redirect_uri = "{SHOPWAVE_REDIRECT}"
store_id = "{SHOPWAVE_STORE}"
timeout_ms = {CLIENT_TIMEOUT_MS}
"#,
        leat = u.leat,
        lightspeed = u.lightspeed,
        zmyle = u.zmyle,
        shopwave = u.shopwave,
    )
}

/// Requests sent so far by every process (each claim of an operation counts one).
fn attempts(database: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
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
    let till = Till {
        home: tempfile::tempdir().unwrap(),
    };
    std::fs::write(till.config_file(), config(&sims)).unwrap();
    for (name, value) in [
        ("leat.api_key", LEAT_TOKEN),
        ("lightspeed.token", LIGHTSPEED_TOKEN),
        ("zmyle.api_key", ZMYLE_KEY),
        ("zmyle.api_secret", ZMYLE_SECRET),
        ("shopwave.client_secret", SHOPWAVE_CLIENT_SECRET),
        ("shopwave.access_token", SHOPWAVE_ACCESS),
        ("shopwave.refresh_token", SHOPWAVE_REFRESH),
    ] {
        till.set_secret(name, value);
    }
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
    let finished = tokio::task::spawn_blocking(move || last.wait_with_output().unwrap())
        .await
        .unwrap();
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
