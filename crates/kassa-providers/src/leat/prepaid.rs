//! Contacts' prepaid wallets and the customer cards (contact identifiers) that find them
//! (docs/providers.md §1.5, seed page 000).

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
    /// it up. An unknown outcome is settled with
    /// [`LeatClient::reconcile_prepaid_transaction`].
    pub async fn create_prepaid_transaction(
        &self,
        wallet: Wallet<'_>,
        amount: &Money,
    ) -> Result<PrepaidTransaction, ProviderError> {
        self.prepaid_transaction(wallet, amount, None).await
    }

    /// [`LeatClient::create_prepaid_transaction`] with the till's operation id in
    /// `custom_attributes`, as gift card transactions carry it (an account defines custom
    /// attributes per entity, prepaid transactions being one, docs/providers.md §1.4). Where
    /// Leat echoes none, or the till sends none, reconciliation falls back to amount, shop and
    /// time.
    pub async fn create_prepaid_transaction_for_op(
        &self,
        wallet: Wallet<'_>,
        amount: &Money,
        op_id: &str,
    ) -> Result<PrepaidTransaction, ProviderError> {
        self.prepaid_transaction(wallet, amount, Some(op_id)).await
    }

    async fn prepaid_transaction(
        &self,
        wallet: Wallet<'_>,
        amount: &Money,
        op_id: Option<&str>,
    ) -> Result<PrepaidTransaction, ProviderError> {
        let target = match wallet {
            Wallet::Contact(uuid) => ("contact_uuid", uuid),
            Wallet::Identifier(value) => ("contact_identifier_value", value),
        };
        let mut form = vec![
            (target.0.to_string(), target.1.to_string()),
            ("amount_in_cents".into(), self.cents(amount)?.to_string()),
            ("shop_uuid".into(), self.shop()?.to_string()),
        ];
        form.extend(op_id.and_then(|op_id| self.op_id_field(op_id)));
        let envelope = self
            .write::<wire::PrepaidTransaction>("/prepaid-transactions", form)
            .await?;
        self.prepaid(envelope.data)
    }

    fn prepaid(&self, txn: wire::PrepaidTransaction) -> Result<PrepaidTransaction, ProviderError> {
        PrepaidTransaction::from_wire(txn, &self.currency, self.op_id_attribute.as_deref())
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
        Page::from_wire(envelope, |t| self.prepaid(t))
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
        self.prepaid(envelope.data)
    }
}
