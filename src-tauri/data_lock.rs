//! One process sends a data folder's outbox (docs/design.md §4.8): the window, `kassa sync` and
//! `kassa sale` each hold an OS file lock on `kassa.lock` in the data folder for as long as they
//! run; another one is refused with who holds it. The OS lets go of the lock when the process
//! ends, however it ends. Commands that only read (`kassa queue`, `kassa sales`, …) take none.
//! A window holding the lock also writes where it listens for "come to the front" (see
//! `front.rs`), so that a second window opened on the same folder brings the first forward.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

/// Held for the process's life: dropping it lets go of the data folder.
pub struct DataLock {
    file: File,
    holder: String,
}

/// The line of `kassa.lock` that says where its holder listens for "come to the front".
const FRONT: &str = "front ";

impl DataLock {
    /// Takes the data folder for `role` (what the cashier or installer knows it as: "the till's
    /// window", "kassa sync"), or says who has it.
    pub fn acquire(data_dir: &Path, role: &str) -> Result<DataLock, String> {
        let path = data_dir.join("kassa.lock");
        let cannot = |e: &dyn std::fmt::Display| {
            format!(
                "cannot lock the till's data folder ({}): {e}",
                path.display()
            )
        };
        std::fs::create_dir_all(data_dir).map_err(|e| cannot(&e))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| cannot(&e))?;
        match file.try_lock() {
            Ok(()) => {
                let holder = format!("{role} (process {})", std::process::id());
                let mut lock = DataLock { file, holder };
                lock.write(&lock.holder.clone()).map_err(|e| cannot(&e))?;
                Ok(lock)
            }
            Err(TryLockError::WouldBlock) => {
                let mut content = String::new();
                let _ = file.read_to_string(&mut content);
                let holder = content.lines().next().unwrap_or_default().trim();
                let holder = if holder.is_empty() {
                    "another Kassa"
                } else {
                    holder
                };
                Err(format!(
                    "Another Kassa is already sending this till's payments: {holder}. Only one \
                     may at a time: close it first, or let it do the work."
                ))
            }
            Err(TryLockError::Error(e)) => Err(cannot(&e)),
        }
    }

    /// Writes where this holder listens for "come to the front" (a window does).
    pub fn advertise_front(&mut self, at: SocketAddr) -> std::io::Result<()> {
        let content = format!("{}\n{FRONT}{at}", self.holder);
        self.write(&content)
    }

    fn write(&mut self, content: &str) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(content.as_bytes())
    }

    /// Where the holder of `data_dir`'s lock listens for "come to the front", if it does.
    pub fn holder_front(data_dir: &Path) -> Option<SocketAddr> {
        let content = std::fs::read_to_string(data_dir.join("kassa.lock")).ok()?;
        content
            .lines()
            .find_map(|line| line.strip_prefix(FRONT))
            .and_then(|at| at.parse().ok())
    }

    /// [`DataLock::acquire`], trying again for up to `patience`: a till reopened at once finds
    /// the one it replaces still closing.
    pub fn acquire_within(
        data_dir: &Path,
        role: &str,
        patience: Duration,
    ) -> Result<DataLock, String> {
        let until = Instant::now() + patience;
        loop {
            match DataLock::acquire(data_dir, role) {
                Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(100)),
                done => return done,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_who_has_the_folder_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::acquire(dir.path(), "kassa sync").unwrap();
        let refused = DataLock::acquire(dir.path(), "the till's window")
            .err()
            .expect("refused while held");
        assert!(refused.contains(": kassa sync (process "), "{refused}");
        assert!(refused.contains("Only one may at a time"), "{refused}");
        let patient = Duration::from_millis(300);
        assert!(DataLock::acquire_within(dir.path(), "the till's window", patient).is_err());
        drop(first);
        assert!(DataLock::acquire(dir.path(), "the till's window").is_ok());
    }

    #[test]
    fn a_window_says_where_it_listens_and_is_still_named_as_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let mut window = DataLock::acquire(dir.path(), "the till's window").unwrap();
        assert_eq!(DataLock::holder_front(dir.path()), None);
        let at: SocketAddr = "127.0.0.1:40123".parse().unwrap();
        window.advertise_front(at).unwrap();
        assert_eq!(DataLock::holder_front(dir.path()), Some(at));
        let refused = DataLock::acquire(dir.path(), "kassa sync").err().unwrap();
        assert!(
            refused.contains(": the till's window (process "),
            "{refused}"
        );
        assert!(!refused.contains("40123"), "{refused}");
    }
}
