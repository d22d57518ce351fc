//! What every gift-card provider client offers the till, in the till's own vocabulary.

use crate::card::CardCode;
use crate::money::Money;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;
use thiserror::Error;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderId {
    Leat,
    Zmyle,
    Lightspeed,
    Shopwave,
}

impl ProviderId {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderId::Leat => "leat",
            ProviderId::Zmyle => "zmyle",
            ProviderId::Lightspeed => "lightspeed",
            ProviderId::Shopwave => "shopwave",
        }
    }

    /// The provider named by [`ProviderId::as_str`].
    pub fn parse(name: &str) -> Option<ProviderId> {
        [
            ProviderId::Leat,
            ProviderId::Zmyle,
            ProviderId::Lightspeed,
            ProviderId::Shopwave,
        ]
        .into_iter()
        .find(|p| p.as_str() == name)
    }

    /// The name a cashier knows.
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderId::Leat => "Leat",
            ProviderId::Zmyle => "zmyle",
            ProviderId::Lightspeed => "Lightspeed",
            ProviderId::Shopwave => "Shopwave",
        }
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    GiftCard,
    PrepaidWallet,
}

/// A card as its provider reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardInfo {
    pub provider: ProviderId,
    pub kind: CardKind,
    /// The provider's own id of the card (Leat uuid, zmyle id, Lightspeed id).
    pub card_id: String,
    /// The confirmed balance.
    pub balance: Money,
    /// What can be spent now, where the provider holds funds (zmyle); else `None`.
    pub available: Option<Money>,
    pub expires_at: Option<OffsetDateTime>,
    /// The provider says the card can be used (not blocked, voided or inactive).
    pub active: bool,
    /// Program or card type as the provider names it.
    pub program: Option<String>,
    /// Whose card or wallet it is, where the provider says (a contact's e-mail, say).
    pub holder: Option<String>,
}

/// A provider call's failure, sorted by what the till can do about it.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ProviderError {
    /// The provider does not know this card (or it is not ours to see).
    #[error("{message}")]
    NotFound { message: String },
    /// The provider refused the operation for a reason the cashier can read.
    #[error("{reason}")]
    Declined { code: String, reason: String },
    /// Credentials, ids or URLs are wrong: an installer must act.
    #[error("{message}")]
    Config { message: String },
    /// The request did not reach the provider (connect error, DNS): safe to retry.
    #[error("{message}")]
    Unreachable { message: String },
    /// The provider is overloaded or down for maintenance: safe to retry later.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after: Option<Duration>,
    },
    /// The provider answered something we cannot read.
    #[error("{message}")]
    BadResponse { message: String },
    /// A write was sent but no answer came: it may or may not have been applied.
    #[error("{message}")]
    OutcomeUnknown { message: String },
}

impl ProviderError {
    /// True when sending the same request again cannot do harm and may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::Unreachable { .. } | ProviderError::Unavailable { .. }
        )
    }
}

/// What selling a pre-printed card takes at its provider: the amount its activation loads,
/// within the provider's bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationTerms {
    /// The provider's own id of the card.
    pub card_id: String,
    /// What the activation puts on the card.
    pub amount: Money,
    pub min: Option<Money>,
    pub max: Option<Money>,
}

#[async_trait]
pub trait GiftCardProvider: Send + Sync {
    fn id(&self) -> ProviderId;

    /// Finds a card by the code printed or encoded on it and reads its balance.
    async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError>;

    /// Refuses, with the reason, a card its provider would not let the till put money on
    /// (a Leat gift card loaded only once); the others may be reloaded.
    async fn check_reload(&self, code: &CardCode) -> Result<(), ProviderError> {
        let _ = code;
        Ok(())
    }

    /// Whether a number this provider does not know yet is sold by issuing a card under it (a
    /// pre-printed Lightspeed card): `Ok(false)` when the provider never does, an error when it
    /// would but cannot as configured.
    fn issues_numbers(&self) -> Result<bool, ProviderError> {
        Ok(false)
    }

    /// Whether the till can sell a new card of this provider that has no code until the
    /// provider makes it (a Leat digital gift card), or why not.
    fn makes_new_cards(&self) -> Result<(), ProviderError> {
        Err(ProviderError::Declined {
            code: "unsupported".into(),
            reason: format!(
                "{} does not make new gift cards at the till.",
                self.id().display_name()
            ),
        })
    }

    /// Whether this pre-printed card can be sold here, and for what. Only providers that sell
    /// pre-printed cards at the till answer; the others refuse.
    async fn activation_terms(&self, code: &CardCode) -> Result<ActivationTerms, ProviderError> {
        let _ = code;
        Err(ProviderError::Declined {
            code: "unsupported".into(),
            reason: format!(
                "{} cards cannot be sold at the till: reload an existing card instead.",
                self.id().display_name()
            ),
        })
    }
}
