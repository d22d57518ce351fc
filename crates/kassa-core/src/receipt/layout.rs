//! A receipt laid out in text at a printer's width: every row at most `columns` characters,
//! long descriptions and references wrapped, amounts right-aligned.

use super::{NewCardOnReceipt, Receipt};
use crate::lang::{Language, Text};
use crate::money::Currency;

/// The narrowest layout: an amount (`EUR -1000000.00`) and a word beside it.
pub const MIN_COLUMNS: usize = 24;

/// One row of the receipt and how a printer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub text: String,
    /// Printed in bold (the title, the total, TRAINING).
    pub bold: bool,
}

fn plain(text: String) -> Row {
    Row { text, bold: false }
}

fn bold(text: String) -> Row {
    Row { text, bold: true }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `text` centred in `columns` (wrapped first when longer).
pub fn centered(text: &str, columns: usize) -> String {
    let text: String = text.chars().take(columns).collect();
    let pad = (columns - width(&text)) / 2;
    format!("{}{text}", " ".repeat(pad))
}

/// `text` in lines of at most `columns` characters: broken between words, a word longer than a
/// line broken inside it; the spaces it starts with indent every line.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let body = text.trim_start_matches(' ');
    let indent = (text.len() - body.len()).min(columns.saturating_sub(1));
    let lead = " ".repeat(indent);
    wrap_words(body, (columns - indent).max(1))
        .into_iter()
        .map(|l| format!("{lead}{l}"))
        .collect()
}

fn wrap_words(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        let room = if line.is_empty() {
            columns
        } else {
            columns.saturating_sub(width(&line) + 1)
        };
        if word.len() > room && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > columns {
            let rest = word.split_off(columns);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `left` and `right` on one row, `right` flush right; `left` wrapped above it when both do
/// not fit.
fn two_columns(left: &str, right: &str, columns: usize) -> Vec<String> {
    let room = columns.saturating_sub(width(right) + 1).max(1);
    let mut lines = wrap(left, room);
    let last = lines.pop().unwrap_or_default();
    let gap = columns.saturating_sub(width(&last) + width(right));
    lines.push(format!("{last}{}{right}", " ".repeat(gap)));
    lines
}

/// The rows at `columns` ([`MIN_COLUMNS`] at the least).
pub(super) fn rows(r: &Receipt, columns: usize) -> Vec<Row> {
    let columns = columns.max(MIN_COLUMNS);
    let language: Language = r.language;
    let money = |minor: i64, currency: &Currency| language.money(minor, currency);
    let label = |text: Text| text.get(language);
    let c = &r.currency;
    let rule = "-".repeat(columns);
    let mut out = Vec::new();
    let mut add = |rows: Vec<String>, is_bold: bool| {
        out.extend(
            rows.into_iter()
                .map(|t| if is_bold { bold(t) } else { plain(t) }),
        );
    };
    let centre = |text: &str| -> Vec<String> {
        wrap(text, columns)
            .iter()
            .map(|l| centered(l, columns))
            .collect()
    };
    if r.training {
        add(centre(label(Text::ReceiptTrainingHead)), true);
    }
    if !r.shop.is_empty() {
        add(centre(&r.shop), true);
    }
    add(centre(&format!("{} ({})", r.till_name, r.till_id)), false);
    let stamp = language.date_time(r.at);
    add(
        two_columns(&format!("{} {}", r.title, r.number), &stamp, columns),
        true,
    );
    if let Some(reference) = &r.reference {
        add(wrap(reference, columns), false);
    }
    if let Some(reason) = &r.reason {
        add(
            wrap(
                &Text::ReceiptReason.fill(language, &[("reason", reason)]),
                columns,
            ),
            false,
        );
    }
    add(vec![rule.clone()], false);
    for l in &r.lines {
        let total = money(l.total_minor, c);
        if l.quantity == 1 {
            add(two_columns(&l.description, &total, columns), false);
        } else {
            add(wrap(&l.description, columns), false);
            let each = format!("  {} x {}", l.quantity, money(l.unit_price_minor, c));
            add(two_columns(&each, &total, columns), false);
        }
        if let Some(card) = &l.card_masked {
            let card = Text::ReceiptCard.fill(language, &[("card", card)]);
            add(wrap(&format!("  {card}"), columns), false);
        }
        match &l.new_card {
            Some(NewCardOnReceipt::Made { code, url }) => {
                let code = Text::ReceiptCardCode.fill(language, &[("code", code)]);
                add(wrap(&format!("  {code}"), columns), true);
                if let Some(url) = url {
                    add(wrap(&format!("  {url}"), columns), false);
                }
            }
            Some(NewCardOnReceipt::Making) => add(
                wrap(&format!("  {}", label(Text::ReceiptCardMaking)), columns),
                false,
            ),
            Some(NewCardOnReceipt::NotMade) => add(
                wrap(&format!("  {}", label(Text::ReceiptCardNotMade)), columns),
                false,
            ),
            None => {}
        }
    }
    add(vec![rule.clone()], false);
    add(
        two_columns(label(Text::ReceiptTotal), &money(r.total_minor, c), columns),
        true,
    );
    if r.rounding_minor != 0 {
        add(
            two_columns(
                label(Text::ReceiptCashRounding),
                &money(r.rounding_minor, c),
                columns,
            ),
            false,
        );
        add(
            two_columns(
                label(Text::ReceiptToPay),
                &money(r.total_minor + r.rounding_minor, c),
                columns,
            ),
            false,
        );
    }
    for t in &r.tenders {
        add(
            two_columns(&t.label, &money(t.amount_minor, c), columns),
            false,
        );
        if let Some(card) = &t.card_masked {
            let card = Text::ReceiptCard.fill(language, &[("card", card)]);
            add(wrap(&format!("  {card}"), columns), false);
        }
        if let Some(left) = t.balance_after_minor {
            add(
                two_columns(
                    &format!("  {}", label(Text::ReceiptBalanceLeft)),
                    &money(left, c),
                    columns,
                ),
                false,
            );
        }
        if let Some(reference) = &t.provider_ref {
            let reference = Text::ReceiptRef.fill(language, &[("reference", reference)]);
            add(wrap(&format!("  {reference}"), columns), false);
        }
    }
    if r.change_minor != 0 {
        add(
            two_columns(
                label(Text::ReceiptChange),
                &money(r.change_minor, c),
                columns,
            ),
            false,
        );
    }
    add(vec![rule], false);
    if r.training {
        add(centre(label(Text::ReceiptTrainingFoot)), true);
    }
    out
}
