//! Lightspeed's rate limit (docs/providers.md §3.1, docs/rate_limiting): `300 × registers + 50`
//! requests per 5 minutes per retailer and application, reported in `X-RateLimit-Limit` and
//! `X-RateLimit-Remaining`; a 429 carries `Retry-After` as an HTTP date (RFC 1123) — or, as
//! HTTP allows, a number of seconds.
//!
//! The retailer's budget is shared by its tills: each keeps to its share
//! ([`RateBudget::till_share`]), counted in the till's database ([`SharedWindow`]) by every
//! process of the till before each request.

use crate::http::MAX_RETRY_AFTER;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::store::rate_window::Slot;
use kassa_core::store::Store;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How long a write (the outbox engine's send) waits in all for a slot in a full window before
/// it is handed back to the engine to retry later; a read (a look-up the cashier waits for)
/// does not wait.
pub const WRITE_WAIT: Duration = Duration::from_secs(30);

/// How many requests the till may send per window: what the outbox engine paces itself by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudget {
    pub requests: u32,
    pub window: Duration,
}

impl RateBudget {
    /// The retailer's budget: `300 × registers + 50` per 5 minutes.
    pub fn for_registers(registers: u32) -> RateBudget {
        RateBudget {
            requests: 300u32.saturating_mul(registers).saturating_add(50),
            window: Duration::from_secs(300),
        }
    }

    /// One till's share of the retailer's budget (`retailer`, or else `300 × registers + 50`)
    /// per 5 minutes: divided by `registers`, rounded down, so the retailer's tills together
    /// never exceed its budget.
    pub fn till_share(registers: u32, retailer: Option<u32>) -> RateBudget {
        let mut all = RateBudget::for_registers(registers);
        all.requests = retailer.unwrap_or(all.requests);
        RateBudget {
            requests: all.requests / registers.max(1),
            ..all
        }
    }

    /// The steady pace that stays within the budget: one request per this long.
    pub fn interval(&self) -> Duration {
        self.window / self.requests.max(1)
    }
}

/// The rate headers of Lightspeed's latest answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
}

impl RateLimitStatus {
    /// The headers' values, or none when the answer carried neither.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimitStatus> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u32>().ok();
        let status = RateLimitStatus {
            limit: number("X-RateLimit-Limit"),
            remaining: number("X-RateLimit-Remaining"),
        };
        (status.limit.is_some() || status.remaining.is_some()).then_some(status)
    }
}

/// How long `Retry-After` asks to wait from `now`: an HTTP date (RFC 1123, or the two
/// obsolete forms HTTP allows) or whole seconds. A date already past means "now"; no wait is
/// longer than [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The till's window of recent Lightspeed requests, kept in its database: every process of the
/// till (the window, each `kassa` command) takes a slot there before each request.
pub struct SharedWindow {
    store: Arc<Store>,
    budget: RateBudget,
}

impl SharedWindow {
    pub fn new(store: Arc<Store>, budget: RateBudget) -> SharedWindow {
        SharedWindow { store, budget }
    }

    /// Counts a request about to go out, or refuses it: Lightspeed asked the till to wait
    /// (`Retry-After`, noted by any process), or the share is used up. A write waits for a
    /// slot up to [`WRITE_WAIT`] in all; a read is refused at once with the wait in seconds.
    pub async fn take(&self, write: bool) -> Result<(), ProviderError> {
        let mut waited = Duration::ZERO;
        loop {
            match self.slot().await? {
                Slot::Taken => return Ok(()),
                Slot::HeldOff { left } => return Err(asked_to_wait(left)),
                Slot::Full { free_in } if write && waited + free_in <= WRITE_WAIT => {
                    tokio::time::sleep(free_in).await;
                    waited += free_in;
                }
                Slot::Full { free_in } => return Err(used_up(free_in)),
            }
        }
    }

    /// No request before `until`, in any process of the till.
    pub async fn hold_off(&self, until: SystemTime) {
        let store = self.store.clone();
        let noted = tokio::task::spawn_blocking(move || {
            store.hold_off_provider(ProviderId::Lightspeed, until)
        })
        .await;
        if let Ok(Err(e)) = noted {
            tracing::warn!(error = %e, "Lightspeed's Retry-After could not be noted in the database");
        }
    }

    async fn slot(&self) -> Result<Slot, ProviderError> {
        let store = self.store.clone();
        let RateBudget { requests, window } = self.budget;
        let counted = tokio::task::spawn_blocking(move || {
            store.take_rate_slot(ProviderId::Lightspeed, requests, window, SystemTime::now())
        })
        .await;
        let not_counted = |e: String| ProviderError::Unavailable {
            message: format!(
                "Kassa cannot count the request against Lightspeed's request budget: {e}"
            ),
            retry_after: None,
        };
        match counted {
            Ok(Ok(slot)) => Ok(slot),
            Ok(Err(e)) => Err(not_counted(e.to_string())),
            Err(e) => Err(not_counted(e.to_string())),
        }
    }
}

/// Whole seconds, rounded up: what a person is told to wait.
fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// The till's share of Lightspeed's budget is used up for another `free_in`.
fn used_up(free_in: Duration) -> ProviderError {
    ProviderError::Unavailable {
        message: format!(
            "Lightspeed's request budget is used up, try again in {} s.",
            seconds(free_in)
        ),
        retry_after: Some(free_in),
    }
}

/// Lightspeed asked the till (a 429's `Retry-After`) to wait another `left`.
pub(crate) fn asked_to_wait(left: Duration) -> ProviderError {
    ProviderError::Unavailable {
        message: format!(
            "Lightspeed asked the till to wait before the next request, try again in {} s.",
            seconds(left)
        ),
        retry_after: Some(left),
    }
}

/// What the client learnt of the limit: the latest headers, and a 429's "not before".
#[derive(Debug, Default)]
pub struct RateState {
    inner: Mutex<(Option<RateLimitStatus>, Option<SystemTime>)>,
}

impl RateState {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Option<RateLimitStatus>, Option<SystemTime>)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn latest(&self) -> Option<RateLimitStatus> {
        self.lock().0
    }

    pub fn observe(&self, headers: &HeaderMap) {
        if let Some(status) = RateLimitStatus::from_headers(headers) {
            self.lock().0 = Some(status);
        }
    }

    /// Lightspeed asked the till to wait `wait`; no request goes out before then.
    pub fn hold_off(&self, now: SystemTime, wait: Duration) {
        self.lock().1 = Some(now + wait);
    }

    /// How long is still to wait, if Lightspeed asked to.
    pub fn wait_left(&self, now: SystemTime) -> Option<Duration> {
        let mut inner = self.lock();
        match inner.1.map(|until| until.duration_since(now)) {
            Some(Ok(left)) if !left.is_zero() => Some(left),
            _ => {
                inner.1 = None;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_budget_is_300_per_register_plus_50_per_five_minutes() {
        assert_eq!(
            RateBudget::for_registers(1),
            RateBudget {
                requests: 350,
                window: Duration::from_secs(300)
            }
        );
        assert_eq!(RateBudget::for_registers(4).requests, 1250);
        // One till's share: the tills together stay within the retailer's budget.
        assert_eq!(RateBudget::till_share(1, None).requests, 350);
        assert_eq!(
            RateBudget::till_share(3, None).requests,
            316,
            "950 / 3, rounded down"
        );
        assert_eq!(RateBudget::till_share(10, None).requests, 305);
        assert_eq!(
            RateBudget::till_share(50, Some(1_000_000)).requests,
            20_000,
            "a limit Lightspeed granted the retailer, shared the same way"
        );
        for registers in 1..=50 {
            let share = RateBudget::till_share(registers, None).requests;
            assert!(share * registers <= RateBudget::for_registers(registers).requests);
        }
        assert_eq!(
            RateBudget::for_registers(1).interval(),
            Duration::from_nanos(857_142_857)
        );
    }

    #[test]
    fn reads_retry_after_as_an_http_date_or_seconds() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let h = headers(&[("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        // RFC 850 and asctime forms, which HTTP recipients must accept.
        let h = headers(&[("Retry-After", "Sunday, 06-Nov-94 08:49:47 GMT")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        let h = headers(&[("Retry-After", "Sun Nov  6 08:49:38 1994")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(1)));
        let h = headers(&[("Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT")]);
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO), "a past date");
        let h = headers(&[("Retry-After", "120")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(120)));
        let h = headers(&[("Retry-After", "999999999")]);
        assert_eq!(retry_after(&h, now), Some(MAX_RETRY_AFTER), "capped");
        let h = headers(&[("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT")]);
        assert_eq!(
            retry_after(&h, now),
            Some(MAX_RETRY_AFTER),
            "a far date, capped"
        );
        let h = headers(&[("Retry-After", "soon")]);
        assert_eq!(retry_after(&h, now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn reads_the_rate_headers() {
        let h = headers(&[
            ("X-RateLimit-Limit", "350"),
            ("X-RateLimit-Remaining", "12"),
        ]);
        assert_eq!(
            RateLimitStatus::from_headers(&h),
            Some(RateLimitStatus {
                limit: Some(350),
                remaining: Some(12)
            })
        );
        assert_eq!(RateLimitStatus::from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn holds_off_until_the_time_lightspeed_asked_for() {
        let state = RateState::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(state.wait_left(now), None);
        state.hold_off(now, Duration::from_secs(30));
        assert_eq!(
            state.wait_left(now + Duration::from_secs(10)),
            Some(Duration::from_secs(20))
        );
        assert_eq!(state.wait_left(now + Duration::from_secs(30)), None);
    }
}
