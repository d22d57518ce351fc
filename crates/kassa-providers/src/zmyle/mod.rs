//! zmyle POS API, docs/providers.md §2: gift cards found by short id or QR code, funds held by
//! transaction intents until confirmed or cancelled, refunds, and selling pre-printed cards.
//!
//! Reads that fail in transport are retryable. Writes that got no answer are
//! [`ProviderError::OutcomeUnknown`]: creating an intent and refunding carry an idempotency key
//! (our operation id), so they are retried with the same key; confirm and cancel are settled by
//! reading the intent.

pub mod auth;
pub mod errors;
mod ledger;
pub mod query;
pub mod wire;

pub use errors::DOCUMENTED_ERRORS;
pub use query::CardQuery;
pub use wire::{
    parse_date, AccessToken, Activation, ErrorBody, Giftcard, GiftcardTransaction, IntentStatus,
    Metadata, TransactionIntent, DOCUMENTED_HOLD_LIFETIME,
};

use crate::http::{client, retry_after_seconds};
use async_trait::async_trait;
use auth::Credentials;
use errors::{bad_response, map_error, no_answer, Call, Kind};
use kassa_core::card::CardCode;
use kassa_core::config::ZmyleConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{
    ActivationTerms, CardInfo, CardKind, GiftCardProvider, ProviderError, ProviderId,
};
use kassa_core::secrets::Secret;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT};
use reqwest::{RequestBuilder, Url};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Every path is under this, on the live or the sandbox host.
const API_PATH: &str = "/service/v1.1";

pub struct ZmyleClient {
    http: reqwest::Client,
    /// The base URL plus `/service/v1.1`.
    root: Url,
    credentials: Credentials,
    currency: Currency,
    idempotency_header: HeaderName,
    /// The configured store and extra metadata, sent with every intent and refund.
    metadata: Metadata,
    /// How long a hold lasts when zmyle's answer gives no `expiresAt`.
    hold_lifetime: time::Duration,
}

fn config_error(message: String) -> ProviderError {
    ProviderError::Config { message }
}

impl ZmyleClient {
    pub fn new(
        config: &ZmyleConfig,
        api_key: Secret,
        api_secret: Secret,
        currency: Currency,
    ) -> Result<Self, ProviderError> {
        let root = format!("{}{API_PATH}", config.base_url.trim_end_matches('/'));
        let root = Url::parse(&root)
            .ok()
            .filter(|u| !u.cannot_be_a_base())
            .ok_or_else(|| {
                config_error(format!(
                    "zmyle's base_url '{}' is not a URL.",
                    config.base_url
                ))
            })?;
        let idempotency_header = HeaderName::from_bytes(config.idempotency_header.as_bytes())
            .map_err(|_| {
                config_error(format!(
                    "zmyle's idempotency_header '{}' is not an HTTP header name.",
                    config.idempotency_header
                ))
            })?;
        let mut metadata = config.metadata.clone();
        if let Some(store) = &config.store {
            metadata.insert("store".into(), store.clone());
        }
        Ok(ZmyleClient {
            http: client(Duration::from_millis(config.timeout_ms))?,
            root,
            credentials: Credentials::new(api_key, api_secret),
            currency,
            idempotency_header,
            metadata,
            hold_lifetime: time::Duration::minutes(
                i64::try_from(config.hold_minutes).unwrap_or(i64::MAX / 60),
            ),
        })
    }

    /// When `intent`'s hold ends: its `expiresAt`, else its `createdAt` (or now) plus the hold
    /// lifetime.
    pub fn hold_expires_at(&self, intent: &TransactionIntent) -> time::OffsetDateTime {
        intent.hold_expires_at(self.hold_lifetime, time::OffsetDateTime::now_utc())
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.root.clone();
        url.path_segments_mut()
            .expect("checked in new: the root can be a base")
            .extend(segments);
        url
    }

    /// The metadata of an intent or refund: the configured pairs and the receipt number.
    fn metadata(&self, receipt_number: &str) -> Metadata {
        let mut metadata = self.metadata.clone();
        metadata.insert("receiptNumber".into(), receipt_number.into());
        metadata
    }

    /// Minor units, in the till's currency only.
    fn minor(&self, amount: &Money) -> Result<i64, ProviderError> {
        if amount.currency != self.currency {
            return Err(ProviderError::Declined {
                code: "currency".into(),
                reason: format!(
                    "This till takes zmyle cards in {}, not {}.",
                    self.currency, amount.currency
                ),
            });
        }
        Ok(amount.minor)
    }

    fn idempotent(
        &self,
        request: RequestBuilder,
        op_id: &str,
    ) -> Result<RequestBuilder, ProviderError> {
        let key = HeaderValue::from_str(op_id).map_err(|_| {
            config_error(format!(
                "the operation id '{op_id}' cannot be an idempotency key"
            ))
        })?;
        Ok(request.header(self.idempotency_header.clone(), key))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        kind: Kind,
        call: Call,
    ) -> Result<T, ProviderError> {
        let response = self
            .credentials
            .authorize(request)
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| no_answer(kind, e))?;
        let status = response.status();
        let retry_after = retry_after_seconds(response.headers());
        let body = crate::http::read_body("zmyle", response, |e| no_answer(kind, e)).await?;
        if !status.is_success() {
            return Err(map_error(call, status, retry_after, &body));
        }
        serde_json::from_slice(&body).map_err(|e| match kind {
            Kind::Read => bad_response(status, &e.to_string()),
            // zmyle said yes but Kassa cannot read to what: the write may have happened.
            Kind::Write => ProviderError::OutcomeUnknown {
                message: format!(
                    "zmyle accepted the request but its answer cannot be read (HTTP {status}): {e}"
                ),
            },
        })
    }

    /// `GET gift_cards/find?query=` with the short id or the whole QR content: the card the
    /// code names, with its access token.
    pub async fn find(&self, code: &CardCode) -> Result<Giftcard, ProviderError> {
        let query = CardQuery::recognise(code.as_str());
        let request = self
            .http
            .get(self.url(&["gift_cards", "find"]))
            .query(&[("query", code.as_str())]);
        let cards: Vec<Giftcard> = self.send(request, Kind::Read, Call::Lookup).await?;
        let mut card = cards
            .into_iter()
            .find(|c| query.names(&c.id, c.short_id.as_deref()))
            .ok_or_else(|| ProviderError::NotFound {
                message: "zmyle does not know this gift card.".into(),
            })?;
        if let (None, CardQuery::Qr { access_token, .. }) = (&card.access_token, &query) {
            card.access_token = Some(AccessToken::new(*access_token));
        }
        tracing::debug!(card = %code, id = %card.id, "zmyle card found");
        Ok(card)
    }

    /// `PUT transaction_intents`: holds `amount` on the card until the intent is confirmed,
    /// cancelled or expires. `op_id` is the idempotency key: the same key never holds twice.
    pub async fn create_intent(
        &self,
        giftcard_id: &str,
        access_token: &AccessToken,
        amount: &Money,
        receipt_number: &str,
        op_id: &str,
    ) -> Result<TransactionIntent, ProviderError> {
        let metadata = self.metadata(receipt_number);
        let body = wire::CreateIntent {
            giftcard_id,
            access_token: access_token.expose(),
            amount: self.minor(amount)?,
            metadata: &metadata,
        };
        let request = self
            .http
            .put(self.url(&["transaction_intents"]))
            .json(&body);
        let intent: TransactionIntent = self
            .send(self.idempotent(request, op_id)?, Kind::Write, Call::Intent)
            .await?;
        tracing::info!(intent = %intent.id, amount = intent.amount, expires = %self.hold_expires_at(&intent), "zmyle hold placed");
        Ok(intent)
    }

    /// Finds the card a code names and holds `amount` on it: what the till does to take a
    /// zmyle card in payment.
    pub async fn reserve(
        &self,
        code: &CardCode,
        amount: &Money,
        receipt_number: &str,
        op_id: &str,
    ) -> Result<TransactionIntent, ProviderError> {
        let card = self.find(code).await?;
        let token = card.access_token.as_ref().ok_or_else(|| {
            bad_response(
                reqwest::StatusCode::OK,
                "the card came without its access token",
            )
        })?;
        self.create_intent(&card.id, token, amount, receipt_number, op_id)
            .await
    }

    /// `GET transaction_intents/{id}`: where a hold stands now.
    pub async fn intent(&self, intent_id: &str) -> Result<TransactionIntent, ProviderError> {
        let request = self.http.get(self.url(&["transaction_intents", intent_id]));
        self.send(request, Kind::Read, Call::Intent).await
    }

    /// `POST transaction_intents/{id}`: a new amount for an open hold (its metadata is sent
    /// again whole, as zmyle replaces it).
    pub async fn change_intent(
        &self,
        intent_id: &str,
        amount: &Money,
        receipt_number: &str,
    ) -> Result<TransactionIntent, ProviderError> {
        let metadata = self.metadata(receipt_number);
        let body = wire::AmountAndMetadata {
            amount: self.minor(amount)?,
            metadata: &metadata,
        };
        let request = self
            .http
            .post(self.url(&["transaction_intents", intent_id]))
            .json(&body);
        self.send(request, Kind::Write, Call::Intent).await
    }

    /// `POST transaction_intents/{id}/confirm`: takes the held money. The answer names the
    /// card transaction (`giftcardTransactionId`) a refund needs.
    pub async fn confirm_intent(
        &self,
        intent_id: &str,
    ) -> Result<TransactionIntent, ProviderError> {
        let request = self
            .http
            .post(self.url(&["transaction_intents", intent_id, "confirm"]));
        self.send(request, Kind::Write, Call::Intent).await
    }

    /// `POST transaction_intents/{id}/cancel`: gives the held money back to the card.
    pub async fn cancel_intent(&self, intent_id: &str) -> Result<TransactionIntent, ProviderError> {
        let request = self
            .http
            .post(self.url(&["transaction_intents", intent_id, "cancel"]));
        self.send(request, Kind::Write, Call::Intent).await
    }

    /// `POST transactions/{id}/refund`: puts money back on the card, within 14 days of the
    /// payment and up to what is left to refund. `op_id` is the idempotency key.
    pub async fn refund(
        &self,
        transaction_id: &str,
        amount: &Money,
        receipt_number: &str,
        op_id: &str,
    ) -> Result<GiftcardTransaction, ProviderError> {
        let metadata = self.metadata(receipt_number);
        let body = wire::AmountAndMetadata {
            amount: self.minor(amount)?,
            metadata: &metadata,
        };
        let request = self
            .http
            .post(self.url(&["transactions", transaction_id, "refund"]))
            .json(&body);
        self.send(self.idempotent(request, op_id)?, Kind::Write, Call::Refund)
            .await
    }

    /// `POST gift_cards/{id}/activate`: sells a pre-printed card; it is then loaded with its
    /// activation amount.
    pub async fn activate(
        &self,
        giftcard_id: &str,
        access_token: &AccessToken,
        receipt_number: &str,
    ) -> Result<Giftcard, ProviderError> {
        let metadata = self.metadata(receipt_number);
        let body = wire::Activate {
            access_token: access_token.expose(),
            metadata: &metadata,
        };
        let request = self
            .http
            .post(self.url(&["gift_cards", giftcard_id, "activate"]))
            .json(&body);
        self.send(request, Kind::Write, Call::Activate).await
    }
}

/// The till's view of a zmyle card.
pub fn card_info(card: &Giftcard) -> Result<CardInfo, ProviderError> {
    Ok(CardInfo {
        provider: ProviderId::Zmyle,
        kind: CardKind::GiftCard,
        card_id: card.id.clone(),
        balance: wire::money(card.balance, &card.currency)?,
        available: Some(wire::money(card.available(), &card.currency)?),
        expires_at: None,
        active: card.is_redeemable(),
        program: None,
        holder: None,
    })
}

#[async_trait]
impl GiftCardProvider for ZmyleClient {
    fn id(&self) -> ProviderId {
        ProviderId::Zmyle
    }

    async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
        card_info(&self.find(code).await?)
    }

    async fn activation_terms(&self, code: &CardCode) -> Result<ActivationTerms, ProviderError> {
        activation_terms(&self.find(code).await?)
    }
}

/// What selling a pre-printed card takes: zmyle's `activation` rules. zmyle's activate takes no
/// amount (docs/providers.md §2.3), so a card whose amount is chosen at sale cannot be sold
/// through it.
pub fn activation_terms(card: &Giftcard) -> Result<ActivationTerms, ProviderError> {
    let refused = |reason: &str| ProviderError::Declined {
        code: "activation".into(),
        reason: reason.into(),
    };
    if !card.is_activatable() {
        return Err(refused(match card.expected_action.as_deref() {
            Some("redeem") => "This gift card has already been sold.",
            _ => "zmyle does not let this shop sell this gift card.",
        }));
    }
    let activation = card.activation.as_ref();
    if activation.and_then(|a| a.is_dynamic_amount) == Some(true) {
        return Err(refused(
            "This card's amount is chosen when it is sold, and zmyle's activation takes no amount: it cannot be sold at the till.",
        ));
    }
    let amount = activation
        .and_then(|a| a.amount)
        .or(card.initial_amount)
        .ok_or_else(|| ProviderError::BadResponse {
            message: "zmyle did not say what this card is sold for.".into(),
        })?;
    let in_currency =
        |minor: Option<i64>| minor.map(|m| wire::money(m, &card.currency)).transpose();
    Ok(ActivationTerms {
        card_id: card.id.clone(),
        amount: wire::money(amount, &card.currency)?,
        min: in_currency(activation.and_then(|a| a.min_amount))?,
        max: in_currency(activation.and_then(|a| a.max_amount))?,
    })
}
