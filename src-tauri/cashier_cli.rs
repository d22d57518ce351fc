//! `kassa cashier add|list|disable`: the till's cashiers. Adding and disabling need a manager's
//! PIN, read from standard input (never echoed; piped: the first line), through the same gate
//! as the window (wrong PINs count towards the same lock-out). A new cashier's PIN comes after
//! it (the second line).

use crate::cli::{fail, open_store, pin_secrets, read_hidden_lines};
use crate::dto::{ErrorCode, ErrorDto};
use crate::paths::Paths;
use clap::Subcommand;
use kassa_core::cashiers::{Cashier, Role};
use kassa_core::config::Config;
use kassa_core::manager_pin::{PinError, PinGate};
use kassa_core::store::Store;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum CashierCommand {
    /// Add a cashier. Reads a manager's PIN, then the new cashier's PIN (6 to 12 digits), from
    /// standard input (never echoed; piped: two lines).
    Add {
        name: String,
        /// cashier (sells) or manager (also approves refunds, voids, offline over a cap and
        /// review decisions).
        #[arg(long, default_value = "cashier")]
        role: String,
    },
    /// The till's cashiers: the till's manager first, then each by name, disabled ones too.
    List,
    /// Disable a cashier: they can no longer sign in. Reads a manager's PIN from standard input.
    Disable { name: String },
}

fn refused(e: impl std::fmt::Display) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::PinRefused,
        message: format!("{e} Nothing was changed."),
    }
}

/// The till's store (with training's demo cashier in training mode) and its PIN gate.
fn open(paths: &Paths) -> Result<(Arc<Store>, PinGate), ErrorDto> {
    let config = Config::load(&paths.config_file).map_err(|e| ErrorDto::config(e.to_string()))?;
    let store = open_store(paths).map_err(ErrorDto::config)?;
    if config.is_training() {
        store
            .add_training_cashier()
            .map_err(|e| ErrorDto::config(e.to_string()))?;
    }
    let gate = PinGate::new(pin_secrets(&config)?, store.clone());
    Ok((store, gate))
}

/// Reads the lines for `prompts` and checks the first as a manager's PIN; answers the
/// manager's name and the other lines.
fn manager_approves(gate: &PinGate, prompts: &[&str]) -> Result<(String, Vec<String>), ErrorDto> {
    let mut lines = read_hidden_lines(prompts).map_err(ErrorDto::config)?;
    let pin = lines.remove(0);
    if pin.is_empty() {
        return Err(refused(PinError::Missing));
    }
    let manager = gate.approve(&pin).map_err(refused)?;
    Ok((manager, lines))
}

fn print_cashier(verb: &str, c: &Cashier, by: &str, json_out: bool) {
    if json_out {
        println!("{}", json!({"ok": true, "cashier": c, "by": by}));
    } else {
        println!("{} {verb} (by {by}).", c.label());
    }
}

pub fn run(paths: &Paths, command: &CashierCommand, json_out: bool) -> ExitCode {
    let done = open(paths).and_then(|(store, gate)| match command {
        CashierCommand::List => {
            let all = store
                .cashiers()
                .map_err(|e| ErrorDto::config(e.to_string()))?;
            if json_out {
                println!("{}", json!({"ok": true, "cashiers": all}));
            } else {
                for c in &all {
                    let state = if c.active { "active" } else { "disabled" };
                    println!("{:<24} {:<8} {state}", c.name, c.role.as_str());
                }
            }
            Ok(())
        }
        CashierCommand::Add { name, role } => {
            let role = Role::parse(role).map_err(|e| ErrorDto::invalid(e.to_string()))?;
            let (manager, lines) = manager_approves(
                &gate,
                &[
                    "A manager's PIN (not shown): ",
                    "The new cashier's PIN (not shown): ",
                ],
            )?;
            let added = store
                .add_cashier(name, role, &lines[0])
                .map_err(|e| ErrorDto::invalid(format!("{e} Nothing was changed.")))?;
            print_cashier("added", &added, &manager, json_out);
            Ok(())
        }
        CashierCommand::Disable { name } => {
            let (manager, _) = manager_approves(&gate, &["A manager's PIN (not shown): "])?;
            let disabled = store
                .disable_cashier(name)
                .map_err(|e| ErrorDto::invalid(format!("{e} Nothing was changed.")))?;
            print_cashier("disabled", &disabled, &manager, json_out);
            Ok(())
        }
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error, json_out),
    }
}
