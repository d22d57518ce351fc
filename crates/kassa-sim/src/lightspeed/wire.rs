//! What the Lightspeed simulator sends and reads: the two API versions' shapes (docs/providers.md
//! §3.1–3.2) and Lightspeed's error envelope `{"error", "message"}`.

use super::ledger::{Card, Txn};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Which shape a path's API version answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `/api/2.0`: bare objects, money as JSON numbers, 200 on create.
    Legacy,
    /// `/api/2026-04` and later: `{"data": …}`, money as strings, 201 on create.
    Dated,
}

impl Shape {
    /// The shape of a date version path segment (`2026-04`), or none for anything else.
    pub fn dated(version: &str) -> Option<Shape> {
        let b = version.as_bytes();
        let ok = b.len() == 7
            && b[4] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
            && version >= "2026-04";
        ok.then_some(Shape::Dated)
    }

    /// Money in this shape: `"12.50"` or `12.50`, written exactly from minor units.
    fn money(self, minor: i64, decimals: u32) -> Box<RawValue> {
        let text = decimal(minor, decimals);
        let raw = match self {
            Shape::Legacy => text,
            Shape::Dated => format!("\"{text}\""),
        };
        RawValue::from_string(raw).expect("a decimal is valid JSON")
    }

    /// Answers with this version's status, the body wrapped in `{"data": …}` or bare as
    /// `envelope` says.
    pub fn answer<T: Serialize>(self, envelope: Envelope, created: bool, body: T) -> Response {
        let status = match (self, created) {
            (Shape::Dated, true) => StatusCode::CREATED,
            _ => StatusCode::OK,
        };
        let wrapped = match envelope {
            Envelope::ByVersion => self == Shape::Dated,
            Envelope::Data => true,
            Envelope::Bare => false,
        };
        if wrapped {
            (status, Json(Data { data: body })).into_response()
        } else {
            (status, Json(body)).into_response()
        }
    }

    pub fn card(self, card: &Card, decimals: u32) -> CardOut {
        CardOut {
            id: card.id.clone(),
            number: card.number.clone(),
            balance: self.money(card.balance(), decimals),
            total_sold: self.money(card.total_sold(), decimals),
            total_redeemed: self.money(card.total_redeemed(), decimals),
            status: card.effective_status().as_str(),
            created_at: timestamp(card.created_at),
            expires_at: card.expires_at.map(timestamp),
            sale_id: None,
            sale_source: "KASSA-SIM",
            gift_card_transactions: card.txns.iter().map(|t| self.txn(t, decimals)).collect(),
        }
    }

    pub fn txn(self, txn: &Txn, decimals: u32) -> TxnOut {
        TxnOut {
            id: txn.id.clone(),
            amount: self.money(txn.amount, decimals),
            kind: txn.kind.as_str(),
            client_id: txn.client_id.clone(),
            source: None,
            source_id: None,
            user_id: txn.user_id.clone(),
            created_at: timestamp(txn.created_at),
        }
    }
}

/// Whether answers are wrapped in `{"data": …}`. Both shapes are documented (docs/providers.md
/// §3.1: the date versions wrap, 2.0's `GET /gift_cards/{number}` is bare), so a client must
/// read either on any version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Envelope {
    /// As documented per version: 2.0 bare, date versions wrapped.
    #[default]
    ByVersion,
    /// Every version wraps.
    Data,
    /// No version wraps.
    Bare,
}

#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// A GiftCard (docs/providers.md §3.2).
#[derive(Serialize)]
pub struct CardOut {
    id: String,
    number: String,
    balance: Box<RawValue>,
    total_sold: Box<RawValue>,
    total_redeemed: Box<RawValue>,
    status: &'static str,
    created_at: String,
    expires_at: Option<String>,
    sale_id: Option<String>,
    sale_source: &'static str,
    gift_card_transactions: Vec<TxnOut>,
}

/// A GiftCardTransaction (docs/providers.md §3.2).
#[derive(Serialize)]
pub struct TxnOut {
    id: String,
    amount: Box<RawValue>,
    #[serde(rename = "type")]
    kind: &'static str,
    client_id: Option<String>,
    source: Option<String>,
    source_id: Option<String>,
    user_id: String,
    created_at: String,
}

fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("a UTC time formats")
}

/// `1250` with 2 decimals is `12.50`; `-1` is `-0.01`.
pub fn decimal(minor: i64, decimals: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(decimals);
    format!(
        "{sign}{}.{:0w$}",
        abs / scale,
        abs % scale,
        w = decimals as usize
    )
}

/// Reads a request's amount exactly. Seed 003 types it as a string on every version
/// (`"-12.50"`): a JSON number (`-12.5`) is refused (`None`), as are amounts finer than the
/// currency's decimals.
pub fn parse_amount(raw: &RawValue, decimals: u32) -> Option<i64> {
    let text = raw.get().trim();
    let text = text.strip_prefix('"')?.strip_suffix('"')?;
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || whole.len() > 13
        || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return None;
    }
    let mut minor: i64 = whole.parse().ok()?;
    minor = minor.checked_mul(10i64.pow(decimals))?;
    let padded = format!("{frac:0<w$}", w = decimals as usize);
    if !padded.is_empty() {
        minor += padded.parse::<i64>().ok()?;
    }
    Some(if negative { -minor } else { minor })
}

/// Lightspeed's error envelope with the status's title.
pub fn error(status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    (status, Json(json!({"error": title, "message": message}))).into_response()
}

/// A 422 with the given detail.
pub fn unprocessable(message: &str) -> Response {
    error(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// The body of a token answer (docs/providers.md §3.1).
pub fn token_body(
    access: &str,
    refresh: &str,
    expires: i64,
    expires_in: i64,
    domain_prefix: &str,
) -> Value {
    json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires": expires,
        "expires_in": expires_in,
        "refresh_token": refresh,
        "domain_prefix": domain_prefix,
        "scope": ""
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn writes_and_reads_money_exactly() {
        assert_eq!(decimal(1250, 2), "12.50");
        assert_eq!(decimal(-1, 2), "-0.01");
        assert_eq!(decimal(99_999_999, 2), "999999.99");
        assert_eq!(decimal(1200, 0), "1200");
        assert_eq!(parse_amount(&raw("\"-12.50\""), 2), Some(-1250));
        assert_eq!(parse_amount(&raw("\"-12.5\""), 2), Some(-1250));
        assert_eq!(parse_amount(&raw("\"0.01\""), 2), Some(1));
        assert_eq!(parse_amount(&raw("\"10\""), 2), Some(1000));
        assert_eq!(
            parse_amount(&raw("-12.5"), 2),
            None,
            "a number, not a string"
        );
        assert_eq!(parse_amount(&raw("10"), 2), None, "a number, not a string");
        assert_eq!(parse_amount(&raw("\"12.505\""), 2), None);
        assert_eq!(parse_amount(&raw("\"12,50\""), 2), None);
        assert_eq!(parse_amount(&raw("1e3"), 2), None);
        assert_eq!(parse_amount(&raw("true"), 2), None);
    }

    #[test]
    fn knows_the_date_versions() {
        assert_eq!(Shape::dated("2026-04"), Some(Shape::Dated));
        assert_eq!(Shape::dated("2026-07"), Some(Shape::Dated));
        assert_eq!(Shape::dated("2025-01"), None);
        assert_eq!(Shape::dated("2.0"), None);
    }
}
