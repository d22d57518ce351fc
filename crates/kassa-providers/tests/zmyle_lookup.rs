//! The zmyle client looks cards up in the zmyle simulator, over real HTTP on loopback.

use axum::routing::get;
use kassa_core::card::CardCode;
use kassa_core::config::ZmyleConfig;
use kassa_core::money::Currency;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::Secret;
use kassa_providers::zmyle::ZmyleClient;
use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::serve;
use kassa_sim::training::{self, DEMO_ZMYLE_QR};
use kassa_sim::zmyle::{CardSpec, CardStatus, ZmyleSim};
use std::time::Duration;

const QTHX_ID: &str = "18jja4mf08fn08f7gp9l";
const QTHX_TOKEN: &str = "hg84zhgnzuigui4hg3hg7834";

fn config(base_url: String) -> ZmyleConfig {
    ZmyleConfig {
        base_url,
        idempotency_header: ZmyleConfig::default_idempotency_header(),
        card_pattern: ZmyleConfig::default_pattern(),
        timeout_ms: 2_000,
        store: Some("kassa-test".into()),
        metadata: Default::default(),
        hold_minutes: ZmyleConfig::default_hold_minutes(),
    }
}

fn client(base_url: String, key: &str, secret: &str) -> ZmyleClient {
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    ZmyleClient::new(
        &config(base_url),
        Secret::new(key),
        Secret::new(secret),
        eur,
    )
    .unwrap()
}

fn code(s: &str) -> CardCode {
    CardCode::parse(s).unwrap()
}

/// A simulator with the documentation's example card, one with a hold, an unpaid one and a
/// card of another network.
fn sim() -> ZmyleSim {
    let sim = ZmyleSim::new("key", "secret");
    sim.add_card(CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 2000));
    sim.add_card(CardSpec::active(
        "18jja4mf08fn08f7h2k3",
        "K7MR2P",
        "q8w4ne7rt2yx9vb3mz6k",
        5000,
    ));
    sim.place_hold("K7MR2P", 1500, Duration::from_secs(3600));
    sim.add_card(CardSpec {
        status: CardStatus::Unpaid,
        ..CardSpec::active("18jja4mf08fn08f7n9p4", "NPAY", "x3c7v9b2n4m6q8w1e5r7", 2500)
    });
    sim.add_card(CardSpec {
        status: CardStatus::Foreign,
        ..CardSpec::active("18jja4mf08fn08f7f6r6", "FR6N", "g2h4j6k8l1z3x5c7v9b2", 1000)
    });
    sim
}

#[tokio::test]
async fn a_short_id_and_the_qr_code_find_the_same_card() {
    let running = serve(sim().router()).await.unwrap();
    let zmyle = client(running.url(), "key", "secret");
    let by_short_id = zmyle.lookup(&code("QTHX")).await.unwrap();
    let qr = CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 0).qr_url();
    let by_qr = zmyle.lookup(&code(&qr)).await.unwrap();
    assert_eq!(by_short_id, by_qr);
    assert_eq!(by_qr.card_id, QTHX_ID);
    assert_eq!(by_qr.balance.to_string(), "EUR 20.00");
    assert_eq!(by_qr.available.unwrap().to_string(), "EUR 20.00");
    assert!(by_qr.active);
    // A short id typed in lower case is the same card.
    assert_eq!(zmyle.lookup(&code("qthx")).await.unwrap().card_id, QTHX_ID);
}

#[tokio::test]
async fn funds_on_hold_show_as_less_available_than_the_balance() {
    let running = serve(sim().router()).await.unwrap();
    let card = client(running.url(), "key", "secret")
        .lookup(&code("K7MR2P"))
        .await
        .unwrap();
    assert_eq!(card.balance.to_string(), "EUR 50.00");
    assert_eq!(card.available.unwrap().to_string(), "EUR 35.00");
}

#[tokio::test]
async fn unknown_and_foreign_cards_are_not_found_and_an_unpaid_one_cannot_be_used() {
    let running = serve(sim().router()).await.unwrap();
    let zmyle = client(running.url(), "key", "secret");
    // An empty answer ...
    assert!(matches!(
        zmyle.lookup(&code("ZZZZ")).await,
        Err(ProviderError::NotFound { .. })
    ));
    // ... and api:biz:noSuchGiftcard both mean "not found".
    assert!(matches!(
        zmyle.lookup(&code("FR6N")).await,
        Err(ProviderError::NotFound { .. })
    ));
    // A QR code whose token does not open the card names no card.
    let forged = CardSpec::active(QTHX_ID, "QTHX", "aaaaaaaaaaaaaaaaaaaa", 0).qr_url();
    assert!(matches!(
        zmyle.lookup(&code(&forged)).await,
        Err(ProviderError::NotFound { .. })
    ));
    let unpaid = zmyle.lookup(&code("NPAY")).await.unwrap();
    assert!(!unpaid.active, "an unpaid card is not for paying with");
}

#[tokio::test]
async fn wrong_credentials_are_a_configuration_error_that_shows_no_secret() {
    let running = serve(sim().router()).await.unwrap();
    let err = client(running.url(), "key", "wrong-secret-value")
        .lookup(&code("QTHX"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("zmyle.api_secret"), "{err}");
    assert!(!err.to_string().contains("wrong-secret-value"), "{err}");
}

#[tokio::test]
async fn busy_down_and_unreadable_answers_are_sorted() {
    let zmyle_sim = sim();
    let running = serve(zmyle_sim.router()).await.unwrap();
    let zmyle = client(running.url(), "key", "secret");
    zmyle_sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 7,
        },
        Target::Any,
    );
    zmyle_sim
        .faults
        .inject(Fault::ServerError(500), Target::Any);
    zmyle_sim.faults.inject(Fault::Maintenance, Target::Any);
    zmyle_sim.faults.inject(Fault::DropBeforeApply, Target::Any);
    let busy = zmyle.lookup(&code("QTHX")).await.unwrap_err();
    assert!(
        matches!(busy, ProviderError::Unavailable { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{busy:?}"
    );
    for _ in 0..3 {
        let err = zmyle.lookup(&code("QTHX")).await.unwrap_err();
        assert!(err.is_retryable(), "a failed read can be retried: {err:?}");
    }
    assert_eq!(zmyle.lookup(&code("QTHX")).await.unwrap().card_id, QTHX_ID);

    let garbage = axum::Router::new().route(
        "/service/v1.1/gift_cards/find",
        get(|| async { "<html>502 Bad Gateway</html>" }),
    );
    let running = serve(garbage).await.unwrap();
    let err = client(running.url(), "key", "secret")
        .lookup(&code("QTHX"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::BadResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn a_closed_port_is_unreachable_and_the_error_shows_no_card_code() {
    let url = {
        let running = serve(axum::Router::new()).await.unwrap();
        running.url()
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = client(url, "key", "secret")
        .lookup(&code(DEMO_ZMYLE_QR))
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.to_string().contains("hg84"), "{err}");
}

#[tokio::test]
async fn the_training_demo_cards_read_as_their_sheet_says() {
    let ledgers = tempfile::tempdir().unwrap();
    let sims = training::start(ledgers.path()).await.unwrap();
    let zmyle = client(
        sims.zmyle.url(),
        training::ZMYLE_API_KEY,
        training::ZMYLE_API_SECRET,
    );
    let pattern = regex::Regex::new(&ZmyleConfig::default_pattern()).unwrap();
    assert!(pattern.is_match(DEMO_ZMYLE_QR));
    let by_qr = zmyle.lookup(&code(DEMO_ZMYLE_QR)).await.unwrap();
    assert_eq!(by_qr, zmyle.lookup(&code("QTHX")).await.unwrap());
    assert_eq!(by_qr.balance.to_string(), "EUR 20.00");
    let held = zmyle.lookup(&code("K7MR2P")).await.unwrap();
    assert_eq!(held.balance.to_string(), "EUR 50.00");
    assert_eq!(held.available.unwrap().to_string(), "EUR 35.00");
    assert!(!zmyle.lookup(&code("NPAY")).await.unwrap().active);
    assert!(matches!(
        zmyle.lookup(&code("FR6N")).await,
        Err(ProviderError::NotFound { .. })
    ));
    for demo in training::DEMO_ZMYLE_CARDS {
        assert!(pattern.is_match(demo.short_id), "{}", demo.short_id);
    }
}
