//! `kassa cashier add|list|disable` through the real binary, in training mode (the manager's
//! PIN 1234, the demo cashier Anna), PINs on standard input: added and listed, refused without
//! a manager's PIN or with a cashier's, bad input refused with a sentence, disabled.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `kassa` with `stdin` on its standard input (where it reads the PINs).
fn kassa(home: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env_remove("KASSA_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kassa runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `kassa cashier list --json`: (name, role, active) each.
fn list(home: &Path) -> Vec<(String, String, bool)> {
    let out = kassa(home, &["cashier", "list", "--json"], "");
    assert!(out.status.success(), "{}", shown(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["cashiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["role"].as_str().unwrap().to_string(),
                c["active"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn cashiers_are_added_listed_and_disabled_under_a_managers_pin() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let row = |name: &str, role: &str, active: bool| (name.to_string(), role.to_string(), active);
    assert_eq!(
        list(home),
        [
            row("Manager", "manager", true),
            row("Anna", "cashier", true)
        ]
    );

    // Without a manager's PIN, with a wrong one, or with a cashier's: nothing changes.
    for (stdin, says) in [
        ("", "No manager PIN was given"),
        ("0000\n246810\n", "Wrong manager PIN"),
        ("111111\n246810\n", "This needs a manager"),
    ] {
        let out = kassa(home, &["cashier", "add", "Bob"], stdin);
        assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
        assert!(shown(&out).contains(says), "{says}: {}", shown(&out));
        assert!(
            shown(&out).contains("Nothing was changed"),
            "{}",
            shown(&out)
        );
    }
    assert_eq!(list(home).len(), 2);

    // Bad input: a sentence, nothing added.
    for (args, stdin, says) in [
        (
            &["cashier", "add", "Bob"][..],
            "1234\n12\n",
            "6 to 12 digits",
        ),
        (
            &["cashier", "add", "Bob", "--role", "boss"][..],
            "1234\n246810\n",
            "cashier or manager",
        ),
        (
            &["cashier", "add", "Anna"][..],
            "1234\n246810\n",
            "already a cashier called Anna",
        ),
        (
            &["cashier", "add", "B<o>b"][..],
            "1234\n246810\n",
            "A cashier's name is",
        ),
    ] {
        let out = kassa(home, args, stdin);
        assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
        assert!(shown(&out).contains(says), "{says}: {}", shown(&out));
    }
    assert_eq!(list(home).len(), 2);

    let out = kassa(home, &["cashier", "add", "Bob"], "1234\n246810\n");
    assert!(out.status.success(), "{}", shown(&out));
    assert!(
        shown(&out).contains("Bob (cashier) added (by Manager)"),
        "{}",
        shown(&out)
    );
    let out = kassa(
        home,
        &["cashier", "add", "Bea", "--role", "manager"],
        "1234\n222222\n",
    );
    assert!(out.status.success(), "{}", shown(&out));
    // The new manager's PIN adds and disables too; the PIN never shows.
    let out = kassa(home, &["cashier", "disable", "bob"], "222222\n");
    assert!(out.status.success(), "{}", shown(&out));
    assert!(
        shown(&out).contains("Bob (cashier) disabled (by Bea)"),
        "{}",
        shown(&out)
    );
    assert!(!shown(&out).contains("222222"));
    assert_eq!(
        list(home),
        [
            row("Manager", "manager", true),
            row("Anna", "cashier", true),
            row("Bea", "manager", true),
            row("Bob", "cashier", false),
        ]
    );

    // A cashier's PIN disables nobody; the till's manager cannot be disabled; nobody unknown.
    let out = kassa(home, &["cashier", "disable", "Anna"], "111111\n");
    assert!(
        shown(&out).contains("This needs a manager"),
        "{}",
        shown(&out)
    );
    let out = kassa(home, &["cashier", "disable", "Manager"], "1234\n");
    assert!(
        shown(&out).contains("kassa manager set-pin"),
        "{}",
        shown(&out)
    );
    let out = kassa(home, &["cashier", "disable", "Zoe"], "1234\n");
    assert!(
        shown(&out).contains("No cashier is called Zoe"),
        "{}",
        shown(&out)
    );
    assert!(list(home)[1].2, "Anna still active");

    // The text list: one line each.
    let out = kassa(home, &["cashier", "list"], "");
    let text = shown(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Bob") && l.ends_with("disabled")),
        "{text}"
    );
}
