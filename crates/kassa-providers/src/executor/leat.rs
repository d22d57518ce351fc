//! Leat: gift card and prepaid wallet redemptions and top-ups, and reversals. Leat has no
//! idempotency key: the operation id goes into `custom_attributes`, and an unknown outcome is
//! settled from the card's (or the contact's) transactions before anything is sent again.
//!
//! A reversal undoes the gift card transaction it depends on with Leat's reverse, which works
//! on the card's last transaction only (55025); otherwise (or for part of the amount) the money
//! goes back as a top-up when the card can take one, and else the reversal is refused for
//! review. On a prepaid wallet a reversal is a top-up.
//!
//! A new gift card (`activate`, sold with no code) is made with `POST giftcards` in the
//! configured program, and the card — uuid, hash, page — is noted on the operation
//! ([`Store::note_provider_ref`]) before it is loaded with a top-up marked with the operation
//! id. Every later attempt loads the noted card: never a second card once one is noted. A
//! create whose answer was lost noted nothing, so the next attempt makes another card and the
//! lost one stays empty at Leat. The load's unknown outcome is settled as a reload's.

use super::{dependency, signed, unsupported};
use crate::leat::{
    Giftcard, GiftcardTransaction, LeatClient, Reconciliation, UnknownPrepaidWrite,
    UnknownReversal, UnknownWrite, Wallet,
};
use async_trait::async_trait;
use kassa_core::checkout::new_cards::MadeCard;
use kassa_core::money::Money;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::store::Store;
use std::sync::Arc;

/// Leat's refusal to reverse a transaction that is not the card's last one.
const NOT_LAST: &str = "55025";
/// Leat's refusal to increment a card, which a reverse of a payment does (docs/providers.md
/// §1.5: reverse may answer 5006).
const NOT_INCREMENTABLE: &str = "5006";

pub struct LeatExecutor {
    client: Arc<LeatClient>,
    /// Where the card a new card's operation made is noted.
    store: Arc<Store>,
}

impl LeatExecutor {
    /// `store` is the outbox's: the executor notes each new card it makes on its operation.
    pub fn new(client: Arc<LeatClient>, store: Arc<Store>) -> Self {
        LeatExecutor { client, store }
    }

    /// The new card noted on the operation, if one was made.
    fn noted(op: &Op) -> Result<Option<MadeCard>, ProviderError> {
        op.provider_ref
            .as_deref()
            .map(|noted| {
                MadeCard::from_ref(noted).ok_or_else(|| ProviderError::Declined {
                    code: "kassa".into(),
                    reason: "The new card noted on the operation cannot be read.".into(),
                })
            })
            .transpose()
    }

    /// Makes the new card (unless one is noted already), notes it, then loads it.
    async fn make_and_load(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        let card = match Self::noted(op)? {
            Some(card) => card,
            None => {
                let made = self.client.create_new_giftcard().await?;
                let card = MadeCard {
                    uuid: made.uuid,
                    code: made.hash,
                    url: made.url,
                };
                match self.store.note_provider_ref(&op.id, &card.to_ref()) {
                    Ok(true) => card,
                    Ok(false) => {
                        return Err(ProviderError::Unavailable {
                            message: "The new card's operation is no longer being sent here."
                                .into(),
                            retry_after: None,
                        })
                    }
                    Err(e) => {
                        return Err(ProviderError::Unavailable {
                            message: format!("Kassa cannot keep the new Leat card's id: {e}"),
                            retry_after: None,
                        })
                    }
                }
            }
        };
        self.client
            .create_giftcard_transaction(&card.uuid, &signed(op), &op.id)
            .await?;
        Ok(OpOutcome {
            provider_ref: Some(card.to_ref()),
            hold_expires_at: None,
        })
    }

    fn hash(op: &Op) -> Result<&str, ProviderError> {
        op.card_code
            .as_deref()
            .ok_or_else(|| ProviderError::Declined {
                code: "card".into(),
                reason: "The operation has no card.".into(),
            })
    }

    /// Puts the amount back on a gift card: Leat's reverse of the transaction when it is the
    /// card's last and of the same amount, else a top-up marked with this operation's id. A
    /// reverse Leat refuses because the transaction is not the card's last (55025) or because
    /// the card cannot be incremented (5006) falls back to the top-up as well.
    async fn reverse_giftcard(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        let original = self
            .client
            .get_giftcard_transaction(dependency(op)?)
            .await?;
        let mut refused = NOT_LAST;
        if original.amount.minor == -op.amount.minor {
            match self
                .client
                .reverse_giftcard_transaction(dependency(op)?)
                .await
            {
                Ok(txn) => return Ok(made(txn)),
                Err(ProviderError::Declined { code, .. }) if code == NOT_LAST => {}
                Err(ProviderError::Declined { code, .. }) if code == NOT_INCREMENTABLE => {
                    refused = NOT_INCREMENTABLE;
                }
                Err(e) => return Err(e),
            }
        }
        let card = self.client.find_giftcard(Self::hash(op)?).await?;
        if !card.upgradeable {
            return Err(cannot_top_up(&card, &op.amount, refused));
        }
        let txn = self
            .client
            .create_giftcard_transaction(&card.uuid, &signed(op), &op.id)
            .await?;
        Ok(made(txn))
    }
}

fn made(txn: GiftcardTransaction) -> OpOutcome {
    OpOutcome {
        provider_ref: txn.uuid,
        hold_expires_at: None,
    }
}

/// The refusal of a reversal that neither Leat's reverse (refused with `code`) nor a top-up
/// can make: the cashier gives the money back another way.
fn cannot_top_up(card: &Giftcard, amount: &Money, code: &str) -> ProviderError {
    let card_code = kassa_core::card::mask(&card.hash);
    let why = if code == NOT_INCREMENTABLE {
        format!("Leat will not put the payment back on card {card_code} (5006: it cannot be incremented), nor top it up")
    } else {
        format!(
            "Leat undoes only a gift card's last payment, and card {card_code} cannot be topped up"
        )
    };
    ProviderError::Declined {
        code: code.into(),
        reason: format!("{why}: give the customer {amount} another way."),
    }
}

fn settled<T>(found: Reconciliation<T>, reference: impl Fn(T) -> Option<String>) -> Reconciled {
    match found {
        Reconciliation::Applied(txn) => Reconciled::Applied(OpOutcome {
            provider_ref: reference(txn),
            hold_expires_at: None,
        }),
        Reconciliation::NotApplied => Reconciled::NotApplied,
        Reconciliation::StillUnknown { reason } => Reconciled::StillUnknown { reason },
    }
}

#[async_trait]
impl OpExecutor for LeatExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Leat
    }

    /// Leat has no idempotency key: an unknown outcome waits out the configured settle time
    /// before the card's transactions are read.
    fn settle_time(&self) -> std::time::Duration {
        self.client.settle_time()
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        if let Some(contact) = op.prepaid_contact() {
            return match op.kind {
                OpKind::Redeem | OpKind::Reload | OpKind::Reverse => {
                    let txn = self
                        .client
                        .create_prepaid_transaction_for_op(
                            Wallet::Contact(contact),
                            &signed(op),
                            &op.id,
                        )
                        .await?;
                    Ok(OpOutcome {
                        provider_ref: Some(txn.uuid),
                        hold_expires_at: None,
                    })
                }
                _ => Err(unsupported(op)),
            };
        }
        match op.kind {
            OpKind::Redeem | OpKind::Reload => {
                let card = self.client.find_giftcard(Self::hash(op)?).await?;
                let txn = self
                    .client
                    .create_giftcard_transaction(&card.uuid, &signed(op), &op.id)
                    .await?;
                Ok(made(txn))
            }
            OpKind::Reverse => self.reverse_giftcard(op).await,
            OpKind::Activate => self.make_and_load(op).await,
            _ => Err(unsupported(op)),
        }
    }

    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        let sent_at = op.sent_at.unwrap_or(op.created_at);
        if let Some(contact) = op.prepaid_contact() {
            if !matches!(op.kind, OpKind::Redeem | OpKind::Reload | OpKind::Reverse) {
                return Err(unsupported(op));
            }
            let write = UnknownPrepaidWrite {
                op_id: Some(op.id.clone()),
                contact_uuid: contact.to_string(),
                amount: signed(op),
                sent_at,
            };
            let found = self.client.reconcile_prepaid_transaction(&write).await?;
            return Ok(settled(found, |txn| Some(txn.uuid)));
        }
        match op.kind {
            OpKind::Redeem | OpKind::Reload => {
                let write = UnknownWrite {
                    op_id: op.id.clone(),
                    giftcard_hash: Self::hash(op)?.to_string(),
                    amount: signed(op),
                    sent_at,
                };
                let found = self.client.reconcile_giftcard_transaction(&write).await?;
                Ok(settled(found, |txn| txn.uuid))
            }
            OpKind::Reverse => {
                let write = UnknownReversal {
                    op_id: op.id.clone(),
                    original_op_id: op.depends_on.clone(),
                    original_uuid: dependency(op)?.to_string(),
                    giftcard_hash: Self::hash(op)?.to_string(),
                    amount: signed(op),
                    sent_at,
                };
                let found = self.client.reconcile_giftcard_reversal(&write).await?;
                Ok(settled(found, |txn| txn.uuid))
            }
            // No card noted: none was made that the till knows of, so one is made again.
            OpKind::Activate => {
                let Some(card) = Self::noted(op)? else {
                    return Ok(Reconciled::NotApplied);
                };
                let write = UnknownWrite {
                    op_id: op.id.clone(),
                    giftcard_hash: card.code.clone(),
                    amount: signed(op),
                    sent_at,
                };
                let found = self.client.reconcile_giftcard_transaction(&write).await?;
                Ok(settled(found, |_| Some(card.to_ref())))
            }
            _ => Err(unsupported(op)),
        }
    }
}
