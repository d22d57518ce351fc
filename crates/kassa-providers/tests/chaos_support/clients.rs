//! The outbox executors for the chaos and crash tests' simulators, built from their URLs with
//! the simulators' own demo credentials in memory. Shared by the tests and by the worker
//! process the crash test kills.

use kassa_core::config::{LeatApi, LeatConfig, LightspeedAuth, LightspeedConfig, ZmyleConfig};
use kassa_core::money::Currency;
use kassa_core::outbox::{Engine, EngineConfig, OpExecutor};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::{LeatExecutor, LightspeedExecutor, ZmyleExecutor};
use kassa_providers::leat::{Language, LeatClient};
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::zmyle::ZmyleClient;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The simulators' credentials (simulator demo values, not secrets of any shop).
pub const LEAT_TOKEN: &str = "tok";
pub const LIGHTSPEED_TOKEN: &str = "ls-token";
pub const ZMYLE_KEY: &str = "key";
pub const ZMYLE_SECRET: &str = "secret";

/// The clients give up on an answer after this long; the simulators' slow answers come later.
pub const CLIENT_TIMEOUT_MS: u64 = 250;

/// Where the simulators answer.
pub struct Urls {
    pub leat: String,
    pub lightspeed: String,
    pub zmyle: String,
}

pub fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).unwrap()
}

pub fn executors(urls: &Urls, leat_shop: &str) -> Vec<Arc<dyn OpExecutor>> {
    let leat = LeatClient::new(
        &LeatConfig {
            // Top-ups of upgradeable cards are for the Register family.
            api: LeatApi::Register,
            shop_uuid: Some(leat_shop.to_string()),
            timeout_ms: CLIENT_TIMEOUT_MS,
            ..LeatConfig::new(urls.leat.clone())
        },
        Secret::new(LEAT_TOKEN),
        eur(),
        Language::English,
    )
    .unwrap();
    let secrets = MemorySecretStore::default();
    secrets
        .set(TOKEN_SECRET, &Secret::new(LIGHTSPEED_TOKEN))
        .unwrap();
    let lightspeed = LightspeedClient::new(
        &LightspeedConfig {
            domain_prefix: None,
            base_url: Some(urls.lightspeed.clone()),
            api_version: "2026-04".into(),
            auth: LightspeedAuth::Personal,
            client_id: None,
            redirect_uri: None,
            registers: 50,
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: CLIENT_TIMEOUT_MS,
        },
        eur(),
        Arc::new(secrets),
    )
    .unwrap();
    let zmyle = ZmyleClient::new(
        &ZmyleConfig {
            base_url: urls.zmyle.clone(),
            idempotency_header: ZmyleConfig::default_idempotency_header(),
            card_pattern: ZmyleConfig::default_pattern(),
            timeout_ms: CLIENT_TIMEOUT_MS,
            store: Some("chaos".into()),
            metadata: BTreeMap::new(),
        },
        Secret::new(ZMYLE_KEY),
        Secret::new(ZMYLE_SECRET),
        eur(),
    )
    .unwrap();
    vec![
        Arc::new(LeatExecutor::new(Arc::new(leat))),
        Arc::new(LightspeedExecutor::new(Arc::new(lightspeed))),
        Arc::new(ZmyleExecutor::new(Arc::new(zmyle))),
    ]
}

/// Short delays, so that thousands of operations under faults drain in seconds.
pub fn engine(store: Arc<Store>, urls: &Urls, leat_shop: &str) -> Engine {
    let config = EngineConfig {
        concurrency: 8,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(200),
        poll: Duration::from_millis(20),
        ..EngineConfig::default()
    };
    executors(urls, leat_shop)
        .into_iter()
        .fold(Engine::new(store, config), |e, x| e.with_executor(x))
}
