//! `kassa receipt` as a cashier or an installer runs it: the real binary, a fresh data folder,
//! a sale made with `kassa sale` in training mode, and the test kit's receipt printer on
//! 127.0.0.1 — on port 9100, as a network receipt printer listens, in the first test.

use kassa_testkit::printer::{decode, PrinterState, TestPrinter};
use std::path::Path;
use std::process::{Command, Output};

fn kassa(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env_remove("KASSA_CONFIG")
        .output()
        .expect("kassa runs")
}

fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn failed(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The till's config file (training mode: no provider section).
fn configure(home: &Path, toml: &str) {
    let dir = home.join("config").join("eu.kassa.till");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("kassa.toml"), toml).unwrap();
}

/// Sale 1: two lines, the demo Leat card paying 10.00 and cash 20.00 for the rest.
fn make_sale(home: &Path) {
    succeeded(&kassa(
        home,
        &[
            "sale",
            "--line",
            "Coffee beans=12.50",
            "--line",
            "Mug=7.95x2",
            "--pay",
            "4165100001=10.00",
            "--pay",
            "cash=20",
        ],
    ));
}

fn printer_config(address: &str) -> String {
    format!(
        "[register]\nshop = \"Koffie & Co\"\n\n[printer]\nkind = \"network\"\naddress = \"{address}\"\ntimeout_ms = 1000\n"
    )
}

#[test]
fn a_training_sale_is_printed_on_the_receipt_printer_at_port_9100() {
    let printer = TestPrinter::start_on("127.0.0.1:9100", PrinterState::Ready)
        .expect("port 9100 on 127.0.0.1 is free for the test printer");
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    make_sale(home);
    configure(home, &printer_config("127.0.0.1:9100"));

    let stdout = succeeded(&kassa(home, &["receipt", "1"]));
    assert!(
        stdout.contains("The receipt of sale 1 is printed."),
        "{stdout}"
    );
    let printed = decode(&printer.received(1)).unwrap();
    let text = printed.text();
    for expected in [
        "*** TRAINING ***",
        "Koffie & Co",
        "Till 1 (till-1)",
        "Sale 1",
        "Coffee beans",
        "  2 x EUR 7.95",
        "Gift card Leat",
        "Card ****0001",
        "Balance left",
        "  Ref ",
        "Change",
    ] {
        assert!(text.contains(expected), "{expected} missing in\n{text}");
    }
    assert!(
        !text.contains("4165100001"),
        "the card's code is never printed"
    );
    let line = |start: &str| {
        printed
            .lines
            .iter()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} line in\n{text}"))
            .clone()
    };
    assert!(line("TOTAL").ends_with("EUR 28.40"), "{text}");
    // 25.00 on the demo card, 10.00 paid.
    assert!(line("  Balance left").ends_with("EUR 15.00"), "{text}");
    assert!(line("Cash").ends_with("EUR 20.00"), "{text}");
    assert!(line("Change").ends_with("EUR 1.60"), "{text}");
    assert_eq!(printed.barcodes, ["KS1"]);
    assert_eq!(printed.cuts, 1);
}

#[test]
fn the_receipt_as_text_in_a_file_or_a_printers_problem() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    make_sale(home);

    // No printer: the text receipt on stdout, found by the barcode's payload too.
    let stdout = succeeded(&kassa(home, &["receipt", "KS1"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.iter().all(|l| l.chars().count() <= 48), "{stdout}");
    assert!(stdout.contains("Card ••••0001"), "{stdout}");
    assert!(!stdout.contains("4165100001"), "{stdout}");
    assert_eq!(lines.last().map(|l| l.trim()), Some("KS1"), "{stdout}");

    // --escpos: the bytes a printer would get, in a file.
    let file = home.join("receipt.bin");
    let stdout = succeeded(&kassa(
        home,
        &["receipt", "1", "--escpos", file.to_str().unwrap()],
    ));
    assert!(stdout.contains("ESC/POS"), "{stdout}");
    let printed = decode(&std::fs::read(&file).unwrap()).unwrap();
    assert!(printed.text().contains("Card ****0001"));
    assert_eq!(printed.barcodes, ["KS1"]);

    // A printer out of paper: said, and the exit code says it failed.
    let printer = TestPrinter::start(PrinterState::PaperOut);
    configure(home, &printer_config(printer.address()));
    let stderr = failed(&kassa(home, &["receipt", "1"]));
    assert!(
        stderr.contains("The receipt printer is out of paper."),
        "{stderr}"
    );
    // Nobody at the address: offline.
    let address = printer.address().to_string();
    drop(printer);
    let stderr = failed(&kassa(home, &["receipt", "1"]));
    assert!(
        stderr.contains(&format!("The receipt printer at {address} is offline")),
        "{stderr}"
    );

    let stderr = failed(&kassa(home, &["receipt", "99"]));
    assert!(stderr.contains("There is no sale '99'."), "{stderr}");
}
