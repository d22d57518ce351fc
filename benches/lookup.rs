//! Scan → balance through IPC: the `lookup_card` command over Tauri's IPC (mock runtime) against
//! training mode's loopback simulators, as the window calls it. Prints p50/p95/p99.
//!
//! cargo bench --bench lookup

use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::paths::Paths;
use kassa_core::secrets::MemorySecretStore;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/ipc_support/mod.rs"]
mod ipc_support;
use ipc_support::{app_with, invoke};

/// `cargo bench` passes `--bench`; under `cargo test --all-targets` a few rounds check that the
/// benchmark still runs. 300 stays inside the Lightspeed simulator's rate budget of one
/// register (300 + 50 requests per 5 minutes), which training mode enforces as Lightspeed does.
fn rounds() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        300
    } else {
        20
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    let booted =
        tauri::async_runtime::block_on(boot(paths, Arc::new(MemorySecretStore::default())))
            .unwrap();
    // The window as a cashier has it: signed in.
    let webview = app_with(AppState::ready(Ok(booted)));
    for (label, code) in [
        ("Leat gift card", "4165100001"),
        ("zmyle short id", "QTHX"),
        ("Lightspeed card", "9100000000000001"),
    ] {
        let rounds = rounds();
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            let answer = invoke(&webview, "lookup_card", json!({ "code": code }));
            times.push(started.elapsed());
            if let Err(e) = answer {
                panic!("{label}: the look-up failed: {e}");
            }
        }
        times.sort();
        println!(
            "lookup_card {label:<16} n={rounds}  p50 {:>7.2?}  p95 {:>7.2?}  p99 {:>7.2?}",
            percentile(&times, 0.50),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
    }
}
