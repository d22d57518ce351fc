//! Lightspeed's rate budget held per till across its processes (issue 14): two clients on two
//! store handles of one database file — as the window and a `kassa sale` process would be —
//! share one window of the till's share; look-ups count; a look-up over the share is refused
//! with the wait; a write waits for the oldest request to leave; a 429 holds back both.

use kassa_core::card::CardCode;
use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_core::store::Store;
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::rate::RateBudget;
use kassa_providers::lightspeed::LightspeedClient;
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use kassa_sim::Running;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const CARD: &str = "9100000000000001";
/// The retailer's registers: 300 × 3 + 50 = 950 per 5 minutes for the retailer.
const REGISTERS: u32 = 3;
/// One till's share: 950 / 3, rounded down.
const SHARE: u64 = 316;

fn code() -> CardCode {
    CardCode::parse(CARD).unwrap()
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

/// A client as a process of the till builds it: its own handle on the till's database.
fn client(url: &str, database: &Path) -> LightspeedClient {
    let secrets = MemorySecretStore::default();
    secrets.set(TOKEN_SECRET, &Secret::new("tok")).unwrap();
    let config = LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url.to_string()),
        api_version: "2026-04".into(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers: REGISTERS,
        retailer_budget: None,
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: None,
        timeout_ms: 2_000,
    };
    LightspeedClient::new(&config, eur(0).currency, Arc::new(secrets))
        .unwrap()
        .with_shared_window(Arc::new(Store::open(database).unwrap()))
}

/// The simulator enforcing the retailer's whole budget, as Lightspeed does.
async fn sim() -> (LightspeedSim, Running) {
    let sim = LightspeedSim::new();
    sim.add_personal_token("tok", &ALL_SCOPES);
    sim.add_card(CARD, 100_000, CardStatus::Active, None);
    let retailer = RateBudget::for_registers(REGISTERS);
    sim.set_rate_limit(retailer.requests, retailer.window);
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

/// The message and the wait of a refusal before sending.
fn refusal(err: ProviderError) -> (String, Duration) {
    match err {
        ProviderError::Unavailable {
            message,
            retry_after: Some(wait),
        } => (message, wait),
        other => panic!("expected a refusal with a wait, got {other:?}"),
    }
}

/// The seconds a refusal tells the cashier to wait.
fn told_seconds(message: &str) -> u64 {
    let rest = message
        .strip_prefix("Lightspeed's request budget is used up, try again in ")
        .unwrap_or_else(|| panic!("not the budget's message: {message}"));
    rest.strip_suffix(" s.").unwrap().parse().unwrap()
}

#[tokio::test]
async fn two_processes_of_a_till_share_one_window_of_its_share() {
    let (sim, running) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("kassa.sqlite3");
    let window = client(&running.url(), &database);
    let sale = client(&running.url(), &database);
    assert_eq!(window.budget().requests as u64, SHARE);

    // Redemptions from one, look-ups from the other, interleaved, until the share is used.
    let mut sent = 0u64;
    for i in 0..SHARE {
        if i % 4 == 0 {
            let op = format!("op-{i}");
            sale.redeem(&code(), &eur(1), &op).await.unwrap();
        } else {
            window.lookup(&code()).await.unwrap();
        }
        sent += 1;
    }
    assert_eq!(sim.requests(), sent);

    // The next look-up, from either process, is refused at once, with the wait in seconds.
    let (message, wait) = refusal(window.lookup(&code()).await.unwrap_err());
    let told = told_seconds(&message);
    assert!((1..=300).contains(&told), "{message}");
    assert!(wait <= Duration::from_secs(300), "{wait:?}");
    let (message, _) = refusal(sale.lookup(&code()).await.unwrap_err());
    told_seconds(&message);

    // A process started now (a new `kassa sale`) finds the window as full.
    let next = client(&running.url(), &database);
    let (message, _) = refusal(next.lookup(&code()).await.unwrap_err());
    told_seconds(&message);

    // A write waits no longer than its bound when the window frees much later: refused too.
    let (message, _) = refusal(next.redeem(&code(), &eur(1), "op-over").await.unwrap_err());
    told_seconds(&message);

    assert_eq!(
        sim.requests(),
        SHARE,
        "nothing was sent over the till's share, well within the retailer's 950"
    );
    let redeemed = (0..SHARE).filter(|i| i % 4 == 0).count() as i64;
    assert_eq!(sim.balance(CARD), Some(100_000 - redeemed));
}

#[tokio::test]
async fn a_write_waits_for_the_oldest_request_to_leave_while_a_look_up_is_refused() {
    let (sim, running) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("kassa.sqlite3");
    let c = client(&running.url(), &database);
    // The share used by earlier processes: the oldest request leaves the window in 5 s.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let now_ms = now.as_millis() as i64;
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.execute(
        "INSERT INTO rate_window (provider, sent_at_ms) VALUES ('lightspeed', ?1)",
        [now_ms - 295_000],
    )
    .unwrap();
    for _ in 1..SHARE {
        conn.execute(
            "INSERT INTO rate_window (provider, sent_at_ms) VALUES ('lightspeed', ?1)",
            [now_ms],
        )
        .unwrap();
    }
    drop(conn);

    let (message, _) = refusal(c.lookup(&code()).await.unwrap_err());
    assert!(told_seconds(&message) <= 5, "{message}");
    assert_eq!(sim.requests(), 0, "the look-up was not sent");

    // The engine's send waits for the slot, then goes.
    c.redeem(&code(), &eur(250), "op-waits").await.unwrap();
    assert_eq!(sim.balance(CARD), Some(100_000 - 250));
    assert_eq!(sim.requests(), 1);
    // And the window is full again.
    let (message, _) = refusal(c.lookup(&code()).await.unwrap_err());
    told_seconds(&message);
    assert_eq!(sim.requests(), 1);
}

#[tokio::test]
async fn a_429_holds_back_every_process_of_the_till() {
    let (sim, running) = sim().await;
    sim.set_rate_limit(1, Duration::from_secs(60));
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("kassa.sqlite3");
    let window = client(&running.url(), &database);
    window.lookup(&code()).await.unwrap();
    let (message, wait) = refusal(window.lookup(&code()).await.unwrap_err());
    assert!(!message.contains("budget is used up"), "{message}");
    assert!(wait <= Duration::from_secs(61), "{wait:?}");
    assert_eq!(sim.requests(), 2, "the second was answered 429");

    // Another process, which never saw the 429, does not knock either.
    let sale = client(&running.url(), &database);
    let (message, _) = refusal(sale.lookup(&code()).await.unwrap_err());
    assert!(
        message.starts_with(
            "Lightspeed asked the till to wait before the next request, try again in "
        ),
        "{message}"
    );
    let (_, _) = refusal(
        sale.redeem(&code(), &eur(100), "op-held")
            .await
            .unwrap_err(),
    );
    assert_eq!(sim.requests(), 2, "nothing more was sent");
    assert_eq!(sim.balance(CARD), Some(100_000));
}
