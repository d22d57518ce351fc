//! Randomized sales. Each sale is one kind of sale from [`KINDS`] (what it does at a gift-card
//! provider) plus the sale's `record_sale` operation for the POS back-office (Shopwave); all of
//! a sale's operations are enqueued together.
//!
//! Another kind of sale is one entry in [`KINDS`] and a function that makes its operations,
//! plus its part in `ledgers`.

use crate::ledgers::OpCards;
use crate::sims::{eur, leat_card, lightspeed_card, zmyle_card, Wallet, CARDS_PER_PROVIDER};
use kassa_core::money::Money;
use kassa_core::outbox::{NewOp, OpKind};
use kassa_core::pos::{PaymentKind, PosLine, PosPayment, PosSale};
use kassa_core::provider::ProviderId;
use kassa_providers::executor::sale_payload;

/// The most a sale's card part moves, in cents; cards start with `START_BALANCE`.
pub const MAX_AMOUNT: i64 = 1_500;

/// What the generator drew for one sale.
pub struct Draw<'a> {
    /// Which card of its provider (`0..CARDS_PER_PROVIDER`).
    pub card: usize,
    /// The card part of the sale, in cents.
    pub minor: i64,
    pub rng: &'a mut fastrand::Rng,
    /// The Leat prepaid wallets; `card` picks one too.
    pub wallets: &'a [Wallet],
}

impl Draw<'_> {
    pub fn amount(&self) -> Money {
        Money::new(self.minor, eur())
    }

    fn wallet(&self) -> &Wallet {
        &self.wallets[self.card % self.wallets.len()]
    }
}

/// What a kind of sale does at its provider.
pub struct Tender {
    /// The provider operations, in the order they must happen (`NewOp::after` for a
    /// dependency).
    pub ops: Vec<NewOp>,
    /// What the basket sells for the card part.
    pub line: &'static str,
    /// How the card part is paid: `Voucher` when the card pays; otherwise how the customer
    /// paid instead (cash for a reload, the card terminal when a hold was let go or the card
    /// payment was refunded).
    pub paid_with: PaymentKind,
}

/// One kind of sale: how often it comes up, relative to the others, and what it does.
pub struct SaleKind {
    pub name: &'static str,
    pub weight: u32,
    pub make: fn(&mut Draw) -> Tender,
}

/// Every kind of sale the generator makes: payments, top-ups and holds, and payments given
/// back (reversals at Leat, refunds at zmyle), at every provider.
pub const KINDS: &[SaleKind] = &[
    SaleKind {
        name: "Leat gift card redemption",
        weight: 2,
        make: leat_redeem,
    },
    SaleKind {
        name: "Leat gift card reload",
        weight: 1,
        make: leat_reload,
    },
    SaleKind {
        name: "Leat gift card redemption, reversed",
        weight: 1,
        make: leat_reversed,
    },
    SaleKind {
        name: "Leat prepaid wallet payment",
        weight: 1,
        make: wallet_pay,
    },
    SaleKind {
        name: "Leat prepaid wallet top-up",
        weight: 1,
        make: wallet_top_up,
    },
    SaleKind {
        name: "Leat prepaid wallet payment, refunded",
        weight: 1,
        make: wallet_refunded,
    },
    SaleKind {
        name: "Lightspeed gift card redemption",
        weight: 2,
        make: lightspeed_redeem,
    },
    SaleKind {
        name: "Lightspeed gift card reload",
        weight: 1,
        make: lightspeed_reload,
    },
    SaleKind {
        name: "zmyle hold, then confirmed or let go",
        weight: 3,
        make: zmyle_hold,
    },
    SaleKind {
        name: "zmyle hold, confirmed, then refunded",
        weight: 1,
        make: zmyle_refunded,
    },
];

fn one(provider: ProviderId, kind: OpKind, card: &str, draw: &Draw) -> NewOp {
    NewOp::new(provider, kind, Some(card), draw.amount())
}

fn redeemed(op: NewOp) -> Tender {
    Tender {
        ops: vec![op],
        line: "Goods",
        paid_with: PaymentKind::Voucher,
    }
}

fn reloaded(op: NewOp) -> Tender {
    Tender {
        ops: vec![op],
        line: "Gift card top-up",
        paid_with: PaymentKind::Cash,
    }
}

fn leat_redeem(d: &mut Draw) -> Tender {
    redeemed(one(ProviderId::Leat, OpKind::Redeem, &leat_card(d.card), d))
}

fn leat_reload(d: &mut Draw) -> Tender {
    reloaded(one(ProviderId::Leat, OpKind::Reload, &leat_card(d.card), d))
}

/// The payment and its undo after it: the customer paid at the card terminal instead.
fn given_back(op: NewOp, undo: OpKind) -> Tender {
    let back = NewOp {
        payload: op.payload.clone(),
        ..NewOp::new(
            op.provider,
            undo,
            op.card_code.as_deref(),
            op.amount.clone(),
        )
    }
    .after(&op.id);
    Tender {
        ops: vec![op, back],
        line: "Goods",
        paid_with: PaymentKind::Card,
    }
}

fn leat_reversed(d: &mut Draw) -> Tender {
    let redeem = one(ProviderId::Leat, OpKind::Redeem, &leat_card(d.card), d);
    given_back(redeem, OpKind::Reverse)
}

fn on_wallet(kind: OpKind, d: &Draw) -> NewOp {
    let w = d.wallet();
    NewOp::leat_prepaid(kind, &w.code, &w.contact_uuid, d.amount())
}

fn wallet_pay(d: &mut Draw) -> Tender {
    redeemed(on_wallet(OpKind::Redeem, d))
}

fn wallet_top_up(d: &mut Draw) -> Tender {
    reloaded(on_wallet(OpKind::Reload, d))
}

fn wallet_refunded(d: &mut Draw) -> Tender {
    given_back(on_wallet(OpKind::Redeem, d), OpKind::Reverse)
}

fn lightspeed_redeem(d: &mut Draw) -> Tender {
    let card = lightspeed_card(d.card);
    redeemed(one(ProviderId::Lightspeed, OpKind::Redeem, &card, d))
}

fn lightspeed_reload(d: &mut Draw) -> Tender {
    let card = lightspeed_card(d.card);
    reloaded(one(ProviderId::Lightspeed, OpKind::Reload, &card, d))
}

/// A hold, then its confirm (the sale completed) or, one time in four, its cancel (the
/// customer paid at the card terminal instead).
fn zmyle_hold(d: &mut Draw) -> Tender {
    let short = zmyle_card(d.card).1;
    let reserve = one(ProviderId::Zmyle, OpKind::Reserve, &short, d);
    let let_go = d.rng.u8(..4) == 0;
    let settle = if let_go {
        OpKind::Cancel
    } else {
        OpKind::Confirm
    };
    let settle = one(ProviderId::Zmyle, settle, &short, d).after(&reserve.id);
    Tender {
        ops: vec![reserve, settle],
        line: "Goods",
        paid_with: if let_go {
            PaymentKind::Card
        } else {
            PaymentKind::Voucher
        },
    }
}

/// A hold, confirmed, then the payment refunded (a refund of the confirm's card transaction).
fn zmyle_refunded(d: &mut Draw) -> Tender {
    let short = zmyle_card(d.card).1;
    let reserve = one(ProviderId::Zmyle, OpKind::Reserve, &short, d);
    let confirm = one(ProviderId::Zmyle, OpKind::Confirm, &short, d).after(&reserve.id);
    let Tender { mut ops, .. } = given_back(confirm, OpKind::Reverse);
    ops.insert(0, reserve);
    Tender {
        ops,
        line: "Goods",
        paid_with: PaymentKind::Card,
    }
}

fn pick(rng: &mut fastrand::Rng) -> &'static SaleKind {
    let total: u32 = KINDS.iter().map(|k| k.weight).sum();
    let mut at = rng.u32(..total);
    for kind in KINDS {
        if at < kind.weight {
            return kind;
        }
        at -= kind.weight;
    }
    unreachable!("the draw is below the total weight")
}

/// The sale as the POS back-office records it: the card part, and one time in three a cash
/// part on top (a second line and a second payment).
fn pos_sale(reference: &str, tender: &Tender, minor: i64, rng: &mut fastrand::Rng) -> PosSale {
    let mut lines = vec![PosLine {
        name: tender.line.into(),
        unit_price_minor: minor,
        quantity: 1,
        product_instance_id: None,
    }];
    // A card's payment carries the id of the operation that took the money, as the till's do.
    let paid_by = match tender.paid_with {
        PaymentKind::Voucher => tender.ops.last().map(|op| op.id.clone()),
        _ => None,
    };
    let mut payments = vec![PosPayment {
        reference: paid_by.unwrap_or_else(|| format!("{reference}.p1")),
        kind: tender.paid_with,
        amount_minor: minor,
        tip_minor: 0,
        note: None,
    }];
    if rng.u8(..3) == 0 {
        let extra = rng.i64(1..=500);
        lines.push(PosLine {
            name: "Extras".into(),
            unit_price_minor: extra,
            quantity: 1,
            product_instance_id: None,
        });
        payments.push(PosPayment {
            reference: format!("{reference}.p2"),
            kind: PaymentKind::Cash,
            amount_minor: extra,
            tip_minor: 0,
            note: None,
        });
    }
    PosSale {
        reference: reference.into(),
        store_id: None,
        lines,
        payments,
        note: None,
    }
}

/// The card of each operation in `sales`, as the generator gave it.
pub fn cards_of(sales: &[Vec<NewOp>]) -> OpCards {
    sales
        .iter()
        .flatten()
        .filter_map(|op| Some((op.id.clone(), op.card_code.clone()?)))
        .collect()
}

/// Randomized sales of at least `ops` operations in all, `record_sale` operations included,
/// paying with the simulators' cards and `wallets`. Sale references are `sale-{n}`: unique
/// within one call.
pub fn sales(seed: u64, ops: usize, wallets: &[Wallet]) -> Vec<Vec<NewOp>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut sales = Vec::new();
    let mut made = 0;
    while made < ops {
        let reference = format!("sale-{}", sales.len());
        let kind = pick(&mut rng);
        let mut draw = Draw {
            card: rng.usize(..CARDS_PER_PROVIDER),
            minor: rng.i64(1..=MAX_AMOUNT),
            rng: &mut rng,
            wallets,
        };
        let tender = (kind.make)(&mut draw);
        let minor = draw.minor;
        let pos = pos_sale(&reference, &tender, minor, &mut rng);
        let mut record = NewOp::new(
            ProviderId::Shopwave,
            OpKind::RecordSale,
            None,
            Money::new(pos.total_minor(), eur()),
        );
        record.payload = sale_payload(&pos);
        let mut sale_ops = tender.ops;
        sale_ops.push(record);
        made += sale_ops.len();
        sales.push(
            sale_ops
                .into_iter()
                .map(|op| op.in_sale(&reference))
                .collect(),
        );
    }
    sales
}
