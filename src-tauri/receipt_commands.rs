//! The window's receipts: `receipt_get` (the receipt laid out for the 80 mm print layout) and
//! `receipt_print` (to the ESC/POS receipt printer when `[printer]` names one; without one the
//! window prints through the OS's print dialog). A printer problem is an answer with the
//! cashier's sentence, never an error that stops the sale: the receipt can be printed again.

use crate::boot::Booted;
use crate::commands::AppState;
use crate::dto::{ErrorCode, ErrorDto};
use kassa_core::config::{Config, PrinterConfig, PrinterKind};
use kassa_core::lang::{Language, Sentence, Text};
use kassa_core::receipt::{find_sale, Receipt, ReceiptError};
use kassa_core::store::Store;
use serde::Serialize;
use tauri::State;
use time::format_description::well_known::Rfc3339;
use time::UtcOffset;

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptLineDto {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    pub card_masked: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptTenderDto {
    pub label: String,
    pub card_masked: Option<String>,
    pub amount_minor: i64,
    pub balance_after_minor: Option<i64>,
    pub provider_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptDto {
    pub title: String,
    pub number: i64,
    pub shop: String,
    pub till_name: String,
    pub till_id: String,
    /// RFC 3339.
    pub at: String,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub currency: String,
    pub lines: Vec<ReceiptLineDto>,
    pub total_minor: i64,
    pub rounding_minor: i64,
    pub tenders: Vec<ReceiptTenderDto>,
    pub change_minor: i64,
    pub training: bool,
    /// The barcode's payload (`KS42`).
    pub barcode: String,
    /// The receipt laid out by the till at the printer's width (`[printer] columns`): what
    /// the 80 mm print layout shows, line for line.
    pub text: Vec<String>,
}

impl ReceiptDto {
    pub fn new(r: &Receipt, columns: usize) -> ReceiptDto {
        ReceiptDto {
            title: r.title.clone(),
            number: r.number,
            shop: r.shop.clone(),
            till_name: r.till_name.clone(),
            till_id: r.till_id.clone(),
            at: r.at.format(&Rfc3339).unwrap_or_default(),
            reference: r.reference.clone(),
            reason: r.reason.clone(),
            currency: r.currency.code().into(),
            lines: r
                .lines
                .iter()
                .map(|l| ReceiptLineDto {
                    description: l.description.clone(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    total_minor: l.total_minor,
                    card_masked: l.card_masked.clone(),
                })
                .collect(),
            total_minor: r.total_minor,
            rounding_minor: r.rounding_minor,
            tenders: r
                .tenders
                .iter()
                .map(|t| ReceiptTenderDto {
                    label: t.label.clone(),
                    card_masked: t.card_masked.clone(),
                    amount_minor: t.amount_minor,
                    balance_after_minor: t.balance_after_minor,
                    provider_ref: t.provider_ref.clone(),
                })
                .collect(),
            change_minor: r.change_minor,
            training: r.training,
            barcode: r.barcode.clone(),
            text: r.text(columns),
        }
    }
}

/// What became of a print.
#[derive(Debug, Clone, Serialize)]
pub struct PrintDto {
    /// The receipt printer took the receipt.
    pub printed: bool,
    /// A receipt printer is configured (else the window prints through the OS).
    pub configured: bool,
    /// What the cashier reads.
    pub message: String,
}

/// There is no sale `id`, in `language`.
fn no_sale(id: &str, language: Language) -> ErrorDto {
    ErrorDto::invalid(
        Sentence::new(Text::NoSuchSale)
            .with("id", id)
            .render(language),
    )
}

/// The receipt of the sale `reference` names (its id, number or barcode); refusals in
/// `language`.
pub(crate) fn receipt_of(
    store: &Store,
    config: &Config,
    reference: &str,
    language: Language,
) -> Result<Receipt, ErrorDto> {
    let sale = find_sale(store, reference)
        .map_err(|e| {
            ErrorDto::config(
                Sentence::new(Text::SalesUnreadable)
                    .with("error", e.to_string())
                    .render(language),
            )
        })?
        .ok_or_else(|| no_sale(reference.trim(), language))?;
    // Receipts show UTC: the till has no time zone setting (the window shows local time).
    Receipt::for_sale(
        &sale,
        store,
        &config.register,
        config.is_training(),
        UtcOffset::UTC,
    )
    .map_err(|e| ErrorDto {
        code: match e {
            ReceiptError::NotCompleted { .. } => ErrorCode::SaleState,
            ReceiptError::Store(_) => ErrorCode::Config,
        },
        message: e.sentence().render(language),
    })
}

/// The receipt of refund `refund_id` (a refund or a void).
fn refund_receipt_of(
    store: &Store,
    config: &Config,
    refund_id: &str,
    language: Language,
) -> Result<Receipt, ErrorDto> {
    let unreadable = |e: kassa_core::store::StoreError| {
        ErrorDto::config(
            Sentence::new(Text::RefundsUnreadable)
                .with("error", e.to_string())
                .render(language),
        )
    };
    let refund = store
        .refund(refund_id)
        .map_err(unreadable)?
        .ok_or_else(|| {
            ErrorDto::invalid(
                Sentence::new(Text::NoSuchRefund)
                    .with("id", refund_id)
                    .render(language),
            )
        })?;
    let sale = store
        .sale(&refund.sale_id)
        .map_err(unreadable)?
        .ok_or_else(|| no_sale(&refund.sale_id, language))?;
    Receipt::for_refund(
        &refund,
        &sale,
        store,
        &config.register,
        config.is_training(),
        UtcOffset::UTC,
    )
    .map_err(|e| ErrorDto::config(e.sentence().render(language)))
}

/// A sale's receipt, or (with `refund_id`) the receipt of one of its refunds.
fn receipt_for(
    booted: &Booted,
    sale_id: &str,
    refund_id: Option<&str>,
) -> Result<Receipt, ErrorDto> {
    let language = booted.config.register.language();
    match refund_id {
        Some(id) => refund_receipt_of(&booted.store, &booted.config, id, language),
        None => receipt_of(&booted.store, &booted.config, sale_id, language),
    }
}

/// Prints `receipt` on the configured ESC/POS printer.
pub(crate) async fn print_escpos(booted: &Booted, receipt: Receipt) -> PrintDto {
    let number = receipt.number;
    print_on_printer(
        booted,
        move |printer| kassa_print::print(printer, &receipt),
        Sentence::new(Text::PrintReceiptPrinted).with("number", number),
    )
    .await
}

/// Prints with `print` on the configured ESC/POS printer, off the async runtime (the printer's
/// waits are bounded by `[printer] timeout_ms`): `printed` is what the cashier reads when it
/// went well, a printer's problem is an answer with its sentence. Without a printer the window
/// prints through the OS.
pub(crate) async fn print_on_printer(
    booted: &Booted,
    print: impl FnOnce(&PrinterConfig) -> Result<(), kassa_print::PrintError> + Send + 'static,
    printed: Sentence,
) -> PrintDto {
    let language = booted.config.register.language();
    let printer = booted.config.printer.clone();
    if printer.kind == PrinterKind::None {
        return PrintDto {
            printed: false,
            configured: false,
            message: Text::PrintNoPrinter.get(language).into(),
        };
    }
    let outcome = tokio::task::spawn_blocking(move || print(&printer))
        .await
        .unwrap_or_else(|e| Err(kassa_print::PrintError::Render(e.to_string())));
    match outcome {
        Ok(()) => PrintDto {
            printed: true,
            configured: true,
            message: printed.render(language),
        },
        Err(e) => {
            tracing::warn!(error = %e, "not printed: {printed}");
            PrintDto {
                printed: false,
                configured: true,
                message: e.sentence().render(language),
            }
        }
    }
}

/// The receipt of a completed sale, or of one of its refunds, for the window's print layout.
#[tauri::command]
pub async fn receipt_get(
    state: State<'_, AppState>,
    sale_id: String,
    refund_id: Option<String>,
) -> Result<ReceiptDto, ErrorDto> {
    let booted = state.booted()?;
    let receipt = receipt_for(booted, &sale_id, refund_id.as_deref())?;
    Ok(ReceiptDto::new(&receipt, booted.config.printer.columns))
}

/// Prints the receipt of a completed sale, or of one of its refunds, on the ESC/POS printer,
/// when one is configured.
#[tauri::command]
pub async fn receipt_print(
    state: State<'_, AppState>,
    sale_id: String,
    refund_id: Option<String>,
) -> Result<PrintDto, ErrorDto> {
    let booted = state.booted()?;
    let receipt = receipt_for(booted, &sale_id, refund_id.as_deref())?;
    Ok(print_escpos(booted, receipt).await)
}
