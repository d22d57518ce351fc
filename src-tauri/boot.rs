//! Putting the till together from its configuration: the store, the secret store, the provider
//! clients, or, with no provider configured, the in-process simulators of training mode.

use crate::paths::Paths;
use kassa_core::clock::SystemClock;
use kassa_core::config::{Config, ShopwaveConfig};
use kassa_core::pos::PosRecorder;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_core::till::Till;
use kassa_providers::leat::{LeatClient, TOKEN_SECRET};
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::zmyle::{ZmyleClient, API_KEY_SECRET, API_SECRET_SECRET};
use kassa_providers::shopwave::{auth as shopwave_auth, ShopwaveClient};
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::training::{self, TrainingSims};
use std::sync::Arc;

/// A running till and what keeps it alive.
pub struct Booted {
    pub till: Arc<Till>,
    pub config: Config,
    pub paths: Paths,
    /// The POS back-office that records each sale (Shopwave), where one is configured; the
    /// till does not record sales yet, `kassa pos push-test` uses it.
    pub pos: Option<Arc<dyn PosRecorder>>,
    /// Training mode's simulators; they stop when this is dropped.
    _sims: Option<TrainingSims>,
}

/// Reads the configuration and opens the till. Must run inside a tokio runtime (training mode
/// serves its simulators on it). Every error is a sentence an installer can act on.
pub async fn boot(paths: Paths, secrets: &dyn SecretStore) -> Result<Booted, String> {
    let config = Config::load(&paths.config_file).map_err(|e| e.to_string())?;
    let training = config.is_training();
    let store = Arc::new(Store::open(&paths.database(training)).map_err(|e| e.to_string())?);
    let till = Till::new(store, Arc::new(SystemClock), training);
    let currency = config.register.currency.clone();
    let language = Language::from_code(&config.register.language);
    let bad_pattern = |e: regex::Error| format!("a card pattern is not valid: {e}");

    let (till, sims) = if training {
        let sims = training::start()
            .await
            .map_err(|e| format!("cannot start the training simulators: {e}"))?;
        // Lightspeed first: Leat's pattern is the most generic.
        let lightspeed = kassa_core::config::LightspeedConfig {
            domain_prefix: None,
            base_url: Some(sims.lightspeed.url()),
            api_version: kassa_core::config::LightspeedConfig::default_api_version(),
            auth: Default::default(),
            client_id: None,
            redirect_uri: None,
            registers: 1,
            card_pattern: kassa_core::config::LightspeedConfig::default_pattern(),
            time_zone: None,
            timeout_ms: 5_000,
        };
        let training_secrets = kassa_core::secrets::MemorySecretStore::default();
        training_secrets
            .set(
                kassa_providers::lightspeed::auth::TOKEN_SECRET,
                &kassa_core::secrets::Secret::new(training::LIGHTSPEED_TOKEN),
            )
            .map_err(|e| e.to_string())?;
        let client =
            LightspeedClient::new(&lightspeed, currency.clone(), Arc::new(training_secrets))
                .map_err(|e| e.to_string())?;
        let till = till
            .with_provider(Arc::new(client), &lightspeed.card_pattern)
        // zmyle first: its pattern is the more specific one (short ids also match Leat's).
        let zmyle = kassa_core::config::ZmyleConfig {
            base_url: sims.zmyle.url(),
            idempotency_header: kassa_core::config::ZmyleConfig::default_idempotency_header(),
            card_pattern: kassa_core::config::ZmyleConfig::default_pattern(),
            timeout_ms: 5_000,
            store: Some("kassa-training".into()),
            metadata: Default::default(),
        };
        let client = ZmyleClient::new(
            &zmyle,
            kassa_core::secrets::Secret::new(training::ZMYLE_API_KEY),
            kassa_core::secrets::Secret::new(training::ZMYLE_API_SECRET),
            currency.clone(),
        )
        .map_err(|e| e.to_string())?;
        let till = till
            .with_provider(Arc::new(client), &zmyle.card_pattern)
            .map_err(bad_pattern)?;
        let leat = kassa_core::config::LeatConfig {
            shop_uuid: Some(training::LEAT_SHOP_UUID.into()),
            timeout_ms: 5_000,
            ..kassa_core::config::LeatConfig::new(sims.leat.url())
        };
        let token = kassa_core::secrets::Secret::new(training::LEAT_TOKEN);
        let client =
            LeatClient::new(&leat, token, currency, language).map_err(|e| e.to_string())?;
        let till = till
            .with_provider(Arc::new(client), &leat.card_pattern)
            .map_err(bad_pattern)?;
        (till, Some(sims))
    } else {
        let mut till = till;
        // Lightspeed first: Leat's pattern is the most generic.
        if let Some(lightspeed) = &config.providers.lightspeed {
            // OAuth rotates the refresh token and must write it back: the client keeps the
            // OS keyring itself. (`secrets` is only borrowed; taking an `Arc<dyn SecretStore>`
            // in `boot` would let tests pass their own.)
            let store: Arc<dyn SecretStore> = Arc::new(crate::keyring_store::KeyringStore);
            let client = LightspeedClient::new(lightspeed, currency.clone(), store)
                .map_err(|e| e.to_string())?;
            till = till
                .with_provider(Arc::new(client), &lightspeed.card_pattern)
        // zmyle first: its pattern is the more specific one (short ids also match Leat's).
        if let Some(zmyle) = &config.providers.zmyle {
            let secret = |name: &str| {
                secrets
                    .get(name)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        format!(
                            "zmyle is configured but has no {name}: run `kassa secret set {name}`"
                        )
                    })
            };
            let client = ZmyleClient::new(
                zmyle,
                secret(API_KEY_SECRET)?,
                secret(API_SECRET_SECRET)?,
                currency.clone(),
            )
            .map_err(|e| e.to_string())?;
            till = till
                .with_provider(Arc::new(client), &zmyle.card_pattern)
                .map_err(bad_pattern)?;
        }
        if let Some(leat) = &config.providers.leat {
            let name = leat.secret_name();
            let secret = secrets
                .get(name)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!("Leat is configured but has no secret: run `kassa secret set {name}`")
                })?;
            let client = LeatClient::new(leat, secret, currency.clone(), language)
                .map_err(|e| e.to_string())?;
            till = till
                .with_provider(Arc::new(client), &leat.card_pattern)
                .map_err(bad_pattern)?;
        }
        (till, None)
    };
    let pos = match (&sims, &config.providers.shopwave) {
        (Some(sims), _) => Some(training_shopwave(sims)?),
        (None, Some(shopwave)) => Some(configured_shopwave(shopwave)?),
        (None, None) => None,
    };
    tracing::info!(
        training,
        config = %paths.config_file.display(),
        database = %till.store().path().display(),
        "till opened"
    );
    Ok(Booted {
        till: Arc::new(till),
        config,
        paths,
        pos,
        _sims: sims,
    })
}

/// The Shopwave client of training mode: the simulator's application and tokens, kept in
/// memory (training never touches the keyring).
fn training_shopwave(sims: &TrainingSims) -> Result<Arc<dyn PosRecorder>, String> {
    let url = sims.shopwave.url();
    let config = ShopwaveConfig {
        base_url: url.clone(),
        accept_version: ShopwaveConfig::default_accept_version(),
        token_url: format!("{url}/oauth/token"),
        client_id: training::SHOPWAVE_CLIENT_ID.into(),
        redirect_uri: Some(training::SHOPWAVE_REDIRECT_URI.into()),
        store_id: training::SHOPWAVE_STORE_ID.to_string(),
        batch_size: ShopwaveConfig::default_batch_size(),
        reference_header: ShopwaveConfig::default_reference_header(),
        timeout_ms: 5_000,
    };
    let secrets = MemorySecretStore::default();
    for (name, value) in [
        (
            shopwave_auth::CLIENT_SECRET_SECRET,
            training::SHOPWAVE_CLIENT_SECRET,
        ),
        (
            shopwave_auth::ACCESS_TOKEN_SECRET,
            training::SHOPWAVE_ACCESS_TOKEN,
        ),
        (
            shopwave_auth::REFRESH_TOKEN_SECRET,
            training::SHOPWAVE_REFRESH_TOKEN,
        ),
    ] {
        secrets
            .set(name, &Secret::new(value))
            .map_err(|e| e.to_string())?;
    }
    let client = ShopwaveClient::new(&config, Arc::new(secrets)).map_err(|e| e.to_string())?;
    Ok(Arc::new(client))
}

/// The configured Shopwave client. Shopwave renews its tokens while the till runs, so the
/// client keeps its own handle on the OS keyring to store them.
fn configured_shopwave(config: &ShopwaveConfig) -> Result<Arc<dyn PosRecorder>, String> {
    let keyring: Arc<dyn SecretStore> = Arc::new(crate::keyring_store::KeyringStore);
    let client = ShopwaveClient::new(config, keyring).map_err(|e| e.to_string())?;
    client.auth().check_secrets().map_err(|e| e.to_string())?;
    Ok(Arc::new(client))
}
