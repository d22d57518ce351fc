//! The setup screen's commands through Tauri's IPC (mock runtime), on a real configuration file
//! in a temporary folder, with the in-memory secret store standing in for the OS keyring: settings
//! saved and read back by `Config::load`, invalid ones refused with the file untouched, leaving
//! training mode only when confirmed, secrets set and never returned, "Test connection" against
//! a running simulator, and the OAuth sign-ins end to end — the test plays the browser, following
//! the authorize URL to the simulator, which sends it back to the till's loopback listener.

// This test uses `invoke` only.
#[allow(dead_code)]
mod ipc_support;

use ipc_support::{invoke, Webview};
use kassa_app::boot::boot;
use kassa_app::commands::AppState;
use kassa_app::oauth_sign_in::SignInSettings;
use kassa_app::paths::Paths;
use kassa_app::setup_commands::SetupState;
use kassa_app::training::MANAGER_PIN;
use kassa_core::config::Config;
use kassa_core::secrets::{MemorySecretStore, SecretStore};
use kassa_sim::lightspeed::{LightspeedSim, ALL_SCOPES};
use kassa_sim::shopwave::{App, ShopwaveSim};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::WebviewWindowBuilder;

const INSTALLED: &str =
    "# Set up by the installer, Anna, for shop 7\n[register]\nname = \"Front\" # by the door\n";

struct Rig {
    webview: Webview,
    secrets: Arc<MemorySecretStore>,
    config_file: PathBuf,
    _dir: tempfile::TempDir,
}

/// A training till (PIN 1234) whose setup screen writes `config` in a folder of its own; a
/// sign-in sends Lightspeed's retailer to `connect_url` and waits `timeout` for the browser.
fn rig(connect_url: &str, timeout: Duration) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    std::fs::write(&paths.config_file, INSTALLED).unwrap();
    let booted =
        tauri::async_runtime::block_on(boot(paths.clone(), Arc::new(MemorySecretStore::default())))
            .unwrap();
    assert!(booted.till.is_training());
    let secrets = Arc::new(MemorySecretStore::default());
    let setup = SetupState::new(
        paths.config_file.clone(),
        secrets.clone(),
        SignInSettings {
            lightspeed_connect_url: connect_url.into(),
            timeout,
            // The test is the browser: it follows the URL the command answers with.
            open_browser: |_| Ok(()),
        },
    );
    let app = kassa_app::with_setup(
        kassa_app::with_commands(mock_builder(), AppState::ready(Ok(booted))),
        setup,
    )
    .build(mock_context(noop_assets()))
    .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Rig {
        webview,
        secrets,
        config_file: paths.config_file,
        _dir: dir,
    }
}

impl Rig {
    fn call(&self, cmd: &str, body: Value) -> Value {
        invoke(&self.webview, cmd, body).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn refuse(&self, cmd: &str, body: Value) -> Value {
        match invoke(&self.webview, cmd, body) {
            Ok(v) => panic!("{cmd} should have been refused, answered {v}"),
            Err(e) => e,
        }
    }

    fn save(&self, changes: Value, leave_training: bool) -> Result<Value, Value> {
        invoke(
            &self.webview,
            "setup_save",
            json!({"pin": MANAGER_PIN, "changes": changes, "leaveTraining": leave_training}),
        )
    }

    fn set_secret(&self, name: &str, value: &str) {
        let answer = self.call(
            "setup_secret_set",
            json!({"pin": MANAGER_PIN, "name": name, "value": value}),
        );
        assert_eq!(answer, json!("set"));
    }

    fn file(&self) -> String {
        std::fs::read_to_string(&self.config_file).unwrap()
    }

    fn secret(&self, name: &str) -> Option<String> {
        self.secrets
            .get(name)
            .unwrap()
            .map(|s| s.expose().to_string())
    }

    fn test(&self, provider: &str) -> Value {
        self.call(
            "setup_test",
            json!({"pin": MANAGER_PIN, "provider": provider}),
        )
    }
}

fn quick_rig() -> Rig {
    rig(
        "https://secure.retail.lightspeed.app/connect",
        Duration::from_secs(60),
    )
}

fn serve(router: axum::Router) -> kassa_sim::server::Running {
    tauri::async_runtime::block_on(kassa_sim::server::serve(router)).unwrap()
}

/// The browser: follows the authorize URL, the provider's redirect included, and reads the page
/// it lands on.
fn browse(url: &str) -> String {
    reqwest::blocking::get(url).unwrap().text().unwrap()
}

#[test]
fn settings_are_saved_into_the_file_and_an_invalid_value_leaves_it_untouched() {
    let rig = quick_rig();
    let refused = rig.refuse("setup_get", json!({"pin": "9999"}));
    assert_eq!(refused["code"], "pin_refused", "{refused}");

    let shown = rig.call("setup_get", json!({"pin": MANAGER_PIN}));
    assert_eq!(shown["training"], true);
    assert_eq!(shown["register"]["name"], "Front");
    assert_eq!(shown["register"]["currency"], "EUR");
    assert!(shown["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["set"] == false));

    rig.save(
        json!([
            {"key": "register.name", "value": "Back room"},
            {"key": "register.shop", "value": "Shop 7"},
        ]),
        false,
    )
    .unwrap();
    let config = Config::load(&rig.config_file).unwrap();
    assert_eq!(config.register.name, "Back room");
    assert_eq!(config.register.shop, "Shop 7");
    let text = rig.file();
    assert!(
        text.starts_with("# Set up by the installer, Anna, for shop 7\n"),
        "{text}"
    );
    assert!(
        text.contains("name = \"Back room\" # by the door"),
        "{text}"
    );

    // A bad value, anywhere in the change, and nothing is written.
    let err = rig
        .save(
            json!([
                {"key": "register.name", "value": "Side door"},
                {"key": "register.currency", "value": "EURO"},
            ]),
            false,
        )
        .unwrap_err();
    assert_eq!(err["code"], "config");
    assert!(
        err["message"].as_str().unwrap().contains("currency"),
        "{err}"
    );
    assert_eq!(rig.file(), text);
    for key in ["secrets.keyring_service", "outbox.concurrency", "register"] {
        let err = rig
            .save(json!([{"key": key, "value": "x"}]), false)
            .unwrap_err();
        assert!(err["message"].as_str().unwrap().contains(key), "{err}");
    }
    // A secret has no setting: it is refused, not written into the file.
    let err = rig
        .save(
            json!([{"key": "providers.zmyle.api_key", "value": "zk_live_77"}]),
            true,
        )
        .unwrap_err();
    assert!(!err.to_string().contains("zk_live_77"), "{err}");
    assert_eq!(rig.file(), text);

    // The first provider takes the till out of training mode: only when confirmed.
    let zmyle = json!([
        {"key": "providers.zmyle.base_url", "value": "https://posapi.zmyledemo.de"},
        {"key": "providers.zmyle.hold_minutes", "value": 20},
    ]);
    let err = rig.save(zmyle.clone(), false).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("training mode"),
        "{err}"
    );
    assert_eq!(rig.file(), text);
    let saved = rig.save(zmyle, true).unwrap();
    assert_eq!(saved["training"], false);
    let config = Config::load(&rig.config_file).unwrap();
    assert!(!config.is_training());
    assert_eq!(config.providers.zmyle.unwrap().hold_minutes, 20);
    let shown = rig.call("setup_get", json!({"pin": MANAGER_PIN}));
    let zmyle = &shown["providers"][1];
    assert_eq!(zmyle["provider"], "zmyle");
    assert_eq!(zmyle["settings"]["hold_minutes"], 20);
    // An emptied field goes back to its default.
    rig.save(
        json!([{"key": "providers.zmyle.hold_minutes", "value": ""}]),
        false,
    )
    .unwrap();
    let config = Config::load(&rig.config_file).unwrap();
    assert_eq!(config.providers.zmyle.unwrap().hold_minutes, 30);
}

#[test]
fn a_secret_is_set_in_the_store_and_never_shown_again() {
    let rig = quick_rig();
    rig.set_secret("zmyle.api_key", "  zk_live_secret_77\n");
    assert_eq!(
        rig.secret("zmyle.api_key").as_deref(),
        Some("zk_live_secret_77")
    );
    let shown = rig.call("setup_get", json!({"pin": MANAGER_PIN}));
    assert!(!shown.to_string().contains("zk_live_secret_77"), "{shown}");
    let set: Vec<&str> = shown["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["set"] == true)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(set, ["zmyle.api_key"]);
    assert!(!rig.file().contains("zk_live"));

    let err = rig.refuse(
        "setup_secret_set",
        json!({"pin": MANAGER_PIN, "name": "manager.pin_hash", "value": "x"}),
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("manager.pin_hash"),
        "{err}"
    );
    let err = rig.refuse(
        "setup_secret_set",
        json!({"pin": MANAGER_PIN, "name": "zmyle.api_secret", "value": "  "}),
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("zmyle.api_secret"),
        "{err}"
    );
    let err = rig.refuse(
        "setup_secret_set",
        json!({"pin": "0000", "name": "zmyle.api_secret", "value": "s"}),
    );
    assert_eq!(err["code"], "pin_refused");
    assert_eq!(rig.secret("zmyle.api_secret"), None);
}

#[test]
fn test_connection_probes_the_saved_provider_with_the_stored_secret() {
    let sim = LightspeedSim::new();
    sim.add_personal_token("ls-personal-token", &ALL_SCOPES);
    let running = serve(sim.router());
    let rig = quick_rig();
    let err = rig.refuse(
        "setup_test",
        json!({"pin": MANAGER_PIN, "provider": "lightspeed"}),
    );
    assert!(err["message"].as_str().unwrap().contains("Save"), "{err}");
    rig.save(
        json!([{"key": "providers.lightspeed.base_url", "value": running.url()}]),
        true,
    )
    .unwrap();

    let missing = rig.test("lightspeed");
    assert_eq!(missing["ok"], false);
    assert!(
        missing["detail"]
            .as_str()
            .unwrap()
            .contains("lightspeed.token"),
        "{missing}"
    );
    rig.set_secret("lightspeed.token", "not-the-token");
    let refused = rig.test("lightspeed");
    assert_eq!(refused["ok"], false, "{refused}");
    rig.set_secret("lightspeed.token", "ls-personal-token");
    let ok = rig.test("lightspeed");
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["detail"], "reachable, credentials accepted");

    drop(running);
    let down = rig.test("lightspeed");
    assert_eq!(down["ok"], false, "{down}");
}

#[test]
fn lightspeed_sign_in_through_the_browser_puts_the_tokens_in_the_keyring() {
    let sim = LightspeedSim::new();
    sim.set_oauth_app("kassa-app", "app-secret", "refresh-0");
    let running = serve(sim.router());
    let rig = rig(
        &format!("{}/connect", running.url()),
        Duration::from_secs(60),
    );
    rig.save(
        json!([
            {"key": "providers.lightspeed.base_url", "value": running.url()},
            {"key": "providers.lightspeed.auth", "value": "oauth"},
            {"key": "providers.lightspeed.client_id", "value": "kassa-app"},
        ]),
        true,
    )
    .unwrap();
    let start = json!({"pin": MANAGER_PIN, "provider": "lightspeed"});
    let err = rig.refuse("setup_sign_in_start", start.clone());
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("lightspeed.client_secret"),
        "{err}"
    );
    rig.set_secret("lightspeed.client_secret", "app-secret");

    let started = rig.call("setup_sign_in_start", start.clone());
    let url = started["authorizeUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/connect?", running.url())),
        "{url}"
    );
    assert!(
        url.contains("client_id=kassa-app") && url.contains("state="),
        "{url}"
    );
    let page = browse(url);
    assert!(page.contains("signed in with Lightspeed"), "{page}");
    assert!(page.contains("close this window"), "{page}");
    let done = rig.call("setup_sign_in_finish", json!({"provider": "lightspeed"}));
    assert!(done.as_str().unwrap().contains("signed in"), "{done}");
    let refresh = rig.secret("lightspeed.refresh_token");
    assert_eq!(refresh, sim.refresh_token());
    assert!(rig.secret("lightspeed.access_token").is_some());
    let shown = rig.call("setup_get", json!({"pin": MANAGER_PIN}));
    assert_eq!(shown["providers"][2]["signedIn"], true, "{shown}");
    assert_eq!(rig.test("lightspeed")["ok"], true);

    // An answer whose state is not the sign-in's is refused; the tokens stay as they were.
    let started = rig.call("setup_sign_in_start", start);
    let url = started["authorizeUrl"].as_str().unwrap();
    let (head, _) = url.split_once("state=").unwrap();
    let page = browse(&format!("{head}state=forged"));
    assert!(page.contains("does not match"), "{page}");
    let err = rig.refuse("setup_sign_in_finish", json!({"provider": "lightspeed"}));
    assert!(err["message"].as_str().unwrap().contains("state"), "{err}");
    assert_eq!(rig.secret("lightspeed.refresh_token"), refresh);
}

#[test]
fn shopwave_sign_in_at_the_configured_redirect_uri() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/kassa/shopwave");
    let sim = ShopwaveSim::new(
        App {
            client_id: "kassa-shopwave".into(),
            client_secret: "sw-secret".into(),
            redirect_uri: redirect_uri.clone(),
        },
        &[12],
    );
    let running = serve(sim.router());
    let rig = quick_rig();
    rig.save(
        json!([
            {"key": "providers.shopwave.base_url", "value": running.url()},
            {"key": "providers.shopwave.token_url", "value": format!("{}/oauth/token", running.url())},
            {"key": "providers.shopwave.client_id", "value": "kassa-shopwave"},
            {"key": "providers.shopwave.store_id", "value": "12"},
            {"key": "providers.shopwave.redirect_uri", "value": redirect_uri},
        ]),
        true,
    )
    .unwrap();
    rig.set_secret("shopwave.client_secret", "sw-secret");
    let before = rig.test("shopwave");
    assert_eq!(before["ok"], false, "no tokens yet: {before}");

    let started = rig.call(
        "setup_sign_in_start",
        json!({"pin": MANAGER_PIN, "provider": "shopwave"}),
    );
    let url = started["authorizeUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/oauth/authorize?", running.url())),
        "{url}"
    );
    let page = browse(url);
    assert!(page.contains("signed in with Shopwave"), "{page}");
    rig.call("setup_sign_in_finish", json!({"provider": "shopwave"}));
    assert!(rig.secret("shopwave.access_token").is_some());
    assert!(rig.secret("shopwave.refresh_token").is_some());
    let after = rig.test("shopwave");
    assert_eq!(after["ok"], true, "{after}");
}

#[test]
fn a_sign_in_the_browser_never_returns_from_is_given_up() {
    let sim = LightspeedSim::new();
    sim.set_oauth_app("kassa-app", "app-secret", "refresh-0");
    let running = serve(sim.router());
    let rig = rig(
        &format!("{}/connect", running.url()),
        Duration::from_millis(300),
    );
    rig.save(
        json!([
            {"key": "providers.lightspeed.base_url", "value": running.url()},
            {"key": "providers.lightspeed.auth", "value": "oauth"},
            {"key": "providers.lightspeed.client_id", "value": "kassa-app"},
            {"key": "providers.lightspeed.redirect_uri", "value": "https://example.com/back"},
        ]),
        true,
    )
    .unwrap();
    rig.set_secret("lightspeed.client_secret", "app-secret");
    let start = json!({"pin": MANAGER_PIN, "provider": "lightspeed"});
    let err = rig.refuse("setup_sign_in_start", start.clone());
    assert!(
        err["message"].as_str().unwrap().contains("127.0.0.1"),
        "a redirect the till cannot catch is explained: {err}"
    );
    rig.save(
        json!([{"key": "providers.lightspeed.redirect_uri", "value": null}]),
        false,
    )
    .unwrap();
    rig.call("setup_sign_in_start", start);
    let err = rig.refuse("setup_sign_in_finish", json!({"provider": "lightspeed"}));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("No answer came back"),
        "{err}"
    );
    assert_eq!(rig.secret("lightspeed.refresh_token"), None);
    let err = rig.refuse("setup_sign_in_finish", json!({"provider": "lightspeed"}));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("No sign-in is under way"),
        "{err}"
    );
}
