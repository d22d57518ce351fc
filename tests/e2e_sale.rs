#![cfg(target_os = "linux")]
//! End to end: the sale screen of the real `kassa` binary in a real window (Xvfb), driven
//! through WebDriver (tauri-driver + WebKitWebDriver) with the keyboard only, in training mode
//! (a fresh data folder per test). What the test checks it reads off the screen, as a cashier
//! would. `make test` provides the display and the driver; without them this test fails with a
//! message saying so: it never skips.
//!
//! `KASSA_SCREENSHOT_SALE=docs/sale-screen.png` also saves the README's picture of a sale being
//! paid.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
/// One window at a time: two cores shared by several WebKit windows slow each one's keys down.
static ONE_WINDOW: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Slower than a scanner (`[scanner] max_key_gap_ms`, 50 by default): a person typing.
const BY_HAND: u64 = 110;

// WebDriver's codes for the keys the sale screen uses.
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const DELETE: &str = "\u{E017}";
const F2: &str = "\u{E032}";
const F3: &str = "\u{E033}";
const F4: &str = "\u{E034}";
const F5: &str = "\u{E035}";
const F8: &str = "\u{E038}";
const F9: &str = "\u{E039}";

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

    /// Opens the till (a new `kassa` process) and waits for its screen.
    fn new_session(&self) -> Session<'_> {
        let app = env!("CARGO_BIN_EXE_kassa");
        let value = self.call(
            reqwest::Method::POST,
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}})),
        );
        let session = Session {
            driver: self,
            id: value["sessionId"].as_str().expect("session id").to_string(),
        };
        session.wait_for(
            "the till to be ready",
            "return document.body.dataset.ready === 'true'",
        );
        session
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

    /// Polls a script until it returns something other than null/false/"".
    fn wait_for(&self, what: &str, js: &str) -> Value {
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
    fn wait_text(&self, css: &str, expected: &str) {
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

    /// What the sale screen shows, for a failing test's message.
    fn screen_text(&self) -> String {
        self.text("main")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
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

    fn key_actions(&self, actions: Vec<Value>) {
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
    fn type_by_hand(&self, text: &str) {
        let mut actions = vec![];
        for c in text.chars() {
            let key = c.to_string();
            actions.push(json!({"type": "pause", "duration": BY_HAND}));
            actions.push(json!({"type": "keyDown", "value": key}));
            actions.push(json!({"type": "keyUp", "value": key}));
        }
        self.key_actions(actions);
    }

    /// One key (Enter, an F-key, Esc...), pressed by a person.
    fn press(&self, key: &str) {
        self.key_actions(vec![
            json!({"type": "pause", "duration": BY_HAND}),
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
        ]);
    }

    /// Types a line or an amount by hand, then Enter.
    fn enter(&self, text: &str) {
        self.type_by_hand(text);
        self.press(ENTER);
    }

    /// A keyboard-wedge scanner programmed for a US keyboard, on a US system: `text` then
    /// Enter as one burst of KeyboardEvents, dispatched where focus is. Dispatched in one
    /// script, the burst stays a burst however busy the machine is (WebDriver key actions can
    /// fall further apart than a scanner's keys); and WebKitWebDriver derives a synthesized
    /// key's `code` from its value, so shifted punctuation cannot be typed faithfully through
    /// key actions.
    fn scan(&self, text: &str) {
        let mut keys: Vec<(String, String, bool)> = text
            .chars()
            .map(|c| {
                let (code, shift) = match c {
                    ':' => ("Semicolon".to_string(), true),
                    '/' => ("Slash".into(), false),
                    '?' => ("Slash".into(), true),
                    '.' => ("Period".into(), false),
                    '-' => ("Minus".into(), false),
                    '=' => ("Equal".into(), false),
                    c if c.is_ascii_lowercase() => {
                        (format!("Key{}", c.to_ascii_uppercase()), false)
                    }
                    c if c.is_ascii_uppercase() => (format!("Key{c}"), true),
                    c if c.is_ascii_digit() => (format!("Digit{c}"), false),
                    other => panic!("no US key for {other:?} in this test"),
                };
                (c.to_string(), code, shift)
            })
            .collect();
        keys.push(("Enter".into(), "Enter".into(), false));
        self.post(
            "/execute/sync",
            json!({
                "script": "const target = document.activeElement || document.body; \
                    for (const [key, code, shiftKey] of arguments[0]) { \
                      const init = {key, code, shiftKey, bubbles: true, cancelable: true}; \
                      target.dispatchEvent(new KeyboardEvent('keydown', init)); \
                      target.dispatchEvent(new KeyboardEvent('keyup', init)); } \
                    return true;",
                "args": [keys],
            }),
        );
    }

    /// The tender of this provider (or kind: `cash`) on screen: `(amount, status)`.
    fn tender(&self, provider: &str) -> (String, String) {
        let css = format!("#sale-tenders li[data-provider={provider}]");
        (
            self.text(&format!("{css} .t-amount")),
            self.text(&format!("{css} .t-status")),
        )
    }

    fn wait_tender_status(&self, provider: &str, status: &str) {
        self.wait_text(
            &format!("#sale-tenders li[data-provider={provider}] .t-status"),
            status,
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

/// Rings up two lines, pays with a Leat card that has less than the rest (partial), a zmyle
/// card for less than it offers (held), and cash with change; completes; and follows the
/// zmyle hold to its confirm after Paid. Keyboard only.
#[test]
fn a_sale_is_paid_with_two_cards_and_cash_by_keyboard_alone() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session();
    assert_eq!(session.text("#sale-title"), "New sale");
    assert_eq!(session.text("#sale-total"), "EUR 0.00");
    assert_eq!(
        session.script("return document.activeElement.id"),
        "entry",
        "typing lands in the entry field"
    );

    // Two lines typed on the keypad: 14.10 + 2 × 7.95 = 30.00.
    session.enter("Coffee beans 14.10");
    session.wait_text("#sale-total", "EUR 14.10");
    session.enter("Mug 2x7.95");
    session.wait_text("#sale-total", "EUR 30.00");
    assert_eq!(session.text("#sale-title"), "Sale 1");
    assert_eq!(
        session.script(
            "return [...document.querySelectorAll('#sale-lines tbody tr')].map(r => [...r.cells].map(c => c.textContent).join('|')).join(';')"
        ),
        "1|Coffee beans|1 × 14.10|14.10;2|Mug|2 × 7.95|15.90"
    );
    assert_eq!(session.text("#sale-remaining"), "EUR 30.00");
    assert_eq!(session.text("#sale-paid"), "EUR 0.00");

    // The Leat card has €1.10, less than the rest: Enter accepts 1.10 (partial redemption).
    session.scan("4165100002");
    session.wait_text("#proposal-amount", "EUR 1.10");
    assert!(session.text("#proposal-card").contains("••••0002"));
    assert!(session.text("#proposal-card").starts_with("Leat"));
    session.press(ENTER);
    session.wait_text("#sale-paid", "EUR 1.10");
    assert_eq!(session.text("#sale-remaining"), "EUR 28.90");
    assert_eq!(
        session.tender("leat"),
        ("EUR 1.10".into(), "to charge at Complete".into())
    );
    assert!(!session.shown("#sale-proposal"));

    // The same card again in this sale is refused with a clear message.
    session.scan("4165100002");
    session.wait_for(
        "the second scan refused",
        "const m = document.getElementById('sale-message'); return !m.hidden && m.textContent;",
    );
    let refusal = session.text("#sale-message");
    assert!(refusal.contains("Card refused"), "{refusal}");
    assert!(refusal.contains("cannot be scanned twice"), "{refusal}");
    assert_eq!(session.text("#sale-paid"), "EUR 1.10");

    // The zmyle QR: it offers €20.00 of the €28.90 left; the cashier lowers it to 5.00. Its
    // tender says held once zmyle granted the hold.
    session.scan(kassa_sim::training::DEMO_ZMYLE_QR);
    session.wait_text("#proposal-amount", "EUR 20.00");
    assert!(session.text("#proposal-card").starts_with("zmyle"));
    assert!(
        !session.text("#proposal-card").contains("hg84"),
        "the QR's access token is masked on screen"
    );
    session.enter("5.00");
    session.wait_tender_status("zmyle", "held");
    assert_eq!(session.tender("zmyle").0, "EUR 5.00");
    assert_eq!(session.text("#sale-paid"), "EUR 6.10");
    assert_eq!(session.text("#sale-remaining"), "EUR 23.90");
    assert!(
        !session.shown("#sale-outcome"),
        "nothing says Paid before Complete"
    );

    if let Ok(path) = std::env::var("KASSA_SCREENSHOT_SALE") {
        // The window paints a moment after the DOM changes; give it that moment.
        std::thread::sleep(Duration::from_millis(500));
        session.screenshot(&path);
    }

    // Cash: 50.00 given for the 23.90 left; the change shows at once.
    session.type_by_hand("50");
    session.press(F2);
    session.wait_text("#sale-remaining", "EUR 0.00");
    assert_eq!(session.text("#sale-change"), "EUR 26.10");
    assert_eq!(session.tender("cash"), ("EUR 23.90".into(), "paid".into()));
    assert!(session
        .text("#sale-tenders li[data-provider=cash] .t-detail")
        .contains("given EUR 50.00"));
    assert!(!session.shown("#sale-outcome"));

    // F9 completes: Paid, and the change, large.
    session.press(F9);
    session.wait_text("#outcome-title", "Paid");
    assert!(session.shown("#sale-outcome"));
    assert_eq!(session.text("#outcome-change"), "EUR 26.10");
    assert_eq!(session.text("#sale-change"), "EUR 26.10");
    assert_eq!(session.tender("leat").1, "paid");
    // The screen follows the sale after Paid: the zmyle hold is confirmed.
    session.wait_tender_status("zmyle", "confirmed");

    // The next key starts a new sale.
    session.type_by_hand("4");
    session.wait_text("#sale-title", "New sale");
    assert!(!session.shown("#sale-outcome"));
    assert_eq!(session.text("#sale-total"), "EUR 0.00");
    assert_eq!(
        session.script("return document.getElementById('entry').value"),
        "4"
    );
}

/// A sale survives a restart where it was; a zmyle hold on it is cancelled when the sale is
/// abandoned (Esc, confirmed with Enter), and the screen follows the cancel until it is done;
/// a card scanned with no sale open shows its balance.
#[test]
fn an_abandoned_sale_gives_its_zmyle_hold_back() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    {
        let session = driver.new_session();
        session.enter("20");
        session.wait_text("#sale-total", "EUR 20.00");
    }
    // The till restarts: the sale is where it was.
    let session = driver.new_session();
    session.wait_text("#sale-total", "EUR 20.00");
    assert_eq!(session.text("#sale-title"), "Sale 1");

    session.scan("QTHX");
    session.wait_text("#proposal-amount", "EUR 20.00");
    session.press(ENTER);
    session.wait_tender_status("zmyle", "held");
    assert_eq!(session.text("#sale-remaining"), "EUR 0.00");

    // Esc asks first; Esc again keeps the sale.
    session.press(ESCAPE);
    session.wait_for(
        "the abandon question",
        "return !document.getElementById('abandon-dialog').hidden",
    );
    assert!(session.text("#abandon-title").contains("abandon"));
    session.press(ESCAPE);
    session.wait_for(
        "the question gone",
        "return document.getElementById('sale-dialog').hidden",
    );
    assert_eq!(session.tender("zmyle").1, "held");

    // Esc, Enter: abandoned; the hold is cancelled through the outbox, and the screen says
    // so when it is done.
    session.press(ESCAPE);
    session.wait_for(
        "the abandon question",
        "return !document.getElementById('abandon-dialog').hidden",
    );
    session.press(ENTER);
    session.wait_text("#outcome-title", "Sale abandoned");
    session.wait_tender_status("zmyle", "undone");
    assert_eq!(session.tender("zmyle").0, "EUR 20.00");

    // With no sale open, a scanned card shows its balance (the hold gave the €20 back);
    // F4 goes back to the sale screen.
    session.scan("QTHX");
    session.wait_for(
        "the balance",
        "const e = document.getElementById('card-balance'); return e && e.textContent;",
    );
    assert_eq!(session.text("#card-balance"), "EUR 20.00");
    assert!(session.shown("#lookup-panel"));
    session.press(F4);
    session.wait_for(
        "the sale screen",
        "return !document.getElementById('sale-panel').hidden",
    );
    assert_eq!(session.text("#sale-title"), "New sale");
}

/// A card typed by hand (F5), a tender and a line taken off (F8, Delete), and the card
/// terminal paying the rest (F3 with nothing typed).
#[test]
fn a_tender_and_a_line_come_off_and_the_terminal_pays_the_rest() {
    let _one = ONE_WINDOW.lock().unwrap_or_else(|e| e.into_inner());
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session();
    session.enter("Mug 2x7.95");
    session.enter("Spoon 1.00");
    session.wait_text("#sale-total", "EUR 16.90");

    // The Lightspeed card's number typed by hand, sent with F5: it offers the whole rest; the
    // cashier takes 10.00 of it.
    session.type_by_hand("9100000000000001");
    session.press(F5);
    session.wait_text("#proposal-amount", "EUR 16.90");
    session.enter("10");
    session.wait_text("#sale-paid", "EUR 10.00");
    assert_eq!(
        session.tender("lightspeed"),
        ("EUR 10.00".into(), "to charge at Complete".into())
    );

    // F8 selects the last tender; Delete takes it off. The selection stays on, now on the last
    // line; Delete takes that off too; Esc ends the selection.
    session.press(F8);
    session.wait_for(
        "the card selected",
        "return !!document.querySelector('#sale-tenders li.selected[data-provider=lightspeed]')",
    );
    session.press(DELETE);
    session.wait_tender_status("lightspeed", "removed");
    assert_eq!(session.text("#sale-paid"), "EUR 0.00");
    session.wait_for(
        "the last line selected",
        "const r = document.querySelector('#sale-lines tr.selected'); return r && r.textContent.includes('Spoon');",
    );
    session.press(DELETE);
    session.wait_text("#sale-total", "EUR 15.90");
    session.press(ESCAPE);
    session.wait_for(
        "the selection ended",
        "return document.getElementById('sale-panel').dataset.selecting === 'no'",
    );

    // F3 with nothing typed: the terminal took the rest.
    session.press(F3);
    session.wait_text("#sale-remaining", "EUR 0.00");
    assert_eq!(
        session.tender("terminal"),
        ("EUR 15.90".into(), "paid".into())
    );
    session.press(F9);
    session.wait_text("#outcome-title", "Paid");
    assert!(session.text("#sale-outcome").contains("No change"));
    assert_eq!(session.tender("lightspeed").1, "removed");
}

/// The headless `kassa` with the till's config and data folders of `home`, `stdin` piped in.
fn kassa_cli(home: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
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

/// A provider that stops answering: its card, seen online before, is taken offline on its last
/// known balance; over the per-payment cap Complete asks for the manager's PIN (a wrong one is
/// refused), and the status bar shows the money taken offline until the provider answers again
/// and the tender says so. Over the cap again, Esc goes back, the card comes off (F8, Delete)
/// and cash pays instead. A configured till (not training): a Lightspeed simulator in this
/// test that it can take down, credentials and the manager's PIN in the OS keyring under a
/// service of this run's own.
#[test]
fn a_card_taken_offline_over_the_cap_needs_the_managers_pin_or_comes_off() {
    use kassa_sim::faults::Rates;
    use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
    const CARD: &str = "9200000000000001";
    const CARD_2: &str = "9200000000000002";
    let _one = ONE_WINDOW.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let token = format!("lightspeed-e2e-{}", std::process::id());
    let sim = LightspeedSim::new();
    sim.add_personal_token(&token, &ALL_SCOPES);
    sim.add_card(CARD, 20_000, CardStatus::Active, None);
    sim.add_card(CARD_2, 20_000, CardStatus::Active, None);
    let running = runtime
        .block_on(kassa_sim::server::serve(sim.router()))
        .unwrap();
    let down = |down: bool| {
        sim.faults.set_rates(Rates {
            maintenance: if down { 1.0 } else { 0.0 },
            ..Rates::default()
        })
    };
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/kassa.toml"),
        format!(
            "[register]\nname = \"Front till\"\n\
             [secrets]\nkeyring_service = \"eu.kassa.test.e2e-sale-{}\"\n\
             [providers.lightspeed]\nbase_url = \"{}\"\ncard_pattern = \"^92\\\\d{{14}}$\"\ntimeout_ms = 500\n\
             [checkout]\ncharge_timeout_ms = 1500\n\
             [offline]\nmax_per_tender = \"30.00\"\nmax_per_card_per_day = \"50.00\"\nmax_outstanding = \"100.00\"\n\
             [outbox]\nmin_backoff_ms = 200\nmax_backoff_ms = 400\npoll_interval_ms = 100\n",
            std::process::id(),
            running.url()
        ),
    )
    .unwrap();
    kassa_cli(
        home.path(),
        &["secret", "set", "lightspeed.token"],
        &format!("{token}\n"),
    );
    kassa_cli(home.path(), &["manager", "set-pin"], "4321\n");

    let driver = Driver::start(home.path());
    let session = driver.new_session();
    assert!(!session.shown("#mode-badge"), "not in training mode");
    // Both cards seen online once, with no sale open: their balances.
    for card in [CARD, CARD_2] {
        session.scan(card);
        session.wait_text("#card-balance", "EUR 200.00");
        session.press(F4);
        session.wait_for(
            "the sale screen",
            "return !document.getElementById('sale-panel').hidden",
        );
    }

    // Lightspeed stops answering. 40.00 is over the 30.00 a payment may be taken offline.
    down(true);
    session.enter("40");
    session.wait_text("#sale-total", "EUR 40.00");
    session.scan(CARD);
    session.wait_text("#proposal-amount", "EUR 40.00");
    assert!(
        session.shown(".proposal-offline"),
        "the proposal says the provider could not be asked"
    );
    session.press(ENTER);
    session.wait_text("#sale-paid", "EUR 40.00");
    session.press(F9);
    session.wait_for(
        "the manager's PIN asked for",
        "return !document.getElementById('approve-dialog').hidden",
    );
    assert!(
        session.text("#approve-reasons").contains("per payment"),
        "{}",
        session.text("#approve-reasons")
    );
    assert!(!session.shown("#sale-outcome"), "not Paid");
    assert_eq!(
        session.script("return document.activeElement.id"),
        "approve-pin"
    );
    // A scan in the PIN field is not read: neither a card nor characters of the PIN.
    session.scan(CARD_2);
    session.wait_for(
        "the scan refused in the PIN field",
        "return document.getElementById('approve-error').textContent",
    );
    assert_eq!(
        session.script("return document.getElementById('approve-pin').value"),
        ""
    );
    session.enter("9999");
    session.wait_for(
        "the wrong PIN refused",
        "return document.getElementById('approve-error').textContent.includes('Wrong manager PIN')",
    );
    session.enter("4321");
    session.wait_text("#outcome-title", "Paid");
    assert_eq!(
        session.tender("lightspeed").1,
        "queued (offline) · approved by manager"
    );
    session.wait_text(
        "#offline-exposure",
        "EUR 40.00 taken offline, not yet confirmed",
    );

    // Lightspeed answers again: the payment goes through, and the screen says so.
    down(false);
    session.wait_tender_status("lightspeed", "paid (synced) · approved by manager");
    assert!(
        !session
            .text("#sale-tenders li[data-provider=lightspeed] .t-detail")
            .contains("queued"),
        "nothing says queued any more"
    );
    session.wait_for(
        "the offline figure gone",
        "return document.getElementById('offline-exposure').hidden",
    );
    assert_eq!(sim.balance(CARD), Some(16_000));

    // Down again, over the cap again: Esc goes back, the card comes off, cash pays.
    down(true);
    session.enter("35");
    session.wait_text("#sale-total", "EUR 35.00");
    assert_eq!(session.text("#sale-title"), "Sale 2");
    session.scan(CARD_2);
    session.wait_text("#proposal-amount", "EUR 35.00");
    session.press(ENTER);
    session.wait_text("#sale-paid", "EUR 35.00");
    session.press(F9);
    session.wait_for(
        "the manager's PIN asked for",
        "return !document.getElementById('approve-dialog').hidden",
    );
    session.press(ESCAPE);
    session.wait_for(
        "the card selected",
        "return !!document.querySelector('#sale-tenders li.selected[data-provider=lightspeed]')",
    );
    session.press(DELETE);
    session.wait_text("#sale-paid", "EUR 0.00");
    session.press(ESCAPE);
    session.press(F2);
    session.wait_text("#sale-remaining", "EUR 0.00");
    session.press(F9);
    session.wait_text("#outcome-title", "Paid");
    assert_eq!(session.tender("cash").1, "paid");
    down(false);
    assert_eq!(
        sim.balance(CARD_2),
        Some(20_000),
        "the card taken off paid nothing"
    );
}
