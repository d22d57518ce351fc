//! Money is an integer count of minor units plus a currency (GUIDE §4.5).

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
    fn rejects_bad_currency_codes() {
        assert!(Currency::try_from("EURO".to_string()).is_err());
        assert!(Currency::try_from("E1R".to_string()).is_err());
        assert!(Currency::try_from(String::new()).is_err());
    }
}
