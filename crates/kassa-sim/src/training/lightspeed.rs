//! Lightspeed demo cards.

use crate::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};

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
];

/// A pre-printed Lightspeed card number the demo ledger does not know: sold at the till, it is
/// issued (F7, sell).
pub const DEMO_LIGHTSPEED_BLANK: &str = "9100000000000009";

/// The Lightspeed simulator seeded with the demo cards.
pub(super) fn sim() -> LightspeedSim {
    let lightspeed = LightspeedSim::new();
    lightspeed.add_personal_token(LIGHTSPEED_TOKEN, &ALL_SCOPES);
    for (number, cents, status, expiry, _) in DEMO_LIGHTSPEED_CARDS {
        lightspeed.add_card(number, *cents, *status, *expiry);
    }
    lightspeed
}
