//! The Leat client against the Leat simulator, over real HTTP on loopback.

use axum::routing::get;
use kassa_core::card::CardCode;
use kassa_core::config::{LeatApi, LeatConfig};
use kassa_core::money::Currency;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::Secret;
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::leat::LeatSim;
use kassa_sim::server::serve;

fn config(base_url: String, api: LeatApi) -> LeatConfig {
    LeatConfig {
        api,
        timeout_ms: 2_000,
        ..LeatConfig::new(base_url)
    }
}

fn client(base_url: String, api: LeatApi, token: &str) -> LeatClient {
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    LeatClient::new(
        &config(base_url, api),
        Secret::new(token),
        eur,
        Language::English,
    )
    .unwrap()
}

fn code(s: &str) -> CardCode {
    CardCode::parse(s).unwrap()
}

#[tokio::test]
async fn finds_a_card_in_both_path_families() {
    let sim = LeatSim::new("tok");
    sim.add_card("41651", 110, Some("2024-12-07T17:15:10+00:00"));
    let running = serve(sim.router()).await.unwrap();
    for api in [LeatApi::Oauth, LeatApi::Register] {
        let card = client(running.url(), api, "tok")
            .lookup(&code("41651"))
            .await
            .unwrap();
        assert_eq!(card.balance.to_string(), "EUR 1.10");
        assert_eq!(card.expires_at.unwrap().year(), 2024);
        assert!(card.active);
    }
}

#[tokio::test]
async fn an_unknown_card_is_not_found() {
    let running = serve(LeatSim::new("tok").router()).await.unwrap();
    let err = client(running.url(), LeatApi::Oauth, "tok")
        .lookup(&code("99999"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Giftcard not found.".into()
        }
    );
}

#[tokio::test]
async fn a_wrong_token_is_a_configuration_error() {
    let sim = LeatSim::new("tok");
    sim.add_card("41651", 110, None);
    let running = serve(sim.router()).await.unwrap();
    let err = client(running.url(), LeatApi::Oauth, "wrong")
        .lookup(&code("41651"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("wrong"),
        "the token leaked: {err}"
    );
}

#[tokio::test]
async fn a_server_that_answers_html_is_reported_not_panicked_on() {
    let garbage = axum::Router::new().route(
        "/api/v3/oauth/clients/giftcards/find-one-by",
        get(|| async { "<html>502 Bad Gateway</html>" }),
    );
    let running = serve(garbage).await.unwrap();
    let err = client(running.url(), LeatApi::Oauth, "tok")
        .lookup(&code("41651"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::BadResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn a_closed_port_is_unreachable_and_retryable() {
    let url = {
        let running = serve(axum::Router::new()).await.unwrap();
        running.url()
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let err = client(url, LeatApi::Oauth, "tok")
        .lookup(&code("41651"))
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}
