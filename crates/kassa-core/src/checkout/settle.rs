//! The checkout's inner steps: reading how far a sale's operations have got, waiting for them
//! (bounded), judging unanswered tenders by the offline policy, undoing a tender, and the
//! operations that finish a sale.

use super::model::{Sale, SaleState, Tender, TenderKind, TenderState};
use super::offline::{judge, Exposure, Verdict};
use super::records::{write_sale, Effects};
use super::{Checkout, CheckoutError};
use crate::lang::{Sentence, Text, Value};
use crate::money::Money;
use crate::outbox::{NewOp, OpKind, OpState};
use crate::pos::{sale_payload, PaymentKind, PosLine, PosPayment, PosSale};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How unanswered tenders were judged at Complete.
pub(super) enum Judged {
    /// None left, or each accepted offline.
    Accepted,
    /// Offline acceptance is off: these tenders were taken off (their undo in the effects).
    Refused(Effects, Vec<Sentence>),
    /// Over a cap, and no manager approved.
    NeedsManager(Vec<Sentence>),
}

impl Checkout {
    /// Brings each tender's state up to its operation's: a hold granted, a redemption taken, a
    /// refusal with the provider's reason. Changes only the sale in memory.
    pub(super) fn refresh(&self, sale: &mut Sale) -> Result<(), CheckoutError> {
        let ids: Vec<String> = sale
            .tenders
            .iter()
            .filter(|t| matches!(t.state, TenderState::Holding | TenderState::Charging))
            .filter_map(|t| t.op_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let progress: HashMap<String, _> = self
            .store
            .op_progress(&ids)?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        for t in &mut sale.tenders {
            let Some(p) = t.op_id.as_ref().and_then(|id| progress.get(id)) else {
                continue;
            };
            match (t.state, p.state) {
                (TenderState::Holding, OpState::Succeeded) => t.state = TenderState::Held,
                (TenderState::Charging, OpState::Succeeded) => t.state = TenderState::Taken,
                (TenderState::Holding | TenderState::Charging, OpState::Declined) => {
                    t.state = TenderState::Refused;
                    t.message = p.last_error.clone();
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub(super) fn refresh_and_save(&self, sale: &mut Sale) -> Result<(), CheckoutError> {
        let before = sale.clone();
        self.refresh(sale)?;
        if *sale != before {
            self.save(sale, Effects::default())?;
        }
        Ok(())
    }

    /// Waits until each operation has had its answer, or cannot have one before the deadline
    /// (`[checkout] charge_timeout_ms`): final, or back in the queue with its next attempt
    /// after the deadline (the provider is down, or an unknown outcome must settle first).
    pub(super) async fn wait_for(&self, ids: &[String]) -> Result<(), CheckoutError> {
        if ids.is_empty() {
            return Ok(());
        }
        let timeout = self.config.charge_timeout();
        let started = Instant::now();
        let deadline = self.clock.now() + timeout;
        let mut link = self.link.clone();
        loop {
            let progress = self.store.op_progress(ids)?;
            // An answer, or none to be had before the deadline (retry or settle time after it).
            let answered = |p: &super::OpProgress| {
                p.state.is_final()
                    || (p.attempts > 0
                        && matches!(p.state, OpState::Pending | OpState::Unknown)
                        && p.next_attempt_at.is_none_or(|next| next > deadline))
            };
            let waiting = !progress.iter().all(answered);
            let left = timeout.saturating_sub(started.elapsed());
            if !waiting || left.is_zero() {
                return Ok(());
            }
            // Woken by the engine's writes; the poll covers an engine in another process.
            tokio::select! {
                _ = link.written() => {}
                _ = tokio::time::sleep(left.min(Duration::from_millis(50))) => {}
            }
        }
    }

    /// The operation that moves a card tender's money.
    pub(super) fn card_op(&self, sale: &Sale, t: &Tender, kind: OpKind) -> NewOp {
        let provider = t.provider.expect("a card tender has a provider");
        let code = t
            .card_code
            .as_deref()
            .expect("an unfinished sale keeps its codes");
        let amount = Money::new(t.amount_minor, self.currency.clone());
        let op = if t.kind == TenderKind::Wallet {
            NewOp::leat_prepaid(kind, code, t.card_id.as_deref().unwrap_or_default(), amount)
        } else {
            NewOp::new(provider, kind, Some(code), amount)
        };
        op.in_sale(&sale.id)
    }

    /// Takes tender `index` off: marks it removed and returns the undo of what it may have
    /// taken (a cancel after a hold, a reversal after a redemption). The undo is dropped in
    /// the write if the operation had not left (it is withdrawn instead).
    pub(super) fn take_off(&self, sale: &mut Sale, index: usize) -> Result<Effects, CheckoutError> {
        let mut effects = Effects::default();
        let t = &sale.tenders[index];
        let undo = match (t.state, &t.op_id) {
            (TenderState::Holding | TenderState::Held, Some(reserve)) => {
                Some(self.card_op(sale, t, OpKind::Cancel).after(reserve))
            }
            (TenderState::Charging | TenderState::Taken | TenderState::Offline, Some(redeem)) => {
                Some(self.card_op(sale, t, OpKind::Reverse).after(redeem))
            }
            _ => None,
        };
        let t = &mut sale.tenders[index];
        t.state = TenderState::Removed;
        if t.kind == TenderKind::Terminal {
            t.message = Some(super::notes::refund_on_terminal().to_string());
        }
        if let Some(undo) = undo {
            t.undo_op_id = Some(undo.id.clone());
            effects.undo.push(undo);
        }
        Ok(effects)
    }

    /// Applies the offline policy to the tenders whose provider has not answered.
    pub(super) fn judge_unanswered(
        &self,
        sale: &mut Sale,
        approved_by: Option<&str>,
    ) -> Result<Judged, CheckoutError> {
        let now = self.clock.now();
        let mut outstanding = self.store.offline_outstanding()?;
        let mut needs_manager = Vec::new();
        let mut off = Vec::new();
        let mut accepted = Vec::new();
        for (index, t) in sale.tenders.iter().enumerate() {
            if !matches!(t.state, TenderState::Holding | TenderState::Charging) {
                continue;
            }
            let key = t.card_key.as_deref().unwrap_or_default();
            let exposure = Exposure {
                amount_minor: t.amount_minor,
                known: self
                    .store
                    .known_card(key)?
                    .map(|k| (k.balance.minor, k.seen_at)),
                card_day_minor: self
                    .store
                    .offline_on_card_since(key, now - Duration::from_secs(24 * 3600))?,
                outstanding_minor: outstanding,
            };
            let who = format!(
                "{} {}",
                t.provider.map_or("", |p| p.display_name()),
                t.card_masked.as_deref().unwrap_or("")
            );
            match judge(&self.caps, &exposure, now, &self.currency) {
                Verdict::Accept => accepted.push((index, None)),
                Verdict::NeedsManager(_) if approved_by.is_some() => {
                    accepted.push((index, approved_by.map(str::to_string)))
                }
                Verdict::NeedsManager(reasons) => needs_manager.push(
                    Sentence::new(Text::NoAnswerNeedsManager)
                        .with("who", who)
                        .with("reasons", Value::List(reasons)),
                ),
                Verdict::Off => off.push((
                    index,
                    Sentence::new(Text::NoAnswerOfflineOff).with("who", who),
                )),
            }
            outstanding += t.amount_minor;
        }
        if !off.is_empty() {
            let mut effects = Effects::default();
            let mut reasons = Vec::new();
            for (index, reason) in off {
                effects.undo.extend(self.take_off(sale, index)?.undo);
                reasons.push(reason);
            }
            return Ok(Judged::Refused(effects, reasons));
        }
        if !needs_manager.is_empty() {
            return Ok(Judged::NeedsManager(needs_manager));
        }
        for (index, approved_by) in accepted {
            let t = &mut sale.tenders[index];
            t.state = TenderState::Offline;
            t.offline_at = Some(now);
            t.message = Some(super::notes::accepted_offline(t.provider).to_string());
            t.approved_by = approved_by;
        }
        Ok(Judged::Accepted)
    }

    /// Marks the sale completed, with the confirms of its holds and its record for the POS
    /// back-office, to be written in one transaction.
    pub(super) fn finish(&self, sale: &mut Sale) -> Effects {
        let mut effects = Effects::default();
        for index in 0..sale.tenders.len() {
            let t = &sale.tenders[index];
            let holding = matches!(
                t.state,
                TenderState::Held | TenderState::Offline | TenderState::Holding
            );
            if t.is_held_kind() && holding {
                if let Some(reserve) = t.op_id.clone() {
                    let confirm = self.card_op(sale, t, OpKind::Confirm).after(&reserve);
                    sale.tenders[index].confirm_op_id = Some(confirm.id.clone());
                    effects.enqueue.push(confirm);
                }
            }
        }
        effects.enqueue.extend(self.card_line_ops(sale));
        if let Some(pos) = self.pos {
            let record = NewOp::new(
                pos,
                OpKind::RecordSale,
                None,
                Money::new(sale.due_minor(), self.currency.clone()),
            )
            .in_sale(&sale.id);
            let mut record = record;
            record.payload = sale_payload(&pos_sale(sale));
            sale.record_op_id = Some(record.id.clone());
            effects.enqueue.push(record);
        }
        sale.state = SaleState::Completed;
        sale.finished_at = Some(self.clock.now());
        effects
    }

    /// Writes the sale and its effects in one transaction and wakes the engine for them.
    pub(super) fn save(&self, sale: &mut Sale, effects: Effects) -> Result<(), CheckoutError> {
        self.save_with(sale, effects, None)
    }

    pub(super) fn save_with(
        &self,
        sale: &mut Sale,
        effects: Effects,
        journal: Option<(&str, &str, Option<i64>)>,
    ) -> Result<(), CheckoutError> {
        let nudge = !effects.enqueue.is_empty() || !effects.undo.is_empty();
        self.store.in_tx(|tx| {
            write_sale(tx, sale, &effects)?;
            if let Some((kind, outcome, amount)) = journal {
                super::records::journal_sale(
                    tx,
                    &sale.id,
                    kind,
                    outcome,
                    amount,
                    &self.currency,
                    serde_json::json!({ "number": sale.number, "state": sale.state.as_str() }),
                )?;
            }
            Ok(())
        })?;
        if nudge {
            self.link.nudge();
        }
        Ok(())
    }
}

/// The sale as the POS back-office records it: its lines (and a cash rounding line), and one
/// payment per tender that pays — cash net of change, cards as vouchers, a wallet as an app
/// payment, the terminal as a card payment — each under the tender's id.
pub fn pos_sale(sale: &Sale) -> PosSale {
    let mut lines: Vec<PosLine> = sale
        .lines
        .iter()
        .map(|l| PosLine {
            // Shopwave's lines have no tax field: a card sold or reloaded is a multi-purpose
            // voucher, which carries no VAT at sale, and its name says so.
            name: match &l.card {
                Some(_) => format!("{} (multi-purpose voucher, no VAT)", l.description),
                None => l.description.clone(),
            },
            unit_price_minor: l.unit_price_minor,
            quantity: l.quantity,
            product_instance_id: None,
        })
        .collect();
    let rounding = sale.rounding_minor();
    if rounding != 0 {
        lines.push(PosLine {
            name: "Cash rounding".into(),
            unit_price_minor: rounding.abs(),
            quantity: rounding.signum(),
            product_instance_id: None,
        });
    }
    let payments = sale
        .tenders
        .iter()
        .filter(|t| t.state.counts())
        .map(|t| PosPayment {
            reference: t.id.clone(),
            kind: match t.kind {
                TenderKind::Cash => PaymentKind::Cash,
                TenderKind::Terminal => PaymentKind::Card,
                TenderKind::GiftCard => PaymentKind::Voucher,
                TenderKind::Wallet => PaymentKind::App,
            },
            amount_minor: t.amount_minor,
            tip_minor: 0,
            note: t
                .card_masked
                .as_ref()
                .map(|m| format!("{} {m}", t.provider.map_or("", |p| p.display_name()))),
        })
        .collect();
    PosSale {
        reference: sale.id.clone(),
        store_id: None,
        lines,
        payments,
        note: Some(format!("Kassa sale {}", sale.number)),
    }
}
