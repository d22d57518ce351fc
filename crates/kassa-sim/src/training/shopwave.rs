//! The Shopwave back-office of training mode: one store, an application, granted tokens.

use crate::shopwave::{App, ShopwaveSim};

/// The training Shopwave back-office: its application, tokens and store; not secrets.
pub const SHOPWAVE_CLIENT_ID: &str = "training-shopwave-app";
pub const SHOPWAVE_CLIENT_SECRET: &str = "training-shopwave-secret";
pub const SHOPWAVE_REDIRECT_URI: &str = "http://127.0.0.1/kassa/oauth";
pub const SHOPWAVE_ACCESS_TOKEN: &str = "training-shopwave-access";
pub const SHOPWAVE_REFRESH_TOKEN: &str = "training-shopwave-refresh";
pub const SHOPWAVE_STORE_ID: i64 = 1;

/// The Shopwave simulator with the training application and tokens.
pub(super) fn sim() -> ShopwaveSim {
    let shopwave = ShopwaveSim::new(
        App {
            client_id: SHOPWAVE_CLIENT_ID.into(),
            client_secret: SHOPWAVE_CLIENT_SECRET.into(),
            redirect_uri: SHOPWAVE_REDIRECT_URI.into(),
        },
        &[SHOPWAVE_STORE_ID],
    );
    shopwave.grant_tokens(SHOPWAVE_ACCESS_TOKEN, SHOPWAVE_REFRESH_TOKEN);
    shopwave
}
