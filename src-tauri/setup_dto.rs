//! What the setup screen is shown: the register as the till uses it, each provider's settings
//! as the file holds them (a setting the file leaves out has its default), and each secret the
//! providers use as set or not set — never a secret's value.

use kassa_core::config::Config;
use kassa_core::secrets::SecretStore;
use kassa_providers::{lightspeed, shopwave, zmyle};
use serde::Serialize;
use serde_json::{Map, Value};

/// The providers the setup screen sets up, as the file names their sections.
pub const PROVIDERS: [&str; 4] = ["leat", "zmyle", "lightspeed", "shopwave"];

/// The secrets each provider may use, by the names the clients read them under (Leat's as
/// `LeatConfig::secret_name` picks one: an API key or personal access token, or an OAuth client
/// secret). The OAuth tokens are not here: the sign-in writes them.
pub const SECRETS: [(&str, &str); 7] = [
    ("leat", "leat.api_key"),
    ("leat", "leat.client_secret"),
    ("zmyle", zmyle::auth::API_KEY_SECRET),
    ("zmyle", zmyle::auth::API_SECRET_SECRET),
    ("lightspeed", lightspeed::auth::TOKEN_SECRET),
    ("lightspeed", lightspeed::auth::CLIENT_SECRET),
    ("shopwave", shopwave::auth::CLIENT_SECRET_SECRET),
];

/// The refresh token that says a provider's OAuth sign-in was done.
const SIGNED_IN: [(&str, &str); 2] = [
    ("lightspeed", lightspeed::auth::REFRESH_TOKEN),
    ("shopwave", shopwave::auth::REFRESH_TOKEN_SECRET),
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterDto {
    pub id: String,
    pub name: String,
    pub shop: String,
    pub currency: String,
    pub language: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretDto {
    pub provider: &'static str,
    pub name: &'static str,
    pub set: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDto {
    pub provider: &'static str,
    /// Whether the file has this provider's section.
    pub configured: bool,
    /// The settings the file holds for it, by name.
    pub settings: Map<String, Value>,
    /// For Lightspeed and Shopwave: whether the OAuth sign-in left a refresh token.
    pub signed_in: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupDto {
    /// The file's configuration has no provider: the till is (or opens) in training mode.
    pub training: bool,
    pub config_file: String,
    pub register: RegisterDto,
    pub providers: Vec<ProviderDto>,
    pub secrets: Vec<SecretDto>,
}

impl SetupDto {
    /// `text` is the file's text and `config` what it parses to.
    pub fn new(
        config_file: String,
        text: &str,
        config: &Config,
        secrets: &dyn SecretStore,
    ) -> Result<SetupDto, String> {
        let file: toml::Table = toml::from_str(text).unwrap_or_default();
        let sections = file
            .get("providers")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let is_set = |name: &str| -> Result<bool, String> {
            Ok(secrets.get(name).map_err(|e| e.to_string())?.is_some())
        };
        let mut providers = Vec::new();
        for provider in PROVIDERS {
            let section = sections.get(provider).and_then(toml::Value::as_table);
            let settings = match section {
                Some(table) => serde_json::to_value(table)
                    .map_err(|e| e.to_string())?
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                None => Map::new(),
            };
            let signed_in = SIGNED_IN
                .iter()
                .find(|(p, _)| *p == provider)
                .map(|(_, name)| is_set(name))
                .transpose()?;
            providers.push(ProviderDto {
                provider,
                configured: section.is_some(),
                settings,
                signed_in,
            });
        }
        let secrets = SECRETS
            .iter()
            .map(|&(provider, name)| {
                Ok(SecretDto {
                    provider,
                    name,
                    set: is_set(name)?,
                })
            })
            .collect::<Result<_, String>>()?;
        let register = &config.register;
        Ok(SetupDto {
            training: config.is_training(),
            config_file,
            register: RegisterDto {
                id: register.id.clone(),
                name: register.name.clone(),
                shop: register.shop.clone(),
                currency: register.currency.code().into(),
                language: register.language.clone(),
            },
            providers,
            secrets,
        })
    }
}
