//! Shopwave's OAuth 2.0: the authorize page, the token endpoint (authorization code and
//! refresh grants) and the check of `Authorization: {token_type} {access_token}` on every API
//! call.

use super::messages::{
    fail, Message, AUTHORIZATION_HEADER_INVALID, EXPIRED_TOKEN, INVALID_CLIENT, INVALID_CODE,
    INVALID_GRANT, INVALID_TOKEN, MISSING_PARAMETER, REDIRECT_URI_MISMATCH,
};
use super::ShopwaveSim;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// The application registered with Shopwave: its `identifier`, `secret` and redirect URI.
#[derive(Debug, Clone)]
pub struct App {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

/// Tokens the simulator has issued.
#[derive(Default)]
pub struct Tokens {
    /// Access token → expired.
    access: HashMap<String, bool>,
    refresh: HashSet<String>,
    codes: HashSet<String>,
    serial: u64,
    pub refreshes: u64,
}

impl Tokens {
    pub fn grant(&mut self, access: &str, refresh: &str) {
        self.access.insert(access.to_string(), false);
        self.refresh.insert(refresh.to_string());
    }

    pub fn issue_code(&mut self) -> String {
        self.serial += 1;
        let code = format!("sim-code-{}", self.serial);
        self.codes.insert(code.clone());
        code
    }

    pub fn expire_all(&mut self) {
        self.access.values_mut().for_each(|expired| *expired = true);
    }

    /// 911 for a malformed header, 907 for a token never issued, 908 for an expired one.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Message> {
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(AUTHORIZATION_HEADER_INVALID)?;
        let token = value
            .split_once(' ')
            .filter(|(kind, t)| kind.eq_ignore_ascii_case("bearer") && !t.trim().is_empty())
            .map(|(_, t)| t)
            .ok_or(AUTHORIZATION_HEADER_INVALID)?;
        match self.access.get(token.trim()) {
            None => Err(INVALID_TOKEN),
            Some(true) => Err(EXPIRED_TOKEN),
            Some(false) => Ok(()),
        }
    }

    fn mint(&mut self) -> (String, String) {
        self.serial += 1;
        let access = format!("sim-access-{}-{}", self.serial, fastrand::u64(..));
        let refresh = format!("sim-refresh-{}-{}", self.serial, fastrand::u64(..));
        self.grant(&access, &refresh);
        (access, refresh)
    }
}

/// `GET /oauth/authorize?client_id&redirect_uri&response_type=code&scope` (docs/providers.md
/// §4.1): the merchant signs in and allows the application (at once, here) and is sent back to
/// the registered redirect URI with a one-time `code` and the `state` the application sent. A
/// request for another application or another redirect URI is an error page, never a redirect.
pub async fn authorize(
    State(sim): State<ShopwaveSim>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
    let page = |message: &str| (StatusCode::BAD_REQUEST, message.to_string()).into_response();
    if get("response_type") != "code" {
        return page("response_type must be code.");
    }
    let mut state = sim.lock();
    if get("client_id") != state.app.client_id {
        return page("Unknown application.");
    }
    let redirect_uri = state.app.redirect_uri.clone();
    if get("redirect_uri") != redirect_uri {
        return page("The redirect_uri is not the one registered for this application.");
    }
    let code = state.tokens.issue_code();
    drop(state);
    let mut back = form_urlencoded::Serializer::new(String::new());
    back.append_pair("code", &code);
    if let Some(state) = query.get("state") {
        back.append_pair("state", state);
    }
    let joint = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{joint}{}", back.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `POST /oauth/token`, JSON (new docs) or form-encoded (2015 SDK). A refresh rotates the
/// refresh token: the old one is spent.
pub async fn token(State(sim): State<ShopwaveSim>, headers: HeaderMap, body: Bytes) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let params: HashMap<String, String> = if json {
        match serde_json::from_slice::<HashMap<String, Value>>(&body) {
            Ok(map) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            Err(_) => return fail(MISSING_PARAMETER, Some("the body is not JSON".into())),
        }
    } else {
        form_urlencoded::parse(&body).into_owned().collect()
    };
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    let mut state = sim.lock();
    if get("client_id") != state.app.client_id || get("client_secret") != state.app.client_secret {
        return fail(INVALID_CLIENT, None);
    }
    match get("grant_type") {
        "authorization_code" => {
            if get("redirect_uri") != state.app.redirect_uri {
                return fail(REDIRECT_URI_MISMATCH, None);
            }
            if !state.tokens.codes.remove(get("code")) {
                return fail(INVALID_CODE, None);
            }
        }
        "refresh_token" => {
            if !state.tokens.refresh.remove(get("refresh_token")) {
                return fail(INVALID_GRANT, None);
            }
            state.tokens.refreshes += 1;
        }
        _ => return fail(INVALID_GRANT, Some("unsupported grant_type".into())),
    }
    let (access, refresh) = state.tokens.mint();
    Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
        "scope": "application",
    }))
    .into_response()
}
