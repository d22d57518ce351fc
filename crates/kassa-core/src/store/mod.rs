//! The till's SQLite database: WAL, `synchronous=FULL`, a busy timeout, versioned migrations.

pub mod journal;
pub mod rate_window;
mod schema;
pub(crate) mod stamp;

pub use journal::{ChainReport, JournalEntry, JournalRow};

use crate::lang::{Language, Text};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the database {path} is newer than this version of Kassa or damaged: {reason}")]
    Migrate { path: String, reason: String },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Something the store will not write, in words for the person who asked.
    #[error("{0}")]
    Refused(String),
    /// Payments are stopped (the journal was changed): said in the till's language.
    #[error("{0}")]
    Stopped(crate::lang::Sentence),
}

/// A fault of the disk under the database: the till must stop taking payments, because it
/// cannot record them (docs/design.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskFault {
    Full,
    ReadOnly,
    Io,
}

impl DiskFault {
    /// What the cashier and the installer read, in `language`.
    pub fn text(self, language: Language) -> &'static str {
        match self {
            DiskFault::Full => Text::DiskFull,
            DiskFault::ReadOnly => Text::DiskReadOnly,
            DiskFault::Io => Text::DiskFailed,
        }
        .get(language)
    }

    /// What the cashier and the installer read, in English (the logs, the CLI).
    pub fn message(self) -> &'static str {
        self.text(Language::En)
    }
}

impl StoreError {
    /// The disk fault behind this error, if it is one.
    pub fn disk_fault(&self) -> Option<DiskFault> {
        let StoreError::Sql(rusqlite::Error::SqliteFailure(e, _)) = self else {
            return None;
        };
        match e.code {
            rusqlite::ErrorCode::DiskFull => Some(DiskFault::Full),
            rusqlite::ErrorCode::ReadOnly => Some(DiskFault::ReadOnly),
            rusqlite::ErrorCode::SystemIoFailure => Some(DiskFault::Io),
            _ => None,
        }
    }
}

/// A column that holds something this version cannot read: the database was damaged or
/// written by a newer version.
pub(crate) fn bad_column(index: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        Box::<dyn std::error::Error + Send + Sync>::from(what),
    )
}

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        let open_err = |e: &dyn std::fmt::Display| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        }
        let mut conn = Connection::open(path).map_err(|e| open_err(&e))?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| open_err(&e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| open_err(&e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| open_err(&e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| open_err(&e))?;
        // What an update replaces (a card code masked once its operation finished) is
        // overwritten, not left in the file's free space.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|e| open_err(&e))?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migrate {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        journal::make_signed_in(&conn).map_err(|e| open_err(&e))?;
        let store = Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        };
        store.check_recent_journal(journal::START_CHECK_ROWS)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// SQLite's own consistency check; `ok` when the file is sound.
    pub fn quick_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?)
    }

    /// Operations that have not reached a final state: the database must not be discarded
    /// while this is above zero.
    pub fn unfinished_ops(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM ops WHERE state NOT IN ('succeeded', 'declined')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Looks ahead for a disk fault before a write runs into it: less than `min_free_bytes`
    /// left on the disk under the database, or a database file that cannot be opened for
    /// writing (a read-only mount, lost permissions). `None` when the till can record.
    pub fn disk_check(&self, min_free_bytes: u64) -> Option<DiskFault> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        match fs4::available_space(dir) {
            Ok(free) if free < min_free_bytes => return Some(DiskFault::Full),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "the free space on the disk cannot be read");
                return Some(DiskFault::Io);
            }
        }
        match std::fs::OpenOptions::new().append(true).open(&self.path) {
            Ok(_) => None,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => Some(DiskFault::Full),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                Some(DiskFault::ReadOnly)
            }
            Err(_) => Some(DiskFault::Io),
        }
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// Runs `write` on `conn` with `synchronous=NORMAL` (WAL: its commit is written, not flushed to
/// disk; the next `FULL` commit or checkpoint flushes it with everything before it), and sets
/// `FULL` back after it, whatever it returned (its transaction is over by then: committed, or
/// rolled back when dropped). For what a power cut may lose: see each caller.
pub(crate) fn without_fsync<T>(
    conn: &mut Connection,
    write: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let written = write(conn);
    conn.pragma_update(None, "synchronous", "FULL")?;
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_durable_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sub/kassa.sqlite3")).unwrap();
        let conn = store.conn();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        drop(conn);
        assert_eq!(store.quick_check().unwrap(), "ok");
        assert!(store.schema_version().unwrap() >= 1);
        assert_eq!(store.unfinished_ops().unwrap(), 0);
    }

    #[test]
    fn the_journal_and_the_holds_write_their_times_in_the_one_format() {
        use crate::holds::NewHold;
        use crate::money::{Currency, Money};
        use crate::provider::ProviderId;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        store
            .journal(&JournalEntry::lookup("leat", "••••0001", "ok"))
            .unwrap();
        let eur = Currency::try_from("EUR".to_string()).unwrap();
        store
            .save_hold(&NewHold {
                provider: ProviderId::Zmyle,
                intent_id: "i1".into(),
                op_id: None,
                card_masked: "••••0001".into(),
                amount: Money::new(500, eur),
                expires_at: time::OffsetDateTime::now_utc(),
            })
            .unwrap();
        let conn = store.conn();
        for column in [
            "at FROM journal",
            "expires_at FROM holds",
            "created_at FROM holds",
        ] {
            let at: String = conn
                .query_row(&format!("SELECT {column}"), [], |r| r.get(0))
                .unwrap();
            assert!(stamp::parse_stamp(&at).is_some(), "{column}: {at}");
        }
    }

    #[test]
    fn the_disk_check_sees_too_little_free_space_before_a_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        assert_eq!(store.disk_check(1), None, "a temp dir has a byte free");
        assert_eq!(store.disk_check(u64::MAX), Some(DiskFault::Full));
    }

    #[test]
    fn the_disk_check_sees_a_database_file_that_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        let store = Store::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(store.disk_check(1), Some(DiskFault::Io));
    }

    #[test]
    fn reopening_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        Store::open(&path)
            .unwrap()
            .journal(&JournalEntry::lookup("leat", "••••0001", "ok"))
            .unwrap();
        let again = Store::open(&path).unwrap();
        assert_eq!(again.recent_journal(10).unwrap().len(), 1);
    }

    #[test]
    fn a_full_disk_refuses_the_write_with_a_clear_message() {
        use crate::money::{Currency, Money};
        use crate::outbox::{NewOp, OpKind};
        use crate::provider::ProviderId;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        let eur = Currency::try_from("EUR".to_string()).unwrap();
        // The database may not grow past its current size: as good as a full disk.
        let pages: i64 = store
            .conn()
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        store
            .conn()
            .pragma_update(None, "max_page_count", pages)
            .unwrap();
        let big = "x".repeat(64 * 1024);
        let mut op = NewOp::new(
            ProviderId::Leat,
            OpKind::Redeem,
            Some("41651"),
            Money::new(500, eur),
        );
        op.payload = serde_json::json!({ "note": big });
        let err = store.enqueue(&[op]).unwrap_err();
        assert_eq!(err.disk_fault(), Some(DiskFault::Full), "{err}");
        assert!(DiskFault::Full.message().contains("takes none"));
        assert_eq!(store.unfinished_ops().unwrap(), 0, "nothing half-written");
    }

    #[test]
    fn a_read_only_database_refuses_the_write_with_a_clear_message() {
        use crate::money::{Currency, Money};
        use crate::outbox::{NewOp, OpKind};
        use crate::provider::ProviderId;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        // SQLite's own read-only switch (file permissions do not bind root, which CI may be).
        store
            .conn()
            .pragma_update(None, "query_only", true)
            .unwrap();
        let eur = Currency::try_from("EUR".to_string()).unwrap();
        let op = NewOp::new(
            ProviderId::Leat,
            OpKind::Redeem,
            Some("41651"),
            Money::new(500, eur),
        );
        let err = store.enqueue(&[op]).unwrap_err();
        assert_eq!(err.disk_fault(), Some(DiskFault::ReadOnly), "{err}");
        assert!(DiskFault::ReadOnly.message().contains("read-only"));
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        std::fs::write(&path, "this is not sqlite, just text ".repeat(200)).unwrap();
        let err = Store::open(&path).err().expect("must fail").to_string();
        assert!(err.contains("kassa.sqlite3"), "{err}");
    }
}
