//! `kassa receipt SALE [--escpos FILE]`: a completed sale's receipt, printed on the configured
//! ESC/POS printer, else shown as text; with `--escpos`, its ESC/POS bytes written to a file.
//! It opens the database only (like `kassa sale show`), so it works while a provider's
//! credentials are missing.

use crate::cli::{fail, open_store};
use crate::dto::{ErrorCode, ErrorDto};
use crate::paths::Paths;
use crate::receipt_commands::{receipt_of, ReceiptDto};
use kassa_core::config::{Config, PrinterKind};
use kassa_core::lang::Language;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ReceiptArgs {
    /// The sale: its number, its receipt's barcode (KS42) or its id.
    pub sale: String,
    /// Write the receipt's ESC/POS bytes to this file instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub escpos: Option<PathBuf>,
}

/// `kassa receipt`.
pub fn run(paths: &Paths, args: &ReceiptArgs, json_out: bool) -> ExitCode {
    let config = match Config::load(&paths.config_file) {
        Ok(config) => config,
        Err(e) => return fail(&ErrorDto::config(e.to_string()), json_out),
    };
    let store = match open_store(paths) {
        Ok(store) => store,
        Err(message) => return fail(&ErrorDto::config(message), json_out),
    };
    let receipt = match receipt_of(&store, &config, &args.sale, Language::En) {
        Ok(receipt) => receipt,
        Err(error) => return fail(&error, json_out),
    };
    let printer = &config.printer;
    let columns = printer.columns;
    let done = |text: String| {
        if json_out {
            println!(
                "{}",
                json!({"ok": true, "message": text, "receipt": ReceiptDto::new(&receipt, columns)})
            );
        } else {
            println!("{text}");
        }
        ExitCode::SUCCESS
    };
    if let Some(file) = &args.escpos {
        let written = kassa_print::escpos_bytes(&receipt, columns)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                std::fs::write(file, &bytes)
                    .map(|()| bytes.len())
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))
            });
        return match written {
            Ok(len) => done(format!(
                "The receipt of sale {} is in {} (ESC/POS, {len} bytes).",
                receipt.number,
                file.display()
            )),
            Err(message) => fail(&ErrorDto::invalid(message), json_out),
        };
    }
    if printer.kind == PrinterKind::None {
        if json_out {
            return done("No receipt printer is set up: the receipt as text.".into());
        }
        for line in receipt.text(columns) {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    match kassa_print::print(printer, &receipt) {
        Ok(()) => done(format!(
            "The receipt of sale {} is printed.",
            receipt.number
        )),
        Err(e) => fail(
            &ErrorDto {
                code: ErrorCode::Unreachable,
                message: e.to_string(),
            },
            json_out,
        ),
    }
}
