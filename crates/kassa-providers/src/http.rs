//! What the clients share: building a reqwest client, reading an answer within bounds and
//! sorting transport failures.

use kassa_core::provider::ProviderError;
use std::time::Duration;

/// The largest answer body Kassa reads; a bigger one is refused before it fills memory.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The longest wait a provider's `Retry-After` can impose.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// The client every provider uses. Redirects are never followed: a request (and its token)
/// goes only to the configured address; a 3xx answer is refused by [`read_body`].
pub fn client(timeout: Duration) -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Kassa/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ProviderError::Config {
            message: format!("cannot set up HTTP: {e}"),
        })
}

/// Reads an answer's body. A redirect is a configuration error (the URL is never named: a
/// path can hold a card code); a body over [`MAX_BODY_BYTES`] is a bad response, refused on
/// its `Content-Length` when it has one and otherwise as soon as the bytes read pass the
/// cap. A transport failure while reading is sorted by `on_transport`, the caller's rule
/// (a write may have happened).
pub async fn read_body(
    provider: &str,
    mut response: reqwest::Response,
    on_transport: impl FnOnce(reqwest::Error) -> ProviderError,
) -> Result<Vec<u8>, ProviderError> {
    let status = response.status();
    if status.is_redirection() {
        return Err(ProviderError::Config {
            message: format!(
                "{provider} answered with a redirect to another address (HTTP {}): check base_url.",
                status.as_u16()
            ),
        });
    }
    let too_large = || ProviderError::BadResponse {
        message: format!(
            "{provider}: answer too large (over {} MiB, HTTP {}).",
            MAX_BODY_BYTES / (1024 * 1024),
            status.as_u16()
        ),
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(on_transport(e.without_url())),
        }
    }
}

/// Sorts a request that got no HTTP answer. A read can always be retried; whether a write
/// did happen is for the caller to settle.
pub fn transport_error(provider: &str, e: &reqwest::Error) -> ProviderError {
    if e.is_connect() {
        ProviderError::Unreachable {
            message: format!("{provider} cannot be reached (no connection)."),
        }
    } else if e.is_timeout() {
        ProviderError::Unreachable {
            message: format!("{provider} did not answer in time."),
        }
    } else {
        ProviderError::Unreachable {
            message: format!("{provider}: the connection failed ({e})."),
        }
    }
}

/// `Retry-After` in seconds, at most [`MAX_RETRY_AFTER`] (an HTTP date is for the providers
/// that send one to parse).
pub fn retry_after_seconds(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
}
