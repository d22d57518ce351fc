//! The outbox queue's tests: enqueue, claim order, outcomes, withdrawal and recovery, on a
//! real SQLite file.

use super::*;
use crate::outbox::model::OpOutcome;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("kassa.sqlite3")).unwrap()
}

fn ids(ops: &[Op]) -> Vec<&str> {
    ops.iter().map(|o| o.id.as_str()).collect()
}

#[test]
fn an_enqueued_op_survives_a_restart_pending() {
    let dir = tempfile::tempdir().unwrap();
    let op =
        NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), eur(500)).in_sale("sale-1");
    store(&dir).enqueue(std::slice::from_ref(&op)).unwrap();
    let again = store(&dir);
    let stored = again.op(&op.id).unwrap().unwrap();
    assert_eq!(stored.state, OpState::Pending);
    assert_eq!(stored.amount, eur(500));
    assert_eq!(stored.sale_id.as_deref(), Some("sale-1"));
    assert_eq!(again.unfinished_ops().unwrap(), 1);
}

#[test]
fn a_batch_with_a_duplicate_id_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let a = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(1));
    let b = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("2"), eur(2));
    s.enqueue(std::slice::from_ref(&a)).unwrap();
    assert!(s.enqueue(&[b.clone(), a]).is_err());
    assert!(s.op(&b.id).unwrap().is_none(), "nothing of the batch stays");
}

#[test]
fn ops_on_one_card_are_claimed_one_at_a_time_in_creation_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let first = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(1));
    let second = NewOp::new(ProviderId::Leat, OpKind::Reload, Some("A"), eur(2));
    let other = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("B"), eur(3));
    s.enqueue(&[first.clone(), second.clone(), other.clone()])
        .unwrap();
    let claimed = s.claim_due(ProviderId::Leat, now, 10).unwrap();
    assert_eq!(ids(&claimed), [first.id.as_str(), other.id.as_str()]);
    assert!(claimed.iter().all(|o| o.state == OpState::Sending));
    assert!(s.claim_due(ProviderId::Leat, now, 10).unwrap().is_empty());
    s.record(
        &claimed[0],
        &Transition::Succeeded(OpOutcome::default()),
        now,
    )
    .unwrap();
    let next = s.claim_due(ProviderId::Leat, now, 10).unwrap();
    assert_eq!(ids(&next), [second.id.as_str()]);
}

/// The engine's group commit: an answer and the work it frees are one flush.
#[test]
fn an_outcome_and_the_claim_of_the_next_op_on_its_card_are_written_together() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let first = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("A"), eur(1));
    let second = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("A"), eur(2));
    s.enqueue(&[first.clone(), second.clone()]).unwrap();
    let sent = s.claim_due(ProviderId::Lightspeed, now, 8).unwrap();
    assert_eq!(ids(&sent), [first.id.as_str()]);

    let answered = (
        sent[0].clone(),
        Transition::Succeeded(OpOutcome {
            provider_ref: Some("txn-1".into()),
            hold_expires_at: None,
        }),
    );
    let claimed = s
        .record_and_claim(&[answered], &[(ProviderId::Lightspeed, 8)], now)
        .unwrap();
    assert_eq!(claimed.len(), 1, "one list per provider asked");
    assert_eq!(
        ids(&claimed[0]),
        [second.id.as_str()],
        "the card's next, at once"
    );

    // Both are on disk: another connection sees the outcome, journalled, and the claim.
    let again = store(&dir);
    let done = again.op(&first.id).unwrap().unwrap();
    assert_eq!(done.state, OpState::Succeeded);
    assert_eq!(done.provider_ref.as_deref(), Some("txn-1"));
    assert_eq!(
        again.booked_ops().unwrap().len(),
        1,
        "the redemption is in the journal"
    );
    assert_eq!(
        again.op(&second.id).unwrap().unwrap().state,
        OpState::Sending
    );
}

#[test]
fn a_dependent_waits_for_its_dependency_and_sees_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("QTHX"), eur(700));
    let confirm =
        NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("QTHX"), eur(700)).after(&reserve.id);
    s.enqueue(&[reserve.clone(), confirm.clone()]).unwrap();
    let claimed = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
    assert_eq!(ids(&claimed), [reserve.id.as_str()]);
    let expires = now + Duration::from_secs(1800);
    s.record(
        &claimed[0],
        &Transition::Succeeded(OpOutcome {
            provider_ref: Some("intent-1".into()),
            hold_expires_at: Some(expires),
        }),
        now,
    )
    .unwrap();
    assert_eq!(s.open_holds().unwrap().len(), 1, "the hold is stored");
    let next = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
    assert_eq!(ids(&next), [confirm.id.as_str()]);
    assert_eq!(next[0].dependency_ref.as_deref(), Some("intent-1"));
    s.record(
        &next[0],
        &Transition::Succeeded(OpOutcome {
            provider_ref: Some("txn-9".into()),
            hold_expires_at: None,
        }),
        now,
    )
    .unwrap();
    assert!(s.open_holds().unwrap().is_empty(), "the hold is confirmed");
    let journal = s.recent_journal(5).unwrap();
    assert_eq!(
        journal[0].amount_minor,
        Some(-700),
        "the confirm took the money"
    );
    assert_eq!(journal[1].amount_minor, Some(0), "the hold moved none");
}

#[test]
fn a_dependent_of_a_declined_op_is_closed_without_review() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("Q"), eur(700));
    let confirm =
        NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("Q"), eur(700)).after(&reserve.id);
    s.enqueue(&[reserve.clone(), confirm.clone()]).unwrap();
    let claimed = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
    s.record(
        &claimed[0],
        &Transition::Declined {
            reason: "Not enough balance".into(),
        },
        now,
    )
    .unwrap();
    assert!(s.claim_due(ProviderId::Zmyle, now, 10).unwrap().is_empty());
    assert_eq!(s.op(&confirm.id).unwrap().unwrap().state, OpState::Declined);
    assert_eq!(s.unfinished_ops().unwrap(), 0);
    assert_eq!(s.queue_summary().unwrap().in_review, 1, "only the refusal");
}

#[test]
fn what_depends_on_a_moot_operation_is_moot_too_and_the_card_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("Q"), eur(700));
    let confirm =
        NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some("Q"), eur(700)).after(&reserve.id);
    let refund =
        NewOp::new(ProviderId::Zmyle, OpKind::Reverse, Some("Q"), eur(700)).after(&confirm.id);
    let next = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("Q"), eur(100));
    s.enqueue(&[
        reserve.clone(),
        confirm.clone(),
        refund.clone(),
        next.clone(),
    ])
    .unwrap();
    let claimed = s.claim_due(ProviderId::Zmyle, now, 10).unwrap();
    s.record(
        &claimed[0],
        &Transition::Declined {
            reason: "Not enough balance".into(),
        },
        now,
    )
    .unwrap();
    assert_eq!(s.op(&refund.id).unwrap().unwrap().state, OpState::Declined);
    assert_eq!(
        ids(&s.claim_due(ProviderId::Zmyle, now, 10).unwrap()),
        [next.id.as_str()],
        "the card's next sale is sent"
    );
    assert_eq!(s.queue_summary().unwrap().in_review, 1, "only the refusal");
}

#[test]
fn a_retry_waits_until_due_and_a_crash_mid_send_leaves_it_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let op = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("7"), eur(5));
    s.enqueue(std::slice::from_ref(&op)).unwrap();
    let claimed = s.claim_due(ProviderId::Lightspeed, now, 1).unwrap();
    s.record(
        &claimed[0],
        &Transition::Retry {
            delay: Duration::from_secs(60),
            error: "503".into(),
        },
        now,
    )
    .unwrap();
    assert!(s
        .claim_due(ProviderId::Lightspeed, now, 1)
        .unwrap()
        .is_empty());
    let later = now + Duration::from_secs(61);
    assert_eq!(
        s.next_due(ProviderId::Lightspeed).unwrap().map(stamp),
        Some(stamp(now + Duration::from_secs(60)))
    );
    let again = s.claim_due(ProviderId::Lightspeed, later, 1).unwrap();
    assert_eq!(again[0].attempts, 2);
    // The process dies here, mid-request.
    drop(s);
    let after = store(&dir);
    assert_eq!(after.recover_in_flight(|_| Duration::ZERO).unwrap(), 1);
    let found = after.op(&op.id).unwrap().unwrap();
    assert_eq!(found.state, OpState::Unknown);
    let reclaimed = after.claim_due(ProviderId::Lightspeed, later, 1).unwrap();
    assert_eq!(reclaimed[0].state, OpState::Reconciling);
}

#[test]
fn only_an_operation_that_cannot_have_taken_effect_is_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let turned_away = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("1"), eur(5));
    let lost = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("2"), eur(5));
    s.enqueue(&[turned_away.clone(), lost.clone()]).unwrap();
    let claimed = s.claim_due(ProviderId::Lightspeed, now, 2).unwrap();
    let retry = Transition::Retry {
        delay: Duration::ZERO,
        error: "503".into(),
    };
    s.record(&claimed[0], &retry, now).unwrap();
    s.record(
        &claimed[1],
        &Transition::Unknown {
            delay: Duration::ZERO,
            error: "no answer".into(),
        },
        now,
    )
    .unwrap();
    // The lost answer is settled as "send again" (same idempotency key): pending again.
    let reclaimed = s.claim_due(ProviderId::Lightspeed, now, 2).unwrap();
    let again = reclaimed.iter().find(|o| o.id == lost.id).unwrap();
    s.record(again, &retry, now).unwrap();
    let lost_now = s.op(&lost.id).unwrap().unwrap();
    assert_eq!(lost_now.state, OpState::Pending);

    let why = "the tender was taken off";
    let first = reclaimed.iter().find(|o| o.id == turned_away.id).unwrap();
    s.record(first, &retry, now).unwrap();
    assert!(withdraw_in(&s.conn(), &turned_away.id, why).unwrap());
    assert_eq!(
        s.op(&turned_away.id).unwrap().unwrap().state,
        OpState::Declined
    );
    assert!(
        !withdraw_in(&s.conn(), &lost.id, why).unwrap(),
        "it may have been applied before its answer was lost"
    );
    assert_eq!(s.op(&lost.id).unwrap().unwrap().state, OpState::Pending);
}

#[test]
fn a_refusal_whose_undo_was_queued_needs_no_review() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(818));
    let reverse =
        NewOp::new(ProviderId::Leat, OpKind::Reverse, Some("A"), eur(818)).after(&redeem.id);
    let alone = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("B"), eur(5));
    s.enqueue(&[redeem.clone(), reverse.clone(), alone])
        .unwrap();
    let refused = Transition::Declined {
        reason: "Insufficient balance".into(),
    };
    for op in s.claim_due(ProviderId::Leat, now, 5).unwrap() {
        s.record(&op, &refused, now).unwrap();
    }
    assert_eq!(s.op(&reverse.id).unwrap().unwrap().state, OpState::Declined);
    let review = s.review_list().unwrap();
    assert_eq!(review.len(), 1, "only the refusal nothing undid");
    assert_eq!(review[0].op.card_code.as_deref(), Some("B"));
}

#[test]
fn zero_negative_and_overflowing_amounts_are_not_queued() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    for minor in [0, -500, crate::money::MAX_AMOUNT_MINOR + 1, i64::MAX] {
        let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(minor));
        let err = s.enqueue(&[op]).unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{minor}: {err}");
    }
    assert_eq!(s.unfinished_ops().unwrap(), 0);
}

#[test]
fn an_outcome_that_changed_nothing_is_not_journalled_twice() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(700));
    s.enqueue(std::slice::from_ref(&op)).unwrap();
    let claimed = s.claim_due(ProviderId::Leat, now, 1).unwrap();
    let done = Transition::Succeeded(OpOutcome::default());
    s.record(&claimed[0], &done, now).unwrap();
    // A second engine with the same claim (it cannot run now, but a stale step could).
    s.record(&claimed[0], &done, now).unwrap();
    assert_eq!(s.booked_ops().unwrap().len(), 1, "booked once");
}

#[test]
fn after_a_crash_an_unanswered_write_waits_its_settle_time_from_the_send() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let sent = OffsetDateTime::now_utc();
    let op = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(700));
    s.enqueue(std::slice::from_ref(&op)).unwrap();
    s.claim_due(ProviderId::Leat, sent, 1).unwrap();
    drop(s);
    let after = store(&dir);
    let settle = Duration::from_secs(60);
    assert_eq!(after.recover_in_flight(|_| settle).unwrap(), 1);
    assert_eq!(after.op(&op.id).unwrap().unwrap().state, OpState::Unknown);
    let soon = sent + Duration::from_secs(59);
    assert!(
        after
            .claim_due(ProviderId::Leat, soon, 1)
            .unwrap()
            .is_empty(),
        "not looked for before the settle time"
    );
    let later = sent + Duration::from_secs(61);
    let due = after.claim_due(ProviderId::Leat, later, 1).unwrap();
    assert_eq!(due[0].state, OpState::Reconciling);
}

#[test]
fn the_summary_counts_unfinished_money_and_age() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    s.enqueue(&[
        NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("1"), eur(100)),
        NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some("2"), eur(250)),
    ])
    .unwrap();
    let summary = s.queue_summary().unwrap();
    assert_eq!(summary.unfinished(), 2);
    assert_eq!(summary.by_state["pending"], 2);
    assert_eq!(summary.by_provider["zmyle"], 1);
    assert_eq!(summary.outstanding["EUR"], 350);
    assert!(summary.oldest.is_some());
}

#[test]
fn an_operation_queued_after_a_declined_one_is_moot_at_once_and_the_card_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(500));
    s.enqueue(std::slice::from_ref(&redeem)).unwrap();
    let claimed = s.claim_due(ProviderId::Leat, now, 10).unwrap();
    let refused = Transition::Declined {
        reason: "Insufficient balance".into(),
    };
    s.record(&claimed[0], &refused, now).unwrap();
    let reverse =
        NewOp::new(ProviderId::Leat, OpKind::Reverse, Some("A"), eur(200)).after(&redeem.id);
    let next = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(100));
    s.enqueue(&[reverse.clone(), next.clone()]).unwrap();
    assert_eq!(s.op(&reverse.id).unwrap().unwrap().state, OpState::Declined);
    assert_eq!(
        ids(&s.claim_due(ProviderId::Leat, now, 10).unwrap()),
        [next.id.as_str()],
        "nothing waits for what can never be sent"
    );
}

/// A refused payment that refunds gave back `refunded` of: on the review list unless refunds
/// gave all of it back.
fn refused_after_refunds(refunded: &[i64]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("A"), eur(500)).in_sale("s");
    let backs: Vec<NewOp> = refunded
        .iter()
        .map(|m| {
            NewOp::new(ProviderId::Leat, OpKind::Reverse, Some("A"), eur(*m)).after(&redeem.id)
        })
        .collect();
    s.enqueue(std::slice::from_ref(&redeem)).unwrap();
    s.enqueue(&backs).unwrap();
    let conn = s.conn();
    conn.execute_batch(
        "INSERT INTO sales (id, number, state, currency, created_at, updated_at)
         VALUES ('s', 1, 'completed', 'EUR', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');",
    )
    .unwrap();
    for (i, back) in backs.iter().enumerate() {
        conn.execute(
            "INSERT INTO refunds (id, sale_id, number, kind, reason, amount_minor, created_at)
             VALUES (?1, 's', ?2, 'refund', 'r', ?3, '2026-01-01T00:00:00.000Z')",
            params![format!("r{i}"), i as i64 + 1, back.amount.minor],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO refund_parts (refund_id, pos, kind, amount_minor, op_id)
             VALUES (?1, 1, 'card', ?2, ?3)",
            params![format!("r{i}"), back.amount.minor, back.id],
        )
        .unwrap();
    }
    drop(conn);
    let claimed = s.claim_due(ProviderId::Leat, now, 10).unwrap();
    let refused = Transition::Declined {
        reason: "Insufficient balance".into(),
    };
    s.record(&claimed[0], &refused, now).unwrap();
    s.review_list().unwrap().len()
}

#[test]
fn a_refused_payment_refunded_in_part_stays_on_the_review_list_and_one_refunded_whole_does_not() {
    assert_eq!(refused_after_refunds(&[200]), 1, "300 is still owed");
    assert_eq!(
        refused_after_refunds(&[200, 300]),
        0,
        "all of it was given back"
    );
}

/// A sale row in `state`, as the checkout leaves it.
fn sale_in(s: &Store, id: &str, number: i64, state: &str) {
    s.conn()
        .execute(
            "INSERT INTO sales (id, number, state, currency, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'EUR', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            params![id, number, state],
        )
        .unwrap();
}

fn synchronous(s: &Store) -> i64 {
    s.conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap()
}

/// What the engine's executors say: Lightspeed dedupes a resend by our key, Leat cannot.
fn lightspeed_only(op: &Op) -> bool {
    op.provider == ProviderId::Lightspeed
}

#[test]
fn only_resend_safe_operations_outside_an_open_sale_skip_the_disk_flush() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    sale_in(&s, "open-sale", 1, "completing");
    sale_in(&s, "paid-sale", 2, "completed");
    let keyless = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("L1"), eur(1));
    let no_sale = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("A"), eur(1));
    let paid =
        NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("B"), eur(1)).in_sale("paid-sale");
    let charging =
        NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("C"), eur(1)).in_sale("open-sale");
    s.enqueue(&[
        keyless.clone(),
        no_sale.clone(),
        paid.clone(),
        charging.clone(),
    ])
    .unwrap();

    // A keyless provider's claim is flushed to disk.
    let leat = s
        .flush(&[], &[(ProviderId::Leat, 8)], now, &lightspeed_only)
        .unwrap();
    assert_eq!(ids(&leat.claimed[0]), [keyless.id.as_str()]);
    assert!(leat.synced);

    // The charge of a sale still being paid can be withdrawn as never sent: its claim is
    // flushed, in a transaction after the others, which are claimed too.
    let mixed = s
        .flush(&[], &[(ProviderId::Lightspeed, 8)], now, &lightspeed_only)
        .unwrap();
    let mut claimed = ids(&mixed.claimed[0]);
    claimed.sort();
    let mut expected = [no_sale.id.as_str(), paid.id.as_str(), charging.id.as_str()];
    expected.sort();
    assert_eq!(claimed, expected);
    assert!(mixed.synced);
    assert_eq!(synchronous(&s), 2, "FULL again after the flush");

    let ok = |op: &Op| (op.clone(), Transition::Succeeded(OpOutcome::default()));
    let by_id = |id: &str| {
        mixed.claimed[0]
            .iter()
            .find(|o| o.id == id)
            .unwrap()
            .clone()
    };
    // Outcomes of resend-safe operations outside an open sale: no disk flush.
    let lazy = s
        .flush(
            &[ok(&by_id(&no_sale.id)), ok(&by_id(&paid.id))],
            &[],
            now,
            &lightspeed_only,
        )
        .unwrap();
    assert!(!lazy.synced);
    assert_eq!(synchronous(&s), 2, "FULL again after the flush");
    // The open sale's outcome (Complete → Paid waits on it) and Leat's are flushed.
    let charged = s
        .flush(&[ok(&by_id(&charging.id))], &[], now, &lightspeed_only)
        .unwrap();
    assert!(charged.synced);
    let leat_done = s
        .flush(&[ok(&leat.claimed[0][0])], &[], now, &lightspeed_only)
        .unwrap();
    assert!(leat_done.synced);

    // Every outcome is there for another connection, journalled.
    let again = store(&dir);
    for op in [&keyless, &no_sale, &paid, &charging] {
        assert_eq!(again.op(&op.id).unwrap().unwrap().state, OpState::Succeeded);
    }
    assert_eq!(again.booked_ops().unwrap().len(), 4);
}

#[test]
fn a_flush_that_fails_without_the_disk_flush_leaves_the_connection_flushing_again() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let now = OffsetDateTime::now_utc();
    let op = NewOp::new(ProviderId::Lightspeed, OpKind::Redeem, Some("BOOM"), eur(1));
    s.enqueue(std::slice::from_ref(&op)).unwrap();
    s.conn()
        .execute_batch(
            "CREATE TEMP TRIGGER boom BEFORE UPDATE ON ops WHEN NEW.card_code = 'BOOM'
             BEGIN SELECT RAISE(ABORT, 'the disk is gone'); END;",
        )
        .unwrap();

    let failed = s.flush(&[], &[(ProviderId::Lightspeed, 8)], now, &lightspeed_only);

    assert!(
        failed.unwrap_err().to_string().contains("the disk is gone"),
        "the write's own error"
    );
    assert_eq!(synchronous(&s), 2, "FULL again after a failed flush");
    assert_eq!(s.op(&op.id).unwrap().unwrap().state, OpState::Pending);
}
