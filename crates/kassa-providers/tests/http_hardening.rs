//! What every client refuses, over real HTTP on loopback: a redirect (the request is never sent
//! to its target), an answer over 2 MiB (with and without `Content-Length`), a `Retry-After`
//! longer than an hour; and plain `http://` base URLs other than this computer's.

use kassa_core::card::CardCode;
use kassa_core::config::{Config, LeatConfig};
use kassa_core::money::Currency;
use kassa_core::provider::{GiftCardProvider, ProviderError};
use kassa_core::secrets::Secret;
use kassa_providers::leat::{Language, LeatClient};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the tiny server answers to every request.
#[derive(Clone)]
enum Reply {
    /// A fixed response: status line and headers, then the body.
    Fixed(String, Vec<u8>),
    /// `200` with a chunked body that never ends (until the client hangs up).
    Endless,
}

/// A server on 127.0.0.1 that answers every request with `reply` and counts the requests.
async fn server(reply: Reply) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let reply = reply.clone();
            let hits = counted.clone();
            tokio::spawn(answer(stream, reply, hits));
        }
    });
    (url, hits)
}

async fn answer(mut stream: TcpStream, reply: Reply, hits: Arc<AtomicUsize>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    hits.fetch_add(1, Ordering::SeqCst);
    match reply {
        Reply::Fixed(head, body) => {
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        }
    }
}

fn leat(base_url: &str) -> LeatClient {
    let config = LeatConfig {
        timeout_ms: 5_000,
        ..LeatConfig::new(base_url)
    };
    let eur = Currency::try_from("EUR".to_string()).unwrap();
    LeatClient::new(&config, Secret::new("tok"), eur, Language::English).unwrap()
}

async fn lookup(base_url: &str) -> ProviderError {
    let code = CardCode::parse("41651").unwrap();
    leat(base_url).lookup(&code).await.unwrap_err()
}

#[tokio::test]
async fn a_redirect_is_refused_and_its_target_never_asked() {
    let (target, target_hits) = server(Reply::Fixed(
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n".into(),
        b"{}".to_vec(),
    ))
    .await;
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
    ] {
        let (origin, origin_hits) = server(Reply::Fixed(
            format!("HTTP/1.1 {status}\r\nlocation: {target}/api/v3/steal?code=41651\r\ncontent-length: 0\r\n\r\n"),
            Vec::new(),
        ))
        .await;
        let err = lookup(&origin).await;
        let ProviderError::Config { message } = &err else {
            panic!("{status}: not a config error: {err:?}");
        };
        assert!(message.contains("redirect"), "{message}");
        assert!(message.contains("check base_url"), "{message}");
        assert!(!message.contains("127.0.0.1"), "no URL: {message}");
        assert!(!message.contains("41651"), "no card code: {message}");
        assert_eq!(origin_hits.load(Ordering::SeqCst), 1, "{status}");
    }
    assert_eq!(
        target_hits.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn an_answer_over_two_mib_is_refused_by_its_content_length() {
    // Announces 3 MiB but sends nothing: refused on the header, before any body is read.
    let (url, _) = server(Reply::Fixed(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 3145728\r\n\r\n"
            .into(),
        Vec::new(),
    ))
    .await;
    let err = lookup(&url).await;
    assert!(
        matches!(&err, ProviderError::BadResponse { message } if message.contains("answer too large")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_answer_over_two_mib_without_content_length_is_cut_off() {
    // An endless body: read whole it would only end at the timeout.
    let (url, _) = server(Reply::Endless).await;
    let started = std::time::Instant::now();
    let err = lookup(&url).await;
    assert!(
        matches!(&err, ProviderError::BadResponse { message } if message.contains("answer too large")),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_answer_just_under_the_cap_is_read() {
    // 2 MiB of JSON (padded with spaces) is still read and parsed: the cap is not off by one.
    let body = br#"{"data":{"message":"no"}}"#;
    let mut padded = vec![b' '; 2 * 1024 * 1024 - body.len()];
    padded.extend_from_slice(body);
    let (url, _) = server(Reply::Fixed(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
            .into(),
        padded,
    ))
    .await;
    let err = lookup(&url).await;
    assert!(
        !matches!(&err, ProviderError::BadResponse { message } if message.contains("too large")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_an_hour_is_capped() {
    let (url, _) = server(Reply::Fixed(
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 999999999\r\ncontent-length: 0\r\n\r\n"
            .into(),
        Vec::new(),
    ))
    .await;
    let err = lookup(&url).await;
    let ProviderError::Unavailable { retry_after, .. } = &err else {
        panic!("not unavailable: {err:?}");
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
}

#[test]
fn plain_http_is_for_this_computer_only() {
    for section in ["leat", "zmyle"] {
        let text = format!("[providers.{section}]\nbase_url = \"http://api.example.com\"\n");
        let err = Config::parse(&text).unwrap_err();
        assert!(err.contains("https://"), "{err}");
        assert!(err.contains("only to this computer"), "{err}");
        let text = format!("[providers.{section}]\nbase_url = \"http://127.0.0.1:8080\"\n");
        Config::parse(&text).unwrap();
    }
    let err = Config::parse("[providers.lightspeed]\nbase_url = \"http://shop.example.com\"\n")
        .unwrap_err();
    assert!(err.contains("only to this computer"), "{err}");
    let err = Config::parse(
        "[providers.shopwave]\nbase_url = \"https://api.example.com\"\ntoken_url = \"http://secure.example.com/oauth/token\"\nclient_id = \"a\"\nstore_id = \"1\"\n",
    )
    .unwrap_err();
    assert!(err.contains("token_url"), "{err}");
    assert!(err.contains("only to this computer"), "{err}");
}
