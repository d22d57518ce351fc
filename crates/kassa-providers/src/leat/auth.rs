//! The bearer token of every request: a fixed API key or personal access token, or an access
//! token from the OAuth client-credentials flow (`POST {base}/oauth/token`), kept in memory
//! only and fetched again shortly before it expires or when Leat refuses it.

use super::errors::bad_response;
use super::wire::TokenResponse;
use crate::http::{read_body, retry_after_seconds, transport_error};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::Secret;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token is fetched again this long before Leat says it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

pub enum Auth {
    /// An API key or a personal access token.
    Fixed(Secret),
    ClientCredentials {
        token_url: String,
        client_id: u64,
        client_secret: Secret,
        cached: Mutex<Option<(Secret, Instant)>>,
    },
}

impl Auth {
    pub fn client_credentials(token_url: String, client_id: u64, client_secret: Secret) -> Self {
        Auth::ClientCredentials {
            token_url,
            client_id,
            client_secret,
            cached: Mutex::new(None),
        }
    }

    /// Whether a refused token can be replaced by fetching a new one.
    pub fn renewable(&self) -> bool {
        matches!(self, Auth::ClientCredentials { .. })
    }

    /// The token to send; fetched when there is none or it is about to expire.
    pub async fn token(&self, http: &reqwest::Client) -> Result<Secret, ProviderError> {
        let (token_url, client_id, client_secret, cached) = match self {
            Auth::Fixed(token) => return Ok(token.clone()),
            Auth::ClientCredentials {
                token_url,
                client_id,
                client_secret,
                cached,
            } => (token_url, *client_id, client_secret, cached),
        };
        let mut cached = cached.lock().await;
        if let Some((token, valid_until)) = cached.as_ref() {
            if Instant::now() < *valid_until {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = fetch(http, token_url, client_id, client_secret).await?;
        *cached = Some((
            token.clone(),
            Instant::now() + lifetime.saturating_sub(EXPIRY_MARGIN),
        ));
        Ok(token)
    }

    /// Forgets a token that Leat refused, so that the next request fetches a new one.
    pub async fn forget(&self) {
        if let Auth::ClientCredentials { cached, .. } = self {
            *cached.lock().await = None;
        }
    }
}

async fn fetch(
    http: &reqwest::Client,
    token_url: &str,
    client_id: u64,
    client_secret: &Secret,
) -> Result<(Secret, Duration), ProviderError> {
    let client_id = client_id.to_string();
    let response = http
        .post(token_url)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.expose()),
        ])
        .send()
        .await
        .map_err(|e| transport_error("Leat", &e))?;
    let status = response.status();
    let retry_after = retry_after_seconds(response.headers());
    let body = read_body("Leat", response, |e| transport_error("Leat", &e)).await?;
    if status.is_success() {
        let token: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| bad_response("the OAuth token answer is not JSON with an access_token"))?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600));
        return Ok((Secret::new(token.access_token), lifetime));
    }
    Err(match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            ProviderError::Unavailable {
                message: format!(
                    "Leat cannot hand out an access token now (HTTP {}).",
                    status.as_u16()
                ),
                retry_after,
            }
        }
        s if s.is_server_error() => ProviderError::Unavailable {
            message: format!("Leat's token service has an error (HTTP {}).", s.as_u16()),
            retry_after,
        },
        s => ProviderError::Config {
            message: format!(
                "Leat refused the OAuth client {client_id} (HTTP {}). Check providers.leat.client_id and set the secret with `kassa secret set leat.client_secret`.",
                s.as_u16()
            ),
        },
    })
}
