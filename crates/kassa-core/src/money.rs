//! Money is an integer count of minor units plus a currency (docs/design.md §4.5).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code with its number of minor-unit digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point. Zero-decimal currencies are the few ISO lists.
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "XAF" | "XOF" | "HUF" => 0,
            "KWD" | "BHD" | "JOD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let up = s.trim().to_ascii_uppercase();
        if up.len() == 3 && up.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Currency(up))
        } else {
            Err(format!(
                "'{s}' is not a three-letter currency code such as EUR"
            ))
        }
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }
}

/// The largest amount the till takes for one line, tender or sale, in minor units (1,000,000.00
/// in a two-decimal currency): far above any shop's sale, far below an overflow.
pub const MAX_AMOUNT_MINOR: i64 = 100_000_000;

/// Reads an amount a person typed (`12.50`, `12,50`, `12`) as minor units of `currency`: digits,
/// at most one decimal separator and no more decimals than the currency has. Refuses a sign,
/// zero and anything over [`MAX_AMOUNT_MINOR`], each with a sentence saying why.
pub fn parse_amount(text: &str, currency: &Currency) -> Result<i64, String> {
    let t = text.trim();
    let shown = if t.is_empty() { "(nothing)" } else { t };
    let exp = currency.exponent() as usize;
    let (whole, frac) = match t.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
        return Err(format!(
            "'{shown}' is not an amount: type digits, such as 12.50"
        ));
    }
    if frac.len() > exp {
        return Err(format!(
            "'{shown}' has more than {exp} decimals: {currency} amounts have {exp}"
        ));
    }
    let too_big = || format!("'{shown}' is more than the till takes at once");
    let mut minor: i64 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        minor = minor
            .checked_mul(10)
            .and_then(|m| m.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_big)?;
    }
    for _ in frac.len()..exp {
        minor = minor.checked_mul(10).ok_or_else(too_big)?;
    }
    if minor == 0 {
        return Err(format!("'{shown}' is zero: an amount must be more than 0"));
    }
    if minor > MAX_AMOUNT_MINOR {
        return Err(too_big());
    }
    Ok(minor)
}

impl fmt::Display for Money {
    /// `EUR 12.50`, `EUR -0.05`, `JPY 1200`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return write!(f, "{} {sign}{abs}", self.currency);
        }
        let scale = 10u64.pow(exp);
        write!(
            f,
            "{} {sign}{}.{:0width$}",
            self.currency,
            abs / scale,
            abs % scale,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::try_from("eur".to_string()).unwrap()
    }

    #[test]
    fn formats_minor_units_without_floats() {
        assert_eq!(Money::new(1250, eur()).to_string(), "EUR 12.50");
        assert_eq!(Money::new(-5, eur()).to_string(), "EUR -0.05");
        assert_eq!(Money::new(0, eur()).to_string(), "EUR 0.00");
        assert_eq!(
            Money::new(i64::MIN, eur()).to_string(),
            "EUR -92233720368547758.08"
        );
        let jpy = Currency::try_from("JPY".to_string()).unwrap();
        assert_eq!(Money::new(1200, jpy).to_string(), "JPY 1200");
    }

    #[test]
    fn typed_amounts_become_minor_units_or_a_reason() {
        let eur = eur();
        assert_eq!(parse_amount("12.50", &eur), Ok(1250));
        assert_eq!(parse_amount(" 12,5 ", &eur), Ok(1250));
        assert_eq!(parse_amount("7", &eur), Ok(700));
        assert_eq!(parse_amount(".05", &eur), Ok(5));
        for bad in [
            "",
            "-5",
            "+5",
            "1.2.3",
            "12.505",
            "abc",
            "0",
            "0.00",
            "1e3",
            "99999999999999999999",
        ] {
            assert!(parse_amount(bad, &eur).is_err(), "{bad}");
        }
        assert!(parse_amount("1000000.01", &eur)
            .unwrap_err()
            .contains("more than"));
        let jpy = Currency::try_from("JPY".to_string()).unwrap();
        assert_eq!(parse_amount("1200", &jpy), Ok(1200));
        assert!(parse_amount("12.5", &jpy).is_err());
    }

    #[test]
    fn rejects_bad_currency_codes() {
        assert!(Currency::try_from("EURO".to_string()).is_err());
        assert!(Currency::try_from("E1R".to_string()).is_err());
        assert!(Currency::try_from(String::new()).is_err());
    }
}
