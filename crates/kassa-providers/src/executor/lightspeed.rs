//! Lightspeed redemptions, reloads and reversals. Redemptions and reloads carry our operation
//! id as `client_id`, so an unknown outcome is sent again as it was.

use super::{card, dependency, unsupported};
use crate::lightspeed::LightspeedClient;
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use std::sync::Arc;

pub struct LightspeedExecutor {
    client: Arc<LightspeedClient>,
}

impl LightspeedExecutor {
    pub fn new(client: Arc<LightspeedClient>) -> Self {
        LightspeedExecutor { client }
    }
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
            _ => return Err(unsupported(op)),
        };
        Ok(OpOutcome {
            provider_ref: Some(txn.id),
            hold_expires_at: None,
        })
    }

    /// `300 × registers + 50` requests per 5 minutes; an operation is one request.
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
            _ => Err(unsupported(op)),
        }
    }
}
