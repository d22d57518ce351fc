//! Contract tests: every example body of the Leat seed pages (000, 001) and of docs/providers.md
//! §1, verbatim, read with the client's wire types, and served as Leat's answer to the client.

use kassa_core::config::LeatConfig;
use kassa_core::money::{Currency, Money};
use kassa_core::secrets::Secret;
use kassa_providers::leat::wire::{
    Envelope, ErrorBody, Giftcard, GiftcardTransaction, PrepaidBalance, PrepaidTransaction,
};
use kassa_providers::leat::{Language, LeatClient};

/// Seed 000, "Create Prepaid Transaction", response example.
const SEED_000_CREATE_PREPAID: &str = r##"{
    "data": {
        "uuid": "3cff98cb-644e-4148-bf34-bac842ac602e",
        "amount_in_cents": -1000,
        "prepaid_balance": {
            "balance_in_cents": 4000,
            "balance": "€40.00"
        },
        "created_at": "2023-11-12T19:49:22+00:00",
        "shop": {
            "id": 15,
            "uuid": "123123",
            "reference": null,
            "name": "Krusty Krab"
        },
        "contact_identifier": {
            "name": "Krabby Membership",
            "value": "cilwjefwnsvidjfkjskjf",
            "active": true
        }
    },
    "meta": []
}"##;

/// Seed 001, "List Giftcard Transactions", response example.
const SEED_001_LIST: &str = r##"{
    "data": [
        {
            "id": 1,
            "uuid": null,
            "amount_in_cents": 2500,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 1397,
                "uuid": "37485734857385",
                "name": "The Chum Bucket"
            },
            "settlements": [],
            "created_at": "2016-11-29T18:42:34+00:00"
        },
        {
            "id": 2,
            "uuid": null,
            "amount_in_cents": -2200,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 1397,
                "uuid": "37485734857385",
                "name": "The Chum Bucket"
            },
            "settlements": [],
            "created_at": "2016-11-29T18:43:13+00:00"
        },
        {
            "id": 3,
            "uuid": null,
            "amount_in_cents": 1000,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 1397,
                "uuid": "37485734857385",
                "name": "The Chum Bucket"
            },
            "settlements": [],
            "created_at": "2016-11-30T09:25:26+00:00"
        },
        {
            "id": 4,
            "uuid": null,
            "amount_in_cents": -500,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 1397,
                "uuid": "37485734857385",
                "name": "The Chum Bucket"
            },
            "settlements": [],
            "created_at": "2016-11-30T09:25:43+00:00"
        },
        {
            "id": 5,
            "uuid": null,
            "amount_in_cents": -800,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 1397,
                "uuid": "37485734857385",
                "name": "The Chum Bucket"
            },
            "settlements": [],
            "created_at": "2016-11-30T09:26:08+00:00"
        },
        {
            "id": 6,
            "uuid": null,
            "amount_in_cents": 10,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 161,
                "uuid": "12312312312312",
                "name": "Chum Bucket Online"
            },
            "settlements": [],
            "created_at": "2016-11-30T12:48:00+00:00"
        },
        {
            "id": 7,
            "uuid": null,
            "amount_in_cents": -9,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 161,
                "uuid": "12312312312312",
                "name": "Chum Bucket Online"
            },
            "settlements": [],
            "created_at": "2016-11-30T12:48:22+00:00"
        },
        {
            "id": 8,
            "uuid": null,
            "amount_in_cents": -1,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 161,
                "uuid": "12312312312312",
                "name": "Chum Bucket Online"
            },
            "settlements": [],
            "created_at": "2016-11-30T12:48:36+00:00"
        },
        {
            "id": 9,
            "uuid": null,
            "amount_in_cents": 2000,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 161,
                "uuid": "12312312312312",
                "name": "Chum Bucket Online"
            },
            "settlements": [],
            "created_at": "2016-11-30T13:16:18+00:00"
        },
        {
            "id": 10,
            "uuid": null,
            "amount_in_cents": -500,
            "type": "STANDARD",
            "settled": false,
            "card": {
                "id": 1,
                "uuid": null
            },
            "shop": {
                "id": 161,
                "uuid": "12312312312312",
                "name": "Chum Bucket Online"
            },
            "settlements": [],
            "created_at": "2016-11-30T13:16:36+00:00"
        }
    ],
    "meta": {
        "page": 1,
        "limit": 10,
        "viewing_from": 1,
        "viewing_to": 10,
        "last_page": 120,
        "total": 1192
    }
}"##;

/// Seed 001, "Create Giftcard Transaction", response example.
const SEED_001_CREATE: &str = r##"{
    "data": {
        "id": 2271,
        "uuid": "355892c5-6bf7-4167-bae2-3bf2bf44c3dc",
        "amount_in_cents": -1000,
        "type": "STANDARD",
        "settled": false,
        "card": {
            "id": 41650,
            "uuid": "45d7ce10-16cc-4bb7-b37f-e8c4bc553fdf"
        },
        "shop": {
            "id": 15,
            "uuid": "123123",
            "name": "Krusty Krab"
        },
        "settlements": [],
        "created_at": "2023-11-12T16:10:15+00:00"
    },
    "meta": []
}"##;

/// Seed 001, "Get Giftcard Transaction", response example.
const SEED_001_GET: &str = r##"{
    "data": {
        "id": 2268,
        "uuid": "9e6426ef-1916-4f3c-a94f-4cf6af4f945b",
        "amount_in_cents": 5,
        "type": "STANDARD",
        "settled": false,
        "card": {
            "id": 41592,
            "uuid": "f12e8cd7-47de-4f6d-bdf3-e282ace87eb0"
        },
        "shop": {
            "id": 15,
            "uuid": "123123",
            "name": "Krusty Krab"
        },
        "settlements": [],
        "created_at": "2023-10-09T10:02:43+00:00"
    },
    "meta": []
}"##;

/// Seed 001, "Reverse Giftcard Transaction", response example.
const SEED_001_REVERSE: &str = r##"{
    "data": {
        "id": 2271,
        "uuid": "355892c5-6bf7-4167-bae2-3bf2bf44c3dc",
        "amount_in_cents": -1000,
        "type": "STANDARD",
        "settled": false,
        "card": {
            "id": 41650,
            "uuid": "45d7ce10-16cc-4bb7-b37f-e8c4bc553fdf"
        },
        "shop": {
            "id": 15,
            "uuid": "123123",
            "name": "Krusty Krab"
        },
        "settlements": [],
        "created_at": "2023-11-12T16:10:15+00:00"
    },
    "meta": []
}"##;

/// docs/providers.md §1.4, the Giftcard object.
const CONTRACT_GIFTCARD: &str = r##"{"id": 41651, "uuid": "bdfeabeb-…", "type": "DIGITAL", "hash": "41651",
 "amount_in_cents": 110, "upgradeable": false, "active": true,
 "expiration_date": "2024-12-07T17:15:10+00:00", "amount": 1.1,
 "url": "https://…/giftcard-balance?hash=41651", "display_amount": "€1.10",
 "formatted_expiration_date": "2024-12-07",
 "giftcard_program": {"id": 1, "name": "My Giftcard program", "uuid": "123",
   "max_amount_in_cents": 51000, "calculator_flow": "DEFAULT", "expiration_days": 394},
 "giftcard_recipients": []}"##;

/// docs/providers.md §1.4, the Giftcard transaction object. Its `{…optional…}` is a placeholder,
/// not JSON; the test puts an example object in its place.
const CONTRACT_GIFTCARD_TRANSACTION: &str = r##"{"id": 2271, "uuid": "355892c5-…", "amount_in_cents": -1000, "type": "STANDARD",
 "settled": false, "card": {"id": 41650, "uuid": "45d7ce10-…"},
 "shop": {"id": 15, "uuid": "123123", "name": "Krusty Krab"},
 "settlements": [], "custom_attributes": {…optional…}, "created_at": "2023-11-12T16:10:15+00:00"}"##;

/// docs/providers.md §1.2, the error body.
const CONTRACT_ERROR: &str =
    r#"{"message": "Giftcard not found.", "code": 5001, "status_code": 400}"#;

/// docs/providers.md §1.4, the prepaid balance.
const CONTRACT_PREPAID_BALANCE: &str = r#"{"balance_in_cents": 5000, "balance": "€50.00"}"#;

/// The error tables of seed 001 (code, message), verbatim.
const SEED_001_ERRORS: &[(i64, &str)] = &[
    (
        5006,
        "Deze giftcard kan niet opgewaardeerd worden. | This giftcard cannot be incremented.",
    ),
    (
        5008,
        "Maximale limiet op kaart bereikt. | Max amount will be exceeded.",
    ),
    (
        5003,
        "Het bedrag op de kaart is niet toereikend. | Insufficient amount on giftcard.",
    ),
    (
        5002,
        "Het bedrag op de kaart is verlopen. | This giftcard has expired.",
    ),
    (1000, "Interne fout. | Internal error."),
    (5010, "Giftcard transaction not found."),
    (55025, "This is not the giftcards last transaction."),
];

fn eur(cents: i64) -> Money {
    Money::new(cents, Currency::try_from("EUR".to_string()).unwrap())
}

#[test]
fn reads_the_prepaid_transaction_of_seed_000() {
    let txn = serde_json::from_str::<Envelope<PrepaidTransaction>>(SEED_000_CREATE_PREPAID)
        .unwrap()
        .data;
    assert_eq!(txn.uuid, "3cff98cb-644e-4148-bf34-bac842ac602e");
    assert_eq!(txn.amount_in_cents, -1000);
    assert_eq!(txn.prepaid_balance.unwrap().balance_in_cents, 4000);
    assert_eq!(txn.shop.unwrap().uuid.as_deref(), Some("123123"));
    let identifier = txn.contact_identifier.unwrap();
    assert_eq!(identifier.value, "cilwjefwnsvidjfkjskjf");
    assert_eq!(identifier.active, Some(true));
}

#[test]
fn reads_the_transaction_list_of_seed_001_with_its_paging() {
    let list = serde_json::from_str::<Envelope<Vec<GiftcardTransaction>>>(SEED_001_LIST).unwrap();
    assert_eq!(list.data.len(), 10);
    let amounts: Vec<i64> = list.data.iter().map(|t| t.amount_in_cents).collect();
    assert_eq!(
        amounts,
        vec![2500, -2200, 1000, -500, -800, 10, -9, -1, 2000, -500]
    );
    assert!(
        list.data.iter().all(|t| t.uuid.is_none()),
        "the example's uuids are null"
    );
    assert_eq!(
        list.data[5].shop.as_ref().unwrap().name.as_deref(),
        Some("Chum Bucket Online")
    );
    assert_eq!(list.meta.page, Some(1));
    assert_eq!(list.meta.last_page, Some(120));
    assert_eq!(list.meta.total, Some(1192));
}

#[test]
fn reads_the_single_transactions_of_seed_001() {
    for (body, uuid, cents) in [
        (
            SEED_001_CREATE,
            "355892c5-6bf7-4167-bae2-3bf2bf44c3dc",
            -1000,
        ),
        (SEED_001_GET, "9e6426ef-1916-4f3c-a94f-4cf6af4f945b", 5),
        (
            SEED_001_REVERSE,
            "355892c5-6bf7-4167-bae2-3bf2bf44c3dc",
            -1000,
        ),
    ] {
        let envelope = serde_json::from_str::<Envelope<GiftcardTransaction>>(body).unwrap();
        assert_eq!(envelope.data.uuid.as_deref(), Some(uuid));
        assert_eq!(envelope.data.amount_in_cents, cents);
        assert_eq!(envelope.data.kind.as_deref(), Some("STANDARD"));
        assert!(envelope.data.card.unwrap().uuid.is_some());
        assert_eq!(envelope.meta.page, None, "`meta: []` carries no paging");
    }
}

#[test]
fn reads_the_giftcard_of_the_contract() {
    let card = serde_json::from_str::<Giftcard>(CONTRACT_GIFTCARD).unwrap();
    assert_eq!(card.hash, "41651");
    assert_eq!(card.uuid, "bdfeabeb-…");
    assert_eq!(card.card_type, "DIGITAL");
    assert_eq!(card.amount_in_cents, 110);
    assert!(!card.upgradeable);
    assert_eq!(
        card.expiration_date.as_deref(),
        Some("2024-12-07T17:15:10+00:00")
    );
    let program = card.giftcard_program.unwrap();
    assert_eq!(program.max_amount_in_cents, Some(51000));
    assert_eq!(program.name.as_deref(), Some("My Giftcard program"));
}

#[test]
fn reads_the_giftcard_transaction_of_the_contract() {
    let body =
        CONTRACT_GIFTCARD_TRANSACTION.replace("{…optional…}", r#"{"kassa_op_id": "0190-op"}"#);
    let txn = serde_json::from_str::<GiftcardTransaction>(&body).unwrap();
    assert_eq!(txn.id, Some(2271));
    assert_eq!(txn.amount_in_cents, -1000);
    assert_eq!(txn.shop.unwrap().name.as_deref(), Some("Krusty Krab"));
    assert_eq!(txn.custom_attributes.unwrap()["kassa_op_id"], "0190-op");
}

#[test]
fn reads_the_flat_transaction_of_the_sdk_tests() {
    let flat = r#"{"id": 1, "uuid": "u", "amount_in_cents": 250, "card_id": 41650, "shop_id": 15, "created_at": "2023-11-12T16:10:15+00:00"}"#;
    let txn = serde_json::from_str::<GiftcardTransaction>(flat).unwrap();
    assert_eq!((txn.card_id, txn.shop_id), (Some(41650), Some(15)));
}

#[test]
fn reads_the_error_body_and_the_prepaid_balance() {
    let error = serde_json::from_str::<ErrorBody>(CONTRACT_ERROR).unwrap();
    assert_eq!(error.code, Some(5001));
    assert_eq!(error.status_code, Some(400));
    assert_eq!(error.message, "Giftcard not found.");
    let balance = serde_json::from_str::<PrepaidBalance>(CONTRACT_PREPAID_BALANCE).unwrap();
    assert_eq!(eur(balance.balance_in_cents).to_string(), "EUR 50.00");
    assert_eq!(balance.balance.as_deref(), Some("€50.00"));
}

#[test]
fn splits_every_bilingual_message_of_seed_001() {
    for (code, message) in SEED_001_ERRORS {
        let english = Language::English.pick(message);
        let dutch = Language::Dutch.pick(message);
        assert!(!english.contains(" | ") && !dutch.contains(" | "), "{code}");
        if message.contains(" | ") {
            assert_ne!(english, dutch, "{code}");
            assert!(
                message.ends_with(english) && message.starts_with(dutch),
                "{code}"
            );
        } else {
            assert_eq!(english, *message);
            assert_eq!(dutch, *message);
        }
    }
}

#[tokio::test]
async fn the_documented_answer_to_a_transaction_without_custom_attributes_is_read_as_unmarked() {
    // Leat as seed 001 shows it: the create answer carries no `custom_attributes`.
    let router = axum::Router::new().route(
        "/api/v3/oauth/clients/giftcard-transactions",
        axum::routing::post(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                SEED_001_CREATE,
            )
        }),
    );
    let running = kassa_sim::server::serve(router).await.unwrap();
    let config = LeatConfig {
        shop_uuid: Some("123123".into()),
        ..LeatConfig::new(running.url())
    };
    let currency = Currency::try_from("EUR".to_string()).unwrap();
    let client = LeatClient::new(&config, Secret::new("tok"), currency, Language::English).unwrap();

    let txn = client
        .create_giftcard_transaction("45d7ce10-16cc-4bb7-b37f-e8c4bc553fdf", &eur(-1000), "op-1")
        .await
        .unwrap();

    assert_eq!(
        txn.uuid.as_deref(),
        Some("355892c5-6bf7-4167-bae2-3bf2bf44c3dc")
    );
    assert_eq!(txn.amount, eur(-1000));
    assert_eq!(
        txn.card_uuid.as_deref(),
        Some("45d7ce10-16cc-4bb7-b37f-e8c4bc553fdf")
    );
    assert_eq!((txn.op_id, txn.has_custom_attributes), (None, false));
}
