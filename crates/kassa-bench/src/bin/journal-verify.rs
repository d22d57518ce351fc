//! `kassa journal verify` over a long journal, next to a bare SQLite scan of the same rows: the
//! journal's writer chains `--journal-rows` look-ups (1,000,000) into a training database; then,
//! after one untimed round of each (the page cache), `--runs` rounds each time the real `kassa
//! journal verify --json` (exec → exit: process start, opening the database, reading every row
//! and hashing it) and, in this process, one `SELECT` of every column of every row in id order,
//! each value read and nothing hashed.
//!
//! target/bench/release/journal-verify [--runs 5] [--journal-rows 1000000]
//! The till is the `kassa` built next to it.

use kassa_bench::journal_db;
use kassa_bench::report::{arg, ms, quantile, this_command, Figure};
use kassa_bench::window::sibling;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `kassa --json journal verify` on the training till in `home`; the time to its exit.
fn verify(home: &Path, rows: u64) -> Result<Duration, String> {
    let started = Instant::now();
    let out = Command::new(sibling("kassa"))
        .args(["--json", "journal", "verify"])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env_remove("KASSA_CONFIG")
        .output()
        .map_err(|e| format!("kassa cannot run: {e}"))?;
    let took = started.elapsed();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "kassa journal verify printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    if !out.status.success() || report["rows"] != rows {
        return Err(format!(
            "kassa journal verify did not find a whole journal: {report}"
        ));
    }
    Ok(took)
}

/// Reads every column of every row in id order; the time it took.
fn bare_scan(db: &Path, rows: u64) -> Result<Duration, String> {
    let started = Instant::now();
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare(
            "SELECT id, seq, at, kind, provider, card_masked, sale_id, op_id, amount_minor,
                    currency, outcome, detail, hash
             FROM journal ORDER BY id",
        )
        .map_err(|e| e.to_string())?;
    let mut it = stmt.query([]).map_err(|e| e.to_string())?;
    let (mut read, mut bytes) = (0u64, 0usize);
    while let Some(row) = it.next().map_err(|e| e.to_string())? {
        for i in 0..13 {
            let value = row.get_ref(i).map_err(|e| e.to_string())?;
            bytes += value.as_bytes().map_or(8, <[u8]>::len);
        }
        read += 1;
    }
    let took = started.elapsed();
    if read != rows || bytes == 0 {
        return Err(format!("the scan read {read} rows, not {rows}"));
    }
    Ok(took)
}

fn summary(times: &[Duration]) -> (Duration, String) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let median = quantile(&sorted, 0.5);
    (
        median,
        format!(
            "{} median, p90 {} ({} runs)",
            ms(median),
            ms(quantile(&sorted, 0.9)),
            sorted.len()
        ),
    )
}

fn main() -> Result<(), String> {
    let runs = arg("--runs", 5);
    let rows = arg("--journal-rows", 1_000_000);
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = home.path().join("data/eu.kassa.till/training.sqlite3");
    std::fs::create_dir_all(db.parent().unwrap()).map_err(|e| e.to_string())?;
    println!(
        "Writing {rows} chained journal rows into {} ...",
        db.display()
    );
    let written = Instant::now();
    journal_db::create(&db, rows)?;
    println!("  written in {}", ms(written.elapsed()));

    let (mut verifies, mut scans) = (Vec::new(), Vec::new());
    for round in 0..=runs {
        let v = verify(home.path(), rows)?;
        let s = bare_scan(&db, rows)?;
        if round > 0 {
            verifies.push(v);
            scans.push(s);
        }
    }
    let (verify_median, verify_text) = summary(&verifies);
    let (scan_median, scan_text) = summary(&scans);
    let ratio = verify_median.as_secs_f64() / scan_median.as_secs_f64();
    println!("kassa journal verify over {rows} rows: {verify_text}");
    println!("bare SQLite scan of the same rows: {scan_text} — verify is {ratio:.2}× the scan");
    let figure = Figure {
        measure: format!(
            "`kassa journal verify` over {rows} journal rows (exec → exit: start, open, every row read and SHA-256 hashed)"
        ),
        figure: verify_text,
        baseline: format!(
            "bare SQLite scan of the same rows (every column, id order, no hashing, in process): {scan_text}"
        ),
        ratio: Some((ratio * 100.0).round() / 100.0),
        target: "none set (reported next to the scan)".into(),
        met: None,
        command: this_command(),
    };
    println!("{}", figure.line());
    Ok(())
}
