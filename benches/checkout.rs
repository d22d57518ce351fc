//! Complete → Paid through IPC for a sale paid with three tenders — a Leat gift card and a
//! Lightspeed card, charged at Complete, and a zmyle card held when it was tendered — against
//! the four simulators on loopback (no faults), with the outbox engine running as in the
//! window. Next to it, in the same run, the bare provider calls Complete waits for: one Leat and
//! one Lightspeed redemption through the same clients, one after the other; and one bare durable
//! SQLite transaction (WAL, `synchronous=FULL`) on the same disk, since Complete makes several
//! (the sale and its redemptions, their claim, their outcomes, the completed sale). Prints
//! p50/p99.
//!
//! cargo bench --bench checkout

use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::money::Money;
use kassa_core::outbox::{NewOp, Op, OpExecutor, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_testkit::sims::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/ipc_support/mod.rs"]
mod ipc_support;
use ipc_support::{app_with, invoke, Webview};

/// Cents each card pays per sale; the simulators' cards start with `START_BALANCE`.
const PART: i64 = 20;

/// `cargo bench` passes `--bench`; under `cargo test --all-targets` a few rounds check that the
/// benchmark still runs.
fn rounds() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        200
    } else {
        3
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn call(webview: &Webview, cmd: &str, body: Value) -> Value {
    invoke(webview, cmd, body).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn config(urls: &Urls) -> String {
    format!(
        r#"[checkout]
charge_timeout_ms = 10000

[outbox]
concurrency = 4
min_backoff_ms = 50
max_backoff_ms = 1000
poll_interval_ms = 1000

[providers.leat]
base_url = "{leat}"
api = "register"
shop_uuid = "{LEAT_SHOP}"
settle_ms = {SETTLE_MS}

[providers.lightspeed]
base_url = "{lightspeed}"
registers = 50
retailer_budget = 1000000

[providers.zmyle]
base_url = "{zmyle}"
store = "bench"

[providers.shopwave]
base_url = "{shopwave}"
token_url = "{shopwave}/oauth/token"
client_id = "{SHOPWAVE_CLIENT_ID}"
redirect_uri = "{SHOPWAVE_REDIRECT}"
store_id = "{SHOPWAVE_STORE}"
settle_ms = {SETTLE_MS}
"#,
        leat = urls.leat,
        lightspeed = urls.lightspeed,
        zmyle = urls.zmyle,
        shopwave = urls.shopwave,
    )
}

/// One bare redemption through a provider's executor (the client the outbox uses), timed.
async fn bare(executor: &dyn OpExecutor, card: &str) -> Duration {
    let new = NewOp::new(
        executor.provider(),
        OpKind::Redeem,
        Some(card),
        Money::new(PART, eur()),
    );
    let now = time::OffsetDateTime::now_utc();
    let op = Op {
        id: new.id,
        seq: 0,
        sale_id: None,
        provider: new.provider,
        kind: new.kind,
        card_code: new.card_code,
        amount: new.amount,
        state: OpState::Sending,
        depends_on: None,
        dependency_ref: None,
        attempts: 1,
        provider_ref: None,
        last_error: None,
        payload: new.payload,
        sent_at: Some(now),
        created_at: now,
        review_reason: None,
    };
    let started = Instant::now();
    executor.execute(&op).await.expect("a bare redemption");
    started.elapsed()
}

/// One durable transaction of one small row, as the till's store makes them, timed.
fn bare_commits(rounds: usize) -> Vec<Duration> {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("bare.sqlite3")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", [])
        .unwrap();
    let mut times: Vec<Duration> = (0..rounds)
        .map(|i| {
            let started = Instant::now();
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            tx.execute("INSERT INTO t (v) VALUES (?1)", [i.to_string()])
                .unwrap();
            tx.commit().unwrap();
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn main() {
    // The faults are switched off below, so the seed does not matter.
    let sims = tauri::async_runtime::block_on(sims(1));
    for faults in [
        &sims.leat.faults,
        &sims.lightspeed.faults,
        &sims.zmyle.faults,
        &sims.shopwave.faults,
    ] {
        faults.set_rates(kassa_sim::faults::Rates::default());
    }
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    std::fs::write(&paths.config_file, config(&sims.urls)).unwrap();
    let secrets = MemorySecretStore::default();
    for (name, value) in SECRETS {
        secrets.set(name, &Secret::new(value)).unwrap();
    }
    let booted = tauri::async_runtime::block_on(boot(paths, Arc::new(secrets))).unwrap();
    let executor = |p: ProviderId| {
        booted
            .executors
            .iter()
            .find(|e| e.provider() == p)
            .unwrap()
            .clone()
    };
    let (leat, lightspeed) = (executor(ProviderId::Leat), executor(ProviderId::Lightspeed));
    let engine = booted.engine.clone();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(async move { engine.run(stop).await });
    let webview = app_with(AppState::ready(Ok(booted)));

    let rounds = rounds();
    let (mut paid, mut calls) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let i = round % CARDS_PER_PROVIDER;
        let sale = call(&webview, "sale_open", json!({}))["id"]
            .as_str()
            .unwrap()
            .to_string();
        call(
            &webview,
            "sale_add_line",
            json!({"saleId": sale, "description": "Goods", "quantity": 3, "unitPriceMinor": PART}),
        );
        for code in [leat_card(i), lightspeed_card(i), zmyle_card(i).1] {
            call(&webview, "sale_scan", json!({ "code": code }));
            call(
                &webview,
                "sale_tender_card",
                json!({"saleId": sale, "code": code, "amountMinor": PART}),
            );
        }
        let started = Instant::now();
        let done = call(&webview, "sale_complete", json!({ "saleId": sale }));
        paid.push(started.elapsed());
        assert_eq!(done["outcome"], "paid", "{done}");
        // Let the confirm and the back-office record go before the next sale.
        let until = Instant::now() + Duration::from_secs(10);
        while call(&webview, "sale_get", json!({ "saleId": sale }))["recorded"] != "succeeded"
            && Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        calls.push(tauri::async_runtime::block_on(async {
            bare(leat.as_ref(), &leat_card(i)).await
                + bare(lightspeed.as_ref(), &lightspeed_card(i)).await
        }));
    }
    paid.sort();
    calls.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("Complete → Paid, 3 tenders (Leat + Lightspeed charged, zmyle held), {rounds} sales:");
    println!(
        "  sale_complete through IPC: p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&paid, 0.5)),
        ms(percentile(&paid, 0.99))
    );
    println!(
        "  bare Leat + Lightspeed redemptions, one after the other: p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&calls, 0.5)),
        ms(percentile(&calls, 0.99))
    );
    println!(
        "  ratio of the p50s: {:.2}",
        ms(percentile(&paid, 0.5)) / ms(percentile(&calls, 0.5))
    );
    let commits = bare_commits(rounds);
    println!(
        "  one bare durable SQLite transaction, same disk: p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&commits, 0.5)),
        ms(percentile(&commits, 0.99))
    );
    // The line `make bench` puts in BENCHMARKS.md's table (crates/kassa-bench).
    let ratio = ms(percentile(&paid, 0.5)) / ms(percentile(&calls, 0.5));
    let line = json!({
        "measure": "Complete → Paid, sale with 3 tenders (Leat + Lightspeed charged at Complete, zmyle held), sale_complete through IPC, loopback simulators",
        "figure": format!(
            "p50 {:.2} ms, p99 {:.2} ms ({rounds} sales)",
            ms(percentile(&paid, 0.5)),
            ms(percentile(&paid, 0.99))
        ),
        "baseline": format!(
            "bare Leat + Lightspeed redemptions one after the other: p50 {:.2} ms, p99 {:.2} ms; one durable SQLite transaction: p50 {:.2} ms",
            ms(percentile(&calls, 0.5)),
            ms(percentile(&calls, 0.99)),
            ms(percentile(&commits, 0.5))
        ),
        "ratio": (ratio * 100.0).round() / 100.0,
        "target": "≤ 1.2× the bare provider calls (p50s; docs/design.md §10)",
        "met": ratio <= 1.2,
        "command": "cargo bench --bench checkout",
    });
    println!("BENCH {line}");
}
