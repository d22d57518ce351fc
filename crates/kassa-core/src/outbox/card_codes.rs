//! A card's full code is kept only while something may still send it (docs/design.md §6): a
//! zmyle QR holds the card's access token, and any full code spends the card. An operation
//! keeps its code (`ops.card_code`) while it is unfinished, while it waits on the review list
//! (a manager may send it again), and while it is the reserve of a hold that is still open (the
//! hold watchdog cancels the hold with the reserve's code); then the code is replaced by its
//! masked form (`••••0001`, [`crate::card::mask`]). Each write that can finish an operation
//! or close a hold masks the codes it made needless, in its own transaction: an outcome
//! recorded, a review item resolved, an operation withdrawn or made moot, a hold confirmed,
//! cancelled or expired. A sale's tenders keep their codes while the sale is unfinished
//! (`checkout::records`), and a refund asks for the card again, so nothing needs the code of a
//! finished operation. SQLite's `secure_delete` (set at open) overwrites what a masked code
//! replaced, so it does not linger in the file's free space.

use crate::card::mask;
use rusqlite::{params, Connection, OptionalExtension};

/// The operations done with their code: final, not waiting for a person, and not the reserve
/// of an open hold.
const DONE_WITH_CODE: &str = "o.card_code IS NOT NULL
    AND o.state IN ('succeeded', 'declined')
    AND (o.review_reason IS NULL OR o.resolved_at IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.op_id = o.id AND h.state = 'open')";

/// An `UPDATE ops` that makes an operation succeed can mask its code in the same statement:
/// `card_code = ` this, with the masked code bound as `?6`. It is [`DONE_WITH_CODE`] on the row
/// as the statement leaves it (final; its review columns and its holds not changed by it), so
/// only for an operation that places or settles no hold: a reserve's and a confirm's or
/// cancel's code is masked by [`forget_codes`] after the hold is written.
pub(crate) const CODE_ONCE_DONE: &str = "CASE WHEN card_code IS NOT NULL AND ?6 IS NOT NULL
        AND (review_reason IS NULL OR resolved_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.op_id = ops.id AND h.state = 'open')
    THEN ?6 ELSE card_code END";

/// Masks the code of each of `op_ids` that is done with it; the others keep theirs.
pub(crate) fn forget_codes<'a>(
    conn: &Connection,
    op_ids: impl IntoIterator<Item = &'a str>,
) -> rusqlite::Result<()> {
    let mut code_of = conn.prepare_cached(&format!(
        "SELECT o.card_code FROM ops o WHERE o.id = ?1 AND {DONE_WITH_CODE}"
    ))?;
    let mut masked = conn.prepare_cached("UPDATE ops SET card_code = ?2 WHERE id = ?1")?;
    for id in op_ids {
        let code: Option<String> = code_of.query_row([id], |r| r.get(0)).optional()?;
        if let Some(code) = code {
            let shown = mask(&code);
            if shown != code {
                masked.execute(params![id, shown])?;
            }
        }
    }
    Ok(())
}

/// Masks the code of every operation done with it (the operations finished before this rule,
/// by migration).
pub(crate) fn forget_all_codes(conn: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<String> = conn
        .prepare(&format!("SELECT o.id FROM ops o WHERE {DONE_WITH_CODE}"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    forget_codes(conn, ids.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use crate::money::{Currency, Money};
    use crate::outbox::model::{NewOp, OpKind, OpOutcome, Transition};
    use crate::outbox::review::Resolution;
    use crate::outbox::watchdog::WatchdogConfig;
    use crate::provider::ProviderId;
    use crate::store::Store;
    use std::path::Path;
    use std::time::Duration;
    use time::OffsetDateTime;

    /// A zmyle card's QR: it holds the card's access token.
    const QR: &str = "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";
    const LEAT: &str = "4165100001";

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
    }

    fn code_of(s: &Store, op: &NewOp) -> String {
        s.op(&op.id).unwrap().unwrap().card_code.unwrap()
    }

    /// Claims `op` (next on its card) and records `transition` for it.
    fn settle(s: &Store, op: &NewOp, transition: Transition) {
        let now = OffsetDateTime::now_utc();
        let claimed = s.claim_due(op.provider, now, 10).unwrap();
        let claimed = claimed.iter().find(|c| c.id == op.id).expect("due");
        s.record(claimed, &transition, now).unwrap();
    }

    fn held(expires_in: Duration) -> Transition {
        Transition::Succeeded(OpOutcome {
            provider_ref: Some(format!("intent-{}", uuid::Uuid::now_v7())),
            hold_expires_at: Some(OffsetDateTime::now_utc() + expires_in),
        })
    }

    fn refused() -> Transition {
        Transition::Declined {
            reason: "Insufficient balance".into(),
        }
    }

    /// The database file and its write-ahead log, as bytes on the disk once the log is
    /// checkpointed into the file.
    fn file_bytes(s: &Store, path: &Path) -> Vec<u8> {
        s.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let mut bytes = std::fs::read(path).unwrap();
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        bytes
    }

    fn holds(bytes: &[u8], code: &str) -> bool {
        bytes.windows(code.len()).any(|w| w == code.as_bytes())
    }

    #[test]
    fn finished_operations_leave_no_full_code_in_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        let s = Store::open(&path).unwrap();
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some(QR), eur(700));
        let confirm =
            NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some(QR), eur(700)).after(&reserve.id);
        let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some(LEAT), eur(500));
        s.enqueue(&[reserve.clone(), confirm.clone(), redeem.clone()])
            .unwrap();
        assert!(holds(&file_bytes(&s, &path), QR), "kept while unfinished");

        settle(&s, &reserve, held(Duration::from_secs(1800)));
        settle(&s, &confirm, Transition::Succeeded(OpOutcome::default()));
        settle(&s, &redeem, Transition::Succeeded(OpOutcome::default()));

        assert_eq!(code_of(&s, &reserve), "••••7834");
        assert_eq!(code_of(&s, &confirm), "••••7834");
        assert_eq!(code_of(&s, &redeem), "••••0001");
        let bytes = file_bytes(&s, &path);
        for secret in [QR, "hg84zhgnzuigui4hg3hg7834", LEAT] {
            assert!(!holds(&bytes, secret), "{secret} is in the file");
        }
    }

    #[test]
    fn an_open_hold_keeps_its_code_until_it_is_cancelled_or_expires() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some(QR), eur(700));
        let cancel =
            NewOp::new(ProviderId::Zmyle, OpKind::Cancel, Some(QR), eur(700)).after(&reserve.id);
        s.enqueue(&[reserve.clone(), cancel.clone()]).unwrap();
        settle(&s, &reserve, held(Duration::from_secs(1800)));
        assert_eq!(code_of(&s, &reserve), QR, "the hold is open");
        settle(&s, &cancel, Transition::Succeeded(OpOutcome::default()));
        assert_eq!(code_of(&s, &reserve), "••••7834", "the hold is cancelled");
        assert_eq!(code_of(&s, &cancel), "••••7834");

        // A hold nobody settles: the watchdog cancels it with its reserve's code; once the
        // provider let it expire, the code is no longer needed.
        let other = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some(QR), eur(300));
        s.enqueue(std::slice::from_ref(&other)).unwrap();
        settle(&s, &other, held(Duration::from_secs(1)));
        assert_eq!(code_of(&s, &other), QR);
        let past = OffsetDateTime::now_utc() + Duration::from_secs(5);
        let report = s.watch_holds(past, &WatchdogConfig::default()).unwrap();
        assert_eq!(report.expired_released, 1);
        assert_eq!(code_of(&s, &other), "••••7834", "the hold expired");
    }

    #[test]
    fn an_operation_on_the_review_list_keeps_its_code_until_a_manager_decides() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        let redeem = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some(LEAT), eur(500));
        s.enqueue(std::slice::from_ref(&redeem)).unwrap();
        settle(&s, &redeem, refused());
        assert_eq!(code_of(&s, &redeem), LEAT, "in review");
        s.resolve_review(&redeem.id, &Resolution::Retry).unwrap();
        assert_eq!(code_of(&s, &redeem), LEAT, "to be sent again");
        settle(&s, &redeem, refused());
        s.resolve_review(
            &redeem.id,
            &Resolution::WriteOff {
                note: "paid in cash".into(),
            },
        )
        .unwrap();
        assert_eq!(code_of(&s, &redeem), "••••0001", "written off");
    }

    #[test]
    fn a_confirm_a_manager_marks_done_at_the_provider_closes_its_hold_and_forgets_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        let reserve = NewOp::new(ProviderId::Zmyle, OpKind::Reserve, Some(QR), eur(700));
        let confirm =
            NewOp::new(ProviderId::Zmyle, OpKind::Confirm, Some(QR), eur(700)).after(&reserve.id);
        s.enqueue(&[reserve.clone(), confirm.clone()]).unwrap();
        settle(&s, &reserve, held(Duration::from_secs(1800)));
        settle(&s, &confirm, refused());
        assert_eq!(
            s.open_holds().unwrap().len(),
            1,
            "the hold waits for the manager"
        );
        s.resolve_review(
            &confirm.id,
            &Resolution::DoneAtProvider {
                note: "confirmed in zmyle's portal".into(),
            },
        )
        .unwrap();
        assert!(s.open_holds().unwrap().is_empty(), "the hold is closed");
        assert_eq!(code_of(&s, &reserve), "••••7834");
        assert_eq!(code_of(&s, &confirm), "••••7834");
    }
}
