//! One process sends a data folder's outbox (docs/design.md §4.8): the window, `kassa sync` and
//! `kassa sale` each hold an OS file lock on `kassa.lock` in the data folder for as long as they
//! run; another one is refused with who holds it. The OS lets go of the lock when the process
//! ends, however it ends. Commands that only read (`kassa queue`, `kassa sales`, …) take none.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Held for the process's life: dropping it lets go of the data folder.
pub struct DataLock {
    _file: File,
}

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
                file.set_len(0)
                    .and_then(|()| file.seek(SeekFrom::Start(0)))
                    .and_then(|_| file.write_all(holder.as_bytes()))
                    .map_err(|e| cannot(&e))?;
                Ok(DataLock { _file: file })
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = if holder.trim().is_empty() {
                    "another Kassa"
                } else {
                    holder.trim()
                };
                Err(format!(
                    "Another Kassa is already sending this till's payments: {holder}. Only one \
                     may at a time: close it first, or let it do the work."
                ))
            }
            Err(TryLockError::Error(e)) => Err(cannot(&e)),
        }
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
}
