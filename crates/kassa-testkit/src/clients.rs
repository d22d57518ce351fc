//! The real clients of the four providers and the outbox engine over them, for a chaos run in
//! the test's own process: wired as the till wires them (`kassa_providers::wiring`), from a
//! configuration pointing at the simulators, with the simulators' demo credentials in memory.

use crate::sims::{
    Urls, CLIENT_TIMEOUT_MS, LEAT_SHOP, SECRETS, SETTLE_MS, SHOPWAVE_CLIENT_ID, SHOPWAVE_REDIRECT,
    SHOPWAVE_STORE,
};
use kassa_core::config::{
    LeatApi, LeatConfig, LightspeedAuth, LightspeedConfig, ProvidersConfig, RegisterConfig,
    ShopwaveConfig, ZmyleConfig,
};
use kassa_core::outbox::{Engine, EngineConfig, OpExecutor};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::leat::LeatClient;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::wiring::{self, Wired};
use kassa_providers::zmyle::ZmyleClient;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The simulators' credentials, as the till's secret store would hold them.
pub fn secrets() -> Arc<dyn SecretStore> {
    let secrets = MemorySecretStore::default();
    for (name, value) in SECRETS {
        secrets
            .set(name, &Secret::new(value))
            .expect("a memory store takes secrets");
    }
    Arc::new(secrets)
}

/// The till's register: euros, English.
pub fn register() -> RegisterConfig {
    RegisterConfig::default()
}

/// Leat at `url`: the Register family (top-ups of upgradeable cards are for it), the
/// simulator's shop.
pub fn leat_config(url: &str) -> LeatConfig {
    LeatConfig {
        api: LeatApi::Register,
        shop_uuid: Some(LEAT_SHOP.to_string()),
        timeout_ms: CLIENT_TIMEOUT_MS,
        settle_ms: SETTLE_MS,
        ..LeatConfig::new(url.to_string())
    }
}

/// Lightspeed at `url`, with a personal token.
pub fn lightspeed_config(url: &str) -> LightspeedConfig {
    LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url.to_string()),
        api_version: LightspeedConfig::default_api_version(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers: 50,
        retailer_budget: Some(1_000_000),
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: CLIENT_TIMEOUT_MS,
    }
}

/// zmyle at `url`.
pub fn zmyle_config(url: &str) -> ZmyleConfig {
    ZmyleConfig {
        base_url: url.to_string(),
        idempotency_header: ZmyleConfig::default_idempotency_header(),
        card_pattern: ZmyleConfig::default_pattern(),
        timeout_ms: CLIENT_TIMEOUT_MS,
        store: Some("chaos".into()),
        metadata: BTreeMap::new(),
        hold_minutes: ZmyleConfig::default_hold_minutes(),
    }
}

/// Shopwave at `url`, for the simulator's store.
pub fn shopwave_config(url: &str) -> ShopwaveConfig {
    ShopwaveConfig {
        base_url: url.to_string(),
        accept_version: ShopwaveConfig::default_accept_version(),
        token_url: format!("{url}/oauth/token"),
        client_id: SHOPWAVE_CLIENT_ID.into(),
        redirect_uri: Some(SHOPWAVE_REDIRECT.into()),
        store_id: SHOPWAVE_STORE.to_string(),
        batch_size: ShopwaveConfig::MAX_BATCH,
        timeout_ms: CLIENT_TIMEOUT_MS,
        settle_ms: SETTLE_MS,
    }
}

/// The till's configuration of all four providers, each at its simulator in `urls`.
pub fn providers(urls: &Urls) -> ProvidersConfig {
    ProvidersConfig {
        leat: Some(leat_config(&urls.leat)),
        zmyle: Some(zmyle_config(&urls.zmyle)),
        lightspeed: Some(lightspeed_config(&urls.lightspeed)),
        shopwave: Some(shopwave_config(&urls.shopwave)),
    }
}

/// The four providers over the simulators at `urls`, as the till wires them: one client per
/// provider, shared by the till's look-ups (in routing order) and the outbox in `store`.
pub fn wired(urls: &Urls, store: &Arc<Store>) -> Wired {
    wiring::wire(&providers(urls), &register(), &secrets(), store).expect("the clients build")
}

/// The Leat client over the simulator at `url`.
pub fn leat_client(url: &str) -> LeatClient {
    wiring::leat_client(&leat_config(url), &register(), &secrets()).expect("the Leat client builds")
}

/// The Lightspeed client over the simulator at `url`.
pub fn lightspeed_client(url: &str) -> LightspeedClient {
    wiring::lightspeed_client(&lightspeed_config(url), &register(), &secrets())
        .expect("the Lightspeed client builds")
}

/// The zmyle client over the simulator at `url`.
pub fn zmyle_client(url: &str) -> ZmyleClient {
    wiring::zmyle_client(&zmyle_config(url), &register(), &secrets())
        .expect("the zmyle client builds")
}

/// The outbox engine over `store`, sending through `executors`.
pub fn engine_with(store: Arc<Store>, executors: Vec<Arc<dyn OpExecutor>>) -> Engine {
    executors
        .into_iter()
        .fold(Engine::new(store, engine_config()), Engine::with_executor)
}

/// The outbox engine over `store`, sending to the simulators at `urls`.
pub fn engine(store: Arc<Store>, urls: &Urls) -> Engine {
    let executors = wired(urls, &store).executors;
    engine_with(store, executors)
}

/// Short delays, so that thousands of operations under faults drain in seconds. A provider
/// down for a stretch then sees hundreds of attempts in seconds, so the bound on unknown
/// outcomes (hours of attempts at the till's own delays) is raised to match.
pub fn engine_config() -> EngineConfig {
    EngineConfig {
        concurrency: 8,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(200),
        poll: Duration::from_millis(20),
        max_unknown_attempts: MAX_UNKNOWN_ATTEMPTS,
        ..EngineConfig::default()
    }
}

/// The bound on unknown outcomes at the test kit's short delays.
pub const MAX_UNKNOWN_ATTEMPTS: u32 = 1_000;
