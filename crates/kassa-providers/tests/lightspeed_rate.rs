//! Lightspeed's rate limit, seen by the client: the till's share the outbox paces by, the rate
//! headers, and a 429's `Retry-After` (an HTTP date) honoured before anything else is sent.

use kassa_core::card::CardCode;
use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::rate::{RateBudget, RateLimitStatus};
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::faults::{Fault, Target};
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use kassa_sim::Running;
use std::sync::Arc;
use std::time::Duration;

const CARD: &str = "9100000000000001";

fn code() -> CardCode {
    CardCode::parse(CARD).unwrap()
}

fn client(url: String, registers: u32) -> LightspeedClient {
    let store = MemorySecretStore::default();
    store.set(TOKEN_SECRET, &Secret::new("tok")).unwrap();
    let config = LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url),
        api_version: "2026-04".into(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers,
        retailer_budget: None,
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: 2_000,
    };
    let currency = Currency::try_from("EUR".to_string()).unwrap();
    LightspeedClient::new(&config, currency, Arc::new(store)).unwrap()
}

async fn sim() -> (LightspeedSim, Running) {
    let sim = LightspeedSim::new();
    sim.add_personal_token("tok", &ALL_SCOPES);
    sim.add_card(CARD, 7500, CardStatus::Active, None);
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

fn retry_after(err: &ProviderError) -> Duration {
    match err {
        ProviderError::Unavailable {
            retry_after: Some(wait),
            ..
        } => *wait,
        other => panic!("expected Unavailable with Retry-After, got {other:?}"),
    }
}

#[test]
fn the_budget_is_this_tills_share_of_the_retailers_registers() {
    let c = client("http://127.0.0.1:9".into(), 3);
    assert_eq!(
        c.budget(),
        RateBudget {
            requests: 316,
            window: Duration::from_secs(300)
        },
        "(300 × 3 + 50) / 3, rounded down"
    );
}

#[tokio::test]
async fn a_429_is_honoured_until_its_retry_after_date() {
    let (sim, running) = sim().await;
    sim.set_rate_limit(2, Duration::from_secs(2));
    let c = client(running.url(), 1);
    assert!(c.lookup(&code()).await.is_ok());
    assert!(c.lookup(&code()).await.is_ok());
    assert_eq!(
        c.rate_limit(),
        Some(RateLimitStatus {
            limit: Some(2),
            remaining: Some(0)
        })
    );

    let err = c.lookup(&code()).await.unwrap_err();
    let wait = retry_after(&err);
    assert!(wait <= Duration::from_secs(3), "{wait:?}");
    assert_eq!(sim.requests(), 3);

    // Until then the client does not knock again.
    let err = c.lookup(&code()).await.unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(sim.requests(), 3, "nothing was sent");

    tokio::time::sleep(wait + Duration::from_millis(100)).await;
    assert!(c.lookup(&code()).await.is_ok());
    assert_eq!(sim.requests(), 4);
}

#[tokio::test]
async fn an_injected_429_on_a_write_is_not_applied_and_names_its_wait() {
    let (sim, running) = sim().await;
    let c = client(running.url(), 1);
    sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 30,
        },
        Target::Writes,
    );
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    let err = c
        .redeem(&code(), &Money::new(500, eur), "op-1")
        .await
        .unwrap_err();
    let wait = retry_after(&err);
    // An HTTP date has whole seconds.
    assert!(
        wait > Duration::from_secs(20) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    assert_eq!(sim.balance(CARD), Some(7500));
    let err = c.lookup(&code()).await.unwrap_err();
    assert!(retry_after(&err) <= wait);
    assert_eq!(
        sim.requests(),
        0,
        "the fault answered; the client then held off"
    );
}
