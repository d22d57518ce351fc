//! Leat gift card redemptions and top-ups. Leat has no idempotency key: the operation id goes
//! into `custom_attributes`, and an unknown outcome is settled from the card's transactions.

use super::{signed, unsupported};
use crate::leat::{LeatClient, Reconciliation, UnknownWrite};
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use std::sync::Arc;

pub struct LeatExecutor {
    client: Arc<LeatClient>,
}

impl LeatExecutor {
    pub fn new(client: Arc<LeatClient>) -> Self {
        LeatExecutor { client }
    }

    fn hash(op: &Op) -> Result<&str, ProviderError> {
        op.card_code
            .as_deref()
            .ok_or_else(|| ProviderError::Declined {
                code: "card".into(),
                reason: "The operation has no card.".into(),
            })
    }
}

#[async_trait]
impl OpExecutor for LeatExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Leat
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        match op.kind {
            OpKind::Redeem | OpKind::Reload => {
                let card = self.client.find_giftcard(Self::hash(op)?).await?;
                let txn = self
                    .client
                    .create_giftcard_transaction(&card.uuid, &signed(op), &op.id)
                    .await?;
                Ok(OpOutcome {
                    provider_ref: txn.uuid,
                    hold_expires_at: None,
                })
            }
            _ => Err(unsupported(op)),
        }
    }

    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        if !matches!(op.kind, OpKind::Redeem | OpKind::Reload) {
            return Err(unsupported(op));
        }
        let write = UnknownWrite {
            op_id: op.id.clone(),
            giftcard_hash: Self::hash(op)?.to_string(),
            amount: signed(op),
            sent_at: op.sent_at.unwrap_or(op.created_at),
        };
        Ok(
            match self.client.reconcile_giftcard_transaction(&write).await? {
                Reconciliation::Applied(txn) => Reconciled::Applied(OpOutcome {
                    provider_ref: txn.uuid,
                    hold_expires_at: None,
                }),
                Reconciliation::NotApplied => Reconciled::NotApplied,
                Reconciliation::StillUnknown { reason } => Reconciled::StillUnknown { reason },
            },
        )
    }
}
