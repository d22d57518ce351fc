//! Leat through the outbox: prepaid wallet payments and top-ups, and reversals of gift card
//! payments, with answers lost before or after Leat applied them or coming too late. Leat has
//! no idempotency key, so every unknown outcome is settled from Leat's records first: the
//! card's or wallet's balance at the simulator moves exactly once.

mod leat_support;

use kassa_core::config::{LeatApi, LeatConfig};
use kassa_core::outbox::{Engine, EngineConfig, NewOp, OpKind, OpState, RunStats};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_providers::executor::LeatExecutor;
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{CardSpec, Entity, LeatSim};
use leat_support::{euros, Leat, TOKEN};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// Three times the client's timeout in these tests.
const SLOW: Duration = Duration::from_millis(900);

/// The faults that leave a write's outcome unknown to the till.
fn faults() -> [Fault; 3] {
    [
        Fault::DropAfterApply,
        Fault::DropBeforeApply,
        Fault::SlowAnswer(SLOW),
    ]
}

/// A till's outbox over a fresh database, driving one Leat client.
struct Till {
    store: Arc<Store>,
    engine: Engine,
    _dir: TempDir,
}

impl Till {
    /// A till that reads Leat's records for a lost answer as soon as its backoff allows.
    fn new(leat: &Leat, api: LeatApi) -> Till {
        Till::settling(leat, api, 0)
    }

    fn settling(leat: &Leat, api: LeatApi, settle_ms: u64) -> Till {
        Till::with(LeatConfig {
            settle_ms,
            ..leat.config(api)
        })
    }

    /// A till with this Leat configuration, its timeout a third of [`SLOW`].
    fn with(config: LeatConfig) -> Till {
        let config = LeatConfig {
            timeout_ms: (SLOW.as_millis() / 3) as u64,
            ..config
        };
        let client = LeatClient::new(
            &config,
            kassa_core::secrets::Secret::new(TOKEN),
            leat_support::eur(),
            Language::English,
        )
        .unwrap();
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
        .with_executor(Arc::new(LeatExecutor::new(Arc::new(client), store.clone())));
        Till {
            store,
            engine,
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

    /// The till's journal of what moved money: the sum on the card, as the journal shows it
    /// (masked: no two cards of one test here share their masked form).
    fn booked(&self, card: &str) -> i64 {
        self.store
            .booked_ops()
            .unwrap()
            .iter()
            .filter(|b| b.card_masked == Some(kassa_core::card::mask(card)))
            .map(|b| b.amount_minor)
            .sum()
    }
}

#[tokio::test]
async fn a_lost_answer_is_not_looked_for_before_leat_may_have_applied_it() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = wallet(&leat.sim);
    // The default settle time: a minute.
    let settle = LeatConfig::default_settle_ms();
    let till = Till::settling(&leat, LeatApi::Oauth, settle);
    let pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(1250));
    leat.sim
        .faults
        .inject(Fault::DropAfterApply, Target::Writes);
    till.store.enqueue(std::slice::from_ref(&pay)).unwrap();

    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let engine = &till.engine;
    let running = engine.run(stop);
    let watching = async {
        while till.state(&pay) != OpState::Unknown {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop_tx.send(true).unwrap();
    };
    let (stats, ()) = tokio::join!(running, watching);
    assert_eq!(stats.unwrap().unknown, 1);

    let op = till.store.op(&pay.id).unwrap().unwrap();
    let due = till.store.next_due(ProviderId::Leat).unwrap().unwrap();
    let sent = op.sent_at.unwrap();
    assert!(
        due - sent >= time::Duration::milliseconds(settle as i64),
        "the reconciliation waits out the settle time: sent {sent}, due {due}"
    );
    assert_eq!(
        leat.sim.prepaid_amounts(&contact),
        vec![-1250],
        "the one payment Leat applied; nothing sent again"
    );
}

/// A wallet with €40.00 behind customer card `LEATWALLET01`; returns the contact.
fn wallet(sim: &LeatSim) -> String {
    let contact = sim.add_contact("sandy@example.com", 4000);
    sim.add_identifier("LEATWALLET01", "Krabby card", Some(&contact), true);
    contact
}

#[tokio::test]
async fn a_prepaid_payment_and_top_up_whose_answers_were_lost_move_the_wallet_once() {
    for fault in faults() {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        let contact = wallet(&leat.sim);
        let till = Till::new(&leat, LeatApi::Oauth);
        let pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(1250));
        let top_up = NewOp::leat_prepaid(OpKind::Reload, "LEATWALLET01", &contact, euros(500));
        leat.sim.faults.inject(fault.clone(), Target::Writes);
        leat.sim.faults.inject(fault.clone(), Target::Writes);

        let stats = till.run(&[pay.clone(), top_up.clone()]).await;

        assert_eq!(till.state(&pay), OpState::Succeeded, "{fault:?}");
        assert_eq!(till.state(&top_up), OpState::Succeeded, "{fault:?}");
        assert!(
            stats.unknown >= 2,
            "the lost answers were noticed: {stats:?}"
        );
        assert_eq!(
            leat.sim.prepaid_amounts(&contact),
            vec![-1250, 500],
            "one payment and one top-up at Leat ({fault:?})"
        );
        assert_eq!(leat.sim.prepaid_balance(&contact), Some(3250));
        assert_eq!(till.booked("LEATWALLET01"), -750, "the journal agrees");
    }
}

#[tokio::test]
async fn a_prepaid_payment_is_settled_by_amount_where_leat_echoes_no_custom_attributes() {
    for fault in [Fault::DropAfterApply, Fault::DropBeforeApply] {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        leat.sim.set_echo_custom_attributes(false);
        let contact = wallet(&leat.sim);
        let till = Till::new(&leat, LeatApi::Oauth);
        let pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(990));
        leat.sim.faults.inject(fault.clone(), Target::Writes);

        till.run(std::slice::from_ref(&pay)).await;

        assert_eq!(till.state(&pay), OpState::Succeeded, "{fault:?}");
        assert_eq!(leat.sim.prepaid_amounts(&contact), vec![-990], "{fault:?}");
        assert_eq!(till.booked("LEATWALLET01"), -990);
    }
}

#[tokio::test]
async fn a_prepaid_payment_the_wallet_cannot_cover_goes_to_review_with_leats_reason() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = wallet(&leat.sim);
    let till = Till::new(&leat, LeatApi::Oauth);
    let pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(4001));

    till.run(std::slice::from_ref(&pay)).await;

    assert_eq!(till.state(&pay), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert!(
        review[0].reason.contains("not sufficient"),
        "{}",
        review[0].reason
    );
    assert_eq!(leat.sim.prepaid_balance(&contact), Some(4000));
}

/// A gift card payment and its reversal, enqueued together as a refund would be.
fn redeem_then_reverse(card: &str, cents: i64) -> (NewOp, NewOp) {
    let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some(card), euros(cents));
    let reverse =
        NewOp::new(ProviderId::Leat, OpKind::Reverse, Some(card), euros(cents)).after(&redeem.id);
    (redeem, reverse)
}

#[tokio::test]
async fn a_reversal_whose_answer_was_lost_undoes_the_payment_once() {
    for echo in [true, false] {
        for fault in faults() {
            let leat = Leat::start(LeatSim::new(TOKEN)).await;
            leat.sim.set_echo_custom_attributes(echo);
            leat.sim.add_card("41651", 5000, None);
            let till = Till::new(&leat, LeatApi::Oauth);
            let (redeem, reverse) = redeem_then_reverse("41651", 1000);
            till.run(std::slice::from_ref(&redeem)).await;
            leat.sim.faults.inject(fault.clone(), Target::Writes);

            let stats = till.run(std::slice::from_ref(&reverse)).await;

            assert_eq!(till.state(&reverse), OpState::Succeeded, "{fault:?} {echo}");
            assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
            assert_eq!(
                leat.sim.transaction_amounts("41651"),
                vec![5000, -1000, 1000],
                "one reversal at Leat ({fault:?}, echo {echo})"
            );
            assert_eq!(leat.sim.balance("41651"), Some(5000));
            assert_eq!(till.booked("41651"), 0, "the journal agrees");
        }
    }
}

#[tokio::test]
async fn a_payment_that_is_no_longer_the_last_is_given_back_as_a_top_up_when_the_card_takes_one() {
    for fault in faults() {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        leat.sim.add_giftcard(CardSpec {
            physical: true,
            upgradeable: true,
            ..CardSpec::new("77001", 5000)
        });
        // Upgradeable cards work on the Register family only (1114 on OAuth).
        let till = Till::new(&leat, LeatApi::Register);
        let (redeem, reverse) = redeem_then_reverse("77001", 1000);
        let later = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("77001"), euros(300));
        till.run(&[redeem.clone(), later.clone()]).await;
        leat.sim.faults.inject(fault.clone(), Target::Writes);

        till.run(std::slice::from_ref(&reverse)).await;

        assert_eq!(till.state(&reverse), OpState::Succeeded, "{fault:?}");
        let amounts = leat.sim.transaction_amounts("77001");
        assert_eq!(
            amounts,
            vec![5000, -1000, -300, 1000],
            "the refund went back once, as a top-up ({fault:?})"
        );
        assert_eq!(leat.sim.balance("77001"), Some(4700));
        assert_eq!(till.booked("77001"), -300);
    }
}

#[tokio::test]
async fn a_reversal_leat_refuses_on_a_card_that_cannot_be_topped_up_goes_to_review_with_the_reason()
{
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.add_card("41651", 5000, None);
    let till = Till::new(&leat, LeatApi::Oauth);
    let (redeem, reverse) = redeem_then_reverse("41651", 1000);
    let later = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), euros(300));
    till.run(&[redeem, later]).await;

    till.run(std::slice::from_ref(&reverse)).await;

    assert_eq!(till.state(&reverse), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    assert!(
        review[0].reason.contains("last payment")
            && review[0].reason.contains("cannot be topped up"),
        "{}",
        review[0].reason
    );
    assert!(
        !review[0].reason.contains("41651"),
        "the card code is masked"
    );
    assert_eq!(
        leat.sim.transaction_amounts("41651"),
        vec![5000, -1000, -300]
    );
}

#[tokio::test]
async fn a_partial_refund_is_one_top_up_not_a_reversal_of_the_whole_payment() {
    for fault in faults() {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        leat.sim.add_giftcard(CardSpec {
            physical: true,
            upgradeable: true,
            ..CardSpec::new("77002", 5000)
        });
        let till = Till::new(&leat, LeatApi::Register);
        let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("77002"), euros(1000));
        let part = NewOp::new(ProviderId::Leat, OpKind::Reverse, Some("77002"), euros(400))
            .after(&redeem.id);
        till.run(std::slice::from_ref(&redeem)).await;
        // The top-up is the refund's only write, so it meets the fault.
        leat.sim.faults.inject(fault.clone(), Target::Writes);

        let stats = till.run(std::slice::from_ref(&part)).await;

        assert_eq!(till.state(&part), OpState::Succeeded, "{fault:?}");
        assert!(stats.unknown >= 1, "the lost answer was noticed: {stats:?}");
        assert_eq!(
            leat.sim.transaction_amounts("77002"),
            vec![5000, -1000, 400],
            "{fault:?}"
        );
        assert_eq!(till.booked("77002"), -600);
    }
}

/// A Leat account that defines no custom attributes, as many do.
fn without_attributes(sim: &LeatSim) {
    sim.set_custom_attributes(Entity::GiftcardTransaction, &[]);
    sim.set_custom_attributes(Entity::Prepaid, &[]);
}

#[tokio::test]
async fn without_an_op_id_attribute_a_lost_answer_is_settled_by_amount_shop_and_time_and_charged_once(
) {
    for fault in faults() {
        let leat = Leat::start(LeatSim::new(TOKEN)).await;
        without_attributes(&leat.sim);
        leat.sim.add_card("41651", 5000, None);
        let contact = wallet(&leat.sim);
        let till = Till::with(LeatConfig {
            op_id_attribute: String::new(),
            settle_ms: 0,
            ..leat.config(LeatApi::Oauth)
        });
        let pay = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), euros(1000));
        let wallet_pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(700));
        leat.sim.faults.inject(fault.clone(), Target::Writes);
        leat.sim.faults.inject(fault.clone(), Target::Writes);

        let stats = till.run(&[pay.clone(), wallet_pay.clone()]).await;

        assert_eq!(till.state(&pay), OpState::Succeeded, "{fault:?}");
        assert_eq!(till.state(&wallet_pay), OpState::Succeeded, "{fault:?}");
        assert!(
            stats.unknown >= 2,
            "the lost answers were noticed: {stats:?}"
        );
        assert_eq!(
            leat.sim.transaction_amounts("41651"),
            vec![5000, -1000],
            "the card paid once ({fault:?})"
        );
        assert_eq!(
            leat.sim.prepaid_amounts(&contact),
            vec![-700],
            "the wallet paid once ({fault:?})"
        );
        assert_eq!(till.booked("41651"), -1000, "the journal agrees");
        assert_eq!(till.booked("LEATWALLET01"), -700, "the journal agrees");
    }
}

#[tokio::test]
async fn a_payment_carrying_an_attribute_the_account_lacks_is_declined_with_what_to_set() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    without_attributes(&leat.sim);
    leat.sim.add_card("41651", 5000, None);
    let contact = wallet(&leat.sim);
    // The default configuration marks payments with `kassa_op_id`.
    let till = Till::new(&leat, LeatApi::Oauth);
    let pay = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), euros(1000));
    let wallet_pay = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", &contact, euros(700));

    let stats = till.run(&[pay.clone(), wallet_pay.clone()]).await;

    assert_eq!(till.state(&pay), OpState::Declined);
    assert_eq!(till.state(&wallet_pay), OpState::Declined);
    assert_eq!(stats.unknown, 0, "a refusal, not an unknown outcome");
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 2, "both on the review list");
    for item in review {
        assert!(
            item.reason.contains("nothing was charged")
                && item.reason.contains("op_id_attribute = \"\""),
            "the installer is told what to do: {}",
            item.reason
        );
    }
    assert_eq!(leat.sim.transaction_amounts("41651"), vec![5000]);
    assert_eq!(leat.sim.prepaid_amounts(&contact), Vec::<i64>::new());
    assert_eq!(till.booked("41651"), 0);
}

#[tokio::test]
async fn a_reversal_leat_refuses_as_an_increment_goes_to_review_saying_to_give_the_money_back() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.set_reverse_is_increment(true);
    leat.sim.add_card("41651", 5000, None);
    let till = Till::new(&leat, LeatApi::Oauth);
    let (redeem, reverse) = redeem_then_reverse("41651", 1000);
    till.run(std::slice::from_ref(&redeem)).await;

    till.run(std::slice::from_ref(&reverse)).await;

    assert_eq!(till.state(&reverse), OpState::Declined);
    let review = till.store.review_list().unwrap();
    assert_eq!(review.len(), 1);
    let reason = &review[0].reason;
    assert!(
        reason.contains("5006") && reason.contains("give the customer EUR 10.00 another way"),
        "{reason}"
    );
    assert!(!reason.contains("41651"), "the card code is masked");
    assert_eq!(
        leat.sim.transaction_amounts("41651"),
        vec![5000, -1000],
        "neither a reversal nor a top-up"
    );
    assert_eq!(till.booked("41651"), -1000);
}
