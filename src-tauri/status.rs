//! The till's status for the status bar: the outbox's figures, each provider's health, and
//! whether a disk fault or a break in the journal's chain stops payments. Read on request (the `till_status` command) and pushed
//! to the window as the [`EVENT`] event whenever the outbox moves, a provider's health changes,
//! or [`TICK`] passes.

use crate::boot::Booted;
use crate::commands::AppState;
use crate::dto::{ErrorDto, HealthDto, StatusDto};
use kassa_core::outbox::{Engine, Health};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event the window listens to.
pub const EVENT: &str = "till-status";
/// The status is sent again at least this often (ages grow, the disk fills).
const TICK: Duration = Duration::from_secs(5);
/// A burst of outbox activity is sent as one status.
const SETTLE: Duration = Duration::from_millis(200);
/// How long a stopped outbox waits before it starts again.
const RESTART: Duration = Duration::from_secs(5);

/// The status now.
pub fn till_status(booted: &Booted) -> Result<StatusDto, ErrorDto> {
    let summary = booted
        .store
        .queue_summary()
        .map_err(crate::commands::store_error)?;
    let seen = booted.engine.health().borrow().clone();
    let health = booted
        .executors
        .iter()
        .map(|executor| {
            let provider = executor.provider();
            HealthDto {
                provider: provider.as_str().into(),
                name: provider.display_name().into(),
                state: match seen.get(&provider) {
                    Some(Health::Up) => "up",
                    Some(Health::Down) => "down",
                    None => "unknown",
                },
            }
        })
        .collect();
    let min_free = booted
        .config
        .register
        .min_free_disk_mb
        .saturating_mul(1 << 20);
    let journal_stop = booted
        .store
        .journal_stop()
        .map_err(crate::commands::store_error)?;
    let journal_break = journal_stop.is_some();
    let language = booted.config.register.language();
    let payments_stopped = booted
        .store
        .disk_check(min_free)
        .map(|fault| fault.text(language).to_string())
        .or_else(|| journal_stop.map(|why| why.render(language)));
    let mut status = StatusDto::new(
        &summary,
        health,
        payments_stopped,
        time::OffsetDateTime::now_utc(),
    );
    let exposure = booted
        .store
        .offline_outstanding()
        .map_err(crate::commands::store_error)?;
    status.journal_break = journal_break;
    status.offline_exposure = (exposure > 0).then(|| {
        kassa_core::money::Money::new(exposure, booted.config.register.currency.clone()).to_string()
    });
    Ok(status)
}

/// Sends the status to the window for as long as the app runs. A till that did not open has
/// no status to send.
pub async fn feed<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(booted) = state.opened().await else {
        return;
    };
    let activity = booted.engine.activity();
    let mut health = booted.engine.health();
    let mut last = None;
    loop {
        let status = till_status(booted).map_or_else(serde_json::to_value, serde_json::to_value);
        if let Ok(status) = status {
            if last.as_ref() != Some(&status) {
                if let Err(e) = app.emit(EVENT, &status) {
                    tracing::warn!(error = %e, "the status cannot reach the window");
                }
                last = Some(status);
            }
        }
        tokio::select! {
            _ = activity.notified() => {}
            Ok(()) = health.changed() => {}
            _ = tokio::time::sleep(TICK) => {}
        }
        tokio::time::sleep(SETTLE).await;
    }
}

/// Runs the outbox for as long as the window is open. A store failure (a full disk) stops a
/// run: it is logged, the status shows the disk fault, and the outbox starts again, since
/// nothing is lost (what was in flight is reconciled at the next start).
pub async fn run_outbox(engine: Arc<Engine>) {
    let (_keep, stop) = tokio::sync::watch::channel(false);
    loop {
        if let Err(e) = engine.run(stop.clone()).await {
            tracing::error!(error = %e, "the outbox stopped; starting it again");
        }
        tokio::time::sleep(RESTART).await;
    }
}
