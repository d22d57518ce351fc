//! The window's shift screen: open a shift with its float (`shift_open`), cash paid in or out
//! with a reason (`shift_cash_move`), the X report (`shift_x`), close with the counted cash and
//! get the Z report (`shift_close`), a past shift's Z report (`shift_z`), and a report printed
//! on the receipt printer (`shift_print`, answered like `receipt_print`). The manager's side:
//! the reconciliation differences not settled yet (`shift_differences`) and settling one with a
//! note under a manager's PIN (`shift_settle_difference`). Amounts come as the cashier typed
//! them (`100.00`, `0`) and are read in the till's currency. [`reconcile_pending`] completes,
//! while the window is open, the comparisons a provider did not answer at close.

use crate::boot::Booted;
use crate::commands::store_error_in;
use crate::commands::AppState;
use crate::dto::ErrorDto;
use crate::receipt_commands::{print_on_printer, PrintDto};
use crate::shift_cli::reconciler;
use kassa_core::lang::{Language, Sentence, Text};
use kassa_core::shifts::reconcile::Reconciler;
use kassa_core::shifts::report::{Difference, ShiftReport};
use kassa_core::shifts::{parse_cash, CashMove, Shift, ShiftError};
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

/// A shift's refusal in `language` (the store's failure as the window shows a store failure).
fn shift_error(e: ShiftError, language: Language) -> ErrorDto {
    match e {
        ShiftError::Store(e) => store_error_in(&e, language),
        other => ErrorDto::invalid(other.sentence().render(language)),
    }
}

/// What an amount typed on the shift screen is.
#[derive(Clone, Copy)]
enum Typed {
    Float,
    Amount,
    Counted,
}

fn amount(booted: &Booted, what: Typed, text: &str) -> Result<i64, ErrorDto> {
    let language = booted.config.register.language();
    let (empty, bad) = match what {
        Typed::Float => (Text::ShiftTypeFloat, Text::ShiftBadFloat),
        Typed::Amount => (Text::ShiftTypeAmount, Text::ShiftBadAmount),
        Typed::Counted => (Text::ShiftTypeCounted, Text::ShiftBadCounted),
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(ErrorDto::invalid(empty.get(language)));
    }
    parse_cash(text, &booted.config.register.currency).map_err(|e| {
        ErrorDto::invalid(
            Sentence::new(bad)
                .with("text", text)
                .with("error", e)
                .render(language),
        )
    })
}

/// The open shift, or `null` when none is.
#[tauri::command]
pub async fn shift_current(state: State<'_, AppState>) -> Result<Option<ShiftDto>, ErrorDto> {
    let booted = state.booted()?;
    let open = booted
        .store
        .open_shift()
        .map_err(|e| store_error_in(&e, state.language()))?;
    Ok(open.as_ref().map(ShiftDto::from))
}

/// Opens a shift with the cash float in the drawer (`0` for an empty drawer).
#[tauri::command]
pub async fn shift_open(state: State<'_, AppState>, float: String) -> Result<ShiftDto, ErrorDto> {
    let booted = state.booted()?;
    let float = amount(booted, Typed::Float, &float)?;
    let shift = booted
        .store
        .open_shift_with(&booted.config.register.currency, float)
        .map_err(|e| shift_error(e, state.language()))?;
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
            return Err(ErrorDto::invalid(
                Sentence::new(Text::ShiftNoCashMove)
                    .with("kind", other)
                    .render(state.language()),
            ))
        }
    };
    let minor = self::amount(booted, Typed::Amount, &amount)?;
    booted
        .store
        .cash_move(kind, minor, &reason)
        .map_err(|e| shift_error(e, state.language()))?;
    let x = booted
        .store
        .x_report()
        .map_err(|e| shift_error(e, state.language()))?;
    Ok(report_dto(booted, x))
}

/// The open shift's X report: its figures now.
#[tauri::command]
pub async fn shift_x(state: State<'_, AppState>) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let x = booted
        .store
        .x_report()
        .map_err(|e| shift_error(e, state.language()))?;
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
    let counted = amount(booted, Typed::Counted, &counted)?;
    let closed = booted
        .store
        .close_shift(counted)
        .map_err(|e| shift_error(e, state.language()))?;
    let id = closed.shift.id;
    reconciler(booted)
        .reconcile(id)
        .await
        .map_err(|e| shift_error(e, state.language()))?;
    let z = booted
        .store
        .z_report(Some(id))
        .map_err(|e| shift_error(e, state.language()))?;
    Ok(report_dto(booted, z))
}

/// A closed shift's Z report (the latest when `shift_id` is left out).
#[tauri::command]
pub async fn shift_z(
    state: State<'_, AppState>,
    shift_id: Option<i64>,
) -> Result<ReportDto, ErrorDto> {
    let booted = state.booted()?;
    let z = booted
        .store
        .z_report(shift_id)
        .map_err(|e| shift_error(e, state.language()))?;
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
            return Err(ErrorDto::invalid(
                Sentence::new(Text::ShiftNoReport)
                    .with("which", other)
                    .render(state.language()),
            ))
        }
    }
    .map_err(|e| shift_error(e, state.language()))?;
    Ok(print_report(booted, report).await)
}

/// Prints a report's rows on the configured ESC/POS printer.
pub(crate) async fn print_report(booted: &Booted, report: ShiftReport) -> PrintDto {
    let rows = rows(booted, &report);
    print_on_printer(
        booted,
        move |printer| kassa_print::print_rows(printer, &rows),
        Sentence::new(Text::ShiftReportPrinted)
            .with("kind", format!("{:?}", report.kind))
            .with("shift", report.shift.id),
    )
    .await
}

/// The differences between the till and a provider's records that no manager settled yet.
#[tauri::command]
pub async fn shift_differences(state: State<'_, AppState>) -> Result<Vec<Difference>, ErrorDto> {
    let booted = state.booted()?;
    booted
        .store
        .open_differences()
        .map_err(|e| store_error_in(&e, state.language()))
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
            Text::ShiftSettleNeedsNote.get(state.language()),
        ));
    }
    let manager = booted
        .manager
        .approve(&pin)
        .map_err(|e| ErrorDto::pin(&e, state.language()))?;
    booted
        .store
        .settle_difference(id, &format!("{} ({manager})", note.trim()))
        .map_err(|e| shift_error(e, state.language()))
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
