//! The `[providers.shopwave]` section.

use super::default_timeout_ms;
use serde::Deserialize;

/// Shopwave (MerchantStack), the POS back-office that records each sale (docs/providers.md §4).
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
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// An unanswered write is not read back before this long after it was sent: a payment
    /// create is not idempotent, and one held up on its way may still be written after a
    /// read-back found nothing. Longer than any request can take to reach Shopwave. [INF]
    #[serde(default = "ShopwaveConfig::default_settle_ms")]
    pub settle_ms: u64,
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
    pub fn default_settle_ms() -> u64 {
        60_000
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        for (name, url) in [("base_url", &self.base_url), ("token_url", &self.token_url)] {
            super::check_provider_url(&format!("providers.shopwave.{name}"), url)?;
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

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
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
        assert_eq!(sw.token_url, "https://secure.merchantstack.com/oauth/token");
        let base =
            "[providers.shopwave]\nbase_url = \"https://x\"\nclient_id = \"a\"\nstore_id = \"1\"\n";
        let err = Config::parse(&format!("{base}batch_size = 201\n")).unwrap_err();
        assert!(err.contains("batch_size"), "{err}");
        let err = Config::parse(&format!("{base}token_url = \"x\"\n")).unwrap_err();
        assert!(err.contains("token_url"), "{err}");
        let err = Config::parse(&base.replace("\"1\"", "\"main\"")).unwrap_err();
        assert!(err.contains("store_id"), "{err}");
    }

    /// Reads go by Shopwave's own documented filters only (docs/providers.md §4.1); the former
    /// `reference_header` setting named an undocumented one. A file that still has it is
    /// refused with its line and name, never silently read another way.
    #[test]
    fn the_former_reference_header_setting_is_named_and_refused() {
        let old = "[providers.shopwave]\nbase_url = \"https://x\"\nclient_id = \"a\"\nstore_id = \"1\"\nreference_header = \"objectRefs\"\n";
        let err = Config::parse(old).unwrap_err();
        assert!(
            err.starts_with("line 5, reference_header: unknown field `reference_header`"),
            "{err}"
        );
    }
}
