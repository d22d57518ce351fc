//! The OS keyring behind kassa-core's `SecretStore`.

use kassa_core::secrets::{Secret, SecretError, SecretStore};

/// The OS keyring, under one service name (`[secrets] keyring_service`, by default
/// `eu.kassa.till`): each secret is the entry (service, secret name).
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }
}

fn unavailable(e: keyring::Error) -> SecretError {
    SecretError::Unavailable(match e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            "the OS keyring cannot be reached (is a keyring service such as GNOME Keyring or KWallet running?)".into()
        }
        other => other.to_string(),
    })
}

/// The Linux keyring client blocks on a runtime of its own, which must not nest inside the
/// till's tokio runtime: each call runs on a short-lived thread of its own.
fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(work).join().expect("keyring thread panicked"))
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        off_runtime(|| {
            let entry = keyring::Entry::new(&self.service, name).map_err(unavailable)?;
            match entry.get_password() {
                Ok(value) => Ok(Some(Secret::new(value))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(unavailable(e)),
            }
        })
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        off_runtime(|| {
            keyring::Entry::new(&self.service, name)
                .and_then(|entry| entry.set_password(value.expose()))
                .map_err(unavailable)
        })
    }
}
