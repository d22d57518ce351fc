//! Logs go to a daily-rolling file in the app's log folder. Card codes are masked where they
//! are logged (kassa-core's `CardCode` only prints masked); secrets are never logged.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Keep the guard alive for as long as the process logs; dropping it flushes the file.
pub fn init(log_dir: &Path, also_stderr: bool) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_env("KASSA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = std::fs::create_dir_all(log_dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("kassa")
            .filename_suffix("log")
            .max_log_files(30)
            .build(log_dir)
            .ok()
    });
    let (writer, guard) = match file {
        Some(appender) => {
            let (w, g) = tracing_appender::non_blocking(appender);
            (Some(w), Some(g))
        }
        None => (None, None),
    };
    let registry = tracing_subscriber::registry();
    let file_layer = writer.map(|w| {
        fmt::layer()
            .with_ansi(false)
            .with_writer(w)
            .with_filter(filter())
    });
    let stderr_layer = also_stderr.then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = registry.with(file_layer).with(stderr_layer).try_init();
    guard
}
