//! Idle memory: the till in training mode on its sale screen (signed in as training's cashier,
//! keys typed into the window with `xdotool`), and the floor window (an empty Tauri page), each
//! opened alone and left idle for a minute, then the proportional set size
//! (PSS: a shared page counts once, split among the processes that map it) of the process and
//! every process under it (WebKit's web and network processes), summed.
//!
//! target/bench/release/idle-memory [--idle-secs 60]
//! (under a display: `make bench` runs it under Xvfb). The till and the floor window are the
//! `kassa` and `floor-window` built next to it.

use kassa_bench::report::{arg, this_command, Figure};
use kassa_bench::window::{sibling, Subject};
use std::time::Duration;

/// docs/design.md §10.
const TARGET: f64 = 1.1;

/// Training mode's cashier and PIN.
const CASHIER: (&str, &str) = ("Anna", "111111");

/// PSS in MiB and the number of processes, after `idle` with the window open (and signed into,
/// for a till).
fn idle_pss(subject: &Subject, idle: Duration, sign_in: bool) -> Result<(f64, usize), String> {
    let running = subject.open()?;
    if sign_in {
        running.sign_in(CASHIER.0, CASHIER.1)?;
    }
    std::thread::sleep(idle);
    let processes = running.pss_kib();
    for (name, kib) in &processes {
        println!(
            "    {}: {name} {:.0} MiB",
            subject.exe.display(),
            *kib as f64 / 1024.0
        );
    }
    let kib: u64 = processes.iter().map(|(_, kib)| kib).sum();
    Ok((kib as f64 / 1024.0, processes.len()))
}

fn main() -> Result<(), String> {
    let idle = Duration::from_secs(arg("--idle-secs", 60));
    let homes = tempfile::tempdir().map_err(|e| e.to_string())?;
    let floor = Subject::new(sibling("floor-window"), &homes.path().join("floor"));
    let till = Subject::till(sibling("kassa"), &homes.path().join("till"));
    let (floor_mib, floor_n) = idle_pss(&floor, idle, false)?;
    let (till_mib, till_n) = idle_pss(&till, idle, true)?;
    let ratio = till_mib / floor_mib;
    println!(
        "Idle memory after {} s open (PSS, the process and those under it):",
        idle.as_secs()
    );
    println!("  minimal Tauri window (floor): {floor_mib:.0} MiB in {floor_n} processes");
    println!("  till, sale screen, training: {till_mib:.0} MiB in {till_n} processes — {ratio:.2}× the floor");
    let figure = Figure {
        measure: format!(
            "idle memory after {} s on the sale screen (PSS of the app and its WebKit processes, summed), till in training mode, a cashier signed in",
            idle.as_secs()
        ),
        figure: format!("{till_mib:.0} MiB in {till_n} processes"),
        baseline: format!("minimal Tauri window (empty page): {floor_mib:.0} MiB in {floor_n} processes"),
        ratio: Some((ratio * 100.0).round() / 100.0),
        target: format!("≤ {TARGET}× the floor"),
        met: Some(ratio <= TARGET),
        command: this_command(),
    };
    println!("{}", figure.line());
    Ok(())
}
