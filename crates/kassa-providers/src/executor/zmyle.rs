//! zmyle holds: reserve (a transaction intent, keyed by our operation id), then confirm or
//! cancel it; and refunds of a confirmed payment (a reversal that depends on the confirm),
//! within zmyle's 14 days. A reserve or refund whose answer was lost is sent again with the
//! same key; a confirm or cancel is settled by reading the intent. So is a confirm or cancel
//! that zmyle refuses because the hold is no longer open: an earlier send whose answer was lost
//! may have been applied late, after the intent was read as still open. A pre-printed card is
//! sold by activating it (no idempotency documented): an unknown outcome is settled by reading
//! the card — still waiting to be sold, or sold by an activation booked after our request.

use super::{card, dependency, unsupported};
use crate::zmyle::{activation_terms, Giftcard, IntentStatus, TransactionIntent, ZmyleClient};
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use std::sync::Arc;

/// zmyle's refusal of a confirm or cancel of a hold that is no longer open.
const NO_LONGER_OPEN: &str = "api:biz:transactionIntentStatus";

/// How much earlier than our request an activation may be booked and still be taken for ours:
/// the till's clock and zmyle's may disagree.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(10);

pub struct ZmyleExecutor {
    client: Arc<ZmyleClient>,
}

impl ZmyleExecutor {
    pub fn new(client: Arc<ZmyleClient>) -> Self {
        ZmyleExecutor { client }
    }

    /// Where a confirm or cancel stands, read from its intent.
    async fn settle_by_intent(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        let intent = self.client.intent(dependency(op)?).await?;
        let refused = |reason: &str| Reconciled::Refused {
            reason: reason.into(),
        };
        Ok(match (&intent.status, op.kind == OpKind::Confirm) {
            (IntentStatus::NeedsConfirmation, _) => Reconciled::NotApplied,
            (IntentStatus::Succeeded, true) | (IntentStatus::Cancelled, false) => {
                Reconciled::Applied(settled(&intent))
            }
            (IntentStatus::Succeeded, false) => {
                refused("The hold was confirmed, so it cannot be cancelled: refund it instead.")
            }
            (IntentStatus::Cancelled, true) => refused(
                "The hold was cancelled before it was confirmed: the card was not charged.",
            ),
            (IntentStatus::Other(status), _) => refused(&format!(
                "The hold is no longer open at zmyle ({status}): it expired, the card was not charged."
            )),
        })
    }
}

/// The card's activation: its latest movement of the amount sold, booked no earlier than
/// `since`.
fn activation_of(card: &Giftcard, amount: i64, since: time::OffsetDateTime) -> Option<String> {
    card.transactions
        .iter()
        .rev()
        .find(|t| t.amount == amount && t.confirmed_at.is_some_and(|at| at >= since))
        .map(|t| t.id.clone())
}

/// A granted intent: its expiry is `expiresAt`, or the hold lifetime where zmyle leaves it out.
fn hold(client: &ZmyleClient, intent: &TransactionIntent) -> OpOutcome {
    OpOutcome {
        provider_ref: Some(intent.id.clone()),
        hold_expires_at: Some(client.hold_expires_at(intent)),
    }
}

fn settled(intent: &TransactionIntent) -> OpOutcome {
    OpOutcome {
        provider_ref: intent.giftcard_transaction_id.clone(),
        hold_expires_at: None,
    }
}

#[async_trait]
impl OpExecutor for ZmyleExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Zmyle
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        match op.kind {
            OpKind::Reserve => {
                let receipt = op.sale_id.as_deref().unwrap_or(&op.id);
                let intent = self
                    .client
                    .reserve(&card(op)?, &op.amount, receipt, &op.id)
                    .await?;
                Ok(hold(&self.client, &intent))
            }
            OpKind::Confirm | OpKind::Cancel => {
                let intent_id = dependency(op)?;
                let sent = if op.kind == OpKind::Confirm {
                    self.client.confirm_intent(intent_id).await
                } else {
                    self.client.cancel_intent(intent_id).await
                };
                match sent {
                    Ok(intent) => Ok(settled(&intent)),
                    Err(ProviderError::Declined { code, .. }) if code == NO_LONGER_OPEN => {
                        match self.settle_by_intent(op).await? {
                            Reconciled::Applied(outcome) => Ok(outcome),
                            Reconciled::Refused { reason } => {
                                Err(ProviderError::Declined { code, reason })
                            }
                            // Still open after zmyle said it was not: its answer cannot be
                            // trusted either way.
                            Reconciled::NotApplied | Reconciled::StillUnknown { .. } => {
                                Err(ProviderError::BadResponse {
                                    message: "zmyle refused the hold as closed, yet shows it open."
                                        .into(),
                                })
                            }
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            // The confirm's reference is the card transaction it made, which is refunded.
            OpKind::Reverse => {
                let receipt = op.sale_id.as_deref().unwrap_or(&op.id);
                let refund = self
                    .client
                    .refund(dependency(op)?, &op.amount, receipt, &op.id)
                    .await?;
                Ok(OpOutcome {
                    provider_ref: Some(refund.id),
                    hold_expires_at: None,
                })
            }
            OpKind::Activate => {
                let found = self.client.find(&card(op)?).await?;
                let terms = activation_terms(&found)?;
                if terms.amount.minor != op.amount.minor {
                    return Err(ProviderError::Declined {
                        code: "activation".into(),
                        reason: format!(
                            "zmyle now sells this card for {}, the customer paid {}.",
                            terms.amount, op.amount
                        ),
                    });
                }
                let token =
                    found
                        .access_token
                        .as_ref()
                        .ok_or_else(|| ProviderError::BadResponse {
                            message: "zmyle's card came without its access token.".into(),
                        })?;
                let receipt = op.sale_id.as_deref().unwrap_or(&op.id);
                let sold = self.client.activate(&found.id, token, receipt).await?;
                Ok(OpOutcome {
                    provider_ref: activation_of(
                        &sold,
                        op.amount.minor,
                        time::OffsetDateTime::UNIX_EPOCH,
                    )
                    .or(Some(sold.id)),
                    hold_expires_at: None,
                })
            }
            _ => Err(unsupported(op)),
        }
    }

    /// Creating an intent and refunding carry the idempotency key: a repeat answers the first.
    fn resend_is_safe(&self, op: &Op) -> bool {
        matches!(op.kind, OpKind::Reserve | OpKind::Reverse)
    }

    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        match op.kind {
            // The idempotency key makes a second create (or refund) answer the first one.
            OpKind::Reserve | OpKind::Reverse => Ok(Reconciled::NotApplied),
            OpKind::Confirm | OpKind::Cancel => self.settle_by_intent(op).await,
            OpKind::Activate => {
                let found = self.client.find(&card(op)?).await?;
                if found.is_activatable() {
                    return Ok(Reconciled::NotApplied);
                }
                let since = op.sent_at.unwrap_or(op.created_at) - CLOCK_SKEW;
                Ok(match activation_of(&found, op.amount.minor, since) {
                    Some(tx) => Reconciled::Applied(OpOutcome {
                        provider_ref: Some(tx),
                        hold_expires_at: None,
                    }),
                    None => Reconciled::StillUnknown {
                        reason: "zmyle shows this card sold, but by no activation of this amount since Kassa asked: check at zmyle who sold it".into(),
                    },
                })
            }
            _ => Err(unsupported(op)),
        }
    }
}
