#![cfg(target_os = "linux")]
//! End to end: the real `kassa` binary in a real window (Xvfb), driven through WebDriver
//! (tauri-driver + WebKitWebDriver). A scanner burst is typed into the window and the balance
//! on screen is read back. `make test` provides the display and the driver; without them this
//! test fails with a message saying so: it never skips.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct Driver {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
}

impl Drop for Driver {
    /// tauri-driver leaves WebKitWebDriver running when it is killed; it was started in a
    /// process group of its own, so the whole group goes.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs_home().map(|h| h.join(".cargo")));
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(cargo_home.map(|c| c.join("bin")));
    for dir in candidates {
        let path = dir.join("tauri-driver");
        if path.is_file() {
            return path;
        }
    }
    panic!("tauri-driver is not installed: run `make test`, which installs it (cargo install tauri-driver --version 2.1.0 --locked)");
}

fn dirs_home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

impl Driver {
    /// Starts tauri-driver on free ports with the app's XDG folders in `home`.
    fn start(home: &std::path::Path) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests under Xvfb (`make test` does)"
        );
        let (port, native) = (free_port(), free_port());
        let child = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("KASSA_CONFIG", home.join("config/kassa.toml"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(home.join("driver.log")).expect("driver log"))
            .process_group(0)
            .spawn()
            .expect("start tauri-driver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        };
        let started = Instant::now();
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.url))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(
                started.elapsed() < WAIT,
                "tauri-driver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().expect("WebDriver request");
        let status = response.status();
        let value: Value = response.json().expect("WebDriver JSON");
        assert!(status.is_success(), "WebDriver {path}: {status} {value}");
        value["value"].clone()
    }

    fn new_session(&self) -> Session<'_> {
        let app = env!("CARGO_BIN_EXE_kassa");
        let value = self.call(
            reqwest::Method::POST,
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}})),
        );
        Session {
            driver: self,
            id: value["sessionId"].as_str().expect("session id").to_string(),
        }
    }
}

struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .http
            .delete(format!("{}/session/{}", self.driver.url, self.id))
            .send();
    }
}

impl Session<'_> {
    fn post(&self, path: &str, body: Value) -> Value {
        self.driver.call(
            reqwest::Method::POST,
            &format!("/session/{}{path}", self.id),
            Some(body),
        )
    }

    fn get(&self, path: &str) -> Value {
        self.driver.call(
            reqwest::Method::GET,
            &format!("/session/{}{path}", self.id),
            None,
        )
    }

    fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
    }

    /// Waits for the till's screen to have started (the UI sets `data-ready` on the body).
    fn wait_until_ready(&self) {
        self.wait_for(
            "the till to be ready",
            "return document.body.dataset.ready === 'true'",
        );
    }

    /// Polls a script until it returns something other than null/false/"".
    fn wait_for(&self, what: &str, js: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(js);
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(started.elapsed() < WAIT, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// True when the element takes space on screen (not hidden, not display:none).
    fn shown(&self, css: &str) -> bool {
        let js = format!("const e = document.querySelector({css:?}); return !!e && e.getClientRects().length > 0 && !e.closest('[hidden]');");
        self.script(&js) == true
    }

    fn text(&self, css: &str) -> String {
        let js =
            format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;");
        self.script(&js).as_str().unwrap_or_default().to_string()
    }

    /// Types `text` then Enter as one fast burst of key presses, as a keyboard-wedge scanner does.
    fn scan(&self, text: &str) {
        let keys: Vec<(String, bool)> = text.chars().map(|c| (c.to_string(), false)).collect();
        self.scan_keys(&keys);
    }

    /// A burst of key presses, each `(key value, with Shift held)`, then Enter.
    fn scan_keys(&self, keys: &[(String, bool)]) {
        const SHIFT: &str = "\u{E008}";
        const ENTER: &str = "\u{E007}";
        let mut actions = vec![];
        for (key, shift) in keys
            .iter()
            .map(|(k, s)| (k.as_str(), *s))
            .chain([(ENTER, false)])
        {
            if shift {
                actions.push(json!({"type": "keyDown", "value": SHIFT}));
            }
            actions.push(json!({"type": "keyDown", "value": key}));
            actions.push(json!({"type": "keyUp", "value": key}));
            if shift {
                actions.push(json!({"type": "keyUp", "value": SHIFT}));
            }
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "scanner", "actions": actions}]}),
        );
    }

    fn screenshot(&self, path: &str) {
        use std::io::Write;
        let b64 = self.get("/screenshot");
        let bytes = base64_decode(b64.as_str().expect("base64 screenshot"));
        std::fs::File::create(path)
            .and_then(|mut f| f.write_all(&bytes))
            .expect("write screenshot");
    }
}

/// Standard base64, enough for a screenshot; keeps the test free of another dependency.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(value(*c)) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Puts a refused redemption on the review list of the training till that will open in `home`.
fn a_refused_payment_in_the_training_database(home: &std::path::Path) {
    use kassa_core::outbox::{NewOp, OpKind, Transition};
    let store =
        kassa_core::store::Store::open(&home.join("data/eu.kassa.till/training.sqlite3")).unwrap();
    let eur = kassa_core::money::Currency::try_from("EUR".to_string()).unwrap();
    let op = NewOp::new(
        kassa_core::provider::ProviderId::Leat,
        OpKind::Redeem,
        Some("4165100002"),
        kassa_core::money::Money::new(900, eur),
    );
    store.enqueue(&[op]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let claimed = store
        .claim_due(kassa_core::provider::ProviderId::Leat, now, 1)
        .unwrap();
    let refused = Transition::Declined {
        reason: "Insufficient balance".into(),
    };
    store.record(&claimed[0], &refused, now).unwrap();
}

#[test]
fn a_scanned_demo_card_shows_its_balance_in_training_mode() {
    let home = tempfile::tempdir().unwrap();
    a_refused_payment_in_the_training_database(home.path());
    let driver = Driver::start(home.path());
    let session = driver.new_session();
    session.wait_until_ready();
    assert_eq!(session.text("#mode-badge"), "TRAINING");
    assert!(
        session.shown("#mode-badge"),
        "the TRAINING badge is on screen"
    );
    assert!(
        session.shown("#training-banner"),
        "the TRAINING banner is on screen"
    );
    assert!(session.text("#training-banner").starts_with("TRAINING"));
    // The status bar shows the outbox and the providers: one refused payment waits for a
    // manager; the four training providers have not been asked anything yet.
    session.wait_for(
        "the queue in the status bar",
        "return document.querySelector('#queue-status').textContent === 'All synced · 1 to review'",
    );
    assert_eq!(
        session.script(
            "return [...document.querySelectorAll('#provider-health .health')].map(h => h.textContent + ':' + h.dataset.state).join(',')"
        ),
        "zmyle:unknown,Lightspeed:unknown,Leat:unknown,Shopwave:unknown"
    );
    assert!(
        !session.shown("#payments-stopped"),
        "the disk has room: payments go on"
    );
    assert!(session
        .text("#training-banner")
        .contains("manager PIN 1234"));

    // The Queue screen: the manager writes the refused payment off, under the manager's PIN.
    session.script("document.querySelector('#queue-status').click(); return true;");
    session.wait_for(
        "the Queue screen",
        "return !document.querySelector('#queue-panel').hidden && document.querySelector('#queue-table tr[data-review=yes]') !== null",
    );
    assert!(session
        .text("#queue-table")
        .contains("Insufficient balance"));
    let write_off = "const row = document.querySelector('#queue-table tr[data-review=yes]'); \
         row.querySelector('input').value = 'paid in cash'; \
         [...row.querySelectorAll('button')].find(b => b.textContent === 'Write off').click(); return true;";
    session.script("document.getElementById('manager-pin').value = '0000'; return true;");
    session.script(write_off);
    let refused = session.wait_for(
        "a wrong PIN refused",
        "return document.getElementById('manager-error').textContent",
    );
    assert!(
        refused.as_str().unwrap().contains("Wrong manager PIN"),
        "{refused}"
    );
    session.script("document.getElementById('manager-pin').value = '1234'; return true;");
    session.script(write_off);
    session.wait_for(
        "the written-off payment gone",
        "return !document.querySelector('#queue-empty').hidden",
    );
    assert_eq!(session.text("#queue-empty"), "Nothing waiting.");
    session.wait_for(
        "the status bar without a review item",
        "return document.querySelector('#queue-status').textContent === 'All synced'",
    );

    // Focus on nothing in particular: a scan is heard wherever focus is.
    session.script("document.activeElement.blur(); return true;");
    session.scan("4165100001");
    let balance = session.wait_for(
        "the balance",
        "const e = document.getElementById('card-balance'); return e && e.textContent;",
    );
    assert_eq!(balance, "EUR 25.00");
    assert!(session.shown("#card-balance"), "the balance is on screen");
    assert_eq!(session.text("#card-code"), "••••0001");

    // With focus in the code field, the scan still looks the card up and leaves the field as
    // it was: the scanner's characters do not land in it.
    session.script(
        "const i = document.getElementById('code-input'); i.value = 'note'; i.focus(); \
         document.getElementById('result').replaceChildren(); return true;",
    );
    session.scan("4165100003");
    session.wait_for(
        "the expired card",
        "return document.getElementById('result').dataset.state === 'expired'",
    );
    assert_eq!(session.text("#card-balance"), "EUR 50.00");
    assert_eq!(
        session.script("return document.getElementById('code-input').value"),
        "note"
    );

    // Typing by hand and pressing Enter also works, and an unknown card says so.
    session.script("const i = document.getElementById('code-input'); i.value = '4165199999'; i.focus(); return true;");
    session.post(
        "/actions",
        json!({"actions": [{"type": "key", "id": "kb", "actions": [
            {"type": "keyDown", "value": "\u{E007}"}, {"type": "keyUp", "value": "\u{E007}"}]}]}),
    );
    session.wait_for(
        "not found",
        "return document.getElementById('result').dataset.state === 'not_found'",
    );
    assert!(session.text("#result").contains("Card not found"));

    // `KASSA_SCREENSHOT=docs/screenshot.png` refreshes the README's picture.
    if let Ok(path) = std::env::var("KASSA_SCREENSHOT") {
        session.script("document.getElementById('code-input').value = ''; document.activeElement.blur(); return true;");
        session.scan("4165100001");
        session.wait_for(
            "the balance again",
            "return document.getElementById('result').dataset.state === 'card'",
        );
        // The window paints a moment after the DOM changes; give it that moment.
        std::thread::sleep(Duration::from_millis(500));
        session.screenshot(&path);
    }
}

/// What a scanner programmed for a US keyboard delivers on a German (QWERTZ) system: the
/// physical keys of the US text, with the characters the German layout gives them.
/// `(key, code, shift)` per key press, as KeyboardEvent fields.
fn as_typed_on_a_german_system(us_text: &str) -> Vec<(String, String, bool)> {
    us_text
        .chars()
        .map(|c| {
            let (key, code, shift): (String, String, bool) = match c {
                'y' => ("z".into(), "KeyY".into(), false),
                'z' => ("y".into(), "KeyZ".into(), false),
                ':' => ("Ö".into(), "Semicolon".into(), true),
                '/' => ("-".into(), "Slash".into(), false),
                '?' => ("_".into(), "Slash".into(), true),
                '-' => ("ß".into(), "Minus".into(), false),
                '=' => ("Dead".into(), "Equal".into(), false),
                '.' => (".".into(), "Period".into(), false),
                c if c.is_ascii_lowercase() => {
                    (c.into(), format!("Key{}", c.to_ascii_uppercase()), false)
                }
                c if c.is_ascii_digit() => (c.into(), format!("Digit{c}"), false),
                other => panic!("no German mapping for {other:?} in this test"),
            };
            (key, code, shift)
        })
        .collect()
}

/// WebKitWebDriver derives a synthesized key's `code` from its value with a US table, so a
/// German layout cannot be reproduced through WebDriver key actions. The keys are dispatched
/// as the KeyboardEvents a German system delivers instead, into the real window, where the
/// till's own listener takes them.
#[test]
fn a_zmyle_qr_scanned_under_a_german_keyboard_layout_finds_its_card() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session();
    session.wait_until_ready();
    let qr = kassa_sim::training::DEMO_ZMYLE_QR;
    let mut keys = as_typed_on_a_german_system(qr);
    keys.push(("Enter".into(), "Enter".into(), false));
    session.post(
        "/execute/sync",
        json!({
            "script": "const target = document.body; document.activeElement.blur(); \
                for (const [key, code, shiftKey] of arguments[0]) { \
                  const init = {key, code, shiftKey, bubbles: true, cancelable: true}; \
                  target.dispatchEvent(new KeyboardEvent('keydown', init)); \
                  target.dispatchEvent(new KeyboardEvent('keyup', init)); } \
                return true;",
            "args": [keys],
        }),
    );
    let balance = session.wait_for(
        "the zmyle card",
        "const e = document.getElementById('card-balance'); return e && e.textContent;",
    );
    assert_eq!(balance, "EUR 20.00");
    assert!(session.text("#card-provider").starts_with("zmyle"));
    assert!(
        !session.text("#card-code").contains("hg84"),
        "the QR's access token is masked on screen"
    );
}
