//! Calling the app's Tauri commands through the IPC layer of Tauri's mock runtime.

pub mod till;

use kassa_app::commands::AppState;
use kassa_core::cashiers::{CashierError, Role, TRAINING_CASHIER, TRAINING_CASHIER_PIN};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;
use tauri::WebviewWindowBuilder;

pub type Webview = tauri::WebviewWindow<tauri::test::MockRuntime>;

/// The cashier the tests of a configured till sign in as (training's is Anna).
pub const TEST_CASHIER: (&str, &str) = ("Tess", "135790");

/// A window of the app with the till's commands over `state`, signed in as a cashier — training's
/// demo cashier, or [`TEST_CASHIER`] — as a cashier at the till would be first.
pub fn app_with(state: AppState) -> Webview {
    let webview = locked_app_with(state);
    let (name, pin) = {
        let state = webview.state::<AppState>();
        let Ok(booted) = state.till() else {
            return webview;
        };
        if booted.till.is_training() {
            (TRAINING_CASHIER, TRAINING_CASHIER_PIN)
        } else {
            match booted
                .store
                .add_cashier(TEST_CASHIER.0, Role::Cashier, TEST_CASHIER.1)
            {
                Ok(_) | Err(CashierError::NameTaken(_)) => TEST_CASHIER,
                Err(e) => panic!("cannot add the test cashier: {e}"),
            }
        }
    };
    invoke(
        &webview,
        "cashier_sign_in",
        json!({"name": name, "pin": pin}),
    )
    .unwrap_or_else(|e| panic!("{name} cannot sign in: {e}"));
    webview
}

/// A window of the app as it opens: locked, nobody signed in.
pub fn locked_app_with(state: AppState) -> Webview {
    let app = kassa_app::with_commands(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("webview builds")
}

/// Invokes a command as the window's JS does; `Err` holds the command's error value.
pub fn invoke(webview: &Webview, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<Value>().unwrap())
}
