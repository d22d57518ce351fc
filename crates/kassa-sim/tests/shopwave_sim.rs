//! The Shopwave simulator keeps the contract (docs/providers.md §4), seen from a plain HTTP client:
//! answers in the documented shapes (records keyed by Shopwave's ids, nothing of the client's
//! echoed), only the documented filters honoured.

use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::serve;
use kassa_sim::shopwave::{App, ShopwaveSim};
use kassa_sim::Running;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const TOKEN: &str = "access-1";

async fn start() -> (ShopwaveSim, Running) {
    let sim = ShopwaveSim::new(
        App {
            client_id: "app".into(),
            client_secret: "app-secret".into(),
            redirect_uri: "https://till.example/oauth".into(),
        },
        &[7],
    );
    sim.grant_tokens(TOKEN, "refresh-1");
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

/// A call with the documented headers; answers the status and the JSON body.
async fn call(
    running: &Running,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", running.url()))
        .header("x-accept-version", "2");
    if !headers.iter().any(|(k, _)| *k == "Authorization") {
        request = request.header("Authorization", format!("Bearer {TOKEN}"));
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The one record of `key` in an answer, whatever id it is keyed by.
fn only<'a>(body: &'a Value, key: &str) -> &'a Value {
    let records = body[key].as_object().unwrap();
    assert_eq!(records.len(), 1, "{body}");
    let (id, record) = records.iter().next().unwrap();
    assert_eq!(record["id"].to_string(), *id, "keyed by Shopwave's id");
    record
}

fn error_ids(body: &Value) -> Vec<String> {
    body["api"]["message"]["error"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

async fn open_basket(running: &Running, reference: &str) -> u64 {
    let (status, body) = call(
        running,
        Method::PUT,
        "/basket",
        &[],
        Some(
            json!({"baskets": {reference: {"storeId": 7, "name": "Sale", "basketProducts": {
            "1": {"price": "250", "quantity": 2, "note": "Tea", "added": true}}}}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["baskets"].get(reference).is_none(), "{body}");
    only(&body, "baskets")["id"].as_u64().unwrap()
}

#[tokio::test]
async fn a_sale_goes_through_create_and_complete_and_is_then_immutable() {
    let (sim, running) = start().await;
    let basket = open_basket(&running, "sale-1").await;
    let (status, body) = call(
        &running,
        Method::POST,
        "/transaction",
        &[],
        Some(json!({"transactions": {"pay-1": {"basketId": basket, "type": "VOUCHER", "amount": 500, "tip": 0, "Note": "giftcard 1234"}}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["api"]["message"]["success"]["206"]["statusCode"], 201);
    let created = only(&body, "transactions");
    assert!(created["completeDate"].is_null(), "open until completed");
    assert_eq!(created["Note"], "giftcard 1234");
    let id = created["id"].as_u64().unwrap();

    let complete = json!({"transactions": {"pay-1": {"id": id, "basketId": basket, "type": "VOUCHER", "amount": 500, "tip": 0, "completeDate": true}}});
    let (status, body) = call(
        &running,
        Method::PUT,
        "/transaction",
        &[],
        Some(complete.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(only(&body, "transactions")["completeDate"].is_string());

    // Completing again changes nothing and says so: 602, with both kinds of ids.
    let (status, body) = call(&running, Method::PUT, "/transaction", &[], Some(complete)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let warning = &body["api"]["message"]["warning"]["602"];
    assert_eq!(warning["ObjectRef"], "pay-1");
    assert_eq!(warning["MoreInfo"], id.to_string());
    assert_eq!(sim.transactions().len(), 1);

    let basket_done =
        json!({"baskets": {"sale-1": {"id": basket, "storeId": 7, "completeDate": true}}});
    let (status, _) = call(
        &running,
        Method::PUT,
        "/basket",
        &[],
        Some(basket_done.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = call(&running, Method::PUT, "/basket", &[], Some(basket_done)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["api"]["message"]["warning"]["601"].is_object(),
        "{body}"
    );
    // No more payments against a complete basket.
    let (_, body) = call(
        &running,
        Method::POST,
        "/transaction",
        &[],
        Some(json!({"transactions": {"pay-2": {"basketId": basket, "type": "CASH", "amount": 1}}})),
    )
    .await;
    assert_eq!(
        body["api"]["message"]["warning"]["601"]["ObjectRef"],
        "pay-2"
    );

    let (status, body) = call(
        &running,
        Method::GET,
        "/basket",
        &[("basketIds", &basket.to_string())],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let read = only(&body, "baskets");
    assert_eq!(read["name"], "Sale");
    assert_eq!(read["basketProducts"].as_object().unwrap().len(), 1);
    let product = read["basketProducts"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!(product["price"], "250.0", "prices are strings like 1600.0");
    assert!(read["completeDate"].is_string());
}

#[tokio::test]
async fn a_batch_with_a_bad_object_succeeds_in_part_and_names_it() {
    let (sim, running) = start().await;
    let basket = open_basket(&running, "sale-1").await;
    let (status, body) = call(
        &running,
        Method::POST,
        "/transaction",
        &[],
        Some(json!({"transactions": {
            "good": {"basketId": basket, "type": "CASH", "amount": 100},
            "no-amount": {"basketId": basket, "type": "CASH"},
            "no-basket": {"basketId": 1, "type": "CARD", "amount": 5}}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(only(&body, "transactions")["amount"], 100);
    let errors = &body["api"]["message"]["error"];
    assert_eq!(errors["913"]["objectRef"], "no-amount");
    assert_eq!(errors["910"]["objectRef"], "no-basket");
    assert_eq!(sim.transactions().len(), 1);

    // A basket without its store is refused whole: 400 with the documented error object.
    let (status, body) = call(
        &running,
        Method::PUT,
        "/basket",
        &[],
        Some(json!({"baskets": {"s2": {"name": "no store"}}})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 400);
    assert_eq!(error_ids(&body), ["913"]);
}

#[tokio::test]
async fn more_than_200_objects_in_a_call_answer_919_and_change_nothing() {
    let (sim, running) = start().await;
    let basket = open_basket(&running, "sale-1").await;
    let many: serde_json::Map<String, Value> = (0..201)
        .map(|i| {
            (
                format!("p{i}"),
                json!({"basketId": basket, "type": "CASH", "amount": 1}),
            )
        })
        .collect();
    let (status, body) = call(
        &running,
        Method::POST,
        "/transaction",
        &[],
        Some(json!({"transactions": many})),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_ids(&body), ["919"]);
    assert!(sim.transactions().is_empty());
    // A basket's lines count too.
    let lines: serde_json::Map<String, Value> = (0..200)
        .map(|i| (i.to_string(), json!({"price": "1", "quantity": 1})))
        .collect();
    let (status, _) = call(
        &running,
        Method::PUT,
        "/basket",
        &[],
        Some(json!({"baskets": {"big": {"storeId": 7, "basketProducts": lines}}})),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_expired_token_answers_908_until_renewed_with_the_refresh_token() {
    let (sim, running) = start().await;
    sim.expire_access_tokens();
    let (status, body) = call(&running, Method::GET, "/basket", &[], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_ids(&body), ["908"]);

    let http = reqwest::Client::new();
    let token_url = format!("{}/oauth/token", running.url());
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", "refresh-1"),
        ("client_id", "app"),
        ("client_secret", "app-secret"),
    ];
    let answer: Value = http
        .post(&token_url)
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = answer["access_token"].as_str().unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["refresh_token"].is_string());
    let auth = format!("Bearer {access}");
    let (status, _) = call(
        &running,
        Method::GET,
        "/basket",
        &[("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sim.refreshes(), 1);

    // The spent refresh token is refused; so is a wrong client secret.
    let response = http.post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_ids(&response.json().await.unwrap()), ["906"]);
    let wrong = [
        ("grant_type", "refresh_token"),
        ("client_id", "app"),
        ("client_secret", "nope"),
    ];
    let body: Value = http
        .post(&token_url)
        .form(&wrong)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_ids(&body), ["901"]);
}

#[tokio::test]
async fn an_authorization_code_is_exchanged_once_with_json_as_the_new_docs_send_it() {
    let (sim, running) = start().await;
    let http = reqwest::Client::new();
    let token_url = format!("{}/oauth/token", running.url());
    let mut body = json!({"grant_type": "authorization_code", "client_id": "app",
        "client_secret": "app-secret", "redirect_uri": "https://till.example/oauth"});
    body["code"] = json!(sim.issue_code());
    let answer: Value = http
        .post(&token_url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = answer["access_token"]
        .as_str()
        .expect("tokens for the code");
    let auth = format!("Bearer {access}");
    let (status, _) = call(
        &running,
        Method::GET,
        "/basket",
        &[("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let again: Value = http
        .post(&token_url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_ids(&again), ["909"], "a code is single use");
    body["code"] = json!(sim.issue_code());
    body["redirect_uri"] = json!("https://elsewhere.example/");
    let mismatch: Value = http
        .post(&token_url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(error_ids(&mismatch), ["903"]);
}

#[tokio::test]
async fn authorization_is_checked_and_filters_come_as_headers_only() {
    let (_, running) = start().await;
    let (status, body) = call(
        &running,
        Method::GET,
        "/basket",
        &[("Authorization", "Bearer")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_ids(&body), ["911"]);
    let (_, body) = call(
        &running,
        Method::GET,
        "/basket",
        &[("Authorization", "Bearer other")],
        None,
    )
    .await;
    assert_eq!(error_ids(&body), ["907"]);

    open_basket(&running, "sale-1").await;
    let (status, body) = call(&running, Method::GET, "/basket?basketIds=5541", &[], None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_ids(&body), ["913"]);
    let (status, body) = call(
        &running,
        Method::GET,
        "/basket",
        &[("basketIds", "5541,9")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["baskets"].as_object().unwrap().len(), 1);
    let (status, body) = call(
        &running,
        Method::GET,
        "/transaction",
        &[("transactionIds", "1")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_ids(&body), ["910"]);

    // Without x-accept-version the call is refused.
    let response = reqwest::Client::new()
        .get(format!("{}/basket", running.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_ids(&response.json().await.unwrap()), ["913"]);
}

/// A filter Shopwave does not document is not honoured: the read answers everything.
#[tokio::test]
async fn an_undocumented_filter_answers_everything() {
    let (_, running) = start().await;
    let first = open_basket(&running, "sale-1").await;
    let second = open_basket(&running, "sale-2").await;
    for (name, value) in [("objectRefs", "sale-1"), ("names", "Sale")] {
        let (status, body) = call(&running, Method::GET, "/basket", &[(name, value)], None).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<&String> = body["baskets"].as_object().unwrap().keys().collect();
        assert_eq!(ids, [&first.to_string(), &second.to_string()], "{name}");
    }
    // basketIds filters transactions by their basket.
    for basket in [first, second] {
        let (status, _) = call(
            &running,
            Method::POST,
            "/transaction",
            &[],
            Some(json!({"transactions": {"p": {"basketId": basket, "type": "CASH", "amount": 1}}})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, body) = call(
        &running,
        Method::GET,
        "/transaction",
        &[("basketIds", &second.to_string())],
        None,
    )
    .await;
    assert_eq!(only(&body, "transactions")["basketId"], second);
}

/// docs/providers.md §4.2: `POST /basket` pre-generates a basket (its store only); a `PUT` by
/// its id writes into it, and again by id updates the same basket.
#[tokio::test]
async fn a_pregenerated_basket_is_written_by_its_id() {
    let (sim, running) = start().await;
    let (status, body) = call(
        &running,
        Method::POST,
        "/basket",
        &[],
        Some(json!({"baskets": {"<ref>": {"storeId": 7}}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(!body.to_string().contains("<ref>"), "no echo: {body}");
    let pregenerated = only(&body, "baskets");
    assert_eq!(pregenerated["storeId"], 7);
    let id = pregenerated["id"].as_u64().unwrap();
    let write = json!({"baskets": {id.to_string(): {"id": id, "storeId": 7, "name": "Kassa sale s-1",
        "basketProducts": {"1": {"price": "250", "quantity": 1, "note": "Tea"}}}}});
    let (status, body) = call(&running, Method::PUT, "/basket", &[], Some(write)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(!body.to_string().contains("objectRef"), "{body}");
    let written = only(&body, "baskets");
    assert_eq!(
        (written["id"].as_u64(), &written["name"]),
        (Some(id), &json!("Kassa sale s-1"))
    );
    let line_id = written["basketProducts"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    // A line is updated by its id.
    let update =
        json!({"baskets": {"u": {"id": id, "basketProducts": {line_id: {"quantity": 3}}}}});
    call(&running, Method::PUT, "/basket", &[], Some(update)).await;
    let baskets = sim.baskets();
    assert_eq!(baskets.len(), 1);
    assert_eq!(baskets[0].products.len(), 1);
    assert_eq!(baskets[0].products[0].quantity, 3);
}

#[tokio::test]
async fn the_2015_sdk_post_body_form_is_taken_too() {
    let (sim, running) = start().await;
    let payload = json!({"baskets": {"s": {"storeId": 7}}}).to_string();
    let response = reqwest::Client::new()
        .post(format!("{}/basket", running.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("x-accept-version", "2")
        .form(&[("postBody", payload)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(sim.baskets()[0].store_id, 7);
}

#[tokio::test]
async fn injected_faults_answer_in_shopwave_s_envelope() {
    let (sim, running) = start().await;
    sim.faults.inject(Fault::Maintenance, Target::Any);
    sim.faults.inject(Fault::ServerError(500), Target::Any);
    sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 7,
        },
        Target::Any,
    );
    let (status, body) = call(&running, Method::GET, "/basket", &[], None).await;
    assert_eq!(
        (status, error_ids(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, vec!["900".to_string()])
    );
    let (status, body) = call(&running, Method::GET, "/basket", &[], None).await;
    assert_eq!(
        (status, error_ids(&body)),
        (StatusCode::INTERNAL_SERVER_ERROR, vec!["899".to_string()])
    );
    let response = reqwest::Client::new()
        .get(format!("{}/basket", running.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["Retry-After"], "7");
}
