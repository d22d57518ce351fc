//! Shopwave's OAuth 2.0 (authorization code, then refresh): the access token every call
//! carries, renewed when Shopwave answers 908 Expired Token (or 907), and kept in the
//! SecretStore so a restart goes on with the newest tokens.

use super::envelope::Envelope;
use super::errors::{error_for, error_for_status};
use crate::http::{read_body, retry_after_seconds, transport_error};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::{Secret, SecretStore};
use reqwest::header::HeaderValue;
use reqwest::Url;
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::Mutex;

/// SecretStore names of Shopwave's credentials.
pub const ACCESS_TOKEN_SECRET: &str = "shopwave.access_token";
pub const REFRESH_TOKEN_SECRET: &str = "shopwave.refresh_token";
pub const CLIENT_SECRET_SECRET: &str = "shopwave.client_secret";

/// The token endpoint's answer. `Debug` hides the tokens.
#[derive(Deserialize)]
pub struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

impl std::fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("access_token", &"***")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

struct Current {
    access: Option<Secret>,
    refresh: Option<Secret>,
    token_type: String,
    /// Counts renewals, so that callers who saw the same stale token renew it only once.
    generation: u64,
}

/// The application's OAuth identity and its tokens.
pub struct Auth {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    redirect_uri: Option<String>,
    secrets: Arc<dyn SecretStore>,
    current: Mutex<Current>,
}

impl Auth {
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        Auth {
            http,
            token_url: token_url.to_string(),
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.map(str::to_string),
            secrets,
            current: Mutex::new(Current {
                access: None,
                refresh: None,
                token_type: "Bearer".into(),
                generation: 0,
            }),
        }
    }

    fn secret(&self, name: &str) -> Result<Option<Secret>, ProviderError> {
        self.secrets.get(name).map_err(|e| ProviderError::Config {
            message: format!("cannot read {name}: {e}"),
        })
    }

    fn required(&self, name: &str) -> Result<Secret, ProviderError> {
        self.secret(name)?.ok_or_else(|| ProviderError::Config {
            message: format!("Shopwave has no {name}: run `kassa secret set {name}`."),
        })
    }

    /// Checks that the store holds what calls need: the client secret, and an access or a
    /// refresh token (before [`Auth::exchange_code`] it holds neither token).
    pub fn check_secrets(&self) -> Result<(), ProviderError> {
        self.required(CLIENT_SECRET_SECRET)?;
        if self.secret(ACCESS_TOKEN_SECRET)?.is_none() {
            self.required(REFRESH_TOKEN_SECRET)?;
        }
        Ok(())
    }

    /// The `Authorization` header value and the generation of the token in it.
    pub(crate) async fn authorization(&self) -> Result<(HeaderValue, u64), ProviderError> {
        let mut current = self.current.lock().await;
        if current.access.is_none() {
            current.access = self.secret(ACCESS_TOKEN_SECRET)?;
        }
        if current.access.is_none() {
            self.refresh_locked(&mut current).await?;
        }
        let token = current.access.as_ref().map(Secret::expose).unwrap_or("");
        let mut value =
            HeaderValue::from_str(&format!("{} {token}", current.token_type)).map_err(|_| {
                ProviderError::Config {
                    message: format!(
                        "{ACCESS_TOKEN_SECRET} holds characters a header cannot carry."
                    ),
                }
            })?;
        value.set_sensitive(true);
        Ok((value, current.generation))
    }

    /// Renews the access token with the refresh token, unless someone already renewed the
    /// token of `generation`.
    pub(crate) async fn refresh(&self, generation: u64) -> Result<(), ProviderError> {
        let mut current = self.current.lock().await;
        if current.generation != generation {
            return Ok(());
        }
        self.refresh_locked(&mut current).await
    }

    async fn refresh_locked(&self, current: &mut Current) -> Result<(), ProviderError> {
        let refresh = match current.refresh.clone() {
            Some(refresh) => refresh,
            None => self.required(REFRESH_TOKEN_SECRET)?,
        };
        let client_secret = self.required(CLIENT_SECRET_SECRET)?;
        let answer = self
            .token_request(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
                ("client_id", &self.client_id),
                ("client_secret", client_secret.expose()),
            ])
            .await?;
        self.keep(current, answer);
        Ok(())
    }

    /// Trades the code from Shopwave's authorize page for tokens and stores them: the
    /// installer's first step.
    pub async fn exchange_code(&self, code: &str) -> Result<(), ProviderError> {
        let client_secret = self.required(CLIENT_SECRET_SECRET)?;
        let redirect_uri = self
            .redirect_uri
            .as_deref()
            .ok_or_else(|| ProviderError::Config {
                message: "providers.shopwave.redirect_uri is needed to authorize the till.".into(),
            })?;
        let answer = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", code.trim()),
                ("client_id", &self.client_id),
                ("client_secret", client_secret.expose()),
                ("redirect_uri", redirect_uri),
            ])
            .await?;
        let mut current = self.current.lock().await;
        self.keep(&mut current, answer);
        Ok(())
    }

    /// Shopwave's authorize page for this application (the token URL's sibling `authorize`),
    /// where the installer signs in and is sent back to the redirect URI with a code.
    pub fn authorize_url(&self, scope: &str) -> Result<String, ProviderError> {
        let config = |message: String| ProviderError::Config { message };
        let redirect_uri = self.redirect_uri.as_deref().ok_or_else(|| {
            config("providers.shopwave.redirect_uri is needed to authorize the till.".into())
        })?;
        let mut url = Url::parse(&self.token_url)
            .map_err(|e| config(format!("providers.shopwave.token_url: {e}")))?;
        url.path_segments_mut()
            .map_err(|_| config("providers.shopwave.token_url has no path".into()))?
            .pop()
            .push("authorize");
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", scope);
        Ok(url.into())
    }

    /// Form-encoded, as the 2015 SDK and RFC 6749 do; a refresh is safe to repeat.
    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, ProviderError> {
        let response = self
            .http
            .post(&self.token_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| transport_error("Shopwave's token service", &e))?;
        let status = response.status();
        let retry_after = retry_after_seconds(response.headers());
        let body = read_body("Shopwave's token service", response, |e| {
            transport_error("Shopwave's token service", &e)
        })
        .await?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|_| ProviderError::BadResponse {
                message: "Shopwave's token service answered something Kassa cannot read.".into(),
            });
        }
        let envelope = Envelope::parse(&body).unwrap_or_default();
        Err(match envelope.main_problem() {
            Some(entry) => match error_for(entry, false, retry_after) {
                ProviderError::Config { message } => ProviderError::Config {
                    message: format!(
                        "{message} The till needs new Shopwave tokens (`kassa secret set {REFRESH_TOKEN_SECRET}`)."
                    ),
                },
                other => other,
            },
            None => error_for_status(status.as_u16(), false, retry_after),
        })
    }

    /// Takes new tokens into use and stores them. A store that fails does not stop the till
    /// (the tokens are in memory); it is logged, as a restart will then need new tokens.
    fn keep(&self, current: &mut Current, answer: TokenAnswer) {
        let access = Secret::new(answer.access_token);
        if let Err(e) = self.secrets.set(ACCESS_TOKEN_SECRET, &access) {
            tracing::warn!(error = %e, "could not store Shopwave's new access token");
        }
        if let Some(refresh) = answer.refresh_token.map(Secret::new) {
            if let Err(e) = self.secrets.set(REFRESH_TOKEN_SECRET, &refresh) {
                tracing::error!(
                    error = %e,
                    "could not store Shopwave's new refresh token: after a restart the till must be authorized again"
                );
            }
            current.refresh = Some(refresh);
        }
        current.access = Some(access);
        if let Some(kind) = answer.token_type.filter(|k| !k.trim().is_empty()) {
            current.token_type = kind;
        }
        current.generation += 1;
        tracing::info!(expires_in = ?answer.expires_in, "Shopwave tokens renewed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_token_answer_hides_the_tokens() {
        let answer: TokenAnswer = serde_json::from_str(
            r#"{"access_token": "acc-secret-1", "refresh_token": "ref-secret-2",
                "token_type": "Bearer", "expires_in": 3600}"#,
        )
        .unwrap();
        let shown = format!("{answer:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("expires_in: Some(3600)"), "{shown}");
    }
}
