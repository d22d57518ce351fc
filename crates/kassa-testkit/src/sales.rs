//! Randomized sales. Each sale is one kind of sale from [`KINDS`] (what it does at a gift-card
//! provider) plus the sale's `record_sale` operation for the POS back-office (Shopwave); all of
//! a sale's operations are enqueued together.
//!
//! Another kind of sale is one entry in [`KINDS`] and a function that makes its operations
//! (e.g. a Leat prepaid-wallet redemption: `vec![NewOp::new(ProviderId::Leat, OpKind::...,
//! Some(&wallet), draw.amount())]`), plus its part in `ledgers`.

use crate::sims::{eur, leat_card, lightspeed_card, zmyle_card, CARDS_PER_PROVIDER};
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
}

impl Draw<'_> {
    pub fn amount(&self) -> Money {
        Money::new(self.minor, eur())
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
    /// paid instead (cash for a reload, the card terminal when a hold was let go).
    pub paid_with: PaymentKind,
}

/// One kind of sale: how often it comes up, relative to the others, and what it does.
pub struct SaleKind {
    pub name: &'static str,
    pub weight: u32,
    pub make: fn(&mut Draw) -> Tender,
}

/// Every kind of sale the generator makes: each provider a third of the sales.
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

/// Randomized sales of at least `ops` operations in all, `record_sale` operations included.
/// Sale references are `sale-{n}`: unique within one call.
pub fn sales(seed: u64, ops: usize) -> Vec<Vec<NewOp>> {
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
