//! The checkout core (`kassa_core::checkout`) over the real clients and the outbox engine,
//! against the simulators with faults on, driven by randomized sales ([`driver`]) and checked
//! at the end against a model kept by the test ([`verify`]).
//!
//! - [`rig`]: the till (store, engine, checkout over the four providers, Shopwave recording
//!   every completed sale), Leat prepaid wallets added to the Leat simulator, and
//!   [`OtherTill`]: a second till on a link without faults that spends from the same cards
//!   behind this till's back and reads the providers' records back for the checks.
//! - [`driver`]: the sales: lines, tenders from every kind of card, cash (with change) and the
//!   terminal, balances lowered between look-up and Complete, abandoned sales, manager
//!   approvals, and stretches where a provider answers nothing.
//! - [`refunds`]: refunds and voids of the completed sales, made between sales, each checked
//!   against the model when the till answers (what is left, the parts' plan, the refusals).
//! - [`verify`]: after the drain, every completed sale adds up, every abandoned one moved
//!   nothing, every card's records at its provider are the model's operation by operation
//!   (refunds included), every refusal is explained by the model, and Shopwave holds each
//!   completed sale and each refund once.

pub mod driver;
mod provider_records;
pub mod refunds;
pub mod verify;

pub use driver::{Counts, Driver, Outage};
pub use refunds::RefundMade;

use crate::clients::{engine_with, leat_client, lightspeed_client, wired, zmyle_client};
use crate::sims::Wallet;
use crate::sims::{eur, leat_card, lightspeed_card, zmyle_card, Sims, START_BALANCE};
use kassa_core::card::CardCode;
use kassa_core::checkout::{CardKeyer, Checkout, CheckoutParts};
use kassa_core::clock::SystemClock;
use kassa_core::config::{CheckoutConfig, OfflineCaps};
use kassa_core::money::Money;
use kassa_core::outbox::Engine;
use kassa_core::provider::{ProviderError, ProviderId};
use kassa_core::secrets::MemorySecretStore;
use kassa_core::store::Store;
use kassa_core::till::Till;
use kassa_providers::leat::{LeatClient, TransactionFilter, Wallet as WalletOf};
use kassa_providers::lightspeed::LightspeedClient;
use kassa_providers::zmyle::{IntentStatus, ZmyleClient};
use kassa_sim::faults::Faults;
use kassa_sim::leat::CardSpec as LeatCardSpec;
use kassa_sim::server::serve;
use kassa_sim::Running;
use std::path::Path;
use std::sync::Arc;

/// The Leat prepaid wallets the run pays with (a customer card only Leat's pattern takes).
pub use crate::sims::{wallet_code, WALLETS};

/// Leat gift cards the rig adds that cannot be topped up (not upgradeable): Leat gives a
/// refund back onto one only by reversing the card's last transaction, whole.
pub const FIXED_LEAT_CARDS: usize = 8;

/// The code of fixed Leat gift card `i`.
pub fn fixed_leat_card(i: usize) -> String {
    format!("CH{:06}", 200_000 + i)
}

/// What pays: one card of one provider (by its index in the simulators' cards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Card {
    LeatGift(usize),
    /// A Leat gift card that is not upgradeable ([`FIXED_LEAT_CARDS`]).
    LeatFixed(usize),
    LeatWallet(usize),
    Lightspeed(usize),
    Zmyle(usize),
}

impl Card {
    pub fn provider(self) -> ProviderId {
        match self {
            Card::LeatGift(_) | Card::LeatFixed(_) | Card::LeatWallet(_) => ProviderId::Leat,
            Card::Lightspeed(_) => ProviderId::Lightspeed,
            Card::Zmyle(_) => ProviderId::Zmyle,
        }
    }

    /// The code the cashier scans (the operations' `card_code`).
    pub fn code(self) -> String {
        match self {
            Card::LeatGift(i) => leat_card(i),
            Card::LeatFixed(i) => fixed_leat_card(i),
            Card::LeatWallet(i) => wallet_code(i),
            Card::Lightspeed(i) => lightspeed_card(i),
            Card::Zmyle(i) => zmyle_card(i).1,
        }
    }

    /// Every card the run may pay with.
    pub fn all() -> Vec<Card> {
        let n = crate::sims::CARDS_PER_PROVIDER;
        (0..n)
            .map(Card::LeatGift)
            .chain((0..FIXED_LEAT_CARDS).map(Card::LeatFixed))
            .chain((0..WALLETS).map(Card::LeatWallet))
            .chain((0..n).map(Card::Lightspeed))
            .chain((0..n).map(Card::Zmyle))
            .collect()
    }

    /// The card a scanned code names.
    pub fn of(provider: ProviderId, code: &str) -> Option<Card> {
        Card::all()
            .into_iter()
            .find(|c| c.provider() == provider && c.code() == code)
    }
}

/// The till under test, and the other till beside it.
pub struct Rig {
    pub store: Arc<Store>,
    pub engine: Arc<Engine>,
    pub checkout: Checkout,
    pub other: OtherTill,
    pub wallets: Vec<Wallet>,
    _quiet: Vec<Running>,
}

impl Rig {
    /// The contact of wallet `i`.
    pub fn contact(&self, i: usize) -> &str {
        &self.wallets[i].contact_uuid
    }
}

/// Builds the till over `sims` in `dir` (paying with the simulators' Leat wallets, and
/// [`FIXED_LEAT_CARDS`] Leat gift cards added that are not upgradeable): the checkout gets
/// `config` and `caps`, completed sales are recorded in Shopwave. The engine is not started:
/// the caller runs it.
pub async fn rig(sims: &Sims, dir: &Path, config: CheckoutConfig, caps: OfflineCaps) -> Rig {
    // Two tills and the checks' read-backs: more than Leat's default 5000 requests a minute.
    sims.leat.set_rate_limit(1_000_000);
    for i in 0..FIXED_LEAT_CARDS {
        sims.leat
            .add_giftcard(LeatCardSpec::new(&fixed_leat_card(i), START_BALANCE));
    }
    let wallets = sims.wallets.clone();
    let store = Arc::new(Store::open(&dir.join("kassa.sqlite3")).expect("the store opens"));
    let wired = wired(&sims.urls, &store);
    let engine = Arc::new(engine_with(store.clone(), wired.executors));
    let clock = Arc::new(SystemClock);
    let till = wired.providers.into_iter().fold(
        Till::new(store.clone(), clock.clone(), false),
        |till, (provider, pattern)| {
            till.with_provider(provider, &pattern)
                .expect("the card patterns compile")
        },
    );
    let keyer = CardKeyer::from_secrets(&MemorySecretStore::default())
        .expect("a memory store keeps the card key");
    let checkout = Checkout::new(CheckoutParts {
        till: Arc::new(till),
        store: store.clone(),
        keyer,
        link: engine.link(),
        config,
        caps,
        currency: eur(),
        pos: Some(ProviderId::Shopwave),
        clock,
    });
    let (other, quiet) = OtherTill::start(sims).await;
    Rig {
        store,
        engine,
        checkout,
        other,
        wallets,
        _quiet: quiet,
    }
}

/// Another till of the same shop, on a link without faults: it spends from the cards behind
/// the tested till's back, and reads the providers' records back for the checks.
pub struct OtherTill {
    pub leat: LeatClient,
    pub lightspeed: LightspeedClient,
    pub zmyle: ZmyleClient,
}

impl OtherTill {
    /// Serves the gift-card simulators' ledgers a second time, without faults, and builds the
    /// clients over them.
    async fn start(sims: &Sims) -> (OtherTill, Vec<Running>) {
        let mut leat = sims.leat.clone();
        leat.faults = Faults::default();
        let mut lightspeed = sims.lightspeed.clone();
        lightspeed.faults = Faults::default();
        let mut zmyle = sims.zmyle.clone();
        zmyle.faults = Faults::default();
        let running = vec![
            serve(leat.router()).await.expect("Leat serves"),
            serve(lightspeed.router()).await.expect("Lightspeed serves"),
            serve(zmyle.router()).await.expect("zmyle serves"),
        ];
        let other = OtherTill {
            leat: leat_client(&running[0].url()),
            lightspeed: lightspeed_client(&running[1].url()),
            zmyle: zmyle_client(&running[2].url()),
        };
        (other, running)
    }

    /// Takes `amount` from `card` as another till would; `mark` is the movement's key (Leat's
    /// op id attribute, Lightspeed's `client_id`, zmyle's idempotency key). Returns how the
    /// movement shows in the provider's records (the mark; zmyle: the card transaction's id),
    /// or `None` when the provider refused it.
    pub async fn spend(
        &self,
        card: Card,
        contact: Option<&str>,
        amount: i64,
        mark: &str,
    ) -> Option<String> {
        let money = |minor: i64| Money::new(minor, eur());
        let refused = |e: &ProviderError| matches!(e, ProviderError::Declined { .. });
        let code = card.code();
        let result = match card {
            Card::LeatGift(_) | Card::LeatFixed(_) => {
                let found = self
                    .leat
                    .find_giftcard(&code)
                    .await
                    .expect("the other till finds the card");
                self.leat
                    .create_giftcard_transaction(&found.uuid, &money(-amount), mark)
                    .await
                    .map(|_| mark.to_string())
            }
            Card::LeatWallet(_) => self
                .leat
                .create_prepaid_transaction_for_op(
                    WalletOf::Contact(contact.expect("a wallet has its contact")),
                    &money(-amount),
                    mark,
                )
                .await
                .map(|_| mark.to_string()),
            Card::Lightspeed(_) => self
                .lightspeed
                .redeem(&scanned(&code), &money(amount), mark)
                .await
                .map(|_| mark.to_string()),
            Card::Zmyle(_) => {
                match self
                    .zmyle
                    .reserve(&scanned(&code), &money(amount), "other-till", mark)
                    .await
                {
                    Ok(intent) => {
                        let done = self
                            .zmyle
                            .confirm_intent(&intent.id)
                            .await
                            .expect("the other till confirms its hold");
                        assert_eq!(done.status, IntentStatus::Succeeded);
                        Ok(done
                            .giftcard_transaction_id
                            .expect("a confirmed intent names its transaction"))
                    }
                    Err(e) => Err(e),
                }
            }
        };
        match result {
            Ok(shown) => Some(shown),
            Err(e) if refused(&e) => None,
            Err(e) => panic!("the other till's link has no faults, yet: {e}"),
        }
    }

    /// A Leat gift card's transactions, oldest first: (our op id if marked, signed amount).
    pub async fn leat_transactions(&self, hash: &str) -> Vec<(Option<String>, i64)> {
        let mut filter = TransactionFilter::card(hash);
        let mut out = Vec::new();
        loop {
            let page = self
                .leat
                .list_giftcard_transactions(&filter)
                .await
                .expect("Leat lists a card's transactions");
            let done = page.items.is_empty() || page.page >= page.last_page;
            out.extend(page.items.into_iter().map(|t| (t.op_id, t.amount.minor)));
            if done {
                return out;
            }
            filter.page += 1;
        }
    }

    /// A Leat contact's prepaid transactions: (our op id if marked, signed amount).
    pub async fn prepaid_transactions(&self, contact: &str) -> Vec<(Option<String>, i64)> {
        let mut out = Vec::new();
        for page_no in 1.. {
            let page = self
                .leat
                .list_prepaid_transactions(Some(contact), page_no, 30)
                .await
                .expect("Leat lists a contact's prepaid transactions");
            let done = page.items.is_empty() || page.page >= page.last_page;
            out.extend(page.items.into_iter().map(|t| (t.op_id, t.amount.minor)));
            if done {
                break;
            }
        }
        out
    }
}

/// A code the test knows to be valid.
pub fn scanned(code: &str) -> CardCode {
    CardCode::parse(code).expect("the simulators' codes are valid")
}
