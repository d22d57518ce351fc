//! A receipt as ESC/POS bytes, through the `escpos` crate's builder: the receipt's text rows
//! (bold where the layout says), its `KS<number>` barcode (CODE39, the number printed under
//! it) and a cut; or text rows alone and a cut ([`rows_bytes`]: a shift's X or Z report). Text
//! is sent in code page PC858 (Western European, with €).

use crate::PrintError;
use escpos::driver::Driver;
use escpos::errors::PrinterError;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{
    BarcodeFont, BarcodeHeight, BarcodeOption, BarcodePosition, BarcodeWidth, JustifyMode,
    PageCode, Protocol,
};
use kassa_core::receipt::{Receipt, Row};
use std::cell::RefCell;

/// Collects what the builder writes.
#[derive(Default)]
struct Buffer(RefCell<Vec<u8>>);

impl Driver for Buffer {
    fn name(&self) -> String {
        "buffer".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.try_borrow_mut()?.extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// What a PC858 printer can print of `text`, one character for one: the masking dot becomes
/// `*`, a character outside the code page `?`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '•' => '*',
            ' '..='~' | '€' | '\u{a0}'..='\u{ff}' => c,
            _ => '?',
        })
        .collect()
}

/// The receipt in ESC/POS at `columns` characters per line.
pub fn escpos_bytes(receipt: &Receipt, columns: usize) -> Result<Vec<u8>, PrintError> {
    build(receipt, columns).map_err(|e| PrintError::Render(e.to_string()))
}

/// Text rows (a shift's report) in ESC/POS at `columns` characters per line, then a cut.
pub fn rows_bytes(rows: &[Row], columns: usize) -> Result<Vec<u8>, PrintError> {
    build_rows(rows, columns).map_err(|e| PrintError::Render(e.to_string()))
}

type Escpos = Printer<Buffer>;

fn start(columns: usize) -> Result<Escpos, PrinterError> {
    let options = PrinterOptions::new(
        Some(PageCode::PC858),
        None,
        u8::try_from(columns).unwrap_or(u8::MAX),
    );
    let mut printer = Printer::new(Buffer::default(), Protocol::default(), Some(options));
    printer.init()?;
    Ok(printer)
}

fn write_rows(printer: &mut Escpos, rows: &[Row]) -> Result<(), PrinterError> {
    for row in rows {
        let text = printable(&row.text);
        if row.bold {
            printer.bold(true)?.writeln(&text)?.bold(false)?;
        } else {
            printer.writeln(&text)?;
        }
    }
    Ok(())
}

fn build_rows(rows: &[Row], columns: usize) -> Result<Vec<u8>, PrinterError> {
    let mut printer = start(columns)?;
    write_rows(&mut printer, rows)?;
    printer.feeds(4)?.print_cut()?;
    Ok(printer.driver().0.into_inner())
}

fn build(receipt: &Receipt, columns: usize) -> Result<Vec<u8>, PrinterError> {
    let mut printer = start(columns)?;
    write_rows(&mut printer, &receipt.rows(columns))?;
    let barcode = BarcodeOption::new(
        BarcodeWidth::M,
        BarcodeHeight::M,
        BarcodeFont::A,
        BarcodePosition::Below,
    );
    printer
        .feed()?
        .justify(JustifyMode::CENTER)?
        .code39_option(&receipt.barcode, barcode)?
        .justify(JustifyMode::LEFT)?
        .feeds(4)?
        .print_cut()?;
    Ok(printer.driver().0.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_unknown_characters_print_as_one_character_each() {
        assert_eq!(printable("Card ••••0001"), "Card ****0001");
        assert_eq!(printable("Café € 3 → ok"), "Café € 3 ? ok");
    }
}
