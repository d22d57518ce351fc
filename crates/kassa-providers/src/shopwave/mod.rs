//! Shopwave (MerchantStack) POS back-office: records each sale as a basket with its lines and
//! payment transactions (docs/providers.md §4). Implements [`kassa_core::pos::PosRecorder`].
//!
//! - `auth`: OAuth 2.0 authorization code and refresh; tokens live in the SecretStore.
//! - `envelope`: the `api.message` envelope of every answer and the meaning of its ids.
//! - `wire`: baskets and transactions as JSON, pence and exact prices, and where our references
//!   travel (the basket's `name`, the transaction's `Note`).
//! - `client`: batched writes (at most 200 objects per call) with one outcome per object, each
//!   matched to its record by content, and read-back by Shopwave's documented id filters sent
//!   as request headers (Shopwave refuses query strings).

pub mod auth;
mod client;
pub mod envelope;
pub mod wire;

pub use client::ShopwaveClient;
