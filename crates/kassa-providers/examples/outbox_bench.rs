//! Outbox benchmarks for BENCHMARKS.md (not a test; figures, never assertions):
//! 1. durable enqueue of a sale with 3 ops, p50/p99, against a bare rusqlite transaction
//!    inserting the same rows into the same table with the same durability;
//! 2. draining 10,000 queued Lightspeed redemptions against the loopback simulator, against a
//!    bare reqwest loop sending the same requests to the same simulator;
//! 3. resident memory with 100,000 pending ops.
//!
//! Besides the lines for people, one `BENCH {json}` line per figure with a target in
//! docs/design.md §10 (enqueue, drain), for `make bench`'s table.
//!
//! Run: `cargo run --release -p kassa-providers --example outbox_bench`

use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::LightspeedExecutor;
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SALES: usize = 2_000;
const DRAIN_OPS: usize = 10_000;
const DRAIN_CARDS: usize = 1_000;
const PENDING: usize = 100_000;
const TOKEN: &str = "bench-token";
const COMMAND: &str = "cargo run --release -p kassa-providers --example outbox_bench";

/// One figure for `make bench`'s table.
fn bench_line(
    measure: &str,
    figure: String,
    baseline: String,
    ratio: f64,
    target: &str,
    met: bool,
) {
    let line = serde_json::json!({
        "measure": measure,
        "figure": figure,
        "baseline": baseline,
        "ratio": (ratio * 100.0).round() / 100.0,
        "target": target,
        "met": met,
        "command": COMMAND,
    });
    println!("BENCH {line}");
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn sale(i: usize) -> Vec<NewOp> {
    let sale = format!("sale-{i}");
    let reserve =
        NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(700)).in_sale(&sale);
    let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(700))
        .in_sale(&sale)
        .after(&reserve.id);
    let redeem = NewOp::new(
        ProviderId::Lightspeed,
        OpKind::Redeem,
        Some("9100000000000001"),
        eur(300),
    )
    .in_sale(&sale);
    vec![reserve, confirm, redeem]
}

const BARE_SCHEMA: &str = "
    CREATE TABLE ops (
        id TEXT PRIMARY KEY, sale_id TEXT, provider TEXT NOT NULL, kind TEXT NOT NULL,
        card_code TEXT, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
        state TEXT NOT NULL, depends_on TEXT REFERENCES ops(id), attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT, hold_expires_at TEXT, provider_ref TEXT, last_error TEXT,
        payload TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        sent_at TEXT, review_reason TEXT, resolution TEXT, resolution_note TEXT, resolved_at TEXT);
    CREATE INDEX ops_due ON ops(state, next_attempt_at);
    CREATE INDEX ops_card ON ops(provider, card_code, created_at);
    CREATE INDEX ops_depends_on ON ops(depends_on);
    CREATE INDEX ops_claimable ON ops(provider) WHERE state IN ('pending', 'unknown');
    CREATE INDEX ops_open_card ON ops(provider, card_code) WHERE state NOT IN ('succeeded', 'declined');";

fn bench_enqueue() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
    let mut bare = rusqlite::Connection::open(dir.path().join("bare.sqlite3")).unwrap();
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.pragma_update(None, "foreign_keys", "ON").unwrap();
    bare.execute_batch(BARE_SCHEMA).unwrap();
    let (mut outbox, mut baseline) = (Vec::new(), Vec::new());
    for i in 0..SALES {
        let ops = sale(i);
        let t = Instant::now();
        store.enqueue(&ops).unwrap();
        outbox.push(t.elapsed());

        let ops = sale(i);
        let t = Instant::now();
        let tx = bare
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        for op in &ops {
            tx.execute(
                "INSERT INTO ops (id, sale_id, provider, kind, card_code, amount_minor, currency,
                                  state, depends_on, payload, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, '{}', ?9, ?9)",
                rusqlite::params![
                    op.id,
                    op.sale_id,
                    op.provider.as_str(),
                    op.kind.as_str(),
                    op.card_code,
                    op.amount.minor,
                    "EUR",
                    op.depends_on,
                    "2026-01-01T00:00:00.000Z"
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        baseline.push(t.elapsed());
    }
    outbox.sort();
    baseline.sort();
    let (p50, p99) = (pct(&outbox, 0.5), pct(&outbox, 0.99));
    let (bare50, bare99) = (pct(&baseline, 0.5), pct(&baseline, 0.99));
    println!(
        "enqueue, sale of 3 ops, {SALES} sales, synchronous=FULL: outbox p50 {p50:.3} ms p99 {p99:.3} ms | bare rusqlite p50 {bare50:.3} ms p99 {bare99:.3} ms"
    );
    bench_line(
        &format!("Outbox: durable enqueue of a sale with 3 ops (synchronous=FULL), {SALES} sales"),
        format!("p50 {p50:.3} ms, p99 {p99:.3} ms"),
        format!("bare rusqlite transaction, same rows and durability: p50 {bare50:.3} ms, p99 {bare99:.3} ms"),
        p50 / bare50,
        "≤ 2× the bare transaction (p50)",
        p50 <= 2.0 * bare50,
    );
}

fn card(i: usize) -> String {
    format!("91000000{i:08}")
}

async fn bench_drain() {
    let sim = LightspeedSim::new();
    sim.add_personal_token(TOKEN, &ALL_SCOPES);
    sim.set_rate_limit(u32::MAX, Duration::from_secs(1));
    for i in 0..DRAIN_CARDS {
        sim.add_card(&card(i), 1_000_000_000, CardStatus::Active, None);
    }
    let running = serve(sim.router()).await.unwrap();
    let config = LightspeedConfig {
        domain_prefix: None,
        base_url: Some(running.url()),
        api_version: "2026-04".into(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers: 1_000,
        retailer_budget: Some(u32::MAX),
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: 5_000,
    };
    let secrets = MemorySecretStore::default();
    secrets.set(TOKEN_SECRET, &Secret::new(TOKEN)).unwrap();
    let client = LightspeedClient::new(&config, eur(0).currency, Arc::new(secrets)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    for chunk in (0..DRAIN_OPS).collect::<Vec<_>>().chunks(500) {
        let ops: Vec<NewOp> = chunk
            .iter()
            .map(|i| {
                NewOp::new(
                    ProviderId::Lightspeed,
                    OpKind::Redeem,
                    Some(&card(i % DRAIN_CARDS)),
                    eur(1),
                )
            })
            .collect();
        store.enqueue(&ops).unwrap();
    }
    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            concurrency: 8,
            poll: Duration::from_millis(5),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(LightspeedExecutor::new(Arc::new(client))));
    let t = Instant::now();
    let stats = engine.run_until_idle().await.unwrap();
    let outbox = t.elapsed();
    assert_eq!(stats.succeeded as usize, DRAIN_OPS);

    // The baseline: the same POSTs, one after the other, with a bare reqwest client.
    let http = reqwest::Client::new();
    let url = running.url();
    let post = |i: usize| {
        let http = http.clone();
        let url = format!(
            "{url}/api/2026-04/gift_cards/{}/transactions",
            card(i % DRAIN_CARDS)
        );
        async move {
            let body = serde_json::json!({
                "type": "REDEEMING",
                "amount": "-0.01",
                "client_id": uuid::Uuid::now_v7().to_string(),
            });
            let r = http
                .post(url)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.bytes().await.unwrap();
        }
    };
    let t = Instant::now();
    for i in 0..DRAIN_OPS {
        post(i).await;
    }
    let sequential = t.elapsed();
    // And 8 at a time, as the engine sends them.
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..DRAIN_OPS {
        if set.len() >= 8 {
            set.join_next().await;
        }
        set.spawn(post(i));
    }
    while set.join_next().await.is_some() {}
    let parallel = t.elapsed();
    let rate = |d: Duration| DRAIN_OPS as f64 / d.as_secs_f64();
    let (outbox, sequential, parallel) = (rate(outbox), rate(sequential), rate(parallel));
    println!(
        "drain {DRAIN_OPS} Lightspeed redemptions over {DRAIN_CARDS} cards, loopback: outbox (8 in flight) {outbox:.0} ops/s | bare reqwest loop {sequential:.0} req/s sequential, {parallel:.0} req/s 8 in flight"
    );
    bench_line(
        &format!("Outbox: drain {DRAIN_OPS} queued Lightspeed redemptions over {DRAIN_CARDS} cards, loopback simulator, 8 in flight"),
        format!("{outbox:.0} ops/s"),
        format!("bare reqwest loop, same POSTs, 8 in flight: {parallel:.0} req/s (one at a time: {sequential:.0} req/s)"),
        outbox / parallel,
        "≥ 1,000 ops/s and ≥ 50 % of the bare loop",
        outbox >= 1_000.0 && outbox >= 0.5 * parallel,
    );
}

fn bench_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kassa.sqlite3");
    let store = Store::open(&path).unwrap();
    let before = rss_kib();
    for chunk in (0..PENDING).collect::<Vec<_>>().chunks(1_000) {
        let ops: Vec<NewOp> = chunk
            .iter()
            .map(|i| {
                NewOp::new(
                    ProviderId::Lightspeed,
                    OpKind::Redeem,
                    Some(&card(*i)),
                    eur(1),
                )
            })
            .collect();
        store.enqueue(&ops).unwrap();
    }
    let summary = store.queue_summary().unwrap();
    let claimed = store
        .claim_due(ProviderId::Lightspeed, time::OffsetDateTime::now_utc(), 8)
        .unwrap();
    let after = rss_kib();
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{} pending ops ({} claimed): process RSS {} MiB before, {} MiB after (+{} MiB); database files {} MiB",
        summary.unfinished(),
        claimed.len(),
        before / 1024,
        after / 1024,
        after.saturating_sub(before) / 1024,
        size / (1 << 20)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Memory first, in a process that has not yet allocated for the other benchmarks.
    bench_memory();
    bench_enqueue();
    bench_drain().await;
}
