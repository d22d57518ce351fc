//! The till's languages (`[register] language`: `en`, `nl`, `de`) for what it prints and says:
//! [`Text`], the catalog of labels and sentences with their three translations (`catalog.rs`),
//! and amounts and times in the language's format. `Money`'s `Display` (`EUR 12.50`) stays the
//! logs' and the CLI's; [`Language::money`] writes `€ 12,50` in Dutch and German.

mod catalog;
mod sentence;

pub use catalog::Text;
pub use sentence::{Sentence, Value};

use crate::money::Currency;
use time::OffsetDateTime;

/// A language the till speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    Nl,
    De,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Nl, Language::De];

    /// The language of a `[register] language` code (`nl`, `nl-BE`, `de-AT`, ...); English for
    /// anything else.
    pub fn from_code(code: &str) -> Language {
        let base = code.trim().split(['-', '_']).next().unwrap_or("");
        match base.to_ascii_lowercase().as_str() {
            "nl" => Language::Nl,
            "de" => Language::De,
            _ => Language::En,
        }
    }

    /// The language of a `[register] language` setting: exactly `en`, `nl` or `de`.
    pub fn parse(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
            Language::De => "de",
        }
    }

    /// An amount as the language writes it: `EUR 12.50` (en, as `Money` prints it), `€ 12,50`
    /// (nl, de; another currency keeps its code: `USD 12,50`), `€ -0,05`.
    pub fn money(self, minor: i64, currency: &Currency) -> String {
        let exp = currency.exponent();
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let symbol = match (self, currency.code()) {
            (Language::Nl | Language::De, "EUR") => "€",
            _ => currency.code(),
        };
        if exp == 0 {
            return format!("{symbol} {sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        let separator = if self == Language::En { '.' } else { ',' };
        format!(
            "{symbol} {sign}{}{separator}{:0width$}",
            abs / scale,
            abs % scale,
            width = exp as usize
        )
    }

    /// A date and time to the minute with its offset: `2025-03-12 14:05 +01:00` (en),
    /// `12-03-2025 14:05 +01:00` (nl), `12.03.2025 14:05 +01:00` (de); `UTC` for UTC.
    pub fn date_time(self, at: OffsetDateTime) -> String {
        let (y, mo, d) = (at.year(), u8::from(at.month()), at.day());
        let date = match self {
            Language::En => format!("{y:04}-{mo:02}-{d:02}"),
            Language::Nl => format!("{d:02}-{mo:02}-{y:04}"),
            Language::De => format!("{d:02}.{mo:02}.{y:04}"),
        };
        let zone = if at.offset().is_utc() {
            "UTC".to_string()
        } else {
            let (h, m, _) = at.offset().as_hms();
            format!("{h:+03}:{:02}", m.abs())
        };
        format!("{date} {:02}:{:02} {zone}", at.hour(), at.minute())
    }
}

#[cfg(test)]
mod tests;
