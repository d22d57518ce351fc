//! The bearer token for Lightspeed: a personal token, or OAuth 2.0 (authorization code, then
//! refresh) where every refresh rotates the refresh token and revokes the old one at once
//! (changelog 2025-03-refresh-token-flow-update).
//!
//! Rotation order: the new refresh token is written to the [`SecretStore`] before the new
//! access token is used. If that write fails, the new pair is kept in memory only, marked
//! unsaved, and no request uses it: every later call first retries the write and answers
//! `Unavailable` until it succeeds. Refreshes are serialised by a lock, so two calls never
//! spend the same refresh token.

use super::wire::{ErrorBody, TokenResponse};
use crate::http::{read_body, transport_error};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::{Secret, SecretStore};
use reqwest::StatusCode;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The personal token (auth = "personal").
pub const TOKEN_SECRET: &str = "lightspeed.token";
/// The OAuth application's client secret.
pub const CLIENT_SECRET: &str = "lightspeed.client_secret";
/// The latest OAuth refresh token; every refresh replaces it.
pub const REFRESH_TOKEN: &str = "lightspeed.refresh_token";
/// The latest OAuth access token (a cache: a missing or stale one is refreshed).
pub const ACCESS_TOKEN: &str = "lightspeed.access_token";

/// Where Lightspeed's connect page lives; the retailer approves the till's access there.
const CONNECT_URL: &str = "https://secure.retail.lightspeed.app/connect";

/// An access token is refreshed this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::seconds(60);

/// How the client gets its bearer token.
pub enum Credentials {
    Personal(Secret),
    OAuth(Box<OAuth>),
}

impl Credentials {
    /// The token to send now.
    pub async fn bearer(&self) -> Result<Secret, ProviderError> {
        match self {
            Credentials::Personal(token) => Ok(token.clone()),
            Credentials::OAuth(oauth) => oauth.bearer().await,
        }
    }

    /// Lightspeed refused `used` (401): forget it, so the next call refreshes. True when
    /// trying again may help (OAuth); a refused personal token stays refused.
    pub async fn refused(&self, used: &Secret) -> bool {
        match self {
            Credentials::Personal(_) => false,
            Credentials::OAuth(oauth) => {
                let mut tokens = oauth.tokens.lock().await;
                if tokens.access.as_ref().is_some_and(|a| &a.token == used) {
                    tokens.access = None;
                }
                true
            }
        }
    }

    /// What an installer does when Lightspeed refuses the token.
    pub fn remedy(&self) -> &'static str {
        match self {
            Credentials::Personal(_) => {
                "Set a valid personal token with `kassa secret set lightspeed.token`."
            }
            Credentials::OAuth(_) => "Authorize the till with Lightspeed again.",
        }
    }
}

struct Access {
    token: Secret,
    expires_at: Option<OffsetDateTime>,
}

/// A token pair received and not yet written to the SecretStore.
struct Issued {
    access: Access,
    refresh: Option<Secret>,
}

#[derive(Default)]
struct Tokens {
    /// The stored access token has been read.
    loaded: bool,
    access: Option<Access>,
    unsaved: Option<Issued>,
}

/// OAuth 2.0 authorization code with rotating refresh tokens, kept in a [`SecretStore`].
pub struct OAuth {
    store: Arc<dyn SecretStore>,
    client_id: String,
    redirect_uri: Option<String>,
    /// `https://{domain_prefix}.retail.lightspeed.app/api/1.0/token`.
    token_url: String,
    http: reqwest::Client,
    tokens: tokio::sync::Mutex<Tokens>,
}

impl OAuth {
    pub fn new(
        store: Arc<dyn SecretStore>,
        client_id: String,
        redirect_uri: Option<String>,
        token_url: String,
        http: reqwest::Client,
    ) -> Self {
        OAuth {
            store,
            client_id,
            redirect_uri,
            token_url,
            http,
            tokens: Default::default(),
        }
    }

    /// Where to send the retailer to approve the till; `state` comes back with the code.
    pub fn authorize_url(&self, state: &str) -> Option<String> {
        let redirect = self.redirect_uri.as_deref()?;
        let mut url = reqwest::Url::parse(CONNECT_URL).expect("a valid URL");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("state", state);
        Some(url.into())
    }

    /// Exchanges the code the connect page returned for the first token pair, and stores it.
    pub async fn exchange_code(&self, code: &str) -> Result<(), ProviderError> {
        let redirect = self
            .redirect_uri
            .clone()
            .ok_or_else(|| ProviderError::Config {
                message: "Lightspeed: set providers.lightspeed.redirect_uri to authorize the till."
                    .into(),
            })?;
        let mut tokens = self.tokens.lock().await;
        self.save_unsaved(&mut tokens)?;
        let issued = self
            .request_tokens(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &redirect),
            ])
            .await?;
        tokens.unsaved = Some(issued);
        self.save_unsaved(&mut tokens)
    }

    /// True while a token pair Lightspeed issued is held in memory only.
    pub async fn has_unsaved_tokens(&self) -> bool {
        self.tokens.lock().await.unsaved.is_some()
    }

    async fn bearer(&self) -> Result<Secret, ProviderError> {
        let mut tokens = self.tokens.lock().await;
        self.save_unsaved(&mut tokens)?;
        if !tokens.loaded {
            tokens.access = self.read(ACCESS_TOKEN)?.map(|token| Access {
                token,
                expires_at: None,
            });
            tokens.loaded = true;
        }
        let now = OffsetDateTime::now_utc();
        if let Some(access) = &tokens.access {
            if access.expires_at.is_none_or(|at| at - EXPIRY_MARGIN > now) {
                return Ok(access.token.clone());
            }
        }
        let refresh = self.read(REFRESH_TOKEN)?.ok_or_else(|| ProviderError::Config {
            message: format!(
                "Lightspeed: the till has no refresh token ({REFRESH_TOKEN}). Authorize the till with Lightspeed."
            ),
        })?;
        let issued = self
            .request_tokens(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
            ])
            .await?;
        tokens.unsaved = Some(issued);
        self.save_unsaved(&mut tokens)?;
        let access = tokens.access.as_ref().expect("saved just now");
        Ok(access.token.clone())
    }

    fn read(&self, name: &str) -> Result<Option<Secret>, ProviderError> {
        self.store.get(name).map_err(|e| ProviderError::Config {
            message: format!("Lightspeed: cannot read {name}: {e}"),
        })
    }

    /// Writes a received pair: the refresh token first, and only then is the access token
    /// put to use. On failure the pair stays in memory, marked unsaved.
    fn save_unsaved(&self, tokens: &mut Tokens) -> Result<(), ProviderError> {
        let Some(issued) = tokens.unsaved.take() else {
            return Ok(());
        };
        if let Some(refresh) = &issued.refresh {
            if let Err(e) = self.store.set(REFRESH_TOKEN, refresh) {
                tokens.unsaved = Some(issued);
                return Err(ProviderError::Unavailable {
                    message: format!(
                        "Lightspeed issued a new refresh token but it could not be saved ({e}). \
                         Kassa keeps it in memory and uses Lightspeed again once it is saved; \
                         do not close the till until the secret store works again."
                    ),
                    retry_after: None,
                });
            }
        }
        if let Err(e) = self.store.set(ACCESS_TOKEN, &issued.access.token) {
            // The refresh token is safe; a lost access token only costs a refresh later.
            tracing::warn!(error = %e, "could not save the Lightspeed access token");
        }
        tokens.access = Some(issued.access);
        tokens.loaded = true;
        Ok(())
    }

    async fn request_tokens(&self, grant: &[(&str, &str)]) -> Result<Issued, ProviderError> {
        let client_secret = self.read(CLIENT_SECRET)?.ok_or_else(|| ProviderError::Config {
            message: format!(
                "Lightspeed: the OAuth client secret is missing: run `kassa secret set {CLIENT_SECRET}`."
            ),
        })?;
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", client_secret.expose()),
        ];
        form.extend_from_slice(grant);
        let response = self
            .http
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| transport_error("Lightspeed", &e))?;
        let status = response.status();
        let body = read_body("Lightspeed", response, |e| {
            transport_error("Lightspeed", &e)
        })
        .await?;
        if !status.is_success() {
            return Err(token_error(status, &body));
        }
        let answer: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| ProviderError::BadResponse {
                message: format!(
                    "Lightspeed's token endpoint answered something Kassa cannot read: {e}"
                ),
            })?;
        let now = OffsetDateTime::now_utc();
        let expires_at = match (answer.expires, answer.expires_in) {
            (Some(at), _) => OffsetDateTime::from_unix_timestamp(at).ok(),
            (None, Some(secs)) => Some(now + Duration::seconds(secs)),
            (None, None) => None,
        };
        Ok(Issued {
            access: Access {
                token: Secret::new(answer.access_token),
                expires_at,
            },
            refresh: answer.refresh_token.map(Secret::new),
        })
    }
}

fn token_error(status: StatusCode, body: &[u8]) -> ProviderError {
    let err: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let said = err
        .detail()
        .map(|d| format!(" Lightspeed says: {d}"))
        .unwrap_or_default();
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return ProviderError::Unavailable {
            message: format!(
                "Lightspeed cannot issue a token now (HTTP {}).",
                status.as_u16()
            ),
            retry_after: None,
        };
    }
    let message = match err.error.as_deref() {
        Some("invalid_client") => format!(
            "Lightspeed refused the till's OAuth client id or secret ({CLIENT_SECRET}).{said}"
        ),
        _ => format!(
            "Lightspeed refused the till's refresh token or code (HTTP {}): it was revoked, \
             used already or has expired. Authorize the till with Lightspeed again.{said}",
            status.as_u16()
        ),
    };
    ProviderError::Config { message }
}
