//! The `[providers.zmyle]` section.

use super::default_timeout_ms;
use serde::Deserialize;
use std::collections::BTreeMap;

/// zmyle's POS API, docs/providers.md §2. Credentials (`zmyle.api_key`, `zmyle.api_secret`) live in
/// the SecretStore.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ZmyleConfig {
    /// The host, without `/service/v1.1` (the client appends it): live
    /// [`ZmyleConfig::LIVE_URL`] or sandbox [`ZmyleConfig::SANDBOX_URL`].
    pub base_url: String,
    /// The header carrying the idempotency key of intents and refunds. zmyle's documentation
    /// does not name it: `Idempotency-Key` is an inference (docs/providers.md §2.1).
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
    /// How long zmyle keeps a hold when its answer gives no `expiresAt`, in minutes: zmyle's
    /// documentation says unconfirmed funds are released "after some time (usually 30
    /// minutes)" (an inference, docs/providers.md §2).
    #[serde(default = "ZmyleConfig::default_hold_minutes")]
    pub hold_minutes: u64,
}

impl ZmyleConfig {
    pub const LIVE_URL: &'static str = "https://api.pos.zmyle.de";
    pub const SANDBOX_URL: &'static str = "https://posapi.zmyledemo.de";

    pub fn default_hold_minutes() -> u64 {
        30
    }

    pub fn default_idempotency_header() -> String {
        "Idempotency-Key".into()
    }

    /// The QR regex of zmyle's documentation, anchored, or a short id such as `QTHX`.
    pub fn default_pattern() -> String {
        r"^https://.*/g/[a-z0-9]{12,}(/.*)?\?r?t=[a-z0-9]{15,}$|^[A-Za-z0-9]{4}$|^[A-Za-z0-9]{6}$"
            .into()
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        regex::Regex::new(&self.card_pattern)
            .map_err(|e| format!("providers.zmyle.card_pattern: {e}"))?;
        super::check_provider_url("providers.zmyle.base_url", &self.base_url)?;
        if !(1..=24 * 60).contains(&self.hold_minutes) {
            return Err("providers.zmyle.hold_minutes must be from 1 to 1440".into());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
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
        assert_eq!(z.hold_minutes, 30, "zmyle's \"usually 30 minutes\"");
        let err = Config::parse(
            "[providers.zmyle]\nbase_url = \"https://posapi.zmyledemo.de\"\nhold_minutes = 0\n",
        )
        .unwrap_err();
        assert!(err.contains("hold_minutes"), "{err}");
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
    }
}
