//! The hold watchdog after a crash, against the zmyle simulator: holds the killed till left
//! behind are confirmed (sale completed) or cancelled (sale abandoned) after the restart, before
//! they expire; a hold that expired before its confirm went out goes to the review list.

use kassa_core::config::ZmyleConfig;
use kassa_core::holds::HoldState;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::watchdog::EXPIRED_BEFORE_CONFIRM;
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState, WatchdogConfig};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::Secret;
use kassa_core::store::Store;
use kassa_providers::executor::ZmyleExecutor;
use kassa_providers::zmyle::ZmyleClient;
use kassa_sim::server::serve;
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

const TTL: Duration = Duration::from_secs(30 * 60);

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn engine(db: &Path, url: &str, watchdog: Option<WatchdogConfig>) -> (Arc<Store>, Engine) {
    let store = Arc::new(Store::open(db).unwrap());
    let client = ZmyleClient::new(
        &ZmyleConfig {
            base_url: url.to_string(),
            idempotency_header: ZmyleConfig::default_idempotency_header(),
            card_pattern: ZmyleConfig::default_pattern(),
            timeout_ms: 2_000,
            store: Some("watchdog".into()),
            metadata: Default::default(),
            hold_minutes: ZmyleConfig::default_hold_minutes(),
        },
        Secret::new("key"),
        Secret::new("secret"),
        eur(0).currency,
    )
    .unwrap();
    let config = EngineConfig {
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        poll: Duration::from_millis(10),
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(store.clone(), config)
        .with_executor(Arc::new(ZmyleExecutor::new(Arc::new(client))));
    if let Some(watchdog) = watchdog {
        engine = engine.with_watchdog(watchdog);
    }
    (store, engine)
}

fn reserve(card: &str, sale: &str) -> NewOp {
    NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some(card), eur(700)).in_sale(sale)
}

fn settle(kind: OpKind, reserve: &NewOp) -> NewOp {
    NewOp::new(
        ProviderId::Zmyle,
        kind,
        reserve.card_code.as_deref(),
        eur(700),
    )
    .in_sale(reserve.sale_id.as_deref().unwrap())
    .after(&reserve.id)
}

async fn sim() -> (ZmyleSim, kassa_sim::Running) {
    let sim = ZmyleSim::new("key", "secret");
    sim.set_intent_ttl(TTL);
    for (i, short) in ["WDA1", "WDB2", "WDC3"].into_iter().enumerate() {
        sim.add_card(CardSpec::active(
            &format!("18jja4mf08fnwd00000{i}"),
            short,
            &format!("wdtoken00000000000000{i}"),
            5_000,
        ));
    }
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

#[tokio::test]
async fn holds_left_by_a_killed_till_are_confirmed_or_cancelled_after_restart() {
    let (sim, running) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kassa.sqlite3");
    let completed = reserve("WDA1", "sale-a");
    let abandoned = reserve("WDB2", "sale-b");
    let confirm = settle(OpKind::Confirm, &completed);
    {
        // The till before the crash: both holds placed, sale A completed, and the process
        // killed while A's confirm was on its way.
        let (store, engine) = engine(&db, &running.url(), None);
        store.enqueue(std::slice::from_ref(&completed)).unwrap();
        store.enqueue(std::slice::from_ref(&abandoned)).unwrap();
        engine.run_until_idle().await.unwrap();
        assert_eq!(store.open_holds().unwrap().len(), 2);
        assert_eq!(sim.balances("WDA1"), Some((5_000, 4_300)));
        assert_eq!(sim.balances("WDB2"), Some((5_000, 4_300)));
        store.enqueue(std::slice::from_ref(&confirm)).unwrap();
        let in_flight = store
            .claim_due(ProviderId::Zmyle, OffsetDateTime::now_utc(), 5)
            .unwrap();
        assert_eq!(in_flight[0].id, confirm.id);
    }
    // After the restart: a hold without a confirm counts as abandoned at once.
    let watchdog = WatchdogConfig {
        abandon_after: Duration::ZERO,
        ..WatchdogConfig::default()
    };
    let (store, engine) = engine(&db, &running.url(), Some(watchdog));
    engine.run_until_idle().await.unwrap();

    assert_eq!(sim.balances("WDA1"), Some((4_300, 4_300)), "sale A paid");
    assert_eq!(
        sim.balances("WDB2"),
        Some((5_000, 5_000)),
        "sale B released"
    );
    assert!(store.open_holds().unwrap().is_empty());
    let state_of = |op: &NewOp| {
        let intent = store.op(&op.id).unwrap().unwrap().provider_ref.unwrap();
        store
            .hold(ProviderId::Zmyle, &intent)
            .unwrap()
            .unwrap()
            .state
    };
    assert_eq!(state_of(&completed), HoldState::Confirmed);
    assert_eq!(state_of(&abandoned), HoldState::Cancelled);
    let booked: Vec<i64> = store
        .booked_ops()
        .unwrap()
        .iter()
        .filter(|b| b.amount_minor != 0)
        .map(|b| b.amount_minor)
        .collect();
    assert_eq!(booked, [-700], "only sale A took money");
    assert!(store.review_list().unwrap().is_empty());
}

#[tokio::test]
async fn a_hold_that_expired_while_the_till_was_down_goes_to_review() {
    let (sim, running) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kassa.sqlite3");
    let held = reserve("WDC3", "sale-c");
    let confirm = settle(OpKind::Confirm, &held);
    {
        let (store, engine) = engine(&db, &running.url(), None);
        store.enqueue(std::slice::from_ref(&held)).unwrap();
        engine.run_until_idle().await.unwrap();
        // The sale completes, and the till dies before the confirm goes out.
        store.enqueue(std::slice::from_ref(&confirm)).unwrap();
    }
    // The till stays down past the hold's expiry; zmyle releases the money.
    sim.advance(TTL + Duration::from_secs(1));
    let store = Store::open(&db).unwrap();
    let expires_at = store.open_holds().unwrap()[0].expires_at;
    let report = store
        .watch_holds(
            expires_at + Duration::from_secs(1),
            &WatchdogConfig::default(),
        )
        .unwrap();
    assert_eq!(report.expired_to_review, 1);
    let review = store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].op.id, confirm.id);
    assert_eq!(review[0].op.state, OpState::Declined);
    assert_eq!(review[0].reason, EXPIRED_BEFORE_CONFIRM);
    assert_eq!(review[0].op.amount, eur(700));
    assert_eq!(sim.balances("WDC3"), Some((5_000, 5_000)), "not charged");
    assert_eq!(store.unfinished_ops().unwrap(), 0);
}
