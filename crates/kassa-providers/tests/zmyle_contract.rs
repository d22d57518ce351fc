//! Contract tests: every example body of zmyle's page (seed 002) and of docs/providers.md §2, verbatim,
//! read with the client's wire types.

use kassa_core::provider::ProviderError;
use kassa_providers::zmyle::card_info;
use kassa_providers::zmyle::errors::{map_error, Call};
use kassa_providers::zmyle::query::CardQuery;
use kassa_providers::zmyle::wire::{
    CreateIntent, ErrorBody, Giftcard, IntentStatus, Metadata, TransactionIntent,
    DOCUMENTED_HOLD_LIFETIME,
};
use reqwest::StatusCode;
use time::macros::datetime;

/// seed-pages/002: the response of `PUT transaction_intents`.
const SEED_INTENT: &str = r#"{
    "expiresAt": "20171127T052256Z",
    "statementDescriptor": "MegaStore",
    "retailerId": "15h3k83g45anfnwibyie",
    "amount": 100,
    "giftcardId": "18jja4mf08fn08f7gp9l",
    "id": "18k78hj3e2j65686vhipw560u6sm",
    "status": "NEEDS_CONFIRMATION",
    "createdAt": "20171127T045256Z",
    "currency": "EUR",
    "metadata": {
        "store": "megastore-filiale-holzweg",
        "receiptNumber": "Bon 2017-79732"
    }
}"#;

/// seed-pages/002: the request body of the example `curl -d`.
const SEED_REQUEST: &str = r#"{"giftcardId": "18jja4mf08fn08f7gp9l","accessToken": "hg84zhgnzuigui4hg3hg7834","amount": 100,"metadata": {"store": "megastore-filiale-holzweg","receiptNumber": "Bon 2017-79730"}}"#;

/// docs/providers.md §2.1: the error body.
const CONTRACT_ERROR: &str = r#"{"errorId": "api:io:missingRequiredParam", "errorMsg": "giftcardId", "status": 400, "occuredAt": "20171126T060137Z"}"#;

/// docs/providers.md §2.2: the gift card object.
const CONTRACT_GIFTCARD: &str = r#"{"id": "18jja4mf08fn08f7gp9l", "shortId": "QTHX", "accessToken": "hg84zhgnzuigui4hg3hg7834",
 "balance": 2000, "availableBalance": 2000, "initialAmount": 2000, "currency": "EUR",
 "expectedAction": "redeem", "authorizedActions": ["redeem", "activate"],
 "activation": {"amount": 2000, "minAmount": 100, "maxAmount": 25000, "isDynamicAmount": false},
 "transactions": [{"id": "18k5ejn09hm88394qz32", "amount": 2000, "confirmedAt": "20171124T213259Z",
                   "statementDescriptor": "Aktivierung", "retailerId": "15h3k83g45anmatlbyie"}]}"#;

/// docs/providers.md §2.2: the transaction intent object.
const CONTRACT_INTENT: &str = r#"{"id": "18k78hj3e2j65686vhipw560u6sm", "giftcardId": "18jja4mf08fn08f7gp9l", "retailerId": "15h3k83g45anfnwibyie",
 "amount": 100, "currency": "EUR", "status": "NEEDS_CONFIRMATION", "statementDescriptor": "MegaStore",
 "createdAt": "20171127T045256Z", "expiresAt": "20171127T052256Z",
 "metadata": {"store": "megastore-filiale-holzweg", "receiptNumber": "Bon 2017-79732"}}"#;

/// docs/providers.md §2.2: the fields an intent gains on confirm, and the status after cancel.
const CONTRACT_CONFIRMED: (&str, &str) = (
    r#""status": "SUCCEEDED""#,
    r#""giftcardTransactionId": "18k7e49n4n25e25wt5z9""#,
);
const CONTRACT_CANCELLED: &str = r#""status": "CANCELLED""#;

/// docs/providers.md §2.1: what a QR code holds, with the example's id and token put in.
const CONTRACT_QR: &str = "https://www.smartcity-gutschein.de/g/<giftcardId>/redeem?rt=<token>";

#[test]
fn reads_the_seed_intent() {
    let intent: TransactionIntent = serde_json::from_str(SEED_INTENT).unwrap();
    assert_eq!(intent.id, "18k78hj3e2j65686vhipw560u6sm");
    assert_eq!(intent.giftcard_id, "18jja4mf08fn08f7gp9l");
    assert_eq!(intent.status, IntentStatus::NeedsConfirmation);
    assert_eq!(intent.amount().unwrap().to_string(), "EUR 1.00");
    assert_eq!(intent.created_at, Some(datetime!(2017-11-27 04:52:56 UTC)));
    assert_eq!(intent.expires_at, Some(datetime!(2017-11-27 05:22:56 UTC)));
    assert_eq!(intent.metadata["receiptNumber"], "Bon 2017-79732");
    assert_eq!(intent.giftcard_transaction_id, None);
    let hold = intent
        .to_hold("••••".into(), Some("op-1".into()), DOCUMENTED_HOLD_LIFETIME)
        .unwrap();
    assert_eq!(hold.expires_at, datetime!(2017-11-27 05:22:56 UTC));
    assert_eq!(hold.amount.minor, 100);
}

#[test]
fn writes_the_seed_request() {
    let metadata: Metadata = [
        ("store".to_string(), "megastore-filiale-holzweg".to_string()),
        ("receiptNumber".to_string(), "Bon 2017-79730".to_string()),
    ]
    .into();
    let ours = serde_json::to_value(CreateIntent {
        giftcard_id: "18jja4mf08fn08f7gp9l",
        access_token: "hg84zhgnzuigui4hg3hg7834",
        amount: 100,
        metadata: &metadata,
    })
    .unwrap();
    let documented: serde_json::Value = serde_json::from_str(SEED_REQUEST).unwrap();
    assert_eq!(ours, documented);
}

#[test]
fn reads_the_contract_giftcard_as_find_answers_it() {
    let cards: Vec<Giftcard> = serde_json::from_str(&format!("[{CONTRACT_GIFTCARD}]")).unwrap();
    let card = &cards[0];
    assert_eq!(card.short_id.as_deref(), Some("QTHX"));
    assert_eq!(
        card.access_token.as_ref().unwrap().expose(),
        "hg84zhgnzuigui4hg3hg7834"
    );
    assert!(card.is_redeemable());
    assert!(!card.is_activatable(), "expected action is redeem");
    assert_eq!(card.activation.as_ref().unwrap().max_amount, Some(25000));
    let tx = &card.transactions[0];
    assert_eq!(tx.confirmed_at, Some(datetime!(2017-11-24 21:32:59 UTC)));
    assert_eq!(tx.statement_descriptor.as_deref(), Some("Aktivierung"));
    let info = card_info(card).unwrap();
    assert_eq!(info.balance.to_string(), "EUR 20.00");
    assert_eq!(info.available.unwrap().to_string(), "EUR 20.00");
    assert!(info.active);
}

#[test]
fn reads_the_contract_intent_and_its_later_states() {
    let open: TransactionIntent = serde_json::from_str(CONTRACT_INTENT).unwrap();
    assert_eq!(open, serde_json::from_str(SEED_INTENT).unwrap());

    let (status, tx) = CONTRACT_CONFIRMED;
    let confirmed = CONTRACT_INTENT.replace(
        r#""status": "NEEDS_CONFIRMATION""#,
        &format!("{status}, {tx}"),
    );
    let confirmed: TransactionIntent = serde_json::from_str(&confirmed).unwrap();
    assert_eq!(confirmed.status, IntentStatus::Succeeded);
    assert_eq!(
        confirmed.giftcard_transaction_id.as_deref(),
        Some("18k7e49n4n25e25wt5z9")
    );

    let cancelled =
        CONTRACT_INTENT.replace(r#""status": "NEEDS_CONFIRMATION""#, CONTRACT_CANCELLED);
    let cancelled: TransactionIntent = serde_json::from_str(&cancelled).unwrap();
    assert_eq!(cancelled.status, IntentStatus::Cancelled);

    // The status of an expired intent is undocumented: any other value is kept, not refused.
    let expired = CONTRACT_INTENT.replace("NEEDS_CONFIRMATION", "EXPIRED");
    let expired: TransactionIntent = serde_json::from_str(&expired).unwrap();
    assert_eq!(expired.status, IntentStatus::Other("EXPIRED".into()));
}

#[test]
fn reads_the_error_body_with_its_spelling() {
    let err: ErrorBody = serde_json::from_str(CONTRACT_ERROR).unwrap();
    assert_eq!(err.error_id, "api:io:missingRequiredParam");
    assert_eq!(err.error_msg.as_deref(), Some("giftcardId"));
    assert_eq!(err.status, Some(400));
    assert_eq!(err.occured_at, Some(datetime!(2017-11-26 06:01:37 UTC)));
    let mapped = map_error(
        Call::Intent,
        StatusCode::BAD_REQUEST,
        None,
        CONTRACT_ERROR.as_bytes(),
    );
    assert!(
        matches!(&mapped, ProviderError::Declined { code, reason }
            if code == "api:io:missingRequiredParam" && reason.contains("giftcardId")),
        "{mapped:?}"
    );
}

#[test]
fn recognises_the_documented_qr_content() {
    let qr = CONTRACT_QR
        .replace("<giftcardId>", "18jja4mf08fn08f7gp9l")
        .replace("<token>", "hg84zhgnzuigui4hg3hg7834");
    assert_eq!(
        CardQuery::recognise(&qr),
        CardQuery::Qr {
            giftcard_id: "18jja4mf08fn08f7gp9l",
            access_token: "hg84zhgnzuigui4hg3hg7834"
        }
    );
}

#[test]
fn an_intent_without_expires_at_holds_for_the_documented_lifetime() {
    let open = CONTRACT_INTENT.replace(r#", "expiresAt": "20171127T052256Z""#, "");
    let open: TransactionIntent = serde_json::from_str(&open).unwrap();
    assert_eq!(open.expires_at, None);
    let hold = open
        .to_hold("••••".into(), None, DOCUMENTED_HOLD_LIFETIME)
        .unwrap();
    assert_eq!(
        hold.expires_at,
        datetime!(2017-11-27 05:22:56 UTC),
        "createdAt + 30 min"
    );
    let now = datetime!(2030-01-01 12:00:00 UTC);
    let mut undated = open.clone();
    undated.created_at = None;
    assert_eq!(
        undated.hold_expires_at(time::Duration::minutes(5), now),
        datetime!(2030-01-01 12:05:00 UTC)
    );
}
