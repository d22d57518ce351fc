//! The till's use cases, over the store, the router and the providers.

use crate::card::{CardCode, CodeError};
use crate::clock::Clock;
use crate::lang::{Sentence, Text};
use crate::provider::{CardInfo, GiftCardProvider, ProviderError, ProviderId};
use crate::routing::Router;
use crate::store::{JournalEntry, Store};
use std::collections::BTreeMap;
use std::sync::Arc;
use thiserror::Error;

/// Its `Display` is [`LookupError::sentence`] in English.
#[derive(Debug, Error)]
pub enum LookupError {
    Code(#[from] CodeError),
    NoProvider,
    Provider {
        provider: ProviderId,
        error: ProviderError,
    },
}

impl LookupError {
    /// What the cashier reads: the till's words, or the provider's name and its answer (a
    /// provider's words stay as they came).
    pub fn sentence(&self) -> Sentence {
        match self {
            LookupError::Code(e) => e.sentence(),
            LookupError::NoProvider => Text::NoProviderForCode.into(),
            LookupError::Provider { provider, error } => Sentence::new(Text::ProviderSays)
                .with("provider", provider.display_name())
                .with("error", error.to_string()),
        }
    }
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

/// A look-up's answer: the card, and whether it has expired by the till's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct CardLookup {
    pub card: CardInfo,
    pub expired: bool,
}

pub struct Till {
    store: Arc<Store>,
    router: Router,
    providers: BTreeMap<ProviderId, Arc<dyn GiftCardProvider>>,
    clock: Arc<dyn Clock>,
    training: bool,
}

impl Till {
    pub fn new(store: Arc<Store>, clock: Arc<dyn Clock>, training: bool) -> Self {
        Till {
            store,
            router: Router::default(),
            providers: BTreeMap::new(),
            clock,
            training,
        }
    }

    /// Adds a provider and the pattern of the codes it takes; where patterns overlap, providers
    /// added earlier are asked first.
    pub fn with_provider(
        mut self,
        provider: Arc<dyn GiftCardProvider>,
        card_pattern: &str,
    ) -> Result<Self, regex::Error> {
        self.router.add(provider.id(), card_pattern)?;
        self.providers.insert(provider.id(), provider);
        Ok(self)
    }

    pub fn is_training(&self) -> bool {
        self.training
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn providers(&self) -> impl Iterator<Item = &Arc<dyn GiftCardProvider>> {
        self.providers.values()
    }

    /// Validates a scanned or typed code and reads the card from the first provider, among
    /// those whose pattern matches, that knows it. Every look-up is journalled, code masked.
    pub async fn lookup(&self, raw: &str) -> Result<CardLookup, LookupError> {
        let code = CardCode::parse(raw)?;
        let mut not_found = None;
        for provider_id in self.router.candidates(&code) {
            match self.lookup_at(provider_id, &code).await {
                // The most specific provider's "not found" is the one the cashier reads.
                Err(
                    e @ LookupError::Provider {
                        error: ProviderError::NotFound { .. },
                        ..
                    },
                ) => {
                    not_found.get_or_insert(e);
                }
                other => return other,
            }
        }
        Err(not_found.unwrap_or(LookupError::NoProvider))
    }

    async fn lookup_at(
        &self,
        provider_id: ProviderId,
        code: &CardCode,
    ) -> Result<CardLookup, LookupError> {
        let provider = &self.providers[&provider_id];
        let result = provider.lookup(code).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(ProviderError::NotFound { .. }) => "not_found",
            Err(e) if e.is_retryable() => "unreachable",
            Err(_) => "error",
        };
        tracing::info!(provider = %provider_id, card = %code, outcome, "card look-up");
        let entry = JournalEntry::lookup(provider_id.as_str(), &code.masked(), outcome);
        if let Err(e) = self.store.journal(&entry) {
            // A look-up moves no money; failing to journal it must not hide the balance.
            tracing::warn!(error = %e, "could not journal a card look-up");
        }
        let card = result.map_err(|error| LookupError::Provider {
            provider: provider_id,
            error,
        })?;
        let expired = card.expires_at.is_some_and(|at| at <= self.clock.now());
        Ok(CardLookup { card, expired })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::money::{Currency, Money};
    use crate::provider::CardKind;
    use async_trait::async_trait;
    use time::macros::datetime;

    /// A provider that knows one card; the real clients are tested against the simulators.
    struct OneCard(ProviderId, &'static str);

    #[async_trait]
    impl GiftCardProvider for OneCard {
        fn id(&self) -> ProviderId {
            self.0
        }
        async fn lookup(&self, code: &CardCode) -> Result<CardInfo, ProviderError> {
            if code.as_str() != self.1 {
                return Err(ProviderError::NotFound {
                    message: "Giftcard not found.".into(),
                });
            }
            Ok(CardInfo {
                provider: self.0,
                kind: CardKind::GiftCard,
                card_id: "uuid-1".into(),
                balance: Money::new(110, Currency::try_from("EUR".to_string()).unwrap()),
                available: None,
                expires_at: Some(datetime!(2024-12-07 17:15:10 UTC)),
                active: true,
                program: None,
                holder: None,
            })
        }
    }

    fn till(dir: &tempfile::TempDir, now: time::OffsetDateTime) -> Till {
        let store = Arc::new(Store::open(&dir.path().join("t.sqlite3")).unwrap());
        Till::new(store, Arc::new(FixedClock(now)), true)
            .with_provider(Arc::new(OneCard(ProviderId::Leat, "41651")), r"^\d{5}$")
            .unwrap()
            .with_provider(Arc::new(OneCard(ProviderId::Lightspeed, "12345")), r"^\d+$")
            .unwrap()
    }

    #[tokio::test]
    async fn looks_up_journals_masked_and_judges_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let t = till(&dir, datetime!(2024-01-01 0:00 UTC));
        let found = t.lookup(" 41651\n").await.unwrap();
        assert_eq!(found.card.balance.minor, 110);
        assert!(!found.expired);
        let rows = t.store().recent_journal(5).unwrap();
        assert_eq!(rows[0].outcome, "ok");
        assert_eq!(rows[0].card_masked.as_deref(), Some("•••••"));

        let later = till(&dir, datetime!(2025-01-01 0:00 UTC));
        assert!(later.lookup("41651").await.unwrap().expired);
    }

    #[tokio::test]
    async fn asks_the_next_matching_provider_when_one_does_not_know_the_card() {
        let dir = tempfile::tempdir().unwrap();
        let t = till(&dir, datetime!(2024-01-01 0:00 UTC));
        let found = t.lookup("12345").await.unwrap();
        assert_eq!(found.card.provider, ProviderId::Lightspeed);
        let outcomes: Vec<_> = t
            .store()
            .recent_journal(5)
            .unwrap()
            .into_iter()
            .map(|r| (r.provider.unwrap(), r.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("lightspeed".into(), "ok".into()),
                ("leat".into(), "not_found".into())
            ]
        );
    }

    #[tokio::test]
    async fn explains_each_failure() {
        let dir = tempfile::tempdir().unwrap();
        let t = till(&dir, datetime!(2024-01-01 0:00 UTC));
        assert!(matches!(
            t.lookup("").await,
            Err(LookupError::Code(CodeError::Empty))
        ));
        assert!(matches!(
            t.lookup("ABC!").await,
            Err(LookupError::NoProvider)
        ));
        let err = t.lookup("99999").await.unwrap_err();
        assert_eq!(err.to_string(), "Leat: Giftcard not found.");
        assert_eq!(t.store().recent_journal(1).unwrap()[0].outcome, "not_found");
    }
}
