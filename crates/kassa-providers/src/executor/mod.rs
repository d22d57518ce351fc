//! The outbox's executors: each maps the operation kinds its provider supports onto the
//! provider client's money-moving calls, and settles unknown outcomes the provider's way
//! (docs/design.md §2, §4.2): zmyle and Lightspeed are sent again with the same key; Leat's records
//! (a card's or a prepaid wallet's transactions) are read for our operation id before any
//! retry; Shopwave reads back by our references
//! before every write.

mod leat;
mod lightspeed;
mod shopwave;
mod zmyle;

pub use leat::LeatExecutor;
pub use lightspeed::LightspeedExecutor;
pub use shopwave::{new_basket, record_sale, sale_payload, ShopwaveExecutor};
pub use zmyle::ZmyleExecutor;

use kassa_core::card::CardCode;
use kassa_core::money::Money;
use kassa_core::outbox::Op;
use kassa_core::provider::ProviderError;

/// The refusal of an operation kind the provider does not do: final, to review.
fn unsupported(op: &Op) -> ProviderError {
    ProviderError::Declined {
        code: "unsupported".into(),
        reason: format!(
            "{} cannot {} a card through Kassa.",
            op.provider.display_name(),
            op.kind
        ),
    }
}

/// The operation's card, as a code the clients take.
fn card(op: &Op) -> Result<CardCode, ProviderError> {
    let declined = |reason: String| ProviderError::Declined {
        code: "card".into(),
        reason,
    };
    let raw = op
        .card_code
        .as_deref()
        .ok_or_else(|| declined(format!("The {} operation has no card.", op.kind)))?;
    CardCode::parse(raw).map_err(|e| declined(e.to_string()))
}

/// The provider's reference of the operation this one depends on (the hold to confirm).
fn dependency(op: &Op) -> Result<&str, ProviderError> {
    op.dependency_ref
        .as_deref()
        .ok_or_else(|| ProviderError::Declined {
            code: "dependency".into(),
            reason: format!(
                "The {} operation has no earlier operation to act on.",
                op.kind
            ),
        })
}

/// The operation's amount with the sign of its effect on the card.
fn signed(op: &Op) -> Money {
    Money::new(
        op.kind.balance_effect(op.amount.minor),
        op.amount.currency.clone(),
    )
}
