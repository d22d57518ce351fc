//! The outbox (docs/design.md §4–5): every operation that moves money is written here before its
//! request leaves, then driven to a final state by the [`engine`], exactly once in effect.
//!
//! - [`model`]: operations, their states and the pure transition rules.
//! - [`queue`]: the `ops` table: enqueue, claim in order, record outcomes with the journal.
//! - [`engine`]: the executor loop over the providers' [`engine::OpExecutor`]s.
//! - [`review`]: what needs a person, and a manager's decisions.
//! - [`watchdog`]: open holds confirmed or cancelled before they expire, also after a crash.
//! - `card_codes`: a finished operation's full card code replaced by its masked form once
//!   nothing depends on it.

pub(crate) mod card_codes;
pub mod engine;
pub mod model;
pub mod queue;
pub mod review;
pub mod watchdog;

pub use engine::{Engine, EngineConfig, ExpBackoff, Health, OpExecutor, OutboxLink, RunStats};
pub use model::{NewOp, Op, OpKind, OpOutcome, OpState, Reconciled, Transition};
pub use queue::{Booked, QueueSummary};
pub use review::{Resolution, ReviewError, ReviewItem};
pub use watchdog::{WatchdogConfig, WatchdogReport};
