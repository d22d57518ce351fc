//! What the clients share: building a reqwest client and sorting transport failures.

use kassa_core::provider::ProviderError;
use std::time::Duration;

pub fn client(timeout: Duration) -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("Kassa/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ProviderError::Config {
            message: format!("cannot set up HTTP: {e}"),
        })
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

/// `Retry-After` in seconds (an HTTP date is for the providers that send one to parse).
pub fn retry_after_seconds(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
