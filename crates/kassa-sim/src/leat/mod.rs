//! Leat (formerly Piggy): gift cards, gift card transactions, contacts' prepaid wallets and
//! contact identifiers, as in docs/providers.md §1 and the Leat seed pages.
//!
//! Both path families are served: `/api/v3/oauth/clients/...` and `/api/v3/register/...`,
//! plus the client-credentials token endpoint `POST /oauth/token`. Business errors use Leat's
//! envelope `{"message", "code", "status_code": 400}`; a missing, wrong or expired bearer token
//! answers 401 `{"message": "Unauthenticated."}`; every answer of a path family carries
//! `X-RateLimit-Limit` and `X-RateLimit-Remaining`, and past the limit it is 429 with
//! `Retry-After`. All state is in memory; the ledger can be kept in a file
//! ([`Persistent`]).

mod access;
mod body;
mod giftcards;
mod ledger;
mod prepaid;
mod render;
mod respond;
mod tamper;

use access::Access;
use axum::routing::{get, post};
use axum::{middleware, Extension, Router};
use ledger::{Card, Contact, Family, Identifier, Ledger, Program, Shop};
pub use ledger::{Entity, DEFAULT_ATTRIBUTE};
use std::collections::HashSet;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::faults::Faults;
use crate::persist::{self, LedgerFile, Persistent};

/// The shop every simulator starts with; it has access to the default program.
pub const DEFAULT_SHOP_UUID: &str = "00000000-0000-4000-a000-000000000015";
/// The gift card program every simulator starts with: maximum €510.00, 394 days.
pub const DEFAULT_PROGRAM_UUID: &str = "00000000-0000-4000-9000-000000000001";

const OAUTH: &str = "/api/v3/oauth/clients";
const REGISTER: &str = "/api/v3/register";

/// A gift card to put in the simulator.
#[derive(Debug, Clone)]
pub struct CardSpec {
    pub hash: String,
    /// The initial value, booked as the card's first transaction.
    pub amount_in_cents: i64,
    /// RFC 3339, or none for a card that never expires.
    pub expiration_date: Option<String>,
    /// `PHYSICAL` rather than `DIGITAL`.
    pub physical: bool,
    /// Can be incremented again after its initial value (and then not on the OAuth family).
    pub upgradeable: bool,
    pub active: bool,
    /// `None`: not linked to a gift card program.
    pub program_uuid: Option<String>,
}

impl CardSpec {
    /// A valid digital card of the default program that never expires.
    pub fn new(hash: &str, amount_in_cents: i64) -> Self {
        CardSpec {
            hash: hash.to_string(),
            amount_in_cents,
            expiration_date: None,
            physical: false,
            upgradeable: false,
            active: true,
            program_uuid: Some(DEFAULT_PROGRAM_UUID.to_string()),
        }
    }
}

/// The Leat simulator; clone it to keep a handle on its state while it is served.
#[derive(Clone)]
pub struct LeatSim {
    /// Faults to inject into the next requests, or at random.
    pub faults: Faults,
    ledger: Arc<Mutex<Ledger>>,
    access: Arc<Mutex<Access>>,
    file: Option<Arc<LedgerFile>>,
}

/// The simulator's clock: Leat's timestamps have whole seconds.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("zero is valid")
}

impl LeatSim {
    /// A simulator that accepts `Authorization: Bearer <token>` on both path families, with
    /// the default shop and program.
    pub fn new(token: &str) -> Self {
        let sim = LeatSim {
            faults: Faults::default(),
            ledger: Arc::new(Mutex::new(Ledger::new())),
            access: Arc::new(Mutex::new(Access::new(token))),
            file: None,
        };
        {
            let mut ledger = sim.ledger();
            ledger.shops.insert(
                DEFAULT_SHOP_UUID.into(),
                Shop {
                    id: 15,
                    uuid: DEFAULT_SHOP_UUID.into(),
                    name: "Kassa demo shop".into(),
                },
            );
            ledger.programs.insert(
                DEFAULT_PROGRAM_UUID.into(),
                Program {
                    id: 1,
                    uuid: DEFAULT_PROGRAM_UUID.into(),
                    name: "Kassa demo gift card".into(),
                    max_amount_in_cents: 51_000,
                    expiration_days: 394,
                    shops: HashSet::from([DEFAULT_SHOP_UUID.to_string()]),
                },
            );
        }
        sim
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn access(&self) -> MutexGuard<'_, Access> {
        self.access.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a valid digital card of the default program; returns its uuid.
    pub fn add_card(
        &self,
        hash: &str,
        amount_in_cents: i64,
        expiration_date: Option<&str>,
    ) -> String {
        self.add_giftcard(CardSpec {
            expiration_date: expiration_date.map(str::to_string),
            ..CardSpec::new(hash, amount_in_cents)
        })
    }

    /// Adds a card; its `id` and `uuid` are assigned here and the uuid returned.
    pub fn add_giftcard(&self, spec: CardSpec) -> String {
        let mut ledger = self.ledger();
        let (id, uuid) = ledger.next(0x8000);
        let expiration_date = spec
            .expiration_date
            .as_deref()
            .map(|d| OffsetDateTime::parse(d, &Rfc3339).expect("expiration_date must be RFC 3339"));
        ledger.cards.insert(
            spec.hash.clone(),
            Card {
                id,
                uuid: uuid.clone(),
                hash: spec.hash.clone(),
                card_type: if spec.physical { "PHYSICAL" } else { "DIGITAL" }.into(),
                amount_in_cents: 0,
                upgradeable: spec.upgradeable,
                active: spec.active,
                expiration_date,
                program_uuid: spec.program_uuid,
                incremented: false,
            },
        );
        ledger.issue(&spec.hash, spec.amount_in_cents, now());
        uuid
    }

    /// Adds a gift card program that the default shop has access to; returns its uuid.
    pub fn add_program(&self, name: &str, max_amount_in_cents: i64) -> String {
        let mut ledger = self.ledger();
        let (id, uuid) = ledger.next(0x9000);
        ledger.programs.insert(
            uuid.clone(),
            Program {
                id,
                uuid: uuid.clone(),
                name: name.to_string(),
                max_amount_in_cents,
                expiration_days: 394,
                shops: HashSet::from([DEFAULT_SHOP_UUID.to_string()]),
            },
        );
        uuid
    }

    /// Adds a shop with access to the given programs; returns its uuid.
    pub fn add_shop(&self, name: &str, programs: &[&str]) -> String {
        let mut ledger = self.ledger();
        let (id, uuid) = ledger.next(0xa000);
        ledger.shops.insert(
            uuid.clone(),
            Shop {
                id,
                uuid: uuid.clone(),
                name: name.to_string(),
            },
        );
        for program in programs {
            if let Some(p) = ledger.programs.get_mut(*program) {
                p.shops.insert(uuid.clone());
            }
        }
        uuid
    }

    /// Adds a contact with a prepaid balance; returns its uuid.
    pub fn add_contact(&self, email: &str, prepaid_in_cents: i64) -> String {
        let mut ledger = self.ledger();
        let (_, uuid) = ledger.next(0xc000);
        ledger.contacts.insert(
            uuid.clone(),
            Contact {
                uuid: uuid.clone(),
                email: email.to_string(),
                prepaid_in_cents,
            },
        );
        uuid
    }

    /// Adds a contact identifier (a loyalty card), linked to a contact or not.
    pub fn add_identifier(
        &self,
        value: &str,
        name: &str,
        contact_uuid: Option<&str>,
        active: bool,
    ) {
        self.ledger().identifiers.insert(
            value.to_string(),
            Identifier {
                name: name.to_string(),
                value: value.to_string(),
                active,
                contact_uuid: contact_uuid.map(str::to_string),
            },
        );
    }

    /// Whether gift card and prepaid transactions show their `custom_attributes` (Leat does
    /// not say).
    pub fn set_echo_custom_attributes(&self, echo: bool) {
        self.ledger().settings.echo_custom_attributes = echo;
    }

    /// The custom attributes the account defines for an entity (by default
    /// [`DEFAULT_ATTRIBUTE`] for both); a transaction carrying another is refused (1003).
    pub fn set_custom_attributes(&self, entity: Entity, names: &[&str]) {
        let names = names.iter().map(|n| n.to_string()).collect();
        self.ledger().settings.attributes.insert(entity, names);
    }

    /// Whether Leat refuses to reverse a payment on a card that cannot be incremented again
    /// (5006), as if the reverse were an incrementation; by default it does not.
    pub fn set_reverse_is_increment(&self, refuse: bool) {
        self.ledger().settings.reverse_is_increment = refuse;
    }

    /// Registers an OAuth client for the client-credentials flow.
    pub fn add_client(&self, client_id: u64, secret: &str) {
        self.access().clients.insert(client_id, secret.to_string());
    }

    /// How long issued access tokens live (`expires_in`).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.access().token_lifetime = lifetime;
    }

    /// Invalidates every issued access token, as a revocation on Leat's side would.
    pub fn revoke_tokens(&self) {
        self.access().issued.clear();
    }

    /// How many access tokens the token endpoint issued.
    pub fn tokens_issued(&self) -> u64 {
        self.access().tokens_issued
    }

    /// Requests allowed per minute before 429 (`X-RateLimit-Limit`, 5000 by default).
    pub fn set_rate_limit(&self, per_minute: u32) {
        self.access().rate_limit = per_minute;
    }

    /// A card's balance (`amount_in_cents`).
    pub fn balance(&self, hash: &str) -> Option<i64> {
        self.ledger().cards.get(hash).map(|c| c.amount_in_cents)
    }

    /// The hashes of every gift card, in no particular order.
    pub fn hashes(&self) -> Vec<String> {
        self.ledger().cards.keys().cloned().collect()
    }

    /// A card's transactions' amounts, in the order they were booked.
    pub fn transaction_amounts(&self, hash: &str) -> Vec<i64> {
        self.ledger()
            .giftcard_txns
            .iter()
            .filter(|t| t.card_hash == hash)
            .map(|t| t.amount_in_cents)
            .collect()
    }

    /// A contact's prepaid transactions' amounts, in the order they were booked.
    pub fn prepaid_amounts(&self, contact_uuid: &str) -> Vec<i64> {
        self.ledger()
            .prepaid_txns
            .iter()
            .filter(|t| t.contact_uuid == contact_uuid)
            .map(|t| t.amount_in_cents)
            .collect()
    }

    /// A card's transactions in the order they were booked: the value each carries under
    /// `custom_attributes[attribute]` (a till's mark), and its amount.
    pub fn marked_transactions(&self, hash: &str, attribute: &str) -> Vec<(Option<String>, i64)> {
        self.ledger()
            .giftcard_txns
            .iter()
            .filter(|t| t.card_hash == hash)
            .map(|t| (mark(&t.custom_attributes, attribute), t.amount_in_cents))
            .collect()
    }

    /// A contact's prepaid transactions in the order they were booked, as
    /// [`LeatSim::marked_transactions`].
    pub fn marked_prepaid_transactions(
        &self,
        contact_uuid: &str,
        attribute: &str,
    ) -> Vec<(Option<String>, i64)> {
        self.ledger()
            .prepaid_txns
            .iter()
            .filter(|t| t.contact_uuid == contact_uuid)
            .map(|t| (mark(&t.custom_attributes, attribute), t.amount_in_cents))
            .collect()
    }

    /// A contact's prepaid balance.
    pub fn prepaid_balance(&self, contact_uuid: &str) -> Option<i64> {
        self.ledger()
            .contacts
            .get(contact_uuid)
            .map(|c| c.prepaid_in_cents)
    }

    /// The HTTP service, with the fault layer around it.
    pub fn router(&self) -> Router {
        let router = Router::new()
            .nest(OAUTH, self.family(Family::Oauth))
            .nest(REGISTER, self.family(Family::Register))
            .route("/oauth/token", post(access::token))
            .with_state(self.clone());
        let router = persist::layer(
            router,
            self,
            self.file.as_ref(),
            Arc::new(respond::render_fault),
        );
        self.faults.layer(router, Arc::new(respond::render_fault))
    }

    fn family(&self, family: Family) -> Router<LeatSim> {
        let mut router = Router::new()
            .route("/giftcards", post(giftcards::create))
            .route("/giftcards/find-one-by", get(giftcards::find_one_by))
            .route(
                "/giftcard-transactions",
                get(giftcards::list_transactions).post(giftcards::create_transaction),
            )
            .route(
                "/giftcard-transactions/{uuid}",
                get(giftcards::get_transaction),
            )
            .route(
                "/giftcard-transactions/{uuid}/reverse",
                post(giftcards::reverse_transaction),
            )
            .route(
                "/prepaid-transactions",
                get(prepaid::list_transactions).post(prepaid::create_transaction),
            )
            .route(
                "/prepaid-transactions/{uuid}/reverse",
                post(prepaid::reverse_transaction),
            )
            .route("/contacts/{uuid}/prepaid-balance", get(prepaid::balance))
            .route("/contact-identifiers", post(prepaid::create_identifier))
            .route("/contact-identifiers/find", get(prepaid::find_identifier));
        if family == Family::Oauth {
            router = router.route("/giftcards/{uuid}", get(giftcards::get_by_uuid));
        }
        router
            .layer(middleware::from_fn_with_state(
                (self.clone(), family),
                access::guard,
            ))
            .layer(Extension(family))
    }
}

impl Persistent for LeatSim {
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

fn mark(attributes: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<String> {
    attributes
        .get(name)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}
