//! Gift cards sold or reloaded as lines of a sale. The line's price is what goes on the card;
//! the customer pays the sale with any tender, and the card is activated or loaded only once
//! the sale is paid: its operation is queued at Complete, in the transaction that completes
//! the sale. A refusal after that is money the customer paid for nothing, so the operation
//! carries what is owed to whom for the review list.
//!
//! Selling is each provider's way: a pre-printed zmyle card is activated for its amount; a
//! pre-printed number Lightspeed does not know yet is issued as a card; a new Leat gift card
//! has no card to scan at all ([`super::new_cards`]): Leat makes it after the sale.

use super::model::{CardAction, CardLine, Line, Sale};
use super::new_cards::{is_new_card, NEW_CARD_KEY};
use super::records::Effects;
use super::{Checkout, CheckoutError};
use crate::card::CardCode;
use crate::lang::{Sentence, Text, Value};
use crate::money::{Money, MAX_AMOUNT_MINOR};
use crate::outbox::{NewOp, OpKind};
use crate::provider::{
    ActivationTerms, CardInfo, CardKind, GiftCardProvider, ProviderError, ProviderId,
};
use crate::till::LookupError;
use std::sync::Arc;

/// The key of an operation's payload that says, for the review list, what a refusal owes.
pub const OWED_KEY: &str = "owed";

impl Checkout {
    /// Rings up a card sold (`Sell`: a pre-printed card activated or issued; with no code, a
    /// new card its provider makes) or reloaded (`Reload`) for `amount_minor`. The card is
    /// looked up now and the amount checked against its provider's rules; nothing moves until
    /// the sale is completed.
    pub async fn add_card_line(
        &self,
        sale_id: &str,
        raw: &str,
        amount_minor: i64,
        action: CardAction,
    ) -> Result<Sale, CheckoutError> {
        if action == CardAction::Sell && raw.trim().is_empty() {
            check_amount(amount_minor)?;
            return self.add_new_card_line(sale_id, amount_minor).await;
        }
        let code = CardCode::parse(raw)?;
        check_amount(amount_minor)?;
        let key = self.keyer.key_of(&code);
        self.card_free(&self.open_for(sale_id, Text::DoingAddCard)?, &key)?;
        let (provider, card_id, wallet) = match action {
            CardAction::Sell => {
                let (provider, card_id) = self.sellable(&code, amount_minor).await?;
                (provider, card_id, false)
            }
            CardAction::Reload => {
                let card = self.reloadable(&code).await?;
                let wallet = card.kind == CardKind::PrepaidWallet;
                (card.provider, card.card_id, wallet)
            }
        };
        let line = CardLine {
            provider,
            action,
            card_code: Some(code.as_str().to_string()),
            card_masked: code.masked(),
            card_key: key,
            card_id,
            wallet,
            op_id: None,
        };
        let description = super::notes::card_line(&line, false).to_string();
        self.push_card_line(sale_id, description, amount_minor, line)
            .await
    }

    /// Rings up a new card that has no code yet: made by the first provider that makes new
    /// cards at the till (Leat), once the sale is paid.
    async fn add_new_card_line(
        &self,
        sale_id: &str,
        amount_minor: i64,
    ) -> Result<Sale, CheckoutError> {
        let mut why_not = None;
        let mut maker = None;
        for p in self.till.providers() {
            match p.makes_new_cards() {
                Ok(()) => {
                    maker = Some(p.id());
                    break;
                }
                Err(error @ ProviderError::Config { .. }) => {
                    why_not.get_or_insert(LookupError::Provider {
                        provider: p.id(),
                        error,
                    });
                }
                Err(_) => {}
            }
        }
        let Some(provider) = maker else {
            return Err(why_not.map_or_else(
                || CheckoutError::Declined(Text::NoNewCardMaker.into()),
                CheckoutError::from,
            ));
        };
        let line = CardLine {
            provider,
            action: CardAction::Sell,
            card_code: None,
            card_masked: "new card".into(),
            card_key: format!("{NEW_CARD_KEY}{}", uuid::Uuid::now_v7()),
            card_id: String::new(),
            wallet: false,
            op_id: None,
        };
        let description = super::notes::card_line(&line, true).to_string();
        self.push_card_line(sale_id, description, amount_minor, line)
            .await
    }

    async fn push_card_line(
        &self,
        sale_id: &str,
        description: String,
        amount_minor: i64,
        card: CardLine,
    ) -> Result<Sale, CheckoutError> {
        let _gate = self.gate.lock().await;
        let mut sale = self.open_for(sale_id, Text::DoingAddCard)?;
        self.card_free(&sale, &card.card_key)?;
        if sale.total_minor() + amount_minor > MAX_AMOUNT_MINOR {
            return Err(CheckoutError::Invalid(Text::CardLineTooMuch.into()));
        }
        sale.lines.push(Line {
            pos: sale.next_line_pos(),
            description,
            quantity: 1,
            unit_price_minor: amount_minor,
            card: Some(card),
        });
        self.save(&mut sale, Effects::default())?;
        Ok(sale)
    }

    /// A pre-printed card to sell, and its provider's id of it: a card its provider knows and
    /// activates for a fixed amount (zmyle), or a number a provider that issues numbers does
    /// not know yet (Lightspeed: its id comes when it is issued). A number Lightspeed knows
    /// is a card already sold: it can be reloaded.
    async fn sellable(
        &self,
        code: &CardCode,
        amount_minor: i64,
    ) -> Result<(ProviderId, String), CheckoutError> {
        match self.till.lookup(code.as_str()).await {
            Ok(found) => {
                let card = found.card;
                let name = card.provider.display_name();
                // Known to a provider that issues numbers: sold already.
                if !matches!(self.provider(card.provider)?.issues_numbers(), Ok(false)) {
                    return Err(CheckoutError::Declined(
                        Sentence::new(Text::CardSoldAlready)
                            .with("provider", name)
                            .with("card", code.masked())
                            .with("balance", &card.balance),
                    ));
                }
                self.in_till_currency(&card)?;
                let terms = self.activation_terms(card.provider, code).await?;
                self.check_activation(&terms, amount_minor, name)?;
                Ok((card.provider, terms.card_id))
            }
            Err(LookupError::Provider {
                provider,
                error: error @ ProviderError::NotFound { .. },
            }) => {
                if self.issues_numbers(provider)? {
                    Ok((provider, String::new()))
                } else {
                    Err(LookupError::Provider { provider, error }.into())
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    fn issues_numbers(&self, provider: ProviderId) -> Result<bool, CheckoutError> {
        self.provider(provider)?
            .issues_numbers()
            .map_err(|error| LookupError::Provider { provider, error }.into())
    }

    /// A card money may be put on (a card line's reload, or the rest of a refund), looked up:
    /// in the till's currency, not zmyle (its cards are never reloaded), active, not expired,
    /// and one its provider lets the till load.
    pub(super) async fn reloadable(&self, code: &CardCode) -> Result<CardInfo, CheckoutError> {
        let found = self.till.lookup(code.as_str()).await?;
        let card = found.card;
        let name = card.provider.display_name();
        self.in_till_currency(&card)?;
        if card.provider == ProviderId::Zmyle {
            return Err(CheckoutError::Declined(Text::ZmyleNoReload.into()));
        }
        if !card.active {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::ReloadNotActive).with("provider", name),
            ));
        }
        if found.expired {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::ReloadExpired).with("provider", name),
            ));
        }
        self.provider(card.provider)?
            .check_reload(code)
            .await
            .map_err(|error| LookupError::Provider {
                provider: card.provider,
                error,
            })?;
        Ok(card)
    }

    fn in_till_currency(&self, card: &CardInfo) -> Result<(), CheckoutError> {
        if card.balance.currency != self.currency {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardOtherCurrency)
                    .with("card", card.balance.currency.code())
                    .with("till", self.currency.code()),
            ));
        }
        Ok(())
    }

    /// A card is on a sale once: not sold or reloaded twice, and not paying for itself.
    fn card_free(&self, sale: &Sale, key: &str) -> Result<(), CheckoutError> {
        if sale.card_line(key).is_some() {
            return Err(CheckoutError::Declined(Text::CardOnSaleAlready.into()));
        }
        if sale
            .tenders
            .iter()
            .any(|t| t.state.counts() && t.card_key.as_deref() == Some(key))
        {
            return Err(CheckoutError::Declined(Text::CardPaysSoCannotSell.into()));
        }
        Ok(())
    }

    pub(super) fn provider(
        &self,
        id: ProviderId,
    ) -> Result<&Arc<dyn GiftCardProvider>, CheckoutError> {
        Ok(self
            .till
            .providers()
            .find(|p| p.id() == id)
            .ok_or(LookupError::NoProvider)?)
    }

    async fn activation_terms(
        &self,
        provider: ProviderId,
        code: &CardCode,
    ) -> Result<ActivationTerms, CheckoutError> {
        self.provider(provider)?
            .activation_terms(code)
            .await
            .map_err(|error| LookupError::Provider { provider, error }.into())
    }

    fn check_activation(
        &self,
        terms: &ActivationTerms,
        amount_minor: i64,
        name: &str,
    ) -> Result<(), CheckoutError> {
        let below = terms.min.as_ref().is_some_and(|m| amount_minor < m.minor);
        let above = terms.max.as_ref().is_some_and(|m| amount_minor > m.minor);
        if below || above {
            let bound =
                |m: &Option<Money>| -> Value { m.as_ref().map_or_else(|| "-".into(), Value::from) };
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::CardSoldFromTo)
                    .with("provider", name)
                    .with("min", bound(&terms.min))
                    .with("max", bound(&terms.max))
                    .money("amount", amount_minor, &self.currency),
            ));
        }
        if terms.amount.currency != self.currency {
            return Err(CheckoutError::Declined(
                Sentence::new(Text::CardSoldInCurrency)
                    .with("card", terms.amount.currency.code())
                    .with("till", self.currency.code()),
            ));
        }
        if amount_minor != terms.amount.minor {
            return Err(CheckoutError::Invalid(
                Sentence::new(Text::CardSoldExactly)
                    .with("provider", name)
                    .with("amount", &terms.amount),
            ));
        }
        Ok(())
    }

    /// The activation or reload of each card line, for the transaction that completes the
    /// sale; each line notes its operation.
    pub(super) fn card_line_ops(&self, sale: &mut Sale) -> Vec<NewOp> {
        let mut ops = Vec::new();
        for line in &mut sale.lines {
            let amount = Money::new(line.total_minor(), self.currency.clone());
            let Some(card) = line.card.as_mut().filter(|c| c.op_id.is_none()) else {
                continue;
            };
            // Every card but a new one (made after the sale) has its code while unfinished.
            let code = card.card_code.as_deref();
            let kind = match card.action {
                CardAction::Sell => OpKind::Activate,
                CardAction::Reload => OpKind::Reload,
            };
            let owed =
                super::notes::owed(card.provider, &card.card_masked, &amount, is_new_card(card))
                    .to_string();
            let mut op = if card.wallet {
                let code = code.expect("an unfinished sale keeps its codes");
                NewOp::leat_prepaid(kind, code, &card.card_id, amount)
            } else {
                NewOp::new(card.provider, kind, code, amount)
            }
            .in_sale(&sale.id);
            op.payload[OWED_KEY] = owed.into();
            card.op_id = Some(op.id.clone());
            ops.push(op);
        }
        ops
    }
}

/// An amount a card line may put on a card.
fn check_amount(amount_minor: i64) -> Result<(), CheckoutError> {
    if amount_minor <= 0 {
        return Err(CheckoutError::Invalid(Text::CardAmountNotPositive.into()));
    }
    if amount_minor > MAX_AMOUNT_MINOR {
        return Err(CheckoutError::Invalid(Text::CardAmountTooLarge.into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::{test_checkout, SaleState};
    use crate::clock::SystemClock;
    use crate::outbox::OpState;
    use crate::provider::{CardInfo, ProviderError};
    use crate::store::Store;
    use crate::till::Till;
    use async_trait::async_trait;

    fn eur(minor: i64) -> Money {
        Money::new(minor, "EUR".to_string().try_into().unwrap())
    }

    /// A provider that knows one reloadable card and one pre-printed card sold for EUR 30.00;
    /// the real clients are tested against the simulators.
    struct Cards;

    #[async_trait]
    impl GiftCardProvider for Cards {
        fn id(&self) -> ProviderId {
            ProviderId::Leat
        }

        async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
            Ok(CardInfo {
                provider: ProviderId::Leat,
                kind: CardKind::GiftCard,
                card_id: format!("id-{}", code.as_str()),
                balance: eur(500),
                available: None,
                expires_at: None,
                active: code.as_str() != "BLANK0001",
                program: None,
                holder: None,
            })
        }

        fn makes_new_cards(&self) -> Result<(), ProviderError> {
            Ok(())
        }

        async fn activation_terms(
            &self,
            code: &CardCode,
        ) -> Result<ActivationTerms, ProviderError> {
            Ok(ActivationTerms {
                card_id: format!("id-{}", code.as_str()),
                amount: eur(3000),
                min: Some(eur(100)),
                max: Some(eur(25000)),
            })
        }
    }

    fn checkout(dir: &tempfile::TempDir) -> (Checkout, Arc<Store>) {
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let clock = Arc::new(SystemClock);
        let till = Till::new(store.clone(), clock.clone(), true)
            .with_provider(Arc::new(Cards), "^[A-Z0-9]+$")
            .unwrap();
        (test_checkout(till, store.clone(), clock), store)
    }

    #[tokio::test]
    async fn a_card_line_is_checked_when_added_and_queued_only_when_the_sale_is_paid() {
        let dir = tempfile::tempdir().unwrap();
        let (c, store) = checkout(&dir);
        let sale = c.open().await.unwrap();
        for (amount, says) in [
            (0, "more than 0"),
            (30_000, "EUR 1.00 to EUR 250.00"),
            (2_500, "EUR 30.00 exactly"),
        ] {
            let refused = c
                .add_card_line(&sale.id, "BLANK0001", amount, CardAction::Sell)
                .await
                .unwrap_err();
            assert!(refused.to_string().contains(says), "{refused}");
        }
        let sale = c
            .add_card_line(&sale.id, "BLANK0001", 3_000, CardAction::Sell)
            .await
            .unwrap();
        let sale = c
            .add_card_line(&sale.id, "CARD0022", 1_000, CardAction::Reload)
            .await
            .unwrap();
        assert_eq!(sale.total_minor(), 4_000);
        assert_eq!(sale.lines[1].description, "Reload Leat ••••0022");
        let twice = c
            .add_card_line(&sale.id, "CARD0022", 500, CardAction::Reload)
            .await
            .unwrap_err();
        assert!(
            twice.to_string().contains("already on this sale"),
            "{twice}"
        );
        let pays = c.propose(&sale.id, "CARD0022").await.unwrap_err();
        assert!(pays.to_string().contains("sold or reloaded"), "{pays}");
        assert!(
            store.ops(&[], 10).unwrap().is_empty(),
            "nothing before Complete"
        );

        c.tender_cash(&sale.id, 5_000).await.unwrap();
        let super::super::Completion::Paid(done) = c.complete(&sale.id, None).await.unwrap() else {
            panic!("not paid");
        };
        assert_eq!(done.state, SaleState::Completed);
        let ops = store.ops(&[], 10).unwrap();
        let kinds: Vec<(OpKind, i64, OpState)> = ops
            .iter()
            .map(|o| (o.kind, o.amount.minor, o.state))
            .collect();
        assert_eq!(
            kinds,
            [
                (OpKind::Activate, 3_000, OpState::Pending),
                (OpKind::Reload, 1_000, OpState::Pending)
            ]
        );
        assert_eq!(
            ops[0].payload[OWED_KEY],
            "Card ••••0001 was paid for (EUR 30.00) but not loaded: load it by hand or refund the customer."
        );
        let reread = store.sale(&sale.id).unwrap().unwrap();
        let card = reread.lines[0].card.as_ref().unwrap();
        assert_eq!(card.op_id.as_deref(), Some(ops[0].id.as_str()));
        assert_eq!(card.card_code, None, "a finished sale keeps no card code");
        assert_eq!(card.card_masked, "••••0001");
    }

    #[tokio::test]
    async fn a_new_card_has_no_code_until_its_provider_makes_it_after_the_sale() {
        let dir = tempfile::tempdir().unwrap();
        let (mut c, store) = checkout(&dir);
        // No engine runs here: Complete's wait for the new cards ends at this bound.
        c.config.charge_timeout_ms = 100;
        let sale = c.open().await.unwrap();
        c.add_card_line(&sale.id, " ", 2_000, CardAction::Sell)
            .await
            .unwrap();
        let sale = c
            .add_card_line(&sale.id, "", 500, CardAction::Sell)
            .await
            .unwrap();
        assert_eq!(sale.lines.len(), 2, "each new card is its own");
        assert_eq!(sale.lines[0].description, "New gift card Leat");
        let card = sale.lines[0].card.as_ref().unwrap();
        assert!(is_new_card(card));
        assert_eq!(card.card_code, None);
        let no_code = c
            .add_card_line(&sale.id, "", 500, CardAction::Reload)
            .await
            .unwrap_err();
        assert!(no_code.to_string().contains("empty"), "{no_code}");

        c.tender_cash(&sale.id, 2_500).await.unwrap();
        c.complete(&sale.id, None).await.unwrap();
        let ops = store.ops(&[], 10).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(
            (ops[0].kind, ops[0].card_code.as_deref()),
            (OpKind::Activate, None)
        );
        assert_eq!(
            ops[0].payload[OWED_KEY],
            "A new Leat gift card was paid for (EUR 20.00) but not made and loaded: make one by hand or refund the customer."
        );
    }

    #[tokio::test]
    async fn an_abandoned_sale_queues_nothing_for_its_card_lines() {
        let dir = tempfile::tempdir().unwrap();
        let (c, store) = checkout(&dir);
        let sale = c.open().await.unwrap();
        c.add_card_line(&sale.id, "CARD0022", 1_000, CardAction::Reload)
            .await
            .unwrap();
        let abandoned = c.abandon(&sale.id, "customer left").await.unwrap();
        assert_eq!(abandoned.state, SaleState::Abandoned);
        assert!(store.ops(&[], 10).unwrap().is_empty());
        let reread = store.sale(&sale.id).unwrap().unwrap();
        assert_eq!(reread.lines[0].card.as_ref().unwrap().card_code, None);
    }
}
