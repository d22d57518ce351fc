//! The till's configuration: one TOML file. No secrets here: they live in the SecretStore.

mod checkout;
mod leat;
mod lightspeed;
mod outbox;
mod printer;
mod shopwave;
pub mod write;
mod zmyle;

pub use checkout::{CheckoutConfig, OfflineCaps, OfflineConfig};
pub use leat::{LeatApi, LeatAuth, LeatConfig};
pub use lightspeed::{LightspeedAuth, LightspeedConfig};
pub use outbox::OutboxConfig;
pub use printer::{PrinterConfig, PrinterKind};
pub use shopwave::ShopwaveConfig;
pub use zmyle::ZmyleConfig;

use crate::lang::Language;
use crate::money::Currency;
use serde::Deserialize;
use std::path::Path;
use thiserror::Error;

/// Checks a provider's address: `https://`, or plain `http://` only to this computer
/// (127.0.0.0/8, ::1, localhost), since a token or card code sent over plain HTTP can be read
/// on the network. `at` names the setting, e.g. `providers.leat.base_url`.
pub fn check_provider_url(at: &str, url: &str) -> Result<(), String> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(format!(
            "{at} must start with https:// (or http:// to this computer)"
        ));
    };
    // A backslash ends the host too: URL parsers read it as '/' in http URLs.
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "{at} must start with https://: plain http:// is allowed only to this computer \
             (127.0.0.1, ::1, localhost), because a token or card code sent over http:// can be \
             read on the network"
        ))
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("the configuration file {path} is not valid: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub register: RegisterConfig,
    #[serde(default)]
    pub scanner: ScannerConfig,
    #[serde(default)]
    pub providers: ProvidersConfig,
    #[serde(default)]
    pub outbox: OutboxConfig,
    #[serde(default)]
    pub secrets: SecretsConfig,
    #[serde(default)]
    pub checkout: CheckoutConfig,
    #[serde(default)]
    pub offline: OfflineConfig,
    #[serde(default)]
    pub printer: PrinterConfig,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RegisterConfig {
    /// A stable id for this till, used in receipts and operation metadata.
    pub id: String,
    pub name: String,
    /// The shop's name, at the head of each receipt (none when empty).
    pub shop: String,
    pub currency: Currency,
    /// The till's language: `en`, `nl` or `de` (anything else is refused by [`Config::parse`]);
    /// also picks a provider's message where it has several.
    pub language: String,
    /// Below this much free space on the database's disk the till stops taking payments before
    /// a write fails (docs/design.md §4.1).
    pub min_free_disk_mb: u64,
    /// The window locks after this many minutes without a cashier's action (0: never); the
    /// signed-in cashier's PIN, or another cashier's sign-in, opens it.
    pub lock_after_minutes: u32,
}

impl RegisterConfig {
    /// The language the till speaks: `language`, checked by [`Config::parse`].
    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }

    fn validate(&self) -> Result<(), String> {
        match Language::parse(&self.language) {
            Some(_) => Ok(()),
            None => Err(format!(
                "register.language is '{}': it must be en (English), nl (Nederlands) or de (Deutsch)",
                self.language
            )),
        }
    }
}

impl Default for RegisterConfig {
    fn default() -> Self {
        RegisterConfig {
            id: "till-1".into(),
            name: "Till 1".into(),
            shop: String::new(),
            currency: Currency::try_from("EUR".to_string()).expect("valid"),
            language: "en".into(),
            min_free_disk_mb: 64,
            lock_after_minutes: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScannerConfig {
    /// The keyboard layout the scanner is programmed for (`us` or `de`); keys are decoded by
    /// their physical position under this layout, whatever the OS layout is.
    pub layout: String,
    /// Keys closer together than this are a scanner burst, not a person typing.
    pub max_key_gap_ms: u32,
    /// A burst shorter than this is typing.
    pub min_length: u32,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            layout: "us".into(),
            max_key_gap_ms: 50,
            min_length: 4,
        }
    }
}

/// Where the till's secrets live (never the secrets themselves).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// The OS keyring's service name the secrets are stored under: two tills on one machine
    /// (or tests sharing one keyring) keep their credentials apart with different names.
    pub keyring_service: String,
}

impl SecretsConfig {
    pub const DEFAULT_KEYRING_SERVICE: &'static str = "eu.kassa.till";

    fn validate(&self) -> Result<(), String> {
        let name = &self.keyring_service;
        if name.trim().is_empty() || name.trim() != name || name.chars().any(char::is_control) {
            return Err(
                "secrets.keyring_service must be a name such as eu.kassa.till, without surrounding spaces"
                    .into(),
            );
        }
        Ok(())
    }
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            keyring_service: Self::DEFAULT_KEYRING_SERVICE.into(),
        }
    }
}

/// One optional section per provider; none at all means training mode.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProvidersConfig {
    pub leat: Option<LeatConfig>,
    pub zmyle: Option<ZmyleConfig>,
    pub lightspeed: Option<LightspeedConfig>,
    pub shopwave: Option<ShopwaveConfig>,
}

impl ProvidersConfig {
    pub fn is_empty(&self) -> bool {
        self.leat.is_none()
            && self.zmyle.is_none()
            && self.lightspeed.is_none()
            && self.shopwave.is_none()
    }
}

pub(crate) fn default_timeout_ms() -> u64 {
    10_000
}

/// A TOML error without the offending line quoted: a secret pasted into the file by mistake
/// must not reach a screen or a log. Says where (line and column) and what.
fn unechoed(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().trim_end_matches('.');
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let this_line = text[start..].lines().next().unwrap_or_default();
            // The setting's name, never its value.
            let key = this_line
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                });
            match key {
                Some(key) => format!("line {line}, {key}: {message}"),
                None => format!("line {line}: {message}"),
            }
        }
        None => message.to_string(),
    }
}

impl Config {
    /// Reads the file; a file that does not exist is the default configuration (training mode).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| ConfigError::Unreadable {
                path: shown.clone(),
                reason: "it is not UTF-8 text".into(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path: shown,
                    reason: e.to_string(),
                })
            }
        };
        Config::parse(&text).map_err(|reason| ConfigError::Invalid {
            path: shown,
            reason,
        })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| unechoed(&e, text))?;
        config.register.validate()?;
        config.outbox.validate()?;
        config.secrets.validate()?;
        config.checkout.validate()?;
        config.offline.caps(&config.register.currency)?;
        config.printer.validate()?;
        let p = &config.providers;
        if let Some(leat) = &p.leat {
            leat.validate()?;
        }
        if let Some(zmyle) = &p.zmyle {
            zmyle.validate()?;
        }
        if let Some(lightspeed) = &p.lightspeed {
            lightspeed.validate()?;
        }
        if let Some(shopwave) = &p.shopwave {
            shopwave.validate()?;
        }
        Ok(config)
    }

    /// With no provider configured the till runs in training mode against its simulators.
    pub fn is_training(&self) -> bool {
        self.providers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_computer() {
        for ok in [
            "https://api.piggy.eu",
            "http://127.0.0.1:8080",
            "http://127.8.9.10/api",
            "http://localhost:3000/x",
            "http://LOCALHOST",
            "http://[::1]:9000/",
            "http://user:pw@127.0.0.1:1/",
        ] {
            assert_eq!(check_provider_url("x.base_url", ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://api.piggy.eu",
            "http://10.0.0.5:8080",
            "http://[::2]/",
            "http://localhost.evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.1@evil.example/",
            "http://evil.example\\@127.0.0.1/",
            "ftp://127.0.0.1",
        ] {
            let err = check_provider_url("x.base_url", bad).unwrap_err();
            assert!(
                err.starts_with("x.base_url must start with https://"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn an_empty_file_is_training_mode() {
        let c = Config::parse("").unwrap();
        assert!(c.is_training());
        assert_eq!(c.register.currency.code(), "EUR");
    }

    #[test]
    fn says_what_is_wrong() {
        let err = Config::parse("[register]\ncurrency = \"EURO\"\n").unwrap_err();
        assert!(err.contains("currency"), "{err}");
        let err = Config::parse("[providers.leat]\nbase_url = \"ftp://x\"\n").unwrap_err();
        assert!(err.contains("base_url"), "{err}");
        let err =
            Config::parse("[providers.leat]\nbase_url = \"http://api.piggy.eu\"\n").unwrap_err();
        assert!(err.contains("only to this computer"), "{err}");
        let err = Config::parse("[registr]\n").unwrap_err();
        assert!(err.contains("registr"), "{err}");
    }

    #[test]
    fn an_error_names_the_line_without_quoting_it() {
        let err =
            Config::parse("[register]\nname = \"Front\"\nsk_live_secret_abc = 5\n").unwrap_err();
        assert!(err.starts_with("line 3"), "{err}");
        assert!(err.contains("unknown field"), "{err}");
        assert!(!err.contains("= 5"), "the line is not quoted: {err}");
        let err = Config::parse("[providers.leat]\napi_key = \"pk_live_123\"\n").unwrap_err();
        assert!(!err.contains("pk_live_123"), "{err}");
    }

    #[test]
    fn the_language_is_en_nl_or_de() {
        assert_eq!(Config::parse("").unwrap().register.language(), Language::En);
        let c = Config::parse("[register]\nlanguage = \"nl\"\n").unwrap();
        assert_eq!(c.register.language(), Language::Nl);
        let c = Config::parse("[register]\nlanguage = \"de\"\n").unwrap();
        assert_eq!(c.register.language(), Language::De);
        for bad in ["fr", "NL", "nl-BE", ""] {
            let err = Config::parse(&format!("[register]\nlanguage = \"{bad}\"\n")).unwrap_err();
            assert!(err.starts_with("register.language"), "{bad}: {err}");
            assert!(
                err.contains("en (English), nl (Nederlands) or de (Deutsch)"),
                "{err}"
            );
        }
    }

    #[test]
    fn the_free_disk_floor_is_64_mb_unless_set() {
        assert_eq!(Config::parse("").unwrap().register.min_free_disk_mb, 64);
        let c = Config::parse("[register]\nmin_free_disk_mb = 500\n").unwrap();
        assert_eq!(c.register.min_free_disk_mb, 500);
        let err = Config::parse("[register]\nmin_free_disk_mb = -1\n").unwrap_err();
        assert!(err.contains("min_free_disk_mb"), "{err}");
    }

    #[test]
    fn the_keyring_service_is_eu_kassa_till_unless_set() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.secrets.keyring_service, "eu.kassa.till");
        let c =
            Config::parse("[secrets]\nkeyring_service = \"eu.kassa.till.back-room\"\n").unwrap();
        assert_eq!(c.secrets.keyring_service, "eu.kassa.till.back-room");
        assert!(c.is_training());
        let err = Config::parse("[secrets]\nkeyring_service = \"\"\n").unwrap_err();
        assert!(err.contains("secrets.keyring_service"), "{err}");
        let err = Config::parse("[secrets]\nleat_api_key = \"x\"\n").unwrap_err();
        assert!(err.contains("leat_api_key"), "{err}");
    }

    #[test]
    fn a_missing_file_is_default_and_a_garbled_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.toml");
        assert!(Config::load(&path).unwrap().is_training());
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }
}
