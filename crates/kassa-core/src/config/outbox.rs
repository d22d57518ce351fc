//! The `[outbox]` section: how the outbox engine sends (docs/design.md §4–5).

use crate::outbox::EngineConfig;
use serde::Deserialize;
use std::time::Duration;

/// How hard and how often the outbox sends. The defaults are [`EngineConfig`]'s.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Requests in flight at once per provider.
    pub concurrency: usize,
    /// The first retry's delay, in milliseconds; it doubles from there (with jitter).
    pub min_backoff_ms: u64,
    /// The longest delay between retries, in milliseconds.
    pub max_backoff_ms: u64,
    /// How often to look for newly due work while waiting, in milliseconds.
    pub poll_interval_ms: u64,
    /// An operation whose outcome is still unknown after this many attempts goes to the review
    /// list ("check at the provider").
    pub max_unknown_attempts: u32,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Default for OutboxConfig {
    fn default() -> Self {
        let engine = EngineConfig::default();
        OutboxConfig {
            concurrency: engine.concurrency,
            min_backoff_ms: millis(engine.min_backoff),
            max_backoff_ms: millis(engine.max_backoff),
            poll_interval_ms: millis(engine.poll),
            max_unknown_attempts: engine.max_unknown_attempts,
        }
    }
}

impl OutboxConfig {
    /// The engine's settings from this section.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            concurrency: self.concurrency,
            min_backoff: Duration::from_millis(self.min_backoff_ms),
            max_backoff: Duration::from_millis(self.max_backoff_ms),
            poll: Duration::from_millis(self.poll_interval_ms),
            max_unknown_attempts: self.max_unknown_attempts,
            ..EngineConfig::default()
        }
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        for (name, value) in [
            ("concurrency", self.concurrency as u64),
            ("min_backoff_ms", self.min_backoff_ms),
            ("max_backoff_ms", self.max_backoff_ms),
            ("poll_interval_ms", self.poll_interval_ms),
            ("max_unknown_attempts", u64::from(self.max_unknown_attempts)),
        ] {
            if value == 0 {
                return Err(format!("outbox.{name} must be more than 0"));
            }
        }
        if self.min_backoff_ms > self.max_backoff_ms {
            return Err(format!(
                "outbox.min_backoff_ms ({}) must not be more than outbox.max_backoff_ms ({})",
                self.min_backoff_ms, self.max_backoff_ms
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn no_section_is_the_engines_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.outbox, OutboxConfig::default());
        let engine = c.outbox.engine_config();
        let defaults = EngineConfig::default();
        assert_eq!(engine.concurrency, defaults.concurrency);
        assert_eq!(engine.min_backoff, defaults.min_backoff);
        assert_eq!(engine.max_backoff, defaults.max_backoff);
        assert_eq!(engine.poll, defaults.poll);
        assert_eq!(c.outbox.min_backoff_ms, 1_000);
        assert_eq!(c.outbox.max_backoff_ms, 300_000);
    }

    #[test]
    fn reads_every_key_and_keeps_the_defaults_of_the_others() {
        let c = Config::parse(
            "[outbox]\nconcurrency = 8\nmin_backoff_ms = 5\nmax_backoff_ms = 200\npoll_interval_ms = 20\n",
        )
        .unwrap();
        let engine = c.outbox.engine_config();
        assert_eq!(engine.concurrency, 8);
        assert_eq!(engine.min_backoff, Duration::from_millis(5));
        assert_eq!(engine.max_backoff, Duration::from_millis(200));
        assert_eq!(engine.poll, Duration::from_millis(20));

        let c = Config::parse("[outbox]\nconcurrency = 2\n").unwrap();
        assert_eq!(c.outbox.concurrency, 2);
        assert_eq!(
            c.outbox.poll_interval_ms,
            OutboxConfig::default().poll_interval_ms
        );
        assert!(c.is_training(), "the outbox section configures no provider");
    }

    #[test]
    fn says_what_is_wrong() {
        let err =
            Config::parse("[outbox]\nmin_backoff_ms = 500\nmax_backoff_ms = 100\n").unwrap_err();
        assert!(
            err.contains(
                "outbox.min_backoff_ms (500) must not be more than outbox.max_backoff_ms (100)"
            ),
            "{err}"
        );
        for key in [
            "concurrency",
            "min_backoff_ms",
            "max_backoff_ms",
            "poll_interval_ms",
        ] {
            let err = Config::parse(&format!("[outbox]\n{key} = 0\n")).unwrap_err();
            assert!(
                err.contains(&format!("outbox.{key} must be more than 0")),
                "{err}"
            );
        }
        let err = Config::parse("[outbox]\npoll_ms = 10\n").unwrap_err();
        assert!(err.contains("poll_ms"), "{err}");
        let err = Config::parse("[outbox]\nconcurrency = -1\n").unwrap_err();
        assert!(err.contains("concurrency"), "{err}");
    }
}
