//! Refunds in SQLite (`refunds`, `refund_parts`, migration 9). A refund is written whole, with
//! its operations and its journal row, in one `BEGIN IMMEDIATE` transaction: the record of
//! money given back and the operations that give it back exist together or not at all.

use super::model::{PartKind, Refund, RefundKind, RefundPart};
use crate::checkout::records::journal_sale;
use crate::money::Currency;
use crate::outbox::NewOp;
use crate::provider::ProviderId;
use crate::store::stamp::{parse_stamp, stamp};
use crate::store::{bad_column, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

impl Store {
    /// The refunds and voids of a sale, oldest first.
    pub fn refunds_of(&self, sale_id: &str) -> Result<Vec<Refund>, StoreError> {
        let conn = self.conn();
        let ids: Vec<String> = conn
            .prepare_cached("SELECT id FROM refunds WHERE sale_id = ?1 ORDER BY number")?
            .query_map([sale_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut refunds = Vec::with_capacity(ids.len());
        for id in ids {
            refunds.extend(read_refund(&conn, &id)?);
        }
        Ok(refunds)
    }

    /// The refund with this id.
    pub fn refund(&self, id: &str) -> Result<Option<Refund>, StoreError> {
        read_refund(&self.conn(), id)
    }

    /// Writes `refund` (numbered here) with its operations and its journal row.
    pub(crate) fn insert_refund(
        &self,
        refund: &mut Refund,
        ops: &[NewOp],
    ) -> Result<(), StoreError> {
        self.in_tx(|tx| {
            crate::outbox::queue::enqueue_in(tx, ops)?;
            refund.number = tx.query_row(
                "SELECT coalesce(max(number), 0) + 1 FROM refunds",
                [],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO refunds (id, sale_id, number, kind, reason, amount_minor, approved_by,
                        record_op_id, created_at, cashier)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, (SELECT cashier FROM temp.signed_in))",
                params![
                    refund.id,
                    refund.sale_id,
                    refund.number,
                    refund.kind.as_str(),
                    refund.reason,
                    refund.amount_minor,
                    refund.approved_by,
                    refund.record_op_id,
                    stamp(refund.created_at)
                ],
            )?;
            crate::shifts::attach_refund(tx, &refund.id, &refund.sale_id, &refund.currency)?;
            let mut part = tx.prepare_cached(
                "INSERT INTO refund_parts (refund_id, pos, kind, tender_id, provider, card_masked,
                        amount_minor, op_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for p in &refund.parts {
                part.execute(params![
                    refund.id,
                    p.pos,
                    p.kind.as_str(),
                    p.tender_id,
                    p.provider.map(|p| p.as_str()),
                    p.card_masked,
                    p.amount_minor,
                    p.op_id
                ])?;
            }
            let parts: Vec<_> = refund
                .parts
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "kind": p.kind.as_str(),
                        "provider": p.provider.map(|p| p.as_str()),
                        "card": p.card_masked,
                        "amount_minor": p.amount_minor,
                        "op_id": p.op_id,
                    })
                })
                .collect();
            journal_sale(
                tx,
                &refund.sale_id,
                refund.kind.as_str(),
                match refund.kind {
                    RefundKind::Refund => "refunded",
                    RefundKind::Void => "voided",
                },
                Some(refund.amount_minor),
                &refund.currency,
                serde_json::json!({
                    "refund_id": refund.id,
                    "number": refund.number,
                    "sale_number": refund.sale_number,
                    "reason": refund.reason,
                    "approved_by": refund.approved_by,
                    "parts": parts,
                }),
            )
        })
    }
}

fn read_refund(conn: &Connection, id: &str) -> Result<Option<Refund>, StoreError> {
    let head = conn
        .query_row(
            "SELECT r.number, r.kind, r.sale_id, s.number, s.currency, r.reason, r.amount_minor,
                    r.approved_by, r.record_op_id, r.created_at
             FROM refunds r JOIN sales s ON s.id = r.sale_id WHERE r.id = ?1",
            [id],
            |r| {
                let kind: String = r.get(1)?;
                let currency: String = r.get(4)?;
                let created: String = r.get(9)?;
                Ok(Refund {
                    id: id.to_string(),
                    number: r.get(0)?,
                    kind: RefundKind::parse(&kind)
                        .ok_or_else(|| bad_column(1, format!("refund kind '{kind}'")))?,
                    sale_id: r.get(2)?,
                    sale_number: r.get(3)?,
                    currency: Currency::try_from(currency).map_err(|e| bad_column(4, e))?,
                    reason: r.get(5)?,
                    amount_minor: r.get(6)?,
                    approved_by: r.get(7)?,
                    parts: Vec::new(),
                    record_op_id: r.get(8)?,
                    created_at: parse_stamp(&created)
                        .ok_or_else(|| bad_column(9, format!("created_at '{created}'")))?,
                })
            },
        )
        .optional()?;
    let Some(mut refund) = head else {
        return Ok(None);
    };
    refund.parts = conn
        .prepare_cached(
            "SELECT pos, kind, tender_id, provider, card_masked, amount_minor, op_id
             FROM refund_parts WHERE refund_id = ?1 ORDER BY pos",
        )?
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            let provider: Option<String> = r.get(3)?;
            Ok(RefundPart {
                pos: r.get(0)?,
                kind: PartKind::parse(&kind)
                    .ok_or_else(|| bad_column(1, format!("part kind '{kind}'")))?,
                tender_id: r.get(2)?,
                provider: match provider {
                    Some(p) => Some(
                        ProviderId::parse(&p)
                            .ok_or_else(|| bad_column(3, format!("provider '{p}'")))?,
                    ),
                    None => None,
                },
                card_masked: r.get(4)?,
                amount_minor: r.get(5)?,
                op_id: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(refund))
}
