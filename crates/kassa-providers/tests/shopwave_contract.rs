//! Shopwave's documented bodies (docs/providers.md §4 and seed page 004), read with the client's
//! wire types, and every documented message id sorted by what the till can do.

use axum::routing::put;
use kassa_core::pos::{PaymentKind, PosRecorder, RecordedPayment};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::shopwave::auth::ACCESS_TOKEN_SECRET;
use kassa_providers::shopwave::envelope::{error_for, Envelope, MessageEntry};
use kassa_providers::shopwave::wire::{
    parse_pence, recorded_payment, BasketWire, CompleteDate, TransactionWire,
};
use kassa_providers::shopwave::ShopwaveClient;
use kassa_sim::server::serve;
use std::sync::Arc;
use std::time::Duration;

/// docs/providers.md §4.1, success body, verbatim but for `{...}`, which is filled with the
/// response fields of seed page 004.
const SUCCESS: &str = r#"{"transactions": {"123": {"basketId": 5541, "type": "VOUCHER", "amount": 1250, "tip": 0, "completeDate": "2015-06-01 10:00:00", "id": 123, "Note": "giftcard 1234"}},
   "api": {"message": {"success": {"206": {"id": 206, "code": "…", "statusCode": 201, "title": "Resource Created", "details": "…"}}},
           "codeBaseVersion": "2.0", "executionTime_milliSeconds": 29}}"#;

/// docs/providers.md §4.1, error body, verbatim.
const ERROR: &str = r#"{"error": {"code": 400, "message": "Validation failed", "details": ["name is required"]},
   "api": {"message": {"error": {"913": {"id": 913, "code": "…", "statusCode": 400, "title": "Required parameter or object missing in request", "details": "…", "objectRef": "…"}}},
           "codeBaseVersion": "2.0", "executionTime_milliSeconds": 12}}"#;

/// docs/providers.md §4.2, example transaction body, verbatim.
const TRANSACTION_EXAMPLE: &str = r#"{"transactions": {"t-1": {"basketId": 5541, "type": "VOUCHER", "amount": 1250, "tip": 0, "Note": "giftcard 1234"}}}"#;

/// docs/providers.md §4.2 step 1, pre-generate a basket, verbatim.
const BASKET_POST: &str = r#"{"baskets": {"<ref>": {"storeId": 1}}}"#;

/// A partial success as §4.1 describes it ("errors can appear in `api.message` on partially
/// successful (201) batch requests"), put together from the documented success and error
/// entries, in the 2015 SDK's `errors` spelling and the warnings' `ObjectRef` / `MoreInfo`.
const PARTIAL: &str = r#"{"transactions": {"t-1": {"id": 9001, "basketId": 5541, "type": "CASH", "amount": 500, "tip": 0, "Note": null, "completeDate": true}},
   "api": {"message": {"success": {"206": {"id": 206, "code": "…", "statusCode": 201, "title": "Resource Created", "details": "Your resource is created partially or fully. Please check further message or process log"}},
                       "errors": {"913": {"id": 913, "code": "…", "statusCode": 400, "title": "Required parameter or object missing in request", "details": "amount is required", "objectRef": "t-2"}},
                       "warnings": {"602": {"id": 602, "statusCode": 403, "title": "Transaction Already Complete", "details": "…", "ObjectRef": "t-3", "MoreInfo": "9003"}}},
           "codeBaseVersion": "2.0", "executionTime_milliSeconds": 31}}"#;

#[test]
fn reads_the_documented_success_body() {
    let envelope = Envelope::parse(SUCCESS.as_bytes()).unwrap();
    assert_eq!(envelope.message.success[0].id, Some(206));
    assert_eq!(envelope.message.success[0].status_code, Some(201));
    assert_eq!(envelope.message.problems().count(), 0);
    let records = envelope.resource("transactions");
    let payment = recorded_payment("123", &records["123"]).unwrap();
    assert_eq!(payment.id, "123");
    assert_eq!(payment.basket_id, "5541");
    assert_eq!(payment.kind, PaymentKind::Voucher);
    assert_eq!((payment.amount_minor, payment.tip_minor), (1250, 0));
    assert!(payment.completed, "a completeDate date means complete");
    assert_eq!(payment.note.as_deref(), Some("giftcard 1234"));
}

#[test]
fn reads_the_documented_error_body() {
    let envelope = Envelope::parse(ERROR.as_bytes()).unwrap();
    assert_eq!(
        envelope.error_text.as_deref(),
        Some("Validation failed: name is required")
    );
    let problem = envelope.main_problem().unwrap();
    assert_eq!(problem.id, Some(913));
    assert_eq!(problem.object_refs, ["…"]);
    assert!(matches!(
        error_for(problem, true, None),
        ProviderError::Declined { code, .. } if code == "913"
    ));
}

#[test]
fn reads_the_documented_request_bodies() {
    let body: serde_json::Value = serde_json::from_str(TRANSACTION_EXAMPLE).unwrap();
    let t: TransactionWire = serde_json::from_value(body["transactions"]["t-1"].clone()).unwrap();
    assert_eq!(
        (t.basket_id, t.kind.as_str(), t.amount, t.tip),
        (5541, "VOUCHER", 1250, Some(0))
    );
    assert_eq!(t.note.as_deref(), Some("giftcard 1234"));
    // What the client sends for it is the same object.
    assert_eq!(
        serde_json::to_value(&t).unwrap(),
        body["transactions"]["t-1"]
    );

    let body: serde_json::Value = serde_json::from_str(BASKET_POST).unwrap();
    let b: BasketWire = serde_json::from_value(body["baskets"]["<ref>"].clone()).unwrap();
    assert_eq!(b.store_id, Some(1));
    assert!(b.products.is_empty());
}

#[test]
fn complete_date_is_a_flag_a_time_since_or_a_date() {
    // Seed 004: "Is Complete / Time since complete: Bool / Int" sent; "Complete Date" answered.
    for (json, complete) in [
        ("true", true),
        ("false", false),
        ("120", true),
        ("\"2015-06-01 10:00:00\"", true),
    ] {
        let c: CompleteDate = serde_json::from_str(json).unwrap();
        assert_eq!(c.is_complete(), complete, "{json}");
    }
}

#[test]
fn prices_are_read_exactly() {
    use serde_json::json;
    assert_eq!(parse_pence(&json!("1600.0")), Ok(1600));
    assert_eq!(parse_pence(&json!("1600")), Ok(1600));
    assert_eq!(parse_pence(&json!(1600)), Ok(1600));
    assert_eq!(parse_pence(&json!("-250.00")), Ok(-250));
    assert!(parse_pence(&json!("1600.5")).is_err(), "no rounding");
    assert!(parse_pence(&json!("16,00")).is_err());
    assert!(parse_pence(&json!("")).is_err());
}

#[test]
fn reads_a_partial_success_object_by_object() {
    let envelope = Envelope::parse(PARTIAL.as_bytes()).unwrap();
    assert!(envelope.resource("transactions").contains_key("t-1"));
    let missing = envelope.message.problem_for("t-2").unwrap();
    assert_eq!(
        (missing.id, missing.details.as_str()),
        (Some(913), "amount is required")
    );
    let complete = envelope.message.problem_for("t-3").unwrap();
    assert_eq!(complete.id, Some(602));
    assert_eq!(complete.more_info, ["9003"]);
    assert!(envelope.message.problem_for("t-1").is_none());
}

fn payment(reference: &str, id: &str) -> RecordedPayment {
    RecordedPayment {
        reference: reference.into(),
        id: id.into(),
        basket_id: "5541".into(),
        kind: PaymentKind::Cash,
        amount_minor: 500,
        tip_minor: 0,
        note: None,
        completed: false,
    }
}

#[tokio::test]
async fn the_client_gives_each_object_of_a_partial_success_its_outcome() {
    let stub = axum::Router::new().route(
        "/transaction",
        put(|| async { (axum::http::StatusCode::CREATED, PARTIAL) }),
    );
    let running = serve(stub).await.unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    secrets
        .set(ACCESS_TOKEN_SECRET, &Secret::new("tok"))
        .unwrap();
    let config = kassa_core::config::ShopwaveConfig {
        base_url: running.url(),
        accept_version: "2".into(),
        token_url: format!("{}/oauth/token", running.url()),
        client_id: "app".into(),
        redirect_uri: None,
        store_id: "1".into(),
        batch_size: 10,
        reference_header: "objectRefs".into(),
        timeout_ms: 2_000,
    };
    let client = ShopwaveClient::new(&config, secrets).unwrap();
    let asked = [
        payment("t-1", "9001"),
        payment("t-2", "9002"),
        payment("t-3", "9003"),
        payment("t-4", "9004"),
    ];
    let outcomes = client.complete_payments(&asked).await;
    assert!(outcomes[0].result.as_ref().unwrap().completed);
    assert!(matches!(
        &outcomes[1].result,
        Err(ProviderError::Declined { code, reason }) if code == "913" && reason.contains("amount is required")
    ));
    assert!(
        outcomes[2].result.as_ref().unwrap().completed,
        "602 Already Complete on a completion is success"
    );
    assert!(
        matches!(
            outcomes[3].result,
            Err(ProviderError::OutcomeUnknown { .. })
        ),
        "an object the answer does not mention may or may not be recorded: {:?}",
        outcomes[3].result
    );
}

/// Every documented id (docs/providers.md §4.1 and seed 004's table), and what the till makes of it
/// on a write: `unknown` (may have been applied), `retry`, `config`, `not_found`, `declined`.
const IDS: &[(u16, u16, &str, &str)] = &[
    (899, 500, "Unknown Error", "unknown"),
    (900, 503, "Service Down", "retry"),
    (901, 400, "Invalid Client", "config"),
    (902, 401, "Unauthorised Client", "config"),
    (903, 400, "Redirect URI Mismatch", "config"),
    (904, 401, "Access Denied", "config"),
    (905, 400, "Invalid Scope", "config"),
    (906, 400, "Invalid Grant", "config"),
    (907, 401, "Invalid Token", "config"),
    (908, 401, "Expired Token", "config"),
    (909, 401, "Invalid Code", "config"),
    (910, 404, "Not Found", "not_found"),
    (911, 401, "Authorization Header Invalid", "config"),
    (
        912,
        403,
        "Resource Not Allowed For Specified User",
        "config",
    ),
    (
        913,
        400,
        "Required parameter or object missing in request",
        "declined",
    ),
    (914, 400, "Email address is not valid", "declined"),
    (915, 400, "Promotion code is unique", "declined"),
    (916, 415, "Unsupported Media Type", "config"),
    (917, 500, "Internal Server Error", "unknown"),
    (918, 400, "JSON Web Token Invalid or Not Found", "config"),
    (919, 429, "Cannot handle too many request", "config"),
    (601, 403, "Baskets Already Complete", "declined"),
    (602, 403, "Transaction Already Complete", "declined"),
    (603, 400, "Multiple Stores Exist", "config"),
    (605, 403, "Orders Already Complete", "declined"),
    (606, 403, "Baskets Not Complete", "declined"),
];

fn class(e: &ProviderError) -> &'static str {
    match e {
        ProviderError::OutcomeUnknown { .. } => "unknown",
        ProviderError::Unavailable { .. } | ProviderError::Unreachable { .. } => "retry",
        ProviderError::Config { .. } => "config",
        ProviderError::NotFound { .. } => "not_found",
        ProviderError::Declined { .. } => "declined",
        ProviderError::BadResponse { .. } => "bad",
    }
}

#[test]
fn every_documented_id_in_either_spelling_means_what_the_till_can_act_on() {
    for (id, status, title, expected) in IDS {
        for section in ["error", "errors"] {
            let body = format!(
                r#"{{"api": {{"message": {{"{section}": {{"{id}": {{"id": {id}, "code": "…", "statusCode": {status}, "title": "{title}", "details": "…"}}}}}}}}}}"#
            );
            let envelope = Envelope::parse(body.as_bytes()).unwrap();
            let problem = envelope.main_problem().expect("a problem");
            let error = error_for(problem, true, None);
            assert_eq!(class(&error), *expected, "{id} in {section}: {error:?}");
            assert!(error.to_string().contains(title), "{id}: {error}");
        }
    }
    // On a read, a server error is safe to repeat; 919 with Retry-After is throttling.
    let entry = |id, status| MessageEntry {
        id: Some(id),
        status_code: Some(status),
        ..Default::default()
    };
    assert!(error_for(&entry(899, 500), false, None).is_retryable());
    assert!(error_for(&entry(917, 500), false, None).is_retryable());
    assert!(error_for(&entry(919, 429), true, Some(Duration::from_secs(3))).is_retryable());
    // Successes and 604 Newer Version Available are not failures.
    for (id, status) in [(202, 200), (203, 200), (206, 201), (604, 200)] {
        assert!(entry(id, status).is_benign(), "{id}");
    }
}
