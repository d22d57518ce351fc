//! The simulators of all four providers with many cards and faults on, served on loopback. They
//! live in the test's process, so their ledgers outlive any till process the test kills.

use kassa_core::money::Currency;
use kassa_core::provider::ProviderId;
use kassa_sim::faults::{Faults, Rates};
use kassa_sim::leat::{CardSpec as LeatCard, LeatSim};
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, ALL_SCOPES};
use kassa_sim::server::serve;
use kassa_sim::shopwave::{App, ShopwaveSim};
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use kassa_sim::Running;
use std::time::Duration;

/// The simulators' credentials (simulator demo values, not secrets of any shop).
pub const LEAT_TOKEN: &str = "tok";
pub const LIGHTSPEED_TOKEN: &str = "ls-token";
pub const ZMYLE_KEY: &str = "key";
pub const ZMYLE_SECRET: &str = "secret";
pub const SHOPWAVE_CLIENT_ID: &str = "app";
pub const SHOPWAVE_CLIENT_SECRET: &str = "app-secret-value";
pub const SHOPWAVE_ACCESS: &str = "access-token-value";
pub const SHOPWAVE_REFRESH: &str = "refresh-token-value";
pub const SHOPWAVE_REDIRECT: &str = "https://till.example/oauth";
/// The Shopwave store the till sells for.
pub const SHOPWAVE_STORE: i64 = 7;
/// The Leat shop the till belongs to.
pub const LEAT_SHOP: &str = kassa_sim::leat::DEFAULT_SHOP_UUID;

/// Every credential of the simulators, under the names the till's secret store uses
/// (`kassa secret set NAME`).
pub const SECRETS: [(&str, &str); 7] = [
    ("leat.api_key", LEAT_TOKEN),
    ("lightspeed.token", LIGHTSPEED_TOKEN),
    ("zmyle.api_key", ZMYLE_KEY),
    ("zmyle.api_secret", ZMYLE_SECRET),
    ("shopwave.client_secret", SHOPWAVE_CLIENT_SECRET),
    ("shopwave.access_token", SHOPWAVE_ACCESS),
    ("shopwave.refresh_token", SHOPWAVE_REFRESH),
];

/// How long after the send the till waits before it looks for a lost Leat or Shopwave answer
/// (`settle_ms`; a real one gets a minute). Their simulators apply some writes late,
/// [`APPLY_LATE_MS`] after they dropped the connection: well within this.
pub const SETTLE_MS: u64 = 100;

/// How late the Leat and Shopwave simulators apply a write whose connection they dropped at once.
pub const APPLY_LATE_MS: u64 = 20;

/// The clients give up on an answer after this long; the simulators' slow answers come later.
pub const CLIENT_TIMEOUT_MS: u64 = 250;

pub const CARDS_PER_PROVIDER: usize = 40;
/// Leat contacts with a prepaid wallet, each paid with by scanning its customer card.
pub const WALLETS: usize = 12;
/// Low enough that some redemptions and holds are refused for want of money.
pub const START_BALANCE: i64 = 3_000;

pub fn eur() -> Currency {
    Currency::try_from("EUR".to_string()).expect("EUR is a currency")
}

/// The faults `provider`'s simulator injects at random: [`rates`], and writes applied late
/// (after the till gave up) at the providers with a settle time (Leat, Shopwave: within it) and
/// at zmyle (an idempotency key on creates; a confirm or cancel settled by its intent).
pub fn rates_for(provider: ProviderId) -> Rates {
    match provider {
        ProviderId::Leat | ProviderId::Shopwave | ProviderId::Zmyle => Rates {
            apply_late: 0.03,
            apply_late_after: Duration::from_millis(APPLY_LATE_MS),
            ..rates()
        },
        _ => rates(),
    }
}

/// The faults every simulator injects at random (writes only for the slow answers).
pub fn rates() -> Rates {
    Rates {
        latency: Some(Duration::from_millis(1)),
        server_error: 0.04,
        rate_limited: 0.02,
        maintenance: 0.02,
        drop_before_apply: 0.03,
        drop_after_apply: 0.05,
        slow_answer: 0.02,
        slow_answer_after: Duration::from_millis(CLIENT_TIMEOUT_MS + 150),
        retry_after_secs: 1,
        ..Rates::default()
    }
}

pub fn leat_card(i: usize) -> String {
    format!("CH{:06}", 100_000 + i)
}

pub fn lightspeed_card(i: usize) -> String {
    format!("91000000{:08}", i)
}

/// The customer card of Leat wallet `i` (a contact identifier).
pub fn wallet_code(i: usize) -> String {
    format!("LW-{i:05}")
}

/// A Leat contact's prepaid wallet that a run pays with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// The customer card the till scans.
    pub code: String,
    pub contact_uuid: String,
    pub start_minor: i64,
}

/// A zmyle card's id, short id and access token.
pub fn zmyle_card(i: usize) -> (String, String, String) {
    (
        format!("18jja4mf08fn{:08}", i),
        format!("Z{:03}", i),
        format!("tok{:021}", i),
    )
}

/// Where the simulators answer.
#[derive(Debug, Clone)]
pub struct Urls {
    pub leat: String,
    pub lightspeed: String,
    pub zmyle: String,
    pub shopwave: String,
}

/// The simulators, served on loopback; they stop when this is dropped.
pub struct Sims {
    pub leat: LeatSim,
    pub lightspeed: LightspeedSim,
    pub zmyle: ZmyleSim,
    pub shopwave: ShopwaveSim,
    /// The Leat prepaid wallets, [`WALLETS`] of them.
    pub wallets: Vec<Wallet>,
    pub urls: Urls,
    _running: Vec<Running>,
}

impl Sims {
    /// Faults injected so far, per provider.
    pub fn faults_injected(&self) -> [(&'static str, u64); 4] {
        [
            ("leat", self.leat.faults.injected()),
            ("lightspeed", self.lightspeed.faults.injected()),
            ("zmyle", self.zmyle.faults.injected()),
            ("shopwave", self.shopwave.faults.injected()),
        ]
    }
}

/// Serves the four simulators, each with its own stream of `seed`'s faults from the start.
pub async fn sims(seed: u64) -> Sims {
    let mut leat = LeatSim::new(LEAT_TOKEN);
    let mut lightspeed = LightspeedSim::new();
    lightspeed.add_personal_token(LIGHTSPEED_TOKEN, &ALL_SCOPES);
    lightspeed.set_rate_limit(1_000_000, Duration::from_secs(1));
    let mut zmyle = ZmyleSim::new(ZMYLE_KEY, ZMYLE_SECRET);
    for i in 0..CARDS_PER_PROVIDER {
        leat.add_giftcard(LeatCard {
            upgradeable: true,
            ..LeatCard::new(&leat_card(i), START_BALANCE)
        });
        lightspeed.add_card(&lightspeed_card(i), START_BALANCE, CardStatus::Active, None);
        let (id, short, token) = zmyle_card(i);
        zmyle.add_card(CardSpec::active(&id, &short, &token, START_BALANCE));
    }
    let wallets = (0..WALLETS)
        .map(|i| {
            let contact_uuid = leat.add_contact(&format!("wallet{i}@kassa.test"), START_BALANCE);
            leat.add_identifier(&wallet_code(i), "Kassa card", Some(&contact_uuid), true);
            Wallet {
                code: wallet_code(i),
                contact_uuid,
                start_minor: START_BALANCE,
            }
        })
        .collect();
    let mut shopwave = ShopwaveSim::new(
        App {
            client_id: SHOPWAVE_CLIENT_ID.into(),
            client_secret: SHOPWAVE_CLIENT_SECRET.into(),
            redirect_uri: SHOPWAVE_REDIRECT.into(),
        },
        &[SHOPWAVE_STORE],
    );
    shopwave.grant_tokens(SHOPWAVE_ACCESS, SHOPWAVE_REFRESH);

    leat.faults = Faults::new(seed);
    lightspeed.faults = Faults::new(seed.wrapping_add(1));
    zmyle.faults = Faults::new(seed.wrapping_add(2));
    shopwave.faults = Faults::new(seed.wrapping_add(3));
    for (provider, faults) in [
        (ProviderId::Leat, &leat.faults),
        (ProviderId::Lightspeed, &lightspeed.faults),
        (ProviderId::Zmyle, &zmyle.faults),
        (ProviderId::Shopwave, &shopwave.faults),
    ] {
        faults.set_rates(rates_for(provider));
    }
    let running = vec![
        serve(leat.router())
            .await
            .expect("the Leat simulator serves"),
        serve(lightspeed.router())
            .await
            .expect("the Lightspeed simulator serves"),
        serve(zmyle.router())
            .await
            .expect("the zmyle simulator serves"),
        serve(shopwave.router())
            .await
            .expect("the Shopwave simulator serves"),
    ];
    Sims {
        urls: Urls {
            leat: running[0].url(),
            lightspeed: running[1].url(),
            zmyle: running[2].url(),
            shopwave: running[3].url(),
        },
        leat,
        lightspeed,
        zmyle,
        shopwave,
        wallets,
        _running: running,
    }
}
