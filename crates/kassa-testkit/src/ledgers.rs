//! The end of every chaos and crash run: the queue has drained, and each simulator's records
//! equal the till's journal operation by operation (Leat by the op id each transaction
//! carries, Lightspeed by `client_id`, zmyle by its intents and card transactions, Shopwave
//! sale by sale): nothing lost, nothing doubled, nothing extra, and a lost payment and a
//! doubled one of the same amount cannot cancel out.

use crate::sims::{
    leat_card, lightspeed_card, zmyle_card, Sims, CARDS_PER_PROVIDER, START_BALANCE,
};
use kassa_core::config::LeatConfig;
use kassa_core::outbox::{Booked, Op, OpKind, OpState};
use kassa_core::provider::ProviderId;
use kassa_core::store::Store;
use kassa_sim::lightspeed::TxnKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// What the simulators hold besides the till's own operations on the standard cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Besides {
    /// Money moved by someone else (another till), per provider and card code (a wallet's
    /// customer card): each movement as the provider's records show it (Lightspeed's
    /// `client_id`, Leat's op id, zmyle's card transaction id) and its signed amount.
    pub moved: BTreeMap<(ProviderId, String), Vec<(String, i64)>>,
    /// Leat gift cards the test added to the simulator besides the standard ones.
    pub leat_cards: Vec<String>,
    /// Reversals and reloads a provider refused that the test's model explained
    /// (`refusals::assert_reversals_explained`): on the review list with the money owed.
    pub refused: BTreeSet<String>,
}

impl Besides {
    fn moved(&self, provider: ProviderId, card: &str) -> Vec<(String, i64)> {
        self.moved
            .get(&(provider, card.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// The card code of each operation the test made, by op id: the test's own record, since the
/// till keeps a finished operation's code masked only.
pub type OpCards = HashMap<String, String>;

/// The till's journal of money moved, per provider and card.
type Journal = BTreeMap<(ProviderId, String), Vec<Booked>>;

/// Asserts that the queue has drained and that each simulator's ledger equals the till's
/// journal (card by card, each operation's card from `cards`; sale by sale for Shopwave);
/// prints and returns the counts compared per provider.
pub fn assert_ledgers_equal_journal(
    sims: &Sims,
    store: &Store,
    cards: &OpCards,
) -> BTreeMap<&'static str, usize> {
    assert_ledgers_equal_journal_besides(sims, store, cards, &Besides::default())
}

/// [`assert_ledgers_equal_journal`] where others moved money too (`besides.moved`, counted
/// with the journal's movements).
pub fn assert_ledgers_equal_journal_besides(
    sims: &Sims,
    store: &Store,
    cards: &OpCards,
    besides: &Besides,
) -> BTreeMap<&'static str, usize> {
    let review = store.review_list().expect("the review list reads");
    let all = store.ops(&[], u32::MAX).expect("the outbox reads");
    let state_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| all.iter().find(|o| &o.id == id))
            .map(|o| (o.kind, o.state, o.review_reason.clone()))
    };
    let unfinished: Vec<String> = all
        .iter()
        .filter(|o| !o.state.is_final())
        .map(|o| {
            format!(
                "{} {} {:?} of {} ({:?}, {} attempts, review {:?}), after {:?}",
                o.provider,
                o.kind,
                o.state,
                o.amount.minor,
                o.last_error,
                o.attempts,
                o.review_reason,
                state_of(&o.depends_on)
            )
        })
        .collect();
    assert!(
        unfinished.is_empty(),
        "every operation reached a final state, yet:\n{}",
        unfinished.join("\n")
    );
    assert!(
        review.iter().all(|r| r.op.state == OpState::Declined
            && (matches!(r.op.kind, OpKind::Redeem | OpKind::Reserve)
                || besides.refused.contains(&r.op.id))),
        "only refusals of redemptions and holds (the cards run low), and refusals of money \
         given back that the test explained, need a person: {:?}",
        review
            .iter()
            .map(|r| (r.op.provider, &r.op.kind, &r.op.state, &r.reason))
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
        if b.kind == OpKind::RecordSale {
            recorded_sales.push(b);
            continue;
        }
        let card = cards.get(&b.op_id).unwrap_or_else(|| {
            panic!(
                "the till booked a {} {} {} on a card the test did not give it",
                b.provider, b.kind, b.op_id
            )
        });
        journal
            .entry((b.provider, card.clone()))
            .or_default()
            .push(b);
    }
    let ops: HashMap<String, Op> = store
        .ops(&[], u32::MAX)
        .expect("the outbox reads")
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let compared = BTreeMap::from([
        ("leat", leat(sims, &journal, &ops, besides)),
        ("leat_prepaid", leat_prepaid(sims, &journal, &ops, besides)),
        ("lightspeed", lightspeed(sims, &journal, besides)),
        ("zmyle", zmyle(sims, &journal, &ops, besides)),
        ("shopwave", shopwave(sims, store, &recorded_sales)),
    ]);
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

fn booked<'a>(journal: &'a Journal, provider: ProviderId, card: &str) -> &'a [Booked] {
    journal
        .get(&(provider, card.to_string()))
        .map_or(&[], Vec::as_slice)
}

/// The op id Leat's transactions carry (`custom_attributes`).
fn op_id_attribute() -> String {
    LeatConfig::default_op_id_attribute()
}

/// Leat (a gift card's transactions after its issue, or a wallet's): each transaction carries
/// the op id that made it. A redemption or reload shows once under its own id, for its
/// amount; a reversal either as Leat's own reverse under the id of what it reverses or as a
/// top-up under its own; what others moved, once under theirs; nothing else.
fn leat_records(
    what: &str,
    txns: Vec<(Option<String>, i64)>,
    booked: &[Booked],
    ops: &HashMap<String, Op>,
    others: Vec<(String, i64)>,
) -> Compared {
    let mut by_mark: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (mark, amount) in txns {
        let mark =
            mark.unwrap_or_else(|| panic!("{what}: a transaction of {amount} nobody marked"));
        by_mark.entry(mark).or_default().push(amount);
    }
    let mut take = |mark: &str| by_mark.remove(mark).unwrap_or_default();
    let mut compared = Compared::default();
    compared.add(booked.iter().map(|b| b.amount_minor));
    // A reversal is a top-up under its own id, or Leat's own reverse under the original's.
    let mut leats_own: BTreeMap<String, &Booked> = BTreeMap::new();
    for r in booked.iter().filter(|b| b.kind == OpKind::Reverse) {
        let own = take(&r.op_id);
        if own != [r.amount_minor] {
            assert!(
                own.is_empty(),
                "{what}: the reversal {} shows {own:?}",
                r.op_id
            );
            let original = ops[&r.op_id]
                .depends_on
                .clone()
                .expect("a reversal names what it reverses");
            leats_own.insert(original, r);
        }
    }
    for b in booked.iter().filter(|b| b.kind != OpKind::Reverse) {
        let mut want = vec![b.amount_minor];
        want.extend(leats_own.remove(&b.op_id).map(|r| r.amount_minor));
        assert_eq!(
            take(&b.op_id),
            want,
            "{what}: the {} {} at Leat (and Leat's own reverse of it)",
            b.kind,
            b.op_id
        );
    }
    assert!(
        leats_own.is_empty(),
        "{what}: reversals of what the till did not book: {leats_own:?}"
    );
    for (mark, amount) in others {
        assert_eq!(take(&mark), [amount], "{what}: another till's {mark}");
    }
    assert!(
        by_mark.is_empty(),
        "{what}: transactions the till did not book: {by_mark:?}"
    );
    compared
}

/// Leat gift cards: each card's transactions after its issue, operation by operation, and
/// its balance.
fn leat(sims: &Sims, journal: &Journal, ops: &HashMap<String, Op>, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    let standard = (0..CARDS_PER_PROVIDER).map(leat_card);
    for hash in standard.chain(besides.leat_cards.iter().cloned()) {
        let txns = sims.leat.marked_transactions(&hash, &op_id_attribute());
        assert_eq!(
            txns.first(),
            Some(&(None, START_BALANCE)),
            "Leat card {hash}: its issue"
        );
        let booked = booked(journal, ProviderId::Leat, &hash);
        let others = besides.moved(ProviderId::Leat, &hash);
        let moved: i64 = booked.iter().map(|b| b.amount_minor).sum::<i64>()
            + others.iter().map(|(_, a)| a).sum::<i64>();
        let c = leat_records(
            &format!("Leat card {hash}"),
            txns[1..].to_vec(),
            booked,
            ops,
            others,
        );
        assert_eq!(
            sims.leat.balance(&hash),
            Some(START_BALANCE + moved),
            "Leat card {hash}"
        );
        compared.count += c.count;
        compared.net_minor += c.net_minor;
    }
    compared
}

/// Leat prepaid wallets: each contact's prepaid transactions, operation by operation, and its
/// balance.
fn leat_prepaid(
    sims: &Sims,
    journal: &Journal,
    ops: &HashMap<String, Op>,
    besides: &Besides,
) -> Compared {
    let mut compared = Compared::default();
    for wallet in &sims.wallets {
        let txns = sims
            .leat
            .marked_prepaid_transactions(&wallet.contact_uuid, &op_id_attribute());
        let booked = booked(journal, ProviderId::Leat, &wallet.code);
        let others = besides.moved(ProviderId::Leat, &wallet.code);
        let moved: i64 = booked.iter().map(|b| b.amount_minor).sum::<i64>()
            + others.iter().map(|(_, a)| a).sum::<i64>();
        let c = leat_records(
            &format!("Leat wallet {}", wallet.code),
            txns,
            booked,
            ops,
            others,
        );
        assert_eq!(
            sims.leat.prepaid_balance(&wallet.contact_uuid),
            Some(wallet.start_minor + moved),
            "Leat wallet {}",
            wallet.code
        );
        compared.count += c.count;
        compared.net_minor += c.net_minor;
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

/// zmyle: each hold is the intent it was granted, for its amount; a confirmed one made one
/// card transaction for its amount, and only those are confirmed; a cancelled one is
/// cancelled; each refund is one card transaction; the card's transactions are its
/// activation, those and others' spends; nothing is held.
fn zmyle(sims: &Sims, journal: &Journal, ops: &HashMap<String, Op>, besides: &Besides) -> Compared {
    let mut compared = Compared::default();
    for i in 0..CARDS_PER_PROVIDER {
        let short = zmyle_card(i).1;
        let what = format!("zmyle card {short}");
        let card = sims.zmyle.card(&short).expect("the card exists");
        let mut txns: BTreeMap<String, i64> = BTreeMap::new();
        for t in card["transactions"].as_array().expect("transactions") {
            let id = t["id"].as_str().expect("an id").to_string();
            assert!(txns
                .insert(id, t["amount"].as_i64().expect("an amount"))
                .is_none());
        }
        let activation = card["transactions"][0]["id"]
            .as_str()
            .expect("an activation");
        assert_eq!(txns.remove(activation), Some(START_BALANCE), "{what}");
        let booked = booked(journal, ProviderId::Zmyle, &short);
        let intent_of = |op_id: &str| {
            let reserve = &ops[op_id];
            let id = reserve
                .provider_ref
                .as_deref()
                .unwrap_or_else(|| panic!("{what}: the hold {op_id} succeeded without its intent"));
            let intent = sims.zmyle.intent(id).expect("zmyle has the intent");
            assert_eq!(
                intent["amount"], reserve.amount.minor,
                "{what}: intent {id}"
            );
            intent
        };
        let mut confirmed = BTreeMap::new();
        for b in booked {
            let op = &ops[&b.op_id];
            let made = || b.provider_ref.clone().unwrap_or_default();
            match b.kind {
                OpKind::Reserve => {
                    intent_of(&b.op_id);
                }
                OpKind::Confirm | OpKind::Cancel => {
                    let reserve = op.depends_on.as_deref().expect("it names its hold");
                    let intent = intent_of(reserve);
                    let want = if b.kind == OpKind::Confirm {
                        "SUCCEEDED"
                    } else {
                        "CANCELLED"
                    };
                    assert_eq!(intent["status"], want, "{what}: {} {}", b.kind, b.op_id);
                    if b.kind == OpKind::Confirm {
                        assert_eq!(intent["giftcardTransactionId"], made().as_str());
                        confirmed.insert(reserve.to_string(), ());
                    }
                    assert_eq!(
                        txns.remove(&made()).unwrap_or(0),
                        b.amount_minor,
                        "{what}: the {} {} moved the card once",
                        b.kind,
                        b.op_id
                    );
                }
                OpKind::Reverse => assert_eq!(
                    txns.remove(&made()),
                    Some(b.amount_minor),
                    "{what}: the refund {} is one card transaction",
                    b.op_id
                ),
                other => panic!("{what}: a {other} booked"),
            }
            compared.add([b.amount_minor].into_iter().filter(|a| *a != 0));
        }
        for b in booked.iter().filter(|b| b.kind == OpKind::Reserve) {
            if !confirmed.contains_key(&b.op_id) {
                assert_ne!(
                    intent_of(&b.op_id)["status"],
                    "SUCCEEDED",
                    "{what}: the hold {} was confirmed, and the till did not book it",
                    b.op_id
                );
            }
        }
        for (shown, amount) in besides.moved(ProviderId::Zmyle, &short) {
            assert_eq!(
                txns.remove(&shown),
                Some(amount),
                "{what}: another till's spend"
            );
        }
        assert!(
            txns.is_empty(),
            "{what}: card transactions the till did not book: {txns:?}"
        );
        let others: i64 = besides
            .moved(ProviderId::Zmyle, &short)
            .iter()
            .map(|(_, a)| a)
            .sum();
        let moved: i64 = booked.iter().map(|b| b.amount_minor).sum();
        let (balance, available) = sims.zmyle.balances(&short).expect("the card exists");
        assert_eq!(balance, START_BALANCE + moved + others, "{what}");
        assert_eq!(available, balance, "{what}: a hold is left");
    }
    compared
}

/// Shopwave: every sale (or refund) whose `record_sale` succeeded is one completed basket under
/// its reference (a sale's id; a refund, which is no sale, its record's op id), with each of
/// its payments exactly once, completed, for the amount sent; and the back-office holds
/// nothing else.
fn shopwave(sims: &Sims, store: &Store, recorded: &[Booked]) -> Compared {
    // What we sent: per sale reference, each payment's reference and amount.
    let mut sent: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for b in recorded {
        assert_eq!(b.provider, ProviderId::Shopwave, "only sales are recorded");
        assert_eq!(b.card_masked, None, "a recorded sale has no card");
        let op = store
            .op(&b.op_id)
            .expect("the outbox reads")
            .expect("a journalled operation is in the outbox");
        let sale = op.sale_id.clone().unwrap_or_else(|| op.id.clone());
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
