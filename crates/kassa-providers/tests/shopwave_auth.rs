//! Shopwave's OAuth as the client lives it: tokens renewed mid-flow and kept, the code
//! exchange, and what it sends on every call.

mod shopwave_support;

use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use kassa_core::pos::{PaymentKind, PosRecorder};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::shopwave::auth::{
    ACCESS_TOKEN_SECRET, CLIENT_SECRET_SECRET, REFRESH_TOKEN_SECRET,
};
use kassa_providers::shopwave::ShopwaveClient;
use kassa_sim::server::serve;
use shopwave_support::{baskets, config, record, sale, setup, ACCESS, CLIENT_SECRET, REFRESH};
use std::sync::{Arc, Mutex};

fn stored(secrets: &MemorySecretStore, name: &str) -> Option<String> {
    secrets.get(name).unwrap().map(|s| s.expose().to_string())
}

#[tokio::test]
async fn an_expired_token_is_renewed_mid_flow_and_kept_for_the_next_start() {
    let s = setup().await;
    let sale = sale("sale-1", &[PaymentKind::Cash, PaymentKind::Voucher]);
    let basket = baskets(&s.client, std::slice::from_ref(&sale))
        .await
        .remove(0);

    s.sim.expire_access_tokens();
    let created: Vec<_> = s
        .client
        .create_payments(&sale.payments_for(&basket.id))
        .await
        .into_iter()
        .map(|o| o.result.unwrap())
        .collect();
    assert_eq!(created.len(), 2);
    assert_eq!(s.sim.refreshes(), 1);
    assert_eq!(
        s.sim.transactions().len(),
        2,
        "the refused call was not applied twice"
    );
    let access = stored(&s.secrets, ACCESS_TOKEN_SECRET).unwrap();
    let refresh = stored(&s.secrets, REFRESH_TOKEN_SECRET).unwrap();
    assert_ne!(access, ACCESS);
    assert_ne!(refresh, REFRESH, "the rotated refresh token is kept");

    let done = s.client.complete_payments(&created).await;
    assert!(done.iter().all(|o| o.result.as_ref().unwrap().completed));

    // After a restart the till goes on with the stored tokens, without renewing again.
    let restarted = ShopwaveClient::new(&config(&s.running.url(), 200), s.secrets.clone()).unwrap();
    restarted
        .complete_baskets(&[basket])
        .await
        .remove(0)
        .result
        .unwrap();
    assert_eq!(s.sim.refreshes(), 1);
}

#[tokio::test]
async fn with_only_a_refresh_token_the_first_call_renews_the_access_token() {
    let s = setup().await;
    let secrets = Arc::new(MemorySecretStore::default());
    secrets
        .set(CLIENT_SECRET_SECRET, &Secret::new(CLIENT_SECRET))
        .unwrap();
    secrets
        .set(REFRESH_TOKEN_SECRET, &Secret::new(REFRESH))
        .unwrap();
    let client = ShopwaveClient::new(&config(&s.running.url(), 200), secrets.clone()).unwrap();
    client.auth().check_secrets().unwrap();
    record(&client, &sale("sale-2", &[PaymentKind::Card])).await;
    assert_eq!(s.sim.refreshes(), 1);
    assert!(stored(&secrets, ACCESS_TOKEN_SECRET).is_some());
}

#[tokio::test]
async fn a_refused_renewal_is_for_the_installer_and_shows_no_secret() {
    let s = setup().await;
    s.secrets
        .set(CLIENT_SECRET_SECRET, &Secret::new("wrong-secret-value"))
        .unwrap();
    s.sim.expire_access_tokens();
    let err = s.client.find_baskets(&["5541".into()]).await.unwrap_err();
    let ProviderError::Config { message } = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("901"), "{message}");
    for secret in ["wrong-secret-value", ACCESS, REFRESH] {
        assert!(!message.contains(secret), "a secret leaked: {message}");
    }
    let outcome = s
        .client
        .new_baskets(&[sale("sale-1", &[PaymentKind::Cash])])
        .await;
    assert!(matches!(
        outcome[0].result,
        Err(ProviderError::Config { .. })
    ));
    assert!(s.sim.baskets().is_empty());
}

#[tokio::test]
async fn the_installer_trades_an_authorization_code_for_stored_tokens() {
    let s = setup().await;
    let secrets = Arc::new(MemorySecretStore::default());
    let client = ShopwaveClient::new(&config(&s.running.url(), 200), secrets.clone()).unwrap();
    let err = client.auth().check_secrets().unwrap_err();
    assert!(
        err.to_string()
            .contains("kassa secret set shopwave.client_secret"),
        "{err}"
    );
    secrets
        .set(CLIENT_SECRET_SECRET, &Secret::new(CLIENT_SECRET))
        .unwrap();
    let err = client.auth().check_secrets().unwrap_err();
    assert!(err.to_string().contains("shopwave.refresh_token"), "{err}");

    let url = client.auth().authorize_url("basket").unwrap();
    assert_eq!(
        url,
        format!(
            "{}/oauth/authorize?client_id=app&redirect_uri=https%3A%2F%2Ftill.example%2Foauth&response_type=code&scope=basket",
            s.running.url()
        )
    );
    let err = client.auth().exchange_code("made-up").await.unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    client
        .auth()
        .exchange_code(&s.sim.issue_code())
        .await
        .unwrap();
    client.auth().check_secrets().unwrap();
    assert!(stored(&secrets, REFRESH_TOKEN_SECRET).is_some());
    record(&client, &sale("sale-3", &[PaymentKind::Cheque])).await;
    assert_eq!(
        s.sim.refreshes(),
        0,
        "the exchanged access token was used as is"
    );
}

/// What a stub saw of one request: authorization, query string, version, the documented
/// `basketIds` filter, and any other header the client sent beyond the usual ones.
type Seen = (String, Option<String>, String, String, Vec<String>);

/// Shopwave honours only its documented filters and may answer everything for another: the
/// client filters by `basketIds` alone, in headers, and keeps only what it asked for.
#[tokio::test]
async fn every_read_carries_the_token_the_version_and_only_a_documented_filter() {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let stub = axum::Router::new().route(
        "/transaction",
        get(move |uri: Uri, headers: HeaderMap| async move {
            let h = |n: &str| {
                headers
                    .get(n)
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            };
            let usual = [
                "authorization",
                "x-accept-version",
                "accept",
                "basketids",
                "host",
                "user-agent",
            ];
            let others = headers
                .keys()
                .map(|k| k.as_str().to_string())
                .filter(|k| !usual.contains(&k.as_str()))
                .collect();
            log.lock().unwrap().push((
                h("authorization"),
                uri.query().map(str::to_string),
                h("x-accept-version"),
                h("basketIds"),
                others,
            ));
            // As a server that ignores the filter: every transaction, of every basket.
            axum::Json(serde_json::json!({
                "transactions": {
                    "9001": {"id": 9001, "basketId": 1, "type": "CASH", "amount": 500, "tip": 0,
                             "Note": "Kassa payment sale-1.p1", "completeDate": null},
                    "9002": {"id": 9002, "basketId": 4, "type": "CARD", "amount": 700, "tip": 0,
                             "Note": "Kassa payment sale-4.p1", "completeDate": null},
                },
                "api": {"message": {}}
            }))
        }),
    );
    let running = serve(stub).await.unwrap();
    let secrets = Arc::new(MemorySecretStore::default());
    secrets
        .set(ACCESS_TOKEN_SECRET, &Secret::new(ACCESS))
        .unwrap();
    let mut cfg = config(&running.url(), 2);
    cfg.accept_version = "2.0".into();
    let client = ShopwaveClient::new(&cfg, secrets).unwrap();
    let ids: Vec<String> = ["1", "2", "3"].map(String::from).to_vec();
    let found = client.find_payments(&ids).await.unwrap();
    let found: Vec<_> = found
        .iter()
        .map(|p| (p.id.as_str(), p.reference.as_str()))
        .collect();
    assert_eq!(found, [("9001", "sale-1.p1")], "basket 1's only, once");
    let seen = seen.lock().unwrap().clone();
    let auth = format!("Bearer {ACCESS}");
    assert_eq!(
        seen,
        [
            (auth.clone(), None, "2.0".into(), "1,2".into(), vec![]),
            (auth, None, "2.0".into(), "3".into(), vec![])
        ]
    );
}

/// A keyring that reads but cannot store (locked, say).
struct ReadOnly(MemorySecretStore);

impl SecretStore for ReadOnly {
    fn get(&self, name: &str) -> Result<Option<Secret>, kassa_core::secrets::SecretError> {
        self.0.get(name)
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), kassa_core::secrets::SecretError> {
        Err(kassa_core::secrets::SecretError::Unavailable(
            "locked".into(),
        ))
    }
}

#[tokio::test]
async fn a_keyring_that_cannot_store_new_tokens_does_not_stop_recording() {
    let s = setup().await;
    let inner = MemorySecretStore::default();
    for name in [
        CLIENT_SECRET_SECRET,
        ACCESS_TOKEN_SECRET,
        REFRESH_TOKEN_SECRET,
    ] {
        inner
            .set(name, &s.secrets.get(name).unwrap().unwrap())
            .unwrap();
    }
    let client =
        ShopwaveClient::new(&config(&s.running.url(), 200), Arc::new(ReadOnly(inner))).unwrap();
    // Two renewals: the second needs the rotated refresh token the keyring could not keep.
    for i in 0..2 {
        s.sim.expire_access_tokens();
        record(&client, &sale(&format!("sale-{i}"), &[PaymentKind::Cash])).await;
    }
    assert_eq!(s.sim.refreshes(), 2);
    assert_eq!(s.sim.baskets().len(), 2);
}
