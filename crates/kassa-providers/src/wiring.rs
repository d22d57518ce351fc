//! Building each provider's client from its configuration section and its secrets.

use kassa_core::config::{ProvidersConfig, RegisterConfig, ShopwaveConfig};
use kassa_core::outbox::OpExecutor;
use kassa_core::pos::PosRecorder;
use kassa_core::provider::GiftCardProvider;
use kassa_core::secrets::{Secret, SecretStore};
use kassa_providers::executor::{LeatExecutor, LightspeedExecutor, ZmyleExecutor};
use kassa_providers::leat::{Language, LeatClient};
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::shopwave::ShopwaveClient;
use kassa_providers::zmyle::{self, ZmyleClient};
use std::sync::Arc;

/// A gift-card provider and the pattern of the codes it takes.
pub type Registered = (Arc<dyn GiftCardProvider>, String);

/// The configured gift-card providers: for look-ups, and for the outbox to move money.
#[derive(Default)]
pub struct Wired {
    pub providers: Vec<Registered>,
    pub executors: Vec<Arc<dyn OpExecutor>>,
}

/// Every configured gift-card provider, most specific card pattern first: zmyle (QR URLs and
/// short ids), Lightspeed (long numbers), Leat (the most generic). Where patterns overlap the
/// till asks them in this order.
pub fn gift_card_providers(
    providers: &ProvidersConfig,
    register: &RegisterConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<Wired, String> {
    let currency = &register.currency;
    let mut out = Wired::default();
    if let Some(c) = &providers.zmyle {
        let client = ZmyleClient::new(
            c,
            required(secrets, "zmyle", zmyle::auth::API_KEY_SECRET)?,
            required(secrets, "zmyle", zmyle::auth::API_SECRET_SECRET)?,
            currency.clone(),
        )
        .map_err(|e| e.to_string())?;
        let client = Arc::new(client);
        out.executors
            .push(Arc::new(ZmyleExecutor::new(client.clone())));
        out.providers.push((client, c.card_pattern.clone()));
    }
    if let Some(c) = &providers.lightspeed {
        let client = LightspeedClient::new(c, currency.clone(), secrets.clone())
            .map_err(|e| e.to_string())?;
        let client = Arc::new(client);
        out.executors
            .push(Arc::new(LightspeedExecutor::new(client.clone())));
        out.providers.push((client, c.card_pattern.clone()));
    }
    if let Some(c) = &providers.leat {
        let language = Language::from_code(&register.language);
        let secret = required(secrets, "Leat", c.secret_name())?;
        let client =
            LeatClient::new(c, secret, currency.clone(), language).map_err(|e| e.to_string())?;
        let client = Arc::new(client);
        out.executors
            .push(Arc::new(LeatExecutor::new(client.clone())));
        out.providers.push((client, c.card_pattern.clone()));
    }
    Ok(out)
}

/// The POS back-office. Shopwave renews its tokens while the till runs and stores them in
/// `secrets`; this checks now that the credentials it needs are there.
pub fn pos_recorder(
    config: &ShopwaveConfig,
    secrets: &Arc<dyn SecretStore>,
) -> Result<Arc<dyn PosRecorder>, String> {
    let client = ShopwaveClient::new(config, secrets.clone()).map_err(|e| e.to_string())?;
    client.auth().check_secrets().map_err(|e| e.to_string())?;
    Ok(Arc::new(client))
}

fn required(secrets: &Arc<dyn SecretStore>, provider: &str, name: &str) -> Result<Secret, String> {
    secrets
        .get(name)
        .map_err(|e| format!("cannot read {name}: {e}"))?
        .ok_or_else(|| {
            format!("{provider} is configured but has no {name}: run `kassa secret set {name}`")
        })
}
