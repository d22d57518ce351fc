//! Cashiers and their roles (`cashiers`, migration 13). Each cashier signs in at the till with a
//! PIN of their own, kept only as its Argon2id hash (a PHC string, as the manager's PIN), never
//! as the PIN. A `cashier` may sell; a `manager` may also approve what a cashier may not do
//! (void, refund, offline over a cap, review decisions): [`crate::manager_pin::PinGate`] checks
//! a PIN against every active manager.
//!
//! The till's manager PIN (`kassa manager set-pin`, in the secret store) stays what it was: it is
//! the manager [`TILL_MANAGER`], who is always there, can sign in and approve, and cannot be
//! disabled here (a new PIN replaces it). A cashier is never deleted — the journal names them —
//! only disabled: a disabled cashier cannot sign in and their PIN approves nothing.

use crate::lang::{Sentence, Text};
use crate::manager_pin::{self, PinError};
use crate::store::stamp::stamp;
use crate::store::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use thiserror::Error;
use time::OffsetDateTime;

/// The name of the manager whose PIN is the till's manager PIN.
pub const TILL_MANAGER: &str = "Manager";
/// Training mode's demo cashier and her PIN (the training banner shows them).
pub const TRAINING_CASHIER: &str = "Anna";
pub const TRAINING_CASHIER_PIN: &str = "111111";
/// The longest name, in characters.
pub const MAX_NAME: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cashier,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
        }
    }

    pub fn parse(s: &str) -> Result<Role, CashierError> {
        match s.trim() {
            "cashier" => Ok(Role::Cashier),
            "manager" => Ok(Role::Manager),
            other => Err(CashierError::BadRole(other.into())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cashier {
    /// 0 for [`TILL_MANAGER`], who has no row.
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// When added; `None` for [`TILL_MANAGER`].
    pub created_at: Option<String>,
}

impl Cashier {
    /// The till's manager, whose PIN is in the secret store.
    pub fn till_manager() -> Cashier {
        Cashier {
            id: 0,
            name: TILL_MANAGER.into(),
            role: Role::Manager,
            active: true,
            created_at: None,
        }
    }

    /// "Anna (cashier)", as the top bar shows it.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.role.as_str())
    }
}

/// Its `Display` is [`CashierError::sentence`] in English.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CashierError {
    BadName,
    BadRole(String),
    NameTaken(String),
    NotFound(String),
    TillManager,
    Pin(#[from] PinError),
    Store(String),
}

impl CashierError {
    /// What the manager reads.
    pub fn sentence(&self) -> Sentence {
        match self {
            CashierError::BadName => Sentence::new(Text::CashierBadName).with("most", MAX_NAME),
            CashierError::BadRole(role) => {
                Sentence::new(Text::CashierBadRole).with("role", role.as_str())
            }
            CashierError::NameTaken(name) => {
                Sentence::new(Text::CashierNameTaken).with("name", name.as_str())
            }
            CashierError::NotFound(name) => {
                Sentence::new(Text::NoSuchCashier).with("name", name.as_str())
            }
            CashierError::TillManager => {
                Sentence::new(Text::CashierTillManager).with("name", TILL_MANAGER)
            }
            CashierError::Pin(e) => e.sentence(),
            CashierError::Store(why) => Sentence::verbatim(why.as_str()),
        }
    }
}

impl std::fmt::Display for CashierError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

impl From<StoreError> for CashierError {
    fn from(e: StoreError) -> Self {
        CashierError::Store(e.to_string())
    }
}

impl From<rusqlite::Error> for CashierError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// A name as it is stored: trimmed; letters, digits, spaces and `.-'` only.
fn check_name(name: &str) -> Result<&str, CashierError> {
    let name = name.trim();
    let fits = (1..=MAX_NAME).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '\''));
    let reserved = name.eq_ignore_ascii_case(TILL_MANAGER)
        || name.eq_ignore_ascii_case(crate::store::journal::SYSTEM);
    match (fits, reserved) {
        (false, _) => Err(CashierError::BadName),
        (true, true) => Err(CashierError::NameTaken(name.into())),
        (true, false) => Ok(name),
    }
}

const COLUMNS: &str = "id, name, role, active, created_at";

fn read_cashier(r: &rusqlite::Row) -> rusqlite::Result<Cashier> {
    let role: String = r.get(2)?;
    Ok(Cashier {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).map_err(|e| crate::store::bad_column(2, e.to_string()))?,
        active: r.get(3)?,
        created_at: r.get(4)?,
    })
}

impl Store {
    /// Adds a cashier with the hash of their PIN (6 to 12 digits).
    pub fn add_cashier(&self, name: &str, role: Role, pin: &str) -> Result<Cashier, CashierError> {
        let name = check_name(name)?;
        manager_pin::validate(pin)?;
        self.insert_cashier(name, role, pin)
    }

    fn insert_cashier(&self, name: &str, role: Role, pin: &str) -> Result<Cashier, CashierError> {
        let hash = manager_pin::hash_pin(pin)?;
        let conn = self.conn();
        let added = conn.execute(
            "INSERT INTO cashiers (name, role, pin_hash, active, created_at)
             VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (name) DO NOTHING",
            params![name, role.as_str(), hash, stamp(OffsetDateTime::now_utc())],
        )?;
        if added == 0 {
            return Err(CashierError::NameTaken(name.into()));
        }
        Ok(conn.query_row(
            &format!("SELECT {COLUMNS} FROM cashiers WHERE id = ?1"),
            [conn.last_insert_rowid()],
            read_cashier,
        )?)
    }

    /// Training mode's demo cashier, added once (her PIN is shown on the training banner).
    pub fn add_training_cashier(&self) -> Result<(), CashierError> {
        // Hashing a PIN is slow on purpose: not on every start once she is there.
        let there: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM cashiers WHERE name = ?1)",
            [TRAINING_CASHIER],
            |r| r.get(0),
        )?;
        if there {
            return Ok(());
        }
        match self.insert_cashier(TRAINING_CASHIER, Role::Cashier, TRAINING_CASHIER_PIN) {
            Ok(_) | Err(CashierError::NameTaken(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The till's manager first, then every cashier by name, the disabled ones too.
    pub fn cashiers(&self) -> Result<Vec<Cashier>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM cashiers ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], read_cashier)?;
        let mut all = vec![Cashier::till_manager()];
        for row in rows {
            all.push(row?);
        }
        Ok(all)
    }

    /// Disables a cashier: they can no longer sign in, their PIN approves nothing.
    pub fn disable_cashier(&self, name: &str) -> Result<Cashier, CashierError> {
        let name = name.trim();
        if name.eq_ignore_ascii_case(TILL_MANAGER) {
            return Err(CashierError::TillManager);
        }
        let conn = self.conn();
        conn.execute("UPDATE cashiers SET active = 0 WHERE name = ?1", [name])?;
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM cashiers WHERE name = ?1"),
            [name],
            read_cashier,
        )
        .optional()?
        .ok_or_else(|| CashierError::NotFound(name.into()))
    }

    /// A cashier (any, by name, ignoring case) with their PIN's hash.
    pub(crate) fn cashier_with_hash(
        &self,
        name: &str,
    ) -> Result<Option<(Cashier, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS}, pin_hash FROM cashiers WHERE name = ?1"),
                [name.trim()],
                |r| Ok((read_cashier(r)?, r.get(5)?)),
            )
            .optional()?)
    }

    /// The active cashiers with their PINs' hashes, managers first.
    pub(crate) fn active_cashiers_with_hash(&self) -> Result<Vec<(Cashier, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS}, pin_hash FROM cashiers WHERE active = 1
             ORDER BY role = 'cashier', id"
        ))?;
        let rows = stmt.query_map([], |r| Ok((read_cashier(r)?, r.get(5)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kassa.sqlite3")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_cashier_keeps_only_the_hash_of_their_pin() {
        let (_dir, store) = store();
        let anna = store
            .add_cashier(" Anna ", Role::Cashier, "246810")
            .unwrap();
        assert_eq!(anna.label(), "Anna (cashier)");
        let (_, hash) = store.cashier_with_hash("anna").unwrap().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("246810"));
        let names: Vec<String> = store
            .cashiers()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Manager", "Anna"]);
    }

    #[test]
    fn bad_names_roles_pins_and_twins_are_refused_with_a_sentence() {
        let (_dir, store) = store();
        store.add_cashier("Anna", Role::Cashier, "246810").unwrap();
        for (name, pin, err) in [
            ("", "246810", CashierError::BadName),
            ("Anna\n", "246810", CashierError::NameTaken("Anna".into())),
            ("ANNA", "246810", CashierError::NameTaken("ANNA".into())),
            (
                "manager",
                "246810",
                CashierError::NameTaken("manager".into()),
            ),
            ("system", "246810", CashierError::NameTaken("system".into())),
            ("Bob;drop", "246810", CashierError::BadName),
            (&"x".repeat(41), "246810", CashierError::BadName),
            ("Bob", "1234", CashierError::Pin(PinError::Malformed)),
        ] {
            assert_eq!(
                store.add_cashier(name, Role::Cashier, pin).unwrap_err(),
                err
            );
        }
        assert!(Role::parse("boss")
            .unwrap_err()
            .to_string()
            .contains("cashier or manager"));
    }

    #[test]
    fn disabling_keeps_the_cashier_and_the_till_manager_cannot_be_disabled() {
        let (_dir, store) = store();
        store.add_cashier("Anna", Role::Cashier, "246810").unwrap();
        assert!(!store.disable_cashier("anna").unwrap().active);
        assert_eq!(store.cashiers().unwrap().len(), 2);
        assert_eq!(
            store.disable_cashier("Bob").unwrap_err(),
            CashierError::NotFound("Bob".into())
        );
        assert_eq!(
            store.disable_cashier("Manager").unwrap_err(),
            CashierError::TillManager
        );
        assert!(store.active_cashiers_with_hash().unwrap().is_empty());
    }
}
