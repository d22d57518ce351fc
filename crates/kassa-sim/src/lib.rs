//! Simulators of Kassa's providers, written from `docs/providers.md` and never from
//! the clients' code, so that a client bug is not mirrored here. Tests start them on loopback;
//! training mode runs them in-process with demo cards.

pub mod faults;
pub mod leat;
pub mod lightspeed;
pub mod persist;
pub mod server;
pub mod shopwave;
pub mod training;
pub mod zmyle;

pub use server::Running;
