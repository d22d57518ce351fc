//! Contacts' prepaid wallets and the contact identifiers (loyalty cards) that find them
//! (docs/providers.md §1.5, seed page 000).

use super::body::{Fields, QueryFields};
use super::ledger::{invalid, PrepaidTarget};
use super::render::balance_json;
use super::respond::{data, error, page, refuse};
use super::{now, LeatSim};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

/// `POST prepaid-transactions`: `contact_uuid` or `contact_identifier_value`,
/// `amount_in_cents` (negative pays), `shop_uuid`; `custom_attributes` are kept as on a gift
/// card transaction (Leat does not say [INF]).
pub async fn create_transaction(State(sim): State<LeatSim>, fields: Fields) -> Response {
    let target =
        match (
            fields.text("contact_uuid"),
            fields.text("contact_identifier_value"),
        ) {
            (Some(uuid), _) => PrepaidTarget::Contact(uuid),
            (None, Some(value)) => PrepaidTarget::Identifier(value),
            (None, None) => return refuse(invalid(
                "contact_uuid",
                "The contact uuid field is required when contact identifier value is not present.",
            )),
        };
    let amount = match fields.integer("amount_in_cents") {
        Ok(Some(amount)) => amount,
        Ok(None) => {
            return refuse(invalid(
                "amount_in_cents",
                "The amount in cents field is required.",
            ))
        }
        Err(refusal) => return refuse(refusal),
    };
    let shop = match fields.required("shop_uuid") {
        Ok(shop) => shop,
        Err(refusal) => return refuse(refusal),
    };
    let attributes = match fields.object("custom_attributes") {
        Ok(attributes) => attributes,
        Err(refusal) => return refuse(refusal),
    };
    let mut ledger = sim.ledger();
    match ledger.create_prepaid_txn(target, amount, &shop, attributes, now()) {
        Ok(i) => data(ledger.prepaid_txn_json(&ledger.prepaid_txns[i], false)),
        Err(refusal) => refuse(refusal),
    }
}

/// `POST prepaid-transactions/{uuid}/reverse`.
pub async fn reverse_transaction(State(sim): State<LeatSim>, Path(uuid): Path<String>) -> Response {
    let mut ledger = sim.ledger();
    match ledger.reverse_prepaid_txn(&uuid, now()) {
        Ok(i) => data(ledger.prepaid_txn_json(&ledger.prepaid_txns[i], false)),
        Err(refusal) => refuse(refusal),
    }
}

/// `GET prepaid-transactions?contact_uuid&shop_uuid&limit&page`, oldest first.
pub async fn list_transactions(
    State(sim): State<LeatSim>,
    QueryFields(q): QueryFields,
) -> Response {
    let (limit, page_no) = match (q.integer("limit"), q.integer("page")) {
        (Ok(limit), Ok(page_no)) => (
            limit.unwrap_or(10).clamp(1, 30) as usize,
            page_no.unwrap_or(1).max(1) as usize,
        ),
        (Err(refusal), _) | (_, Err(refusal)) => return refuse(refusal),
    };
    let contact = q.text("contact_uuid");
    let shop = q.text("shop_uuid");
    let ledger = sim.ledger();
    if contact
        .as_ref()
        .is_some_and(|c| !ledger.contacts.contains_key(c))
    {
        return error(55031);
    }
    if shop.as_ref().is_some_and(|s| !ledger.shops.contains_key(s)) {
        return error(1008);
    }
    let matching: Vec<_> = ledger
        .prepaid_txns
        .iter()
        .filter(|t| contact.as_ref().is_none_or(|c| *c == t.contact_uuid))
        .filter(|t| shop.as_ref().is_none_or(|s| *s == t.shop_uuid))
        .collect();
    let total = matching.len();
    let from = (page_no - 1) * limit;
    let items: Vec<Value> = matching
        .iter()
        .skip(from)
        .take(limit)
        .map(|t| ledger.prepaid_txn_json(t, true))
        .collect();
    let meta = json!({
        "current_page": page_no,
        "from": if items.is_empty() { Value::Null } else { json!(from + 1) },
        "last_page": total.div_ceil(limit).max(1),
        "per_page": limit,
        "total": total
    });
    page(items, meta)
}

/// `GET contacts/{uuid}/prepaid-balance`.
pub async fn balance(State(sim): State<LeatSim>, Path(uuid): Path<String>) -> Response {
    match sim.ledger().contacts.get(&uuid) {
        Some(contact) => data(balance_json(contact.prepaid_in_cents)),
        None => error(55031),
    }
}

/// `GET contact-identifiers/find?contact_identifier_value=`; `contact` is null when the
/// identifier is not linked to a contact.
pub async fn find_identifier(State(sim): State<LeatSim>, QueryFields(q): QueryFields) -> Response {
    let value = match q.required("contact_identifier_value") {
        Ok(value) => value,
        Err(refusal) => return refuse(refusal),
    };
    let ledger = sim.ledger();
    match ledger.usable_identifier(&value) {
        Ok(identifier) => data(ledger.identifier_json(identifier)),
        Err(refusal) => refuse(refusal),
    }
}

/// `POST contact-identifiers`: `contact_identifier_value`, optional `contact_identifier_name`
/// and `contact_uuid`.
pub async fn create_identifier(State(sim): State<LeatSim>, fields: Fields) -> Response {
    let value = match fields.required("contact_identifier_value") {
        Ok(value) => value,
        Err(refusal) => return refuse(refusal),
    };
    let name = fields.text("contact_identifier_name");
    let contact = fields.text("contact_uuid");
    let mut ledger = sim.ledger();
    match ledger.create_identifier(&value, name.as_deref(), contact.as_deref()) {
        Ok(()) => data(ledger.identifier_json(&ledger.identifiers[&value])),
        Err(refusal) => refuse(refusal),
    }
}
