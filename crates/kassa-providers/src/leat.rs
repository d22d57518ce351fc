//! Leat (formerly Piggy): gift cards, contracts.md §1.

use crate::http::{client, retry_after_seconds, transport_error};
use async_trait::async_trait;
use kassa_core::card::CardCode;
use kassa_core::config::{LeatApi, LeatConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{CardInfo, CardKind, GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::Secret;
use reqwest::StatusCode;
use serde::Deserialize;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The name of the Leat token in the SecretStore.
pub const TOKEN_SECRET: &str = "leat.api_key";

pub struct LeatClient {
    http: reqwest::Client,
    /// Base URL plus the path family, e.g. `https://api.piggy.eu/api/v3/oauth/clients`.
    root: String,
    token: Secret,
    currency: Currency,
}

/// A gift card as Leat sends it. Only the fields the SDK's mapper requires are required.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Giftcard {
    pub id: Option<u64>,
    pub uuid: String,
    pub hash: String,
    #[serde(rename = "type")]
    pub card_type: String,
    pub amount_in_cents: i64,
    pub upgradeable: bool,
    pub active: bool,
    pub expiration_date: Option<String>,
    pub giftcard_program: Option<GiftcardProgram>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GiftcardProgram {
    pub uuid: Option<String>,
    pub name: Option<String>,
    pub max_amount_in_cents: Option<i64>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

/// Leat's error body: `{"message", "code", "status_code"}`.
#[derive(Deserialize)]
struct ErrorBody {
    message: String,
    code: Option<i64>,
}

impl LeatClient {
    pub fn new(
        config: &LeatConfig,
        token: Secret,
        currency: Currency,
    ) -> Result<Self, ProviderError> {
        let family = match config.api {
            LeatApi::Oauth => "/api/v3/oauth/clients",
            LeatApi::Register => "/api/v3/register",
        };
        Ok(LeatClient {
            http: client(Duration::from_millis(config.timeout_ms))?,
            root: format!("{}{family}", config.base_url.trim_end_matches('/')),
            token,
            currency,
        })
    }

    /// `GET giftcards/find-one-by?hash=` — the card and its current balance.
    pub async fn find_giftcard(&self, hash: &str) -> Result<Giftcard, ProviderError> {
        let response = self
            .http
            .get(format!("{}/giftcards/find-one-by", self.root))
            .query(&[("hash", hash)])
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| transport_error("Leat", &e))?;
        let status = response.status();
        let retry_after = retry_after_seconds(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error("Leat", &e))?;
        if !status.is_success() {
            return Err(map_error(status, retry_after, &body));
        }
        serde_json::from_slice::<Envelope<Giftcard>>(&body)
            .map(|e| e.data)
            .map_err(|e| bad_response(status, &e.to_string()))
    }

    fn to_card_info(&self, card: Giftcard) -> Result<CardInfo, ProviderError> {
        let expires_at = card
            .expiration_date
            .as_deref()
            .map(|d| {
                OffsetDateTime::parse(d, &Rfc3339)
                    .map_err(|_| bad_response(StatusCode::OK, &format!("expiration_date '{d}'")))
            })
            .transpose()?;
        Ok(CardInfo {
            provider: ProviderId::Leat,
            kind: CardKind::GiftCard,
            card_id: card.uuid,
            balance: Money::new(card.amount_in_cents, self.currency.clone()),
            available: None,
            expires_at,
            active: card.active,
            program: card.giftcard_program.and_then(|p| p.name),
            holder: None,
        })
    }
}

#[async_trait]
impl GiftCardProvider for LeatClient {
    fn id(&self) -> ProviderId {
        ProviderId::Leat
    }

    async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
        let card = self.find_giftcard(code.as_str()).await?;
        self.to_card_info(card)
    }
}

fn bad_response(status: StatusCode, detail: &str) -> ProviderError {
    ProviderError::BadResponse {
        message: format!("Leat answered something Kassa cannot read (HTTP {status}): {detail}"),
    }
}

/// Leat joins Dutch and English as `"Dutch. | English."`; the till shows the English part.
pub fn english(message: &str) -> &str {
    message.rsplit(" | ").next().unwrap_or(message).trim()
}

fn map_error(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> ProviderError {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return ProviderError::Config {
                message: format!(
                    "Leat refused the till's credentials (HTTP {}). Set the token with `kassa secret set {TOKEN_SECRET}`.",
                    status.as_u16()
                ),
            }
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            return ProviderError::Unavailable {
                message: "Leat is down for maintenance.".into(),
                retry_after,
            }
        }
        StatusCode::TOO_MANY_REQUESTS => {
            return ProviderError::Unavailable {
                message: "Leat asks the till to slow down (too many requests).".into(),
                retry_after,
            }
        }
        _ => {}
    }
    let Ok(err) = serde_json::from_slice::<ErrorBody>(body) else {
        if status.is_server_error() {
            return ProviderError::Unavailable {
                message: format!("Leat has a server error (HTTP {}).", status.as_u16()),
                retry_after,
            };
        }
        return bad_response(status, "the error body is not Leat's JSON envelope");
    };
    let message = english(&err.message).to_string();
    match err.code {
        Some(5001) => ProviderError::NotFound { message },
        Some(code @ (1008 | 1100 | 1114 | 7015)) => ProviderError::Config {
            message: format!("{message} (Leat {code}: check the till's Leat settings)"),
        },
        Some(1000) => ProviderError::Unavailable {
            message,
            retry_after,
        },
        Some(code) => ProviderError::Declined {
            code: code.to_string(),
            reason: message,
        },
        None if status.is_server_error() => ProviderError::Unavailable {
            message,
            retry_after,
        },
        None => ProviderError::Declined {
            code: status.as_u16().to_string(),
            reason: message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The giftcard example of contracts.md §1.4, verbatim but for the elided uuid.
    const GIFTCARD_EXAMPLE: &str = r#"{"data": {"id": 41651, "uuid": "bdfeabeb-0000-4000-8000-000000000000", "type": "DIGITAL", "hash": "41651",
 "amount_in_cents": 110, "upgradeable": false, "active": true,
 "expiration_date": "2024-12-07T17:15:10+00:00", "amount": 1.1,
 "url": "https://example/giftcard-balance?hash=41651", "display_amount": "€1.10",
 "formatted_expiration_date": "2024-12-07",
 "giftcard_program": {"id": 1, "name": "My Giftcard program", "uuid": "123",
   "max_amount_in_cents": 51000, "calculator_flow": "DEFAULT", "expiration_days": 394},
 "giftcard_recipients": []}, "meta": []}"#;

    #[test]
    fn parses_the_documented_giftcard() {
        let card = serde_json::from_str::<Envelope<Giftcard>>(GIFTCARD_EXAMPLE)
            .unwrap()
            .data;
        assert_eq!(card.hash, "41651");
        assert_eq!(card.amount_in_cents, 110);
        assert_eq!(
            card.giftcard_program.unwrap().max_amount_in_cents,
            Some(51000)
        );
    }

    #[test]
    fn maps_the_error_envelope() {
        let body = br#"{"message": "Giftcard not found.", "code": 5001, "status_code": 400}"#;
        assert_eq!(
            map_error(StatusCode::BAD_REQUEST, None, body),
            ProviderError::NotFound {
                message: "Giftcard not found.".into()
            }
        );
        let body = br#"{"message": "Het bedrag op de kaart is niet toereikend. | Insufficient amount on giftcard.", "code": 5003, "status_code": 400}"#;
        assert_eq!(
            map_error(StatusCode::BAD_REQUEST, None, body),
            ProviderError::Declined {
                code: "5003".into(),
                reason: "Insufficient amount on giftcard.".into()
            }
        );
        assert!(matches!(
            map_error(StatusCode::SERVICE_UNAVAILABLE, None, b"<html>down</html>"),
            ProviderError::Unavailable { .. }
        ));
        assert!(matches!(
            map_error(StatusCode::BAD_REQUEST, None, b"<html>oops</html>"),
            ProviderError::BadResponse { .. }
        ));
        assert!(matches!(
            map_error(
                StatusCode::UNAUTHORIZED,
                None,
                br#"{"message":"Unauthenticated."}"#
            ),
            ProviderError::Config { .. }
        ));
    }
}
