//! What Kassa's chaos and crash tests share (a test tool, never part of the till):
//!
//! - [`sims`]: the four providers' simulators, served on loopback, with many cards and seeded
//!   random faults on (latency, 5xx, 429 + Retry-After, maintenance, connections dropped before
//!   and after the write was applied, answers slower than the clients' timeout, and at Leat
//!   writes applied after the till gave up on them, within its settle time), and Leat prepaid
//!   wallets;
//! - [`sales`]: randomized sales, each a few provider operations plus the `record_sale` of the
//!   sale for the POS back-office, ready for `Store::enqueue`;
//! - [`ledgers`]: after the queue drained, every simulator's records equal the till's journal,
//!   operation by operation;
//! - [`refusals`]: every refusal of a payment or hold is explained by a model of the card;
//! - [`clients`]: the real clients and the outbox engine over them, for in-process runs;
//! - [`checkout`]: the checkout core over those clients, randomized sales through it, and
//!   the checks of every sale, card and provider record against the model the driver kept;
//! - [`shopwave`]: which sale or tender a Shopwave basket or payment records;
//! - [`printer`]: a receipt printer on 127.0.0.1 (ESC/POS status answers, every byte kept)
//!   and a decoder of what it received.
//!
//! The seed is fixed; `KASSA_CHAOS_SEED` explores others.

pub mod checkout;
pub mod clients;
pub mod ledgers;
pub mod printer;
pub mod refusals;
pub mod sales;
pub mod shopwave;
pub mod sims;

pub use ledgers::{
    assert_ledgers_equal_journal, assert_ledgers_equal_journal_besides, Besides, OpCards,
};
pub use refusals::assert_refusals_explained;
pub use sales::{cards_of, sales};
pub use sims::{sims, Sims, Urls};

/// The seed: fixed, or `KASSA_CHAOS_SEED` to explore others.
pub fn seed() -> u64 {
    std::env::var("KASSA_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_122)
}
