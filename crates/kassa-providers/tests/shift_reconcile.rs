//! A shift reconciled against Leat's own records: the till's payments go through the outbox to
//! the Leat simulator, the shift closes, and then Leat's ledger is changed behind the till's
//! back — one payment deleted, one's amount rewritten, one booked that no till made. The Z
//! report shows exactly those three differences, each kept until a manager settles it; and
//! with Leat down the comparison is pending, then completed once Leat answers.

mod leat_support;

use kassa_core::config::LeatApi;
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::shifts::reconcile::{ProviderLedger, Reconciler};
use kassa_core::store::Store;
use kassa_providers::executor::LeatExecutor;
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{LeatSim, DEFAULT_ATTRIBUTE};
use leat_support::{eur, euros, Leat, TOKEN};
use std::sync::Arc;
use std::time::Duration;

struct Till {
    store: Arc<Store>,
    engine: Engine,
    reconciler: Reconciler,
    _dir: tempfile::TempDir,
}

fn till(leat: &Leat) -> Till {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
    let client = Arc::new(leat.client(LeatApi::Oauth));
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
    let ledger: Arc<dyn ProviderLedger> = client;
    Till {
        reconciler: Reconciler::new(store.clone(), vec![ledger]),
        store,
        engine,
        _dir: dir,
    }
}

impl Till {
    /// A shift in which these payments reach Leat; returns the closed shift's number.
    async fn shift(&self, ops: &[NewOp]) -> i64 {
        self.store.open_shift_with(&eur(), 0).unwrap();
        self.store.enqueue(ops).unwrap();
        self.engine.run_until_idle().await.unwrap();
        for op in ops {
            let op = self.store.op(&op.id).unwrap().unwrap();
            assert_eq!(op.state, OpState::Succeeded, "{op:?}");
        }
        self.store.close_shift(0).unwrap().shift.id
    }
}

fn pay(card: &str, cents: i64) -> NewOp {
    NewOp::new(ProviderId::Leat, OpKind::Redeem, Some(card), euros(cents))
}

#[tokio::test]
async fn a_missing_an_extra_and_a_changed_transaction_are_exactly_the_differences() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    for card in ["4165000001", "4165000002", "4165000003", "4165000004"] {
        leat.sim.add_card(card, 5_000, None);
    }
    let till = till(&leat);
    let (kept, deleted, changed, fourth) = (
        pay("4165000001", 500),
        pay("4165000002", 700),
        pay("4165000003", 900),
        pay("4165000004", 1_000),
    );
    let shift = till
        .shift(&[
            kept.clone(),
            deleted.clone(),
            changed.clone(),
            fourth.clone(),
        ])
        .await;

    let first = till.reconciler.reconcile(shift).await.unwrap();
    assert_eq!(first.providers[0].state, "done");
    assert_eq!(first.providers[0].compared, 4);
    assert!(first.differences.is_empty(), "{:?}", first.differences);

    assert!(leat
        .sim
        .delete_marked_transaction(DEFAULT_ATTRIBUTE, &deleted.id));
    assert!(leat
        .sim
        .set_marked_transaction_amount(DEFAULT_ATTRIBUTE, &changed.id, -9_00 - 1));
    let extra = leat.sim.book_unmarked_transaction("4165000001", -12_00);

    till.reconciler.reconcile(shift).await.unwrap();
    let z = till.store.z_report(Some(shift)).unwrap();
    let mut found: Vec<_> = z
        .reconciliation
        .differences
        .iter()
        .map(|d| {
            (
                d.kind.as_str(),
                d.op_id.clone(),
                d.provider_ref.clone(),
                d.expected_minor,
                d.actual_minor,
            )
        })
        .collect();
    found.sort();
    let changed_ref = found
        .iter()
        .find(|f| f.0 == "amount")
        .and_then(|f| f.2.clone());
    assert!(changed_ref.is_some(), "{found:?}");
    assert_eq!(
        found,
        vec![
            (
                "amount",
                Some(changed.id.clone()),
                changed_ref,
                Some(-900),
                Some(-901)
            ),
            ("extra", None, Some(extra), None, Some(-1200)),
            ("missing", Some(deleted.id.clone()), None, Some(-700), None),
        ]
    );
    assert_eq!(z.reconciliation.providers[0].compared, 4);
    let text: Vec<String> = kassa_core::shifts::text::rows(&z, 48)
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(
        text.iter()
            .filter(|l| l.contains(" leat ") && l.trim_start().starts_with('#'))
            .count(),
        3,
        "{text:#?}"
    );

    // The review list: each difference until a manager settles it.
    let open = till.store.open_differences().unwrap();
    assert_eq!(open.len(), 3);
    till.store
        .settle_difference(open[0].id, "booked by the head office, checked")
        .unwrap();
    assert_eq!(till.store.open_differences().unwrap().len(), 2);
    // Comparing again finds nothing new.
    till.reconciler.reconcile(shift).await.unwrap();
    assert_eq!(till.store.open_differences().unwrap().len(), 2);
    let journal = till.store.recent_journal(50).unwrap();
    assert_eq!(
        journal
            .iter()
            .filter(|j| j.kind == "reconciliation")
            .count(),
        4,
        "three differences found and one settled, each journalled once"
    );
}

#[tokio::test]
async fn with_leat_down_the_comparison_is_pending_then_completed_at_the_next_sync() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.add_card("4165000009", 5_000, None);
    let till = till(&leat);
    let shift = till.shift(&[pay("4165000009", 1_250)]).await;

    leat.sim.faults.inject(Fault::Maintenance, Target::Any);
    let pending = till.reconciler.reconcile(shift).await.unwrap();
    assert_eq!(pending.providers[0].state, "pending");
    assert!(pending.providers[0].message.is_some());
    assert!(pending.differences.is_empty());
    let z = till.store.z_report(Some(shift)).unwrap();
    let text: Vec<String> = kassa_core::shifts::text::rows(&z, 40)
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert!(
        text.iter()
            .any(|l| l.contains("leat") && l.ends_with("PENDING")),
        "{text:#?}"
    );

    assert_eq!(till.reconciler.complete_pending().await.unwrap(), 1);
    let done = till.store.z_report(Some(shift)).unwrap().reconciliation;
    assert_eq!(done.providers[0].state, "done");
    assert_eq!(done.providers[0].compared, 1);
    assert!(done.differences.is_empty(), "{:?}", done.differences);
    assert_eq!(till.reconciler.complete_pending().await.unwrap(), 0);
}
