//! The manager's PIN (docs/design.md §1, §6): what unlocks a manager's decisions at the till, such as
//! the review list's actions. It is kept only as an Argon2id hash (a PHC string) in the
//! SecretStore under [`PIN_HASH_SECRET`], never as the PIN itself. After [`MAX_FAILURES`] wrong
//! PINs in a row the gate refuses every PIN for [`LOCKOUT`], so a PIN cannot be guessed at the
//! counter.

use crate::secrets::{Secret, SecretStore};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Where the PIN's hash is kept in the SecretStore.
pub const PIN_HASH_SECRET: &str = "manager.pin_hash";
/// Wrong PINs in a row before the gate locks.
pub const MAX_FAILURES: u32 = 5;
/// How long the gate stays locked.
pub const LOCKOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PinError {
    #[error("A manager PIN is 4 to 12 digits.")]
    Malformed,
    #[error(
        "No manager PIN is set on this till: the installer sets one with `kassa manager set-pin`."
    )]
    NotSet,
    #[error("Wrong manager PIN ({left} more tries before the PIN is locked for a minute).")]
    Wrong { left: u32 },
    #[error("Too many wrong PINs: the manager PIN is locked for {secs} more seconds.")]
    Locked { secs: u64 },
    #[error("The manager PIN cannot be checked: {0}")]
    Unavailable(String),
}

/// Checks that `pin` has the shape of a PIN: 4 to 12 ASCII digits.
pub fn validate(pin: &str) -> Result<(), PinError> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Malformed)
    }
}

/// The Argon2id hash of `pin` with a fresh random salt, as a PHC string.
pub fn hash_pin(pin: &str) -> Result<String, PinError> {
    validate(pin)?;
    Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

/// Stores the hash of a new PIN.
pub fn set_pin(secrets: &dyn SecretStore, pin: &str) -> Result<(), PinError> {
    let hash = hash_pin(pin)?;
    secrets
        .set(PIN_HASH_SECRET, &Secret::new(hash))
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

/// Whether a PIN is set.
pub fn is_set(secrets: &dyn SecretStore) -> Result<bool, PinError> {
    secrets
        .get(PIN_HASH_SECRET)
        .map(|s| s.is_some())
        .map_err(|e| PinError::Unavailable(e.to_string()))
}

fn matches(hash: &str, pin: &str) -> Result<bool, PinError> {
    let parsed = PasswordHash::new(hash).map_err(|_| {
        PinError::Unavailable("the stored PIN hash is damaged: set the PIN again".into())
    })?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

#[derive(Debug, Default)]
struct Attempts {
    failures: u32,
    locked_until: Option<Instant>,
}

/// Checks PINs against the stored hash and counts the wrong ones.
pub struct PinGate {
    secrets: Arc<dyn SecretStore>,
    attempts: Mutex<Attempts>,
}

impl PinGate {
    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        PinGate {
            secrets,
            attempts: Mutex::default(),
        }
    }

    /// `Ok` when `pin` is the manager's PIN.
    pub fn check(&self, pin: &str) -> Result<(), PinError> {
        self.check_at(pin, Instant::now())
    }

    fn check_at(&self, pin: &str, now: Instant) -> Result<(), PinError> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = attempts.locked_until {
            if now < until {
                return Err(PinError::Locked {
                    secs: (until - now).as_secs().max(1),
                });
            }
            *attempts = Attempts::default();
        }
        let hash = self
            .secrets
            .get(PIN_HASH_SECRET)
            .map_err(|e| PinError::Unavailable(e.to_string()))?
            .ok_or(PinError::NotSet)?;
        if validate(pin).is_ok() && matches(hash.expose(), pin)? {
            *attempts = Attempts::default();
            return Ok(());
        }
        attempts.failures += 1;
        if attempts.failures >= MAX_FAILURES {
            attempts.locked_until = Some(now + LOCKOUT);
            return Err(PinError::Locked {
                secs: LOCKOUT.as_secs(),
            });
        }
        Err(PinError::Wrong {
            left: MAX_FAILURES - attempts.failures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;

    fn gate_with(pin: &str) -> (PinGate, Arc<MemorySecretStore>) {
        let secrets = Arc::new(MemorySecretStore::default());
        set_pin(secrets.as_ref(), pin).unwrap();
        (PinGate::new(secrets.clone()), secrets)
    }

    #[test]
    fn only_the_hash_is_stored_and_the_right_pin_opens() {
        let (gate, secrets) = gate_with("4821");
        let stored = secrets.get(PIN_HASH_SECRET).unwrap().unwrap();
        assert!(stored.expose().starts_with("$argon2id$"));
        assert!(!stored.expose().contains("4821"));
        assert_eq!(gate.check("4821"), Ok(()));
        assert_eq!(gate.check("4822"), Err(PinError::Wrong { left: 4 }));
    }

    #[test]
    fn pins_of_the_wrong_shape_are_refused() {
        for pin in ["", "123", "1234567890123", "12a4", " 1234", "١٢٣٤"] {
            assert_eq!(validate(pin), Err(PinError::Malformed), "{pin:?}");
            assert_eq!(hash_pin(pin), Err(PinError::Malformed), "{pin:?}");
        }
        validate("0000").unwrap();
        validate("123456789012").unwrap();
    }

    #[test]
    fn no_pin_set_says_how_to_set_one() {
        let gate = PinGate::new(Arc::new(MemorySecretStore::default()));
        let err = gate.check("1234").unwrap_err();
        assert_eq!(err, PinError::NotSet);
        assert!(err.to_string().contains("kassa manager set-pin"));
    }

    #[test]
    fn five_wrong_pins_lock_the_gate_for_a_minute_even_for_the_right_pin() {
        let (gate, _) = gate_with("4821");
        let t0 = Instant::now();
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(gate.check_at("0000", t0), Err(PinError::Wrong { left }));
        }
        assert_eq!(
            gate.check_at("0000", t0),
            Err(PinError::Locked { secs: 60 })
        );
        assert_eq!(
            gate.check_at("4821", t0 + Duration::from_secs(30)),
            Err(PinError::Locked { secs: 30 }),
            "locked: not even the right PIN is checked"
        );
        assert_eq!(gate.check_at("4821", t0 + LOCKOUT), Ok(()));
        assert_eq!(
            gate.check_at("0000", t0 + LOCKOUT),
            Err(PinError::Wrong { left: 4 }),
            "a right PIN starts the count again"
        );
    }

    #[test]
    fn a_damaged_hash_is_reported_not_taken_as_a_wrong_pin() {
        let secrets = Arc::new(MemorySecretStore::default());
        secrets
            .set(PIN_HASH_SECRET, &Secret::new("not a hash"))
            .unwrap();
        let err = PinGate::new(secrets).check("1234").unwrap_err();
        assert!(matches!(err, PinError::Unavailable(ref m) if m.contains("set the PIN again")));
    }
}
