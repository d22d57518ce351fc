//! The Z report over a long history: `--journal-rows` look-ups (1,000,000) chained into a
//! till's database by the journal's own writer, `--shifts` closed shifts (200) of `--sales`
//! cash sales each (500) before, then an open shift of as many sales; timed: `--runs` X
//! reports of it (the same aggregates), then closing it
//! (`Store::close_shift`: the Z report built from its SQL aggregates and kept, in one
//! transaction). Next to it, a
//! bare SQLite `count(*)` of the journal: what reading the history once would cost. The open
//! shift began eight hours before the newest look-up, as a day's shift does.
//!
//! target/bench/release/z-report [--runs 20] [--journal-rows 1000000] [--shifts 200] [--sales 500]

use kassa_bench::journal_db;
use kassa_bench::report::{arg, ms, quantile, this_command, Figure};
use kassa_core::store::Store;
use rusqlite::{params, Connection};
use std::path::Path;
use std::time::{Duration, Instant};

/// `shifts` closed shifts and one open one, `sales` cash sales of one line each per shift,
/// straight into the tables (the history a busy till has; the journal is the journal's own).
fn history(db: &Path, shifts: u64, sales: u64) -> Result<(), String> {
    let mut conn = Connection::open(db).map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    // Earlier shifts a year back; the open one began eight hours ago, in the journal's last
    // day of look-ups.
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    let long_ago = "2025-01-01T09:00:00.000Z".to_string();
    let today = (time::OffsetDateTime::now_utc() - time::Duration::hours(8))
        .format(fmt)
        .map_err(|e| e.to_string())?;
    let mut number = 0i64;
    for shift in 1..=shifts + 1 {
        let open = shift == shifts + 1;
        let at = if open { &today } else { &long_ago };
        tx.execute(
            "INSERT INTO shifts (id, state, currency, float_minor, opened_by, counted_minor,
                                 opened_at, closed_at)
             VALUES (?1, ?2, 'EUR', 10000, 'cashier', ?3, ?4, ?5)",
            params![
                shift as i64,
                if open { "open" } else { "closed" },
                (!open).then_some(10000),
                at,
                (!open).then_some(at)
            ],
        )
        .map_err(|e| e.to_string())?;
        for _ in 0..sales {
            number += 1;
            let id = format!("sale-{number}");
            let amount = 100 + number % 5_000;
            tx.execute(
                "INSERT INTO sales (id, number, state, currency, created_at, updated_at,
                                    finished_at, shift_id)
                 VALUES (?1, ?2, 'completed', 'EUR', ?3, ?3, ?3, ?4)",
                params![id, number, at, shift as i64],
            )
            .map_err(|e| e.to_string())?;
            tx.execute(
                "INSERT INTO sale_lines (sale_id, pos, description, quantity, unit_price_minor)
                 VALUES (?1, 1, 'Coffee beans', 1, ?2)",
                params![id, amount],
            )
            .map_err(|e| e.to_string())?;
            tx.execute(
                "INSERT INTO tenders (id, sale_id, pos, kind, amount_minor, given_minor, state,
                                      created_at, updated_at)
                 VALUES (?1, ?1, 1, 'cash', ?2, ?2, 'taken', ?3, ?3)",
                params![id, amount, at],
            )
            .map_err(|e| e.to_string())?;
        }
    }
    tx.commit().map_err(|e| e.to_string())
}

fn bare_count(db: &Path, rows: u64) -> Result<Duration, String> {
    let started = Instant::now();
    let conn = Connection::open(db).map_err(|e| e.to_string())?;
    let counted: i64 = conn
        .query_row(
            "SELECT count(*) FROM journal WHERE kind = 'lookup'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if counted as u64 != rows {
        return Err(format!("the journal holds {counted} look-ups, not {rows}"));
    }
    Ok(took)
}

fn main() -> Result<(), String> {
    let runs = arg("--runs", 20);
    let rows = arg("--journal-rows", 1_000_000);
    let shifts = arg("--shifts", 200);
    let sales = arg("--sales", 500);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = dir.path().join("kassa.sqlite3");
    println!("Writing {rows} journal rows, {shifts} shifts of {sales} sales ...");
    journal_db::create(&db, rows)?;
    history(&db, shifts, sales)?;

    let store = Store::open(&db).map_err(|e| e.to_string())?;
    let mut xs = Vec::new();
    for round in 0..=runs {
        let started = Instant::now();
        store.x_report().map_err(|e| e.to_string())?;
        if round > 0 {
            xs.push(started.elapsed());
        }
    }
    xs.sort();
    let started = Instant::now();
    let z = store.close_shift(12_345).map_err(|e| e.to_string())?;
    let close = started.elapsed();
    if z.sales.count != sales as i64 || z.lookups == 0 {
        return Err(format!(
            "the Z report counts {} sales and {} look-ups, not {sales} and some",
            z.sales.count, z.lookups
        ));
    }
    let scan = bare_count(&db, rows)?;
    let figure_text = format!(
        "{} (close + Z); X report {} median, p90 {} ({runs} runs)",
        ms(close),
        ms(quantile(&xs, 0.5)),
        ms(quantile(&xs, 0.9))
    );
    println!("Z report over {rows} journal rows: {figure_text}");
    let figure = Figure {
        measure: format!(
            "Z report over {rows} journal rows and {} sales in {shifts} earlier shifts (close: the report built and kept)",
            shifts * sales
        ),
        figure: figure_text,
        baseline: format!("bare SQLite count of the journal's look-ups: {}", ms(scan)),
        ratio: Some(((close.as_secs_f64() / scan.as_secs_f64()) * 100.0).round() / 100.0),
        target: "≤ 300 ms".into(),
        met: Some(close <= Duration::from_millis(300)),
        command: this_command(),
    };
    println!("{}", figure.line());
    Ok(())
}
