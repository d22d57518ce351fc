//! What can go wrong with the receipt printer, in the cashier's words.

use kassa_core::lang::{Sentence, Text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintError {
    /// No `[printer]` is configured.
    NotConfigured,
    /// No connection, or no answer within the timeout.
    Offline {
        at: String,
        why: String,
    },
    PaperOut,
    CoverOpen,
    Failed {
        at: String,
    },
    /// The device file cannot be opened or written.
    Device {
        at: String,
        why: String,
    },
    /// The receipt cannot be put into ESC/POS (a bug, or text the printer cannot show).
    Render(String),
}

impl PrintError {
    /// What the cashier reads, said in the till's language (the printer's and the OS's own
    /// words stay as they came).
    pub fn sentence(&self) -> Sentence {
        match self {
            PrintError::NotConfigured => Text::PrintNotConfigured.into(),
            PrintError::Offline { at, why } => Sentence::new(Text::PrintOffline)
                .with("at", at)
                .with("why", why),
            PrintError::PaperOut => Text::PrintPaperOut.into(),
            PrintError::CoverOpen => Text::PrintCoverOpen.into(),
            PrintError::Failed { at } => Sentence::new(Text::PrintFailed).with("at", at),
            PrintError::Device { at, why } => Sentence::new(Text::PrintDevice)
                .with("at", at)
                .with("why", why),
            PrintError::Render(why) => Sentence::new(Text::PrintRender).with("why", why),
        }
    }
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

impl std::error::Error for PrintError {}
