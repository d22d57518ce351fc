//! The journal's hash chain: what a row's hash covers, and the walk that checks it.
//!
//! The hashed content and the rules are written down in the journal module's documentation
//! (`store/journal.rs`); this file is their one implementation.

use crate::lang::{Sentence, Text, Value};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// A row's hash: SHA-256.
pub type Hash = [u8; 32];

/// The hash "before the first row".
pub const GENESIS: Hash = [0; 32];

/// Starts every hashed content, so that a journal hash is never taken for another one.
const DOMAIN: &[u8] = b"kassa-journal-v1\n";

/// The hashed columns, in the order they are hashed (then `hash`, which is not hashed). The
/// columns after the first [`FIRST_COLUMNS`] were added later: each is hashed only when it is
/// not NULL, so the rows written before it keep their hashes.
pub const HASHED_COLUMNS: [&str; 13] = [
    "id",
    "seq",
    "at",
    "kind",
    "provider",
    "card_masked",
    "sale_id",
    "op_id",
    "amount_minor",
    "currency",
    "outcome",
    "detail",
    "cashier",
];

/// The columns the chain began with (migration 12), always hashed.
pub const FIRST_COLUMNS: usize = 12;

/// Where `seq` is among [`HASHED_COLUMNS`].
const SEQ: usize = 1;

/// The journal row kind that records a manager's acknowledgement of a break.
pub const BREAK_SEEN: &str = "journal_break_seen";

/// SHA-256 over the domain, the previous row's hash and the row's columns, each as its
/// storage class tag and bytes (see the module documentation of `store/journal.rs`).
pub fn row_hash(prev: &Hash, values: &[ValueRef<'_>; 13]) -> Hash {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(prev);
    let (first, later) = values.split_at(FIRST_COLUMNS);
    let later = later.iter().filter(|v| !matches!(v, ValueRef::Null));
    for value in first.iter().chain(later) {
        match *value {
            ValueRef::Null => h.update([0u8]),
            ValueRef::Integer(i) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            ValueRef::Real(f) => {
                h.update([2u8]);
                h.update(f.to_bits().to_be_bytes());
            }
            ValueRef::Text(t) => {
                h.update([3u8]);
                h.update((t.len() as u64).to_be_bytes());
                h.update(t);
            }
            ValueRef::Blob(b) => {
                h.update([4u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    h.finalize().into()
}

/// The first `columns` of a row selected as [`HASHED_COLUMNS`]; the rest NULL.
fn hashed_values<'a>(
    row: &'a rusqlite::Row<'_>,
    columns: usize,
) -> Result<[ValueRef<'a>; 13], rusqlite::Error> {
    let mut values = [ValueRef::Null; 13];
    for (i, v) in values.iter_mut().enumerate().take(columns) {
        *v = row.get_ref(i)?;
    }
    Ok(values)
}

/// Lower-case hex of a hash, as verify prints it.
pub fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is wrong at a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The row's hash does not match its content and the row before: it was changed (or
    /// written by hand with a hash of its own).
    Changed,
    /// Its `seq` jumps: the rows between were deleted.
    Missing,
    /// It is not part of the chain: no `seq` or hash, or a `seq` that was used already.
    Inserted,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Changed => "changed",
            Problem::Missing => "missing",
            Problem::Inserted => "inserted",
        }
    }

    pub fn parse(s: &str) -> Option<Problem> {
        [Problem::Changed, Problem::Missing, Problem::Inserted]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The row where the walk found it (for `missing`, the row after the gap).
    pub id: i64,
    /// For `changed`: the row's seq; for `missing`: the first missing seq; for `inserted`: the
    /// seq the row claims, if any.
    pub seq: Option<i64>,
    pub problem: Problem,
    /// For `missing`: the seq of the row after the gap (the gap is `seq..found_seq`).
    pub found_seq: Option<i64>,
    /// A manager acknowledged it (a `journal_break_seen` row names it).
    pub acknowledged: bool,
}

impl ChainBreak {
    /// One sentence naming the row.
    pub fn describe(&self) -> String {
        self.sentence().to_string()
    }

    /// [`ChainBreak::describe`] as a sentence, said in the till's language.
    pub fn sentence(&self) -> Sentence {
        let seq: Value = self
            .seq
            .map_or_else(|| Text::BreakNoSeq.into(), Value::from);
        match self.problem {
            Problem::Changed => Sentence::new(Text::BreakChanged)
                .with("seq", seq)
                .with("id", self.id),
            Problem::Missing => {
                let found = self.found_seq.unwrap_or(0);
                let last = found - 1;
                let gap = if self.seq == Some(last) {
                    Sentence::new(Text::BreakMissingOne)
                } else {
                    Sentence::new(Text::BreakMissingMany).with("last", last)
                };
                gap.with("seq", seq)
                    .with("found", found)
                    .with("id", self.id)
            }
            Problem::Inserted => Sentence::new(Text::BreakInserted)
                .with("id", self.id)
                .with("seq", seq),
        }
    }
}

/// The newest row the chain goes on from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub id: i64,
    pub seq: i64,
    pub hash: Hash,
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChainReport {
    /// Rows read.
    pub rows: u64,
    /// The row the next one links to, if any row is chained.
    pub head: Option<Head>,
    /// The breaks found, in order (at most [`KEEP_BREAKS`]; `break_count` counts them all).
    pub breaks: Vec<ChainBreak>,
    pub break_count: u64,
}

/// A journal rewritten wholesale breaks at every row: only the first ones are kept.
pub const KEEP_BREAKS: usize = 100;

impl ChainReport {
    /// The first break no manager has acknowledged: the chain is not whole.
    pub fn first_unseen(&self) -> Option<&ChainBreak> {
        self.breaks.iter().find(|b| !b.acknowledged)
    }

    pub fn unseen_count(&self) -> usize {
        self.breaks.iter().filter(|b| !b.acknowledged).count()
    }
}

/// Walks the journal's rows with id greater than `after`'s, in id order, from `after`'s seq
/// and hash (or from the start when `None`), streaming: one row in memory at a time.
///
/// Each row must carry the next seq and the hash of its content over the previous hash. After
/// a break the walk takes the chain up again from the row as it is stored (its seq and hash),
/// as [`super::append`] does: a row without a seq or hash is passed over. Breaks named by a
/// `journal_break_seen` row are marked acknowledged.
pub fn walk(conn: &Connection, after: Option<Head>) -> Result<ChainReport, rusqlite::Error> {
    let from_id = after.map_or(i64::MIN, |h| h.id);
    let seen = acknowledged(conn, from_id)?;
    let mut report = ChainReport {
        head: after,
        ..Default::default()
    };
    let (mut expected, mut prev) = after.map_or((1, GENESIS), |h| (h.seq + 1, h.hash));
    let mut stmt = conn.prepare(&format!(
        "SELECT {}, hash FROM journal WHERE id > ?1 ORDER BY id",
        HASHED_COLUMNS.join(", ")
    ))?;
    let mut rows = stmt.query([from_id])?;
    while let Some(row) = rows.next()? {
        report.rows += 1;
        let values = hashed_values(row, HASHED_COLUMNS.len())?;
        let id: i64 = row.get(0)?;
        let seq = match values[SEQ] {
            ValueRef::Integer(s) => Some(s),
            _ => None,
        };
        let stored: Option<Hash> = match row.get_ref(HASHED_COLUMNS.len())? {
            ValueRef::Blob(b) => b.try_into().ok(),
            _ => None,
        };
        let (Some(seq), Some(stored)) = (seq, stored) else {
            report.found(
                ChainBreak {
                    id,
                    seq,
                    problem: Problem::Inserted,
                    found_seq: None,
                    acknowledged: false,
                },
                &seen,
            );
            continue;
        };
        let problem = if seq < expected {
            Some((Problem::Inserted, seq, None))
        } else if seq > expected {
            Some((Problem::Missing, expected, Some(seq)))
        } else if row_hash(&prev, &values) != stored {
            Some((Problem::Changed, seq, None))
        } else {
            None
        };
        if let Some((problem, at, found_seq)) = problem {
            report.found(
                ChainBreak {
                    id,
                    seq: Some(at),
                    problem,
                    found_seq,
                    acknowledged: false,
                },
                &seen,
            );
        }
        expected = seq + 1;
        prev = stored;
        report.head = Some(Head {
            id,
            seq,
            hash: stored,
        });
    }
    Ok(report)
}

impl ChainReport {
    fn found(&mut self, mut b: ChainBreak, seen: &HashSet<(i64, Problem)>) {
        b.acknowledged = seen.contains(&(b.id, b.problem));
        self.break_count += 1;
        if self.breaks.len() < KEEP_BREAKS {
            self.breaks.push(b);
        }
    }
}

/// The breaks (row id, problem) that `journal_break_seen` rows after `from_id` acknowledge.
fn acknowledged(
    conn: &Connection,
    from_id: i64,
) -> Result<HashSet<(i64, Problem)>, rusqlite::Error> {
    let mut stmt = conn.prepare(&format!(
        "SELECT detail FROM journal WHERE kind = '{BREAK_SEEN}' AND id > ?1"
    ))?;
    let details = stmt.query_map([from_id], |r| r.get::<_, String>(0))?;
    let mut seen = HashSet::new();
    for detail in details {
        let detail: serde_json::Value = serde_json::from_str(&detail?).unwrap_or_default();
        let id = detail["id"].as_i64();
        let problem = detail["problem"].as_str().and_then(Problem::parse);
        if let (Some(id), Some(problem)) = (id, problem) {
            seen.insert((id, problem));
        }
    }
    Ok(seen)
}

/// Where the next row goes: the newest row's id (0 when the journal is empty), and the row it
/// links to — the newest row with a seq and a 32-byte hash (a row without them is passed over,
/// as the walk passes over it).
pub fn tail(conn: &Connection) -> Result<(i64, Option<Head>), rusqlite::Error> {
    use rusqlite::OptionalExtension;
    let chained = "typeof(seq) = 'integer' AND typeof(hash) = 'blob' AND length(hash) = 32";
    let newest = conn
        .prepare_cached(&format!(
            "SELECT id, CASE WHEN {chained} THEN seq END, CASE WHEN {chained} THEN hash END
             FROM journal ORDER BY id DESC LIMIT 1"
        ))?
        .query_row([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
            ))
        })
        .optional()?;
    let (newest_id, linked) = match newest {
        None => return Ok((0, None)),
        Some((id, Some(seq), Some(hash))) => (id, Some((id, seq, hash))),
        Some((id, _, _)) => (
            id,
            conn.prepare_cached(&format!(
                "SELECT id, seq, hash FROM journal WHERE {chained} ORDER BY id DESC LIMIT 1"
            ))?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?,
        ),
    };
    Ok((
        newest_id,
        linked.map(|(id, seq, hash): (i64, i64, Vec<u8>)| Head {
            id,
            seq,
            hash: hash.try_into().unwrap_or(GENESIS),
        }),
    ))
}

/// The row before the newest `rows` ones (the walk of the recent rows starts after it), or
/// `None` when the journal has no more rows than that.
pub fn anchor_before_newest(conn: &Connection, rows: u32) -> Result<Option<Head>, rusqlite::Error> {
    use rusqlite::OptionalExtension;
    let before: Option<i64> = conn
        .query_row(
            "SELECT id FROM journal ORDER BY id DESC LIMIT 1 OFFSET ?1",
            [rows],
            |r| r.get(0),
        )
        .optional()?;
    let Some(before) = before else {
        return Ok(None);
    };
    let row = conn
        .query_row(
            "SELECT id, seq, hash FROM journal
             WHERE id <= ?1 AND typeof(seq) = 'integer' AND typeof(hash) = 'blob'
               AND length(hash) = 32
             ORDER BY id DESC LIMIT 1",
            [before],
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Vec<u8>>(2)?)),
        )
        .optional()?;
    Ok(row.map(|(id, seq, hash)| Head {
        id,
        seq,
        hash: hash.try_into().unwrap_or(GENESIS),
    }))
}

/// The migration's hook: gives the rows written before the chain their seq and hash, in id
/// order, a batch at a time. It ran before the later columns existed: only the first
/// [`FIRST_COLUMNS`] are read.
pub fn chain_existing(conn: &Connection) -> Result<(), rusqlite::Error> {
    const BATCH: i64 = 10_000;
    let mut prev = GENESIS;
    let mut seq = 0i64;
    let mut last_id = i64::MIN;
    let mut select = conn.prepare(&format!(
        "SELECT {} FROM journal WHERE id > ?1 ORDER BY id LIMIT ?2",
        HASHED_COLUMNS[..FIRST_COLUMNS].join(", ")
    ))?;
    let mut update = conn.prepare("UPDATE journal SET seq = ?2, hash = ?3 WHERE id = ?1")?;
    loop {
        let mut batch: Vec<(i64, i64, Hash)> = Vec::new();
        let mut rows = select.query(rusqlite::params![last_id, BATCH])?;
        while let Some(row) = rows.next()? {
            seq += 1;
            let id: i64 = row.get(0)?;
            let mut values = hashed_values(row, FIRST_COLUMNS)?;
            values[SEQ] = ValueRef::Integer(seq);
            prev = row_hash(&prev, &values);
            batch.push((id, seq, prev));
        }
        drop(rows);
        let Some(&(last, _, _)) = batch.last() else {
            return Ok(());
        };
        for (id, seq, hash) in &batch {
            update.execute(rusqlite::params![id, seq, hash.as_slice()])?;
        }
        last_id = last;
    }
}
