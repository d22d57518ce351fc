//! The sale screen's Tauri commands: thin wrappers over `kassa_core::checkout::Checkout`.

use crate::commands::AppState;
use crate::dto::{CardDto, ErrorCode, ErrorDto};
use crate::sale_dto::{CompletionDto, ProposalDto, SaleDto, ScanDto};
use kassa_core::card::mask;
use kassa_core::checkout::{CardAction, Checkout, CheckoutError, Sale};
use kassa_core::lang::{Sentence, Text};
use std::sync::Arc;
use std::time::Duration;
use tauri::State;

fn sale_dto(
    state: &State<'_, AppState>,
    result: Result<Sale, CheckoutError>,
) -> Result<SaleDto, ErrorDto> {
    let booted = state.booted()?;
    result
        .map(|sale| SaleDto::in_language(&booted.store, &sale, state.language()))
        .map_err(|e| ErrorDto::checkout(&e, state.language()))
}

fn checkout<'a>(state: &'a State<'_, AppState>) -> Result<&'a Checkout, ErrorDto> {
    Ok(&state.booted()?.checkout)
}

/// The sale the till is on, if any (after a restart: where it was).
#[tauri::command]
pub async fn sale_current(state: State<'_, AppState>) -> Result<Option<SaleDto>, ErrorDto> {
    let booted = state.booted()?;
    let sale = booted
        .checkout
        .current()
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    Ok(sale.map(|s| SaleDto::new(&booted.store, &s)))
}

/// The unfinished sale, or a new one.
#[tauri::command]
pub async fn sale_open(state: State<'_, AppState>) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?.open().await;
    sale_dto(&state, result)
}

#[tauri::command]
pub async fn sale_add_line(
    state: State<'_, AppState>,
    sale_id: String,
    description: String,
    quantity: i64,
    unit_price_minor: i64,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?
        .add_line(&sale_id, &description, quantity, unit_price_minor)
        .await;
    sale_dto(&state, result)
}

#[tauri::command]
pub async fn sale_remove_line(
    state: State<'_, AppState>,
    sale_id: String,
    pos: i64,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?.remove_line(&sale_id, pos).await;
    sale_dto(&state, result)
}

/// A scanned or typed card: with a sale that has something left to pay, what it would pay
/// (a proposal to accept or lower); otherwise its balance.
#[tauri::command]
pub async fn sale_scan(state: State<'_, AppState>, code: String) -> Result<ScanDto, ErrorDto> {
    let checkout = checkout(&state)?;
    let open = checkout
        .current()
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    match open.filter(|s| s.remaining_minor() > 0 && !s.state.is_final()) {
        Some(sale) => {
            let proposal = checkout
                .propose(&sale.id, &code)
                .await
                .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
            Ok(ScanDto::Proposal(ProposalDto::new(
                &sale.id,
                &proposal,
                checkout.currency(),
            )))
        }
        None => {
            let found = checkout
                .lookup(&code)
                .await
                .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
            Ok(ScanDto::Balance(CardDto::new(&found, mask(code.trim()))))
        }
    }
}

#[tauri::command]
pub async fn sale_tender_card(
    state: State<'_, AppState>,
    sale_id: String,
    code: String,
    amount_minor: i64,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?
        .tender_card(&sale_id, &code, amount_minor)
        .await;
    sale_dto(&state, result)
}

#[tauri::command]
pub async fn sale_tender_cash(
    state: State<'_, AppState>,
    sale_id: String,
    given_minor: i64,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?.tender_cash(&sale_id, given_minor).await;
    sale_dto(&state, result)
}

#[tauri::command]
pub async fn sale_tender_terminal(
    state: State<'_, AppState>,
    sale_id: String,
    amount_minor: i64,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?
        .tender_terminal(&sale_id, amount_minor)
        .await;
    sale_dto(&state, result)
}

#[tauri::command]
pub async fn sale_remove_tender(
    state: State<'_, AppState>,
    sale_id: String,
    tender_id: String,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?.remove_tender(&sale_id, &tender_id).await;
    sale_dto(&state, result)
}

/// Completes the sale. With `pin`, a manager accepts offline tenders over a cap: the PIN is
/// checked first, and the tenders name that manager.
#[tauri::command]
pub async fn sale_complete(
    state: State<'_, AppState>,
    sale_id: String,
    pin: Option<String>,
) -> Result<CompletionDto, ErrorDto> {
    let booted = state.booted()?;
    let manager = match &pin {
        Some(pin) => Some(
            booted
                .manager
                .approve(pin)
                .map_err(|e| ErrorDto::pin(&e, state.language()))?,
        ),
        None => None,
    };
    let completion = booted
        .checkout
        .complete(&sale_id, manager.as_deref())
        .await
        .map_err(|e| ErrorDto::checkout(&e, state.language()))?;
    Ok(CompletionDto::new(
        &booted.store,
        &completion,
        state.language(),
    ))
}

/// Abandons the sale: every tender taken is undone through the outbox.
#[tauri::command]
pub async fn sale_abandon(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?
        .abandon(&sale_id, "abandoned by the cashier")
        .await;
    sale_dto(&state, result)
}

/// One sale by id (the screen follows an abandoned sale's undos, a completed sale's confirms).
#[tauri::command]
pub async fn sale_get(state: State<'_, AppState>, sale_id: String) -> Result<SaleDto, ErrorDto> {
    let result = checkout(&state)?.sale(&sale_id);
    sale_dto(&state, result)
}

/// How often the window looks for sales left open too long.
const STALE_CHECK: Duration = Duration::from_secs(30);

/// Abandons sales left open past `[checkout] abandon_after_minutes`, for as long as the window
/// is open.
pub async fn abandon_stale_sales(checkout: Arc<Checkout>) {
    loop {
        match checkout.abandon_stale().await {
            Ok(sales) => {
                for sale in sales {
                    tracing::warn!(
                        sale = sale.number,
                        "a sale left open too long was abandoned"
                    );
                }
            }
            Err(e) => tracing::error!(error = %e, "could not abandon the sales left open"),
        }
        tokio::time::sleep(STALE_CHECK).await;
    }
}

/// Rings up a gift card sold (`sell`: a pre-printed card activated) or reloaded (`reload`)
/// for `amount_minor`; the card is loaded once the sale is paid.
#[tauri::command]
pub async fn sale_add_card_line(
    state: State<'_, AppState>,
    sale_id: String,
    code: String,
    amount_minor: i64,
    action: String,
) -> Result<SaleDto, ErrorDto> {
    let action: CardAction = action.parse().map_err(|_| ErrorDto {
        code: ErrorCode::Invalid,
        message: Sentence::new(Text::UnknownCardAction)
            .with("action", action.as_str())
            .render(state.language()),
    })?;
    let result = checkout(&state)?
        .add_card_line(&sale_id, &code, amount_minor, action)
        .await;
    sale_dto(&state, result)
}
