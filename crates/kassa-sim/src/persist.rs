//! Keeping a simulator's ledger in a file, for training mode: a simulator restores its ledger
//! from a saved one, and once told where to keep it, writes it after every request that changed
//! it, durably and atomically, before the answer goes out, so a till killed right after an
//! answer finds the state the answer reported.
//!
//! Only the ledger is kept (cards, balances, transactions, holds, idempotent replays, baskets,
//! payments); settings, tokens, rate limits, fault injection and clocks are not.

use crate::faults::{Fault, Renderer};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A simulator whose ledger can be saved and restored.
pub trait Persistent: Clone + Send + Sync + 'static {
    /// The ledger as JSON.
    fn snapshot(&self) -> Vec<u8>;

    /// Replaces the ledger with a [`snapshot`](Persistent::snapshot); the simulator's
    /// settings stay. On an error the ledger is unchanged.
    fn restore(&self, snapshot: &[u8]) -> serde_json::Result<()>;

    /// Keeps the ledger in `path`: written now, and by the routers made from the returned
    /// simulator after every request that changed it, before its answer is sent.
    fn persist_to(self, path: &Path) -> io::Result<Self>;
}

/// The file a ledger is kept in, and what was last written to it.
pub struct LedgerFile {
    path: PathBuf,
    written: Mutex<Vec<u8>>,
}

impl LedgerFile {
    /// Writes `snapshot` to `path` now and keeps the ledger there from then on.
    pub(crate) fn create(path: &Path, snapshot: Vec<u8>) -> io::Result<Arc<LedgerFile>> {
        write_atomically(path, &snapshot)?;
        Ok(Arc::new(LedgerFile {
            path: path.to_path_buf(),
            written: Mutex::new(snapshot),
        }))
    }

    /// Writes the ledger if it changed since the last write. The snapshot is taken under this
    /// file's lock, so a later write never holds an older ledger.
    fn save(&self, snapshot: impl FnOnce() -> Vec<u8>) -> io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        let now = snapshot();
        if now != *written {
            write_atomically(&self.path, &now)?;
            *written = now;
        }
        Ok(())
    }
}

/// Writes a temporary file next to `path`, flushes it to disk, renames it over `path` and
/// flushes the folder: a reader finds the old file or the new one, never a part of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    // A temporary name of this write's own: two writers of one ledger (a till closing while the
    // next opens on the same folder) must not rename each other's file away.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}-{write}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let mut file = File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)?;
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// Wraps a simulator's router so that, with a ledger file, each request's changes are written
/// before its answer goes out. A ledger that cannot be written answers a 500 in the provider's
/// format: the request may or may not be kept, as with any server error.
pub(crate) fn layer<S: Persistent>(
    router: Router,
    sim: &S,
    file: Option<&Arc<LedgerFile>>,
    render: Renderer,
) -> Router {
    match file {
        None => router,
        Some(file) => router.layer(middleware::from_fn_with_state(
            (sim.clone(), file.clone(), render),
            save_after::<S>,
        )),
    }
}

async fn save_after<S: Persistent>(
    State((sim, file, render)): State<(S, Arc<LedgerFile>, Renderer)>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let path = file.path.clone();
    let saved = tokio::task::spawn_blocking(move || file.save(|| sim.snapshot())).await;
    match saved {
        Ok(Ok(())) => response,
        Ok(Err(e)) => {
            tracing::error!(file = %path.display(), error = %e, "cannot write a simulator's ledger");
            render(&Fault::ServerError(500))
        }
        Err(e) => {
            tracing::error!(file = %path.display(), error = %e, "writing a simulator's ledger failed");
            render(&Fault::ServerError(500))
        }
    }
}

/// A ledger as pretty JSON: the files are small and a trainer may read them.
pub(crate) fn to_json<T: serde::Serialize>(ledger: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(ledger).expect("a ledger has string or integer keys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_what_changed_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("kassa-sim-persist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ledger.json");
        let file = LedgerFile::create(&path, b"one".to_vec()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        file.save(|| b"two".to_vec()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // Unchanged: not written again (a changed file on disk shows it).
        fs::write(&path, b"edited").unwrap();
        file.save(|| b"two".to_vec()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"edited");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ledger.json")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
