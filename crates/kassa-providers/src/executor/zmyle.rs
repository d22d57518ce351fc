//! zmyle holds: reserve (a transaction intent, keyed by our operation id), then confirm or
//! cancel it; and refunds of a confirmed payment (a reversal that depends on the confirm),
//! within zmyle's 14 days. A reserve or refund whose answer was lost is sent again with the
//! same key; a confirm or cancel is settled by reading the intent. So is a confirm or cancel
//! that zmyle refuses because the hold is no longer open: an earlier send whose answer was lost
//! may have been applied late, after the intent was read as still open.

use super::{card, dependency, unsupported};
use crate::zmyle::{IntentStatus, TransactionIntent, ZmyleClient};
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use std::sync::Arc;

/// zmyle's refusal of a confirm or cancel of a hold that is no longer open.
const NO_LONGER_OPEN: &str = "api:biz:transactionIntentStatus";

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
            _ => Err(unsupported(op)),
        }
    }

    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        match op.kind {
            // The idempotency key makes a second create (or refund) answer the first one.
            OpKind::Reserve | OpKind::Reverse => Ok(Reconciled::NotApplied),
            OpKind::Confirm | OpKind::Cancel => self.settle_by_intent(op).await,
            _ => Err(unsupported(op)),
        }
    }
}
