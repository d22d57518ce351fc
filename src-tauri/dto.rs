//! What crosses IPC to the UI. Core types stay plain; these are their serializable faces.

use kassa_core::card::CodeError;
use kassa_core::lang::Language;
use kassa_core::manager_pin::PinError;
use kassa_core::money::Money;
use kassa_core::provider::{CardKind, ProviderError};
use kassa_core::till::{CardLookup, LookupError};
use serde::Serialize;

/// The closed set of error codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The scan or typed code is empty, too long or garbled.
    MalformedCode,
    /// No configured provider takes codes of this shape.
    UnknownCardType,
    /// The provider does not know the card.
    NotFound,
    /// The provider refused, with a reason for the cashier.
    Declined,
    /// The provider cannot be reached or is down; trying again later may work.
    Unreachable,
    /// The provider answered something the till cannot read.
    ProviderError,
    /// The till's configuration or credentials need an installer.
    Config,
    /// The manager's PIN was wrong, is locked, or is not set.
    PinRefused,
    /// An amount, line or choice the till cannot take (zero, negative, too large, garbled).
    Invalid,
    /// The sale is not in a state for this (paid already, abandoned, being completed).
    SaleState,
    /// Nobody is signed in, or the screen is locked: sign in first.
    Locked,
}

impl From<&ProviderError> for ErrorCode {
    fn from(e: &ProviderError) -> Self {
        match e {
            ProviderError::NotFound { .. } => ErrorCode::NotFound,
            ProviderError::Declined { .. } => ErrorCode::Declined,
            ProviderError::Config { .. } => ErrorCode::Config,
            ProviderError::Unreachable { .. } | ProviderError::Unavailable { .. } => {
                ErrorCode::Unreachable
            }
            ProviderError::BadResponse { .. } | ProviderError::OutcomeUnknown { .. } => {
                ErrorCode::ProviderError
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorDto {
    /// A request the till cannot take, in the cashier's words.
    pub fn invalid(message: impl Into<String>) -> Self {
        ErrorDto {
            code: ErrorCode::Invalid,
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        ErrorDto {
            code: ErrorCode::Config,
            message: message.into(),
        }
    }
}

impl ErrorDto {
    /// A look-up that failed, in `language` (a provider's own words stay as it sent them).
    pub fn lookup(e: &LookupError, language: Language) -> Self {
        let code = match e {
            LookupError::Code(CodeError::Empty | CodeError::TooLong { .. })
            | LookupError::Code(CodeError::ControlCharacters) => ErrorCode::MalformedCode,
            LookupError::NoProvider => ErrorCode::UnknownCardType,
            LookupError::Provider { error, .. } => ErrorCode::from(error),
        };
        ErrorDto {
            code,
            message: e.sentence().render(language),
        }
    }

    /// A PIN that was refused (wrong, locked, not a manager's, ...), in `language`.
    pub fn pin(e: &PinError, language: Language) -> Self {
        ErrorDto {
            code: ErrorCode::PinRefused,
            message: e.sentence().render(language),
        }
    }
}

/// The CLI's errors are English.
impl From<&LookupError> for ErrorDto {
    fn from(e: &LookupError) -> Self {
        ErrorDto::lookup(e, Language::En)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CardDto {
    pub provider: String,
    pub provider_name: String,
    pub kind: CardKind,
    pub card_masked: String,
    pub balance_minor: i64,
    pub currency: String,
    /// `EUR 25.00`
    pub balance: String,
    /// What can be spent now where the provider holds funds.
    pub available: Option<String>,
    /// Held by open holds (balance minus available), where the provider holds funds.
    pub on_hold: Option<String>,
    /// `YYYY-MM-DD`, or none for a card that does not expire.
    pub expires_on: Option<String>,
    pub expired: bool,
    pub active: bool,
    pub program: Option<String>,
    pub holder: Option<String>,
}

impl CardDto {
    pub fn new(found: &CardLookup, card_masked: String) -> Self {
        let card = &found.card;
        CardDto {
            provider: card.provider.as_str().into(),
            provider_name: card.provider.display_name().into(),
            kind: card.kind,
            card_masked,
            balance_minor: card.balance.minor,
            currency: card.balance.currency.code().into(),
            balance: card.balance.to_string(),
            available: card.available.as_ref().map(ToString::to_string),
            on_hold: card.available.as_ref().map(|a| {
                Money::new(
                    card.balance.minor.saturating_sub(a.minor),
                    a.currency.clone(),
                )
                .to_string()
            }),
            expires_on: card.expires_at.map(|at| at.date().to_string()),
            expired: found.expired,
            active: card.active,
            program: card.program.clone(),
            holder: card.holder.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AppInfoDto {
    pub training: bool,
    /// Training mode's manager PIN, which the training banner shows.
    pub training_pin: Option<&'static str>,
    pub register_name: String,
    pub currency: String,
    pub language: String,
    pub scanner: kassa_core::config::ScannerConfig,
    /// Set when the till could not open: the UI shows it instead of the sale screen.
    pub startup_error: Option<String>,
    /// Who is signed in and whether the screen is locked, so the sign-in screen shows after
    /// this one call.
    pub session: crate::cashier_commands::SessionDto,
}

/// How a provider answered the outbox lately: `up`, `down`, or `unknown` (not asked yet).
#[derive(Debug, Clone, Serialize)]
pub struct HealthDto {
    pub provider: String,
    pub name: String,
    pub state: &'static str,
}

/// The till at a glance, for the status bar: the outbox, the providers, the disk.
#[derive(Debug, Clone, Serialize)]
pub struct StatusDto {
    /// Operations not yet done at their provider.
    pub unfinished: i64,
    /// Operations waiting for a manager.
    pub in_review: i64,
    /// How long the oldest unfinished operation has waited, in seconds.
    pub oldest_age_secs: Option<i64>,
    /// Money not yet settled with the providers, per currency (`EUR 12.50`).
    pub outstanding: Vec<String>,
    /// Unfinished operations per provider id.
    pub by_provider: std::collections::BTreeMap<String, i64>,
    /// Each configured provider's health, in the till's order.
    pub health: Vec<HealthDto>,
    /// Set while a disk fault or a break in the journal's chain stops payments: what the
    /// cashier reads.
    pub payments_stopped: Option<String>,
    /// A break in the journal's chain stops payments until a manager's PIN acknowledges it.
    pub journal_break: bool,
    /// Card money accepted offline and not yet taken by its provider (`EUR 12.50`), if any.
    pub offline_exposure: Option<String>,
}

impl StatusDto {
    pub fn new(
        summary: &kassa_core::outbox::QueueSummary,
        health: Vec<HealthDto>,
        payments_stopped: Option<String>,
        now: time::OffsetDateTime,
    ) -> Self {
        StatusDto {
            unfinished: summary.unfinished(),
            in_review: summary.in_review,
            oldest_age_secs: summary.oldest.map(|at| (now - at).whole_seconds().max(0)),
            outstanding: summary
                .outstanding
                .iter()
                .filter_map(|(code, minor)| {
                    let currency = kassa_core::money::Currency::try_from(code.clone()).ok()?;
                    Some(kassa_core::money::Money::new(*minor, currency).to_string())
                })
                .collect(),
            by_provider: summary.by_provider.clone(),
            health,
            payments_stopped,
            journal_break: false,
            offline_exposure: None,
        }
    }
}

/// One operation on the Queue screen.
#[derive(Debug, Clone, Serialize)]
pub struct OpDto {
    pub id: String,
    pub sale_id: Option<String>,
    pub provider: String,
    pub kind: String,
    /// Masked.
    pub card: Option<String>,
    pub amount: String,
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Set while a manager must decide; the screen offers the actions then.
    pub review_reason: Option<String>,
}

impl OpDto {
    /// An operation as the Queue screen shows it, its review reason in `language` (a
    /// provider's reason stays as it sent it).
    pub fn new(op: &kassa_core::outbox::Op, language: Language) -> Self {
        OpDto {
            id: op.id.clone(),
            sale_id: op.sale_id.clone(),
            provider: op.provider.display_name().into(),
            kind: op.kind.as_str().into(),
            card: op.card_masked(),
            amount: op.amount.to_string(),
            state: op.state.as_str().into(),
            attempts: op.attempts,
            last_error: op.last_error.clone(),
            review_reason: kassa_core::checkout::notes::review_reason(op)
                .map(|s| s.render(language)),
        }
    }
}
