#![cfg(target_os = "linux")]
//! End to end: a sale paid with a gift card, then refunded in part onto that card, in the real
//! `kassa` window (Xvfb, WebDriver), keyboard only, in training mode. What the test checks it
//! reads off the screen, as a cashier would. `make test` provides the display and the driver;
//! without them this test fails with a message saying so: it never skips.

mod e2e_support;

use e2e_support::{Driver, ENTER, ESCAPE, F10, F4, F9};

const LIGHTSPEED_75: &str = "9100000000000001";

#[test]
fn a_sale_is_refunded_in_part_onto_its_gift_card_by_keyboard_alone() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session();

    // A sale of 30.00 paid with the Lightspeed card (€75.00).
    session.enter("Lamp 30.00");
    session.wait_text("#sale-total", "EUR 30.00");
    session.scan(LIGHTSPEED_75);
    session.wait_text("#proposal-amount", "EUR 30.00");
    session.press(ENTER);
    session.wait_text("#sale-remaining", "EUR 0.00");
    session.press(F9);
    session.wait_text("#outcome-title", "Paid");

    // F10: the refund screen lists the sale; Enter opens it, everything refundable offered.
    session.press(F10);
    session.wait_for(
        "the sale in the list",
        "return document.querySelector('#refund-sales tr.selected')?.dataset.number === '1'",
    );
    session.press(ENTER);
    session.wait_text("#refund-left", "EUR 30.00");
    assert_eq!(session.text("#refund-paid"), "EUR 30.00");
    assert_eq!(
        session.script("return document.activeElement.id"),
        "refund-amount"
    );

    // 12.50 back onto the card: typed over the amount, the card scanned again, a reason, the
    // manager's PIN; Enter walks from field to field and refunds.
    session.type_by_hand("12.50");
    // The cashier picks up the scanner: a pause a scanner's burst is told apart by.
    std::thread::sleep(std::time::Duration::from_millis(300));
    session.scan(LIGHTSPEED_75);
    session.wait_for(
        "the card scanned for the refund",
        "return document.getElementById('refund-cards').textContent.includes('••••0001 scanned')",
    );
    session.press(ENTER);
    assert_eq!(
        session.script("return document.activeElement.id"),
        "refund-reason"
    );
    session.type_by_hand("Lampshade dented");
    session.press(ENTER);
    assert_eq!(
        session.script("return document.activeElement.id"),
        "refund-pin"
    );
    session.type_by_hand(kassa_app::training::MANAGER_PIN);
    session.press(ENTER);
    session.wait_text(".refund-result", "Refunded: EUR 12.50");
    session.wait_text("#refund-left", "EUR 17.50");
    session.wait_text(
        ".refund-history li[data-number='1'] li[data-part=card] .part-status",
        "done",
    );
    assert!(session
        .text(".refund-history li[data-number='1']")
        .contains("Lampshade dented"));
    assert!(session
        .text(".refund-history li[data-number='1'] li[data-part=card]")
        .contains("Back onto Lightspeed ••••0001"));

    // The card holds 75.00 − 30.00 + 12.50: the balance screen says so.
    session.press(ESCAPE);
    session.press(F4);
    session.scan(LIGHTSPEED_75);
    session.wait_text("#card-balance", "EUR 57.50");
}
