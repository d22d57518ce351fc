//! zmyle's errors, sorted by what the till can do about them. Keyed on `errorId`; the HTTP
//! status decides only when the body has none that Kassa knows (zmyle documents no per-error
//! statuses).

use super::auth::{API_KEY_SECRET, API_SECRET_SECRET};
use super::wire::ErrorBody;
use kassa_core::provider::ProviderError;
use reqwest::StatusCode;
use std::time::Duration;

/// Whether a request may have changed something at zmyle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

/// The call an error answered: some errorIds mean different things to the cashier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Lookup,
    Intent,
    Refund,
    Activate,
}

/// Every errorId zmyle documents for the endpoints the till uses (docs/providers.md §2.3).
pub const DOCUMENTED_ERRORS: [&str; 19] = [
    "api:io:missingRequiredParam",
    "api:io:malformedNumber",
    "api:io:negativeNumber",
    "api:io:malformedId",
    "api:io:malformedToken",
    "api:biz:noSuchGiftcard",
    "api:biz:notAuthorizedToRedeemGiftcard",
    "api:biz:notAuthorizedToActivateGiftcard",
    "api:biz:notPreprintedGiftcard",
    "api:biz:giftcardAlreadyActive",
    "api:biz:unpaidGiftcard",
    "api:biz:insufficientFunds",
    "api:biz:retailerStatus",
    "api:biz:noSuchRetailer",
    "api:biz:noSuchTransactionIntent",
    "api:biz:transactionIntentStatus",
    "api:biz:noSuchTransaction",
    "api:biz:unauthorizedForResource",
    "api:biz:debitTransactionLocked",
];

/// A request that got no HTTP answer. The URL is left out: it may hold a card's QR code.
pub fn no_answer(kind: Kind, e: reqwest::Error) -> ProviderError {
    let e = e.without_url();
    if e.is_connect() {
        return ProviderError::Unreachable {
            message: "zmyle cannot be reached (no connection).".into(),
        };
    }
    match kind {
        Kind::Write => ProviderError::OutcomeUnknown {
            message: "zmyle did not answer, so it is not known whether it did this. Kassa checks before trying again.".into(),
        },
        Kind::Read if e.is_timeout() => ProviderError::Unreachable {
            message: "zmyle did not answer in time.".into(),
        },
        Kind::Read => ProviderError::Unreachable {
            message: format!("zmyle: the connection failed ({e})."),
        },
    }
}

pub fn bad_response(status: StatusCode, detail: &str) -> ProviderError {
    ProviderError::BadResponse {
        message: format!("zmyle answered something Kassa cannot read (HTTP {status}): {detail}"),
    }
}

fn declined(code: &str, reason: impl Into<String>) -> ProviderError {
    ProviderError::Declined {
        code: code.into(),
        reason: reason.into(),
    }
}

/// Sorts an HTTP answer that is not a success.
pub fn map_error(
    call: Call,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> ProviderError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    if let Some(err) = &parsed {
        if let Some(known) = by_error_id(call, err) {
            return known;
        }
    }
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Config {
            message: format!(
                "zmyle refused the till's credentials (HTTP {}). Set them with `kassa secret set {API_KEY_SECRET}` and `kassa secret set {API_SECRET_SECRET}`.",
                status.as_u16()
            ),
        },
        StatusCode::TOO_MANY_REQUESTS => ProviderError::Unavailable {
            message: "zmyle asks the till to slow down (too many requests).".into(),
            retry_after,
        },
        s if s.is_server_error() => ProviderError::Unavailable {
            message: format!("zmyle is not available (HTTP {}).", s.as_u16()),
            retry_after,
        },
        _ => match parsed {
            Some(err) => declined(
                &err.error_id,
                format!(
                    "zmyle refused: {} ({})",
                    err.error_msg.as_deref().unwrap_or("no reason given"),
                    err.error_id
                ),
            ),
            None => bad_response(status, "the error body is not zmyle's error JSON"),
        },
    }
}

/// The documented errorIds. None for one Kassa does not know.
fn by_error_id(call: Call, err: &ErrorBody) -> Option<ProviderError> {
    let id = err.error_id.as_str();
    let msg = err.error_msg.as_deref().unwrap_or("");
    let refused = |reason: &str| Some(declined(id, reason));
    match id {
        "api:io:missingRequiredParam" => refused(&format!(
            "zmyle says a required field is missing ({msg}). This is a fault in Kassa: please report it."
        )),
        "api:io:malformedNumber" | "api:io:negativeNumber" => {
            refused("The amount must be more than zero.")
        }
        "api:io:malformedId" => refused(match call {
            Call::Refund => "zmyle does not accept this payment's id.",
            _ => "zmyle does not accept this card's id. Scan the card again.",
        }),
        "api:io:malformedToken" => {
            refused("The card's access code is garbled. Scan the card's QR code again.")
        }
        "api:biz:noSuchGiftcard" => Some(ProviderError::NotFound {
            message: "zmyle does not know this gift card (or it belongs to another network)."
                .into(),
        }),
        "api:biz:notAuthorizedToRedeemGiftcard" => {
            refused("This shop may not take this gift card.")
        }
        "api:biz:notAuthorizedToActivateGiftcard" => {
            refused("This shop may not sell this gift card.")
        }
        "api:biz:notPreprintedGiftcard" => {
            refused("This is not a pre-printed gift card, so it cannot be sold at the till.")
        }
        "api:biz:giftcardAlreadyActive" => refused("This gift card has already been sold."),
        "api:biz:unpaidGiftcard" => {
            refused("This gift card has not been paid for yet, so it cannot be used.")
        }
        "api:biz:insufficientFunds" => refused(match call {
            Call::Refund => "That is more than is left to refund on this payment.",
            _ => "The card does not have that much available.",
        }),
        "api:biz:noSuchTransactionIntent" => refused("zmyle does not know this hold."),
        "api:biz:transactionIntentStatus" => refused(
            "This hold is no longer open: it was confirmed, cancelled or has expired.",
        ),
        "api:biz:noSuchTransaction" => refused("zmyle does not know this payment."),
        "api:biz:unauthorizedForResource" => {
            refused("This payment was not made by this shop, so it cannot be refunded here.")
        }
        "api:biz:debitTransactionLocked" => {
            refused("This payment can no longer be refunded (zmyle allows 14 days).")
        }
        "api:biz:retailerStatus" => Some(ProviderError::Config {
            message: "zmyle says this shop's account is not in good standing. Contact zmyle."
                .into(),
        }),
        "api:biz:noSuchRetailer" => Some(ProviderError::Config {
            message: "zmyle does not know this shop's account. Check the till's zmyle API key."
                .into(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(id: &str) -> Vec<u8> {
        format!(r#"{{"errorId": "{id}", "errorMsg": "giftcardId", "status": 400, "occuredAt": "20171126T060137Z"}}"#)
            .into_bytes()
    }

    #[test]
    fn every_documented_error_gets_a_category_and_a_readable_reason() {
        for id in DOCUMENTED_ERRORS {
            // Keyed on errorId: the same answer under any status sorts the same way.
            for status in [
                StatusCode::BAD_REQUEST,
                StatusCode::NOT_FOUND,
                StatusCode::CONFLICT,
            ] {
                let err = map_error(Call::Intent, status, None, &body(id));
                match &err {
                    ProviderError::NotFound { .. } => assert_eq!(id, "api:biz:noSuchGiftcard"),
                    ProviderError::Config { .. } => assert!(
                        id == "api:biz:retailerStatus" || id == "api:biz:noSuchRetailer",
                        "{id}"
                    ),
                    ProviderError::Declined { code, reason } => {
                        assert_eq!(code, id);
                        assert!(!reason.contains("api:"), "{id}: {reason}");
                    }
                    other => panic!("{id} sorted as {other:?}"),
                }
                assert!(!err.is_retryable(), "{id}");
            }
        }
    }

    #[test]
    fn insufficient_funds_reads_differently_for_a_refund() {
        let hold = map_error(
            Call::Intent,
            StatusCode::CONFLICT,
            None,
            &body("api:biz:insufficientFunds"),
        );
        let refund = map_error(
            Call::Refund,
            StatusCode::CONFLICT,
            None,
            &body("api:biz:insufficientFunds"),
        );
        assert_eq!(
            hold.to_string(),
            "The card does not have that much available."
        );
        assert_eq!(
            refund.to_string(),
            "That is more than is left to refund on this payment."
        );
    }

    #[test]
    fn unknown_answers_fall_back_on_the_status() {
        assert!(matches!(
            map_error(Call::Lookup, StatusCode::UNAUTHORIZED, None, b""),
            ProviderError::Config { .. }
        ));
        let busy = map_error(
            Call::Lookup,
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(3)),
            &body("api:io:somethingNew"),
        );
        assert_eq!(
            busy,
            ProviderError::Unavailable {
                message: "zmyle asks the till to slow down (too many requests).".into(),
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert!(map_error(Call::Intent, StatusCode::BAD_GATEWAY, None, b"<html/>").is_retryable());
        assert_eq!(
            map_error(
                Call::Intent,
                StatusCode::BAD_REQUEST,
                None,
                &body("api:biz:somethingNew")
            ),
            ProviderError::Declined {
                code: "api:biz:somethingNew".into(),
                reason: "zmyle refused: giftcardId (api:biz:somethingNew)".into()
            }
        );
        assert!(matches!(
            map_error(
                Call::Intent,
                StatusCode::BAD_REQUEST,
                None,
                b"<html>oops</html>"
            ),
            ProviderError::BadResponse { .. }
        ));
    }
}
