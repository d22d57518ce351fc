//! One request to Leat: the bearer token (renewed once if Leat refuses a fetched one),
//! `Accept: application/json`, `X-Partner-ID`, a form-urlencoded body as the SDK sends it, and
//! the answer sorted into data or a [`ProviderError`].

use super::errors::{bad_response, map_error, outcome_unknown, Context, Effect};
use super::wire::Envelope;
use super::LeatClient;
use crate::http::{read_body, retry_after_seconds, transport_error};
use kassa_core::provider::ProviderError;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

/// Form fields, in order.
pub type FormFields = Vec<(String, String)>;

impl LeatClient {
    /// `GET {root}{path}?query`.
    pub(super) async fn read<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Envelope<T>, ProviderError> {
        self.call(Method::GET, path, query, None, Effect::Read)
            .await
    }

    /// `POST {root}{path}` with a form body.
    pub(super) async fn write<T: DeserializeOwned>(
        &self,
        path: &str,
        form: FormFields,
    ) -> Result<Envelope<T>, ProviderError> {
        self.call(Method::POST, path, &[], Some(form), Effect::Write)
            .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        form: Option<FormFields>,
        effect: Effect,
    ) -> Result<Envelope<T>, ProviderError> {
        let ctx = Context {
            language: self.language,
            secret_name: self.secret_name,
            effect,
        };
        let mut renewed = false;
        loop {
            let token = self.auth.token(&self.http).await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.root))
                .query(query)
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(partner) = &self.partner_id {
                request = request.header("X-Partner-ID", partner);
            }
            if let Some(form) = &form {
                request = request.form(form);
            }
            let response = request.send().await.map_err(|e| no_answer(effect, e))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && self.auth.renewable() && !renewed {
                // A refused request was not applied: fetch a new token and send it again.
                self.auth.forget().await;
                renewed = true;
                continue;
            }
            let retry_after = retry_after_seconds(response.headers());
            let body = read_body("Leat", response, |e| no_answer(effect, e)).await?;
            if !status.is_success() {
                return Err(map_error(status, retry_after, &body, ctx));
            }
            return serde_json::from_slice::<Envelope<T>>(&body).map_err(|e| match effect {
                Effect::Read => bad_response(&format!("HTTP {}: {e}", status.as_u16())),
                Effect::Write => outcome_unknown(&format!(
                    "accepted the transaction (HTTP {}) but its answer cannot be read",
                    status.as_u16()
                )),
            });
        }
    }
}

/// A request that got no answer: safe to retry unless it was a write that left the till.
/// The URL is left out of the message: its query may hold a scanned card code.
fn no_answer(effect: Effect, e: reqwest::Error) -> ProviderError {
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
