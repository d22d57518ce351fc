//! Refunds and voids as plain data, and the plan of one: what each paid tender may still give
//! back, and where each part of the amount goes. Pure: the store and the providers are
//! elsewhere.

use crate::checkout::model::{Sale, TenderKind};
use crate::lang::{Sentence, Text};
use crate::provider::ProviderId;
use time::OffsetDateTime;

/// A refund gives back part or all of a sale; a void undoes every tender of it as it was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundKind {
    Refund,
    Void,
}

/// Where one part of a refund went back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// Back onto the card (or wallet) that paid: a reversal after its payment.
    Card,
    /// Onto another gift card, loaded with it.
    Reload,
    /// Paid out of the drawer.
    Cash,
    /// Refunded on the card terminal by the cashier, recorded here.
    Terminal,
}

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }

            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some($ty::$variant),)+ _ => None }
            }
        }
    };
}

names!(RefundKind { Refund => "refund", Void => "void" });
names!(PartKind { Card => "card", Reload => "reload", Cash => "cash", Terminal => "terminal" });

/// One part of a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPart {
    /// 1, 2, 3... within the refund.
    pub pos: i64,
    pub kind: PartKind,
    /// The tender paid back (a card part; a void's cash and terminal parts).
    pub tender_id: Option<String>,
    pub provider: Option<ProviderId>,
    pub card_masked: Option<String>,
    pub amount_minor: i64,
    /// The reversal or the reload that moves the money.
    pub op_id: Option<String>,
}

/// A refund or void of a completed sale: its own record, linked to the sale, with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// UUIDv7: also the back-office basket's reference.
    pub id: String,
    /// 1, 2, 3... on this till: what the screen and the receipt show.
    pub number: i64,
    pub kind: RefundKind,
    pub sale_id: String,
    pub sale_number: i64,
    pub currency: crate::money::Currency,
    pub reason: String,
    pub amount_minor: i64,
    /// Who approved it (`manager`).
    pub approved_by: Option<String>,
    pub parts: Vec<RefundPart>,
    /// The back-office's record of it, where one is configured.
    pub record_op_id: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Where the part of a refund that cannot go back onto a presented card goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestTo {
    Cash,
    Terminal,
    /// Another gift card, loaded with it (the caller looked it up).
    Reload,
}

/// A part before it is written: the tender it gives back to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub kind: PartKind,
    pub tender_id: Option<String>,
    pub amount_minor: i64,
}

/// What a sale's tenders paid and gave back so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refundable {
    pub paid_minor: i64,
    /// What the sale's card lines put on gift cards: that money stays on the cards, so it is
    /// not refunded here.
    pub cards_sold_minor: i64,
    pub refunded_minor: i64,
    pub voided: bool,
}

impl Refundable {
    pub fn of(sale: &Sale, before: &[Refund]) -> Self {
        Refundable {
            paid_minor: sale.paid_minor(),
            cards_sold_minor: sale
                .lines
                .iter()
                .filter(|l| l.card.is_some())
                .map(|l| l.total_minor())
                .sum(),
            refunded_minor: before.iter().map(|r| r.amount_minor).sum(),
            voided: before.iter().any(|r| r.kind == RefundKind::Void),
        }
    }

    /// What may still be given back: never more than was paid, less the cards it sold.
    pub fn left_minor(&self) -> i64 {
        (self.paid_minor - self.cards_sold_minor - self.refunded_minor).max(0)
    }
}

/// What tender `id` may still give back onto its card.
fn room(sale: &Sale, before: &[Refund], id: &str) -> i64 {
    let paid = sale.tender(id).map_or(0, |t| t.amount_minor);
    let back: i64 = before
        .iter()
        .flat_map(|r| &r.parts)
        .filter(|p| p.kind == PartKind::Card && p.tender_id.as_deref() == Some(id))
        .map(|p| p.amount_minor)
        .sum();
    (paid - back).max(0)
}

/// A void: every tender that paid, back the way it came. The cards' tenders need their card
/// (`presented`: the tender ids whose card was scanned); a sale refunded before cannot be voided.
pub fn plan_void(
    sale: &Sale,
    before: &[Refund],
    presented: &[String],
) -> Result<Vec<Planned>, Sentence> {
    if sale.lines.iter().any(|l| l.card.is_some()) {
        return Err(Sentence::new(Text::VoidSoldCard).with("number", sale.number));
    }
    if let Some(first) = before.first() {
        return Err(Sentence::new(match first.kind {
            RefundKind::Void => Text::VoidedAlready,
            RefundKind::Refund => Text::RefundedInPartAlready,
        })
        .with("number", sale.number));
    }
    let mut missing = Vec::new();
    let mut parts = Vec::new();
    for t in sale.tenders.iter().filter(|t| t.state.counts()) {
        let kind = match t.kind {
            TenderKind::Cash => PartKind::Cash,
            TenderKind::Terminal => PartKind::Terminal,
            TenderKind::GiftCard | TenderKind::Wallet => {
                if !presented.contains(&t.id) {
                    missing.push(t.card_masked.clone().unwrap_or_default());
                }
                PartKind::Card
            }
        };
        parts.push(Planned {
            kind,
            tender_id: Some(t.id.clone()),
            amount_minor: t.amount_minor,
        });
    }
    if !missing.is_empty() {
        return Err(Sentence::new(Text::VoidScanCards).with("cards", missing.join(", ")));
    }
    if parts.is_empty() {
        return Err(Sentence::new(Text::VoidNoPayment).with("number", sale.number));
    }
    Ok(parts)
}

/// A refund of `amount`: onto the presented cards first (in the order they paid, each up to
/// what it paid and has not had back), the rest to `rest`.
pub fn plan_refund(
    sale: &Sale,
    before: &[Refund],
    amount_minor: i64,
    presented: &[String],
    rest: RestTo,
) -> Result<Vec<Planned>, Sentence> {
    let refundable = Refundable::of(sale, before);
    if amount_minor <= 0 {
        return Err(Text::RefundNotPositive.into());
    }
    if amount_minor > refundable.left_minor() {
        let cur = &sale.currency;
        let text = if refundable.cards_sold_minor > 0 {
            Text::RefundAtMostWithCards
        } else {
            Text::RefundAtMost
        };
        return Err(Sentence::new(text)
            .money("left", refundable.left_minor(), cur)
            .with("number", sale.number)
            .money("paid", refundable.paid_minor, cur)
            .money("cards", refundable.cards_sold_minor, cur)
            .money("back", refundable.refunded_minor, cur));
    }
    let mut left = amount_minor;
    let mut parts = Vec::new();
    for t in sale
        .tenders
        .iter()
        .filter(|t| t.is_card() && t.state.counts() && presented.contains(&t.id))
    {
        let take = room(sale, before, &t.id).min(left);
        if take > 0 {
            parts.push(Planned {
                kind: PartKind::Card,
                tender_id: Some(t.id.clone()),
                amount_minor: take,
            });
            left -= take;
        }
    }
    if left > 0 {
        parts.push(Planned {
            kind: match rest {
                RestTo::Cash => PartKind::Cash,
                RestTo::Terminal => PartKind::Terminal,
                RestTo::Reload => PartKind::Reload,
            },
            tender_id: None,
            amount_minor: left,
        });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::model::{SaleState, Tender};
    use crate::money::Currency;

    fn eur() -> Currency {
        Currency::try_from("EUR".to_string()).unwrap()
    }

    fn tender(id: &str, kind: TenderKind, amount: i64) -> Tender {
        let mut t = Tender::new(id.into(), 1, kind, amount);
        if kind == TenderKind::GiftCard {
            t.provider = Some(ProviderId::Leat);
            t.card_masked = Some(format!("••••{id}"));
        }
        t.op_id = Some(format!("op-{id}"));
        t
    }

    fn sale(tenders: Vec<Tender>) -> Sale {
        Sale {
            id: "s".into(),
            number: 7,
            state: SaleState::Completed,
            currency: eur(),
            lines: Vec::new(),
            tenders,
            record_op_id: None,
            note: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            finished_at: Some(OffsetDateTime::UNIX_EPOCH),
        }
    }

    fn done(kind: RefundKind, parts: Vec<Planned>) -> Refund {
        Refund {
            id: "r".into(),
            number: 1,
            kind,
            sale_id: "s".into(),
            sale_number: 7,
            currency: eur(),
            reason: "r".into(),
            amount_minor: parts.iter().map(|p| p.amount_minor).sum(),
            approved_by: None,
            parts: parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| RefundPart {
                    pos: i as i64 + 1,
                    kind: p.kind,
                    tender_id: p.tender_id,
                    provider: None,
                    card_masked: None,
                    amount_minor: p.amount_minor,
                    op_id: None,
                })
                .collect(),
            record_op_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_refund_goes_onto_the_presented_cards_first_then_to_the_rest() {
        let s = sale(vec![
            tender("a", TenderKind::GiftCard, 1000),
            tender("b", TenderKind::GiftCard, 500),
            tender("c", TenderKind::Cash, 300),
        ]);
        let parts = plan_refund(&s, &[], 1200, &["b".into()], RestTo::Cash).unwrap();
        assert_eq!(
            parts,
            vec![
                Planned {
                    kind: PartKind::Card,
                    tender_id: Some("b".into()),
                    amount_minor: 500
                },
                Planned {
                    kind: PartKind::Cash,
                    tender_id: None,
                    amount_minor: 700
                },
            ]
        );
    }

    #[test]
    fn no_refund_gives_back_more_than_was_paid_over_several_refunds() {
        let s = sale(vec![tender("a", TenderKind::GiftCard, 1000)]);
        let first = plan_refund(&s, &[], 600, &["a".into()], RestTo::Cash).unwrap();
        let before = vec![done(RefundKind::Refund, first)];
        let err = plan_refund(&s, &before, 401, &["a".into()], RestTo::Cash).unwrap_err();
        assert!(err.to_string().contains("At most EUR 4.00"), "{err}");
        let parts = plan_refund(&s, &before, 400, &["a".into()], RestTo::Cash).unwrap();
        assert_eq!(parts[0].amount_minor, 400);
        assert_eq!(parts[0].kind, PartKind::Card);
        assert!(plan_refund(&s, &[], 0, &[], RestTo::Cash).is_err());
        assert!(plan_refund(&s, &[], -5, &[], RestTo::Cash).is_err());
    }

    #[test]
    fn a_card_gets_back_at_most_what_it_paid_and_the_rest_goes_elsewhere() {
        let s = sale(vec![
            tender("a", TenderKind::GiftCard, 1000),
            tender("c", TenderKind::Cash, 1000),
        ]);
        let before = vec![done(
            RefundKind::Refund,
            plan_refund(&s, &[], 800, &["a".into()], RestTo::Cash).unwrap(),
        )];
        let parts = plan_refund(&s, &before, 500, &["a".into()], RestTo::Reload).unwrap();
        assert_eq!(
            parts,
            vec![
                Planned {
                    kind: PartKind::Card,
                    tender_id: Some("a".into()),
                    amount_minor: 200
                },
                Planned {
                    kind: PartKind::Reload,
                    tender_id: None,
                    amount_minor: 300
                },
            ]
        );
    }

    #[test]
    fn the_money_a_sale_put_on_gift_cards_is_neither_refunded_nor_voided() {
        let mut s = sale(vec![tender("c", TenderKind::Cash, 4_000)]);
        s.lines.push(crate::checkout::Line {
            pos: 1,
            description: "Gift card".into(),
            quantity: 1,
            unit_price_minor: 3_000,
            card: Some(crate::checkout::CardLine {
                provider: ProviderId::Zmyle,
                action: crate::checkout::CardAction::Sell,
                card_code: None,
                card_masked: "••••NK5".into(),
                card_key: "k".into(),
                card_id: "z".into(),
                wallet: false,
                op_id: None,
            }),
        });
        assert_eq!(Refundable::of(&s, &[]).left_minor(), 1_000);
        let err = plan_refund(&s, &[], 1_001, &[], RestTo::Cash)
            .unwrap_err()
            .to_string();
        assert!(err.contains("on gift cards the sale sold"), "{err}");
        assert!(plan_refund(&s, &[], 1_000, &[], RestTo::Cash).is_ok());
        assert!(plan_void(&s, &[], &[])
            .unwrap_err()
            .to_string()
            .contains("cannot be voided"));
    }

    #[test]
    fn a_void_needs_every_card_and_no_refund_before() {
        let s = sale(vec![
            tender("a", TenderKind::GiftCard, 1000),
            tender("c", TenderKind::Cash, 250),
            tender("t", TenderKind::Terminal, 100),
        ]);
        let err = plan_void(&s, &[], &[]).unwrap_err().to_string();
        assert!(err.contains("••••a"), "{err}");
        let parts = plan_void(&s, &[], &["a".into()]).unwrap();
        let kinds: Vec<_> = parts.iter().map(|p| (p.kind, p.amount_minor)).collect();
        assert_eq!(
            kinds,
            vec![
                (PartKind::Card, 1000),
                (PartKind::Cash, 250),
                (PartKind::Terminal, 100)
            ]
        );
        let before = vec![done(RefundKind::Refund, vec![parts[1].clone()])];
        assert!(plan_void(&s, &before, &["a".into()])
            .unwrap_err()
            .to_string()
            .contains("refunded in part"));
    }
}
