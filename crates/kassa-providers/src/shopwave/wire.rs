//! Baskets and transactions on the wire, and their conversion to and from the till's types.
//! Amounts are pence as integers; basket line prices are strings (`"1600.0"`), read exactly.
//!
//! Shopwave's answers key every record by its own id and echo nothing of ours
//! (docs/providers.md §4.1), so our references travel in documented fields that Shopwave keeps:
//! the sale id in the basket's `name` ([`basket_name`]), a payment's reference at the head of
//! the transaction's `Note` ([`transaction_note`]).

use kassa_core::pos::{
    is_valid_reference, BasketToWrite, PaymentKind, PaymentToRecord, PosLine, PosPayment,
    RecordedBasket, RecordedPayment,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `transactions[{transactionId}]`, as sent and as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionWire {
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(rename = "basketId", deserialize_with = "int")]
    pub basket_id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "int")]
    pub amount: i64,
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub tip: Option<i64>,
    /// Capital N, as documented.
    #[serde(rename = "Note", default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(
        rename = "completeDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub complete_date: Option<CompleteDate>,
}

/// `baskets[{basketId}]`, as sent and as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasketWire {
    #[serde(
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(
        rename = "storeId",
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub store_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(
        rename = "basketProducts",
        default,
        deserialize_with = "products",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub products: BTreeMap<String, ProductWire>,
    #[serde(
        rename = "completeDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub complete_date: Option<CompleteDate>,
}

/// `basketProducts[{basketProductId}]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductWire {
    #[serde(default, deserialize_with = "opt_int", skip_serializing)]
    pub id: Option<i64>,
    /// The modified (as-sold) unit price in pence.
    pub price: Price,
    #[serde(deserialize_with = "int")]
    pub quantity: i64,
    /// The line's name: Shopwave's basket lines have no name field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub added: Option<bool>,
    #[serde(
        rename = "productInstanceId",
        default,
        deserialize_with = "opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_instance_id: Option<i64>,
}

/// A price in pence: sent as a string of whole pence, read from `"1600.0"`, `"1600"` or
/// `1600`. A fraction of a penny is refused rather than rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price(pub i64);

impl Serialize for Price {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        parse_pence(&v).map(Price).map_err(serde::de::Error::custom)
    }
}

/// Exact decimal: `"1600.0"` is 1600; `"1600.5"` is an error.
pub fn parse_pence(v: &Value) -> Result<i64, String> {
    let s = match v {
        Value::Number(n) if n.is_i64() => return Ok(n.as_i64().unwrap_or_default()),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        other => return Err(format!("a price must be a number, not {other}")),
    };
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = whole.strip_prefix('-').unwrap_or(whole);
    if unsigned.is_empty() || !digits(unsigned) || !digits(frac) {
        return Err(format!("'{s}' is not a price in pence"));
    }
    if frac.bytes().any(|b| b != b'0') {
        return Err(format!("'{s}' is not a whole number of pence"));
    }
    whole.parse().map_err(|_| format!("'{s}' is out of range"))
}

/// `completeDate`: `true` / an int "time since complete" when sent; a date when answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CompleteDate {
    Flag(bool),
    Since(i64),
    Date(String),
}

impl CompleteDate {
    pub fn is_complete(&self) -> bool {
        match self {
            CompleteDate::Flag(b) => *b,
            CompleteDate::Since(_) => true,
            CompleteDate::Date(d) => !d.trim().is_empty() && !d.starts_with("0000"),
        }
    }
}

fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_int(d)?.ok_or_else(|| serde::de::Error::custom("a number is required"))
}

/// An integer as a number or a string of digits; null is none.
fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{s}' is not an integer"))),
        other => Err(serde::de::Error::custom(format!(
            "{other} is not an integer"
        ))),
    }
}

/// `added`: bool or int.
fn opt_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        _ => None,
    })
}

/// `basketProducts`: a map keyed by id; an empty list (`[]`) is no lines.
fn products<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, ProductWire>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(BTreeMap::new()),
        Value::Array(a) if a.is_empty() => Ok(BTreeMap::new()),
        other => serde_json::from_value(other).map_err(serde::de::Error::custom),
    }
}

/// Why a sale or payment cannot be put on the wire (the till's data, not Shopwave).
pub type Refusal = String;

fn shopwave_id(what: &str, id: &str) -> Result<i64, Refusal> {
    id.trim()
        .parse()
        .map_err(|_| format!("{what} '{id}' is not a Shopwave id (a number)"))
}

const SALE_PREFIX: &str = "Kassa sale ";
const PAYMENT_PREFIX: &str = "Kassa payment ";

/// The basket's `name`: `Kassa sale <sale id>`.
pub fn basket_name(reference: &str) -> String {
    format!("{SALE_PREFIX}{reference}")
}

/// The sale id in a basket's `name`, for a basket Kassa wrote.
pub fn sale_reference(name: &str) -> Option<&str> {
    name.strip_prefix(SALE_PREFIX)
        .filter(|r| is_valid_reference(r))
}

/// The transaction's `Note`: `Kassa payment <reference>`, then the payment's own note.
pub fn transaction_note(payment: &PosPayment) -> String {
    match &payment.note {
        Some(note) => format!("{PAYMENT_PREFIX}{} {note}", payment.reference),
        None => format!("{PAYMENT_PREFIX}{}", payment.reference),
    }
}

/// A transaction's `Note` taken apart: our reference (for a payment Kassa made) and the note.
pub fn payment_reference(note: &str) -> (Option<&str>, Option<&str>) {
    let Some(rest) = note.strip_prefix(PAYMENT_PREFIX) else {
        return (None, Some(note));
    };
    let (reference, own) = match rest.split_once(' ') {
        Some((reference, own)) => (reference, Some(own)),
        None => (rest, None),
    };
    if is_valid_reference(reference) {
        (Some(reference), own)
    } else {
        (None, Some(note))
    }
}

/// A basket to pre-generate (docs/providers.md §4.2 step 1): its store only.
pub fn basket_to_pregenerate(store_id: &str) -> Result<BasketWire, Refusal> {
    Ok(BasketWire {
        id: None,
        store_id: Some(shopwave_id("store", store_id)?),
        name: None,
        note: None,
        products: BTreeMap::new(),
        complete_date: None,
    })
}

/// A sale written into its pre-generated basket, by id: its name, note and lines, keyed
/// `1`, `2`... in sale order.
pub fn basket_to_write(b: &BasketToWrite, store_id: &str) -> Result<BasketWire, Refusal> {
    let sale = &b.sale;
    if !is_valid_reference(&sale.reference) {
        return Err(format!(
            "the sale id '{}' is not 1-64 letters, digits or . _ : -",
            sale.reference
        ));
    }
    let store = sale.store_id.as_deref().unwrap_or(store_id);
    let products = sale
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let product_instance_id = line
                .product_instance_id
                .as_deref()
                .map(|p| shopwave_id("product instance", p))
                .transpose()?;
            Ok((
                (i + 1).to_string(),
                ProductWire {
                    id: None,
                    price: Price(line.unit_price_minor),
                    quantity: line.quantity,
                    note: Some(line.name.clone()),
                    added: Some(true),
                    product_instance_id,
                },
            ))
        })
        .collect::<Result<_, Refusal>>()?;
    Ok(BasketWire {
        id: Some(shopwave_id("basket", &b.basket_id)?),
        store_id: Some(shopwave_id("store", store)?),
        name: Some(basket_name(&sale.reference)),
        note: sale.note.clone(),
        products,
        complete_date: None,
    })
}

/// A basket to flag complete: its id, store and `completeDate: true`.
pub fn basket_to_complete(basket: &RecordedBasket) -> Result<BasketWire, Refusal> {
    Ok(BasketWire {
        id: Some(shopwave_id("basket", &basket.id)?),
        store_id: Some(shopwave_id("store", &basket.store_id)?),
        name: None,
        note: None,
        products: BTreeMap::new(),
        complete_date: Some(CompleteDate::Flag(true)),
    })
}

pub fn transaction_to_create(p: &PaymentToRecord) -> Result<TransactionWire, Refusal> {
    Ok(TransactionWire {
        id: None,
        basket_id: shopwave_id("basket", &p.basket_id)?,
        kind: p.payment.kind.as_str().into(),
        amount: p.payment.amount_minor,
        tip: Some(p.payment.tip_minor),
        note: Some(transaction_note(&p.payment)),
        complete_date: None,
    })
}

/// The documented completing PUT: the same fields plus `id` and `completeDate: true`.
pub fn transaction_to_complete(p: &RecordedPayment) -> Result<TransactionWire, Refusal> {
    let payment = PosPayment {
        reference: p.reference.clone(),
        kind: p.kind,
        amount_minor: p.amount_minor,
        tip_minor: p.tip_minor,
        note: p.note.clone(),
    };
    Ok(TransactionWire {
        id: Some(shopwave_id("transaction", &p.id)?),
        basket_id: shopwave_id("basket", &p.basket_id)?,
        kind: p.kind.as_str().into(),
        amount: p.amount_minor,
        tip: Some(p.tip_minor),
        note: Some(transaction_note(&payment)),
        complete_date: Some(CompleteDate::Flag(true)),
    })
}

/// The id in a pre-generated basket's answer; `key` is its key in the answer's map.
pub fn basket_id(key: &str, v: &Value) -> Result<String, String> {
    let b: BasketWire =
        serde_json::from_value(v.clone()).map_err(|e| format!("basket {key}: {e}"))?;
    b.id.map(|id| id.to_string())
        .ok_or_else(|| format!("basket {key} has no id"))
}

/// A basket read from an answer; `key` is its key in the answer's map. Lines come in
/// Shopwave's id order, the order they were added in.
pub fn recorded_basket(key: &str, v: &Value) -> Result<RecordedBasket, String> {
    let b: BasketWire =
        serde_json::from_value(v.clone()).map_err(|e| format!("basket {key}: {e}"))?;
    let id = b.id.ok_or_else(|| format!("basket {key} has no id"))?;
    let mut lines: Vec<(i64, i64, PosLine)> = b
        .products
        .into_iter()
        .map(|(k, p)| {
            let line = PosLine {
                name: p.note.unwrap_or_default(),
                unit_price_minor: p.price.0,
                quantity: p.quantity,
                product_instance_id: p.product_instance_id.map(|i| i.to_string()),
            };
            (
                p.id.unwrap_or(i64::MAX),
                k.parse().unwrap_or(i64::MAX),
                line,
            )
        })
        .collect();
    lines.sort_by_key(|(id, key, _)| (*id, *key));
    Ok(RecordedBasket {
        reference: b
            .name
            .as_deref()
            .and_then(sale_reference)
            .unwrap_or_default()
            .to_string(),
        id: id.to_string(),
        store_id: b.store_id.map(|s| s.to_string()).unwrap_or_default(),
        lines: lines.into_iter().map(|(_, _, l)| l).collect(),
        note: b.note,
        completed: b.complete_date.is_some_and(|c| c.is_complete()),
    })
}

/// A transaction read from an answer; `key` is its key in the answer's map.
pub fn recorded_payment(key: &str, v: &Value) -> Result<RecordedPayment, String> {
    let t: TransactionWire =
        serde_json::from_value(v.clone()).map_err(|e| format!("transaction {key}: {e}"))?;
    let id = t.id.ok_or_else(|| format!("transaction {key} has no id"))?;
    let (reference, note) = t.note.as_deref().map_or((None, None), payment_reference);
    Ok(RecordedPayment {
        reference: reference.unwrap_or_default().to_string(),
        id: id.to_string(),
        basket_id: t.basket_id.to_string(),
        kind: PaymentKind::parse(&t.kind)
            .ok_or_else(|| format!("transaction {key} has the unknown type '{}'", t.kind))?,
        amount_minor: t.amount,
        tip_minor: t.tip.unwrap_or(0),
        note: note.map(str::to_string),
        completed: t.complete_date.is_some_and(|c| c.is_complete()),
    })
}
