//! What the Leat client answers, in the till's terms: money as [`Money`], times as
//! [`OffsetDateTime`]. The conversion from Leat's cents and timestamps happens here only.

use super::wire;
use crate::leat::errors::bad_response;
use kassa_core::money::{Currency, Money};
use kassa_core::provider::ProviderError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A gift card and its current balance.
#[derive(Debug, Clone, PartialEq)]
pub struct Giftcard {
    pub id: Option<u64>,
    pub uuid: String,
    pub hash: String,
    /// `DIGITAL` or `PHYSICAL` (or Leat's number for them).
    pub card_type: String,
    pub balance: Money,
    /// Can be topped up again after its initial value.
    pub upgradeable: bool,
    pub active: bool,
    pub expires_at: Option<OffsetDateTime>,
    /// The card's page at Leat, where its holder sees it.
    pub url: Option<String>,
    pub program_name: Option<String>,
    pub program_uuid: Option<String>,
    /// The program's maximum balance.
    pub max_balance: Option<Money>,
}

/// A movement on a gift card: negative redeems, positive tops up.
#[derive(Debug, Clone, PartialEq)]
pub struct GiftcardTransaction {
    pub id: Option<u64>,
    /// Leat's id, to get or reverse it (null in some of Leat's own examples).
    pub uuid: Option<String>,
    pub amount: Money,
    pub card_uuid: Option<String>,
    pub shop_uuid: Option<String>,
    pub settled: bool,
    pub created_at: OffsetDateTime,
    /// The till's operation id, when Leat echoes the custom attribute that carries it.
    pub op_id: Option<String>,
    /// Whether the transaction came with custom attributes at all.
    pub has_custom_attributes: bool,
}

/// A movement on a contact's prepaid wallet.
#[derive(Debug, Clone, PartialEq)]
pub struct PrepaidTransaction {
    pub uuid: String,
    pub amount: Money,
    /// The wallet's balance after this transaction, where Leat says.
    pub balance_after: Option<Money>,
    pub created_at: OffsetDateTime,
    pub shop_uuid: Option<String>,
    /// The customer card it was made with.
    pub identifier: Option<String>,
    pub contact_uuid: Option<String>,
    /// The till's operation id, when Leat echoes the custom attribute that carries it.
    pub op_id: Option<String>,
    /// Whether the transaction came with custom attributes at all.
    pub has_custom_attributes: bool,
}

/// A customer card (loyalty card or any other identifier) and the contact it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactIdentifier {
    pub name: Option<String>,
    pub value: String,
    pub active: bool,
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub uuid: String,
    pub email: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub last_page: u64,
    pub total: Option<u64>,
}

/// Parses Leat's ISO-8601 timestamps (`2023-11-12T19:49:22+00:00`).
pub(crate) fn parse_time(field: &str, value: &str) -> Result<OffsetDateTime, ProviderError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map_err(|_| bad_response(&format!("{field} '{value}' is not an ISO-8601 time")))
}

impl Giftcard {
    pub(crate) fn from_wire(
        card: wire::Giftcard,
        currency: &Currency,
    ) -> Result<Self, ProviderError> {
        let expires_at = card
            .expiration_date
            .as_deref()
            .map(|d| parse_time("expiration_date", d))
            .transpose()?;
        let program = card.giftcard_program;
        Ok(Giftcard {
            id: card.id,
            uuid: card.uuid,
            hash: card.hash,
            card_type: card.card_type,
            balance: Money::new(card.amount_in_cents, currency.clone()),
            upgradeable: card.upgradeable,
            active: card.active,
            expires_at,
            url: card.url,
            max_balance: program
                .as_ref()
                .and_then(|p| p.max_amount_in_cents)
                .map(|m| Money::new(m, currency.clone())),
            program_uuid: program.as_ref().and_then(|p| p.uuid.clone()),
            program_name: program.and_then(|p| p.name),
        })
    }
}

impl GiftcardTransaction {
    pub(crate) fn from_wire(
        txn: wire::GiftcardTransaction,
        currency: &Currency,
        op_id_attribute: Option<&str>,
    ) -> Result<Self, ProviderError> {
        let (op_id, has_custom_attributes) =
            marked(txn.custom_attributes.as_ref(), op_id_attribute);
        Ok(GiftcardTransaction {
            id: txn.id,
            uuid: txn.uuid,
            amount: Money::new(txn.amount_in_cents, currency.clone()),
            card_uuid: txn.card.and_then(|c| c.uuid),
            shop_uuid: txn.shop.and_then(|s| s.uuid),
            settled: txn.settled,
            created_at: parse_time("created_at", &txn.created_at)?,
            op_id,
            has_custom_attributes,
        })
    }
}

/// The till's operation id in a transaction's `custom_attributes`, and whether it has any.
/// `custom_attributes` are optional in Leat's answers: absent, `[]` and `{}` are all "none".
fn marked(
    attributes: Option<&serde_json::Value>,
    op_id_attribute: Option<&str>,
) -> (Option<String>, bool) {
    let attributes = attributes.and_then(|a| a.as_object());
    let op_id = attributes
        .zip(op_id_attribute)
        .and_then(|(a, name)| a.get(name))
        .and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    (op_id, attributes.is_some_and(|a| !a.is_empty()))
}

impl PrepaidTransaction {
    pub(crate) fn from_wire(
        txn: wire::PrepaidTransaction,
        currency: &Currency,
        op_id_attribute: Option<&str>,
    ) -> Result<Self, ProviderError> {
        let (op_id, has_custom_attributes) =
            marked(txn.custom_attributes.as_ref(), op_id_attribute);
        Ok(PrepaidTransaction {
            uuid: txn.uuid,
            amount: Money::new(txn.amount_in_cents, currency.clone()),
            balance_after: txn
                .prepaid_balance
                .map(|b| Money::new(b.balance_in_cents, currency.clone())),
            created_at: parse_time("created_at", &txn.created_at)?,
            shop_uuid: txn.shop.and_then(|s| s.uuid),
            identifier: txn.contact_identifier.map(|i| i.value),
            contact_uuid: txn.contact.map(|c| c.uuid),
            op_id,
            has_custom_attributes,
        })
    }
}

impl From<wire::ContactIdentifier> for ContactIdentifier {
    fn from(identifier: wire::ContactIdentifier) -> Self {
        ContactIdentifier {
            name: identifier.name,
            value: identifier.value,
            active: identifier.active,
            contact: identifier.contact.map(|c| Contact {
                uuid: c.uuid,
                email: c.email,
            }),
        }
    }
}

impl<T> Page<T> {
    pub(crate) fn from_wire<W>(
        envelope: wire::Envelope<Vec<W>>,
        convert: impl Fn(W) -> Result<T, ProviderError>,
    ) -> Result<Self, ProviderError> {
        let meta = envelope.meta;
        let items = envelope
            .data
            .into_iter()
            .map(convert)
            .collect::<Result<Vec<_>, _>>()?;
        let page = meta.page.or(meta.current_page).unwrap_or(1);
        Ok(Page {
            items,
            page,
            last_page: meta.last_page.unwrap_or(page),
            total: meta.total,
        })
    }
}
