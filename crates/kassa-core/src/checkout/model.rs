//! Sales, lines and tenders as plain data, and the sums a cashier reads: total, paid, still to
//! pay, change. Pure: the store and the providers are elsewhere.

use crate::lang::{Sentence, Text};
use crate::money::MAX_AMOUNT_MINOR;
use crate::provider::ProviderId;
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

/// Where a sale stands (docs/design.md §5). Persisted at every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SaleState {
    /// Lines are being rung up; nothing paid yet.
    Open,
    /// At least one tender is on it.
    Tendering,
    /// Complete was pressed: the card tenders are being charged.
    Completing,
    /// Paid, and its operations are in the outbox. Final.
    Completed,
    /// Given up; every tender taken is undone through the outbox. Final.
    Abandoned,
}

/// What pays (part of) a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TenderKind {
    Cash,
    /// An external card terminal: the amount it took, recorded.
    Terminal,
    GiftCard,
    /// A Leat contact's prepaid wallet.
    Wallet,
}

/// Where a tender stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TenderState {
    /// A holdless card, looked up: charged at Complete.
    Checked,
    /// A zmyle hold was asked for; no answer yet.
    Holding,
    /// zmyle granted the hold: confirmed at Complete.
    Held,
    /// Its redemption was sent at Complete; no answer yet.
    Charging,
    /// The money is taken (cash, terminal, a card that answered).
    Taken,
    /// Accepted without the provider's answer (offline policy or a manager); still queued.
    Offline,
    /// The provider refused it; it pays nothing.
    Refused,
    /// The cashier took it off (undone through the outbox where it had moved money).
    Removed,
}

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $ty::ALL.iter().copied().find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("unknown {} '{s}'", stringify!($ty)))
            }
        }
    };
}

/// What a card line does to its card once the sale is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardAction {
    /// A new card: a pre-printed one activated (zmyle).
    Sell,
    /// Money put on an existing card (Leat, Lightspeed).
    Reload,
}

names!(CardAction {
    Sell => "sell",
    Reload => "reload",
});

names!(SaleState {
    Open => "open",
    Tendering => "tendering",
    Completing => "completing",
    Completed => "completed",
    Abandoned => "abandoned",
});

names!(TenderKind {
    Cash => "cash",
    Terminal => "terminal",
    GiftCard => "gift_card",
    Wallet => "wallet",
});

names!(TenderState {
    Checked => "checked",
    Holding => "holding",
    Held => "held",
    Charging => "charging",
    Taken => "taken",
    Offline => "offline",
    Refused => "refused",
    Removed => "removed",
});

impl SaleState {
    pub fn is_final(self) -> bool {
        matches!(self, SaleState::Completed | SaleState::Abandoned)
    }
}

impl TenderState {
    /// The tender pays its amount (or will, once its provider answers).
    pub fn counts(self) -> bool {
        !matches!(self, TenderState::Refused | TenderState::Removed)
    }
}

/// One line of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1, 2, 3... in the order rung up.
    pub pos: i64,
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// A gift card sold or reloaded by this line (its price is what goes on the card).
    pub card: Option<CardLine>,
}

/// The card of a card line. `Debug` masks the card's code.
#[derive(Clone, PartialEq, Eq)]
pub struct CardLine {
    pub provider: ProviderId,
    pub action: CardAction,
    /// The full code, only while the sale is unfinished (its operation holds it after).
    pub card_code: Option<String>,
    pub card_masked: String,
    /// A keyed hash of the code: the same card cannot also pay the sale.
    pub card_key: String,
    /// The provider's id of the card (a wallet's contact uuid).
    pub card_id: String,
    /// A Leat contact's prepaid wallet rather than a gift card.
    pub wallet: bool,
    /// The activation or reload, queued at Complete.
    pub op_id: Option<String>,
}

impl fmt::Debug for CardLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardLine")
            .field("provider", &self.provider)
            .field("action", &self.action)
            .field("card", &self.card_masked)
            .field("card_id", &self.card_id)
            .field("wallet", &self.wallet)
            .field("op_id", &self.op_id)
            .finish()
    }
}

impl Line {
    /// Checked at the boundary: the product never overflows ([`MAX_AMOUNT_MINOR`]).
    pub fn total_minor(&self) -> i64 {
        self.quantity * self.unit_price_minor
    }
}

/// The most items of one kind on a line.
pub const MAX_QUANTITY: i64 = 9_999;
/// The longest description of a line, in characters.
pub const MAX_DESCRIPTION: usize = 120;

/// One tender of a sale. `Debug` masks the card's code.
#[derive(Clone, PartialEq, Eq)]
pub struct Tender {
    /// UUIDv7: also the back-office payment's reference.
    pub id: String,
    pub pos: i64,
    pub kind: TenderKind,
    pub provider: Option<ProviderId>,
    /// The full code, only while the sale is unfinished (the operations hold it after).
    pub card_code: Option<String>,
    pub card_masked: Option<String>,
    /// A keyed hash of the code: the same card twice in a sale, the offline caps.
    pub card_key: Option<String>,
    /// The provider's id of the card (a wallet's contact uuid).
    pub card_id: Option<String>,
    /// What it pays of the sale (cash: net of change).
    pub amount_minor: i64,
    /// Cash handed over.
    pub given_minor: Option<i64>,
    /// Cash rounding this tender added to the sale (it paid the rest, rounded).
    pub rounding_minor: i64,
    /// The card's balance when it was tendered, where known.
    pub balance_minor: Option<i64>,
    pub state: TenderState,
    /// When it was accepted without the provider's answer.
    pub offline_at: Option<OffsetDateTime>,
    /// `manager` when a manager accepted it over a cap.
    pub approved_by: Option<String>,
    /// The hold (zmyle) or the redemption.
    pub op_id: Option<String>,
    /// The confirm of a hold.
    pub confirm_op_id: Option<String>,
    /// The cancel or reversal that undoes it.
    pub undo_op_id: Option<String>,
    /// The provider's reason for a refusal, or what the cashier should know.
    pub message: Option<String>,
}

impl fmt::Debug for Tender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tender")
            .field("id", &self.id)
            .field("pos", &self.pos)
            .field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("card", &self.card_masked)
            .field("amount_minor", &self.amount_minor)
            .field("given_minor", &self.given_minor)
            .field("rounding_minor", &self.rounding_minor)
            .field("balance_minor", &self.balance_minor)
            .field("state", &self.state)
            .field("offline_at", &self.offline_at)
            .field("approved_by", &self.approved_by)
            .field("op_id", &self.op_id)
            .field("confirm_op_id", &self.confirm_op_id)
            .field("undo_op_id", &self.undo_op_id)
            .field("message", &self.message)
            .finish()
    }
}

impl Tender {
    /// A tender that has taken `amount_minor`, with no card and no operation yet: what cash and
    /// the terminal are, and what a card tender is filled in from.
    pub fn new(id: String, pos: i64, kind: TenderKind, amount_minor: i64) -> Self {
        Tender {
            id,
            pos,
            kind,
            provider: None,
            card_code: None,
            card_masked: None,
            card_key: None,
            card_id: None,
            amount_minor,
            given_minor: None,
            rounding_minor: 0,
            balance_minor: None,
            state: TenderState::Taken,
            offline_at: None,
            approved_by: None,
            op_id: None,
            confirm_op_id: None,
            undo_op_id: None,
            message: None,
        }
    }

    /// Change handed back for cash.
    pub fn change_minor(&self) -> i64 {
        self.given_minor.map_or(0, |g| g - self.amount_minor)
    }

    pub fn is_card(&self) -> bool {
        matches!(self.kind, TenderKind::GiftCard | TenderKind::Wallet)
    }

    /// Charged with a hold first (zmyle), not at Complete.
    pub fn is_held_kind(&self) -> bool {
        self.is_card() && self.provider == Some(ProviderId::Zmyle)
    }
}

/// A sale with its lines and tenders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    /// UUIDv7: the back-office basket's reference.
    pub id: String,
    /// 1, 2, 3... on this till: what the screen and the receipt show.
    pub number: i64,
    pub state: SaleState,
    pub currency: crate::money::Currency,
    pub lines: Vec<Line>,
    pub tenders: Vec<Tender>,
    /// The back-office's `record_sale` operation, once completed.
    pub record_op_id: Option<String>,
    /// Why it was abandoned.
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

impl Sale {
    pub fn total_minor(&self) -> i64 {
        self.lines.iter().map(Line::total_minor).sum()
    }

    fn counting(&self) -> impl Iterator<Item = &Tender> {
        self.tenders.iter().filter(|t| t.state.counts())
    }

    /// Cash rounding added to the total.
    pub fn rounding_minor(&self) -> i64 {
        self.counting().map(|t| t.rounding_minor).sum()
    }

    /// What the customer owes in all: the total plus any cash rounding.
    pub fn due_minor(&self) -> i64 {
        self.total_minor() + self.rounding_minor()
    }

    pub fn paid_minor(&self) -> i64 {
        self.counting().map(|t| t.amount_minor).sum()
    }

    pub fn remaining_minor(&self) -> i64 {
        (self.due_minor() - self.paid_minor()).max(0)
    }

    pub fn change_minor(&self) -> i64 {
        self.counting().map(Tender::change_minor).sum()
    }

    /// The card line of the card with this keyed hash, if the sale sells or reloads it.
    pub fn card_line(&self, card_key: &str) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| l.card.as_ref().is_some_and(|c| c.card_key == card_key))
    }

    pub fn tender(&self, id: &str) -> Option<&Tender> {
        self.tenders.iter().find(|t| t.id == id)
    }

    /// The next position for a line or a tender.
    pub(crate) fn next_line_pos(&self) -> i64 {
        self.lines.iter().map(|l| l.pos).max().unwrap_or(0) + 1
    }

    pub(crate) fn next_tender_pos(&self) -> i64 {
        self.tenders.iter().map(|t| t.pos).max().unwrap_or(0) + 1
    }
}

/// Cash that pays `remaining`, rounded to the nearest multiple of `step` (halves up).
pub fn cash_due(remaining: i64, step: i64) -> i64 {
    if step <= 1 {
        return remaining;
    }
    (remaining + step / 2) / step * step
}

/// Checks a line as typed: a description, 1 to [`MAX_QUANTITY`] items, a price above 0, and a
/// line total within [`MAX_AMOUNT_MINOR`].
pub fn validate_line(
    description: &str,
    quantity: i64,
    unit_price_minor: i64,
) -> Result<(), Sentence> {
    if description.trim().is_empty() {
        return Err(Text::LineNoDescription.into());
    }
    if description.chars().count() > MAX_DESCRIPTION || description.chars().any(char::is_control) {
        return Err(Sentence::new(Text::LineDescriptionTooLong).with("most", MAX_DESCRIPTION));
    }
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return Err(Sentence::new(Text::LineQuantity).with("most", MAX_QUANTITY));
    }
    if unit_price_minor <= 0 {
        return Err(Text::LinePriceNotPositive.into());
    }
    match quantity.checked_mul(unit_price_minor) {
        Some(total) if total <= MAX_AMOUNT_MINOR => Ok(()),
        _ => Err(Text::LineTooLarge.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in SaleState::ALL {
            assert_eq!(s.as_str().parse::<SaleState>(), Ok(*s));
        }
        for k in TenderKind::ALL {
            assert_eq!(k.as_str().parse::<TenderKind>(), Ok(*k));
        }
        for t in TenderState::ALL {
            assert_eq!(t.as_str().parse::<TenderState>(), Ok(*t));
        }
        for a in CardAction::ALL {
            assert_eq!(a.as_str().parse::<CardAction>(), Ok(*a));
        }
        assert!("paid".parse::<SaleState>().is_err());
    }

    #[test]
    fn cash_rounds_to_the_nearest_step() {
        assert_eq!(cash_due(342, 5), 340);
        assert_eq!(cash_due(343, 5), 345);
        assert_eq!(cash_due(347, 5), 345);
        assert_eq!(cash_due(348, 5), 350);
        assert_eq!(cash_due(342, 1), 342);
        assert_eq!(cash_due(1, 5), 0);
    }

    #[test]
    fn lines_are_checked_before_they_count() {
        assert!(validate_line("Mug", 2, 795).is_ok());
        assert!(validate_line(" ", 1, 100).is_err());
        assert!(validate_line("Mug", 0, 100).is_err());
        assert!(validate_line("Mug", -1, 100).is_err());
        assert!(validate_line("Mug", 1, 0).is_err());
        assert!(validate_line("Mug", 1, -5).is_err());
        assert!(validate_line("Mug", 9_999, MAX_AMOUNT_MINOR).is_err());
        assert!(validate_line("a\u{7}b", 1, 1).is_err());
    }
}
