//! The simulator's baskets and transactions, and how each written object changes them: the
//! two-phase life cycle (create, then complete) and immutability after completion.

use super::messages::{
    Message, BASKETS_COMPLETE, MISSING_PARAMETER, NOT_FOUND, RESOURCE_NOT_ALLOWED,
    TRANSACTION_COMPLETE,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The payment types Shopwave documents.
pub const TYPES: [&str; 5] = ["CASH", "CARD", "CHEQUE", "VOUCHER", "APP"];

/// A line of a basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: u64,
    /// Pence.
    pub price: i64,
    pub quantity: i64,
    pub note: Option<String>,
    pub added: bool,
    pub product_instance_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basket {
    pub id: u64,
    pub store_id: i64,
    pub name: Option<String>,
    pub note: Option<String>,
    pub consumer_id: Option<i64>,
    pub products: Vec<Product>,
    pub complete_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub id: u64,
    pub basket_id: u64,
    /// `CASH`, `CARD`, `CHEQUE`, `VOUCHER` or `APP`.
    pub kind: String,
    /// Pence.
    pub amount: i64,
    pub tip: i64,
    pub note: Option<String>,
    pub complete_date: Option<String>,
}

/// Why one object was not applied: a message, Shopwave ids it concerns, and a detail.
pub type Problem = (Message, Option<String>, Option<String>);

fn missing(detail: impl Into<String>) -> Problem {
    (MISSING_PARAMETER, None, Some(detail.into()))
}

/// The books; `stores`, the stores the application may write to, is a setting and not saved
/// with them.
#[derive(Serialize, Deserialize)]
pub struct Ledger {
    #[serde(skip)]
    pub stores: BTreeSet<i64>,
    pub baskets: BTreeMap<u64, Basket>,
    pub transactions: BTreeMap<u64, Transaction>,
    next_basket: u64,
    next_product: u64,
    next_transaction: u64,
}

impl Ledger {
    pub fn new(stores: BTreeSet<i64>) -> Self {
        Ledger {
            stores,
            baskets: BTreeMap::new(),
            transactions: BTreeMap::new(),
            next_basket: 5540,
            next_product: 0,
            next_transaction: 9000,
        }
    }

    /// The id the next transaction gets.
    pub(super) fn new_transaction_id(&mut self) -> u64 {
        self.next_transaction += 1;
        self.next_transaction
    }

    /// Takes the books of a saved ledger; this one's settings stay.
    pub fn restore(&mut self, saved: Ledger) {
        *self = Ledger {
            stores: std::mem::take(&mut self.stores),
            ..saved
        };
    }

    /// `POST /basket` (pre-generate), and `PUT /basket` for an object without `id`.
    pub fn create_basket(&mut self, o: &Value, now: &str) -> Result<Value, Problem> {
        let o = object(o)?;
        let store_id = int(o, "storeId")?.ok_or_else(|| missing("storeId is required"))?;
        if !self.stores.contains(&store_id) {
            return Err((RESOURCE_NOT_ALLOWED, Some(store_id.to_string()), None));
        }
        let mut basket = Basket {
            id: 0,
            store_id,
            name: None,
            note: None,
            consumer_id: None,
            products: vec![],
            complete_date: None,
        };
        self.fill_basket(&mut basket, o, now)?;
        self.next_basket += 1;
        basket.id = self.next_basket;
        let json = basket_json(&basket);
        self.baskets.insert(basket.id, basket);
        Ok(json)
    }

    /// `PUT /basket`: creates, updates, or completes (`completeDate`).
    pub fn put_basket(&mut self, o: &Value, now: &str) -> Result<Value, Problem> {
        let fields = object(o)?;
        let Some(id) = int(fields, "id")? else {
            return self.create_basket(o, now);
        };
        let Some(existing) = self.baskets.get(&(id as u64)) else {
            return Err((NOT_FOUND, Some(id.to_string()), None));
        };
        if existing.complete_date.is_some() {
            return Err((BASKETS_COMPLETE, Some(id.to_string()), None));
        }
        let mut basket = existing.clone();
        if let Some(store_id) = int(fields, "storeId")? {
            if !self.stores.contains(&store_id) {
                return Err((RESOURCE_NOT_ALLOWED, Some(store_id.to_string()), None));
            }
            basket.store_id = store_id;
        }
        self.fill_basket(&mut basket, fields, now)?;
        let json = basket_json(&basket);
        self.baskets.insert(basket.id, basket);
        Ok(json)
    }

    fn fill_basket(
        &mut self,
        basket: &mut Basket,
        o: &Map<String, Value>,
        now: &str,
    ) -> Result<(), Problem> {
        if let Some(name) = string(o, "name")? {
            basket.name = Some(name);
        }
        if let Some(note) = string(o, "note")? {
            basket.note = Some(note);
        }
        if let Some(consumer) = int(o, "consumerId")? {
            basket.consumer_id = Some(consumer);
        }
        let mut products = basket.products.clone();
        if let Some(given) = o.get("basketProducts") {
            let given = given
                .as_object()
                .ok_or_else(|| missing("basketProducts must be an object keyed by id"))?;
            for (key, p) in given {
                let p = object(p).map_err(|_| missing(format!("basketProducts.{key}")))?;
                // A line is updated by its id; any other key makes a new line.
                let at = products.iter().position(|x| x.id.to_string() == *key);
                let mut product = match at {
                    Some(at) => products[at].clone(),
                    None => {
                        let price = p.get("price").ok_or_else(|| {
                            missing(format!("basketProducts.{key}.price is required"))
                        })?;
                        Product {
                            id: 0,
                            price: pence(price)
                                .ok_or_else(|| missing(format!("basketProducts.{key}.price")))?,
                            quantity: int(p, "quantity")?.ok_or_else(|| {
                                missing(format!("basketProducts.{key}.quantity is required"))
                            })?,
                            note: None,
                            added: true,
                            product_instance_id: None,
                        }
                    }
                };
                if let Some(price) = p.get("price") {
                    product.price = pence(price)
                        .ok_or_else(|| missing(format!("basketProducts.{key}.price")))?;
                }
                if let Some(q) = int(p, "quantity")? {
                    product.quantity = q;
                }
                if let Some(note) = string(p, "note")? {
                    product.note = Some(note);
                }
                match p.get("added") {
                    Some(Value::Bool(b)) => product.added = *b,
                    Some(Value::Number(n)) => product.added = n.as_i64() != Some(0),
                    _ => {}
                }
                if let Some(pi) = int(p, "productInstanceId")? {
                    product.product_instance_id = Some(pi);
                }
                match at {
                    Some(at) => products[at] = product,
                    None => products.push(product),
                }
            }
        }
        for p in products.iter_mut().filter(|p| p.id == 0) {
            self.next_product += 1;
            p.id = self.next_product;
        }
        basket.products = products;
        if completes(o) {
            basket.complete_date = Some(now.to_string());
        }
        Ok(())
    }

    /// `POST /transaction`: a payment against an open basket.
    pub fn create_transaction(&mut self, o: &Value, now: &str) -> Result<Value, Problem> {
        let o = object(o)?;
        let basket_id = int(o, "basketId")?.ok_or_else(|| missing("basketId is required"))?;
        let kind = string(o, "type")?.ok_or_else(|| missing("type is required"))?;
        let amount = int(o, "amount")?.ok_or_else(|| missing("amount is required"))?;
        self.open_basket(basket_id)?;
        let mut t = Transaction {
            id: 0,
            basket_id: basket_id as u64,
            kind: checked_type(kind)?,
            amount,
            tip: int(o, "tip")?.unwrap_or(0),
            note: string(o, "Note")?,
            complete_date: None,
        };
        if completes(o) {
            t.complete_date = Some(now.to_string());
        }
        t.id = self.new_transaction_id();
        let json = transaction_json(&t);
        self.transactions.insert(t.id, t);
        Ok(json)
    }

    /// `PUT /transaction`: updates an open transaction, or completes it (`completeDate`).
    pub fn put_transaction(&mut self, o: &Value, now: &str) -> Result<Value, Problem> {
        let o = object(o)?;
        let id = int(o, "id")?.ok_or_else(|| missing("id is required"))?;
        let Some(existing) = self.transactions.get(&(id as u64)) else {
            return Err((NOT_FOUND, Some(id.to_string()), None));
        };
        if existing.complete_date.is_some() {
            return Err((TRANSACTION_COMPLETE, Some(id.to_string()), None));
        }
        let mut t = existing.clone();
        if let Some(basket_id) = int(o, "basketId")? {
            self.open_basket(basket_id)?;
            t.basket_id = basket_id as u64;
        }
        if let Some(kind) = string(o, "type")? {
            t.kind = checked_type(kind)?;
        }
        if let Some(amount) = int(o, "amount")? {
            t.amount = amount;
        }
        if let Some(tip) = int(o, "tip")? {
            t.tip = tip;
        }
        if let Some(note) = string(o, "Note")? {
            t.note = Some(note);
        }
        if completes(o) {
            t.complete_date = Some(now.to_string());
        }
        let json = transaction_json(&t);
        self.transactions.insert(t.id, t);
        Ok(json)
    }

    fn open_basket(&self, basket_id: i64) -> Result<(), Problem> {
        match self.baskets.get(&(basket_id as u64)) {
            None => Err((NOT_FOUND, Some(basket_id.to_string()), None)),
            Some(b) if b.complete_date.is_some() => {
                Err((BASKETS_COMPLETE, Some(basket_id.to_string()), None))
            }
            Some(_) => Ok(()),
        }
    }
}

fn checked_type(kind: String) -> Result<String, Problem> {
    if TYPES.contains(&kind.as_str()) {
        Ok(kind)
    } else {
        Err(missing(format!("type must be one of {}", TYPES.join(", "))))
    }
}

/// `completeDate`: `true`, or an integer "time since complete".
fn completes(o: &Map<String, Value>) -> bool {
    match o.get("completeDate") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(_)) => true,
        _ => false,
    }
}

fn object(v: &Value) -> Result<&Map<String, Value>, Problem> {
    v.as_object()
        .ok_or_else(|| missing("each object must be a JSON object"))
}

/// An integer field, also as a string of digits; absent or null is `None`.
fn int(o: &Map<String, Value>, name: &str) -> Result<Option<i64>, Problem> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| missing(format!("{name} must be an integer"))),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| missing(format!("{name} must be an integer"))),
        Some(_) => Err(missing(format!("{name} must be an integer"))),
    }
}

fn string(o: &Map<String, Value>, name: &str) -> Result<Option<String>, Problem> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(missing(format!("{name} must be a string"))),
    }
}

/// A price in pence: `250`, `"250"` or `"250.0"`; fractions of a penny are refused.
fn pence(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
            if !frac.bytes().all(|b| b == b'0') {
                return None;
            }
            whole.parse().ok()
        }
        _ => None,
    }
}

/// A basket as Shopwave answers it: its lines keyed by their ids, prices as strings like
/// `"1600.0"`, nothing of the client's echoed (docs/providers.md §4.1).
pub fn basket_json(b: &Basket) -> Value {
    let products: Map<String, Value> = b
        .products
        .iter()
        .map(|p| {
            (
                p.id.to_string(),
                json!({
                    "id": p.id,
                    "price": format!("{}.0", p.price),
                    "quantity": p.quantity,
                    "note": p.note,
                    "added": p.added,
                    "productInstanceId": p.product_instance_id,
                }),
            )
        })
        .collect();
    json!({
        "id": b.id,
        "storeId": b.store_id,
        "name": b.name,
        "note": b.note,
        "consumerId": b.consumer_id,
        "basketProducts": products,
        "completeDate": b.complete_date,
    })
}

pub fn transaction_json(t: &Transaction) -> Value {
    json!({
        "id": t.id,
        "basketId": t.basket_id,
        "type": t.kind,
        "amount": t.amount,
        "tip": t.tip,
        "Note": t.note,
        "completeDate": t.complete_date,
    })
}
