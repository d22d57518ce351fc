//! Selling a new Leat gift card: an `activate` operation with no card makes a digital card in
//! the configured program (`POST giftcards`, `type` 1), notes it on the operation before
//! anything else, then loads it with a top-up carrying the operation id. Every later attempt
//! loads the noted card: a lost load is settled from the card's transactions, never a second
//! card nor a second load. A create whose answer was lost noted nothing: the next attempt
//! makes another card, and the lost one stays empty (the known limit).

mod leat_support;

use kassa_core::checkout::new_cards::MadeCard;
use kassa_core::config::{LeatApi, LeatConfig};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState, RunStats};
use kassa_core::provider::{GiftCardProvider, ProviderError, ProviderId};
use kassa_core::store::Store;
use kassa_providers::executor::LeatExecutor;
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{LeatSim, DEFAULT_ATTRIBUTE, DEFAULT_PROGRAM_UUID};
use leat_support::{euros, Leat, TOKEN};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// Three times the client's timeout in these tests.
const SLOW: Duration = Duration::from_millis(900);

/// A card's hash and its transactions: the mark each carries (our op id) and its amount.
type CardAtLeat = (String, Vec<(Option<String>, i64)>);

struct Till {
    leat: Leat,
    client: Arc<LeatClient>,
    store: Arc<Store>,
    engine: Engine,
    _dir: TempDir,
}

impl Till {
    async fn start() -> Till {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        let config = LeatConfig {
            giftcard_program_uuid: Some(DEFAULT_PROGRAM_UUID.into()),
            timeout_ms: (SLOW.as_millis() / 3) as u64,
            settle_ms: 0,
            ..leat.config(LeatApi::Oauth)
        };
        let client = Arc::new(
            LeatClient::new(
                &config,
                kassa_core::secrets::Secret::new(TOKEN),
                leat_support::eur(),
                Language::English,
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
        .with_executor(Arc::new(LeatExecutor::new(client.clone(), store.clone())));
        Till {
            leat,
            client,
            store,
            engine,
            _dir: dir,
        }
    }

    /// Sells a new card for `cents` and runs the outbox until it is done.
    async fn sell(&self, cents: i64) -> (NewOp, RunStats) {
        let mut op =
            NewOp::new(ProviderId::Leat, OpKind::Activate, None, euros(cents)).in_sale("s-1");
        op.payload["owed"] = "A new Leat gift card was paid for (EUR 20.00) but not made and loaded: make one by hand or refund the customer.".into();
        self.store.enqueue(std::slice::from_ref(&op)).unwrap();
        let stats = self.engine.run_until_idle().await.unwrap();
        (op, stats)
    }

    fn made(&self, op: &NewOp) -> MadeCard {
        let op = self.store.op(&op.id).unwrap().unwrap();
        MadeCard::from_ref(op.provider_ref.as_deref().expect("a card is noted")).unwrap()
    }

    /// Every card at Leat but the ones the test started with (none): hash → its transactions.
    fn cards(&self) -> Vec<CardAtLeat> {
        let mut cards: Vec<_> = self
            .leat
            .sim
            .hashes()
            .into_iter()
            .map(|h| {
                let txns = self.leat.sim.marked_transactions(&h, DEFAULT_ATTRIBUTE);
                (h, txns)
            })
            .collect();
        cards.sort_by_key(|(_, txns)| txns.len());
        cards
    }
}

#[tokio::test]
async fn a_new_card_is_made_in_the_program_noted_then_loaded_with_the_op_id() {
    let till = Till::start().await;
    let (sold, _) = till.sell(2_000).await;

    assert_eq!(
        till.store.op(&sold.id).unwrap().unwrap().state,
        OpState::Succeeded
    );
    let made = till.made(&sold);
    assert_eq!(
        till.cards(),
        [(made.code.clone(), vec![(Some(sold.id.clone()), 2_000)])],
        "one card, loaded once with our mark"
    );
    let card = till.client.find_giftcard(&made.code).await.unwrap();
    assert_eq!(card.uuid, made.uuid);
    assert_eq!(card.card_type, "DIGITAL");
    assert_eq!(card.program_uuid.as_deref(), Some(DEFAULT_PROGRAM_UUID));
    assert_eq!(card.balance, euros(2_000));
    assert_eq!(made.url, card.url);
    assert!(
        made.url.as_deref().is_some_and(|u| u.ends_with(&made.code)),
        "{made:?}"
    );
}

#[tokio::test]
async fn a_lost_load_is_settled_once_on_the_one_card_made() {
    for fault in [
        Fault::DropAfterApply,
        Fault::DropBeforeApply,
        Fault::SlowAnswer(SLOW),
    ] {
        let till = Till::start().await;
        // The create answers (at once); the load's answer is lost.
        till.leat
            .sim
            .faults
            .inject(Fault::SlowAnswer(Duration::ZERO), Target::Writes);
        till.leat.sim.faults.inject(fault.clone(), Target::Writes);

        let (sold, stats) = till.sell(2_000).await;

        assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
        assert_eq!(
            till.store.op(&sold.id).unwrap().unwrap().state,
            OpState::Succeeded,
            "{fault:?}"
        );
        let made = till.made(&sold);
        assert_eq!(
            till.cards(),
            [(made.code, vec![(Some(sold.id.clone()), 2_000)])],
            "one card, one load ({fault:?})"
        );
        assert!(till.store.review_list().unwrap().is_empty(), "{fault:?}");
    }
}

#[tokio::test]
async fn a_lost_create_makes_another_card_and_loads_only_that_one() {
    let till = Till::start().await;
    till.leat
        .sim
        .faults
        .inject(Fault::DropAfterApply, Target::Writes);

    let (sold, stats) = till.sell(2_000).await;

    assert!(stats.unknown >= 1, "{stats:?}");
    let made = till.made(&sold);
    let cards = till.cards();
    assert_eq!(cards.len(), 2, "the lost card stays at Leat: {cards:?}");
    assert_eq!(cards[0].1, [], "empty");
    assert_eq!(
        cards[1],
        (made.code, vec![(Some(sold.id.clone()), 2_000)]),
        "the noted one is loaded, once"
    );
    assert!(till.store.review_list().unwrap().is_empty());
}

#[tokio::test]
async fn without_a_program_the_till_sells_no_new_leat_card() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let client = leat.client(LeatApi::Oauth);
    let refused = client.makes_new_cards().unwrap_err();
    assert!(
        matches!(&refused, ProviderError::Config { message } if message.contains("giftcard_program_uuid")),
        "{refused:?}"
    );
    assert!(leat.sim.hashes().is_empty(), "nothing was made");
}
