//! Training mode's configuration: every provider section pointing at its in-process simulator,
//! and the simulators' demo credentials in a memory store (never the OS keyring).

use kassa_core::config::{
    LeatConfig, LightspeedConfig, ProvidersConfig, ShopwaveConfig, ZmyleConfig,
};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretError, SecretStore};
use kassa_providers::{lightspeed, shopwave, zmyle};
use kassa_sim::training::{self as demo, TrainingSims};
use std::sync::Arc;

/// The manager PIN of training mode (the training banner says it).
pub const MANAGER_PIN: &str = kassa_core::manager_pin::TRAINING_PIN;

/// Simulators answer at once; a short timeout keeps a stuck training till obvious.
const TIMEOUT_MS: u64 = 5_000;

pub fn providers(
    sims: &TrainingSims,
) -> Result<(ProvidersConfig, Arc<dyn SecretStore>), SecretError> {
    let shopwave_url = sims.shopwave.url();
    let leat = LeatConfig {
        shop_uuid: Some(demo::LEAT_SHOP_UUID.into()),
        giftcard_program_uuid: Some(demo::LEAT_PROGRAM_UUID.into()),
        timeout_ms: TIMEOUT_MS,
        ..LeatConfig::new(sims.leat.url())
    };
    let leat_secret = leat.secret_name();
    let providers = ProvidersConfig {
        leat: Some(leat),
        zmyle: Some(ZmyleConfig {
            base_url: sims.zmyle.url(),
            idempotency_header: ZmyleConfig::default_idempotency_header(),
            card_pattern: ZmyleConfig::default_pattern(),
            timeout_ms: TIMEOUT_MS,
            store: Some("kassa-training".into()),
            metadata: Default::default(),
            hold_minutes: ZmyleConfig::default_hold_minutes(),
        }),
        lightspeed: Some(LightspeedConfig {
            domain_prefix: None,
            base_url: Some(sims.lightspeed.url()),
            api_version: LightspeedConfig::default_api_version(),
            auth: Default::default(),
            client_id: None,
            redirect_uri: None,
            registers: 1,
            retailer_budget: None,
            card_pattern: LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: TIMEOUT_MS,
        }),
        shopwave: Some(ShopwaveConfig {
            base_url: shopwave_url.clone(),
            accept_version: ShopwaveConfig::default_accept_version(),
            token_url: format!("{shopwave_url}/oauth/token"),
            client_id: demo::SHOPWAVE_CLIENT_ID.into(),
            redirect_uri: Some(demo::SHOPWAVE_REDIRECT_URI.into()),
            store_id: demo::SHOPWAVE_STORE_ID.to_string(),
            batch_size: ShopwaveConfig::default_batch_size(),
            timeout_ms: TIMEOUT_MS,
            settle_ms: ShopwaveConfig::default_settle_ms(),
        }),
    };
    let secrets = MemorySecretStore::default();
    for (name, value) in [
        (leat_secret, demo::LEAT_TOKEN),
        (zmyle::auth::API_KEY_SECRET, demo::ZMYLE_API_KEY),
        (zmyle::auth::API_SECRET_SECRET, demo::ZMYLE_API_SECRET),
        (lightspeed::auth::TOKEN_SECRET, demo::LIGHTSPEED_TOKEN),
        (
            shopwave::auth::CLIENT_SECRET_SECRET,
            demo::SHOPWAVE_CLIENT_SECRET,
        ),
        (
            shopwave::auth::ACCESS_TOKEN_SECRET,
            demo::SHOPWAVE_ACCESS_TOKEN,
        ),
        (
            shopwave::auth::REFRESH_TOKEN_SECRET,
            demo::SHOPWAVE_REFRESH_TOKEN,
        ),
    ] {
        secrets.set(name, &Secret::new(value))?;
    }
    Ok((providers, Arc::new(secrets)))
}
