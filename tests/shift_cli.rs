//! `kassa shift` and `kassa report` as a cashier or a manager runs them: the real binary, a
//! fresh data folder, training mode. A shift opened with a float, cash paid in and out, sales
//! paid in cash with change, by a Leat card and on the terminal, an X report mid-shift, the
//! close with a counted-cash difference and its Z report (kept, read again by number), checked
//! with Leat's own records; and every bad input refused with a sentence.

use serde_json::Value;
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

fn json(home: &Path, args: &[&str]) -> (bool, Value) {
    let mut all = vec!["--json"];
    all.extend(args);
    let out = kassa(home, &all);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}): {:?} / {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), value)
}

fn ok(home: &Path, args: &[&str]) -> Value {
    let (success, value) = json(home, args);
    assert!(success && value["ok"] == true, "{args:?}: {value}");
    value
}

fn refused(home: &Path, args: &[&str]) -> String {
    let (success, value) = json(home, args);
    assert!(!success && value["ok"] == false, "{args:?}: {value}");
    value["error"]["message"].as_str().unwrap().to_string()
}

fn tender<'a>(report: &'a Value, kind: &str, provider: Option<&str>) -> &'a Value {
    report["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == kind && t["provider"].as_str() == provider)
        .unwrap_or_else(|| panic!("no {kind} {provider:?} in {}", report["tenders"]))
}

#[test]
fn a_shift_from_float_to_z_report_with_a_cash_difference() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    assert!(refused(home, &["report", "x"]).contains("No shift is open"));
    assert!(refused(home, &["shift", "open", "--float", "lots"]).contains("'lots'"));
    assert!(refused(home, &["shift", "paid-in", "5.00", "--reason", "x"]).contains("No shift"));
    let opened = ok(home, &["shift", "open", "--float", "100.00"]);
    assert_eq!(opened["shift"], 1);
    assert!(refused(home, &["shift", "open", "--float", "0"]).contains("Shift 1 is already open"));
    ok(
        home,
        &[
            "shift",
            "paid-in",
            "20.00",
            "--reason",
            "change from the bank",
        ],
    );
    ok(home, &["shift", "paid-out", "5.50", "--reason", "milk"]);
    assert!(refused(home, &["shift", "paid-out", "5.50", "--reason", " "]).contains("why"));
    assert!(refused(home, &["shift", "paid-in", "-3", "--reason", "tips"]).contains("'-3'"));

    // 15.90 paid with 20.00 cash: 4.10 change.
    ok(home, &["sale", "--line", "Mug=7.95x2", "--pay", "cash=20"]);
    // 12.00: 10.00 from a Leat demo card, 2.00 on the terminal.
    ok(
        home,
        &[
            "sale",
            "--line",
            "Tea=12.00",
            "--pay",
            "4165100001=10.00",
            "--pay",
            "terminal=2.00",
        ],
    );

    let x = ok(home, &["report", "x"])["report"].clone();
    assert_eq!(x["kind"], "x");
    assert_eq!(x["shift"]["id"], 1);
    assert_eq!(x["shift"]["open"], true);
    assert_eq!(x["sales"]["count"], 2);
    assert_eq!(x["sales"]["amount_minor"], 2790);
    assert_eq!(tender(&x, "cash", None)["amount_minor"], 1590);
    assert_eq!(tender(&x, "terminal", None)["amount_minor"], 200);
    assert_eq!(tender(&x, "gift_card", Some("leat"))["amount_minor"], 1000);
    assert_eq!(x["cash"]["expected_minor"], 10000 + 1590 + 2000 - 550);
    assert_eq!(x["cash"]["counted_minor"], Value::Null);
    assert!(refused(home, &["report", "x", "--shift", "1"]).contains("leave out --shift"));
    assert!(refused(home, &["report", "z"]).contains("No shift has been closed"));

    assert!(refused(home, &["shift", "close", "--counted", "abc"]).contains("'abc'"));
    let z = ok(home, &["shift", "close", "--counted", "130.00"])["report"].clone();
    assert_eq!(z["kind"], "z");
    assert_eq!(z["shift"]["open"], false);
    assert_eq!(z["cash"]["expected_minor"], 13040);
    assert_eq!(z["cash"]["counted_minor"], 13000);
    assert_eq!(z["cash"]["difference_minor"], -40, "40 cents short");
    let leat = &z["reconciliation"]["providers"][0];
    assert_eq!(leat["provider"], "leat");
    assert_eq!(leat["state"], "done");
    assert_eq!(leat["compared"], 1, "the one Leat payment");
    assert_eq!(z["reconciliation"]["differences"], Value::Array(vec![]));

    let kept = ok(home, &["report", "z", "--shift", "1"])["report"].clone();
    assert_eq!(kept, z, "the Z report is the one made at close");
    assert!(refused(home, &["report", "z", "--shift", "9"]).contains("no shift 9"));
    assert!(refused(home, &["report", "x"]).contains("No shift is open"));

    let text = String::from_utf8(kassa(home, &["report", "z"]).stdout).unwrap();
    assert!(text.contains("Z REPORT - SHIFT 1"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Difference") && l.ends_with("EUR -0.40")),
        "{text}"
    );

    // The next sale opens shift 2 by itself, without a float.
    ok(home, &["sale", "--line", "Mug=7.95", "--pay", "cash=10"]);
    let x2 = ok(home, &["report", "x"])["report"].clone();
    assert_eq!(x2["shift"]["id"], 2);
    assert_eq!(x2["shift"]["opened_by"], "sale");
    assert_eq!(x2["cash"]["expected_minor"], 795);
}
