//! Training mode's demo cards, read by the client the training till uses.

mod leat_support;

use kassa_core::card::CardCode;
use kassa_core::config::LeatConfig;
use kassa_core::provider::{CardKind, GiftCardProvider, ProviderError};
use kassa_core::secrets::Secret;
use kassa_providers::leat::{Language, LeatClient, Wallet};
use kassa_sim::training::{self, DEMO_LEAT_WALLETS, LEAT_SHOP_UUID, LEAT_TOKEN};
use leat_support::{eur, euros};

#[tokio::test]
async fn the_demo_gift_card_and_customer_cards_answer_as_the_training_sheet_says() {
    let ledgers = tempfile::tempdir().unwrap();
    let sims = training::start(ledgers.path()).await.unwrap();
    let config = LeatConfig {
        shop_uuid: Some(LEAT_SHOP_UUID.into()),
        ..LeatConfig::new(sims.leat.url())
    };
    let client =
        LeatClient::new(&config, Secret::new(LEAT_TOKEN), eur(), Language::English).unwrap();
    let code = |s| CardCode::parse(s).unwrap();

    let gift = client.lookup(&code("4165100001")).await.unwrap();
    assert_eq!((gift.kind, gift.balance), (CardKind::GiftCard, euros(2500)));

    assert_eq!(DEMO_LEAT_WALLETS[0].value, "LEATWALLET01");
    let wallet = client.lookup(&code("LEATWALLET01")).await.unwrap();
    assert_eq!(wallet.kind, CardKind::PrepaidWallet);
    assert_eq!(wallet.balance, euros(4000));
    assert_eq!(wallet.holder.as_deref(), Some("wallet.demo@example.com"));
    let paid = client
        .create_prepaid_transaction(Wallet::Identifier("LEATWALLET01"), &euros(-1250))
        .await
        .unwrap();
    assert_eq!(paid.balance_after, Some(euros(2750)));

    assert!(matches!(
        client.lookup(&code("LEATWALLET02")).await.unwrap_err(),
        ProviderError::Declined { code, .. } if code == "60004"
    ));
    assert!(matches!(
        client.lookup(&code("LEATWALLET03")).await.unwrap_err(),
        ProviderError::Declined { code, .. } if code == "60011"
    ));
}
