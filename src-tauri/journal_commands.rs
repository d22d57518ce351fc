//! The journal's chain in the window: a break found at start stops payments (the status bar's
//! `payments_stopped`, with `journal_break` set) until a manager has seen it and confirmed with
//! the manager PIN (`journal_acknowledge`), which records a row of its own for each break.

use crate::commands::{store_error, AppState};
use crate::dto::ErrorDto;
use tauri::State;

/// A manager has seen the chain breaks that stop payments: under the manager's PIN, each is
/// acknowledged in the journal and payments go on. Answers the breaks, in words.
#[tauri::command]
pub async fn journal_acknowledge(
    state: State<'_, AppState>,
    pin: String,
) -> Result<Vec<String>, ErrorDto> {
    let booted = state.booted()?;
    let manager = booted
        .manager
        .approve(&pin)
        .map_err(|e| ErrorDto::pin(&e, state.language()))?;
    booted
        .store
        .acknowledge_journal_breaks(&manager)
        .map_err(store_error)
}
