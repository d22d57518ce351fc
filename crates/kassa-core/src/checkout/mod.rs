//! The checkout (docs/design.md §5–6): a sale rung up, paid with several tenders, and completed or
//! abandoned, every step persisted so a restart resumes where the sale was.
//!
//! Money moves only through the outbox. A zmyle card is held when tendered (a `reserve`) and
//! confirmed once the sale completes; a holdless card (Leat, Lightspeed) is looked up when
//! tendered and redeemed at Complete while the cashier waits, bounded by
//! `[checkout] charge_timeout_ms`. An answer that does not come in time is judged by the offline
//! policy ([`offline`]). Removing a tender or abandoning the sale undoes what was taken: an
//! operation that has not left is withdrawn, one that may have been applied gets a cancel or a
//! reversal queued after it.
//!
//! - [`model`]: sales, lines, tenders and their sums.
//! - [`records`]: the tables, written whole with the step's operations in one transaction.
//! - [`offline`]: the caps, and card codes known only by a keyed hash.
//! - `card_lines`: gift cards sold or reloaded as lines, loaded once the sale is paid;
//!   [`new_cards`]: new cards with no code, made by their provider after the sale.

mod card_lines;
pub mod model;
pub mod new_cards;
pub mod notes;
pub mod offline;
pub(crate) mod records;
pub mod refunds;
mod settle;
mod tenders;

pub use card_lines::OWED_KEY;
pub use model::{CardAction, CardLine, Line, Sale, SaleState, Tender, TenderKind, TenderState};
pub use offline::{CardKeyer, Verdict};
pub use records::{KnownCard, OpProgress};

use crate::card::CodeError;
use crate::clock::Clock;
use crate::config::{CheckoutConfig, OfflineCaps};
use crate::lang::{Sentence, Text};
use crate::money::{Currency, MAX_AMOUNT_MINOR};
use crate::outbox::{OpKind, OutboxLink};
use crate::provider::{CardKind, ProviderId};
use crate::store::{Store, StoreError};
use crate::till::{LookupError, Till};
use records::Effects;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use thiserror::Error;
use time::OffsetDateTime;

#[derive(Debug, Error)]
pub enum CheckoutError {
    /// An amount, line or code that cannot be taken, in the cashier's words.
    #[error("{0}")]
    Invalid(Sentence),
    /// The sale is not in a state for this (e.g. completed already).
    #[error("{0}")]
    State(Sentence),
    /// The card cannot pay: expired, empty, already on the sale, refused by its provider.
    #[error("{0}")]
    Declined(Sentence),
    #[error(transparent)]
    Lookup(#[from] LookupError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CodeError> for CheckoutError {
    fn from(e: CodeError) -> Self {
        CheckoutError::Lookup(LookupError::Code(e))
    }
}

/// What a scanned card would pay of the sale.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub provider: ProviderId,
    pub kind: CardKind,
    pub card_masked: String,
    /// What the card has to spend, as its provider said (or as last known, offline).
    pub available_minor: i64,
    /// min(available, still to pay): what Enter accepts.
    pub amount_minor: i64,
    /// Set when the provider could not be asked: the last known balance was used, seen then.
    pub offline_since: Option<OffsetDateTime>,
    pub holder: Option<String>,
    card_id: String,
}

/// How a Complete ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    /// Durable, its operations queued: the screen may say Paid.
    Paid(Sale),
    /// A card refused; the sale is back to tendering without it.
    Refused { sale: Sale, reasons: Vec<Sentence> },
    /// A card's provider did not answer and the tender is over a cap: a manager's PIN accepts
    /// it (complete again, approved), or the cashier takes it off and takes another tender.
    NeedsApproval { sale: Sale, reasons: Vec<Sentence> },
}

pub struct Checkout {
    till: Arc<Till>,
    store: Arc<Store>,
    keyer: CardKeyer,
    link: OutboxLink,
    config: CheckoutConfig,
    caps: OfflineCaps,
    currency: Currency,
    /// A POS back-office is configured: completed sales are recorded there.
    pos: Option<ProviderId>,
    clock: Arc<dyn Clock>,
    /// The latest proposal per (sale, card key): what the cashier may accept without a second
    /// look-up.
    proposals: Mutex<HashMap<(String, String), Proposal>>,
    /// One step of one sale at a time (a scan may arrive while Complete waits).
    gate: tokio::sync::Mutex<()>,
}

/// The parts a checkout is made of.
pub struct CheckoutParts {
    pub till: Arc<Till>,
    pub store: Arc<Store>,
    pub keyer: CardKeyer,
    pub link: OutboxLink,
    pub config: CheckoutConfig,
    pub caps: OfflineCaps,
    pub currency: Currency,
    pub pos: Option<ProviderId>,
    pub clock: Arc<dyn Clock>,
}

/// `doing`: what was asked, a phrase of the catalog (`Text::DoingAddLine`, ...).
fn state_error(sale: &Sale, doing: Text) -> CheckoutError {
    let text = match sale.state {
        SaleState::Completed => Text::SaleIsPaid,
        SaleState::Abandoned => Text::SaleWasAbandoned,
        SaleState::Completing => Text::SaleIsCompleting,
        _ => Text::NotPossibleNow,
    };
    CheckoutError::State(
        Sentence::new(text)
            .with("number", sale.number)
            .with("doing", doing),
    )
}

impl Checkout {
    pub fn new(parts: CheckoutParts) -> Self {
        Checkout {
            store: parts.store,
            till: parts.till,
            keyer: parts.keyer,
            link: parts.link,
            config: parts.config,
            caps: parts.caps,
            currency: parts.currency,
            pos: parts.pos,
            clock: parts.clock,
            proposals: Mutex::default(),
            gate: tokio::sync::Mutex::new(()),
        }
    }

    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    /// The sale the till is on, if any, with its tenders as far as their operations have got.
    pub fn current(&self) -> Result<Option<Sale>, CheckoutError> {
        let Some(mut sale) = self.store.current_sale()? else {
            return Ok(None);
        };
        self.refresh(&mut sale)?;
        Ok(Some(sale))
    }

    /// One sale, with its tenders as far as their operations have got.
    pub fn sale(&self, id: &str) -> Result<Sale, CheckoutError> {
        let mut sale = self.load(id)?;
        self.refresh(&mut sale)?;
        Ok(sale)
    }

    /// Sales since `since`, newest first.
    pub fn sales(
        &self,
        since: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Sale>, CheckoutError> {
        Ok(self.store.sales_since(since, limit)?)
    }

    fn load(&self, id: &str) -> Result<Sale, CheckoutError> {
        self.store
            .sale(id)?
            .ok_or_else(|| CheckoutError::Invalid(Sentence::new(Text::NoSuchSale).with("id", id)))
    }

    /// Loads a sale to change it: unfinished, and not in the middle of Complete.
    fn open_for(&self, id: &str, doing: Text) -> Result<Sale, CheckoutError> {
        let mut sale = self.load(id)?;
        if !matches!(sale.state, SaleState::Open | SaleState::Tendering) {
            return Err(state_error(&sale, doing));
        }
        self.refresh(&mut sale)?;
        Ok(sale)
    }

    /// The unfinished sale, or a new one.
    pub async fn open(&self) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        match self.current()? {
            Some(sale) => Ok(sale),
            None => Ok(self.store.insert_sale(&self.currency)?),
        }
    }

    /// Rings up a line: `quantity` × `unit_price_minor`.
    pub async fn add_line(
        &self,
        sale_id: &str,
        description: &str,
        quantity: i64,
        unit_price_minor: i64,
    ) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        model::validate_line(description, quantity, unit_price_minor)
            .map_err(CheckoutError::Invalid)?;
        let mut sale = self.open_for(sale_id, Text::DoingAddLine)?;
        let total = sale.total_minor() + quantity * unit_price_minor;
        if total > MAX_AMOUNT_MINOR {
            return Err(CheckoutError::Invalid(Text::LineTooMuch.into()));
        }
        sale.lines.push(Line {
            pos: sale.next_line_pos(),
            description: description.trim().to_string(),
            quantity,
            unit_price_minor,
            card: None,
        });
        self.save(&mut sale, Effects::default())?;
        Ok(sale)
    }

    /// Takes a line off, unless what is paid would then be more than the sale.
    pub async fn remove_line(&self, sale_id: &str, pos: i64) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        let mut sale = self.open_for(sale_id, Text::DoingRemoveLine)?;
        let before = sale.lines.len();
        sale.lines.retain(|l| l.pos != pos);
        if sale.lines.len() == before {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::NoSuchLine).with("pos", pos),
            ));
        }
        if sale.paid_minor() > sale.due_minor() {
            return Err(CheckoutError::Invalid(Text::PaidMoreThanSale.into()));
        }
        self.save(&mut sale, Effects::default())?;
        Ok(sale)
    }

    /// Gives the sale up: every tender taken is undone through the outbox (holds cancelled,
    /// redemptions reversed); what cannot be undone lands on the review list with the amount
    /// owed. Returns the sale with each undo queued.
    pub async fn abandon(&self, sale_id: &str, reason: &str) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        self.abandon_locked(sale_id, reason)
    }

    fn abandon_locked(&self, sale_id: &str, reason: &str) -> Result<Sale, CheckoutError> {
        let mut sale = self.load(sale_id)?;
        if sale.state.is_final() {
            return Err(state_error(&sale, Text::DoingAbandon));
        }
        self.refresh(&mut sale)?;
        let mut effects = Effects::default();
        for index in 0..sale.tenders.len() {
            if sale.tenders[index].state.counts() {
                effects.undo.extend(self.take_off(&mut sale, index)?.undo);
            }
        }
        sale.state = SaleState::Abandoned;
        sale.note = Some(reason.to_string());
        sale.finished_at = Some(self.clock.now());
        let total = sale.total_minor();
        self.save_with(&mut sale, effects, Some(("sale", "abandoned", Some(total))))?;
        Ok(sale)
    }

    /// Abandons the sales left open longer than `[checkout] abandon_after_minutes` (an empty
    /// one, waiting for the next customer, stays).
    pub async fn abandon_stale(&self) -> Result<Vec<Sale>, CheckoutError> {
        let Some(limit) = self.config.abandon_after() else {
            return Ok(Vec::new());
        };
        let _gate = self.gate.lock().await;
        let now = self.clock.now();
        let mut abandoned = Vec::new();
        for sale in self.store.unfinished_sales()? {
            let empty = sale.lines.is_empty() && sale.tenders.is_empty();
            if !empty && sale.created_at + limit <= now {
                let reason = notes::left_open(self.config.abandon_after_minutes).to_string();
                abandoned.push(self.abandon_locked(&sale.id, &reason)?);
            }
        }
        Ok(abandoned)
    }

    /// Completes the sale when everything is paid. Holdless cards are charged now, while the
    /// cashier waits (bounded); then zmyle holds are confirmed and the sale recorded, all
    /// through the outbox, in the same transaction that marks it completed.
    /// `approved_by`: the manager who accepts offline tenders over a cap (their PIN checked by
    /// the caller), named on those tenders.
    pub async fn complete(
        &self,
        sale_id: &str,
        approved_by: Option<&str>,
    ) -> Result<Completion, CheckoutError> {
        let _gate = self.gate.lock().await;
        let mut sale = self.load(sale_id)?;
        self.refresh(&mut sale)?;
        match sale.state {
            SaleState::Completed => return Ok(Completion::Paid(sale)),
            SaleState::Abandoned => return Err(state_error(&sale, Text::DoingComplete)),
            _ => {}
        }
        if sale.lines.is_empty() {
            return Err(CheckoutError::Invalid(Text::RingUpFirst.into()));
        }
        if sale.remaining_minor() > 0 {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::StillToPay).money(
                    "amount",
                    sale.remaining_minor(),
                    &self.currency,
                ),
            ));
        }
        // Charge the holdless cards: their redemptions, written with the sale's new state.
        let mut effects = Effects::default();
        for index in 0..sale.tenders.len() {
            if sale.tenders[index].state == TenderState::Checked {
                let op = self.card_op(&sale, &sale.tenders[index], OpKind::Redeem);
                let t = &mut sale.tenders[index];
                t.op_id = Some(op.id.clone());
                t.state = TenderState::Charging;
                effects.enqueue.push(op);
            }
        }
        sale.state = SaleState::Completing;
        self.save(&mut sale, effects)?;
        let waiting: Vec<String> = sale
            .tenders
            .iter()
            .filter(|t| matches!(t.state, TenderState::Charging | TenderState::Holding))
            .filter_map(|t| t.op_id.clone())
            .collect();
        self.wait_for(&waiting).await?;
        let before: Vec<TenderState> = sale.tenders.iter().map(|t| t.state).collect();
        self.refresh(&mut sale)?;
        let refused: Vec<Sentence> = sale
            .tenders
            .iter()
            .zip(&before)
            .filter(|(t, was)| t.state == TenderState::Refused && **was != TenderState::Refused)
            .map(|(t, _)| refusal_text(t))
            .collect();
        if !refused.is_empty() {
            sale.state = SaleState::Tendering;
            self.save_with(
                &mut sale,
                Effects::default(),
                Some(("sale", "refused", None)),
            )?;
            return Ok(Completion::Refused {
                sale,
                reasons: refused,
            });
        }
        match self.judge_unanswered(&mut sale, approved_by)? {
            settle::Judged::Accepted => {}
            settle::Judged::Refused(effects, reasons) => {
                sale.state = SaleState::Tendering;
                self.save_with(&mut sale, effects, Some(("sale", "refused", None)))?;
                return Ok(Completion::Refused { sale, reasons });
            }
            settle::Judged::NeedsManager(reasons) => {
                sale.state = SaleState::Tendering;
                self.save(&mut sale, Effects::default())?;
                return Ok(Completion::NeedsApproval { sale, reasons });
            }
        }
        let effects = self.finish(&mut sale);
        let total = sale.total_minor();
        self.save_with(&mut sale, effects, Some(("sale", "completed", Some(total))))?;
        self.wait_for_new_cards(&sale).await?;
        Ok(Completion::Paid(sale))
    }

    /// A sale a killed process left unfinished is settled: one caught in `Completing` is
    /// completed if its tenders allow (no manager is there to approve), else abandoned; one
    /// still being rung up or tendered is abandoned. For the headless `kassa sale`.
    pub async fn settle_interrupted(&self) -> Result<Vec<Sale>, CheckoutError> {
        let mut settled = Vec::new();
        for sale in self.store.unfinished_sales()? {
            if sale.state == SaleState::Completing {
                match self.complete(&sale.id, None).await {
                    Ok(Completion::Paid(done)) => {
                        settled.push(done);
                        continue;
                    }
                    Ok(_) => {}
                    Err(CheckoutError::Store(e)) => return Err(e.into()),
                    // It cannot be completed (a card refused since: something is still to
                    // pay): abandoned, like a sale that was never completed.
                    Err(e) => {
                        tracing::warn!(sale = sale.number, error = %e, "an interrupted sale cannot be completed")
                    }
                }
            }
            let _gate = self.gate.lock().await;
            settled.push(self.abandon_locked(&sale.id, &notes::interrupted().to_string())?);
        }
        Ok(settled)
    }
}

/// A refused tender as the cashier reads it: the provider's reason as it sent it.
fn refusal_text(t: &Tender) -> Sentence {
    let who = format!(
        "{} {}",
        t.provider.map_or("", |p| p.display_name()),
        t.card_masked.as_deref().unwrap_or("")
    );
    let reason = match t.message.as_deref() {
        Some(message) => Sentence::verbatim(message),
        None => Text::Refused.into(),
    };
    Sentence::new(Text::TenderRefused)
        .with("who", who)
        .with("reason", reason)
}

/// A checkout with the default settings over `till`, for the unit tests: no engine, no
/// back-office.
#[cfg(test)]
pub(crate) fn test_checkout(till: Till, store: Arc<Store>, clock: Arc<dyn Clock>) -> Checkout {
    let config = crate::config::Config::default();
    Checkout::new(CheckoutParts {
        till: Arc::new(till),
        store,
        keyer: CardKeyer::from_secrets(&crate::secrets::MemorySecretStore::default()).unwrap(),
        link: OutboxLink::detached(),
        config: config.checkout.clone(),
        caps: config.offline.caps(&config.register.currency).unwrap(),
        currency: config.register.currency.clone(),
        pos: None,
        clock,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use std::time::Duration;

    /// A cash-only till whose clock reads `ahead` later than the sales were made.
    fn checkout(dir: &tempfile::TempDir, ahead: Duration) -> Checkout {
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let clock = Arc::new(FixedClock(OffsetDateTime::now_utc() + ahead));
        test_checkout(Till::new(store.clone(), clock.clone(), true), store, clock)
    }

    #[tokio::test]
    async fn a_sale_left_open_too_long_is_abandoned_and_an_empty_one_waits() {
        let dir = tempfile::tempdir().unwrap();
        let now = checkout(&dir, Duration::ZERO);
        let sale = now.open().await.unwrap();
        now.add_line(&sale.id, "Tea", 1, 500).await.unwrap();
        now.tender_cash(&sale.id, 200).await.unwrap();
        assert!(now.abandon_stale().await.unwrap().is_empty(), "not yet");

        let later = checkout(&dir, Duration::from_secs(21 * 60));
        let abandoned = later.abandon_stale().await.unwrap();
        assert_eq!(abandoned.len(), 1);
        assert_eq!(abandoned[0].state, SaleState::Abandoned);
        assert_eq!(abandoned[0].tenders[0].state, TenderState::Removed);
        assert!(abandoned[0].note.as_deref().unwrap().contains("20 minutes"));

        let next = later.open().await.unwrap();
        assert_ne!(next.id, sale.id);
        let much_later = checkout(&dir, Duration::from_secs(3600));
        assert!(much_later.abandon_stale().await.unwrap().is_empty());
        assert_eq!(much_later.current().unwrap().unwrap().id, next.id);
    }
}
