//! Training mode: every simulator on loopback, seeded with demo data a cashier can scan. The
//! demo cards are listed here (and in the README) so a trainer can print a card sheet.
//!
//! The providers' ledgers are kept in a folder (the till's training data folder), one file per
//! provider, so training behaves like the real thing across restarts: a card spent in one
//! session still shows the lower balance after the till is reopened, and queued operations meet
//! the ledger they left. A missing file means the demo data; deleting the folder resets them.

mod leat;
mod lightspeed;
mod shopwave;
mod zmyle;

pub use leat::*;
pub use lightspeed::*;
pub use shopwave::*;
pub use zmyle::*;

use crate::persist::Persistent;
use crate::server::{serve, Running};
use std::io;
use std::path::{Path, PathBuf};

/// The simulators of training mode; each stops when dropped.
pub struct TrainingSims {
    pub leat: Running,
    pub lightspeed: Running,
    pub zmyle: Running,
    /// The POS back-office; its token endpoint is `/oauth/token`.
    pub shopwave: Running,
}

/// The files in the ledger folder, one per provider.
pub const LEDGER_FILES: [&str; 4] = [
    "leat.json",
    "zmyle.json",
    "lightspeed.json",
    "shopwave.json",
];

/// Starts the simulators on the current tokio runtime, with the ledgers kept in `dir` (created
/// if missing): each provider's file is restored, or the demo data seeded when there is none.
/// A file that cannot be read is set aside (`<name>.unreadable-<UTC time>`) with a warning,
/// and the demo data served instead.
pub async fn start(dir: &Path) -> io::Result<TrainingSims> {
    std::fs::create_dir_all(dir)?;
    let [leat_file, zmyle_file, lightspeed_file, shopwave_file] = LEDGER_FILES;
    Ok(TrainingSims {
        leat: serve(kept(leat::sim(), dir, leat_file)?.router()).await?,
        lightspeed: serve(kept(lightspeed::sim(), dir, lightspeed_file)?.router()).await?,
        zmyle: serve(kept(zmyle::sim(), dir, zmyle_file)?.router()).await?,
        shopwave: serve(kept(shopwave::sim(), dir, shopwave_file)?.router()).await?,
    })
}

/// The simulator with the ledger saved in `dir/name`, or with its demo data when there is
/// none; from now on the ledger is kept there.
fn kept<S: Persistent>(demo: S, dir: &Path, name: &str) -> io::Result<S> {
    let path = dir.join(name);
    let restored = match std::fs::read(&path) {
        Ok(saved) => demo.restore(&saved).map_err(io::Error::from),
        Err(e) => Err(e),
    };
    match restored {
        Ok(()) => tracing::info!(file = %path.display(), "training ledger restored"),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => set_aside(&path, &e),
    }
    demo.persist_to(&path)
}

/// Renames an unreadable ledger file out of the way, so the demo data can take its place and
/// the file can still be looked at.
fn set_aside(path: &Path, error: &io::Error) {
    let aside = unreadable_name(path);
    match std::fs::rename(path, &aside) {
        Ok(()) => tracing::warn!(
            file = %path.display(),
            set_aside = %aside.display(),
            error = %error,
            "a training ledger cannot be read; it is set aside and the demo data served"
        ),
        Err(rename) => tracing::warn!(
            file = %path.display(),
            error = %error,
            rename_error = %rename,
            "a training ledger cannot be read nor set aside; the demo data replace it"
        ),
    }
}

/// `<name>.unreadable-<UTC time>`, e.g. `leat.json.unreadable-20260131T235959Z`.
fn unreadable_name(path: &Path) -> PathBuf {
    let at = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".unreadable-{stamp}"));
    path.with_file_name(name)
}
