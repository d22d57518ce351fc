//! A provider's rate budget kept in the till's database (`rate_window`, `rate_holds`,
//! migration 14), so every process of the till — the window, each `kassa` command — counts its
//! requests against one window: a row per request let out, pruned to the window, and the
//! "not before" a provider's 429 asked for.
//!
//! Taking a slot is one `BEGIN IMMEDIATE` transaction (count, then insert), so two processes
//! cannot both take the last slot. This bookkeeping is written with `synchronous=NORMAL`: a
//! power cut may forget the last requests' times, never the till's money.

use super::{without_fsync, Store, StoreError};
use crate::provider::ProviderId;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the window says to a request that wants to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Counted: the request may go.
    Taken,
    /// The window is full: its oldest request leaves it after this long.
    Full { free_in: Duration },
    /// The provider asked the till to wait (a 429's `Retry-After`) this long still.
    HeldOff { left: Duration },
}

fn millis(at: SystemTime) -> i64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn duration(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

impl Store {
    /// Counts a request to `provider` at `now` if fewer than `limit` went out in the `window`
    /// before it and the provider asked for no wait; otherwise says how long is left. Rows
    /// older than the window are deleted, and so are rows more than a window ahead of `now`
    /// (written before the clock was set back).
    pub fn take_rate_slot(
        &self,
        provider: ProviderId,
        limit: u32,
        window: Duration,
        now: SystemTime,
    ) -> Result<Slot, StoreError> {
        let now = millis(now);
        let span = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        self.bookkeeping(|tx| {
            let held: Option<i64> = tx
                .query_row(
                    "SELECT not_before_ms FROM rate_holds WHERE provider = ?1",
                    [provider.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(until) = held.filter(|until| *until > now) {
                return Ok(Slot::HeldOff {
                    left: duration(until - now),
                });
            }
            tx.execute(
                "DELETE FROM rate_window
                 WHERE provider = ?1 AND (sent_at_ms <= ?2 - ?3 OR sent_at_ms > ?2 + ?3)",
                params![provider.as_str(), now, span],
            )?;
            let (count, oldest): (u32, Option<i64>) = tx.query_row(
                "SELECT count(*), min(sent_at_ms) FROM rate_window WHERE provider = ?1",
                [provider.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count >= limit {
                let free_at = oldest.unwrap_or(now).saturating_add(span);
                return Ok(Slot::Full {
                    free_in: duration(free_at - now).max(Duration::from_millis(1)),
                });
            }
            tx.execute(
                "INSERT INTO rate_window (provider, sent_at_ms) VALUES (?1, ?2)",
                params![provider.as_str(), now],
            )?;
            Ok(Slot::Taken)
        })
    }

    /// No request to `provider` before `until` (a 429's `Retry-After`), in any process of the
    /// till; a later "not before" already noted stays.
    pub fn hold_off_provider(
        &self,
        provider: ProviderId,
        until: SystemTime,
    ) -> Result<(), StoreError> {
        self.bookkeeping(|tx| {
            tx.execute(
                "INSERT INTO rate_holds (provider, not_before_ms) VALUES (?1, ?2)
                 ON CONFLICT (provider)
                 DO UPDATE SET not_before_ms = max(not_before_ms, excluded.not_before_ms)",
                params![provider.as_str(), millis(until)],
            )?;
            Ok(())
        })
    }

    /// `write` in one `BEGIN IMMEDIATE` transaction committed with `synchronous=NORMAL`; the
    /// connection is back at `FULL` afterwards, whatever happened.
    fn bookkeeping<T>(
        &self,
        write: impl FnOnce(&Transaction) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        without_fsync(&mut self.conn(), |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = write(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(300);

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    #[test]
    fn two_handles_on_one_file_share_the_window_and_its_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        let window = Store::open(&path).unwrap();
        let cli = Store::open(&path).unwrap();
        let take = |s: &Store, secs| {
            s.take_rate_slot(ProviderId::Lightspeed, 3, WINDOW, at(secs))
                .unwrap()
        };
        assert_eq!(take(&window, 0), Slot::Taken);
        assert_eq!(take(&cli, 10), Slot::Taken);
        assert_eq!(take(&window, 20), Slot::Taken);
        assert_eq!(
            take(&cli, 30),
            Slot::Full {
                free_in: Duration::from_secs(270)
            },
            "the oldest (at 0) leaves the window at 300"
        );
        assert_eq!(
            window
                .take_rate_slot(ProviderId::Leat, 3, WINDOW, at(30))
                .unwrap(),
            Slot::Taken,
            "another provider has a window of its own"
        );
        assert_eq!(take(&window, 300), Slot::Taken, "the oldest has left");
        assert!(matches!(take(&cli, 301), Slot::Full { .. }));

        cli.hold_off_provider(ProviderId::Lightspeed, at(400))
            .unwrap();
        window
            .hold_off_provider(ProviderId::Lightspeed, at(350))
            .unwrap();
        assert_eq!(
            take(&window, 390),
            Slot::HeldOff {
                left: Duration::from_secs(10)
            },
            "the later hold stays"
        );
        assert_eq!(take(&cli, 400), Slot::Taken);
        // The bookkeeping leaves the connection as durable as before.
        let sync: i64 = window
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn rows_from_before_the_clock_was_set_back_do_not_block_forever() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        let take = |secs| {
            store
                .take_rate_slot(ProviderId::Lightspeed, 1, WINDOW, at(secs))
                .unwrap()
        };
        assert_eq!(take(10_000), Slot::Taken);
        // An hour earlier: the row is more than a window ahead, so it is dropped.
        assert_eq!(take(6_400), Slot::Taken);
        assert!(matches!(take(6_401), Slot::Full { .. }));
    }
}
