//! Selling a pre-printed zmyle card through the outbox: an `activate` operation finds the card
//! and activates it, which loads it with its activation amount. The activate call carries no
//! idempotency key, so an answer lost before or after zmyle applied it is settled by reading the
//! card: still waiting to be sold ⇒ sent again; sold by an activation of that amount since the
//! request ⇒ done. A card sold elsewhere first is refused for review with what is owed.

use kassa_core::config::ZmyleConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState, RunStats};
use kassa_core::provider::{GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::Secret;
use kassa_core::store::Store;
use kassa_providers::executor::ZmyleExecutor;
use kassa_providers::zmyle::{activation_terms, AccessToken, Giftcard, ZmyleClient};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::{serve, Running};
use kassa_sim::zmyle::{CardSpec, CardStatus, ZmyleSim};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

const SLOW: Duration = Duration::from_millis(900);
const BLANK: &str = "BL4NK5";
const BLANK_ID: &str = "18jja4mf08fn08f7b4l5";
const BLANK_TOKEN: &str = "t6y8u2i4o6p8a1s3d5f7";

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn code(text: &str) -> kassa_core::card::CardCode {
    kassa_core::card::CardCode::parse(text).unwrap()
}

/// A zmyle simulator with a pre-printed card sold for €30.00, and a till's outbox for it.
struct Till {
    sim: ZmyleSim,
    client: Arc<ZmyleClient>,
    store: Arc<Store>,
    engine: Engine,
    _running: Running,
    _dir: TempDir,
}

impl Till {
    async fn start() -> Till {
        let sim = ZmyleSim::new("key", "secret");
        sim.add_card(CardSpec {
            balance: 0,
            initial_amount: 3000,
            status: CardStatus::Blank { sellable: true },
            preprinted: true,
            ..CardSpec::active(BLANK_ID, BLANK, BLANK_TOKEN, 0)
        });
        let running = serve(sim.router()).await.unwrap();
        let config = ZmyleConfig {
            base_url: running.url(),
            idempotency_header: ZmyleConfig::default_idempotency_header(),
            card_pattern: ZmyleConfig::default_pattern(),
            timeout_ms: (SLOW.as_millis() / 3) as u64,
            store: None,
            metadata: Default::default(),
            hold_minutes: ZmyleConfig::default_hold_minutes(),
        };
        let client = Arc::new(
            ZmyleClient::new(
                &config,
                Secret::new("key"),
                Secret::new("secret"),
                eur(0).currency,
            )
            .unwrap(),
        );
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let engine = Engine::new(
            store.clone(),
            EngineConfig {
                min_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(50),
                poll: Duration::from_millis(10),
                ..EngineConfig::default()
            },
        )
        .with_executor(Arc::new(ZmyleExecutor::new(client.clone())));
        Till {
            sim,
            client,
            store,
            engine,
            _running: running,
            _dir: dir,
        }
    }

    /// Queues the sale of the card for `cents` and runs the outbox until it is done.
    async fn sell(&self, cents: i64) -> NewOp {
        self.sell_counting(cents).await.0
    }

    async fn sell_counting(&self, cents: i64) -> (NewOp, RunStats) {
        let mut op =
            NewOp::new(ProviderId::Zmyle, OpKind::Activate, Some(BLANK), eur(cents)).in_sale("s-1");
        op.payload["owed"] = "Card BL4NK5 was paid for (EUR 30.00) but not loaded: load it by hand or refund the customer.".into();
        self.store.enqueue(std::slice::from_ref(&op)).unwrap();
        let stats = self.engine.run_until_idle().await.unwrap();
        (op, stats)
    }

    fn state(&self, op: &NewOp) -> OpState {
        self.store.op(&op.id).unwrap().unwrap().state
    }

    /// (balance, number of activations) of the card at zmyle.
    fn card(&self) -> (i64, usize) {
        let card = self.sim.card(BLANK).unwrap();
        (
            card["balance"].as_i64().unwrap(),
            card["transactions"].as_array().unwrap().len(),
        )
    }
}

#[tokio::test]
async fn a_pre_printed_card_is_sold_through_the_outbox_and_loaded_with_its_amount() {
    let till = Till::start().await;
    let terms = till.client.activation_terms(&code(BLANK)).await.unwrap();
    assert_eq!(terms.card_id, BLANK_ID);
    assert_eq!(terms.amount, eur(3000));
    assert_eq!(terms.min, Some(eur(100)));
    assert_eq!(terms.max, Some(eur(25000)));

    let sold = till.sell(3000).await;

    assert_eq!(till.state(&sold), OpState::Succeeded);
    assert_eq!(till.card(), (3000, 1), "active with its amount, sold once");
    let op = till.store.op(&sold.id).unwrap().unwrap();
    let card = till.sim.card(BLANK).unwrap();
    assert_eq!(
        op.provider_ref.as_deref(),
        card["transactions"][0]["id"].as_str(),
        "the activation's transaction is kept"
    );
    let booked: i64 = till
        .store
        .booked_ops()
        .unwrap()
        .iter()
        .map(|b| b.amount_minor)
        .sum();
    assert_eq!(booked, 3000, "the journal books what went on the card");
    assert!(lookup_active(&till).await);
    let again = till
        .client
        .activation_terms(&code(BLANK))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already been sold"), "{again:?}");
}

async fn lookup_active(till: &Till) -> bool {
    till.client.lookup(&code(BLANK)).await.unwrap().active
}

#[tokio::test]
async fn an_activation_whose_answer_was_lost_is_settled_by_reading_the_card() {
    for fault in [
        Fault::DropAfterApply,
        Fault::DropBeforeApply,
        Fault::SlowAnswer(SLOW),
    ] {
        let till = Till::start().await;
        till.sim.faults.inject(fault.clone(), Target::Writes);

        let (sold, stats) = till.sell_counting(3000).await;

        assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
        assert_eq!(till.state(&sold), OpState::Succeeded, "{fault:?}");
        assert_eq!(till.card(), (3000, 1), "sold once ({fault:?})");
        assert!(till.store.review_list().unwrap().is_empty(), "{fault:?}");
    }
}

#[tokio::test]
async fn a_card_sold_elsewhere_first_goes_to_review_with_what_is_owed() {
    let till = Till::start().await;
    // Another till sells the card between the sale's payment and its activation.
    till.client
        .activate(BLANK_ID, &AccessToken::new(BLANK_TOKEN), "other till")
        .await
        .unwrap();

    let sold = till.sell(3000).await;

    assert_eq!(till.state(&sold), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(
        review[0].reason,
        "Card BL4NK5 was paid for (EUR 30.00) but not loaded: load it by hand or refund the customer. zmyle: This gift card has already been sold."
    );
    assert_eq!(till.card(), (3000, 1), "loaded once, by the other till");
}

#[tokio::test]
async fn a_sale_for_another_amount_than_the_card_loads_is_refused_before_activating() {
    let till = Till::start().await;
    let sold = till.sell(2500).await;
    assert_eq!(till.state(&sold), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert!(
        review[0].reason.contains("sells this card for EUR 30.00"),
        "{}",
        review[0].reason
    );
    assert_eq!(till.card(), (0, 0), "not activated");
}

/// zmyle's documented card, as a blank pre-printed card.
fn blank(activation: &str) -> Giftcard {
    serde_json::from_str(&format!(
        r#"{{"id": "18jja4mf08fn08f7gp9l", "shortId": "QTHX", "accessToken": "hg84zhgnzuigui4hg3hg7834",
            "balance": 0, "availableBalance": 0, "initialAmount": 2000, "currency": "EUR",
            "expectedAction": "activate", "authorizedActions": ["activate"],
            "activation": {activation}, "transactions": []}}"#
    ))
    .unwrap()
}

#[test]
fn the_activation_rules_come_from_the_card_and_a_dynamic_amount_is_refused() {
    let fixed = activation_terms(&blank(
        r#"{"amount": 2000, "minAmount": 100, "maxAmount": 25000, "isDynamicAmount": false}"#,
    ))
    .unwrap();
    assert_eq!(fixed.amount, eur(2000));
    assert_eq!((fixed.min, fixed.max), (Some(eur(100)), Some(eur(25000))));

    let dynamic = activation_terms(&blank(
        r#"{"amount": 2000, "minAmount": 100, "maxAmount": 25000, "isDynamicAmount": true}"#,
    ))
    .unwrap_err();
    assert!(
        matches!(&dynamic, ProviderError::Declined { reason, .. } if reason.contains("takes no amount")),
        "{dynamic:?}"
    );
    let mut sold = blank(r#"{"amount": 2000}"#);
    sold.expected_action = Some("redeem".into());
    sold.authorized_actions = vec!["redeem".into()];
    let refused = activation_terms(&sold).unwrap_err();
    assert!(
        refused.to_string().contains("already been sold"),
        "{refused}"
    );
}
