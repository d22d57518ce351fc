//! zmyle's JSON, field for field (docs/providers.md §2.2), and its `yyyyMMdd'T'HHmmss'Z'` dates.

use kassa_core::holds::NewHold;
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{ProviderError, ProviderId};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// Parses zmyle's date format, e.g. `20171127T045256Z` (always UTC).
pub fn parse_date(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    Ok(PrimitiveDateTime::parse(text, format)?.assume_utc())
}

fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_date(&text).map(Some).map_err(|e| {
            serde::de::Error::custom(format!("date '{text}' is not yyyyMMddTHHmmssZ: {e}"))
        }),
    }
}

/// A gift card's access token: it opens the card for redeeming, so it is never shown in logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// A gift card [DOC gift_cards_object, gift_cards_find].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Giftcard {
    pub id: String,
    pub short_id: Option<String>,
    pub access_token: Option<AccessToken>,
    /// Confirmed balance, minor units.
    pub balance: i64,
    /// Balance less the funds held by open intents: what can be redeemed now.
    pub available_balance: Option<i64>,
    pub initial_amount: Option<i64>,
    pub currency: String,
    /// `activate`, `redeem` or `none`.
    pub expected_action: Option<String>,
    /// A subset of `activate`, `redeem`.
    #[serde(default)]
    pub authorized_actions: Vec<String>,
    pub activation: Option<Activation>,
    #[serde(default)]
    pub transactions: Vec<GiftcardTransaction>,
}

impl Giftcard {
    /// What can be spent now: the available balance, or the balance where none is given.
    pub fn available(&self) -> i64 {
        self.available_balance.unwrap_or(self.balance)
    }

    /// zmyle expects this card to be redeemed, and this retailer may.
    pub fn is_redeemable(&self) -> bool {
        self.authorized_actions.iter().any(|a| a == "redeem")
            && self.expected_action.as_deref().unwrap_or("redeem") == "redeem"
    }

    /// A pre-printed card waiting to be sold, which this retailer may activate.
    pub fn is_activatable(&self) -> bool {
        self.authorized_actions.iter().any(|a| a == "activate")
            && self.expected_action.as_deref() == Some("activate")
    }
}

/// How a pre-printed card is loaded when sold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activation {
    pub amount: Option<i64>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub is_dynamic_amount: Option<bool>,
}

/// A movement on a gift card: an activation, a confirmed redemption, a refund.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftcardTransaction {
    pub id: String,
    pub amount: i64,
    #[serde(default, deserialize_with = "optional_date")]
    pub confirmed_at: Option<OffsetDateTime>,
    pub statement_descriptor: Option<String>,
    pub retailer_id: Option<String>,
}

/// Where a transaction intent stands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum IntentStatus {
    /// Funds are held until the intent is confirmed, cancelled or expires.
    NeedsConfirmation,
    Succeeded,
    Cancelled,
    /// A value zmyle does not document (e.g. of an expired intent): the funds are not held.
    Other(String),
}

impl From<String> for IntentStatus {
    fn from(s: String) -> Self {
        match s.as_str() {
            "NEEDS_CONFIRMATION" => IntentStatus::NeedsConfirmation,
            "SUCCEEDED" => IntentStatus::Succeeded,
            "CANCELLED" => IntentStatus::Cancelled,
            _ => IntentStatus::Other(s),
        }
    }
}

/// A transaction intent: funds held on a card [SEED 002, DOC confirm/cancel].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionIntent {
    pub id: String,
    pub giftcard_id: String,
    pub retailer_id: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub status: IntentStatus,
    pub statement_descriptor: Option<String>,
    #[serde(default, deserialize_with = "optional_date")]
    pub created_at: Option<OffsetDateTime>,
    /// When zmyle releases the funds if the intent is neither confirmed nor cancelled. Only
    /// documented on an open (`NEEDS_CONFIRMATION`) intent; may be absent elsewhere, so read
    /// a hold's end with [`TransactionIntent::hold_expires_at`].
    #[serde(default, deserialize_with = "optional_date")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// Set once confirmed: the transaction to refund.
    pub giftcard_transaction_id: Option<String>,
}

impl TransactionIntent {
    pub fn amount(&self) -> Result<Money, ProviderError> {
        money(self.amount, &self.currency)
    }

    /// When the hold ends: `expiresAt`, or, for an answer without it, `createdAt` (else `now`)
    /// plus `lifetime` (zmyle: "usually 30 minutes", [`DOCUMENTED_HOLD_LIFETIME`]).
    pub fn hold_expires_at(&self, lifetime: Duration, now: OffsetDateTime) -> OffsetDateTime {
        self.expires_at
            .unwrap_or_else(|| self.created_at.unwrap_or(now) + lifetime)
    }

    /// The hold to store for this intent (docs/design.md §4.7), for the card with masked code
    /// `card_masked`, placed by operation `op_id`; `lifetime` as in [`Self::hold_expires_at`].
    pub fn to_hold(
        &self,
        card_masked: String,
        op_id: Option<String>,
        lifetime: Duration,
    ) -> Result<NewHold, ProviderError> {
        Ok(NewHold {
            provider: ProviderId::Zmyle,
            intent_id: self.id.clone(),
            op_id,
            card_masked,
            amount: self.amount()?,
            expires_at: self.hold_expires_at(lifetime, OffsetDateTime::now_utc()),
        })
    }
}

/// How long zmyle keeps an unconfirmed intent's funds: "after some time (usually 30 minutes)"
/// [SEED 002]. The hold lifetime used where an answer carries no `expiresAt`.
pub const DOCUMENTED_HOLD_LIFETIME: Duration = Duration::minutes(30);

/// Minor units in zmyle's currency code.
pub fn money(minor: i64, currency: &str) -> Result<Money, ProviderError> {
    let currency =
        Currency::try_from(currency.to_string()).map_err(|e| ProviderError::BadResponse {
            message: format!("zmyle answered something Kassa cannot read: {e}"),
        })?;
    Ok(Money::new(minor, currency))
}

/// zmyle's error body. Note zmyle's spelling `occuredAt`; the correct spelling is accepted too.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub error_id: String,
    pub error_msg: Option<String>,
    pub status: Option<u16>,
    #[serde(default, alias = "occurredAt", deserialize_with = "optional_date")]
    pub occured_at: Option<OffsetDateTime>,
}

/// Key-value pairs attached to intents and refunds (copied into the card's transaction).
pub type Metadata = BTreeMap<String, String>;

/// `PUT transaction_intents`. `Debug` hides the card's access token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIntent<'a> {
    pub giftcard_id: &'a str,
    pub access_token: &'a str,
    pub amount: i64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: &'a Metadata,
}

impl fmt::Debug for CreateIntent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateIntent")
            .field("giftcard_id", &self.giftcard_id)
            .field("access_token", &"***")
            .field("amount", &self.amount)
            .field("metadata", &self.metadata)
            .finish()
    }
}

/// `POST transaction_intents/{id}` (the metadata is replaced whole) and
/// `POST transactions/{id}/refund`.
#[derive(Debug, Serialize)]
pub struct AmountAndMetadata<'a> {
    pub amount: i64,
    pub metadata: &'a Metadata,
}

/// `POST gift_cards/{id}/activate`. `Debug` hides the card's access token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activate<'a> {
    pub access_token: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: &'a Metadata,
}

impl fmt::Debug for Activate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Activate")
            .field("access_token", &"***")
            .field("metadata", &self.metadata)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn debug_of_an_intent_or_activation_hides_the_access_token() {
        let metadata = Metadata::new();
        let intent = CreateIntent {
            giftcard_id: "18jja4mf08fn",
            access_token: "secrettoken1234567890",
            amount: 500,
            metadata: &metadata,
        };
        let activate = Activate {
            access_token: "secrettoken1234567890",
            metadata: &metadata,
        };
        for shown in [format!("{intent:?}"), format!("{activate:?}")] {
            assert!(!shown.contains("secrettoken"), "{shown}");
            assert!(shown.contains("access_token: \"***\""), "{shown}");
        }
        assert!(format!("{intent:?}").contains("amount: 500"));
    }

    #[test]
    fn reads_zmyle_dates_as_utc() {
        assert_eq!(
            parse_date("20171127T045256Z").unwrap(),
            datetime!(2017-11-27 04:52:56 UTC)
        );
        assert!(parse_date("2017-11-27T04:52:56Z").is_err());
        assert!(parse_date("20171327T045256Z").is_err(), "month 13");
        assert!(parse_date("20171127T045256").is_err(), "no Z");
    }

    #[test]
    fn an_access_token_never_shows_in_debug() {
        let card: Giftcard = serde_json::from_str(
            r#"{"id": "18jja4mf08fn08f7gp9l", "accessToken": "hg84zhgnzuigui4hg3hg7834", "balance": 1, "currency": "EUR"}"#,
        )
        .unwrap();
        assert!(!format!("{card:?}").contains("hg84"));
        assert_eq!(
            card.access_token.unwrap().expose(),
            "hg84zhgnzuigui4hg3hg7834"
        );
    }
}
