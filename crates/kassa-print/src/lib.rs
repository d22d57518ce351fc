//! Kassa's receipts on an ESC/POS receipt printer (docs: README's "Receipts").
//!
//! - [`render`]: a [`kassa_core::receipt::Receipt`] (or text rows: a shift's report) as ESC/POS bytes, built with the `escpos`
//!   crate's builder (init, code page, bold, text, the `KS<number>` CODE39 barcode, cut);
//! - [`status`]: the printer's real-time status (DLE EOT, through the crate), read before
//!   printing: offline, out of paper, cover open;
//! - [`send`]: to `[printer]`'s network address (raw TCP, port 9100) or device file, every
//!   step bounded by `timeout_ms`.
//!
//! A printer problem is a [`PrintError`] with a sentence for the cashier: never a panic, never
//! a wait past the timeout, and never in the way of a sale (a receipt can always be printed
//! again).

mod error;
pub mod render;
pub mod send;
pub mod status;

pub use error::PrintError;
pub use render::{escpos_bytes, rows_bytes};
pub use send::{print, print_rows};
