//! The Shopwave client: calls with token renewal, batched writes with an outcome per object,
//! and read-back by our references.

use super::auth::Auth;
use super::envelope::{error_for, error_for_status, is_already_complete, Envelope};
use super::wire;
use crate::http::{client, read_body, retry_after_seconds, transport_error};
use async_trait::async_trait;
use kassa_core::config::ShopwaveConfig;
use kassa_core::pos::{
    is_valid_reference, ObjectOutcome, PaymentToRecord, PosRecorder, PosSale, RecordedBasket,
    RecordedPayment,
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
    reference_header: String,
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
    reference: String,
    body: Value,
    /// Objects it counts for toward the per-call limit (a basket and its lines).
    weight: usize,
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
            reference_header: config.reference_header.clone(),
            auth,
        })
    }

    /// The OAuth side: the credentials check, the authorize page and the code exchange.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// One call; renews the token and repeats once when Shopwave refuses it as expired (a
    /// refused call was not applied, so repeating a write is safe).
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
            let status = response.status();
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
    /// item, in order. `parse` reads an object of the answer; `already_complete` gives the
    /// result for an object Shopwave reports complete (601/602), where that is success.
    async fn write<I: Sync, T: Clone>(
        &self,
        method: Method,
        resource: Resource,
        items: &[I],
        prepare: impl Fn(&I) -> Result<Prepared, ProviderError>,
        parse: impl Fn(&str, &Value) -> Result<T, String>,
        already_complete: Option<&(dyn Fn(&I) -> T + Sync)>,
    ) -> Vec<ObjectOutcome<T>> {
        let mut outcomes: Vec<Option<ObjectOutcome<T>>> = vec![None; items.len()];
        let mut pending: Vec<(usize, Prepared)> = vec![];
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            match prepare(item) {
                Ok(p) if !seen.insert(p.reference.clone()) => {
                    outcomes[i] = Some(refused(&p.reference, "the reference is given twice"));
                }
                Ok(p) if p.weight > self.batch_size => {
                    let why = format!(
                        "it has {} objects and Shopwave takes {} per call",
                        p.weight, self.batch_size
                    );
                    outcomes[i] = Some(refused(&p.reference, &why));
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
                .map(|(_, p)| (p.reference.clone(), p.body.clone()))
                .collect();
            let mut body = Map::new();
            body.insert(resource.key().into(), Value::Object(objects));
            let answer = self
                .call(method.clone(), resource, None, Some(&Value::Object(body)))
                .await;
            for (i, p) in chunk {
                let result = match &answer {
                    Err(e) => Err(e.clone()),
                    Ok(a) => object_result(a, resource, &p.reference, &parse).or_else(|e| {
                        match (e, already_complete) {
                            (Settled::AlreadyComplete, Some(complete)) => Ok(complete(&items[*i])),
                            (Settled::AlreadyComplete, None) => Err(already(a, &p.reference)),
                            (Settled::Failed(e), _) => Err(e),
                        }
                    }),
                };
                outcomes[*i] = Some(ObjectOutcome {
                    reference: p.reference.clone(),
                    result,
                });
            }
        }
        outcomes.into_iter().flatten().collect()
    }

    /// Reads objects by our references, through the reference header, in calls of at most
    /// `batch_size` references; keeps only those that carry one of them.
    async fn find<T>(
        &self,
        resource: Resource,
        references: &[String],
        parse: impl Fn(&str, &Value) -> Result<T, String>,
        reference_of: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, ProviderError> {
        let wanted: Vec<&String> = references
            .iter()
            .filter(|r| is_valid_reference(r))
            .collect();
        let mut found = vec![];
        for chunk in wanted.chunks(self.batch_size) {
            let header = chunk
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let answer = self
                .call(
                    Method::GET,
                    resource,
                    Some((&self.reference_header, header)),
                    None,
                )
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
                let object = parse(&key, &value).map_err(|e| ProviderError::BadResponse {
                    message: format!("Shopwave answered a record Kassa cannot read: {e}"),
                })?;
                if chunk.iter().any(|r| r.as_str() == reference_of(&object)) {
                    found.push(object);
                }
            }
        }
        Ok(found)
    }
}

/// Why an object of a write has no result of its own.
enum Settled {
    AlreadyComplete,
    Failed(ProviderError),
}

/// What the answer says of one object: its record, an error naming it, the answer's own
/// error, or, in a success that does not mention it, an unknown outcome.
fn object_result<T>(
    answer: &Answer,
    resource: Resource,
    reference: &str,
    parse: &impl Fn(&str, &Value) -> Result<T, String>,
) -> Result<T, Settled> {
    let records = answer.envelope.resource(resource.key());
    let record = records
        .get(reference)
        .map(|v| (reference.to_string(), v))
        .or_else(|| {
            records
                .iter()
                .find(|(_, v)| v.get("objectRef").and_then(Value::as_str) == Some(reference))
                .map(|(k, v)| (k.clone(), v))
        });
    if let Some((key, value)) = record {
        return parse(&key, value).map_err(|e| {
            Settled::Failed(ProviderError::OutcomeUnknown {
                message: format!("Shopwave recorded {reference} but its answer cannot be read ({e}); it is being checked."),
            })
        });
    }
    let retry_after = answer.retry_after;
    if let Some(problem) = answer.envelope.message.problem_for(reference) {
        if is_already_complete(problem.id) {
            return Err(Settled::AlreadyComplete);
        }
        return Err(Settled::Failed(error_for(problem, true, retry_after)));
    }
    if !answer.status.is_success() {
        return Err(Settled::Failed(match answer.envelope.main_problem() {
            Some(p) if is_already_complete(p.id) => return Err(Settled::AlreadyComplete),
            Some(p) => error_for(p, true, retry_after),
            None => error_for_status(answer.status.as_u16(), true, retry_after),
        }));
    }
    Err(Settled::Failed(ProviderError::OutcomeUnknown {
        message: format!("Shopwave's answer does not mention {reference}; whether it was recorded is being checked."),
    }))
}

/// An "already complete" where that is not success (a create against a complete basket).
fn already(answer: &Answer, reference: &str) -> ProviderError {
    let problem = answer
        .envelope
        .message
        .problem_for(reference)
        .or_else(|| answer.envelope.main_problem())
        .cloned()
        .unwrap_or_default();
    error_for(&problem, true, answer.retry_after)
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

/// A request that got no answer: a write that may have left is an unknown outcome.
fn no_answer(e: &reqwest::Error, write: bool) -> ProviderError {
    if write && !e.is_connect() {
        ProviderError::OutcomeUnknown {
            message: "Shopwave did not answer a write; whether it was recorded is being checked."
                .into(),
        }
    } else {
        transport_error("Shopwave", e)
    }
}

fn prepared(
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
        reference: reference.to_string(),
        body,
        weight,
    })
}

#[async_trait]
impl PosRecorder for ShopwaveClient {
    fn id(&self) -> ProviderId {
        ProviderId::Shopwave
    }

    /// `PUT /basket` with each basket and its lines (a basket without `id` is created).
    async fn create_baskets(&self, sales: &[PosSale]) -> Vec<ObjectOutcome<RecordedBasket>> {
        let prepare = |s: &PosSale| {
            prepared(
                &s.reference,
                wire::basket_to_create(s, &self.store_id),
                1 + s.lines.len(),
            )
        };
        let outcomes = self
            .write(
                Method::PUT,
                Resource::Baskets,
                sales,
                prepare,
                wire::recorded_basket,
                None,
            )
            .await;
        with_references(outcomes, sales.iter().map(|s| &s.reference))
    }

    /// `POST /transaction`.
    async fn create_payments(
        &self,
        payments: &[PaymentToRecord],
    ) -> Vec<ObjectOutcome<RecordedPayment>> {
        let prepare =
            |p: &PaymentToRecord| prepared(&p.payment.reference, wire::transaction_to_create(p), 1);
        let outcomes = self
            .write(
                Method::POST,
                Resource::Transactions,
                payments,
                prepare,
                wire::recorded_payment,
                None,
            )
            .await;
        with_references(outcomes, payments.iter().map(|p| &p.payment.reference))
    }

    /// `PUT /transaction` with `completeDate: true`; 602 Already Complete is success.
    async fn complete_payments(
        &self,
        payments: &[RecordedPayment],
    ) -> Vec<ObjectOutcome<RecordedPayment>> {
        let prepare =
            |p: &RecordedPayment| prepared(&p.reference, wire::transaction_to_complete(p), 1);
        let completed = |p: &RecordedPayment| RecordedPayment {
            completed: true,
            ..p.clone()
        };
        let outcomes = self
            .write(
                Method::PUT,
                Resource::Transactions,
                payments,
                prepare,
                wire::recorded_payment,
                Some(&completed),
            )
            .await;
        with_references(outcomes, payments.iter().map(|p| &p.reference))
    }

    /// `PUT /basket` with `completeDate: true`; 601 Already Complete is success.
    async fn complete_baskets(
        &self,
        baskets: &[RecordedBasket],
    ) -> Vec<ObjectOutcome<RecordedBasket>> {
        let prepare = |b: &RecordedBasket| prepared(&b.reference, wire::basket_to_complete(b), 1);
        let completed = |b: &RecordedBasket| RecordedBasket {
            completed: true,
            ..b.clone()
        };
        let outcomes = self
            .write(
                Method::PUT,
                Resource::Baskets,
                baskets,
                prepare,
                wire::recorded_basket,
                Some(&completed),
            )
            .await;
        with_references(outcomes, baskets.iter().map(|b| &b.reference))
    }

    /// `GET /basket` filtered by the reference header.
    async fn find_baskets(
        &self,
        references: &[String],
    ) -> Result<Vec<RecordedBasket>, ProviderError> {
        self.find(Resource::Baskets, references, wire::recorded_basket, |b| {
            &b.reference
        })
        .await
    }

    /// `GET /transaction` filtered by the reference header.
    async fn find_payments(
        &self,
        references: &[String],
    ) -> Result<Vec<RecordedPayment>, ProviderError> {
        self.find(
            Resource::Transactions,
            references,
            wire::recorded_payment,
            |p| &p.reference,
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
