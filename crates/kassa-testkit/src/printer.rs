//! A receipt printer for the tests: a TCP server on 127.0.0.1 that answers ESC/POS real-time
//! status queries (DLE EOT) as a ready printer, one out of paper, one with its cover open, or
//! not at all, and records every byte it receives; and [`decode`], which takes the ESC/POS
//! commands out of those bytes and returns the printed lines and barcodes.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How the test printer answers a status query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterState {
    Ready,
    PaperOut,
    CoverOpen,
    /// Takes the connection and says nothing.
    Silent,
}

impl PrinterState {
    /// The answer to DLE EOT `n` (0b0xx1xx10 plus the bits that say what is wrong).
    fn answer(self, n: u8) -> Option<u8> {
        const FIXED: u8 = 0x12;
        const OFFLINE: u8 = 0x08;
        match (self, n) {
            (PrinterState::Silent, _) => None,
            (PrinterState::Ready, _) => Some(FIXED),
            (_, 1) => Some(FIXED | OFFLINE),
            // Offline cause: cover open (bit 2), printing stopped by paper end (bit 5).
            (PrinterState::CoverOpen, 2) => Some(FIXED | 0x04),
            (PrinterState::PaperOut, 2) => Some(FIXED | 0x20),
            // Roll paper sensor: paper end (bits 5 and 6).
            (PrinterState::PaperOut, 4) => Some(FIXED | 0x60),
            _ => Some(FIXED),
        }
    }
}

struct Shared {
    received: Mutex<Vec<u8>>,
    state: Mutex<PrinterState>,
    stop: AtomicBool,
    /// Connections served to their end (the client closed or went away).
    ended: Mutex<usize>,
    ended_changed: Condvar,
}

/// How long [`TestPrinter::received`] waits for the connections it is told of.
const WAIT: Duration = Duration::from_secs(10);

/// A test printer, serving until dropped.
pub struct TestPrinter {
    address: String,
    shared: Arc<Shared>,
}

impl TestPrinter {
    /// A printer on a free port of 127.0.0.1.
    pub fn start(state: PrinterState) -> TestPrinter {
        TestPrinter::start_on("127.0.0.1:0", state).expect("a free port on 127.0.0.1")
    }

    /// A printer on `address` (such as 127.0.0.1:9100).
    pub fn start_on(address: &str, state: PrinterState) -> std::io::Result<TestPrinter> {
        let listener = TcpListener::bind(address)?;
        let address = listener.local_addr()?.to_string();
        let shared = Arc::new(Shared {
            received: Mutex::new(Vec::new()),
            state: Mutex::new(state),
            stop: AtomicBool::new(false),
            ended: Mutex::new(0),
            ended_changed: Condvar::new(),
        });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if serving.stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let serving = serving.clone();
                    std::thread::spawn(move || {
                        serve(stream, &serving);
                        *serving.ended.lock().unwrap() += 1;
                        serving.ended_changed.notify_all();
                    });
                }
            }
        });
        Ok(TestPrinter { address, shared })
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn set_state(&self, state: PrinterState) {
        *self.shared.state.lock().unwrap() = state;
    }

    /// Every byte received, from every connection in turn, once `connections` connections
    /// (one per print) have ended: a print's bytes may still be on their way to the printer
    /// when the client is done with them. Panics if they have not ended within 10 s.
    pub fn received(&self, connections: usize) -> Vec<u8> {
        let ended = self.shared.ended.lock().unwrap();
        let (ended, _) = self
            .shared
            .ended_changed
            .wait_timeout_while(ended, WAIT, |n| *n < connections)
            .unwrap();
        assert!(
            *ended >= connections,
            "the test printer saw {} of {connections} connections end",
            *ended
        );
        self.shared.received.lock().unwrap().clone()
    }
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the stop.
        let _ = TcpStream::connect(&self.address);
    }
}

/// Records what arrives and answers each status query as the printer's state says.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let mut buf = [0u8; 4096];
    // The tail of the last read: a query split across two reads is still seen.
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        shared.received.lock().unwrap().extend_from_slice(&buf[..n]);
        let mut seen = std::mem::take(&mut tail);
        seen.extend_from_slice(&buf[..n]);
        let state = *shared.state.lock().unwrap();
        let mut i = 0;
        while i + 2 < seen.len() {
            if seen[i] == DLE && seen[i + 1] == EOT {
                if let Some(answer) = state.answer(seen[i + 2]) {
                    if stream.write_all(&[answer]).is_err() {
                        return;
                    }
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        tail = seen[i..].to_vec();
    }
    let _ = stream.shutdown(Shutdown::Both);
}

const NUL: u8 = 0x00;
const LF: u8 = 0x0a;
const DLE: u8 = 0x10;
const EOT: u8 = 0x04;
const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;

/// What a receipt printer would have printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    /// The text lines, in order, ended by LF or ESC d (code page PC858: `€` is 0xD5, `-`
    /// also 0xF0; other bytes above 0x7F read as `?`).
    pub lines: Vec<String>,
    /// The payload of each barcode.
    pub barcodes: Vec<String>,
    /// Lines printed in bold.
    pub bold_lines: Vec<String>,
    /// Paper cuts.
    pub cuts: usize,
    /// Real-time status queries (DLE EOT n), by n.
    pub status_queries: Vec<u8>,
}

impl Printed {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

fn end_line(out: &mut Printed, line: &mut String, bold: bool) {
    out.lines.push(std::mem::take(line));
    if bold {
        out.bold_lines
            .push(out.lines.last().cloned().unwrap_or_default());
    }
}

/// Takes the ESC/POS commands Kassa's receipts use out of `bytes`. An unknown command is an
/// error naming it and where it is, so a test never reads garbage as text.
pub fn decode(bytes: &[u8]) -> Result<Printed, String> {
    let mut out = Printed::default();
    let mut line = String::new();
    let mut bold = false;
    let mut bold_line = false;
    let mut i = 0;
    let arg = |at: usize| {
        bytes
            .get(at)
            .copied()
            .ok_or_else(|| format!("the command at byte {} is cut short", at - 1))
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            NUL => i += 1,
            LF => {
                end_line(&mut out, &mut line, bold_line || bold);
                bold_line = false;
                i += 1;
            }
            DLE => {
                if arg(i + 1)? != EOT {
                    return Err(format!("unknown DLE command at byte {i}"));
                }
                let n = arg(i + 2)?;
                out.status_queries.push(n);
                // DLE EOT 7, 8 and 18 carry a second parameter.
                i += if matches!(n, 7 | 8 | 18) { 4 } else { 3 };
            }
            ESC => {
                let cmd = arg(i + 1)?;
                match cmd {
                    b'@' | b'2' => i += 2,
                    b'E' => {
                        bold = arg(i + 2)? & 1 == 1;
                        bold_line |= bold;
                        i += 3;
                    }
                    // Print and feed n lines.
                    b'd' => {
                        end_line(&mut out, &mut line, bold_line || bold);
                        bold_line = false;
                        for _ in 1..arg(i + 2)? {
                            out.lines.push(String::new());
                        }
                        i += 3;
                    }
                    b't' | b'-' | b'G' | b'M' | b'V' | b'a' | b'{' | b'R' | b'3' | b'!' => i += 3,
                    _ => {
                        return Err(format!(
                            "unknown ESC command {:?} at byte {i}",
                            char::from(cmd)
                        ))
                    }
                }
            }
            GS => {
                let cmd = arg(i + 1)?;
                match cmd {
                    b'V' => {
                        let m = arg(i + 2)?;
                        out.cuts += 1;
                        i += if matches!(m, 0 | 1 | 48 | 49) { 3 } else { 4 };
                    }
                    b'k' => {
                        let m = arg(i + 2)?;
                        let start = i + 3;
                        let (data, next) = if m <= 6 {
                            let end = bytes[start..]
                                .iter()
                                .position(|&b| b == NUL)
                                .map(|p| start + p)
                                .ok_or("a barcode without its end (NUL)")?;
                            (&bytes[start..end], end + 1)
                        } else {
                            let n = usize::from(arg(start)?);
                            let end = start + 1 + n;
                            (bytes.get(start + 1..end).ok_or("a barcode cut short")?, end)
                        };
                        out.barcodes
                            .push(String::from_utf8_lossy(data).into_owned());
                        i = next;
                    }
                    b'w' | b'h' | b'f' | b'H' | b'!' | b'B' | b'b' => i += 3,
                    _ => {
                        return Err(format!(
                            "unknown GS command {:?} at byte {i}",
                            char::from(cmd)
                        ))
                    }
                }
            }
            0x20..=0x7e => {
                line.push(char::from(b));
                i += 1;
            }
            0xd5 => {
                line.push('€');
                i += 1;
            }
            // The escpos crate's PC858 table sends '-' as the soft hyphen, printed as a dash.
            0xf0 => {
                line.push('-');
                i += 1;
            }
            0x80..=0xff => {
                line.push('?');
                i += 1;
            }
            _ => return Err(format!("control byte 0x{b:02x} at byte {i}")),
        }
    }
    if !line.is_empty() {
        out.lines.push(line);
    }
    Ok(out)
}
