//! Lightspeed's rate limit (docs/providers.md §3.1, docs/rate_limiting): `300 × registers + 50`
//! requests per 5 minutes per retailer and application, reported in `X-RateLimit-Limit` and
//! `X-RateLimit-Remaining`; a 429 carries `Retry-After` as an HTTP date (RFC 1123) — or, as
//! HTTP allows, a number of seconds.

use crate::http::MAX_RETRY_AFTER;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How many requests the till may send per window: what the outbox engine paces itself by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudget {
    pub requests: u32,
    pub window: Duration,
}

impl RateBudget {
    /// `300 × registers + 50` per 5 minutes.
    pub fn for_registers(registers: u32) -> RateBudget {
        RateBudget {
            requests: 300u32.saturating_mul(registers).saturating_add(50),
            window: Duration::from_secs(300),
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
