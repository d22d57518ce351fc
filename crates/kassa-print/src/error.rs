//! What can go wrong with the receipt printer, in the cashier's words.

use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PrintError {
    /// No `[printer]` is configured.
    #[error("No receipt printer is set up ([printer] kind = \"none\").")]
    NotConfigured,
    /// No connection, or no answer within the timeout.
    #[error("The receipt printer at {at} is offline ({why}). Check that it is on and connected, then print the receipt again.")]
    Offline { at: String, why: String },
    #[error(
        "The receipt printer is out of paper. Put in a new roll, then print the receipt again."
    )]
    PaperOut,
    #[error("The receipt printer's cover is open. Close it, then print the receipt again.")]
    CoverOpen,
    #[error("The receipt printer at {at} reports an error (a paper jam or the cutter?). Clear it, then print the receipt again.")]
    Failed { at: String },
    /// The device file cannot be opened or written.
    #[error("The receipt printer at {at} cannot be written: {why}.")]
    Device { at: String, why: String },
    /// The receipt cannot be put into ESC/POS (a bug, or text the printer cannot show).
    #[error("The receipt cannot be made for the printer: {0}")]
    Render(String),
}
