//! Cashiers at the window (mock runtime, training mode, the engine running): the till opens
//! locked and refuses to sell until a cashier signs in; wrong PINs are refused and counted; a
//! sale and its journal rows name the cashier; a locked screen refuses again until the PIN
//! opens it; a cashier's PIN approves no refund, void or review decision, a manager's does and
//! is named; a disabled cashier cannot sign in.

mod ipc_support;

use ipc_support::invoke;
use ipc_support::till::{training_locked, Till};
use kassa_core::cashiers::Role;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const MANAGER_PIN: &str = kassa_app::training::MANAGER_PIN;

fn sign_in(till: &Till, name: &str, pin: &str) -> Result<Value, Value> {
    invoke(
        &till.webview,
        "cashier_sign_in",
        json!({"name": name, "pin": pin}),
    )
}

/// A cash sale of `minor`, completed; answers the completed sale.
fn cash_sale(till: &Till, minor: i64) -> Value {
    let sale = till.call("sale_open", json!({}));
    let id = sale["id"].as_str().unwrap().to_string();
    till.call(
        "sale_add_line",
        json!({"saleId": id, "description": "Coffee", "quantity": 1, "unitPriceMinor": minor}),
    );
    till.call(
        "sale_tender_cash",
        json!({"saleId": id, "givenMinor": minor}),
    );
    let done = till.call("sale_complete", json!({ "saleId": id }));
    assert_eq!(done["outcome"], "paid", "{done}");
    till.call("sale_get", json!({ "saleId": id }))
}

/// The journal's rows of a sale: (kind, outcome, cashier).
fn journal_of(till: &Till, sale_id: &str) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(till.store.path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT kind, outcome, cashier FROM journal WHERE sale_id = ?1 ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([sale_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn the_till_opens_locked_and_sells_only_for_a_signed_in_cashier() {
    let dir = tempfile::tempdir().unwrap();
    let till = training_locked(dir.path());

    let session = till.call("app_info", json!({}))["session"].clone();
    assert_eq!(session["locked"], true);
    assert_eq!(session["cashier"], Value::Null);
    assert_eq!(session["trainingCashier"], "Anna");
    assert_eq!(session["trainingCashierPin"], "111111");
    for (cmd, body) in [
        ("sale_open", json!({})),
        ("lookup_card", json!({"code": "4165100001"})),
        ("sales_recent", json!({})),
    ] {
        let refused = till.refuse(cmd, body);
        assert_eq!(refused["code"], "locked", "{cmd}: {refused}");
        assert!(
            refused["message"].as_str().unwrap().contains("sign in"),
            "{refused}"
        );
    }

    // A wrong PIN is refused and counted; no name is refused with a sentence.
    let wrong = sign_in(&till, "Anna", "999999").unwrap_err();
    assert_eq!(wrong["code"], "pin_refused");
    assert!(
        wrong["message"].as_str().unwrap().contains("4 more tries"),
        "{wrong}"
    );
    let nobody = sign_in(&till, "  ", "111111").unwrap_err();
    assert!(nobody["message"]
        .as_str()
        .unwrap()
        .contains("Type your name"));
    let unknown = sign_in(&till, "Zoe", "111111").unwrap_err();
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("No cashier is called Zoe"),
        "{unknown}"
    );
    assert_eq!(till.refuse("sale_open", json!({}))["code"], "locked");

    let anna = sign_in(&till, "anna", "111111").unwrap();
    assert_eq!(anna["cashier"], "Anna (cashier)");
    assert_eq!(anna["locked"], false);

    let sale = cash_sale(&till, 350);
    assert_eq!(sale["cashier"], "Anna", "{sale}");
    let id = sale["id"].as_str().unwrap();
    let rows = journal_of(&till, id);
    assert!(
        rows.iter().any(|(k, o, _)| k == "sale" && o == "completed"),
        "{rows:?}"
    );
    assert!(
        rows.iter().all(|(_, _, cashier)| cashier == "Anna"),
        "every row of the sale names Anna: {rows:?}"
    );

    // Locked: refused until her PIN opens it again.
    let locked = till.call("cashier_lock", json!({}));
    assert_eq!(locked["locked"], true);
    assert_eq!(locked["cashier"], "Anna (cashier)", "still signed in");
    assert_eq!(till.refuse("sale_open", json!({}))["code"], "locked");
    let unlocked = sign_in(&till, "Anna", "111111").unwrap();
    assert_eq!(unlocked["locked"], false);

    // An unfinished sale stays with the till: the manager signs in and finishes it.
    let open = till.call("sale_open", json!({}));
    let open_id = open["id"].as_str().unwrap().to_string();
    till.call(
        "sale_add_line",
        json!({"saleId": open_id, "description": "Cake", "quantity": 1, "unitPriceMinor": 400}),
    );
    till.call("cashier_lock", json!({}));
    let manager = sign_in(&till, "Manager", MANAGER_PIN).unwrap();
    assert_eq!(manager["cashier"], "Manager (manager)");
    let current = till.call("sale_current", json!({}));
    assert_eq!(current["id"], open_id.as_str());
    assert_eq!(current["cashier"], "Anna", "the sale names who started it");
    till.call(
        "sale_tender_cash",
        json!({"saleId": open_id, "givenMinor": 400}),
    );
    till.call("sale_complete", json!({ "saleId": open_id }));
    let rows = journal_of(&till, &open_id);
    let completed = rows
        .iter()
        .find(|(k, o, _)| k == "sale" && o == "completed")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(
        completed.2, "Manager",
        "the step names who did it: {rows:?}"
    );

    // Verify still holds over the rows with their cashiers.
    let report = till.store.verify_journal().unwrap();
    assert_eq!(report.break_count, 0);
}

#[test]
fn a_cashiers_pin_approves_nothing_a_managers_does_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let till = training_locked(dir.path());
    till.store
        .add_cashier("Bea", Role::Manager, "222222")
        .unwrap();
    sign_in(&till, "Anna", "111111").unwrap();
    let sale = cash_sale(&till, 900);
    let refund = |pin: &str, kind: &str| {
        invoke(
            &till.webview,
            "sale_refund",
            json!({
                "saleId": sale["id"], "kind": kind, "amountMinor": 200,
                "reason": "cold coffee", "cards": [], "restTo": "cash", "pin": pin,
            }),
        )
    };
    for kind in ["refund", "void"] {
        let refused = refund("111111", kind).unwrap_err();
        assert_eq!(refused["code"], "pin_refused", "{refused}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("This needs a manager"),
            "{refused}"
        );
    }
    let done = refund("222222", "refund").unwrap();
    assert_eq!(done["approved_by"], "Bea", "{done}");
    let conn = rusqlite::Connection::open(till.store.path()).unwrap();
    let (approved, cashier): (String, String) = conn
        .query_row(
            "SELECT approved_by, cashier FROM refunds WHERE sale_id = ?1",
            [sale["id"].as_str().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((approved.as_str(), cashier.as_str()), ("Bea", "Anna"));

    // A review decision: the cashier's PIN is refused, the manager's journalled by name.
    let op: String = conn
        .query_row(
            "SELECT id FROM ops WHERE sale_id = ?1 ORDER BY created_at LIMIT 1",
            [sale["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    // Once the engine has sent it, put it on the review list as a provider's doubt would.
    let deadline = Instant::now() + Duration::from_secs(30);
    while conn
        .query_row("SELECT state FROM ops WHERE id = ?1", [&op], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
        != "succeeded"
    {
        assert!(
            Instant::now() < deadline,
            "the sale's record was never sent"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    conn.execute(
        "UPDATE ops SET review_reason = 'checked by hand', resolved_at = NULL WHERE id = ?1",
        [&op],
    )
    .unwrap();
    let decide = |pin: &str| {
        invoke(
            &till.webview,
            "resolve_review",
            json!({"opId": op, "action": "done", "note": "seen in the back-office", "pin": pin}),
        )
    };
    let refused = decide("111111").unwrap_err();
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("This needs a manager"),
        "{refused}"
    );
    decide(MANAGER_PIN).unwrap();
    let decided_by: String = conn
        .query_row(
            "SELECT cashier FROM journal WHERE op_id = ?1 AND outcome = 'done_at_provider'",
            [&op],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(decided_by, "Manager");
}

#[test]
fn a_disabled_cashier_cannot_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let till = training_locked(dir.path());
    till.store
        .add_cashier("Carl", Role::Cashier, "333333")
        .unwrap();
    sign_in(&till, "Carl", "333333").unwrap();
    till.call("cashier_lock", json!({}));
    till.store.disable_cashier("Carl").unwrap();
    let refused = sign_in(&till, "Carl", "333333").unwrap_err();
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Carl is disabled"),
        "{refused}"
    );
    assert_eq!(till.refuse("sale_open", json!({}))["code"], "locked");
}
