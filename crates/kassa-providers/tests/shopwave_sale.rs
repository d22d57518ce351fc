//! The Shopwave client records sales in the Shopwave simulator, over real HTTP on loopback.

mod shopwave_support;

use kassa_core::pos::{PaymentKind, PaymentToRecord, PosPayment, PosRecorder};
use kassa_core::provider::ProviderError;
use kassa_sim::faults::{Fault, Target};
use shopwave_support::{record, sale, setup};

use PaymentKind::{App, Card, Cash, Voucher};

#[tokio::test]
async fn a_sale_paid_three_ways_is_recorded_complete_and_reads_back_the_same() {
    let s = setup().await;
    let sale = sale("sale-1", &[Cash, Card, Voucher]);
    let (basket, payments) = record(&s.client, &sale).await;
    assert!(basket.completed);
    assert_eq!(basket.total_minor(), 999);
    assert!(payments.iter().all(|p| p.completed));

    let found = s.client.find_baskets(&["sale-1".into()]).await.unwrap();
    assert_eq!(found.len(), 1);
    let read = &found[0];
    assert_eq!(read.id, basket.id);
    assert_eq!(read.store_id, "7");
    assert!(read.completed);
    assert_eq!(
        read.lines, sale.lines,
        "lines in sale order, names and prices exact"
    );
    assert_eq!(read.note.as_deref(), Some("test sale"));

    let refs: Vec<String> = sale.payments.iter().map(|p| p.reference.clone()).collect();
    let mut read = s.client.find_payments(&refs).await.unwrap();
    read.sort_by(|a, b| a.reference.cmp(&b.reference));
    let seen: Vec<_> = read
        .iter()
        .map(|p| (p.reference.as_str(), p.kind, p.amount_minor, p.completed))
        .collect();
    assert_eq!(
        seen,
        [
            ("sale-1.p1", Cash, 333, true),
            ("sale-1.p2", Card, 333, true),
            ("sale-1.p3", Voucher, 333, true),
        ]
    );
    assert!(read.iter().all(|p| p.basket_id == basket.id));
    assert_eq!(read[2].note.as_deref(), Some("VOUCHER payment"));

    // The back-office holds exactly this sale, once.
    assert_eq!(s.sim.baskets().len(), 1);
    assert_eq!(s.sim.transactions().len(), 3);
    assert_eq!(s.sim.baskets()[0].products[1].product_instance_id, Some(88));
}

#[tokio::test]
async fn a_completion_repeated_after_a_dropped_answer_is_recorded_once() {
    let s = setup().await;
    let sale = sale("sale-2", &[Voucher]);
    let basket = s
        .client
        .create_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0)
        .result
        .unwrap();
    let created: Vec<_> = s
        .client
        .create_payments(&sale.payments_for(&basket.id))
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect();

    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let first = s.client.complete_payments(&created).await;
    assert!(
        matches!(first[0].result, Err(ProviderError::OutcomeUnknown { .. })),
        "a write without an answer is unknown, never failed: {:?}",
        first[0].result
    );
    // Shopwave did complete it; the repeat meets 602 Already Complete, which is success.
    let again = s.client.complete_payments(&created).await;
    let payment = again[0].result.as_ref().unwrap();
    assert!(payment.completed);
    assert_eq!(payment.reference, "sale-2.p1");

    let stored = s.sim.transactions();
    assert_eq!(stored.len(), 1, "recorded once");
    assert!(stored[0].complete_date.is_some());
    assert_eq!(stored[0].amount, 999);
}

#[tokio::test]
async fn an_unanswered_create_is_settled_by_reading_back_and_not_sent_twice() {
    let s = setup().await;
    let sale = sale("sale-3", &[Cash, App]);
    let basket = s
        .client
        .create_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0)
        .result
        .unwrap();
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let outcomes = s
        .client
        .create_payments(&sale.payments_for(&basket.id))
        .await;
    assert!(outcomes
        .iter()
        .all(|o| matches!(o.result, Err(ProviderError::OutcomeUnknown { .. }))));

    // Reconcile: what Shopwave has under our references was created; only the rest is resent.
    let refs: Vec<String> = outcomes.iter().map(|o| o.reference.clone()).collect();
    let found = s.client.find_payments(&refs).await.unwrap();
    assert_eq!(found.len(), 2);
    let missing: Vec<PaymentToRecord> = sale
        .payments_for(&basket.id)
        .into_iter()
        .filter(|p| !found.iter().any(|f| f.reference == p.payment.reference))
        .collect();
    assert!(missing.is_empty());
    assert_eq!(s.sim.transactions().len(), 2, "nothing doubled");

    // Likewise a basket whose create got no answer.
    let other = shopwave_support::sale("sale-4", &[Cash]);
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let lost = s.client.create_baskets(&[other]).await;
    assert!(matches!(
        lost[0].result,
        Err(ProviderError::OutcomeUnknown { .. })
    ));
    let found = s.client.find_baskets(&["sale-4".into()]).await.unwrap();
    assert_eq!(found[0].lines.len(), 2);
    assert!(s
        .client
        .find_baskets(&["sale-9".into()])
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_batch_of_450_payments_goes_in_calls_of_at_most_200() {
    let s = setup().await;
    let sales: Vec<_> = (0..3).map(|i| sale(&format!("b{i}"), &[Cash])).collect();
    let baskets: Vec<_> = s
        .client
        .create_baskets(&sales)
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect();
    let to_record: Vec<PaymentToRecord> = (0..450)
        .map(|i| PaymentToRecord {
            basket_id: baskets[i % 3].id.clone(),
            payment: PosPayment {
                reference: format!("op-{i:04}"),
                kind: Cash,
                amount_minor: 100 + i as i64,
                tip_minor: 0,
                note: None,
            },
        })
        .collect();
    let created = s.client.create_payments(&to_record).await;
    assert_eq!(created.len(), 450);
    for (o, asked) in created.iter().zip(&to_record) {
        assert_eq!(
            o.reference, asked.payment.reference,
            "outcomes in the order asked"
        );
        assert_eq!(
            o.result.as_ref().unwrap().amount_minor,
            asked.payment.amount_minor
        );
    }
    let created: Vec<_> = created.into_iter().map(|o| o.result.unwrap()).collect();
    let completed = s.client.complete_payments(&created).await;
    assert!(completed
        .iter()
        .all(|o| o.result.as_ref().unwrap().completed));

    let calls: Vec<_> = s
        .sim
        .write_calls()
        .into_iter()
        .filter(|c| c.path == "/transaction")
        .map(|c| (c.method, c.objects))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", 200),
            ("POST", 200),
            ("POST", 50),
            ("PUT", 200),
            ("PUT", 200),
            ("PUT", 50)
        ]
    );
    assert_eq!(s.sim.transactions().len(), 450);
    let refs: Vec<String> = to_record
        .iter()
        .map(|p| p.payment.reference.clone())
        .collect();
    assert_eq!(s.client.find_payments(&refs).await.unwrap().len(), 450);
}

#[tokio::test]
async fn baskets_are_batched_with_their_lines_counted() {
    let s = setup().await;
    // 70 sales of 2 lines weigh 3 objects each: 66 fit in a call of 200 (198 objects).
    let sales: Vec<_> = (0..70).map(|i| sale(&format!("s{i}"), &[Cash])).collect();
    let outcomes = s.client.create_baskets(&sales).await;
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    let calls: Vec<_> = s.sim.write_calls().iter().map(|c| c.objects).collect();
    assert_eq!(calls, [198, 12]);
}

#[tokio::test]
async fn a_partial_success_gives_each_object_its_own_outcome() {
    let s = setup().await;
    let open = sale("open", &[Cash]);
    let done = sale("done", &[Cash]);
    let (done_basket, _) = record(&s.client, &done).await;
    let open_basket = s
        .client
        .create_baskets(std::slice::from_ref(&open))
        .await
        .remove(0)
        .result
        .unwrap();
    let payment = |reference: &str, basket_id: &str| PaymentToRecord {
        basket_id: basket_id.into(),
        payment: PosPayment {
            reference: reference.into(),
            kind: Card,
            amount_minor: 500,
            tip_minor: 50,
            note: None,
        },
    };
    let outcomes = s
        .client
        .create_payments(&[
            payment("ok", &open_basket.id),
            payment("late", &done_basket.id),
            payment("lost", "1"),
        ])
        .await;
    let ok = outcomes[0].result.as_ref().unwrap();
    assert_eq!(
        (ok.amount_minor, ok.tip_minor, ok.completed),
        (500, 50, false)
    );
    assert!(
        matches!(&outcomes[1].result, Err(ProviderError::Declined { code, .. }) if code == "601"),
        "a payment against a complete basket: {:?}",
        outcomes[1].result
    );
    assert!(
        matches!(outcomes[2].result, Err(ProviderError::NotFound { .. })),
        "{:?}",
        outcomes[2].result
    );
    assert_eq!(
        outcomes
            .iter()
            .map(|o| o.reference.as_str())
            .collect::<Vec<_>>(),
        ["ok", "late", "lost"]
    );
}

#[tokio::test]
async fn completing_a_complete_basket_again_is_success() {
    let s = setup().await;
    let (basket, _) = record(&s.client, &sale("sale-5", &[Cash])).await;
    let again = s
        .client
        .complete_baskets(std::slice::from_ref(&basket))
        .await;
    assert_eq!(again[0].result.as_ref().unwrap(), &basket);
    assert_eq!(s.sim.baskets().len(), 1);
}

#[tokio::test]
async fn what_cannot_be_sent_is_refused_before_any_call() {
    let s = setup().await;
    let bad = sale("has space", &[Cash]);
    let mut twice = sale("twice", &[Cash]);
    twice.lines[0].product_instance_id = Some("not-a-number".into());
    let outcomes = s.client.create_baskets(&[bad, twice.clone()]).await;
    assert!(matches!(
        outcomes[0].result,
        Err(ProviderError::Declined { .. })
    ));
    assert_eq!(outcomes[0].reference, "has space");
    let Err(ProviderError::Declined { reason, .. }) = &outcomes[1].result else {
        panic!("{:?}", outcomes[1].result);
    };
    assert!(reason.contains("product instance"), "{reason}");
    assert!(s.sim.write_calls().is_empty(), "nothing was sent");

    twice.lines[0].product_instance_id = None;
    let outcomes = s.client.create_baskets(&[twice.clone(), twice]).await;
    assert!(outcomes[0].result.is_ok());
    assert!(matches!(
        outcomes[1].result,
        Err(ProviderError::Declined { .. })
    ));
    assert_eq!(s.sim.baskets().len(), 1);
}

#[tokio::test]
async fn server_trouble_is_sorted_by_what_the_till_can_do() {
    let s = setup().await;
    let sale = sale("sale-6", &[Cash]);
    s.sim.faults.inject(Fault::ServerError(500), Target::Writes);
    let outcome = s
        .client
        .create_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0);
    assert!(
        matches!(outcome.result, Err(ProviderError::OutcomeUnknown { .. })),
        "a 500 on a create may have been applied: {:?}",
        outcome.result
    );
    s.sim.faults.inject(Fault::Maintenance, Target::Writes);
    let outcome = s
        .client
        .create_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0);
    assert!(outcome.result.as_ref().unwrap_err().is_retryable());
    s.sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 9,
        },
        Target::Any,
    );
    let err = s.client.find_baskets(&["sale-6".into()]).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unavailable {
            message: "Shopwave asks the till to slow down.".into(),
            retry_after: Some(std::time::Duration::from_secs(9))
        }
    );
    s.sim.faults.inject(Fault::ServerError(500), Target::Any);
    let err = s.client.find_baskets(&["sale-6".into()]).await.unwrap_err();
    assert!(err.is_retryable(), "a failed read can be repeated: {err:?}");
    assert!(s.sim.baskets().is_empty(), "faults applied nothing");
}

#[tokio::test]
async fn a_closed_port_is_unreachable_for_reads_and_writes_alike() {
    let url = {
        let s = setup().await;
        s.running.url()
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let s = setup().await;
    let client = kassa_providers::shopwave::ShopwaveClient::new(
        &shopwave_support::config(&url, 200),
        s.secrets.clone(),
    )
    .unwrap();
    let err = client.find_baskets(&["x".into()]).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let outcome = client.create_baskets(&[sale("x", &[Cash])]).await.remove(0);
    assert!(
        matches!(outcome.result, Err(ProviderError::Unreachable { .. })),
        "nothing left the till, so it is not unknown: {:?}",
        outcome.result
    );
}
