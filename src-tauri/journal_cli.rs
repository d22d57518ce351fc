//! `kassa journal verify`: walks the journal's whole hash chain (streaming, one row in memory
//! at a time) and names the first row that was changed, inserted or deleted. Breaks a manager
//! has acknowledged are listed as such. Exits 0 when the chain is whole, [`BROKEN`] when not.
//! It opens the database only.

use crate::cli::{fail, open_store};
use crate::dto::ErrorDto;
use crate::paths::Paths;
use kassa_core::store::journal::chain::hex;
use kassa_core::store::journal::{ChainBreak, ChainReport};
use serde_json::{json, Value};
use std::process::ExitCode;

/// The exit code of a journal whose chain does not hold.
pub const BROKEN: u8 = 3;

#[derive(Debug, clap::Subcommand)]
pub enum JournalCommand {
    /// Check the whole hash chain: exits 0 when it is whole, 3 at the first row that was
    /// changed, inserted or deleted (named by its seq and id).
    Verify,
}

/// `kassa journal verify`.
pub fn run(paths: &Paths, command: &JournalCommand, json_out: bool) -> ExitCode {
    let JournalCommand::Verify = command;
    let report = match open_store(paths)
        .and_then(|store| store.verify_journal().map_err(|e| e.to_string()))
    {
        Ok(report) => report,
        Err(message) => return fail(&ErrorDto::config(message), json_out),
    };
    let first = report.first_unseen();
    if json_out {
        println!("{}", as_json(&report));
    } else {
        print!("{}", as_text(&report));
    }
    if first.is_some() {
        ExitCode::from(BROKEN)
    } else {
        ExitCode::SUCCESS
    }
}

fn break_json(b: &ChainBreak) -> Value {
    json!({
        "id": b.id,
        "seq": b.seq,
        "problem": b.problem.as_str(),
        "acknowledged": b.acknowledged,
        "message": b.describe(),
    })
}

fn as_json(report: &ChainReport) -> Value {
    json!({
        "ok": report.first_unseen().is_none(),
        "rows": report.rows,
        "head": report.head.map(|h| json!({"id": h.id, "seq": h.seq, "hash": hex(&h.hash)})),
        "first_break": report.first_unseen().map(break_json),
        "breaks": report.breaks.iter().map(break_json).collect::<Vec<_>>(),
        "break_count": report.break_count,
    })
}

fn as_text(report: &ChainReport) -> String {
    let mut out = String::new();
    match report.first_unseen() {
        None => out.push_str(&format!(
            "The journal is whole: {} rows checked.\n",
            report.rows
        )),
        Some(first) => {
            out.push_str(&format!(
                "The journal's chain is broken: {}.\n",
                first.describe()
            ));
            let more = report.unseen_count() - 1;
            if more > 0 {
                out.push_str(&format!(
                    "{more} more break(s) after it no manager has seen.\n"
                ));
            }
            out.push_str(&format!("{} rows checked.\n", report.rows));
        }
    }
    for b in report.breaks.iter().filter(|b| b.acknowledged) {
        out.push_str(&format!("Seen by a manager before: {}.\n", b.describe()));
    }
    if let Some(h) = report.head {
        out.push_str(&format!(
            "Head: seq {} (id {}), hash {}\n",
            h.seq,
            h.id,
            hex(&h.hash)
        ));
    }
    out
}
