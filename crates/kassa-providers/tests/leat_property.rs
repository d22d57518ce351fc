//! Property: any sequence of redeems, top-ups and reverses, some of them losing their answer,
//! keeps the simulator's balance equal to the sum of the card's transactions and never
//! negative; every refusal is the one Leat's rules call for; and the client's view (the card's
//! balance, its transaction list, reconciliation of lost answers) agrees.

mod leat_support;

use kassa_core::config::LeatApi;
use kassa_core::provider::ProviderError;
use kassa_providers::leat::{LeatClient, Reconciliation, TransactionFilter, UnknownWrite};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{CardSpec, LeatSim};
use leat_support::{euros, op_id, Leat, TOKEN};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const HASH: &str = "41651";
const MAX: i64 = 10_000;

#[derive(Debug, Clone)]
enum Op {
    Redeem(i64),
    TopUp(i64),
    /// Reverses the n-th transaction from the end (0: the last one).
    Reverse(usize),
    /// A redeem whose connection drops after Leat booked it, settled by reconciliation.
    RedeemAnswerLost(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1i64..=3_000).prop_map(Op::Redeem),
        2 => (1i64..=3_000).prop_map(Op::TopUp),
        2 => (0usize..3).prop_map(Op::Reverse),
        1 => (1i64..=3_000).prop_map(Op::RedeemAnswerLost),
    ]
}

/// What Leat's documented rules say about the card, kept by the test.
struct Model {
    balance: i64,
    upgradeable: bool,
    incremented: bool,
    /// The card's transactions, oldest first: uuid and amount.
    txns: Vec<(String, i64)>,
}

impl Model {
    /// The code Leat refuses a new transaction of `amount` with, if any.
    fn refusal(&self, amount: i64) -> Option<&'static str> {
        if amount > 0 && !self.upgradeable && self.incremented {
            Some("5006")
        } else {
            self.bounds(amount)
        }
    }

    fn bounds(&self, amount: i64) -> Option<&'static str> {
        if amount > 0 && self.balance + amount > MAX {
            Some("5008")
        } else if self.balance + amount < 0 {
            Some("5003")
        } else {
            None
        }
    }

    fn book(&mut self, uuid: String, amount: i64) {
        self.balance += amount;
        self.incremented |= amount > 0;
        self.txns.push((uuid, amount));
    }
}

fn code_of(result: &Result<impl std::fmt::Debug, ProviderError>) -> Option<String> {
    match result {
        Ok(_) => None,
        Err(ProviderError::Declined { code, .. }) => Some(code.clone()),
        Err(other) => Some(format!("unexpected {other:?}")),
    }
}

async fn run(
    client: &LeatClient,
    leat: &Leat,
    card: &str,
    model: &mut Model,
    op: &Op,
) -> Result<(), TestCaseError> {
    match op {
        Op::Redeem(c) | Op::TopUp(c) => {
            let amount = if matches!(op, Op::Redeem(_)) { -c } else { *c };
            let result = client
                .create_giftcard_transaction(card, &euros(amount), &op_id())
                .await;
            prop_assert_eq!(code_of(&result), model.refusal(amount).map(String::from));
            if let Ok(txn) = result {
                prop_assert_eq!(txn.amount.clone(), euros(amount));
                model.book(txn.uuid.unwrap(), amount);
            }
        }
        Op::Reverse(back) => {
            let Some(index) = model.txns.len().checked_sub(back + 1) else {
                return Ok(());
            };
            let (uuid, amount) = model.txns[index].clone();
            let result = client.reverse_giftcard_transaction(&uuid).await;
            let expected = if index + 1 != model.txns.len() {
                Some("55025")
            } else {
                model.bounds(-amount)
            };
            prop_assert_eq!(code_of(&result), expected.map(String::from));
            if let Ok(txn) = result {
                prop_assert_eq!(txn.amount.clone(), euros(-amount));
                model.book(txn.uuid.unwrap(), -amount);
            }
        }
        Op::RedeemAnswerLost(c) => {
            let write = UnknownWrite {
                op_id: op_id(),
                giftcard_hash: HASH.into(),
                amount: euros(-c),
                sent_at: time::OffsetDateTime::now_utc(),
            };
            leat.sim
                .faults
                .inject(Fault::DropAfterApply, Target::Writes);
            let result = client
                .create_giftcard_transaction(card, &write.amount, &write.op_id)
                .await;
            // Booked or refused, the answer was dropped with the connection.
            let unknown = matches!(result, Err(ProviderError::OutcomeUnknown { .. }));
            prop_assert!(unknown, "the write answered {:?}", result);
            let refusal = model.refusal(-c);
            match client.reconcile_giftcard_transaction(&write).await {
                Ok(Reconciliation::Applied(txn)) => {
                    prop_assert!(refusal.is_none(), "applied although Leat refuses it");
                    model.book(txn.uuid.unwrap(), -c);
                }
                Ok(Reconciliation::NotApplied) => prop_assert!(refusal.is_some()),
                other => prop_assert!(false, "reconciliation answered {:?}", other),
            }
        }
    }
    let booked = leat.sim.transaction_amounts(HASH);
    let balance = leat.sim.balance(HASH).unwrap();
    prop_assert_eq!(balance, booked.iter().sum::<i64>());
    prop_assert!(balance >= 0);
    prop_assert_eq!(balance, model.balance);
    Ok(())
}

#[test]
fn any_sequence_of_operations_keeps_the_books_straight() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0i64..=5_000,
        any::<bool>(),
        proptest::collection::vec(op(), 0..=20),
    );
    runner
        .run(&strategy, |(initial, upgradeable, ops)| {
            runtime.block_on(async {
                let sim = LeatSim::new(TOKEN);
                let program = sim.add_program("Property cards", MAX);
                let card = sim.add_giftcard(CardSpec {
                    physical: upgradeable,
                    upgradeable,
                    program_uuid: Some(program),
                    ..CardSpec::new(HASH, initial)
                });
                let leat = Leat::start(sim).await;
                // Leat takes upgradeable cards on its Register family only (1114).
                let api = if upgradeable {
                    LeatApi::Register
                } else {
                    LeatApi::Oauth
                };
                let client = leat.client(api);
                let issue = client
                    .list_giftcard_transactions(&TransactionFilter::card(HASH))
                    .await
                    .unwrap();
                let mut model = Model {
                    balance: 0,
                    upgradeable,
                    incremented: false,
                    txns: Vec::new(),
                };
                for txn in issue.items {
                    model.book(txn.uuid.unwrap(), txn.amount.minor);
                }
                for op in &ops {
                    run(&client, &leat, &card, &mut model, op).await?;
                }
                let seen = client.find_giftcard(HASH).await.unwrap();
                prop_assert_eq!(seen.balance, euros(model.balance));
                let listed = client
                    .list_giftcard_transactions(&TransactionFilter::card(HASH))
                    .await
                    .unwrap();
                let listed: Vec<(String, i64)> = listed
                    .items
                    .into_iter()
                    .map(|t| (t.uuid.unwrap(), t.amount.minor))
                    .collect();
                prop_assert_eq!(listed, model.txns.clone());
                Ok(())
            })
        })
        .unwrap();
}
