//! The Lightspeed simulator seen from a plain HTTP client: the two API versions' shapes, the
//! idempotent `client_id`, the rate limit, the rotating token endpoint and the error envelope.

use kassa_sim::faults::{Fault, Target};
use kassa_sim::lightspeed::{CardStatus, Envelope, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use kassa_sim::Running;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

const CARD: &str = "9100000000000001";

async fn sim() -> (LightspeedSim, Running) {
    let sim = LightspeedSim::new();
    sim.add_personal_token("tok", &ALL_SCOPES);
    sim.add_card(CARD, 7500, CardStatus::Active, None);
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

async fn get(url: String) -> (StatusCode, String) {
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth("tok")
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post(url: String, body: Value) -> (StatusCode, String) {
    let r = reqwest::Client::new()
        .post(url)
        .bearer_auth("tok")
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn serves_a_card_bare_with_numbers_in_2_0_and_wrapped_with_strings_in_date_versions() {
    let (_sim, running) = sim().await;
    let (status, body) = get(format!("{}/api/2.0/gift_cards/{CARD}", running.url())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(r#"{"id":"#), "{body}");
    assert!(body.contains(r#""balance":75.00"#), "{body}");
    assert!(body.contains(r#""status":"ACTIVE""#), "{body}");

    let (status, body) = get(format!(
        "{}/api/2026-07/gift_cards/by_number/{CARD}",
        running.url()
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["balance"], "75.00");
    assert_eq!(v["data"]["number"], CARD);
    assert_eq!(v["data"]["gift_card_transactions"][0]["type"], "ACTIVATION");
    assert_eq!(v["data"]["gift_card_transactions"][0]["amount"], "75.00");

    // A date before the gift card endpoints existed is no API.
    let (status, _) = get(format!(
        "{}/api/2025-01/gift_cards/by_number/{CARD}",
        running.url()
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn creates_with_200_in_2_0_and_201_in_date_versions() {
    let (sim, running) = sim().await;
    let (status, body) = post(
        format!("{}/api/2.0/gift_cards/{CARD}/transactions", running.url()),
        json!({"type": "REDEEMING", "amount": "-12.5", "client_id": "a"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#""amount":-12.50"#), "{body}");
    let (status, body) = post(
        format!(
            "{}/api/2026-04/gift_cards/{CARD}/transactions",
            running.url()
        ),
        json!({"type": "REDEEMING", "amount": "-0.01", "client_id": "b"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["amount"], "-0.01");
    assert_eq!(v["data"]["type"], "REDEEMING");
    assert_eq!(v["data"]["client_id"], "b");
    assert_eq!(sim.balance(CARD), Some(7500 - 1250 - 1));
}

#[tokio::test]
async fn a_repeated_client_id_returns_the_earlier_transaction() {
    let (sim, running) = sim().await;
    let url = format!(
        "{}/api/2026-04/gift_cards/{CARD}/transactions",
        running.url()
    );
    let body = json!({"type": "REDEEMING", "amount": "-50.00", "client_id": "op-1"});
    let (_, first) = post(url.clone(), body.clone()).await;
    let (status, second) = post(url.clone(), body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first, second);
    assert_eq!(sim.balance(CARD), Some(2500));
    let (status, body) = post(
        url,
        json!({"type": "REDEEMING", "amount": "-1.00", "client_id": "op-1"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "Unprocessable Entity");
    assert!(v["message"].as_str().unwrap().contains("client_id"));
    assert_eq!(sim.balance(CARD), Some(2500));
}

#[tokio::test]
async fn refuses_malformed_transactions_with_400() {
    let (sim, running) = sim().await;
    let url = format!(
        "{}/api/2026-04/gift_cards/{CARD}/transactions",
        running.url()
    );
    for body in [
        json!({"type": "REDEEMING", "amount": "12.50", "client_id": "x"}),
        json!({"type": "RELOADING", "amount": "-12.50", "client_id": "x"}),
        json!({"type": "REDEEMING", "amount": "-12.505", "client_id": "x"}),
        json!({"type": "VOIDING", "amount": "-1.00", "client_id": "x"}),
        json!({"type": "REDEEMING", "amount": "-1.00"}),
    ] {
        let (status, text) = post(url.clone(), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
    }
    assert_eq!(sim.balance(CARD), Some(7500));
}

#[tokio::test]
async fn refuses_a_numeric_amount_on_every_version_as_seed_003_types_it_a_string() {
    let (sim, running) = sim().await;
    for version in ["2.0", "2026-04", "2026-07"] {
        let url = format!(
            "{}/api/{version}/gift_cards/{CARD}/transactions",
            running.url()
        );
        for amount in [json!(-12.5), json!(-12), json!(1.0)] {
            let kind = if amount.as_f64().unwrap() < 0.0 {
                "REDEEMING"
            } else {
                "RELOADING"
            };
            let body = json!({"type": kind, "amount": amount, "client_id": format!("n-{version}")});
            let (status, text) = post(url.clone(), body).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{version} {amount}: {text}"
            );
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["error"], "Unprocessable Entity", "{text}");
            assert!(v["message"].as_str().unwrap().contains("string"), "{text}");
        }
    }
    assert_eq!(sim.balance(CARD), Some(7500));
    assert!(sim.transactions(CARD).iter().all(|t| t.client_id.is_none()));
}

#[tokio::test]
async fn serves_either_documented_envelope_on_every_version() {
    let (sim, running) = sim().await;
    let card_urls = [
        format!("{}/api/2.0/gift_cards/{CARD}", running.url()),
        format!("{}/api/2026-04/gift_cards/by_number/{CARD}", running.url()),
    ];
    sim.set_envelope(Envelope::Data);
    for url in &card_urls {
        let (status, body) = get(url.clone()).await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["data"]["number"], CARD, "{url}: {body}");
    }
    let (status, body) = post(
        format!("{}/api/2.0/gift_cards/{CARD}/transactions", running.url()),
        json!({"type": "REDEEMING", "amount": "-1.00", "client_id": "w"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "2.0 still answers 200: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["client_id"], "w", "{body}");

    sim.set_envelope(Envelope::Bare);
    for url in &card_urls {
        let (_, body) = get(url.clone()).await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v.get("data").is_none(), "{url}: {body}");
        assert_eq!(v["number"], CARD, "{url}: {body}");
    }
    let (status, body) = post(
        format!(
            "{}/api/2026-04/gift_cards/{CARD}/transactions",
            running.url()
        ),
        json!({"type": "REDEEMING", "amount": "-1.00", "client_id": "b"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["amount"], "-1.00",
        "money stays as the version writes it: {body}"
    );

    sim.set_envelope(Envelope::ByVersion);
    let (_, body) = get(card_urls[0].clone()).await;
    assert!(body.starts_with(r#"{"id":"#), "{body}");
}

#[tokio::test]
async fn over_the_rate_limit_answers_429_with_an_http_date() {
    let (sim, running) = sim().await;
    sim.set_rate_limit(1, Duration::from_secs(60));
    let url = format!("{}/api/2.0/gift_cards/{CARD}", running.url());
    let http = reqwest::Client::new();
    let ok = http.get(&url).bearer_auth("tok").send().await.unwrap();
    assert_eq!(ok.headers()["X-RateLimit-Limit"], "1");
    assert_eq!(ok.headers()["X-RateLimit-Remaining"], "0");
    let refused = http.get(&url).bearer_auth("tok").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let date = refused.headers()["Retry-After"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(date.ends_with(" GMT"), "{date}");
    let at = httpdate::parse_http_date(&date).unwrap();
    assert!(at > SystemTime::now(), "{date} is in the future");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "Too Many Requests", "message": "Rate limiting enforced"})
    );
}

#[tokio::test]
async fn the_token_endpoint_rotates_and_revokes_the_old_refresh_token() {
    let (sim, running) = sim().await;
    sim.set_oauth_app("app", "secret", "r0");
    let url = format!("{}/api/1.0/token", running.url());
    let refresh = |token: &'static str| {
        reqwest::Client::new().post(&url).form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "app"),
            ("client_secret", "secret"),
            ("refresh_token", token),
        ])
    };
    let first: Value = refresh("r0").send().await.unwrap().json().await.unwrap();
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 604_800);
    let new_refresh = first["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, "r0");
    assert_eq!(sim.refresh_token().as_deref(), Some(new_refresh));
    let again = refresh("r0").send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    // The new access token opens the gift cards.
    let access = first["access_token"].as_str().unwrap();
    let card = reqwest::Client::new()
        .get(format!("{}/api/2.0/gift_cards/{CARD}", running.url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(card.status(), StatusCode::OK);
}

#[tokio::test]
async fn injected_faults_use_lightspeeds_envelope() {
    let (sim, running) = sim().await;
    sim.faults.inject(Fault::ServerError(500), Target::Any);
    let (status, body) = get(format!("{}/api/2.0/gift_cards/{CARD}", running.url())).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "Internal Server Error");
    assert!(v["message"].is_string());
    let (status, body) = get(format!("{}/api/2.0/gift_cards/0000", running.url())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"error": "Not Found", "message": "Gift card not found."})
    );
}
