//! Refunds of confirmed zmyle payments, and selling (activating) pre-printed zmyle cards.

use kassa_core::card::CardCode;
use kassa_core::config::ZmyleConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::Secret;
use kassa_providers::zmyle::{AccessToken, ZmyleClient};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::{serve, Running};
use kassa_sim::zmyle::{CardSpec, CardStatus, Retailer, ZmyleSim};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 3600);

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn code(s: &str) -> CardCode {
    CardCode::parse(s).unwrap()
}

async fn setup() -> (ZmyleSim, Running, ZmyleClient) {
    let sim = ZmyleSim::new("key", "secret");
    sim.add_card(CardSpec::active(
        "18jja4mf08fn08f7gp9l",
        "QTHX",
        "hg84zhgnzuigui4hg3hg7834",
        2000,
    ));
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
    sim.add_card(CardSpec {
        balance: 0,
        status: CardStatus::Blank { sellable: false },
        preprinted: true,
        ..CardSpec::active(
            "18jja4mf08fn08f7x1y2",
            "OTHR01",
            "m1n2b3v4c5x6z7l8k9j0",
            3000,
        )
    });
    let running = serve(sim.router()).await.unwrap();
    let config = ZmyleConfig {
        base_url: running.url(),
        idempotency_header: ZmyleConfig::default_idempotency_header(),
        card_pattern: ZmyleConfig::default_pattern(),
        timeout_ms: 2_000,
        store: None,
        metadata: Default::default(),
        hold_minutes: ZmyleConfig::default_hold_minutes(),
    };
    let client = ZmyleClient::new(
        &config,
        Secret::new("key"),
        Secret::new("secret"),
        eur(0).currency,
    )
    .unwrap();
    (sim, running, client)
}

/// Pays `cents` with QTHX and returns the card transaction to refund.
async fn pay(zmyle: &ZmyleClient, cents: i64, op_id: &str) -> String {
    let intent = zmyle
        .reserve(&code("QTHX"), &eur(cents), "Bon 1", op_id)
        .await
        .unwrap();
    let confirmed = zmyle.confirm_intent(&intent.id).await.unwrap();
    confirmed
        .giftcard_transaction_id
        .expect("a confirmed intent names its transaction")
}

async fn balance(zmyle: &ZmyleClient, short_id: &str) -> String {
    zmyle
        .lookup(&code(short_id))
        .await
        .unwrap()
        .balance
        .to_string()
}

fn declined_with(result: Result<impl std::fmt::Debug, ProviderError>, error_id: &str) -> String {
    match result {
        Err(ProviderError::Declined { code, reason }) if code == error_id => reason,
        other => panic!("expected {error_id}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_payment_is_refunded_in_parts_up_to_what_was_paid() {
    let (_sim, _running, zmyle) = setup().await;
    let tx = pay(&zmyle, 1200, "op-pay").await;
    assert_eq!(balance(&zmyle, "QTHX").await, "EUR 8.00");

    let first = zmyle
        .refund(&tx, &eur(500), "Bon 2", "op-r1")
        .await
        .unwrap();
    assert_eq!(first.amount, 500);
    assert_ne!(first.id, tx);
    assert!(first.confirmed_at.is_some());
    assert_eq!(balance(&zmyle, "QTHX").await, "EUR 13.00");

    let reason = declined_with(
        zmyle.refund(&tx, &eur(701), "Bon 3", "op-r2").await,
        "api:biz:insufficientFunds",
    );
    assert_eq!(
        reason,
        "That is more than is left to refund on this payment."
    );
    zmyle
        .refund(&tx, &eur(700), "Bon 3", "op-r3")
        .await
        .unwrap();
    assert_eq!(balance(&zmyle, "QTHX").await, "EUR 20.00");
    declined_with(
        zmyle.refund(&tx, &eur(1), "Bon 4", "op-r4").await,
        "api:biz:insufficientFunds",
    );
}

#[tokio::test]
async fn a_refund_repeated_with_the_same_key_pays_back_once() {
    let (sim, _running, zmyle) = setup().await;
    let tx = pay(&zmyle, 1000, "op-pay").await;
    sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let lost = zmyle
        .refund(&tx, &eur(400), "Bon 2", "op-r1")
        .await
        .unwrap_err();
    assert!(
        matches!(lost, ProviderError::OutcomeUnknown { .. }),
        "{lost:?}"
    );
    let retried = zmyle
        .refund(&tx, &eur(400), "Bon 2", "op-r1")
        .await
        .unwrap();
    let again = zmyle
        .refund(&tx, &eur(400), "Bon 2", "op-r1")
        .await
        .unwrap();
    assert_eq!(retried, again);
    assert_eq!(sim.balances("QTHX"), Some((1400, 1400)), "refunded once");
}

#[tokio::test]
async fn refunds_end_after_fourteen_days() {
    let (sim, _running, zmyle) = setup().await;
    let tx = pay(&zmyle, 1000, "op-pay").await;
    sim.advance(13 * DAY);
    zmyle
        .refund(&tx, &eur(100), "Bon 2", "op-r1")
        .await
        .unwrap();
    sim.advance(2 * DAY);
    let reason = declined_with(
        zmyle.refund(&tx, &eur(100), "Bon 3", "op-r2").await,
        "api:biz:debitTransactionLocked",
    );
    assert!(reason.contains("14 days"), "{reason}");
    assert_eq!(balance(&zmyle, "QTHX").await, "EUR 11.00");
}

#[tokio::test]
async fn every_refusal_of_a_refund_names_its_reason() {
    let (sim, _running, zmyle) = setup().await;
    declined_with(
        zmyle
            .refund("simtx000000000009999", &eur(100), "Bon 1", "op-1")
            .await,
        "api:biz:noSuchTransaction",
    );
    declined_with(
        zmyle.refund("not an id", &eur(100), "Bon 1", "op-2").await,
        "api:io:malformedId",
    );
    // The card's activation was another retailer's transaction, not this shop's payment.
    let card = zmyle.find(&code("QTHX")).await.unwrap();
    let activation = &card.transactions[0];
    assert_eq!(activation.amount, 2000);
    declined_with(
        zmyle
            .refund(&activation.id, &eur(100), "Bon 1", "op-3")
            .await,
        "api:biz:unauthorizedForResource",
    );
    let tx = pay(&zmyle, 500, "op-pay").await;
    declined_with(
        zmyle.refund(&tx, &eur(0), "Bon 1", "op-4").await,
        "api:io:negativeNumber",
    );
    sim.set_retailer(Retailer::Unknown);
    let err = zmyle
        .refund(&tx, &eur(100), "Bon 1", "op-5")
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    sim.set_retailer(Retailer::Suspended);
    let err = zmyle
        .refund(&tx, &eur(100), "Bon 1", "op-6")
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert_eq!(sim.balances("QTHX"), Some((1500, 1500)), "nothing refunded");
}

#[tokio::test]
async fn a_pre_printed_card_is_sold_once_and_can_then_pay() {
    let (_sim, _running, zmyle) = setup().await;
    let blank = zmyle.find(&code("BL4NK5")).await.unwrap();
    assert!(blank.is_activatable());
    assert!(!blank.is_redeemable());
    assert!(!zmyle.lookup(&code("BL4NK5")).await.unwrap().active);
    let token = blank.access_token.clone().unwrap();

    let sold = zmyle.activate(&blank.id, &token, "Bon 9").await.unwrap();
    assert_eq!(sold.balance, 3000);
    assert!(sold.is_redeemable());
    assert!(zmyle.lookup(&code("BL4NK5")).await.unwrap().active);
    declined_with(
        zmyle.activate(&blank.id, &token, "Bon 9").await,
        "api:biz:giftcardAlreadyActive",
    );
    let intent = zmyle
        .reserve(&code("BL4NK5"), &eur(1000), "Bon 10", "op-1")
        .await
        .unwrap();
    zmyle.confirm_intent(&intent.id).await.unwrap();
    assert_eq!(balance(&zmyle, "BL4NK5").await, "EUR 20.00");
}

#[tokio::test]
async fn cards_that_are_not_ours_to_sell_are_refused() {
    let (_sim, _running, zmyle) = setup().await;
    let digital = zmyle.find(&code("QTHX")).await.unwrap();
    declined_with(
        zmyle
            .activate(&digital.id, digital.access_token.as_ref().unwrap(), "Bon 1")
            .await,
        "api:biz:notPreprintedGiftcard",
    );
    let other = zmyle.find(&code("OTHR01")).await.unwrap();
    declined_with(
        zmyle
            .activate(&other.id, other.access_token.as_ref().unwrap(), "Bon 1")
            .await,
        "api:biz:notAuthorizedToActivateGiftcard",
    );
    let unknown = zmyle
        .activate(
            "18jja4mf08fn08f7zzzz",
            &AccessToken::new("t6y8u2i4o6p8a1s3d5f7"),
            "Bon 1",
        )
        .await;
    assert!(
        matches!(unknown, Err(ProviderError::NotFound { .. })),
        "{unknown:?}"
    );
}
