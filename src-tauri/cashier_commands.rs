//! Signing in and locking the window (`ui/signin.js`). The window opens locked; while nobody is
//! signed in, or the screen is locked (the lock command, or `[register] lock_after_minutes`
//! without a cashier's action), [`gate`] refuses every command but the few that a locked till
//! needs ([`OPEN_WHILE_LOCKED`]): the Rust side refuses, not only the UI.
//!
//! The signed-in cashier is also the store's ([`kassa_core::store::Store::sign_in_journal`]):
//! the journal rows the window writes, and the sales, refunds and shifts it starts, name them.
//! Unlocking takes the same cashier's PIN, or another cashier signs in: an unfinished sale
//! stays with the till and the next cashier finishes it. The sale keeps naming the cashier who
//! started it; each journal row names who did that step (the completion, the next cashier).

use crate::commands::AppState;
use crate::dto::{ErrorCode, ErrorDto};
use kassa_core::cashiers::{Cashier, TRAINING_CASHIER, TRAINING_CASHIER_PIN};
use kassa_core::lang::{Language, Text};
use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{Manager, State};

/// What a locked window may still call: its start, the status bar, signing in, and what asks
/// for a manager's PIN itself (the setup screen, a journal break's acknowledgement).
pub const OPEN_WHILE_LOCKED: &[&str] = &[
    "app_info",
    "startup_mark",
    "till_status",
    "cashier_sign_in",
    "cashier_lock",
    "setup_get",
    "setup_save",
    "setup_secret_set",
    "setup_test",
    "setup_sign_in_start",
    "setup_sign_in_finish",
    "journal_acknowledge",
];

/// Who is signed in on this window, and whether the screen is locked.
#[derive(Default)]
pub struct CashierSession(Mutex<Signed>);

#[derive(Default)]
struct Signed {
    cashier: Option<Cashier>,
    locked: bool,
    last_action: Option<Instant>,
}

impl Signed {
    /// Locked now: nobody signed in, locked by hand, or idle longer than `lock_after`.
    fn is_locked(&mut self, lock_after: Option<Duration>) -> bool {
        let idle = match (self.last_action, lock_after) {
            (Some(at), Some(after)) => at.elapsed() >= after,
            _ => false,
        };
        if idle {
            self.locked = true;
        }
        self.cashier.is_none() || self.locked
    }
}

/// The screen as the sign-in screen and the top bar show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionDto {
    /// "Anna (cashier)", while someone is signed in (locked or not).
    pub cashier: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub locked: bool,
    /// 0: never.
    pub lock_after_minutes: u32,
    /// Training mode's demo cashier and her PIN, for the banner.
    pub training_cashier: Option<&'static str>,
    pub training_cashier_pin: Option<&'static str>,
}

fn lock_after(state: &AppState) -> Option<Duration> {
    let minutes = state.till().ok()?.config.register.lock_after_minutes;
    (minutes > 0).then(|| Duration::from_secs(u64::from(minutes) * 60))
}

fn locked_error(language: Language) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::Locked,
        message: Text::TillLocked.get(language).into(),
    }
}

/// Refuses `command` while the window is locked; otherwise counts it as the cashier's action.
/// A till that did not open (or is still opening) lets every command through: each says why it
/// cannot work.
pub fn gate<R: tauri::Runtime>(command: &str, webview: &tauri::Webview<R>) -> Result<(), ErrorDto> {
    if OPEN_WHILE_LOCKED.contains(&command) || command.starts_with("plugin:") {
        return Ok(());
    }
    let app = webview.state::<AppState>();
    if app.till().is_err() {
        return Ok(());
    }
    let session = webview.state::<CashierSession>();
    let mut signed = session.0.lock().unwrap_or_else(|p| p.into_inner());
    if signed.is_locked(lock_after(&app)) {
        return Err(locked_error(app.language()));
    }
    signed.last_action = Some(Instant::now());
    Ok(())
}

fn dto(state: &AppState, signed: &mut Signed) -> SessionDto {
    let booted = state.till().ok();
    let training = booted.is_some_and(|b| b.till.is_training());
    let locked = signed.is_locked(lock_after(state));
    SessionDto {
        cashier: signed.cashier.as_ref().map(Cashier::label),
        name: signed.cashier.as_ref().map(|c| c.name.clone()),
        role: signed.cashier.as_ref().map(|c| c.role.as_str().into()),
        locked,
        lock_after_minutes: booted.map_or(0, |b| b.config.register.lock_after_minutes),
        training_cashier: training.then_some(TRAINING_CASHIER),
        training_cashier_pin: training.then_some(TRAINING_CASHIER_PIN),
    }
}

/// Who is signed in and whether the screen is locked (part of `app_info`'s answer).
pub(crate) fn session_now(state: &AppState, session: &CashierSession) -> SessionDto {
    let mut signed = session.0.lock().unwrap_or_else(|p| p.into_inner());
    dto(state, &mut signed)
}

/// Signs a cashier in with their PIN (or unlocks the screen for the one signed in). A wrong
/// PIN is counted as every PIN at this till is.
#[tauri::command]
pub async fn cashier_sign_in(
    state: State<'_, AppState>,
    session: State<'_, CashierSession>,
    name: String,
    pin: String,
) -> Result<SessionDto, ErrorDto> {
    let booted = state.booted()?;
    if name.trim().is_empty() {
        return Err(ErrorDto::invalid(
            Text::SignInTypeName.get(state.language()),
        ));
    }
    let cashier = booted
        .manager
        .sign_in(&name, &pin)
        .map_err(|e| ErrorDto::pin(&e, state.language()))?;
    booted
        .store
        .sign_in_journal(Some(&cashier.name))
        .map_err(crate::commands::store_error)?;
    tracing::info!(cashier = %cashier.name, "signed in");
    let mut signed = session.0.lock().unwrap_or_else(|p| p.into_inner());
    *signed = Signed {
        cashier: Some(cashier),
        locked: false,
        last_action: Some(Instant::now()),
    };
    Ok(dto(&state, &mut signed))
}

/// Locks the screen: the cashier stays signed in, and their PIN (or another cashier's
/// sign-in) opens it again.
#[tauri::command]
pub async fn cashier_lock(
    state: State<'_, AppState>,
    session: State<'_, CashierSession>,
) -> Result<SessionDto, ErrorDto> {
    let mut signed = session.0.lock().unwrap_or_else(|p| p.into_inner());
    signed.locked = true;
    Ok(dto(&state, &mut signed))
}
