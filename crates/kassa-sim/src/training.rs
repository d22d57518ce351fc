//! Training mode: every simulator on loopback, seeded with demo cards a cashier can scan.

use crate::leat::LeatSim;
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

pub struct TrainingSims {
    pub leat: Running,
}

/// Starts the simulators on the current tokio runtime.
pub async fn start() -> std::io::Result<TrainingSims> {
    let leat = LeatSim::new(LEAT_TOKEN);
    for (hash, cents, expiry, _) in DEMO_LEAT_CARDS {
        leat.add_card(hash, *cents, *expiry);
    }
    Ok(TrainingSims {
        leat: serve(leat.router()).await?,
    })
}
