//! Tauri commands: thin wrappers over kassa-core, speaking DTOs. Every command that touches
//! SQLite, the keyring or Argon2 is `async`, so it runs on the async runtime, never on the
//! window's thread.

use crate::boot::Booted;
use crate::dto::{AppInfoDto, CardDto, ErrorDto, OpDto, StatusDto};
use kassa_core::card::mask;
use kassa_core::config::Config;
use kassa_core::lang::{Language, Sentence, Text};
use kassa_core::outbox::{OpState, Resolution};
use std::io::Write;
use std::sync::{Arc, OnceLock};
use tauri::State;
use tokio::sync::Notify;

/// The till as the window sees it: still opening, opened, or the reason it could not open.
/// The window opens while the till does (`run_window`): `app_info`, the UI's first call, waits
/// for it; a command that comes sooner answers that the till is still opening.
#[derive(Clone)]
pub struct AppState(Arc<Opening>);

struct Opening {
    till: OnceLock<Result<Booted, String>>,
    done: Notify,
}

impl AppState {
    /// A till still opening: [`AppState::open`] hands it over.
    pub fn opening() -> Self {
        AppState(Arc::new(Opening {
            till: OnceLock::new(),
            done: Notify::new(),
        }))
    }

    /// A till that has opened already (or could not).
    pub fn ready(till: Result<Booted, String>) -> Self {
        let state = AppState::opening();
        state.open(till);
        state
    }

    /// The till has opened, or could not: the reason.
    pub fn open(&self, till: Result<Booted, String>) {
        if self.0.till.set(till).is_err() {
            tracing::warn!("the till was opened twice; the first stays");
        }
        self.0.done.notify_waiters();
    }

    /// The till, once it has opened.
    pub(crate) async fn opened(&self) -> &Result<Booted, String> {
        loop {
            // Made before the look, so an opening in between still wakes it.
            let done = self.0.done.notified();
            if let Some(till) = self.0.till.get() {
                return till;
            }
            done.await;
        }
    }

    /// The till if it has opened; otherwise why not (still opening, or the reason it could not).
    pub fn till(&self) -> Result<&Booted, String> {
        match self.0.till.get() {
            Some(till) => till.as_ref().map_err(String::clone),
            None => Err(Text::TillStillOpening.get(Language::En).into()),
        }
    }

    pub(crate) fn booted(&self) -> Result<&Booted, ErrorDto> {
        match self.0.till.get() {
            Some(till) => till.as_ref().map_err(ErrorDto::config),
            None => Err(ErrorDto::config(
                Text::TillStillOpening.get(self.language()),
            )),
        }
    }

    /// The language the till answers the window in (`[register] language`).
    pub(crate) fn language(&self) -> Language {
        self.till()
            .map_or(Language::En, |b| b.config.register.language())
    }
}

/// What the window needs to start, in one answer: the register, the scanner, the language, and
/// who is signed in (each further call before the sign-in screen shows is one more wait).
#[tauri::command]
pub async fn app_info(
    state: State<'_, AppState>,
    session: State<'_, crate::cashier_commands::CashierSession>,
) -> Result<AppInfoDto, ErrorDto> {
    let opened = state.opened().await;
    let (config, startup_error) = match opened {
        Ok(booted) => (booted.config.clone(), None),
        Err(e) => (Config::default(), Some(e.clone())),
    };
    let training = opened.as_ref().is_ok_and(|b| b.till.is_training());
    Ok(AppInfoDto {
        training,
        training_pin: training.then_some(crate::training::MANAGER_PIN),
        register_name: config.register.name,
        currency: config.register.currency.code().into(),
        language: config.register.language,
        scanner: config.scanner,
        startup_error,
        session: crate::cashier_commands::session_now(&state, &session),
    })
}

/// The UI's start-up is done (ui/main.js invokes it last): the window is interactive. Prints the
/// startup mark the cold-start benchmark waits for (crates/kassa-bench, `make bench`).
#[tauri::command]
pub fn startup_mark() {
    // A window started without a stdout (from a desktop menu) has nothing to report to.
    let _ = writeln!(std::io::stdout(), "KASSA_STARTUP_MARK");
}

#[tauri::command]
pub async fn lookup_card(state: State<'_, AppState>, code: String) -> Result<CardDto, ErrorDto> {
    let booted = state.booted()?;
    match booted.checkout.lookup(&code).await {
        Ok(found) => Ok(CardDto::new(&found, mask(code.trim()))),
        Err(e) => Err(ErrorDto::checkout(&e, state.language())),
    }
}

/// The status bar: the outbox's counts, age and money outstanding, each provider's health, and
/// whether payments are stopped. The window also gets it pushed (`crate::status::EVENT`).
#[tauri::command]
pub async fn till_status(state: State<'_, AppState>) -> Result<StatusDto, ErrorDto> {
    crate::status::till_status(state.booted()?)
}

/// A store failure as the UI shows it: a disk fault in words a cashier can act on.
pub(crate) fn store_error(e: impl std::borrow::Borrow<kassa_core::store::StoreError>) -> ErrorDto {
    store_error_in(e.borrow(), Language::En)
}

/// A store failure in `language`: a disk fault or payments stopped in the cashier's words.
pub(crate) fn store_error_in(e: &kassa_core::store::StoreError, language: Language) -> ErrorDto {
    if let kassa_core::store::StoreError::Stopped(why) = e {
        return ErrorDto::config(why.render(language));
    }
    ErrorDto::config(
        e.disk_fault()
            .map_or_else(|| e.to_string(), |f| f.text(language).to_string()),
    )
}

/// The Queue screen: what waits for a manager first, then what is still to be sent.
#[tauri::command]
pub async fn queue_ops(state: State<'_, AppState>) -> Result<Vec<OpDto>, ErrorDto> {
    let store = &state.booted()?.store;
    let language = state.language();
    let mut ops: Vec<OpDto> = store
        .review_list()
        .map_err(|e| store_error_in(&e, language))?
        .iter()
        .map(|item| OpDto::new(&item.op, language))
        .collect();
    let unfinished = [
        OpState::Pending,
        OpState::Sending,
        OpState::Unknown,
        OpState::Reconciling,
    ];
    for op in store
        .ops(&unfinished, 500)
        .map_err(|e| store_error_in(&e, language))?
    {
        if op.review_reason.is_none() {
            ops.push(OpDto::new(&op, language));
        }
    }
    Ok(ops)
}

/// A manager's decision on an operation of the review list: `retry`, `write_off` or `done`
/// (the last two with a note), under the manager's PIN.
#[tauri::command]
pub async fn resolve_review(
    state: State<'_, AppState>,
    op_id: String,
    action: String,
    note: Option<String>,
    pin: String,
) -> Result<(), ErrorDto> {
    let booted = state.booted()?;
    let manager = booted
        .manager
        .approve(&pin)
        .map_err(|e| ErrorDto::pin(&e, state.language()))?;
    let store = &booted.store;
    let note = note.unwrap_or_default();
    let resolution = match action.as_str() {
        "retry" => Resolution::Retry,
        "write_off" => Resolution::WriteOff { note },
        "done" => Resolution::DoneAtProvider { note },
        other => {
            return Err(ErrorDto::config(
                Sentence::new(Text::UnknownReviewAction)
                    .with("action", other)
                    .render(state.language()),
            ))
        }
    };
    store
        .resolve_review_by(&op_id, &resolution, Some(&manager))
        .map_err(|e| ErrorDto::config(e.to_string()))
}
