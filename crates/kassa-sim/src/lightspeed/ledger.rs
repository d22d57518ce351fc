//! The simulator's gift cards and the rules of docs/providers.md §3.3: balance = Σ transaction
//! amounts; REDEEMING must be negative and covered by the balance; a repeated `client_id`
//! with the same details returns the earlier transaction; only REDEEMING can be reversed.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

/// A gift card's status as Lightspeed names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardStatus {
    Active,
    Inactive,
    /// Fully spent; a reload makes it active again.
    Redeemed,
    Voided,
    Expired,
}

impl CardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CardStatus::Active => "ACTIVE",
            CardStatus::Inactive => "INACTIVE",
            CardStatus::Redeemed => "REDEEMED",
            CardStatus::Voided => "VOIDED",
            CardStatus::Expired => "EXPIRED",
        }
    }
}

/// A gift card transaction's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnKind {
    Activation,
    Redeeming,
    Voiding,
    Reversing,
    Reloading,
}

impl TxnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TxnKind::Activation => "ACTIVATION",
            TxnKind::Redeeming => "REDEEMING",
            TxnKind::Voiding => "VOIDING",
            TxnKind::Reversing => "REVERSING",
            TxnKind::Reloading => "RELOADING",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Txn {
    pub id: String,
    /// Minor units, signed: REDEEMING is negative.
    pub amount: i64,
    pub kind: TxnKind,
    pub client_id: Option<String>,
    pub user_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// A REDEEMING transaction that has been reversed.
    pub reversed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    pub number: String,
    pub status: CardStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub txns: Vec<Txn>,
}

impl Card {
    pub fn balance(&self) -> i64 {
        self.txns.iter().map(|t| t.amount).sum()
    }

    pub fn total_sold(&self) -> i64 {
        self.sum_of(&[TxnKind::Activation, TxnKind::Reloading])
    }

    pub fn total_redeemed(&self) -> i64 {
        -self.sum_of(&[TxnKind::Redeeming, TxnKind::Reversing])
    }

    fn sum_of(&self, kinds: &[TxnKind]) -> i64 {
        self.txns
            .iter()
            .filter(|t| kinds.contains(&t.kind))
            .map(|t| t.amount)
            .sum()
    }

    /// The stored status, or EXPIRED once the expiry has passed.
    pub fn effective_status(&self) -> CardStatus {
        match self.status {
            CardStatus::Active | CardStatus::Redeemed
                if self
                    .expires_at
                    .is_some_and(|at| at <= OffsetDateTime::now_utc()) =>
            {
                CardStatus::Expired
            }
            status => status,
        }
    }
}

/// What a new transaction asks for; two requests with one `client_id` must agree on all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnRequest {
    pub number: String,
    pub kind: TxnKind,
    pub amount: i64,
    pub client_id: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub user_id: Option<String>,
}

/// Why the ledger refused; the handler turns each into Lightspeed's status and envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    CardNotFound,
    TxnNotFound,
    /// 422 with this detail.
    Unprocessable(String),
    /// 400 with this detail.
    BadRequest(String),
}

#[derive(Default, Serialize, Deserialize)]
pub struct Ledger {
    pub cards: HashMap<String, Card>,
    /// client_id → (the request, the card number, the transaction id).
    by_client_id: HashMap<String, (TxnRequest, String)>,
    next_id: u64,
}

pub const SIM_USER: &str = "0af7b240-ab24-11e7-eddc-sim000000001";

impl Ledger {
    pub(super) fn new_id(&mut self, tag: u16) -> String {
        self.next_id += 1;
        format!("0af7b240-{tag:04x}-11ee-9a00-{:012}", self.next_id)
    }

    pub fn add_card(
        &mut self,
        number: &str,
        balance: i64,
        status: CardStatus,
        expires_at: Option<OffsetDateTime>,
    ) {
        let now = OffsetDateTime::now_utc();
        let id = self.new_id(0xca4d);
        let mut txns = vec![Txn {
            id: self.new_id(0x7a1),
            amount: balance,
            kind: TxnKind::Activation,
            client_id: None,
            user_id: SIM_USER.into(),
            created_at: now,
            reversed: false,
        }];
        if status == CardStatus::Voided && balance != 0 {
            txns.push(Txn {
                id: self.new_id(0x7a1),
                amount: -balance,
                kind: TxnKind::Voiding,
                client_id: None,
                user_id: SIM_USER.into(),
                created_at: now,
                reversed: false,
            });
        }
        self.cards.insert(
            number.to_string(),
            Card {
                id,
                number: number.to_string(),
                status,
                created_at: now,
                expires_at,
                txns,
            },
        );
    }

    /// Creates a REDEEMING or RELOADING transaction, or returns the earlier one for a
    /// repeated `client_id` with the same details. Returns the card number and the txn.
    pub fn create(&mut self, req: TxnRequest) -> Result<(String, Txn), Refusal> {
        if let Some((earlier, txn_id)) = self.by_client_id.get(&req.client_id) {
            if *earlier != req {
                return Err(Refusal::Unprocessable(
                    "client_id has already been used for a different transaction".into(),
                ));
            }
            let card = &self.cards[&earlier.number];
            let txn = card.txns.iter().find(|t| &t.id == txn_id).expect("stored");
            return Ok((card.number.clone(), txn.clone()));
        }
        let id = self.new_id(0x7a1);
        let card = self
            .cards
            .get_mut(&req.number)
            .ok_or(Refusal::CardNotFound)?;
        let status = card.effective_status();
        match req.kind {
            TxnKind::Redeeming => {
                let refusal = match status {
                    CardStatus::Active | CardStatus::Redeemed => None,
                    CardStatus::Inactive => Some("The gift card is not active."),
                    CardStatus::Voided => Some("The gift card has been voided."),
                    CardStatus::Expired => Some("The gift card has expired."),
                };
                if let Some(reason) = refusal {
                    return Err(Refusal::Unprocessable(reason.into()));
                }
                if -req.amount > card.balance() {
                    return Err(Refusal::Unprocessable(
                        "The gift card does not have enough credit for this transaction.".into(),
                    ));
                }
            }
            _ => {
                let renewed = req
                    .expires_at
                    .is_some_and(|at| at > OffsetDateTime::now_utc());
                match status {
                    CardStatus::Voided => {
                        return Err(Refusal::Unprocessable(
                            "The gift card has been voided.".into(),
                        ))
                    }
                    CardStatus::Inactive => {
                        return Err(Refusal::Unprocessable(
                            "The gift card is not active.".into(),
                        ))
                    }
                    CardStatus::Expired if !renewed => {
                        return Err(Refusal::Unprocessable(
                            "The gift card has expired; give a new expires_at to reload it.".into(),
                        ))
                    }
                    _ => {}
                }
                if let Some(at) = req.expires_at {
                    card.expires_at = Some(at);
                }
            }
        }
        let txn = Txn {
            id,
            amount: req.amount,
            kind: req.kind,
            client_id: Some(req.client_id.clone()),
            user_id: req.user_id.clone().unwrap_or_else(|| SIM_USER.into()),
            created_at: OffsetDateTime::now_utc(),
            reversed: false,
        };
        card.txns.push(txn.clone());
        card.status = if card.balance() == 0 {
            CardStatus::Redeemed
        } else {
            CardStatus::Active
        };
        let number = card.number.clone();
        self.by_client_id
            .insert(req.client_id.clone(), (req, txn.id.clone()));
        Ok((number, txn))
    }

    /// Issues a card under a number the ledger does not know, with an ACTIVATION of `amount`
    /// (positive); a number it knows is refused (422). Not idempotent: nothing identifies a
    /// repeat.
    pub fn issue(
        &mut self,
        number: &str,
        amount: i64,
        expires_at: Option<OffsetDateTime>,
        user_id: Option<String>,
    ) -> Result<&Card, Refusal> {
        if self.cards.contains_key(number) {
            return Err(Refusal::Unprocessable(
                "A gift card with this number already exists.".into(),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let card = Card {
            id: self.new_id(0xca4d),
            number: number.to_string(),
            status: CardStatus::Active,
            created_at: now,
            expires_at,
            txns: vec![Txn {
                id: self.new_id(0x7a1),
                amount,
                kind: TxnKind::Activation,
                client_id: None,
                user_id: user_id.unwrap_or_else(|| SIM_USER.into()),
                created_at: now,
                reversed: false,
            }],
        };
        Ok(self.cards.entry(number.to_string()).or_insert(card))
    }

    /// Reverses a REDEEMING transaction with a REVERSING one that gives the amount back.
    pub fn reverse(&mut self, txn_id: &str) -> Result<Txn, Refusal> {
        let id = self.new_id(0x7a1);
        let card = self
            .cards
            .values_mut()
            .find(|c| c.txns.iter().any(|t| t.id == txn_id))
            .ok_or(Refusal::TxnNotFound)?;
        let original = card
            .txns
            .iter_mut()
            .find(|t| t.id == txn_id)
            .expect("found above");
        if original.kind != TxnKind::Redeeming {
            return Err(Refusal::BadRequest(format!(
                "Only REDEEMING transactions can be reversed; this one is {}.",
                original.kind.as_str()
            )));
        }
        if original.reversed {
            return Err(Refusal::Unprocessable(
                "The transaction has already been reversed.".into(),
            ));
        }
        original.reversed = true;
        let txn = Txn {
            id,
            amount: -original.amount,
            kind: TxnKind::Reversing,
            client_id: None,
            user_id: SIM_USER.into(),
            created_at: OffsetDateTime::now_utc(),
            reversed: false,
        };
        card.txns.push(txn.clone());
        if card.status == CardStatus::Redeemed && card.balance() > 0 {
            card.status = CardStatus::Active;
        }
        Ok(txn)
    }
}
