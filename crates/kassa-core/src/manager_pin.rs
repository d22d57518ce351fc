//! The manager's PIN (docs/design.md §1, §6): what unlocks a manager's decisions at the till and
//! on the command line, such as the review list's actions. It is kept only as an Argon2id hash
//! (a PHC string) in the SecretStore under [`PIN_HASH_SECRET`], never as the PIN itself. A new
//! PIN has at least [`MIN_DIGITS`] digits (training mode's known PIN is the one exception).
//!
//! Wrong PINs are counted in the till's database (`pin_attempts`), not in the process: the
//! window and every `kassa` command share one count, and a restart does not clear it. The
//! database rather than the SecretStore, because a count needs an atomic read-and-increment
//! that SQLite's `BEGIN IMMEDIATE` gives across processes and a keyring does not, and because
//! an OS keyring may ask the user before each write. After [`MAX_FAILURES`] wrong PINs in a
//! row the gate refuses every PIN for [`LOCKOUT`]; each further wrong PIN doubles that, up to
//! [`MAX_LOCKOUT`]. Only the right PIN starts the count again.
//!
//! Cashiers (`crate::cashiers`) sign in through the same gate ([`PinGate::sign_in`]), and a
//! manager's decision takes the PIN of any active manager ([`PinGate::approve`]): the till's
//! manager PIN (the manager `Manager`) or a cashier added with the role manager. A cashier's
//! own PIN there is refused with "this needs a manager" and counted as a wrong PIN. One count
//! for every PIN typed at this till.

use crate::cashiers::{Cashier, Role, TILL_MANAGER};
use crate::clock::{Clock, SystemClock};
use crate::lang::{Sentence, Text};
use crate::secrets::{Secret, SecretStore};
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{Store, StoreError};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rusqlite::{params, TransactionBehavior};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use time::OffsetDateTime;

/// Where the PIN's hash is kept in the SecretStore.
pub const PIN_HASH_SECRET: &str = "manager.pin_hash";
/// The fewest digits a new PIN may have.
pub const MIN_DIGITS: usize = 6;
/// The most digits a PIN may have.
pub const MAX_DIGITS: usize = 12;
/// Wrong PINs in a row before the gate locks.
pub const MAX_FAILURES: u32 = 5;
/// How long the gate locks after [`MAX_FAILURES`] wrong PINs.
pub const LOCKOUT: Duration = Duration::from_secs(60);
/// The longest lock, however many wrong PINs.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(60 * 60);

/// Its `Display` is [`PinError::sentence`] in English.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PinError {
    Malformed,
    NotSet,
    Missing,
    Wrong { left: u32 },
    Locked { secs: u64 },
    Unavailable(String),
    NotAManager,
    UnknownCashier(String),
    Disabled(String),
    WrongSignIn { left: u32 },
}

impl PinError {
    /// What the cashier or manager reads.
    pub fn sentence(&self) -> Sentence {
        match self {
            PinError::Malformed => Sentence::new(Text::PinMalformed)
                .with("least", MIN_DIGITS)
                .with("most", MAX_DIGITS),
            PinError::NotSet => Text::PinNotSet.into(),
            PinError::Missing => Text::PinMissing.into(),
            PinError::Wrong { left } => Sentence::new(Text::PinWrong).with("left", *left),
            PinError::Locked { secs } => Sentence::new(Text::PinLocked).with("secs", *secs),
            PinError::Unavailable(why) => {
                Sentence::new(Text::PinUnavailable).with("reason", why.as_str())
            }
            PinError::NotAManager => Text::PinNotAManager.into(),
            PinError::UnknownCashier(name) => {
                Sentence::new(Text::NoSuchCashier).with("name", name.as_str())
            }
            PinError::Disabled(name) => {
                Sentence::new(Text::CashierDisabled).with("name", name.as_str())
            }
            PinError::WrongSignIn { left } => {
                Sentence::new(Text::PinWrongSignIn).with("left", *left)
            }
        }
    }
}

impl std::fmt::Display for PinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

impl From<StoreError> for PinError {
    fn from(e: StoreError) -> Self {
        PinError::Unavailable(e.to_string())
    }
}

/// Checks that `pin` has the shape of a new PIN: [`MIN_DIGITS`] to [`MAX_DIGITS`] ASCII digits.
pub fn validate(pin: &str) -> Result<(), PinError> {
    if (MIN_DIGITS..=MAX_DIGITS).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Malformed)
    }
}

/// The Argon2id hash of `pin` with a fresh random salt, as a PHC string.
pub(crate) fn hash_pin(pin: &str) -> Result<String, PinError> {
    Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

fn store_hash(secrets: &dyn SecretStore, pin: &str) -> Result<(), PinError> {
    secrets
        .set(PIN_HASH_SECRET, &Secret::new(hash_pin(pin)?))
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

/// Stores the hash of a new PIN, after checking its shape ([`validate`]).
pub fn set_pin(secrets: &dyn SecretStore, pin: &str) -> Result<(), PinError> {
    validate(pin)?;
    store_hash(secrets, pin)
}

/// Training mode's manager PIN, which the training banner shows and which may be shorter than a
/// real one: training moves no money.
pub const TRAINING_PIN: &str = "1234";

/// The Argon2id hash of [`TRAINING_PIN`] (the crate's default parameters), made once: a till in
/// training mode starts without spending an Argon2 hash (≈ 30 ms of a core) on a PIN everybody
/// knows. The test `training_keeps_its_short_known_pin` checks that it is that PIN's.
const TRAINING_PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bBs5Ah3HCpg4ARVrWwemxQ$HR8DPMpb/0WyCWEJJsbWhOtTSybWukDBEHtwE44mtFU";

/// Stores the hash of training mode's known PIN ([`TRAINING_PIN`]).
pub fn set_training_pin(secrets: &dyn SecretStore) -> Result<(), PinError> {
    secrets
        .set(PIN_HASH_SECRET, &Secret::new(TRAINING_PIN_HASH.to_string()))
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

/// Whether a PIN is set.
pub fn is_set(secrets: &dyn SecretStore) -> Result<bool, PinError> {
    secrets
        .get(PIN_HASH_SECRET)
        .map(|s| s.is_some())
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

/// How long the gate locks after `failures` wrong PINs in a row (none below [`MAX_FAILURES`]).
fn lockout(failures: u32) -> Option<Duration> {
    let doublings = failures.checked_sub(MAX_FAILURES)?;
    let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
    Some(LOCKOUT.saturating_mul(factor).min(MAX_LOCKOUT))
}

/// Whole seconds from `now` to `until`, rounded up, at least one.
fn secs_until(until: OffsetDateTime, now: OffsetDateTime) -> u64 {
    let millis = u64::try_from((until - now).whole_milliseconds()).unwrap_or(0);
    millis.div_ceil(1000).max(1)
}

impl Store {
    /// Counts one more attempt before its PIN is checked, so that attempts in parallel (two
    /// processes, two windows) cannot get past the limit: `Err(Locked)` while locked, else the
    /// failures counted so far including this one. [`Store::clear_pin_failures`] undoes it
    /// for the right PIN.
    fn count_pin_attempt(&self, now: OffsetDateTime) -> Result<u32, PinError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let (failures, locked_until): (u32, Option<String>) = tx
            .query_row(
                "SELECT failures, locked_until FROM pin_attempts WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(StoreError::from)?;
        if let Some(until) = locked_until.as_deref().and_then(parse_stamp) {
            if now < until {
                return Err(PinError::Locked {
                    secs: secs_until(until, now),
                });
            }
        }
        let failures = failures.saturating_add(1);
        let locked_until = lockout(failures).map(|d| stamp(now + d));
        tx.execute(
            "UPDATE pin_attempts SET failures = ?1, locked_until = ?2 WHERE id = 1",
            params![failures, locked_until],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(failures)
    }

    fn clear_pin_failures(&self) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE pin_attempts SET failures = 0, locked_until = NULL WHERE id = 1",
            [],
        )?;
        Ok(())
    }
}

/// Checks PINs against the stored hash; wrong ones are counted in the till's database.
pub struct PinGate {
    secrets: Arc<dyn SecretStore>,
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
}

impl PinGate {
    /// The gate for the PIN whose hash is in `secrets`, counting wrong PINs in `store`.
    pub fn new(secrets: Arc<dyn SecretStore>, store: Arc<Store>) -> Self {
        PinGate {
            secrets,
            store,
            clock: Arc::new(SystemClock),
        }
    }

    /// The gate on another clock (tests of the lock's duration).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// `Ok` when `pin` is an active manager's PIN.
    pub fn check(&self, pin: &str) -> Result<(), PinError> {
        self.approve(pin).map(|_| ())
    }

    /// The till manager PIN's hash, parsed, if one is set.
    fn till_manager_hash(&self) -> Result<Option<String>, PinError> {
        let Some(hash) = self
            .secrets
            .get(PIN_HASH_SECRET)
            .map_err(|e| PinError::Unavailable(e.to_string()))?
        else {
            return Ok(None);
        };
        PasswordHash::new(hash.expose()).map_err(|_| {
            PinError::Unavailable("the stored PIN hash is damaged: set the PIN again".into())
        })?;
        Ok(Some(hash.expose().to_string()))
    }

    /// The name of the active manager whose PIN `pin` is: who approved.
    pub fn approve(&self, pin: &str) -> Result<String, PinError> {
        let till_manager = self.till_manager_hash()?;
        let others = self.store.active_cashiers_with_hash()?;
        let managers = others.iter().filter(|(c, _)| c.role == Role::Manager);
        if till_manager.is_none() && managers.clone().next().is_none() {
            return Err(PinError::NotSet);
        }
        let failures = self.store.count_pin_attempt(self.clock.now())?;
        let candidates = till_manager
            .iter()
            .map(|h| (Cashier::till_manager(), h.as_str()))
            .chain(managers.map(|(c, h)| (c.clone(), h.as_str())));
        for (manager, hash) in candidates {
            if verify(pin, hash) {
                self.store.clear_pin_failures()?;
                return Ok(manager.name);
            }
        }
        let a_cashiers = others
            .iter()
            .any(|(c, h)| c.role == Role::Cashier && verify(pin, h));
        match (lockout(failures), a_cashiers) {
            (Some(lock), _) => Err(PinError::Locked {
                secs: lock.as_secs(),
            }),
            (None, true) => Err(PinError::NotAManager),
            (None, false) => Err(PinError::Wrong {
                left: MAX_FAILURES - failures,
            }),
        }
    }

    /// Signs `name` in with their PIN (the till's manager as [`crate::cashiers::TILL_MANAGER`]).
    pub fn sign_in(&self, name: &str, pin: &str) -> Result<Cashier, PinError> {
        let name = name.trim();
        let (cashier, hash) = match self.store.cashier_with_hash(name)? {
            Some(found) => found,
            None if name.eq_ignore_ascii_case(TILL_MANAGER) => (
                Cashier::till_manager(),
                self.till_manager_hash()?.ok_or(PinError::NotSet)?,
            ),
            None => return Err(PinError::UnknownCashier(name.into())),
        };
        if !cashier.active {
            return Err(PinError::Disabled(cashier.name));
        }
        let failures = self.store.count_pin_attempt(self.clock.now())?;
        if verify(pin, &hash) {
            self.store.clear_pin_failures()?;
            return Ok(cashier);
        }
        match lockout(failures) {
            Some(lock) => Err(PinError::Locked {
                secs: lock.as_secs(),
            }),
            None => Err(PinError::WrongSignIn {
                left: MAX_FAILURES - failures,
            }),
        }
    }
}

/// Whether `pin` is the PIN whose Argon2id hash (PHC string) is `hash`; a damaged hash matches
/// nothing.
fn verify(pin: &str, hash: &str) -> bool {
    pin.len() <= MAX_DIGITS
        && pin.bytes().all(|b| b.is_ascii_digit())
        && PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;
    use std::sync::Mutex;

    /// A clock the test moves.
    struct TestClock(Mutex<OffsetDateTime>);

    impl TestClock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> OffsetDateTime {
            *self.0.lock().unwrap()
        }
    }

    struct Till {
        _dir: tempfile::TempDir,
        db: std::path::PathBuf,
        secrets: Arc<MemorySecretStore>,
        clock: Arc<TestClock>,
    }

    impl Till {
        fn with_pin(pin: &str) -> Till {
            let dir = tempfile::tempdir().unwrap();
            let secrets = Arc::new(MemorySecretStore::default());
            set_pin(secrets.as_ref(), pin).unwrap();
            Till {
                db: dir.path().join("kassa.sqlite3"),
                _dir: dir,
                secrets,
                clock: Arc::new(TestClock(Mutex::new(OffsetDateTime::now_utc()))),
            }
        }

        /// A gate as a fresh process opens it: its own connection to the database.
        fn gate(&self) -> PinGate {
            PinGate::new(
                self.secrets.clone(),
                Arc::new(Store::open(&self.db).unwrap()),
            )
            .with_clock(self.clock.clone())
        }
    }

    #[test]
    fn only_the_hash_is_stored_and_the_right_pin_opens() {
        let till = Till::with_pin("482193");
        let stored = till.secrets.get(PIN_HASH_SECRET).unwrap().unwrap();
        assert!(stored.expose().starts_with("$argon2id$"));
        assert!(!stored.expose().contains("482193"));
        let gate = till.gate();
        assert_eq!(gate.check("482193"), Ok(()));
        assert_eq!(gate.check("482194"), Err(PinError::Wrong { left: 4 }));
    }

    #[test]
    fn new_pins_of_the_wrong_shape_are_refused() {
        let secrets = MemorySecretStore::default();
        for pin in [
            "",
            "1234",
            "12345",
            "1234567890123",
            "12a456",
            " 123456",
            "١٢٣٤٥٦",
        ] {
            assert_eq!(validate(pin), Err(PinError::Malformed), "{pin:?}");
            assert_eq!(set_pin(&secrets, pin), Err(PinError::Malformed), "{pin:?}");
        }
        assert_eq!(is_set(&secrets), Ok(false), "nothing stored");
        assert!(PinError::Malformed.to_string().contains("6 to 12 digits"));
        validate("000000").unwrap();
        validate("123456789012").unwrap();
    }

    #[test]
    fn training_keeps_its_short_known_pin() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::default());
        set_training_pin(secrets.as_ref()).unwrap();
        let store = Arc::new(Store::open(&dir.path().join("training.sqlite3")).unwrap());
        let gate = PinGate::new(secrets, store);
        assert!(matches!(gate.check("1235"), Err(PinError::Wrong { .. })));
        assert_eq!(gate.check(TRAINING_PIN), Ok(()));
    }

    #[test]
    fn no_pin_set_says_how_to_set_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("kassa.sqlite3")).unwrap());
        let gate = PinGate::new(Arc::new(MemorySecretStore::default()), store);
        let err = gate.check("123456").unwrap_err();
        assert_eq!(err, PinError::NotSet);
        assert!(err.to_string().contains("kassa manager set-pin"));
    }

    #[test]
    fn five_wrong_pins_lock_the_gate_for_a_minute_even_for_the_right_pin() {
        let till = Till::with_pin("482193");
        let gate = till.gate();
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(gate.check("000000"), Err(PinError::Wrong { left }));
        }
        assert_eq!(gate.check("000000"), Err(PinError::Locked { secs: 60 }));
        till.clock.advance(Duration::from_secs(30));
        assert_eq!(
            gate.check("482193"),
            Err(PinError::Locked { secs: 30 }),
            "locked: not even the right PIN is checked"
        );
        till.clock.advance(Duration::from_secs(30));
        assert_eq!(gate.check("482193"), Ok(()));
        assert_eq!(
            gate.check("000000"),
            Err(PinError::Wrong { left: 4 }),
            "the right PIN starts the count again"
        );
    }

    #[test]
    fn the_lock_survives_a_restart_and_each_further_wrong_pin_doubles_it() {
        let till = Till::with_pin("482193");
        {
            let window = till.gate();
            for _ in 1..MAX_FAILURES {
                window.check("000000").unwrap_err();
            }
        }
        // Another process (the command line, or the window restarted) sees the same count.
        let cli = till.gate();
        assert_eq!(cli.check("000000"), Err(PinError::Locked { secs: 60 }));
        assert_eq!(
            till.gate().check("482193"),
            Err(PinError::Locked { secs: 60 }),
            "still locked after a restart"
        );
        let mut lock = 60;
        for _ in 0..8 {
            till.clock.advance(Duration::from_secs(lock));
            lock = (lock * 2).min(MAX_LOCKOUT.as_secs());
            assert_eq!(
                till.gate().check("000000"),
                Err(PinError::Locked { secs: lock }),
                "one more wrong PIN after the lock locks again, longer"
            );
        }
        assert_eq!(lock, MAX_LOCKOUT.as_secs(), "capped");
        till.clock.advance(MAX_LOCKOUT);
        assert_eq!(till.gate().check("482193"), Ok(()));
        assert_eq!(
            till.gate().check("000000"),
            Err(PinError::Wrong { left: 4 })
        );
    }

    #[test]
    fn any_active_manager_approves_and_a_cashiers_pin_needs_a_manager() {
        let till = Till::with_pin("482193");
        let gate = till.gate();
        gate.store
            .add_cashier("Anna", Role::Cashier, "111111")
            .unwrap();
        gate.store
            .add_cashier("Bea", Role::Manager, "222222")
            .unwrap();
        assert_eq!(gate.approve("482193").unwrap(), "Manager");
        assert_eq!(gate.approve("222222").unwrap(), "Bea");
        let refused = gate.approve("111111").unwrap_err();
        assert_eq!(refused, PinError::NotAManager);
        assert!(refused.to_string().contains("This needs a manager"));
        assert_eq!(
            gate.approve("000000"),
            Err(PinError::Wrong { left: 3 }),
            "the cashier's PIN counted as a wrong one"
        );
        gate.store.disable_cashier("Bea").unwrap();
        assert_eq!(gate.approve("222222"), Err(PinError::Wrong { left: 2 }));
    }

    #[test]
    fn cashiers_sign_in_with_their_own_pin_counted_with_the_others() {
        let till = Till::with_pin("482193");
        let gate = till.gate();
        gate.store
            .add_cashier("Anna", Role::Cashier, "111111")
            .unwrap();
        assert_eq!(
            gate.sign_in("anna", "111111").unwrap().label(),
            "Anna (cashier)"
        );
        assert_eq!(
            gate.sign_in("Manager", "482193").unwrap().label(),
            "Manager (manager)"
        );
        assert_eq!(
            gate.sign_in("Anna", "482193"),
            Err(PinError::WrongSignIn { left: 4 })
        );
        assert_eq!(
            gate.sign_in("Zoe", "111111"),
            Err(PinError::UnknownCashier("Zoe".into()))
        );
        gate.store.disable_cashier("Anna").unwrap();
        let disabled = gate.sign_in("Anna", "111111").unwrap_err();
        assert!(disabled.to_string().contains("disabled"), "{disabled}");
        for _ in 0..3 {
            gate.sign_in("Manager", "000000").unwrap_err();
        }
        assert_eq!(
            gate.sign_in("Manager", "000000"),
            Err(PinError::Locked { secs: 60 }),
            "one count for sign-ins and approvals"
        );
    }

    #[test]
    fn lockouts_escalate_without_overflow() {
        assert_eq!(lockout(MAX_FAILURES - 1), None);
        assert_eq!(lockout(MAX_FAILURES), Some(LOCKOUT));
        assert_eq!(lockout(MAX_FAILURES + 1), Some(LOCKOUT * 2));
        assert_eq!(lockout(u32::MAX), Some(MAX_LOCKOUT));
    }

    #[test]
    fn a_damaged_hash_is_reported_not_taken_as_a_wrong_pin() {
        let till = Till::with_pin("482193");
        till.secrets
            .set(PIN_HASH_SECRET, &Secret::new("not a hash"))
            .unwrap();
        let err = till.gate().check("482193").unwrap_err();
        assert!(matches!(err, PinError::Unavailable(ref m) if m.contains("set the PIN again")));
        till.secrets
            .set(PIN_HASH_SECRET, &Secret::new(hash_pin("482193").unwrap()))
            .unwrap();
        assert_eq!(
            till.gate().check("000000"),
            Err(PinError::Wrong { left: 4 }),
            "the damaged hash counted no wrong PIN"
        );
    }
}
