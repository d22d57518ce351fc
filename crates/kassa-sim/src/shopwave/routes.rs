//! The HTTP face of the simulator: `/basket` and `/transaction` (GET, POST, PUT). Filters come
//! as request headers, and only the documented ones are honoured (`basketIds`,
//! `transactionIds`): any other is ignored, so the read answers everything, as Shopwave's
//! unfiltered reads do. A query string is refused, and so is a call without `x-accept-version`.
//! A write carries a map of objects keyed by the client's references (or ids, for an update),
//! at most [`MAX_OBJECTS`] of them (basket lines included); the answer keys each record by its
//! Shopwave id and echoes nothing of the client's (docs/providers.md §4.1).

use super::ledger::{basket_json, transaction_json, Problem};
use super::messages::{
    answer, fail, status_of, Message, Messages, MISSING_PARAMETER, NOT_FOUND, SUCCESS_CREATED,
    SUCCESS_PROCESSED, TOO_MANY, UNSUPPORTED_MEDIA_TYPE,
};
use super::{ShopwaveSim, WriteCall};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use time::format_description::well_known::Rfc3339;

/// Shopwave's limit of objects per call.
pub const MAX_OBJECTS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    PostBasket,
    PutBasket,
    PostTransaction,
    PutTransaction,
}

impl Write {
    fn key(self) -> &'static str {
        match self {
            Write::PostBasket | Write::PutBasket => "baskets",
            Write::PostTransaction | Write::PutTransaction => "transactions",
        }
    }
}

pub async fn post_basket(s: State<ShopwaveSim>, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    write(s.0, Write::PostBasket, &u, &h, &b)
}
pub async fn put_basket(s: State<ShopwaveSim>, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    write(s.0, Write::PutBasket, &u, &h, &b)
}
pub async fn post_transaction(s: State<ShopwaveSim>, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    write(s.0, Write::PostTransaction, &u, &h, &b)
}
pub async fn put_transaction(s: State<ShopwaveSim>, u: Uri, h: HeaderMap, b: Bytes) -> Response {
    write(s.0, Write::PutTransaction, &u, &h, &b)
}

/// A refusal of the whole request: the message and a detail.
type Refusal = (Message, Option<String>);

/// Refuses a query string and a call without a version, and checks the token.
fn admit(sim: &ShopwaveSim, uri: &Uri, headers: &HeaderMap) -> Result<(), Refusal> {
    if uri.query().is_some() {
        return Err((
            MISSING_PARAMETER,
            Some("We do not allow query string in URL; send filters as headers".into()),
        ));
    }
    if headers
        .get("x-accept-version")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim().is_empty())
    {
        return Err((
            MISSING_PARAMETER,
            Some("send the x-accept-version header".into()),
        ));
    }
    sim.lock().tokens.check(headers).map_err(|m| (m, None))
}

/// JSON, or the 2015 SDK's `postBody=<json>` (raw or form-encoded).
fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Value, Refusal> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded")
        || body.starts_with(b"postBody=");
    if !form
        && !content_type.starts_with("application/json")
        && !content_type.starts_with("text/plain")
    {
        return Err((UNSUPPORTED_MEDIA_TYPE, None));
    }
    let text = if form {
        form_urlencoded::parse(body)
            .find(|(k, _)| k == "postBody")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    serde_json::from_str(&text)
        .map_err(|_| (MISSING_PARAMETER, Some("the body is not JSON".into())))
}

/// Top-level objects plus the basket lines inside them.
fn count(objects: &Map<String, Value>) -> usize {
    objects
        .values()
        .map(|o| {
            1 + o
                .get("basketProducts")
                .and_then(Value::as_object)
                .map_or(0, Map::len)
        })
        .sum()
}

fn write(sim: ShopwaveSim, op: Write, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
    let value = match admit(&sim, uri, headers).and_then(|()| decode(headers, body)) {
        Ok(v) => v,
        Err((message, detail)) => return fail(message, detail),
    };
    let key = op.key();
    let Some(objects) = value
        .get(key)
        .and_then(Value::as_object)
        .filter(|o| !o.is_empty())
    else {
        return fail(
            MISSING_PARAMETER,
            Some(format!(
                "the body needs a non-empty `{key}` object keyed by id"
            )),
        );
    };
    let n = count(objects);
    if n > MAX_OBJECTS {
        return fail(
            TOO_MANY,
            Some(format!("{n} objects sent, at most {MAX_OBJECTS} per call")),
        );
    }
    let now = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .expect("formattable");
    let mut state = sim.lock();
    state.calls.push(WriteCall {
        method: if matches!(op, Write::PostBasket | Write::PostTransaction) {
            "POST"
        } else {
            "PUT"
        },
        path: if key == "baskets" {
            "/basket"
        } else {
            "/transaction"
        },
        objects: n,
    });
    let mut done = Map::new();
    let mut messages = Messages::default();
    for (object_ref, o) in objects {
        let ledger = &mut state.ledger;
        let result: Result<Value, Problem> = match op {
            Write::PostBasket => ledger.create_basket(o, &now),
            Write::PutBasket => ledger.put_basket(o, &now),
            Write::PostTransaction => ledger.create_transaction(o, &now),
            Write::PutTransaction => ledger.put_transaction(o, &now),
        };
        match result {
            Ok(json) => {
                done.insert(json["id"].to_string(), json);
            }
            Err((message, more_info, detail)) => {
                messages.problem(message, Some(object_ref), more_info, detail)
            }
        }
    }
    let status = if done.is_empty() {
        status_of(messages.first_problem().unwrap_or(MISSING_PARAMETER))
    } else {
        messages.success(SUCCESS_CREATED);
        StatusCode::CREATED
    };
    let mut resources = Map::new();
    if !done.is_empty() {
        resources.insert(key.into(), Value::Object(done));
    }
    answer(status, resources, &messages)
}

/// A comma-separated filter header: `None` when absent.
fn filter(headers: &HeaderMap, name: &str) -> Option<BTreeSet<String>> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(
        value
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// A read of `key` (`baskets`, `transactions`): `objects` lists each record with its id and
/// its basket's id; `filters` names the documented filter headers and which of the two ids each
/// one filters by.
fn read(
    sim: &ShopwaveSim,
    uri: &Uri,
    headers: &HeaderMap,
    key: &str,
    objects: impl Fn(&super::State) -> Vec<(u64, u64, Value)>,
    filters: &[(&str, Id)],
) -> Response {
    if let Err((message, detail)) = admit(sim, uri, headers) {
        return fail(message, detail);
    }
    let given: Vec<(BTreeSet<String>, Id)> = filters
        .iter()
        .filter_map(|(name, by)| Some((filter(headers, name)?, *by)))
        .collect();
    let state = sim.lock();
    let found: Map<String, Value> = objects(&state)
        .into_iter()
        .filter(|(id, basket_id, _)| {
            given.iter().all(|(wanted, by)| {
                let value = match by {
                    Id::Own => id,
                    Id::Basket => basket_id,
                };
                wanted.contains(&value.to_string())
            })
        })
        .map(|(id, _, json)| (id.to_string(), json))
        .collect();
    if !given.is_empty() && found.is_empty() {
        return fail(NOT_FOUND, None);
    }
    let mut messages = Messages::default();
    messages.success(SUCCESS_PROCESSED);
    let mut resources = Map::new();
    resources.insert(key.into(), Value::Object(found));
    answer(StatusCode::OK, resources, &messages)
}

/// Which id a filter header filters by.
#[derive(Clone, Copy)]
enum Id {
    Own,
    Basket,
}

/// `GET /basket`, filtered by the header `basketIds`.
pub async fn get_basket(State(sim): State<ShopwaveSim>, uri: Uri, headers: HeaderMap) -> Response {
    let all = |s: &super::State| {
        s.ledger
            .baskets
            .values()
            .map(|b| (b.id, b.id, basket_json(b)))
            .collect()
    };
    read(
        &sim,
        &uri,
        &headers,
        "baskets",
        all,
        &[("basketIds", Id::Own)],
    )
}

/// `GET /transaction`, filtered by the headers `transactionIds` and `basketIds`.
pub async fn get_transaction(
    State(sim): State<ShopwaveSim>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let all = |s: &super::State| {
        s.ledger
            .transactions
            .values()
            .map(|t| (t.id, t.basket_id, transaction_json(t)))
            .collect()
    };
    let filters = [("transactionIds", Id::Own), ("basketIds", Id::Basket)];
    read(&sim, &uri, &headers, "transactions", all, &filters)
}
