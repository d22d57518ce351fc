//! Training mode: every simulator on loopback, seeded with demo cards a cashier can scan.

use crate::leat::LeatSim;
use crate::server::{serve, Running};
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
