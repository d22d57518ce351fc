//! The .deb a shop installs (`make package`): what `dpkg` reads from it, and the installed
//! `kassa` run from a throwaway root it was unpacked into: `doctor --json`, and the window
//! (under Xvfb, through tauri-driver, as the end-to-end tests drive it).

mod e2e_support;

use e2e_support::Driver;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where `make package` leaves it (the Makefile's `DEB_DIR`), named by Tauri's bundler after
/// tauri.conf.json's product name and version.
fn deb() -> PathBuf {
    let deb = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/installer/release/bundle/deb")
        .join(format!("Kassa_{VERSION}_amd64.deb"));
    assert!(
        deb.is_file(),
        "{} is missing: run `make package` first",
        deb.display()
    );
    deb
}

/// `dpkg-deb` with these arguments, its output.
fn dpkg_deb(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("dpkg-deb")
        .args(args)
        .output()
        .expect("dpkg-deb runs");
    assert!(
        out.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The .deb unpacked into a throwaway root, as `dpkg` would install it under `/`.
fn unpacked() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    dpkg_deb(&[
        "--extract".as_ref(),
        deb().as_os_str(),
        root.path().as_os_str(),
    ]);
    root
}

/// A comma-separated relation field as package names (version constraints dropped).
fn names(relations: &str) -> Vec<String> {
    relations
        .split(',')
        .map(|r| r.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_deb_names_the_till_and_the_system_packages_it_needs() {
    let control = dpkg_deb(&["--field".as_ref(), deb().as_os_str()]);
    let field = |name: &str| {
        control
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in the control file:\n{control}"))
            .to_string()
    };
    assert_eq!(field("Package"), "kassa");
    assert_eq!(
        field("Version"),
        VERSION,
        "tauri.conf.json's version is the crate's"
    );
    assert_eq!(field("Architecture"), "amd64");
    let depends = names(&field("Depends"));
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libdbus-1-3"] {
        assert!(
            depends.iter().any(|d| d == needed),
            "Depends lacks {needed}: {depends:?}"
        );
    }
    // The OS keyring holds the provider credentials; without it the till runs training only.
    assert!(
        names(&field("Recommends"))
            .iter()
            .any(|r| r == "gnome-keyring"),
        "Recommends: {}",
        field("Recommends")
    );
}

#[test]
fn the_unpacked_deb_holds_the_binary_a_desktop_entry_and_its_icons() {
    let root = unpacked();

    let binary = root.path().join("usr/bin/kassa");
    let mode = std::os::unix::fs::PermissionsExt::mode(&binary.metadata().unwrap().permissions());
    assert_eq!(mode & 0o111, 0o111, "usr/bin/kassa is executable by all");

    let entry = std::fs::read_to_string(root.path().join("usr/share/applications/Kassa.desktop"))
        .expect("a desktop entry");
    let key = |name: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name}= in the desktop entry:\n{entry}"))
            .to_string()
    };
    assert_eq!(key("Type"), "Application");
    assert_eq!(key("Name"), "Kassa");
    assert_eq!(key("Exec"), "kassa");
    let icon = key("Icon");
    for size in ["32x32", "128x128", "256x256@2"] {
        let png = root
            .path()
            .join(format!("usr/share/icons/hicolor/{size}/apps/{icon}.png"));
        assert!(png.is_file(), "{} missing", png.display());
    }
}

#[test]
fn the_installed_kassa_doctor_reports_a_healthy_training_till() {
    let root = unpacked();
    // A cashier's account with nothing configured yet: its own home and XDG folders.
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(root.path().join("usr/bin/kassa"))
        .args(["doctor", "--json"])
        .env_remove("KASSA_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "doctor exits 0 when no check fails: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("one JSON report");
    assert_eq!(report["ok"], true, "{report}");
    let checks = report["checks"].as_array().unwrap();
    let check = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} check in {report}"))
    };
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "config",
            "keyring",
            "database",
            "disk",
            "manager pin",
            "leat",
            "zmyle",
            "lightspeed",
            "shopwave"
        ]
    );
    assert!(check("config")["detail"]
        .as_str()
        .unwrap()
        .contains("training mode"));
    // The keyring answers in `make test`'s D-Bus session; outside one it is only a warning.
    assert_ne!(check("keyring")["status"], "fail");
    let database = home.path().join("data/eu.kassa.till/training.sqlite3");
    assert!(check("database")["detail"]
        .as_str()
        .unwrap()
        .starts_with(&database.display().to_string()));
    assert!(database.is_file(), "the training database was created");
    for provider in ["leat", "zmyle", "lightspeed", "shopwave"] {
        assert_eq!(check(provider)["status"], "ok", "{provider}");
    }
}

/// The release build serves the UI from the binary (Tauri's custom protocol), unlike the debug
/// build the other end-to-end tests open: the installed window must load it and answer.
#[test]
fn the_installed_window_opens_in_training_mode_and_shows_a_scanned_cards_balance() {
    let root = unpacked();
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path());
    let session = driver.new_session_of(&root.path().join("usr/bin/kassa"));
    assert_eq!(session.text("#mode-badge"), "TRAINING");
    session.script("document.activeElement.blur(); return true;");
    session.scan_by_key_actions("4165100001");
    let balance = session.wait_for(
        "the balance",
        "const e = document.getElementById('card-balance'); return e && e.textContent;",
    );
    assert_eq!(balance, "EUR 25.00");
    assert!(session.shown("#card-balance"), "the balance is on screen");
}
