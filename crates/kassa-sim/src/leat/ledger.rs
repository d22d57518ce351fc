//! Leat's books and rules, kept in memory: programs, shops, gift cards and their transactions,
//! contacts, contact identifiers and prepaid transactions (docs/providers.md §1.4, §1.5).
//!
//! Every rule answers Leat's documented error code; the handlers render it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// Which path family a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `/api/v3/oauth/clients`: only non re-incrementable cards may transact (1114).
    Oauth,
    /// `/api/v3/register`: `shop_uuid` is optional on gift card transactions.
    Register,
}

/// A refusal: Leat's error code, and for 1003 the fields that were wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: u32,
    pub errors: Option<Value>,
}

impl From<u32> for Refusal {
    fn from(code: u32) -> Self {
        Refusal { code, errors: None }
    }
}

/// An invalid-input refusal naming the field and what is wrong with it.
pub fn invalid(field: &str, why: &str) -> Refusal {
    Refusal {
        code: 1003,
        errors: Some(json!({ field: [why] })),
    }
}

pub type Rule<T> = Result<T, Refusal>;

#[derive(Serialize, Deserialize)]
pub struct Program {
    pub id: u64,
    pub uuid: String,
    pub name: String,
    pub max_amount_in_cents: i64,
    pub expiration_days: i64,
    /// Shops that have access to the program (7015 otherwise).
    pub shops: HashSet<String>,
}

#[derive(Serialize, Deserialize)]
pub struct Shop {
    pub id: u64,
    pub uuid: String,
    pub name: String,
}

#[derive(Serialize, Deserialize)]
pub struct Card {
    pub id: u64,
    pub uuid: String,
    pub hash: String,
    pub card_type: String,
    pub amount_in_cents: i64,
    pub upgradeable: bool,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expiration_date: Option<OffsetDateTime>,
    /// `None`: not linked to a program (5007).
    pub program_uuid: Option<String>,
    /// A non-upgradeable card may be incremented once, its initial incrementation (5006).
    pub incremented: bool,
}

#[derive(Serialize, Deserialize)]
pub struct GiftcardTxn {
    pub id: u64,
    pub uuid: String,
    pub card_hash: String,
    pub amount_in_cents: i64,
    pub shop_uuid: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub custom_attributes: Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
pub struct Contact {
    pub uuid: String,
    pub email: String,
    pub prepaid_in_cents: i64,
}

#[derive(Serialize, Deserialize)]
pub struct Identifier {
    pub name: String,
    pub value: String,
    pub active: bool,
    pub contact_uuid: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct PrepaidTxn {
    pub uuid: String,
    pub contact_uuid: String,
    pub identifier_value: Option<String>,
    pub amount_in_cents: i64,
    pub balance_after: i64,
    pub shop_uuid: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Not documented for prepaid transactions; kept like a gift card transaction's [INF].
    pub custom_attributes: Map<String, Value>,
}

/// A new gift card transaction as the request gave it.
pub struct NewGiftcardTxn {
    pub giftcard_uuid: String,
    pub amount_in_cents: i64,
    pub shop_uuid: Option<String>,
    pub custom_attributes: Map<String, Value>,
}

/// A prepaid transaction to book on a contact's wallet.
struct NewPrepaidTxn {
    identifier_value: Option<String>,
    amount: i64,
    shop_uuid: String,
    custom_attributes: Map<String, Value>,
}

/// Whose wallet a new prepaid transaction is on.
pub enum PrepaidTarget {
    Contact(String),
    Identifier(String),
}

#[derive(Default, Serialize, Deserialize)]
pub struct Ledger {
    pub programs: HashMap<String, Program>,
    pub shops: HashMap<String, Shop>,
    pub cards: HashMap<String, Card>,
    pub giftcard_txns: Vec<GiftcardTxn>,
    pub contacts: HashMap<String, Contact>,
    pub identifiers: HashMap<String, Identifier>,
    pub prepaid_txns: Vec<PrepaidTxn>,
    /// The account's settings: not saved with the ledger.
    #[serde(skip)]
    pub settings: Settings,
    next_id: u64,
}

/// The entities of the transactions a till writes, as Leat names them for custom attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    GiftcardTransaction,
    Prepaid,
}

/// How the simulated account is set up, and what Leat does where its documentation is silent.
pub struct Settings {
    /// Whether gift card and prepaid transactions show their `custom_attributes` (not
    /// documented [INF]).
    pub echo_custom_attributes: bool,
    /// The custom attributes defined in the account per entity; a transaction carrying another
    /// is refused (docs/providers.md §1.4).
    pub attributes: HashMap<Entity, HashSet<String>>,
    /// Whether reversing a payment counts as incrementing the card, refused (5006) on a card
    /// that cannot be incremented again: the documentation lists 5006 for reverse without
    /// saying when [INF].
    pub reverse_is_increment: bool,
}

/// The attribute the simulated account defines for both entities, as an account set up for
/// Kassa has it.
pub const DEFAULT_ATTRIBUTE: &str = "kassa_op_id";

impl Default for Settings {
    fn default() -> Self {
        let defined = HashSet::from([DEFAULT_ATTRIBUTE.to_string()]);
        Settings {
            echo_custom_attributes: true,
            attributes: HashMap::from([
                (Entity::GiftcardTransaction, defined.clone()),
                (Entity::Prepaid, defined),
            ]),
            reverse_is_increment: false,
        }
    }
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            next_id: 41650,
            ..Default::default()
        }
    }

    /// A fresh numeric id and a uuid made from it (`kind` tells the objects apart).
    pub fn next(&mut self, kind: u16) -> (u64, String) {
        self.next_id += 1;
        let id = self.next_id;
        (id, format!("00000000-0000-4000-{kind:04x}-{id:012}"))
    }

    /// Takes the books of a saved ledger; this one's settings stay.
    pub fn restore(&mut self, saved: Ledger) {
        *self = Ledger {
            settings: std::mem::take(&mut self.settings),
            ..saved
        };
    }

    pub fn card_by_uuid(&self, uuid: &str) -> Option<&Card> {
        self.cards.values().find(|c| c.uuid == uuid)
    }

    /// `POST /giftcard-transactions`.
    pub fn create_giftcard_txn(
        &mut self,
        family: Family,
        new: NewGiftcardTxn,
        now: OffsetDateTime,
    ) -> Rule<usize> {
        if new.amount_in_cents == 0 {
            return Err(invalid(
                "amount_in_cents",
                "The amount in cents may not be 0.",
            ));
        }
        self.check_attributes(Entity::GiftcardTransaction, &new.custom_attributes)?;
        if let Some(shop) = &new.shop_uuid {
            if !self.shops.contains_key(shop) {
                return Err(1008.into());
            }
        }
        let hash = self
            .card_by_uuid(&new.giftcard_uuid)
            .ok_or(Refusal::from(5001))?
            .hash
            .clone();
        self.check_card(family, &hash, new.shop_uuid.as_deref(), now)?;
        let card = &self.cards[&hash];
        if new.amount_in_cents > 0 && !card.upgradeable && card.incremented {
            return Err(5006.into());
        }
        self.check_amount(&hash, new.amount_in_cents)?;
        Ok(self.book(
            &hash,
            new.amount_in_cents,
            new.shop_uuid,
            new.custom_attributes,
            now,
        ))
    }

    /// `POST /giftcard-transactions/{uuid}/reverse`: only the card's last transaction, booked
    /// again with the negated amount and the same data. Undoing a redeem is not a new
    /// incrementation, so it is allowed on cards that cannot be incremented, unless the
    /// account's settings say Leat counts it as one (5006).
    pub fn reverse_giftcard_txn(
        &mut self,
        family: Family,
        uuid: &str,
        now: OffsetDateTime,
    ) -> Rule<usize> {
        let index = self
            .giftcard_txns
            .iter()
            .position(|t| t.uuid == uuid)
            .ok_or(Refusal::from(5010))?;
        let txn = &self.giftcard_txns[index];
        let hash = txn.card_hash.clone();
        let last = self
            .giftcard_txns
            .iter()
            .rposition(|t| t.card_hash == hash)
            .expect("the card has this transaction");
        if last != index {
            return Err(55025.into());
        }
        let (amount, shop, attributes) = (
            -txn.amount_in_cents,
            txn.shop_uuid.clone(),
            txn.custom_attributes.clone(),
        );
        self.check_card(family, &hash, None, now)?;
        let card = &self.cards[&hash];
        if self.settings.reverse_is_increment && amount > 0 && !card.upgradeable && card.incremented
        {
            return Err(5006.into());
        }
        self.check_amount(&hash, amount)?;
        Ok(self.book(&hash, amount, shop, attributes, now))
    }

    /// Every custom attribute must be defined in the account for the entity: Leat refuses
    /// another as invalid input naming it (`custom_attributes.<name>`) [INF: the code and the
    /// field are Leat's validation answer, the wording is not documented].
    fn check_attributes(&self, entity: Entity, attributes: &Map<String, Value>) -> Rule<()> {
        let defined = self.settings.attributes.get(&entity);
        match attributes
            .keys()
            .find(|name| !defined.is_some_and(|d| d.contains(*name)))
        {
            Some(name) => Err(invalid(
                &format!("custom_attributes.{name}"),
                &format!("The custom attribute {name} does not exist."),
            )),
            None => Ok(()),
        }
    }

    /// Program link, shop access, OAuth's non re-incrementable rule, validity and expiry.
    fn check_card(
        &self,
        family: Family,
        hash: &str,
        shop: Option<&str>,
        now: OffsetDateTime,
    ) -> Rule<()> {
        let card = &self.cards[hash];
        let program = card
            .program_uuid
            .as_ref()
            .and_then(|p| self.programs.get(p))
            .ok_or(Refusal::from(5007))?;
        if shop.is_some_and(|s| !program.shops.contains(s)) {
            return Err(7015.into());
        }
        if family == Family::Oauth && card.upgradeable {
            return Err(1114.into());
        }
        if !card.active {
            return Err(7010.into());
        }
        if card.expiration_date.is_some_and(|at| at <= now) {
            return Err(5002.into());
        }
        Ok(())
    }

    /// The balance never goes below zero (5003) nor above the program's maximum (5008).
    fn check_amount(&self, hash: &str, amount: i64) -> Rule<()> {
        let card = &self.cards[hash];
        let after = card.amount_in_cents + amount;
        let max = card
            .program_uuid
            .as_ref()
            .and_then(|p| self.programs.get(p))
            .map_or(i64::MAX, |p| p.max_amount_in_cents);
        if amount > 0 && after > max {
            return Err(5008.into());
        }
        if after < 0 {
            return Err(5003.into());
        }
        Ok(())
    }

    fn book(
        &mut self,
        hash: &str,
        amount: i64,
        shop_uuid: Option<String>,
        custom_attributes: Map<String, Value>,
        now: OffsetDateTime,
    ) -> usize {
        let (id, uuid) = self.next(0x8001);
        let card = self.cards.get_mut(hash).expect("checked");
        card.amount_in_cents += amount;
        if amount > 0 {
            card.incremented = true;
        }
        self.giftcard_txns.push(GiftcardTxn {
            id,
            uuid,
            card_hash: hash.to_string(),
            amount_in_cents: amount,
            shop_uuid,
            created_at: now,
            custom_attributes,
        });
        self.giftcard_txns.len() - 1
    }

    /// Books a card's initial value, as Leat does when a card is issued with a balance.
    pub fn issue(&mut self, hash: &str, amount: i64, now: OffsetDateTime) {
        if amount != 0 {
            self.book(hash, amount, None, Map::new(), now);
        }
    }

    /// `POST /prepaid-transactions`. Leat documents no code for a wallet that would go below
    /// zero; the simulator refuses it as invalid input on `amount_in_cents` [INF].
    pub fn create_prepaid_txn(
        &mut self,
        target: PrepaidTarget,
        amount: i64,
        shop_uuid: &str,
        custom_attributes: Map<String, Value>,
        now: OffsetDateTime,
    ) -> Rule<usize> {
        if amount == 0 {
            return Err(invalid(
                "amount_in_cents",
                "The amount in cents may not be 0.",
            ));
        }
        self.check_attributes(Entity::Prepaid, &custom_attributes)?;
        if !self.shops.contains_key(shop_uuid) {
            return Err(1008.into());
        }
        let (contact_uuid, identifier_value) = match target {
            PrepaidTarget::Contact(uuid) => {
                if !self.contacts.contains_key(&uuid) {
                    return Err(55031.into());
                }
                let identifier = self
                    .identifiers
                    .values()
                    .filter(|i| i.contact_uuid.as_deref() == Some(uuid.as_str()))
                    .map(|i| i.value.clone())
                    .min();
                (uuid, identifier)
            }
            PrepaidTarget::Identifier(value) => {
                let identifier = self.usable_identifier(&value)?;
                let contact = identifier
                    .contact_uuid
                    .clone()
                    .ok_or(Refusal::from(60011))?;
                (contact, Some(value))
            }
        };
        let new = NewPrepaidTxn {
            identifier_value,
            amount,
            shop_uuid: shop_uuid.to_string(),
            custom_attributes,
        };
        self.book_prepaid(&contact_uuid, new, now)
    }

    /// `POST /prepaid-transactions/{uuid}/reverse`: books the negated amount with the same
    /// data, as a gift card reversal does. Leat documents no code for an unknown transaction;
    /// the simulator answers invalid input [INF].
    pub fn reverse_prepaid_txn(&mut self, uuid: &str, now: OffsetDateTime) -> Rule<usize> {
        let txn = self
            .prepaid_txns
            .iter()
            .find(|t| t.uuid == uuid)
            .ok_or_else(|| invalid("prepaid_transaction_uuid", "Prepaid transaction not found."))?;
        let contact = txn.contact_uuid.clone();
        let new = NewPrepaidTxn {
            identifier_value: txn.identifier_value.clone(),
            amount: -txn.amount_in_cents,
            shop_uuid: txn.shop_uuid.clone(),
            custom_attributes: txn.custom_attributes.clone(),
        };
        if let Some(value) = &new.identifier_value {
            self.usable_identifier(value)?;
        }
        self.book_prepaid(&contact, new, now)
    }

    /// An identifier that exists (60003) and is active (60004).
    pub fn usable_identifier(&self, value: &str) -> Rule<&Identifier> {
        let identifier = self.identifiers.get(value).ok_or(Refusal::from(60003))?;
        if !identifier.active {
            return Err(60004.into());
        }
        Ok(identifier)
    }

    fn book_prepaid(
        &mut self,
        contact_uuid: &str,
        new: NewPrepaidTxn,
        now: OffsetDateTime,
    ) -> Rule<usize> {
        let amount = new.amount;
        let balance = self
            .contacts
            .get(contact_uuid)
            .ok_or(Refusal::from(55031))?
            .prepaid_in_cents;
        if balance + amount < 0 {
            return Err(invalid(
                "amount_in_cents",
                "The prepaid balance is not sufficient.",
            ));
        }
        let (_, uuid) = self.next(0xb001);
        let contact = self.contacts.get_mut(contact_uuid).expect("checked");
        contact.prepaid_in_cents += amount;
        self.prepaid_txns.push(PrepaidTxn {
            uuid,
            contact_uuid: contact_uuid.to_string(),
            identifier_value: new.identifier_value,
            amount_in_cents: amount,
            balance_after: contact.prepaid_in_cents,
            shop_uuid: new.shop_uuid,
            created_at: now,
            custom_attributes: new.custom_attributes,
        });
        Ok(self.prepaid_txns.len() - 1)
    }

    /// `POST /contact-identifiers`.
    pub fn create_identifier(
        &mut self,
        value: &str,
        name: Option<&str>,
        contact_uuid: Option<&str>,
    ) -> Rule<()> {
        if self.identifiers.contains_key(value) {
            return Err(60006.into());
        }
        if contact_uuid.is_some_and(|c| !self.contacts.contains_key(c)) {
            return Err(55031.into());
        }
        self.identifiers.insert(
            value.to_string(),
            Identifier {
                name: name.unwrap_or(value).to_string(),
                value: value.to_string(),
                active: true,
                contact_uuid: contact_uuid.map(str::to_string),
            },
        );
        Ok(())
    }
}
