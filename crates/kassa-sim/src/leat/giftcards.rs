//! Gift cards and gift card transactions (docs/providers.md §1.5, seed page 001).

use super::body::{Fields, QueryFields};
use super::ledger::{invalid, Card, Family, NewGiftcardTxn, Rule};
use super::respond::{data, error, page, refuse};
use super::{now, LeatSim};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `GET giftcards/find-one-by?hash=`.
pub async fn find_one_by(State(sim): State<LeatSim>, QueryFields(q): QueryFields) -> Response {
    let hash = match q.required("hash") {
        Ok(hash) => hash,
        Err(refusal) => return refuse(refusal),
    };
    let ledger = sim.ledger();
    match ledger.cards.get(&hash) {
        Some(card) => data(ledger.card_json(card)),
        None => error(5001),
    }
}

/// `GET giftcards/{uuid}` (OAuth family only).
pub async fn get_by_uuid(State(sim): State<LeatSim>, Path(uuid): Path<String>) -> Response {
    let ledger = sim.ledger();
    match ledger.card_by_uuid(&uuid) {
        Some(card) => data(ledger.card_json(card)),
        None => error(5001),
    }
}

/// `POST giftcards` with `type` and `giftcard_program_uuid`: a new digital card, empty, valid
/// for the program's `expiration_days`.
pub async fn create(State(sim): State<LeatSim>, fields: Fields) -> Response {
    let (card_type, program_uuid) = match (
        fields.required("type"),
        fields.required("giftcard_program_uuid"),
    ) {
        (Ok(t), Ok(p)) => (t, p),
        (Err(refusal), _) | (_, Err(refusal)) => return refuse(refusal),
    };
    let mut ledger = sim.ledger();
    let Some(program) = ledger.programs.get(&program_uuid) else {
        return error(1100);
    };
    let expiration_days = program.expiration_days;
    match card_type.as_str() {
        "1" | "DIGITAL" => {}
        "0" | "PHYSICAL" => return error(55021),
        _ => return refuse(invalid("type", "The selected type is invalid.")),
    }
    let (id, uuid) = ledger.next(0x8000);
    let hash = loop {
        let candidate = format!("{:010}", fastrand::u64(1_000_000_000..10_000_000_000));
        if !ledger.cards.contains_key(&candidate) {
            break candidate;
        }
    };
    let card = Card {
        id,
        uuid,
        hash: hash.clone(),
        card_type: "DIGITAL".into(),
        amount_in_cents: 0,
        upgradeable: false,
        active: true,
        expiration_date: Some(now() + time::Duration::days(expiration_days)),
        program_uuid: Some(program_uuid),
        incremented: false,
    };
    let json = ledger.card_json(&card);
    ledger.cards.insert(hash, card);
    data(json)
}

/// `POST giftcard-transactions`: `giftcard_uuid`, `amount_in_cents` (negative redeems),
/// `shop_uuid` (required on the OAuth family), optional `custom_attributes`.
pub async fn create_transaction(
    State(sim): State<LeatSim>,
    Extension(family): Extension<Family>,
    fields: Fields,
) -> Response {
    let new = match read_new_transaction(family, &fields) {
        Ok(new) => new,
        Err(refusal) => return refuse(refusal),
    };
    let mut ledger = sim.ledger();
    match ledger.create_giftcard_txn(family, new, now()) {
        Ok(i) => data(ledger.giftcard_txn_json(&ledger.giftcard_txns[i])),
        Err(refusal) => refuse(refusal),
    }
}

fn read_new_transaction(family: Family, fields: &Fields) -> Rule<NewGiftcardTxn> {
    let giftcard_uuid = fields.required("giftcard_uuid")?;
    let amount_in_cents = fields
        .integer("amount_in_cents")?
        .ok_or_else(|| invalid("amount_in_cents", "The amount in cents field is required."))?;
    let shop_uuid = match family {
        Family::Oauth => Some(fields.required("shop_uuid")?),
        Family::Register => fields.text("shop_uuid"),
    };
    Ok(NewGiftcardTxn {
        giftcard_uuid,
        amount_in_cents,
        shop_uuid,
        custom_attributes: fields.object("custom_attributes")?,
    })
}

/// `GET giftcard-transactions/{uuid}`.
pub async fn get_transaction(State(sim): State<LeatSim>, Path(uuid): Path<String>) -> Response {
    let ledger = sim.ledger();
    match ledger.giftcard_txns.iter().find(|t| t.uuid == uuid) {
        Some(txn) => data(ledger.giftcard_txn_json(txn)),
        None => error(5010),
    }
}

/// `POST giftcard-transactions/{uuid}/reverse`.
pub async fn reverse_transaction(
    State(sim): State<LeatSim>,
    Extension(family): Extension<Family>,
    Path(uuid): Path<String>,
) -> Response {
    let mut ledger = sim.ledger();
    match ledger.reverse_giftcard_txn(family, &uuid, now()) {
        Ok(i) => data(ledger.giftcard_txn_json(&ledger.giftcard_txns[i])),
        Err(refusal) => refuse(refusal),
    }
}

/// The list's filters, as seed page 001 documents them.
struct ListQuery {
    per_page: usize,
    page: usize,
    giftcard_hash: Option<String>,
    program_uuid: Option<String>,
    shop_uuid: Option<String>,
    descending: bool,
    created: Vec<(String, OffsetDateTime)>,
}

fn read_list_query(q: &Fields) -> Rule<ListQuery> {
    // The page documents `perPage`; the PHP SDK sends `limit`.
    let per_page = match q.integer("perPage")? {
        Some(n) => Some(n),
        None => q.integer("limit")?,
    };
    let per_page = per_page.unwrap_or(10).clamp(1, 100) as usize;
    let page = q.integer("page")?.unwrap_or(1).max(1) as usize;
    let descending = match q.text("sort").as_deref() {
        None | Some("created_at") => false,
        Some("-created_at") => true,
        Some(_) => return Err(invalid("sort", "The selected sort is invalid.")),
    };
    let mut created = Vec::new();
    match q.0.get("created_at") {
        None => {}
        Some(Value::Object(bounds)) => {
            for (op, value) in bounds {
                let at = value
                    .as_str()
                    .and_then(|v| OffsetDateTime::parse(v, &Rfc3339).ok())
                    .filter(|_| matches!(op.as_str(), "gt" | "gte" | "lt" | "lte"))
                    .ok_or_else(|| {
                        invalid("created_at", "The created at must be an ISO 8601 date.")
                    })?;
                created.push((op.clone(), at));
            }
        }
        Some(_) => return Err(invalid("created_at", "The created at must be an array.")),
    }
    Ok(ListQuery {
        per_page,
        page,
        giftcard_hash: q.text("giftcard_hash"),
        program_uuid: q.text("giftcard_program_uuid"),
        shop_uuid: q.text("shop_uuid"),
        descending,
        created,
    })
}

/// `GET giftcard-transactions` with `perPage`, `page`, `giftcard_hash`,
/// `giftcard_program_uuid`, `shop_uuid`, `sort`, `created_at[gt|gte|lt|lte]`.
pub async fn list_transactions(
    State(sim): State<LeatSim>,
    QueryFields(q): QueryFields,
) -> Response {
    let query = match read_list_query(&q) {
        Ok(query) => query,
        Err(refusal) => return refuse(refusal),
    };
    let ledger = sim.ledger();
    let mut matching: Vec<_> = ledger
        .giftcard_txns
        .iter()
        .filter(|t| {
            query
                .giftcard_hash
                .as_ref()
                .is_none_or(|h| *h == t.card_hash)
        })
        .filter(|t| {
            query
                .program_uuid
                .as_ref()
                .is_none_or(|p| ledger.cards[&t.card_hash].program_uuid.as_ref() == Some(p))
        })
        .filter(|t| {
            query
                .shop_uuid
                .as_ref()
                .is_none_or(|s| t.shop_uuid.as_ref() == Some(s))
        })
        .filter(|t| {
            query.created.iter().all(|(op, at)| match op.as_str() {
                "gt" => t.created_at > *at,
                "gte" => t.created_at >= *at,
                "lt" => t.created_at < *at,
                _ => t.created_at <= *at,
            })
        })
        .collect();
    matching.sort_by_key(|t| (t.created_at, t.id));
    if query.descending {
        matching.reverse();
    }
    let total = matching.len();
    let from = (query.page - 1) * query.per_page;
    let items: Vec<Value> = matching
        .iter()
        .skip(from)
        .take(query.per_page)
        .map(|t| ledger.giftcard_txn_json(t))
        .collect();
    let meta = json!({
        "page": query.page,
        "limit": query.per_page,
        "viewing_from": if items.is_empty() { 0 } else { from + 1 },
        "viewing_to": from + items.len(),
        "last_page": total.div_ceil(query.per_page).max(1),
        "total": total
    });
    page(items, meta)
}
