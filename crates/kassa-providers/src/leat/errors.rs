//! Leat's failures sorted by what the till can do about them (docs/providers.md §1.2).
//!
//! Leat joins Dutch and English as `"Dutch. | English."`; the cashier reads the one of the
//! till's language.

use super::wire::ErrorBody;
use crate::http::transport_error;
use kassa_core::provider::ProviderError;
use reqwest::StatusCode;
use std::time::Duration;

/// The language of the messages a cashier reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Dutch,
    English,
}

impl Language {
    /// The till's `register.language`: `nl` (or `nl-BE`, ...) is Dutch, anything else English.
    pub fn from_code(code: &str) -> Self {
        let code = code.trim().to_ascii_lowercase();
        if code == "nl" || code.starts_with("nl-") || code.starts_with("nl_") {
            Language::Dutch
        } else {
            Language::English
        }
    }

    /// This language's part of a `"Dutch | English"` message; a message in one language only
    /// is returned whole.
    pub fn pick(self, message: &str) -> &str {
        match message.split_once(" | ") {
            Some((dutch, english)) => match self {
                Language::Dutch => dutch.trim(),
                Language::English => english.trim(),
            },
            None => message.trim(),
        }
    }
}

/// Whether a request changes anything at Leat: a write that got no readable answer may have
/// been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Read,
    Write,
}

/// What the error mapping needs to know besides the answer.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub language: Language,
    /// The SecretStore name of the credential, for the installer's instructions.
    pub secret_name: &'static str,
    pub effect: Effect,
}

pub fn bad_response(detail: &str) -> ProviderError {
    ProviderError::BadResponse {
        message: format!("Leat answered something Kassa cannot read: {detail}."),
    }
}

/// A write whose answer never came or could not be read.
pub fn outcome_unknown(detail: &str) -> ProviderError {
    ProviderError::OutcomeUnknown {
        message: format!(
            "Leat {detail}; the transaction may or may not have been made and is being checked. Do not repeat it by hand."
        ),
    }
}

/// A request that got no answer: safe to retry unless it was a write that left the till.
/// The URL is left out of the message: its query may hold a scanned card code.
pub fn no_answer(effect: Effect, e: reqwest::Error) -> ProviderError {
    let e = e.without_url();
    if effect == Effect::Read || e.is_connect() {
        return transport_error("Leat", &e);
    }
    if e.is_timeout() {
        outcome_unknown("did not answer in time")
    } else {
        outcome_unknown("dropped the connection before answering")
    }
}

/// A server error: retry a read; a write may have been applied.
fn server_failure(
    status: StatusCode,
    ctx: Context,
    retry_after: Option<Duration>,
) -> ProviderError {
    match ctx.effect {
        Effect::Read => ProviderError::Unavailable {
            message: format!("Leat has a server error (HTTP {}).", status.as_u16()),
            retry_after,
        },
        Effect::Write => outcome_unknown(&format!(
            "had a server error (HTTP {}) while taking the transaction",
            status.as_u16()
        )),
    }
}

/// Sorts a non-success answer.
pub fn map_error(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
    ctx: Context,
) -> ProviderError {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return ProviderError::Config {
                message: format!(
                    "Leat refused the till's credentials (HTTP {}). Set them with `kassa secret set {}`.",
                    status.as_u16(),
                    ctx.secret_name
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
            return server_failure(status, ctx, retry_after);
        }
        if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
            return ProviderError::Config {
                message: format!(
                    "Leat has no such address (HTTP {}): check providers.leat.base_url and api.",
                    status.as_u16()
                ),
            };
        }
        return bad_response(&format!(
            "HTTP {} without Leat's error envelope",
            status.as_u16()
        ));
    };
    let message = ctx.language.pick(&err.message).to_string();
    let Some(code) = err.code else {
        if status.is_server_error() {
            return server_failure(status, ctx, retry_after);
        }
        return ProviderError::Declined {
            code: status.as_u16().to_string(),
            reason: message,
        };
    };
    match code {
        1000 => match ctx.effect {
            Effect::Read => ProviderError::Unavailable {
                message,
                retry_after,
            },
            Effect::Write => outcome_unknown("reported an internal error (1000)"),
        },
        5001 | 5010 | 55031 | 60003 => ProviderError::NotFound { message },
        1008 | 1100 | 7015 => ProviderError::Config {
            message: format!("{message} (Leat {code}: check the till's Leat settings)"),
        },
        1003 if names_custom_attributes(err.errors.as_ref()) => ProviderError::Declined {
            code: code.to_string(),
            reason: format!(
                "{} ({})",
                ctx.language.pick(UNKNOWN_ATTRIBUTE),
                with_field_errors(&message, err.errors.as_ref())
            ),
        },
        1003 => ProviderError::Declined {
            code: code.to_string(),
            reason: with_field_errors(&message, err.errors.as_ref()),
        },
        _ => ProviderError::Declined {
            code: code.to_string(),
            reason: message,
        },
    }
}

/// Said when Leat refuses the custom attribute that carries the till's operation id: an
/// account accepts only the attributes defined in it (docs/providers.md §1.4). Nothing was
/// booked, and sending it again would be refused again.
const UNKNOWN_ATTRIBUTE: &str = "Leat kent het attribuut voor het operatienummer van de kassa niet, er is niets afgeschreven: maak het in Leat aan voor giftcard- en prepaidtransacties, of zet providers.leat.op_id_attribute = \"\". | Leat does not know the attribute that carries the till's operation id, nothing was charged: create it in Leat for gift card and prepaid transactions, or set providers.leat.op_id_attribute = \"\".";

/// Whether invalid input is about `custom_attributes` (`custom_attributes.kassa_op_id`, ...).
fn names_custom_attributes(errors: Option<&serde_json::Value>) -> bool {
    errors
        .and_then(|e| e.as_object())
        .is_some_and(|fields| fields.keys().any(|f| f.starts_with("custom_attributes")))
}

/// `Invalid input. (amount_in_cents: The amount in cents must be an integer.)`
fn with_field_errors(message: &str, errors: Option<&serde_json::Value>) -> String {
    let Some(fields) = errors.and_then(|e| e.as_object()) else {
        return message.to_string();
    };
    let details: Vec<String> = fields
        .iter()
        .map(|(field, why)| {
            let why = match why {
                serde_json::Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{field}: {why}")
        })
        .collect();
    if details.is_empty() {
        message.to_string()
    } else {
        format!("{message} ({})", details.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(language: Language, effect: Effect) -> Context {
        Context {
            language,
            secret_name: "leat.api_key",
            effect,
        }
    }

    #[test]
    fn picks_the_tills_language() {
        let both = "Het bedrag op de kaart is niet toereikend. | Insufficient amount on giftcard.";
        assert_eq!(
            Language::Dutch.pick(both),
            "Het bedrag op de kaart is niet toereikend."
        );
        assert_eq!(
            Language::English.pick(both),
            "Insufficient amount on giftcard."
        );
        assert_eq!(Language::Dutch.pick("Shop not found."), "Shop not found.");
        assert_eq!(Language::from_code("nl"), Language::Dutch);
        assert_eq!(Language::from_code("NL-be"), Language::Dutch);
        assert_eq!(Language::from_code("de"), Language::English);
        assert_eq!(Language::from_code("en"), Language::English);
    }

    #[test]
    fn a_server_error_is_retryable_on_a_read_and_unknown_on_a_write() {
        let body =
            br#"{"message": "Interne fout. | Internal error.", "code": 1000, "status_code": 400}"#;
        let read = map_error(
            StatusCode::BAD_REQUEST,
            None,
            body,
            ctx(Language::English, Effect::Read),
        );
        assert!(read.is_retryable(), "{read:?}");
        let write = map_error(
            StatusCode::BAD_REQUEST,
            None,
            body,
            ctx(Language::English, Effect::Write),
        );
        assert!(
            matches!(write, ProviderError::OutcomeUnknown { .. }),
            "{write:?}"
        );
        let html = map_error(
            StatusCode::BAD_GATEWAY,
            None,
            b"<html>",
            ctx(Language::English, Effect::Write),
        );
        assert!(
            matches!(html, ProviderError::OutcomeUnknown { .. }),
            "{html:?}"
        );
    }

    #[test]
    fn invalid_input_names_the_fields() {
        let body = br#"{"message": "Invalid input.", "code": 1003, "status_code": 400, "errors": {"amount_in_cents": ["The amount in cents must be an integer."]}}"#;
        assert_eq!(
            map_error(
                StatusCode::BAD_REQUEST,
                None,
                body,
                ctx(Language::Dutch, Effect::Write)
            ),
            ProviderError::Declined {
                code: "1003".into(),
                reason: "Invalid input. (amount_in_cents: The amount in cents must be an integer.)"
                    .into()
            }
        );
    }

    #[test]
    fn a_refused_custom_attribute_tells_the_installer_what_to_set() {
        let body = br#"{"message": "Invalid input.", "code": 1003, "status_code": 400, "errors": {"custom_attributes.kassa_op_id": ["The custom attribute kassa_op_id does not exist."]}}"#;
        let ProviderError::Declined { code, reason } = map_error(
            StatusCode::BAD_REQUEST,
            None,
            body,
            ctx(Language::English, Effect::Write),
        ) else {
            panic!("a refusal")
        };
        assert_eq!(code, "1003");
        assert!(reason.contains("nothing was charged"), "{reason}");
        assert!(reason.contains("op_id_attribute = \"\""), "{reason}");
        assert!(
            reason.contains("does not exist"),
            "Leat's own words too: {reason}"
        );
    }
}
