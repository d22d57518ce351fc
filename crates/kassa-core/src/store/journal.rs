//! The journal: an append-only record of what the till did, chained so that nobody can change
//! it quietly.
//!
//! # The chain
//!
//! Every row is written by [`append`], inside its caller's transaction (a `BEGIN IMMEDIATE`
//! one: two processes may write one database, and the transaction serializes them). Each row
//! carries `seq`, 1 for the first row and one more for each row after it (no gaps), and
//! `hash`, a 32-byte BLOB:
//!
//! ```text
//! hash = SHA-256( "kassa-journal-v1\n"                      17 bytes
//!               || hash of the row before                   32 bytes; 32 zero bytes for seq 1
//!               || id || seq || at || kind || provider || card_masked || sale_id || op_id
//!               || amount_minor || currency || outcome || detail
//!               || cashier                                  only when not NULL )
//! ```
//!
//! each column as SQLite stores it, tagged by its storage class: NULL is the byte `00`;
//! INTEGER is `01` and the 8 bytes of the two's complement, big-endian; REAL is `02` and the 8
//! bytes of the IEEE 754 double, big-endian; TEXT is `03`, its length in bytes (8 bytes,
//! big-endian) and its UTF-8 bytes; BLOB is `04`, its length the same way and its bytes. So NULL
//! differs from an empty text, and the number 5 from the text "5". Every column of the table
//! but `hash` is hashed (the test `every_journal_column_is_hashed` fails when a column is
//! added and not hashed; a column added later must be hashed only when it is not NULL, so that
//! the rows before it keep their hashes). The rows written before the chain existed got their
//! seq and hash from the migration that added them, in id order.
//!
//! # Who wrote a row
//!
//! `cashier` (migration 13) names who did what the row records: the entry's own `cashier`
//! when it has one (a manager's name on an approval or an acknowledgement, [`SYSTEM`] on the
//! outbox engine's rows: the engine acts for the till, not for a person), else the cashier
//! signed in on the connection that writes it ([`Store::sign_in_journal`]: the window's signed-in
//! cashier, or the `--cashier` of a `kassa` command), else [`SYSTEM`] (a row written while
//! nobody is signed in: the abandoned-sale sweep, a hold's watchdog). Rows written before
//! migration 13 have NULL there, and NULL is not hashed: their hashes stay as they were.
//!
//! # Checking it
//!
//! [`chain::walk`] reads the rows in id order and names each row that does not fit: a row whose
//! seq comes too soon (used already) or that has no seq or hash was **inserted**; a seq that
//! jumps means the rows between were **deleted** (`missing`); a hash that does not match the
//! row's content over the previous hash means the row was **changed** (or inserted by hand
//! with a hash of its own). After a break, the walk takes the chain up again from the row as
//! it is stored — its seq and its hash — and [`append`] links a new row to the newest stored
//! row in the same way, so the rows written after a break link up, and the break stays the
//! only one. `kassa journal verify` walks the whole journal. Each time the database is opened,
//! the newest [`START_CHECK_ROWS`] rows are walked ([`Store::check_recent_journal`]).
//!
//! # A break stops payments until a manager has seen it
//!
//! A break found at the start is kept in `journal_breaks` (by the row's id and the problem).
//! While one there is not acknowledged, the journal refuses every row that takes a payment —
//! a tender being added, a refund, a void — and with it the transaction that would take it:
//! the till takes no payment, while look-ups, taking tenders off, abandoning and the outbox go
//! on. A manager's PIN acknowledges the breaks ([`Store::acknowledge_journal_breaks`]): each
//! gets a row of its own (kind `journal_break_seen`, naming the break's row id, seq and
//! problem in `detail`), chained like any other, and from then on the walk reports that break
//! as acknowledged, not as a new one, and payments go on.
//!
//! What the chain cannot show: a row deleted at the very end (the chain is whole without it),
//! and a journal rewritten from some row on by someone who recomputes every hash after it. The
//! head verify prints (the newest seq and hash), noted elsewhere, shows both.

mod breaks;
pub mod chain;
#[cfg(test)]
mod tests;

pub use breaks::START_CHECK_ROWS;
pub use chain::{ChainBreak, ChainReport, Head, Problem};

use super::stamp::stamp;
use super::{Store, StoreError};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use time::OffsetDateTime;

/// A row to append. Card codes arrive masked: the journal never holds a full code.
#[derive(Debug, Clone, Default)]
pub struct JournalEntry {
    pub kind: String,
    pub provider: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub sale_id: Option<String>,
    pub op_id: Option<String>,
    pub outcome: String,
    pub detail: serde_json::Value,
    /// Who did it, when not the signed-in cashier (see the module documentation).
    pub cashier: Option<String>,
}

/// The cashier of a row that no person wrote.
pub const SYSTEM: &str = "system";

impl JournalEntry {
    pub fn lookup(provider: &str, card_masked: &str, outcome: &str) -> Self {
        JournalEntry {
            kind: "lookup".into(),
            provider: Some(provider.into()),
            card_masked: Some(card_masked.into()),
            outcome: outcome.into(),
            detail: serde_json::json!({}),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JournalRow {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub provider: Option<String>,
    pub card_masked: Option<String>,
    pub amount_minor: Option<i64>,
    pub outcome: String,
    pub cashier: Option<String>,
}

/// True for a row that takes a payment or gives money back: refused while a chain break has
/// not been seen by a manager.
fn takes_payment(entry: &JournalEntry) -> bool {
    match entry.kind.as_str() {
        "tender" => entry.outcome != "removed",
        "refund" | "void" => true,
        _ => false,
    }
}

/// A text column's value as SQLite stores it.
fn text(s: &Option<String>) -> ValueRef<'_> {
    s.as_deref().map_or(ValueRef::Null, ValueRef::from)
}

/// Appends one row, with its seq and hash, inside the caller's transaction; returns its id.
/// Every journal row is written here (or by an [`Appender`], which does the same).
pub fn append(conn: &Connection, at: &str, entry: &JournalEntry) -> Result<i64, StoreError> {
    Appender::default().append(conn, at, entry)
}

/// Writes several rows in one transaction, linking each to the row it wrote before instead of
/// reading the newest row back from the table: the same ids, seqs and hashes as one [`append`]
/// per row. Made inside the transaction and dropped with it; nothing else may write journal
/// rows between its appends (a row written meanwhile would make its next id taken, and the
/// insert fail).
#[derive(Debug, Default)]
pub(crate) struct Appender {
    /// The last row this appender wrote, once it wrote one.
    written: Option<chain::Head>,
}

impl Appender {
    /// [`append`], linked to this appender's last row when it wrote one.
    pub(crate) fn append(
        &mut self,
        conn: &Connection,
        at: &str,
        entry: &JournalEntry,
    ) -> Result<i64, StoreError> {
        if conn.is_autocommit() {
            return Err(StoreError::Refused(
                "A journal row is written only inside a transaction (BEGIN IMMEDIATE).".into(),
            ));
        }
        if takes_payment(entry) {
            if let Some(stop) = breaks::unseen(conn)? {
                return Err(StoreError::Stopped(stop));
            }
        }
        let (newest_id, linked) = match self.written.take() {
            Some(head) => (head.id, Some(head)),
            None => chain::tail(conn)?,
        };
        let id = newest_id + 1;
        let (seq, prev) = linked.map_or((1, chain::GENESIS), |h| (h.seq + 1, h.hash));
        let detail = entry.detail.to_string();
        let cashier = match &entry.cashier {
            Some(name) => name.clone(),
            None => signed_in(conn)?.unwrap_or_else(|| SYSTEM.into()),
        };
        let hash = chain::row_hash(
            &prev,
            &[
                ValueRef::Integer(id),
                ValueRef::Integer(seq),
                ValueRef::from(at),
                ValueRef::from(entry.kind.as_str()),
                text(&entry.provider),
                text(&entry.card_masked),
                text(&entry.sale_id),
                text(&entry.op_id),
                entry.amount_minor.map_or(ValueRef::Null, ValueRef::Integer),
                text(&entry.currency),
                ValueRef::from(entry.outcome.as_str()),
                ValueRef::from(detail.as_str()),
                ValueRef::from(cashier.as_str()),
            ],
        );
        conn.prepare_cached(
            "INSERT INTO journal (id, seq, at, kind, provider, card_masked, sale_id, op_id,
                                  amount_minor, currency, outcome, detail, cashier, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(rusqlite::params![
            id,
            seq,
            at,
            entry.kind,
            entry.provider,
            entry.card_masked,
            entry.sale_id,
            entry.op_id,
            entry.amount_minor,
            entry.currency,
            entry.outcome,
            detail,
            cashier,
            hash.as_slice()
        ])?;
        self.written = Some(chain::Head { id, seq, hash });
        Ok(id)
    }
}

/// The cashier signed in on this connection, if any (`temp.signed_in`, made when the store
/// opens; a connection opened without the store, such as the bench's writer, has nobody).
pub(crate) fn signed_in(conn: &Connection) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    let made: bool = conn
        .prepare_cached("SELECT count(*) > 0 FROM temp.sqlite_master WHERE name = 'signed_in'")?
        .query_row([], |r| r.get(0))?;
    if !made {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached("SELECT cashier FROM temp.signed_in")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Makes the connection's table of who is signed in (it lives as long as the connection).
pub(crate) fn make_signed_in(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS signed_in (cashier TEXT NOT NULL)")
}

impl Store {
    /// Names `cashier` on every row this store writes from now on (and on the sales, refunds
    /// and shifts it starts), or nobody: the rows then say [`SYSTEM`].
    pub fn sign_in_journal(&self, cashier: Option<&str>) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM temp.signed_in", [])?;
        if let Some(name) = cashier {
            conn.execute("INSERT INTO temp.signed_in (cashier) VALUES (?1)", [name])?;
        }
        Ok(())
    }

    /// The cashier rows are written for, if any.
    pub fn journal_cashier(&self) -> Result<Option<String>, StoreError> {
        signed_in(&self.conn())
    }

    /// Appends one row now, in a transaction of its own.
    pub fn journal(&self, entry: &JournalEntry) -> Result<i64, StoreError> {
        let at = stamp(OffsetDateTime::now_utc());
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = append(&tx, &at, entry)?;
        tx.commit()?;
        Ok(id)
    }

    /// Walks the whole journal (streaming) and says where its chain does not hold.
    pub fn verify_journal(&self) -> Result<ChainReport, StoreError> {
        let mut conn = self.conn();
        // One snapshot for the acknowledgements and the rows.
        let tx = conn.transaction()?;
        Ok(chain::walk(&tx, None)?)
    }

    /// The newest rows first.
    pub fn recent_journal(&self, limit: u32) -> Result<Vec<JournalRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, at, kind, provider, card_masked, amount_minor, outcome, cashier
             FROM journal ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(JournalRow {
                id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                provider: r.get(3)?,
                card_masked: r.get(4)?,
                amount_minor: r.get(5)?,
                outcome: r.get(6)?,
                cashier: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
