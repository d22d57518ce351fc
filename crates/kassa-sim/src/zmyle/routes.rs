//! zmyle's HTTP surface: Basic auth, the idempotency key, error bodies and fault answers.

use super::ledger::{zmyle_date, ApiError, Ledger};
use super::ZmyleSim;
use crate::faults::Fault;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use time::OffsetDateTime;

const BASE: &str = "/service/v1.1";

pub fn router() -> Router<ZmyleSim> {
    Router::new()
        .route(&format!("{BASE}/gift_cards/find"), get(find))
        .route(
            &format!("{BASE}/gift_cards/{{id}}/activate"),
            post(activate),
        )
        .route(&format!("{BASE}/transaction_intents"), put(create_intent))
        .route(
            &format!("{BASE}/transaction_intents/{{id}}"),
            get(read_intent).post(update_intent),
        )
        .route(
            &format!("{BASE}/transaction_intents/{{id}}/confirm"),
            post(confirm),
        )
        .route(
            &format!("{BASE}/transaction_intents/{{id}}/cancel"),
            post(cancel),
        )
        .route(&format!("{BASE}/transactions/{{id}}/refund"), post(refund))
}

fn error_body(error: &ApiError, now: OffsetDateTime) -> Value {
    json!({
        "errorId": error.id,
        "errorMsg": error.msg,
        "status": error.status,
        "occuredAt": zmyle_date(now),
    })
}

fn respond(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        Json(body),
    )
        .into_response()
}

/// zmyle documents no answer for bad credentials; this errorId is the simulator's [INF].
fn unauthenticated() -> Response {
    let error = ApiError {
        id: "api:io:unauthenticated",
        msg: "Wrong API key or secret.".into(),
        status: 401,
    };
    let mut response = respond(401, error_body(&error, OffsetDateTime::now_utc()));
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        "Basic realm=\"zmyle\"".parse().expect("valid"),
    );
    response
}

impl ZmyleSim {
    fn authorized(&self, headers: &HeaderMap) -> bool {
        let (key, secret) = &*self.credentials;
        let expected = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .is_some_and(|v| v.trim() == expected)
    }

    /// Runs one operation under the ledger's lock, after releasing expired intents.
    fn answer(
        &self,
        headers: &HeaderMap,
        op: impl FnOnce(&mut Ledger) -> Result<Value, ApiError>,
    ) -> Response {
        if !self.authorized(headers) {
            return unauthenticated();
        }
        let mut ledger = self.ledger();
        ledger.expire_intents();
        let now = ledger.now();
        match op(&mut ledger) {
            Ok(body) => respond(200, body),
            Err(e) => respond(e.status, error_body(&e, now)),
        }
    }

    /// As [`ZmyleSim::answer`], but a request with an idempotency key that was seen before
    /// gets the first answer again (errors included) and changes nothing.
    fn answer_once(
        &self,
        headers: &HeaderMap,
        fingerprint: String,
        op: impl FnOnce(&mut Ledger) -> Result<Value, ApiError>,
    ) -> Response {
        if !self.authorized(headers) {
            return unauthenticated();
        }
        let key = headers
            .get(self.idempotency_header.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut ledger = self.ledger();
        ledger.expire_intents();
        let now = ledger.now();
        if let Some(key) = &key {
            match ledger.replay(key, &fingerprint) {
                Some(Ok((status, body))) => {
                    let mut response = respond(status, body);
                    response
                        .headers_mut()
                        .insert("Idempotent-Replayed", "true".parse().expect("valid"));
                    return response;
                }
                Some(Err(e)) => return respond(e.status, error_body(&e, now)),
                None => {}
            }
        }
        let (status, body) = match op(&mut ledger) {
            Ok(body) => (200, body),
            Err(e) => (e.status, error_body(&e, now)),
        };
        if let Some(key) = key {
            ledger.remember(key, fingerprint, status, body.clone());
        }
        respond(status, body)
    }
}

/// A body that is not JSON counts as empty: its parameters are missing.
fn json_body(body: &Bytes) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

fn fingerprint(method: &Method, uri: &Uri, body: &Bytes) -> String {
    format!("{method} {} {}", uri.path(), String::from_utf8_lossy(body))
}

async fn find(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    sim.answer(&headers, |l| l.find(q.get("query").map(String::as_str)))
}

async fn create_intent(
    State(sim): State<ZmyleSim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let print = fingerprint(&method, &uri, &body);
    sim.answer_once(&headers, print, |l| l.create_intent(&json_body(&body)))
}

async fn read_intent(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    sim.answer(&headers, |l| l.intent(&id))
}

async fn update_intent(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    sim.answer(&headers, |l| l.update_intent(&id, &json_body(&body)))
}

async fn confirm(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    sim.answer(&headers, |l| l.confirm(&id))
}

async fn cancel(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    sim.answer(&headers, |l| l.cancel(&id))
}

async fn refund(
    State(sim): State<ZmyleSim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let print = fingerprint(&method, &uri, &body);
    sim.answer_once(&headers, print, |l| l.refund(&id, &json_body(&body)))
}

async fn activate(
    State(sim): State<ZmyleSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    sim.answer(&headers, |l| l.activate(&id, &json_body(&body)))
}

/// zmyle's answers to injected faults. Its documentation shows no 5xx or 429 body; the
/// simulator answers in its error format with errorIds of its own [INF], and a proxy's HTML
/// page for maintenance.
pub fn render_fault(fault: &Fault) -> Response {
    let now = OffsetDateTime::now_utc();
    match fault {
        Fault::ServerError(code) => {
            let error = ApiError {
                id: "api:sys:internalError",
                msg: "Internal error.".into(),
                status: *code,
            };
            respond(*code, error_body(&error, now))
        }
        Fault::RateLimited { retry_after_secs } => {
            let error = ApiError {
                id: "api:io:tooManyRequests",
                msg: "Too many requests.".into(),
                status: 429,
            };
            let mut response = respond(429, error_body(&error, now));
            response.headers_mut().insert(
                header::RETRY_AFTER,
                retry_after_secs.to_string().parse().expect("digits"),
            );
            response
        }
        Fault::Maintenance => (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html><body>Wartungsarbeiten. Bitte später erneut versuchen.</body></html>",
        )
            .into_response(),
        other => crate::faults::plain(other),
    }
}
