//! OAuth with rotating refresh tokens, against the simulator's token endpoint: the new refresh
//! token reaches the SecretStore before the new access token is used, and a store that fails
//! in between leaves the till in a state it recovers from.

use kassa_core::card::CardCode;
use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::Currency;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretError, SecretStore};
use kassa_providers::lightspeed::auth::{ACCESS_TOKEN, CLIENT_SECRET, REFRESH_TOKEN};
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim};
use kassa_sim::server::serve;
use kassa_sim::Running;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const CARD: &str = "9100000000000001";
const REDIRECT: &str = "http://127.0.0.1:5999/lightspeed/callback";

/// The in-memory store, made to fail its writes on demand (a locked keyring, a full disk).
#[derive(Default)]
struct FailingStore {
    inner: MemorySecretStore,
    fail_writes: AtomicBool,
}

impl SecretStore for FailingStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        self.inner.get(name)
    }
    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(SecretError::Unavailable("the keyring is locked".into()));
        }
        self.inner.set(name, value)
    }
}

impl FailingStore {
    fn value(&self, name: &str) -> Option<String> {
        self.get(name).unwrap().map(|s| s.expose().to_string())
    }
}

fn code() -> CardCode {
    CardCode::parse(CARD).unwrap()
}

async fn sim() -> (LightspeedSim, Running) {
    let sim = LightspeedSim::new();
    sim.set_oauth_app("kassa-app", "app-secret", "refresh-0");
    sim.add_card(CARD, 7500, CardStatus::Active, None);
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

fn store() -> Arc<FailingStore> {
    let store = Arc::new(FailingStore::default());
    store
        .set(CLIENT_SECRET, &Secret::new("app-secret"))
        .unwrap();
    store.set(REFRESH_TOKEN, &Secret::new("refresh-0")).unwrap();
    store
}

fn client(url: String, store: Arc<FailingStore>) -> LightspeedClient {
    let config = LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url),
        api_version: "2026-04".into(),
        auth: LightspeedAuth::Oauth,
        client_id: Some("kassa-app".into()),
        redirect_uri: Some(REDIRECT.into()),
        registers: 1,
        retailer_budget: None,
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: 2_000,
    };
    let currency = Currency::try_from("EUR".to_string()).unwrap();
    LightspeedClient::new(&config, currency, store).unwrap()
}

#[tokio::test]
async fn refreshes_and_stores_each_rotated_refresh_token() {
    let (sim, running) = sim().await;
    let store = store();
    let c = client(running.url(), store.clone());

    // No access token yet: the client refreshes, stores the pair, then reads the card.
    assert_eq!(c.lookup(&code()).await.unwrap().balance.minor, 7500);
    assert_eq!(sim.refresh_token().as_deref(), Some("sim-refresh-1"));
    assert_eq!(store.value(REFRESH_TOKEN).as_deref(), Some("sim-refresh-1"));
    assert_eq!(store.value(ACCESS_TOKEN).as_deref(), Some("sim-access-1"));

    // The access token expires: Lightspeed answers 401, the client refreshes once and retries.
    sim.expire_access_tokens();
    assert_eq!(c.lookup(&code()).await.unwrap().balance.minor, 7500);
    assert_eq!(store.value(REFRESH_TOKEN).as_deref(), Some("sim-refresh-2"));
    assert_eq!(store.value(ACCESS_TOKEN).as_deref(), Some("sim-access-2"));

    // A till restarted from the store carries on with the cached access token.
    let restarted = client(running.url(), store.clone());
    assert!(restarted.lookup(&code()).await.is_ok());
    assert_eq!(
        sim.refresh_token().as_deref(),
        Some("sim-refresh-2"),
        "no refresh needed"
    );
}

#[tokio::test]
async fn concurrent_calls_spend_the_refresh_token_once() {
    let (sim, running) = sim().await;
    let store = store();
    let c = Arc::new(client(running.url(), store.clone()));
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.lookup(&code()).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    // A second refresh would have sent the revoked refresh-0 and failed.
    assert_eq!(sim.refresh_token().as_deref(), Some("sim-refresh-1"));
    assert_eq!(store.value(REFRESH_TOKEN).as_deref(), Some("sim-refresh-1"));
}

#[tokio::test]
async fn a_new_refresh_token_that_cannot_be_stored_is_kept_and_not_used_until_it_is() {
    let (sim, running) = sim().await;
    let store = store();
    let c = client(running.url(), store.clone());
    store.fail_writes.store(true, Ordering::SeqCst);

    let err = c.lookup(&code()).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unavailable { message, .. } if message.contains("could not be saved")),
        "{err:?}"
    );
    assert!(err.is_retryable(), "the outbox tries again later");
    // Lightspeed rotated (refresh-0 is revoked); the store still holds refresh-0; the new
    // pair lives in the client's memory only, and the card request was never sent.
    assert_eq!(sim.refresh_token().as_deref(), Some("sim-refresh-1"));
    assert_eq!(store.value(REFRESH_TOKEN).as_deref(), Some("refresh-0"));
    assert_eq!(store.value(ACCESS_TOKEN), None);
    assert!(c.has_unsaved_tokens().await);
    assert_eq!(
        sim.requests(),
        1,
        "only the token request reached Lightspeed"
    );

    // While the store keeps failing, nothing is sent and no refresh token is spent.
    assert!(c.lookup(&code()).await.unwrap_err().is_retryable());
    assert_eq!(sim.requests(), 1);

    // The store works again: the pair is saved first, then used.
    store.fail_writes.store(false, Ordering::SeqCst);
    assert_eq!(c.lookup(&code()).await.unwrap().balance.minor, 7500);
    assert_eq!(store.value(REFRESH_TOKEN).as_deref(), Some("sim-refresh-1"));
    assert_eq!(store.value(ACCESS_TOKEN).as_deref(), Some("sim-access-1"));
    assert!(!c.has_unsaved_tokens().await);
    assert_eq!(sim.requests(), 2, "the card request, and no second refresh");
}

#[tokio::test]
async fn a_till_closed_before_the_new_token_was_stored_is_authorized_again() {
    let (sim, running) = sim().await;
    let store = store();
    let c = client(running.url(), store.clone());
    store.fail_writes.store(true, Ordering::SeqCst);
    assert!(c.lookup(&code()).await.is_err());
    drop(c);
    store.fail_writes.store(false, Ordering::SeqCst);

    // The store's refresh-0 was revoked by the rotation: the installer is told to re-authorize.
    let restarted = client(running.url(), store.clone());
    let err = restarted.lookup(&code()).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains("Authorize the till")),
        "{err:?}"
    );
    assert!(
        !err.to_string().contains("refresh-0"),
        "no token in messages"
    );

    // Authorizing again through the connect page's code makes the till whole.
    let url = restarted.authorize_url("state-1").unwrap();
    assert!(url.starts_with(
        "https://secure.retail.lightspeed.app/connect?response_type=code&client_id=kassa-app"
    ));
    let auth_code = sim.issue_authorization_code(REDIRECT).unwrap();
    restarted.authorize_with_code(&auth_code).await.unwrap();
    assert_eq!(store.value(REFRESH_TOKEN), sim.refresh_token());
    assert_eq!(restarted.lookup(&code()).await.unwrap().balance.minor, 7500);
}

#[tokio::test]
async fn a_wrong_client_secret_is_a_configuration_error() {
    let (_sim, running) = sim().await;
    let store = store();
    store
        .set(CLIENT_SECRET, &Secret::new("not-the-secret"))
        .unwrap();
    let err = client(running.url(), store.clone())
        .lookup(&code())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains(CLIENT_SECRET)),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-the-secret"));
    assert_eq!(
        store.value(REFRESH_TOKEN).as_deref(),
        Some("refresh-0"),
        "kept"
    );
}
