//! The real clients of the four providers and the outbox engine over them, for a chaos run in
//! the test's own process: built from the simulators' URLs, with the simulators' demo
//! credentials in memory.

use crate::sims::{
    eur, Urls, CLIENT_TIMEOUT_MS, LEAT_SETTLE_MS, LEAT_SHOP, LEAT_TOKEN, LIGHTSPEED_TOKEN,
    SHOPWAVE_ACCESS, SHOPWAVE_CLIENT_ID, SHOPWAVE_CLIENT_SECRET, SHOPWAVE_REDIRECT,
    SHOPWAVE_REFRESH, SHOPWAVE_STORE, ZMYLE_KEY, ZMYLE_SECRET,
};
use kassa_core::config::{
    LeatApi, LeatConfig, LightspeedAuth, LightspeedConfig, ShopwaveConfig, ZmyleConfig,
};
use kassa_core::outbox::{Engine, EngineConfig, OpExecutor};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::{
    LeatExecutor, LightspeedExecutor, ShopwaveExecutor, ZmyleExecutor,
};
use kassa_providers::leat::{Language, LeatClient};
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::shopwave::auth::{
    ACCESS_TOKEN_SECRET, CLIENT_SECRET_SECRET, REFRESH_TOKEN_SECRET,
};
use kassa_providers::shopwave::ShopwaveClient;
use kassa_providers::zmyle::ZmyleClient;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The simulators' credentials, as the till's secret store would hold them.
pub fn secrets() -> Arc<MemorySecretStore> {
    let secrets = MemorySecretStore::default();
    for (name, value) in [
        (TOKEN_SECRET, LIGHTSPEED_TOKEN),
        (CLIENT_SECRET_SECRET, SHOPWAVE_CLIENT_SECRET),
        (ACCESS_TOKEN_SECRET, SHOPWAVE_ACCESS),
        (REFRESH_TOKEN_SECRET, SHOPWAVE_REFRESH),
    ] {
        secrets
            .set(name, &Secret::new(value))
            .expect("a memory store takes secrets");
    }
    Arc::new(secrets)
}

/// One executor per provider, each over its real client.
pub fn executors(urls: &Urls) -> Vec<Arc<dyn OpExecutor>> {
    let secrets = secrets();
    let leat = LeatClient::new(
        &LeatConfig {
            // Top-ups of upgradeable cards are for the Register family.
            api: LeatApi::Register,
            shop_uuid: Some(LEAT_SHOP.to_string()),
            timeout_ms: CLIENT_TIMEOUT_MS,
            settle_ms: LEAT_SETTLE_MS,
            ..LeatConfig::new(urls.leat.clone())
        },
        Secret::new(LEAT_TOKEN),
        eur(),
        Language::English,
    )
    .expect("the Leat client builds");
    let lightspeed = LightspeedClient::new(
        &LightspeedConfig {
            domain_prefix: None,
            base_url: Some(urls.lightspeed.clone()),
            api_version: LightspeedConfig::default_api_version(),
            auth: LightspeedAuth::Personal,
            client_id: None,
            redirect_uri: None,
            registers: 50,
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: CLIENT_TIMEOUT_MS,
        },
        eur(),
        secrets.clone(),
    )
    .expect("the Lightspeed client builds");
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
    .expect("the zmyle client builds");
    let shopwave = ShopwaveClient::new(
        &ShopwaveConfig {
            base_url: urls.shopwave.clone(),
            accept_version: ShopwaveConfig::default_accept_version(),
            token_url: format!("{}/oauth/token", urls.shopwave),
            client_id: SHOPWAVE_CLIENT_ID.into(),
            redirect_uri: Some(SHOPWAVE_REDIRECT.into()),
            store_id: SHOPWAVE_STORE.to_string(),
            batch_size: ShopwaveConfig::MAX_BATCH,
            reference_header: ShopwaveConfig::default_reference_header(),
            timeout_ms: CLIENT_TIMEOUT_MS,
        },
        secrets,
    )
    .expect("the Shopwave client builds");
    vec![
        Arc::new(LeatExecutor::new(Arc::new(leat))),
        Arc::new(LightspeedExecutor::new(Arc::new(lightspeed))),
        Arc::new(ZmyleExecutor::new(Arc::new(zmyle))),
        Arc::new(ShopwaveExecutor::new(Arc::new(shopwave))),
    ]
}

/// Short delays, so that thousands of operations under faults drain in seconds.
pub fn engine_config() -> EngineConfig {
    EngineConfig {
        concurrency: 8,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(200),
        poll: Duration::from_millis(20),
        ..EngineConfig::default()
    }
}

/// The outbox engine over `store`, sending to the simulators at `urls`.
pub fn engine(store: Arc<Store>, urls: &Urls) -> Engine {
    executors(urls)
        .into_iter()
        .fold(Engine::new(store, engine_config()), |e, x| {
            e.with_executor(x)
        })
}
