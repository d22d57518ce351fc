//! The offline policy (docs/design.md §6): when a card's provider cannot answer at Complete, its tender
//! is accepted against the card's last known balance only within the caps of `[offline]`;
//! over a cap a manager decides. Cards are known here by a keyed hash of their code, never by
//! the code.

use crate::card::CardCode;
use crate::config::OfflineCaps;
use crate::lang::{Sentence, Text};
use crate::money::Currency;
use crate::secrets::{Secret, SecretError, SecretStore};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

/// The keyring entry of the key that hashes card codes.
pub const CARD_KEY_SECRET: &str = "till.card_key";

/// Hashes card codes with the till's own key (HMAC-SHA-256), so that the database can tell two
/// scans of one card apart from two cards without holding either code.
pub struct CardKeyer {
    key: Secret,
}

impl CardKeyer {
    /// The till's key from the secret store; made (random) and stored on first use.
    pub fn from_secrets(secrets: &dyn SecretStore) -> Result<Self, SecretError> {
        if let Some(key) = secrets.get(CARD_KEY_SECRET)? {
            return Ok(CardKeyer { key });
        }
        let fresh = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let key = Secret::new(fresh);
        secrets.set(CARD_KEY_SECRET, &key)?;
        Ok(CardKeyer { key })
    }

    /// The card's key: hex of HMAC-SHA-256 over its code.
    pub fn key_of(&self, code: &CardCode) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(code.as_str().as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// What the policy weighs for one tender.
#[derive(Debug, Clone)]
pub struct Exposure {
    pub amount_minor: i64,
    /// The card's last known balance and when it was seen.
    pub known: Option<(i64, OffsetDateTime)>,
    /// Accepted offline on this card in the last 24 hours, this tender not included.
    pub card_day_minor: i64,
    /// The till's offline money not yet synced, this tender not included.
    pub outstanding_minor: i64,
}

/// The policy's answer for one tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    /// Over a cap: a manager may accept it; each reason in the cashier's words.
    NeedsManager(Vec<Sentence>),
    /// Offline acceptance is turned off (`max_per_tender = "0"`).
    Off,
}

pub fn judge(
    caps: &OfflineCaps,
    e: &Exposure,
    now: OffsetDateTime,
    currency: &Currency,
) -> Verdict {
    if caps.per_tender == 0 {
        return Verdict::Off;
    }
    let over_limit = |text: Text, amount: i64, limit: i64| {
        Sentence::new(text)
            .money("amount", amount, currency)
            .money("limit", limit, currency)
    };
    let mut over = Vec::new();
    if e.amount_minor > caps.per_tender {
        over.push(over_limit(
            Text::OfflineOverPayment,
            e.amount_minor,
            caps.per_tender,
        ));
    }
    if e.card_day_minor + e.amount_minor > caps.per_card_per_day {
        over.push(over_limit(
            Text::OfflineOverCardDay,
            e.card_day_minor + e.amount_minor,
            caps.per_card_per_day,
        ));
    }
    if e.outstanding_minor + e.amount_minor > caps.outstanding {
        over.push(over_limit(
            Text::OfflineOverTill,
            e.outstanding_minor + e.amount_minor,
            caps.outstanding,
        ));
    }
    match e.known {
        None => over.push(Text::OfflineNoBalance.into()),
        Some((balance, seen)) => {
            if e.amount_minor > balance {
                over.push(over_limit(
                    Text::OfflineOverBalance,
                    e.amount_minor,
                    balance,
                ));
            }
            let age = now - seen;
            if age > caps.balance_age {
                over.push(
                    Sentence::new(Text::OfflineBalanceOld)
                        .with("minutes", age.whole_minutes())
                        .with("limit", caps.balance_age.as_secs() / 60),
                );
            }
        }
    }
    if over.is_empty() {
        Verdict::Accept
    } else {
        Verdict::NeedsManager(over)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;
    use std::time::Duration;
    use time::macros::datetime;

    fn caps() -> OfflineCaps {
        OfflineCaps {
            per_tender: 5_000,
            per_card_per_day: 8_000,
            outstanding: 20_000,
            balance_age: Duration::from_secs(3600),
        }
    }

    fn eur() -> Currency {
        Currency::try_from("EUR".to_string()).unwrap()
    }

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn exposure(amount: i64) -> Exposure {
        Exposure {
            amount_minor: amount,
            known: Some((10_000, NOW - Duration::from_secs(60))),
            card_day_minor: 0,
            outstanding_minor: 0,
        }
    }

    #[test]
    fn within_every_cap_is_accepted() {
        assert_eq!(
            judge(&caps(), &exposure(5_000), NOW, &eur()),
            Verdict::Accept
        );
    }

    #[test]
    fn each_cap_has_its_own_reason() {
        let over = |e: Exposure| match judge(&caps(), &e, NOW, &eur()) {
            Verdict::NeedsManager(reasons) => {
                reasons.iter().map(ToString::to_string).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        assert!(over(exposure(5_001))[0].contains("per payment"));
        let day = Exposure {
            card_day_minor: 4_000,
            ..exposure(4_500)
        };
        assert!(over(day)[0].contains("in a day"));
        let till = Exposure {
            outstanding_minor: 16_000,
            ..exposure(4_500)
        };
        assert!(over(till)[0].contains("not yet synced"));
        let stale = Exposure {
            known: Some((10_000, NOW - Duration::from_secs(7200))),
            ..exposure(100)
        };
        assert!(over(stale)[0].contains("120 minutes old"));
        let low = Exposure {
            known: Some((99, NOW)),
            ..exposure(100)
        };
        assert!(over(low)[0].contains("last known balance of EUR 0.99"));
        let unknown = Exposure {
            known: None,
            ..exposure(100)
        };
        assert!(over(unknown)[0].contains("no balance is known"));
    }

    #[test]
    fn a_zero_tender_cap_turns_offline_acceptance_off() {
        let off = OfflineCaps {
            per_tender: 0,
            ..caps()
        };
        assert_eq!(judge(&off, &exposure(1), NOW, &eur()), Verdict::Off);
    }

    #[test]
    fn a_card_key_is_stable_per_till_and_hides_the_code() {
        let secrets = MemorySecretStore::default();
        let keyer = CardKeyer::from_secrets(&secrets).unwrap();
        let code = CardCode::parse("4165100001").unwrap();
        let key = keyer.key_of(&code);
        assert_eq!(key.len(), 64);
        assert!(!key.contains("4165100001"));
        let again = CardKeyer::from_secrets(&secrets).unwrap();
        assert_eq!(again.key_of(&code), key, "the key is kept");
        let other_till = CardKeyer::from_secrets(&MemorySecretStore::default()).unwrap();
        assert_ne!(other_till.key_of(&code), key);
        assert_ne!(keyer.key_of(&CardCode::parse("4165100002").unwrap()), key);
    }
}
