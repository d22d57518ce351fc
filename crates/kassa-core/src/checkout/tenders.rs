//! Putting tenders on a sale and taking them off: a scanned card's proposal (online, or from
//! its last known balance when its provider cannot be asked), a card, cash with rounding and
//! change, the card terminal's amount.

use super::model::{self, Sale, SaleState, Tender, TenderKind, TenderState};
use super::records::{Effects, KnownCard};
use super::{Checkout, CheckoutError, Proposal};
use crate::card::CardCode;
use crate::lang::{Sentence, Text};
use crate::money::MAX_AMOUNT_MINOR;
use crate::outbox::OpKind;
use crate::provider::{CardKind, ProviderError, ProviderId};
use crate::till::{CardLookup, LookupError};

impl Checkout {
    /// Looks a card up for its balance (no sale involved); the balance is remembered, under the
    /// card's keyed hash, for the offline policy.
    pub async fn lookup(&self, raw: &str) -> Result<CardLookup, CheckoutError> {
        let code = CardCode::parse(raw)?;
        let found = self.till.lookup(code.as_str()).await?;
        self.remember(&code, &found);
        Ok(found)
    }

    fn remember(&self, code: &CardCode, found: &CardLookup) {
        let card = &found.card;
        let known = KnownCard {
            provider: card.provider,
            kind: card.kind,
            card_id: card.card_id.clone(),
            balance: card
                .available
                .clone()
                .unwrap_or_else(|| card.balance.clone()),
            seen_at: self.clock.now(),
        };
        if let Err(e) = self
            .store
            .remember_balance(&self.keyer.key_of(code), &known)
        {
            // The balance is still shown; only the offline policy loses a data point.
            tracing::warn!(error = %e, "could not keep a card's last known balance");
        }
    }

    /// What a scanned card would pay of the sale: min(what it has, what is still to pay). When
    /// its provider cannot be asked, the card's last known balance stands in (marked offline).
    pub async fn propose(&self, sale_id: &str, raw: &str) -> Result<Proposal, CheckoutError> {
        let code = CardCode::parse(raw)?;
        let sale = self.open_for(sale_id, Text::DoingAddTender)?;
        let remaining = sale.remaining_minor();
        if remaining == 0 {
            return Err(CheckoutError::Invalid(if sale.lines.is_empty() {
                Text::RingUpFirst.into()
            } else {
                Text::NothingLeftToPay.into()
            }));
        }
        let key = self.keyer.key_of(&code);
        if sale
            .tenders
            .iter()
            .any(|t| t.state.counts() && t.card_key.as_deref() == Some(key.as_str()))
        {
            return Err(CheckoutError::Declined(Text::CardPaysAlready.into()));
        }
        if sale.card_line(&key).is_some() {
            return Err(CheckoutError::Declined(Text::CardSoldHere.into()));
        }
        let proposal = match self.till.lookup(code.as_str()).await {
            Ok(found) => {
                self.remember(&code, &found);
                self.usable(&found, &code, remaining)?
            }
            Err(LookupError::Provider { provider, error })
                if error.is_retryable()
                    || matches!(error, ProviderError::OutcomeUnknown { .. }) =>
            {
                self.offline_proposal(&code, &key, provider, &error, remaining)?
            }
            Err(e) => return Err(e.into()),
        };
        self.proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((sale.id.clone(), key), proposal.clone());
        Ok(proposal)
    }

    fn usable(
        &self,
        found: &CardLookup,
        code: &CardCode,
        remaining: i64,
    ) -> Result<Proposal, CheckoutError> {
        let card = &found.card;
        let name = card.provider.display_name();
        if !card.active {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardNotActive).with("provider", name),
            ));
        }
        if found.expired {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardExpired).with("provider", name),
            ));
        }
        if card.balance.currency != self.currency {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardOtherCurrency)
                    .with("card", card.balance.currency.code())
                    .with("till", self.currency.code()),
            ));
        }
        let available = card.available.as_ref().unwrap_or(&card.balance).minor;
        if available <= 0 {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardEmpty).with("provider", name),
            ));
        }
        Ok(Proposal {
            provider: card.provider,
            kind: card.kind,
            card_masked: code.masked(),
            available_minor: available,
            amount_minor: available.min(remaining),
            offline_since: None,
            holder: card.holder.clone(),
            card_id: card.card_id.clone(),
        })
    }

    fn offline_proposal(
        &self,
        code: &CardCode,
        key: &str,
        provider: ProviderId,
        error: &ProviderError,
        remaining: i64,
    ) -> Result<Proposal, CheckoutError> {
        let known = self
            .store
            .known_card(key)?
            .filter(|k| k.provider == provider && k.balance.currency == self.currency)
            .ok_or_else(|| {
                CheckoutError::Declined(
                    Sentence::new(Text::CardUnseenOffline).with("error", error.to_string()),
                )
            })?;
        if known.balance.minor <= 0 {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardEmptyOffline).with("error", error.to_string()),
            ));
        }
        Ok(Proposal {
            provider,
            kind: known.kind,
            card_masked: code.masked(),
            available_minor: known.balance.minor,
            amount_minor: known.balance.minor.min(remaining),
            offline_since: Some(known.seen_at),
            holder: None,
            card_id: known.card_id,
        })
    }

    /// Puts a card on the sale for `amount_minor` (at most what [`Checkout::propose`]
    /// offered). A zmyle card is held at once; the answer is awaited (bounded), and a refusal
    /// takes the tender off again and says why.
    pub async fn tender_card(
        &self,
        sale_id: &str,
        raw: &str,
        amount_minor: i64,
    ) -> Result<Sale, CheckoutError> {
        let code = CardCode::parse(raw)?;
        let key = self.keyer.key_of(&code);
        let remembered = self
            .proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(sale_id.to_string(), key.clone()))
            .cloned();
        let proposal = match remembered {
            Some(p) => p,
            None => self.propose(sale_id, raw).await?,
        };
        let _gate = self.gate.lock().await;
        let mut sale = self.open_for(sale_id, Text::DoingAddTender)?;
        if sale
            .tenders
            .iter()
            .any(|t| t.state.counts() && t.card_key.as_deref() == Some(key.as_str()))
        {
            return Err(CheckoutError::Declined(Text::CardPaysAlready.into()));
        }
        if sale.card_line(&key).is_some() {
            return Err(CheckoutError::Declined(Text::CardSoldHere.into()));
        }
        let most = proposal.available_minor.min(sale.remaining_minor());
        if amount_minor <= 0 || amount_minor > most {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::CardPaysFromTo)
                    .money("least", 1, &self.currency)
                    .money("most", most, &self.currency),
            ));
        }
        let held = proposal.provider == ProviderId::Zmyle;
        let mut tender = Tender {
            id: uuid::Uuid::now_v7().to_string(),
            pos: sale.next_tender_pos(),
            kind: match proposal.kind {
                CardKind::GiftCard => TenderKind::GiftCard,
                CardKind::PrepaidWallet => TenderKind::Wallet,
            },
            provider: Some(proposal.provider),
            card_code: Some(code.as_str().to_string()),
            card_masked: Some(proposal.card_masked.clone()),
            card_key: Some(key.clone()),
            card_id: Some(proposal.card_id.clone()),
            amount_minor,
            given_minor: None,
            rounding_minor: 0,
            balance_minor: Some(proposal.available_minor),
            state: if held {
                TenderState::Holding
            } else {
                TenderState::Checked
            },
            offline_at: None,
            approved_by: None,
            op_id: None,
            confirm_op_id: None,
            undo_op_id: None,
            message: proposal
                .offline_since
                .map(|_| super::notes::asked_offline(proposal.provider).to_string()),
        };
        let mut effects = Effects::default();
        if held {
            let reserve = self.card_op(&sale, &tender, OpKind::Reserve);
            tender.op_id = Some(reserve.id.clone());
            effects.enqueue.push(reserve);
        }
        let tender_id = tender.id.clone();
        sale.tenders.push(tender);
        sale.state = SaleState::Tendering;
        self.save_with(
            &mut sale,
            effects,
            Some(("tender", "added", Some(amount_minor))),
        )?;
        self.proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(sale.id.clone(), key));
        if held {
            let ids: Vec<String> = sale
                .tender(&tender_id)
                .and_then(|t| t.op_id.clone())
                .into_iter()
                .collect();
            self.wait_for(&ids).await?;
            self.refresh_and_save(&mut sale)?;
            if let Some(t) = sale
                .tender(&tender_id)
                .filter(|t| t.state == TenderState::Refused)
            {
                return Err(CheckoutError::Declined(
                    Sentence::new(Text::HoldRefused)
                        .with("reason", t.message.clone().unwrap_or_default()),
                ));
            }
        }
        Ok(sale)
    }

    /// Cash handed over. When it covers the rest, the rest is rounded to
    /// `[checkout] cash_rounding` and the difference is change.
    pub async fn tender_cash(
        &self,
        sale_id: &str,
        given_minor: i64,
    ) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        check_amount(given_minor)?;
        let mut sale = self.open_for(sale_id, Text::DoingAddTender)?;
        let remaining = self.still_to_pay(&sale)?;
        let due = match model::cash_due(remaining, self.config.cash_rounding) {
            d if d <= 0 => remaining,
            d => d,
        };
        let (amount, rounding) = if given_minor >= due {
            (due, due - remaining)
        } else {
            (given_minor, 0)
        };
        let mut tender = self.plain_tender(&sale, TenderKind::Cash, amount);
        tender.given_minor = Some(given_minor);
        tender.rounding_minor = rounding;
        sale.tenders.push(tender);
        sale.state = SaleState::Tendering;
        self.save_with(
            &mut sale,
            Effects::default(),
            Some(("tender", "cash", Some(amount))),
        )?;
        Ok(sale)
    }

    /// What an external card terminal took: at most what is still to pay.
    pub async fn tender_terminal(
        &self,
        sale_id: &str,
        amount_minor: i64,
    ) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        check_amount(amount_minor)?;
        let mut sale = self.open_for(sale_id, Text::DoingAddTender)?;
        let remaining = self.still_to_pay(&sale)?;
        if amount_minor > remaining {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::TerminalTooMuch).money("amount", remaining, &self.currency),
            ));
        }
        sale.tenders
            .push(self.plain_tender(&sale, TenderKind::Terminal, amount_minor));
        sale.state = SaleState::Tendering;
        self.save_with(
            &mut sale,
            Effects::default(),
            Some(("tender", "terminal", Some(amount_minor))),
        )?;
        Ok(sale)
    }

    fn still_to_pay(&self, sale: &Sale) -> Result<i64, CheckoutError> {
        match sale.remaining_minor() {
            0 if sale.lines.is_empty() => Err(CheckoutError::Invalid(Text::RingUpFirst.into())),
            0 => Err(CheckoutError::Invalid(Text::NothingLeftToPay.into())),
            r => Ok(r),
        }
    }

    fn plain_tender(&self, sale: &Sale, kind: TenderKind, amount_minor: i64) -> Tender {
        Tender::new(
            uuid::Uuid::now_v7().to_string(),
            sale.next_tender_pos(),
            kind,
            amount_minor,
        )
    }

    /// Takes a tender off the sale; what it took is undone through the outbox.
    pub async fn remove_tender(
        &self,
        sale_id: &str,
        tender_id: &str,
    ) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        let mut sale = self.open_for(sale_id, Text::DoingRemoveTender)?;
        let Some(index) = sale
            .tenders
            .iter()
            .position(|t| t.id == tender_id && t.state.counts())
        else {
            return Err(CheckoutError::Invalid(Text::NoSuchTender.into()));
        };
        let effects = self.take_off(&mut sale, index)?;
        if !sale.tenders.iter().any(|t| t.state.counts()) {
            sale.state = SaleState::Open;
        }
        self.save_with(&mut sale, effects, Some(("tender", "removed", None)))?;
        Ok(sale)
    }
}

fn check_amount(minor: i64) -> Result<(), CheckoutError> {
    if minor <= 0 {
        return Err(CheckoutError::Invalid(Text::AmountNotPositive.into()));
    }
    if minor > MAX_AMOUNT_MINOR {
        return Err(CheckoutError::Invalid(Text::AmountTooLarge.into()));
    }
    Ok(())
}
