//! The refund screen's Tauri commands: thin wrappers over `kassa_core::checkout::refunds`. A
//! refund or void needs the manager's PIN.

use crate::commands::AppState;
use crate::dto::ErrorDto;
use crate::refund_dto::{RefundDto, RefundableDto};
use crate::sale_dto::SaleDto;
use kassa_core::checkout::refunds::{RefundKind, RefundRequest, RestTo};
use kassa_core::checkout::Sale;
use kassa_core::lang::{Sentence, Text};
use tauri::State;

/// The latest sales on this till, newest first (the sales list).
#[tauri::command]
pub async fn sales_recent(
    state: State<'_, AppState>,
    limit: Option<u32>,
) -> Result<Vec<SaleDto>, ErrorDto> {
    let booted = state.booted()?;
    let sales = booted
        .checkout
        .sales(None, limit.unwrap_or(50).clamp(1, 500))
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    Ok(sales
        .iter()
        .map(|s| SaleDto::in_language(&booted.store, s, state.language()))
        .collect())
}

/// A sale for the refund screen, found by id, by its receipt's barcode (`KS42`) or its number.
#[tauri::command]
pub async fn refund_find(
    state: State<'_, AppState>,
    sale_id: Option<String>,
    receipt: Option<String>,
) -> Result<RefundableDto, ErrorDto> {
    let booted = state.booted()?;
    let checkout = &booted.checkout;
    let sale: Sale = match (sale_id, receipt) {
        (Some(id), _) => checkout.sale(&id),
        (None, Some(code)) => checkout.sale_by_receipt(&code),
        (None, None) => {
            return Err(ErrorDto::invalid(
                Text::RefundPickSale.get(state.language()),
            ))
        }
    }
    .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    let refundable = checkout
        .refundable(&sale.id)
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    let refunds = checkout
        .refunds_of(&sale.id)
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    Ok(RefundableDto::new(
        &booted.store,
        &sale,
        &refundable,
        &refunds,
        state.language(),
    ))
}

/// Refunds part or all of a completed sale, or voids it (`kind`: `refund` | `void`), once the
/// manager's PIN is right. `cards`: the sale's cards scanned again; `restTo`: `cash`,
/// `terminal` or `reload` (onto `reloadCard`).
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn sale_refund(
    state: State<'_, AppState>,
    sale_id: String,
    kind: String,
    amount_minor: Option<i64>,
    reason: String,
    cards: Vec<String>,
    rest_to: String,
    reload_card: Option<String>,
    pin: String,
) -> Result<RefundDto, ErrorDto> {
    let booted = state.booted()?;
    let kind = RefundKind::parse(&kind).ok_or_else(|| {
        ErrorDto::invalid(
            Sentence::new(Text::UnknownRefundKind)
                .with("kind", kind.as_str())
                .render(state.language()),
        )
    })?;
    let rest_to = match rest_to.as_str() {
        "cash" => RestTo::Cash,
        "terminal" => RestTo::Terminal,
        "reload" => RestTo::Reload,
        other => {
            return Err(ErrorDto::invalid(
                Sentence::new(Text::UnknownRefundDestination)
                    .with("rest", other)
                    .render(state.language()),
            ))
        }
    };
    let manager = booted
        .manager
        .approve(&pin)
        .map_err(|e| ErrorDto::pin(&e, state.language()))?;
    let refund = booted
        .checkout
        .refund(RefundRequest {
            sale_id,
            kind,
            amount_minor,
            reason,
            cards,
            rest_to,
            reload_card,
            approved_by: manager,
        })
        .await
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    Ok(RefundDto::new(&booted.store, &refund))
}
