//! Training mode keeps the demo providers' ledgers in a folder: what a session spent is still
//! spent after a restart, a fresh folder serves the demo cards, and a file that cannot be read
//! is set aside for the demo data. Real files, real HTTP.

use kassa_sim::training::{self, TrainingSims, LEAT_SHOP_UUID, LEAT_TOKEN, LIGHTSPEED_TOKEN};
use kassa_sim::training::{ZMYLE_API_KEY, ZMYLE_API_SECRET};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const LEAT_CARD: &str = "4165100001";
const LIGHTSPEED_CARD: &str = "9100000000000001";
const QTHX_ID: &str = "18jja4mf08fn08f7gp9l";
const QTHX_TOKEN: &str = "hg84zhgnzuigui4hg3hg7834";
const LEAT: &str = "/api/v3/oauth/clients";
const LIGHTSPEED: &str = "/api/2026-04/gift_cards";
const ZMYLE: &str = "/service/v1.1";

/// A folder under the system's temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "kassa-sim-{name}-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn json(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A Leat card's `(uuid, amount_in_cents)`.
async fn leat_card(sims: &TrainingSims, hash: &str) -> (String, i64) {
    let (status, body) = json(
        reqwest::Client::new()
            .get(format!("{}{LEAT}/giftcards/find-one-by", sims.leat.url()))
            .query(&[("hash", hash)])
            .bearer_auth(LEAT_TOKEN),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let uuid = body["data"]["uuid"].as_str().unwrap().to_string();
    (uuid, body["data"]["amount_in_cents"].as_i64().unwrap())
}

async fn leat_redeem(sims: &TrainingSims, card_uuid: &str, cents: i64) {
    let (status, body) = json(
        reqwest::Client::new()
            .post(format!("{}{LEAT}/giftcard-transactions", sims.leat.url()))
            .bearer_auth(LEAT_TOKEN)
            .json(&json!({
                "giftcard_uuid": card_uuid,
                "amount_in_cents": -cents,
                "shop_uuid": LEAT_SHOP_UUID,
                "custom_attributes": {"kassa_op_id": "op-leat-1"}
            })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// A Lightspeed card's balance, as the dated API writes it (`"75.00"`).
async fn lightspeed_balance(sims: &TrainingSims, number: &str) -> String {
    let (status, body) = json(
        reqwest::Client::new()
            .get(format!(
                "{}{LIGHTSPEED}/by_number/{number}",
                sims.lightspeed.url()
            ))
            .bearer_auth(LIGHTSPEED_TOKEN),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["balance"].as_str().unwrap().to_string()
}

/// Redeems with a `client_id`; returns the status and the transaction's id.
async fn lightspeed_redeem(sims: &TrainingSims, amount: &str, client_id: &str) -> (u16, Value) {
    let (status, body) = json(
        reqwest::Client::new()
            .post(format!(
                "{}{LIGHTSPEED}/{LIGHTSPEED_CARD}/transactions",
                sims.lightspeed.url()
            ))
            .bearer_auth(LIGHTSPEED_TOKEN)
            .json(&json!({"type": "REDEEMING", "amount": amount, "client_id": client_id})),
    )
    .await;
    (status, body["data"]["id"].clone())
}

/// A zmyle card's `(balance, availableBalance)` by short id.
async fn zmyle_balances(sims: &TrainingSims, short_id: &str) -> (i64, i64) {
    let (status, body) = json(
        reqwest::Client::new()
            .get(format!("{}{ZMYLE}/gift_cards/find", sims.zmyle.url()))
            .query(&[("query", short_id)])
            .basic_auth(ZMYLE_API_KEY, Some(ZMYLE_API_SECRET)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let card = &body[0];
    (
        card["balance"].as_i64().unwrap(),
        card["availableBalance"].as_i64().unwrap(),
    )
}

/// Holds `amount` on QTHX with an idempotency key; the status, the answer and whether it was a
/// replay.
async fn zmyle_hold(sims: &TrainingSims, amount: i64, key: &str) -> (u16, Value, bool) {
    let response = reqwest::Client::new()
        .put(format!("{}{ZMYLE}/transaction_intents", sims.zmyle.url()))
        .basic_auth(ZMYLE_API_KEY, Some(ZMYLE_API_SECRET))
        .header("Idempotency-Key", key)
        .json(&json!({"giftcardId": QTHX_ID, "accessToken": QTHX_TOKEN, "amount": amount}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    (status, response.json().await.unwrap(), replayed)
}

async fn zmyle_intent(sims: &TrainingSims, id: &str, action: Option<&str>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{ZMYLE}/transaction_intents/{id}", sims.zmyle.url());
    let request = match action {
        None => http.get(url),
        Some(action) => http.post(format!("{url}/{action}")),
    };
    json(request.basic_auth(ZMYLE_API_KEY, Some(ZMYLE_API_SECRET))).await
}

#[tokio::test]
async fn what_a_session_spent_and_held_is_still_there_after_a_restart() {
    let dir = TempDir::new("restart");
    let (intent_id, lightspeed_txn) = {
        let sims = training::start(dir.path()).await.unwrap();
        let (uuid, before) = leat_card(&sims, LEAT_CARD).await;
        assert_eq!(before, 2500);
        leat_redeem(&sims, &uuid, 1000).await;
        let (status, txn) = lightspeed_redeem(&sims, "-20.00", "op-ls-1").await;
        assert_eq!(status, 201);
        let (status, intent, _) = zmyle_hold(&sims, 700, "op-z-1").await;
        assert_eq!(status, 200, "{intent}");
        assert_eq!(zmyle_balances(&sims, "QTHX").await, (2000, 1300));
        (intent["id"].as_str().unwrap().to_string(), txn)
        // The simulators stop here, as when the till is closed.
    };

    let sims = training::start(dir.path()).await.unwrap();
    assert_eq!(leat_card(&sims, LEAT_CARD).await.1, 1500);
    assert_eq!(lightspeed_balance(&sims, LIGHTSPEED_CARD).await, "55.00");
    assert_eq!(zmyle_balances(&sims, "QTHX").await, (2000, 1300));
    // The demo card held by another till keeps its hold too.
    assert_eq!(zmyle_balances(&sims, "K7MR2P").await, (5000, 3500));
    let (status, intent) = zmyle_intent(&sims, &intent_id, None).await;
    assert_eq!(status, 200);
    assert_eq!(intent["status"], "NEEDS_CONFIRMATION");
    assert_eq!(intent["amount"], 700);

    // Operations sent again after the restart meet the ledger they left: replayed, not
    // applied twice.
    let (status, again) = lightspeed_redeem(&sims, "-20.00", "op-ls-1").await;
    assert_eq!((status, &again), (201, &lightspeed_txn));
    assert_eq!(lightspeed_balance(&sims, LIGHTSPEED_CARD).await, "55.00");
    let (status, again, replayed) = zmyle_hold(&sims, 700, "op-z-1").await;
    assert_eq!((status, replayed), (200, true));
    assert_eq!(again["id"], intent_id.as_str());
    assert_eq!(zmyle_balances(&sims, "QTHX").await, (2000, 1300));

    // The hold is confirmed in the new session, and that too survives the next restart.
    let (status, confirmed) = zmyle_intent(&sims, &intent_id, Some("confirm")).await;
    assert_eq!(status, 200, "{confirmed}");
    drop(sims);
    let sims = training::start(dir.path()).await.unwrap();
    assert_eq!(zmyle_balances(&sims, "QTHX").await, (1300, 1300));
    assert_eq!(leat_card(&sims, LEAT_CARD).await.1, 1500);
}

#[tokio::test]
async fn a_fresh_folder_serves_the_demo_cards_and_keeps_their_ledgers() {
    let dir = TempDir::new("fresh");
    let ledgers = dir.path().join("training-providers");
    let sims = training::start(&ledgers).await.unwrap();
    assert_eq!(leat_card(&sims, LEAT_CARD).await.1, 2500);
    assert_eq!(lightspeed_balance(&sims, LIGHTSPEED_CARD).await, "75.00");
    assert_eq!(zmyle_balances(&sims, "QTHX").await, (2000, 2000));
    assert_eq!(zmyle_balances(&sims, "K7MR2P").await, (5000, 3500));
    for name in training::LEDGER_FILES {
        let saved = std::fs::read(ledgers.join(name)).unwrap();
        let _: Value = serde_json::from_slice(&saved).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(&ledgers)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "leat.json",
            "lightspeed.json",
            "shopwave.json",
            "zmyle.json"
        ],
        "no temporary file is left behind"
    );
}

#[tokio::test]
async fn an_unreadable_ledger_is_set_aside_and_the_demo_data_served() {
    let dir = TempDir::new("garbled");
    {
        let sims = training::start(dir.path()).await.unwrap();
        let (uuid, _) = leat_card(&sims, LEAT_CARD).await;
        leat_redeem(&sims, &uuid, 1000).await;
        assert_eq!(lightspeed_redeem(&sims, "-20.00", "op-ls-1").await.0, 201);
        assert_eq!(zmyle_hold(&sims, 700, "op-z-1").await.0, 200);
    }
    // A torn Leat file and a zmyle file of the wrong shape.
    let garbled = b"{\"programs\": {\"00000000-0000-4000-9000";
    std::fs::write(dir.path().join("leat.json"), garbled).unwrap();
    std::fs::write(dir.path().join("zmyle.json"), b"{\"cards\": 5}").unwrap();

    let sims = training::start(dir.path()).await.unwrap();
    assert_eq!(leat_card(&sims, LEAT_CARD).await.1, 2500);
    assert_eq!(zmyle_balances(&sims, "QTHX").await, (2000, 2000));
    // Lightspeed's file was fine: its ledger is kept.
    assert_eq!(lightspeed_balance(&sims, LIGHTSPEED_CARD).await, "55.00");

    let aside = |prefix: &str| -> Vec<PathBuf> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with(&format!("{prefix}.unreadable-"))
            })
            .collect()
    };
    let leat_aside = aside("leat.json");
    assert_eq!(leat_aside.len(), 1, "{leat_aside:?}");
    assert_eq!(std::fs::read(&leat_aside[0]).unwrap(), garbled);
    assert_eq!(aside("zmyle.json").len(), 1);
    assert!(aside("lightspeed.json").is_empty());
    // The demo data took the unreadable files' place.
    for name in ["leat.json", "zmyle.json"] {
        let saved = std::fs::read(dir.path().join(name)).unwrap();
        let _: Value = serde_json::from_slice(&saved).unwrap();
    }

    // And the new ledger is kept from then on.
    let (uuid, _) = leat_card(&sims, LEAT_CARD).await;
    leat_redeem(&sims, &uuid, 500).await;
    drop(sims);
    let sims = training::start(dir.path()).await.unwrap();
    assert_eq!(leat_card(&sims, LEAT_CARD).await.1, 2000);
}
