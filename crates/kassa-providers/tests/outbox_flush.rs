//! Which of the engine's flushes may skip the disk flush, decided by the real executors: a
//! provider without an idempotency key (Leat) always gets a flushed claim and outcome; Lightspeed
//! redemptions (our `client_id` dedupes a resend) outside any open sale do not need one. Each
//! drain still moves every card exactly once.

mod leat_support;

use kassa_core::config::{LeatApi, LightspeedAuth, LightspeedConfig};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::{LeatExecutor, LightspeedExecutor};
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::leat::LeatSim;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use leat_support::{euros, Leat, TOKEN};
use std::sync::Arc;
use std::time::Duration;

fn engine(store: &Arc<Store>) -> Engine {
    Engine::new(
        store.clone(),
        EngineConfig {
            concurrency: 8,
            poll: Duration::from_millis(10),
            ..EngineConfig::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flush_of_leat_operations_waits_for_the_disk() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contacts: Vec<(String, String)> = (0..6)
        .map(|i| {
            let contact = leat.sim.add_contact(&format!("c{i}@example.com"), 4_000);
            let code = format!("LEATWALLET{i:02}");
            leat.sim
                .add_identifier(&code, "Krabby card", Some(&contact), true);
            (contact, code)
        })
        .collect();
    let ops: Vec<NewOp> = contacts
        .iter()
        .flat_map(|(contact, code)| {
            [
                NewOp::leat_prepaid(OpKind::Redeem, code, contact, euros(250)),
                NewOp::leat_prepaid(OpKind::Reload, code, contact, euros(100)),
            ]
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    store.enqueue(&ops).unwrap();
    let engine = engine(&store).with_executor(Arc::new(LeatExecutor::new(
        Arc::new(leat.client(LeatApi::Oauth)),
        store.clone(),
    )));

    let stats = engine.run_until_idle().await.unwrap();

    assert_eq!(stats.succeeded, ops.len() as u64);
    assert!(stats.flushes >= 2, "{stats:?}");
    assert_eq!(stats.unsynced_flushes, 0, "{stats:?}");
    for (contact, _) in &contacts {
        assert_eq!(leat.sim.prepaid_amounts(contact), vec![-250, 100]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lightspeed_redemptions_outside_a_sale_are_flushed_without_waiting_and_charged_once() {
    let sim = LightspeedSim::new();
    sim.add_personal_token("personal-token", &ALL_SCOPES);
    let cards: Vec<String> = (0..20).map(|i| format!("91000000{i:08}")).collect();
    for card in &cards {
        sim.add_card(card, 10_000, CardStatus::Active, None);
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
            retailer_budget: None,
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: 2_000,
        },
        euros(0).currency,
        Arc::new(secrets),
    )
    .unwrap();
    let ops: Vec<NewOp> = (0..100)
        .map(|i| {
            NewOp::new(
                ProviderId::Lightspeed,
                OpKind::Redeem,
                Some(&cards[i % cards.len()]),
                euros(10),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    store.enqueue(&ops).unwrap();
    let engine = engine(&store).with_executor(Arc::new(LightspeedExecutor::new(Arc::new(client))));

    let stats = engine.run_until_idle().await.unwrap();

    assert_eq!(stats.succeeded, 100);
    assert!(stats.unsynced_flushes > 0, "{stats:?}");
    for op in &ops {
        assert_eq!(store.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
    }
    for card in &cards {
        assert_eq!(sim.balance(card), Some(10_000 - 5 * 10), "{card}");
    }
}
