//! Gift cards and their transactions (docs/providers.md §1.5, seed page 001).

use super::types::{Giftcard, GiftcardTransaction, Page};
use super::wire;
use super::FormFields;
use super::LeatClient;
use kassa_core::config::LeatApi;
use kassa_core::money::Money;
use kassa_core::provider::ProviderError;
use time::macros::format_description;
use time::OffsetDateTime;

/// The kind of a new gift card; Leat creates only digital ones through its API (55021).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiftcardType {
    Physical,
    Digital,
}

/// Filters of the gift card transaction list.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionFilter {
    pub giftcard_hash: Option<String>,
    pub shop_uuid: Option<String>,
    /// `created_at[gte]`.
    pub created_from: Option<OffsetDateTime>,
    /// `sort=-created_at` rather than oldest first.
    pub newest_first: bool,
    pub page: u32,
    /// 1 to 100.
    pub per_page: u32,
}

impl TransactionFilter {
    /// A card's transactions, oldest first, 100 a page.
    pub fn card(hash: &str) -> Self {
        TransactionFilter {
            giftcard_hash: Some(hash.to_string()),
            shop_uuid: None,
            created_from: None,
            newest_first: false,
            page: 1,
            per_page: 100,
        }
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let per_page = self.per_page.clamp(1, 100).to_string();
        // The page documents `perPage`; the PHP SDK sends `limit`. Both are sent.
        let mut query = vec![
            ("perPage", per_page.clone()),
            ("limit", per_page),
            ("page", self.page.max(1).to_string()),
        ];
        if let Some(hash) = &self.giftcard_hash {
            query.push(("giftcard_hash", hash.clone()));
        }
        if let Some(shop) = &self.shop_uuid {
            query.push(("shop_uuid", shop.clone()));
        }
        if let Some(from) = self.created_from {
            query.push(("created_at[gte]", iso8601(from)));
        }
        query.push((
            "sort",
            if self.newest_first {
                "-created_at"
            } else {
                "created_at"
            }
            .to_string(),
        ));
        query
    }
}

/// Leat's timestamp form: `2023-11-12T19:49:22+00:00`.
fn iso8601(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]+00:00"
        ))
        .expect("a UTC time formats")
}

impl LeatClient {
    /// `GET giftcards/find-one-by?hash=`: the card of a scanned hash or QR code, with its
    /// current balance.
    pub async fn find_giftcard(&self, hash: &str) -> Result<Giftcard, ProviderError> {
        let envelope = self
            .read::<wire::Giftcard>("/giftcards/find-one-by", &[("hash", hash.to_string())])
            .await?;
        Giftcard::from_wire(envelope.data, &self.currency)
    }

    /// `GET giftcards/{uuid}`; Leat offers it on the OAuth path family only.
    pub async fn get_giftcard(&self, uuid: &str) -> Result<Giftcard, ProviderError> {
        if self.api == LeatApi::Register {
            return Err(ProviderError::Config {
                message: "Getting a Leat gift card by its uuid needs api = \"oauth\".".into(),
            });
        }
        let envelope = self
            .read::<wire::Giftcard>(&format!("/giftcards/{uuid}"), &[])
            .await?;
        Giftcard::from_wire(envelope.data, &self.currency)
    }

    /// `POST giftcards`: a new, empty card of a program, to sell.
    pub async fn create_giftcard(
        &self,
        program_uuid: &str,
        kind: GiftcardType,
    ) -> Result<Giftcard, ProviderError> {
        let kind = match kind {
            GiftcardType::Physical => "0",
            GiftcardType::Digital => "1",
        };
        let form = vec![
            ("type".to_string(), kind.to_string()),
            (
                "giftcard_program_uuid".to_string(),
                program_uuid.to_string(),
            ),
        ];
        let envelope = self.write::<wire::Giftcard>("/giftcards", form).await?;
        Giftcard::from_wire(envelope.data, &self.currency)
    }

    /// A new, empty digital card of the configured program (`giftcard_program_uuid`): what
    /// the till sells as a new Leat gift card, loaded after with a top-up.
    pub async fn create_new_giftcard(&self) -> Result<Giftcard, ProviderError> {
        let program = self.program()?.to_string();
        self.create_giftcard(&program, GiftcardType::Digital).await
    }

    /// The program new cards are made in.
    pub(super) fn program(&self) -> Result<&str, ProviderError> {
        self.program_uuid
            .as_deref()
            .ok_or_else(|| ProviderError::Config {
                message: "Leat: set providers.leat.giftcard_program_uuid to the gift card program new cards are made in, to sell new Leat cards.".into(),
            })
    }

    /// `POST giftcard-transactions`: a negative amount redeems, a positive one tops up.
    /// `op_id` goes into `custom_attributes` (unless the till sends none, `op_id_attribute =
    /// ""`) so that an unknown outcome can be settled.
    pub async fn create_giftcard_transaction(
        &self,
        giftcard_uuid: &str,
        amount: &Money,
        op_id: &str,
    ) -> Result<GiftcardTransaction, ProviderError> {
        let mut form: FormFields = vec![
            ("giftcard_uuid".into(), giftcard_uuid.to_string()),
            ("amount_in_cents".into(), self.cents(amount)?.to_string()),
        ];
        // Required on the OAuth family; the Register SDK does not send it.
        let shop = match self.api {
            LeatApi::Oauth => Some(self.shop()?),
            LeatApi::Register => self.shop_uuid.as_deref(),
        };
        if let Some(shop) = shop {
            form.push(("shop_uuid".into(), shop.to_string()));
        }
        form.extend(self.op_id_field(op_id));
        let envelope = self
            .write::<wire::GiftcardTransaction>("/giftcard-transactions", form)
            .await?;
        self.transaction(envelope.data)
    }

    /// `GET giftcard-transactions/{uuid}`.
    pub async fn get_giftcard_transaction(
        &self,
        uuid: &str,
    ) -> Result<GiftcardTransaction, ProviderError> {
        let envelope = self
            .read::<wire::GiftcardTransaction>(&format!("/giftcard-transactions/{uuid}"), &[])
            .await?;
        self.transaction(envelope.data)
    }

    /// `GET giftcard-transactions` with filters and paging.
    pub async fn list_giftcard_transactions(
        &self,
        filter: &TransactionFilter,
    ) -> Result<Page<GiftcardTransaction>, ProviderError> {
        let envelope = self
            .read::<Vec<wire::GiftcardTransaction>>("/giftcard-transactions", &filter.query())
            .await?;
        Page::from_wire(envelope, |t| self.transaction(t))
    }

    /// `POST giftcard-transactions/{uuid}/reverse`: books the negated amount. Leat reverses only
    /// a card's last transaction (55025).
    pub async fn reverse_giftcard_transaction(
        &self,
        uuid: &str,
    ) -> Result<GiftcardTransaction, ProviderError> {
        let envelope = self
            .write::<wire::GiftcardTransaction>(
                &format!("/giftcard-transactions/{uuid}/reverse"),
                Vec::new(),
            )
            .await?;
        self.transaction(envelope.data)
    }

    fn transaction(
        &self,
        txn: wire::GiftcardTransaction,
    ) -> Result<GiftcardTransaction, ProviderError> {
        GiftcardTransaction::from_wire(txn, &self.currency, self.op_id_attribute.as_deref())
    }
}
