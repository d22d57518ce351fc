//! Training mode: every simulator on loopback, seeded with demo data a cashier can scan. The
//! demo cards are listed here (and in the README) so a trainer can print a card sheet.

mod leat;
mod lightspeed;
mod shopwave;
mod zmyle;

pub use leat::*;
pub use lightspeed::*;
pub use shopwave::*;
pub use zmyle::*;

use crate::server::{serve, Running};

/// The simulators of training mode; each stops when dropped.
pub struct TrainingSims {
    pub leat: Running,
    pub lightspeed: Running,
    pub zmyle: Running,
    /// The POS back-office; its token endpoint is `/oauth/token`.
    pub shopwave: Running,
}

/// Starts the simulators on the current tokio runtime.
pub async fn start() -> std::io::Result<TrainingSims> {
    Ok(TrainingSims {
        leat: serve(leat::sim().router()).await?,
        lightspeed: serve(lightspeed::sim().router()).await?,
        zmyle: serve(zmyle::sim().router()).await?,
        shopwave: serve(shopwave::sim().router()).await?,
    })
}
