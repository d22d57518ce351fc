// No console window next to the till on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use kassa_app::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    give_large_frees_back();
    let mut cli = Cli::parse();
    match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => {
            kassa_app::run_window(cli.config.as_deref());
            ExitCode::SUCCESS
        }
    }
}

/// Every PIN check (Argon2id) works in 19 MiB that it frees after. glibc's malloc raises its
/// mmap threshold on the first such free and serves later ones from the heap, which then stays
/// resident for the life of the process: 20 MiB of the till's idle memory. A fixed threshold
/// (glibc's default before it adapts) hands each one back to the system when it is freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_large_frees_back() {
    // SAFETY: mallopt only tunes malloc; it runs first in main, before any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_large_frees_back() {}
