//! Lightspeed's error answers, sorted by what the till can do about them (docs/providers.md §3.1:
//! 404 card or transaction, 422 insufficient credit, 400 reversing a non-REDEEMING
//! transaction, 401/403 auth and scope, 429 rate limit).

use super::wire::ErrorBody;
use crate::http::transport_error;
use kassa_core::provider::ProviderError;
use reqwest::StatusCode;
use std::time::Duration;

/// What a request was for, to name it in errors.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// The scope Lightspeed requires for it.
    pub scope: &'static str,
    /// What a 404 means: "gift card" or "gift card transaction".
    pub subject: &'static str,
    /// It moves money: without an answer its outcome is unknown.
    pub write: bool,
}

/// A request that got no answer: a write that was sent may have been applied.
pub fn no_answer(call: Call, e: &reqwest::Error) -> ProviderError {
    if call.write && !e.is_connect() {
        ProviderError::OutcomeUnknown {
            message: "Lightspeed did not answer after the request was sent: it may or may not have been applied.".into(),
        }
    } else {
        transport_error("Lightspeed", e)
    }
}

/// An answer Kassa cannot read.
pub fn bad_response(detail: &str) -> ProviderError {
    ProviderError::BadResponse {
        message: format!("Lightspeed answered something Kassa cannot read: {detail}"),
    }
}

/// An error answer. `remedy` tells an installer what to do about a refused token.
pub fn map_error(
    status: StatusCode,
    call: Call,
    body: &[u8],
    retry_after: Option<Duration>,
    remedy: &str,
) -> ProviderError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let said = parsed
        .as_ref()
        .and_then(|b| b.detail())
        .map(|d| format!(" Lightspeed says: {d}"))
        .unwrap_or_default();
    let code = status.as_u16();
    match status {
        StatusCode::UNAUTHORIZED => ProviderError::Config {
            message: format!("Lightspeed refused the till's token (HTTP 401). {remedy}{said}"),
        },
        StatusCode::FORBIDDEN => ProviderError::Config {
            message: format!(
                "Lightspeed refused access (HTTP 403): the till's token needs the {} scope.{said}",
                call.scope
            ),
        },
        StatusCode::TOO_MANY_REQUESTS => ProviderError::Unavailable {
            message: "Lightspeed asks the till to slow down (too many requests).".into(),
            retry_after,
        },
        s if s.is_server_error() => ProviderError::Unavailable {
            message: format!("Lightspeed has a server error (HTTP {code}).{said}"),
            retry_after,
        },
        StatusCode::NOT_FOUND if parsed.is_some() => ProviderError::NotFound {
            message: format!("Lightspeed does not know this {}.", call.subject),
        },
        StatusCode::NOT_FOUND => ProviderError::Config {
            message: "Lightspeed answered HTTP 404 without its error body: check \
                      providers.lightspeed's domain_prefix, base_url and api_version."
                .into(),
        },
        _ => match parsed.as_ref().and_then(|b| b.detail()) {
            Some(reason) => ProviderError::Declined {
                code: code.to_string(),
                reason: reason.to_string(),
            },
            None => ProviderError::BadResponse {
                message: format!("Lightspeed answered HTTP {code} with a body Kassa cannot read."),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDEEM: Call = Call {
        scope: "gift_cards:write:redeem",
        subject: "gift card",
        write: true,
    };

    /// The 429 body of docs/providers.md §3.1, verbatim.
    const TOO_MANY: &str = r#"{"error": "Too Many Requests", "message": "Rate limiting enforced"}"#;

    #[test]
    fn sorts_the_documented_statuses() {
        let wait = Some(Duration::from_secs(30));
        assert_eq!(
            map_error(
                StatusCode::TOO_MANY_REQUESTS,
                REDEEM,
                TOO_MANY.as_bytes(),
                wait,
                ""
            ),
            ProviderError::Unavailable {
                message: "Lightspeed asks the till to slow down (too many requests).".into(),
                retry_after: wait
            }
        );
        let body = br#"{"error":"Unprocessable Entity","message":"The gift card does not have enough credit."}"#;
        assert_eq!(
            map_error(StatusCode::UNPROCESSABLE_ENTITY, REDEEM, body, None, ""),
            ProviderError::Declined {
                code: "422".into(),
                reason: "The gift card does not have enough credit.".into()
            }
        );
        let body = br#"{"error":"Not Found","message":"Gift card not found."}"#;
        assert!(matches!(
            map_error(StatusCode::NOT_FOUND, REDEEM, body, None, ""),
            ProviderError::NotFound { .. }
        ));
        let err = map_error(StatusCode::FORBIDDEN, REDEEM, b"{}", None, "");
        assert!(
            matches!(&err, ProviderError::Config { message } if message.contains("gift_cards:write:redeem")),
            "{err:?}"
        );
        let err = map_error(
            StatusCode::UNAUTHORIZED,
            REDEEM,
            b"",
            None,
            "Set the token.",
        );
        assert!(
            matches!(&err, ProviderError::Config { message } if message.contains("Set the token.")),
            "{err:?}"
        );
    }

    #[test]
    fn garbage_is_never_taken_for_an_answer() {
        assert!(matches!(
            map_error(StatusCode::BAD_GATEWAY, REDEEM, b"<html>", None, ""),
            ProviderError::Unavailable { .. }
        ));
        assert!(matches!(
            map_error(StatusCode::BAD_REQUEST, REDEEM, b"<html>", None, ""),
            ProviderError::BadResponse { .. }
        ));
        // A 404 page from a proxy is a wrong URL, not an unknown card.
        assert!(matches!(
            map_error(
                StatusCode::NOT_FOUND,
                REDEEM,
                b"<html>Not Found</html>",
                None,
                ""
            ),
            ProviderError::Config { .. }
        ));
    }
}
