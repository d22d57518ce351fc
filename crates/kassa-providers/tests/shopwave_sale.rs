//! The Shopwave client records sales in the Shopwave simulator, over real HTTP on loopback.
//! The simulator answers as Shopwave documents (records keyed by its own ids, nothing of ours
//! echoed) and honours only the documented filters.

mod shopwave_support;

use kassa_core::pos::{BasketToWrite, PaymentKind, PaymentToRecord, PosPayment, PosRecorder};
use kassa_core::provider::ProviderError;
use kassa_providers::executor::{new_basket, record_sale};
use kassa_sim::faults::{Fault, Target};
use shopwave_support::{baskets, one, record, sale, setup};

use PaymentKind::{App, Card, Cash, Voucher};

#[tokio::test]
async fn a_sale_paid_three_ways_is_recorded_complete_and_reads_back_the_same() {
    let s = setup().await;
    let sale = sale("sale-1", &[Cash, Card, Voucher]);
    let (basket, payments) = record(&s.client, &sale).await;
    assert!(basket.completed);
    assert_eq!(basket.reference, "sale-1");
    assert_eq!(basket.total_minor(), 999);
    assert!(payments.iter().all(|p| p.completed));

    let found = s
        .client
        .find_baskets(std::slice::from_ref(&basket.id))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let read = &found[0];
    assert_eq!(
        (read.id.as_str(), read.reference.as_str()),
        (basket.id.as_str(), "sale-1")
    );
    assert_eq!(read.store_id, "7");
    assert!(read.completed);
    assert_eq!(
        read.lines, sale.lines,
        "lines in sale order, names and prices exact"
    );
    assert_eq!(read.note.as_deref(), Some("test sale"));

    let mut read = s
        .client
        .find_payments(std::slice::from_ref(&basket.id))
        .await
        .unwrap();
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

    // The back-office holds exactly this sale, once, our references in its documented fields.
    let stored = s.sim.baskets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name.as_deref(), Some("Kassa sale sale-1"));
    assert_eq!(stored[0].products[1].product_instance_id, Some(88));
    let notes: Vec<_> = s.sim.transactions().into_iter().map(|t| t.note).collect();
    assert!(notes.contains(&Some("Kassa payment sale-1.p3 VOUCHER payment".into())));
    assert_eq!(notes.len(), 3);
}

#[tokio::test]
async fn a_completion_repeated_after_a_dropped_answer_is_recorded_once() {
    let s = setup().await;
    let sale = sale("sale-2", &[Voucher]);
    let basket = baskets(&s.client, std::slice::from_ref(&sale))
        .await
        .remove(0);
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

/// The basket's and then the payment's answers are lost after Shopwave applied them; each
/// send again reads back by the basket's id first and finds them: one basket, one payment.
#[tokio::test]
async fn answers_lost_after_the_basket_and_the_payment_were_applied_record_the_sale_once() {
    let s = setup().await;
    let sale = sale("sale-3", &[Cash]);
    let basket_id = new_basket(&s.client, &sale).await.unwrap();

    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let lost = record_sale(&s.client, &sale, &basket_id).await.unwrap_err();
    assert!(
        matches!(lost, ProviderError::OutcomeUnknown { .. }),
        "{lost:?}"
    );
    let written = s.sim.baskets();
    assert_eq!(written[0].products.len(), 2, "the lines were written");

    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let lost = record_sale(&s.client, &sale, &basket_id).await.unwrap_err();
    assert!(
        matches!(lost, ProviderError::OutcomeUnknown { .. }),
        "{lost:?}"
    );
    assert_eq!(s.sim.transactions().len(), 1, "the payment was made");

    let basket = record_sale(&s.client, &sale, &basket_id).await.unwrap();
    assert!(basket.completed);
    let baskets = s.sim.baskets();
    assert_eq!(baskets.len(), 1, "one basket: {baskets:?}");
    assert_eq!(baskets[0].products.len(), 2, "its lines once");
    assert!(baskets[0].complete_date.is_some());
    let payments = s.sim.transactions();
    assert_eq!(payments.len(), 1, "one payment: {payments:?}");
    assert!(payments[0].complete_date.is_some());
    assert_eq!(payments[0].amount, 999);

    // Sending once more changes nothing.
    record_sale(&s.client, &sale, &basket_id).await.unwrap();
    assert_eq!((s.sim.baskets().len(), s.sim.transactions().len()), (1, 1));
}

#[tokio::test]
async fn an_unanswered_create_is_settled_by_reading_back_by_the_basket_id() {
    let s = setup().await;
    let sale = sale("sale-4", &[Cash, App]);
    let basket = baskets(&s.client, std::slice::from_ref(&sale))
        .await
        .remove(0);
    s.sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let outcomes = s
        .client
        .create_payments(&sale.payments_for(&basket.id))
        .await;
    assert!(outcomes
        .iter()
        .all(|o| matches!(o.result, Err(ProviderError::OutcomeUnknown { .. }))));

    let found = s
        .client
        .find_payments(std::slice::from_ref(&basket.id))
        .await
        .unwrap();
    let mut references: Vec<_> = found.iter().map(|p| p.reference.as_str()).collect();
    references.sort();
    assert_eq!(references, ["sale-4.p1", "sale-4.p2"]);

    // A basket id nobody has reads as nothing.
    assert!(s
        .client
        .find_baskets(&["99999".into()])
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .client
        .find_payments(&["99999".into()])
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_batch_of_450_payments_goes_in_calls_of_at_most_200() {
    let s = setup().await;
    let sales: Vec<_> = (0..3).map(|i| sale(&format!("b{i}"), &[Cash])).collect();
    let baskets = baskets(&s.client, &sales).await;
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
        let made = o.result.as_ref().unwrap();
        assert_eq!(
            (made.reference.as_str(), made.amount_minor),
            (asked.payment.reference.as_str(), asked.payment.amount_minor),
            "each matched to its own record"
        );
    }
    let created: Vec<_> = created.into_iter().map(|o| o.result.unwrap()).collect();
    let completed = s.client.complete_payments(&created).await;
    assert!(completed
        .iter()
        .zip(&created)
        .all(|(o, c)| o.result.as_ref().unwrap()
            == &kassa_core::pos::RecordedPayment {
                completed: true,
                ..c.clone()
            }));

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
    let ids: Vec<String> = baskets.iter().map(|b| b.id.clone()).collect();
    assert_eq!(s.client.find_payments(&ids).await.unwrap().len(), 450);
}

#[tokio::test]
async fn baskets_are_batched_with_their_lines_counted() {
    let s = setup().await;
    // 70 sales of 2 lines weigh 3 objects each: 66 fit in a call of 200 (198 objects).
    let sales: Vec<_> = (0..70).map(|i| sale(&format!("s{i}"), &[Cash])).collect();
    let written = baskets(&s.client, &sales).await;
    let calls: Vec<_> = s
        .sim
        .write_calls()
        .iter()
        .map(|c| (c.method, c.objects))
        .collect();
    assert_eq!(calls, [("POST", 70), ("PUT", 198), ("PUT", 12)]);
    let references: Vec<_> = written.iter().map(|b| b.reference.clone()).collect();
    let asked: Vec<_> = sales.iter().map(|s| s.reference.clone()).collect();
    assert_eq!(references, asked, "each sale in its own basket");
}

#[tokio::test]
async fn a_partial_success_gives_each_object_its_own_outcome() {
    let s = setup().await;
    let open = sale("open", &[Cash]);
    let done = sale("done", &[Cash]);
    let (done_basket, _) = record(&s.client, &done).await;
    let open_basket = baskets(&s.client, std::slice::from_ref(&open))
        .await
        .remove(0);
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
    let write = |basket_id: &str, sale| BasketToWrite {
        basket_id: basket_id.into(),
        sale,
    };
    let mut odd = sale("odd", &[Cash]);
    odd.lines[0].product_instance_id = Some("not-a-number".into());
    let outcomes = s
        .client
        .write_baskets(&[
            write("5541", sale("has space", &[Cash])),
            write("5542", odd),
            write("not-an-id", sale("fine", &[Cash])),
        ])
        .await;
    let reasons: Vec<String> = outcomes
        .into_iter()
        .map(|o| match o.result {
            Err(ProviderError::Declined { reason, .. }) => reason,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(reasons[0].contains("has space"), "{}", reasons[0]);
    assert!(reasons[1].contains("product instance"), "{}", reasons[1]);
    assert!(reasons[2].contains("basket"), "{}", reasons[2]);
    assert!(s.sim.write_calls().is_empty(), "nothing was sent");

    let twice = sale("twice", &[Cash]);
    let id = one(s.client.new_baskets(std::slice::from_ref(&twice)).await);
    let outcomes = s
        .client
        .write_baskets(&[write(&id, twice.clone()), write(&id, twice)])
        .await;
    assert!(outcomes[0].result.is_ok());
    assert!(matches!(
        outcomes[1].result,
        Err(ProviderError::Declined { .. })
    ));
    assert_eq!(s.sim.baskets()[0].products.len(), 2, "written once");
}

#[tokio::test]
async fn server_trouble_is_sorted_by_what_the_till_can_do() {
    let s = setup().await;
    let sale = sale("sale-6", &[Cash]);
    s.sim.faults.inject(Fault::ServerError(500), Target::Writes);
    let outcome = s
        .client
        .new_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0);
    assert!(
        matches!(outcome.result, Err(ProviderError::OutcomeUnknown { .. })),
        "a 500 on a write may have been applied: {:?}",
        outcome.result
    );
    s.sim.faults.inject(Fault::Maintenance, Target::Writes);
    let outcome = s
        .client
        .new_baskets(std::slice::from_ref(&sale))
        .await
        .remove(0);
    assert!(outcome.result.as_ref().unwrap_err().is_retryable());
    s.sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 9,
        },
        Target::Any,
    );
    let err = s.client.find_baskets(&["5541".into()]).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unavailable {
            message: "Shopwave asks the till to slow down.".into(),
            retry_after: Some(std::time::Duration::from_secs(9))
        }
    );
    s.sim.faults.inject(Fault::ServerError(500), Target::Any);
    let err = s.client.find_baskets(&["5541".into()]).await.unwrap_err();
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
    let err = client.find_baskets(&["1".into()]).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let outcome = client.new_baskets(&[sale("x", &[Cash])]).await.remove(0);
    assert!(
        matches!(outcome.result, Err(ProviderError::Unreachable { .. })),
        "nothing left the till, so it is not unknown: {:?}",
        outcome.result
    );
}
