//! Leat's JSON as it comes (docs/providers.md §1.4). Only what the SDK's mappers require is
//! required; where sources disagree both forms are read (nested `card`/`shop` objects or flat
//! `card_id`/`shop_id`; `type` as a name or a number; `meta` as `[]` or an object).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `{"data": ..., "meta": [] | {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    pub data: T,
    #[serde(default, deserialize_with = "meta")]
    pub meta: Meta,
}

/// Paging of a list: gift card transactions send `page`, `limit`, `last_page`, `total`;
/// prepaid transactions `current_page`, `per_page`, `last_page`, `total`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Meta {
    pub page: Option<u64>,
    pub current_page: Option<u64>,
    pub last_page: Option<u64>,
    pub total: Option<u64>,
    pub limit: Option<u64>,
    pub per_page: Option<u64>,
}

fn meta<'de, D: Deserializer<'de>>(d: D) -> Result<Meta, D::Error> {
    match Value::deserialize(d)? {
        Value::Object(map) => {
            serde_json::from_value(Value::Object(map)).map_err(serde::de::Error::custom)
        }
        _ => Ok(Meta::default()),
    }
}

/// A name or a number, as text (`"DIGITAL"` or `1`).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a name or a number, got {other}"
        ))),
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Giftcard {
    pub id: Option<u64>,
    pub uuid: String,
    pub hash: String,
    #[serde(rename = "type", deserialize_with = "text_or_number")]
    pub card_type: String,
    pub amount_in_cents: i64,
    pub upgradeable: bool,
    pub active: bool,
    #[serde(default)]
    pub expiration_date: Option<String>,
    /// Where the card's holder sees it (its balance page).
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub giftcard_program: Option<GiftcardProgram>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GiftcardProgram {
    pub uuid: Option<String>,
    pub name: Option<String>,
    pub max_amount_in_cents: Option<i64>,
}

/// `{"id", "uuid"}` of a card.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CardRef {
    pub id: Option<u64>,
    pub uuid: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ShopRef {
    pub id: Option<u64>,
    pub uuid: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GiftcardTransaction {
    pub id: Option<u64>,
    pub uuid: Option<String>,
    pub amount_in_cents: i64,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub settled: bool,
    #[serde(default)]
    pub card: Option<CardRef>,
    #[serde(default)]
    pub card_id: Option<u64>,
    #[serde(default)]
    pub shop: Option<ShopRef>,
    #[serde(default)]
    pub shop_id: Option<u64>,
    /// An object, or `[]` when empty (PHP), or absent.
    #[serde(default)]
    pub custom_attributes: Option<Value>,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PrepaidBalance {
    pub balance_in_cents: i64,
    #[serde(default)]
    pub balance: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ContactRef {
    pub uuid: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct IdentifierRef {
    pub name: Option<String>,
    pub value: String,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PrepaidTransaction {
    pub uuid: String,
    pub amount_in_cents: i64,
    pub prepaid_balance: Option<PrepaidBalance>,
    pub created_at: String,
    #[serde(default)]
    pub shop: Option<ShopRef>,
    #[serde(default)]
    pub contact_identifier: Option<IdentifierRef>,
    #[serde(default)]
    pub contact: Option<ContactRef>,
    /// Not documented for prepaid transactions [INF]; read like a gift card transaction's.
    #[serde(default)]
    pub custom_attributes: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ContactIdentifier {
    pub name: Option<String>,
    pub value: String,
    pub active: bool,
    #[serde(default)]
    pub contact: Option<ContactRef>,
}

/// The OAuth token endpoint's answer.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub token_type: Option<String>,
    pub expires_in: Option<u64>,
    pub access_token: String,
}

/// Leat's error body: `{"message", "code", "status_code"}`, `errors` on invalid input.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ErrorBody {
    pub message: String,
    pub code: Option<i64>,
    pub status_code: Option<u16>,
    #[serde(default)]
    pub errors: Option<Value>,
}
