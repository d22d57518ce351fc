//! Recording a sale in Shopwave. Shopwave has no idempotency key (docs/design.md §2), so:
//!
//! - the sale's basket is pre-generated first (docs/providers.md §4.2 step 1) and its id kept
//!   with the operation (`ops.provider_ref`, [`Store::note_provider_ref`]) before anything is
//!   written into it: every later attempt writes into that same basket, by id;
//! - every send reads the basket and its payments back by that id (the documented `basketIds`
//!   filter) and writes only what is missing, finding our payments by the reference in their
//!   `Note`: a send after an unknown outcome can never make a second basket or payment.
//!
//! The operation's payload is the sale ([`sale_payload`]); its reference is the op's sale id.
//! [`record_sale`] is the whole procedure, for the executor and for `kassa pos push-test`.

use super::unsupported;
use async_trait::async_trait;
use kassa_core::outbox::{Op, OpExecutor, OpKind, OpOutcome, Reconciled};
use kassa_core::pos::{
    BasketToWrite, ObjectOutcome, PaymentKind, PosLine, PosPayment, PosRecorder, PosSale,
    RecordedBasket,
};
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::store::Store;
use serde_json::Value;
use std::sync::Arc;

pub struct ShopwaveExecutor {
    recorder: Arc<dyn PosRecorder>,
    /// Where each operation's pre-generated basket id is kept.
    store: Arc<Store>,
}

impl ShopwaveExecutor {
    /// `store` is the outbox's: the executor notes each sale's basket id on its operation.
    pub fn new(recorder: Arc<dyn PosRecorder>, store: Arc<Store>) -> Self {
        ShopwaveExecutor { recorder, store }
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

fn one<T>(outcomes: Vec<ObjectOutcome<T>>) -> Result<T, ProviderError> {
    all(outcomes)?
        .into_iter()
        .next()
        .ok_or_else(|| ProviderError::BadResponse {
            message: "Shopwave answered nothing for the sale.".into(),
        })
}

/// Pre-generates the sale's basket and answers its id.
pub async fn new_basket(
    recorder: &dyn PosRecorder,
    sale: &PosSale,
) -> Result<String, ProviderError> {
    one(recorder.new_baskets(std::slice::from_ref(sale)).await)
}

/// Records `sale` in its pre-generated basket `basket_id`: reads the basket and its payments
/// back, writes what is missing (the lines, each payment not found by its reference), then
/// completes the payments and the basket. Safe to repeat after any outcome.
pub async fn record_sale(
    recorder: &dyn PosRecorder,
    sale: &PosSale,
    basket_id: &str,
) -> Result<RecordedBasket, ProviderError> {
    let ids = [basket_id.to_string()];
    let found = recorder.find_baskets(&ids).await?.into_iter().next();
    let basket = match found {
        None => {
            return Err(ProviderError::Declined {
                code: "kassa".into(),
                reason: format!(
                    "Shopwave no longer has basket #{basket_id}, made for sale {}; check the sale in Shopwave.",
                    sale.reference
                ),
            })
        }
        Some(b) if b.reference == sale.reference => b,
        Some(b) if b.reference.is_empty() && b.lines.is_empty() && !b.completed => {
            let write = BasketToWrite {
                basket_id: basket_id.to_string(),
                sale: sale.clone(),
            };
            one(recorder.write_baskets(&[write]).await)?
        }
        Some(b) => {
            return Err(ProviderError::Declined {
                code: "kassa".into(),
                reason: format!(
                    "Shopwave basket #{basket_id}, made for sale {}, holds something else ({}); check it in Shopwave.",
                    sale.reference,
                    if b.reference.is_empty() { "another sale" } else { &b.reference }
                ),
            })
        }
    };
    let mut payments = recorder.find_payments(&ids).await?;
    let missing: Vec<_> = sale
        .payments_for(basket_id)
        .into_iter()
        .filter(|p| !payments.iter().any(|r| r.reference == p.payment.reference))
        .collect();
    if !missing.is_empty() {
        payments.extend(all(recorder.create_payments(&missing).await)?);
    }
    let open: Vec<_> = payments
        .into_iter()
        .filter(|p| !p.completed && sale.payments.iter().any(|s| s.reference == p.reference))
        .collect();
    if !open.is_empty() {
        all(recorder.complete_payments(&open).await)?;
    }
    if basket.completed {
        return Ok(basket);
    }
    one(recorder
        .complete_baskets(std::slice::from_ref(&basket))
        .await)
}

impl ShopwaveExecutor {
    /// The operation's basket: the one noted on it, else a new one, noted before use.
    async fn basket_id(&self, op: &Op, sale: &PosSale) -> Result<String, ProviderError> {
        if let Some(id) = &op.provider_ref {
            return Ok(id.clone());
        }
        let id = new_basket(self.recorder.as_ref(), sale).await?;
        match self.store.note_provider_ref(&op.id, &id) {
            Ok(true) => Ok(id),
            Ok(false) => Err(ProviderError::Unavailable {
                message: format!("Sale {} is no longer being sent here.", sale.reference),
                retry_after: None,
            }),
            Err(e) => Err(ProviderError::Unavailable {
                message: format!("Kassa cannot keep Shopwave's basket id for the sale: {e}"),
                retry_after: None,
            }),
        }
    }
}

#[async_trait]
impl OpExecutor for ShopwaveExecutor {
    fn provider(&self) -> ProviderId {
        ProviderId::Shopwave
    }

    /// A payment create is not idempotent: an unknown outcome waits out the back-office's
    /// settle time before the next send reads the basket back.
    fn settle_time(&self) -> std::time::Duration {
        self.recorder.settle_time()
    }

    async fn execute(&self, op: &Op) -> Result<OpOutcome, ProviderError> {
        if op.kind != OpKind::RecordSale {
            return Err(unsupported(op));
        }
        let sale = sale_of(op)?;
        let basket_id = self.basket_id(op, &sale).await?;
        let basket = record_sale(self.recorder.as_ref(), &sale, &basket_id).await?;
        Ok(OpOutcome {
            provider_ref: Some(basket.id),
            hold_expires_at: None,
        })
    }

    /// Every send reads back by the noted basket before it writes, so sending again is the
    /// reconciliation.
    async fn reconcile(&self, op: &Op) -> Result<Reconciled, ProviderError> {
        if op.kind != OpKind::RecordSale {
            return Err(unsupported(op));
        }
        Ok(Reconciled::NotApplied)
    }
}
