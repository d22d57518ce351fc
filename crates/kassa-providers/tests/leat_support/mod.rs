//! What the Leat client tests share: a simulator served on loopback and a client for it.

#![allow(dead_code)] // each test file uses its own part

use kassa_core::config::{LeatApi, LeatConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::secrets::Secret;
use kassa_providers::leat::{Language, LeatClient};
use kassa_sim::leat::{LeatSim, DEFAULT_SHOP_UUID};
use kassa_sim::server::serve;
use kassa_sim::Running;

pub const TOKEN: &str = "tok";

pub fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).unwrap()
}

pub fn euros(cents: i64) -> Money {
    Money::new(cents, eur())
}

/// A simulator being served, and its handle.
pub struct Leat {
    pub sim: LeatSim,
    pub running: Running,
}

impl Leat {
    pub async fn start(sim: LeatSim) -> Leat {
        let running = serve(sim.router()).await.unwrap();
        Leat { sim, running }
    }

    /// The till's configuration: this simulator, the default shop.
    pub fn config(&self, api: LeatApi) -> LeatConfig {
        LeatConfig {
            api,
            shop_uuid: Some(DEFAULT_SHOP_UUID.to_string()),
            timeout_ms: 2_000,
            ..LeatConfig::new(self.running.url())
        }
    }

    pub fn client(&self, api: LeatApi) -> LeatClient {
        self.client_in(api, Language::English)
    }

    pub fn client_in(&self, api: LeatApi, language: Language) -> LeatClient {
        LeatClient::new(&self.config(api), Secret::new(TOKEN), eur(), language).unwrap()
    }

    pub fn client_with(&self, config: LeatConfig, secret: &str) -> LeatClient {
        LeatClient::new(&config, Secret::new(secret), eur(), Language::English).unwrap()
    }
}

/// A fresh operation id, as the till's outbox makes them.
pub fn op_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
