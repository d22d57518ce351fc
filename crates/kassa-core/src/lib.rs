//! Kassa's core: the domain (money, card codes, providers' common vocabulary), the SQLite store
//! (journal and outbox), configuration and the till's use cases.
//!
//! This crate knows neither IPC nor HTTP. It defines the traits the outer crates implement:
//! [`provider::GiftCardProvider`] and [`pos::PosRecorder`] (HTTP clients in `kassa-providers`),
//! [`secrets::SecretStore`] (the OS keyring in the app, memory in tests) and [`clock::Clock`].

pub mod card;
pub mod cashiers;
pub mod checkout;
pub mod clock;
pub mod config;
pub mod holds;
pub mod lang;
pub mod manager_pin;
pub mod money;
pub mod outbox;
pub mod pos;
pub mod provider;
pub mod receipt;
pub mod routing;
pub mod secrets;
pub mod shifts;
pub mod store;
pub mod till;
