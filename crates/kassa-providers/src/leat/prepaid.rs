//! Contacts' prepaid wallets and the customer cards (contact identifiers) that find them
//! (contracts.md §1.5, seed page 000).

use super::types::{ContactIdentifier, Page, PrepaidTransaction};
use super::wire;
use super::LeatClient;
use kassa_core::money::Money;
use kassa_core::provider::ProviderError;

/// Whose wallet a prepaid transaction is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wallet<'a> {
    /// `contact_uuid`.
    Contact(&'a str),
    /// `contact_identifier_value`: the scanned customer card.
    Identifier(&'a str),
}

impl LeatClient {
    /// `GET contact-identifiers/find?contact_identifier_value=`: a scanned customer card and
    /// the contact it belongs to (none when it is not linked).
    pub async fn find_contact_identifier(
        &self,
        value: &str,
    ) -> Result<ContactIdentifier, ProviderError> {
        let envelope = self
            .read::<wire::ContactIdentifier>(
                "/contact-identifiers/find",
                &[("contact_identifier_value", value.to_string())],
            )
            .await?;
        Ok(envelope.data.into())
    }

    /// `POST contact-identifiers`: registers a customer card, linked to a contact or not.
    pub async fn create_contact_identifier(
        &self,
        value: &str,
        name: Option<&str>,
        contact_uuid: Option<&str>,
    ) -> Result<ContactIdentifier, ProviderError> {
        let mut form = vec![("contact_identifier_value".to_string(), value.to_string())];
        if let Some(name) = name {
            form.push(("contact_identifier_name".into(), name.to_string()));
        }
        if let Some(contact) = contact_uuid {
            form.push(("contact_uuid".into(), contact.to_string()));
        }
        let envelope = self
            .write::<wire::ContactIdentifier>("/contact-identifiers", form)
            .await?;
        Ok(envelope.data.into())
    }

    /// `GET contacts/{uuid}/prepaid-balance`.
    pub async fn prepaid_balance(&self, contact_uuid: &str) -> Result<Money, ProviderError> {
        let envelope = self
            .read::<wire::PrepaidBalance>(&format!("/contacts/{contact_uuid}/prepaid-balance"), &[])
            .await?;
        Ok(self.money(envelope.data.balance_in_cents))
    }

    /// `POST prepaid-transactions`: a negative amount pays from the wallet, a positive one tops
    /// it up. Leat takes no custom attributes here; an unknown outcome is settled with
    /// [`LeatClient::list_prepaid_transactions`].
    pub async fn create_prepaid_transaction(
        &self,
        wallet: Wallet<'_>,
        amount: &Money,
    ) -> Result<PrepaidTransaction, ProviderError> {
        let target = match wallet {
            Wallet::Contact(uuid) => ("contact_uuid", uuid),
            Wallet::Identifier(value) => ("contact_identifier_value", value),
        };
        let form = vec![
            (target.0.to_string(), target.1.to_string()),
            ("amount_in_cents".into(), self.cents(amount)?.to_string()),
            ("shop_uuid".into(), self.shop()?.to_string()),
        ];
        let envelope = self
            .write::<wire::PrepaidTransaction>("/prepaid-transactions", form)
            .await?;
        PrepaidTransaction::from_wire(envelope.data, &self.currency)
    }

    /// `GET prepaid-transactions?contact_uuid&shop_uuid&limit&page` (at most 30 a page).
    pub async fn list_prepaid_transactions(
        &self,
        contact_uuid: Option<&str>,
        page: u32,
        limit: u32,
    ) -> Result<Page<PrepaidTransaction>, ProviderError> {
        let mut query = vec![
            ("limit", limit.clamp(1, 30).to_string()),
            ("page", page.max(1).to_string()),
        ];
        if let Some(contact) = contact_uuid {
            query.push(("contact_uuid", contact.to_string()));
        }
        let envelope = self
            .read::<Vec<wire::PrepaidTransaction>>("/prepaid-transactions", &query)
            .await?;
        Page::from_wire(envelope, |t| {
            PrepaidTransaction::from_wire(t, &self.currency)
        })
    }

    /// `POST prepaid-transactions/{uuid}/reverse`: books the negated amount.
    pub async fn reverse_prepaid_transaction(
        &self,
        uuid: &str,
    ) -> Result<PrepaidTransaction, ProviderError> {
        let envelope = self
            .write::<wire::PrepaidTransaction>(
                &format!("/prepaid-transactions/{uuid}/reverse"),
                Vec::new(),
            )
            .await?;
        PrepaidTransaction::from_wire(envelope.data, &self.currency)
    }
}
