//! `kassa shift open --float 100.00`, `kassa shift paid-in|paid-out AMOUNT --reason TEXT`,
//! `kassa shift close --counted 512.40` and `kassa shift reconcile [--shift ID]`. Opening and
//! the cash moves open the database only; closing and reconciling also wire the providers, so
//! that the closed shift is compared with each provider's own records at once (a provider that
//! does not answer is left pending, for the next `kassa sync`).

use crate::boot::Booted;
use crate::cli::{fail, open_store, with_till};
use crate::dto::ErrorDto;
use crate::paths::Paths;
use crate::report_cli::print_report;
use clap::Subcommand;
use kassa_core::config::Config;
use kassa_core::shifts::reconcile::Reconciler;
use kassa_core::shifts::{parse_cash, CashMove, ShiftError};
use kassa_core::store::StoreError;
use serde_json::json;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// Open a shift with the cash float in the drawer (`--float 100.00`).
    Open {
        #[arg(long, value_name = "AMOUNT")]
        float: String,
    },
    /// Cash put into the drawer, with why (`kassa shift paid-in 20.00 --reason "change"`).
    PaidIn {
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Cash taken out of the drawer, with why.
    PaidOut {
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Close the open shift with the cash counted in the drawer; prints its Z report.
    Close {
        #[arg(long, value_name = "AMOUNT")]
        counted: String,
    },
    /// Compare a shift (the open one, else the latest) with each provider's own records.
    Reconcile {
        #[arg(long, value_name = "ID")]
        shift: Option<i64>,
    },
}

/// What a shift error is for the CLI and the window.
pub(crate) fn shift_error(e: ShiftError) -> ErrorDto {
    match e {
        ShiftError::Store(e) => store_error(e),
        other => ErrorDto::invalid(other.to_string()),
    }
}

fn store_error(e: StoreError) -> ErrorDto {
    ErrorDto::config(e.to_string())
}

/// `kassa shift ...`.
pub fn run(paths: Paths, command: ShiftCommand, json_out: bool) -> ExitCode {
    let config = match Config::load(&paths.config_file) {
        Ok(config) => config,
        Err(e) => return fail(&ErrorDto::config(e.to_string()), json_out),
    };
    let currency = config.register.currency.clone();
    let amount = |text: &str| {
        parse_cash(text, &currency).map_err(|e| ErrorDto::invalid(format!("'{text}': {e}")))
    };
    match command {
        ShiftCommand::Open { float } => {
            let float = match amount(&float) {
                Ok(a) => a,
                Err(e) => return fail(&e, json_out),
            };
            let store = match open_store(&paths) {
                Ok(s) => s,
                Err(m) => return fail(&ErrorDto::config(m), json_out),
            };
            match store.open_shift_with(&currency, float) {
                Ok(shift) => done(
                    json_out,
                    format!("Shift {} is open.", shift.id),
                    json!({ "shift": shift.id, "float_minor": float }),
                ),
                Err(e) => fail(&shift_error(e), json_out),
            }
        }
        ShiftCommand::PaidIn { amount: a, reason }
        | ShiftCommand::PaidOut { amount: a, reason }
            if a.trim().is_empty() || reason.trim().is_empty() =>
        {
            fail(
                &ErrorDto::invalid("Give the amount and say why (--reason)."),
                json_out,
            )
        }
        ShiftCommand::PaidIn { amount: a, reason } => {
            cash_move(&paths, CashMove::PaidIn, amount(&a), &reason, json_out)
        }
        ShiftCommand::PaidOut { amount: a, reason } => {
            cash_move(&paths, CashMove::PaidOut, amount(&a), &reason, json_out)
        }
        ShiftCommand::Close { counted } => {
            let counted = match amount(&counted) {
                Ok(a) => a,
                Err(e) => return fail(&e, json_out),
            };
            let columns = config.printer.columns;
            with_till(paths, json_out, move |booted| async move {
                let report = match booted.store.close_shift(counted) {
                    Ok(r) => r,
                    Err(e) => return fail(&shift_error(e), json_out),
                };
                let id = report.shift.id;
                if let Err(e) = reconciler(&booted).reconcile(id).await {
                    return fail(&shift_error(e), json_out);
                }
                match booted.store.z_report(Some(id)) {
                    Ok(z) => print_report(&z, columns, json_out),
                    Err(e) => fail(&shift_error(e), json_out),
                }
            })
        }
        ShiftCommand::Reconcile { shift } => with_till(paths, json_out, move |booted| async move {
            let id = match shift {
                Some(id) => id,
                None => match booted.store.shifts(1) {
                    Ok(s) if !s.is_empty() => s[0].id,
                    Ok(_) => return fail(&shift_error(ShiftError::NoneOpen), json_out),
                    Err(e) => return fail(&store_error(e), json_out),
                },
            };
            match reconciler(&booted).reconcile(id).await {
                Ok(rec) => {
                    let pending = rec
                        .providers
                        .iter()
                        .filter(|p| p.state == "pending")
                        .count();
                    let open = rec.differences.iter().filter(|d| !d.resolved).count();
                    done(
                        json_out,
                        format!(
                            "Shift {id}: {} provider(s) compared, {pending} pending, {open} difference(s) to settle.",
                            rec.providers.len() - pending
                        ),
                        json!({ "shift": id, "reconciliation": rec }),
                    )
                }
                Err(e) => fail(&shift_error(e), json_out),
            }
        }),
    }
}

/// The shift reconciler over the booted till's providers.
pub fn reconciler(booted: &Booted) -> Reconciler {
    Reconciler::new(booted.store.clone(), booted.ledgers.clone())
}

/// Completes the comparisons left pending (run with each `kassa sync`): a provider that still
/// does not answer stays pending, logged.
pub(crate) async fn complete_pending(booted: &Booted) {
    if let Err(e) = reconciler(booted).complete_pending().await {
        tracing::warn!("pending reconciliations not completed: {e}");
    }
}

fn cash_move(
    paths: &Paths,
    kind: CashMove,
    amount: Result<i64, ErrorDto>,
    reason: &str,
    json_out: bool,
) -> ExitCode {
    let amount = match amount {
        Ok(a) => a,
        Err(e) => return fail(&e, json_out),
    };
    let store = match open_store(paths) {
        Ok(s) => s,
        Err(m) => return fail(&ErrorDto::config(m), json_out),
    };
    match store.cash_move(kind, amount, reason) {
        Ok(shift) => done(
            json_out,
            format!(
                "{} noted on shift {}.",
                match kind {
                    CashMove::PaidIn => "Paid in",
                    CashMove::PaidOut => "Paid out",
                },
                shift.id
            ),
            json!({ "shift": shift.id, "kind": kind.as_str(), "amount_minor": amount }),
        ),
        Err(e) => fail(&shift_error(e), json_out),
    }
}

fn done(json_out: bool, message: String, mut body: serde_json::Value) -> ExitCode {
    if json_out {
        body["ok"] = json!(true);
        body["message"] = json!(message);
        println!("{body}");
    } else {
        println!("{message}");
    }
    ExitCode::SUCCESS
}
