//! Shopwave's documented bodies (docs/providers.md §4 and seed page 004), read with the client's
//! wire types, and every documented message id sorted by what the till can do.

use axum::routing::{post, put};
use kassa_core::pos::{PaymentKind, PaymentToRecord, PosPayment, PosRecorder, RecordedPayment};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::shopwave::auth::ACCESS_TOKEN_SECRET;
use kassa_providers::shopwave::envelope::{Envelope, MessageEntry};
use kassa_providers::shopwave::errors::error_for;
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

/// A partial success of a completing `PUT /transaction` (objects keyed by their ids, "To update
/// just supply the object id") as §4.1 describes it ("errors can appear in `api.message` on
/// partially successful (201) batch requests"), put together from the documented success and
/// error entries, in the 2015 SDK's `errors` spelling and the warnings' `ObjectRef` /
/// `MoreInfo`.
const PARTIAL: &str = r#"{"transactions": {"9001": {"id": 9001, "basketId": 5541, "type": "CASH", "amount": 500, "tip": 0, "Note": null, "completeDate": true}},
   "api": {"message": {"success": {"206": {"id": 206, "code": "…", "statusCode": 201, "title": "Resource Created", "details": "Your resource is created partially or fully. Please check further message or process log"}},
                       "errors": {"913": {"id": 913, "code": "…", "statusCode": 400, "title": "Required parameter or object missing in request", "details": "amount is required", "objectRef": "9002"}},
                       "warnings": {"602": {"id": 602, "statusCode": 403, "title": "Transaction Already Complete", "details": "…", "ObjectRef": "t-3", "MoreInfo": "9003"}}},
           "codeBaseVersion": "2.0", "executionTime_milliSeconds": 31}}"#;

/// The documented success body of a `POST /transaction` of two payments: keyed by Shopwave's
/// ids, nothing of the request echoed, the records in no order of the request's (the first
/// payment asked got the higher id).
const CREATED_TWO: &str = r#"{"transactions": {
     "9001": {"basketId": 5541, "type": "CARD", "amount": 700, "tip": 0, "completeDate": null, "id": 9001, "Note": "Kassa payment p-2"},
     "9002": {"basketId": 5541, "type": "CASH", "amount": 500, "tip": 0, "completeDate": null, "id": 9002, "Note": "Kassa payment p-1 till 3"}},
   "api": {"message": {"success": {"206": {"id": 206, "code": "…", "statusCode": 201, "title": "Resource Created", "details": "…"}}},
           "codeBaseVersion": "2.0", "executionTime_milliSeconds": 29}}"#;

/// docs/providers.md §4.1, the top-level `error` object alone, without the `api` envelope.
const TOP_LEVEL_ERROR: &str =
    r#"{"error": {"code": 400, "message": "Validation failed", "details": ["name is required"]}}"#;

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
    assert_eq!(payment.reference, "", "a note of no payment of ours");
}

#[test]
fn reads_the_documented_error_body() {
    let envelope = Envelope::parse(ERROR.as_bytes()).unwrap();
    assert_eq!(
        envelope.error.as_ref().map(|e| e.text()).as_deref(),
        Some("Validation failed: name is required")
    );
    assert_eq!(envelope.error.as_ref().unwrap().status_code, Some(400));
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
    assert!(envelope.resource("transactions").contains_key("9001"));
    let missing = envelope.message.problem_for("9002").unwrap();
    assert_eq!(
        (missing.id, missing.details.as_str()),
        (Some(913), "amount is required")
    );
    let complete = envelope.message.problem_for("9003").unwrap();
    assert_eq!(
        complete.id,
        Some(602),
        "found by the Shopwave id in MoreInfo"
    );
    assert_eq!(complete.object_refs, ["t-3"]);
    assert!(envelope.message.problem_for("9001").is_none());
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

/// A client over `stub`, as a till would have it.
async fn client_for(stub: axum::Router) -> (ShopwaveClient, kassa_sim::Running) {
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
        timeout_ms: 2_000,
        settle_ms: 0,
    };
    (ShopwaveClient::new(&config, secrets).unwrap(), running)
}

#[tokio::test]
async fn the_client_gives_each_object_of_a_partial_success_its_outcome() {
    let stub = axum::Router::new().route(
        "/transaction",
        put(|| async { (axum::http::StatusCode::CREATED, PARTIAL) }),
    );
    let (client, _running) = client_for(stub).await;
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

fn to_create(reference: &str, kind: PaymentKind, amount_minor: i64) -> PaymentToRecord {
    PaymentToRecord {
        basket_id: "5541".into(),
        payment: PosPayment {
            reference: reference.into(),
            kind,
            amount_minor,
            tip_minor: 0,
            note: None,
        },
    }
}

/// Shopwave echoes nothing of ours: each new payment is known by its content (the reference in
/// its `Note`, its basket, type and amount), whatever its id and place in the answer.
#[tokio::test]
async fn a_documented_success_without_any_echo_is_read_object_by_object() {
    let stub = axum::Router::new().route(
        "/transaction",
        post(|| async { (axum::http::StatusCode::CREATED, CREATED_TWO) }),
    );
    let (client, _running) = client_for(stub).await;
    let outcomes = client
        .create_payments(&[
            to_create("p-1", PaymentKind::Cash, 500),
            to_create("p-2", PaymentKind::Card, 700),
            to_create("p-3", PaymentKind::Cash, 500),
        ])
        .await;
    let first = outcomes[0].result.as_ref().unwrap();
    assert_eq!(
        (
            first.reference.as_str(),
            first.id.as_str(),
            first.amount_minor
        ),
        ("p-1", "9002", 500)
    );
    assert_eq!(first.note.as_deref(), Some("till 3"));
    let second = outcomes[1].result.as_ref().unwrap();
    assert_eq!(
        (second.reference.as_str(), second.id.as_str()),
        ("p-2", "9001")
    );
    assert!(
        matches!(
            outcomes[2].result,
            Err(ProviderError::OutcomeUnknown { .. })
        ),
        "a payment the answer holds no record of is unknown, never another's: {:?}",
        outcomes[2].result
    );
}

/// The documented top-level `error`, alone, with the status in the HTTP status line or only in
/// the `statusCode` header ("Very important to check this for any error"): a refusal that
/// says why, not an unreadable or unknown answer.
#[tokio::test]
async fn a_top_level_error_is_a_refusal_that_says_why() {
    let stub = axum::Router::new().route(
        "/transaction",
        post(|| async { (axum::http::StatusCode::BAD_REQUEST, TOP_LEVEL_ERROR) }).put(|| async {
            (
                axum::http::StatusCode::OK,
                [("statusCode", "400")],
                TOP_LEVEL_ERROR,
            )
        }),
    );
    let (client, _running) = client_for(stub).await;
    let created = client
        .create_payments(&[to_create("p-1", PaymentKind::Cash, 500)])
        .await;
    let completed = client.complete_payments(&[payment("p-1", "9001")]).await;
    for outcome in [
        &created[0].result.as_ref().map(|_| ()),
        &completed[0].result.as_ref().map(|_| ()),
    ] {
        let Err(ProviderError::Declined { code, reason }) = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(code, "400");
        assert!(
            reason.contains("Validation failed: name is required"),
            "{reason}"
        );
    }
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
