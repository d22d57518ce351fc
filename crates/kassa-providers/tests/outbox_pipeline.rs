//! The engine's pipeline (a flush under way while requests are in flight, the steps that finish
//! meanwhile written by the next one): many redemptions on few cards, through a real SQLite
//! file and the Lightspeed simulator. Each card sees its operations in the order they were
//! queued, each exactly once, and every outcome is written with the simulator's transaction.

use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::LightspeedExecutor;
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::faults::Rates;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, TxnKind, ALL_SCOPES};
use kassa_sim::server::serve;
use std::sync::Arc;
use std::time::Duration;

const CARDS: usize = 3;
const PER_CARD: usize = 40;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_card_is_charged_in_queue_order_and_every_outcome_is_written() {
    let sim = LightspeedSim::new();
    sim.add_personal_token("personal-token", &ALL_SCOPES);
    sim.set_rate_limit(u32::MAX, Duration::from_secs(1));
    // Answers that take a little while, so that steps finish while a flush is under way.
    sim.faults.set_rates(Rates {
        latency: Some(Duration::from_millis(1)),
        ..Rates::default()
    });
    let cards: Vec<String> = (0..CARDS).map(|i| format!("91000000{i:08}")).collect();
    for card in &cards {
        sim.add_card(card, 1_000_000, CardStatus::Active, None);
    }
    let running = serve(sim.router()).await.unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set(TOKEN_SECRET, &Secret::new("personal-token"))
        .unwrap();
    let client = LightspeedClient::new(
        &LightspeedConfig {
            domain_prefix: None,
            base_url: Some(running.url()),
            api_version: "2026-04".into(),
            auth: LightspeedAuth::Personal,
            client_id: None,
            redirect_uri: None,
            registers: 1,
            retailer_budget: Some(u32::MAX),
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: 5_000,
        },
        eur(0).currency,
        Arc::new(secrets),
    )
    .unwrap();
    // Queued interleaved across the cards, each with an amount of its own (1.00, 1.01, ...).
    let ops: Vec<NewOp> = (0..CARDS * PER_CARD)
        .map(|i| {
            NewOp::new(
                ProviderId::Lightspeed,
                OpKind::Redeem,
                Some(&cards[i % CARDS]),
                eur(100 + i as i64),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    for op in &ops {
        store.enqueue(std::slice::from_ref(op)).unwrap();
    }
    let engine = Engine::new(
        store.clone(),
        EngineConfig {
            concurrency: 8,
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
    .with_executor(Arc::new(LightspeedExecutor::new(Arc::new(client))));

    let stats = engine.run_until_idle().await.unwrap();

    assert_eq!(stats.succeeded as usize, ops.len(), "{stats:?}");
    for (c, card) in cards.iter().enumerate() {
        let queued: Vec<(&str, i64)> = ops
            .iter()
            .skip(c)
            .step_by(CARDS)
            .map(|op| (op.id.as_str(), -op.amount.minor))
            .collect();
        let booked: Vec<_> = sim
            .transactions(card)
            .into_iter()
            .filter(|t| t.kind == TxnKind::Redeeming)
            .collect();
        let seen: Vec<(&str, i64)> = booked
            .iter()
            .map(|t| (t.client_id.as_deref().unwrap_or("none"), t.amount))
            .collect();
        assert_eq!(
            seen, queued,
            "card {card}: its redemptions, in queue order, once each"
        );
        let charged: i64 = queued.iter().map(|(_, amount)| amount).sum();
        assert_eq!(sim.balance(card), Some(1_000_000 + charged), "{card}");
        for txn in &booked {
            let id = txn.client_id.as_deref().unwrap();
            let op = store.op(id).unwrap().unwrap();
            assert_eq!(op.state, OpState::Succeeded, "{id}");
            assert_eq!(op.provider_ref.as_deref(), Some(txn.id.as_str()), "{id}");
        }
    }
    assert_eq!(store.queue_summary().unwrap().unfinished(), 0);
}
