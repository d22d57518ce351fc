//! Cold start to an interactive window: from just before the exec to the UI's startup mark (the
//! UI's last IPC call of its start-up, answered), for the till in training mode with an empty
//! database and with 1,000,000 journal rows, next to the floor window (an empty Tauri page). One
//! untimed round first (the web engine's caches, the training simulators' folder), then the
//! rounds, each opening the three in turn; each window is killed after its mark.
//!
//! target/bench/release/cold-start [--runs 7] [--journal-rows 1000000]
//! (under a display: `make bench` runs it under Xvfb). The till and the floor window are the
//! `kassa` and `floor-window` built next to it.

use kassa_bench::journal_db;
use kassa_bench::report::{arg, ms, quantile, this_command, Figure};
use kassa_bench::window::{sibling, Subject};
use std::time::Duration;

/// docs/design.md §10: ≤ 1.1× the floor with an empty database, ≤ 1.2× with 1,000,000 rows.
const TARGET_EMPTY: f64 = 1.1;
const TARGET_HISTORY: f64 = 1.2;

/// `1000000` as `1,000,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

struct Series {
    subject: Subject,
    times: Vec<Duration>,
}

impl Series {
    fn sorted(&self) -> Vec<Duration> {
        let mut times = self.times.clone();
        times.sort();
        times
    }

    fn text(&self) -> String {
        let sorted = self.sorted();
        format!(
            "{} median, p90 {} ({} runs)",
            ms(quantile(&sorted, 0.5)),
            ms(quantile(&sorted, 0.9)),
            sorted.len()
        )
    }
}

fn main() -> Result<(), String> {
    let runs = arg("--runs", 7);
    let rows = arg("--journal-rows", 1_000_000);
    let homes = tempfile::tempdir().map_err(|e| e.to_string())?;
    let home = |name: &str| homes.path().join(name);

    let history = home("till-history");
    let db = history.join("data/eu.kassa.till/training.sqlite3");
    std::fs::create_dir_all(db.parent().unwrap()).map_err(|e| e.to_string())?;
    println!(
        "Writing {} journal rows into {} ...",
        thousands(rows),
        db.display()
    );
    journal_db::create(&db, rows)?;

    let mut series = [
        Series {
            subject: Subject::new(sibling("floor-window"), &home("floor")),
            times: Vec::new(),
        },
        Series {
            subject: Subject::new(sibling("kassa"), &home("till-empty")),
            times: Vec::new(),
        },
        Series {
            subject: Subject::new(sibling("kassa"), &history),
            times: Vec::new(),
        },
    ];
    for round in 0..=runs {
        for s in &mut series {
            let started = s.subject.open()?.started_in;
            if round > 0 {
                s.times.push(started);
            }
        }
    }

    let [floor, empty, full] = &series;
    let floor_median = quantile(&floor.sorted(), 0.5);
    println!("Cold start to an interactive window, {runs} runs each:");
    println!("  minimal Tauri window (floor): {}", floor.text());
    let command = this_command();
    let history_rows = format!("{} journal rows", thousands(rows));
    for (till, what, target) in [
        (empty, "empty database", TARGET_EMPTY),
        (full, history_rows.as_str(), TARGET_HISTORY),
    ] {
        let ratio = quantile(&till.sorted(), 0.5).as_secs_f64() / floor_median.as_secs_f64();
        println!("  till, {what}: {} — {ratio:.2}× the floor", till.text());
        let figure = Figure {
            measure: format!(
                "cold start to an interactive window (exec → the UI's startup mark), till in training mode, {what}"
            ),
            figure: till.text(),
            baseline: format!("minimal Tauri window (empty page): {}", floor.text()),
            ratio: Some((ratio * 100.0).round() / 100.0),
            target: format!("≤ {target}× the floor (medians)"),
            met: Some(ratio <= target),
            command: command.clone(),
        };
        println!("{}", figure.line());
    }
    Ok(())
}
