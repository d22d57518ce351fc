//! How the Leat client authenticates: OAuth client credentials with a token kept in memory and
//! fetched again when it expires or is refused, and the optional `X-Partner-ID` header.

mod leat_support;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use kassa_core::config::{LeatApi, LeatAuth, LeatConfig};
use kassa_core::provider::ProviderError;
use kassa_sim::leat::LeatSim;
use kassa_sim::server::serve;
use leat_support::{euros, Leat, TOKEN};
use std::time::Duration;

const CLIENT_ID: u64 = 4242;
const CLIENT_SECRET: &str = "client-secret-xyz";

async fn with_client() -> (Leat, LeatConfig) {
    let sim = LeatSim::new(TOKEN);
    sim.add_client(CLIENT_ID, CLIENT_SECRET);
    sim.add_card("41651", 2500, None);
    let leat = Leat::start(sim).await;
    let config = LeatConfig {
        auth: Some(LeatAuth::ClientCredentials),
        client_id: Some(CLIENT_ID),
        ..leat.config(LeatApi::Oauth)
    };
    (leat, config)
}

#[tokio::test]
async fn client_credentials_fetch_one_token_and_reuse_it() {
    let (leat, config) = with_client().await;
    let client = leat.client_with(config, CLIENT_SECRET);
    assert_eq!(
        leat.sim.tokens_issued(),
        0,
        "no token before the first call"
    );
    for _ in 0..3 {
        let card = client.find_giftcard("41651").await.unwrap();
        assert_eq!(card.balance, euros(2500));
    }
    assert_eq!(leat.sim.tokens_issued(), 1);
}

#[tokio::test]
async fn a_refused_token_is_replaced_and_the_request_sent_once_more() {
    let (leat, config) = with_client().await;
    let card = leat.sim.add_card("41652", 2500, None);
    let client = leat.client_with(config, CLIENT_SECRET);
    client.find_giftcard("41651").await.unwrap();
    leat.sim.revoke_tokens();
    let txn = client
        .create_giftcard_transaction(&card, &euros(-500), "op-1")
        .await
        .unwrap();
    assert_eq!(txn.amount, euros(-500));
    assert_eq!(leat.sim.tokens_issued(), 2);
    assert_eq!(
        leat.sim.transaction_amounts("41652"),
        vec![2500, -500],
        "the refused write was not applied, the renewed one once"
    );
}

#[tokio::test]
async fn a_token_about_to_expire_is_fetched_again() {
    let (leat, config) = with_client().await;
    leat.sim.set_token_lifetime(Duration::from_secs(10));
    let client = leat.client_with(config, CLIENT_SECRET);
    client.find_giftcard("41651").await.unwrap();
    client.find_giftcard("41651").await.unwrap();
    assert_eq!(
        leat.sim.tokens_issued(),
        2,
        "a token with less than the safety margin left is not used"
    );
}

#[tokio::test]
async fn a_wrong_client_secret_is_for_the_installer_and_never_shown() {
    let (leat, config) = with_client().await;
    let client = leat.client_with(config, "not-the-secret");
    let err = client.find_giftcard("41651").await.unwrap_err();
    let ProviderError::Config { message } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("leat.client_secret"), "{message}");
    assert!(message.contains("4242"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");
}

#[tokio::test]
async fn the_partner_id_goes_with_every_request() {
    let router = axum::Router::new().route(
        "/api/v3/oauth/clients/contacts/{uuid}/prepaid-balance",
        get(|headers: HeaderMap| async move {
            if headers.get("X-Partner-ID").and_then(|v| v.to_str().ok()) != Some("partner-7") {
                return (StatusCode::BAD_REQUEST, "no partner id").into_response();
            }
            axum::Json(serde_json::json!({
                "data": {"balance_in_cents": 5000, "balance": "€50.00"},
                "meta": []
            }))
            .into_response()
        }),
    );
    let running = serve(router).await.unwrap();
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let config = LeatConfig {
        partner_id: Some("partner-7".into()),
        ..LeatConfig::new(running.url())
    };
    let balance = leat
        .client_with(config, TOKEN)
        .prepaid_balance("contact")
        .await
        .unwrap();
    assert_eq!(balance, euros(5000));
}
