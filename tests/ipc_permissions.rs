//! What the window may call, through Tauri's IPC layer with the app's own context — its
//! commands' permissions (`src-tauri/build.rs`) and the window's capability
//! (`src-tauri/capabilities/default.json`) — on the mock runtime, which checks them as the real
//! one does (`ipc_support::app_with` uses a context without them, for the commands' own tests).

use kassa_app::commands::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

type Window = WebviewWindow<MockRuntime>;

/// The app as shipped, with no till behind it (a command's own answer does not matter here).
fn app() -> tauri::App<MockRuntime> {
    kassa_app::with_commands(
        mock_builder(),
        AppState::ready(Err("no till in this test".into())),
    )
    .build(kassa_app::context())
    .expect("app builds")
}

fn window(app: &tauri::App<MockRuntime>, label: &str) -> Window {
    WebviewWindowBuilder::new(app, label, Default::default())
        .build()
        .expect("webview builds")
}

fn invoke(window: &Window, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
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

/// Whether the IPC layer refused `cmd` before it ran (any other error is the command's own).
fn refused_by_acl(answer: &Result<Value, Value>) -> bool {
    matches!(answer, Err(Value::String(message)) if message.contains("not allowed"))
}

/// Every command the UI's scripts invoke (`invoke("name"`).
fn invoked_by_ui() -> Vec<String> {
    let mut commands = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/ui")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            let text = std::fs::read_to_string(&path).unwrap();
            for rest in text.split("invoke(\"").skip(1) {
                commands.push(rest[..rest.find('"').unwrap()].to_string());
            }
        }
    }
    commands.sort();
    commands.dedup();
    commands
}

#[test]
fn the_capability_allows_exactly_the_commands_the_ui_invokes() {
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src-tauri/capabilities/default.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut allowed: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    allowed.sort();
    let used = invoked_by_ui();
    assert!(used.len() > 10, "the UI's invokes were found: {used:?}");
    assert_eq!(allowed, used);

    let app = app();
    let main = window(&app, "main");
    for command in &used {
        let answer = invoke(&main, command, json!({}));
        assert!(!refused_by_acl(&answer), "{command}: {answer:?}");
    }
    let listen = invoke(&main, "plugin:event|listen", json!({}));
    assert!(
        !refused_by_acl(&listen),
        "the status bar listens: {listen:?}"
    );
}

#[test]
fn what_the_capability_does_not_allow_is_refused() {
    let app = app();
    let main = window(&app, "main");
    for command in [
        "plugin:event|emit",
        "plugin:window|close",
        "plugin:webview|print",
    ] {
        let answer = invoke(&main, command, json!({}));
        assert!(refused_by_acl(&answer), "{command}: {answer:?}");
    }
    // Any other window — a page opened by mistake, say — may call none of the till's commands.
    let other = window(&app, "other");
    for command in ["app_info", "resolve_review", "sale_complete"] {
        let answer = invoke(&other, command, json!({}));
        assert!(refused_by_acl(&answer), "{command}: {answer:?}");
    }
}
