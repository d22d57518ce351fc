//! A till's window with its outbox engine running in the background, as `run_window` has it:
//! the harness of the checkout's IPC tests (`ipc_sale.rs`, `ipc_refund.rs`,
//! `ipc_card_sale.rs`), each of which adds the steps it needs.
// Each test uses a part of this module.
#![allow(dead_code)]

use super::{app_with, invoke, Webview};
use kassa_app::boot::{boot, Booted};
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::secrets::MemorySecretStore;
use kassa_core::store::Store;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

pub struct Till {
    pub webview: Webview,
    pub store: Arc<Store>,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// The window over `booted`, signed in ([`super::app_with`]), its engine running until the till
/// is dropped.
pub fn open(booted: Booted) -> Till {
    open_as(booted, app_with)
}

fn open_as(booted: Booted, window: fn(AppState) -> Webview) -> Till {
    let store = booted.store.clone();
    let engine = booted.engine.clone();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(async move { engine.run(stop).await });
    Till {
        webview: window(AppState::ready(Ok(booted))),
        store,
        _stop: stop_tx,
    }
}

fn boot_training(dir: &Path) -> Booted {
    tauri::async_runtime::block_on(boot(
        Paths::in_dir(dir),
        Arc::new(MemorySecretStore::default()),
    ))
    .unwrap()
}

/// A till in training mode (its simulators in the process) in `dir`, training's demo cashier
/// signed in.
pub fn training(dir: &Path) -> Till {
    open(boot_training(dir))
}

/// A till in training mode as its window opens: locked, nobody signed in.
pub fn training_locked(dir: &Path) -> Till {
    open_as(boot_training(dir), super::locked_app_with)
}

impl Till {
    /// The command's answer; a refusal fails the test.
    pub fn call(&self, cmd: &str, body: Value) -> Value {
        invoke(&self.webview, cmd, body).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The command's refusal (`{code, message}`); an answer fails the test.
    pub fn refuse(&self, cmd: &str, body: Value) -> Value {
        match invoke(&self.webview, cmd, body) {
            Ok(v) => panic!("{cmd} should have been refused, answered {v}"),
            Err(e) => e,
        }
    }
}
