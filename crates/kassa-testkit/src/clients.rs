//! The real clients of the four providers and the outbox engine over them, for a chaos run in
//! the test's own process: built from the simulators' URLs, with the simulators' demo
//! credentials in memory.

use crate::sims::{
    eur, Urls, CLIENT_TIMEOUT_MS, LEAT_SHOP, LEAT_TOKEN, LIGHTSPEED_TOKEN, SETTLE_MS,
    SHOPWAVE_ACCESS, SHOPWAVE_CLIENT_ID, SHOPWAVE_CLIENT_SECRET, SHOPWAVE_REDIRECT,
    SHOPWAVE_REFRESH, SHOPWAVE_STORE, ZMYLE_KEY, ZMYLE_SECRET,
};
use kassa_core::config::{
    LeatApi, LeatConfig, LightspeedAuth, LightspeedConfig, ShopwaveConfig, ZmyleConfig,
};
use kassa_core::outbox::{Engine, EngineConfig, OpExecutor};
use kassa_core::provider::GiftCardProvider;
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

fn leat_config(url: &str) -> LeatConfig {
    LeatConfig {
        // Top-ups of upgradeable cards are for the Register family.
        api: LeatApi::Register,
        shop_uuid: Some(LEAT_SHOP.to_string()),
        timeout_ms: CLIENT_TIMEOUT_MS,
        settle_ms: SETTLE_MS,
        ..LeatConfig::new(url.to_string())
    }
}

/// The Leat client over the simulator at `url` (Register family, the simulator's shop).
pub fn leat_client(url: &str) -> LeatClient {
    LeatClient::new(
        &leat_config(url),
        Secret::new(LEAT_TOKEN),
        eur(),
        Language::English,
    )
    .expect("the Leat client builds")
}

/// The Lightspeed client over the simulator at `url`, its token in `secrets`.
pub fn lightspeed_client(url: &str, secrets: Arc<MemorySecretStore>) -> LightspeedClient {
    LightspeedClient::new(
        &LightspeedConfig {
            domain_prefix: None,
            base_url: Some(url.to_string()),
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
        secrets,
    )
    .expect("the Lightspeed client builds")
}

/// The zmyle client over the simulator at `url`.
pub fn zmyle_client(url: &str) -> ZmyleClient {
    ZmyleClient::new(
        &ZmyleConfig {
            base_url: url.to_string(),
            idempotency_header: ZmyleConfig::default_idempotency_header(),
            card_pattern: ZmyleConfig::default_pattern(),
            timeout_ms: CLIENT_TIMEOUT_MS,
            store: Some("chaos".into()),
            metadata: BTreeMap::new(),
            hold_minutes: ZmyleConfig::default_hold_minutes(),
        },
        Secret::new(ZMYLE_KEY),
        Secret::new(ZMYLE_SECRET),
        eur(),
    )
    .expect("the zmyle client builds")
}

/// The Shopwave client over the simulator at `url`, its tokens in `secrets`.
pub fn shopwave_client(url: &str, secrets: Arc<MemorySecretStore>) -> ShopwaveClient {
    ShopwaveClient::new(
        &ShopwaveConfig {
            base_url: url.to_string(),
            accept_version: ShopwaveConfig::default_accept_version(),
            token_url: format!("{url}/oauth/token"),
            client_id: SHOPWAVE_CLIENT_ID.into(),
            redirect_uri: Some(SHOPWAVE_REDIRECT.into()),
            store_id: SHOPWAVE_STORE.to_string(),
            batch_size: ShopwaveConfig::MAX_BATCH,
            timeout_ms: CLIENT_TIMEOUT_MS,
            settle_ms: SETTLE_MS,
        },
        secrets,
    )
    .expect("the Shopwave client builds")
}

/// One client per provider, shared by the till's look-ups and the outbox, as the till wires
/// them.
#[derive(Clone)]
pub struct Clients {
    pub leat: Arc<LeatClient>,
    pub lightspeed: Arc<LightspeedClient>,
    pub zmyle: Arc<ZmyleClient>,
    pub shopwave: Arc<ShopwaveClient>,
}

impl Clients {
    /// The clients over the simulators at `urls`.
    pub fn new(urls: &Urls) -> Self {
        let secrets = secrets();
        Clients {
            leat: Arc::new(leat_client(&urls.leat)),
            lightspeed: Arc::new(lightspeed_client(&urls.lightspeed, secrets.clone())),
            zmyle: Arc::new(zmyle_client(&urls.zmyle)),
            shopwave: Arc::new(shopwave_client(&urls.shopwave, secrets)),
        }
    }

    /// One executor per provider, each over its client, for the outbox in `store`.
    pub fn executors(&self, store: Arc<Store>) -> Vec<Arc<dyn OpExecutor>> {
        vec![
            Arc::new(LeatExecutor::new(self.leat.clone())),
            Arc::new(LightspeedExecutor::new(self.lightspeed.clone())),
            Arc::new(ZmyleExecutor::new(self.zmyle.clone())),
            Arc::new(ShopwaveExecutor::new(self.shopwave.clone(), store)),
        ]
    }

    /// The gift-card providers with their card patterns, in the till's routing order: most
    /// specific pattern first (zmyle, Lightspeed, Leat).
    pub fn gift_card_providers(&self) -> Vec<(Arc<dyn GiftCardProvider>, String)> {
        vec![
            (
                self.zmyle.clone() as Arc<dyn GiftCardProvider>,
                ZmyleConfig::default_pattern(),
            ),
            (
                self.lightspeed.clone() as Arc<dyn GiftCardProvider>,
                LightspeedConfig::default_pattern(),
            ),
            (
                self.leat.clone() as Arc<dyn GiftCardProvider>,
                LeatConfig::default_pattern(),
            ),
        ]
    }

    /// The outbox engine over `store`, sending through these clients.
    pub fn engine(&self, store: Arc<Store>) -> Engine {
        self.executors(store.clone())
            .into_iter()
            .fold(Engine::new(store, engine_config()), |e, x| {
                e.with_executor(x)
            })
    }
}

/// One executor per provider, each over its real client, for the outbox in `store`.
pub fn executors(urls: &Urls, store: Arc<Store>) -> Vec<Arc<dyn OpExecutor>> {
    Clients::new(urls).executors(store)
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

/// The outbox engine over `store`, sending to the simulators at `urls`.
pub fn engine(store: Arc<Store>, urls: &Urls) -> Engine {
    Clients::new(urls).engine(store)
}
