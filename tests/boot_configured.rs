//! Opening the till from a configuration file: a provider at a configured base URL, and the
//! clear refusals when the configuration or credentials are wrong.

use kassa_app::boot::boot;
use kassa_app::paths::Paths;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_sim::leat::LeatSim;
use std::sync::Arc;

#[tokio::test]
async fn a_configured_leat_base_url_is_used_with_the_keyring_token() {
    let sim = LeatSim::new("real-token");
    sim.add_card("77001122", 4_250, None);
    let running = kassa_sim::server::serve(sim.router()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = Paths::in_dir(dir.path());
    std::fs::write(
        &p.config_file,
        format!(
            "[register]\nname = \"Front till\"\n[providers.leat]\nbase_url = \"{}\"\napi = \"register\"\n",
            running.url()
        ),
    )
    .unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    secrets
        .set("leat.api_key", &Secret::new("real-token"))
        .unwrap();

    let booted = boot(p.clone(), secrets).await.unwrap();
    assert!(!booted.till.is_training());
    assert!(booted.till.store().path().ends_with("kassa.sqlite3"));
    let found = booted.till.lookup("77001122").await.unwrap();
    assert_eq!(found.card.balance.to_string(), "EUR 42.50");
    assert!(
        booted.till.lookup("4165100001").await.is_err(),
        "no demo cards outside training"
    );
}

#[tokio::test]
async fn a_configured_provider_without_its_token_says_which_command_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = Paths::in_dir(dir.path());
    std::fs::write(
        &p.config_file,
        "[providers.leat]\nbase_url = \"https://api.piggy.eu\"\n",
    )
    .unwrap();
    let err = boot(p, Arc::new(MemorySecretStore::default()))
        .await
        .err()
        .expect("must refuse");
    assert!(err.contains("kassa secret set leat.api_key"), "{err}");
}

#[tokio::test]
async fn an_unreadable_configuration_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = Paths::in_dir(dir.path());
    std::fs::create_dir(&p.config_file).unwrap();
    let err = boot(p, Arc::new(MemorySecretStore::default()))
        .await
        .err()
        .expect("must refuse");
    assert!(err.contains("cannot read the configuration file"), "{err}");
    assert!(err.contains("kassa.toml"), "{err}");
}
