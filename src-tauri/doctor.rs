//! `kassa doctor`: what an installer checks first.

use crate::boot::boot;
use crate::paths::Paths;
use kassa_core::card::CardCode;
use kassa_core::config::Config;
use kassa_core::manager_pin;
use kassa_core::pos::PosRecorder;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::SecretStore;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    fn add(&mut self, name: &str, status: Status, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.into(),
            status,
            detail: detail.into(),
        });
    }

    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fail)
    }

    pub fn print(&self, json_out: bool) {
        if json_out {
            let body = serde_json::json!({"ok": self.healthy(), "checks": self.checks});
            println!("{body}");
            return;
        }
        for c in &self.checks {
            let mark = match c.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            println!("[{mark}] {:<12} {}", c.name, c.detail);
        }
    }
}

/// A code no provider issues: a "not found" answer proves the provider is reachable and
/// accepts the till's credentials, without touching any card.
const PROBE: &str = "kassa-doctor-probe";

/// Asks a gift-card provider for a card nobody has: reachable with the till's credentials, or
/// the provider's problem in an installer's words (the setup screen's "Test connection" too).
pub async fn probe_provider(provider: &dyn GiftCardProvider) -> (Status, String) {
    let probe = CardCode::parse(PROBE).expect("valid probe");
    match provider.lookup(&probe).await {
        Ok(_) | Err(ProviderError::NotFound { .. }) => {
            (Status::Ok, "reachable, credentials accepted".to_string())
        }
        Err(e @ ProviderError::Declined { .. }) => {
            (Status::Ok, format!("reachable, answered: {e}"))
        }
        Err(e) => (Status::Fail, e.to_string()),
    }
}

/// Reads a basket id nobody has from the POS back-office: that changes nothing and proves the
/// way in.
pub async fn probe_pos(pos: &dyn PosRecorder) -> (Status, String) {
    match pos.find_baskets(&["0".to_string()]).await {
        Ok(_) => (Status::Ok, "reachable, credentials accepted".to_string()),
        Err(e) => (Status::Fail, e.to_string()),
    }
}

pub async fn run(paths: Paths, secrets: Arc<dyn SecretStore>) -> Report {
    let mut report = Report { checks: vec![] };
    match Config::load(&paths.config_file) {
        Ok(c) if c.is_training() => report.add(
            "config",
            Status::Ok,
            format!(
                "{} (no provider configured: training mode)",
                paths.config_file.display()
            ),
        ),
        Ok(_) => report.add(
            "config",
            Status::Ok,
            paths.config_file.display().to_string(),
        ),
        Err(e) => {
            report.add("config", Status::Fail, e.to_string());
            return report;
        }
    }
    match secrets.get("kassa.doctor") {
        Ok(_) => report.add("keyring", Status::Ok, "the OS keyring answers"),
        Err(e) => report.add("keyring", Status::Warn, e.to_string()),
    }
    let pin_set = manager_pin::is_set(secrets.as_ref());
    let booted = match boot(paths, secrets).await {
        Ok(b) => b,
        Err(e) => {
            report.add("till", Status::Fail, e);
            return report;
        }
    };
    let store = booted.till.store();
    match store.quick_check() {
        Ok(ok) if ok == "ok" => report.add(
            "database",
            Status::Ok,
            format!(
                "{} (schema {}, {} unfinished operations)",
                store.path().display(),
                store.schema_version().unwrap_or(0),
                store.unfinished_ops().unwrap_or(0)
            ),
        ),
        Ok(problem) => report.add("database", Status::Fail, problem),
        Err(e) => report.add("database", Status::Fail, e.to_string()),
    }
    let min_free = booted.config.register.min_free_disk_mb;
    match store.disk_check(min_free.saturating_mul(1 << 20)) {
        None => report.add(
            "disk",
            Status::Ok,
            format!("writable, at least {min_free} MB free"),
        ),
        Some(fault) => report.add("disk", Status::Fail, fault.message()),
    }
    match pin_set {
        _ if booted.till.is_training() => report.add(
            "manager pin",
            Status::Ok,
            format!("training PIN {}", crate::training::MANAGER_PIN),
        ),
        Ok(true) => report.add("manager pin", Status::Ok, "set"),
        Ok(false) => report.add(
            "manager pin",
            Status::Warn,
            "not set: a manager cannot decide review items in the window until `kassa manager set-pin`",
        ),
        Err(e) => report.add("manager pin", Status::Warn, e.to_string()),
    }
    let training = if booted.till.is_training() {
        " (training simulator)"
    } else {
        ""
    };
    for provider in booted.till.providers() {
        let name = provider.id().as_str();
        let (status, detail) = probe_provider(provider.as_ref()).await;
        report.add(name, status, format!("{detail}{training}"));
    }
    if let Some(pos) = &booted.pos {
        let (status, detail) = probe_pos(pos.as_ref()).await;
        report.add(
            pos.id().as_str(),
            status,
            format!("{detail}{training} (POS back-office)"),
        );
    }
    report
}
