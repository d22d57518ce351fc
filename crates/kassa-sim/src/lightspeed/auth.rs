//! Bearer tokens and the OAuth token endpoint (docs/providers.md §3.1): personal tokens, and an
//! OAuth application whose refresh tokens rotate — the old one is revoked the moment a new
//! one is issued.

use std::collections::{HashMap, HashSet};
use time::{Duration, OffsetDateTime};

/// Every gift card scope.
pub const ALL_SCOPES: [&str; 3] = [
    "gift_cards:read",
    "gift_cards:write:redeem",
    "gift_cards:write:issue",
];

struct Access {
    scopes: HashSet<String>,
    expires_at: Option<OffsetDateTime>,
}

/// An OAuth application registered with the retailer.
struct App {
    client_id: String,
    client_secret: String,
    /// The one refresh token that works now.
    refresh_token: String,
    /// Authorization codes issued and not yet exchanged, with their redirect URI.
    codes: HashMap<String, String>,
}

/// Why a token request was refused (OAuth's error names, in Lightspeed's envelope).
#[derive(Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
}

/// A token pair just issued.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires: i64,
    pub expires_in: i64,
}

pub struct Auth {
    tokens: HashMap<String, Access>,
    app: Option<App>,
    access_lifetime: Duration,
    issued: u64,
}

/// What a request's bearer token may do.
pub enum Verdict {
    Allowed,
    /// 401: missing, unknown or expired.
    Unauthenticated,
    /// 403: the token lacks this scope.
    MissingScope(&'static str),
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            tokens: HashMap::new(),
            app: None,
            access_lifetime: Duration::seconds(604_800),
            issued: 0,
        }
    }
}

impl Auth {
    pub fn add_token(&mut self, token: &str, scopes: &[&str], expires_at: Option<OffsetDateTime>) {
        self.tokens.insert(
            token.to_string(),
            Access {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires_at,
            },
        );
    }

    pub fn set_app(&mut self, client_id: &str, client_secret: &str, refresh_token: &str) {
        self.app = Some(App {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
            codes: HashMap::new(),
        });
    }

    pub fn set_access_lifetime(&mut self, lifetime: Duration) {
        self.access_lifetime = lifetime;
    }

    /// Makes every access token expire now (personal ones too).
    pub fn expire_all(&mut self) {
        let now = OffsetDateTime::now_utc();
        for access in self.tokens.values_mut() {
            access.expires_at = Some(now);
        }
    }

    pub fn refresh_token(&self) -> Option<String> {
        self.app.as_ref().map(|a| a.refresh_token.clone())
    }

    /// Whether `client_id` is the registered application's.
    pub fn is_client(&self, client_id: &str) -> bool {
        self.app
            .as_ref()
            .is_some_and(|app| app.client_id == client_id)
    }

    /// A one-time code, as the authorize page would hand to the redirect URI.
    pub fn issue_code(&mut self, redirect_uri: &str) -> Option<String> {
        self.issued += 1;
        let code = format!("sim-code-{}", self.issued);
        self.app
            .as_mut()?
            .codes
            .insert(code.clone(), redirect_uri.into());
        Some(code)
    }

    pub fn check(&self, bearer: Option<&str>, scope: &'static str) -> Verdict {
        let now = OffsetDateTime::now_utc();
        let Some(access) = bearer.and_then(|t| self.tokens.get(t)) else {
            return Verdict::Unauthenticated;
        };
        if access.expires_at.is_some_and(|at| at <= now) {
            return Verdict::Unauthenticated;
        }
        if !access.scopes.contains(scope) {
            return Verdict::MissingScope(scope);
        }
        Verdict::Allowed
    }

    /// `POST /api/1.0/token`, form fields as sent.
    pub fn grant(&mut self, form: &HashMap<String, String>) -> Result<Issued, TokenRefusal> {
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
        let app = self.app.as_mut().ok_or(TokenRefusal::InvalidClient)?;
        if field("client_id") != app.client_id || field("client_secret") != app.client_secret {
            return Err(TokenRefusal::InvalidClient);
        }
        match field("grant_type") {
            "refresh_token" => {
                if field("refresh_token") != app.refresh_token {
                    return Err(TokenRefusal::InvalidGrant);
                }
            }
            "authorization_code" => {
                let code = field("code");
                if app.codes.get(code).map(String::as_str) != Some(field("redirect_uri")) {
                    return Err(TokenRefusal::InvalidGrant);
                }
                app.codes.remove(code);
            }
            _ => return Err(TokenRefusal::UnsupportedGrantType),
        }
        self.issued += 1;
        let n = self.issued;
        let refresh_token = format!("sim-refresh-{n}");
        app.refresh_token = refresh_token.clone();
        let access_token = format!("sim-access-{n}");
        let expires_at = OffsetDateTime::now_utc() + self.access_lifetime;
        self.add_token(&access_token, &ALL_SCOPES, Some(expires_at));
        Ok(Issued {
            access_token,
            refresh_token,
            expires: expires_at.unix_timestamp(),
            expires_in: self.access_lifetime.whole_seconds(),
        })
    }
}
