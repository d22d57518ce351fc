//! The example bodies of docs/providers.md §3 and seed 003, verbatim, read with the client's wire
//! types. Seed 003 prints no example body (its response box is empty); §3 has three.

use kassa_core::money::Currency;
use kassa_providers::lightspeed::money::WireAmount;
use kassa_providers::lightspeed::wire::{
    unwrap_data, CreateTransaction, ErrorBody, GiftCardTransaction, TokenResponse,
};

/// docs/providers.md §3.1, the token endpoint's answer (changelog 2025-03-refresh-token-flow-update).
const TOKEN_RESPONSE: &str = r#"{"access_token": "KD7g…", "token_type": "Bearer", "expires": 1387145621, "expires_in": 604800,
   "refresh_token": "new_refresh_token", "domain_prefix": "domain_prefix", "scope": ""}"#;

/// docs/providers.md §3.1, the 429 body.
const RATE_LIMITED: &str = r#"{"error": "Too Many Requests", "message": "Rate limiting enforced"}"#;

/// docs/providers.md §3.3, the body of a new transaction. Not JSON: a sketch with alternatives
/// (`"REDEEMING"|"RELOADING"`) and optional keys marked `?`.
const CREATE_SKETCH: &str = r#"{"type": "REDEEMING"|"RELOADING", "amount": "-12.50", "client_id": "<pos txn id>", "expires_at"?: "YYYY-MM-DD", "time_zone"?: "Pacific/Auckland", "user_id"?}"#;

#[test]
fn reads_the_documented_token_answer() {
    let t: TokenResponse = serde_json::from_str(TOKEN_RESPONSE).unwrap();
    assert_eq!(t.access_token, "KD7g…");
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert_eq!(t.expires, Some(1_387_145_621));
    assert_eq!(t.expires_in, Some(604_800));
    assert_eq!(t.refresh_token.as_deref(), Some("new_refresh_token"));
    assert_eq!(t.domain_prefix.as_deref(), Some("domain_prefix"));
    assert_eq!(t.scope.as_deref(), Some(""));
}

#[test]
fn reads_the_documented_error_envelope() {
    let e: ErrorBody = serde_json::from_str(RATE_LIMITED).unwrap();
    assert_eq!(e.error.as_deref(), Some("Too Many Requests"));
    assert_eq!(e.detail(), Some("Rate limiting enforced"));
}

/// The keys the sketch names, in order, optional or not.
fn sketch_keys(sketch: &str) -> Vec<(String, bool)> {
    let mut keys = vec![];
    let mut rest = sketch;
    while let Some(start) = rest.find(['{', ',']) {
        rest = rest[start + 1..].trim_start();
        let Some(quoted) = rest.strip_prefix('"') else {
            continue;
        };
        let end = quoted.find('"').unwrap();
        let key = quoted[..end].to_string();
        let optional = quoted[end + 1..].starts_with('?');
        keys.push((key, optional));
        rest = &quoted[end + 1..];
    }
    keys
}

#[test]
fn sends_the_documented_transaction_body() {
    let keys = sketch_keys(CREATE_SKETCH);
    let required: Vec<_> = keys
        .iter()
        .filter(|(_, o)| !o)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(required, ["type", "amount", "client_id"]);
    let documented: Vec<_> = keys.iter().map(|(k, _)| k.as_str()).collect();

    let eur = Currency::try_from("EUR".to_string()).unwrap();
    let body = CreateTransaction {
        kind: "RELOADING",
        amount: WireAmount::new(1250, &eur).unwrap(),
        client_id: "op-1",
        expires_at: Some("2030-06-30".into()),
        time_zone: Some("Pacific/Auckland"),
    };
    let sent: serde_json::Value = serde_json::to_value(&body).unwrap();
    let sent = sent.as_object().unwrap();
    for key in sent.keys() {
        assert!(documented.contains(&key.as_str()), "undocumented key {key}");
    }
    for key in required {
        assert!(sent.contains_key(key), "missing {key}");
    }
    assert_eq!(sent["amount"], "12.50");

    let redeem = CreateTransaction {
        kind: "REDEEMING",
        amount: WireAmount::new(-1250, &eur).unwrap(),
        client_id: "op-2",
        expires_at: None,
        time_zone: None,
    };
    // The sketch's own example amount, "-12.50", exactly.
    assert_eq!(
        serde_json::to_string(&redeem).unwrap(),
        r#"{"type":"REDEEMING","amount":"-12.50","client_id":"op-2"}"#
    );
}

/// docs/providers.md §3.2's GiftCardTransaction, as the date versions write it.
const TRANSACTION: &str = r#"{"id": "t-1", "amount": "-12.50", "type": "REDEEMING", "client_id": "op-1", "source": null, "source_id": null, "user_id": "u-1", "created_at": "2026-04-01T10:00:00+00:00"}"#;

#[test]
fn reads_an_answer_wrapped_in_data_or_bare() {
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    let wrapped = format!(r#"{{"data": {TRANSACTION}}}"#);
    for body in [wrapped.as_str(), TRANSACTION] {
        let t: GiftCardTransaction = unwrap_data(body.as_bytes()).unwrap();
        assert_eq!(t.id.0, "t-1", "{body}");
        assert_eq!(t.amount.minor(&eur), Ok(-1250), "{body}");
        assert_eq!(t.client_id.as_deref(), Some("op-1"));
    }
    // 2.0's numeric money, bare or wrapped.
    let numeric = TRANSACTION.replace(r#""-12.50""#, "-12.5");
    for body in [numeric.clone(), format!(r#"{{"data": {numeric}}}"#)] {
        let t: GiftCardTransaction = unwrap_data(body.as_bytes()).unwrap();
        assert_eq!(t.amount.minor(&eur), Ok(-1250), "{body}");
    }
    assert!(unwrap_data::<GiftCardTransaction>(br#"{"data": {"id": "t-1"}}"#).is_err());
    assert!(unwrap_data::<GiftCardTransaction>(b"[]").is_err());
}
