//! A receipt to the configured printer: over the network (raw TCP, its status asked first) or
//! to a device file. Every wait is bounded by `[printer] timeout_ms`.

use crate::render::{escpos_bytes, rows_bytes};
use crate::status::{self, NoStatus, Status};
use crate::PrintError;
use escpos::driver::Driver;
use kassa_core::config::{PrinterConfig, PrinterKind};
use kassa_core::receipt::{Receipt, Row};
use std::cell::Cell;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::{Duration, Instant};

/// Prints `receipt` on the printer `config` names.
pub fn print(config: &PrinterConfig, receipt: &Receipt) -> Result<(), PrintError> {
    let bytes = escpos_bytes(receipt, config.columns)?;
    send(config, &bytes)
}

/// Prints text rows (a shift's X or Z report) on the printer `config` names, then cuts: the same
/// connection and status check as a receipt.
pub fn print_rows(config: &PrinterConfig, rows: &[Row]) -> Result<(), PrintError> {
    let bytes = rows_bytes(rows, config.columns)?;
    send(config, &bytes)
}

/// Sends ESC/POS `bytes` to the printer `config` names.
pub fn send(config: &PrinterConfig, bytes: &[u8]) -> Result<(), PrintError> {
    let timeout = Duration::from_millis(config.timeout_ms);
    match config.kind {
        PrinterKind::None => Err(PrintError::NotConfigured),
        PrinterKind::Network => {
            let (host, port) = config.host_port().map_err(|why| PrintError::Offline {
                at: config.address.clone(),
                why,
            })?;
            to_network(&host, port, bytes, timeout)
        }
        PrinterKind::Device => to_device(&config.device, bytes, timeout),
    }
}

/// A TCP connection whose every read and write ends by a deadline.
struct Connection {
    stream: TcpStream,
    deadline: Cell<Instant>,
    timeout: Duration,
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(ErrorKind::TimedOut, "no answer in time")
}

impl Connection {
    fn open(host: &str, port: u16, timeout: Duration) -> std::io::Result<Connection> {
        let deadline = Instant::now() + timeout;
        let mut last = None;
        for addr in (host, port).to_socket_addrs()? {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(stream) => {
                    return Ok(Connection {
                        stream,
                        deadline: Cell::new(deadline),
                        timeout,
                    })
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(timed_out))
    }

    fn left(&self) -> std::io::Result<Duration> {
        let left = self
            .deadline
            .get()
            .saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(timed_out())
        } else {
            Ok(left)
        }
    }

    /// An I/O error as the cashier reads it.
    fn error(&self, e: std::io::Error) -> escpos::errors::PrinterError {
        escpos::errors::PrinterError::Io(in_words(&e, self.timeout))
    }
}

impl Driver for &Connection {
    fn name(&self) -> String {
        "network".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.left()
            .and_then(|left| self.stream.set_write_timeout(Some(left)))
            .and_then(|()| (&self.stream).write_all(data))
            .map_err(|e| self.error(e))
    }

    fn read(&self, buf: &mut [u8]) -> escpos::errors::Result<usize> {
        self.left()
            .and_then(|left| self.stream.set_read_timeout(Some(left)))
            .and_then(|()| (&self.stream).read(buf))
            .map_err(|e| self.error(e))
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        (&self.stream).flush().map_err(|e| self.error(e))
    }
}

fn in_words(e: &std::io::Error, timeout: Duration) -> String {
    match e.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            format!("no answer within {} ms", timeout.as_millis())
        }
        ErrorKind::ConnectionRefused => "it refused the connection".into(),
        _ => e.to_string(),
    }
}

fn to_network(host: &str, port: u16, bytes: &[u8], timeout: Duration) -> Result<(), PrintError> {
    let at = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let offline = |why: String| PrintError::Offline {
        at: at.clone(),
        why,
    };
    let conn = Connection::open(host, port, timeout).map_err(|e| offline(in_words(&e, timeout)))?;
    match status::ask(&conn) {
        Ok(Status::Ready) => {}
        Ok(Status::PaperOut) => return Err(PrintError::PaperOut),
        Ok(Status::CoverOpen) => return Err(PrintError::CoverOpen),
        Ok(Status::Error) => return Err(PrintError::Failed { at }),
        Err(NoStatus::Silent(why) | NoStatus::Garbled(why)) => return Err(offline(why)),
    }
    // The receipt gets a timeout of its own.
    conn.deadline.set(Instant::now() + timeout);
    (&conn)
        .write(bytes)
        .and_then(|()| (&conn).flush())
        .map_err(|e| {
            let why = match e {
                escpos::errors::PrinterError::Io(why) => why,
                other => other.to_string(),
            };
            offline(format!("the receipt could not be sent: {why}"))
        })
}

fn to_device(path: &Path, bytes: &[u8], timeout: Duration) -> Result<(), PrintError> {
    let at = path.display().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let (path, bytes) = (path.to_path_buf(), bytes.to_vec());
    // A device that takes nothing (a printer switched off) can block a write: the wait is
    // bounded here; the thread ends when the kernel gives up on the write.
    std::thread::spawn(move || {
        let written = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.flush()));
        let _ = tx.send(written);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(PrintError::Device {
            at,
            why: match e.kind() {
                ErrorKind::NotFound => {
                    "there is no such device (is the printer on and plugged in?)".into()
                }
                ErrorKind::PermissionDenied => {
                    "permission denied (the till's user needs to be in the device's group, \
                     usually lp)"
                        .into()
                }
                _ => e.to_string(),
            },
        }),
        Err(_) => Err(PrintError::Offline {
            at,
            why: format!("it took nothing within {} ms", timeout.as_millis()),
        }),
    }
}
