//! A gift card transaction whose answer never came is settled from Leat's own records: by the
//! operation id in `custom_attributes`, or, where Leat does not echo them, by amount, shop and
//! time.

mod leat_support;

use kassa_core::config::LeatApi;
use kassa_core::provider::ProviderError;
use kassa_providers::leat::{
    LeatClient, Reconciliation, UnknownPrepaidWrite, UnknownWrite, Wallet,
};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::LeatSim;
use leat_support::{euros, op_id, Leat, TOKEN};
use time::OffsetDateTime;

/// Sends a redeem that meets `fault`; returns what the till would keep about it.
async fn redeem_into(
    leat: &Leat,
    client: &LeatClient,
    card: &str,
    cents: i64,
    fault: Fault,
) -> UnknownWrite {
    let op = op_id();
    let sent_at = OffsetDateTime::now_utc();
    leat.sim.faults.inject(fault, Target::Writes);
    let err = client
        .create_giftcard_transaction(card, &euros(cents), &op)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    UnknownWrite {
        op_id: op,
        giftcard_hash: "41651".into(),
        amount: euros(cents),
        sent_at,
    }
}

#[tokio::test]
async fn a_redeem_applied_before_the_connection_dropped_is_found_by_its_op_id() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    let client = leat.client(LeatApi::Oauth);
    // Another redeem of the same amount at the same shop, which is not ours.
    client
        .create_giftcard_transaction(&card, &euros(-1000), &op_id())
        .await
        .unwrap();
    let write = redeem_into(&leat, &client, &card, -1000, Fault::DropAfterApply).await;
    assert_eq!(
        leat.sim.balance("41651"),
        Some(3000),
        "the write was applied"
    );

    let Reconciliation::Applied(txn) = client.reconcile_giftcard_transaction(&write).await.unwrap()
    else {
        panic!("not found")
    };
    assert_eq!(txn.op_id.as_deref(), Some(write.op_id.as_str()));
    assert_eq!(txn.amount, euros(-1000));
    assert_eq!(txn.card_uuid.as_deref(), Some(card.as_str()));
}

#[tokio::test]
async fn a_redeem_dropped_before_it_was_applied_is_not_applied_and_safe_to_send_again() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    let client = leat.client(LeatApi::Oauth);
    client
        .create_giftcard_transaction(&card, &euros(-1000), &op_id())
        .await
        .unwrap();
    let write = redeem_into(&leat, &client, &card, -1000, Fault::DropBeforeApply).await;
    assert_eq!(
        client.reconcile_giftcard_transaction(&write).await.unwrap(),
        Reconciliation::NotApplied
    );
    client
        .create_giftcard_transaction(&card, &write.amount, &write.op_id)
        .await
        .unwrap();
    assert_eq!(leat.sim.balance("41651"), Some(3000));
}

#[tokio::test]
async fn a_redeem_that_timed_out_is_found_once_it_was_booked() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    let mut config = leat.config(LeatApi::Oauth);
    config.timeout_ms = 200;
    let client = leat.client_with(config, TOKEN);
    let slow = Fault::SlowAnswer(std::time::Duration::from_millis(800));
    let write = redeem_into(&leat, &client, &card, -700, slow).await;
    assert!(matches!(
        client.reconcile_giftcard_transaction(&write).await.unwrap(),
        Reconciliation::Applied(t) if t.amount == euros(-700)
    ));
}

#[tokio::test]
async fn without_echoed_attributes_the_amount_in_the_window_decides() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.set_echo_custom_attributes(false);
    let card = leat.sim.add_card("41651", 5000, None);
    let client = leat.client(LeatApi::Oauth);

    let lost = redeem_into(&leat, &client, &card, -1200, Fault::DropBeforeApply).await;
    assert_eq!(
        client.reconcile_giftcard_transaction(&lost).await.unwrap(),
        Reconciliation::NotApplied,
        "no transaction of this amount"
    );

    let applied = redeem_into(&leat, &client, &card, -1200, Fault::DropAfterApply).await;
    let found = client
        .reconcile_giftcard_transaction(&applied)
        .await
        .unwrap();
    assert!(
        matches!(&found, Reconciliation::Applied(t) if t.amount == euros(-1200) && t.op_id.is_none()),
        "{found:?}"
    );

    // A second redeem of the same amount: the records no longer tell which is ours.
    let twin = redeem_into(&leat, &client, &card, -1200, Fault::DropAfterApply).await;
    assert!(matches!(
        client.reconcile_giftcard_transaction(&twin).await.unwrap(),
        Reconciliation::StillUnknown { .. }
    ));
    assert_eq!(leat.sim.balance("41651"), Some(2600));
}

#[tokio::test]
async fn a_reconciliation_that_cannot_read_the_records_says_so() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    let client = leat.client(LeatApi::Oauth);
    let write = redeem_into(&leat, &client, &card, -100, Fault::DropAfterApply).await;
    leat.sim.faults.inject(Fault::Maintenance, Target::Any);
    let err = client
        .reconcile_giftcard_transaction(&write)
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(matches!(
        client.reconcile_giftcard_transaction(&write).await.unwrap(),
        Reconciliation::Applied(_)
    ));
}

#[tokio::test]
async fn a_wallet_payment_whose_answer_was_lost_is_settled_by_amount_and_time() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("sandy@example.com", 4000);
    leat.sim
        .add_identifier("LEATWALLET01", "Card", Some(&contact), true);
    let client = leat.client(LeatApi::Oauth);
    for (fault, cents, expected_balance) in [
        (Fault::DropBeforeApply, -900, 4000),
        (Fault::DropAfterApply, -900, 3100),
    ] {
        let write = UnknownPrepaidWrite {
            op_id: None,
            contact_uuid: contact.clone(),
            amount: euros(cents),
            sent_at: OffsetDateTime::now_utc(),
        };
        leat.sim.faults.inject(fault.clone(), Target::Writes);
        let err = client
            .create_prepaid_transaction(Wallet::Identifier("LEATWALLET01"), &write.amount)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ProviderError::OutcomeUnknown { .. }),
            "{err:?}"
        );
        assert_eq!(leat.sim.prepaid_balance(&contact), Some(expected_balance));
        let settled = client.reconcile_prepaid_transaction(&write).await.unwrap();
        match fault {
            Fault::DropBeforeApply => assert_eq!(settled, Reconciliation::NotApplied),
            _ => assert!(
                matches!(&settled, Reconciliation::Applied(t) if t.amount == euros(-900) && t.balance_after == Some(euros(3100))),
                "{settled:?}"
            ),
        }
    }
}
