//! Kassa's performance suite (`make bench`, BENCHMARKS.md): the floor window every webview app
//! stands on, the programs that measure the till's cold start and idle memory next to it, and
//! the runner that runs every benchmark program and writes their figures into BENCHMARKS.md.
//! Benchmarks, never tests: nothing here asserts a duration.

pub mod journal_db;
pub mod report;
pub mod table;
pub mod window;

/// The line a window prints on stdout when its UI has started: the till's UI (ui/main.js)
/// and the floor window's page each invoke their `startup_mark` command last.
pub const STARTUP_MARK: &str = "KASSA_STARTUP_MARK";
