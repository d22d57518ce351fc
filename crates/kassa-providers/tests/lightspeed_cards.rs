//! The Lightspeed client against the Lightspeed simulator over real HTTP on loopback: look-up,
//! redeem, reload, reverse and their refusals, in both API generations.

use kassa_core::card::CardCode;
use kassa_core::config::{LightspeedAuth, LightspeedConfig};
use kassa_core::money::{Currency, Money};
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::{MemorySecretStore, Secret, SecretStore};
use kassa_providers::lightspeed::auth::TOKEN_SECRET;
use kassa_providers::lightspeed::{CardStatus, LightspeedClient, NewExpiry};
use kassa_sim::faults::{Fault, Target};
use kassa_sim::lightspeed::{
    CardStatus as SimStatus, Envelope, LightspeedSim, TxnKind, ALL_SCOPES,
};
use kassa_sim::server::serve;
use kassa_sim::Running;
use std::sync::Arc;

const TOKEN: &str = "personal-token";
const CARD: &str = "9100000000000001";
const VERSIONS: [&str; 2] = ["2.0", "2026-04"];

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::try_from("EUR".to_string()).unwrap())
}

fn code(s: &str) -> CardCode {
    CardCode::parse(s).unwrap()
}

fn config(url: String, version: &str) -> LightspeedConfig {
    LightspeedConfig {
        domain_prefix: None,
        base_url: Some(url),
        api_version: version.into(),
        auth: LightspeedAuth::Personal,
        client_id: None,
        redirect_uri: None,
        registers: 1,
        retailer_budget: None,
        card_pattern: LightspeedConfig::default_pattern(),
        time_zone: Some("Europe/Amsterdam".into()),
        timeout_ms: 2_000,
    }
}

fn client(url: String, version: &str, token: &str) -> LightspeedClient {
    let store = MemorySecretStore::default();
    store.set(TOKEN_SECRET, &Secret::new(token)).unwrap();
    let currency = Currency::try_from("EUR".to_string()).unwrap();
    LightspeedClient::new(&config(url, version), currency, Arc::new(store)).unwrap()
}

/// A simulator with a €75.00 card, a personal token with every scope, served.
async fn sim() -> (LightspeedSim, Running) {
    let sim = LightspeedSim::new();
    sim.add_personal_token(TOKEN, &ALL_SCOPES);
    sim.add_card(CARD, 7500, SimStatus::Active, Some("2099-12-31T23:59:59Z"));
    let running = serve(sim.router()).await.unwrap();
    (sim, running)
}

#[tokio::test]
async fn looks_up_a_card_in_both_api_versions() {
    let (_sim, running) = sim().await;
    for version in VERSIONS {
        let c = client(running.url(), version, TOKEN);
        let card = c.lookup(&code(CARD)).await.unwrap();
        assert_eq!(card.balance.to_string(), "EUR 75.00", "{version}");
        assert!(card.active);
        assert_eq!(card.expires_at.unwrap().year(), 2099);
        let details = c.card(&code(CARD)).await.unwrap();
        assert_eq!(details.status, CardStatus::Active);
        assert_eq!(details.transactions.len(), 1);
        assert_eq!(details.transactions[0].kind, "ACTIVATION");
        assert_eq!(details.transactions[0].amount, eur(7500));
    }
}

#[tokio::test]
async fn redeems_reloads_and_reverses_in_the_dated_version() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);

    let redeemed = c.redeem(&code(CARD), &eur(1250), "op-1").await.unwrap();
    assert_eq!(redeemed.kind, "REDEEMING");
    assert_eq!(redeemed.amount, eur(-1250));
    assert_eq!(redeemed.client_id.as_deref(), Some("op-1"));
    assert_eq!(sim.balance(CARD), Some(6250));

    let reloaded = c.reload(&code(CARD), &eur(1), "op-2", None).await.unwrap();
    assert_eq!(reloaded.amount, eur(1));
    assert_eq!(sim.balance(CARD), Some(6251));

    let reversal = c.reverse(&redeemed.id).await.unwrap();
    assert_eq!(reversal.kind, "REVERSING");
    assert_eq!(reversal.amount, eur(1250));
    assert_eq!(sim.balance(CARD), Some(7501));
    let card = c.lookup(&code(CARD)).await.unwrap();
    assert_eq!(card.balance.to_string(), "EUR 75.01");
}

/// Real servers may answer in either documented shape (`{"data": …}` or bare) on any version,
/// and refuse a numeric `amount` on every version (seed 003 types it a string): the client reads
/// both shapes and sends strings, in every combination.
#[tokio::test]
async fn reads_either_envelope_and_sends_string_amounts_on_every_version() {
    for envelope in [Envelope::ByVersion, Envelope::Data, Envelope::Bare] {
        for version in VERSIONS {
            let (sim, running) = sim().await;
            sim.set_envelope(envelope);
            let c = client(running.url(), version, TOKEN);
            let card = c.lookup(&code(CARD)).await.unwrap_or_else(|e| {
                panic!("{version} {envelope:?}: {e:?}");
            });
            assert_eq!(card.balance, eur(7500), "{version} {envelope:?}");
            let redeemed = c
                .redeem(&code(CARD), &eur(1250), "op-1")
                .await
                .unwrap_or_else(|e| panic!("{version} {envelope:?}: {e:?}"));
            assert_eq!(redeemed.amount, eur(-1250), "{version} {envelope:?}");
            assert_eq!(redeemed.client_id.as_deref(), Some("op-1"));
            let reloaded = c.reload(&code(CARD), &eur(1), "op-2", None).await.unwrap();
            assert_eq!(reloaded.amount, eur(1), "{version} {envelope:?}");
            assert_eq!(
                sim.balance(CARD),
                Some(7500 - 1250 + 1),
                "{version} {envelope:?}"
            );
            if version != "2.0" {
                let reversal = c.reverse(&redeemed.id).await.unwrap();
                assert_eq!(reversal.amount, eur(1250), "{version} {envelope:?}");
            }
        }
    }
}

#[tokio::test]
async fn redeems_and_reloads_in_the_legacy_version_reading_numeric_money() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2.0", TOKEN);
    let redeemed = c.redeem(&code(CARD), &eur(1), "op-1").await.unwrap();
    assert_eq!(redeemed.amount, eur(-1));
    let reloaded = c
        .reload(&code(CARD), &eur(99_999_999), "op-2", None)
        .await
        .unwrap();
    assert_eq!(reloaded.amount.to_string(), "EUR 999999.99");
    assert_eq!(sim.balance(CARD), Some(7500 - 1 + 99_999_999));
    // API 2.0 has no reversal: the installer is told, nothing is sent.
    let before = sim.requests();
    let err = c.reverse(&redeemed.id).await.unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert_eq!(sim.requests(), before);
}

#[tokio::test]
async fn a_reload_can_extend_the_expiry() {
    let (sim, running) = sim().await;
    sim.add_card(
        "9100000000000005",
        500,
        SimStatus::Expired,
        Some("2024-01-31T23:59:59Z"),
    );
    let c = client(running.url(), "2026-04", TOKEN);
    let expired = code("9100000000000005");
    let err = c
        .reload(&expired, &eur(1000), "op-1", None)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Declined { .. }), "{err:?}");
    let date = time::macros::date!(2030 - 06 - 30);
    c.reload(&expired, &eur(1000), "op-2", Some(NewExpiry(date)))
        .await
        .unwrap();
    let card = c.card(&expired).await.unwrap();
    assert_eq!(card.info.expires_at.unwrap().date(), date);
    assert_eq!(card.info.balance, eur(1500));
    assert_eq!(card.status, CardStatus::Active);
}

#[tokio::test]
async fn insufficient_balance_is_declined_with_lightspeeds_reason() {
    let (sim, running) = sim().await;
    for version in VERSIONS {
        let c = client(running.url(), version, TOKEN);
        let err = c
            .redeem(&code(CARD), &eur(7501), &format!("op-{version}"))
            .await
            .unwrap_err();
        match err {
            ProviderError::Declined { code, reason } => {
                assert_eq!(code, "422");
                assert!(reason.contains("enough credit"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(sim.balance(CARD), Some(7500));
}

#[tokio::test]
async fn a_repeated_client_id_charges_once() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);
    let first = c.redeem(&code(CARD), &eur(5000), "op-7").await.unwrap();
    // The card could not pay 50.00 twice: the repeat is the earlier transaction, not a debit.
    let again = c.redeem(&code(CARD), &eur(5000), "op-7").await.unwrap();
    assert_eq!(again, first);
    assert_eq!(sim.balance(CARD), Some(2500));
    let redemptions = sim
        .transactions(CARD)
        .into_iter()
        .filter(|t| t.kind == TxnKind::Redeeming)
        .count();
    assert_eq!(redemptions, 1);
    // The same id with other details is refused, not applied.
    let err = c.redeem(&code(CARD), &eur(100), "op-7").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Declined { code, .. } if code == "422"),
        "{err:?}"
    );
    assert_eq!(sim.balance(CARD), Some(2500));
}

#[tokio::test]
async fn an_answer_lost_after_the_redeem_was_applied_is_unknown_and_a_retry_charges_once() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);
    sim.faults.inject(Fault::DropAfterApply, Target::Writes);
    let err = c.redeem(&code(CARD), &eur(2000), "op-9").await.unwrap_err();
    assert!(
        matches!(err, ProviderError::OutcomeUnknown { .. }),
        "{err:?}"
    );
    assert_eq!(sim.balance(CARD), Some(5500), "applied although unanswered");
    let retried = c.redeem(&code(CARD), &eur(2000), "op-9").await.unwrap();
    assert_eq!(retried.amount, eur(-2000));
    assert_eq!(sim.balance(CARD), Some(5500), "charged once");
}

#[tokio::test]
async fn card_statuses_decide_what_can_be_redeemed() {
    let (sim, running) = sim().await;
    sim.add_card("9100000000000002", 2000, SimStatus::Voided, None);
    sim.add_card(
        "9100000000000003",
        5000,
        SimStatus::Expired,
        Some("2024-01-31T23:59:59Z"),
    );
    sim.add_card("9100000000000004", 1000, SimStatus::Inactive, None);
    let c = client(running.url(), "2026-04", TOKEN);
    for (number, status, active) in [
        ("9100000000000002", CardStatus::Voided, false),
        ("9100000000000003", CardStatus::Expired, false),
        ("9100000000000004", CardStatus::Inactive, false),
    ] {
        let card = c.card(&code(number)).await.unwrap();
        assert_eq!(card.status, status);
        assert_eq!(card.info.active, active);
        let err = c
            .redeem(&code(number), &eur(100), &format!("op-{number}"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ProviderError::Declined { code, .. } if code == "422"),
            "{number}: {err:?}"
        );
    }
    // Spent to zero the card is REDEEMED: still a card, with nothing to pay.
    c.redeem(&code(CARD), &eur(7500), "op-all").await.unwrap();
    let card = c.card(&code(CARD)).await.unwrap();
    assert_eq!(card.status, CardStatus::Redeemed);
    assert_eq!(card.info.balance, eur(0));
    assert!(c.redeem(&code(CARD), &eur(1), "op-more").await.is_err());
}

#[tokio::test]
async fn unknown_cards_and_transactions_are_not_found() {
    let (_sim, running) = sim().await;
    for version in VERSIONS {
        let c = client(running.url(), version, TOKEN);
        let err = c.lookup(&code("9199999999999999")).await.unwrap_err();
        assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
        let err = c
            .redeem(&code("9199999999999999"), &eur(100), "op-x")
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
    }
    let c = client(running.url(), "2026-04", TOKEN);
    let err = c.reverse("no-such-transaction").await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Lightspeed does not know this gift card transaction.".into()
        }
    );
}

#[tokio::test]
async fn only_a_redemption_can_be_reversed_and_only_once() {
    let (_sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);
    let reload = c
        .reload(&code(CARD), &eur(500), "op-1", None)
        .await
        .unwrap();
    let err = c.reverse(&reload.id).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Declined { code, reason } if code == "400" && reason.contains("REDEEMING")),
        "{err:?}"
    );
    let redeem = c.redeem(&code(CARD), &eur(500), "op-2").await.unwrap();
    c.reverse(&redeem.id).await.unwrap();
    let err = c.reverse(&redeem.id).await.unwrap_err();
    assert!(matches!(err, ProviderError::Declined { .. }), "{err:?}");
    assert_eq!(c.lookup(&code(CARD)).await.unwrap().balance, eur(8000));
}

#[tokio::test]
async fn amounts_the_till_must_not_send_are_refused_before_sending() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);
    let before = sim.requests();
    for amount in [eur(0), eur(-500), eur(i64::MAX)] {
        let err = c.redeem(&code(CARD), &amount, "op-1").await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Declined { code, .. } if code == "invalid_amount"),
            "{amount}: {err:?}"
        );
    }
    let usd = Money::new(100, Currency::try_from("USD".to_string()).unwrap());
    assert!(c.redeem(&code(CARD), &usd, "op-1").await.is_err());
    assert_eq!(sim.requests(), before, "nothing was sent");
    assert_eq!(sim.balance(CARD), Some(7500));
}

#[tokio::test]
async fn a_token_without_the_redeem_scope_names_the_missing_scope() {
    let (sim, running) = sim().await;
    sim.add_personal_token("read-only", &["gift_cards:read"]);
    let c = client(running.url(), "2026-04", "read-only");
    assert!(c.lookup(&code(CARD)).await.is_ok());
    let err = c.redeem(&code(CARD), &eur(100), "op-1").await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Config { message } if message.contains("gift_cards:write:redeem")),
        "{err:?}"
    );
    let err = client(running.url(), "2026-04", "wrong-token")
        .lookup(&code(CARD))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Config { .. }), "{err:?}");
    assert!(!err.to_string().contains("wrong-token"), "the token leaked");
}

#[tokio::test]
async fn server_errors_are_retryable_and_garbage_is_reported() {
    let (sim, running) = sim().await;
    let c = client(running.url(), "2026-04", TOKEN);
    sim.faults.inject(Fault::ServerError(502), Target::Any);
    assert!(c.lookup(&code(CARD)).await.unwrap_err().is_retryable());
    sim.faults.inject(Fault::Maintenance, Target::Writes);
    let err = c.redeem(&code(CARD), &eur(100), "op-1").await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(
        sim.balance(CARD),
        Some(7500),
        "a refused write is not applied"
    );

    let garbage = axum::Router::new().fallback(|| async { "<html>hello</html>" });
    let running = serve(garbage).await.unwrap();
    let err = client(running.url(), "2026-04", TOKEN)
        .lookup(&code(CARD))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::BadResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn a_closed_port_is_unreachable_for_reads_and_writes() {
    let url = {
        let running = serve(axum::Router::new()).await.unwrap();
        running.url()
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let c = client(url, "2026-04", TOKEN);
    assert!(c.lookup(&code(CARD)).await.unwrap_err().is_retryable());
    // Nothing was sent, so the redemption certainly did not happen.
    let err = c.redeem(&code(CARD), &eur(100), "op-1").await.unwrap_err();
    assert!(matches!(err, ProviderError::Unreachable { .. }), "{err:?}");
}

#[tokio::test]
async fn the_training_cards_read_as_the_card_sheet_says() {
    let ledgers = tempfile::tempdir().unwrap();
    let sims = kassa_sim::training::start(ledgers.path()).await.unwrap();
    let c = client(
        sims.lightspeed.url(),
        &LightspeedConfig::default_api_version(),
        kassa_sim::training::LIGHTSPEED_TOKEN,
    );
    let mut seen = vec![];
    for (number, cents, status, _, _) in kassa_sim::training::DEMO_LIGHTSPEED_CARDS {
        let card = c.card(&code(number)).await.unwrap();
        let shown = if *status == SimStatus::Voided {
            0
        } else {
            *cents
        };
        assert_eq!(card.info.balance.minor, shown, "{number}");
        seen.push(card.status);
    }
    assert_eq!(
        seen,
        [
            CardStatus::Active,
            CardStatus::Voided,
            CardStatus::Expired,
            CardStatus::Redeemed
        ]
    );
}
