//! zmyle refunds through the outbox: a reversal that depends on a confirmed payment refunds
//! the card transaction the confirm made, with the operation id as idempotency key. An answer
//! lost before or after zmyle applied the refund, or coming too late, is sent again with the
//! same key, so the card's balance at the simulator moves exactly once. After zmyle's 14
//! days the refund is refused for review with a reason a manager can act on.

use kassa_core::config::ZmyleConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{
    Engine, EngineConfig, NewOp, OpExecutor, OpKind, OpState, Reconciled, RunStats,
};
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::secrets::Secret;
use kassa_core::store::Store;
use kassa_providers::executor::ZmyleExecutor;
use kassa_providers::zmyle::ZmyleClient;
use kassa_sim::faults::{Fault, Target};
use kassa_sim::server::{serve, Running};
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// Three times the client's timeout in these tests.
const SLOW: Duration = Duration::from_millis(900);
const DAY: Duration = Duration::from_secs(24 * 3600);

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

/// A zmyle simulator with card QTHX (€20.00) and a till's outbox driving a client for it.
struct Till {
    sim: ZmyleSim,
    store: Arc<Store>,
    engine: Engine,
    /// The engine's executor, for a test that takes its steps one by one.
    executor: Arc<ZmyleExecutor>,
    _running: Running,
    _dir: TempDir,
}

impl Till {
    async fn start() -> Till {
        let sim = ZmyleSim::new("key", "secret");
        sim.add_card(CardSpec::active(
            "18jja4mf08fn08f7gp9l",
            "QTHX",
            "hg84zhgnzuigui4hg3hg7834",
            2000,
        ));
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
        let client = ZmyleClient::new(
            &config,
            Secret::new("key"),
            Secret::new("secret"),
            eur(0).currency,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let executor = Arc::new(ZmyleExecutor::new(Arc::new(client)));
        let engine = Engine::new(
            store.clone(),
            EngineConfig {
                min_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(50),
                poll: Duration::from_millis(10),
                ..EngineConfig::default()
            },
        )
        .with_executor(executor.clone());
        Till {
            sim,
            store,
            engine,
            executor,
            _running: running,
            _dir: dir,
        }
    }

    async fn run(&self, ops: &[NewOp]) -> RunStats {
        self.store.enqueue(ops).unwrap();
        self.engine.run_until_idle().await.unwrap()
    }

    fn state(&self, op: &NewOp) -> OpState {
        self.store.op(&op.id).unwrap().unwrap().state
    }

    /// A paid sale: a hold on QTHX confirmed; returns the confirm, which a refund follows.
    async fn pay(&self, cents: i64) -> NewOp {
        let reserve =
            NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(cents)).in_sale("s-1");
        let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(cents))
            .in_sale("s-1")
            .after(&reserve.id);
        self.run(&[reserve, confirm.clone()]).await;
        assert_eq!(self.state(&confirm), OpState::Succeeded);
        confirm
    }

    /// The card's confirmed balance at zmyle.
    fn balance(&self) -> i64 {
        self.sim.balances("QTHX").unwrap().0
    }

    /// The till's journal of QTHX's balance changes.
    fn booked(&self) -> i64 {
        self.store
            .booked_ops()
            .unwrap()
            .iter()
            .map(|b| b.amount_minor)
            .sum()
    }
}

/// The refund of part of a confirmed payment, in a later refund sale.
fn refund(confirm: &NewOp, cents: i64) -> NewOp {
    NewOp::new(ProviderId::Zmyle, OpKind::Reverse, Some("QTHX"), eur(cents))
        .in_sale("refund-1")
        .after(&confirm.id)
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_sent_again_with_its_key_and_applied_once() {
    for fault in [
        Fault::DropAfterApply,
        Fault::DropBeforeApply,
        Fault::SlowAnswer(SLOW),
    ] {
        let till = Till::start().await;
        let confirm = till.pay(1000).await;
        assert_eq!(till.balance(), 1000);
        // A part of the payment, so that a second refund would fit and show.
        let give_back = refund(&confirm, 400);
        till.sim.faults.inject(fault.clone(), Target::Writes);

        let stats = till.run(std::slice::from_ref(&give_back)).await;

        assert_eq!(till.state(&give_back), OpState::Succeeded, "{fault:?}");
        assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
        assert_eq!(till.balance(), 1400, "refunded once ({fault:?})");
        assert_eq!(till.booked(), -600, "the journal agrees");
        let op = till.store.op(&give_back.id).unwrap().unwrap();
        assert!(
            op.provider_ref.is_some(),
            "the refund's transaction is kept"
        );
    }
}

#[tokio::test]
async fn a_refund_after_zmyles_fourteen_days_goes_to_review_with_the_reason() {
    let till = Till::start().await;
    let confirm = till.pay(1000).await;
    till.sim.advance(15 * DAY);
    let give_back = refund(&confirm, 1000);

    till.run(std::slice::from_ref(&give_back)).await;

    assert_eq!(till.state(&give_back), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert!(review[0].reason.contains("14 days"), "{}", review[0].reason);
    assert_eq!(till.balance(), 1000, "nothing was refunded");
}

#[tokio::test]
async fn refunds_of_one_payment_stop_at_what_was_paid() {
    let till = Till::start().await;
    let confirm = till.pay(1000).await;
    let first = refund(&confirm, 700);
    let second = refund(&confirm, 700);

    till.run(&[first.clone(), second.clone()]).await;

    assert_eq!(till.state(&first), OpState::Succeeded);
    assert_eq!(till.state(&second), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert!(
        review[0].reason.contains("more than is left to refund"),
        "{}",
        review[0].reason
    );
    assert_eq!(till.balance(), 1700);
}

/// A confirm held up on its way: the till reads the hold as still open and sends the confirm
/// again, which zmyle refuses because the first one has been applied meanwhile. The till reads
/// the hold again and records the payment as made: the card was charged, once.
#[tokio::test]
async fn a_confirm_applied_late_is_recorded_as_made_not_as_refused() {
    let till = Till::start().await;
    let reserve =
        NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(700)).in_sale("s-2");
    till.run(std::slice::from_ref(&reserve)).await;
    assert_eq!(till.state(&reserve), OpState::Succeeded);
    let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(700))
        .in_sale("s-2")
        .after(&reserve.id);
    till.store.enqueue(std::slice::from_ref(&confirm)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let op = till
        .store
        .claim_due(ProviderId::Zmyle, now, 1)
        .unwrap()
        .remove(0);
    let late = Duration::from_millis(100);
    till.sim
        .faults
        .inject(Fault::ApplyLate(late), Target::Writes);

    let lost = till.executor.execute(&op).await.unwrap_err();
    assert!(
        matches!(lost, ProviderError::OutcomeUnknown { .. }),
        "{lost:?}"
    );
    let read = till.executor.reconcile(&op).await.unwrap();
    assert_eq!(read, Reconciled::NotApplied, "the hold still looks open");
    tokio::time::sleep(late * 3).await;
    let sent_again = till.executor.execute(&op).await;

    let outcome = sent_again.expect("the payment was made");
    assert!(
        outcome.provider_ref.is_some(),
        "its card transaction is kept"
    );
    assert_eq!(till.balance(), 1300, "charged once");
}
