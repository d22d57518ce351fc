//! Putting the till together from its configuration: the store, the secret store, the provider
//! clients, or, with no provider configured, the in-process simulators of training mode.

use crate::paths::Paths;
use kassa_core::clock::SystemClock;
use kassa_core::config::Config;
use kassa_core::secrets::SecretStore;
use kassa_core::store::Store;
use kassa_core::till::Till;
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::training::{self, TrainingSims};
use std::sync::Arc;

/// A running till and what keeps it alive.
pub struct Booted {
    pub till: Arc<Till>,
    pub config: Config,
    pub paths: Paths,
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
        _sims: sims,
    })
}
