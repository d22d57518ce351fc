//! Card codes as they arrive from a scanner or the keyboard: validated once, masked in logs.

use crate::lang::{Sentence, Text};
use std::fmt;
use thiserror::Error;

/// The longest code a till accepts. Real codes (hashes, QR URLs) are well under this.
pub const MAX_CODE_LEN: usize = 512;

/// Its `Display` is [`CodeError::sentence`] in English.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodeError {
    Empty,
    TooLong { len: usize },
    ControlCharacters,
}

impl CodeError {
    /// What the cashier reads.
    pub fn sentence(&self) -> Sentence {
        match self {
            CodeError::Empty => Text::ScanEmpty.into(),
            CodeError::TooLong { len } => Sentence::new(Text::ScanTooLong)
                .with("len", *len)
                .with("most", MAX_CODE_LEN),
            CodeError::ControlCharacters => Text::ScanGarbled.into(),
        }
    }
}

impl std::fmt::Display for CodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

/// A card code that passed the basic checks: not empty, not absurdly long, printable.
/// Its `Debug` and `Display` are masked; only [`CardCode::as_str`] reveals it.
#[derive(Clone, PartialEq, Eq)]
pub struct CardCode(String);

impl CardCode {
    pub fn parse(raw: &str) -> Result<CardCode, CodeError> {
        let code = raw.trim();
        let len = code.chars().count();
        if len == 0 {
            return Err(CodeError::Empty);
        }
        if len > MAX_CODE_LEN {
            return Err(CodeError::TooLong { len });
        }
        if code.chars().any(char::is_control) {
            return Err(CodeError::ControlCharacters);
        }
        Ok(CardCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for CardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardCode({})", self.masked())
    }
}

impl fmt::Display for CardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Shows the last four characters only: `••••1651`. Short codes show nothing.
pub fn mask(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() <= 6 {
        return "•".repeat(chars.len().max(4));
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_the_scanner_terminator() {
        assert_eq!(CardCode::parse(" 41651\r\n").unwrap().as_str(), "41651");
    }

    #[test]
    fn refuses_bad_scans_with_a_reason() {
        assert_eq!(CardCode::parse("  \t").unwrap_err(), CodeError::Empty);
        let long = "7".repeat(10_000);
        assert_eq!(
            CardCode::parse(&long).unwrap_err(),
            CodeError::TooLong { len: 10_000 }
        );
        assert_eq!(
            CardCode::parse("416\u{1b}[51").unwrap_err(),
            CodeError::ControlCharacters
        );
        assert!(CardCode::parse("41\u{0}651").is_err());
    }

    #[test]
    fn masks_everything_but_the_tail() {
        let code = CardCode::parse("DEMO-LEAT-0001").unwrap();
        assert_eq!(code.masked(), "••••0001");
        assert_eq!(format!("{code:?}"), "CardCode(••••0001)");
        assert!(!format!("{code}").contains("DEMO"));
        assert_eq!(mask("QTHX"), "••••");
    }
}
