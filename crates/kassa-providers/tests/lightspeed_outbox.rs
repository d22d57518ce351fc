//! Lightspeed through the outbox: the engine keeps within the retailer's rate budget
//! (`300 × registers + 50` requests per 5 minutes) and leaves the rest queued, not dropped.

use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::LightspeedExecutor;
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "personal-token";
/// One register: 350 requests per 5 minutes.
const BUDGET: usize = 350;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_stays_within_the_rate_budget_and_keeps_the_rest_queued() {
    let sim = LightspeedSim::new();
    sim.add_personal_token(TOKEN, &ALL_SCOPES);
    sim.set_rate_limit(1_000_000, Duration::from_secs(300));
    let cards: Vec<String> = (0..40).map(|i| format!("91000000{i:08}")).collect();
    for card in &cards {
        sim.add_card(card, 100_000, CardStatus::Active, None);
    }
    let running = serve(sim.router()).await.unwrap();
    let secrets = MemorySecretStore::default();
    secrets.set(TOKEN_SECRET, &Secret::new(TOKEN)).unwrap();
    let client = LightspeedClient::new(
        &LightspeedConfig {
            domain_prefix: None,
            base_url: Some(running.url()),
            api_version: "2026-04".into(),
            auth: LightspeedAuth::Personal,
            client_id: None,
            redirect_uri: None,
            registers: 1,
            retailer_budget: None,
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: 2_000,
        },
        eur(0).currency,
        Arc::new(secrets),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let ops: Vec<NewOp> = (0..BUDGET + 10)
        .map(|i| {
            NewOp::new(
                ProviderId::Lightspeed,
                OpKind::Redeem,
                Some(&cards[i % cards.len()]),
                eur(1),
            )
        })
        .collect();
    store.enqueue(&ops).unwrap();

    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            concurrency: 8,
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(LightspeedExecutor::new(Arc::new(client))));
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running_engine = tokio::spawn(async move { engine.run(stop).await });

    let done = || store.ops(&[OpState::Succeeded], u32::MAX).unwrap().len();
    for _ in 0..3_000 {
        if done() >= BUDGET {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Give the engine the chance to overspend, had it not kept count.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop_tx.send(true).unwrap();
    running_engine.await.unwrap().unwrap();

    assert_eq!(done(), BUDGET, "the budget's worth was sent");
    assert_eq!(sim.requests(), BUDGET as u64, "and not one request more");
    assert_eq!(
        store.ops(&[OpState::Pending], u32::MAX).unwrap().len(),
        10,
        "the rest waits in the queue for the next window"
    );
}
