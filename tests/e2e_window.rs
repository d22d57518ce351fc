#![cfg(target_os = "linux")]
//! End to end: the real `kassa` binary in a real window (Xvfb), driven through WebDriver
//! (tauri-driver + WebKitWebDriver). A scanner burst is typed into the window and the balance
//! on screen is read back. `make test` provides the display and the driver; without them this
//! test fails with a message saying so: it never skips.

mod e2e_support;

use e2e_support::{Driver, ENTER};
use std::time::Duration;

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
    session.scan_by_key_actions("4165100001");
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
    session.scan_by_key_actions("4165100003");
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
    session.press(ENTER);
    session.wait_for(
        "not found",
        "return document.getElementById('result').dataset.state === 'not_found'",
    );
    assert!(session.text("#result").contains("Card not found"));

    // `KASSA_SCREENSHOT=docs/screenshot.png` refreshes the README's picture.
    if let Ok(path) = std::env::var("KASSA_SCREENSHOT") {
        session.script("document.getElementById('code-input').value = ''; document.activeElement.blur(); return true;");
        session.scan_by_key_actions("4165100001");
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
    let qr = kassa_sim::training::DEMO_ZMYLE_QR;
    session.scan_unfocused(&as_typed_on_a_german_system(qr));
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

#[test]
fn a_second_window_on_the_same_till_brings_the_first_to_the_front_and_leaves() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session();
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_kassa"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("KASSA_CONFIG", home.path().join("config/kassa.toml"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("a second kassa starts");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > e2e_support::WAIT {
            second.kill().unwrap();
            panic!("the second window stayed open beside the first");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut second.stdout.take().unwrap(), &mut said).unwrap();
    assert!(status.success(), "{status}: {said}");
    assert_eq!(
        said.trim(),
        "The till is already open: its window was brought to the front."
    );
    // The first window is still the till, and still works.
    assert_eq!(session.text("#mode-badge"), "TRAINING");
}
