//! Lightspeed's connect page (docs/providers.md §3.1: authorize at `…/connect`): the retailer
//! approves the application and is sent back to its redirect URI with a one-time `code`, the
//! retailer's `domain_prefix` and the `state` the application sent. The simulator approves at
//! once; a request for another application, or without a redirect URI, is an error page.

use super::LightspeedSim;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// `GET /connect?response_type=code&client_id&redirect_uri&state`.
pub async fn connect(
    State(sim): State<LightspeedSim>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
    let page = |message: &str| (StatusCode::BAD_REQUEST, message.to_string()).into_response();
    if field("response_type") != "code" {
        return page("response_type must be code.");
    }
    let redirect_uri = field("redirect_uri");
    if !(redirect_uri.starts_with("http://") || redirect_uri.starts_with("https://")) {
        return page("redirect_uri must be the application's http(s) redirect URI.");
    }
    let (code, domain_prefix) = {
        let mut state = sim.lock();
        if !state.auth.is_client(field("client_id")) {
            return page("This application is not connected to the retailer.");
        }
        let code = state.auth.issue_code(redirect_uri);
        (code, state.domain_prefix.clone())
    };
    let Some(code) = code else {
        return page("This application is not connected to the retailer.");
    };
    let mut back = form_urlencoded::Serializer::new(String::new());
    back.append_pair("code", &code)
        .append_pair("domain_prefix", &domain_prefix);
    if let Some(state) = query.get("state") {
        back.append_pair("state", state);
    }
    let joint = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{joint}{}", back.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}
