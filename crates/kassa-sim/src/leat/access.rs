//! Who may call, and how often: bearer tokens (a fixed API key / personal access token, and
//! access tokens issued by the OAuth client-credentials flow), and Laravel-style throttling
//! with `X-RateLimit-*` headers on every answer (docs/providers.md §1.1, §1.3).

use super::body::Fields;
use super::ledger::Family;
use super::respond::{too_many_attempts, unauthenticated};
use super::LeatSim;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The throttle window [INF: Laravel's default of one minute].
const WINDOW: Duration = Duration::from_secs(60);

pub struct Access {
    /// Accepted on both path families.
    pub static_token: String,
    /// OAuth clients: id → secret.
    pub clients: HashMap<u64, String>,
    /// Issued access tokens and when they expire; accepted on the OAuth family only.
    pub issued: HashMap<String, Instant>,
    pub token_lifetime: Duration,
    pub tokens_issued: u64,
    pub rate_limit: u32,
    window_start: Instant,
    used: u32,
}

impl Access {
    pub fn new(static_token: &str) -> Self {
        Access {
            static_token: static_token.to_string(),
            clients: HashMap::new(),
            issued: HashMap::new(),
            token_lifetime: Duration::from_secs(3600),
            tokens_issued: 0,
            rate_limit: 5000,
            window_start: Instant::now(),
            used: 0,
        }
    }

    fn accepts(&self, family: Family, token: &str) -> bool {
        token == self.static_token
            || (family == Family::Oauth
                && self
                    .issued
                    .get(token)
                    .is_some_and(|expires| *expires > Instant::now()))
    }

    /// Counts a request: the remaining allowance, or the seconds until the window ends.
    fn take(&mut self) -> Result<u32, u64> {
        let now = Instant::now();
        if now.duration_since(self.window_start) >= WINDOW {
            self.window_start = now;
            self.used = 0;
        }
        if self.used >= self.rate_limit {
            let left = WINDOW.saturating_sub(now.duration_since(self.window_start));
            return Err(left.as_secs().max(1));
        }
        self.used += 1;
        Ok(self.rate_limit - self.used)
    }
}

/// Checks the bearer token and the rate limit of every request to a path family.
pub async fn guard(
    State((sim, family)): State<(LeatSim, Family)>,
    request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string();
    let (allowed, limit) = {
        let mut access = sim.access();
        if !access.accepts(family, &token) {
            return unauthenticated();
        }
        (access.take(), access.rate_limit)
    };
    let mut response = match allowed {
        Ok(_) => next.run(request).await,
        Err(retry_after) => too_many_attempts(retry_after),
    };
    let remaining = allowed.unwrap_or(0);
    let headers = response.headers_mut();
    headers.insert("X-RateLimit-Limit", limit.into());
    headers.insert("X-RateLimit-Remaining", remaining.into());
    response
}

/// `POST /oauth/token` with `grant_type=client_credentials`, `client_id`, `client_secret`:
/// `{"token_type", "expires_in", "access_token"}`, or Laravel Passport's refusals.
pub async fn token(State(sim): State<LeatSim>, fields: Fields) -> Response {
    if fields.text("grant_type").as_deref() != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": "unsupported_grant_type",
                "error_description": "The authorization grant type is not supported by the authorization server.",
                "message": "The authorization grant type is not supported by the authorization server."
            })),
        )
            .into_response();
    }
    let client_id = fields
        .text("client_id")
        .and_then(|id| id.parse::<u64>().ok());
    let secret = fields.text("client_secret");
    let mut access = sim.access();
    let known = client_id
        .and_then(|id| access.clients.get(&id))
        .is_some_and(|s| Some(s) == secret.as_ref());
    if !known {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({
                "error": "invalid_client",
                "error_description": "Client authentication failed",
                "message": "Client authentication failed"
            })),
        )
            .into_response();
    }
    access.tokens_issued += 1;
    let token = format!("sim-access-{}-{}", access.tokens_issued, fastrand::u64(..));
    let lifetime = access.token_lifetime;
    access
        .issued
        .insert(token.clone(), Instant::now() + lifetime);
    Json(json!({
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "access_token": token
    }))
    .into_response()
}
