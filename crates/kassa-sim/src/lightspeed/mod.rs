//! Lightspeed Retail X-Series (formerly Vend): gift cards, as in docs/providers.md §3.
//!
//! Both API generations are served: `/api/2.0/...` (bare objects, money as JSON numbers, 200
//! on create) and date versions `/api/2026-04/...` and later (`{"data": …}`, money as strings,
//! 201 on create; reversal exists only here). [`LightspeedSim::set_envelope`] makes every
//! version answer wrapped or bare instead, as both shapes are documented. A transaction's
//! `amount` must be a decimal string on every version (seed 003); a JSON number gets a 422. Errors use Lightspeed's envelope
//! `{"error", "message"}`. A card is issued under a new number with `POST /api/{ver}/gift_cards`
//! (date versions; scope `gift_cards:write:issue`; 422 for a number that exists). Bearer tokens are personal tokens or issued by the OAuth token
//! endpoint `POST /api/1.0/token`, whose refresh tokens rotate; the connect page `GET /connect`
//! hands out authorization codes. A rate limit counts every
//! request and answers 429 with `Retry-After` as an HTTP date. The ledger can be kept in a file
//! ([`Persistent`]); tokens and the rate limit are not part of it.

mod auth;
mod connect;
mod ledger;
mod rate;
mod tamper;
mod wire;

pub use auth::ALL_SCOPES;
pub use ledger::{CardStatus, TxnKind};
pub use wire::Envelope;

use crate::faults::{Fault, Faults};
use crate::persist::{self, LedgerFile, Persistent};
use auth::{Auth, TokenRefusal, Verdict};
use axum::body::{Body, Bytes};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ledger::{Ledger, Refusal, TxnRequest};
use rate::{Admission, Window};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io;
use std::path::Path as FilePath;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wire::Shape;

const READ: &str = "gift_cards:read";
const REDEEM: &str = "gift_cards:write:redeem";
const ISSUE: &str = "gift_cards:write:issue";

/// A transaction as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimTxn {
    pub id: String,
    /// Minor units, signed.
    pub amount: i64,
    pub kind: TxnKind,
    pub client_id: Option<String>,
}

struct State_ {
    ledger: Ledger,
    auth: Auth,
    window: Window,
    /// Requests that reached the simulator past the fault layer.
    requests: u64,
    decimals: u32,
    domain_prefix: String,
    envelope: Envelope,
}

/// The Lightspeed simulator; clone it to keep a handle on its state while it is served.
#[derive(Clone)]
pub struct LightspeedSim {
    /// Faults to inject into the next requests, or at random.
    pub faults: Faults,
    state: Arc<Mutex<State_>>,
    file: Option<Arc<LedgerFile>>,
}

impl Default for LightspeedSim {
    fn default() -> Self {
        LightspeedSim::new()
    }
}

impl LightspeedSim {
    /// A simulator with no cards and no tokens, a currency of 2 decimals, and the rate budget
    /// of one register (350 requests per 5 minutes).
    pub fn new() -> Self {
        LightspeedSim {
            faults: Faults::default(),
            state: Arc::new(Mutex::new(State_ {
                ledger: Ledger::default(),
                auth: Auth::default(),
                window: Window::for_registers(1),
                requests: 0,
                decimals: 2,
                domain_prefix: "kassasim".into(),
                envelope: Envelope::ByVersion,
            })),
            file: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State_> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Accepts `Authorization: Bearer <token>` with these scopes, without expiry.
    pub fn add_personal_token(&self, token: &str, scopes: &[&str]) {
        self.lock().auth.add_token(token, scopes, None);
    }

    /// Registers the OAuth application and the refresh token that works now.
    pub fn set_oauth_app(&self, client_id: &str, client_secret: &str, refresh_token: &str) {
        self.lock()
            .auth
            .set_app(client_id, client_secret, refresh_token);
    }

    /// How long issued access tokens live (default a week, as Lightspeed's `expires_in`).
    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        self.lock()
            .auth
            .set_access_lifetime(time::Duration::seconds(secs));
    }

    /// Expires every access token now, as if a week had passed.
    pub fn expire_access_tokens(&self) {
        self.lock().auth.expire_all();
    }

    /// The refresh token that works now (the latest issued).
    pub fn refresh_token(&self) -> Option<String> {
        self.lock().auth.refresh_token()
    }

    /// A one-time authorization code for the OAuth application, as the connect page gives.
    pub fn issue_authorization_code(&self, redirect_uri: &str) -> Option<String> {
        self.lock().auth.issue_code(redirect_uri)
    }

    /// At most `limit` requests per `window`; then 429 until the window ends.
    pub fn set_rate_limit(&self, limit: u32, window: Duration) {
        self.lock().window = Window::new(limit, window);
    }

    /// Whether answers are wrapped in `{"data": …}`: per version (the default), always or never.
    pub fn set_envelope(&self, envelope: Envelope) {
        self.lock().envelope = envelope;
    }

    /// How many requests reached the simulator (injected faults excluded).
    pub fn requests(&self) -> u64 {
        self.lock().requests
    }

    /// Adds a card with an ACTIVATION of `balance` minor units (and a VOIDING for a voided
    /// card). `expires_at` is RFC 3339.
    pub fn add_card(
        &self,
        number: &str,
        balance: i64,
        status: CardStatus,
        expires_at: Option<&str>,
    ) {
        let expires_at =
            expires_at.map(|s| OffsetDateTime::parse(s, &Rfc3339).expect("an RFC 3339 expiry"));
        self.lock()
            .ledger
            .add_card(number, balance, status, expires_at);
    }

    pub fn set_status(&self, number: &str, status: CardStatus) {
        if let Some(card) = self.lock().ledger.cards.get_mut(number) {
            card.status = status;
        }
    }

    /// Σ of the card's transactions, in minor units.
    pub fn balance(&self, number: &str) -> Option<i64> {
        self.lock().ledger.cards.get(number).map(|c| c.balance())
    }

    pub fn status(&self, number: &str) -> Option<CardStatus> {
        self.lock()
            .ledger
            .cards
            .get(number)
            .map(|c| c.effective_status())
    }

    pub fn expires_at(&self, number: &str) -> Option<OffsetDateTime> {
        self.lock()
            .ledger
            .cards
            .get(number)
            .and_then(|c| c.expires_at)
    }

    pub fn transactions(&self, number: &str) -> Vec<SimTxn> {
        self.lock()
            .ledger
            .cards
            .get(number)
            .map(|c| {
                c.txns
                    .iter()
                    .map(|t| SimTxn {
                        id: t.id.clone(),
                        amount: t.amount,
                        kind: t.kind,
                        client_id: t.client_id.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn router(&self) -> Router {
        let router = Router::new()
            .route("/api/1.0/token", post(token))
            .route("/connect", get(connect::connect))
            .route("/api/2.0/gift_cards/{number}", get(legacy_card))
            .route(
                "/api/2.0/gift_cards/{number}/transactions",
                post(legacy_create),
            )
            .route("/api/{version}/gift_cards", post(dated_issue))
            .route(
                "/api/{version}/gift_cards/by_number/{number}",
                get(dated_card),
            )
            .route(
                "/api/{version}/gift_cards/by_id/{id}",
                get(dated_card_by_id),
            )
            .route(
                "/api/{version}/gift_cards/{number}/transactions",
                post(dated_create),
            )
            .route(
                "/api/{version}/gift_cards/transactions/{id}",
                delete(dated_reverse),
            )
            .fallback(|| async { wire::error(StatusCode::NOT_FOUND, "Not found.") })
            .layer(middleware::from_fn_with_state(self.clone(), rate_limit))
            .with_state(self.clone());
        let router = persist::layer(router, self, self.file.as_ref(), Arc::new(render_fault));
        self.faults.layer(router, Arc::new(render_fault))
    }

    /// The refusal to answer when the bearer token may not do `scope`, else none.
    fn denied(&self, headers: &HeaderMap, scope: &'static str) -> Option<Response> {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match self.lock().auth.check(bearer, scope) {
            Verdict::Allowed => None,
            Verdict::Unauthenticated => Some(wire::error(
                StatusCode::UNAUTHORIZED,
                "The access token is missing, invalid or expired.",
            )),
            Verdict::MissingScope(scope) => Some(wire::error(
                StatusCode::FORBIDDEN,
                &format!("Requires the {scope} scope."),
            )),
        }
    }
}

impl Persistent for LightspeedSim {
    fn snapshot(&self) -> Vec<u8> {
        persist::to_json(&self.lock().ledger)
    }

    fn restore(&self, snapshot: &[u8]) -> serde_json::Result<()> {
        let saved = serde_json::from_slice(snapshot)?;
        self.lock().ledger = saved;
        Ok(())
    }

    fn persist_to(mut self, path: &FilePath) -> io::Result<Self> {
        self.file = Some(LedgerFile::create(path, self.snapshot())?);
        Ok(self)
    }
}

/// Counts the request against the window; adds the rate headers to every answer.
async fn rate_limit(
    State(sim): State<LightspeedSim>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let (admission, limit) = {
        let mut state = sim.lock();
        state.requests += 1;
        (state.window.admit(), state.window.limit)
    };
    let (mut response, remaining) = match admission {
        Admission::Admitted { remaining } => (next.run(request).await, remaining),
        Admission::Refused { until } => (too_many_requests(until), 0),
    };
    let headers = response.headers_mut();
    headers.insert("X-RateLimit-Limit", HeaderValue::from(limit));
    headers.insert("X-RateLimit-Remaining", HeaderValue::from(remaining));
    response
}

fn too_many_requests(until: SystemTime) -> Response {
    let mut response = wire::error(StatusCode::TOO_MANY_REQUESTS, "Rate limiting enforced");
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&httpdate::fmt_http_date(until)).expect("an HTTP date is ASCII"),
    );
    response
}

/// Lightspeed's answers to injected faults, in its envelope; 429 carries `Retry-After` as an
/// HTTP date.
fn render_fault(fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after_secs } => {
            too_many_requests(SystemTime::now() + Duration::from_secs(*retry_after_secs))
        }
        Fault::Maintenance => wire::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Lightspeed is down for maintenance.",
        ),
        Fault::ServerError(code) => wire::error(
            StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "Something went wrong.",
        ),
        other => crate::faults::plain(other),
    }
}

fn refusal(r: Refusal) -> Response {
    match r {
        Refusal::CardNotFound => wire::error(StatusCode::NOT_FOUND, "Gift card not found."),
        Refusal::TxnNotFound => {
            wire::error(StatusCode::NOT_FOUND, "Gift card transaction not found.")
        }
        Refusal::Unprocessable(m) => wire::unprocessable(&m),
        Refusal::BadRequest(m) => wire::error(StatusCode::BAD_REQUEST, &m),
    }
}

async fn legacy_card(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    show_card(&sim, &headers, Shape::Legacy, &number)
}

async fn dated_card(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path((version, number)): Path<(String, String)>,
) -> Response {
    match Shape::dated(&version) {
        Some(shape) => show_card(&sim, &headers, shape, &number),
        None => wire::error(StatusCode::NOT_FOUND, "Not found."),
    }
}

/// `GET /api/{version}/gift_cards/by_id/{id}`: the card by Lightspeed's own id.
async fn dated_card_by_id(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path((version, id)): Path<(String, String)>,
) -> Response {
    let number = sim
        .lock()
        .ledger
        .cards
        .values()
        .find(|c| c.id == id)
        .map(|c| c.number.clone());
    match (Shape::dated(&version), number) {
        (Some(shape), Some(number)) => show_card(&sim, &headers, shape, &number),
        (Some(_), None) => match sim.denied(&headers, READ) {
            Some(denied) => denied,
            None => refusal(Refusal::CardNotFound),
        },
        (None, _) => wire::error(StatusCode::NOT_FOUND, "Not found."),
    }
}

fn show_card(sim: &LightspeedSim, headers: &HeaderMap, shape: Shape, number: &str) -> Response {
    if let Some(denied) = sim.denied(headers, READ) {
        return denied;
    }
    let state = sim.lock();
    match state.ledger.cards.get(number) {
        Some(card) => shape.answer(state.envelope, false, shape.card(card, state.decimals)),
        None => refusal(Refusal::CardNotFound),
    }
}

/// The body of a new transaction (seed 003).
#[derive(Deserialize)]
struct CreateTxn {
    #[serde(rename = "type")]
    kind: Option<String>,
    amount: Option<Box<RawValue>>,
    client_id: Option<String>,
    expires_at: Option<String>,
    time_zone: Option<String>,
    user_id: Option<String>,
}

async fn legacy_create(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Response {
    create(&sim, &headers, Shape::Legacy, number, &body)
}

async fn dated_create(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path((version, number)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match Shape::dated(&version) {
        Some(shape) => create(&sim, &headers, shape, number, &body),
        None => wire::error(StatusCode::NOT_FOUND, "Not found."),
    }
}

fn create(
    sim: &LightspeedSim,
    headers: &HeaderMap,
    shape: Shape,
    number: String,
    body: &[u8],
) -> Response {
    if let Some(denied) = sim.denied(headers, REDEEM) {
        return denied;
    }
    let bad = |m: &str| wire::error(StatusCode::BAD_REQUEST, m);
    let Ok(req) = serde_json::from_slice::<CreateTxn>(body) else {
        return bad("The request body is not valid JSON.");
    };
    let kind = match req.kind.as_deref() {
        Some("REDEEMING") => TxnKind::Redeeming,
        Some("RELOADING") => TxnKind::Reloading,
        _ => return bad("type must be REDEEMING or RELOADING."),
    };
    let Some(client_id) = req.client_id.filter(|c| !c.is_empty()) else {
        return bad("client_id is required.");
    };
    // Seed 003: `amount` is a string on every version; a JSON number is refused.
    if req
        .amount
        .as_deref()
        .is_some_and(|raw| !raw.get().trim_start().starts_with('"'))
    {
        return wire::unprocessable("amount must be a string, e.g. \"-12.50\".");
    }
    let mut state = sim.lock();
    let Some(amount) = req
        .amount
        .as_deref()
        .and_then(|raw| wire::parse_amount(raw, state.decimals))
    else {
        return bad("amount must be a decimal amount in the store's currency.");
    };
    match kind {
        TxnKind::Redeeming if amount >= 0 => {
            return bad("The amount must be negative for REDEEMING transactions.")
        }
        TxnKind::Reloading if amount <= 0 => {
            return bad("The amount must be positive for RELOADING transactions.")
        }
        _ => {}
    }
    let expires_at = match req.expires_at.as_deref() {
        None => None,
        Some(date) => match end_of_day(date, req.time_zone.as_deref()) {
            Some(at) => Some(at),
            None => return bad("expires_at must be a date in YYYY-MM-DD format."),
        },
    };
    let request = TxnRequest {
        number,
        kind,
        amount,
        client_id,
        expires_at,
        user_id: req.user_id,
    };
    match state.ledger.create(request) {
        Ok((_, txn)) => shape.answer(state.envelope, true, shape.txn(&txn, state.decimals)),
        Err(r) => refusal(r),
    }
}

/// The body of a new card (docs/providers.md §3.3): `number` and `amount` required, `amount`
/// a decimal string as on a transaction.
#[derive(Deserialize)]
struct IssueCard {
    number: Option<String>,
    amount: Option<Box<RawValue>>,
    expires_at: Option<String>,
    time_zone: Option<String>,
    user_id: Option<String>,
}

/// `POST /api/{ver}/gift_cards` (date versions only): a card under a number Lightspeed does
/// not know, with an ACTIVATION of `amount`; 201; 422 when the number exists; scope
/// `gift_cards:write:issue`.
async fn dated_issue(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path(version): Path<String>,
    body: Bytes,
) -> Response {
    let Some(shape) = Shape::dated(&version) else {
        return wire::error(StatusCode::NOT_FOUND, "Not found.");
    };
    if let Some(denied) = sim.denied(&headers, ISSUE) {
        return denied;
    }
    let bad = |m: &str| wire::error(StatusCode::BAD_REQUEST, m);
    let Ok(req) = serde_json::from_slice::<IssueCard>(&body) else {
        return bad("The request body is not valid JSON.");
    };
    let Some(number) = req.number.filter(|n| !n.trim().is_empty()) else {
        return bad("number is required.");
    };
    if req
        .amount
        .as_deref()
        .is_some_and(|raw| !raw.get().trim_start().starts_with('"'))
    {
        return wire::unprocessable("amount must be a string, e.g. \"25.00\".");
    }
    let mut state = sim.lock();
    let decimals = state.decimals;
    let Some(amount) = req
        .amount
        .as_deref()
        .and_then(|raw| wire::parse_amount(raw, decimals))
    else {
        return bad("amount must be a decimal amount in the store's currency.");
    };
    if amount <= 0 {
        return bad("The amount of a new gift card must be positive.");
    }
    let expires_at = match req.expires_at.as_deref() {
        None => None,
        Some(date) => match end_of_day(date, req.time_zone.as_deref()) {
            Some(at) => Some(at),
            None => return bad("expires_at must be a date in YYYY-MM-DD format."),
        },
    };
    let envelope = state.envelope;
    match state.ledger.issue(&number, amount, expires_at, req.user_id) {
        Ok(card) => shape.answer(envelope, true, shape.card(card, decimals)),
        Err(r) => refusal(r),
    }
}

/// [INF] The end of the given day. The simulator knows no time zone database: it reads the
/// day in UTC whatever `time_zone` says (a present but empty zone is refused).
fn end_of_day(date: &str, time_zone: Option<&str>) -> Option<OffsetDateTime> {
    if time_zone.is_some_and(|z| z.trim().is_empty()) {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, &format).ok()?;
    Some(day.with_hms(23, 59, 59).ok()?.assume_utc())
}

async fn dated_reverse(
    State(sim): State<LightspeedSim>,
    headers: HeaderMap,
    Path((version, id)): Path<(String, String)>,
) -> Response {
    let Some(shape) = Shape::dated(&version) else {
        return wire::error(StatusCode::NOT_FOUND, "Not found.");
    };
    if let Some(denied) = sim.denied(&headers, REDEEM) {
        return denied;
    }
    let mut state = sim.lock();
    match state.ledger.reverse(&id) {
        Ok(txn) => shape.answer(state.envelope, false, shape.txn(&txn, state.decimals)),
        Err(r) => refusal(r),
    }
}

async fn token(
    State(sim): State<LightspeedSim>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return wire::error(
            StatusCode::BAD_REQUEST,
            "The token request must be form-urlencoded.",
        );
    };
    let mut state = sim.lock();
    let domain_prefix = state.domain_prefix.clone();
    match state.auth.grant(&form) {
        Ok(issued) => Json(wire::token_body(
            &issued.access_token,
            &issued.refresh_token,
            issued.expires,
            issued.expires_in,
            &domain_prefix,
        ))
        .into_response(),
        Err(refused) => {
            let (status, error, message) = match refused {
                TokenRefusal::InvalidClient => (
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "The client credentials are not valid.",
                ),
                TokenRefusal::InvalidGrant => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token or code is invalid, expired or revoked.",
                ),
                TokenRefusal::UnsupportedGrantType => (
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token.",
                ),
            };
            (
                status,
                Json(serde_json::json!({"error": error, "message": message})),
            )
                .into_response()
        }
    }
}
