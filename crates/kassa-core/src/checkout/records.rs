//! Sales in SQLite (`sales`, `sale_lines`, `tenders`, `card_balances`, migration 5). A sale is
//! written whole, with the operations its step puts in the outbox, in one `BEGIN IMMEDIATE`
//! transaction: a tender and the redemption that charges it exist together or not at all.

use super::model::{CardLine, Line, Sale, SaleState, Tender, TenderState};
use crate::money::{Currency, Money};
use crate::outbox::queue::withdraw_in;
use crate::outbox::NewOp;
use crate::provider::{CardKind, ProviderId};
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{bad_column, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use time::OffsetDateTime;

/// How far an operation has got, as a waiting checkout needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct OpProgress {
    pub id: String,
    pub state: crate::outbox::OpState,
    pub attempts: u32,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

/// A card as last seen here: enough to take it offline (a wallet's contact included), never
/// its code.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownCard {
    pub provider: ProviderId,
    pub kind: CardKind,
    pub card_id: String,
    /// What could be spent when it was seen.
    pub balance: Money,
    pub seen_at: OffsetDateTime,
}

/// What a step of the checkout writes besides the sale.
#[derive(Default)]
pub(crate) struct Effects {
    /// New operations (a hold, redemptions, confirms, the back-office record).
    pub enqueue: Vec<NewOp>,
    /// Undos, each `after` the operation it undoes: the operation is withdrawn instead when it
    /// has not left, and the undo dropped.
    pub undo: Vec<NewOp>,
}

impl Store {
    /// Runs `f` in one `BEGIN IMMEDIATE` transaction.
    pub(crate) fn in_tx<T>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// A new open sale with the next number.
    pub(crate) fn insert_sale(&self, currency: &Currency) -> Result<Sale, StoreError> {
        let now = OffsetDateTime::now_utc();
        let id = uuid::Uuid::now_v7().to_string();
        let number = self.in_tx(|tx| {
            let number: i64 =
                tx.query_row("SELECT coalesce(max(number), 0) + 1 FROM sales", [], |r| {
                    r.get(0)
                })?;
            tx.execute(
                "INSERT INTO sales (id, number, state, currency, created_at, updated_at, cashier)
                 VALUES (?1, ?2, 'open', ?3, ?4, ?4, (SELECT cashier FROM temp.signed_in))",
                params![id, number, currency.code(), stamp(now)],
            )?;
            crate::shifts::attach_sale(tx, &id, currency)?;
            journal_sale(
                tx,
                &id,
                "sale",
                "opened",
                None,
                currency,
                serde_json::json!({}),
            )?;
            Ok(number)
        })?;
        Ok(Sale {
            id,
            number,
            state: SaleState::Open,
            currency: currency.clone(),
            lines: Vec::new(),
            tenders: Vec::new(),
            record_op_id: None,
            note: None,
            created_at: now,
            finished_at: None,
        })
    }

    /// The sale with this id.
    pub fn sale(&self, id: &str) -> Result<Option<Sale>, StoreError> {
        let conn = self.conn();
        read_sale(&conn, id)
    }

    /// The unfinished sale the till is on, if any (the newest one).
    pub fn current_sale(&self) -> Result<Option<Sale>, StoreError> {
        let conn = self.conn();
        let id: Option<String> = conn
            .query_row(
                "SELECT id FROM sales WHERE state NOT IN ('completed', 'abandoned')
                 ORDER BY number DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        id.map_or(Ok(None), |id| read_sale(&conn, &id))
    }

    /// Every unfinished sale, oldest first.
    pub fn unfinished_sales(&self) -> Result<Vec<Sale>, StoreError> {
        self.sales_of(
            "SELECT id FROM sales WHERE state NOT IN ('completed', 'abandoned')
             ORDER BY number",
            rusqlite::params![],
        )
    }

    /// Sales made since `since` (all when `None`), newest first.
    pub fn sales_since(
        &self,
        since: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Sale>, StoreError> {
        self.sales_of(
            "SELECT id FROM sales WHERE created_at >= ?1 ORDER BY number DESC LIMIT ?2",
            params![since.map_or_else(String::new, stamp), limit],
        )
    }

    /// The sales whose ids `select` lists, in its order.
    fn sales_of(&self, select: &str, args: impl rusqlite::Params) -> Result<Vec<Sale>, StoreError> {
        let conn = self.conn();
        let ids: Vec<String> = conn
            .prepare(select)?
            .query_map(args, |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut sales = Vec::with_capacity(ids.len());
        for id in ids {
            sales.extend(read_sale(&conn, &id)?);
        }
        Ok(sales)
    }

    /// How far these operations have got.
    pub fn op_progress(&self, ids: &[String]) -> Result<Vec<OpProgress>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, state, attempts, next_attempt_at, last_error FROM ops WHERE id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = stmt
                .query_row([id], |r| {
                    let state: String = r.get(1)?;
                    let next: Option<String> = r.get(3)?;
                    Ok(OpProgress {
                        id: r.get(0)?,
                        state: state.parse().map_err(|e| bad_column(1, e))?,
                        attempts: r.get(2)?,
                        next_attempt_at: next.as_deref().and_then(parse_stamp),
                        last_error: r.get(4)?,
                    })
                })
                .optional()?;
            out.extend(row);
        }
        Ok(out)
    }

    /// Keeps a card's balance as its provider just reported it, under its keyed hash.
    pub(crate) fn remember_balance(
        &self,
        card_key: &str,
        known: &KnownCard,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO card_balances (card_key, provider, kind, card_id, balance_minor,
                                        currency, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (card_key) DO UPDATE SET provider = ?2, kind = ?3, card_id = ?4,
                 balance_minor = ?5, currency = ?6, seen_at = ?7",
            params![
                card_key,
                known.provider.as_str(),
                match known.kind {
                    CardKind::GiftCard => "gift_card",
                    CardKind::PrepaidWallet => "prepaid_wallet",
                },
                known.card_id,
                known.balance.minor,
                known.balance.currency.code(),
                stamp(known.seen_at)
            ],
        )?;
        Ok(())
    }

    /// A card's last known balance, if it was ever seen here.
    pub(crate) fn known_card(&self, card_key: &str) -> Result<Option<KnownCard>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT provider, kind, card_id, balance_minor, currency, seen_at
                 FROM card_balances WHERE card_key = ?1",
                [card_key],
                |r| {
                    let provider: String = r.get(0)?;
                    let kind: String = r.get(1)?;
                    let currency: String = r.get(4)?;
                    let seen: String = r.get(5)?;
                    Ok(KnownCard {
                        provider: ProviderId::parse(&provider)
                            .ok_or_else(|| bad_column(0, format!("provider '{provider}'")))?,
                        kind: if kind == "prepaid_wallet" {
                            CardKind::PrepaidWallet
                        } else {
                            CardKind::GiftCard
                        },
                        card_id: r.get(2)?,
                        balance: Money::new(
                            r.get(3)?,
                            Currency::try_from(currency).map_err(|e| bad_column(4, e))?,
                        ),
                        seen_at: parse_stamp(&seen)
                            .ok_or_else(|| bad_column(5, format!("seen_at '{seen}'")))?,
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    /// Money accepted offline on this card since `since`.
    pub(crate) fn offline_on_card_since(
        &self,
        card_key: &str,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM tenders
             WHERE card_key = ?1 AND offline_at IS NOT NULL AND offline_at >= ?2
               AND state = 'offline'",
            params![card_key, stamp(since)],
            |r| r.get(0),
        )?)
    }

    /// Money accepted offline whose operation has not reached its provider yet: the till's
    /// exposure, shown in the status bar until synced.
    pub fn offline_outstanding(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT coalesce(sum(t.amount_minor), 0) FROM tenders t
             JOIN ops o ON o.id = coalesce(t.confirm_op_id, t.op_id)
             WHERE t.offline_at IS NOT NULL AND t.state = 'offline'
               AND o.state NOT IN ('succeeded', 'declined')",
            [],
            |r| r.get(0),
        )?)
    }
}

/// Writes the sale whole (its row, lines and tenders) and enqueues `effects`, inside `tx`. A
/// tender whose undo was dropped (its operation withdrawn) loses its `undo_op_id`; a refused
/// tender's operation leaves the review list.
pub(crate) fn write_sale(
    tx: &Connection,
    sale: &mut Sale,
    effects: &Effects,
) -> Result<(), StoreError> {
    crate::outbox::queue::enqueue_in(tx, &effects.enqueue)?;
    for undo in &effects.undo {
        let undone = undo
            .depends_on
            .as_deref()
            .expect("an undo names what it undoes");
        if withdraw(tx, undone)? {
            for t in &mut sale.tenders {
                if t.undo_op_id.as_deref() == Some(undo.id.as_str()) {
                    t.undo_op_id = None;
                }
            }
        } else {
            crate::outbox::queue::enqueue_in(tx, std::slice::from_ref(undo))?;
        }
    }
    for t in &sale.tenders {
        if let (TenderState::Refused, Some(op)) = (t.state, &t.op_id) {
            settle_refusal(tx, op)?;
        }
    }
    let now = stamp(OffsetDateTime::now_utc());
    tx.execute(
        "UPDATE sales SET state = ?2, record_op_id = ?3, note = ?4, updated_at = ?5,
                finished_at = ?6 WHERE id = ?1",
        params![
            sale.id,
            sale.state.as_str(),
            sale.record_op_id,
            sale.note,
            now,
            sale.finished_at.map(stamp)
        ],
    )?;
    tx.execute("DELETE FROM sale_lines WHERE sale_id = ?1", [&sale.id])?;
    let mut line = tx.prepare_cached(
        "INSERT INTO sale_lines (sale_id, pos, description, quantity, unit_price_minor,
                card_provider, card_action, card_code, card_masked, card_key, card_id,
                card_wallet, card_op_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let keep_code = !sale.state.is_final();
    for l in &sale.lines {
        let card = l.card.as_ref();
        line.execute(params![
            sale.id,
            l.pos,
            l.description,
            l.quantity,
            l.unit_price_minor,
            card.map(|c| c.provider.as_str()),
            card.map(|c| c.action.as_str()),
            card.and_then(|c| c.card_code.as_deref())
                .filter(|_| keep_code),
            card.map(|c| &c.card_masked),
            card.map(|c| &c.card_key),
            card.map(|c| &c.card_id),
            card.is_some_and(|c| c.wallet),
            card.and_then(|c| c.op_id.as_deref()),
        ])?;
    }
    let mut tender = tx.prepare_cached(
        "INSERT INTO tenders (id, sale_id, pos, kind, provider, card_code, card_masked, card_key,
                card_id, amount_minor, given_minor, rounding_minor, balance_minor, state,
                offline_at, approved_by, op_id, confirm_op_id, undo_op_id, message, created_at,
                updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?21)
         ON CONFLICT (id) DO UPDATE SET card_code = ?6, amount_minor = ?10, given_minor = ?11,
                rounding_minor = ?12, balance_minor = ?13, state = ?14, offline_at = ?15,
                approved_by = ?16, op_id = ?17, confirm_op_id = ?18, undo_op_id = ?19,
                message = ?20, updated_at = ?21",
    )?;
    for t in &sale.tenders {
        tender.execute(params![
            t.id,
            sale.id,
            t.pos,
            t.kind.as_str(),
            t.provider.map(|p| p.as_str()),
            if keep_code {
                t.card_code.as_deref()
            } else {
                None
            },
            t.card_masked,
            t.card_key,
            t.card_id,
            t.amount_minor,
            t.given_minor,
            t.rounding_minor,
            t.balance_minor,
            t.state.as_str(),
            t.offline_at.map(stamp),
            t.approved_by,
            t.op_id,
            t.confirm_op_id,
            t.undo_op_id,
            t.message,
            now
        ])?;
    }
    Ok(())
}

/// See [`withdraw_in`]: a tender's operation that has not left is taken back.
pub(crate) fn withdraw(tx: &Connection, op_id: &str) -> Result<bool, StoreError> {
    withdraw_in(tx, op_id, "withdrawn: the tender was taken off the sale")
}

/// An operation the checkout settled itself (a card that refused at the till, whose cashier
/// took another tender) leaves the review list: no money moved, nothing is owed.
pub(crate) fn settle_refusal(tx: &Connection, op_id: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE ops SET resolution = 'moot', resolution_note = ?2, resolved_at = ?3
         WHERE id = ?1 AND state = 'declined' AND resolved_at IS NULL",
        params![
            op_id,
            "refused at the till; the cashier was told and the tender taken off",
            stamp(OffsetDateTime::now_utc())
        ],
    )?;
    crate::outbox::card_codes::forget_codes(tx, [op_id])?;
    Ok(())
}

impl Store {
    /// The cashier who started the sale (signed in when it opened), if one was.
    pub fn sale_cashier(&self, sale_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT cashier FROM sales WHERE id = ?1", [sale_id], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }
}

/// True when the operation belongs to a sale that is still being paid.
pub(crate) fn in_unfinished_sale(conn: &Connection, op_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM ops o JOIN sales s ON s.id = o.sale_id
             WHERE o.id = ?1 AND s.state NOT IN ('completed', 'abandoned')",
            [op_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A journal row about a sale or one of its tenders.
pub(crate) fn journal_sale(
    conn: &Connection,
    sale_id: &str,
    kind: &str,
    outcome: &str,
    amount_minor: Option<i64>,
    currency: &Currency,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    crate::store::journal::append(
        conn,
        &stamp(OffsetDateTime::now_utc()),
        &crate::store::JournalEntry {
            kind: kind.into(),
            sale_id: Some(sale_id.into()),
            amount_minor,
            currency: Some(currency.code().into()),
            outcome: outcome.into(),
            detail,
            ..Default::default()
        },
    )?;
    Ok(())
}

/// A line's card part, from columns 4.. of a `sale_lines` row.
fn read_card_line(r: &rusqlite::Row) -> rusqlite::Result<Option<CardLine>> {
    let Some(provider) = r.get::<_, Option<String>>(4)? else {
        return Ok(None);
    };
    let action: String = r.get(5)?;
    Ok(Some(CardLine {
        provider: ProviderId::parse(&provider)
            .ok_or_else(|| bad_column(4, format!("provider '{provider}'")))?,
        action: action.parse().map_err(|e| bad_column(5, e))?,
        card_code: r.get(6)?,
        card_masked: r.get(7)?,
        card_key: r.get(8)?,
        card_id: r.get(9)?,
        wallet: r.get(10)?,
        op_id: r.get(11)?,
    }))
}

fn read_sale(conn: &Connection, id: &str) -> Result<Option<Sale>, StoreError> {
    let head = conn
        .query_row(
            "SELECT number, state, currency, record_op_id, note, created_at, finished_at
             FROM sales WHERE id = ?1",
            [id],
            |r| {
                let state: String = r.get(1)?;
                let currency: String = r.get(2)?;
                let created: String = r.get(5)?;
                let finished: Option<String> = r.get(6)?;
                Ok(Sale {
                    id: id.to_string(),
                    number: r.get(0)?,
                    state: state.parse().map_err(|e| bad_column(1, e))?,
                    currency: Currency::try_from(currency).map_err(|e| bad_column(2, e))?,
                    lines: Vec::new(),
                    tenders: Vec::new(),
                    record_op_id: r.get(3)?,
                    note: r.get(4)?,
                    created_at: parse_stamp(&created)
                        .ok_or_else(|| bad_column(5, format!("created_at '{created}'")))?,
                    finished_at: finished.as_deref().and_then(parse_stamp),
                })
            },
        )
        .optional()?;
    let Some(mut sale) = head else {
        return Ok(None);
    };
    let mut lines = conn.prepare_cached(
        "SELECT pos, description, quantity, unit_price_minor, card_provider, card_action,
                card_code, card_masked, card_key, card_id, card_wallet, card_op_id
         FROM sale_lines WHERE sale_id = ?1 ORDER BY pos",
    )?;
    sale.lines = lines
        .query_map([id], |r| {
            Ok(Line {
                pos: r.get(0)?,
                description: r.get(1)?,
                quantity: r.get(2)?,
                unit_price_minor: r.get(3)?,
                card: read_card_line(r)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut tenders = conn.prepare_cached(
        "SELECT id, pos, kind, provider, card_code, card_masked, card_key, card_id,
                amount_minor, given_minor, rounding_minor, balance_minor, state, offline_at,
                approved_by, op_id, confirm_op_id, undo_op_id, message
         FROM tenders WHERE sale_id = ?1 ORDER BY pos",
    )?;
    sale.tenders = tenders
        .query_map([id], |r| {
            let kind: String = r.get(2)?;
            let provider: Option<String> = r.get(3)?;
            let state: String = r.get(12)?;
            let offline_at: Option<String> = r.get(13)?;
            Ok(Tender {
                id: r.get(0)?,
                pos: r.get(1)?,
                kind: kind.parse().map_err(|e| bad_column(2, e))?,
                provider: match provider {
                    Some(p) => Some(
                        ProviderId::parse(&p)
                            .ok_or_else(|| bad_column(3, format!("provider '{p}'")))?,
                    ),
                    None => None,
                },
                card_code: r.get(4)?,
                card_masked: r.get(5)?,
                card_key: r.get(6)?,
                card_id: r.get(7)?,
                amount_minor: r.get(8)?,
                given_minor: r.get(9)?,
                rounding_minor: r.get(10)?,
                balance_minor: r.get(11)?,
                state: state.parse().map_err(|e| bad_column(12, e))?,
                offline_at: offline_at.as_deref().and_then(parse_stamp),
                approved_by: r.get(14)?,
                op_id: r.get(15)?,
                confirm_op_id: r.get(16)?,
                undo_op_id: r.get(17)?,
                message: r.get(18)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(sale))
}
