//! Selling a pre-printed Lightspeed card: an `activate` operation issues a card under a number
//! Lightspeed does not know yet (`POST /api/{ver}/gift_cards`), loaded by its ACTIVATION. An
//! issue carries no id of ours, so a lost answer is settled by reading the card: not found ⇒
//! sent again; our ACTIVATION there ⇒ done (also when the resend is refused because the number
//! exists). Never two cards, never two activations. The simulator serves the issue as strictly
//! as the docs: the scope, money as a string, 422 for a number that exists.

use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState, RunStats};
use kassa_core::provider::{GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::executor::LightspeedExecutor;
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::money::WireAmount;
use kassa_providers::lightspeed::wire::IssueGiftCard;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::faults::{Fault, Target};
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, SimTxn, TxnKind, ALL_SCOPES};
use kassa_sim::server::{serve, Running};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

const TOKEN: &str = "personal-token";
const NUMBER: &str = "9200000000000042";
const SLOW: Duration = Duration::from_millis(900);

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn config(url: String, api_version: &str) -> LightspeedConfig {
    LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url),
        api_version: api_version.into(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers: 1,
        retailer_budget: None,
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: (SLOW.as_millis() / 3) as u64,
    }
}

fn client(url: String, api_version: &str) -> LightspeedClient {
    let secrets = MemorySecretStore::default();
    secrets.set(TOKEN_SECRET, &Secret::new(TOKEN)).unwrap();
    LightspeedClient::new(
        &config(url, api_version),
        eur(0).currency,
        Arc::new(secrets),
    )
    .unwrap()
}

/// A Lightspeed simulator and a till's outbox for it.
struct Till {
    sim: LightspeedSim,
    store: Arc<Store>,
    engine: Engine,
    running: Running,
    _dir: TempDir,
}

impl Till {
    async fn start() -> Till {
        Till::backing_off(Duration::from_millis(5)).await
    }

    async fn backing_off(min_backoff: Duration) -> Till {
        let sim = LightspeedSim::new();
        sim.add_personal_token(TOKEN, &ALL_SCOPES);
        let running = serve(sim.router()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let engine = Engine::new(
            store.clone(),
            EngineConfig {
                min_backoff,
                max_backoff: min_backoff * 10,
                poll: Duration::from_millis(10),
                ..EngineConfig::default()
            },
        )
        .with_executor(Arc::new(LightspeedExecutor::new(Arc::new(client(
            running.url(),
            "2026-04",
        )))));
        Till {
            sim,
            store,
            engine,
            running,
            _dir: dir,
        }
    }

    /// Queues the sale of the number for `cents`.
    fn queue(&self, cents: i64) -> NewOp {
        let mut op = NewOp::new(
            ProviderId::Lightspeed,
            OpKind::Activate,
            Some(NUMBER),
            eur(cents),
        )
        .in_sale("s-1");
        op.payload["owed"] =
            "Card ••••0042 was paid for (EUR 25.00) but not loaded: load it by hand or refund the customer.".into();
        self.store.enqueue(std::slice::from_ref(&op)).unwrap();
        op
    }

    async fn sell(&self, cents: i64) -> (NewOp, RunStats) {
        let op = self.queue(cents);
        let stats = self.engine.run_until_idle().await.unwrap();
        (op, stats)
    }

    fn state(&self, op: &NewOp) -> OpState {
        self.store.op(&op.id).unwrap().unwrap().state
    }

    fn txns(&self) -> Vec<(TxnKind, i64)> {
        self.sim
            .transactions(NUMBER)
            .iter()
            .map(|t: &SimTxn| (t.kind, t.amount))
            .collect()
    }
}

#[test]
fn the_issue_body_is_the_documented_one_with_the_amount_a_decimal_string() {
    let body = IssueGiftCard {
        number: NUMBER,
        amount: WireAmount::new(2_500, &eur(0).currency).unwrap(),
    };
    let sent = serde_json::to_value(&body).unwrap();
    assert_eq!(sent, json!({"number": NUMBER, "amount": "25.00"}));
    assert!(sent["number"].is_string() && sent["amount"].is_string());
}

#[tokio::test]
async fn a_number_lightspeed_does_not_know_is_issued_with_one_activation() {
    let till = Till::start().await;
    let (sold, _) = till.sell(2_500).await;

    assert_eq!(till.state(&sold), OpState::Succeeded);
    assert_eq!(till.sim.balance(NUMBER), Some(2_500));
    assert_eq!(till.sim.status(NUMBER), Some(CardStatus::Active));
    assert_eq!(till.txns(), [(TxnKind::Activation, 2_500)]);
    let op = till.store.op(&sold.id).unwrap().unwrap();
    assert_eq!(
        op.provider_ref.as_deref(),
        Some(till.sim.transactions(NUMBER)[0].id.as_str()),
        "the activation is kept"
    );
    let booked: i64 = till
        .store
        .booked_ops()
        .unwrap()
        .iter()
        .map(|b| b.amount_minor)
        .sum();
    assert_eq!(booked, 2_500, "the journal books what went on the card");
}

#[tokio::test]
async fn an_issue_whose_answer_was_lost_is_settled_by_reading_the_card() {
    for fault in [
        Fault::DropAfterApply,
        Fault::DropBeforeApply,
        Fault::SlowAnswer(SLOW),
    ] {
        let till = Till::start().await;
        till.sim.faults.inject(fault.clone(), Target::Writes);

        let (sold, stats) = till.sell(2_500).await;

        assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
        assert_eq!(till.state(&sold), OpState::Succeeded, "{fault:?}");
        assert_eq!(
            till.txns(),
            [(TxnKind::Activation, 2_500)],
            "issued once ({fault:?})"
        );
        assert!(till.store.review_list().unwrap().is_empty(), "{fault:?}");
    }
}

#[tokio::test]
async fn a_resend_refused_because_the_number_exists_is_done_when_the_card_shows_our_activation() {
    let till = Till::start().await;
    // The issue is applied, its answer lost; the read that follows answers "not found" (a
    // replica behind): the till sends again and Lightspeed says the number exists.
    till.sim
        .faults
        .inject(Fault::DropAfterApply, Target::Writes);
    till.sim.faults.inject(Fault::ServerError(404), Target::Any);

    let (sold, stats) = till.sell(2_500).await;

    assert!(stats.unknown >= 1, "{stats:?}");
    assert_eq!(till.state(&sold), OpState::Succeeded);
    assert_eq!(till.txns(), [(TxnKind::Activation, 2_500)], "issued once");
    assert!(till.store.review_list().unwrap().is_empty());
}

#[tokio::test]
async fn a_number_issued_elsewhere_first_goes_to_review_with_what_is_owed() {
    let till = Till::start().await;
    till.sim.add_card(NUMBER, 1_000, CardStatus::Active, None);

    let (sold, _) = till.sell(2_500).await;

    assert_eq!(till.state(&sold), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(
        review[0].reason,
        "Card ••••0042 was paid for (EUR 25.00) but not loaded: load it by hand or refund the customer. Lightspeed: A gift card with this number already exists."
    );
    assert_eq!(
        till.txns(),
        [(TxnKind::Activation, 1_000)],
        "only the other sale"
    );
}

#[tokio::test]
async fn a_lost_issue_and_a_card_of_another_amount_since_goes_to_review() {
    // Long enough a backoff that the first pass ends with the outcome unknown.
    let till = Till::backing_off(Duration::from_millis(600)).await;
    till.sim
        .faults
        .inject(Fault::DropBeforeApply, Target::Writes);
    let sold = till.queue(2_500);
    till.engine.run_once().await.unwrap();
    assert_eq!(till.state(&sold), OpState::Unknown);
    till.sim.add_card(NUMBER, 1_000, CardStatus::Active, None);

    till.engine.run_until_idle().await.unwrap();

    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert!(
        review[0]
            .reason
            .contains("Lightspeed has this card, but without an activation of EUR 25.00"),
        "{}",
        review[0].reason
    );
    assert_eq!(till.txns(), [(TxnKind::Activation, 1_000)]);
}

#[tokio::test]
async fn the_simulator_issues_as_strictly_as_the_docs() {
    let till = Till::start().await;
    let http = reqwest::Client::new();
    let issue = |token: &str, version: &str, body: serde_json::Value| {
        http.post(format!("{}/api/{version}/gift_cards", till.running.url()))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let ok = issue(
        TOKEN,
        "2026-04",
        json!({"number": NUMBER, "amount": "25.00"}),
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 201);
    let card: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(card["data"]["number"], NUMBER);
    assert_eq!(card["data"]["balance"], "25.00");
    assert_eq!(
        card["data"]["gift_card_transactions"][0]["type"],
        "ACTIVATION"
    );

    let again = issue(
        TOKEN,
        "2026-04",
        json!({"number": NUMBER, "amount": "25.00"}),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 422, "the number exists");
    let number = issue(
        TOKEN,
        "2026-04",
        json!({"number": "9200000000000043", "amount": 25.0}),
    )
    .await
    .unwrap();
    assert_eq!(number.status(), 422, "money is a string");
    let legacy = issue(
        TOKEN,
        "2.0",
        json!({"number": "9200000000000043", "amount": "25.00"}),
    )
    .await
    .unwrap();
    assert_eq!(legacy.status(), 404, "API 2.0 has no issue");
    till.sim
        .add_personal_token("read-only", &["gift_cards:read", "gift_cards:write:redeem"]);
    let scope = issue(
        "read-only",
        "2026-04",
        json!({"number": "9200000000000043", "amount": "25.00"}),
    )
    .await
    .unwrap();
    assert_eq!(scope.status(), 403, "gift_cards:write:issue is needed");
    assert_eq!(till.sim.balance("9200000000000043"), None);
}

#[tokio::test]
async fn api_2_0_cannot_issue_so_the_till_says_so_when_the_card_is_rung_up() {
    let till = Till::start().await;
    let legacy = client(till.running.url(), "2.0");
    let refused = legacy.issues_numbers().unwrap_err();
    assert!(
        matches!(&refused, ProviderError::Config { message } if message.contains("api_version")),
        "{refused:?}"
    );
    assert_eq!(
        client(till.running.url(), "2026-04").issues_numbers(),
        Ok(true)
    );
}
