//! The `[printer]` section: the ESC/POS receipt printer, if any. Without one the window prints
//! receipts through the OS's print dialog and `kassa receipt` prints them as text.

use crate::receipt::MIN_COLUMNS;
use serde::Deserialize;
use std::path::PathBuf;

/// How the receipt printer is reached.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PrinterKind {
    /// No ESC/POS printer.
    #[default]
    None,
    /// Over the network (raw TCP, usually port 9100).
    Network,
    /// A device file, such as /dev/usb/lp0.
    Device,
}

/// The port a network receipt printer listens on unless the address names another.
pub const DEFAULT_PRINTER_PORT: u16 = 9100;

/// The widest layout the till makes: font B on 80 mm paper is 64.
pub const MAX_COLUMNS: usize = 64;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PrinterConfig {
    pub kind: PrinterKind,
    /// `host:port` or `host` (port 9100) of a network printer.
    pub address: String,
    /// The device file of a local printer.
    pub device: PathBuf,
    /// Characters per line: 48 fill 80 mm paper in font A.
    pub columns: usize,
    /// How long the printer may take to connect and to answer its status, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for PrinterConfig {
    fn default() -> Self {
        PrinterConfig {
            kind: PrinterKind::None,
            address: String::new(),
            device: PathBuf::new(),
            columns: 48,
            timeout_ms: 3000,
        }
    }
}

impl PrinterConfig {
    /// The network printer's host and port, from `address`: `host`, `host:port`, `[v6]:port`.
    pub fn host_port(&self) -> Result<(String, u16), String> {
        let a = self.address.trim();
        let bad = || {
            format!(
                "printer.address '{a}' is not a network address: write host:port, such as \
                 192.168.1.50:9100 (no http:// or path)"
            )
        };
        if a.is_empty() {
            return Err(
                "printer.address is missing: kind = \"network\" needs the printer's host:port, \
                 such as 192.168.1.50:9100"
                    .into(),
            );
        }
        if a.contains("://") || a.contains(['/', '\\', '?', '#', '@', ' ']) {
            return Err(bad());
        }
        let (host, port) = if let Some(v6) = a.strip_prefix('[') {
            let (host, rest) = v6.split_once(']').ok_or_else(bad)?;
            match rest.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if rest.is_empty() => (host, None),
                None => return Err(bad()),
            }
        } else {
            match a.split_once(':') {
                Some((_, rest)) if rest.contains(':') => (a, None), // a bare IPv6 address
                Some((host, port)) => (host, Some(port)),
                None => (a, None),
            }
        };
        if host.is_empty() {
            return Err(bad());
        }
        let port = match port {
            None => DEFAULT_PRINTER_PORT,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                format!("printer.address '{a}': the port must be a number from 1 to 65535")
            })?,
        };
        Ok((host.to_string(), port))
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if !(MIN_COLUMNS..=MAX_COLUMNS).contains(&self.columns) {
            return Err(format!(
                "printer.columns must be from {MIN_COLUMNS} to {MAX_COLUMNS} (48 for 80 mm paper)"
            ));
        }
        if self.timeout_ms == 0 {
            return Err("printer.timeout_ms must be more than 0".into());
        }
        match self.kind {
            PrinterKind::None => Ok(()),
            PrinterKind::Network => self.host_port().map(|_| ()),
            PrinterKind::Device if self.device.as_os_str().is_empty() => Err(
                "printer.device is missing: kind = \"device\" needs the printer's device file, \
                 such as /dev/usb/lp0"
                    .into(),
            ),
            PrinterKind::Device => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn printer(toml: &str) -> Result<PrinterConfig, String> {
        Config::parse(&format!("[printer]\n{toml}")).map(|c| c.printer)
    }

    #[test]
    fn no_printer_unless_set() {
        let p = Config::parse("").unwrap().printer;
        assert_eq!(p.kind, PrinterKind::None);
        assert_eq!(p.columns, 48);
        assert_eq!(p.timeout_ms, 3000);
    }

    #[test]
    fn a_network_printer_listens_on_9100_unless_told() {
        let p = printer("kind = \"network\"\naddress = \"192.168.1.50\"\n").unwrap();
        assert_eq!(p.host_port().unwrap(), ("192.168.1.50".into(), 9100));
        let p = printer("kind = \"network\"\naddress = \"till-printer.local:9101\"\n").unwrap();
        assert_eq!(p.host_port().unwrap(), ("till-printer.local".into(), 9101));
        let p = printer("kind = \"network\"\naddress = \"[::1]:9100\"\n").unwrap();
        assert_eq!(p.host_port().unwrap(), ("::1".into(), 9100));
        let p = printer("kind = \"network\"\naddress = \"fe80::1\"\n").unwrap();
        assert_eq!(p.host_port().unwrap(), ("fe80::1".into(), 9100));
    }

    #[test]
    fn says_what_is_wrong() {
        for (toml, expected) in [
            ("kind = \"network\"\n", "printer.address is missing"),
            (
                "kind = \"network\"\naddress = \"http://10.0.0.5:9100\"\n",
                "not a network address",
            ),
            (
                "kind = \"network\"\naddress = \"10.0.0.5:9100/print\"\n",
                "not a network address",
            ),
            (
                "kind = \"network\"\naddress = \"10.0.0.5:91000\"\n",
                "from 1 to 65535",
            ),
            ("kind = \"network\"\naddress = \":9100\"\n", "not a network"),
            ("kind = \"device\"\n", "printer.device is missing"),
            ("kind = \"usb\"\n", "unknown variant"),
            ("columns = 10\n", "printer.columns"),
            ("columns = 200\n", "printer.columns"),
            ("timeout_ms = 0\n", "printer.timeout_ms"),
            ("adress = \"10.0.0.5\"\n", "unknown field"),
        ] {
            let err = printer(toml).unwrap_err();
            assert!(err.contains(expected), "{toml}: {err}");
        }
        let p = printer("kind = \"device\"\ndevice = \"/dev/usb/lp0\"\ncolumns = 42\n").unwrap();
        assert_eq!(p.kind, PrinterKind::Device);
        assert_eq!(p.columns, 42);
    }
}
