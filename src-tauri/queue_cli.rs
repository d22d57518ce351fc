//! `kassa queue`, `kassa sync` and `kassa review`: the outbox from the command line.

use crate::boot::Booted;
use crate::cli::fail;
use crate::dto::ErrorDto;
use clap::Subcommand;
use kassa_core::outbox::{Op, OpState, Resolution, RunStats};
use kassa_core::shifts::report::Difference;
use kassa_core::store::Store;
use serde_json::{json, Value};
use std::process::ExitCode;
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;

/// Unfinished operations listed at most.
const LIST_LIMIT: u32 = 1_000;

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Send a refused operation again, or check an unknown one at its provider again.
    Retry { op: String },
    /// Close an operation without its provider (settled another way, or given up).
    WriteOff {
        op: String,
        /// How it was settled; required.
        #[arg(long)]
        note: String,
    },
    /// Book an operation as done, after checking at the provider that it was.
    Done {
        op: String,
        /// What was checked; required.
        #[arg(long)]
        note: String,
    },
    /// Settle a difference a shift's reconciliation found (`kassa review` lists them as `#ID`).
    Settle {
        difference: i64,
        /// How it was checked or put right; required.
        #[arg(long)]
        note: String,
    },
}

fn op_json(op: &Op) -> Value {
    json!({
        "id": op.id,
        "sale_id": op.sale_id,
        "provider": op.provider.as_str(),
        "kind": op.kind.as_str(),
        "card": op.card_masked(),
        "amount": op.amount.to_string(),
        "amount_minor": op.amount.minor,
        "currency": op.amount.currency.code(),
        "state": op.state.as_str(),
        "attempts": op.attempts,
        "last_error": op.last_error,
        "review_reason": op.review_reason,
        "created_at": op.created_at.format(&Rfc3339).ok(),
    })
}

fn op_line(op: &Op) -> String {
    format!(
        "{}  {:<10} {:<8} {:<11} {:>14}  {:<12} {}",
        op.id,
        op.provider.as_str(),
        op.kind.as_str(),
        op.card_masked().unwrap_or_default(),
        op.amount.to_string(),
        op.state.as_str(),
        op.review_reason
            .as_deref()
            .or(op.last_error.as_deref())
            .unwrap_or("")
    )
}

fn store_error(e: impl std::fmt::Display, json_out: bool) -> ExitCode {
    fail(
        &ErrorDto::config(format!("the outbox cannot be read: {e}")),
        json_out,
    )
}

/// Prints the queue: counts, age, money outstanding and the unfinished operations.
pub fn queue(store: &Store, json_out: bool) -> ExitCode {
    let summary = match store.queue_summary() {
        Ok(s) => s,
        Err(e) => return store_error(e, json_out),
    };
    let unfinished = [
        OpState::Pending,
        OpState::Sending,
        OpState::Unknown,
        OpState::Reconciling,
    ];
    let ops = match store.ops(&unfinished, LIST_LIMIT) {
        Ok(ops) => ops,
        Err(e) => return store_error(e, json_out),
    };
    let oldest = summary.oldest.and_then(|t| t.format(&Rfc3339).ok());
    if json_out {
        println!(
            "{}",
            json!({
                "ok": true,
                "unfinished": summary.unfinished(),
                "by_state": summary.by_state,
                "by_provider": summary.by_provider,
                "in_review": summary.in_review,
                "oldest": oldest,
                "outstanding_minor": summary.outstanding,
                "ops": ops.iter().map(op_json).collect::<Vec<_>>(),
            })
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "{} unfinished, {} waiting for review",
        summary.unfinished(),
        summary.in_review
    );
    for (state, n) in &summary.by_state {
        println!("  {state:<12} {n}");
    }
    for (currency, minor) in &summary.outstanding {
        let money = kassa_core::money::Money::new(
            *minor,
            kassa_core::money::Currency::try_from(currency.clone()).expect("stored currency"),
        );
        println!("  outstanding  {money}");
    }
    if let Some(oldest) = oldest {
        println!("  oldest       {oldest}");
    }
    for op in &ops {
        println!("{}", op_line(op));
    }
    ExitCode::SUCCESS
}

fn stats_json(stats: &RunStats) -> Value {
    json!({
        "steps": stats.steps,
        "succeeded": stats.succeeded,
        "declined": stats.declined,
        "retried": stats.retried,
        "unknown": stats.unknown,
        "to_review": stats.to_review,
    })
}

/// `kassa sync --once`'s exit code when operations are left: unfinished, or waiting for review.
pub const EXIT_WORK_LEFT: u8 = 3;

/// Runs the outbox engine: one pass (`once`), or until Ctrl-C. After one pass the exit code
/// says whether anything is left ([`EXIT_WORK_LEFT`]), and a line says what.
pub async fn sync(booted: Booted, once: bool, json_out: bool) -> ExitCode {
    let engine = booted.engine.clone();
    let result = if once {
        engine.run_once().await
    } else {
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = stop_tx.send(true);
            }
        });
        if !json_out {
            eprintln!("syncing; Ctrl-C stops after the requests in flight");
        }
        engine.run(stop).await
    };
    let stats = match result {
        Ok(stats) => stats,
        Err(e) => {
            let why = e
                .disk_fault()
                .map_or_else(|| e.to_string(), |fault| fault.message().to_string());
            return fail(
                &ErrorDto::config(format!(
                    "the outbox stopped: {why} Nothing is lost: what was in flight is checked at the next start."
                )),
                json_out,
            );
        }
    };
    let (unfinished, in_review) = match booted.store.queue_summary() {
        Ok(summary) => (summary.unfinished(), summary.in_review),
        Err(e) => return store_error(e, json_out),
    };
    if json_out {
        println!(
            "{}",
            json!({"ok": true, "stats": stats_json(&stats), "unfinished": unfinished, "in_review": in_review})
        );
    } else {
        println!(
            "{} steps: {} done, {} refused, {} to retry, {} unknown, {} to review",
            stats.steps,
            stats.succeeded,
            stats.declined,
            stats.retried,
            stats.unknown,
            stats.to_review
        );
        println!("{unfinished} unfinished, {in_review} waiting for review");
    }
    if once && unfinished + in_review > 0 {
        eprintln!(
            "left: {unfinished} unfinished (`kassa sync` sends them when due), \
             {in_review} waiting for review (`kassa review`)"
        );
        return ExitCode::from(EXIT_WORK_LEFT);
    }
    ExitCode::SUCCESS
}

/// A reconciliation difference as `kassa review` lists it.
fn difference_line(d: &Difference) -> String {
    let amount = |m: Option<i64>| m.map_or_else(|| "-".to_string(), |m| m.to_string());
    format!(
        "#{}  shift difference  {}  {}  {}  expected {} actual {} (minor units)  {}",
        d.id,
        d.provider,
        d.kind,
        d.card_masked.as_deref().unwrap_or("-"),
        amount(d.expected_minor),
        amount(d.actual_minor),
        d.op_id
            .as_deref()
            .or(d.provider_ref.as_deref())
            .unwrap_or("-")
    )
}

/// Lists the review list and the reconciliation differences not settled yet; needs no PIN.
pub fn review_list(store: &Store, json_out: bool) -> ExitCode {
    let list = match store.review_list() {
        Ok(list) => list,
        Err(e) => return store_error(e, json_out),
    };
    let differences = match store.open_differences() {
        Ok(d) => d,
        Err(e) => return store_error(e, json_out),
    };
    if json_out {
        let items: Vec<Value> = list.iter().map(|item| op_json(&item.op)).collect();
        println!(
            "{}",
            json!({"ok": true, "review": items, "differences": differences})
        );
    } else if list.is_empty() && differences.is_empty() {
        println!("Nothing to review.");
    } else {
        for d in &differences {
            println!("{}", difference_line(d));
        }
        for item in &list {
            println!(
                "{}  sale {}",
                op_line(&item.op),
                item.op.sale_id.as_deref().unwrap_or("-")
            );
        }
    }
    ExitCode::SUCCESS
}

/// Applies a manager's decision to an operation of the review list; the caller has checked
/// the manager's PIN.
pub fn review(store: &Store, command: ReviewCommand, json_out: bool) -> ExitCode {
    let (op, resolution) = match command {
        ReviewCommand::Settle { difference, note } => {
            return match store.settle_difference(difference, &note) {
                Ok(()) => {
                    if json_out {
                        println!("{}", json!({"ok": true, "difference": difference}));
                    } else {
                        println!("#{difference}: settled");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&crate::shift_cli::shift_error(e), json_out),
            }
        }
        ReviewCommand::Retry { op } => (op, Resolution::Retry),
        ReviewCommand::WriteOff { op, note } => (op, Resolution::WriteOff { note }),
        ReviewCommand::Done { op, note } => (op, Resolution::DoneAtProvider { note }),
    };
    match store.resolve_review(&op, &resolution) {
        Ok(()) => {
            if json_out {
                println!("{}", json!({"ok": true, "op": op}));
            } else {
                println!("{op}: resolved");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ErrorDto::config(e.to_string()), json_out),
    }
}

/// The operations a reset would lose: unfinished ones and those waiting for review.
fn at_risk(store: &Store) -> Result<Vec<Op>, kassa_core::store::StoreError> {
    let unfinished = [
        OpState::Pending,
        OpState::Sending,
        OpState::Unknown,
        OpState::Reconciling,
    ];
    let mut ops = store.ops(&unfinished, u32::MAX)?;
    for item in store.review_list()? {
        if !ops.iter().any(|o| o.id == item.op.id) {
            ops.push(item.op);
        }
    }
    Ok(ops)
}

/// Writes the operations a reset would lose to `path` as JSON (card codes masked).
pub fn export(store: &Store, path: &std::path::Path, json_out: bool) -> ExitCode {
    let ops = match at_risk(store) {
        Ok(ops) => ops,
        Err(e) => return store_error(e, json_out),
    };
    let body =
        json!({"exported_from": store.path(), "ops": ops.iter().map(op_json).collect::<Vec<_>>()});
    if let Err(e) = std::fs::write(path, format!("{body:#}\n")) {
        return fail(
            &ErrorDto::config(format!("cannot write {}: {e}", path.display())),
            json_out,
        );
    }
    if json_out {
        println!(
            "{}",
            json!({"ok": true, "exported": ops.len(), "file": path})
        );
    } else {
        println!("{} operations written to {}", ops.len(), path.display());
    }
    ExitCode::SUCCESS
}

/// Sets the database aside (renamed, never deleted) so that the till starts afresh. Refused
/// while operations are unfinished or waiting for review, unless `exported` is a file written
/// by `kassa queue --export` that lists every one of them. The caller has checked the
/// manager's PIN.
pub fn reset(store: Arc<Store>, exported: Option<&std::path::Path>, json_out: bool) -> ExitCode {
    let ops = match at_risk(&store) {
        Ok(ops) => ops,
        Err(e) => return store_error(e, json_out),
    };
    if !ops.is_empty() {
        let listed: Vec<String> = exported
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| {
                v["ops"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|o| o["id"].as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default();
        let missing = ops.iter().filter(|o| !listed.contains(&o.id)).count();
        if missing > 0 {
            return fail(
                &ErrorDto::config(format!(
                    "{} operations are not finished or wait for review; {missing} of them are not exported. Export them first with `kassa queue --export <file>`, then `kassa reset --exported <file>`.",
                    ops.len()
                )),
                json_out,
            );
        }
    }
    let path = store.path().to_path_buf();
    drop(store);
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut moved = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let from = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = std::path::PathBuf::from(format!("{}.reset-{stamp}{suffix}", path.display()));
            if let Err(e) = std::fs::rename(&from, &to) {
                return fail(
                    &ErrorDto::config(format!("cannot set {} aside: {e}", from.display())),
                    json_out,
                );
            }
            moved.push(to);
        }
    }
    if json_out {
        println!("{}", json!({"ok": true, "set_aside": moved}));
    } else {
        for to in &moved {
            println!("set aside: {}", to.display());
        }
    }
    ExitCode::SUCCESS
}
