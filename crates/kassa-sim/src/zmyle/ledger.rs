//! The simulated zmyle back end: cards, transaction intents and transactions, with the rules of
//! docs/providers.md §2.2–2.3. No HTTP here: each operation returns the JSON body of its answer or
//! an [`ApiError`].

use super::{CardSpec, CardStatus, Retailer};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;
use time::OffsetDateTime;

/// The simulated till's own retailer id (the example's).
const RETAILER_ID: &str = "15h3k83g45anfnwibyie";
/// Another retailer of the network: it activated the demo cards.
const ISSUER_ID: &str = "15h3k83g45anmatlbyie";
/// Confirmed redemptions can be refunded this long [DOC refund-a-transaction].
const REFUND_WINDOW: Duration = Duration::from_secs(14 * 24 * 3600);

/// A documented error, rendered as `{"errorId", "errorMsg", "status", "occuredAt"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub id: &'static str,
    pub msg: String,
    /// The per-error HTTP statuses are not documented; these follow docs/providers.md §2.1 [INF].
    pub status: u16,
}

fn io(id: &'static str, msg: impl Into<String>) -> ApiError {
    ApiError {
        id,
        msg: msg.into(),
        status: 400,
    }
}

fn biz(id: &'static str, msg: impl Into<String>) -> ApiError {
    let status = match id {
        "api:biz:noSuchGiftcard"
        | "api:biz:noSuchTransactionIntent"
        | "api:biz:noSuchTransaction"
        | "api:biz:noSuchRetailer" => 404,
        "api:biz:retailerStatus"
        | "api:biz:unauthorizedForResource"
        | "api:biz:notAuthorizedToRedeemGiftcard"
        | "api:biz:notAuthorizedToActivateGiftcard" => 403,
        "api:biz:insufficientFunds" => 422,
        _ => 409,
    };
    ApiError {
        id,
        msg: msg.into(),
        status,
    }
}

/// zmyle's date format, `yyyyMMdd'T'HHmmss'Z'` in UTC.
pub fn zmyle_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn qr_regex() -> &'static regex::Regex {
    static QR: OnceLock<regex::Regex> = OnceLock::new();
    // The detection regex of zmyle's documentation, verbatim.
    QR.get_or_init(|| {
        regex::Regex::new(r"(https:\/\/.*)\/g\/([a-z0-9]{12,})(\/.*)?\?r?t=([a-z0-9]{15,})$")
            .expect("valid")
    })
}

fn well_formed(value: &str, min: usize) -> bool {
    (min..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn check_id(id: &str) -> Result<(), ApiError> {
    if well_formed(id, 12) {
        Ok(())
    } else {
        Err(io("api:io:malformedId", id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum IntentStatus {
    NeedsConfirmation,
    Succeeded,
    Cancelled,
    /// Released because it was not confirmed in time. zmyle does not document the status
    /// value of an expired intent; the simulator says `EXPIRED` [INF].
    Expired,
}

impl IntentStatus {
    fn as_str(self) -> &'static str {
        match self {
            IntentStatus::NeedsConfirmation => "NEEDS_CONFIRMATION",
            IntentStatus::Succeeded => "SUCCEEDED",
            IntentStatus::Cancelled => "CANCELLED",
            IntentStatus::Expired => "EXPIRED",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Intent {
    id: String,
    giftcard_id: String,
    amount: i64,
    currency: String,
    status: IntentStatus,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    metadata: Value,
    giftcard_transaction_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum TxKind {
    Activation,
    Redemption,
    Refund,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Transaction {
    id: String,
    giftcard_id: String,
    kind: TxKind,
    /// Signed as it moves the card's balance: redemptions are negative [INF].
    amount: i64,
    currency: String,
    #[serde(with = "time::serde::rfc3339")]
    confirmed_at: OffsetDateTime,
    statement_descriptor: String,
    retailer_id: String,
    metadata: Value,
    /// For a redemption: how much of it was refunded already.
    refunded: i64,
}

impl Transaction {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "giftcardId": self.giftcard_id,
            "amount": self.amount,
            "currency": self.currency,
            "confirmedAt": zmyle_date(self.confirmed_at),
            "statementDescriptor": self.statement_descriptor,
            "retailerId": self.retailer_id,
            "metadata": self.metadata,
        })
    }
}

/// What the simulator keeps. Every request runs under one lock on this. The settings and the
/// clock are not saved with the ledger.
#[derive(Serialize, Deserialize)]
pub struct Ledger {
    cards: Vec<CardSpec>,
    intents: HashMap<String, Intent>,
    transactions: Vec<Transaction>,
    /// Answers to requests with an idempotency key: (fingerprint, status, body).
    replies: HashMap<String, (String, u16, Value)>,
    next_id: u64,
    #[serde(skip)]
    pub intent_ttl: Duration,
    /// How far the simulator's clock runs ahead of the machine's.
    #[serde(skip)]
    pub clock_offset: Duration,
    #[serde(skip)]
    pub retailer: Retailer,
    #[serde(skip)]
    pub statement_descriptor: String,
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            cards: Vec::new(),
            intents: HashMap::new(),
            transactions: Vec::new(),
            replies: HashMap::new(),
            next_id: 0,
            intent_ttl: Duration::from_secs(30 * 60),
            clock_offset: Duration::ZERO,
            retailer: Retailer::GoodStanding,
            statement_descriptor: "Kassa Sim".into(),
        }
    }

    /// Takes the books of a saved ledger; this one's settings and clock stay.
    pub fn restore(&mut self, saved: Ledger) {
        *self = Ledger {
            intent_ttl: self.intent_ttl,
            clock_offset: self.clock_offset,
            retailer: self.retailer,
            statement_descriptor: std::mem::take(&mut self.statement_descriptor),
            ..saved
        };
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.clock_offset
    }

    fn next_id(&mut self, prefix: &str, len: usize) -> String {
        self.next_id += 1;
        format!(
            "{prefix}{:0width$}",
            self.next_id,
            width = len - prefix.len()
        )
    }

    pub fn add_card(&mut self, card: CardSpec) {
        if card.status == CardStatus::Active && card.balance > 0 {
            let now = self.now();
            let id = self.next_id("simtx", 20);
            self.transactions.push(Transaction {
                id,
                giftcard_id: card.id.clone(),
                kind: TxKind::Activation,
                amount: card.balance,
                currency: card.currency.clone(),
                confirmed_at: now,
                statement_descriptor: "Aktivierung".into(),
                retailer_id: ISSUER_ID.into(),
                metadata: json!({}),
                refunded: 0,
            });
        }
        self.cards.push(card);
    }

    /// Releases the intents whose time is up.
    pub fn expire_intents(&mut self) {
        let now = self.now();
        for intent in self.intents.values_mut() {
            if intent.status == IntentStatus::NeedsConfirmation && intent.expires_at <= now {
                intent.status = IntentStatus::Expired;
            }
        }
    }

    fn held(&self, giftcard_id: &str) -> i64 {
        self.intents
            .values()
            .filter(|i| i.giftcard_id == giftcard_id && i.status == IntentStatus::NeedsConfirmation)
            .map(|i| i.amount)
            .sum()
    }

    /// (balance, availableBalance) of a card by short id.
    pub fn balances(&self, short_id: &str) -> Option<(i64, i64)> {
        let card = self.cards.iter().find(|c| c.short_id == short_id)?;
        Some((card.balance, card.balance - self.held(&card.id)))
    }

    fn card_json(&self, card: &CardSpec) -> Value {
        let (expected, authorized): (&str, &[&str]) = match card.status {
            CardStatus::Active => ("redeem", &["redeem"]),
            CardStatus::Blank { sellable: true } => ("activate", &["activate"]),
            CardStatus::Blank { sellable: false } | CardStatus::Unpaid | CardStatus::Foreign => {
                ("none", &[])
            }
        };
        let transactions: Vec<Value> = self
            .transactions
            .iter()
            .filter(|t| t.giftcard_id == card.id)
            .map(|t| {
                json!({
                    "id": t.id,
                    "amount": t.amount,
                    "confirmedAt": zmyle_date(t.confirmed_at),
                    "statementDescriptor": t.statement_descriptor,
                    "retailerId": t.retailer_id,
                })
            })
            .collect();
        json!({
            "id": card.id,
            "shortId": card.short_id,
            "accessToken": card.access_token,
            "balance": card.balance,
            "availableBalance": card.balance - self.held(&card.id),
            "initialAmount": card.initial_amount,
            "currency": card.currency,
            "expectedAction": expected,
            "authorizedActions": authorized,
            "activation": {
                "amount": card.initial_amount,
                "minAmount": 100,
                "maxAmount": 25000,
                "isDynamicAmount": false
            },
            "transactions": transactions,
        })
    }

    fn intent_json(&self, intent: &Intent) -> Value {
        let mut body = json!({
            "id": intent.id,
            "giftcardId": intent.giftcard_id,
            "retailerId": RETAILER_ID,
            "amount": intent.amount,
            "currency": intent.currency,
            "status": intent.status.as_str(),
            "statementDescriptor": self.statement_descriptor,
            "createdAt": zmyle_date(intent.created_at),
            "expiresAt": zmyle_date(intent.expires_at),
            "metadata": intent.metadata,
        });
        if let Some(tx) = &intent.giftcard_transaction_id {
            body["giftcardTransactionId"] = json!(tx);
        }
        body
    }

    fn check_retailer(&self) -> Result<(), ApiError> {
        match self.retailer {
            Retailer::GoodStanding => Ok(()),
            Retailer::Suspended | Retailer::Unknown => Err(biz(
                "api:biz:retailerStatus",
                "Your account is not in good standing.",
            )),
        }
    }

    /// `GET gift_cards/find?query=`: an array; a card of another network is `noSuchGiftcard`.
    pub fn find(&self, query: Option<&str>) -> Result<Value, ApiError> {
        let query = query
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .ok_or_else(|| io("api:io:missingRequiredParam", "query"))?;
        let found: Vec<&CardSpec> = match qr_regex().captures(query) {
            Some(qr) => self
                .cards
                .iter()
                .filter(|c| c.id == qr[2] && c.access_token == qr[4])
                .collect(),
            None => self
                .cards
                .iter()
                .filter(|c| c.short_id.eq_ignore_ascii_case(query))
                .collect(),
        };
        if found.iter().any(|c| c.status == CardStatus::Foreign) {
            return Err(no_such_giftcard());
        }
        Ok(Value::Array(
            found.into_iter().map(|c| self.card_json(c)).collect(),
        ))
    }

    /// The card an intent or activation names, after the id and token checks.
    fn card_for(&self, giftcard_id: &str, token: &str) -> Result<usize, ApiError> {
        check_id(giftcard_id)?;
        if !well_formed(token, 15) {
            return Err(io("api:io:malformedToken", "accessToken"));
        }
        self.cards
            .iter()
            .position(|c| c.id == giftcard_id && c.status != CardStatus::Foreign)
            .ok_or_else(no_such_giftcard)
    }

    /// `PUT transaction_intents`.
    pub fn create_intent(&mut self, body: &Value) -> Result<Value, ApiError> {
        let giftcard_id = required_str(body, "giftcardId")?;
        let token = required_str(body, "accessToken")?;
        let amount = amount(body)?;
        let metadata = metadata(body);
        let index = self.card_for(giftcard_id, token)?;
        self.check_retailer()?;
        let card = &self.cards[index];
        if card.access_token != token {
            return Err(biz(
                "api:biz:notAuthorizedToRedeemGiftcard",
                "The access token does not open this gift card.",
            ));
        }
        match card.status {
            CardStatus::Active => {}
            CardStatus::Unpaid => {
                return Err(biz(
                    "api:biz:unpaidGiftcard",
                    "The gift card was not paid yet.",
                ))
            }
            _ => {
                return Err(biz(
                    "api:biz:notAuthorizedToRedeemGiftcard",
                    "This gift card cannot be redeemed.",
                ))
            }
        }
        let available = card.balance - self.held(&card.id);
        if amount > available {
            return Err(biz(
                "api:biz:insufficientFunds",
                format!("available balance is {available}"),
            ));
        }
        let (giftcard_id, currency) = (card.id.clone(), card.currency.clone());
        let ttl = self.intent_ttl;
        let intent_id = self.place(giftcard_id, currency, amount, metadata, ttl);
        Ok(self.intent_json(&self.intents[&intent_id]))
    }

    fn place(
        &mut self,
        giftcard_id: String,
        currency: String,
        amount: i64,
        metadata: Value,
        ttl: Duration,
    ) -> String {
        let now = self.now();
        let id = self.next_id("sim", 28);
        self.intents.insert(
            id.clone(),
            Intent {
                id: id.clone(),
                giftcard_id,
                amount,
                currency,
                status: IntentStatus::NeedsConfirmation,
                created_at: now,
                expires_at: now + ttl,
                metadata,
                giftcard_transaction_id: None,
            },
        );
        id
    }

    /// Puts a hold on a card without a request, for demo cards. None for an unknown card.
    pub fn place_hold(&mut self, short_id: &str, amount: i64, ttl: Duration) -> Option<String> {
        let card = self.cards.iter().find(|c| c.short_id == short_id)?;
        let (id, currency) = (card.id.clone(), card.currency.clone());
        Some(self.place(id, currency, amount, json!({}), ttl))
    }

    fn intent_mut(&mut self, id: &str) -> Result<&mut Intent, ApiError> {
        check_id(id)?;
        self.intents.get_mut(id).ok_or_else(|| {
            biz(
                "api:biz:noSuchTransactionIntent",
                "No such transaction intent.",
            )
        })
    }

    /// `GET transaction_intents/{id}`.
    pub fn intent(&mut self, id: &str) -> Result<Value, ApiError> {
        let intent = self.intent_mut(id)?.clone();
        Ok(self.intent_json(&intent))
    }

    fn open_intent(&mut self, id: &str) -> Result<Intent, ApiError> {
        let intent = self.intent_mut(id)?;
        if intent.status != IntentStatus::NeedsConfirmation {
            return Err(biz(
                "api:biz:transactionIntentStatus",
                format!("status is {}", intent.status.as_str()),
            ));
        }
        Ok(intent.clone())
    }

    /// `POST transaction_intents/{id}`: a new amount, and metadata replaced whole.
    pub fn update_intent(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let amount = amount(body)?;
        let metadata = metadata(body);
        let intent = self.open_intent(id)?;
        let balance = self
            .cards
            .iter()
            .find(|c| c.id == intent.giftcard_id)
            .map_or(0, |c| c.balance);
        let others = self.held(&intent.giftcard_id) - intent.amount;
        if amount > balance - others {
            return Err(biz(
                "api:biz:insufficientFunds",
                format!("available balance is {}", balance - others),
            ));
        }
        let intent = self.intent_mut(id)?;
        intent.amount = amount;
        intent.metadata = metadata;
        let intent = intent.clone();
        Ok(self.intent_json(&intent))
    }

    /// `POST transaction_intents/{id}/confirm`: takes the money and records a transaction.
    pub fn confirm(&mut self, id: &str) -> Result<Value, ApiError> {
        let intent = self.open_intent(id)?;
        let now = self.now();
        let tx_id = self.next_id("simtx", 20);
        self.transactions.push(Transaction {
            id: tx_id.clone(),
            giftcard_id: intent.giftcard_id.clone(),
            kind: TxKind::Redemption,
            amount: -intent.amount,
            currency: intent.currency.clone(),
            confirmed_at: now,
            statement_descriptor: self.statement_descriptor.clone(),
            retailer_id: RETAILER_ID.into(),
            metadata: intent.metadata.clone(),
            refunded: 0,
        });
        if let Some(card) = self.cards.iter_mut().find(|c| c.id == intent.giftcard_id) {
            card.balance -= intent.amount;
        }
        let stored = self.intent_mut(id)?;
        stored.status = IntentStatus::Succeeded;
        stored.giftcard_transaction_id = Some(tx_id);
        let stored = stored.clone();
        Ok(self.intent_json(&stored))
    }

    /// Test hook: the hold shown cancelled.
    pub fn tamper_cancel(&mut self, id: &str) -> bool {
        self.intents
            .get_mut(id)
            .map(|i| i.status = IntentStatus::Cancelled)
            .is_some()
    }

    /// Test hook: the hold's amount rewritten.
    pub fn tamper_amount(&mut self, id: &str, amount: i64) -> bool {
        self.intents
            .get_mut(id)
            .map(|i| i.amount = amount)
            .is_some()
    }

    /// Test hook: the hold forgotten.
    pub fn tamper_forget(&mut self, id: &str) -> bool {
        self.intents.remove(id).is_some()
    }

    /// `POST transaction_intents/{id}/cancel`: releases the funds.
    pub fn cancel(&mut self, id: &str) -> Result<Value, ApiError> {
        self.open_intent(id)?;
        let stored = self.intent_mut(id)?;
        stored.status = IntentStatus::Cancelled;
        let stored = stored.clone();
        Ok(self.intent_json(&stored))
    }

    /// `POST transactions/{id}/refund`: within 14 days, up to what is left to refund.
    pub fn refund(&mut self, transaction_id: &str, body: &Value) -> Result<Value, ApiError> {
        let amount = amount(body)?;
        let metadata = metadata(body);
        check_id(transaction_id)?;
        if self.retailer == Retailer::Unknown {
            return Err(biz("api:biz:noSuchRetailer", "No such retailer."));
        }
        self.check_retailer()?;
        let now = self.now();
        let index = self
            .transactions
            .iter()
            .position(|t| t.id == transaction_id)
            .ok_or_else(|| biz("api:biz:noSuchTransaction", "No such transaction."))?;
        let original = &self.transactions[index];
        if original.kind != TxKind::Redemption || original.retailer_id != RETAILER_ID {
            return Err(biz(
                "api:biz:unauthorizedForResource",
                "Only your own redemptions can be refunded.",
            ));
        }
        if original.confirmed_at + REFUND_WINDOW < now {
            return Err(biz(
                "api:biz:debitTransactionLocked",
                "The transaction is older than 14 days.",
            ));
        }
        let refundable = -original.amount - original.refunded;
        if amount > refundable {
            return Err(biz(
                "api:biz:insufficientFunds",
                format!("refundable amount is {refundable}"),
            ));
        }
        let (giftcard_id, currency) = (original.giftcard_id.clone(), original.currency.clone());
        self.transactions[index].refunded += amount;
        let refund = Transaction {
            id: self.next_id("simtx", 20),
            giftcard_id: giftcard_id.clone(),
            kind: TxKind::Refund,
            amount,
            currency,
            confirmed_at: now,
            statement_descriptor: self.statement_descriptor.clone(),
            retailer_id: RETAILER_ID.into(),
            metadata,
            refunded: 0,
        };
        if let Some(card) = self.cards.iter_mut().find(|c| c.id == giftcard_id) {
            card.balance += amount;
        }
        let body = refund.to_json();
        self.transactions.push(refund);
        Ok(body)
    }

    /// `POST gift_cards/{id}/activate`: sells a pre-printed card.
    pub fn activate(&mut self, giftcard_id: &str, body: &Value) -> Result<Value, ApiError> {
        let token = required_str(body, "accessToken")?;
        let index = self.card_for(giftcard_id, token)?;
        self.check_retailer()?;
        let card = &self.cards[index];
        if card.access_token != token {
            return Err(biz(
                "api:biz:notAuthorizedToActivateGiftcard",
                "The access token does not open this gift card.",
            ));
        }
        match card.status {
            CardStatus::Blank { sellable: true } => {}
            CardStatus::Blank { sellable: false } => {
                return Err(biz(
                    "api:biz:notAuthorizedToActivateGiftcard",
                    "You may not sell this gift card.",
                ))
            }
            CardStatus::Active if card.preprinted => {
                return Err(biz(
                    "api:biz:giftcardAlreadyActive",
                    "The gift card is already active.",
                ))
            }
            _ => {
                return Err(biz(
                    "api:biz:notPreprintedGiftcard",
                    "The gift card is not a pre-printed card.",
                ))
            }
        }
        let now = self.now();
        let tx_id = self.next_id("simtx", 20);
        let card = &mut self.cards[index];
        card.status = CardStatus::Active;
        card.balance = card.initial_amount;
        let tx = Transaction {
            id: tx_id,
            giftcard_id: card.id.clone(),
            kind: TxKind::Activation,
            amount: card.initial_amount,
            currency: card.currency.clone(),
            confirmed_at: now,
            statement_descriptor: "Aktivierung".into(),
            retailer_id: RETAILER_ID.into(),
            metadata: metadata(body),
            refunded: 0,
        };
        self.transactions.push(tx);
        Ok(self.card_json(&self.cards[index]))
    }

    /// The stored answer for an idempotency key: `Some(Ok)` to replay, `Some(Err)` when the
    /// key came with a different request.
    pub fn replay(&self, key: &str, fingerprint: &str) -> Option<Result<(u16, Value), ApiError>> {
        let (first, status, body) = self.replies.get(key)?;
        if first == fingerprint {
            Some(Ok((*status, body.clone())))
        } else {
            // Undocumented by zmyle; Stripe, whose naming zmyle copies, refuses like this [INF].
            Some(Err(io(
                "api:io:idempotencyKeyReused",
                "This idempotency key was used with a different request.",
            )))
        }
    }

    pub fn remember(&mut self, key: String, fingerprint: String, status: u16, body: Value) {
        self.replies.insert(key, (fingerprint, status, body));
    }
}

fn no_such_giftcard() -> ApiError {
    biz("api:biz:noSuchGiftcard", "No such gift card.")
}

fn required_str<'a>(body: &'a Value, name: &'static str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(io("api:io:missingRequiredParam", name)),
        Some(Value::String(s)) => Ok(s),
        Some(_) if name == "accessToken" => Err(io("api:io:malformedToken", name)),
        Some(_) => Err(io("api:io:malformedId", name)),
    }
}

/// A positive integer number of minor units.
fn amount(body: &Value) -> Result<i64, ApiError> {
    match body.get("amount") {
        None | Some(Value::Null) => Err(io("api:io:missingRequiredParam", "amount")),
        Some(v) => match v.as_i64() {
            Some(n) if n > 0 => Ok(n),
            Some(_) => Err(io("api:io:negativeNumber", "amount")),
            None if v.as_f64().is_some_and(|f| f <= 0.0) => {
                Err(io("api:io:negativeNumber", "amount"))
            }
            None => Err(io("api:io:malformedNumber", "amount")),
        },
    }
}

fn metadata(body: &Value) -> Value {
    match body.get("metadata") {
        Some(Value::Object(m)) => Value::Object(m.clone()),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_dates_as_zmyle_does() {
        assert_eq!(
            zmyle_date(datetime!(2017-11-27 05:52:56.9 +01:00)),
            "20171127T045256Z"
        );
    }

    #[test]
    fn validates_amounts_as_documented() {
        let err = |v: Value| amount(&v).unwrap_err().id;
        assert_eq!(err(json!({})), "api:io:missingRequiredParam");
        assert_eq!(err(json!({"amount": 0})), "api:io:negativeNumber");
        assert_eq!(err(json!({"amount": -5})), "api:io:negativeNumber");
        assert_eq!(err(json!({"amount": 1.5})), "api:io:malformedNumber");
        assert_eq!(err(json!({"amount": "100"})), "api:io:malformedNumber");
        assert_eq!(amount(&json!({"amount": 100})).unwrap(), 100);
    }
}
