//! The fault layer does what chaos tests rely on, seen from a real HTTP client.

use axum::routing::{get, post};
use kassa_sim::faults::{plain, Fault, Faults, Rates, Target};
use kassa_sim::server::serve;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A counter service: POST /add adds one, GET /count reads it.
async fn counter(faults: &Faults) -> (kassa_sim::Running, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let (c1, c2) = (count.clone(), count.clone());
    let router = axum::Router::new()
        .route(
            "/add",
            post(move || async move {
                c1.fetch_add(1, Ordering::SeqCst);
                "added"
            }),
        )
        .route(
            "/count",
            get(move || async move { c2.load(Ordering::SeqCst).to_string() }),
        );
    let running = serve(faults.layer(router, Arc::new(plain))).await.unwrap();
    (running, count)
}

#[tokio::test]
async fn a_drop_after_apply_applies_the_write_but_gives_no_answer() {
    let faults = Faults::new(1);
    let (running, count) = counter(&faults).await;
    faults.inject(Fault::DropAfterApply, Target::Writes);
    let http = reqwest::Client::new();
    let err = http
        .post(format!("{}/add", running.url()))
        .send()
        .await
        .expect_err("the connection must be dropped");
    assert!(!err.is_status(), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1, "the write was applied");
    // The simulator keeps serving afterwards.
    let n = http
        .get(format!("{}/count", running.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(n, "1");
}

#[tokio::test]
async fn an_apply_late_gives_no_answer_and_applies_the_write_afterwards() {
    let faults = Faults::new(1);
    let (running, count) = counter(&faults).await;
    faults.inject(Fault::ApplyLate(Duration::from_secs(1)), Target::Writes);
    let http = reqwest::Client::new();
    let err = http
        .post(format!("{}/add", running.url()))
        .send()
        .await
        .expect_err("the connection must be dropped");
    assert!(!err.is_status(), "{err:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "not applied when the client is told nothing"
    );
    let mut waited = Duration::ZERO;
    while count.load(Ordering::SeqCst) == 0 && waited < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert_eq!(count.load(Ordering::SeqCst), 1, "applied once, later");
}

#[tokio::test]
async fn a_drop_before_apply_changes_nothing() {
    let faults = Faults::new(1);
    let (running, count) = counter(&faults).await;
    faults.inject(Fault::DropBeforeApply, Target::Any);
    let http = reqwest::Client::new();
    assert!(http
        .post(format!("{}/add", running.url()))
        .send()
        .await
        .is_err());
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn scripted_faults_wait_for_their_target_and_answer_in_order() {
    let faults = Faults::new(1);
    let (running, count) = counter(&faults).await;
    faults.inject(
        Fault::RateLimited {
            retry_after_secs: 7,
        },
        Target::Writes,
    );
    faults.inject(Fault::ServerError(502), Target::Writes);
    let http = reqwest::Client::new();
    let read = http
        .get(format!("{}/count", running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200, "reads pass a writes-only fault");
    let first = http
        .post(format!("{}/add", running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "7");
    let second = http
        .post(format!("{}/add", running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 502);
    assert_eq!(count.load(Ordering::SeqCst), 0);
    assert_eq!(faults.injected(), 2);
}

#[tokio::test]
async fn random_faults_repeat_for_the_same_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let faults = Faults::new(seed);
        faults.set_rates(Rates {
            server_error: 0.3,
            rate_limited: 0.2,
            retry_after_secs: 1,
            ..Default::default()
        });
        let (running, _) = counter(&faults).await;
        let http = reqwest::Client::new();
        let mut statuses = vec![];
        for _ in 0..40 {
            let r = http
                .post(format!("{}/add", running.url()))
                .timeout(Duration::from_secs(5))
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        statuses
    }
    let a = run(42).await;
    assert_eq!(a, run(42).await);
    assert!(
        a.contains(&500) && a.contains(&429) && a.contains(&200),
        "{a:?}"
    );
}
