//! The headless `kassa` binary with a real OS keyring (`make test` runs the tests in a D-Bus
//! session with GNOME Keyring unlocked): an installer stores the provider's token with
//! `kassa secret set`, points the config at the provider, and `kassa card balance` answers.
//! Without a keyring this test fails and says so; it never skips. Its secrets live under a
//! keyring service of its own (`[secrets] keyring_service`), so tests sharing the keyring do not
//! overwrite each other's.

use kassa_sim::leat::LeatSim;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// This test's own keyring service.
const SERVICE: &str = "eu.kassa.test.cli-keyring";

fn kassa(home: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kassa"))
        .args(args)
        .env("KASSA_CONFIG", home.join("kassa.toml"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kassa starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_set_in_the_keyring_opens_the_configured_provider() {
    // A token of this run only: the keyring outlives a test, so nothing older can pass it.
    let token = format!("leat-token-{}", std::process::id());
    let sim = LeatSim::new(&token);
    sim.add_card("77001122", 4_250, Some("2030-06-30T00:00:00+00:00"));
    let running = kassa_sim::server::serve(sim.router()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("kassa.toml"),
        format!(
            "[register]\nname = \"Front till\"\n[secrets]\nkeyring_service = \"{SERVICE}\"\n\
             [providers.leat]\nbase_url = \"{}\"\napi = \"register\"\n",
            running.url()
        ),
    )
    .unwrap();
    let home = home.path().to_path_buf();

    let set = tokio::task::spawn_blocking({
        let (home, token) = (home.clone(), token.clone());
        move || {
            kassa(
                &home,
                &["secret", "set", "leat.api_key"],
                &format!("{token}\n"),
            )
        }
    })
    .await
    .unwrap();
    assert!(
        set.status.success(),
        "`kassa secret set` needs an unlocked OS keyring (make test runs the tests with one): {}",
        text(&set.stderr)
    );
    assert!(!text(&set.stdout).contains(&token), "the secret was echoed");

    // Another till on this machine, under a keyring service of its own, does not see it.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("kassa.toml"),
        std::fs::read_to_string(home.join("kassa.toml"))
            .unwrap()
            .replace(SERVICE, &format!("{SERVICE}.other")),
    )
    .unwrap();
    let apart = tokio::task::spawn_blocking({
        let other = other.path().to_path_buf();
        move || kassa(&other, &["card", "balance", "77001122"], "")
    })
    .await
    .unwrap();
    assert!(!apart.status.success());
    assert!(
        text(&apart.stderr).contains("run `kassa secret set leat.api_key`"),
        "{}",
        text(&apart.stderr)
    );

    let balance = tokio::task::spawn_blocking({
        let home = home.clone();
        move || kassa(&home, &["card", "balance", "77001122"], "")
    })
    .await
    .unwrap();
    let out = text(&balance.stdout);
    assert!(balance.status.success(), "{}{}", out, text(&balance.stderr));
    assert!(out.contains("EUR 42.50"), "{out}");
    assert!(out.contains("2030-06-30"), "{out}");
    assert!(
        !out.contains("TRAINING"),
        "a configured till is not in training: {out}"
    );

    let json = tokio::task::spawn_blocking({
        let home = home.clone();
        move || kassa(&home, &["--json", "card", "balance", "77009999"], "")
    })
    .await
    .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["error"]["code"], "not_found");
    assert!(!json.status.success());
}

#[test]
fn a_manager_pin_set_from_the_command_line_opens_the_pin_gate_and_is_kept_only_as_a_hash() {
    use kassa_app::keyring_store::KeyringStore;
    use kassa_core::manager_pin::{PinError, PinGate, PIN_HASH_SECRET};
    use kassa_core::secrets::SecretStore;
    use kassa_core::store::Store;
    use std::sync::Arc;

    let service = format!("eu.kassa.test.manager-pin.{}", std::process::id());
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("kassa.toml"),
        format!("[secrets]\nkeyring_service = \"{service}\"\n"),
    )
    .unwrap();
    let keyring = Arc::new(KeyringStore::new(service));

    for (pin, why) in [("12ab\n", "not digits"), ("4821\n", "4 digits")] {
        let refused = kassa(home.path(), &["manager", "set-pin"], pin);
        assert!(!refused.status.success(), "{why}");
        assert!(
            text(&refused.stderr).contains("6 to 12 digits"),
            "{why}: {}",
            text(&refused.stderr)
        );
    }

    let set = kassa(home.path(), &["manager", "set-pin"], "482193\n");
    assert!(
        set.status.success(),
        "`kassa manager set-pin` needs an unlocked OS keyring (make test runs the tests with one): {}",
        text(&set.stderr)
    );
    assert!(!text(&set.stdout).contains("482193"), "the PIN was echoed");
    let stored = keyring.get(PIN_HASH_SECRET).unwrap().expect("a PIN hash");
    assert!(
        stored.expose().starts_with("$argon2id$"),
        "an Argon2id hash"
    );
    assert!(
        !stored.expose().contains("482193"),
        "the PIN itself is not kept"
    );

    // Once a PIN is set, changing it needs the current one.
    let new_only = kassa(home.path(), &["manager", "set-pin"], "777777\n");
    assert!(!new_only.status.success());
    assert!(
        text(&new_only.stderr).contains("current PIN"),
        "{}",
        text(&new_only.stderr)
    );
    let wrong_old = kassa(
        home.path(),
        &["--json", "manager", "set-pin"],
        "111111\n777777\n",
    );
    assert!(!wrong_old.status.success());
    let answer: serde_json::Value = serde_json::from_slice(&wrong_old.stdout).unwrap();
    assert_eq!(answer["error"]["code"], "pin_refused", "{answer}");
    assert_eq!(
        keyring.get(PIN_HASH_SECRET).unwrap(),
        Some(stored),
        "the PIN is unchanged"
    );
    let changed = kassa(home.path(), &["manager", "set-pin"], "482193\n777777\n");
    assert!(changed.status.success(), "{}", text(&changed.stderr));

    // The window's gate, over the same database as the command line's (training mode's here).
    let store = Store::open(&home.path().join("data/eu.kassa.till/training.sqlite3")).unwrap();
    let gate = PinGate::new(keyring, Arc::new(store));
    assert_eq!(gate.check("777777"), Ok(()));
    assert_eq!(gate.check("482193"), Err(PinError::Wrong { left: 4 }));
}
