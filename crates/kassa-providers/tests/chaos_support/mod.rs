//! What the chaos and crash tests share: the simulators with many cards and faults on,
//! randomized sales, and the comparison of every simulator's ledger with the till's journal.

#![allow(dead_code)] // each test file uses its own part

pub mod clients;

use clients::{Urls, LEAT_TOKEN, LIGHTSPEED_TOKEN, ZMYLE_KEY, ZMYLE_SECRET};
use kassa_core::money::Money;
use kassa_core::outbox::{NewOp, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_sim::faults::{Faults, Rates};
use kassa_sim::leat::{CardSpec as LeatCard, LeatSim};
use kassa_sim::lightspeed::{CardStatus, LightspeedSim, TxnKind, ALL_SCOPES};
use kassa_sim::server::serve;
use kassa_sim::zmyle::{CardSpec, ZmyleSim};
use std::collections::BTreeMap;
use std::time::Duration;

pub const CARDS_PER_PROVIDER: usize = 40;
/// Low enough that some redemptions and holds are refused for want of money.
pub const START_BALANCE: i64 = 3_000;

/// The seed: fixed, or `KASSA_CHAOS_SEED` to explore others.
pub fn seed() -> u64 {
    std::env::var("KASSA_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_122)
}

pub fn rates() -> Rates {
    Rates {
        latency: Some(Duration::from_millis(1)),
        server_error: 0.04,
        rate_limited: 0.02,
        maintenance: 0.02,
        drop_before_apply: 0.03,
        drop_after_apply: 0.05,
        slow_answer: 0.02,
        slow_answer_after: Duration::from_millis(clients::CLIENT_TIMEOUT_MS + 150),
        retry_after_secs: 1,
    }
}

pub fn leat_card(i: usize) -> String {
    format!("CH{:06}", 100_000 + i)
}

pub fn lightspeed_card(i: usize) -> String {
    format!("91000000{:08}", i)
}

/// A zmyle card's id, short id and access token.
pub fn zmyle_card(i: usize) -> (String, String, String) {
    (
        format!("18jja4mf08fn{:08}", i),
        format!("Z{:03}", i),
        format!("tok{:021}", i),
    )
}

/// The simulators, served on loopback.
pub struct Sims {
    pub leat: LeatSim,
    pub lightspeed: LightspeedSim,
    pub zmyle: ZmyleSim,
    pub urls: Urls,
    _running: Vec<kassa_sim::Running>,
}

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
    // Faults from the start; each simulator its own stream of the seed.
    leat.faults = Faults::new(seed);
    lightspeed.faults = Faults::new(seed.wrapping_add(1));
    zmyle.faults = Faults::new(seed.wrapping_add(2));
    for faults in [&leat.faults, &lightspeed.faults, &zmyle.faults] {
        faults.set_rates(rates());
    }
    let running = vec![
        serve(leat.router()).await.unwrap(),
        serve(lightspeed.router()).await.unwrap(),
        serve(zmyle.router()).await.unwrap(),
    ];
    Sims {
        urls: Urls {
            leat: running[0].url(),
            lightspeed: running[1].url(),
            zmyle: running[2].url(),
        },
        leat,
        lightspeed,
        zmyle,
        _running: running,
    }
}

/// Randomized sales of at least `ops` operations: Leat and Lightspeed redeem or reload; zmyle
/// reserves then confirms or cancels. Each sale's operations are enqueued together.
pub fn sales(seed: u64, ops: usize) -> Vec<Vec<NewOp>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut sales = Vec::new();
    let mut made = 0;
    while made < ops {
        let sale = format!("sale-{}", sales.len());
        let card = rng.usize(..CARDS_PER_PROVIDER);
        let amount = Money::new(rng.i64(1..=1_500), clients::eur());
        let kind = if rng.u8(..3) == 0 {
            OpKind::Reload
        } else {
            OpKind::Redeem
        };
        let sale_ops = match rng.u8(..3) {
            0 => vec![NewOp::new(
                ProviderId::Leat,
                kind,
                Some(&leat_card(card)),
                amount,
            )],
            1 => vec![NewOp::new(
                ProviderId::Lightspeed,
                kind,
                Some(&lightspeed_card(card)),
                amount,
            )],
            _ => {
                let short = zmyle_card(card).1;
                let reserve = NewOp::new(
                    ProviderId::Zmyle,
                    OpKind::Reserve,
                    Some(&short),
                    amount.clone(),
                );
                let settle = if rng.u8(..4) == 0 {
                    OpKind::Cancel
                } else {
                    OpKind::Confirm
                };
                let settle =
                    NewOp::new(ProviderId::Zmyle, settle, Some(&short), amount).after(&reserve.id);
                vec![reserve, settle]
            }
        };
        made += sale_ops.len();
        sales.push(sale_ops.into_iter().map(|op| op.in_sale(&sale)).collect());
    }
    sales
}

/// Asserts that the queue has drained and that each simulator's ledger equals the till's
/// journal, card by card; prints and returns the counts compared per provider.
pub fn assert_ledgers_equal_journal(sims: &Sims, store: &Store) -> BTreeMap<&'static str, usize> {
    let review = store.review_list().unwrap();
    assert_eq!(
        store.unfinished_ops().unwrap(),
        0,
        "every operation reached a final state"
    );
    assert!(
        review.iter().all(|r| r.op.state == OpState::Declined
            && matches!(r.op.kind, OpKind::Redeem | OpKind::Reserve)),
        "only refusals of redemptions and holds (the cards run low) need a person: {:?}",
        review
            .iter()
            .map(|r| (&r.op.kind, &r.op.state, &r.reason))
            .collect::<Vec<_>>()
    );
    assert!(store.open_holds().unwrap().is_empty(), "no hold left open");

    let mut journal: BTreeMap<(ProviderId, String), Vec<(String, i64)>> = BTreeMap::new();
    for b in store.booked_ops().unwrap() {
        journal
            .entry((b.provider, b.card_code.clone().unwrap()))
            .or_default()
            .push((b.op_id, b.amount_minor));
    }
    let mut compared = BTreeMap::<&'static str, (usize, i64)>::new();
    let mut count = |provider: &'static str, amounts: &[i64]| {
        let c = compared.entry(provider).or_default();
        c.0 += amounts.len();
        c.1 += amounts.iter().sum::<i64>();
    };
    for i in 0..CARDS_PER_PROVIDER {
        // Leat: the card's transactions after its issue, one for one with the journal.
        let hash = leat_card(i);
        let mut at_leat: Vec<i64> = sims.leat.transaction_amounts(&hash)[1..].to_vec();
        let mut ours: Vec<i64> = journal
            .get(&(ProviderId::Leat, hash.clone()))
            .map(|v| v.iter().map(|(_, a)| *a).collect())
            .unwrap_or_default();
        at_leat.sort_unstable();
        ours.sort_unstable();
        assert_eq!(at_leat, ours, "Leat card {hash}");
        assert_eq!(
            sims.leat.balance(&hash),
            Some(START_BALANCE + ours.iter().sum::<i64>()),
            "Leat card {hash}"
        );
        count("leat", &ours);

        // Lightspeed: each transaction carries our op id as client_id: compare by id.
        let number = lightspeed_card(i);
        let at_lightspeed: BTreeMap<String, i64> = sims
            .lightspeed
            .transactions(&number)
            .into_iter()
            .filter(|t| t.kind != TxnKind::Activation)
            .map(|t| {
                (
                    t.client_id
                        .expect("the till's transactions carry client_id"),
                    t.amount,
                )
            })
            .collect();
        let ours: BTreeMap<String, i64> = journal
            .get(&(ProviderId::Lightspeed, number.clone()))
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        assert_eq!(at_lightspeed, ours, "Lightspeed card {number}");
        count("lightspeed", &ours.values().copied().collect::<Vec<_>>());

        // zmyle: the balance moved by exactly the confirmed holds, and nothing is held.
        let short = zmyle_card(i).1;
        let ours: Vec<i64> = journal
            .get(&(ProviderId::Zmyle, short.clone()))
            .map(|v| v.iter().map(|(_, a)| *a).filter(|a| *a != 0).collect())
            .unwrap_or_default();
        let (balance, available) = sims.zmyle.balances(&short).unwrap();
        assert_eq!(
            balance,
            START_BALANCE + ours.iter().sum::<i64>(),
            "zmyle card {short}"
        );
        assert_eq!(available, balance, "zmyle card {short}: a hold is left");
        count("zmyle", &ours);
    }
    for (provider, (n, sum)) in &compared {
        println!("compared {provider}: {n} journal movements = ledger movements, net {sum} cents");
    }
    compared.into_iter().map(|(p, (n, _))| (p, n)).collect()
}
