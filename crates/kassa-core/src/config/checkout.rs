//! The `[checkout]` and `[offline]` sections: how a sale is paid, and how far the till trusts a
//! card's last known balance while its provider cannot be asked (docs/design.md §5–6).

use crate::money::{parse_amount, Currency};
use serde::Deserialize;
use std::time::Duration;

/// How the sale screen takes payments.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CheckoutConfig {
    /// Cash is rounded to a multiple of this many minor units when it pays the rest of a sale
    /// (5 = to 5 cents); 1 = no rounding.
    pub cash_rounding: i64,
    /// How long Complete waits for the providers to take the card tenders, in milliseconds;
    /// after that the offline policy decides.
    pub charge_timeout_ms: u64,
    /// A sale left open this long, in minutes, is abandoned (its tenders undone); 0 = never.
    pub abandon_after_minutes: u64,
    /// How long after its sale a void is possible, in minutes (a void belongs to the shift
    /// that sold; after that, refund).
    pub void_within_minutes: u64,
}

impl Default for CheckoutConfig {
    fn default() -> Self {
        CheckoutConfig {
            cash_rounding: 1,
            charge_timeout_ms: 10_000,
            abandon_after_minutes: 20,
            void_within_minutes: 12 * 60,
        }
    }
}

impl CheckoutConfig {
    pub fn charge_timeout(&self) -> Duration {
        Duration::from_millis(self.charge_timeout_ms)
    }

    pub fn abandon_after(&self) -> Option<Duration> {
        (self.abandon_after_minutes > 0)
            .then(|| Duration::from_secs(self.abandon_after_minutes * 60))
    }

    pub fn void_within(&self) -> Duration {
        Duration::from_secs(self.void_within_minutes * 60)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if !(1..=7 * 24 * 60).contains(&self.void_within_minutes) {
            return Err("checkout.void_within_minutes must be from 1 to 10080 (a week)".into());
        }
        if !(1..=100_000).contains(&self.cash_rounding) {
            return Err("checkout.cash_rounding must be from 1 (no rounding) to 100000".into());
        }
        if !(100..=120_000).contains(&self.charge_timeout_ms) {
            return Err("checkout.charge_timeout_ms must be from 100 to 120000".into());
        }
        Ok(())
    }
}

/// The caps within which a card tender whose provider cannot answer is accepted offline.
/// Amounts are typed as in a receipt (`"50.00"`); `"0"` for `max_per_tender` turns offline
/// acceptance off, and `0` for another cap sends every offline tender to a manager.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OfflineConfig {
    pub max_per_tender: String,
    pub max_per_card_per_day: String,
    pub max_outstanding: String,
    /// The oldest a card's last known balance may be, in minutes.
    pub max_balance_age_minutes: u64,
}

impl Default for OfflineConfig {
    fn default() -> Self {
        OfflineConfig {
            max_per_tender: "50.00".into(),
            max_per_card_per_day: "100.00".into(),
            max_outstanding: "250.00".into(),
            max_balance_age_minutes: 24 * 60,
        }
    }
}

/// [`OfflineConfig`] in minor units of the till's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineCaps {
    /// 0: offline acceptance is off.
    pub per_tender: i64,
    pub per_card_per_day: i64,
    pub outstanding: i64,
    pub balance_age: Duration,
}

fn cap(name: &str, text: &str, currency: &Currency) -> Result<i64, String> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| matches!(b, b'0' | b'.' | b',')) {
        return Ok(0);
    }
    parse_amount(t, currency).map_err(|e| format!("offline.{name}: {e}"))
}

impl OfflineConfig {
    pub fn caps(&self, currency: &Currency) -> Result<OfflineCaps, String> {
        Ok(OfflineCaps {
            per_tender: cap("max_per_tender", &self.max_per_tender, currency)?,
            per_card_per_day: cap("max_per_card_per_day", &self.max_per_card_per_day, currency)?,
            outstanding: cap("max_outstanding", &self.max_outstanding, currency)?,
            balance_age: Duration::from_secs(self.max_balance_age_minutes.saturating_mul(60)),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn defaults_round_nothing_and_accept_offline_within_caps() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.checkout.cash_rounding, 1);
        let caps = c.offline.caps(&c.register.currency).unwrap();
        assert_eq!(caps.per_tender, 5_000);
        assert_eq!(caps.per_card_per_day, 10_000);
        assert_eq!(caps.outstanding, 25_000);
    }

    #[test]
    fn caps_are_typed_amounts_and_zero_turns_offline_off() {
        let c = Config::parse(
            "[checkout]\ncash_rounding = 5\n[offline]\nmax_per_tender = \"0\"\nmax_outstanding = \"1000,50\"\n",
        )
        .unwrap();
        assert_eq!(c.checkout.cash_rounding, 5);
        let caps = c.offline.caps(&c.register.currency).unwrap();
        assert_eq!(caps.per_tender, 0);
        assert_eq!(caps.outstanding, 100_050);
        for bad in [
            "[offline]\nmax_per_tender = \"-5\"\n",
            "[offline]\nmax_per_tender = 50\n",
            "[checkout]\ncash_rounding = 0\n",
            "[checkout]\ncharge_timeout_ms = 5\n",
        ] {
            assert!(Config::parse(bad).is_err(), "{bad}");
        }
    }
}
