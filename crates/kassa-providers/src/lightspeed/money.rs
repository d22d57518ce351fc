//! Lightspeed's money: decimal major units. Answers carry JSON numbers in API 2.0 (`12.5`) and
//! strings in the date versions (`"12.50"`); a request's `amount` is a string on every version
//! (seed 003: "amount … string required"). Converted exactly to and from the till's minor
//! units, by string arithmetic on the JSON text itself (never through a float).

use kassa_core::money::Currency;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The largest amount the till sends or accepts, in minor units: 10¹⁴ (a trillion euros).
/// Anything beyond is a garbled value, not a gift card balance.
pub const MAX_MINOR: i64 = 100_000_000_000_000;

/// Why an amount cannot cross between the till and Lightspeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Not a plain decimal such as `-12.50`.
    NotADecimal(String),
    /// More decimals than the currency has (`12.505` in EUR): it would have to be rounded.
    TooPrecise { text: String, currency: String },
    /// Beyond [`MAX_MINOR`].
    TooLarge(String),
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::NotADecimal(text) => {
                write!(f, "'{text}' is not a decimal amount such as 12.50")
            }
            AmountError::TooPrecise { text, currency } => write!(
                f,
                "'{text}' has more decimals than {currency} has; Kassa does not round money"
            ),
            AmountError::TooLarge(text) => {
                write!(f, "'{text}' is too large to be a gift card amount")
            }
        }
    }
}

impl std::error::Error for AmountError {}

/// `1250` EUR → `"12.50"`, `-1` → `"-0.01"`, `1200` JPY → `"1200"`.
pub fn to_decimal(minor: i64, currency: &Currency) -> Result<String, AmountError> {
    if minor.unsigned_abs() > MAX_MINOR.unsigned_abs() {
        return Err(AmountError::TooLarge(minor.to_string()));
    }
    let exp = currency.exponent();
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exp == 0 {
        return Ok(format!("{sign}{abs}"));
    }
    let scale = 10u64.pow(exp);
    Ok(format!(
        "{sign}{}.{:0w$}",
        abs / scale,
        abs % scale,
        w = exp as usize
    ))
}

/// `"12.50"` or `"12.5"` EUR → `1250`; `"-0.01"` → `-1`. Trailing zeros past the currency's
/// decimals are harmless (`"12.500"`); any other extra digit is refused, never rounded.
pub fn from_decimal(text: &str, currency: &Currency) -> Result<i64, AmountError> {
    let not_decimal = || AmountError::NotADecimal(text.to_string());
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) if !f.is_empty() => (w, f),
        Some(_) => return Err(not_decimal()),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) {
        return Err(not_decimal());
    }
    let exp = currency.exponent() as usize;
    let significant = frac.trim_end_matches('0');
    if significant.len() > exp {
        return Err(AmountError::TooPrecise {
            text: text.to_string(),
            currency: currency.code().to_string(),
        });
    }
    let too_large = || AmountError::TooLarge(text.to_string());
    let whole = whole.trim_start_matches('0');
    if whole.len() > 18 {
        return Err(too_large());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_large())?
    };
    let fraction: i64 = if exp == 0 {
        0
    } else {
        format!("{significant:0<exp$}")
            .parse()
            .map_err(|_| not_decimal())?
    };
    let minor = whole
        .checked_mul(10i64.pow(exp as u32))
        .and_then(|m| m.checked_add(fraction))
        .filter(|m| *m <= MAX_MINOR)
        .ok_or_else(too_large)?;
    Ok(if negative { -minor } else { minor })
}

/// An amount as it appears in a Lightspeed body: the JSON text of a number or a string,
/// kept verbatim so that no float ever holds it.
#[derive(Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct WireAmount(Box<RawValue>);

impl WireAmount {
    /// Money to send: always a decimal string (`"-12.50"`), never a JSON number, whatever the
    /// API version (seed 003 types `amount` as a string).
    pub fn new(minor: i64, currency: &Currency) -> Result<Self, AmountError> {
        let text = to_decimal(minor, currency)?;
        Ok(WireAmount(
            RawValue::from_string(format!("\"{text}\"")).expect("a decimal is valid JSON"),
        ))
    }

    /// The decimal text, without quotes.
    pub fn text(&self) -> Cow<'_, str> {
        let raw = self.0.get();
        if raw.starts_with('"') {
            Cow::Owned(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()))
        } else {
            Cow::Borrowed(raw)
        }
    }

    pub fn minor(&self, currency: &Currency) -> Result<i64, AmountError> {
        from_decimal(self.text().trim(), currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::try_from(code.to_string()).unwrap()
    }

    #[test]
    fn writes_minor_units_as_exact_decimals() {
        let eur = cur("EUR");
        assert_eq!(to_decimal(1, &eur).unwrap(), "0.01");
        assert_eq!(to_decimal(1250, &eur).unwrap(), "12.50");
        assert_eq!(to_decimal(99_999_999, &eur).unwrap(), "999999.99");
        assert_eq!(to_decimal(-1250, &eur).unwrap(), "-12.50");
        assert_eq!(to_decimal(-1, &eur).unwrap(), "-0.01");
        assert_eq!(to_decimal(0, &eur).unwrap(), "0.00");
        assert_eq!(to_decimal(1200, &cur("JPY")).unwrap(), "1200");
        assert_eq!(to_decimal(1, &cur("KWD")).unwrap(), "0.001");
        assert!(matches!(
            to_decimal(i64::MIN, &eur),
            Err(AmountError::TooLarge(_))
        ));
    }

    #[test]
    fn reads_decimals_exactly() {
        let eur = cur("EUR");
        for (text, minor) in [
            ("0.01", 1),
            ("12.50", 1250),
            ("12.5", 1250),
            ("12.500", 1250),
            ("999999.99", 99_999_999),
            ("-12.50", -1250),
            ("-0.01", -1),
            ("10", 1000),
            ("0", 0),
            ("007.10", 710),
        ] {
            assert_eq!(from_decimal(text, &eur), Ok(minor), "{text}");
        }
        assert_eq!(from_decimal("1200", &cur("JPY")), Ok(1200));
    }

    #[test]
    fn refuses_what_it_would_have_to_round_or_guess() {
        let eur = cur("EUR");
        assert!(matches!(
            from_decimal("12.505", &eur),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(
            from_decimal("12.5", &cur("JPY")),
            Err(AmountError::TooPrecise { .. })
        ));
        for garbage in [
            "", "-", "12,50", "1e3", "12.", ".5", "+5", "12.5.0", " 12", "NaN",
        ] {
            assert!(
                matches!(
                    from_decimal(garbage, &eur),
                    Err(AmountError::NotADecimal(_))
                ),
                "{garbage:?}"
            );
        }
        for huge in [
            "1000000000000.01",
            "99999999999999999999",
            "-9223372036854775808",
        ] {
            assert!(
                matches!(from_decimal(huge, &eur), Err(AmountError::TooLarge(_))),
                "{huge}"
            );
        }
        let err = from_decimal("12.505", &eur).unwrap_err().to_string();
        assert!(err.contains("more decimals than EUR"), "{err}");
    }

    #[test]
    fn sends_strings_and_reads_numbers_or_strings() {
        let eur = cur("EUR");
        let sent = WireAmount::new(-1250, &eur).unwrap();
        assert_eq!(serde_json::to_string(&sent).unwrap(), r#""-12.50""#);
        let sent = WireAmount::new(1200, &cur("JPY")).unwrap();
        assert_eq!(serde_json::to_string(&sent).unwrap(), r#""1200""#);
        for body in [r#""999999.99""#, "999999.99"] {
            let amount: WireAmount = serde_json::from_str(body).unwrap();
            assert_eq!(amount.minor(&eur), Ok(99_999_999), "{body}");
        }
        // A float would read 0.1 + 0.2 style values inexactly; the text never is.
        let amount: WireAmount = serde_json::from_str("0.30").unwrap();
        assert_eq!(amount.minor(&eur), Ok(30));
        let amount: WireAmount = serde_json::from_str("true").unwrap();
        assert!(amount.minor(&eur).is_err());
    }
}
