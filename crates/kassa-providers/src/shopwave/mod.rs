//! Shopwave (MerchantStack) POS back-office: records each sale as a basket with its lines and
//! payment transactions (docs/providers.md §4). [`ShopwaveClient`] implements
//! [`kassa_core::pos::PosRecorder`]: calls with token renewal, batched writes (at most 200
//! objects per call) with one outcome per object, and read-back by Shopwave's documented id
//! filters sent as request headers (Shopwave refuses query strings).
//!
//! - `auth`: OAuth 2.0 authorization code and refresh; tokens live in the SecretStore.
//! - `envelope`: the `api.message` envelope of every answer.
//! - `errors`: what the envelope's ids, a bare HTTP status or a lost answer mean to the till.
//! - `ledger`: the shift's baskets and their payments read back for its reconciliation.
//! - `wire`: baskets and transactions as JSON, pence and exact prices, and where our references
//!   travel (the basket's `name`, the transaction's `Note`).
//!
//! Answers key records by Shopwave's own ids and echo nothing of ours (docs/providers.md §4.1),
//! so each object of a write is matched to its record by content: an update by its id, a new
//! payment by the reference in its `Note` with its basket, type and amount, a pre-generated
//! basket by position (they are all alike). Reads use only the documented filter headers
//! (`basketIds`, `transactionIds`); what comes back is checked again by content, since a filter
//! Shopwave does not honour returns everything.

pub mod auth;
pub mod envelope;
pub mod errors;
mod ledger;
pub mod wire;

use crate::http::{client, read_body, retry_after_seconds};
use async_trait::async_trait;
use auth::Auth;
use envelope::Envelope;
use errors::{error_for, error_for_status, is_already_complete, no_answer};
use kassa_core::config::ShopwaveConfig;
use kassa_core::pos::{
    is_valid_reference, BasketToWrite, ObjectOutcome, PaymentToRecord, PosRecorder, PosSale,
    RecordedBasket, RecordedPayment,
};
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::secrets::SecretStore;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

/// The Shopwave POS back-office client.
pub struct ShopwaveClient {
    http: reqwest::Client,
    base: String,
    accept_version: String,
    store_id: String,
    batch_size: usize,
    settle_time: Duration,
    auth: Auth,
}

/// An answer with Shopwave's envelope.
struct Answer {
    status: StatusCode,
    envelope: Envelope,
    retry_after: Option<Duration>,
}

/// One object of a write, ready to send.
struct Prepared {
    /// Its key in the request's map: our reference for a new object, Shopwave's id for an
    /// update ("To update just supply the object id").
    key: String,
    body: Value,
    /// Objects it counts for toward the per-call limit (a basket and its lines).
    weight: usize,
}

/// How one kind of write puts its items on the wire and finds them in the answer.
struct Write<'a, I, T> {
    method: Method,
    resource: Resource,
    prepare: &'a (dyn Fn(&I) -> Result<Prepared, ProviderError> + Sync),
    /// Reads a record of the answer (its key, its value).
    parse: fn(&str, &Value) -> Result<T, String>,
    /// Whether a record of the answer is this item's.
    matches: &'a (dyn Fn(&I, &T) -> bool + Sync),
    /// The result for an item Shopwave reports complete (601/602), where that is success.
    already_complete: Option<&'a (dyn Fn(&I) -> T + Sync)>,
}

#[derive(Clone, Copy)]
enum Resource {
    Baskets,
    Transactions,
}

impl Resource {
    fn path(self) -> &'static str {
        match self {
            Resource::Baskets => "/basket",
            Resource::Transactions => "/transaction",
        }
    }
    fn key(self) -> &'static str {
        match self {
            Resource::Baskets => "baskets",
            Resource::Transactions => "transactions",
        }
    }
}

impl ShopwaveClient {
    /// Credentials come from `secrets`, which also keeps the tokens Shopwave renews; they are
    /// read when first needed (see [`Auth::check_secrets`]).
    pub fn new(
        config: &ShopwaveConfig,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, ProviderError> {
        let http = client(Duration::from_millis(config.timeout_ms))?;
        let auth = Auth::new(
            http.clone(),
            &config.token_url,
            &config.client_id,
            config.redirect_uri.as_deref(),
            secrets,
        );
        Ok(ShopwaveClient {
            http,
            base: config.base_url.trim_end_matches('/').to_string(),
            accept_version: config.accept_version.clone(),
            store_id: config.store_id.clone(),
            batch_size: config.batch_size.clamp(1, ShopwaveConfig::MAX_BATCH),
            settle_time: Duration::from_millis(config.settle_ms),
            auth,
        })
    }

    /// The OAuth side: the credentials check, the authorize page and the code exchange.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// One call; renews the token and repeats once when Shopwave refuses it as expired (a
    /// refused call was not applied, so repeating a write is safe). The answer's status is its
    /// `statusCode` header where it has one (seed page 004: "Very important to check this for
    /// any error"), else the HTTP status.
    async fn call(
        &self,
        method: Method,
        resource: Resource,
        filter: Option<(&str, String)>,
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        let write = method != Method::GET;
        let mut renewed = false;
        loop {
            let (authorization, generation) = self.auth.authorization().await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{}", self.base, resource.path()))
                .header(reqwest::header::AUTHORIZATION, authorization)
                .header("x-accept-version", &self.accept_version)
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some((name, value)) = &filter {
                request = request.header(*name, value);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|e| no_answer(&e, write))?;
            let status = status_of(&response);
            let retry_after = retry_after_seconds(response.headers());
            let bytes = read_body("Shopwave", response, |e| no_answer(&e, write)).await?;
            let Ok(envelope) = Envelope::parse(&bytes) else {
                return Err(error_for_status(status.as_u16(), write, retry_after));
            };
            if status == StatusCode::UNAUTHORIZED && envelope.message.token_refused() && !renewed {
                self.auth.refresh(generation).await?;
                renewed = true;
                continue;
            }
            return Ok(Answer {
                status,
                envelope,
                retry_after,
            });
        }
    }

    /// Sends `items` in calls of at most `batch_size` objects and answers one outcome per
    /// item, in order.
    async fn write<I: Sync, T: Clone>(
        &self,
        how: Write<'_, I, T>,
        items: &[I],
    ) -> Vec<ObjectOutcome<T>> {
        let mut outcomes: Vec<Option<ObjectOutcome<T>>> = vec![None; items.len()];
        let mut pending: Vec<(usize, Prepared)> = vec![];
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            match (how.prepare)(item) {
                Ok(p) if !seen.insert(p.key.clone()) => {
                    outcomes[i] = Some(refused(&p.key, "it is given twice"));
                }
                Ok(p) if p.weight > self.batch_size => {
                    let why = format!(
                        "it has {} objects and Shopwave takes {} per call",
                        p.weight, self.batch_size
                    );
                    outcomes[i] = Some(refused(&p.key, &why));
                }
                Ok(p) => pending.push((i, p)),
                Err(error) => {
                    outcomes[i] = Some(ObjectOutcome {
                        reference: String::new(),
                        result: Err(error),
                    })
                }
            }
        }
        for chunk in chunks(&pending, self.batch_size) {
            let objects: Map<String, Value> = chunk
                .iter()
                .map(|(_, p)| (p.key.clone(), p.body.clone()))
                .collect();
            let mut body = Map::new();
            body.insert(how.resource.key().into(), Value::Object(objects));
            let answer = self
                .call(
                    how.method.clone(),
                    how.resource,
                    None,
                    Some(&Value::Object(body)),
                )
                .await;
            let records: Vec<Result<T, String>> = match &answer {
                Ok(a) => a
                    .envelope
                    .resource(how.resource.key())
                    .iter()
                    .map(|(key, value)| (how.parse)(key, value))
                    .collect(),
                Err(_) => vec![],
            };
            let mut taken = vec![false; records.len()];
            for (i, p) in chunk {
                let result = match &answer {
                    Err(e) => Err(e.clone()),
                    Ok(a) => object_result(&how, &items[*i], &p.key, a, &records, &mut taken),
                };
                outcomes[*i] = Some(ObjectOutcome {
                    reference: p.key.clone(),
                    result,
                });
            }
        }
        outcomes.into_iter().flatten().collect()
    }

    /// Reads by one of Shopwave's documented filter headers (`header: id,id,...`), in calls of
    /// at most `batch_size` ids, and keeps the records whose `id_of` is one of the call's ids:
    /// a filter Shopwave does not honour answers everything. An id that is not a number is
    /// nobody's.
    async fn find<T>(
        &self,
        resource: Resource,
        header: &str,
        ids: &[String],
        parse: fn(&str, &Value) -> Result<T, String>,
        id_of: fn(&T) -> &str,
    ) -> Result<Vec<T>, ProviderError> {
        let wanted: Vec<&str> = ids
            .iter()
            .map(|id| id.trim())
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        let mut found = vec![];
        for chunk in wanted.chunks(self.batch_size) {
            let answer = self
                .call(Method::GET, resource, Some((header, chunk.join(","))), None)
                .await?;
            if !answer.status.is_success() {
                let problem = answer.envelope.main_problem();
                if answer.status == StatusCode::NOT_FOUND
                    || problem.is_some_and(|p| p.id == Some(910))
                {
                    continue;
                }
                return Err(match problem {
                    Some(p) => error_for(p, false, answer.retry_after),
                    None => error_for_status(answer.status.as_u16(), false, answer.retry_after),
                });
            }
            for (key, value) in answer.envelope.resource(resource.key()) {
                let record = parse(&key, &value).map_err(|e| ProviderError::BadResponse {
                    message: format!("Shopwave answered a record Kassa cannot read: {e}"),
                })?;
                if chunk.contains(&id_of(&record)) {
                    found.push(record);
                }
            }
        }
        Ok(found)
    }
}

/// What the answer says of one object: an error naming its key, the answer's own error, its
/// record (the first not yet taken that `how.matches`), or, in a success that has none, an
/// unknown outcome.
fn object_result<I, T: Clone>(
    how: &Write<'_, I, T>,
    item: &I,
    key: &str,
    answer: &Answer,
    records: &[Result<T, String>],
    taken: &mut [bool],
) -> Result<T, ProviderError> {
    let retry_after = answer.retry_after;
    let problem = answer.envelope.message.problem_for(key).or_else(|| {
        (!answer.status.is_success())
            .then(|| answer.envelope.main_problem())
            .flatten()
    });
    match (problem, how.already_complete) {
        (Some(p), Some(complete)) if is_already_complete(p.id) => return Ok(complete(item)),
        (Some(p), _) => return Err(error_for(p, true, retry_after)),
        (None, _) if !answer.status.is_success() => {
            return Err(error_for_status(answer.status.as_u16(), true, retry_after))
        }
        (None, _) => {}
    }
    let found = records
        .iter()
        .enumerate()
        .find(|(at, r)| !taken[*at] && r.as_ref().is_ok_and(|t| (how.matches)(item, t)));
    if let Some((at, Ok(record))) = found {
        taken[at] = true;
        return Ok(record.clone());
    }
    if let Some(Err(e)) = records.iter().find(|r| r.is_err()) {
        return Err(ProviderError::OutcomeUnknown {
            message: format!("Shopwave's answer cannot be read ({e}); whether it recorded {key} is being checked."),
        });
    }
    Err(ProviderError::OutcomeUnknown {
        message: format!(
            "Shopwave's answer does not mention {key}; whether it was recorded is being checked."
        ),
    })
}

/// The answer's status: its `statusCode` header where it has a valid one, else the HTTP status.
fn status_of(response: &reqwest::Response) -> StatusCode {
    response
        .headers()
        .get("statusCode")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(response.status())
}

fn refused<T>(reference: &str, why: &str) -> ObjectOutcome<T> {
    ObjectOutcome {
        reference: reference.to_string(),
        result: Err(ProviderError::Declined {
            code: "kassa".into(),
            reason: format!("Kassa cannot send {reference} to Shopwave: {why}."),
        }),
    }
}

/// Splits into runs whose weights add up to at most `max`, in order.
fn chunks(items: &[(usize, Prepared)], max: usize) -> Vec<&[(usize, Prepared)]> {
    let mut out = vec![];
    let (mut start, mut weight) = (0, 0);
    for (i, (_, p)) in items.iter().enumerate() {
        if weight + p.weight > max && i > start {
            out.push(&items[start..i]);
            (start, weight) = (i, 0);
        }
        weight += p.weight;
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// An object ready to send under `key`; `reference` is ours, checked so that it can travel in
/// a map key and in a name or note and be read back.
fn prepared(
    key: &str,
    reference: &str,
    wire: Result<impl Serialize, wire::Refusal>,
    weight: usize,
) -> Result<Prepared, ProviderError> {
    let declined = |why: String| ProviderError::Declined {
        code: "kassa".into(),
        reason: format!("Kassa cannot send {reference} to Shopwave: {why}."),
    };
    if !is_valid_reference(reference) {
        return Err(declined(
            "the reference is not 1-64 letters, digits or . _ : -".into(),
        ));
    }
    let body =
        serde_json::to_value(wire.map_err(declined)?).map_err(|e| declined(e.to_string()))?;
    Ok(Prepared {
        key: key.to_string(),
        body,
        weight,
    })
}

#[async_trait]
impl PosRecorder for ShopwaveClient {
    fn id(&self) -> ProviderId {
        ProviderId::Shopwave
    }

    /// `settle_ms` of `[providers.shopwave]`.
    fn settle_time(&self) -> Duration {
        self.settle_time
    }

    /// `POST /basket` with the store only (docs/providers.md §4.2 step 1). The answers are
    /// alike, so they are taken in order.
    async fn new_baskets(&self, sales: &[PosSale]) -> Vec<ObjectOutcome<String>> {
        let prepare = |s: &PosSale| {
            let store = s.store_id.as_deref().unwrap_or(&self.store_id);
            prepared(
                &s.reference,
                &s.reference,
                wire::basket_to_pregenerate(store),
                1,
            )
        };
        let how = Write {
            method: Method::POST,
            resource: Resource::Baskets,
            prepare: &prepare,
            parse: wire::basket_id,
            matches: &|_, _| true,
            already_complete: None,
        };
        let outcomes = self.write(how, sales).await;
        with_references(outcomes, sales.iter().map(|s| &s.reference))
    }

    /// `PUT /basket` by id: the name carrying our sale id, the note and the lines.
    async fn write_baskets(&self, baskets: &[BasketToWrite]) -> Vec<ObjectOutcome<RecordedBasket>> {
        let prepare = |b: &BasketToWrite| {
            prepared(
                &b.basket_id,
                &b.sale.reference,
                wire::basket_to_write(b, &self.store_id),
                1 + b.sale.lines.len(),
            )
        };
        let how = Write {
            method: Method::PUT,
            resource: Resource::Baskets,
            prepare: &prepare,
            parse: wire::recorded_basket,
            matches: &|b: &BasketToWrite, r: &RecordedBasket| r.id == b.basket_id,
            already_complete: None,
        };
        let outcomes = self.write(how, baskets).await;
        with_references(outcomes, baskets.iter().map(|b| &b.sale.reference))
    }

    /// `POST /transaction`, our reference at the head of `Note`.
    async fn create_payments(
        &self,
        payments: &[PaymentToRecord],
    ) -> Vec<ObjectOutcome<RecordedPayment>> {
        let prepare = |p: &PaymentToRecord| {
            let reference = &p.payment.reference;
            prepared(reference, reference, wire::transaction_to_create(p), 1)
        };
        let matches = |p: &PaymentToRecord, r: &RecordedPayment| {
            r.reference == p.payment.reference
                && r.basket_id == p.basket_id
                && (r.kind, r.amount_minor) == (p.payment.kind, p.payment.amount_minor)
        };
        let how = Write {
            method: Method::POST,
            resource: Resource::Transactions,
            prepare: &prepare,
            parse: wire::recorded_payment,
            matches: &matches,
            already_complete: None,
        };
        let outcomes = self.write(how, payments).await;
        with_references(outcomes, payments.iter().map(|p| &p.payment.reference))
    }

    /// `PUT /transaction` by id with `completeDate: true`; 602 Already Complete is success.
    async fn complete_payments(
        &self,
        payments: &[RecordedPayment],
    ) -> Vec<ObjectOutcome<RecordedPayment>> {
        let prepare = |p: &RecordedPayment| {
            prepared(&p.id, &p.reference, wire::transaction_to_complete(p), 1)
        };
        let completed = |p: &RecordedPayment| RecordedPayment {
            completed: true,
            ..p.clone()
        };
        let how = Write {
            method: Method::PUT,
            resource: Resource::Transactions,
            prepare: &prepare,
            parse: wire::recorded_payment,
            matches: &|p: &RecordedPayment, r: &RecordedPayment| r.id == p.id,
            already_complete: Some(&completed),
        };
        let outcomes = self.write(how, payments).await;
        with_references(outcomes, payments.iter().map(|p| &p.reference))
    }

    /// `PUT /basket` by id with `completeDate: true`; 601 Already Complete is success.
    async fn complete_baskets(
        &self,
        baskets: &[RecordedBasket],
    ) -> Vec<ObjectOutcome<RecordedBasket>> {
        let prepare =
            |b: &RecordedBasket| prepared(&b.id, &b.reference, wire::basket_to_complete(b), 1);
        let completed = |b: &RecordedBasket| RecordedBasket {
            completed: true,
            ..b.clone()
        };
        let how = Write {
            method: Method::PUT,
            resource: Resource::Baskets,
            prepare: &prepare,
            parse: wire::recorded_basket,
            matches: &|b: &RecordedBasket, r: &RecordedBasket| r.id == b.id,
            already_complete: Some(&completed),
        };
        let outcomes = self.write(how, baskets).await;
        with_references(outcomes, baskets.iter().map(|b| &b.reference))
    }

    /// `GET /basket` filtered by `basketIds`.
    async fn find_baskets(&self, ids: &[String]) -> Result<Vec<RecordedBasket>, ProviderError> {
        self.find(
            Resource::Baskets,
            "basketIds",
            ids,
            wire::recorded_basket,
            |b| &b.id,
        )
        .await
    }

    /// `GET /transaction` filtered by `basketIds`.
    async fn find_payments(
        &self,
        basket_ids: &[String],
    ) -> Result<Vec<RecordedPayment>, ProviderError> {
        self.find(
            Resource::Transactions,
            "basketIds",
            basket_ids,
            wire::recorded_payment,
            |p| &p.basket_id,
        )
        .await
    }
}

/// Names each outcome by the reference it was asked for (refused items included).
fn with_references<'a, T>(
    outcomes: Vec<ObjectOutcome<T>>,
    references: impl Iterator<Item = &'a String>,
) -> Vec<ObjectOutcome<T>> {
    outcomes
        .into_iter()
        .zip(references)
        .map(|(o, r)| ObjectOutcome {
            reference: r.clone(),
            result: o.result,
        })
        .collect()
}
