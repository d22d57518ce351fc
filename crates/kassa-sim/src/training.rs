//! Training mode: every simulator on loopback, seeded with demo cards a cashier can scan.

use crate::leat::LeatSim;
use crate::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use crate::server::{serve, Running};

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
];

pub struct TrainingSims {
    pub leat: Running,
    pub lightspeed: Running,
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
    }
    Ok(TrainingSims {
        leat: serve(leat.router()).await?,
        lightspeed: serve(lightspeed.router()).await?,
    })
}
