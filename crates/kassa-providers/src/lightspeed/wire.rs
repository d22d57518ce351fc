//! Lightspeed's JSON as it travels (docs/providers.md §3.1–3.3). Money stays JSON text here
//! ([`WireAmount`]); it becomes [`kassa_core::money::Money`] in the client only.

use super::money::WireAmount;
use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// The date versions wrap every answer: `{"data": …}`.
#[derive(Debug, Deserialize)]
pub struct Data<T> {
    pub data: T,
}

/// Reads an answer wrapped in `{"data": …}` or bare, whatever the API version: the docs show
/// both shapes (docs/providers.md §3.1). None of Lightspeed's objects has a `data` key, so a
/// body with one is the envelope. Parsed from the text, so money stays verbatim.
pub fn unwrap_data<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow, default)]
        data: Option<&'a RawValue>,
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope { data: Some(inner) }) => serde_json::from_str(inner.get()),
        _ => serde_json::from_slice(body),
    }
}

/// An id Lightspeed sends as a string (date versions) or possibly a number (older APIs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id(pub String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or integer id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

/// `GiftCard` [CODE spec `components.schemas`].
#[derive(Debug, Deserialize)]
pub struct GiftCard {
    pub id: Id,
    pub number: String,
    pub balance: WireAmount,
    pub total_sold: Option<WireAmount>,
    pub total_redeemed: Option<WireAmount>,
    /// `ACTIVE`, `INACTIVE`, `REDEEMED`, `VOIDED` or `EXPIRED`.
    pub status: String,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    pub sale_id: Option<String>,
    #[serde(default)]
    pub gift_card_transactions: Vec<GiftCardTransaction>,
}

/// `GiftCardTransaction` [CODE spec `components.schemas`].
#[derive(Debug, Deserialize)]
pub struct GiftCardTransaction {
    pub id: Id,
    pub amount: WireAmount,
    /// `ACTIVATION`, `REDEEMING`, `IMPORTING`, `VOIDING`, `EXPIRING`, `REVERSING`, `RELOADING`.
    #[serde(rename = "type")]
    pub kind: String,
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub created_at: Option<String>,
}

/// The body of `POST …/gift_cards/{number}/transactions` (seed 003).
#[derive(Debug, Serialize)]
pub struct CreateTransaction<'a> {
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub amount: WireAmount,
    pub client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<&'a str>,
}

/// The body of `POST /api/{ver}/gift_cards`, which issues a card under a number Lightspeed
/// does not know yet with an ACTIVATION of `amount` (docs/providers.md §3.3).
#[derive(Debug, Serialize)]
pub struct IssueGiftCard<'a> {
    pub number: &'a str,
    pub amount: WireAmount,
}

/// Lightspeed's error envelope `{"error": "<short title>", "message": "<detail>"}`; both
/// optional, since other bodies (OAuth's `error_description`) appear too.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    pub error: Option<String>,
    pub message: Option<String>,
    pub error_description: Option<String>,
}

impl ErrorBody {
    /// The most specific text the body has.
    pub fn detail(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or(self.error_description.as_deref())
            .or(self.error.as_deref())
            .filter(|s| !s.trim().is_empty())
    }
}

/// The token endpoint's answer (changelog 2025-03-refresh-token-flow-update). `Debug` hides
/// the tokens.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: Option<String>,
    /// Unix time when the access token expires.
    pub expires: Option<i64>,
    pub expires_in: Option<i64>,
    /// The new refresh token; the one just used is revoked.
    pub refresh_token: Option<String>,
    pub domain_prefix: Option<String>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"***")
            .field("token_type", &self.token_type)
            .field("expires", &self.expires)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("domain_prefix", &self.domain_prefix)
            .field("scope", &self.scope)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_token_answer_hides_the_tokens() {
        let answer: TokenResponse = serde_json::from_str(
            r#"{"access_token": "acc-secret-1", "refresh_token": "ref-secret-2",
                "token_type": "Bearer", "expires_in": 3600, "domain_prefix": "shop"}"#,
        )
        .unwrap();
        let shown = format!("{answer:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("expires_in: Some(3600)"), "{shown}");
    }
}
