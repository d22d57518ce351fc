//! Leat (formerly Piggy): gift cards, contacts' prepaid wallets and contact identifiers,
//! docs/providers.md §1.
//!
//! Operations that move money are inherent `async fn`s of [`LeatClient`]; Leat has no
//! idempotency key, so a write whose answer never came is [`ProviderError::OutcomeUnknown`] and
//! is settled with [`LeatClient::reconcile_giftcard_transaction`] (or
//! [`LeatClient::reconcile_prepaid_transaction`]) before anything is retried.

mod auth;
mod errors;
mod giftcards;
mod ledger;
mod paging;
mod prepaid;
mod reconcile;
mod types;
pub mod wire;

pub use errors::Language;
pub use giftcards::{GiftcardType, TransactionFilter};
pub use prepaid::Wallet;
pub use reconcile::{Reconciliation, UnknownPrepaidWrite, UnknownReversal, UnknownWrite};
pub use types::{
    Contact, ContactIdentifier, Giftcard, GiftcardTransaction, Page, PrepaidTransaction,
};

use crate::http::{client, read_body, retry_after_seconds};
use async_trait::async_trait;
use auth::Auth;
use errors::{bad_response, map_error, no_answer, outcome_unknown, Context, Effect};
use kassa_core::card::CardCode;
use kassa_core::config::{LeatApi, LeatAuth, LeatConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{CardInfo, CardKind, GiftCardProvider, ProviderError, ProviderId};
use kassa_core::secrets::Secret;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use wire::Envelope;

/// Said when a scanned customer card belongs to no contact (Kassa's words, not Leat's).
const NOT_LINKED: &str = "Deze klantenkaart is niet aan een klant gekoppeld. | This customer card is not linked to a customer.";

/// Form fields, in order.
type FormFields = Vec<(String, String)>;

pub struct LeatClient {
    http: reqwest::Client,
    /// Base URL plus the path family, e.g. `https://api.piggy.eu/api/v3/oauth/clients`.
    root: String,
    api: LeatApi,
    auth: Auth,
    secret_name: &'static str,
    partner_id: Option<String>,
    shop_uuid: Option<String>,
    /// The program new cards are made in (`giftcard_program_uuid`); none: no new cards.
    program_uuid: Option<String>,
    currency: Currency,
    language: Language,
    /// The custom attribute that carries the till's operation id; none when configured `""`.
    op_id_attribute: Option<String>,
    reconcile_window: Duration,
    settle_time: Duration,
}

impl LeatClient {
    /// `secret` is the API key or personal access token, or with client credentials the
    /// client's secret (see [`LeatConfig::secret_name`]). `language` picks the half of Leat's
    /// `"Dutch | English"` messages that a cashier reads.
    pub fn new(
        config: &LeatConfig,
        secret: Secret,
        currency: Currency,
        language: Language,
    ) -> Result<Self, ProviderError> {
        if currency.exponent() != 2 {
            return Err(ProviderError::Config {
                message: format!(
                    "Leat counts in cents, but the till's currency {currency} has {} decimals.",
                    currency.exponent()
                ),
            });
        }
        let base = config.base_url.trim_end_matches('/');
        let family = match config.api {
            LeatApi::Oauth => "/api/v3/oauth/clients",
            LeatApi::Register => "/api/v3/register",
        };
        let auth = match config.auth_kind() {
            LeatAuth::ApiKey | LeatAuth::PersonalAccessToken => Auth::Fixed(secret),
            LeatAuth::ClientCredentials => {
                let client_id = config.client_id.ok_or_else(|| ProviderError::Config {
                    message: "providers.leat.client_id is required with client_credentials.".into(),
                })?;
                Auth::client_credentials(format!("{base}/oauth/token"), client_id, secret)
            }
        };
        Ok(LeatClient {
            http: client(Duration::from_millis(config.timeout_ms))?,
            root: format!("{base}{family}"),
            api: config.api,
            auth,
            secret_name: config.secret_name(),
            partner_id: config.partner_id.clone(),
            shop_uuid: config.shop_uuid.clone(),
            program_uuid: config.giftcard_program_uuid.clone(),
            currency,
            language,
            op_id_attribute: Some(config.op_id_attribute.clone()).filter(|a| !a.is_empty()),
            reconcile_window: Duration::from_secs(config.reconcile_window_secs),
            settle_time: Duration::from_millis(config.settle_ms),
        })
    }

    /// Leat's cents of an amount in the till's currency.
    fn cents(&self, amount: &Money) -> Result<i64, ProviderError> {
        if amount.currency != self.currency {
            return Err(ProviderError::Config {
                message: format!(
                    "this till's Leat account counts in {}, not {}.",
                    self.currency, amount.currency
                ),
            });
        }
        Ok(amount.minor)
    }

    fn money(&self, cents: i64) -> Money {
        Money::new(cents, self.currency.clone())
    }

    /// How long an unanswered write may still be applied at Leat (`settle_ms`).
    pub fn settle_time(&self) -> Duration {
        self.settle_time
    }

    /// The form field that marks a write with the till's operation id, if the till marks them.
    fn op_id_field(&self, op_id: &str) -> Option<(String, String)> {
        self.op_id_attribute
            .as_ref()
            .map(|name| (format!("custom_attributes[{name}]"), op_id.to_string()))
    }

    /// The configured shop, which transactions require.
    fn shop(&self) -> Result<&str, ProviderError> {
        self.shop_uuid
            .as_deref()
            .ok_or_else(|| ProviderError::Config {
                message:
                    "Leat needs the till's shop for transactions: set providers.leat.shop_uuid."
                        .into(),
            })
    }

    /// A scanned customer card's prepaid wallet, as a card the till can show.
    async fn wallet_info(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
        let identifier = self.find_contact_identifier(code.as_str()).await?;
        let Some(contact) = identifier.contact else {
            return Err(ProviderError::Declined {
                code: "60011".into(),
                reason: self.language.pick(NOT_LINKED).to_string(),
            });
        };
        let balance = self.prepaid_balance(&contact.uuid).await?;
        Ok(CardInfo {
            provider: ProviderId::Leat,
            kind: CardKind::PrepaidWallet,
            card_id: contact.uuid,
            balance,
            available: None,
            expires_at: None,
            active: identifier.active,
            program: identifier.name,
            holder: contact.email,
        })
    }
}

/// One request to Leat: the bearer token (renewed once if Leat refuses a fetched one),
/// `Accept: application/json`, `X-Partner-ID`, a form-urlencoded body as the SDK sends it, and
/// the answer sorted into data or a [`ProviderError`].
impl LeatClient {
    /// `GET {root}{path}?query`.
    async fn read<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Envelope<T>, ProviderError> {
        self.call(Method::GET, path, query, None, Effect::Read)
            .await
    }

    /// `POST {root}{path}` with a form body.
    async fn write<T: DeserializeOwned>(
        &self,
        path: &str,
        form: FormFields,
    ) -> Result<Envelope<T>, ProviderError> {
        self.call(Method::POST, path, &[], Some(form), Effect::Write)
            .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        form: Option<FormFields>,
        effect: Effect,
    ) -> Result<Envelope<T>, ProviderError> {
        let ctx = Context {
            language: self.language,
            secret_name: self.secret_name,
            effect,
        };
        let mut renewed = false;
        loop {
            let token = self.auth.token(&self.http).await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.root))
                .query(query)
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(partner) = &self.partner_id {
                request = request.header("X-Partner-ID", partner);
            }
            if let Some(form) = &form {
                request = request.form(form);
            }
            let response = request.send().await.map_err(|e| no_answer(effect, e))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && self.auth.renewable() && !renewed {
                // A refused request was not applied: fetch a new token and send it again.
                self.auth.forget().await;
                renewed = true;
                continue;
            }
            let retry_after = retry_after_seconds(response.headers());
            let body = read_body("Leat", response, |e| no_answer(effect, e)).await?;
            if !status.is_success() {
                return Err(map_error(status, retry_after, &body, ctx));
            }
            return serde_json::from_slice::<Envelope<T>>(&body).map_err(|e| match effect {
                Effect::Read => bad_response(&format!("HTTP {}: {e}", status.as_u16())),
                Effect::Write => outcome_unknown(&format!(
                    "accepted the transaction (HTTP {}) but its answer cannot be read",
                    status.as_u16()
                )),
            });
        }
    }
}

#[async_trait]
impl GiftCardProvider for LeatClient {
    fn id(&self) -> ProviderId {
        ProviderId::Leat
    }

    /// The gift card with this hash; failing that (5001), the prepaid wallet of the contact
    /// whose customer card this is. When neither exists, the gift card's "not found".
    async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
        match self.find_giftcard(code.as_str()).await {
            Ok(card) => Ok(CardInfo {
                provider: ProviderId::Leat,
                kind: CardKind::GiftCard,
                card_id: card.uuid,
                balance: card.balance,
                available: None,
                expires_at: card.expires_at,
                active: card.active,
                program: card.program_name,
                holder: None,
            }),
            Err(not_found @ ProviderError::NotFound { .. }) => match self.wallet_info(code).await {
                Err(ProviderError::NotFound { .. }) => Err(not_found),
                other => other,
            },
            Err(e) => Err(e),
        }
    }

    /// A Leat card that exists was sold already; the till sells new ones, which have no code
    /// to scan.
    async fn activation_terms(
        &self,
        _code: &CardCode,
    ) -> Result<kassa_core::provider::ActivationTerms, ProviderError> {
        Err(ProviderError::Declined {
            code: "unsupported".into(),
            reason: "This Leat card exists already: reload it, or sell a new Leat gift card (no card to scan).".into(),
        })
    }

    /// A new card is a digital gift card of the configured program.
    fn makes_new_cards(&self) -> Result<(), ProviderError> {
        self.program().map(|_| ())
    }

    /// A gift card that is not upgradeable was loaded once, when it was made: Leat refuses
    /// another increment (5006). A prepaid wallet takes top-ups.
    async fn check_reload(&self, code: &CardCode) -> Result<(), ProviderError> {
        match self.find_giftcard(code.as_str()).await {
            Ok(card) if !card.upgradeable => Err(ProviderError::Declined {
                code: "5006".into(),
                reason: "Leat loads this gift card only once (it is not upgradeable), so it cannot be reloaded.".into(),
            }),
            Ok(_) | Err(ProviderError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
