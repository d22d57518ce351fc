//! Shifts: a till's working period between opening with a cash float and closing with the
//! counted cash, with paid in / paid out between (`shifts`, `cash_movements`, migration 11).
//! At most one shift is open. Sales and refunds name the shift open when they were made
//! (`sales.shift_id`, `refunds.shift_id`); a sale or refund made while none is open opens one
//! by itself with a float of zero (`opened_by = 'sale'`), so nothing sold falls outside a
//! shift. A shift closes only when none of its sales is unfinished; the Z report is then built
//! and kept with it (`report.rs`); the X report is the same figures while it is open.
//! `reconcile.rs` compares the shift with each provider's own records.

pub mod reconcile;
pub mod report;
pub mod text;

use crate::checkout::records::journal_sale;
use crate::lang::{Sentence, Text};
use crate::money::Currency;
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::JournalEntry;
use crate::store::{bad_column, Store, StoreError};
use report::{ReportKind, ShiftReport};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use time::OffsetDateTime;

/// A shift as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// 1, 2, 3... on this till.
    pub id: i64,
    pub open: bool,
    pub currency: Currency,
    pub float_minor: i64,
    /// `cashier` (opened with a float), or `sale` (opened by itself for a sale or refund).
    pub opened_by: String,
    /// Who opened it, once cashiers sign in; `None` until then.
    pub cashier: Option<String>,
    pub counted_minor: Option<i64>,
    pub opened_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
    /// Who closed it (signed in when it closed).
    pub closed_by: Option<String>,
}

/// Cash put into or taken out of the drawer during a shift, with why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashMove {
    PaidIn,
    PaidOut,
}

impl CashMove {
    pub fn as_str(self) -> &'static str {
        match self {
            CashMove::PaidIn => "paid_in",
            CashMove::PaidOut => "paid_out",
        }
    }
}

/// Why a shift step was refused: a [`Sentence`] (the window says it in the till's language), or
/// the store's failure.
#[derive(Debug)]
pub enum ShiftError {
    NoneOpen,
    AlreadyOpen(i64),
    UnfinishedSale(i64),
    ReasonRequired,
    ZeroAmount,
    NoDifference(i64),
    NoneClosed,
    NotFound(i64),
    StillOpen(i64),
    Store(StoreError),
}

impl ShiftError {
    /// What the cashier reads (the store's failure as it is).
    pub fn sentence(&self) -> Sentence {
        match self {
            ShiftError::NoneOpen => Text::ShiftNoneOpen.into(),
            ShiftError::AlreadyOpen(id) => Sentence::new(Text::ShiftAlreadyOpen).with("shift", *id),
            ShiftError::UnfinishedSale(n) => {
                Sentence::new(Text::ShiftUnfinishedSale).with("number", *n)
            }
            ShiftError::ReasonRequired => Text::ShiftReasonRequired.into(),
            ShiftError::ZeroAmount => Text::ShiftZeroAmount.into(),
            ShiftError::NoDifference(id) => Sentence::new(Text::ShiftNoDifference).with("id", *id),
            ShiftError::NoneClosed => Text::ShiftNoneClosed.into(),
            ShiftError::NotFound(id) => Sentence::new(Text::ShiftNotFound).with("shift", *id),
            ShiftError::StillOpen(id) => Sentence::new(Text::ShiftStillOpen).with("shift", *id),
            ShiftError::Store(e) => Sentence::verbatim(e.to_string()),
        }
    }
}

impl std::fmt::Display for ShiftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

impl std::error::Error for ShiftError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ShiftError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for ShiftError {
    fn from(e: StoreError) -> Self {
        ShiftError::Store(e)
    }
}

impl From<rusqlite::Error> for ShiftError {
    fn from(e: rusqlite::Error) -> Self {
        ShiftError::Store(e.into())
    }
}

/// A cash amount as typed for a float or a count (`100.00`, `512,40`): like
/// [`crate::money::parse_amount`], except that an empty drawer (`0`, `0.00`) is an amount too.
pub fn parse_cash(text: &str, currency: &Currency) -> Result<i64, String> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| matches!(c, '0' | '.' | ',')) && t.starts_with('0') {
        return crate::money::parse_amount(&t.replacen('0', "1", 1), currency).map(|_| 0);
    }
    crate::money::parse_amount(t, currency)
}

const SHIFT_COLUMNS: &str = "id, state, currency, float_minor, opened_by, cashier, counted_minor,
     opened_at, closed_at, closed_by";

fn read_shift(r: &rusqlite::Row) -> rusqlite::Result<Shift> {
    let state: String = r.get(1)?;
    let currency: String = r.get(2)?;
    let opened: String = r.get(7)?;
    let closed: Option<String> = r.get(8)?;
    Ok(Shift {
        id: r.get(0)?,
        open: state == "open",
        currency: Currency::try_from(currency).map_err(|e| bad_column(2, e))?,
        float_minor: r.get(3)?,
        opened_by: r.get(4)?,
        cashier: r.get(5)?,
        counted_minor: r.get(6)?,
        opened_at: parse_stamp(&opened)
            .ok_or_else(|| bad_column(7, format!("opened_at '{opened}'")))?,
        closed_at: match closed {
            Some(c) => {
                Some(parse_stamp(&c).ok_or_else(|| bad_column(8, format!("closed_at '{c}'")))?)
            }
            None => None,
        },
        closed_by: r.get(9)?,
    })
}

pub(crate) fn open_shift_in(conn: &Connection) -> Result<Option<Shift>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE state = 'open'"),
            [],
            read_shift,
        )
        .optional()?)
}

fn shift_in(conn: &Connection, id: i64) -> Result<Option<Shift>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE id = ?1"),
            [id],
            read_shift,
        )
        .optional()?)
}

/// A shift's number, state and kept Z report: shift `id`, else the latest closed one.
type KeptZ = (i64, String, Option<String>);

fn kept_z(conn: &Connection, id: Option<i64>) -> Result<Option<KeptZ>, StoreError> {
    let read = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
    let row = match id {
        Some(id) => conn.query_row(
            "SELECT id, state, z_report FROM shifts WHERE id = ?1",
            [id],
            read,
        ),
        None => conn.query_row(
            "SELECT id, state, z_report FROM shifts WHERE state = 'closed'
             ORDER BY id DESC LIMIT 1",
            [],
            read,
        ),
    };
    Ok(row.optional()?)
}

fn insert_shift(
    conn: &Connection,
    currency: &Currency,
    float_minor: i64,
    opened_by: &str,
    at: OffsetDateTime,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO shifts (state, currency, float_minor, opened_by, opened_at, cashier)
         VALUES ('open', ?1, ?2, ?3, ?4, (SELECT cashier FROM temp.signed_in))",
        params![currency.code(), float_minor, opened_by, stamp(at)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The open shift's id, opening one with a zero float when none is (journalled on the sale
/// that opened it), inside the caller's transaction.
fn shift_for(conn: &Connection, sale_id: &str, currency: &Currency) -> Result<i64, StoreError> {
    if let Some(open) = open_shift_in(conn)? {
        return Ok(open.id);
    }
    let id = insert_shift(conn, currency, 0, "sale", OffsetDateTime::now_utc())?;
    journal_sale(
        conn,
        sale_id,
        "shift",
        "opened",
        Some(0),
        currency,
        serde_json::json!({ "shift_id": id, "opened_by": "sale" }),
    )?;
    Ok(id)
}

/// Puts a new sale into the open shift (opening one if none is), inside its transaction.
pub(crate) fn attach_sale(
    conn: &Connection,
    sale_id: &str,
    currency: &Currency,
) -> Result<(), StoreError> {
    let shift = shift_for(conn, sale_id, currency)?;
    conn.execute(
        "UPDATE sales SET shift_id = ?2 WHERE id = ?1",
        params![sale_id, shift],
    )?;
    Ok(())
}

/// Puts a new refund or void into the open shift (opening one if none is).
pub(crate) fn attach_refund(
    conn: &Connection,
    refund_id: &str,
    sale_id: &str,
    currency: &Currency,
) -> Result<(), StoreError> {
    let shift = shift_for(conn, sale_id, currency)?;
    conn.execute(
        "UPDATE refunds SET shift_id = ?2 WHERE id = ?1",
        params![refund_id, shift],
    )?;
    Ok(())
}

fn shift_entry(
    outcome: &str,
    shift: &Shift,
    amount_minor: i64,
    detail: serde_json::Value,
) -> JournalEntry {
    JournalEntry {
        kind: "shift".into(),
        amount_minor: Some(amount_minor),
        currency: Some(shift.currency.code().into()),
        outcome: outcome.into(),
        detail,
        ..Default::default()
    }
}

impl Store {
    /// The open shift, if any.
    pub fn open_shift(&self) -> Result<Option<Shift>, StoreError> {
        open_shift_in(&self.conn())
    }

    /// The shift with this number.
    pub fn shift(&self, id: i64) -> Result<Option<Shift>, StoreError> {
        shift_in(&self.conn(), id)
    }

    /// The latest shifts, newest first.
    pub fn shifts(&self, limit: u32) -> Result<Vec<Shift>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {SHIFT_COLUMNS} FROM shifts ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], read_shift)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Opens a shift with `float_minor` of cash in the drawer.
    pub fn open_shift_with(
        &self,
        currency: &Currency,
        float_minor: i64,
    ) -> Result<Shift, ShiftError> {
        let shift = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(open) = open_shift_in(&tx)? {
                return Err(ShiftError::AlreadyOpen(open.id));
            }
            let id = insert_shift(
                &tx,
                currency,
                float_minor,
                "cashier",
                OffsetDateTime::now_utc(),
            )?;
            let shift = shift_in(&tx, id)?.ok_or(ShiftError::NotFound(id))?;
            tx.commit()?;
            shift
        };
        self.journal(&shift_entry(
            "opened",
            &shift,
            float_minor,
            serde_json::json!({ "shift_id": shift.id, "opened_by": "cashier" }),
        ))?;
        Ok(shift)
    }

    /// Cash paid into or out of the drawer of the open shift, with the reason.
    pub fn cash_move(
        &self,
        kind: CashMove,
        amount_minor: i64,
        reason: &str,
    ) -> Result<Shift, ShiftError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ShiftError::ReasonRequired);
        }
        if amount_minor <= 0 {
            return Err(ShiftError::ZeroAmount);
        }
        let shift = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let shift = open_shift_in(&tx)?.ok_or(ShiftError::NoneOpen)?;
            tx.execute(
                "INSERT INTO cash_movements (shift_id, kind, amount_minor, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    shift.id,
                    kind.as_str(),
                    amount_minor,
                    reason,
                    stamp(OffsetDateTime::now_utc())
                ],
            )?;
            tx.commit()?;
            shift
        };
        self.journal(&shift_entry(
            kind.as_str(),
            &shift,
            amount_minor,
            serde_json::json!({ "shift_id": shift.id, "reason": reason }),
        ))?;
        Ok(shift)
    }

    /// Closes the open shift with the cash counted in the drawer: refused while one of its
    /// sales is unfinished. Its Z report is built in the same transaction and kept.
    pub fn close_shift(&self, counted_minor: i64) -> Result<ShiftReport, ShiftError> {
        let report = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let shift = open_shift_in(&tx)?.ok_or(ShiftError::NoneOpen)?;
            let unfinished: Option<i64> = tx
                .query_row(
                    "SELECT number FROM sales
                     WHERE shift_id = ?1 AND state NOT IN ('completed', 'abandoned')
                     ORDER BY number LIMIT 1",
                    [shift.id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(number) = unfinished {
                return Err(ShiftError::UnfinishedSale(number));
            }
            let now = OffsetDateTime::now_utc();
            tx.execute(
                "UPDATE shifts SET state = 'closed', counted_minor = ?2, closed_at = ?3,
                        closed_by = (SELECT cashier FROM temp.signed_in)
                 WHERE id = ?1",
                params![shift.id, counted_minor, stamp(now)],
            )?;
            let closed = shift_in(&tx, shift.id)?.ok_or(ShiftError::NotFound(shift.id))?;
            let report = report::build(&tx, &closed, ReportKind::Z, now)?;
            let json = serde_json::to_string(&report).expect("a report serializes");
            tx.execute(
                "UPDATE shifts SET z_report = ?2 WHERE id = ?1",
                params![shift.id, json],
            )?;
            tx.commit()?;
            report
        };
        let closed = &report.shift;
        self.journal(&JournalEntry {
            kind: "shift".into(),
            amount_minor: Some(counted_minor),
            currency: Some(report.currency.clone()),
            outcome: "closed".into(),
            detail: serde_json::json!({
                "shift_id": closed.id,
                "expected_minor": report.cash.expected_minor,
                "difference_minor": report.cash.difference_minor,
            }),
            ..Default::default()
        })?;
        Ok(self.with_reconciliation(report)?)
    }

    /// The X report of the open shift: its figures now.
    pub fn x_report(&self) -> Result<ShiftReport, ShiftError> {
        let report = {
            let conn = self.conn();
            let shift = open_shift_in(&conn)?.ok_or(ShiftError::NoneOpen)?;
            report::build(&conn, &shift, ReportKind::X, OffsetDateTime::now_utc())?
        };
        Ok(self.with_reconciliation(report)?)
    }

    /// The Z report of a closed shift (the latest closed one when `id` is `None`), as it was
    /// made at close, with its reconciliation as it stands now.
    pub fn z_report(&self, id: Option<i64>) -> Result<ShiftReport, ShiftError> {
        let kept = kept_z(&self.conn(), id)?;
        let (id, state, json) = match (kept, id) {
            (Some(k), _) => k,
            (None, Some(id)) => return Err(ShiftError::NotFound(id)),
            (None, None) => return Err(ShiftError::NoneClosed),
        };
        let json = match (state.as_str(), json) {
            ("open", _) => return Err(ShiftError::StillOpen(id)),
            (_, Some(json)) => json,
            (_, None) => return Err(ShiftError::NotFound(id)),
        };
        let report: ShiftReport = serde_json::from_str(&json)
            .map_err(|e| StoreError::from(bad_column(0, format!("shift {id}'s Z report: {e}"))))?;
        Ok(self.with_reconciliation(report)?)
    }
}

#[cfg(test)]
mod tests;
