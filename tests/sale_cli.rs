//! `kassa sale`, `kassa sale show` and `kassa sales` as a cashier or an installer runs them: the
//! real binary, a fresh data folder, training mode (the demo providers run in the process and
//! keep their ledgers in the training data folder, so a card spent by one run stays spent).

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

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The JSON a command printed, whether it succeeded or not.
fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}): {:?} / {:?}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn ok_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    json_of(output)
}

/// `kassa sale` with these lines and tenders (`--line …` then `--pay …`).
fn sale(home: &Path, lines: &[&str], pays: &[&str]) -> Output {
    kassa(home, &sale_args(lines, pays))
}

/// `kassa --json sale` with these lines and tenders.
fn sale_json(home: &Path, lines: &[&str], pays: &[&str]) -> Output {
    let mut args = vec!["--json"];
    args.extend(sale_args(lines, pays));
    kassa(home, &args)
}

fn sale_args<'a>(lines: &[&'a str], pays: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["sale"];
    for line in lines {
        args.extend(["--line", line]);
    }
    for pay in pays {
        args.extend(["--pay", pay]);
    }
    args
}

/// The JSON a command printed when it failed.
fn refused_json(output: &Output) -> Value {
    assert!(!output.status.success(), "{:?}", text(output));
    json_of(output)
}

/// What a command that succeeded printed: `(stdout, stderr)`.
fn succeeded(output: &Output) -> (String, String) {
    let (stdout, stderr) = text(output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn balance_minor(home: &Path, code: &str) -> i64 {
    let card = ok_json(&kassa(home, &["--json", "card", "balance", code]));
    card["card"]["balance_minor"].as_i64().expect("a balance")
}

fn sales(home: &Path) -> Vec<Value> {
    ok_json(&kassa(home, &["--json", "sales"]))["sales"]
        .as_array()
        .expect("a list of sales")
        .clone()
}

#[test]
fn a_sale_paid_by_a_leat_card_in_part_and_cash_prints_paid_and_the_change() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    assert_eq!(balance_minor(home, "4165100001"), 2_500);

    let (stdout, _) = succeeded(&sale(
        home,
        &["Coffee beans=12.50", "Mug=7.95x2"],
        &["4165100001=10.00", "cash=20"],
    ));
    assert!(stdout.contains("Sale 1"), "{stdout}");
    assert!(stdout.contains("Coffee beans"), "{stdout}");
    assert!(stdout.contains("EUR 28.40"), "the total: {stdout}");
    assert!(stdout.contains("••••0001"), "the card, masked: {stdout}");
    assert!(!stdout.contains("4165100001"), "the code is never shown");
    // 28.40 - 10.00 on the card = 18.40 in cash; 20.00 given: 1.60 back.
    assert!(
        stdout.contains("change") && stdout.contains("EUR 1.60"),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l.starts_with("Paid")), "{stdout}");

    // A second run of the till: the card's provider kept the redemption.
    assert_eq!(balance_minor(home, "4165100001"), 1_500);

    // The rest of the card, then cash, in JSON.
    let paid = ok_json(&sale_json(home, &["Tea=20.00"], &["4165100001", "cash=10"]));
    assert_eq!(paid["ok"], true);
    let sale = &paid["sale"];
    assert_eq!(sale["number"], 2);
    assert_eq!(sale["state"], "completed");
    assert_eq!(sale["total_minor"], 2_000);
    assert_eq!(sale["paid_minor"], 2_000);
    assert_eq!(sale["change_minor"], 500);
    assert_eq!(
        sale["tenders"][0]["amount_minor"], 1_500,
        "what the card had"
    );
    assert_eq!(sale["tenders"][0]["state"], "taken");
    assert_eq!(sale["tenders"][1]["given_minor"], 1_000);
    assert_eq!(balance_minor(home, "4165100001"), 0);
}

#[test]
fn an_unknown_card_abandons_the_sale_and_queues_nothing() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let out = sale_json(home, &["Mug=7.95"], &["cash=2", "4165199999"]);
    assert!(!out.status.success(), "a card not found is not a sale");
    let failed = json_of(&out);
    assert_eq!(failed["ok"], false);
    assert_eq!(failed["error"]["code"], "not_found", "{failed}");
    assert_eq!(failed["sale"]["state"], "abandoned");
    assert_eq!(failed["sale"]["paid_minor"], 0, "the cash is handed back");
    assert_eq!(failed["queued"], 0);

    let queue = ok_json(&kassa(home, &["--json", "queue"]));
    assert_eq!(queue["unfinished"], 0, "nothing queued");
    assert_eq!(queue["in_review"], 0);
    let shown = ok_json(&kassa(home, &["--json", "sale", "show", "1"]));
    assert_eq!(shown["sale"]["state"], "abandoned");
    assert_eq!(shown["operations"].as_array().unwrap().len(), 0);

    // The human form says why on stderr and exits non-zero too.
    let out = sale(home, &["Mug=7.95"], &["4165199999"]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stdout.contains("abandoned"), "{stdout}");
}

/// Once its sale is finished, no full card code is left in the till's database file: the
/// zmyle QR holds the card's access token, and the Leat card's code spends the card.
#[test]
fn a_finished_sale_leaves_no_full_card_code_in_the_database() {
    use kassa_sim::training::DEMO_ZMYLE_QR as QR;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let qr = format!("{QR}=10.00");
    succeeded(&sale(
        home,
        &["Scarf=24.00"],
        &[&qr, "4165100001=5.00", "cash=10"],
    ));
    succeeded(&kassa(home, &["sync", "--once"]));
    let shown = ok_json(&kassa(home, &["--json", "sale", "show", "1"]));
    assert_eq!(shown["sale"]["state"], "completed");
    let ops: Vec<(&str, &str)> = shown["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["role"].as_str().unwrap(), o["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ops,
        [
            ("hold", "succeeded"),
            ("confirm", "succeeded"),
            ("charge", "succeeded"),
            ("record", "succeeded")
        ]
    );

    let db = home.join("data/eu.kassa.till/training.sqlite3");
    rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("sqlite3-wal")).unwrap_or_default());
    let access_token = QR.rsplit_once("rt=").unwrap().1;
    for code in [QR, access_token, "4165100001"] {
        assert!(
            !bytes.windows(code.len()).any(|w| w == code.as_bytes()),
            "{code} is left in the database"
        );
    }
}

#[test]
fn a_refusal_or_too_little_paid_abandons_the_sale_and_undoes_the_hold() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The zmyle card is held at once; the Leat card has expired: the hold is let go.
    let failed = refused_json(&sale_json(home, &["Tea=30"], &["QTHX=5.00", "4165100003"]));
    assert_eq!(failed["error"]["code"], "declined", "{failed}");
    assert!(failed["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    assert_eq!(failed["sale"]["state"], "abandoned");
    assert_eq!(failed["sale"]["tenders"][0]["status"], "undone", "{failed}");

    let card = ok_json(&kassa(home, &["--json", "card", "balance", "QTHX"]));
    assert_eq!(card["card"]["balance_minor"], 2_000);
    assert_eq!(card["card"]["available"], "EUR 20.00", "no hold is left");

    let failed = refused_json(&sale_json(home, &["Tea=3"], &["cash=1"]));
    assert_eq!(failed["error"]["code"], "invalid");
    assert!(failed["error"]["message"]
        .as_str()
        .unwrap()
        .contains("EUR 2.00 is still to pay"));
    assert_eq!(failed["sale"]["state"], "abandoned");

    let shown = ok_json(&kassa(home, &["--json", "sale", "show", "1"]));
    let ops: Vec<(String, String, String)> = shown["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["role"].as_str().unwrap().into(),
                o["kind"].as_str().unwrap().into(),
                o["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("hold".into(), "reserve".into(), "succeeded".into()),
            ("undo".into(), "cancel".into(), "succeeded".into())
        ]
    );
}

#[test]
fn bad_lines_and_amounts_are_refused_before_any_sale_is_made() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    for (line, pay, says) in [
        ("Mug=0", "cash=5", "zero"),
        ("Mug=-5", "cash=5", "negative"),
        ("Mug=abc", "cash=5", "not an amount"),
        ("Mug=1.234", "cash=5", "decimals"),
        ("Mug", "cash=5", "DESCRIPTION=PRICE"),
        ("Mug=5x0", "cash=5", "quantity"),
        ("Mug=5", "cash=0", "zero"),
        ("Mug=5", "cash=-5", "negative"),
        ("Mug=5", "terminal=1,2,3", "not an amount"),
        ("Mug=5", "4165100001=-1", "negative"),
        ("Mug=5", "cash", "cash=AMOUNT"),
    ] {
        let args = sale_args(&[line], &[pay]);
        let out = kassa(home, &args);
        let (stdout, stderr) = text(&out);
        assert!(!out.status.success(), "{args:?} is refused");
        assert!(
            stderr.starts_with("error: --") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
    let failed = refused_json(&sale_json(home, &["Mug=5"], &["cash=0"]));
    assert_eq!(failed["error"]["code"], "invalid");
    assert_eq!(failed["sale"], Value::Null);
    // Without a line or a tender clap refuses, and says how.
    let out = kassa(home, &["sale", "--pay", "cash=5"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--line"));

    assert!(sales(home).is_empty(), "no sale was made");
}

#[test]
fn sales_are_listed_and_shown_with_their_operations() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    succeeded(&sale(
        home,
        &["Scarf=24.00", "Card=2.50x2"],
        &["QTHX=10", "9100000000000001=12.00", "terminal=7.00"],
    ));
    let out = sale(home, &["Mug=7.95"], &["NOSUCHCARD1"]);
    assert!(!out.status.success());

    let listed = sales(home);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["number"], 2, "newest first");
    assert_eq!(listed[0]["state"], "abandoned");
    assert_eq!(listed[1]["number"], 1);
    assert_eq!(listed[1]["state"], "completed");
    assert_eq!(listed[1]["total_minor"], 2_900);
    let today = ok_json(&kassa(home, &["--json", "sales", "--today"]));
    assert_eq!(today["sales"].as_array().unwrap().len(), 2);

    let (stdout, _) = succeeded(&kassa(home, &["sales"]));
    assert!(stdout.contains("completed") && stdout.contains("abandoned"));
    assert!(stdout.contains("EUR 29.00"), "{stdout}");
    assert!(stdout.contains("terminal EUR 7.00"), "{stdout}");

    let (stdout, _) = succeeded(&kassa(home, &["sale", "show", "1"]));
    for shown in [
        "Sale 1  completed",
        "Scarf",
        "reserve  succeeded",
        "confirm  succeeded",
        "redeem   succeeded",
        "card terminal",
        "back-office record  succeeded",
    ] {
        assert!(stdout.contains(shown), "{shown:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("9100000000000001"), "codes are masked");

    let id = listed[1]["id"].as_str().unwrap();
    let by_id = ok_json(&kassa(home, &["--json", "sale", "show", id]));
    assert_eq!(by_id["sale"]["number"], 1);
    let roles: Vec<&str> = by_id["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["hold", "confirm", "charge", "record"]);

    let missing = kassa(home, &["sale", "show", "42"]);
    assert!(!missing.status.success());
    assert!(text(&missing).1.contains("There is no sale '42'"));
}

/// What a `kassa sale` killed in the middle of Complete leaves when the card's provider refused
/// the charge since (another run's engine, or `kassa sync`, sent it): the sale in Completing,
/// the card tender charging, its redemption declined. The next run cannot complete it
/// (something is still to pay): it abandons it, says so, and sells.
#[test]
fn a_sale_left_in_complete_whose_card_was_refused_since_is_abandoned_by_the_next_run() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    succeeded(&sale(home, &["Tea=5"], &["4165100001=2", "cash=3"]));
    {
        let db = home.join("data/eu.kassa.till/training.sqlite3");
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.execute_batch(
            "UPDATE sales SET state = 'completing', finished_at = NULL, record_op_id = NULL
              WHERE number = 1;
             UPDATE tenders SET state = 'charging', card_code = '4165100001'
              WHERE kind = 'gift_card';
             UPDATE ops SET state = 'declined', last_error = 'Insufficient balance',
                    review_reason = 'Insufficient balance'
              WHERE kind = 'redeem';",
        )
        .unwrap();
    }
    let paid = ok_json(&sale_json(home, &["Tea=1"], &["cash=1"]));
    assert_eq!(paid["sale"]["number"], 2);
    assert_eq!(paid["settled"][0]["number"], 1);
    assert_eq!(paid["settled"][0]["state"], "abandoned");
    let (_, stderr) = succeeded(&sale(home, &["Tea=1"], &["cash=1"]));
    assert!(
        !stderr.contains("left unfinished"),
        "settled once: {stderr}"
    );
    let listed = sales(home);
    assert_eq!(listed[2]["state"], "abandoned");
}

#[test]
fn a_sale_is_refused_while_another_kassa_sends_this_tills_payments() {
    let home = tempfile::tempdir().unwrap();
    let mut sync = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .arg("sync")
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("HOME", home.path())
        .env_remove("KASSA_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kassa sync starts");
    let lock = home.path().join("data/eu.kassa.till/kassa.lock");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !std::fs::read_to_string(&lock).is_ok_and(|holder| holder.starts_with("kassa sync")) {
        assert!(
            std::time::Instant::now() < until,
            "kassa sync never took the data folder"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let refused = refused_json(&sale_json(home.path(), &["Tea=2.50"], &["cash=5"]));
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains(": kassa sync (process "), "{message}");
    assert!(message.contains("Only one may at a time"), "{message}");
    succeeded(&kassa(home.path(), &["queue"]));

    sync.kill().unwrap();
    sync.wait().unwrap();
    let paid = ok_json(&sale_json(home.path(), &["Tea=2.50"], &["cash=5"]));
    assert_eq!(paid["sale"]["state"], "completed", "{paid}");
    let sales = ok_json(&kassa(home.path(), &["--json", "sales"]));
    assert_eq!(
        sales["sales"].as_array().map(Vec::len),
        Some(1),
        "the refused run made no sale: {sales}"
    );
}
