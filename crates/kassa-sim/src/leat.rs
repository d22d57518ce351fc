//! Leat (formerly Piggy): gift cards, as in contracts.md §1.
//!
//! Both path families are served: `/api/v3/oauth/clients/...` and `/api/v3/register/...`.
//! Errors use Leat's envelope `{"message", "code", "status_code": 400}`; a missing or wrong
//! bearer token answers 401 `{"message": "Unauthenticated."}`.

use crate::faults::{Fault, Faults};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const FAMILIES: [&str; 2] = ["/api/v3/oauth/clients", "/api/v3/register"];

/// A gift card as the simulator keeps it.
#[derive(Debug, Clone)]
pub struct Giftcard {
    pub id: u64,
    pub uuid: String,
    pub hash: String,
    /// `PHYSICAL` or `DIGITAL`.
    pub card_type: &'static str,
    pub amount_in_cents: i64,
    pub upgradeable: bool,
    pub active: bool,
    /// RFC 3339, or none for a card that never expires.
    pub expiration_date: Option<String>,
    pub program_name: String,
    pub max_amount_in_cents: i64,
}

impl Giftcard {
    fn to_json(&self) -> Value {
        let euros = format!(
            "€{}.{:02}",
            self.amount_in_cents / 100,
            (self.amount_in_cents % 100).abs()
        );
        json!({
            "id": self.id,
            "uuid": self.uuid,
            "type": self.card_type,
            "hash": self.hash,
            "amount_in_cents": self.amount_in_cents,
            "upgradeable": self.upgradeable,
            "active": self.active,
            "expiration_date": self.expiration_date,
            "amount": self.amount_in_cents as f64 / 100.0,
            "url": format!("https://sim.leat.invalid/giftcard-balance?hash={}", self.hash),
            "display_amount": euros,
            "formatted_expiration_date": self.expiration_date.as_ref().map(|d| d[..10].to_string()),
            "giftcard_program": {
                "id": 1,
                "name": self.program_name,
                "uuid": "00000000-0000-4000-9000-000000000001",
                "max_amount_in_cents": self.max_amount_in_cents,
                "calculator_flow": "DEFAULT",
                "expiration_days": 394
            },
            "giftcard_recipients": []
        })
    }
}

#[derive(Default)]
struct Ledger {
    cards: HashMap<String, Giftcard>,
    next_id: u64,
}

/// The Leat simulator; clone it to keep a handle on its state while it is served.
#[derive(Clone)]
pub struct LeatSim {
    /// Faults to inject into the next requests, or at random.
    pub faults: Faults,
    token: Arc<String>,
    ledger: Arc<Mutex<Ledger>>,
}

impl LeatSim {
    /// A simulator that accepts `Authorization: Bearer <token>`.
    pub fn new(token: &str) -> Self {
        LeatSim {
            faults: Faults::default(),
            token: Arc::new(token.to_string()),
            ledger: Arc::new(Mutex::new(Ledger {
                next_id: 41650,
                ..Default::default()
            })),
        }
    }

    /// Adds a card; its `id` and `uuid` are assigned here.
    pub fn add_card(&self, hash: &str, amount_in_cents: i64, expiration_date: Option<&str>) {
        let mut ledger = self.ledger.lock().expect("poisoned");
        ledger.next_id += 1;
        let id = ledger.next_id;
        ledger.cards.insert(
            hash.to_string(),
            Giftcard {
                id,
                uuid: format!("00000000-0000-4000-8000-{id:012}"),
                hash: hash.to_string(),
                card_type: "DIGITAL",
                amount_in_cents,
                upgradeable: false,
                active: true,
                expiration_date: expiration_date.map(str::to_string),
                program_name: "Kassa demo gift card".into(),
                max_amount_in_cents: 51_000,
            },
        );
    }

    pub fn router(&self) -> Router {
        let mut router = Router::new();
        for family in FAMILIES {
            router = router.route(&format!("{family}/giftcards/find-one-by"), get(find_one_by));
        }
        self.faults
            .layer(router.with_state(self.clone()), Arc::new(render_fault))
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t == self.token.as_str())
    }
}

/// Leat's error envelope. All documented business errors are HTTP 400.
fn error(code: u32, message: &str) -> Response {
    with_rate_headers(
        StatusCode::BAD_REQUEST,
        json!({"message": message, "code": code, "status_code": 400}),
    )
}

fn with_rate_headers(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "4999"),
        ],
        Json(body),
    )
        .into_response()
}

/// Leat's answers to injected faults: its error envelope for 500 (code 1000, "Internal
/// error"), Laravel's throttle answer for 429, and an HTML page for maintenance (503).
fn render_fault(fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [
                ("Retry-After", retry_after_secs.to_string()),
                ("X-RateLimit-Remaining", "0".to_string()),
            ],
            Json(json!({"message": "Too Many Attempts."})),
        )
            .into_response(),
        Fault::Maintenance => (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html><body>Be right back.</body></html>",
        )
            .into_response(),
        Fault::ServerError(code) => (
            StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({"message": "Interne fout. | Internal error.", "code": 1000, "status_code": code})),
        )
            .into_response(),
        other => crate::faults::plain(other),
    }
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"message": "Unauthenticated."})),
    )
        .into_response()
}

#[derive(Deserialize)]
struct FindOneBy {
    hash: Option<String>,
}

async fn find_one_by(
    State(sim): State<LeatSim>,
    headers: HeaderMap,
    Query(q): Query<FindOneBy>,
) -> Response {
    if !sim.authorized(&headers) {
        return unauthenticated();
    }
    let Some(hash) = q.hash.filter(|h| !h.is_empty()) else {
        return error(1003, "Invalid input.");
    };
    let ledger = sim.ledger.lock().expect("poisoned");
    match ledger.cards.get(&hash) {
        Some(card) => {
            with_rate_headers(StatusCode::OK, json!({"data": card.to_json(), "meta": []}))
        }
        None => error(5001, "Giftcard not found."),
    }
}
