//! What the Shopwave client tests share: a simulator on loopback, a client with its secrets,
//! and a small sale.

use kassa_core::config::ShopwaveConfig;
use kassa_core::pos::{
    BasketToWrite, ObjectOutcome, PaymentKind, PosLine, PosPayment, PosRecorder, PosSale,
    RecordedBasket, RecordedPayment,
};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::shopwave::auth::{
    ACCESS_TOKEN_SECRET, CLIENT_SECRET_SECRET, REFRESH_TOKEN_SECRET,
};
use kassa_providers::shopwave::ShopwaveClient;
use kassa_sim::server::serve;
use kassa_sim::shopwave::{App, ShopwaveSim};
use kassa_sim::Running;
use std::sync::Arc;

pub const STORE: i64 = 7;
pub const CLIENT_SECRET: &str = "app-secret-value";
pub const ACCESS: &str = "access-token-value";
pub const REFRESH: &str = "refresh-token-value";
pub const REDIRECT: &str = "https://till.example/oauth";
/// Longer than the simulator takes to apply a write late in these tests.
pub const SETTLE_MS: u64 = 100;

pub struct Setup {
    pub sim: ShopwaveSim,
    pub running: Running,
    pub secrets: Arc<MemorySecretStore>,
    pub client: ShopwaveClient,
}

pub fn config(base_url: &str, batch_size: usize) -> ShopwaveConfig {
    ShopwaveConfig {
        base_url: base_url.to_string(),
        accept_version: ShopwaveConfig::default_accept_version(),
        token_url: format!("{base_url}/oauth/token"),
        client_id: "app".into(),
        redirect_uri: Some(REDIRECT.into()),
        store_id: STORE.to_string(),
        batch_size,
        timeout_ms: 2_000,
        settle_ms: SETTLE_MS,
    }
}

pub fn sim() -> ShopwaveSim {
    ShopwaveSim::new(
        App {
            client_id: "app".into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_uri: REDIRECT.into(),
        },
        &[STORE],
    )
}

/// A simulator that knows the client's tokens, and a client whose secret store holds them.
pub async fn setup() -> Setup {
    let sim = sim();
    sim.grant_tokens(ACCESS, REFRESH);
    let running = serve(sim.router()).await.unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    for (name, value) in [
        (CLIENT_SECRET_SECRET, CLIENT_SECRET),
        (ACCESS_TOKEN_SECRET, ACCESS),
        (REFRESH_TOKEN_SECRET, REFRESH),
    ] {
        secrets.set(name, &Secret::new(value)).unwrap();
    }
    let client = ShopwaveClient::new(&config(&running.url(), 200), secrets.clone()).unwrap();
    Setup {
        sim,
        running,
        secrets,
        client,
    }
}

/// A sale of two lines (tea 2 × 2.50, mug 4.99: 9.99) paid with these kinds, in equal parts
/// but for the last, which takes the rest.
pub fn sale(reference: &str, kinds: &[PaymentKind]) -> PosSale {
    let total = 999;
    let share = total / kinds.len() as i64;
    let payments = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| PosPayment {
            reference: format!("{reference}.p{}", i + 1),
            kind: *kind,
            amount_minor: if i + 1 == kinds.len() {
                total - share * i as i64
            } else {
                share
            },
            tip_minor: 0,
            note: Some(format!("{kind} payment")),
        })
        .collect();
    PosSale {
        reference: reference.to_string(),
        store_id: None,
        lines: vec![
            PosLine {
                name: "Tea".into(),
                unit_price_minor: 250,
                quantity: 2,
                product_instance_id: None,
            },
            PosLine {
                name: "Mug".into(),
                unit_price_minor: 499,
                quantity: 1,
                product_instance_id: Some("88".into()),
            },
        ],
        payments,
        note: Some("test sale".into()),
    }
}

/// Each sale written into a basket pre-generated for it.
pub async fn baskets(client: &ShopwaveClient, sales: &[PosSale]) -> Vec<RecordedBasket> {
    let ids = client.new_baskets(sales).await;
    let writes: Vec<BasketToWrite> = ids
        .into_iter()
        .zip(sales)
        .map(|(id, sale)| BasketToWrite {
            basket_id: id.result.unwrap(),
            sale: sale.clone(),
        })
        .collect();
    client
        .write_baskets(&writes)
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect()
}

/// Records a sale step by step: basket, payments, completions.
pub async fn record(
    client: &ShopwaveClient,
    sale: &PosSale,
) -> (RecordedBasket, Vec<RecordedPayment>) {
    let basket = baskets(client, std::slice::from_ref(sale)).await.remove(0);
    let created: Vec<_> = client
        .create_payments(&sale.payments_for(&basket.id))
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect();
    let payments: Vec<_> = client
        .complete_payments(&created)
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect();
    let basket = one(client.complete_baskets(&[basket]).await);
    (basket, payments)
}

pub fn one<T>(mut outcomes: Vec<ObjectOutcome<T>>) -> T {
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0).result.unwrap()
}
