//! Lightspeed's rate limit (docs/providers.md §3.1): a number of requests per window, told in
//! `X-RateLimit-Limit` / `X-RateLimit-Remaining`; over it, 429 with `Retry-After` as an HTTP
//! date (RFC 1123).

use std::time::{Duration, Instant, SystemTime};

pub struct Window {
    pub limit: u32,
    pub length: Duration,
    started: Instant,
    started_at: SystemTime,
    used: u32,
}

/// A request's fate under the limit.
pub enum Admission {
    /// Go ahead; this many requests are left in the window.
    Admitted { remaining: u32 },
    /// Over the limit until this time.
    Refused { until: SystemTime },
}

impl Window {
    /// The documented budget: 300 per register + 50 per 5 minutes.
    pub fn for_registers(registers: u32) -> Window {
        Window::new(300 * registers + 50, Duration::from_secs(300))
    }

    pub fn new(limit: u32, length: Duration) -> Window {
        Window {
            limit,
            length,
            started: Instant::now(),
            started_at: SystemTime::now(),
            used: 0,
        }
    }

    pub fn admit(&mut self) -> Admission {
        if self.started.elapsed() >= self.length {
            self.started = Instant::now();
            self.started_at = SystemTime::now();
            self.used = 0;
        }
        if self.used >= self.limit {
            // An HTTP date has whole seconds: round up so a client that waits until then
            // finds the new window open.
            let end = self.started_at + self.length;
            let since_epoch = end
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            let secs = since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0);
            return Admission::Refused {
                until: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
            };
        }
        self.used += 1;
        Admission::Admitted {
            remaining: self.limit - self.used,
        }
    }
}
