//! Receipts sent to the test kit's receipt printer on 127.0.0.1 (ephemeral ports; the CLI test
//! in the root package uses 9100) and to a device file, decoded back to what would be printed.

use kassa_core::config::{PrinterConfig, PrinterKind};
use kassa_core::money::Currency;
use kassa_core::receipt::{Receipt, ReceiptLine, ReceiptTender};
use kassa_print::{escpos_bytes, print, PrintError};
use kassa_testkit::printer::{decode, PrinterState, TestPrinter};
use time::macros::datetime;

const FULL_CODE: &str = "DEMO-LEAT-0001";

fn receipt() -> Receipt {
    Receipt {
        shop: "Koffie & Co".into(),
        till_name: "Front till".into(),
        till_id: "till-1".into(),
        title: "Sale".into(),
        number: 7,
        at: datetime!(2026-11-30 9:24 UTC),
        reference: None,
        reason: None,
        currency: Currency::try_from("EUR".to_string()).unwrap(),
        lines: vec![
            ReceiptLine {
                description: "Coffee beans, Ethiopian Yirgacheffe, washed, 1 kg".into(),
                quantity: 1,
                unit_price_minor: 1250,
                total_minor: 1250,
                card_masked: None,
                new_card: None,
            },
            ReceiptLine {
                description: "Mug".into(),
                quantity: 2,
                unit_price_minor: 795,
                total_minor: 1590,
                card_masked: None,
                new_card: None,
            },
        ],
        total_minor: 2840,
        rounding_minor: 0,
        tenders: vec![
            ReceiptTender {
                label: "Gift card Leat".into(),
                card_masked: Some(kassa_core::card::mask(FULL_CODE)),
                amount_minor: 2500,
                balance_after_minor: Some(110),
                provider_ref: Some("a1b2c3d4-txn".into()),
            },
            ReceiptTender {
                label: "Cash".into(),
                card_masked: None,
                amount_minor: 500,
                balance_after_minor: None,
                provider_ref: None,
            },
        ],
        change_minor: 160,
        training: true,
        barcode: "KS7".into(),
        language: kassa_core::lang::Language::En,
    }
}

fn network(address: &str, timeout_ms: u64) -> PrinterConfig {
    PrinterConfig {
        kind: PrinterKind::Network,
        address: address.into(),
        timeout_ms,
        ..PrinterConfig::default()
    }
}

#[test]
fn a_ready_printer_prints_the_receipt() {
    let printer = TestPrinter::start(PrinterState::Ready);
    print(&network(printer.address(), 3000), &receipt()).unwrap();
    let printed = decode(&printer.received(1)).unwrap();
    assert_eq!(printed.status_queries, [1, 2, 4], "asked before printing");
    let text = printed.text();
    for expected in [
        "Koffie & Co",
        "Sale 7",
        "Coffee beans",
        "2 x EUR 7.95",
        "Card ****0001",
        "Balance left",
        "EUR 1.10",
        "Ref a1b2c3d4-txn",
        "Change",
        "TRAINING",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
    assert!(!text.contains(FULL_CODE), "the full code is never printed");
    let total = printed
        .lines
        .iter()
        .find(|l| l.starts_with("TOTAL"))
        .expect("a TOTAL line");
    assert!(total.ends_with("EUR 28.40"), "{total}");
    assert!(printed.bold_lines.contains(total), "the total is bold");
    assert!(
        printed.lines.iter().all(|l| l.chars().count() <= 48),
        "{text}"
    );
    assert_eq!(printed.barcodes, ["KS7"]);
    assert_eq!(printed.cuts, 1);
}

#[test]
fn the_layout_follows_the_configured_width() {
    let bytes = escpos_bytes(&receipt(), 32).unwrap();
    let printed = decode(&bytes).unwrap();
    assert!(printed.lines.iter().all(|l| l.chars().count() <= 32));
    assert!(printed
        .lines
        .iter()
        .any(|l| l.starts_with("TOTAL") && l.chars().count() == 32));
}

#[test]
fn out_of_paper_or_cover_open_is_said_and_nothing_is_printed() {
    let printer = TestPrinter::start(PrinterState::PaperOut);
    let err = print(&network(printer.address(), 3000), &receipt()).unwrap_err();
    assert_eq!(err, PrintError::PaperOut);
    assert_eq!(
        err.to_string(),
        "The receipt printer is out of paper. Put in a new roll, then print the receipt again."
    );
    let printed = decode(&printer.received(1)).unwrap();
    assert!(printed.lines.is_empty(), "{:?}", printed.lines);

    printer.set_state(PrinterState::CoverOpen);
    let err = print(&network(printer.address(), 3000), &receipt()).unwrap_err();
    assert!(err.to_string().contains("cover is open"), "{err}");

    printer.set_state(PrinterState::Ready);
    print(&network(printer.address(), 3000), &receipt()).unwrap();
    let printed = decode(&printer.received(3)).unwrap();
    assert_eq!(printed.barcodes, ["KS7"], "a reprint once the paper is in");
}

#[test]
fn a_printer_that_does_not_answer_is_offline() {
    let printer = TestPrinter::start(PrinterState::Silent);
    let err = print(&network(printer.address(), 300), &receipt()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "The receipt printer at {} is offline (no answer within 300 ms). Check that it is \
             on and connected, then print the receipt again.",
            printer.address()
        )
    );
    let printed = decode(&printer.received(1)).unwrap();
    assert!(printed.lines.is_empty(), "nothing sent after the silence");
}

#[test]
fn no_printer_at_the_address_is_offline() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let address = format!("127.0.0.1:{port}");
    let err = print(&network(&address, 1000), &receipt()).unwrap_err();
    assert!(
        matches!(&err, PrintError::Offline { at, .. } if *at == address),
        "{err:?}"
    );
    assert!(err.to_string().contains("is offline"), "{err}");
}

#[test]
fn a_device_printer_gets_the_same_bytes_in_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("lp0");
    std::fs::write(&device, b"").unwrap();
    let config = PrinterConfig {
        kind: PrinterKind::Device,
        device: device.clone(),
        ..PrinterConfig::default()
    };
    print(&config, &receipt()).unwrap();
    let written = std::fs::read(&device).unwrap();
    assert_eq!(written, escpos_bytes(&receipt(), 48).unwrap());
    assert_eq!(decode(&written).unwrap().barcodes, ["KS7"]);

    let missing = PrinterConfig {
        device: dir.path().join("lp9"),
        ..config
    };
    let err = print(&missing, &receipt()).unwrap_err();
    assert!(err.to_string().contains("no such device"), "{err}");
    assert!(
        !dir.path().join("lp9").exists(),
        "a device file is never made"
    );
}

#[test]
fn no_printer_configured_is_said() {
    let err = print(&PrinterConfig::default(), &receipt()).unwrap_err();
    assert_eq!(err, PrintError::NotConfigured);
}
