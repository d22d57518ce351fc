//! The X and Z reports: a shift's figures, each one SQL aggregate over the shift's rows
//! (`sales.shift_id`, `refunds.shift_id`, indexed), so a report costs the same however long the
//! till's history is. Money is in minor units of the shift's currency.

use super::Shift;
use crate::store::stamp::stamp;
use crate::store::StoreError;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// Mid-shift: the figures now.
    X,
    /// At close: final, kept with the shift.
    Z,
}

/// How many and how much.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub count: i64,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftHead {
    pub id: i64,
    pub open: bool,
    /// `cashier`, or `sale` when a sale or refund opened it by itself.
    pub opened_by: String,
    /// Who opened it; empty until cashiers sign in.
    pub cashier: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
    /// Who closed it.
    #[serde(default)]
    pub closed_by: Option<String>,
}

/// One cashier's completed sales in the shift (the cashier who started each sale; `None` for
/// sales made before cashiers signed in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashierSales {
    pub cashier: Option<String>,
    pub count: i64,
    pub amount_minor: i64,
}

/// Money taken or given back per tender type (`cash`, `terminal`, `gift_card`, `wallet`, for
/// refunds also `reload`: onto another card) and provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotal {
    pub kind: String,
    pub provider: Option<String>,
    pub count: i64,
    pub amount_minor: i64,
}

/// Gift cards sold (`sell`) or reloaded (`reload`) as sale lines, per provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSaleTotal {
    pub provider: String,
    pub action: String,
    pub count: i64,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMovement {
    pub kind: String,
    pub amount_minor: i64,
    pub reason: String,
    pub at: String,
}

/// The drawer: float + cash sales (net of change) + paid in − paid out − cash given back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashFigures {
    pub float_minor: i64,
    pub sales_minor: i64,
    pub paid_in_minor: i64,
    pub paid_out_minor: i64,
    pub refunds_minor: i64,
    pub expected_minor: i64,
    /// Counted at close (Z only).
    pub counted_minor: Option<i64>,
    /// Counted − expected: negative when cash is short.
    pub difference_minor: Option<i64>,
    pub movements: Vec<CashMovement>,
}

/// The till's outbox when the report was made (till-wide: the queue is not per shift).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFigures {
    /// Operations not yet final (to be sent, or waiting for an answer).
    pub unfinished: i64,
    /// Operations waiting for a manager's decision.
    pub in_review: i64,
}

/// One provider's comparison for the shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCheck {
    pub provider: String,
    /// `pending` until the provider answered, then `done`.
    pub state: String,
    /// Operations of ours compared with the provider's records.
    pub compared: i64,
    /// Why it is still pending; once done, what the provider's records cannot show.
    pub message: Option<String>,
}

/// A difference between the till's journal and a provider's own records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub id: i64,
    pub provider: String,
    /// `missing` (ours, not at the provider), `extra` (the provider's, not ours), `amount`.
    pub kind: String,
    pub op_id: Option<String>,
    pub provider_ref: Option<String>,
    pub card_masked: Option<String>,
    pub expected_minor: Option<i64>,
    pub actual_minor: Option<i64>,
    pub resolved: bool,
}

/// Every provider's comparison and what differed; filled in when the report is read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub providers: Vec<ProviderCheck>,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    pub kind: ReportKind,
    pub shift: ShiftHead,
    pub currency: String,
    pub made_at: String,
    /// Completed sales: their lines' total (cash rounding apart).
    pub sales: Tally,
    pub rounding_minor: i64,
    pub abandoned: i64,
    pub refunds: Tally,
    pub voids: Tally,
    pub tenders: Vec<TenderTotal>,
    /// Where refunds and voids put the money back.
    pub given_back: Vec<TenderTotal>,
    pub card_sales: Vec<CardSaleTotal>,
    /// Card money this shift took offline that its provider has not confirmed yet.
    pub offline_outstanding: Tally,
    pub queue: QueueFigures,
    /// Card look-ups during the shift (the journal).
    pub lookups: i64,
    pub cash: CashFigures,
    #[serde(default)]
    pub reconciliation: Reconciliation,
    /// Completed sales per cashier.
    #[serde(default)]
    pub per_cashier: Vec<CashierSales>,
}

fn tally(conn: &Connection, sql: &str, shift: i64) -> Result<Tally, StoreError> {
    Ok(conn.query_row(sql, [shift], |r| {
        Ok(Tally {
            count: r.get(0)?,
            amount_minor: r.get(1)?,
        })
    })?)
}

fn totals(conn: &Connection, sql: &str, shift: i64) -> Result<Vec<TenderTotal>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([shift], |r| {
        Ok(TenderTotal {
            kind: r.get(0)?,
            provider: r.get(1)?,
            count: r.get(2)?,
            amount_minor: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The shift's figures at `now`.
pub(crate) fn build(
    conn: &Connection,
    shift: &Shift,
    kind: ReportKind,
    now: OffsetDateTime,
) -> Result<ShiftReport, StoreError> {
    let id = shift.id;
    let sales = tally(
        conn,
        "SELECT count(*), coalesce(sum(
                    (SELECT coalesce(sum(quantity * unit_price_minor), 0)
                     FROM sale_lines l WHERE l.sale_id = s.id)), 0)
         FROM sales s WHERE s.shift_id = ?1 AND s.state = 'completed'",
        id,
    )?;
    let abandoned: i64 = conn.query_row(
        "SELECT count(*) FROM sales WHERE shift_id = ?1 AND state = 'abandoned'",
        [id],
        |r| r.get(0),
    )?;
    let counting = "t.state NOT IN ('refused', 'removed')";
    let rounding_minor: i64 = conn.query_row(
        &format!(
            "SELECT coalesce(sum(t.rounding_minor), 0) FROM sales s
             JOIN tenders t ON t.sale_id = s.id
             WHERE s.shift_id = ?1 AND s.state = 'completed' AND {counting}"
        ),
        [id],
        |r| r.get(0),
    )?;
    let tenders = totals(
        conn,
        &format!(
            "SELECT t.kind, t.provider, count(*), sum(t.amount_minor) FROM sales s
             JOIN tenders t ON t.sale_id = s.id
             WHERE s.shift_id = ?1 AND s.state = 'completed' AND {counting}
             GROUP BY t.kind, t.provider ORDER BY t.kind, t.provider"
        ),
        id,
    )?;
    let refund_tally = |kind: &str| {
        tally(
            conn,
            &format!(
                "SELECT count(*), coalesce(sum(amount_minor), 0) FROM refunds
                 WHERE shift_id = ?1 AND kind = '{kind}'"
            ),
            id,
        )
    };
    let refunds = refund_tally("refund")?;
    let voids = refund_tally("void")?;
    let given_back = totals(
        conn,
        "SELECT p.kind, p.provider, count(*), sum(p.amount_minor) FROM refunds r
         JOIN refund_parts p ON p.refund_id = r.id
         WHERE r.shift_id = ?1
         GROUP BY p.kind, p.provider ORDER BY p.kind, p.provider",
        id,
    )?;
    let card_sales = {
        let mut stmt = conn.prepare_cached(
            "SELECT l.card_provider, l.card_action, count(*),
                    sum(l.quantity * l.unit_price_minor)
             FROM sales s JOIN sale_lines l ON l.sale_id = s.id
             WHERE s.shift_id = ?1 AND s.state = 'completed' AND l.card_provider IS NOT NULL
             GROUP BY l.card_provider, l.card_action ORDER BY l.card_provider, l.card_action",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(CardSaleTotal {
                provider: r.get(0)?,
                action: r.get(1)?,
                count: r.get(2)?,
                amount_minor: r.get(3)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let offline_outstanding = tally(
        conn,
        "SELECT count(*), coalesce(sum(t.amount_minor), 0) FROM sales s
         JOIN tenders t ON t.sale_id = s.id
         JOIN ops o ON o.id = coalesce(t.confirm_op_id, t.op_id)
         WHERE s.shift_id = ?1 AND t.offline_at IS NOT NULL AND t.state = 'offline'
           AND o.state NOT IN ('succeeded', 'declined')",
        id,
    )?;
    let queue = QueueFigures {
        unfinished: conn.query_row(
            "SELECT count(*) FROM ops WHERE state NOT IN ('succeeded', 'declined')",
            [],
            |r| r.get(0),
        )?,
        in_review: conn.query_row(
            "SELECT count(*) FROM ops WHERE review_reason IS NOT NULL AND resolved_at IS NULL",
            [],
            |r| r.get(0),
        )?,
    };
    let until = shift.closed_at.unwrap_or(now);
    let lookups: i64 = conn.query_row(
        "SELECT count(*) FROM journal WHERE at >= ?1 AND at <= ?2 AND kind = 'lookup'",
        params![stamp(shift.opened_at), stamp(until)],
        |r| r.get(0),
    )?;
    let cash = cash_figures(conn, shift, &tenders, &given_back)?;
    let per_cashier = {
        let mut stmt = conn.prepare_cached(
            "SELECT s.cashier, count(*), coalesce(sum(
                        (SELECT coalesce(sum(quantity * unit_price_minor), 0)
                         FROM sale_lines l WHERE l.sale_id = s.id)), 0)
             FROM sales s WHERE s.shift_id = ?1 AND s.state = 'completed'
             GROUP BY s.cashier ORDER BY s.cashier",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(CashierSales {
                cashier: r.get(0)?,
                count: r.get(1)?,
                amount_minor: r.get(2)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    Ok(ShiftReport {
        kind,
        shift: ShiftHead {
            id,
            open: shift.open,
            opened_by: shift.opened_by.clone(),
            cashier: shift.cashier.clone(),
            opened_at: stamp(shift.opened_at),
            closed_at: shift.closed_at.map(stamp),
            closed_by: shift.closed_by.clone(),
        },
        currency: shift.currency.code().to_string(),
        made_at: stamp(now),
        sales,
        rounding_minor,
        abandoned,
        refunds,
        voids,
        tenders,
        given_back,
        card_sales,
        offline_outstanding,
        queue,
        lookups,
        cash,
        reconciliation: Reconciliation::default(),
        per_cashier,
    })
}

fn cash_figures(
    conn: &Connection,
    shift: &Shift,
    tenders: &[TenderTotal],
    given_back: &[TenderTotal],
) -> Result<CashFigures, StoreError> {
    let cash = |rows: &[TenderTotal]| -> i64 {
        rows.iter()
            .filter(|t| t.kind == "cash")
            .map(|t| t.amount_minor)
            .sum()
    };
    let movements: Vec<CashMovement> = {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, amount_minor, reason, at FROM cash_movements
             WHERE shift_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([shift.id], |r| {
            Ok(CashMovement {
                kind: r.get(0)?,
                amount_minor: r.get(1)?,
                reason: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let moved = |kind: &str| -> i64 {
        movements
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.amount_minor)
            .sum()
    };
    let sales_minor = cash(tenders);
    let refunds_minor = cash(given_back);
    let paid_in_minor = moved("paid_in");
    let paid_out_minor = moved("paid_out");
    let expected_minor =
        shift.float_minor + sales_minor + paid_in_minor - paid_out_minor - refunds_minor;
    Ok(CashFigures {
        float_minor: shift.float_minor,
        sales_minor,
        paid_in_minor,
        paid_out_minor,
        refunds_minor,
        expected_minor,
        counted_minor: shift.counted_minor,
        difference_minor: shift.counted_minor.map(|c| c - expected_minor),
        movements,
    })
}
