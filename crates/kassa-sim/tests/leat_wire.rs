//! The Leat simulator on the wire, seen by a plain HTTP client: the three body encodings Leat
//! takes, its envelopes and rate-limit headers, the token endpoint, and its answers to faults.

use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{Entity, LeatSim, DEFAULT_SHOP_UUID};
use kassa_sim::server::serve;
use serde_json::{json, Value};

const TOKEN: &str = "tok";
const OAUTH: &str = "/api/v3/oauth/clients";

async fn start() -> (LeatSim, kassa_sim::Running, String) {
    let sim = LeatSim::new(TOKEN);
    let card = sim.add_card("41651", 5000, None);
    let running = serve(sim.router()).await.unwrap();
    (sim, running, card)
}

async fn body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_transaction_is_taken_as_form_fields_multipart_or_json() {
    let (sim, running, card) = start().await;
    let url = format!("{}{OAUTH}/giftcard-transactions", running.url());
    let http = reqwest::Client::new();

    let form = http
        .post(&url)
        .bearer_auth(TOKEN)
        .form(&[
            ("giftcard_uuid", card.as_str()),
            ("amount_in_cents", "-100"),
            ("shop_uuid", DEFAULT_SHOP_UUID),
            ("custom_attributes[kassa_op_id]", "op-form"),
        ])
        .send()
        .await
        .unwrap();
    let multipart = reqwest::multipart::Form::new()
        .text("giftcard_uuid", card.clone())
        .text("amount_in_cents", "-200")
        .text("shop_uuid", DEFAULT_SHOP_UUID)
        .text("custom_attributes[kassa_op_id]", "op-multipart");
    let multipart = http
        .post(&url)
        .bearer_auth(TOKEN)
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    let json = http
        .post(&url)
        .bearer_auth(TOKEN)
        .json(&json!({
            "giftcard_uuid": card,
            "amount_in_cents": -300,
            "shop_uuid": DEFAULT_SHOP_UUID,
            "custom_attributes": {"kassa_op_id": "op-json"}
        }))
        .send()
        .await
        .unwrap();
    for (response, cents, op) in [
        (form, -100, "op-form"),
        (multipart, -200, "op-multipart"),
        (json, -300, "op-json"),
    ] {
        let (status, body) = body(response).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["amount_in_cents"], cents);
        assert_eq!(body["data"]["custom_attributes"]["kassa_op_id"], op);
        assert_eq!(body["data"]["shop"]["uuid"], DEFAULT_SHOP_UUID);
        assert_eq!(body["meta"], json!([]));
    }
    assert_eq!(sim.balance("41651"), Some(4400));
}

#[tokio::test]
async fn every_answer_carries_the_rate_limit_and_the_errors_use_leats_envelope() {
    let (_sim, running, _) = start().await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!(
            "{}{OAUTH}/giftcards/find-one-by?hash=nope",
            running.url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["X-RateLimit-Limit"], "5000");
    assert_eq!(response.headers()["X-RateLimit-Remaining"], "4999");
    assert_eq!(
        body(response).await,
        (
            400,
            json!({"message": "Giftcard not found.", "code": 5001, "status_code": 400})
        )
    );
    let response = http
        .post(format!("{}{OAUTH}/giftcard-transactions", running.url()))
        .bearer_auth(TOKEN)
        .form(&[("amount_in_cents", "ten")])
        .send()
        .await
        .unwrap();
    let (status, body) = body(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], 1003);
    assert!(body["errors"].is_object(), "{body}");
}

#[tokio::test]
async fn the_token_endpoint_issues_tokens_for_the_oauth_family_only() {
    let (sim, running, _) = start().await;
    sim.add_client(7, "s3cret");
    let http = reqwest::Client::new();
    let (status, token) = body(
        http.post(format!("{}/oauth/token", running.url()))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "7"),
                ("client_secret", "s3cret"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let access = token["access_token"].as_str().unwrap();
    let find = |family: &str| {
        http.get(format!(
            "{}{family}/giftcards/find-one-by?hash=41651",
            running.url()
        ))
        .bearer_auth(access)
        .send()
    };
    assert_eq!(find(OAUTH).await.unwrap().status(), 200);
    assert_eq!(find("/api/v3/register").await.unwrap().status(), 401);

    let (status, refusal) = body(
        http.post(format!("{}/oauth/token", running.url()))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "7"),
                ("client_secret", "wrong"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(refusal["error"], "invalid_client");
}

#[tokio::test]
async fn faults_are_answered_as_leat_would() {
    let (sim, running, _) = start().await;
    let http = reqwest::Client::new();
    let url = format!("{}{OAUTH}/giftcards/find-one-by?hash=41651", running.url());
    sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 9,
        },
        Target::Any,
    );
    let response = http.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["Retry-After"], "9");
    sim.faults.inject(Fault::ServerError(500), Target::Any);
    let (status, body) = body(http.get(&url).bearer_auth(TOKEN).send().await.unwrap()).await;
    assert_eq!((status, body["code"].clone()), (500, json!(1000)));
    sim.faults.inject(Fault::Maintenance, Target::Any);
    let response = http.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 503);
}

/// A redeem of one cent on the card, with these form fields besides.
async fn redeem(running: &kassa_sim::Running, card: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("giftcard_uuid", card),
        ("amount_in_cents", "-1"),
        ("shop_uuid", DEFAULT_SHOP_UUID),
    ];
    form.extend_from_slice(extra);
    let response = reqwest::Client::new()
        .post(format!("{}{OAUTH}/giftcard-transactions", running.url()))
        .bearer_auth(TOKEN)
        .form(&form)
        .send()
        .await
        .unwrap();
    body(response).await
}

#[tokio::test]
async fn a_transaction_without_custom_attributes_is_answered_without_them() {
    let (_sim, running, card) = start().await;
    let (status, body) = redeem(&running, &card, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["data"].get("custom_attributes").is_none(),
        "as the documented answer: {body}"
    );
}

#[tokio::test]
async fn a_custom_attribute_the_account_does_not_define_is_refused_and_nothing_is_booked() {
    let (sim, running, card) = start().await;
    let (status, body) = redeem(&running, &card, &[("custom_attributes[till_ref]", "x")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], 1003, "{body}");
    assert!(
        body["errors"]["custom_attributes.till_ref"].is_array(),
        "the refusal names the attribute: {body}"
    );

    sim.set_custom_attributes(Entity::GiftcardTransaction, &["till_ref"]);
    let (status, body) = redeem(&running, &card, &[("custom_attributes[till_ref]", "x")]).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = redeem(&running, &card, &[("custom_attributes[kassa_op_id]", "y")]).await;
    assert_eq!(status, 400, "no longer defined");
    assert_eq!(sim.transaction_amounts("41651"), vec![5000, -1]);
}

#[tokio::test]
async fn reversing_a_payment_on_a_card_that_cannot_be_incremented_may_be_refused_with_5006() {
    let (sim, running, card) = start().await;
    sim.set_reverse_is_increment(true);
    let (_, paid) = redeem(&running, &card, &[]).await;
    let reverse = format!(
        "{}{OAUTH}/giftcard-transactions/{}/reverse",
        running.url(),
        paid["data"]["uuid"].as_str().unwrap()
    );
    let response = reqwest::Client::new()
        .post(&reverse)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let (status, body) = body(response).await;
    assert_eq!((status, body["code"].clone()), (400, json!(5006)), "{body}");
    assert_eq!(sim.balance("41651"), Some(4999));

    sim.set_reverse_is_increment(false);
    let response = reqwest::Client::new()
        .post(&reverse)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(sim.balance("41651"), Some(5000));
}
