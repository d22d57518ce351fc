//! What the end-to-end tests share: tauri-driver started on free ports with the app's XDG
//! folders in a test's own home, a WebDriver session on the real `kassa` window, reading the
//! screen, keys pressed as a person or a scanner does, and the headless `kassa` on the same
//! folders. `make test` provides the display (Xvfb) and the driver; without them a test fails
//! with a message saying so: it never skips.
// Each test uses a part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);

/// Slower than a scanner (`[scanner] max_key_gap_ms`, 50 by default): a person typing.
pub const BY_HAND: u64 = 110;

// WebDriver's codes for the keys the tests press.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const DELETE: &str = "\u{E017}";
pub const F1: &str = "\u{E031}";
pub const F2: &str = "\u{E032}";
pub const F3: &str = "\u{E033}";
pub const F4: &str = "\u{E034}";
pub const F5: &str = "\u{E035}";
pub const F8: &str = "\u{E038}";
pub const F9: &str = "\u{E039}";
pub const F10: &str = "\u{E03A}";

pub struct Driver {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
    /// The till's data-folder lock (`kassa.lock`), held by the window while it runs.
    lock: PathBuf,
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
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
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

impl Driver {
    /// Starts tauri-driver on free ports with the app's XDG folders in `home`.
    pub fn start(home: &Path) -> Driver {
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
            lock: home.join("data/eu.kassa.till/kassa.lock"),
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

    /// Opens the till (a new `kassa` process) and waits for its screen to have started (the UI
    /// sets `data-ready` on the body).
    pub fn new_session(&self) -> Session<'_> {
        self.new_session_of(Path::new(env!("CARGO_BIN_EXE_kassa")))
    }

    /// [`Driver::new_session`] with another `kassa` binary (the one a package installs).
    pub fn new_session_of(&self, app: &Path) -> Session<'_> {
        self.wait_for_earlier_window();
        let value = self.call(
            reqwest::Method::POST,
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}})),
        );
        let session = Session {
            driver: self,
            id: value["sessionId"].as_str().expect("session id").to_string(),
        };
        // The window opens on the sign-in screen: training's demo cashier signs in, as a
        // cashier starting the day would.
        session.wait_for(
            "the till to be ready or to ask who signs in",
            "const s = document.getElementById('signin-panel'); \
             return document.body.dataset.ready === 'true' || (!!s && !s.hidden)",
        );
        if session.shown("#signin-panel") {
            session.sign_in(
                kassa_core::cashiers::TRAINING_CASHIER,
                kassa_core::cashiers::TRAINING_CASHIER_PIN,
            );
        }
        session.wait_for(
            "the till to be ready",
            "return document.body.dataset.ready === 'true'",
        );
        session
    }
}

impl Driver {
    /// A window closed a moment ago may still be exiting, holding the till's data folder: the
    /// next one waits for it, as a cashier reopening the till would.
    fn wait_for_earlier_window(&self) {
        let Ok(file) = std::fs::File::open(&self.lock) else {
            return;
        };
        let started = Instant::now();
        while file.try_lock().is_err() {
            assert!(
                started.elapsed() < WAIT,
                "an earlier window never let go of the till's data folder"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub struct Session<'a> {
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
    pub fn post(&self, path: &str, body: Value) -> Value {
        self.driver.call(
            reqwest::Method::POST,
            &format!("/session/{}{path}", self.id),
            Some(body),
        )
    }

    pub fn get(&self, path: &str) -> Value {
        self.driver.call(
            reqwest::Method::GET,
            &format!("/session/{}{path}", self.id),
            None,
        )
    }

    pub fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
    }

    /// Polls a script until it returns something other than null/false/"".
    pub fn wait_for(&self, what: &str, js: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(js);
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(
                started.elapsed() < WAIT,
                "timed out waiting for {what}; the screen says: {}",
                self.screen_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the element's text is `expected`.
    pub fn wait_text(&self, css: &str, expected: &str) {
        let js = format!(
            "const e = document.querySelector({css:?}); return !!e && e.textContent === {expected:?};"
        );
        let started = Instant::now();
        while self.script(&js) != true {
            assert!(
                started.elapsed() < WAIT,
                "timed out waiting for {css} to say {expected:?}; it says {:?}; the screen says: {}",
                self.text(css),
                self.screen_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the window's screens show, for a failing test's message.
    pub fn screen_text(&self) -> String {
        self.text("main")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when the element takes space on screen (not hidden, not display:none).
    pub fn shown(&self, css: &str) -> bool {
        let js = format!("const e = document.querySelector({css:?}); return !!e && e.getClientRects().length > 0 && !e.closest('[hidden]');");
        self.script(&js) == true
    }

    pub fn text(&self, css: &str) -> String {
        let js =
            format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;");
        self.script(&js).as_str().unwrap_or_default().to_string()
    }

    /// Key presses through WebDriver's key actions, `pause_ms` before each (0: none, as fast
    /// as WebDriver goes).
    pub fn press_keys<'k>(&self, keys: impl IntoIterator<Item = &'k str>, pause_ms: u64) {
        let mut actions = vec![];
        for key in keys {
            if pause_ms > 0 {
                actions.push(json!({"type": "pause", "duration": pause_ms}));
            }
            actions.push(json!({"type": "keyDown", "value": key}));
            actions.push(json!({"type": "keyUp", "value": key}));
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
        // Release the input state, so the next actions start from nothing held.
        self.driver.call(
            reqwest::Method::DELETE,
            &format!("/session/{}/actions", self.id),
            None,
        );
    }

    /// Types `text` as a person does: a pause before each key, slower than any scanner.
    pub fn type_by_hand(&self, text: &str) {
        let keys: Vec<String> = text.chars().map(String::from).collect();
        self.press_keys(keys.iter().map(String::as_str), BY_HAND);
    }

    /// One key (Enter, an F-key, Esc...), pressed by a person.
    pub fn press(&self, key: &str) {
        self.press_keys([key], BY_HAND);
    }

    /// A scanner's burst as WebDriver key actions: `text` then Enter, with no pause between
    /// the keys.
    pub fn scan_by_key_actions(&self, text: &str) {
        let keys: Vec<String> = text.chars().map(String::from).collect();
        self.press_keys(keys.iter().map(String::as_str).chain([ENTER]), 0);
    }

    /// Signs in on the sign-in screen: the name, Enter, the PIN, Enter, typed by hand. Each step
    /// is checked on the screen before the next; keys lost on a loaded machine (a window that
    /// got the keyboard late) mean the step is typed again, up to three times. Nothing is typed
    /// while a sign-in is still being answered, so no key meant for the sign-in screen can land
    /// on the screen behind it.
    pub fn sign_in(&self, name: &str, pin: &str) {
        const SIGNED_IN: &str = "return document.getElementById('signin-panel').hidden";
        for _ in 0..3 {
            if self.script(SIGNED_IN) == true {
                return;
            }
            let focused = self.script(
                "const n = document.getElementById('signin-name'); n.value = ''; n.focus(); \
                 return document.activeElement === n",
            );
            if focused != true {
                continue;
            }
            self.type_by_hand(name);
            let typed = format!("return document.getElementById('signin-name').value === {name:?}");
            if !self.becomes(&typed, Duration::from_secs(5)) {
                continue;
            }
            self.press(ENTER);
            if !self.becomes(
                "return document.activeElement?.id === 'signin-pin'",
                Duration::from_secs(5),
            ) {
                continue;
            }
            self.enter(pin);
            // The till's answer: the screen goes, or it says why not (a PIN typed wrong).
            self.becomes(
                "return document.getElementById('signin-panel').hidden \
                 || document.getElementById('signin-error').textContent !== ''",
                WAIT,
            );
        }
        assert!(
            self.script(SIGNED_IN) == true,
            "{name} could not sign in; the screen says: {}",
            self.screen_text()
        );
    }

    /// Whether a script returns `true` within `within`.
    fn becomes(&self, js: &str, within: Duration) -> bool {
        let started = Instant::now();
        loop {
            if self.script(js) == true {
                return true;
            }
            if started.elapsed() > within {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types a line or an amount by hand, then Enter.
    pub fn enter(&self, text: &str) {
        self.type_by_hand(text);
        self.press(ENTER);
    }

    /// A keyboard-wedge scanner's burst: each `(key, code, shift)` then Enter, as the
    /// KeyboardEvents the system delivers, dispatched in one script at `target` (a JS
    /// expression). Dispatched in one script, the burst stays a burst however busy the machine
    /// is (WebDriver key actions can fall further apart than a scanner's keys); and
    /// WebKitWebDriver derives a synthesized key's `code` from its value with a US table, so
    /// neither shifted punctuation nor another keyboard layout can be typed faithfully through
    /// key actions.
    fn dispatch_scan(&self, keys: &[(String, String, bool)], target: &str) {
        let mut keys = keys.to_vec();
        keys.push(("Enter".into(), "Enter".into(), false));
        let script = format!(
            "const target = {target}; \
             for (const [key, code, shiftKey] of arguments[0]) {{ \
               const init = {{key, code, shiftKey, bubbles: true, cancelable: true}}; \
               target.dispatchEvent(new KeyboardEvent('keydown', init)); \
               target.dispatchEvent(new KeyboardEvent('keyup', init)); }} \
             return true;"
        );
        self.post("/execute/sync", json!({"script": script, "args": [keys]}));
    }

    /// A scanner programmed for a US keyboard, on a US system: `text` then Enter, where focus
    /// is ([`Session::dispatch_scan`]).
    pub fn scan(&self, text: &str) {
        self.dispatch_scan(
            &as_typed_on_a_us_system(text),
            "document.activeElement || document.body",
        );
    }

    /// A scanner's keys, `(key, code, shift)` each, then Enter, with focus on nothing: the
    /// focus is let go in the same script, before the window can take it back.
    pub fn scan_unfocused(&self, keys: &[(String, String, bool)]) {
        self.dispatch_scan(keys, "(document.activeElement.blur(), document.body)");
    }

    pub fn screenshot(&self, path: &str) {
        use std::io::Write;
        let b64 = self.get("/screenshot");
        let bytes = base64_decode(b64.as_str().expect("base64 screenshot"));
        std::fs::File::create(path)
            .and_then(|mut f| f.write_all(&bytes))
            .expect("write screenshot");
    }
}

/// The keys a US keyboard types `text` with: `(key, code, shift)` per key press, as
/// KeyboardEvent fields.
fn as_typed_on_a_us_system(text: &str) -> Vec<(String, String, bool)> {
    text.chars()
        .map(|c| {
            let (code, shift) = match c {
                ':' => ("Semicolon".to_string(), true),
                '/' => ("Slash".into(), false),
                '?' => ("Slash".into(), true),
                '.' => ("Period".into(), false),
                '-' => ("Minus".into(), false),
                '=' => ("Equal".into(), false),
                c if c.is_ascii_lowercase() => (format!("Key{}", c.to_ascii_uppercase()), false),
                c if c.is_ascii_uppercase() => (format!("Key{c}"), true),
                c if c.is_ascii_digit() => (format!("Digit{c}"), false),
                other => panic!("no US key for {other:?} in this test"),
            };
            (c.to_string(), code, shift)
        })
        .collect()
}

/// Standard base64, enough for a screenshot; keeps the tests free of another dependency.
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

/// The headless `kassa` with the till's config and data folders of `home` (those the window
/// opened by [`Driver::start`] uses), `stdin` piped in; it must succeed.
pub fn kassa_cli(home: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("KASSA_CONFIG", home.join("config/kassa.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kassa starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kassa {args:?} (it needs an unlocked OS keyring: `make test` runs the tests with one): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
