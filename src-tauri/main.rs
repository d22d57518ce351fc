// No console window next to the till on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use kassa_app::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => {
            kassa_app::run_window(cli.config.as_deref());
            ExitCode::SUCCESS
        }
    }
}
