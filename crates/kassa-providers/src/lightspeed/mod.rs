//! Lightspeed Retail X-Series (formerly Vend): gift cards, docs/providers.md §3 and seed 003.
//!
//! Look-up (`GiftCardProvider::lookup`), and the money-moving calls the outbox engine drives:
//! [`LightspeedClient::redeem`], [`LightspeedClient::reload`], [`LightspeedClient::reverse`]
//! and [`LightspeedClient::issue`]. Every transaction carries our operation id as
//! `client_id`: Lightspeed returns the earlier transaction for a repeat, so a write whose
//! outcome is unknown is settled by sending it again unchanged. An issue carries no id of ours:
//! its unknown outcome is settled by reading the card (the executor's work).
//!
//! Every request is counted against the till's share of Lightspeed's rate budget first
//! ([`LightspeedClient::with_shared_window`]: in the till's database, for all its processes).

pub mod auth;
mod errors;
mod ledger;
pub mod money;
pub mod rate;
pub mod wire;

use crate::http::client;
use async_trait::async_trait;
use auth::{Credentials, OAuth, TOKEN_SECRET};
use errors::{bad_response, map_error, no_answer, Call};
use kassa_core::card::CardCode;
use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{CardInfo, CardKind, GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::SecretStore;
use kassa_core::store::Store;
use money::WireAmount;
use rate::{RateBudget, RateLimitStatus, RateState, SharedWindow};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wire::{CreateTransaction, GiftCard, GiftCardTransaction, IssueGiftCard};

const READ: Call = Call {
    scope: "gift_cards:read",
    subject: "gift card",
    write: false,
};
const CREATE: Call = Call {
    scope: "gift_cards:write:redeem",
    subject: "gift card",
    write: true,
};
const ISSUE: Call = Call {
    scope: "gift_cards:write:issue",
    subject: "gift card",
    write: true,
};
const REVERSE: Call = Call {
    scope: "gift_cards:write:redeem",
    subject: "gift card transaction",
    write: true,
};

/// The API generation the paths and shapes follow.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Api {
    /// `/api/2.0`: documented as bare objects, money as JSON numbers, 200 on create.
    Legacy,
    /// `/api/2026-04` and later: documented as `{"data": …}`, money as strings, 201 on create.
    /// Either version's answers are read in either shape; requests send money as strings.
    Dated(String),
}

/// A gift card's status as Lightspeed names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStatus {
    Active,
    Inactive,
    /// Spent to zero; a reload makes it active again.
    Redeemed,
    Voided,
    Expired,
    /// A status this client does not know; treated as not usable.
    Other(String),
}

impl CardStatus {
    fn parse(s: &str) -> CardStatus {
        match s {
            "ACTIVE" => CardStatus::Active,
            "INACTIVE" => CardStatus::Inactive,
            "REDEEMED" => CardStatus::Redeemed,
            "VOIDED" => CardStatus::Voided,
            "EXPIRED" => CardStatus::Expired,
            other => CardStatus::Other(other.to_string()),
        }
    }
}

/// A gift card transaction in the till's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: String,
    /// `REDEEMING`, `RELOADING`, `REVERSING`, `ACTIVATION`, …
    pub kind: String,
    /// Signed: a redemption is negative.
    pub amount: Money,
    /// Our operation id, for the transactions the till made.
    pub client_id: Option<String>,
    pub created_at: Option<OffsetDateTime>,
}

/// A card with everything Lightspeed tells about it.
#[derive(Debug, Clone, PartialEq)]
pub struct GiftCardDetails {
    pub info: CardInfo,
    pub status: CardStatus,
    /// Oldest first, as Lightspeed lists them.
    pub transactions: Vec<Transaction>,
}

/// A new expiry sent with a reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewExpiry(pub time::Date);

pub struct LightspeedClient {
    http: reqwest::Client,
    /// `https://{domain_prefix}.retail.lightspeed.app/api`.
    root: String,
    api: Api,
    currency: Currency,
    time_zone: Option<String>,
    credentials: Credentials,
    budget: RateBudget,
    rate: RateState,
    /// The till's window of recent requests, shared by its processes; none for a client used
    /// outside a till (the setup screen's test, the sign-in's code exchange).
    window: Option<SharedWindow>,
}

impl LightspeedClient {
    /// A client whose token comes from `secrets`: `lightspeed.token` for a personal token;
    /// for OAuth the refresh token, client secret and cached access token, which it keeps
    /// up to date there as tokens rotate.
    pub fn new(
        config: &LightspeedConfig,
        currency: Currency,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, ProviderError> {
        let http = client(Duration::from_millis(config.timeout_ms))?;
        let host = config.host_url();
        let credentials = match config.auth {
            LightspeedAuth::Personal => {
                let token = secrets
                    .get(TOKEN_SECRET)
                    .map_err(|e| ProviderError::Config {
                        message: format!("Lightspeed: cannot read {TOKEN_SECRET}: {e}"),
                    })?
                    .ok_or_else(|| ProviderError::Config {
                        message: format!(
                            "Lightspeed is configured but has no token: run `kassa secret set {TOKEN_SECRET}`."
                        ),
                    })?;
                Credentials::Personal(token)
            }
            LightspeedAuth::Oauth => Credentials::OAuth(Box::new(OAuth::new(
                secrets,
                config
                    .client_id
                    .clone()
                    .ok_or_else(|| ProviderError::Config {
                        message:
                            "Lightspeed: providers.lightspeed.client_id is required for OAuth."
                                .into(),
                    })?,
                config.redirect_uri.clone(),
                format!("{host}/api/1.0/token"),
                http.clone(),
            ))),
        };
        let api = if config.api_version == "2.0" {
            Api::Legacy
        } else {
            Api::Dated(config.api_version.clone())
        };
        Ok(LightspeedClient {
            http,
            root: format!("{host}/api"),
            api,
            currency,
            time_zone: config.time_zone.clone(),
            credentials,
            budget: RateBudget::till_share(config.registers, config.retailer_budget),
            rate: RateState::default(),
            window: None,
        })
    }

    /// The same client counting every request in `store`'s window against the till's share,
    /// as every other process of the till does: a request the share has no room for waits
    /// (a write, up to [`rate::WRITE_WAIT`]) or is refused with the wait (a read); a 429's
    /// `Retry-After` holds back every process.
    pub fn with_shared_window(mut self, store: Arc<Store>) -> Self {
        self.window = Some(SharedWindow::new(store, self.budget));
        self
    }

    /// This till's share of the retailer's budget per window: the outbox paces by it.
    pub fn budget(&self) -> RateBudget {
        self.budget
    }

    /// The rate headers of Lightspeed's latest answer.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        self.rate.latest()
    }

    /// The OAuth connect page URL for the retailer to approve the till (OAuth with a
    /// redirect URI only).
    pub fn authorize_url(&self, state: &str) -> Option<String> {
        match &self.credentials {
            Credentials::OAuth(oauth) => oauth.authorize_url(state),
            Credentials::Personal(_) => None,
        }
    }

    /// Exchanges the authorization code from the connect page for tokens, and stores them.
    pub async fn authorize_with_code(&self, code: &str) -> Result<(), ProviderError> {
        match &self.credentials {
            Credentials::OAuth(oauth) => oauth.exchange_code(code).await,
            Credentials::Personal(_) => Err(ProviderError::Config {
                message:
                    "Lightspeed: the till uses a personal token; there is nothing to authorize."
                        .into(),
            }),
        }
    }

    /// True while a token pair Lightspeed issued could not be saved to the secret store yet.
    pub async fn has_unsaved_tokens(&self) -> bool {
        match &self.credentials {
            Credentials::OAuth(oauth) => oauth.has_unsaved_tokens().await,
            Credentials::Personal(_) => false,
        }
    }

    /// The card, its balance, status, expiry and transactions.
    pub async fn card(&self, number: &CardCode) -> Result<GiftCardDetails, ProviderError> {
        let path: Vec<&str> = match &self.api {
            Api::Legacy => vec!["2.0", "gift_cards", number.as_str()],
            Api::Dated(v) => vec![v.as_str(), "gift_cards", "by_number", number.as_str()],
        };
        let card: GiftCard = self.call(Method::GET, &path, READ, None).await?;
        self.details(card)
    }

    /// The card by Lightspeed's own id (date versions only: `GET …/gift_cards/by_id/{id}`),
    /// for a card whose number the till no longer keeps.
    pub async fn card_by_id(&self, id: &str) -> Result<GiftCardDetails, ProviderError> {
        let Api::Dated(v) = &self.api else {
            return Err(ProviderError::Config {
                message: "Lightspeed API 2.0 cannot read a card by its id: set providers.lightspeed.api_version to 2026-04 or later to compare a shift with Lightspeed.".into(),
            });
        };
        let path = [v.as_str(), "gift_cards", "by_id", id];
        let card: GiftCard = self.call(Method::GET, &path, READ, None).await?;
        self.details(card)
    }

    /// Takes `amount` (positive) from the card: a REDEEMING transaction of `-amount` with
    /// `client_id` = our operation id. A repeat with the same id returns the same transaction.
    pub async fn redeem(
        &self,
        number: &CardCode,
        amount: &Money,
        client_id: &str,
    ) -> Result<Transaction, ProviderError> {
        let minor = self.positive(amount)?;
        self.create(number, "REDEEMING", -minor, client_id, None)
            .await
    }

    /// Loads `amount` (positive) onto the card, optionally setting a new expiry date (read in
    /// the configured time zone). Idempotent by `client_id` as [`Self::redeem`].
    pub async fn reload(
        &self,
        number: &CardCode,
        amount: &Money,
        client_id: &str,
        new_expiry: Option<NewExpiry>,
    ) -> Result<Transaction, ProviderError> {
        let minor = self.positive(amount)?;
        self.create(number, "RELOADING", minor, client_id, new_expiry)
            .await
    }

    /// Reverses a REDEEMING transaction (date versions only): Lightspeed adds a REVERSING
    /// transaction that gives the amount back, and returns it.
    pub async fn reverse(&self, transaction_id: &str) -> Result<Transaction, ProviderError> {
        let Api::Dated(v) = &self.api else {
            return Err(ProviderError::Config {
                message: "Lightspeed API 2.0 cannot reverse a redemption: set providers.lightspeed.api_version to 2026-04 or later, or undo it with a reload.".into(),
            });
        };
        let path = [v.as_str(), "gift_cards", "transactions", transaction_id];
        let txn: GiftCardTransaction = self.call(Method::DELETE, &path, REVERSE, None).await?;
        self.transaction(txn)
    }

    /// Issues a card under `number`, which Lightspeed does not know yet, loaded with `amount`
    /// (an ACTIVATION; date versions only). Not idempotent: a number Lightspeed knows is
    /// refused (422), so a repeat of an issue that was applied is refused too.
    pub async fn issue(
        &self,
        number: &CardCode,
        amount: &Money,
    ) -> Result<GiftCardDetails, ProviderError> {
        let Api::Dated(v) = &self.api else {
            return Err(Self::no_issue());
        };
        let minor = self.positive(amount)?;
        // A decimal string, as every request's amount (seed 003).
        let amount =
            WireAmount::new(minor, &self.currency).map_err(|e| ProviderError::Declined {
                code: "invalid_amount".into(),
                reason: e.to_string(),
            })?;
        let body = IssueGiftCard {
            number: number.as_str(),
            amount,
        };
        let body = serde_json::to_vec(&body).expect("the body serialises");
        let path = [v.as_str(), "gift_cards"];
        let card: GiftCard = self.call(Method::POST, &path, ISSUE, Some(body)).await?;
        self.details(card)
    }

    fn no_issue() -> ProviderError {
        ProviderError::Config {
            message: "Lightspeed API 2.0 cannot issue a gift card: set providers.lightspeed.api_version to 2026-04 or later to sell pre-printed Lightspeed cards.".into(),
        }
    }

    fn positive(&self, amount: &Money) -> Result<i64, ProviderError> {
        let invalid = |reason: String| ProviderError::Declined {
            code: "invalid_amount".into(),
            reason,
        };
        if amount.currency != self.currency {
            return Err(invalid(format!(
                "Lightspeed takes {} here, not {}.",
                self.currency, amount.currency
            )));
        }
        if amount.minor <= 0 {
            return Err(invalid(format!(
                "The amount must be more than zero, not {amount}."
            )));
        }
        Ok(amount.minor)
    }

    async fn create(
        &self,
        number: &CardCode,
        kind: &str,
        minor: i64,
        client_id: &str,
        new_expiry: Option<NewExpiry>,
    ) -> Result<Transaction, ProviderError> {
        if client_id.trim().is_empty() {
            return Err(ProviderError::Config {
                message: "Lightspeed: a transaction needs our operation id as client_id.".into(),
            });
        }
        // A decimal string on every version (seed 003), never a JSON number.
        let amount =
            WireAmount::new(minor, &self.currency).map_err(|e| ProviderError::Declined {
                code: "invalid_amount".into(),
                reason: e.to_string(),
            })?;
        let expires_at = new_expiry.map(|NewExpiry(date)| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            date.format(&format).expect("a date formats")
        });
        let body = CreateTransaction {
            kind,
            amount,
            client_id,
            time_zone: expires_at.as_ref().and(self.time_zone.as_deref()),
            expires_at,
        };
        let body = serde_json::to_vec(&body).expect("the body serialises");
        let path: Vec<&str> = match &self.api {
            Api::Legacy => vec!["2.0", "gift_cards", number.as_str(), "transactions"],
            Api::Dated(v) => vec![v.as_str(), "gift_cards", number.as_str(), "transactions"],
        };
        let txn: GiftCardTransaction = self.call(Method::POST, &path, CREATE, Some(body)).await?;
        self.transaction(txn)
    }

    /// Sends a request: honours a pending `Retry-After`, refreshes a refused OAuth token
    /// once, and reads the answer in the configured version's shape.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &[&str],
        call: Call,
        body: Option<Vec<u8>>,
    ) -> Result<T, ProviderError> {
        let mut url = reqwest::Url::parse(&self.root).map_err(|e| ProviderError::Config {
            message: format!("Lightspeed: the base URL is not valid: {e}"),
        })?;
        url.path_segments_mut()
            .map_err(|_| ProviderError::Config {
                message: "Lightspeed: the base URL cannot take a path.".into(),
            })?
            .extend(path);
        let mut refreshed = false;
        loop {
            if let Some(left) = self.rate.wait_left(SystemTime::now()) {
                return Err(rate::asked_to_wait(left));
            }
            let token = self.credentials.bearer().await?;
            if let Some(window) = &self.window {
                window.take(call.write).await?;
            }
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let sent = |e: reqwest::Error| no_answer(call, &e);
            let response = request.send().await.map_err(sent)?;
            let status = response.status();
            self.rate.observe(response.headers());
            let now = SystemTime::now();
            let retry_after = rate::retry_after(response.headers(), now);
            let bytes = crate::http::read_body("Lightspeed", response, sent).await?;
            if status == StatusCode::UNAUTHORIZED
                && !refreshed
                && self.credentials.refused(&token).await
            {
                refreshed = true;
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after.unwrap_or(Duration::from_secs(1));
                self.rate.hold_off(now, wait);
                if let Some(window) = &self.window {
                    window.hold_off(now + wait).await;
                }
            }
            if !status.is_success() {
                return Err(map_error(
                    status,
                    call,
                    &bytes,
                    retry_after,
                    self.credentials.remedy(),
                ));
            }
            // Read in either documented shape, `{"data": …}` or bare, on every version.
            return wire::unwrap_data::<T>(&bytes).map_err(|e| {
                let message = format!(
                    "Lightspeed answered HTTP {} with a body Kassa cannot read: {e}",
                    status.as_u16()
                );
                if call.write {
                    // A 2xx means it was applied, but the till cannot tell what it did.
                    ProviderError::OutcomeUnknown { message }
                } else {
                    ProviderError::BadResponse { message }
                }
            });
        }
    }

    fn money(&self, amount: &WireAmount, what: &str) -> Result<Money, ProviderError> {
        let minor = amount
            .minor(&self.currency)
            .map_err(|e| bad_response(&format!("{what}: {e}")))?;
        Ok(Money::new(minor, self.currency.clone()))
    }

    fn transaction(&self, txn: GiftCardTransaction) -> Result<Transaction, ProviderError> {
        Ok(Transaction {
            amount: self.money(&txn.amount, "a transaction amount")?,
            id: txn.id.0,
            kind: txn.kind,
            client_id: txn.client_id,
            created_at: txn.created_at.as_deref().map(timestamp).transpose()?,
        })
    }

    fn details(&self, card: GiftCard) -> Result<GiftCardDetails, ProviderError> {
        let status = CardStatus::parse(&card.status);
        let transactions = card
            .gift_card_transactions
            .into_iter()
            .map(|t| self.transaction(t))
            .collect::<Result<_, _>>()?;
        let info = CardInfo {
            provider: ProviderId::Lightspeed,
            kind: CardKind::GiftCard,
            card_id: card.id.0,
            balance: self.money(&card.balance, "the balance")?,
            available: None,
            expires_at: card.expires_at.as_deref().map(timestamp).transpose()?,
            active: matches!(status, CardStatus::Active | CardStatus::Redeemed),
            program: None,
            holder: None,
        };
        Ok(GiftCardDetails {
            info,
            status,
            transactions,
        })
    }
}

#[async_trait]
impl GiftCardProvider for LightspeedClient {
    fn id(&self) -> ProviderId {
        ProviderId::Lightspeed
    }

    async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
        Ok(self.card(code).await?.info)
    }

    /// A pre-printed number Lightspeed does not know is sold by issuing it (date versions).
    fn issues_numbers(&self) -> Result<bool, ProviderError> {
        match self.api {
            Api::Dated(_) => Ok(true),
            Api::Legacy => Err(Self::no_issue()),
        }
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC as older Vend answers write it.
fn timestamp(text: &str) -> Result<OffsetDateTime, ProviderError> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(text, &format)
        .map(|at| at.assume_utc())
        .map_err(|_| bad_response(&format!("the time '{text}'")))
}
