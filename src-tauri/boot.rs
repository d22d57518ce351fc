//! Putting the till together from its configuration: the store, the provider clients and the
//! POS recorder, or, with no provider configured, training mode's in-process simulators.

use crate::keyring_store::KeyringStore;
use crate::paths::Paths;
use crate::training;
use kassa_core::checkout::{CardKeyer, Checkout, CheckoutParts};
use kassa_core::clock::SystemClock;
use kassa_core::config::Config;
use kassa_core::manager_pin::{self, PinGate};
use kassa_core::outbox::{Engine, OpExecutor, WatchdogConfig};
use kassa_core::pos::PosRecorder;
use kassa_core::secrets::SecretStore;
use kassa_core::shifts::reconcile::ProviderLedger;
use kassa_core::store::Store;
use kassa_core::till::Till;
use kassa_providers::wiring;
use kassa_sim::training::TrainingSims;
use std::sync::Arc;

/// A running till and what keeps it alive.
pub struct Booted {
    pub till: Arc<Till>,
    pub config: Config,
    pub paths: Paths,
    /// The POS back-office that records each completed sale (Shopwave, through the outbox's
    /// `record_sale` operations), where one is configured; `kassa pos push-test` uses it too.
    pub pos: Option<Arc<dyn PosRecorder>>,
    /// The till's database (also reachable through `till`), for the outbox engine.
    pub store: Arc<Store>,
    /// The providers' sides of the outbox's operations.
    pub executors: Vec<Arc<dyn OpExecutor>>,
    /// The outbox engine over `store` and `executors`, with the hold watchdog; whoever runs
    /// the till (the window, `kassa sync`) runs it.
    pub engine: Arc<Engine>,
    /// Checks the manager's PIN for a manager's decisions.
    pub manager: PinGate,
    /// The sale screen's and `kassa sale`'s use cases, over `till` and the outbox.
    pub checkout: Arc<Checkout>,
    /// The providers a shift is reconciled against (`kassa_core::shifts::reconcile`).
    pub ledgers: Vec<Arc<dyn ProviderLedger>>,
    /// Training mode's simulators; they stop when this is dropped.
    _sims: Option<TrainingSims>,
}

/// Opens the till with its secrets in the OS keyring, under the service its configuration
/// names (`[secrets] keyring_service`).
pub async fn boot_with_keyring(paths: Paths) -> Result<Booted, String> {
    let config = Config::load(&paths.config_file).map_err(|e| e.to_string())?;
    let keyring = KeyringStore::new(config.secrets.keyring_service);
    boot(paths, Arc::new(keyring)).await
}

/// Reads the configuration and opens the till. Must run inside a tokio runtime (training mode
/// serves its simulators on it). `secrets` is the OS keyring in the app; clients that renew
/// tokens write them back there. Every error is a sentence an installer can act on.
pub async fn boot(paths: Paths, secrets: Arc<dyn SecretStore>) -> Result<Booted, String> {
    let config = Config::load(&paths.config_file).map_err(|e| e.to_string())?;
    let training = config.is_training();
    let store = Arc::new(Store::open(&paths.database(training)).map_err(|e| e.to_string())?);

    // Training mode runs the same clients against the simulators, with their demo credentials
    // in memory: the OS keyring is never touched.
    let (providers, secrets, sims) = if training {
        let sims = kassa_sim::training::start(&paths.data_dir.join("training-providers"))
            .await
            .map_err(|e| format!("cannot start the training simulators: {e}"))?;
        let (providers, secrets) = training::providers(&sims).map_err(|e| e.to_string())?;
        manager_pin::set_training_pin(secrets.as_ref()).map_err(|e| e.to_string())?;
        store.add_training_cashier().map_err(|e| e.to_string())?;
        (providers, secrets, Some(sims))
    } else {
        (config.providers.clone(), secrets, None)
    };

    let mut till = Till::new(store.clone(), Arc::new(SystemClock), training);
    let wired = wiring::wire(&providers, &config.register, &secrets, &store)?;
    for (provider, pattern) in wired.providers {
        till = till
            .with_provider(provider, &pattern)
            .map_err(|e| format!("a card pattern is not valid: {e}"))?;
    }
    let (pos, executors, ledgers) = (wired.pos, wired.executors, wired.ledgers);
    let engine: Engine = executors.iter().fold(
        Engine::new(store.clone(), config.outbox.engine_config())
            .with_watchdog(WatchdogConfig::default()),
        |engine, executor| engine.with_executor(executor.clone()),
    );
    let till = Arc::new(till);
    let keyer = CardKeyer::from_secrets(secrets.as_ref())
        .map_err(|e| format!("cannot read or make the till's card key: {e}"))?;
    let caps = config.offline.caps(&config.register.currency)?;
    let checkout = Arc::new(Checkout::new(CheckoutParts {
        till: till.clone(),
        store: store.clone(),
        keyer,
        link: engine.link(),
        config: config.checkout.clone(),
        caps,
        currency: config.register.currency.clone(),
        pos: pos.as_ref().map(|p| p.id()),
        clock: Arc::new(SystemClock),
    }));
    let manager = PinGate::new(secrets, store.clone());
    tracing::info!(
        training,
        config = %paths.config_file.display(),
        database = %till.store().path().display(),
        "till opened"
    );
    Ok(Booted {
        till,
        checkout,
        config,
        paths,
        pos,
        store,
        executors,
        engine: Arc::new(engine),
        manager,
        ledgers,
        _sims: sims,
    })
}
