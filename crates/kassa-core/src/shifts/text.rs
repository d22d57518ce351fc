//! An X or Z report in text rows at a printer's width (the CLI, the screen's print-out and the
//! receipt printer): each figure a label with its amount flush right.

use super::report::{ReportKind, ShiftReport, Tally, TenderTotal};
use crate::money::{Currency, Money};
use crate::receipt::{Row, MIN_COLUMNS};

struct Rows {
    rows: Vec<Row>,
    columns: usize,
    currency: Option<Currency>,
}

impl Rows {
    fn money(&self, minor: i64) -> String {
        match &self.currency {
            Some(c) => Money::new(minor, c.clone()).to_string(),
            None => minor.to_string(),
        }
    }

    fn line(&mut self, text: impl Into<String>, bold: bool) {
        let text: String = text.into();
        for line in crate::receipt::wrap(&text, self.columns) {
            self.rows.push(Row { text: line, bold });
        }
    }

    fn pair(&mut self, left: &str, right: &str, bold: bool) {
        let room = self
            .columns
            .saturating_sub(right.chars().count() + 1)
            .max(1);
        let mut lines = crate::receipt::wrap(left, room);
        let last = lines.pop().unwrap_or_default();
        for l in lines {
            self.rows.push(Row { text: l, bold });
        }
        let gap = self
            .columns
            .saturating_sub(last.chars().count() + right.chars().count());
        self.rows.push(Row {
            text: format!("{last}{}{right}", " ".repeat(gap)),
            bold,
        });
    }

    fn amount(&mut self, label: &str, minor: i64) {
        let m = self.money(minor);
        self.pair(label, &m, false);
    }

    fn tally(&mut self, label: &str, t: Tally) {
        let m = self.money(t.amount_minor);
        self.pair(&format!("{label} ({})", t.count), &m, false);
    }

    fn totals(&mut self, title: &str, rows: &[TenderTotal]) {
        if rows.is_empty() {
            return;
        }
        self.line(title, true);
        for t in rows {
            let label = match &t.provider {
                Some(p) => format!("  {} {p} ({})", t.kind, t.count),
                None => format!("  {} ({})", t.kind, t.count),
            };
            let m = self.money(t.amount_minor);
            self.pair(&label, &m, false);
        }
    }
}

/// The report's rows at `columns` ([`MIN_COLUMNS`] at the least).
pub fn rows(r: &ShiftReport, columns: usize) -> Vec<Row> {
    let mut out = Rows {
        rows: Vec::new(),
        columns: columns.max(MIN_COLUMNS),
        currency: Currency::try_from(r.currency.clone()).ok(),
    };
    let title = match r.kind {
        ReportKind::X => format!("X REPORT - SHIFT {}", r.shift.id),
        ReportKind::Z => format!("Z REPORT - SHIFT {}", r.shift.id),
    };
    out.line(title, true);
    out.line(format!("Opened {}", r.shift.opened_at), false);
    if r.shift.opened_by == "sale" {
        out.line("  (opened by its first sale, no float)", false);
    }
    out.line(
        format!(
            "Cashier: {}",
            r.shift.cashier.as_deref().unwrap_or("(no sign-in)")
        ),
        false,
    );
    match &r.shift.closed_at {
        Some(at) => {
            out.line(format!("Closed {at}"), false);
            if let Some(by) = &r.shift.closed_by {
                out.line(format!("Closed by: {by}"), false);
            }
        }
        None => out.line(format!("Made {}", r.made_at), false),
    }
    out.line("", false);
    out.tally("Sales", r.sales);
    out.amount("Cash rounding", r.rounding_minor);
    out.tally("Refunds", r.refunds);
    out.tally("Voids", r.voids);
    out.pair("Abandoned sales", &r.abandoned.to_string(), false);
    out.pair("Card look-ups", &r.lookups.to_string(), false);
    if !r.per_cashier.is_empty() {
        out.line("Sales per cashier", true);
        for c in &r.per_cashier {
            let m = out.money(c.amount_minor);
            let who = c.cashier.as_deref().unwrap_or("(no sign-in)");
            out.pair(&format!("  {who} ({})", c.count), &m, false);
        }
    }
    out.totals("Taken", &r.tenders);
    out.totals("Given back", &r.given_back);
    if !r.card_sales.is_empty() {
        out.line("Gift cards sold / reloaded", true);
        for c in &r.card_sales {
            let m = out.money(c.amount_minor);
            out.pair(
                &format!("  {} {} ({})", c.provider, c.action, c.count),
                &m,
                false,
            );
        }
    }
    out.tally("Offline, not yet confirmed", r.offline_outstanding);
    out.pair(
        "Operations still queued",
        &r.queue.unfinished.to_string(),
        false,
    );
    out.pair(
        "Operations in review",
        &r.queue.in_review.to_string(),
        false,
    );
    out.line("Cash", true);
    let c = &r.cash;
    out.amount("  Float", c.float_minor);
    out.amount("  Cash sales", c.sales_minor);
    out.amount("  Paid in", c.paid_in_minor);
    out.amount("  Paid out", -c.paid_out_minor);
    out.amount("  Cash given back", -c.refunds_minor);
    for m in &c.movements {
        let sign = if m.kind == "paid_out" { -1 } else { 1 };
        out.amount(
            &format!("    {}: {}", m.kind.replace('_', " "), m.reason),
            sign * m.amount_minor,
        );
    }
    let expected = out.money(c.expected_minor);
    out.pair("Expected in drawer", &expected, true);
    if let (Some(counted), Some(diff)) = (c.counted_minor, c.difference_minor) {
        out.amount("Counted", counted);
        let d = out.money(diff);
        out.pair("Difference", &d, true);
    }
    let rec = &r.reconciliation;
    if !rec.providers.is_empty() {
        out.line("Checked with the providers", true);
        for p in &rec.providers {
            let state = match p.state.as_str() {
                "done" => format!("{} compared", p.compared),
                _ => "PENDING".to_string(),
            };
            out.pair(&format!("  {}", p.provider), &state, false);
        }
        for d in &rec.differences {
            let what = match d.kind.as_str() {
                "missing" => "missing at provider",
                "extra" => "only at provider",
                _ => "different amount",
            };
            let card = d.card_masked.as_deref().unwrap_or("");
            let amounts = match (d.expected_minor, d.actual_minor) {
                (Some(e), Some(a)) => format!("{} vs {}", out.money(e), out.money(a)),
                (Some(e), None) => out.money(e),
                (None, Some(a)) => out.money(a),
                (None, None) => String::new(),
            };
            let settled = if d.resolved { " (settled)" } else { "" };
            out.line(
                format!(
                    "  #{} {} {what} {card} {amounts}{settled}",
                    d.id, d.provider
                ),
                false,
            );
        }
    }
    out.rows
}
