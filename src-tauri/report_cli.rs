//! `kassa report x|z [--shift ID] [--json]`: the open shift's X report, or a closed shift's Z
//! report (the latest unless `--shift`), as text rows at the printer's width or as JSON. It
//! opens the database only.

use crate::cli::{fail, open_store};
use crate::dto::ErrorDto;
use crate::paths::Paths;
use crate::shift_cli::shift_error;
use kassa_core::config::Config;
use kassa_core::shifts::report::ShiftReport;
use serde_json::json;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The open shift's figures now.
    X,
    /// A closed shift's final report.
    Z,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    pub which: Which,
    /// The shift's number (Z only; the latest closed shift when left out).
    #[arg(long, value_name = "ID")]
    pub shift: Option<i64>,
}

/// `kassa report`.
pub fn run(paths: &Paths, args: &ReportArgs, json_out: bool) -> ExitCode {
    let config = match Config::load(&paths.config_file) {
        Ok(config) => config,
        Err(e) => return fail(&ErrorDto::config(e.to_string()), json_out),
    };
    let store = match open_store(paths) {
        Ok(store) => store,
        Err(message) => return fail(&ErrorDto::config(message), json_out),
    };
    let report = match (args.which, args.shift) {
        (Which::X, Some(_)) => {
            return fail(
                &ErrorDto::invalid("An X report is of the open shift: leave out --shift."),
                json_out,
            )
        }
        (Which::X, None) => store.x_report(),
        (Which::Z, shift) => store.z_report(shift),
    };
    match report {
        Ok(r) => print_report(&r, config.printer.columns, json_out),
        Err(e) => fail(&shift_error(e), json_out),
    }
}

/// The report as JSON, or its rows as text.
pub(crate) fn print_report(report: &ShiftReport, columns: usize, json_out: bool) -> ExitCode {
    if json_out {
        println!("{}", json!({ "ok": true, "report": report }));
    } else {
        for row in kassa_core::shifts::text::rows(report, columns) {
            println!("{}", row.text);
        }
    }
    ExitCode::SUCCESS
}
