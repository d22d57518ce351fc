//! An X or Z report in text rows at a printer's width (the CLI, the screen's print-out and the
//! receipt printer): each figure a label with its amount flush right, in the till's language
//! ([`rows_in`]; the CLI's [`rows`] in English).

use super::report::{ReportKind, ShiftReport, Tally, TenderTotal};
use crate::lang::{Language, Text};
use crate::money::Currency;
use crate::receipt::{Row, MIN_COLUMNS};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

struct Rows {
    rows: Vec<Row>,
    columns: usize,
    currency: Option<Currency>,
    language: Language,
}

impl Rows {
    fn money(&self, minor: i64) -> String {
        match &self.currency {
            Some(c) => self.language.money(minor, c),
            None => minor.to_string(),
        }
    }

    fn text(&self, text: Text) -> &'static str {
        text.get(self.language)
    }

    /// A time as the report stores it (RFC 3339), in the language's format; English keeps the
    /// stored form.
    fn time(&self, stamp: &str) -> String {
        match OffsetDateTime::parse(stamp, &Rfc3339) {
            Ok(at) if self.language != Language::En => self.language.date_time(at),
            _ => stamp.to_string(),
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

/// The report's rows at `columns` ([`MIN_COLUMNS`] at the least), in English.
pub fn rows(r: &ShiftReport, columns: usize) -> Vec<Row> {
    rows_in(r, columns, Language::En)
}

/// The report's rows at `columns` ([`MIN_COLUMNS`] at the least) in `language`: labels,
/// amounts (`€ 12,50` in Dutch and German) and times.
pub fn rows_in(r: &ShiftReport, columns: usize, language: Language) -> Vec<Row> {
    let mut out = Rows {
        rows: Vec::new(),
        columns: columns.max(MIN_COLUMNS),
        currency: Currency::try_from(r.currency.clone()).ok(),
        language,
    };
    let l = |text: Text| text.get(language);
    let title = match r.kind {
        ReportKind::X => Text::ReportX,
        ReportKind::Z => Text::ReportZ,
    };
    out.line(title.fill(language, &[("shift", &r.shift.id)]), true);
    let opened = out.time(&r.shift.opened_at);
    out.line(Text::ReportOpened.fill(language, &[("at", &opened)]), false);
    if r.shift.opened_by == "sale" {
        out.line(format!("  {}", l(Text::ReportOpenedBySale)), false);
    }
    let cashier = r
        .shift
        .cashier
        .as_deref()
        .unwrap_or(l(Text::ReportNoSignIn));
    out.line(
        Text::ReportCashier.fill(language, &[("cashier", &cashier)]),
        false,
    );
    match &r.shift.closed_at {
        Some(at) => {
            let at = out.time(at);
            out.line(Text::ReportClosed.fill(language, &[("at", &at)]), false);
            if let Some(by) = &r.shift.closed_by {
                out.line(
                    Text::ReportClosedBy.fill(language, &[("cashier", by)]),
                    false,
                );
            }
        }
        None => {
            let at = out.time(&r.made_at);
            out.line(Text::ReportMade.fill(language, &[("at", &at)]), false)
        }
    }
    out.line("", false);
    out.tally(l(Text::ReportSales), r.sales);
    out.amount(l(Text::ReportCashRounding), r.rounding_minor);
    out.tally(l(Text::ReportRefunds), r.refunds);
    out.tally(l(Text::ReportVoids), r.voids);
    out.pair(l(Text::ReportAbandoned), &r.abandoned.to_string(), false);
    out.pair(l(Text::ReportLookups), &r.lookups.to_string(), false);
    if !r.per_cashier.is_empty() {
        out.line(l(Text::ReportPerCashier), true);
        for c in &r.per_cashier {
            let m = out.money(c.amount_minor);
            let who = c.cashier.as_deref().unwrap_or(l(Text::ReportNoSignIn));
            out.pair(&format!("  {who} ({})", c.count), &m, false);
        }
    }
    out.totals(l(Text::ReportTaken), &r.tenders);
    out.totals(l(Text::ReportGivenBack), &r.given_back);
    if !r.card_sales.is_empty() {
        out.line(l(Text::ReportCardSales), true);
        for c in &r.card_sales {
            let m = out.money(c.amount_minor);
            out.pair(
                &format!("  {} {} ({})", c.provider, c.action, c.count),
                &m,
                false,
            );
        }
    }
    out.tally(l(Text::ReportOffline), r.offline_outstanding);
    out.pair(
        l(Text::ReportQueued),
        &r.queue.unfinished.to_string(),
        false,
    );
    out.pair(
        l(Text::ReportInReview),
        &r.queue.in_review.to_string(),
        false,
    );
    out.line(l(Text::ReportCash), true);
    let c = &r.cash;
    let indented = |text: Text| format!("  {}", l(text));
    out.amount(&indented(Text::ReportFloat), c.float_minor);
    out.amount(&indented(Text::ReportCashSales), c.sales_minor);
    out.amount(&indented(Text::ReportPaidIn), c.paid_in_minor);
    out.amount(&indented(Text::ReportPaidOut), -c.paid_out_minor);
    out.amount(&indented(Text::ReportCashGivenBack), -c.refunds_minor);
    for m in &c.movements {
        let (sign, kind) = if m.kind == "paid_out" {
            (-1, Text::ReportPaidOut)
        } else {
            (1, Text::ReportPaidIn)
        };
        out.amount(
            &format!("    {}: {}", l(kind), m.reason),
            sign * m.amount_minor,
        );
    }
    let expected = out.money(c.expected_minor);
    out.pair(l(Text::ReportExpected), &expected, true);
    if let (Some(counted), Some(diff)) = (c.counted_minor, c.difference_minor) {
        out.amount(l(Text::ReportCounted), counted);
        let d = out.money(diff);
        out.pair(l(Text::ReportDifference), &d, true);
    }
    let rec = &r.reconciliation;
    if !rec.providers.is_empty() {
        out.line(l(Text::ReportChecked), true);
        for p in &rec.providers {
            let state = match p.state.as_str() {
                "done" => Text::ReportCompared.fill(language, &[("count", &p.compared)]),
                _ => out.text(Text::ReportPending).to_string(),
            };
            out.pair(&format!("  {}", p.provider), &state, false);
            if let Some(blind) = p.message.as_deref().filter(|_| p.state == "done") {
                // Kept as the catalog's English: said in the report's language.
                let said = Text::ALL
                    .iter()
                    .find(|t| t.get(Language::En) == blind)
                    .map_or(blind, |t| t.get(language));
                out.line(format!("    {said}"), false);
            }
        }
        for d in &rec.differences {
            let what = l(match d.kind.as_str() {
                "missing" => Text::ReportMissing,
                "extra" => Text::ReportExtra,
                _ => Text::ReportDifferent,
            });
            let card = d.card_masked.as_deref().unwrap_or("");
            let amounts = match (d.expected_minor, d.actual_minor) {
                (Some(e), Some(a)) => Text::ReportVersus.fill(
                    language,
                    &[("expected", &out.money(e)), ("actual", &out.money(a))],
                ),
                (Some(e), None) => out.money(e),
                (None, Some(a)) => out.money(a),
                (None, None) => String::new(),
            };
            let settled = if d.resolved {
                l(Text::ReportSettled)
            } else {
                ""
            };
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
