//! zmyle POS API, as in docs/providers.md §2: gift cards found by short id or QR URL, transaction
//! intents that hold funds until confirmed, cancelled or expired, and refunds.
//!
//! All paths are under `/service/v1.1`; requests need HTTP Basic auth with the API key and
//! secret. Errors are `{"errorId", "errorMsg", "status", "occuredAt"}` (zmyle's spelling).
//! Creating an intent and refunding honour an idempotency key: the first answer is replayed.
//! The ledger can be kept in a file ([`Persistent`]).

mod ledger;
mod routes;
mod tamper;

use crate::faults::Faults;
use crate::persist::{self, LedgerFile, Persistent};
use ledger::Ledger;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Where a card stands with this retailer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardStatus {
    /// Paid and redeemable.
    Active,
    /// Sold online but not paid yet: redeeming it is `api:biz:unpaidGiftcard`.
    Unpaid,
    /// A pre-printed card not sold yet; `sellable` when this retailer may activate it.
    Blank { sellable: bool },
    /// A card of another network: to this retailer it does not exist (`noSuchGiftcard`).
    Foreign,
}

/// A gift card to put in the simulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardSpec {
    /// zmyle's id, lowercase letters and digits, at least 12 (in the QR URL).
    pub id: String,
    /// The 4- or 6-character id printed on the card.
    pub short_id: String,
    /// The card's access token, at least 15 lowercase letters and digits (in the QR URL).
    pub access_token: String,
    /// Confirmed balance in minor units.
    pub balance: i64,
    /// The amount the card was, or will be when activated, loaded with.
    pub initial_amount: i64,
    pub currency: String,
    pub status: CardStatus,
    /// A pre-printed card (activated at a till) rather than a digital one.
    pub preprinted: bool,
}

impl CardSpec {
    /// An active, paid EUR card with `balance` on it.
    pub fn active(id: &str, short_id: &str, access_token: &str, balance: i64) -> Self {
        CardSpec {
            id: id.into(),
            short_id: short_id.into(),
            access_token: access_token.into(),
            balance,
            initial_amount: balance,
            currency: "EUR".into(),
            status: CardStatus::Active,
            preprinted: false,
        }
    }

    /// What the card's QR code holds, in the documented shape.
    pub fn qr_url(&self) -> String {
        qr_url(&self.id, &self.access_token)
    }
}

/// A QR URL in the documented shape: `https://…/g/<giftcardId>/redeem?rt=<accessToken>`.
pub fn qr_url(giftcard_id: &str, access_token: &str) -> String {
    format!("https://www.smartcity-gutschein.de/g/{giftcard_id}/redeem?rt={access_token}")
}

/// The simulated till's standing with zmyle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retailer {
    #[default]
    GoodStanding,
    /// Writes answer `api:biz:retailerStatus`.
    Suspended,
    /// The account is gone: refunds answer `api:biz:noSuchRetailer`, other writes
    /// `api:biz:retailerStatus`.
    Unknown,
}

/// The idempotency header the simulator honours unless told otherwise (docs/providers.md §2.1 [INF]).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The zmyle simulator; clone it to keep a handle on its state while it is served.
#[derive(Clone)]
pub struct ZmyleSim {
    /// Faults to inject into the next requests, or at random.
    pub faults: Faults,
    credentials: Arc<(String, String)>,
    idempotency_header: Arc<String>,
    ledger: Arc<Mutex<Ledger>>,
    file: Option<Arc<LedgerFile>>,
}

impl ZmyleSim {
    /// A simulator that accepts HTTP Basic `api_key:api_secret`.
    pub fn new(api_key: &str, api_secret: &str) -> Self {
        ZmyleSim {
            faults: Faults::default(),
            credentials: Arc::new((api_key.into(), api_secret.into())),
            idempotency_header: Arc::new(IDEMPOTENCY_HEADER.into()),
            ledger: Arc::new(Mutex::new(Ledger::new())),
            file: None,
        }
    }

    /// Honour another header name for idempotency keys (zmyle's is undocumented).
    pub fn with_idempotency_header(mut self, name: &str) -> Self {
        self.idempotency_header = Arc::new(name.to_string());
        self
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add_card(&self, card: CardSpec) {
        self.ledger().add_card(card);
    }

    /// How long an unconfirmed intent holds its funds (zmyle: "usually 30 minutes").
    pub fn set_intent_ttl(&self, ttl: Duration) {
        self.ledger().intent_ttl = ttl;
    }

    /// Moves the simulator's clock forward, e.g. past the 14 days a refund is allowed.
    pub fn advance(&self, by: Duration) {
        self.ledger().clock_offset += by;
    }

    pub fn set_retailer(&self, retailer: Retailer) {
        self.ledger().retailer = retailer;
    }

    /// The name zmyle shows on the customer's statement for this retailer.
    pub fn set_statement_descriptor(&self, name: &str) {
        self.ledger().statement_descriptor = name.into();
    }

    /// Holds `amount` on a card for `ttl`, as if another till had created an intent. Returns
    /// the intent id, or None when no card has this short id.
    pub fn place_hold(&self, short_id: &str, amount: i64, ttl: Duration) -> Option<String> {
        self.ledger().place_hold(short_id, amount, ttl)
    }

    /// `(balance, availableBalance)` of a card, by short id, as zmyle would report it now.
    pub fn balances(&self, short_id: &str) -> Option<(i64, i64)> {
        let mut ledger = self.ledger();
        ledger.expire_intents();
        ledger.balances(short_id)
    }

    /// The card as `GET gift_cards/find?query=SHORT_ID` shows it (balances, transactions).
    pub fn card(&self, short_id: &str) -> Option<serde_json::Value> {
        let found = self.ledger().find(Some(short_id)).ok()?;
        found.as_array()?.first().cloned()
    }

    /// The intent as `GET transaction_intents/{id}` shows it.
    pub fn intent(&self, id: &str) -> Option<serde_json::Value> {
        self.ledger().intent(id).ok()
    }

    pub fn router(&self) -> axum::Router {
        let router = persist::layer(
            routes::router().with_state(self.clone()),
            self,
            self.file.as_ref(),
            Arc::new(routes::render_fault),
        );
        self.faults.layer(router, Arc::new(routes::render_fault))
    }
}

impl Persistent for ZmyleSim {
    fn snapshot(&self) -> Vec<u8> {
        persist::to_json(&*self.ledger())
    }

    fn restore(&self, snapshot: &[u8]) -> serde_json::Result<()> {
        let saved = serde_json::from_slice(snapshot)?;
        self.ledger().restore(saved);
        Ok(())
    }

    fn persist_to(mut self, path: &Path) -> io::Result<Self> {
        self.file = Some(LedgerFile::create(path, self.snapshot())?);
        Ok(self)
    }
}
