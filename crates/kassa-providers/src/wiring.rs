//! Building each provider's client and its outbox executor from its configuration section and
//! its secrets. The till (configured or in training mode) and the test kit wire them here, the
//! same way.

use crate::executor::{LeatExecutor, LightspeedExecutor, ShopwaveExecutor, ZmyleExecutor};
use crate::leat::{Language, LeatClient};
use crate::lightspeed::LightspeedClient;
use crate::shopwave::ShopwaveClient;
use crate::zmyle::{self, ZmyleClient};
use kassa_core::config::{
    LeatConfig, LightspeedConfig, ProvidersConfig, RegisterConfig, ShopwaveConfig, ZmyleConfig,
};
use kassa_core::outbox::OpExecutor;
use kassa_core::pos::PosRecorder;
use kassa_core::provider::GiftCardProvider;
use kassa_core::secrets::{Secret, SecretStore};
use kassa_core::shifts::reconcile::ProviderLedger;
use kassa_core::store::Store;
use std::sync::Arc;

/// A gift-card provider and the pattern of the codes it takes.
pub type Registered = (Arc<dyn GiftCardProvider>, String);

/// The configured providers: for look-ups, for recording sales, and for the outbox to move
/// money and record them.
#[derive(Default)]
pub struct Wired {
    /// The gift-card providers, most specific card pattern first: zmyle (QR URLs and short
    /// ids), Lightspeed (long numbers), Leat (the most generic). Where patterns overlap the
    /// till asks them in this order.
    pub providers: Vec<Registered>,
    /// The POS back-office, where one is configured.
    pub pos: Option<Arc<dyn PosRecorder>>,
    /// One executor per configured provider, the POS back-office's over the outbox in the
    /// store.
    pub executors: Vec<Arc<dyn OpExecutor>>,
    /// The providers whose own records a shift is reconciled against.
    pub ledgers: Vec<Arc<dyn ProviderLedger>>,
}

/// Every configured provider's client and executor; `store` holds the outbox the POS
/// back-office's executor reads its sales from. Every error is a sentence an installer can act
/// on.
pub fn wire(
    providers: &ProvidersConfig,
    register: &RegisterConfig,
    secrets: &Arc<dyn SecretStore>,
    store: &Arc<Store>,
) -> Result<Wired, String> {
    let mut out = Wired::default();
    if let Some(c) = &providers.zmyle {
        let client = Arc::new(zmyle_client(c, register, secrets)?);
        out.executors
            .push(Arc::new(ZmyleExecutor::new(client.clone())));
        out.ledgers.push(client.clone());
        out.providers.push((client, c.card_pattern.clone()));
    }
    if let Some(c) = &providers.lightspeed {
        let client =
            Arc::new(lightspeed_client(c, register, secrets)?.with_shared_window(store.clone()));
        out.executors
            .push(Arc::new(LightspeedExecutor::new(client.clone())));
        out.ledgers.push(client.clone());
        out.providers.push((client, c.card_pattern.clone()));
    }
    if let Some(c) = &providers.leat {
        let client = Arc::new(leat_client(c, register, secrets)?);
        out.executors
            .push(Arc::new(LeatExecutor::new(client.clone(), store.clone())));
        out.ledgers.push(client.clone());
        out.providers.push((client, c.card_pattern.clone()));
    }
    if let Some(c) = &providers.shopwave {
        let client = Arc::new(shopwave_client(c, secrets)?);
        let pos: Arc<dyn PosRecorder> = client.clone();
        out.executors
            .push(Arc::new(ShopwaveExecutor::new(pos.clone(), store.clone())));
        out.ledgers.push(client);
        out.pos = Some(pos);
    }
    Ok(out)
}

/// zmyle's client, with its API key and secret from `secrets`.
pub fn zmyle_client(
    config: &ZmyleConfig,
    register: &RegisterConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<ZmyleClient, String> {
    ZmyleClient::new(
        config,
        required(secrets, "zmyle", zmyle::auth::API_KEY_SECRET)?,
        required(secrets, "zmyle", zmyle::auth::API_SECRET_SECRET)?,
        register.currency.clone(),
    )
    .map_err(|e| e.to_string())
}

/// Lightspeed's client; it reads its token (or OAuth tokens, which it renews) from `secrets`.
pub fn lightspeed_client(
    config: &LightspeedConfig,
    register: &RegisterConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<LightspeedClient, String> {
    LightspeedClient::new(config, register.currency.clone(), secrets.clone())
        .map_err(|e| e.to_string())
}

/// Leat's client, with the secret its kind of authentication needs, speaking the register's
/// language to the cashier.
pub fn leat_client(
    config: &LeatConfig,
    register: &RegisterConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<LeatClient, String> {
    let secret = required(secrets, "Leat", config.secret_name())?;
    let language = Language::from_code(&register.language);
    LeatClient::new(config, secret, register.currency.clone(), language).map_err(|e| e.to_string())
}

/// The POS back-office. Shopwave renews its tokens while the till runs and stores them in
/// `secrets`; this checks now that the credentials it needs are there.
pub fn shopwave_client(
    config: &ShopwaveConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<ShopwaveClient, String> {
    let client = ShopwaveClient::new(config, secrets.clone()).map_err(|e| e.to_string())?;
    client.auth().check_secrets().map_err(|e| e.to_string())?;
    Ok(client)
}

fn required(secrets: &Arc<dyn SecretStore>, provider: &str, name: &str) -> Result<Secret, String> {
    secrets
        .get(name)
        .map_err(|e| format!("cannot read {name}: {e}"))?
        .ok_or_else(|| {
            format!("{provider} is configured but has no {name}: run `kassa secret set {name}`")
        })
}
