//! Lightspeed redemptions, reloads, reversals and issues. Redemptions and reloads carry our
//! operation id as `client_id`, so an unknown outcome is sent again as it was.
//!
//! An issue (`activate`: a pre-printed number sold as a new card) carries no id of ours and is
//! not idempotent, so an unknown outcome is settled by reading the card: not found ⇒ not
//! applied, sent again; an ACTIVATION of the amount sold ⇒ made; anything else ⇒ review. A
//! resend Lightspeed refuses because the number exists (422) is made when the card shows our
//! ACTIVATION amount: the first send was applied after all.

use super::{card, dependency, unsupported};
use crate::lightspeed::{GiftCardDetails, LightspeedClient};
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use std::sync::Arc;

/// Lightspeed's refusal of an issue under a number it knows.
const EXISTS: &str = "422";

pub struct LightspeedExecutor {
    client: Arc<LightspeedClient>,
}

impl LightspeedExecutor {
    pub fn new(client: Arc<LightspeedClient>) -> Self {
        LightspeedExecutor { client }
    }

    /// Issues the operation's card. A resend (the op was sent before) refused because the
    /// number exists is read: our ACTIVATION there means the earlier send was applied.
    async fn issue(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        let number = card(op)?;
        match self.client.issue(&number, &op.amount).await {
            Ok(details) => Ok(issued(&details, op).unwrap_or_else(|| made(&details.info.card_id))),
            Err(ProviderError::Declined { code, reason }) if code == EXISTS && op.attempts > 1 => {
                match self.client.card(&number).await {
                    Ok(details) => {
                        issued(&details, op).ok_or(ProviderError::Declined { code, reason })
                    }
                    Err(ProviderError::NotFound { .. }) => {
                        Err(ProviderError::Declined { code, reason })
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}

fn made(reference: &str) -> OpOutcome {
    OpOutcome {
        provider_ref: Some(reference.to_string()),
        hold_expires_at: None,
    }
}

/// The card's ACTIVATION of the amount the operation sold, as the operation's outcome.
fn issued(details: &GiftCardDetails, op: &Op) -> Option<OpOutcome> {
    details
        .transactions
        .iter()
        .find(|t| t.kind == "ACTIVATION" && t.amount == op.amount)
        .map(|t| made(&t.id))
}

#[async_trait]
impl OpExecutor for LightspeedExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Lightspeed
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        let txn = match op.kind {
            OpKind::Redeem => self.client.redeem(&card(op)?, &op.amount, &op.id).await?,
            OpKind::Reload => {
                self.client
                    .reload(&card(op)?, &op.amount, &op.id, None)
                    .await?
            }
            OpKind::Reverse => self.client.reverse(dependency(op)?).await?,
            OpKind::Activate => return self.issue(op).await,
            _ => return Err(unsupported(op)),
        };
        Ok(made(&txn.id))
    }

    /// A redemption or reload carries our `client_id`: a repeat returns the first transaction.
    fn resend_is_safe(&self, op: &Op) -> bool {
        matches!(op.kind, OpKind::Redeem | OpKind::Reload)
    }

    /// This till's share of `300 × registers + 50` requests per 5 minutes; an operation is
    /// one request (the client also counts every request in the till's shared window).
    fn rate_budget(&self) -> Option<(u32, std::time::Duration)> {
        let budget = self.client.budget();
        Some((budget.requests, budget.window))
    }

    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        match op.kind {
            // The same client_id cannot book twice.
            OpKind::Redeem | OpKind::Reload => Ok(Reconciled::NotApplied),
            // A reversal carries no id of ours: look whether the card shows it.
            OpKind::Reverse => {
                let reversed = dependency(op)?;
                let details = self.client.card(&card(op)?).await?;
                let reversal = details.transactions.iter().any(|t| {
                    t.kind == "REVERSING" && t.amount.minor == op.amount.minor && t.id != reversed
                });
                Ok(if reversal {
                    Reconciled::StillUnknown {
                        reason:
                            "the card shows a reversal of this amount; check that it is this one"
                                .into(),
                    }
                } else {
                    Reconciled::NotApplied
                })
            }
            // An issue carries no id of ours either: the card tells.
            OpKind::Activate => match self.client.card(&card(op)?).await {
                Err(ProviderError::NotFound { .. }) => Ok(Reconciled::NotApplied),
                Err(e) => Err(e),
                Ok(details) => Ok(match issued(&details, op) {
                    Some(outcome) => Reconciled::Applied(outcome),
                    None => Reconciled::StillUnknown {
                        reason: format!(
                            "Lightspeed has this card, but without an activation of {}: check at Lightspeed who issued it",
                            op.amount
                        ),
                    },
                }),
            },
            _ => Err(unsupported(op)),
        }
    }
}
