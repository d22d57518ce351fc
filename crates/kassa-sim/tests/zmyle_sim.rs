//! The zmyle simulator speaks zmyle's wire format (docs/providers.md §2), seen from a plain HTTP
//! client: paths, Basic auth, error bodies, idempotent replay and fault answers.

use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::{serve, Running};
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use serde_json::{json, Value};

const QTHX_ID: &str = "18jja4mf08fn08f7gp9l";
const QTHX_TOKEN: &str = "hg84zhgnzuigui4hg3hg7834";

async fn start() -> (ZmyleSim, Running) {
    let sim = ZmyleSim::new("key", "secret");
    sim.add_card(CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 2000));
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

fn url(running: &Running, path: &str) -> String {
    format!("{}/service/v1.1/{path}", running.url())
}

fn is_zmyle_date(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 16
            && s.as_bytes()[8] == b'T'
            && s.ends_with('Z')
            && s[..8]
                .bytes()
                .chain(s[9..15].bytes())
                .all(|b| b.is_ascii_digit())
    })
}

async fn send(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = request
        .basic_auth("key", Some("secret"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn find_answers_an_array_by_short_id_or_encoded_qr_url() {
    let (_sim, running) = start().await;
    let http = reqwest::Client::new();
    let qr = CardSpec::active(QTHX_ID, "QTHX", QTHX_TOKEN, 0).qr_url();
    for query in ["QTHX", qr.as_str()] {
        let (status, _, body) = send(
            http.get(url(&running, "gift_cards/find"))
                .query(&[("query", query)]),
        )
        .await;
        assert_eq!(status, 200);
        let card = &body.as_array().expect("an array")[0];
        assert_eq!(card["id"], QTHX_ID);
        assert_eq!(card["shortId"], "QTHX");
        assert_eq!(card["accessToken"], QTHX_TOKEN);
        assert_eq!(card["balance"], 2000);
        assert_eq!(card["availableBalance"], 2000);
        assert_eq!(card["expectedAction"], "redeem");
        assert!(is_zmyle_date(&card["transactions"][0]["confirmedAt"]));
    }
    let (status, _, body) = send(
        http.get(url(&running, "gift_cards/find"))
            .query(&[("query", "ZZZZ")]),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
}

#[tokio::test]
async fn errors_carry_the_documented_fields_and_spelling() {
    let (_sim, running) = start().await;
    let http = reqwest::Client::new();
    let (status, _, body) = send(http.get(url(&running, "gift_cards/find"))).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorId"], "api:io:missingRequiredParam");
    assert_eq!(body["errorMsg"], "query");
    assert_eq!(body["status"], 400);
    assert!(is_zmyle_date(&body["occuredAt"]), "{body}");
    assert!(body.get("occurredAt").is_none());

    let (_, _, body) = send(
        http.put(url(&running, "transaction_intents"))
            .json(&json!({"giftcardId": QTHX_ID, "accessToken": QTHX_TOKEN, "amount": 1.5})),
    )
    .await;
    assert_eq!(body["errorId"], "api:io:malformedNumber");

    let anonymous = http
        .get(url(&running, "gift_cards/find"))
        .query(&[("query", "QTHX")])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn a_repeated_key_replays_the_first_answer_and_refuses_another_request() {
    let (sim, running) = start().await;
    let http = reqwest::Client::new();
    let create = |amount: i64| {
        http.put(url(&running, "transaction_intents"))
            .header("Idempotency-Key", "op-1")
            .json(&json!({"giftcardId": QTHX_ID, "accessToken": QTHX_TOKEN, "amount": amount}))
    };
    let (status, headers, first) = send(create(700)).await;
    assert_eq!(status, 200);
    assert!(!headers.contains_key("idempotent-replayed"));
    assert_eq!(first["status"], "NEEDS_CONFIRMATION");
    assert!(is_zmyle_date(&first["expiresAt"]));
    let (status, headers, second) = send(create(700)).await;
    assert_eq!((status, &second), (200, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(sim.balances("QTHX"), Some((2000, 1300)));

    let (status, _, body) = send(create(800)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorId"], "api:io:idempotencyKeyReused");
    assert_eq!(sim.balances("QTHX"), Some((2000, 1300)));
}

#[tokio::test]
async fn injected_faults_answer_in_zmyle_format() {
    let (sim, running) = start().await;
    let http = reqwest::Client::new();
    sim.faults.inject(Fault::ServerError(502), Target::Any);
    sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 4,
        },
        Target::Any,
    );
    let find = || {
        http.get(url(&running, "gift_cards/find"))
            .query(&[("query", "QTHX")])
    };
    let (status, _, body) = send(find()).await;
    assert_eq!(status, 502);
    assert!(body["errorId"].is_string() && is_zmyle_date(&body["occuredAt"]));
    let (status, headers, body) = send(find()).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "4");
    assert!(body["errorId"].is_string());
    assert_eq!(send(find()).await.0, 200);
}
