//! `kassa report x|z [--shift ID] [--print] [--json]`: the open shift's X report, or a closed
//! shift's Z report (the latest unless `--shift`), as text rows at the printer's width or as
//! JSON; `--print` also prints it on the receipt printer (`[printer]`, in the till's language).
//! It opens the database only.

use crate::cli::{fail, open_store};
use crate::dto::{ErrorCode, ErrorDto};
use crate::paths::Paths;
use crate::shift_cli::shift_error;
use kassa_core::config::{Config, PrinterKind};
use kassa_core::lang::Language;
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
    /// Also print it on the receipt printer.
    #[arg(long)]
    pub print: bool,
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
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(&shift_error(e), json_out),
    };
    if args.print {
        if let Err(e) = on_printer(&config, &report) {
            return fail(&e, json_out);
        }
    }
    print_report(&report, config.printer.columns, json_out)
}

/// The report on the receipt printer, in the till's language.
fn on_printer(config: &Config, report: &ShiftReport) -> Result<(), ErrorDto> {
    if config.printer.kind == PrinterKind::None {
        return Err(ErrorDto::config(
            "No receipt printer is set up ([printer] kind in the config file).",
        ));
    }
    let rows = kassa_core::shifts::text::rows_in(
        report,
        config.printer.columns,
        Language::from_code(&config.register.language),
    );
    kassa_print::print_rows(&config.printer, &rows).map_err(|e| ErrorDto {
        code: ErrorCode::Config,
        message: e.to_string(),
    })
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
