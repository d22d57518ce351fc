//! Moving money on Leat gift cards and prepaid wallets: the client against the simulator over
//! real HTTP, in both path families.

mod leat_support;

use kassa_core::card::CardCode;
use kassa_core::config::LeatApi;
use kassa_core::provider::{CardKind, GiftCardProvider, ProviderError};
use kassa_providers::leat::{GiftcardType, Language, TransactionFilter, Wallet};
use kassa_sim::leat::{CardSpec, LeatSim, DEFAULT_PROGRAM_UUID, DEFAULT_SHOP_UUID};
use leat_support::{euros, op_id, Leat, TOKEN};

#[tokio::test]
async fn a_redeem_lowers_the_balance_and_its_reversal_restores_it() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 2500, None);
    let client = leat.client(LeatApi::Oauth);
    let op = op_id();

    let redeem = client
        .create_giftcard_transaction(&card, &euros(-1000), &op)
        .await
        .unwrap();
    assert_eq!(redeem.amount, euros(-1000));
    assert_eq!(redeem.card_uuid.as_deref(), Some(card.as_str()));
    assert_eq!(redeem.shop_uuid.as_deref(), Some(DEFAULT_SHOP_UUID));
    assert_eq!(redeem.op_id.as_deref(), Some(op.as_str()));
    let found = client.find_giftcard("41651").await.unwrap();
    assert_eq!(found.balance, euros(1500));

    let uuid = redeem.uuid.clone().unwrap();
    assert_eq!(
        client.get_giftcard_transaction(&uuid).await.unwrap(),
        redeem
    );

    let reversal = client.reverse_giftcard_transaction(&uuid).await.unwrap();
    assert_eq!(reversal.amount, euros(1000));
    assert_ne!(reversal.uuid, redeem.uuid);
    assert_eq!(
        client.find_giftcard("41651").await.unwrap().balance,
        euros(2500)
    );
    assert_eq!(
        leat.sim.transaction_amounts("41651"),
        vec![2500, -1000, 1000]
    );
}

#[tokio::test]
async fn the_register_family_tops_up_upgradeable_cards_without_a_shop() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_giftcard(CardSpec {
        physical: true,
        upgradeable: true,
        ..CardSpec::new("77001", 1000)
    });
    let mut config = leat.config(LeatApi::Register);
    config.shop_uuid = None;
    let client = leat.client_with(config, TOKEN);
    let top_up = client
        .create_giftcard_transaction(&card, &euros(500), &op_id())
        .await
        .unwrap();
    assert_eq!(top_up.amount, euros(500));
    assert_eq!(top_up.shop_uuid, None);
    let again = client
        .create_giftcard_transaction(&card, &euros(250), &op_id())
        .await
        .unwrap();
    assert_eq!(again.amount, euros(250));
    assert_eq!(leat.sim.balance("77001"), Some(1750));
}

#[tokio::test]
async fn a_card_is_read_by_uuid_on_the_oauth_family_only() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let uuid = leat
        .sim
        .add_card("41651", 110, Some("2099-12-07T17:15:10+00:00"));
    let card = leat
        .client(LeatApi::Oauth)
        .get_giftcard(&uuid)
        .await
        .unwrap();
    assert_eq!(card.hash, "41651");
    assert_eq!(card.balance, euros(110));
    assert_eq!(card.max_balance, Some(euros(51_000)));
    assert_eq!(card.expires_at.unwrap().year(), 2099);
    let err = leat
        .client(LeatApi::Register)
        .get_giftcard(&uuid)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
}

#[tokio::test]
async fn a_new_digital_card_starts_empty_and_takes_its_first_value() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let client = leat.client(LeatApi::Oauth);
    let card = client
        .create_giftcard(DEFAULT_PROGRAM_UUID, GiftcardType::Digital)
        .await
        .unwrap();
    assert_eq!(card.balance, euros(0));
    assert_eq!(card.card_type, "DIGITAL");
    assert!(card.expires_at.is_some());
    client
        .create_giftcard_transaction(&card.uuid, &euros(2000), &op_id())
        .await
        .unwrap();
    assert_eq!(
        client.find_giftcard(&card.hash).await.unwrap().balance,
        euros(2000)
    );
}

#[tokio::test]
async fn the_transaction_list_filters_sorts_and_pages() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    leat.sim.add_card("41652", 5000, None);
    let client = leat.client(LeatApi::Oauth);
    for cents in [-100, -200, -300] {
        client
            .create_giftcard_transaction(&card, &euros(cents), &op_id())
            .await
            .unwrap();
    }
    let all = client
        .list_giftcard_transactions(&TransactionFilter::card("41651"))
        .await
        .unwrap();
    let amounts: Vec<i64> = all.items.iter().map(|t| t.amount.minor).collect();
    assert_eq!(amounts, vec![5000, -100, -200, -300]);
    assert_eq!(all.total, Some(4));

    let at_shop = client
        .list_giftcard_transactions(&TransactionFilter {
            shop_uuid: Some(DEFAULT_SHOP_UUID.into()),
            newest_first: true,
            per_page: 2,
            page: 1,
            ..TransactionFilter::card("41651")
        })
        .await
        .unwrap();
    let amounts: Vec<i64> = at_shop.items.iter().map(|t| t.amount.minor).collect();
    assert_eq!(
        amounts,
        vec![-300, -200],
        "newest first, the issue has no shop"
    );
    assert_eq!((at_shop.page, at_shop.last_page), (1, 2));

    let later = client
        .list_giftcard_transactions(&TransactionFilter {
            created_from: Some(time::OffsetDateTime::now_utc() + time::Duration::HOUR),
            ..TransactionFilter::card("41651")
        })
        .await
        .unwrap();
    assert!(later.items.is_empty());
}

#[tokio::test]
async fn a_wallet_pays_by_customer_card_or_contact_and_is_reversed() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("sandy@example.com", 4000);
    leat.sim
        .add_identifier("LEATWALLET01", "Krabby Membership", Some(&contact), true);
    let client = leat.client(LeatApi::Register);

    let pay = client
        .create_prepaid_transaction(Wallet::Identifier("LEATWALLET01"), &euros(-1000))
        .await
        .unwrap();
    assert_eq!(pay.amount, euros(-1000));
    assert_eq!(pay.balance_after, Some(euros(3000)));
    assert_eq!(pay.identifier.as_deref(), Some("LEATWALLET01"));
    let top_up = client
        .create_prepaid_transaction(Wallet::Contact(&contact), &euros(500))
        .await
        .unwrap();
    assert_eq!(top_up.balance_after, Some(euros(3500)));
    assert_eq!(client.prepaid_balance(&contact).await.unwrap(), euros(3500));

    let reversal = client.reverse_prepaid_transaction(&pay.uuid).await.unwrap();
    assert_eq!(reversal.amount, euros(1000));
    assert_eq!(leat.sim.prepaid_balance(&contact), Some(4500));

    let list = client
        .list_prepaid_transactions(Some(&contact), 1, 30)
        .await
        .unwrap();
    let amounts: Vec<i64> = list.items.iter().map(|t| t.amount.minor).collect();
    assert_eq!(amounts, vec![-1000, 500, 1000]);
    assert!(list
        .items
        .iter()
        .all(|t| t.contact_uuid.as_deref() == Some(contact.as_str())));
}

#[tokio::test]
async fn a_customer_card_registered_at_the_till_finds_its_contact() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("patrick@example.com", 0);
    let client = leat.client(LeatApi::Oauth);
    let created = client
        .create_contact_identifier("CARD-0042", None, Some(&contact))
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("CARD-0042"));
    let found = client.find_contact_identifier("CARD-0042").await.unwrap();
    assert!(found.active);
    assert_eq!(
        found.contact.unwrap().email.as_deref(),
        Some("patrick@example.com")
    );
}

#[tokio::test]
async fn a_scanned_customer_card_shows_the_contacts_prepaid_wallet() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("wallet@example.com", 4000);
    leat.sim
        .add_identifier("LEATWALLET01", "Demo card", Some(&contact), true);
    let info = leat
        .client(LeatApi::Oauth)
        .lookup(&CardCode::parse("LEATWALLET01").unwrap())
        .await
        .unwrap();
    assert_eq!(info.kind, CardKind::PrepaidWallet);
    assert_eq!(info.balance.to_string(), "EUR 40.00");
    assert_eq!(info.holder.as_deref(), Some("wallet@example.com"));
    assert_eq!(info.card_id, contact);
    assert!(info.active);
    assert_eq!(info.expires_at, None);
}

#[tokio::test]
async fn a_scanned_customer_card_that_is_inactive_or_unlinked_is_declined_with_a_reason() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("blocked@example.com", 1500);
    leat.sim
        .add_identifier("LEATWALLET02", "Demo card", Some(&contact), false);
    leat.sim
        .add_identifier("LEATWALLET03", "Demo card", None, true);
    let english = leat.client(LeatApi::Oauth);
    let dutch = leat.client_in(LeatApi::Oauth, Language::Dutch);
    let code = |s| CardCode::parse(s).unwrap();

    assert_eq!(
        english.lookup(&code("LEATWALLET02")).await.unwrap_err(),
        ProviderError::Declined {
            code: "60004".into(),
            reason: "Contact identifier inactive.".into()
        }
    );
    assert_eq!(
        english.lookup(&code("LEATWALLET03")).await.unwrap_err(),
        ProviderError::Declined {
            code: "60011".into(),
            reason: "This customer card is not linked to a customer.".into()
        }
    );
    assert_eq!(
        dutch.lookup(&code("LEATWALLET03")).await.unwrap_err(),
        ProviderError::Declined {
            code: "60011".into(),
            reason: "Deze klantenkaart is niet aan een klant gekoppeld.".into()
        }
    );
    // Neither a gift card nor a customer card: the gift card's "not found".
    assert_eq!(
        english.lookup(&code("NOSUCHCARD")).await.unwrap_err(),
        ProviderError::NotFound {
            message: "Giftcard not found.".into()
        }
    );
}
