//! The window's shift screen: open a shift with its float (`shift_open`), cash paid in or out
//! with a reason (`shift_cash_move`), the X report (`shift_x`), close with the counted cash and
//! get the Z report (`shift_close`), a past shift's Z report (`shift_z`), and a report printed
//! on the receipt printer (`shift_print`, answered like `receipt_print`). The manager's side:
//! the reconciliation differences not settled yet (`shift_differences`) and settling one with a
//! note under a manager's PIN (`shift_settle_difference`). Amounts come as the cashier typed
//! them (`100.00`, `0`) and are read in the till's currency. [`reconcile_pending`] completes,
//! while the window is open, the comparisons a provider did not answer at close.

use crate::boot::Booted;
use crate::commands::AppState;
use crate::dto::{ErrorCode, ErrorDto};
use crate::receipt_commands::PrintDto;
use crate::shift_cli::{reconciler, shift_error};
use kassa_core::config::PrinterKind;
use kassa_core::lang::Language;
use kassa_core::shifts::reconcile::Reconciler;
use kassa_core::shifts::report::{Difference, ShiftReport};
use kassa_core::shifts::{parse_cash, CashMove, Shift};
use serde::Serialize;
use std::time::Duration;
use tauri::State;
use time::format_description::well_known::Rfc3339;

/// The open shift, as the screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftDto {
    pub id: i64,
    pub currency: String,
    pub float_minor: i64,
    /// `cashier`, or `sale` when a sale opened it with no float.
    pub opened_by: String,
    pub cashier: Option<String>,
    /// RFC 3339.
    pub opened_at: String,
}

impl From<&Shift> for ShiftDto {
    fn from(s: &Shift) -> Self {
        ShiftDto {
            id: s.id,
            currency: s.currency.code().into(),
            float_minor: s.float_minor,
            opened_by: s.opened_by.clone(),
            cashier: s.cashier.clone(),
            opened_at: s.opened_at.format(&Rfc3339).unwrap_or_default(),
        }
    }
}

/// One row of a report as the receipt printer prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RowDto {
    pub text: String,
    pub bold: bool,
}

/// A report: its figures, and its rows as the receipt printer prints them (the till's language,
/// the printer's width).
#[derive(Debug, Clone, Serialize)]
pub struct ReportDto {
    pub report: ShiftReport,
    pub rows: Vec<RowDto>,
}

fn rows(booted: &Booted, report: &ShiftReport) -> Vec<kassa_core::receipt::Row> {
    kassa_core::shifts::text::rows_in(
        report,
        booted.config.printer.columns,
        Language::from_code(&booted.config.register.language),
    )
}

fn report_dto(booted: &Booted, report: ShiftReport) -> ReportDto {
    let rows = rows(booted, &report)
        .into_iter()
        .map(|r| RowDto {
            text: r.text,
            bold: r.bold,
        })
        .collect();
    ReportDto { report, rows }
}

fn amount(booted: &Booted, what: &str, text: &str) -> Result<i64, ErrorDto> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ErrorDto::invalid(format!("Type the {what}.")));
    }
    parse_cash(text, &booted.config.register.currency)
        .map_err(|e| ErrorDto::invalid(format!("The {what} '{text}': {e}")))
}

/// The open shift, or `null` when none is.
#[tauri::command]
pub async fn shift_current(state: State<'_, AppState>) -> Result<Option<ShiftDto>, ErrorDto> {
    let booted = state.booted()?;
    let open = booted
        .store
        .open_shift()
        .map_err(|e| ErrorDto::config(e.to_string()))?;
    Ok(open.as_ref().map(ShiftDto::from))
}

/// Opens a shift with the cash float in the drawer (`0` for an empty drawer).
#[tauri::command]
pub async fn shift_open(state: State<'_, AppState>, float: String) -> Result<ShiftDto, ErrorDto> {
    let booted = state.booted()?;
    let float = amount(booted, "float", &float)?;
    let shift = booted
        .store
        .open_shift_with(&booted.config.register.currency, float)
        .map_err(shift_error)?;
    Ok(ShiftDto::from(&shift))
}

/// Cash paid into (`paid_in`) or out of (`paid_out`) the drawer, with why.
#[tauri::command]
pub async fn shift_cash_move(
    state: State<'_, AppState>,
    kind: String,
    amount: String,
    reason: String,
) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let kind = match kind.as_str() {
        "paid_in" => CashMove::PaidIn,
        "paid_out" => CashMove::PaidOut,
        other => {
            return Err(ErrorDto::invalid(format!(
                "'{other}' is no cash move: paid_in or paid_out."
            )))
        }
    };
    let minor = self::amount(booted, "amount", &amount)?;
    booted
        .store
        .cash_move(kind, minor, &reason)
        .map_err(shift_error)?;
    let x = booted.store.x_report().map_err(shift_error)?;
    Ok(report_dto(booted, x))
}

/// The open shift's X report: its figures now.
#[tauri::command]
pub async fn shift_x(state: State<'_, AppState>) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let x = booted.store.x_report().map_err(shift_error)?;
    Ok(report_dto(booted, x))
}

/// Closes the open shift with the cash counted in the drawer, compares it with every provider's
/// own records (one that does not answer is left pending), and answers its Z report.
#[tauri::command]
pub async fn shift_close(
    state: State<'_, AppState>,
    counted: String,
) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let counted = amount(booted, "counted cash", &counted)?;
    let closed = booted.store.close_shift(counted).map_err(shift_error)?;
    let id = closed.shift.id;
    reconciler(booted)
        .reconcile(id)
        .await
        .map_err(shift_error)?;
    let z = booted.store.z_report(Some(id)).map_err(shift_error)?;
    Ok(report_dto(booted, z))
}

/// A closed shift's Z report (the latest when `shift_id` is left out).
#[tauri::command]
pub async fn shift_z(
    state: State<'_, AppState>,
    shift_id: Option<i64>,
) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let z = booted.store.z_report(shift_id).map_err(shift_error)?;
    Ok(report_dto(booted, z))
}

/// Prints the open shift's X report (`which` = `x`) or a closed shift's Z report (`z`, the
/// latest when `shift_id` is left out) on the receipt printer, when one is configured.
#[tauri::command]
pub async fn shift_print(
    state: State<'_, AppState>,
    which: String,
    shift_id: Option<i64>,
) -> Result<PrintDto, ErrorDto> {
    let booted = state.booted()?;
    let report = match which.as_str() {
        "x" => booted.store.x_report(),
        "z" => booted.store.z_report(shift_id),
        other => {
            return Err(ErrorDto::invalid(format!(
                "'{other}' is no report: x or z."
            )))
        }
    }
    .map_err(shift_error)?;
    Ok(print_report(booted, report).await)
}

/// Prints a report's rows on the configured ESC/POS printer, off the async runtime.
pub(crate) async fn print_report(booted: &Booted, report: ShiftReport) -> PrintDto {
    let printer = booted.config.printer.clone();
    if printer.kind == PrinterKind::None {
        return PrintDto {
            printed: false,
            configured: false,
            message: "No receipt printer is set up: print through the OS.".into(),
        };
    }
    let kind = format!("{:?}", report.kind);
    let id = report.shift.id;
    let rows = rows(booted, &report);
    let printed = tokio::task::spawn_blocking(move || kassa_print::print_rows(&printer, &rows))
        .await
        .unwrap_or_else(|e| Err(kassa_print::PrintError::Render(e.to_string())));
    match printed {
        Ok(()) => PrintDto {
            printed: true,
            configured: true,
            message: format!("The {kind} report of shift {id} is printed."),
        },
        Err(e) => {
            tracing::warn!(shift = id, error = %e, "the shift report was not printed");
            PrintDto {
                printed: false,
                configured: true,
                message: e.to_string(),
            }
        }
    }
}

/// The differences between the till and a provider's records that no manager settled yet.
#[tauri::command]
pub async fn shift_differences(state: State<'_, AppState>) -> Result<Vec<Difference>, ErrorDto> {
    let booted = state.booted()?;
    booted
        .store
        .open_differences()
        .map_err(|e| ErrorDto::config(e.to_string()))
}

/// A manager settles a difference with a note saying how, under the manager's PIN.
#[tauri::command]
pub async fn shift_settle_difference(
    state: State<'_, AppState>,
    id: i64,
    note: String,
    pin: String,
) -> Result<(), ErrorDto> {
    let booted = state.booted()?;
    if note.trim().is_empty() {
        return Err(ErrorDto::invalid(
            "Say how the difference was settled (a note).",
        ));
    }
    let manager = booted.manager.approve(&pin).map_err(|e| ErrorDto {
        code: ErrorCode::PinRefused,
        message: e.to_string(),
    })?;
    booted
        .store
        .settle_difference(id, &format!("{} ({manager})", note.trim()))
        .map_err(shift_error)
}

/// How often the window tries again a comparison a provider did not answer.
pub const PENDING_EVERY: Duration = Duration::from_secs(60);

/// Completes the comparisons left pending, every `every`, for as long as the window is open (as
/// each `kassa sync` does).
pub async fn reconcile_pending(reconciler: Reconciler, every: Duration) {
    loop {
        match reconciler.complete_pending().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(shifts = n, "pending reconciliations compared again"),
            Err(e) => tracing::warn!("pending reconciliations not completed: {e}"),
        }
        tokio::time::sleep(every).await;
    }
}
