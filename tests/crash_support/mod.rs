//! What the crash tests (`crash.rs`, `checkout_crash.rs`) share: a till configured as an
//! installer would, in a folder of its own — a kassa.toml naming the four providers at the
//! test's simulators, and their credentials stored with `kassa secret set` in the OS keyring
//! under the test's own service (`make test` runs the tests with GNOME Keyring unlocked on a
//! private D-Bus session; without a keyring a test fails and says so) — and the real `kassa`
//! run on it.
// Each test uses a part of this module.
#![allow(dead_code)]

use kassa_testkit::clients::MAX_UNKNOWN_ATTEMPTS;
use kassa_testkit::sims::{
    CLIENT_TIMEOUT_MS, LEAT_SHOP, SECRETS, SETTLE_MS, SHOPWAVE_CLIENT_ID, SHOPWAVE_REDIRECT,
    SHOPWAVE_STORE,
};
use kassa_testkit::Sims;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// `kassa sync --once`'s exit code when it leaves work for a later run (a retry not yet due,
/// a lost Leat answer still in its settle time, an operation waiting for review).
pub const WORK_LEFT: i32 = 3;

/// The till's folder: its kassa.toml, and its data (database, logs) under `data/`.
pub struct Till {
    home: tempfile::TempDir,
}

impl Till {
    /// A till at the simulators, its config written (with `extra` config sections) and every
    /// provider's credentials stored under `keyring_service`.
    pub fn configured(sims: &Sims, keyring_service: &str, extra: &str) -> Till {
        Till::with_config(&config(sims, keyring_service, extra))
    }

    /// A till with this kassa.toml, every provider's credentials stored under the
    /// `keyring_service` it names.
    pub fn with_config(config: &str) -> Till {
        let till = Till {
            home: tempfile::tempdir().unwrap(),
        };
        std::fs::write(till.config_file(), config).unwrap();
        for (name, value) in SECRETS {
            till.set_secret(name, value);
        }
        till
    }

    pub fn config_file(&self) -> PathBuf {
        self.home.path().join("kassa.toml")
    }

    /// Where `kassa` keeps its database: the OS data folder (`XDG_DATA_HOME`) under the app id.
    pub fn database(&self) -> PathBuf {
        self.home
            .path()
            .join("data")
            .join("eu.kassa.till")
            .join("kassa.sqlite3")
    }

    pub fn kassa<S: AsRef<OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kassa"));
        command
            .arg("--config")
            .arg(self.config_file())
            .args(args)
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env_remove("KASSA_CONFIG");
        command
    }

    /// `kassa secret set NAME`, the value on standard input.
    fn set_secret(&self, name: &str, value: &str) {
        let mut child = self
            .kassa(["secret", "set", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kassa starts");
        let mut stdin = child.stdin.take().expect("a stdin pipe");
        stdin.write_all(format!("{value}\n").as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "`kassa secret set {name}` failed: this needs an unlocked OS keyring (make test and \
             make bench run in a D-Bus session with GNOME Keyring unlocked): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `kassa ARGS`, its output kept.
    pub fn spawn<S: AsRef<OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Child {
        self.kassa(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kassa starts")
    }

    /// `kassa sync --once`, its stderr kept.
    pub fn sync(&self) -> Child {
        self.kassa(["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kassa sync starts")
    }
}

/// The till's configuration: all four providers at the simulators, short client timeouts, a
/// short outbox backoff, `keyring_service`, and the `extra` sections.
fn config(sims: &Sims, keyring_service: &str, extra: &str) -> String {
    let u = &sims.urls;
    format!(
        r#"[secrets]
keyring_service = "{keyring_service}"

[outbox]
concurrency = 8
min_backoff_ms = 5
max_backoff_ms = 200
poll_interval_ms = 20
max_unknown_attempts = {MAX_UNKNOWN_ATTEMPTS}
{extra}
[providers.leat]
base_url = "{leat}"
api = "register"
shop_uuid = "{LEAT_SHOP}"
settle_ms = {SETTLE_MS}
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.lightspeed]
base_url = "{lightspeed}"
registers = 50
retailer_budget = 1000000
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.zmyle]
base_url = "{zmyle}"
store = "chaos"
timeout_ms = {CLIENT_TIMEOUT_MS}

[providers.shopwave]
base_url = "{shopwave}"
token_url = "{shopwave}/oauth/token"
client_id = "{SHOPWAVE_CLIENT_ID}"
redirect_uri = "{SHOPWAVE_REDIRECT}"
store_id = "{SHOPWAVE_STORE}"
settle_ms = {SETTLE_MS}
timeout_ms = {CLIENT_TIMEOUT_MS}
"#,
        leat = u.leat,
        lightspeed = u.lightspeed,
        zmyle = u.zmyle,
        shopwave = u.shopwave,
    )
}

/// The till's database, read only, while `kassa` runs on it; `None` before it exists.
pub fn read_only(database: &Path) -> Option<rusqlite::Connection> {
    let conn =
        rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    Some(conn)
}

/// What a run printed once it ended, waited for off the test's runtime.
pub async fn output(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}
