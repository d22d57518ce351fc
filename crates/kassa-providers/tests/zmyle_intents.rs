//! Holds on zmyle cards (transaction intents): placed, confirmed, cancelled, left to expire,
//! repeated with the same idempotency key, and kept across a restart of the till.

use kassa_core::card::CardCode;
use kassa_core::config::ZmyleConfig;
use kassa_core::holds::HoldState;
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::Secret;
use kassa_core::store::Store;
use kassa_providers::zmyle::{AccessToken, IntentStatus, ZmyleClient, DOCUMENTED_HOLD_LIFETIME};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::{serve, Running};
use kassa_sim::zmyle::{CardSpec, CardStatus, Retailer, ZmyleSim};
use std::time::Duration;

const QTHX_ID: &str = "18jja4mf08fn08f7gp9l";
const QTHX_TOKEN: &str = "hg84zhgnzuigui4hg3hg7834";

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn code(s: &str) -> CardCode {
    CardCode::parse(s).unwrap()
}

fn token(s: &str) -> AccessToken {
    AccessToken::new(s)
}

fn config(base_url: String) -> ZmyleConfig {
    ZmyleConfig {
        base_url,
        idempotency_header: ZmyleConfig::default_idempotency_header(),
        card_pattern: ZmyleConfig::default_pattern(),
        timeout_ms: 2_000,
        store: Some("kassa-filiale-1".into()),
        metadata: [("till".to_string(), "2".to_string())].into(),
        hold_minutes: ZmyleConfig::default_hold_minutes(),
    }
}

fn client_with(config: &ZmyleConfig) -> ZmyleClient {
    ZmyleClient::new(
        config,
        Secret::new("key"),
        Secret::new("secret"),
        eur(0).currency,
    )
    .unwrap()
}

fn sim() -> ZmyleSim {
    let sim = ZmyleSim::new("key", "secret");
    sim.add_card(CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 2000));
    sim.add_card(CardSpec {
        status: CardStatus::Unpaid,
        ..CardSpec::active("18jja4mf08fn08f7n9p4", "NPAY", "x3c7v9b2n4m6q8w1e5r7", 2500)
    });
    sim.add_card(CardSpec {
        status: CardStatus::Foreign,
        ..CardSpec::active("18jja4mf08fn08f7f6r6", "FR6N", "g2h4j6k8l1z3x5c7v9b2", 1000)
    });
    sim.add_card(CardSpec {
        balance: 0,
        status: CardStatus::Blank { sellable: true },
        preprinted: true,
        ..CardSpec::active(
            "18jja4mf08fn08f7b4l5",
            "BL4NK5",
            "t6y8u2i4o6p8a1s3d5f7",
            3000,
        )
    });
    sim
}

async fn setup() -> (ZmyleSim, Running, ZmyleClient) {
    let sim = sim();
    let running = serve(sim.router()).await.unwrap();
    let client = client_with(&config(running.url()));
    (sim, running, client)
}

/// Balance and available balance as the till reads them.
async fn balances(client: &ZmyleClient, short_id: &str) -> (String, String) {
    let card = client.lookup(&code(short_id)).await.unwrap();
    (
        card.balance.to_string(),
        card.available.unwrap().to_string(),
    )
}

fn declined_with(result: Result<impl std::fmt::Debug, ProviderError>, error_id: &str) -> String {
    match result {
        Err(ProviderError::Declined { code, reason }) if code == error_id => reason,
        other => panic!("expected {error_id}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_confirmed_intent_takes_the_held_money_once() {
    let (_sim, _running, zmyle) = setup().await;
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(1250), "Bon 2017-79730", "op-1")
        .await
        .unwrap();
    assert_eq!(intent.status, IntentStatus::NeedsConfirmation);
    assert_eq!(intent.amount().unwrap(), eur(1250));
    assert_eq!(intent.metadata["receiptNumber"], "Bon 2017-79730");
    assert_eq!(intent.metadata["store"], "kassa-filiale-1");
    assert_eq!(intent.metadata["till"], "2");
    assert!(intent.expires_at.unwrap() > intent.created_at.unwrap());
    assert_eq!(
        balances(&zmyle, "QTHX").await,
        ("EUR 20.00".into(), "EUR 7.50".into())
    );

    let confirmed = zmyle.confirm_intent(&intent.id).await.unwrap();
    assert_eq!(confirmed.status, IntentStatus::Succeeded);
    assert!(confirmed.giftcard_transaction_id.is_some());
    assert_eq!(
        balances(&zmyle, "QTHX").await,
        ("EUR 7.50".into(), "EUR 7.50".into())
    );

    // A confirmed intent can be neither confirmed again nor cancelled.
    let reason = declined_with(
        zmyle.confirm_intent(&intent.id).await,
        "api:biz:transactionIntentStatus",
    );
    assert!(reason.contains("no longer open"), "{reason}");
    declined_with(
        zmyle.cancel_intent(&intent.id).await,
        "api:biz:transactionIntentStatus",
    );
    assert_eq!(balances(&zmyle, "QTHX").await.0, "EUR 7.50");
}

#[tokio::test]
async fn a_cancelled_intent_gives_the_money_back() {
    let (_sim, _running, zmyle) = setup().await;
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(500), "Bon 1", "op-1")
        .await
        .unwrap();
    assert_eq!(balances(&zmyle, "QTHX").await.1, "EUR 15.00");
    let cancelled = zmyle.cancel_intent(&intent.id).await.unwrap();
    assert_eq!(cancelled.status, IntentStatus::Cancelled);
    assert_eq!(
        balances(&zmyle, "QTHX").await,
        ("EUR 20.00".into(), "EUR 20.00".into())
    );
    declined_with(
        zmyle.confirm_intent(&intent.id).await,
        "api:biz:transactionIntentStatus",
    );
    assert_eq!(
        zmyle.intent(&intent.id).await.unwrap().status,
        IntentStatus::Cancelled
    );
}

#[tokio::test]
async fn an_intent_left_alone_expires_and_releases_its_money() {
    let (sim, _running, zmyle) = setup().await;
    sim.set_intent_ttl(Duration::from_millis(200));
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(800), "Bon 1", "op-1")
        .await
        .unwrap();
    // Wait until the simulator lets it go; nothing here measures how long that took.
    let mut seen = intent.status.clone();
    for _ in 0..200 {
        seen = zmyle.intent(&intent.id).await.unwrap().status;
        if seen != IntentStatus::NeedsConfirmation {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen, IntentStatus::Other("EXPIRED".into()));
    assert_eq!(
        balances(&zmyle, "QTHX").await,
        ("EUR 20.00".into(), "EUR 20.00".into())
    );
    declined_with(
        zmyle.confirm_intent(&intent.id).await,
        "api:biz:transactionIntentStatus",
    );
    assert_eq!(balances(&zmyle, "QTHX").await.0, "EUR 20.00");
}

#[tokio::test]
async fn a_create_repeated_with_the_same_key_holds_the_money_once() {
    let (sim, _running, zmyle) = setup().await;
    // The first answer is lost after zmyle placed the hold.
    sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let lost = zmyle
        .reserve(&code("QTHX"), &eur(600), "Bon 1", "op-7")
        .await
        .unwrap_err();
    assert!(
        matches!(lost, ProviderError::OutcomeUnknown { .. }),
        "{lost:?}"
    );
    assert!(!lost.is_retryable(), "not to be retried blindly");
    assert_eq!(
        sim.balances("QTHX"),
        Some((2000, 1400)),
        "zmyle did hold it"
    );

    // Retried with the same key: the same intent, nothing more held.
    let retried = zmyle
        .reserve(&code("QTHX"), &eur(600), "Bon 1", "op-7")
        .await
        .unwrap();
    let again = zmyle
        .reserve(&code("QTHX"), &eur(600), "Bon 1", "op-7")
        .await
        .unwrap();
    assert_eq!(retried.id, again.id);
    assert_eq!(balances(&zmyle, "QTHX").await.1, "EUR 14.00");

    // Another operation is another hold.
    let other = zmyle
        .reserve(&code("QTHX"), &eur(600), "Bon 2", "op-8")
        .await
        .unwrap();
    assert_ne!(other.id, retried.id);
    assert_eq!(balances(&zmyle, "QTHX").await.1, "EUR 8.00");
}

#[tokio::test]
async fn a_create_answered_too_late_is_unknown_and_settled_by_its_key() {
    let sim = sim();
    let running = serve(sim.router()).await.unwrap();
    let zmyle = client_with(&ZmyleConfig {
        timeout_ms: 300,
        ..config(running.url())
    });
    sim.faults
        .inject(Fault::SlowAnswer(Duration::from_secs(1)), Target::Writes);
    let err = zmyle
        .reserve(&code("QTHX"), &eur(300), "Bon 1", "op-slow")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    let settled = zmyle
        .reserve(&code("QTHX"), &eur(300), "Bon 1", "op-slow")
        .await
        .unwrap();
    assert_eq!(settled.status, IntentStatus::NeedsConfirmation);
    assert_eq!(sim.balances("QTHX"), Some((2000, 1700)));
}

#[tokio::test]
async fn the_configured_idempotency_header_is_the_one_sent() {
    let sim = sim().with_idempotency_header("X-Zmyle-Idempotency");
    let running = serve(sim.router()).await.unwrap();
    let matching = client_with(&ZmyleConfig {
        idempotency_header: "X-Zmyle-Idempotency".into(),
        ..config(running.url())
    });
    for _ in 0..2 {
        matching
            .reserve(&code("QTHX"), &eur(100), "Bon 1", "op-1")
            .await
            .unwrap();
    }
    assert_eq!(sim.balances("QTHX"), Some((2000, 1900)), "held once");
    // A till configured with another name is not recognised: each call holds again.
    let default_header = client_with(&config(running.url()));
    for _ in 0..2 {
        default_header
            .reserve(&code("QTHX"), &eur(100), "Bon 2", "op-2")
            .await
            .unwrap();
    }
    assert_eq!(sim.balances("QTHX"), Some((2000, 1700)));
}

#[tokio::test]
async fn a_lost_answer_to_confirm_is_settled_by_reading_the_intent() {
    let (sim, _running, zmyle) = setup().await;
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(400), "Bon 1", "op-1")
        .await
        .unwrap();
    sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let err = zmyle.confirm_intent(&intent.id).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    let read = zmyle.intent(&intent.id).await.unwrap();
    assert_eq!(read.status, IntentStatus::Succeeded);
    assert_eq!(balances(&zmyle, "QTHX").await.0, "EUR 16.00");
}

#[tokio::test]
async fn the_amount_of_an_open_hold_can_change_within_the_card() {
    let (_sim, _running, zmyle) = setup().await;
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(500), "Bon 1", "op-1")
        .await
        .unwrap();
    let changed = zmyle
        .change_intent(&intent.id, &eur(1800), "Bon 1")
        .await
        .unwrap();
    assert_eq!(changed.amount, 1800);
    assert_eq!(changed.metadata["receiptNumber"], "Bon 1");
    assert_eq!(changed.metadata["store"], "kassa-filiale-1");
    assert_eq!(balances(&zmyle, "QTHX").await.1, "EUR 2.00");
    declined_with(
        zmyle.change_intent(&intent.id, &eur(2001), "Bon 1").await,
        "api:biz:insufficientFunds",
    );
    declined_with(
        zmyle.change_intent(&intent.id, &eur(0), "Bon 1").await,
        "api:io:negativeNumber",
    );
    zmyle.confirm_intent(&intent.id).await.unwrap();
    assert_eq!(balances(&zmyle, "QTHX").await.0, "EUR 2.00");
}

#[tokio::test]
async fn every_refusal_of_a_hold_names_its_reason() {
    let (sim, _running, zmyle) = setup().await;
    let unpaid = declined_with(
        zmyle
            .reserve(&code("NPAY"), &eur(100), "Bon 1", "op-1")
            .await,
        "api:biz:unpaidGiftcard",
    );
    assert!(unpaid.contains("not been paid"), "{unpaid}");
    let short = declined_with(
        zmyle
            .reserve(&code("QTHX"), &eur(2001), "Bon 1", "op-2")
            .await,
        "api:biz:insufficientFunds",
    );
    assert_eq!(short, "The card does not have that much available.");
    declined_with(
        zmyle
            .reserve(&code("QTHX"), &eur(-100), "Bon 1", "op-3")
            .await,
        "api:io:negativeNumber",
    );
    declined_with(
        zmyle
            .reserve(&code("BL4NK5"), &eur(100), "Bon 1", "op-4")
            .await,
        "api:biz:notAuthorizedToRedeemGiftcard",
    );
    declined_with(
        zmyle
            .create_intent(
                QTHX_ID,
                &token("wrongtoken0000000000"),
                &eur(100),
                "Bon 1",
                "op-5",
            )
            .await,
        "api:biz:notAuthorizedToRedeemGiftcard",
    );
    declined_with(
        zmyle
            .create_intent(QTHX_ID, &token("NOT A TOKEN"), &eur(100), "Bon 1", "op-6")
            .await,
        "api:io:malformedToken",
    );
    declined_with(
        zmyle
            .create_intent("QTHX", &token(QTHX_TOKEN), &eur(100), "Bon 1", "op-7")
            .await,
        "api:io:malformedId",
    );
    declined_with(
        zmyle
            .create_intent(QTHX_ID, &token(""), &eur(100), "Bon 1", "op-8")
            .await,
        "api:io:malformedToken",
    );
    let foreign = zmyle
        .create_intent(
            "18jja4mf08fn08f7f6r6",
            &token("g2h4j6k8l1z3x5c7v9b2"),
            &eur(100),
            "Bon 1",
            "op-9",
        )
        .await;
    assert!(
        matches!(foreign, Err(ProviderError::NotFound { .. })),
        "{foreign:?}"
    );
    declined_with(
        zmyle.intent("sim0000000000000000000000999").await,
        "api:biz:noSuchTransactionIntent",
    );
    declined_with(zmyle.confirm_intent("../../x").await, "api:io:malformedId");
    // A till in another currency is refused before anything is sent.
    let usd = Money::new(100, Currency::try_from("USD".to_string()).unwrap());
    declined_with(
        zmyle.reserve(&code("QTHX"), &usd, "Bon 1", "op-10").await,
        "currency",
    );
    assert_eq!(sim.balances("QTHX"), Some((2000, 2000)), "nothing was held");

    sim.set_retailer(Retailer::Suspended);
    let err = zmyle
        .reserve(&code("QTHX"), &eur(100), "Bon 1", "op-11")
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("good standing"), "{err}");
}

#[tokio::test]
async fn a_hold_is_stored_and_settled_after_a_restart() {
    let (sim, running, zmyle) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kassa.sqlite3");
    let card = code(&CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 0).qr_url());
    {
        let store = Store::open(&path).unwrap();
        let intent = zmyle
            .reserve(&card, &eur(950), "Bon 1", "op-1")
            .await
            .unwrap();
        store
            .save_hold(
                &intent
                    .to_hold(card.masked(), Some("op-1".into()), DOCUMENTED_HOLD_LIFETIME)
                    .unwrap(),
            )
            .unwrap();
    }
    drop(zmyle);

    // The till restarts: a new store handle and a new client find the hold and confirm it.
    let store = Store::open(&path).unwrap();
    let open = store.open_holds().unwrap();
    assert_eq!(open.len(), 1);
    let hold = &open[0];
    assert_eq!(hold.provider, ProviderId::Zmyle);
    assert_eq!(hold.amount, eur(950));
    assert_eq!(hold.op_id.as_deref(), Some("op-1"));
    assert!(!hold.card_masked.contains("hg84"), "{}", hold.card_masked);
    let zmyle = client_with(&config(running.url()));
    let read = zmyle.intent(&hold.intent_id).await.unwrap();
    assert_eq!(read.expires_at, Some(hold.expires_at));
    let confirmed = zmyle.confirm_intent(&hold.intent_id).await.unwrap();
    assert!(store
        .confirm_hold(
            ProviderId::Zmyle,
            &hold.intent_id,
            confirmed.giftcard_transaction_id.as_deref()
        )
        .unwrap());
    assert!(store.open_holds().unwrap().is_empty());
    let settled = store
        .hold(ProviderId::Zmyle, &hold.intent_id)
        .unwrap()
        .unwrap();
    assert_eq!(settled.state, HoldState::Confirmed);
    assert_eq!(sim.balances("QTHX"), Some((1050, 1050)));
}

/// docs/providers.md §2.2's intent with `expiresAt` left out, in the given status.
fn intent_without_expiry(status: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "18k78hj3e2j65686vhipw560u6sm", "giftcardId": "{QTHX_ID}", "retailerId": "15h3k83g45anfnwibyie",
 "amount": 100, "currency": "EUR", "status": "{status}", "statementDescriptor": "MegaStore",
 "createdAt": "20171127T045256Z"{extra},
 "metadata": {{"store": "megastore-filiale-holzweg", "receiptNumber": "Bon 2017-79732"}}}}"#
    )
}

/// A server that answers as zmyle's documentation shows, with `expiresAt` only where it is
/// documented (and, for the hold, not even there): confirm, cancel, read and refund answers
/// carry none.
#[tokio::test]
async fn answers_without_expires_at_are_read_and_a_hold_gets_the_documented_lifetime() {
    use axum::routing::{get, post, put};
    let json = |body: String| ([("content-type", "application/json")], body);
    let stub = axum::Router::new()
        .route(
            "/service/v1.1/transaction_intents",
            put(move || async move { json(intent_without_expiry("NEEDS_CONFIRMATION", "")) }),
        )
        .route(
            "/service/v1.1/transaction_intents/{id}",
            get(move || async move { json(intent_without_expiry("CANCELLED", "")) }),
        )
        .route(
            "/service/v1.1/transaction_intents/{id}/confirm",
            post(move || async move {
                json(intent_without_expiry(
                    "SUCCEEDED",
                    r#", "giftcardTransactionId": "18k7e49n4n25e25wt5z9""#,
                ))
            }),
        )
        .route(
            "/service/v1.1/transaction_intents/{id}/cancel",
            post(move || async move { json(intent_without_expiry("CANCELLED", "")) }),
        )
        .route(
            "/service/v1.1/transactions/{id}/refund",
            post(move || async move {
                json(r#"{"id": "18k9refund0000000001", "amount": -100, "statementDescriptor": "MegaStore", "retailerId": "15h3k83g45anfnwibyie"}"#.to_string())
            }),
        );
    let running = serve(stub).await.unwrap();
    let zmyle = client_with(&config(running.url()));

    let held = zmyle
        .create_intent(QTHX_ID, &token(QTHX_TOKEN), &eur(100), "Bon 1", "op-1")
        .await
        .unwrap();
    assert_eq!(held.status, IntentStatus::NeedsConfirmation);
    assert_eq!(held.expires_at, None);
    // createdAt 04:52:56 + zmyle's "usually 30 minutes".
    let documented = time::macros::datetime!(2017-11-27 05:22:56 UTC);
    assert_eq!(zmyle.hold_expires_at(&held), documented);
    let configured = client_with(&ZmyleConfig {
        hold_minutes: 10,
        ..config(running.url())
    });
    assert_eq!(
        configured.hold_expires_at(&held),
        time::macros::datetime!(2017-11-27 05:02:56 UTC)
    );

    let confirmed = zmyle.confirm_intent(&held.id).await.unwrap();
    assert_eq!(confirmed.status, IntentStatus::Succeeded);
    assert_eq!(
        confirmed.giftcard_transaction_id.as_deref(),
        Some("18k7e49n4n25e25wt5z9")
    );
    let cancelled = zmyle.cancel_intent(&held.id).await.unwrap();
    assert_eq!(cancelled.status, IntentStatus::Cancelled);
    let read = zmyle.intent(&held.id).await.unwrap();
    assert_eq!(read.status, IntentStatus::Cancelled);
    let refund = zmyle
        .refund("18k7e49n4n25e25wt5z9", &eur(100), "Bon 1", "op-2")
        .await
        .unwrap();
    assert_eq!(refund.amount, -100);
}
