//! Shopwave (MerchantStack) POS back-office: baskets and payment transactions, as in
//! docs/providers.md §4.
//!
//! - OAuth 2.0 authorize page at `/oauth/authorize` (a redirect with a code and the `state`) and
//!   token endpoint at `/oauth/token` (authorization code and refresh grants); every
//!   other call needs `Authorization: Bearer <token>`: 911 malformed, 907 unknown, 908 expired
//!   ([`ShopwaveSim::expire_access_tokens`] expires them on demand).
//! - Writes are maps keyed by the client's references (or ids, for an update); answers key each
//!   record by its Shopwave id and echo nothing of the client's. Each object stands alone: a
//!   201 may carry errors for some objects in `api.message`, naming them by their keys.
//! - `POST /basket` pre-generates a basket (its store only); `PUT /basket` with an `id` writes
//!   into it.
//! - Two-phase life cycle: create (POST), then complete (`completeDate` in a PUT); a complete
//!   basket or transaction answers warning 601 / 602 to any further write.
//! - Reads filter by the documented headers only (`basketIds`, `transactionIds`); any other
//!   header is ignored and the read answers everything. A query string, or a call without
//!   `x-accept-version`, answers 913.
//! - Errors use `api.message.error` (the documented spelling), warnings `api.message.warning`.
//! - The baskets and payments can be kept in a file ([`Persistent`]); tokens are not.

mod ledger;
mod messages;
mod oauth;
mod routes;
mod tamper;

pub use ledger::{Basket, Product, Transaction};
pub use oauth::App;
pub use routes::MAX_OBJECTS;

use crate::faults::{Fault, Faults};
use crate::persist::{self, LedgerFile, Persistent};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ledger::Ledger;
use messages::{answer, Messages, SERVICE_DOWN, TOO_MANY, UNKNOWN_ERROR};
use oauth::Tokens;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// One write call the simulator accepted for processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteCall {
    pub method: &'static str,
    pub path: &'static str,
    /// Objects in the call, basket lines included.
    pub objects: usize,
}

struct State {
    app: App,
    tokens: Tokens,
    ledger: Ledger,
    calls: Vec<WriteCall>,
}

/// The Shopwave simulator; clone it to keep a handle on its state while it is served.
#[derive(Clone)]
pub struct ShopwaveSim {
    /// Faults to inject into the next requests, or at random.
    pub faults: Faults,
    state: Arc<Mutex<State>>,
    file: Option<Arc<LedgerFile>>,
}

impl ShopwaveSim {
    /// A simulator for one registered application and the store ids it may write to.
    pub fn new(app: App, stores: &[i64]) -> Self {
        ShopwaveSim {
            faults: Faults::default(),
            state: Arc::new(Mutex::new(State {
                app,
                tokens: Tokens::default(),
                ledger: Ledger::new(stores.iter().copied().collect()),
                calls: vec![],
            })),
            file: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Accepts this access token and this refresh token, as if issued earlier.
    pub fn grant_tokens(&self, access: &str, refresh: &str) {
        self.lock().tokens.grant(access, refresh);
    }

    /// An authorization code, as the authorize page would hand the installer; single use.
    pub fn issue_code(&self) -> String {
        self.lock().tokens.issue_code()
    }

    /// Every access token issued so far now answers 908 Expired Token.
    pub fn expire_access_tokens(&self) {
        self.lock().tokens.expire_all();
    }

    /// How many refresh grants were served.
    pub fn refreshes(&self) -> u64 {
        self.lock().tokens.refreshes
    }

    pub fn baskets(&self) -> Vec<Basket> {
        self.lock().ledger.baskets.values().cloned().collect()
    }

    pub fn transactions(&self) -> Vec<Transaction> {
        self.lock().ledger.transactions.values().cloned().collect()
    }

    /// The write calls accepted so far, in order (refused ones, e.g. 919, are not listed).
    pub fn write_calls(&self) -> Vec<WriteCall> {
        self.lock().calls.clone()
    }

    pub fn router(&self) -> Router {
        let router = Router::new()
            .route("/oauth/authorize", get(oauth::authorize))
            .route("/oauth/token", post(oauth::token))
            .route(
                "/basket",
                get(routes::get_basket)
                    .post(routes::post_basket)
                    .put(routes::put_basket),
            )
            .route(
                "/transaction",
                get(routes::get_transaction)
                    .post(routes::post_transaction)
                    .put(routes::put_transaction),
            )
            .with_state(self.clone());
        let router = persist::layer(router, self, self.file.as_ref(), Arc::new(render_fault));
        self.faults.layer(router, Arc::new(render_fault))
    }
}

impl Persistent for ShopwaveSim {
    fn snapshot(&self) -> Vec<u8> {
        persist::to_json(&self.lock().ledger)
    }

    fn restore(&self, snapshot: &[u8]) -> serde_json::Result<()> {
        let saved = serde_json::from_slice(snapshot)?;
        self.lock().ledger.restore(saved);
        Ok(())
    }

    fn persist_to(mut self, path: &Path) -> io::Result<Self> {
        self.file = Some(LedgerFile::create(path, self.snapshot())?);
        Ok(self)
    }
}

/// Injected faults in Shopwave's envelope: 899 for server errors, 900 for maintenance, and
/// 919 with `Retry-After` for throttling.
fn render_fault(fault: &Fault) -> Response {
    let (message, retry_after, status) = match fault {
        Fault::ServerError(code) => (UNKNOWN_ERROR, None, *code),
        Fault::Maintenance => (SERVICE_DOWN, None, SERVICE_DOWN.status),
        Fault::RateLimited { retry_after_secs } => {
            (TOO_MANY, Some(*retry_after_secs), TOO_MANY.status)
        }
        other => return crate::faults::plain(other),
    };
    let mut messages = Messages::default();
    messages.problem(message, None, None, None);
    let status = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = answer(status, Default::default(), &messages);
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("Retry-After", secs.to_string().parse().expect("digits"));
    }
    response
}
