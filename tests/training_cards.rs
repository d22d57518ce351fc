//! Training mode as the till boots it: every provider's demo cards are found at the right
//! provider, through the routing order of `kassa_providers::wiring`, and the journal keeps
//! codes masked.

use kassa_app::boot::boot;
use kassa_app::paths::Paths;
use kassa_core::provider::{CardKind, ProviderId};
use kassa_core::secrets::MemorySecretStore;
use kassa_sim::training::DEMO_ZMYLE_QR;
use std::sync::Arc;

#[tokio::test]
async fn each_demo_card_is_found_at_its_provider() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(dir.path());
    let booted = boot(paths, Arc::new(MemorySecretStore::default()))
        .await
        .unwrap();
    assert!(booted.till.is_training());
    assert!(
        booted.pos.is_some(),
        "training records sales to the Shopwave simulator"
    );
    let till = &booted.till;

    for (code, provider, balance) in [
        ("QTHX", ProviderId::Zmyle, "EUR 20.00"),
        (DEMO_ZMYLE_QR, ProviderId::Zmyle, "EUR 20.00"),
        ("K7MR2P", ProviderId::Zmyle, "EUR 50.00"),
        ("9100000000000001", ProviderId::Lightspeed, "EUR 75.00"),
        ("4165100001", ProviderId::Leat, "EUR 25.00"),
        ("LEATWALLET01", ProviderId::Leat, "EUR 40.00"),
    ] {
        let found = till
            .lookup(code)
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(found.card.provider, provider, "{code}");
        assert_eq!(found.card.balance.to_string(), balance, "{code}");
    }
    let held = till.lookup("K7MR2P").await.unwrap();
    assert_eq!(held.card.available.unwrap().to_string(), "EUR 35.00");
    let wallet = till.lookup("LEATWALLET01").await.unwrap();
    assert_eq!(wallet.card.kind, CardKind::PrepaidWallet);
    assert!(wallet.card.holder.is_some());

    // The journal keeps the QR code masked: its access token does not appear.
    let rows = till.store().recent_journal(50).unwrap();
    assert!(rows
        .iter()
        .all(|r| !r.card_masked.as_deref().unwrap_or("").contains("hg84")));
}
