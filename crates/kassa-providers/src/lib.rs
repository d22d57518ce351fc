//! HTTP clients of Kassa's providers. Each implements `kassa-core`'s traits and converts between
//! the provider's wire format and the till's types at this boundary only.

pub mod executor;
mod http;
pub mod leat;
pub mod lightspeed;
pub mod shopwave;
pub mod wiring;
pub mod zmyle;
