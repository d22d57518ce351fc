//! The `[providers.lightspeed]` section.

use super::default_timeout_ms;
use serde::Deserialize;

/// How the till proves itself to Lightspeed (docs/providers.md §3.1).
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

/// Lightspeed Retail X-Series gift cards (docs/providers.md §3).
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
    /// The retailer's registers (every till of the retailer, this one included). Lightspeed
    /// allows the retailer 300 per register + 50 requests per 5 minutes; this till keeps to its
    /// share, `(300 × registers + 50) / registers` (rounded down), so the tills together stay
    /// within the retailer's budget.
    #[serde(default = "LightspeedConfig::default_registers")]
    pub registers: u32,
    /// The retailer's requests per 5 minutes, where Lightspeed granted it another limit than
    /// its documented `300 × registers + 50` (unset: that); this till's share is it divided by
    /// `registers`, rounded down.
    #[serde(default)]
    pub retailer_budget: Option<u32>,
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

    pub(super) fn validate(&self) -> Result<(), String> {
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
            (_, Some(url)) => super::check_provider_url(&format!("{at}.base_url"), url)?,
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
        if self
            .retailer_budget
            .is_some_and(|budget| budget < self.registers)
        {
            return Err(format!(
                "{at}.retailer_budget must be at least one request per register ({})",
                self.registers
            ));
        }
        if self.auth == LightspeedAuth::Oauth && self.client_id.is_none() {
            return Err(format!("{at}.client_id is required with auth = \"oauth\""));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

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
        assert_eq!(ls.retailer_budget, None, "Lightspeed's documented budget");
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
            (
                "domain_prefix = \"a\"\nregisters = 3\nretailer_budget = 2",
                "retailer_budget",
            ),
        ];
        for (section, named) in bad {
            let err = Config::parse(&format!("[providers.lightspeed]\n{section}\n")).unwrap_err();
            assert!(err.contains(named), "{section}: {err}");
        }
    }
}
