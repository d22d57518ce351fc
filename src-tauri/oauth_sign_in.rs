//! The OAuth authorization-code sign-in for Lightspeed and Shopwave, from the setup screen: the
//! till listens on a loopback port (the configured redirect URI's, or an ephemeral one when
//! none is configured), opens the system browser at the provider's authorize page with a random
//! `state`, catches the browser's return there, checks `state`, trades the code for tokens
//! through the provider client's own exchange (which stores them in the secret store), and
//! answers the browser with a page saying it can be closed.
//!
//! The browser is opened with the `open` crate from the Rust side: the page never holds the
//! authorize URL's opener, so no JavaScript permission to open arbitrary URLs is granted to the
//! window (Tauri's opener plugin would add one).

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use kassa_core::config::Config;
use kassa_core::lang::{Language, Sentence, Text};
use kassa_core::provider::ProviderError;
use kassa_core::secrets::SecretStore;
use kassa_providers::lightspeed::{auth as lightspeed_auth, LightspeedClient};
use kassa_providers::shopwave::{auth as shopwave_auth, ShopwaveClient};
use kassa_providers::wiring;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::Url;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Lightspeed's connect page, where the retailer approves the till (docs/providers.md §3.1).
pub const LIGHTSPEED_CONNECT_URL: &str = "https://secure.retail.lightspeed.app/connect";

/// The scopes the till asks Shopwave for: baskets and their payments, in the 2015 SDK's names
/// (docs/providers.md §4.1).
const SHOPWAVE_SCOPE: &str = "application,basket";

/// The path the till listens on when no redirect URI is configured.
const LOOPBACK_PATH: &str = "/kassa/oauth";

/// How a sign-in runs: where Lightspeed's connect page is, how long the till waits for the
/// browser, and how it opens the system browser.
#[derive(Clone)]
pub struct SignInSettings {
    pub lightspeed_connect_url: String,
    pub timeout: Duration,
    pub open_browser: fn(&str) -> std::io::Result<()>,
}

impl Default for SignInSettings {
    fn default() -> Self {
        SignInSettings {
            lightspeed_connect_url: LIGHTSPEED_CONNECT_URL.into(),
            timeout: Duration::from_secs(5 * 60),
            open_browser: |url| open::that_detached(url),
        }
    }
}

/// The providers a till signs in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthProvider {
    Lightspeed,
    Shopwave,
}

impl OAuthProvider {
    pub fn parse(name: &str) -> Result<OAuthProvider, Sentence> {
        match name {
            "lightspeed" => Ok(OAuthProvider::Lightspeed),
            "shopwave" => Ok(OAuthProvider::Shopwave),
            other => Err(Sentence::new(Text::SignInNone).with("provider", other)),
        }
    }

    fn name(self) -> &'static str {
        match self {
            OAuthProvider::Lightspeed => "Lightspeed",
            OAuthProvider::Shopwave => "Shopwave",
        }
    }
}

/// The client whose exchange turns a code into stored tokens.
enum Exchanger {
    Lightspeed(LightspeedClient),
    Shopwave(ShopwaveClient),
}

impl Exchanger {
    async fn exchange(&self, code: &str) -> Result<(), ProviderError> {
        match self {
            Exchanger::Lightspeed(client) => client.authorize_with_code(code).await,
            Exchanger::Shopwave(client) => client.auth().exchange_code(code).await,
        }
    }
}

/// A sign-in under way: its listener serves until the browser returns or the deadline passes.
pub struct Pending {
    pub provider: OAuthProvider,
    pub authorize_url: String,
    deadline: Instant,
    timeout: Duration,
    outcome: oneshot::Receiver<Result<Sentence, Sentence>>,
    server: JoinHandle<()>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Pending {
    /// Waits for the browser's return: the sentence to show when signed in, else why not.
    pub async fn outcome(mut self) -> Result<Sentence, Sentence> {
        let name = self.provider.name();
        match tokio::time::timeout_at(self.deadline, &mut self.outcome).await {
            Ok(Ok(outcome)) => outcome,
            // The listener stops at the deadline too, closing the channel: that is the
            // deadline, not a stop.
            Ok(Err(_)) if Instant::now() < self.deadline => {
                Err(Sentence::new(Text::SignInStopped).with("name", name))
            }
            Ok(Err(_)) | Err(_) => Err(Sentence::new(Text::SignInTimedOut)
                .with("name", name)
                .with("minutes", self.timeout.as_secs().div_ceil(60))),
        }
    }
}

/// What the listener shares with its one handler.
struct Flow {
    provider: OAuthProvider,
    state: String,
    exchanger: Exchanger,
    /// The language of the page the browser is answered with.
    language: Language,
    outcome: Mutex<Option<oneshot::Sender<Result<Sentence, Sentence>>>>,
    done: Notify,
}

/// Starts a sign-in with the configuration as saved: the listener runs, the browser is asked
/// to open; the answer holds the authorize URL (also shown, for a till whose browser did not
/// open). The page the browser comes back to speaks `language`.
pub async fn start(
    provider: OAuthProvider,
    config: &Config,
    secrets: &Arc<dyn SecretStore>,
    settings: &SignInSettings,
    language: Language,
) -> Result<Pending, Sentence> {
    let name = provider.name();
    let configured_redirect = match provider {
        OAuthProvider::Lightspeed => {
            let c = config
                .providers
                .lightspeed
                .as_ref()
                .ok_or(Text::SignInLightspeedNotSet)?;
            if c.auth != kassa_core::config::LightspeedAuth::Oauth {
                return Err(Text::SignInLightspeedToken.into());
            }
            c.redirect_uri.clone()
        }
        OAuthProvider::Shopwave => {
            let c = config
                .providers
                .shopwave
                .as_ref()
                .ok_or(Text::SignInShopwaveNotSet)?;
            c.redirect_uri.clone()
        }
    };
    let secret = match provider {
        OAuthProvider::Lightspeed => lightspeed_auth::CLIENT_SECRET,
        OAuthProvider::Shopwave => shopwave_auth::CLIENT_SECRET_SECRET,
    };
    match secrets.get(secret) {
        Ok(Some(_)) => {}
        Ok(None) => {
            return Err(Sentence::new(Text::SignInSetSecret)
                .with("name", name)
                .with("secret", secret))
        }
        Err(e) => return Err(Sentence::verbatim(e.to_string())),
    }
    let (listener, redirect_uri, path) = listen(provider, configured_redirect.as_deref()).await?;
    let state = uuid::Uuid::new_v4().simple().to_string();
    let (exchanger, authorize_url) = match provider {
        OAuthProvider::Lightspeed => {
            let mut c = config.providers.lightspeed.clone().expect("checked above");
            c.redirect_uri = Some(redirect_uri.clone());
            let client = wiring::lightspeed_client(&c, &config.register, secrets)
                .map_err(Sentence::verbatim)?;
            let mut url = Url::parse(&settings.lightspeed_connect_url).map_err(|e| {
                Sentence::new(Text::SignInLightspeedPage).with("error", e.to_string())
            })?;
            url.query_pairs_mut()
                .append_pair("response_type", "code")
                .append_pair("client_id", c.client_id.as_deref().unwrap_or_default())
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("state", &state);
            (Exchanger::Lightspeed(client), url.to_string())
        }
        OAuthProvider::Shopwave => {
            let mut c = config.providers.shopwave.clone().expect("checked above");
            c.redirect_uri = Some(redirect_uri.clone());
            let client = ShopwaveClient::new(&c, secrets.clone())
                .map_err(|e| Sentence::verbatim(e.to_string()))?;
            let page = client
                .auth()
                .authorize_url(SHOPWAVE_SCOPE)
                .map_err(|e| Sentence::verbatim(e.to_string()))?;
            let mut url = Url::parse(&page).map_err(|e| {
                Sentence::new(Text::SignInShopwavePage).with("error", e.to_string())
            })?;
            url.query_pairs_mut().append_pair("state", &state);
            (Exchanger::Shopwave(client), url.to_string())
        }
    };
    let (sender, outcome) = oneshot::channel();
    let flow = Arc::new(Flow {
        provider,
        state,
        exchanger,
        language,
        outcome: Mutex::new(Some(sender)),
        done: Notify::new(),
    });
    let deadline = Instant::now() + settings.timeout;
    let router = Router::new()
        .route(&path, get(returned))
        .with_state(flow.clone());
    let server = tokio::spawn(async move {
        let stop = async move {
            tokio::select! {
                _ = flow.done.notified() => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::warn!(error = %e, "the sign-in listener stopped");
        }
    });
    if let Err(e) = (settings.open_browser)(&authorize_url) {
        tracing::warn!(error = %e, "the system browser did not open; the URL is on screen");
    }
    Ok(Pending {
        provider,
        authorize_url,
        deadline,
        timeout: settings.timeout,
        outcome,
        server,
    })
}

/// Binds the redirect URI's loopback address, or an ephemeral port when none is configured;
/// answers the listener, the redirect URI the provider is sent, and the path to serve.
async fn listen(
    provider: OAuthProvider,
    configured: Option<&str>,
) -> Result<(TcpListener, String, String), Sentence> {
    let section = match provider {
        OAuthProvider::Lightspeed => "providers.lightspeed.redirect_uri",
        OAuthProvider::Shopwave => "providers.shopwave.redirect_uri",
    };
    let Some(configured) = configured else {
        let cannot_listen = |e: std::io::Error| {
            Sentence::new(Text::SignInCannotListen).with("error", e.to_string())
        };
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(cannot_listen)?;
        let port = listener.local_addr().map_err(cannot_listen)?.port();
        let uri = format!("http://127.0.0.1:{port}{LOOPBACK_PATH}");
        return Ok((listener, uri, LOOPBACK_PATH.into()));
    };
    let must = || {
        Sentence::new(Text::SignInRedirectMust)
            .with("setting", section)
            .with("example", format!("http://127.0.0.1:53682{LOOPBACK_PATH}"))
    };
    let url = Url::parse(configured).map_err(|_| must())?;
    let host = url.host_str().unwrap_or_default();
    let ip = match host {
        "localhost" | "127.0.0.1" => [127, 0, 0, 1].into(),
        "[::1]" => std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        _ => return Err(must()),
    };
    let port = url
        .port()
        .filter(|_| url.scheme() == "http")
        .ok_or_else(must)?;
    let listener = TcpListener::bind(SocketAddr::new(ip, port))
        .await
        .map_err(|e| {
            Sentence::new(Text::SignInCannotListenOn)
                .with("address", configured)
                .with("error", e.to_string())
        })?;
    Ok((listener, configured.to_string(), url.path().to_string()))
}

/// The browser's return: `code` and `state`, or the provider's `error`.
async fn returned(
    State(flow): State<Arc<Flow>>,
    Query(query): Query<HashMap<String, String>>,
) -> Html<String> {
    let language = flow.language;
    let Some(sender) = flow.outcome.lock().expect("poisoned").take() else {
        return Html(page(Text::SignInAlreadyFinished.get(language)));
    };
    let outcome = settle(&flow, &query).await;
    let shown = match &outcome {
        Ok(done) => Sentence::new(Text::SignInCloseAndReturn).with("done", done.clone()),
        Err(why) => Sentence::new(Text::SignInCloseWindow).with("why", why.clone()),
    };
    let _ = sender.send(outcome);
    flow.done.notify_one();
    Html(page(&shown.render(language)))
}

async fn settle(flow: &Flow, query: &HashMap<String, String>) -> Result<Sentence, Sentence> {
    let name = flow.provider.name();
    if query.get("state") != Some(&flow.state) {
        return Err(Sentence::new(Text::SignInWrongState).with("name", name));
    }
    if let Some(error) = query.get("error") {
        let said = query.get("error_description").unwrap_or(error);
        return Err(Sentence::new(Text::SignInRefused)
            .with("name", name)
            .with("said", said));
    }
    let code = query
        .get("code")
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| Sentence::new(Text::SignInNoCode).with("name", name))?;
    flow.exchanger.exchange(code).await.map_err(|e| {
        Sentence::new(Text::SignInNoTokens)
            .with("name", name)
            .with("error", e.to_string())
    })?;
    Ok(Sentence::new(Text::SignInDone).with("name", name))
}

fn page(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kassa</title></head>\
         <body style=\"font-family: sans-serif; margin: 3em\"><h1>Kassa</h1><p>{escaped}</p></body></html>"
    )
}
