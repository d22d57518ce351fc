//! A journal changed behind the till's back, through IPC (mock runtime) in training mode: the
//! till started on it stops payments — the status bar says why, a tender is refused with the
//! same words — while look-ups and the queue go on; a wrong manager PIN changes nothing; the
//! manager's PIN acknowledges the break (a journal row of its own), and payments go on.

mod ipc_support;

use ipc_support::till::training;
use kassa_app::paths::Paths;
use kassa_app::training::MANAGER_PIN;
use serde_json::{json, Value};

const LEAT_25: &str = "4165100001";

/// A line of `minor` on the sale (a new one, or the one a refused tender left), paid in cash.
fn cash_sale(till: &ipc_support::till::Till, minor: i64) -> Result<Value, Value> {
    let sale = till.call("sale_open", json!({}));
    let id = sale["id"].as_str().unwrap().to_string();
    let sale = till.call(
        "sale_add_line",
        json!({"saleId": id, "description": "Goods", "quantity": 1, "unitPriceMinor": minor}),
    );
    // The sale on the screen, with what a refused tender left on it.
    let due = sale["remaining_minor"].clone();
    ipc_support::invoke(
        &till.webview,
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": due}),
    )?;
    Ok(till.call("sale_complete", json!({ "saleId": id })))
}

#[test]
fn a_changed_journal_stops_payments_until_the_manager_s_pin_acknowledges_it() {
    let dir = tempfile::tempdir().unwrap();
    let till = training(dir.path());
    let paid = cash_sale(&till, 750).unwrap();
    assert_eq!(paid["outcome"], "paid", "{paid}");
    let status = till.call("till_status", json!({}));
    assert_eq!(status["payments_stopped"], Value::Null);
    assert_eq!(status["journal_break"], false);
    drop(till);

    // Someone lowers the cash tender's amount with a database tool.
    let db = Paths::in_dir(dir.path()).database(true);
    let tender: i64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let id = conn
            .query_row(
                "SELECT id FROM journal WHERE kind = 'tender' AND outcome = 'cash'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute("UPDATE journal SET amount_minor = 500 WHERE id = ?1", [id])
            .unwrap();
        id
    };

    let till = training(dir.path());
    let status = till.call("till_status", json!({}));
    let stopped = status["payments_stopped"].as_str().expect("payments stop");
    assert!(
        stopped.contains(&format!("seq {tender} (id {tender}) was changed")),
        "{stopped}"
    );
    assert!(stopped.contains("manager PIN"), "{stopped}");
    assert_eq!(status["journal_break"], true);

    // No payment; a look-up and the queue still work.
    let refused = cash_sale(&till, 300).unwrap_err();
    assert_eq!(refused["message"], stopped, "{refused}");
    let card = till.call("lookup_card", json!({ "code": LEAT_25 }));
    assert_eq!(card["balance_minor"], 2_500, "{card}");
    till.call("queue_ops", json!({}));

    let wrong = till.refuse("journal_acknowledge", json!({ "pin": "999999" }));
    assert_eq!(wrong["code"], "pin_refused", "{wrong}");
    assert_eq!(
        till.call("till_status", json!({}))["payments_stopped"],
        stopped
    );

    let seen = till.call("journal_acknowledge", json!({ "pin": MANAGER_PIN }));
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen}");
    let status = till.call("till_status", json!({}));
    assert_eq!(status["payments_stopped"], Value::Null);
    assert_eq!(status["journal_break"], false);
    let paid = cash_sale(&till, 300).unwrap();
    assert_eq!(paid["outcome"], "paid", "{paid}");

    // The break stays in the chain, acknowledged, with the manager's row naming it.
    let report = till.store.verify_journal().unwrap();
    assert_eq!(report.breaks.len(), 1, "{report:?}");
    assert_eq!(report.breaks[0].id, tender);
    assert!(report.breaks[0].acknowledged);
    assert_eq!(report.first_unseen(), None);
    let note: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT json_extract(detail, '$.note') FROM journal WHERE kind = 'journal_break_seen'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        note.starts_with(&format!("chain break at seq {tender} seen by Manager")),
        "{note}"
    );
}
