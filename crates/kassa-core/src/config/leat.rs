//! The `[providers.leat]` section.

use super::default_timeout_ms;
use serde::Deserialize;

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
    /// The gift card program new digital cards sold at the till are made in (`POST
    /// giftcards`' `giftcard_program_uuid`); unset, the till sells no new Leat cards. Which
    /// program a till's new cards belong to is the account's choice, not documented. [INF]
    #[serde(default)]
    pub giftcard_program_uuid: Option<String>,
    /// Which scanned codes are Leat cards.
    #[serde(default = "LeatConfig::default_pattern")]
    pub card_pattern: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The custom attribute that carries the till's operation id on gift card and prepaid
    /// transactions; it must exist in the Leat account for both (docs/providers.md §1.4). `""`
    /// sends none: an unanswered write is then settled by amount, shop and time alone.
    #[serde(default = "LeatConfig::default_op_id_attribute")]
    pub op_id_attribute: String,
    /// How far before and after a write was sent its transaction is looked for when an
    /// unknown outcome is settled and Leat does not echo the custom attributes. [INF]
    #[serde(default = "LeatConfig::default_reconcile_window_secs")]
    pub reconcile_window_secs: u64,
    /// An unanswered write is not looked for at Leat before this long after it was sent: a
    /// request held up on its way may still be applied, and Leat has no idempotency key, so
    /// reading too early and sending again could charge twice. Longer than any request can
    /// take to reach Leat's servers. [INF]
    #[serde(default = "LeatConfig::default_settle_ms")]
    pub settle_ms: u64,
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
            giftcard_program_uuid: None,
            card_pattern: LeatConfig::default_pattern(),
            timeout_ms: default_timeout_ms(),
            op_id_attribute: LeatConfig::default_op_id_attribute(),
            reconcile_window_secs: LeatConfig::default_reconcile_window_secs(),
            settle_ms: LeatConfig::default_settle_ms(),
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

    pub fn default_settle_ms() -> u64 {
        60_000
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

    pub(super) fn validate(&self) -> Result<(), String> {
        regex::Regex::new(&self.card_pattern)
            .map_err(|e| format!("providers.leat.card_pattern: {e}"))?;
        super::check_provider_url("providers.leat.base_url", &self.base_url)?;
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
        if self
            .giftcard_program_uuid
            .as_deref()
            .is_some_and(|p| p.trim().is_empty())
        {
            return Err("providers.leat.giftcard_program_uuid: give the program's uuid, or leave the setting out to sell no new Leat cards".into());
        }
        let attribute = &self.op_id_attribute;
        if !attribute
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err("providers.leat.op_id_attribute: a Leat attribute name has only letters, digits, '_' and '-' (or \"\" for none)".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

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
    fn the_op_id_attribute_may_be_left_out_but_not_misspelt() {
        let base = "[providers.leat]\nbase_url = \"https://api.leat.com\"\n";
        let none = Config::parse(&format!("{base}op_id_attribute = \"\"\n")).unwrap();
        assert_eq!(none.providers.leat.unwrap().op_id_attribute, "");
        for bad in [" ", "kassa op id", "kassa[op]"] {
            let err = Config::parse(&format!("{base}op_id_attribute = \"{bad}\"\n")).unwrap_err();
            assert!(err.contains("op_id_attribute"), "{err}");
        }
    }

    #[test]
    fn new_cards_are_made_in_the_configured_program_only() {
        let base = "[providers.leat]\nbase_url = \"https://api.leat.com\"\n";
        let none = Config::parse(base).unwrap();
        assert_eq!(none.providers.leat.unwrap().giftcard_program_uuid, None);
        let set = Config::parse(&format!("{base}giftcard_program_uuid = \"p-1\"\n")).unwrap();
        assert_eq!(
            set.providers.leat.unwrap().giftcard_program_uuid.as_deref(),
            Some("p-1")
        );
        let err = Config::parse(&format!("{base}giftcard_program_uuid = \" \"\n")).unwrap_err();
        assert!(err.contains("giftcard_program_uuid"), "{err}");
    }

    #[test]
    fn leat_client_credentials_need_a_client_id_and_the_oauth_api() {
        let base = "[providers.leat]\nbase_url = \"https://api.leat.com\"\nauth = \"client_credentials\"\n";
        let err = Config::parse(base).unwrap_err();
        assert!(err.contains("client_id"), "{err}");
        let err = Config::parse(&format!("{base}client_id = 1\napi = \"register\"\n")).unwrap_err();
        assert!(err.contains("api_key"), "{err}");
    }
}
