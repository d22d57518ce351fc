//! The printer's real-time status (ESC/POS DLE EOT), asked through the `escpos` crate before a
//! receipt is sent: is it online, is the cover closed, is there paper.

use escpos::driver::Driver;
use escpos::errors::PrinterError;
use escpos::printer::Printer;
use escpos::utils::{Protocol, RealTimeStatusRequest, RealTimeStatusResponse};

/// What the printer said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ready,
    PaperOut,
    CoverOpen,
    /// Offline for another reason (an error: a jam, the cutter), or for none it names.
    Error,
}

/// The three questions, in the order they are sent (and answered, one byte each).
pub const ASKED: [RealTimeStatusRequest; 3] = [
    RealTimeStatusRequest::Printer,
    RealTimeStatusRequest::OfflineCause,
    RealTimeStatusRequest::RollPaperSensor,
];

/// Why the status could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoStatus {
    /// No answer in time, or the connection failed: `why` in words.
    Silent(String),
    /// An answer that is not an ESC/POS status.
    Garbled(String),
}

fn io(e: PrinterError) -> NoStatus {
    NoStatus::Silent(match e {
        PrinterError::Io(why) => why,
        other => other.to_string(),
    })
}

/// Asks the printer behind `driver` for its status; the driver's timeouts bound the wait.
pub fn ask<D: Driver>(driver: D) -> Result<Status, NoStatus> {
    let mut printer = Printer::new(driver, Protocol::default(), None);
    for request in ASKED {
        printer.real_time_status(request).map_err(io)?;
    }
    printer.send_status().map_err(io)?;
    let driver = printer.driver();
    let mut answers = [0u8; ASKED.len()];
    let mut got = 0;
    while got < answers.len() {
        match driver.read(&mut answers[got..]) {
            Ok(0) => return Err(NoStatus::Silent("it closed the connection".into())),
            Ok(n) => got += n,
            Err(e) => return Err(io(e)),
        }
    }
    interpret(answers)
}

/// The status from the answers to [`ASKED`].
pub fn interpret(answers: [u8; 3]) -> Result<Status, NoStatus> {
    let parse = |request, byte| {
        RealTimeStatusResponse::parse(request, byte)
            .map_err(|e| NoStatus::Garbled(format!("its status answer is not ESC/POS ({e})")))
    };
    let printer = parse(ASKED[0], answers[0])?;
    let offline = parse(ASKED[1], answers[1])?;
    let roll = parse(ASKED[2], answers[2])?;
    let says = |map: &std::collections::HashMap<RealTimeStatusResponse, bool>, what| {
        map.get(&what).copied().unwrap_or(false)
    };
    if says(&offline, RealTimeStatusResponse::PrintingStopsDueToPaperEnd)
        || !says(
            &roll,
            RealTimeStatusResponse::RollPaperEndSensorPaperPresent,
        )
    {
        return Ok(Status::PaperOut);
    }
    if !says(&offline, RealTimeStatusResponse::CoverClosed) {
        return Ok(Status::CoverOpen);
    }
    if !says(&printer, RealTimeStatusResponse::Online)
        || says(&offline, RealTimeStatusResponse::ErrorOccurred)
    {
        return Ok(Status::Error);
    }
    Ok(Status::Ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_printers_answers() {
        // 0b0xx1xx10: the fixed bits of every answer.
        assert_eq!(interpret([0x12, 0x12, 0x12]), Ok(Status::Ready));
        // Offline, paper end stopped printing; the roll sensor says no paper.
        assert_eq!(interpret([0x1a, 0x32, 0x72]), Ok(Status::PaperOut));
        // Only the roll sensor knows.
        assert_eq!(interpret([0x12, 0x12, 0x72]), Ok(Status::PaperOut));
        assert_eq!(interpret([0x1a, 0x16, 0x12]), Ok(Status::CoverOpen));
        assert_eq!(interpret([0x1a, 0x52, 0x12]), Ok(Status::Error));
        assert_eq!(interpret([0x1a, 0x12, 0x12]), Ok(Status::Error));
        assert!(matches!(
            interpret([b'H', b'T', b'T']),
            Err(NoStatus::Garbled(_))
        ));
    }
}
