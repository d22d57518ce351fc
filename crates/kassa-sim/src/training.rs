//! Training mode: every simulator on loopback, seeded with demo cards a cashier can scan.

use crate::leat::LeatSim;
use crate::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use crate::leat::{LeatSim, DEFAULT_SHOP_UUID};
use crate::server::{serve, Running};
use crate::zmyle::{CardSpec, CardStatus, ZmyleSim};
use std::time::Duration;
use crate::shopwave::{App, ShopwaveSim};

/// The bearer token the training Leat simulator accepts; not a secret.
pub const LEAT_TOKEN: &str = "training-leat-token";

/// Demo cards, printed on the training card sheet and in the README.
pub const DEMO_LEAT_CARDS: &[(&str, i64, Option<&str>, &str)] = &[
    (
        "4165100001",
        2500,
        Some("2099-12-31T23:59:59+00:00"),
        "€25.00, valid",
    ),
    (
        "4165100002",
        110,
        Some("2099-12-31T23:59:59+00:00"),
        "€1.10, valid",
    ),
    (
        "4165100003",
        5000,
        Some("2024-01-31T23:59:59+00:00"),
        "€50.00, expired",
    ),
    ("4165100004", 0, None, "€0.00, used up, no expiry"),
];

/// The personal token the training Lightspeed simulator accepts; not a secret.
pub const LIGHTSPEED_TOKEN: &str = "training-lightspeed-token";

/// Lightspeed demo cards: number, cents loaded (a voided card shows 0), status, expiry, what
/// the card sheet says.
pub const DEMO_LIGHTSPEED_CARDS: &[(&str, i64, CardStatus, Option<&str>, &str)] = &[
    (
        "9100000000000001",
        7500,
        CardStatus::Active,
        Some("2099-12-31T23:59:59Z"),
        "€75.00, active",
    ),
    (
        "9100000000000002",
        2000,
        CardStatus::Voided,
        None,
        "voided (was €20.00)",
    ),
    (
        "9100000000000003",
        5000,
        CardStatus::Expired,
        Some("2024-01-31T23:59:59Z"),
        "€50.00, expired",
    ),
    (
        "9100000000000004",
        0,
        CardStatus::Redeemed,
        None,
        "€0.00, fully redeemed",
    ),
/// The API key and secret the training zmyle simulator accepts; not secrets.
pub const ZMYLE_API_KEY: &str = "training-zmyle-key";
pub const ZMYLE_API_SECRET: &str = "training-zmyle-secret";

/// A zmyle demo card.
pub struct DemoZmyleCard {
    pub short_id: &'static str,
    pub id: &'static str,
    pub access_token: &'static str,
    /// Balance in cents (for a blank card: what it is loaded with when sold).
    pub cents: i64,
    pub status: CardStatus,
    /// Cents held by an open intent of another till, so available < balance.
    pub held: i64,
    pub note: &'static str,
}

/// What the QR code of the €20.00 demo card `QTHX` holds (the example card of zmyle's
/// documentation). Typed by a scanner it must find the same card as `QTHX`.
pub const DEMO_ZMYLE_QR: &str =
    "https://www.smartcity-gutschein.de/g/18jja4mf08fn08f7gp9l/redeem?rt=hg84zhgnzuigui4hg3hg7834";

/// zmyle demo cards, by short id; `QTHX` also by [`DEMO_ZMYLE_QR`].
pub const DEMO_ZMYLE_CARDS: &[DemoZmyleCard] = &[
    DemoZmyleCard {
        short_id: "QTHX",
        id: "18jja4mf08fn08f7gp9l",
        access_token: "hg84zhgnzuigui4hg3hg7834",
        cents: 2000,
        status: CardStatus::Active,
        held: 0,
        note: "€20.00, valid; its QR code is DEMO_ZMYLE_QR",
    },
    DemoZmyleCard {
        short_id: "K7MR2P",
        id: "18jja4mf08fn08f7h2k3",
        access_token: "q8w4ne7rt2yx9vb3mz6k",
        cents: 5000,
        status: CardStatus::Active,
        held: 1500,
        note: "€50.00, of which €15.00 on hold: €35.00 available",
    },
    DemoZmyleCard {
        short_id: "NPAY",
        id: "18jja4mf08fn08f7n9p4",
        access_token: "x3c7v9b2n4m6q8w1e5r7",
        cents: 2500,
        status: CardStatus::Unpaid,
        held: 0,
        note: "€25.00, not paid yet: cannot be redeemed",
    },
    DemoZmyleCard {
        short_id: "BL4NK5",
        id: "18jja4mf08fn08f7b4l5",
        access_token: "t6y8u2i4o6p8a1s3d5f7",
        cents: 3000,
        status: CardStatus::Blank { sellable: true },
        held: 0,
        note: "pre-printed €30.00 card, not sold yet: activate it to sell it",
    },
    DemoZmyleCard {
        short_id: "FR6N",
        id: "18jja4mf08fn08f7f6r6",
        access_token: "g2h4j6k8l1z3x5c7v9b2",
        cents: 1000,
        status: CardStatus::Foreign,
        held: 0,
        note: "a card of another zmyle network: not found",
/// The Leat shop the training till books its transactions at.
pub const LEAT_SHOP_UUID: &str = DEFAULT_SHOP_UUID;

/// A demo Leat customer card (contact identifier).
pub struct DemoWallet {
    /// The code printed on the card.
    pub value: &'static str,
    /// The contact's e-mail and prepaid balance; none: not linked to a contact.
    pub contact: Option<(&'static str, i64)>,
    pub active: bool,
    /// What the training sheet says.
    pub note: &'static str,
}

/// Demo Leat customer cards whose contacts have prepaid wallets.
pub const DEMO_LEAT_WALLETS: &[DemoWallet] = &[
    DemoWallet {
        value: "LEATWALLET01",
        contact: Some(("wallet.demo@example.com", 4000)),
        active: true,
        note: "prepaid wallet, €40.00",
    },
    DemoWallet {
        value: "LEATWALLET02",
        contact: Some(("blocked.demo@example.com", 1500)),
        active: false,
        note: "prepaid wallet, card inactive",
    },
    DemoWallet {
        value: "LEATWALLET03",
        contact: None,
        active: true,
        note: "customer card not linked to a customer",
    },
];

pub struct TrainingSims {
    pub leat: Running,
    pub lightspeed: Running,
    pub zmyle: Running,
/// The training Shopwave back-office: its application, tokens and store; not secrets.
pub const SHOPWAVE_CLIENT_ID: &str = "training-shopwave-app";
pub const SHOPWAVE_CLIENT_SECRET: &str = "training-shopwave-secret";
pub const SHOPWAVE_REDIRECT_URI: &str = "http://127.0.0.1/kassa/oauth";
pub const SHOPWAVE_ACCESS_TOKEN: &str = "training-shopwave-access";
pub const SHOPWAVE_REFRESH_TOKEN: &str = "training-shopwave-refresh";
pub const SHOPWAVE_STORE_ID: i64 = 1;

pub struct TrainingSims {
    pub leat: Running,
    /// The POS back-office; its token endpoint is `/oauth/token`.
    pub shopwave: Running,
}

/// Starts the simulators on the current tokio runtime.
pub async fn start() -> std::io::Result<TrainingSims> {
    let leat = LeatSim::new(LEAT_TOKEN);
    for (hash, cents, expiry, _) in DEMO_LEAT_CARDS {
        leat.add_card(hash, *cents, *expiry);
    }
    let lightspeed = LightspeedSim::new();
    lightspeed.add_personal_token(LIGHTSPEED_TOKEN, &ALL_SCOPES);
    for (number, cents, status, expiry, _) in DEMO_LIGHTSPEED_CARDS {
        lightspeed.add_card(number, *cents, *status, *expiry);
    for wallet in DEMO_LEAT_WALLETS {
        let contact = wallet
            .contact
            .map(|(email, cents)| leat.add_contact(email, cents));
        leat.add_identifier(
            wallet.value,
            "Kassa demo customer card",
            contact.as_deref(),
            wallet.active,
        );
    }
    Ok(TrainingSims {
        leat: serve(leat.router()).await?,
        lightspeed: serve(lightspeed.router()).await?,
        zmyle: serve(training_zmyle().router()).await?,
    let shopwave = ShopwaveSim::new(
        App {
            client_id: SHOPWAVE_CLIENT_ID.into(),
            client_secret: SHOPWAVE_CLIENT_SECRET.into(),
            redirect_uri: SHOPWAVE_REDIRECT_URI.into(),
        },
        &[SHOPWAVE_STORE_ID],
    );
    shopwave.grant_tokens(SHOPWAVE_ACCESS_TOKEN, SHOPWAVE_REFRESH_TOKEN);
    Ok(TrainingSims {
        leat: serve(leat.router()).await?,
        shopwave: serve(shopwave.router()).await?,
    })
}

fn training_zmyle() -> ZmyleSim {
    let zmyle = ZmyleSim::new(ZMYLE_API_KEY, ZMYLE_API_SECRET);
    zmyle.set_statement_descriptor("Kassa Training");
    for demo in DEMO_ZMYLE_CARDS {
        // A blank card holds nothing until it is sold.
        let balance = match demo.status {
            CardStatus::Blank { .. } => 0,
            _ => demo.cents,
        };
        zmyle.add_card(CardSpec {
            balance,
            initial_amount: demo.cents,
            status: demo.status,
            preprinted: matches!(demo.status, CardStatus::Blank { .. }),
            ..CardSpec::active(demo.id, demo.short_id, demo.access_token, balance)
        });
        if demo.held > 0 {
            // Another till's hold that lasts as long as training does.
            zmyle.place_hold(
                demo.short_id,
                demo.held,
                Duration::from_secs(100 * 365 * 86_400),
            );
        }
    }
    zmyle
}
