//! The till's configuration: one TOML file. No secrets here: they live in the SecretStore.

use crate::money::Currency;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;

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
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RegisterConfig {
    /// A stable id for this till, used in receipts and operation metadata.
    pub id: String,
    pub name: String,
    pub currency: Currency,
    /// UI language: `en` or `nl`, `de` (used to pick a provider's message where it has several).
    pub language: String,
}

impl Default for RegisterConfig {
    fn default() -> Self {
        RegisterConfig {
            id: "till-1".into(),
            name: "Till 1".into(),
            currency: Currency::try_from("EUR".to_string()).expect("valid"),
            language: "en".into(),
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

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProvidersConfig {
    pub leat: Option<LeatConfig>,
    pub lightspeed: Option<LightspeedConfig>,
    pub zmyle: Option<ZmyleConfig>,
    pub shopwave: Option<ShopwaveConfig>,
}

impl ProvidersConfig {
    pub fn is_empty(&self) -> bool {
        self.leat.is_none() && self.lightspeed.is_none() && self.zmyle.is_none()
            && self.shopwave.is_none()
    }
}

/// Which of Leat's two path families the client uses.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LeatApi {
    /// `/api/v3/oauth/clients/...` with a personal access token or OAuth client credentials.
    #[default]
    Oauth,
    /// `/api/v3/register/...` with a register API key (being discontinued by Leat).
    Register,
}

/// How the Leat client authenticates; every kind sends `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LeatAuth {
    /// A register API key (secret `leat.api_key`), for the Register path family.
    ApiKey,
    /// A personal access token from the Business Dashboard (secret `leat.api_key`).
    PersonalAccessToken,
    /// OAuth client credentials: `client_id` here, the secret `leat.client_secret`; the access
    /// token is fetched from `{base_url}/oauth/token` and kept in memory only.
    ClientCredentials,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LeatConfig {
    /// e.g. `https://api.piggy.eu` (docs), `https://api.leat.com` (OpenAPI export).
    pub base_url: String,
    #[serde(default)]
    pub api: LeatApi,
    /// How to authenticate; by default an API key on the Register family and a personal
    /// access token on the OAuth family.
    #[serde(default)]
    pub auth: Option<LeatAuth>,
    /// The OAuth client's id, required with `auth = "client_credentials"`.
    #[serde(default)]
    pub client_id: Option<u64>,
    /// Sent as `X-Partner-ID` when set.
    #[serde(default)]
    pub partner_id: Option<String>,
    /// The Leat shop this till belongs to; required for transactions.
    pub shop_uuid: Option<String>,
    /// Which scanned codes are Leat cards.
    #[serde(default = "LeatConfig::default_pattern")]
    pub card_pattern: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The gift-card transaction custom attribute that carries the till's operation id
    /// (it must exist in the Leat account). [INF]
    #[serde(default = "LeatConfig::default_op_id_attribute")]
    pub op_id_attribute: String,
    /// How far before and after a write was sent its transaction is looked for when an
    /// unknown outcome is settled and Leat does not echo the custom attributes. [INF]
    #[serde(default = "LeatConfig::default_reconcile_window_secs")]
    pub reconcile_window_secs: u64,
}

impl LeatConfig {
    /// A configuration with every optional setting at its default.
    pub fn new(base_url: impl Into<String>) -> Self {
        LeatConfig {
            base_url: base_url.into(),
            api: LeatApi::default(),
            auth: None,
            client_id: None,
            partner_id: None,
            shop_uuid: None,
            card_pattern: LeatConfig::default_pattern(),
            timeout_ms: default_timeout_ms(),
            op_id_attribute: LeatConfig::default_op_id_attribute(),
            reconcile_window_secs: LeatConfig::default_reconcile_window_secs(),
        }
    }

    pub fn default_pattern() -> String {
        r"^[A-Za-z0-9-]{4,64}$".into()
    }

    pub fn default_op_id_attribute() -> String {
        "kassa_op_id".into()
    }

    pub fn default_reconcile_window_secs() -> u64 {
        900
    }

    /// The configured authentication, or the default of the path family.
    pub fn auth_kind(&self) -> LeatAuth {
        self.auth.unwrap_or(match self.api {
            LeatApi::Register => LeatAuth::ApiKey,
            LeatApi::Oauth => LeatAuth::PersonalAccessToken,
        })
    }

    /// The SecretStore name of the secret this configuration needs.
    pub fn secret_name(&self) -> &'static str {
        match self.auth_kind() {
            LeatAuth::ClientCredentials => "leat.client_secret",
            LeatAuth::ApiKey | LeatAuth::PersonalAccessToken => "leat.api_key",
        }
    }

    fn validate(&self) -> Result<(), String> {
        regex::Regex::new(&self.card_pattern)
            .map_err(|e| format!("providers.leat.card_pattern: {e}"))?;
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err("providers.leat.base_url must start with http:// or https://".into());
        }
        if self.auth_kind() == LeatAuth::ClientCredentials {
            if self.api == LeatApi::Register {
                return Err("providers.leat: client_credentials works only with api = \"oauth\"; the Register API takes an api_key".into());
            }
            if self.client_id.is_none() {
                return Err(
                    "providers.leat.client_id is required with auth = \"client_credentials\""
                        .into(),
                );
            }
        }
        if self.op_id_attribute.trim().is_empty() {
            return Err("providers.leat.op_id_attribute must not be empty".into());
        }
        Ok(())
    }
}

/// How the till proves itself to Lightspeed (contracts.md §3.1).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LightspeedAuth {
    /// A personal token (Plus plan), secret `lightspeed.token`.
    #[default]
    Personal,
    /// OAuth 2.0 authorization code with rotating refresh tokens; secrets
    /// `lightspeed.client_secret`, `lightspeed.refresh_token`, `lightspeed.access_token`.
    Oauth,
}

/// Lightspeed Retail X-Series gift cards (contracts.md §3).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LightspeedConfig {
    /// The retailer's prefix: `https://{domain_prefix}.retail.lightspeed.app`.
    pub domain_prefix: Option<String>,
    /// Replaces the host built from `domain_prefix` (a proxy, or the simulator in tests).
    pub base_url: Option<String>,
    /// `2.0` (legacy paths, bare objects, numeric money) or a date version such as `2026-04`
    /// (`{"data"}` wrapper, money as strings).
    #[serde(default = "LightspeedConfig::default_api_version")]
    pub api_version: String,
    #[serde(default)]
    pub auth: LightspeedAuth,
    /// The OAuth application's client id (OAuth only).
    pub client_id: Option<String>,
    /// The OAuth application's redirect URI (OAuth only, for exchanging an authorization code).
    pub redirect_uri: Option<String>,
    /// Registers of the retailer: the rate budget is 300 per register + 50 per 5 minutes.
    #[serde(default = "LightspeedConfig::default_registers")]
    pub registers: u32,
    /// Which scanned codes are Lightspeed gift card numbers [INF].
    #[serde(default = "LightspeedConfig::default_pattern")]
    pub card_pattern: String,
    /// The time zone in which a reload's new expiry date is read, e.g. `Europe/Amsterdam`;
    /// none leaves it to the retailer's setting.
    pub time_zone: Option<String>,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

impl LightspeedConfig {
    /// `2026-04`: the first date version with the gift card endpoints, including reversal.
    pub fn default_api_version() -> String {
        "2026-04".into()
    }

    pub fn default_registers() -> u32 {
        1
    }

    /// [INF] Lightspeed numbers gift cards with digits; the length is a guess.
    pub fn default_pattern() -> String {
        r"^[0-9]{12,20}$".into()
    }

    /// The scheme and host, without a trailing slash.
    pub fn host_url(&self) -> String {
        match (&self.base_url, &self.domain_prefix) {
            (Some(url), _) => url.trim_end_matches('/').to_string(),
            (None, Some(prefix)) => format!("https://{prefix}.retail.lightspeed.app"),
            (None, None) => String::new(),
        }
    }

    fn validate(&self) -> Result<(), String> {
        let at = "providers.lightspeed";
        regex::Regex::new(&self.card_pattern).map_err(|e| format!("{at}.card_pattern: {e}"))?;
        match (&self.domain_prefix, &self.base_url) {
            (None, None) => {
                return Err(format!(
                    "{at}: set domain_prefix (the part before .retail.lightspeed.app)"
                ))
            }
            (Some(prefix), _)
                if prefix.is_empty()
                    || !prefix
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                return Err(format!(
                    "{at}.domain_prefix may hold only letters, digits and '-'"
                ))
            }
            (_, Some(url)) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                return Err(format!("{at}.base_url must start with http:// or https://"))
            }
            _ => {}
        }
        let v = self.api_version.as_bytes();
        let dated = v.len() == 7
            && v[4] == b'-'
            && v.iter()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit());
        // The gift card endpoints came with 2026-04; earlier date versions lack them.
        if self.api_version != "2.0" && !(dated && self.api_version.as_str() >= "2026-04") {
            return Err(format!(
                "{at}.api_version must be \"2.0\" or a date version from \"2026-04\" on"
            ));
        }
        if self.registers == 0 {
            return Err(format!("{at}.registers must be at least 1"));
        }
        if self.auth == LightspeedAuth::Oauth && self.client_id.is_none() {
            return Err(format!("{at}.client_id is required with auth = \"oauth\""));
        }
/// zmyle's POS API, contracts.md §2. Credentials (`zmyle.api_key`, `zmyle.api_secret`) live in
/// the SecretStore.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ZmyleConfig {
    /// The host, without `/service/v1.1` (the client appends it): live
    /// [`ZmyleConfig::LIVE_URL`] or sandbox [`ZmyleConfig::SANDBOX_URL`].
    pub base_url: String,
    /// The header carrying the idempotency key of intents and refunds. zmyle's documentation
    /// does not name it: `Idempotency-Key` is an inference (contracts.md §2.1).
    #[serde(default = "ZmyleConfig::default_idempotency_header")]
    pub idempotency_header: String,
    /// Which scanned codes are zmyle cards: the documented QR URL or a 4- or 6-character short id.
    #[serde(default = "ZmyleConfig::default_pattern")]
    pub card_pattern: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Sent as `metadata.store` with every intent and refund, e.g. `megastore-filiale-holzweg`.
    pub store: Option<String>,
    /// Further key-value pairs sent as metadata with every intent and refund.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

impl ZmyleConfig {
    pub const LIVE_URL: &'static str = "https://api.pos.zmyle.de";
    pub const SANDBOX_URL: &'static str = "https://posapi.zmyledemo.de";

    pub fn default_idempotency_header() -> String {
        "Idempotency-Key".into()
    }

    /// The QR regex of zmyle's documentation, anchored, or a short id such as `QTHX`.
    pub fn default_pattern() -> String {
        r"^https://.*/g/[a-z0-9]{12,}(/.*)?\?r?t=[a-z0-9]{15,}$|^[A-Za-z0-9]{4}$|^[A-Za-z0-9]{6}$"
            .into()
    }

    fn validate(&self) -> Result<(), String> {
        regex::Regex::new(&self.card_pattern)
            .map_err(|e| format!("providers.zmyle.card_pattern: {e}"))?;
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err("providers.zmyle.base_url must start with http:// or https://".into());
        }
        // An HTTP header name is a non-empty RFC 9110 token.
        let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if self.idempotency_header.is_empty() || !self.idempotency_header.chars().all(token_char) {
            return Err(format!(
                "providers.zmyle.idempotency_header '{}' is not an HTTP header name",
                self.idempotency_header
            ));
        }
        Ok(())
    }
}

fn default_timeout_ms() -> u64 {
    10_000
}

/// Shopwave (MerchantStack), the POS back-office that records each sale (contracts.md §4).
/// Secrets: `shopwave.access_token`, `shopwave.refresh_token`, `shopwave.client_secret`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShopwaveConfig {
    /// e.g. `https://api.merchantstack.com` (staging `https://api.staging.merchantstack.com`).
    pub base_url: String,
    /// Sent as `x-accept-version` (the docs show `2` and `2.0`; the 2015 SDK `0.6`).
    #[serde(default = "ShopwaveConfig::default_accept_version")]
    pub accept_version: String,
    /// The OAuth token endpoint (staging `https://secure.staging.merchantstack.com/oauth/token`).
    #[serde(default = "ShopwaveConfig::default_token_url")]
    pub token_url: String,
    /// The application's `identifier`.
    pub client_id: String,
    /// The redirect URI registered with the application (for the authorization-code step).
    pub redirect_uri: Option<String>,
    /// The Shopwave store this till sells for.
    pub store_id: String,
    /// Objects per write call; Shopwave takes at most 200.
    #[serde(default = "ShopwaveConfig::default_batch_size")]
    pub batch_size: usize,
    /// [INF] The request header that filters reads by our object references.
    #[serde(default = "ShopwaveConfig::default_reference_header")]
    pub reference_header: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

impl ShopwaveConfig {
    /// Shopwave refuses calls with more objects than this (error 919).
    pub const MAX_BATCH: usize = 200;

    pub fn default_accept_version() -> String {
        "2".into()
    }
    pub fn default_token_url() -> String {
        "https://secure.merchantstack.com/oauth/token".into()
    }
    pub fn default_batch_size() -> usize {
        Self::MAX_BATCH
    }
    pub fn default_reference_header() -> String {
        "objectRefs".into()
    }

    fn validate(&self) -> Result<(), String> {
        for (name, url) in [("base_url", &self.base_url), ("token_url", &self.token_url)] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "providers.shopwave.{name} must start with http:// or https://"
                ));
            }
        }
        if !(1..=Self::MAX_BATCH).contains(&self.batch_size) {
            return Err(format!(
                "providers.shopwave.batch_size must be between 1 and {}",
                Self::MAX_BATCH
            ));
        }
        let token = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        if !token(&self.reference_header) {
            return Err("providers.shopwave.reference_header must be a header name".into());
        }
        if !token(&self.accept_version) {
            return Err("providers.shopwave.accept_version must be a version such as 2".into());
        }
        if self.store_id.is_empty() || !self.store_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err("providers.shopwave.store_id must be Shopwave's store id, a number".into());
        }
        if self.client_id.trim().is_empty() {
            return Err("providers.shopwave.client_id must not be empty".into());
        }
        Ok(())
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
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(leat) = &config.providers.leat {
            leat.validate()?;
        }
        if let Some(lightspeed) = &config.providers.lightspeed {
            lightspeed.validate()?;
        if let Some(zmyle) = &config.providers.zmyle {
            zmyle.validate()?;
        if let Some(shopwave) = &config.providers.shopwave {
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
    fn an_empty_file_is_training_mode() {
        let c = Config::parse("").unwrap();
        assert!(c.is_training());
        assert_eq!(c.register.currency.code(), "EUR");
    }

    #[test]
    fn reads_a_leat_section() {
        let c = Config::parse(
            r#"
            [register]
            id = "shop-7-till-2"
            currency = "eur"
            [providers.leat]
            base_url = "https://api.piggy.eu"
            api = "register"
            shop_uuid = "123123"
            "#,
        )
        .unwrap();
        assert!(!c.is_training());
        let leat = c.providers.leat.unwrap();
        assert_eq!(leat.api, LeatApi::Register);
        assert_eq!(leat.auth_kind(), LeatAuth::ApiKey);
        assert_eq!(leat.secret_name(), "leat.api_key");
        assert_eq!(leat.timeout_ms, 10_000);
        assert_eq!(leat.op_id_attribute, "kassa_op_id");
        assert_eq!(c.register.id, "shop-7-till-2");
    }

    #[test]
    fn reads_leat_client_credentials() {
        let c = Config::parse(
            r#"
            [providers.leat]
            base_url = "https://api.leat.com"
            auth = "client_credentials"
            client_id = 42
            partner_id = "p-7"
            reconcile_window_secs = 120
            "#,
        )
        .unwrap();
        let leat = c.providers.leat.unwrap();
        assert_eq!(leat.auth_kind(), LeatAuth::ClientCredentials);
        assert_eq!(leat.secret_name(), "leat.client_secret");
        assert_eq!(leat.client_id, Some(42));
        assert_eq!(leat.partner_id.as_deref(), Some("p-7"));
        assert_eq!(leat.reconcile_window_secs, 120);
        assert_eq!(
            LeatConfig::new("https://api.piggy.eu").auth_kind(),
            LeatAuth::PersonalAccessToken
        );
    }

    #[test]
    fn leat_client_credentials_need_a_client_id_and_the_oauth_api() {
        let base = "[providers.leat]\nbase_url = \"https://api.leat.com\"\nauth = \"client_credentials\"\n";
        let err = Config::parse(base).unwrap_err();
        assert!(err.contains("client_id"), "{err}");
        let err = Config::parse(&format!("{base}client_id = 1\napi = \"register\"\n")).unwrap_err();
        assert!(err.contains("api_key"), "{err}");
    }

    #[test]
    fn says_what_is_wrong() {
        let err = Config::parse("[register]\ncurrency = \"EURO\"\n").unwrap_err();
        assert!(err.contains("currency"), "{err}");
        let err = Config::parse("[providers.leat]\nbase_url = \"ftp://x\"\n").unwrap_err();
        assert!(err.contains("base_url"), "{err}");
        let err = Config::parse("[registr]\n").unwrap_err();
        assert!(err.contains("registr"), "{err}");
    }

    #[test]
    fn reads_a_lightspeed_section_and_checks_it() {
        let c = Config::parse(
            "[providers.lightspeed]\ndomain_prefix = \"mystore\"\nauth = \"oauth\"\nclient_id = \"app\"\nregisters = 3\n",
        )
        .unwrap();
        assert!(!c.is_training());
        let ls = c.providers.lightspeed.unwrap();
        assert_eq!(ls.host_url(), "https://mystore.retail.lightspeed.app");
        assert_eq!(ls.api_version, "2026-04");
        assert_eq!(ls.registers, 3);
        assert_eq!(ls.card_pattern, LightspeedConfig::default_pattern());
        let bad = [
            (
                "api_version = \"2026/04\"\ndomain_prefix = \"a\"",
                "api_version",
            ),
            (
                "api_version = \"2025-10\"\ndomain_prefix = \"a\"",
                "api_version",
            ),
            ("domain_prefix = \"my.store\"", "domain_prefix"),
            ("registers = 1", "domain_prefix"),
            ("domain_prefix = \"a\"\nauth = \"oauth\"", "client_id"),
            ("base_url = \"ftp://x\"", "base_url"),
            ("domain_prefix = \"a\"\nregisters = 0", "registers"),
        ];
        for (section, named) in bad {
            let err = Config::parse(&format!("[providers.lightspeed]\n{section}\n")).unwrap_err();
            assert!(err.contains(named), "{section}: {err}");
        }
    fn reads_a_zmyle_section_with_defaults() {
        let c = Config::parse(
            r#"
            [providers.zmyle]
            base_url = "https://posapi.zmyledemo.de"
            store = "megastore-filiale-holzweg"
            metadata = { till = "2" }
            "#,
        )
        .unwrap();
        assert!(!c.is_training());
        let z = c.providers.zmyle.unwrap();
        assert_eq!(z.base_url, ZmyleConfig::SANDBOX_URL);
        assert_eq!(z.idempotency_header, "Idempotency-Key");
        assert_eq!(z.timeout_ms, 10_000);
        assert_eq!(z.store.as_deref(), Some("megastore-filiale-holzweg"));
        assert_eq!(z.metadata["till"], "2");
        let err = Config::parse(
            "[providers.zmyle]\nbase_url = \"https://x\"\nidempotency_header = \"Idem Key\"\n",
        )
        .unwrap_err();
        assert!(err.contains("idempotency_header"), "{err}");
    }

    #[test]
    fn the_default_zmyle_pattern_takes_qr_urls_and_short_ids_only() {
        let re = regex::Regex::new(&ZmyleConfig::default_pattern()).unwrap();
        let qr = "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";
        assert!(re.is_match(qr));
        assert!(re.is_match("QTHX"));
        assert!(re.is_match("Q7HX2a"));
        assert!(!re.is_match("QTHXY"), "five characters is no short id");
        assert!(!re.is_match("4165100001"), "a Leat card");
        assert!(!re.is_match("https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem"));
    fn reads_a_shopwave_section_with_defaults_and_checks_it() {
        let c = Config::parse(
            r#"
            [providers.shopwave]
            base_url = "https://api.staging.merchantstack.com"
            client_id = "app-7"
            store_id = "12"
            "#,
        )
        .unwrap();
        assert!(!c.is_training(), "a back-office alone is a configured till");
        let sw = c.providers.shopwave.unwrap();
        assert_eq!(sw.accept_version, "2");
        assert_eq!(sw.batch_size, 200);
        assert_eq!(sw.reference_header, "objectRefs");
        assert_eq!(sw.token_url, "https://secure.merchantstack.com/oauth/token");
        let base =
            "[providers.shopwave]\nbase_url = \"https://x\"\nclient_id = \"a\"\nstore_id = \"1\"\n";
        let err = Config::parse(&format!("{base}batch_size = 201\n")).unwrap_err();
        assert!(err.contains("batch_size"), "{err}");
        let err = Config::parse(&format!("{base}token_url = \"x\"\n")).unwrap_err();
        assert!(err.contains("token_url"), "{err}");
        let err = Config::parse(&format!("{base}reference_header = \"a b\"\n")).unwrap_err();
        assert!(err.contains("reference_header"), "{err}");
        let err = Config::parse(&base.replace("\"1\"", "\"main\"")).unwrap_err();
        assert!(err.contains("store_id"), "{err}");
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
