//! What `kassa sale` and `kassa sales` take: their clap arguments, and the reading of each
//! `--line` and `--pay` into a line and a tender, all checked before a sale is made
//! (`sale_cli.rs` runs them).

use clap::{Args, Subcommand};
use kassa_core::card::CardCode;
use kassa_core::checkout::model::validate_line;
use kassa_core::money::{parse_amount, Currency};

/// `kassa sale --line … --pay …`, or `kassa sale show ID`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "\
LINES: --line DESCRIPTION=PRICE[xQTY], e.g. --line \"Coffee beans=12.50\" --line \"Mug=7.95x2\"
  (the last '=' ends the description; a quantity is 1 to 9999).

TENDERS, applied in the order given (--pay, repeated):
  --pay CODE            a gift card or wallet: it pays what it can of the rest
  --pay CODE=5.00       the same, at most 5.00
  --pay cash=20.00      cash handed over: what is beyond the rest is change
  --pay terminal=5.00   what an external card terminal took
  A code that itself ends in '=digits' (a QR link) is given with a '=' after it: 'URL='.

Amounts are typed as on a receipt (12.50 or 12,50), more than 0. The sale is completed when
everything is paid, and the command exits 0 only then. Otherwise (a card refused or not found,
not enough paid, a card over the offline limits: no manager can approve here) the sale is
abandoned, everything taken is undone or queued to be, and the command says why and exits 1.
Sales an earlier `kassa sale` left unfinished (it was killed) are settled first.

kassa sale show ID    one sale (ID: its number or its id), with each tender's operations"
)]
pub struct SaleArgs {
    #[command(subcommand)]
    pub command: Option<SaleCommand>,
    /// A line: DESCRIPTION=PRICE[xQTY] (repeat for more lines).
    #[arg(
        long = "line",
        value_name = "DESCRIPTION=PRICE[xQTY]",
        required = true,
        allow_hyphen_values = true
    )]
    pub lines: Vec<String>,
    /// A tender: CODE, CODE=MAX, cash=GIVEN or terminal=AMOUNT (repeat; applied in order).
    #[arg(
        long = "pay",
        value_name = "TENDER",
        required = true,
        allow_hyphen_values = true
    )]
    pub pays: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SaleCommand {
    /// One sale with its lines, tenders and each tender's operations.
    Show {
        /// The sale's number (as on the receipt) or its id.
        id: String,
    },
}

/// `kassa sales`.
#[derive(Debug, Args)]
pub struct SalesArgs {
    /// Only the sales made today (since 00:00 UTC).
    #[arg(long)]
    pub today: bool,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
}

/// A line as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSpec {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// A tender as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaySpec {
    /// A card: what it can pay of the rest, at most `cap`.
    Card {
        code: String,
        cap: Option<i64>,
    },
    /// Cash handed over.
    Cash(i64),
    Terminal(i64),
}

fn amount(text: &str, currency: &Currency) -> Result<i64, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!(
            "'{}' is negative: an amount must be more than 0",
            text.trim()
        ));
    }
    parse_amount(text, currency)
}

/// `DESCRIPTION=PRICE[xQTY]`.
pub fn parse_line(text: &str, currency: &Currency) -> Result<LineSpec, String> {
    let wrap = |e: String| format!("--line \"{text}\": {e}");
    let Some((description, rest)) = text.rsplit_once('=') else {
        return Err(wrap(
            "a line is DESCRIPTION=PRICE or DESCRIPTION=PRICExQUANTITY, e.g. \"Mug=7.95x2\"".into(),
        ));
    };
    let (price, quantity) = match rest.rsplit_once(['x', 'X', '×', '*']) {
        Some((price, quantity)) => {
            let q = quantity.trim();
            let quantity = q
                .parse::<i64>()
                .ok()
                .filter(|_| q.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    wrap(format!(
                        "the quantity '{q}' must be a whole number from 1 to 9999"
                    ))
                })?;
            (price, quantity)
        }
        None => (rest, 1),
    };
    let unit_price_minor = amount(price, currency).map_err(wrap)?;
    validate_line(description, quantity, unit_price_minor).map_err(|e| wrap(e.to_string()))?;
    Ok(LineSpec {
        description: description.trim().to_string(),
        quantity,
        unit_price_minor,
    })
}

/// Looks like an amount someone meant to type (digits, a decimal mark, a sign).
fn amount_shaped(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
}

/// `CODE`, `CODE=MAX`, `cash=GIVEN`, `terminal=AMOUNT`.
pub fn parse_pay(text: &str, currency: &Currency) -> Result<PaySpec, String> {
    let wrap = |e: String| format!("--pay \"{text}\": {e}");
    let t = text.trim();
    let keyword = t
        .split_once('=')
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v));
    match keyword.as_ref().map(|(k, v)| (k.as_str(), *v)) {
        Some(("cash", given)) => return Ok(PaySpec::Cash(amount(given, currency).map_err(wrap)?)),
        Some(("terminal", taken)) => {
            return Ok(PaySpec::Terminal(amount(taken, currency).map_err(wrap)?))
        }
        _ => {}
    }
    if t.eq_ignore_ascii_case("cash") || t.eq_ignore_ascii_case("terminal") {
        return Err(wrap(format!(
            "say how much: {}=AMOUNT, e.g. {}=20.00",
            t.to_ascii_lowercase(),
            t.to_ascii_lowercase()
        )));
    }
    let (code, cap) = match t.rsplit_once('=') {
        Some((code, "")) => (code, None),
        Some((code, cap)) if amount_shaped(cap) => {
            (code, Some(amount(cap, currency).map_err(wrap)?))
        }
        _ => (t, None),
    };
    let code = CardCode::parse(code).map_err(|e| wrap(e.to_string()))?;
    Ok(PaySpec::Card {
        code: code.as_str().to_string(),
        cap,
    })
}

/// Parses everything typed before a sale is made: a bad line or amount makes no sale.
pub fn parse_all(
    lines: &[String],
    pays: &[String],
    currency: &Currency,
) -> Result<(Vec<LineSpec>, Vec<PaySpec>), String> {
    let lines = lines
        .iter()
        .map(|l| parse_line(l, currency))
        .collect::<Result<Vec<_>, _>>()?;
    let pays = pays
        .iter()
        .map(|p| parse_pay(p, currency))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((lines, pays))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::try_from("EUR".to_string()).unwrap()
    }

    #[test]
    fn lines_are_description_price_and_quantity() {
        let line = parse_line("Coffee beans=12.50", &eur()).unwrap();
        assert_eq!(
            (
                line.description.as_str(),
                line.quantity,
                line.unit_price_minor
            ),
            ("Coffee beans", 1, 1250)
        );
        let line = parse_line("Mug=7,95x2", &eur()).unwrap();
        assert_eq!((line.quantity, line.unit_price_minor), (2, 795));
        let line = parse_line("A=B=1", &eur()).unwrap();
        assert_eq!(line.description, "A=B");
        for bad in [
            "Mug",
            "Mug=",
            "Mug=0",
            "Mug=-5",
            "Mug=abc",
            "Mug=1.234",
            "=5",
            "Mug=5x0",
            "Mug=5x-1",
            "Mug=5xtwo",
            "Mug=5x10000",
        ] {
            let e = parse_line(bad, &eur()).unwrap_err();
            assert!(e.starts_with("--line"), "{bad}: {e}");
        }
        assert!(parse_line("Mug=-5", &eur())
            .unwrap_err()
            .contains("negative"));
    }

    #[test]
    fn tenders_are_cards_cash_or_terminal() {
        assert_eq!(
            parse_pay("4165100001", &eur()).unwrap(),
            PaySpec::Card {
                code: "4165100001".into(),
                cap: None
            }
        );
        assert_eq!(
            parse_pay("4165100001=5.00", &eur()).unwrap(),
            PaySpec::Card {
                code: "4165100001".into(),
                cap: Some(500)
            }
        );
        assert_eq!(parse_pay("cash=20", &eur()).unwrap(), PaySpec::Cash(2000));
        assert_eq!(
            parse_pay("Terminal=5.00", &eur()).unwrap(),
            PaySpec::Terminal(500)
        );
        let qr = kassa_sim::training::DEMO_ZMYLE_QR;
        assert_eq!(
            parse_pay(qr, &eur()).unwrap(),
            PaySpec::Card {
                code: qr.into(),
                cap: None
            }
        );
        assert_eq!(
            parse_pay("https://x/g/abc?rt=123=", &eur()).unwrap(),
            PaySpec::Card {
                code: "https://x/g/abc?rt=123".into(),
                cap: None
            }
        );
        for bad in [
            "cash",
            "cash=0",
            "cash=-1",
            "cash=x",
            "terminal=",
            "4165100001=0",
            "4165100001=-2",
            "",
            "=5",
        ] {
            let e = parse_pay(bad, &eur()).unwrap_err();
            assert!(e.starts_with("--pay"), "{bad}: {e}");
        }
    }
}
