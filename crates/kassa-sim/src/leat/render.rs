//! The simulator's objects as Leat renders them (docs/providers.md §1.4): amounts in cents plus
//! display strings, timestamps with an offset, nested `card` and `shop` objects.

use super::ledger::{Card, GiftcardTxn, Identifier, Ledger, PrepaidTxn};
use serde_json::{json, Value};
use time::macros::format_description;
use time::OffsetDateTime;

impl Ledger {
    pub fn card_json(&self, card: &Card) -> Value {
        let program = card
            .program_uuid
            .as_ref()
            .and_then(|p| self.programs.get(p))
            .map(|p| {
                json!({
                    "id": p.id,
                    "name": p.name,
                    "uuid": p.uuid,
                    "max_amount_in_cents": p.max_amount_in_cents,
                    "calculator_flow": "DEFAULT",
                    "expiration_days": p.expiration_days
                })
            });
        let expiration = card.expiration_date.map(timestamp);
        json!({
            "id": card.id,
            "uuid": card.uuid,
            "type": card.card_type,
            "hash": card.hash,
            "amount_in_cents": card.amount_in_cents,
            "upgradeable": card.upgradeable,
            "active": card.active,
            "expiration_date": expiration,
            "amount": card.amount_in_cents as f64 / 100.0,
            "url": format!("https://sim.leat.invalid/giftcard-balance?hash={}", card.hash),
            "display_amount": euros(card.amount_in_cents),
            "formatted_expiration_date": expiration.as_ref().map(|d| d[..10].to_string()),
            "giftcard_program": program,
            "giftcard_recipients": []
        })
    }

    pub fn giftcard_txn_json(&self, txn: &GiftcardTxn) -> Value {
        let card = &self.cards[&txn.card_hash];
        let shop = txn
            .shop_uuid
            .as_ref()
            .and_then(|s| self.shops.get(s))
            .map(|s| json!({"id": s.id, "uuid": s.uuid, "name": s.name}));
        let mut value = json!({
            "id": txn.id,
            "uuid": txn.uuid,
            "amount_in_cents": txn.amount_in_cents,
            "type": "STANDARD",
            "settled": false,
            "card": {"id": card.id, "uuid": card.uuid},
            "shop": shop,
            "settlements": [],
            "created_at": timestamp(txn.created_at)
        });
        if self.settings.echo_custom_attributes && !txn.custom_attributes.is_empty() {
            value["custom_attributes"] = Value::Object(txn.custom_attributes.clone());
        }
        value
    }

    pub fn prepaid_txn_json(&self, txn: &PrepaidTxn, with_contact: bool) -> Value {
        let shop = &self.shops[&txn.shop_uuid];
        let identifier = txn
            .identifier_value
            .as_ref()
            .and_then(|v| self.identifiers.get(v))
            .map(|i| json!({"name": i.name, "value": i.value, "active": i.active}));
        let mut value = json!({
            "uuid": txn.uuid,
            "amount_in_cents": txn.amount_in_cents,
            "prepaid_balance": balance_json(txn.balance_after),
            "created_at": timestamp(txn.created_at),
            "shop": {"id": shop.id, "uuid": shop.uuid, "reference": null, "name": shop.name},
            "contact_identifier": identifier
        });
        if self.settings.echo_custom_attributes && !txn.custom_attributes.is_empty() {
            value["custom_attributes"] = Value::Object(txn.custom_attributes.clone());
        }
        if with_contact {
            let contact = &self.contacts[&txn.contact_uuid];
            value["contact"] = json!({"uuid": contact.uuid, "email": contact.email});
        }
        value
    }

    pub fn identifier_json(&self, identifier: &Identifier) -> Value {
        let contact = identifier
            .contact_uuid
            .as_ref()
            .and_then(|c| self.contacts.get(c))
            .map(|c| json!({"uuid": c.uuid, "email": c.email}));
        json!({
            "name": identifier.name,
            "value": identifier.value,
            "active": identifier.active,
            "contact": contact
        })
    }
}

/// `{"balance_in_cents": 5000, "balance": "€50.00"}`.
pub fn balance_json(cents: i64) -> Value {
    json!({"balance_in_cents": cents, "balance": euros(cents)})
}

/// Leat's display amount: `€40.00`, `€-0.05`.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("€{sign}{}.{:02}", abs / 100, abs % 100)
}

/// ISO-8601 with an offset, as Leat writes it: `2023-11-12T19:49:22+00:00`.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]+00:00"
        ))
        .expect("formattable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_amounts_and_times_as_leat_does() {
        assert_eq!(euros(4000), "€40.00");
        assert_eq!(euros(-5), "€-0.05");
        let at = OffsetDateTime::from_unix_timestamp(1_699_818_562).unwrap();
        assert_eq!(timestamp(at), "2023-11-12T19:49:22+00:00");
    }
}
