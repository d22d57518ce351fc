//! Leat's answers: the `{"data", "meta"}` envelope, the error envelope with the documented
//! messages (Dutch and English joined by `" | "` where Leat joins them), and its answers to
//! injected faults.

use super::ledger::Refusal;
use crate::faults::Fault;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The messages of the codes the simulator produces, as Leat's error-handling page and the
/// seed pages print them.
const MESSAGES: &[(u32, &str)] = &[
    (1000, "Interne fout. | Internal error."),
    (1003, "Invalid input."),
    (1008, "Shop not found."),
    (1100, "Giftcard Program not found."),
    (
        1114,
        "Only non re-incrementable giftcards can be used in the OAuthRoutes Clients API.",
    ),
    (5001, "Giftcard not found."),
    (
        5002,
        "Het bedrag op de kaart is verlopen. | This giftcard has expired.",
    ),
    (
        5003,
        "Het bedrag op de kaart is niet toereikend. | Insufficient amount on giftcard.",
    ),
    (
        5006,
        "Deze giftcard kan niet opgewaardeerd worden. | This giftcard cannot be incremented.",
    ),
    (
        5007,
        "Deze giftcard is niet gekoppeld aan een programma. | Giftcard not linked to Giftcard Program.",
    ),
    (
        5008,
        "Maximale limiet op kaart bereikt. | Max amount will be exceeded.",
    ),
    (5010, "Giftcard transaction not found."),
    (7010, "That giftcard is not valid."),
    (7015, "Shop does not have access to Giftcard Program."),
    (
        55021,
        "Only Digital giftcards can by created using the public API.",
    ),
    (55025, "This is not the giftcards last transaction."),
    (55031, "Contact not found."),
    (60003, "Contact identifier not found."),
    (60004, "Contact identifier inactive."),
    (60006, "Contact identifier already exists."),
    (60011, "Contact identifier is not linked to a contact."),
];

fn message(code: u32) -> &'static str {
    MESSAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Invalid input.", |(_, m)| m)
}

/// `200 {"data": value, "meta": []}`.
pub fn data(value: Value) -> Response {
    Json(json!({"data": value, "meta": []})).into_response()
}

/// `200 {"data": [...], "meta": {...}}`.
pub fn page(items: Vec<Value>, meta: Value) -> Response {
    Json(json!({"data": items, "meta": meta})).into_response()
}

/// `400 {"message", "code", "status_code": 400}`, with `errors` for invalid input.
pub fn refuse(refusal: Refusal) -> Response {
    let mut body = json!({
        "message": message(refusal.code),
        "code": refusal.code,
        "status_code": 400
    });
    if let Some(errors) = refusal.errors {
        body["errors"] = errors;
    }
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// A refusal with no field details.
pub fn error(code: u32) -> Response {
    refuse(code.into())
}

/// Laravel's answer to a missing, wrong or expired bearer token.
pub fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"message": "Unauthenticated."})),
    )
        .into_response()
}

/// Laravel's throttle answer.
pub fn too_many_attempts(retry_after_secs: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("Retry-After", retry_after_secs.to_string())],
        Json(json!({"message": "Too Many Attempts."})),
    )
        .into_response()
}

/// Leat's answers to injected faults: its error envelope for server errors (code 1000,
/// "Internal error"), the throttle answer for 429, and an HTML page for maintenance (503).
pub fn render_fault(fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after_secs } => {
            let mut response = too_many_attempts(*retry_after_secs);
            response
                .headers_mut()
                .insert("X-RateLimit-Remaining", "0".parse().expect("digits"));
            response
        }
        Fault::Maintenance => (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html><body>Be right back.</body></html>",
        )
            .into_response(),
        Fault::ServerError(code) => (
            StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({"message": message(1000), "code": 1000, "status_code": code})),
        )
            .into_response(),
        other => crate::faults::plain(other),
    }
}
