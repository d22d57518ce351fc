//! The end of every chaos and crash run: the queue has drained, and each simulator's ledger
//! equals the till's journal exactly: nothing lost, nothing doubled, nothing extra.

use crate::sims::{
    leat_card, lightspeed_card, zmyle_card, Sims, CARDS_PER_PROVIDER, START_BALANCE,
};
use kassa_core::outbox::{Booked, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_sim::lightspeed::TxnKind;
use std::collections::BTreeMap;

/// What was compared for one provider: movements (or recorded sales) and their net amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compared {
    pub count: usize,
    pub net_minor: i64,
}

impl Compared {
    fn add(&mut self, amounts: impl IntoIterator<Item = i64>) {
        for a in amounts {
            self.count += 1;
            self.net_minor += a;
        }
    }
}

/// A Leat contact's prepaid wallet that a run pays with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// The customer card the till scans.
    pub code: String,
    pub contact_uuid: String,
    pub start_minor: i64,
}

/// What the simulators hold besides the till's own operations on the standard cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Besides {
    /// Money moved by someone else (another till), per provider and card code (a wallet's
    /// customer card): each movement's mark (Lightspeed's `client_id`, Leat's op id) and
    /// signed amount.
    pub moved: BTreeMap<(ProviderId, String), Vec<(String, i64)>>,
    /// Leat prepaid wallets, compared like the gift cards.
    pub wallets: Vec<Wallet>,
}

impl Besides {
    fn moved(&self, provider: ProviderId, card: &str) -> Vec<(String, i64)> {
        self.moved
            .get(&(provider, card.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// The till's journal of money moved, per provider and card.
type Journal = BTreeMap<(ProviderId, String), Vec<Booked>>;

/// Asserts that the queue has drained and that each simulator's ledger equals the till's
/// journal (card by card; sale by sale for Shopwave); prints and returns the counts compared
/// per provider.
pub fn assert_ledgers_equal_journal(sims: &Sims, store: &Store) -> BTreeMap<&'static str, usize> {
    assert_ledgers_equal_journal_besides(sims, store, &Besides::default())
}

/// [`assert_ledgers_equal_journal`] where others moved money too (`besides.moved`, counted
/// with the journal's movements) and Leat prepaid wallets were used (compared as
/// `leat_prepaid`).
pub fn assert_ledgers_equal_journal_besides(
    sims: &Sims,
    store: &Store,
    besides: &Besides,
) -> BTreeMap<&'static str, usize> {
    let review = store.review_list().expect("the review list reads");
    assert_eq!(
        store.unfinished_ops().expect("the outbox reads"),
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
    assert!(
        store.open_holds().expect("the holds read").is_empty(),
        "no hold left open"
    );

    let booked = store.booked_ops().expect("the journal reads");
    let mut journal = Journal::new();
    let mut recorded_sales = Vec::new();
    for b in booked {
        match b.card_code.clone() {
            Some(card) => journal.entry((b.provider, card)).or_default().push(b),
            None => recorded_sales.push(b),
        }
    }
    let mut compared = BTreeMap::from([
        ("leat", leat(sims, &journal, besides)),
        ("lightspeed", lightspeed(sims, &journal, besides)),
        ("zmyle", zmyle(sims, &journal, besides)),
        ("shopwave", shopwave(sims, store, &recorded_sales)),
    ]);
    if !besides.wallets.is_empty() {
        compared.insert("leat_prepaid", leat_prepaid(sims, &journal, besides));
    }
    for (provider, c) in &compared {
        if *provider == "shopwave" {
            println!(
                "compared shopwave: {} recorded sales = baskets, payments once each, {} cents paid",
                c.count, c.net_minor
            );
        } else {
            println!(
                "compared {provider}: {} journal movements = ledger movements, net {} cents",
                c.count, c.net_minor
            );
        }
    }
    compared.into_iter().map(|(p, c)| (p, c.count)).collect()
}

fn amounts(journal: &Journal, provider: ProviderId, card: &str) -> Vec<(String, i64)> {
    journal
        .get(&(provider, card.to_string()))
        .map(|booked| {
            booked
                .iter()
                .map(|b| (b.op_id.clone(), b.amount_minor))
                .collect()
        })
        .unwrap_or_default()
}

/// Leat: each card's transactions after its issue, one for one with the journal (and what
/// others moved), and its balance.
fn leat(sims: &Sims, journal: &Journal, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    for i in 0..CARDS_PER_PROVIDER {
        let hash = leat_card(i);
        let mut at_leat: Vec<i64> = sims.leat.transaction_amounts(&hash)[1..].to_vec();
        let mut ours: Vec<i64> = amounts(journal, ProviderId::Leat, &hash)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let others: Vec<i64> = besides
            .moved(ProviderId::Leat, &hash)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let mut expected: Vec<i64> = ours.iter().chain(&others).copied().collect();
        at_leat.sort_unstable();
        expected.sort_unstable();
        assert_eq!(at_leat, expected, "Leat card {hash}");
        assert_eq!(
            sims.leat.balance(&hash),
            Some(START_BALANCE + expected.iter().sum::<i64>()),
            "Leat card {hash}"
        );
        ours.sort_unstable();
        compared.add(ours);
    }
    compared
}

/// Leat prepaid wallets: each contact's prepaid transactions, one for one with the journal of
/// its customer card (and what others moved), and its balance.
fn leat_prepaid(sims: &Sims, journal: &Journal, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    for wallet in &besides.wallets {
        let mut at_leat = sims.leat.prepaid_amounts(&wallet.contact_uuid);
        let ours: Vec<i64> = amounts(journal, ProviderId::Leat, &wallet.code)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let mut expected: Vec<i64> = ours
            .iter()
            .copied()
            .chain(
                besides
                    .moved(ProviderId::Leat, &wallet.code)
                    .into_iter()
                    .map(|(_, a)| a),
            )
            .collect();
        at_leat.sort_unstable();
        expected.sort_unstable();
        assert_eq!(at_leat, expected, "Leat wallet {}", wallet.code);
        assert_eq!(
            sims.leat.prepaid_balance(&wallet.contact_uuid),
            Some(wallet.start_minor + expected.iter().sum::<i64>()),
            "Leat wallet {}",
            wallet.code
        );
        compared.add(ours);
    }
    compared
}

/// Lightspeed: each redemption and reload carries its op id as `client_id` and is compared by
/// id; a reversal carries none, so the card's reversals are compared with the journal's by
/// amount.
fn lightspeed(sims: &Sims, journal: &Journal, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    for i in 0..CARDS_PER_PROVIDER {
        let number = lightspeed_card(i);
        let mut at_lightspeed: BTreeMap<String, i64> = BTreeMap::new();
        let mut reversals_there: Vec<i64> = Vec::new();
        for t in sims.lightspeed.transactions(&number) {
            match (t.kind, t.client_id) {
                (TxnKind::Activation, _) => {}
                (TxnKind::Reversing, None) => reversals_there.push(t.amount),
                (_, Some(client_id)) => {
                    assert!(
                        at_lightspeed.insert(client_id.clone(), t.amount).is_none(),
                        "Lightspeed card {number}: client_id {client_id} booked twice"
                    );
                }
                (kind, None) => {
                    panic!("Lightspeed card {number}: a {kind:?} transaction without client_id")
                }
            }
        }
        let booked = journal
            .get(&(ProviderId::Lightspeed, number.clone()))
            .cloned()
            .unwrap_or_default();
        let mut ours: BTreeMap<String, i64> = BTreeMap::new();
        let mut reversals_ours: Vec<i64> = Vec::new();
        for b in &booked {
            if b.kind == OpKind::Reverse {
                reversals_ours.push(b.amount_minor);
            } else {
                ours.insert(b.op_id.clone(), b.amount_minor);
            }
        }
        let mut expected = ours.clone();
        expected.extend(besides.moved(ProviderId::Lightspeed, &number));
        assert_eq!(at_lightspeed, expected, "Lightspeed card {number}");
        reversals_there.sort_unstable();
        reversals_ours.sort_unstable();
        assert_eq!(
            reversals_there, reversals_ours,
            "Lightspeed card {number}: reversals"
        );
        compared.add(booked.iter().map(|b| b.amount_minor));
    }
    compared
}

/// zmyle: each balance moved by exactly the confirmed holds (and what others took), and
/// nothing is held.
fn zmyle(sims: &Sims, journal: &Journal, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    for i in 0..CARDS_PER_PROVIDER {
        let short = zmyle_card(i).1;
        let ours: Vec<i64> = amounts(journal, ProviderId::Zmyle, &short)
            .into_iter()
            .map(|(_, a)| a)
            .filter(|a| *a != 0)
            .collect();
        let others: i64 = besides
            .moved(ProviderId::Zmyle, &short)
            .into_iter()
            .map(|(_, a)| a)
            .sum();
        let (balance, available) = sims.zmyle.balances(&short).expect("the card exists");
        assert_eq!(
            balance,
            START_BALANCE + ours.iter().sum::<i64>() + others,
            "zmyle card {short}"
        );
        assert_eq!(available, balance, "zmyle card {short}: a hold is left");
        compared.add(ours);
    }
    compared
}

/// Shopwave: every sale whose `record_sale` succeeded is one completed basket under the sale's
/// reference, with each of its payments exactly once, completed, for the amount sent; and the
/// back-office holds nothing else.
fn shopwave(sims: &Sims, store: &Store, recorded: &[Booked]) -> Compared {
    // What we sent: per sale reference, each payment's reference and amount.
    let mut sent: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for b in recorded {
        assert_eq!(b.provider, ProviderId::Shopwave, "only sales have no card");
        assert_eq!(b.kind, OpKind::RecordSale);
        let op = store
            .op(&b.op_id)
            .expect("the outbox reads")
            .expect("a journalled operation is in the outbox");
        let sale = op.sale_id.clone().expect("a recorded sale has its sale id");
        let payments = op.payload["payments"]
            .as_array()
            .expect("the sale's payload lists its payments")
            .iter()
            .map(|p| {
                (
                    p["reference"].as_str().expect("a reference").to_string(),
                    p["amount_minor"].as_i64().expect("an amount"),
                )
            })
            .collect();
        assert!(
            sent.insert(sale.clone(), payments).is_none(),
            "sale {sale} was recorded by one operation"
        );
    }

    let mut basket_of: BTreeMap<u64, String> = BTreeMap::new();
    for basket in sims.shopwave.baskets() {
        let Some(sale) = crate::shopwave::sale_of(&basket) else {
            continue;
        };
        assert!(
            sent.contains_key(&sale),
            "Shopwave holds basket {} ({sale}) that no recorded sale made",
            basket.id,
        );
        assert!(
            basket.complete_date.is_some(),
            "basket of sale {sale} is complete"
        );
        assert!(
            !basket_of.values().any(|r| *r == sale),
            "sale {sale} has more than one basket in Shopwave"
        );
        basket_of.insert(basket.id, sale);
    }
    assert_eq!(
        basket_of.len(),
        sent.len(),
        "every recorded sale has its basket in Shopwave"
    );

    let mut paid: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for t in sims.shopwave.transactions() {
        let reference = crate::shopwave::payment_of(&t);
        let sale = basket_of.get(&t.basket_id).unwrap_or_else(|| {
            panic!("payment {reference} is against a basket no sale of ours has")
        });
        assert!(
            t.complete_date.is_some(),
            "payment {reference} of sale {sale} is complete"
        );
        let earlier = paid
            .entry(sale.clone())
            .or_default()
            .insert(reference.clone(), t.amount);
        assert!(
            earlier.is_none(),
            "payment {reference} of sale {sale} is in Shopwave twice"
        );
    }
    for (sale, payments) in &sent {
        assert_eq!(
            paid.get(sale).cloned().unwrap_or_default(),
            *payments,
            "sale {sale}: Shopwave's payments are the ones sent"
        );
    }
    let mut compared = Compared::default();
    compared.add(sent.values().map(|p| p.values().sum::<i64>()));
    compared
}
