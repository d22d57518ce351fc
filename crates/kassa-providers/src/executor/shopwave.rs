//! Recording a sale in Shopwave. Shopwave has no idempotency key, so every send starts by
//! reading back by our references (the sale id for the basket, each payment's reference) and
//! writes only what is missing: a send after an unknown outcome can never make a second basket
//! or payment (docs/design.md §2).
//!
//! The operation's payload is the sale ([`sale_payload`]); its reference is the op's sale id.

use super::unsupported;
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::pos::{
    ObjectOutcome, PaymentKind, PosLine, PosPayment, PosRecorder, PosSale, RecordedBasket,
};
use kassa_core::provider::{ProviderError, ProviderId};
use serde_json::Value;
use std::sync::Arc;

pub struct ShopwaveExecutor {
    recorder: Arc<dyn PosRecorder>,
}

impl ShopwaveExecutor {
    pub fn new(recorder: Arc<dyn PosRecorder>) -> Self {
        ShopwaveExecutor { recorder }
    }
}

pub use kassa_core::pos::sale_payload;

fn unreadable(what: &str) -> ProviderError {
    ProviderError::Declined {
        code: "payload".into(),
        reason: format!("The sale to record cannot be read ({what})."),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn int(v: &Value, key: &str) -> Result<i64, ProviderError> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| unreadable(key))
}

fn sale_of(op: &Op) -> Result<PosSale, ProviderError> {
    let p = &op.payload;
    let list = |key: &str| {
        p.get(key)
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| unreadable(key))
    };
    let lines = list("lines")?
        .iter()
        .map(|l| {
            Ok(PosLine {
                name: text(l, "name").ok_or_else(|| unreadable("line name"))?,
                unit_price_minor: int(l, "unit_price_minor")?,
                quantity: int(l, "quantity")?,
                product_instance_id: text(l, "product_instance_id"),
            })
        })
        .collect::<Result<_, ProviderError>>()?;
    let payments = list("payments")?
        .iter()
        .map(|pay| {
            Ok(PosPayment {
                reference: text(pay, "reference").ok_or_else(|| unreadable("payment reference"))?,
                kind: text(pay, "kind")
                    .as_deref()
                    .and_then(PaymentKind::parse)
                    .ok_or_else(|| unreadable("payment kind"))?,
                amount_minor: int(pay, "amount_minor")?,
                tip_minor: int(pay, "tip_minor")?,
                note: text(pay, "note"),
            })
        })
        .collect::<Result<_, ProviderError>>()?;
    Ok(PosSale {
        reference: op.sale_id.clone().unwrap_or_else(|| op.id.clone()),
        store_id: text(p, "store_id"),
        lines,
        payments,
        note: text(p, "note"),
    })
}

/// Every object's result, or the first failure.
fn all<T>(outcomes: Vec<ObjectOutcome<T>>) -> Result<Vec<T>, ProviderError> {
    outcomes.into_iter().map(|o| o.result).collect()
}

impl ShopwaveExecutor {
    async fn basket(&self, sale: &PosSale) -> Result<RecordedBasket, ProviderError> {
        let found = self
            .recorder
            .find_baskets(std::slice::from_ref(&sale.reference))
            .await?;
        if let Some(basket) = found.into_iter().next() {
            return Ok(basket);
        }
        let created = all(self
            .recorder
            .create_baskets(std::slice::from_ref(sale))
            .await)?;
        created
            .into_iter()
            .next()
            .ok_or_else(|| ProviderError::BadResponse {
                message: "Shopwave answered no basket for the sale.".into(),
            })
    }

    async fn record(&self, sale: &PosSale) -> Result<RecordedBasket, ProviderError> {
        let basket = self.basket(sale).await?;
        let references: Vec<String> = sale.payments.iter().map(|p| p.reference.clone()).collect();
        let mut payments = if references.is_empty() {
            Vec::new()
        } else {
            self.recorder.find_payments(&references).await?
        };
        let missing: Vec<_> = sale
            .payments_for(&basket.id)
            .into_iter()
            .filter(|p| !payments.iter().any(|r| r.reference == p.payment.reference))
            .collect();
        if !missing.is_empty() {
            payments.extend(all(self.recorder.create_payments(&missing).await)?);
        }
        let open: Vec<_> = payments.into_iter().filter(|p| !p.completed).collect();
        if !open.is_empty() {
            all(self.recorder.complete_payments(&open).await)?;
        }
        if basket.completed {
            return Ok(basket);
        }
        let done = all(self
            .recorder
            .complete_baskets(std::slice::from_ref(&basket))
            .await)?;
        Ok(done.into_iter().next().unwrap_or(basket))
    }
}

#[async_trait]
impl OpExecutor for ShopwaveExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Shopwave
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        if op.kind != OpKind::RecordSale {
            return Err(unsupported(op));
        }
        let basket = self.record(&sale_of(op)?).await?;
        Ok(OpOutcome {
            provider_ref: Some(basket.id),
            hold_expires_at: None,
        })
    }

    /// Every send reads back before it writes, so sending again is the reconciliation.
    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        if op.kind != OpKind::RecordSale {
            return Err(unsupported(op));
        }
        Ok(Reconciled::NotApplied)
    }
}
