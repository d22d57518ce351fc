//! The desktop shell of Kassa: the window, its Tauri commands, and the headless command line.
//! The till itself lives in kassa-core; this crate wires it to IPC, the OS keyring and files.

pub mod boot;
pub mod cashier_cli;
pub mod cashier_commands;
pub mod cli;
pub mod commands;
pub mod data_lock;
pub mod doctor;
pub mod dto;
pub mod front;
pub mod journal_cli;
pub mod journal_commands;
pub mod keyring_store;
pub mod logging;
pub mod oauth_sign_in;
pub mod paths;
pub mod pos_cli;
pub mod queue_cli;
pub mod receipt_cli;
pub mod receipt_commands;
pub mod refund_commands;
pub mod refund_dto;
pub mod report_cli;
pub mod sale_args;
pub mod sale_cli;
pub mod sale_commands;
pub mod sale_dto;
pub mod setup_commands;
pub mod setup_dto;
pub mod shift_cli;
pub mod shift_commands;
pub mod status;
pub mod training;

use commands::AppState;
use std::path::Path;

/// Registers the till's state and commands on a Tauri builder (the real one or the mock).
pub fn with_commands<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    let commands: Box<dyn Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![
            commands::app_info,
            commands::startup_mark,
            commands::lookup_card,
            commands::till_status,
            commands::queue_ops,
            commands::resolve_review,
            sale_commands::sale_current,
            sale_commands::sale_open,
            sale_commands::sale_add_line,
            sale_commands::sale_remove_line,
            sale_commands::sale_scan,
            sale_commands::sale_tender_card,
            sale_commands::sale_tender_cash,
            sale_commands::sale_tender_terminal,
            sale_commands::sale_remove_tender,
            sale_commands::sale_complete,
            sale_commands::sale_abandon,
            sale_commands::sale_get,
            receipt_commands::receipt_get,
            receipt_commands::receipt_print,
            sale_commands::sale_add_card_line,
            refund_commands::sales_recent,
            refund_commands::refund_find,
            refund_commands::sale_refund,
            setup_commands::setup_get,
            setup_commands::setup_save,
            setup_commands::setup_secret_set,
            setup_commands::setup_test,
            setup_commands::setup_sign_in_start,
            setup_commands::setup_sign_in_finish,
            journal_commands::journal_acknowledge,
            cashier_commands::cashier_sign_in,
            cashier_commands::cashier_lock,
            shift_commands::shift_current,
            shift_commands::shift_open,
            shift_commands::shift_cash_move,
            shift_commands::shift_x,
            shift_commands::shift_close,
            shift_commands::shift_z,
            shift_commands::shift_print,
            shift_commands::shift_differences,
            shift_commands::shift_settle_difference
        ]);
    builder
        .manage(state)
        .manage(cashier_commands::CashierSession::default())
        // A locked window's commands are refused here, before they run.
        .invoke_handler(move |invoke| {
            let gate =
                cashier_commands::gate(invoke.message.command(), invoke.message.webview_ref());
            match gate {
                Ok(()) => commands(invoke),
                Err(locked) => {
                    invoke.resolver.reject(locked);
                    true
                }
            }
        })
}

/// Gives the setup screen's commands what they work on (the window's, or a test's).
pub fn with_setup<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    setup: setup_commands::SetupState,
) -> tauri::Builder<R> {
    builder.manage(setup)
}

/// The app as built: tauri.conf.json, the UI's files, and what the window may call — the
/// commands' permissions (`build.rs`) and the window's capability (`capabilities/`).
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the till window. A till that cannot open still shows a window that says why.
pub fn run_window(config: Option<&Path>) {
    let paths = paths::Paths::resolve(config);
    let _log = logging::init(&paths.log_dir, true);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    tauri::async_runtime::set(runtime.handle().clone());
    // Held until the process ends: no other Kassa sends this till's payments meanwhile.
    let role = "the till's window";
    let mut lock = match data_lock::DataLock::acquire(&paths.data_dir, role) {
        Err(_) if front::ask_holder(&paths.data_dir) => {
            println!("The till is already open: its window was brought to the front.");
            return;
        }
        // A till reopened at once finds the one it replaces still closing.
        Err(_) => data_lock::DataLock::acquire_within(
            &paths.data_dir,
            role,
            std::time::Duration::from_secs(5),
        ),
        held => held,
    };
    let front = lock.as_mut().ok().and_then(|lock| {
        front::listen(lock)
            .inspect_err(|e| tracing::warn!(error = %e, "a second window cannot find this one"))
            .ok()
    });
    // The setup screen writes the real till's secrets, in training mode too.
    let keyring_service = kassa_core::config::Config::load(&paths.config_file)
        .map(|c| c.secrets.keyring_service)
        .unwrap_or_else(|_| kassa_core::config::SecretsConfig::DEFAULT_KEYRING_SERVICE.into());
    let setup = setup_commands::SetupState::new(
        paths.config_file.clone(),
        std::sync::Arc::new(keyring_store::KeyringStore::new(keyring_service)),
        oauth_sign_in::SignInSettings::default(),
    );
    // The till opens while the window does: the webview's start is the longer wait.
    let state = AppState::opening();
    match &lock {
        Ok(_) => drop(runtime.spawn(open_till(paths, state.clone()))),
        Err(held) => state.open(Err(held.clone())),
    }
    with_setup(with_commands(tauri::Builder::default(), state), setup)
        .setup(|app| {
            tauri::async_runtime::spawn(status::feed(app.handle().clone()));
            if let Some(listener) = front {
                tauri::async_runtime::spawn(front::serve(listener, app.handle().clone()));
            }
            Ok(())
        })
        .run(context())
        .expect("error while running the Kassa window");
}

/// Opens the till for the window, and starts what runs in the background while it is open:
/// the outbox, abandoning stale sales, completing pending comparisons with the providers.
async fn open_till(paths: paths::Paths, state: AppState) {
    let booted = boot::boot_with_keyring(paths).await;
    match &booted {
        Err(e) => tracing::error!(error = %e, "the till could not open"),
        Ok(booted) => {
            drop(tokio::spawn(status::run_outbox(booted.engine.clone())));
            drop(tokio::spawn(sale_commands::abandon_stale_sales(
                booted.checkout.clone(),
            )));
            drop(tokio::spawn(shift_commands::reconcile_pending(
                shift_cli::reconciler(booted),
                shift_commands::PENDING_EVERY,
            )));
        }
    }
    state.open(booted);
}
