//! Every error code Leat documents, produced by the simulator and sorted by the client into
//! what the till can act on; and the answers that are not Leat's envelope at all.

mod leat_support;

use axum::routing::post;
use kassa_core::card::CardCode;
use kassa_core::config::LeatApi;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_providers::leat::{GiftcardType, Language, Wallet};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::leat::{CardSpec, LeatSim, DEFAULT_PROGRAM_UUID};
use kassa_sim::server::serve;
use leat_support::{euros, op_id, Leat, TOKEN};
use std::time::Duration;

fn declined(code: &str, reason: &str) -> ProviderError {
    ProviderError::Declined {
        code: code.into(),
        reason: reason.into(),
    }
}

/// Cards that each break one of Leat's rules.
async fn cards() -> (Leat, Vec<(&'static str, String)>) {
    let sim = LeatSim::new(TOKEN);
    let small_program = sim.add_program("Small cards", 3000);
    let cards = vec![
        ("used", sim.add_card("10001", 500, None)),
        (
            "expired",
            sim.add_card("10002", 5000, Some("2024-01-31T23:59:59+00:00")),
        ),
        ("digital", sim.add_card("10003", 1000, None)),
        (
            "no program",
            sim.add_giftcard(CardSpec {
                program_uuid: None,
                ..CardSpec::new("10004", 1000)
            }),
        ),
        (
            "upgradeable",
            sim.add_giftcard(CardSpec {
                physical: true,
                upgradeable: true,
                program_uuid: Some(small_program),
                ..CardSpec::new("10005", 2500)
            }),
        ),
        (
            "inactive",
            sim.add_giftcard(CardSpec {
                active: false,
                ..CardSpec::new("10006", 1000)
            }),
        ),
    ];
    (Leat::start(sim).await, cards)
}

#[tokio::test]
async fn gift_card_refusals_are_declines_in_the_tills_language() {
    let (leat, cards) = cards().await;
    let card = |name: &str| cards.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let oauth = leat.client(LeatApi::Oauth);
    let register = leat.client(LeatApi::Register);
    let dutch = leat.client_in(LeatApi::Oauth, Language::Dutch);
    let cases = [
        (
            &oauth,
            "used",
            -600,
            declined("5003", "Insufficient amount on giftcard."),
        ),
        (
            &dutch,
            "used",
            -600,
            declined("5003", "Het bedrag op de kaart is niet toereikend."),
        ),
        (
            &oauth,
            "expired",
            -100,
            declined("5002", "This giftcard has expired."),
        ),
        (
            &oauth,
            "digital",
            100,
            declined("5006", "This giftcard cannot be incremented."),
        ),
        (
            &dutch,
            "digital",
            100,
            declined("5006", "Deze giftcard kan niet opgewaardeerd worden."),
        ),
        (
            &oauth,
            "no program",
            -100,
            declined("5007", "Giftcard not linked to Giftcard Program."),
        ),
        (
            &register,
            "upgradeable",
            600,
            declined("5008", "Max amount will be exceeded."),
        ),
        (
            &oauth,
            "upgradeable",
            -100,
            declined(
                "1114",
                "Only non re-incrementable giftcards can be used in the OAuthRoutes Clients API.",
            ),
        ),
        (
            &oauth,
            "inactive",
            -100,
            declined("7010", "That giftcard is not valid."),
        ),
    ];
    for (client, name, cents, expected) in cases {
        let err = client
            .create_giftcard_transaction(&card(name), &euros(cents), &op_id())
            .await
            .unwrap_err();
        assert_eq!(err, expected, "{name} {cents}");
    }
    assert_eq!(leat.sim.balance("10001"), Some(500), "nothing was booked");
    assert_eq!(leat.sim.transaction_amounts("10005"), vec![2500]);
}

#[tokio::test]
async fn only_the_cards_last_transaction_can_be_reversed() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 5000, None);
    let client = leat.client(LeatApi::Oauth);
    let first = client
        .create_giftcard_transaction(&card, &euros(-1000), &op_id())
        .await
        .unwrap();
    client
        .create_giftcard_transaction(&card, &euros(-500), &op_id())
        .await
        .unwrap();
    let err = client
        .reverse_giftcard_transaction(first.uuid.as_deref().unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        declined("55025", "This is not the giftcards last transaction.")
    );
    assert_eq!(leat.sim.balance("41651"), Some(3500));
}

#[tokio::test]
async fn unknown_cards_transactions_and_contacts_are_not_found() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let client = leat.client(LeatApi::Oauth);
    let not_found = |message: &str| ProviderError::NotFound {
        message: message.into(),
    };
    assert_eq!(
        client
            .create_giftcard_transaction("no-such-card", &euros(-100), &op_id())
            .await
            .unwrap_err(),
        not_found("Giftcard not found.")
    );
    assert_eq!(
        client
            .get_giftcard_transaction("no-such-txn")
            .await
            .unwrap_err(),
        not_found("Giftcard transaction not found.")
    );
    assert_eq!(
        client
            .reverse_giftcard_transaction("no-such-txn")
            .await
            .unwrap_err(),
        not_found("Giftcard transaction not found.")
    );
    assert_eq!(
        client.prepaid_balance("no-such-contact").await.unwrap_err(),
        not_found("Contact not found.")
    );
    assert_eq!(
        client
            .create_prepaid_transaction(Wallet::Contact("no-such-contact"), &euros(-100))
            .await
            .unwrap_err(),
        not_found("Contact not found.")
    );
    assert_eq!(
        client.find_contact_identifier("NOPE").await.unwrap_err(),
        not_found("Contact identifier not found.")
    );
}

#[tokio::test]
async fn customer_card_refusals_are_declines() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let contact = leat.sim.add_contact("sandy@example.com", 1000);
    leat.sim
        .add_identifier("LINKED", "Card", Some(&contact), true);
    leat.sim
        .add_identifier("INACTIVE", "Card", Some(&contact), false);
    leat.sim.add_identifier("LOOSE", "Card", None, true);
    let client = leat.client(LeatApi::Oauth);
    let amount = euros(-100);
    let pay = |value| client.create_prepaid_transaction(Wallet::Identifier(value), &amount);
    assert_eq!(
        pay("INACTIVE").await.unwrap_err(),
        declined("60004", "Contact identifier inactive.")
    );
    assert_eq!(
        pay("LOOSE").await.unwrap_err(),
        declined("60011", "Contact identifier is not linked to a contact.")
    );
    assert_eq!(
        client
            .create_contact_identifier("LINKED", None, None)
            .await
            .unwrap_err(),
        declined("60006", "Contact identifier already exists.")
    );
    assert_eq!(leat.sim.prepaid_balance(&contact), Some(1000));
}

#[tokio::test]
async fn invalid_input_is_declined_with_the_field_that_is_wrong() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 1000, None);
    let contact = leat.sim.add_contact("sandy@example.com", 1000);
    let client = leat.client(LeatApi::Oauth);
    let err = client
        .create_giftcard_transaction(&card, &euros(0), &op_id())
        .await
        .unwrap_err();
    let ProviderError::Declined { code, reason } = err else {
        panic!("{err:?}")
    };
    assert_eq!(code, "1003");
    assert!(
        reason.starts_with("Invalid input. (amount_in_cents:"),
        "{reason}"
    );
    let err = client
        .create_prepaid_transaction(Wallet::Contact(&contact), &euros(-1001))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Declined { code, .. } if code == "1003"),
        "{err:?}"
    );
    assert_eq!(leat.sim.prepaid_balance(&contact), Some(1000));
}

#[tokio::test]
async fn a_wrong_shop_or_program_is_for_the_installer() {
    let sim = LeatSim::new(TOKEN);
    let card = sim.add_card("41651", 1000, None);
    let contact = sim.add_contact("sandy@example.com", 1000);
    let other_shop = sim.add_shop("Shop without gift cards", &[]);
    let leat = Leat::start(sim).await;

    let mut config = leat.config(LeatApi::Oauth);
    config.shop_uuid = Some("no-such-shop".into());
    let unknown_shop = leat.client_with(config.clone(), TOKEN);
    for err in [
        unknown_shop
            .create_giftcard_transaction(&card, &euros(-100), &op_id())
            .await
            .unwrap_err(),
        unknown_shop
            .create_prepaid_transaction(Wallet::Contact(&contact), &euros(-100))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(
            err,
            ProviderError::Config {
                message: "Shop not found. (Leat 1008: check the till's Leat settings)".into()
            }
        );
    }

    config.shop_uuid = Some(other_shop);
    let err = leat
        .client_with(config, TOKEN)
        .create_giftcard_transaction(&card, &euros(-100), &op_id())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains("7015")),
        "{err:?}"
    );

    let client = leat.client(LeatApi::Oauth);
    let err = client
        .create_giftcard(
            "00000000-0000-4000-9000-00000000dead",
            GiftcardType::Digital,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains("1100")),
        "{err:?}"
    );
    let err = client
        .create_giftcard(DEFAULT_PROGRAM_UUID, GiftcardType::Physical)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        declined(
            "55021",
            "Only Digital giftcards can by created using the public API."
        )
    );

    let mut config = leat.config(LeatApi::Oauth);
    config.shop_uuid = None;
    let err = leat
        .client_with(config, TOKEN)
        .create_giftcard_transaction(&card, &euros(-100), &op_id())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains("shop_uuid")),
        "{err:?}"
    );
    assert_eq!(leat.sim.balance("41651"), Some(1000));
}

#[tokio::test]
async fn an_internal_error_is_retryable_on_a_read_and_unknown_on_a_write() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 1000, None);
    let client = leat.client(LeatApi::Oauth);
    leat.sim.faults.inject(Fault::ServerError(500), Target::Any);
    let err = client.find_giftcard("41651").await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unavailable {
            message: "Internal error.".into(),
            retry_after: None
        }
    );
    leat.sim
        .faults
        .inject(Fault::ServerError(500), Target::Writes);
    let err = client
        .create_giftcard_transaction(&card, &euros(-100), &op_id())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("internal error (1000)"), "{err}");
}

#[tokio::test]
async fn throttling_and_maintenance_say_when_to_retry() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.add_card("41651", 1000, None);
    let client = leat.client(LeatApi::Oauth);

    leat.sim.faults.inject(
        Fault::RateLimited {
            retry_after_secs: 7,
        },
        Target::Any,
    );
    let err = client.find_giftcard("41651").await.unwrap_err();
    assert!(
        matches!(err, ProviderError::Unavailable { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );

    leat.sim.faults.inject(Fault::Maintenance, Target::Any);
    let err = client.find_giftcard("41651").await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unavailable {
            message: "Leat is down for maintenance.".into(),
            retry_after: None
        }
    );

    // The simulator's own throttle: one request a minute.
    leat.sim.set_rate_limit(1);
    assert!(client.find_giftcard("41651").await.is_ok());
    let err = client.find_giftcard("41651").await.unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Unavailable {
                retry_after: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wrong_token_names_the_secret_to_set_and_never_shows_it() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    leat.sim.add_card("41651", 1000, None);
    let client = leat.client_with(leat.config(LeatApi::Register), "wrong-secret-123");
    let err = client
        .lookup(&CardCode::parse("41651").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Config {
            message: "Leat refused the till's credentials (HTTP 401). Set them with `kassa secret set leat.api_key`.".into()
        }
    );
}

#[tokio::test]
async fn a_write_answered_with_garbage_may_have_been_applied() {
    let router = axum::Router::new().route(
        "/api/v3/oauth/clients/giftcard-transactions",
        post(|| async { "<html>OK</html>" }),
    );
    let running = serve(router).await.unwrap();
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let mut config = leat.config(LeatApi::Oauth);
    config.base_url = running.url();
    let err = leat
        .client_with(config, TOKEN)
        .create_giftcard_transaction("card", &euros(-100), &op_id())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_dropped_read_is_retryable_and_a_dropped_write_is_unknown() {
    let leat = Leat::start(LeatSim::new(TOKEN)).await;
    let card = leat.sim.add_card("41651", 1000, None);
    let client = leat.client(LeatApi::Oauth);
    leat.sim.faults.inject(Fault::DropBeforeApply, Target::Any);
    let err = client.find_giftcard("41651").await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(
        !err.to_string().contains("41651"),
        "the card code leaked: {err}"
    );
    leat.sim
        .faults
        .inject(Fault::DropBeforeApply, Target::Writes);
    let err = client
        .create_giftcard_transaction(&card, &euros(-100), &op_id())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    assert_eq!(leat.sim.balance("41651"), Some(1000));
}
