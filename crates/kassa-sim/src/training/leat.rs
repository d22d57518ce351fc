//! Leat demo cards and wallets.

use crate::leat::{LeatSim, DEFAULT_PROGRAM_UUID, DEFAULT_SHOP_UUID};

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

/// The Leat shop the training till books its transactions at.
pub const LEAT_SHOP_UUID: &str = DEFAULT_SHOP_UUID;

/// The gift card program the training till makes new Leat gift cards in.
pub const LEAT_PROGRAM_UUID: &str = DEFAULT_PROGRAM_UUID;

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

/// The Leat simulator seeded with the demo cards and wallets.
pub(super) fn sim() -> LeatSim {
    let leat = LeatSim::new(LEAT_TOKEN);
    for (hash, cents, expiry, _) in DEMO_LEAT_CARDS {
        leat.add_card(hash, *cents, *expiry);
    }
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
    leat
}
