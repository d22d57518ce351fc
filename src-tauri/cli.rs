//! The command line: no subcommand opens the window; subcommands run headless.

use crate::boot::{boot_with_keyring, Booted};
use crate::data_lock::DataLock;
use crate::doctor;
use crate::dto::{CardDto, ErrorCode, ErrorDto};
use crate::journal_cli::{self, JournalCommand};
use crate::keyring_store::KeyringStore;
use crate::paths::Paths;
use crate::pos_cli::PosCommand;
use crate::queue_cli::{self, ReviewCommand};
use crate::receipt_cli::{self, ReceiptArgs};
use crate::sale_cli::{self, SaleArgs, SalesArgs};
use clap::{Parser, Subcommand};
use kassa_core::card::mask;
use kassa_core::config::{Config, SecretsConfig};
use kassa_core::manager_pin::{self, PinGate};
use kassa_core::provider::CardKind;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use serde_json::json;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "kassa",
    version,
    about = "Kassa: a till for gift cards and prepaid wallets. Without a command it opens the till window."
)]
pub struct Cli {
    /// The configuration file (default: kassa.toml in the OS's config folder for Kassa).
    #[arg(long, global = true, env = "KASSA_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Gift cards and wallets.
    Card {
        #[command(subcommand)]
        command: CardCommand,
    },
    /// Check the configuration, the database, the keyring and each provider.
    Doctor,
    /// The journal: `kassa journal verify` checks its hash chain.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// The POS back-office that records each sale.
    Pos {
        #[command(subcommand)]
        command: PosCommand,
    },
    /// The outbox: operations that move money, waiting to reach their provider.
    Queue {
        /// Write the unfinished operations and those waiting for review to this JSON file.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
    /// Start with a fresh database (the old one is set aside, not deleted). Refused while
    /// operations are unfinished, unless they were exported with `kassa queue --export`.
    /// Needs the manager PIN, read from standard input (never echoed).
    Reset {
        /// The file `kassa queue --export` wrote.
        #[arg(long, value_name = "FILE")]
        exported: Option<PathBuf>,
    },
    /// Operations that need a manager: list them, or retry, write off or mark one done (a
    /// decision needs the manager PIN, read from standard input, never echoed).
    Review {
        #[command(subcommand)]
        command: Option<ReviewCommand>,
    },
    /// A completed sale's receipt: printed on the configured receipt printer, else shown as
    /// text; `--escpos FILE` writes its ESC/POS bytes to a file. SALE is its number, its
    /// receipt's barcode (KS42) or its id.
    Receipt(ReceiptArgs),
    /// The shift: open with a float, paid in / paid out, close with the counted cash.
    Shift {
        #[command(subcommand)]
        command: crate::shift_cli::ShiftCommand,
    },
    /// The open shift's X report, or a closed shift's Z report (`--shift ID`).
    Report(crate::report_cli::ReportArgs),
    /// Ring up and pay a sale headless: `kassa sale --line "Mug=7.95x2" --pay 4165100001
    /// --pay cash=20`; or `kassa sale show ID`.
    Sale(SaleArgs),
    /// List the sales, newest first: number, time, state, total, tenders.
    Sales(SalesArgs),
    /// Send the queued operations to their providers (until Ctrl-C, or `--once`).
    Sync {
        /// One pass: send what is due now and what its answers make due, wait for no retry's
        /// delay, then stop. Exits with 0 when the queue is empty, with 3 when operations are
        /// left (unfinished, or waiting for review).
        #[arg(long)]
        once: bool,
    },
    /// The till's cashiers: add, list, disable (adding and disabling need a manager's PIN).
    Cashier {
        #[command(subcommand)]
        command: crate::cashier_cli::CashierCommand,
    },
    /// The manager's PIN, which the window asks for before a manager's decisions.
    Manager {
        #[command(subcommand)]
        command: ManagerCommand,
    },
    /// Credentials in the OS keyring.
    Secret {
        #[command(subcommand)]
        command: SecretCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Look a card up by its code and show its balance.
    Balance { code: String },
}

#[derive(Debug, Subcommand)]
pub enum ManagerCommand {
    /// Set the manager PIN (6 to 12 digits), read from standard input (never echoed); only
    /// its Argon2 hash is stored, in the OS keyring. When a PIN is set already, the current
    /// PIN comes first (piped: the first line, the new PIN on the second).
    SetPin,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a secret, read from standard input (never echoed), e.g. `kassa secret set leat.api_key`.
    Set { name: String },
}

pub fn run(cli: Cli, command: Command) -> ExitCode {
    let paths = Paths::resolve(cli.config.as_deref());
    let _log = crate::logging::init(&paths.log_dir, false);
    match command {
        Command::Secret {
            command: SecretCommand::Set { name },
        } => match Config::load(&paths.config_file) {
            Ok(config) => secret_set(
                &name,
                &KeyringStore::new(config.secrets.keyring_service),
                cli.json,
            ),
            Err(e) => fail(&ErrorDto::config(e.to_string()), cli.json),
        },
        Command::Manager {
            command: ManagerCommand::SetPin,
        } => set_pin(&paths, cli.json),
        Command::Card {
            command: CardCommand::Balance { code },
        } => with_till(paths, cli.json, |booted| {
            card_balance(booted, code, cli.json)
        }),
        Command::Pos {
            command: PosCommand::PushTest,
        } => with_till(paths, cli.json, |booted| {
            crate::pos_cli::push_test(booted, cli.json)
        }),
        Command::Queue { export } => match (open_store(&paths), export) {
            (Ok(store), None) => queue_cli::queue(&store, cli.json),
            (Ok(store), Some(file)) => queue_cli::export(&store, &file, cli.json),
            (Err(message), _) => fail(&ErrorDto::config(message), cli.json),
        },
        Command::Reset { exported } => match manager_approves(&paths) {
            Ok(store) => queue_cli::reset(store, exported.as_deref(), cli.json),
            Err(error) => fail(&error, cli.json),
        },
        Command::Review { command: None } => match open_store(&paths) {
            Ok(store) => queue_cli::review_list(&store, cli.json),
            Err(message) => fail(&ErrorDto::config(message), cli.json),
        },
        Command::Review {
            command: Some(decision),
        } => match manager_approves(&paths) {
            Ok(store) => queue_cli::review(&store, decision, cli.json),
            Err(error) => fail(&error, cli.json),
        },
        Command::Journal { command } => journal_cli::run(&paths, &command, cli.json),
        Command::Cashier { command } => crate::cashier_cli::run(&paths, &command, cli.json),
        Command::Receipt(args) => receipt_cli::run(&paths, &args, cli.json),
        Command::Sale(args) => sale_cli::run(paths, args, cli.json),
        Command::Shift { command } => crate::shift_cli::run(paths, command, cli.json),
        Command::Report(args) => crate::report_cli::run(&paths, &args, cli.json),
        Command::Sales(args) => sale_cli::list(&paths, &args, cli.json),
        Command::Sync { once } => with_outbox(paths, cli.json, "kassa sync", |booted| async move {
            crate::shift_cli::complete_pending(&booted).await;
            queue_cli::sync(booted, once, cli.json).await
        }),
        Command::Doctor => {
            let runtime = runtime();
            // An unreadable configuration is the doctor's first finding; the keyring is then
            // checked under the default service.
            let service = Config::load(&paths.config_file)
                .map(|c| c.secrets.keyring_service)
                .unwrap_or_else(|_| SecretsConfig::DEFAULT_KEYRING_SERVICE.into());
            let keyring = Arc::new(KeyringStore::new(service));
            let report = runtime.block_on(doctor::run(paths, keyring));
            report.print(cli.json);
            if report.healthy() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// The till's database alone, without its providers: the outbox can be read and reviewed
/// while a provider's credentials are missing.
pub(crate) fn open_store(paths: &Paths) -> Result<Arc<Store>, String> {
    let config = Config::load(&paths.config_file).map_err(|e| e.to_string())?;
    let store = Store::open(&paths.database(config.is_training())).map_err(|e| e.to_string())?;
    Ok(Arc::new(store))
}

/// Where the manager PIN's hash is: the OS keyring, or in training mode its known PIN.
pub(crate) fn pin_secrets(config: &Config) -> Result<Arc<dyn SecretStore>, ErrorDto> {
    if config.is_training() {
        let training = MemorySecretStore::default();
        manager_pin::set_training_pin(&training).map_err(|e| ErrorDto::config(e.to_string()))?;
        Ok(Arc::new(training))
    } else {
        Ok(Arc::new(KeyringStore::new(
            config.secrets.keyring_service.clone(),
        )))
    }
}

fn pin_refused(e: manager_pin::PinError) -> ErrorDto {
    ErrorDto {
        code: ErrorCode::PinRefused,
        message: format!("{e} Nothing was changed."),
    }
}

/// Reads the manager PIN from standard input and checks it through the same gate as the
/// window (its wrong PINs count towards the same lock-out). Returns the till's database once
/// the PIN is the manager's, else why not.
fn manager_approves(paths: &Paths) -> Result<Arc<Store>, ErrorDto> {
    let config = Config::load(&paths.config_file).map_err(|e| ErrorDto::config(e.to_string()))?;
    let store = open_store(paths).map_err(ErrorDto::config)?;
    let pin = read_hidden_lines(&["Manager PIN (not shown): "])
        .map_err(ErrorDto::config)?
        .remove(0);
    if pin.is_empty() {
        return Err(pin_refused(manager_pin::PinError::Missing));
    }
    let manager = PinGate::new(pin_secrets(&config)?, store.clone())
        .approve(&pin)
        .map_err(pin_refused)?;
    // What the manager decides is journalled under their name.
    store
        .sign_in_journal(Some(&manager))
        .map_err(|e| ErrorDto::config(e.to_string()))?;
    Ok(store)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub(crate) fn with_till<F, Fut>(paths: Paths, json_out: bool, work: F) -> ExitCode
where
    F: FnOnce(Booted) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    runtime().block_on(async move {
        match boot_with_keyring(paths).await {
            Ok(booted) => work(booted).await,
            Err(message) => fail(&ErrorDto::config(message), json_out),
        }
    })
}

/// [`with_till`] for a command that sends the outbox (`kassa sync`, `kassa sale`): it first
/// takes the data folder ([`DataLock`]), so no other Kassa sends this till's payments meanwhile.
pub(crate) fn with_outbox<F, Fut>(paths: Paths, json_out: bool, role: &str, work: F) -> ExitCode
where
    F: FnOnce(Booted) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    match DataLock::acquire(&paths.data_dir, role) {
        Ok(_lock) => with_till(paths, json_out, work),
        Err(held) => fail(&ErrorDto::config(held), json_out),
    }
}

pub(crate) fn fail(error: &ErrorDto, json_out: bool) -> ExitCode {
    if json_out {
        println!("{}", json!({"ok": false, "error": error}));
    } else {
        eprintln!("error: {}", error.message);
    }
    ExitCode::FAILURE
}

async fn card_balance(booted: Booted, code: String, json_out: bool) -> ExitCode {
    let found = match booted.till.lookup(&code).await {
        Ok(found) => found,
        Err(e) => return fail(&ErrorDto::from(&e), json_out),
    };
    let card = CardDto::new(&found, mask(code.trim()));
    if json_out {
        println!(
            "{}",
            json!({"ok": true, "training": booted.till.is_training(), "card": card})
        );
        return ExitCode::SUCCESS;
    }
    let training = if booted.till.is_training() {
        "  [TRAINING]"
    } else {
        ""
    };
    let kind = match card.kind {
        CardKind::GiftCard => "gift card",
        CardKind::PrepaidWallet => "prepaid wallet",
    };
    println!(
        "{} {kind} {}{training}",
        card.provider_name, card.card_masked
    );
    println!("  balance  {}", card.balance);
    if let Some(available) = &card.available {
        println!("  available {available}");
    }
    if let Some(holder) = &card.holder {
        println!("  holder   {holder}");
    }
    let expiry = card.expires_on.as_deref().unwrap_or("never");
    println!(
        "  expires  {expiry}{}",
        if card.expired { "  (EXPIRED)" } else { "" }
    );
    println!(
        "  status   {}",
        if card.active { "active" } else { "inactive" }
    );
    ExitCode::SUCCESS
}

/// Reads one line per prompt from standard input: each asked for and never echoed at a
/// terminal, else the first lines of what is piped in (a missing line reads as empty).
pub(crate) fn read_hidden_lines(prompts: &[&str]) -> Result<Vec<String>, String> {
    let lines = if std::io::stdin().is_terminal() {
        prompts
            .iter()
            .map(rpassword::prompt_password)
            .collect::<Result<Vec<_>, _>>()
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map(|_| text.lines().map(str::to_string).collect())
    };
    let mut lines = lines.map_err(|e| format!("cannot read standard input: {e}"))?;
    lines.resize(prompts.len(), String::new());
    Ok(lines.into_iter().map(|l| l.trim().to_string()).collect())
}

/// Stores the hash of a new manager PIN; when one is set, only after the current one passed
/// the PIN gate.
fn set_pin(paths: &Paths, json_out: bool) -> ExitCode {
    let config = match Config::load(&paths.config_file) {
        Ok(config) => config,
        Err(e) => return fail(&ErrorDto::config(e.to_string()), json_out),
    };
    let keyring: Arc<dyn SecretStore> = Arc::new(KeyringStore::new(config.secrets.keyring_service));
    let stored = change_pin(paths, keyring);
    match stored {
        Ok(()) => {
            if json_out {
                println!("{}", json!({"ok": true}));
            } else {
                println!("Manager PIN set (its hash is in the OS keyring).");
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error, json_out),
    }
}

fn change_pin(paths: &Paths, keyring: Arc<dyn SecretStore>) -> Result<(), ErrorDto> {
    let config_error = |e: &dyn std::fmt::Display| ErrorDto::config(e.to_string());
    let replacing = manager_pin::is_set(keyring.as_ref()).map_err(|e| config_error(&e))?;
    let new_prompt = "New manager PIN (not shown): ";
    let prompts: &[&str] = if replacing {
        &["Current manager PIN (not shown): ", new_prompt]
    } else {
        &[new_prompt]
    };
    let mut lines = read_hidden_lines(prompts).map_err(ErrorDto::config)?;
    let new = lines.pop().unwrap_or_default();
    if let Some(current) = lines.pop() {
        if current.is_empty() {
            return Err(pin_refused(manager_pin::PinError::Missing));
        }
        if new.is_empty() {
            return Err(ErrorDto::config(
                "A manager PIN is set already: give the current PIN first, then the new one \
                 (piped: two lines). Nothing was changed.",
            ));
        }
        manager_pin::validate(&new).map_err(|e| config_error(&e))?;
        let store = open_store(paths).map_err(ErrorDto::config)?;
        PinGate::new(keyring.clone(), store)
            .check(&current)
            .map_err(pin_refused)?;
    }
    manager_pin::set_pin(keyring.as_ref(), &new).map_err(|e| config_error(&e))
}

/// Reads the secret from standard input: hidden at a terminal, else its first line.
fn secret_set(name: &str, store: &dyn SecretStore, json_out: bool) -> ExitCode {
    let stored = read_hidden_lines(&[&format!("Value for {name} (not shown): ")])
        .and_then(|lines| store_secret(store, name, &lines[0]));
    match stored {
        Ok(()) => {
            if json_out {
                println!("{}", json!({"ok": true, "name": name}));
            } else {
                println!("{name} stored in the OS keyring.");
            }
            ExitCode::SUCCESS
        }
        Err(message) => fail(&ErrorDto::config(message), json_out),
    }
}

/// Checks the name and value and stores the value; errors never contain the value.
pub fn store_secret(store: &dyn SecretStore, name: &str, text: &str) -> Result<(), String> {
    let valid_name = name.split_once('.').is_some_and(|(provider, key)| {
        !provider.is_empty()
            && !key.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
    });
    if !valid_name {
        return Err(format!(
            "'{name}' is not a secret name; names look like provider.name, e.g. leat.api_key"
        ));
    }
    if name.starts_with("manager.") {
        return Err(format!(
            "'{name}' cannot be set with kassa secret set: the manager PIN is set with \
             kassa manager set-pin, which stores only its hash"
        ));
    }
    let value = text.lines().next().unwrap_or("").trim();
    if value.is_empty() {
        return Err("no value on standard input; nothing was stored".into());
    }
    store
        .set(name, &Secret::new(value))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kassa_core::secrets::MemorySecretStore;

    #[test]
    fn stores_the_first_line_and_refuses_nonsense() {
        let store = MemorySecretStore::default();
        store_secret(&store, "leat.api_key", "s3cret\n").unwrap();
        assert_eq!(
            store.get("leat.api_key").unwrap(),
            Some(Secret::new("s3cret"))
        );
        let err = store_secret(&store, "leat.api_key", "\n").unwrap_err();
        assert!(err.contains("no value"));
        let err = store_secret(&store, "LEAT KEY", "s3cret").unwrap_err();
        assert!(!err.contains("s3cret"));
    }

    #[test]
    fn refuses_the_manager_pin_hash() {
        let store = MemorySecretStore::default();
        let err = store_secret(&store, "manager.pin_hash", "1234\n").unwrap_err();
        assert!(err.contains("kassa manager set-pin"), "{err}");
        assert!(!err.contains("1234"), "{err}");
        assert_eq!(store.get("manager.pin_hash").unwrap(), None);
    }
}
