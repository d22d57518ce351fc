//! Calling the app's Tauri commands through the IPC layer of Tauri's mock runtime.

pub mod till;

use kassa_app::commands::AppState;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

pub type Webview = tauri::WebviewWindow<tauri::test::MockRuntime>;

/// A window of the app with the till's commands over `state`.
pub fn app_with(state: AppState) -> Webview {
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
