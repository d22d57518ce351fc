//! Shopwave's failures sorted by what the till can do about them (docs/providers.md §4.1): the
//! ids of the `api.message` envelope's entries, the status of an answer without the envelope,
//! and a request that got no answer.

use super::envelope::MessageEntry;
use crate::http::transport_error;
use kassa_core::provider::ProviderError;
use std::time::Duration;

/// 601 Baskets Already Complete, 602 Transaction Already Complete, 605 Orders Already Complete.
pub fn is_already_complete(id: Option<u16>) -> bool {
    matches!(id, Some(601 | 602 | 605))
}

/// What a failure entry means to the till. `write` says whether the request changes data:
/// a server error on a write may have been applied, so it is an unknown outcome.
/// `retry_after` is the answer's `Retry-After`.
pub fn error_for(
    entry: &MessageEntry,
    write: bool,
    retry_after: Option<Duration>,
) -> ProviderError {
    let text = entry.text();
    let code = entry
        .id
        .or(entry.status_code)
        .map(|id| id.to_string())
        .unwrap_or_default();
    let config = |hint: &str| ProviderError::Config {
        message: format!("Shopwave {code} {text}. {hint}"),
    };
    let credentials =
        "Check providers.shopwave and the shopwave.* secrets, or authorize the till again.";
    match entry.id {
        Some(900) => ProviderError::Unavailable {
            message: format!("Shopwave is down ({text})."),
            retry_after,
        },
        Some(899 | 917) => server_error(&text, write, retry_after),
        Some(919) if retry_after.is_some() => ProviderError::Unavailable {
            message: "Shopwave asks the till to slow down.".into(),
            retry_after,
        },
        Some(919) => config("Shopwave takes fewer objects per call: lower providers.shopwave.batch_size."),
        Some(901 | 902 | 903 | 904 | 905 | 906 | 907 | 908 | 909 | 911 | 918) => config(credentials),
        Some(912) => config("The store or object belongs to another Shopwave user: check providers.shopwave.store_id."),
        Some(603) => config("Set providers.shopwave.store_id."),
        Some(916) => config("Kassa sent a body Shopwave does not take: check providers.shopwave.base_url."),
        Some(910) => ProviderError::NotFound {
            message: format!("Shopwave: {text}"),
        },
        Some(id @ (601 | 602 | 605 | 606 | 913 | 914 | 915)) => ProviderError::Declined {
            code: id.to_string(),
            reason: format!("Shopwave refused the record: {text}"),
        },
        _ => match entry.status_code.unwrap_or(0) {
            500..=599 => server_error(&text, write, retry_after),
            401 | 403 => config(credentials),
            404 => ProviderError::NotFound {
                message: format!("Shopwave: {text}"),
            },
            429 => ProviderError::Unavailable {
                message: "Shopwave asks the till to slow down.".into(),
                retry_after,
            },
            _ => ProviderError::Declined {
                code,
                reason: format!("Shopwave refused the record: {text}"),
            },
        },
    }
}

fn server_error(text: &str, write: bool, retry_after: Option<Duration>) -> ProviderError {
    if write {
        ProviderError::OutcomeUnknown {
            message: format!("Shopwave had a server error ({text}); whether it recorded the write is being checked."),
        }
    } else {
        ProviderError::Unavailable {
            message: format!("Shopwave had a server error ({text})."),
            retry_after,
        }
    }
}

/// An answer without Shopwave's envelope, sorted by its HTTP status alone.
pub fn error_for_status(status: u16, write: bool, retry_after: Option<Duration>) -> ProviderError {
    match status {
        503 => ProviderError::Unavailable {
            message: "Shopwave is down (HTTP 503).".into(),
            retry_after,
        },
        429 => ProviderError::Unavailable {
            message: "Shopwave asks the till to slow down (HTTP 429).".into(),
            retry_after,
        },
        500..=599 => server_error(&format!("HTTP {status}"), write, retry_after),
        401 | 403 => ProviderError::Config {
            message: format!("Shopwave refused the till's credentials (HTTP {status}). Check the shopwave.* secrets."),
        },
        _ if write && (200..300).contains(&status) => ProviderError::OutcomeUnknown {
            message: format!("Shopwave answered HTTP {status} with a body Kassa cannot read; whether it recorded the write is being checked."),
        },
        _ => ProviderError::BadResponse {
            message: format!("Shopwave answered something Kassa cannot read (HTTP {status})."),
        },
    }
}

/// A request that got no answer: a write that may have left is an unknown outcome.
pub fn no_answer(e: &reqwest::Error, write: bool) -> ProviderError {
    if write && !e.is_connect() {
        ProviderError::OutcomeUnknown {
            message: "Shopwave did not answer a write; whether it was recorded is being checked."
                .into(),
        }
    } else {
        transport_error("Shopwave", e)
    }
}
