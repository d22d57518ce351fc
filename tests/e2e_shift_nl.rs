#![cfg(target_os = "linux")]
//! End to end, in Dutch: a till whose `[register] language` is `nl`, in the real `kassa`
//! window (Xvfb, WebDriver), keyboard only, in training mode: the cashier signs in, rings up
//! and takes cash for a sale, closes the shift with the cash counted, and reads the Z report —
//! every word and amount on screen in Dutch (`€ 12,50`). `make test` provides the display and
//! the driver; without them this test fails with a message saying so: it never skips.

mod e2e_support;

use e2e_support::{Driver, ENTER, F1, F2, F9, TAB};

#[test]
fn a_dutch_till_signs_in_sells_and_closes_its_shift_with_a_z_report() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("kassa.toml"), "[register]\nlanguage = \"nl\"\n").unwrap();
    let driver = Driver::start(home.path());
    // The session signs training's demo cashier in, by the keyboard, on the sign-in screen.
    let session = driver.new_session();
    assert_eq!(session.text("#signin-title"), "Aanmelden");
    assert!(session.text("#cashier-name").contains("Anna"));
    assert_eq!(session.text("#sale-title"), "Nieuwe verkoop");

    // A line of 12,50 typed the Dutch way; 20 in cash; the change in euros, Dutch style.
    session.enter("Koffie 12,50");
    session.wait_text("#sale-total", "€ 12,50");
    session.type_by_hand("20");
    session.press(F2);
    session.wait_text("#sale-change", "€ 7,50");
    session.press(F9);
    session.wait_text("#outcome-title", "Betaald");

    // F1: the shift the sale opened; Tab to the counted cash, 12,50, Enter closes it.
    session.press(F1);
    session.wait_for(
        "the shift screen with its open shift",
        "return document.getElementById('shift-state').textContent.includes('Dienst 1')",
    );
    assert_eq!(session.text("#shift-title"), "Dienst");
    for _ in 0..3 {
        session.press(TAB);
    }
    assert_eq!(
        session.script("return document.activeElement.id"),
        "shift-counted"
    );
    session.type_by_hand("12,50");
    session.press(ENTER);
    session.wait_for(
        "the Z report",
        "return document.querySelector('#shift-report pre')?.dataset.kind === 'z'",
    );
    let z = session.text("#shift-report pre");
    for expected in [
        "Z-RAPPORT - DIENST 1",
        "Verkopen",
        "Geteld",
        "€ 12,50",
        "Verschil",
        "€ 0,00",
        "Anna",
    ] {
        assert!(z.contains(expected), "{expected} not in the Z report:\n{z}");
    }
    for english in ["Z REPORT", "Sales", "Counted", "Difference", "EUR"] {
        assert!(
            !z.contains(english),
            "English '{english}' in the Z report:\n{z}"
        );
    }
}
