//! A shift reconciled against zmyle: the till's payments (holds confirmed) and a refund go
//! through the outbox to the zmyle simulator, the shift closes, and then zmyle's holds are
//! changed behind the till's back — one shown cancelled, one's amount rewritten, one
//! forgotten. Each confirm is read back through its hold, so the Z report shows exactly those
//! three differences; the refund is not compared (zmyle has no read for it) and the Z report
//! says what zmyle's records cannot show.

use kassa_core::config::ZmyleConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::secrets::Secret;
use kassa_core::shifts::reconcile::{ProviderLedger, Reconciler};
use kassa_core::store::Store;
use kassa_providers::executor::ZmyleExecutor;
use kassa_providers::zmyle::ZmyleClient;
use kassa_sim::server::serve;
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use std::sync::Arc;
use std::time::Duration;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

/// A hold of `cents` on QTHX in sale `sale`, and its confirm.
fn pay(sale: &str, cents: i64) -> (NewOp, NewOp) {
    let reserve =
        NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(cents)).in_sale(sale);
    let confirm = NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(cents))
        .in_sale(sale)
        .after(&reserve.id);
    (reserve, confirm)
}

#[tokio::test]
async fn a_cancelled_a_changed_and_a_forgotten_hold_are_exactly_the_differences() {
    let sim = ZmyleSim::new("key", "secret");
    sim.add_card(CardSpec::active(
        "18jja4mf08fn08f7gp9l",
        "QTHX",
        "hg84zhgnzuigui4hg3hg7834",
        10_000,
    ));
    let running = serve(sim.router()).await.unwrap();
    let config = ZmyleConfig {
        base_url: running.url(),
        idempotency_header: ZmyleConfig::default_idempotency_header(),
        card_pattern: ZmyleConfig::default_pattern(),
        timeout_ms: 2_000,
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
    let ledger: Arc<dyn ProviderLedger> = client;
    let reconciler = Reconciler::new(store.clone(), vec![ledger]);

    let payments = [
        pay("s-1", 300),
        pay("s-2", 500),
        pay("s-3", 700),
        pay("s-4", 900),
    ];
    let refund = NewOp::new(ProviderId::Zmyle, OpKind::Reverse, Some("QTHX"), eur(100))
        .in_sale("r-1")
        .after(&payments[0].1.id);
    store.open_shift_with(&eur(0).currency, 0).unwrap();
    let mut ops: Vec<NewOp> = payments
        .iter()
        .flat_map(|(r, c)| [r.clone(), c.clone()])
        .collect();
    ops.push(refund.clone());
    store.enqueue(&ops).unwrap();
    engine.run_until_idle().await.unwrap();
    for op in &ops {
        let op = store.op(&op.id).unwrap().unwrap();
        assert_eq!(op.state, OpState::Succeeded, "{op:?}");
    }
    let intent = |i: usize| {
        store
            .op(&payments[i].0.id)
            .unwrap()
            .unwrap()
            .provider_ref
            .unwrap()
    };
    let shift = store.close_shift(0).unwrap().shift.id;

    let first = reconciler.reconcile(shift).await.unwrap();
    assert_eq!(first.providers[0].provider, "zmyle");
    assert_eq!(first.providers[0].state, "done");
    assert_eq!(
        first.providers[0].compared, 4,
        "the four confirms, not the refund"
    );
    assert!(first.differences.is_empty(), "{:?}", first.differences);

    assert!(sim.mark_intent_cancelled(&intent(1)));
    assert!(sim.set_intent_amount(&intent(2), 701));
    assert!(sim.forget_intent(&intent(3)));

    reconciler.reconcile(shift).await.unwrap();
    let z = store.z_report(Some(shift)).unwrap();
    let mut found: Vec<_> = z
        .reconciliation
        .differences
        .iter()
        .map(|d| {
            (
                d.kind.clone(),
                d.op_id.clone(),
                d.expected_minor,
                d.actual_minor,
            )
        })
        .collect();
    found.sort();
    let mut want = vec![
        (
            "amount".to_string(),
            Some(payments[1].1.id.clone()),
            Some(-500),
            Some(0),
        ),
        (
            "amount".to_string(),
            Some(payments[2].1.id.clone()),
            Some(-700),
            Some(-701),
        ),
        (
            "missing".to_string(),
            Some(payments[3].1.id.clone()),
            Some(-900),
            None,
        ),
    ];
    want.sort();
    assert_eq!(found, want);

    let text: Vec<String> = kassa_core::shifts::text::rows(&z, 48)
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(
        text.iter()
            .filter(|l| l.contains(" zmyle ") && l.trim_start().starts_with('#'))
            .count(),
        3,
        "{text:#?}"
    );
    let all = text.join(" ");
    assert!(
        all.contains("without the card's code"),
        "the Z report says what zmyle cannot show: {text:#?}"
    );
}
