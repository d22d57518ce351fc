//! Operations and their state machine (docs/design.md §5), as plain data and pure functions: what the
//! engine writes after a send or a reconciliation is decided here, and unit-tested here.

use crate::money::Money;
use crate::provider::{ProviderError, ProviderId};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// What an operation does at its provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// Takes money from a card.
    Redeem,
    /// Puts money on a card.
    Reload,
    /// Holds money on a card (a zmyle transaction intent).
    Reserve,
    /// Takes the money a `Reserve` held; depends on it.
    Confirm,
    /// Releases the money a `Reserve` held; depends on it.
    Cancel,
    /// Undoes an earlier redemption; depends on it.
    Reverse,
    /// Records a sale in the POS back-office.
    RecordSale,
    /// Sells a pre-printed card: the provider loads it with its activation amount (zmyle).
    Activate,
}

impl OpKind {
    pub const ALL: [OpKind; 8] = [
        OpKind::Redeem,
        OpKind::Reload,
        OpKind::Reserve,
        OpKind::Confirm,
        OpKind::Cancel,
        OpKind::Reverse,
        OpKind::RecordSale,
        OpKind::Activate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Redeem => "redeem",
            OpKind::Reload => "reload",
            OpKind::Reserve => "reserve",
            OpKind::Confirm => "confirm",
            OpKind::Cancel => "cancel",
            OpKind::Reverse => "reverse",
            OpKind::RecordSale => "record_sale",
            OpKind::Activate => "activate",
        }
    }

    /// The change this operation makes to the card's confirmed balance, for an amount of
    /// `minor` (always given positive): what the till's journal books when it succeeds.
    pub fn balance_effect(self, minor: i64) -> i64 {
        match self {
            OpKind::Redeem | OpKind::Confirm => -minor,
            OpKind::Reload | OpKind::Reverse | OpKind::Activate => minor,
            OpKind::Reserve | OpKind::Cancel | OpKind::RecordSale => 0,
        }
    }
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OpKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OpKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown operation kind '{s}'"))
    }
}

/// Where an operation stands (the `ops.state` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpState {
    /// Waiting to be sent (first time, or again after a retryable failure).
    Pending,
    /// Its request is on the way; after a crash this means "unknown".
    Sending,
    /// The provider did it. Final.
    Succeeded,
    /// The provider refused it, or a manager wrote it off. Final.
    Declined,
    /// Sent without an answer: it may or may not have happened.
    Unknown,
    /// The provider's records are being read to settle an unknown outcome.
    Reconciling,
}

impl OpState {
    pub const ALL: [OpState; 6] = [
        OpState::Pending,
        OpState::Sending,
        OpState::Succeeded,
        OpState::Declined,
        OpState::Unknown,
        OpState::Reconciling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::Sending => "sending",
            OpState::Succeeded => "succeeded",
            OpState::Declined => "declined",
            OpState::Unknown => "unknown",
            OpState::Reconciling => "reconciling",
        }
    }

    /// No more work will be done on it.
    pub fn is_final(self) -> bool {
        matches!(self, OpState::Succeeded | OpState::Declined)
    }

    /// The state a process finds after a crash: a request in flight may have been applied.
    pub fn after_crash(self) -> OpState {
        match self {
            OpState::Sending | OpState::Reconciling => OpState::Unknown,
            other => other,
        }
    }
}

impl fmt::Display for OpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OpState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OpState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown operation state '{s}'"))
    }
}

/// An operation to put in the outbox. `Debug` masks the card's code.
#[derive(Clone, PartialEq)]
pub struct NewOp {
    /// UUIDv7: the order of creation and the idempotency key sent to the provider.
    pub id: String,
    pub sale_id: Option<String>,
    pub provider: ProviderId,
    pub kind: OpKind,
    /// The card's code as scanned (needed to send the operation); `None` for back-office ops.
    pub card_code: Option<String>,
    /// Always positive (or zero); the kind gives the direction.
    pub amount: Money,
    /// An operation that must have succeeded first (confirm after reserve).
    pub depends_on: Option<String>,
    /// Provider-specific details the executor needs (a sale's lines, say).
    pub payload: serde_json::Value,
}

impl NewOp {
    /// A new operation with a fresh UUIDv7 id.
    pub fn new(provider: ProviderId, kind: OpKind, card_code: Option<&str>, amount: Money) -> Self {
        NewOp {
            id: uuid::Uuid::now_v7().to_string(),
            sale_id: None,
            provider,
            kind,
            card_code: card_code.map(str::to_string),
            amount,
            depends_on: None,
            payload: serde_json::json!({}),
        }
    }

    pub fn in_sale(mut self, sale_id: &str) -> Self {
        self.sale_id = Some(sale_id.to_string());
        self
    }

    pub fn after(mut self, op_id: &str) -> Self {
        self.depends_on = Some(op_id.to_string());
        self
    }

    /// An operation on a Leat contact's prepaid wallet rather than a gift card: `kind` is
    /// `Redeem`, `Reload` or `Reverse` (a refund, put back as a top-up; add `.after(..)` for the
    /// payment it undoes). `customer_card` is the scanned contact identifier (operations on one
    /// wallet run in order by it); `contact_uuid` is the wallet's contact, the look-up's
    /// `card_id`.
    pub fn leat_prepaid(
        kind: OpKind,
        customer_card: &str,
        contact_uuid: &str,
        amount: Money,
    ) -> Self {
        let mut op = NewOp::new(ProviderId::Leat, kind, Some(customer_card), amount);
        op.payload = serde_json::json!({
            "account": PREPAID_ACCOUNT,
            "contact_uuid": contact_uuid,
        });
        op
    }
}

/// The `payload.account` of an operation on a Leat prepaid wallet ([`NewOp::leat_prepaid`]).
pub const PREPAID_ACCOUNT: &str = "prepaid";

/// An operation as the outbox holds it. `Debug` masks the card's code (a zmyle QR holds the
/// card's access token).
#[derive(Clone, PartialEq)]
pub struct Op {
    pub id: String,
    /// Position in the outbox: creation order.
    pub seq: i64,
    pub sale_id: Option<String>,
    pub provider: ProviderId,
    pub kind: OpKind,
    pub card_code: Option<String>,
    pub amount: Money,
    pub state: OpState,
    pub depends_on: Option<String>,
    /// The provider's reference of the operation this one depends on (the intent to confirm).
    pub dependency_ref: Option<String>,
    /// Requests sent so far (sends and reconciliations).
    pub attempts: u32,
    /// The provider's id of what this operation made, once it succeeded (Shopwave's basket:
    /// noted before it is written, see [`crate::store::Store::note_provider_ref`]).
    pub provider_ref: Option<String>,
    pub last_error: Option<String>,
    pub payload: serde_json::Value,
    /// When the latest request left the till: reconciliation searches around it.
    pub sent_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// Set while a person must decide (see [`crate::outbox::review`]).
    pub review_reason: Option<String>,
}

impl Op {
    /// The masked card code, for logs and the journal.
    pub fn card_masked(&self) -> Option<String> {
        self.card_code.as_deref().map(crate::card::mask)
    }

    /// The contact whose prepaid wallet this operation is on, for an operation made by
    /// [`NewOp::leat_prepaid`]; `None` for a gift card.
    pub fn prepaid_contact(&self) -> Option<&str> {
        if self.payload.get("account").and_then(|a| a.as_str()) != Some(PREPAID_ACCOUNT) {
            return None;
        }
        self.payload.get("contact_uuid").and_then(|c| c.as_str())
    }
}

fn masked(code: &Option<String>) -> Option<String> {
    code.as_deref().map(crate::card::mask)
}

impl fmt::Debug for NewOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewOp")
            .field("id", &self.id)
            .field("sale_id", &self.sale_id)
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("card_code", &masked(&self.card_code))
            .field("amount", &self.amount)
            .field("depends_on", &self.depends_on)
            .field("payload", &self.payload)
            .finish()
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Op")
            .field("id", &self.id)
            .field("seq", &self.seq)
            .field("sale_id", &self.sale_id)
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("card_code", &masked(&self.card_code))
            .field("amount", &self.amount)
            .field("state", &self.state)
            .field("depends_on", &self.depends_on)
            .field("dependency_ref", &self.dependency_ref)
            .field("attempts", &self.attempts)
            .field("provider_ref", &self.provider_ref)
            .field("last_error", &self.last_error)
            .field("payload", &self.payload)
            .field("sent_at", &self.sent_at)
            .field("created_at", &self.created_at)
            .field("review_reason", &self.review_reason)
            .finish()
    }
}

/// What the provider did with a sent operation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpOutcome {
    /// The provider's id of the transaction, intent or basket it made.
    pub provider_ref: Option<String>,
    /// For a hold: when the provider releases it by itself.
    pub hold_expires_at: Option<OffsetDateTime>,
}

/// What the provider's records say about an operation whose outcome was unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Reconciled {
    /// It happened.
    Applied(OpOutcome),
    /// It did not happen, or sending it again is harmless (same idempotency key).
    NotApplied,
    /// It did not happen and cannot any more (a hold that was cancelled or expired).
    Refused { reason: String },
    /// The records do not tell; a person must look.
    StillUnknown { reason: String },
}

/// What to write after a send or a reconciliation.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Succeeded(OpOutcome),
    /// Final refusal: the op goes to the review list with this reason.
    Declined {
        reason: String,
    },
    /// Back to `Pending`, due after `delay`.
    Retry {
        delay: Duration,
        error: String,
    },
    /// `Unknown`, to be reconciled after `delay`.
    Unknown {
        delay: Duration,
        error: String,
    },
    /// Stays `Unknown` and goes to the review list: no automatic step can settle it.
    Review {
        reason: String,
    },
}

/// The delay before the attempt after `attempts` failed ones: exponential with jitter.
pub trait Backoff: Send + Sync {
    fn delay(&self, attempts: u32) -> Duration;
}

/// The transition after sending an operation.
pub fn after_send(
    result: &Result<OpOutcome, ProviderError>,
    attempts: u32,
    backoff: &dyn Backoff,
) -> Transition {
    let error = match result {
        Ok(outcome) => return Transition::Succeeded(outcome.clone()),
        Err(e) => e,
    };
    let message = error.to_string();
    match error {
        ProviderError::Declined { .. } | ProviderError::NotFound { .. } => {
            Transition::Declined { reason: message }
        }
        ProviderError::Unavailable {
            retry_after: Some(after),
            ..
        } => Transition::Retry {
            delay: (*after).max(backoff.delay(attempts)),
            error: message,
        },
        // Nothing was done: wait and send again. A configuration error waits for the installer
        // with the longest delays rather than dropping the operation.
        ProviderError::Unavailable { .. }
        | ProviderError::Unreachable { .. }
        | ProviderError::Config { .. } => Transition::Retry {
            delay: backoff.delay(attempts),
            error: message,
        },
        // A write whose answer is missing or unreadable may have been applied.
        ProviderError::OutcomeUnknown { .. } | ProviderError::BadResponse { .. } => {
            Transition::Unknown {
                delay: backoff.delay(attempts),
                error: message,
            }
        }
    }
}

/// The transition after reading the provider's records about an unknown outcome.
pub fn after_reconcile(
    result: &Result<Reconciled, ProviderError>,
    attempts: u32,
    backoff: &dyn Backoff,
) -> Transition {
    match result {
        Ok(Reconciled::Applied(outcome)) => Transition::Succeeded(outcome.clone()),
        Ok(Reconciled::NotApplied) => Transition::Retry {
            delay: Duration::ZERO,
            error: "not applied at the provider: sending again".into(),
        },
        Ok(Reconciled::Refused { reason }) => Transition::Declined {
            reason: reason.clone(),
        },
        Ok(Reconciled::StillUnknown { reason }) => Transition::Review {
            reason: reason.clone(),
        },
        // The read failed: the outcome is still unknown; read again later.
        Err(e) => Transition::Unknown {
            delay: match e {
                ProviderError::Unavailable {
                    retry_after: Some(after),
                    ..
                } => (*after).max(backoff.delay(attempts)),
                _ => backoff.delay(attempts),
            },
            error: e.to_string(),
        },
    }
}

/// An outcome still unknown after `max` attempts (sends and reconciliations) goes to the
/// review list instead of being looked for again without end: never dropped, never looping
/// silently (docs/design.md §4.10).
pub fn bounded(transition: Transition, attempts: u32, max: u32) -> Transition {
    match transition {
        Transition::Unknown { error, .. } if attempts >= max => Transition::Review {
            reason: format!(
                "Outcome unknown after {attempts} tries ({error}): check at the provider."
            ),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Doubles from 1 s, without jitter, so the tests can name the delays.
    struct Doubling;
    impl Backoff for Doubling {
        fn delay(&self, attempts: u32) -> Duration {
            Duration::from_secs(1 << attempts.min(10))
        }
    }

    #[test]
    fn names_round_trip() {
        for k in OpKind::ALL {
            assert_eq!(k.as_str().parse::<OpKind>(), Ok(k));
        }
        for s in OpState::ALL {
            assert_eq!(s.as_str().parse::<OpState>(), Ok(s));
        }
        assert!("refund".parse::<OpKind>().is_err());
    }

    #[test]
    fn a_prepaid_wallet_operation_names_its_contact_and_a_gift_card_one_does_not() {
        let eur = crate::money::Currency::try_from("EUR".to_string()).unwrap();
        let new = NewOp::leat_prepaid(OpKind::Redeem, "LEATWALLET01", "c-1", Money::new(500, eur));
        assert_eq!(new.provider, ProviderId::Leat);
        assert_eq!(new.card_code.as_deref(), Some("LEATWALLET01"));
        let op = |new: &NewOp| Op {
            id: new.id.clone(),
            seq: 1,
            sale_id: None,
            provider: new.provider,
            kind: new.kind,
            card_code: new.card_code.clone(),
            amount: new.amount.clone(),
            state: OpState::Pending,
            depends_on: None,
            dependency_ref: None,
            attempts: 0,
            provider_ref: None,
            last_error: None,
            payload: new.payload.clone(),
            sent_at: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            review_reason: None,
        };
        assert_eq!(op(&new).prepaid_contact(), Some("c-1"));
        let giftcard = NewOp::new(ProviderId::Leat, OpKind::Redeem, Some("41651"), new.amount);
        assert_eq!(op(&giftcard).prepaid_contact(), None);
    }

    #[test]
    fn debug_never_shows_a_full_card_code() {
        let eur = crate::money::Currency::try_from("EUR".to_string()).unwrap();
        let qr = "https://g.zmyle.de/g/18jja4mf08fn?t=secretaccesstoken42";
        let op = NewOp::new(
            ProviderId::Zmyle,
            OpKind::Reserve,
            Some(qr),
            Money::new(5, eur),
        );
        let shown = format!("{op:?}");
        assert!(!shown.contains("secretaccesstoken"), "{shown}");
        assert!(shown.contains("••••en42"), "{shown}");
    }

    #[test]
    fn a_crash_mid_request_leaves_the_outcome_unknown() {
        assert_eq!(OpState::Sending.after_crash(), OpState::Unknown);
        assert_eq!(OpState::Reconciling.after_crash(), OpState::Unknown);
        assert_eq!(OpState::Pending.after_crash(), OpState::Pending);
        assert_eq!(OpState::Succeeded.after_crash(), OpState::Succeeded);
    }

    #[test]
    fn balance_effects_have_the_sign_of_the_money_movement() {
        assert_eq!(OpKind::Redeem.balance_effect(500), -500);
        assert_eq!(OpKind::Confirm.balance_effect(500), -500);
        assert_eq!(OpKind::Reload.balance_effect(500), 500);
        assert_eq!(OpKind::Reverse.balance_effect(500), 500);
        assert_eq!(OpKind::Activate.balance_effect(500), 500);
        assert_eq!(OpKind::Reserve.balance_effect(500), 0);
        assert_eq!(OpKind::Cancel.balance_effect(500), 0);
    }

    #[test]
    fn a_send_is_sorted_by_what_the_till_can_do() {
        let ok = after_send(&Ok(OpOutcome::default()), 1, &Doubling);
        assert_eq!(ok, Transition::Succeeded(OpOutcome::default()));

        let declined = after_send(
            &Err(ProviderError::Declined {
                code: "55011".into(),
                reason: "Insufficient balance".into(),
            }),
            1,
            &Doubling,
        );
        assert_eq!(
            declined,
            Transition::Declined {
                reason: "Insufficient balance".into()
            }
        );

        let down = after_send(
            &Err(ProviderError::Unreachable {
                message: "no connection".into(),
            }),
            3,
            &Doubling,
        );
        assert!(matches!(down, Transition::Retry { delay, .. } if delay == Duration::from_secs(8)));

        let lost = after_send(
            &Err(ProviderError::OutcomeUnknown {
                message: "timeout".into(),
            }),
            1,
            &Doubling,
        );
        assert!(matches!(lost, Transition::Unknown { .. }));
        let garbage = after_send(
            &Err(ProviderError::BadResponse {
                message: "html".into(),
            }),
            1,
            &Doubling,
        );
        assert!(
            matches!(garbage, Transition::Unknown { .. }),
            "an unreadable answer to a write is not a failure"
        );
    }

    #[test]
    fn an_outcome_unknown_too_many_times_goes_to_a_person() {
        let unknown = || Transition::Unknown {
            delay: Duration::from_secs(1),
            error: "unreadable answer".into(),
        };
        assert_eq!(bounded(unknown(), 19, 20), unknown());
        let Transition::Review { reason } = bounded(unknown(), 20, 20) else {
            panic!("not sent to review");
        };
        assert!(reason.contains("after 20 tries"), "{reason}");
        assert!(reason.contains("unreadable answer"), "{reason}");
        let retry = Transition::Retry {
            delay: Duration::from_secs(1),
            error: "503".into(),
        };
        assert_eq!(
            bounded(retry.clone(), 99, 20),
            retry,
            "a provider that is down is waited for"
        );
    }

    #[test]
    fn retry_after_is_honoured_when_longer_than_the_backoff() {
        let limited = |secs| {
            Err(ProviderError::Unavailable {
                message: "slow down".into(),
                retry_after: Some(Duration::from_secs(secs)),
            })
        };
        assert!(matches!(
            after_send(&limited(30), 1, &Doubling),
            Transition::Retry { delay, .. } if delay == Duration::from_secs(30)
        ));
        assert!(matches!(
            after_send(&limited(1), 4, &Doubling),
            Transition::Retry { delay, .. } if delay == Duration::from_secs(16)
        ));
    }

    #[test]
    fn a_reconciliation_settles_resends_or_asks_a_person() {
        let applied = OpOutcome {
            provider_ref: Some("t-1".into()),
            hold_expires_at: None,
        };
        assert_eq!(
            after_reconcile(&Ok(Reconciled::Applied(applied.clone())), 2, &Doubling),
            Transition::Succeeded(applied)
        );
        assert!(matches!(
            after_reconcile(&Ok(Reconciled::NotApplied), 2, &Doubling),
            Transition::Retry { delay, .. } if delay.is_zero()
        ));
        assert!(matches!(
            after_reconcile(
                &Ok(Reconciled::Refused {
                    reason: "hold expired".into()
                }),
                2,
                &Doubling
            ),
            Transition::Declined { .. }
        ));
        assert!(matches!(
            after_reconcile(
                &Ok(Reconciled::StillUnknown {
                    reason: "two matches".into()
                }),
                2,
                &Doubling
            ),
            Transition::Review { .. }
        ));
        assert!(matches!(
            after_reconcile(
                &Err(ProviderError::Unreachable {
                    message: "down".into()
                }),
                2,
                &Doubling
            ),
            Transition::Unknown { .. }
        ));
    }
}
