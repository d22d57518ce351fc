//! Schema versions. Append a migration; never edit one that has shipped.

use rusqlite::Transaction;
use rusqlite_migration::{HookResult, Migrations, M};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
        -- Everything the till did, in order: look-ups, sales, tenders, operation outcomes.
        CREATE TABLE journal (
            id           INTEGER PRIMARY KEY,
            at           TEXT NOT NULL,          -- RFC 3339, UTC
            kind         TEXT NOT NULL,          -- lookup | sale | tender | op | review ...
            provider     TEXT,
            card_masked  TEXT,
            sale_id      TEXT,
            op_id        TEXT,
            amount_minor INTEGER,
            currency     TEXT,
            outcome      TEXT NOT NULL,
            detail       TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX journal_at ON journal(at);

        -- The outbox: every operation that moves money, written before its request leaves.
        CREATE TABLE ops (
            id              TEXT PRIMARY KEY,    -- UUIDv7, also the idempotency key
            sale_id         TEXT,
            provider        TEXT NOT NULL,
            kind            TEXT NOT NULL,       -- redeem | reload | reserve | confirm | cancel | reverse | record_sale
            card_code       TEXT,
            amount_minor    INTEGER NOT NULL,
            currency        TEXT NOT NULL,
            state           TEXT NOT NULL CHECK (state IN
                              ('pending', 'sending', 'succeeded', 'declined', 'unknown', 'reconciling')),
            depends_on      TEXT REFERENCES ops(id),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            hold_expires_at TEXT,
            provider_ref    TEXT,
            last_error      TEXT,
            payload         TEXT NOT NULL DEFAULT '{}',
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        );
        CREATE INDEX ops_due ON ops(state, next_attempt_at);
        CREATE INDEX ops_card ON ops(provider, card_code, created_at);
        "#,
        ),
        M::up(
            r#"
        -- Funds a provider holds for the till (zmyle transaction intents) until it confirms or
        -- cancels them, or they expire (docs/design.md §4.7). Kept across restarts.
        CREATE TABLE holds (
            provider       TEXT NOT NULL,
            intent_id      TEXT NOT NULL,        -- the provider's id of the hold
            op_id          TEXT,                 -- the operation that placed it (its idempotency key)
            card_masked    TEXT NOT NULL,
            amount_minor   INTEGER NOT NULL,
            currency       TEXT NOT NULL,
            expires_at     TEXT NOT NULL,        -- RFC 3339, UTC, whole seconds
            state          TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'cancelled', 'expired')),
            transaction_id TEXT,                 -- the provider's transaction once confirmed
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL,
            PRIMARY KEY (provider, intent_id)
        );
        CREATE INDEX holds_open ON holds(state, expires_at);
        "#,
        ),
        M::up(
            r#"
        -- The outbox engine: when the latest request left (reconciliation searches around it),
        -- and the review list: a reason while a person must decide, then how it was resolved.
        ALTER TABLE ops ADD COLUMN sent_at TEXT;
        ALTER TABLE ops ADD COLUMN review_reason TEXT;
        ALTER TABLE ops ADD COLUMN resolution TEXT;      -- retried | written_off | settled | moot
        ALTER TABLE ops ADD COLUMN resolution_note TEXT;
        ALTER TABLE ops ADD COLUMN resolved_at TEXT;
        CREATE INDEX ops_depends_on ON ops(depends_on);
        "#,
        ),
        M::up(
            r#"
        -- Claiming reads only what is open, in creation order, and stops at the first few:
        -- these partial indexes keep it fast however long the history grows. The queries in
        -- outbox/queue.rs repeat their WHERE terms verbatim so that SQLite can use them.
        CREATE INDEX ops_claimable ON ops(provider) WHERE state IN ('pending', 'unknown');
        CREATE INDEX ops_open_card ON ops(provider, card_code)
            WHERE state NOT IN ('succeeded', 'declined');
        "#,
        ),
        M::up(
            r#"
        -- The checkout (docs/design.md §5): sales, their lines and tenders, persisted at every step so a
        -- restart resumes where the sale was. A tender names the outbox operations that move
        -- its money; a card's full code stays only while its sale is unfinished.
        CREATE TABLE sales (
            id           TEXT PRIMARY KEY,     -- UUIDv7; the back-office basket's reference
            number       INTEGER NOT NULL UNIQUE,
            state        TEXT NOT NULL CHECK (state IN
                           ('open', 'tendering', 'completing', 'completed', 'abandoned')),
            currency     TEXT NOT NULL,
            record_op_id TEXT REFERENCES ops(id),
            note         TEXT,                 -- why it was abandoned
            created_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            finished_at  TEXT
        );
        CREATE INDEX sales_unfinished ON sales(state)
            WHERE state NOT IN ('completed', 'abandoned');
        CREATE INDEX sales_created ON sales(created_at);

        CREATE TABLE sale_lines (
            sale_id          TEXT NOT NULL REFERENCES sales(id),
            pos              INTEGER NOT NULL,
            description      TEXT NOT NULL,
            quantity         INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor > 0),
            PRIMARY KEY (sale_id, pos)
        );

        CREATE TABLE tenders (
            id             TEXT PRIMARY KEY,   -- UUIDv7; the back-office payment's reference
            sale_id        TEXT NOT NULL REFERENCES sales(id),
            pos            INTEGER NOT NULL,
            kind           TEXT NOT NULL CHECK (kind IN ('cash', 'terminal', 'gift_card', 'wallet')),
            provider       TEXT,
            card_code      TEXT,               -- full code, only while the sale is unfinished
            card_masked    TEXT,
            card_key       TEXT,               -- keyed hash of the code
            card_id        TEXT,               -- the provider's id (a wallet's contact)
            amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
            given_minor    INTEGER,            -- cash handed over
            rounding_minor INTEGER NOT NULL DEFAULT 0,
            balance_minor  INTEGER,            -- the card's balance when it was tendered
            state          TEXT NOT NULL CHECK (state IN ('checked', 'holding', 'held',
                             'charging', 'taken', 'offline', 'refused', 'removed')),
            offline_at     TEXT,               -- accepted offline (by the caps or a manager)
            approved_by    TEXT,               -- 'manager' when over a cap
            op_id          TEXT REFERENCES ops(id),
            confirm_op_id  TEXT REFERENCES ops(id),
            undo_op_id     TEXT REFERENCES ops(id),
            message        TEXT,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL
        );
        CREATE INDEX tenders_sale ON tenders(sale_id, pos);
        CREATE INDEX tenders_offline ON tenders(card_key, offline_at) WHERE offline_at IS NOT NULL;

        -- Set once an operation's outcome was unknown: it may have taken effect even when it
        -- is pending again (an idempotent resend), so it can be undone but never withdrawn.
        ALTER TABLE ops ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;

        -- A card's last known balance, under a keyed hash of its code (never the code).
        CREATE TABLE card_balances (
            card_key      TEXT PRIMARY KEY,
            provider      TEXT NOT NULL,
            kind          TEXT NOT NULL,         -- gift_card | prepaid_wallet
            card_id       TEXT NOT NULL,         -- the provider's id (a wallet's contact)
            balance_minor INTEGER NOT NULL,
            currency      TEXT NOT NULL,
            seen_at       TEXT NOT NULL
        );
        "#,
        ),
        M::up(
            r#"
        -- Wrong manager PINs in a row and until when the PIN is locked (manager_pin.rs): one
        -- row, shared by every process on this database, kept across restarts.
        CREATE TABLE pin_attempts (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            failures     INTEGER NOT NULL CHECK (failures >= 0),
            locked_until TEXT
        );
        INSERT INTO pin_attempts (id, failures) VALUES (1, 0);
        "#,
        ),
        M::up(
            r#"
        -- One format for every moment (store/stamp.rs: UTC, milliseconds, fixed width). The
        -- journal wrote RFC 3339 to the nanosecond and the holds to the second before: every
        -- time column is rewritten (one already in the format stays as it is, and a value
        -- SQLite cannot read is left as it was).
        UPDATE journal SET
            at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', at), at);
        UPDATE holds SET
            expires_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', expires_at), expires_at),
            created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
            updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at);
        UPDATE ops SET
            next_attempt_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', next_attempt_at), next_attempt_at),
            hold_expires_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', hold_expires_at), hold_expires_at),
            created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
            updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at),
            sent_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', sent_at), sent_at),
            resolved_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', resolved_at), resolved_at);
        UPDATE sales SET
            created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
            updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at),
            finished_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', finished_at), finished_at);
        UPDATE tenders SET
            offline_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', offline_at), offline_at),
            created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
            updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at);
        UPDATE card_balances SET
            seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', seen_at), seen_at);
        "#,
        ),
        M::up_with_hook(
            r#"
        -- A finished operation keeps its card's code masked only (outbox/card_codes.rs): the
        -- hook masks the codes of the operations finished before. The open holds are looked up
        -- by their reserve each time an operation finishes.
        CREATE INDEX holds_open_op ON holds(op_id) WHERE state = 'open';
        "#,
            forget_finished_codes,
        ),
        M::up(
            r#"
        -- Refunds and voids of completed sales (refunds/): each its own record, linked to its
        -- sale, with its reason; its parts say where each amount went back. A sale is voided
        -- at most once, and only before any refund.
        CREATE TABLE refunds (
            id           TEXT PRIMARY KEY,     -- UUIDv7; the back-office basket's reference
            sale_id      TEXT NOT NULL REFERENCES sales(id),
            number       INTEGER NOT NULL UNIQUE,
            kind         TEXT NOT NULL CHECK (kind IN ('refund', 'void')),
            reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
            approved_by  TEXT,
            record_op_id TEXT REFERENCES ops(id),
            created_at   TEXT NOT NULL
        );
        CREATE INDEX refunds_sale ON refunds(sale_id);
        CREATE UNIQUE INDEX refunds_one_void ON refunds(sale_id) WHERE kind = 'void';

        CREATE TABLE refund_parts (
            refund_id    TEXT NOT NULL REFERENCES refunds(id),
            pos          INTEGER NOT NULL,
            kind         TEXT NOT NULL CHECK (kind IN ('card', 'reload', 'cash', 'terminal')),
            tender_id    TEXT REFERENCES tenders(id),  -- the tender paid back on its own card
            provider     TEXT,
            card_masked  TEXT,
            amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
            op_id        TEXT REFERENCES ops(id),
            PRIMARY KEY (refund_id, pos)
        );
        CREATE INDEX refund_parts_tender ON refund_parts(tender_id) WHERE tender_id IS NOT NULL;
        "#,
        ),
        M::up(
            r#"
        -- Gift cards sold or reloaded as lines of a sale (checkout/card_lines.rs): the card's
        -- provider, what is done to it, its code masked and under the till's keyed hash; the
        -- full code only while the sale is unfinished; the activation or reload queued at
        -- Complete.
        ALTER TABLE sale_lines ADD COLUMN card_provider TEXT;
        ALTER TABLE sale_lines ADD COLUMN card_action TEXT
            CHECK (card_action IN ('sell', 'reload'));
        ALTER TABLE sale_lines ADD COLUMN card_code TEXT;
        ALTER TABLE sale_lines ADD COLUMN card_masked TEXT;
        ALTER TABLE sale_lines ADD COLUMN card_key TEXT;
        ALTER TABLE sale_lines ADD COLUMN card_id TEXT;
        ALTER TABLE sale_lines ADD COLUMN card_wallet INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sale_lines ADD COLUMN card_op_id TEXT REFERENCES ops(id);
        "#,
        ),
        M::up(
            r#"
        -- Shifts (shifts/): a cash float when opened, the counted cash when closed, paid in
        -- and paid out between; at most one open. Sales and refunds name the shift open when
        -- they were made; a closed shift keeps its Z report. Reconciliation against each
        -- provider's own records: one row per shift and provider (pending until it answered)
        -- and each difference found, which stays listed until a manager settles it.
        CREATE TABLE shifts (
            id            INTEGER PRIMARY KEY,  -- the shift's number
            state         TEXT NOT NULL CHECK (state IN ('open', 'closed')),
            currency      TEXT NOT NULL,
            float_minor   INTEGER NOT NULL CHECK (float_minor >= 0),
            opened_by     TEXT NOT NULL CHECK (opened_by IN ('cashier', 'sale')),
            cashier       TEXT,                 -- who opened it, once cashiers sign in
            counted_minor INTEGER CHECK (counted_minor >= 0),
            opened_at     TEXT NOT NULL,
            closed_at     TEXT,
            z_report      TEXT                  -- the Z report as closed (JSON)
        );
        CREATE UNIQUE INDEX shifts_one_open ON shifts(state) WHERE state = 'open';

        CREATE TABLE cash_movements (
            id           INTEGER PRIMARY KEY,
            shift_id     INTEGER NOT NULL REFERENCES shifts(id),
            kind         TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out')),
            amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
            reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            at           TEXT NOT NULL
        );
        CREATE INDEX cash_movements_shift ON cash_movements(shift_id);

        ALTER TABLE sales ADD COLUMN shift_id INTEGER REFERENCES shifts(id);
        ALTER TABLE refunds ADD COLUMN shift_id INTEGER REFERENCES shifts(id);
        CREATE INDEX sales_shift ON sales(shift_id, state);
        CREATE INDEX refunds_shift ON refunds(shift_id);
        CREATE INDEX ops_sale ON ops(sale_id);
        CREATE INDEX ops_created ON ops(created_at);

        CREATE TABLE reconciliations (
            shift_id   INTEGER NOT NULL REFERENCES shifts(id),
            provider   TEXT NOT NULL,
            state      TEXT NOT NULL CHECK (state IN ('pending', 'done')),
            compared   INTEGER NOT NULL DEFAULT 0,  -- operations compared
            message    TEXT,                        -- why it is still pending
            checked_at TEXT NOT NULL,
            PRIMARY KEY (shift_id, provider)
        );

        CREATE TABLE reconciliation_diffs (
            id             INTEGER PRIMARY KEY,
            shift_id       INTEGER NOT NULL REFERENCES shifts(id),
            provider       TEXT NOT NULL,
            kind           TEXT NOT NULL CHECK (kind IN ('missing', 'extra', 'amount')),
            op_id          TEXT NOT NULL DEFAULT '',-- ours (missing, amount)
            provider_ref   TEXT NOT NULL DEFAULT '',-- theirs (extra, amount)
            card_masked    TEXT,
            expected_minor INTEGER,
            actual_minor   INTEGER,
            currency       TEXT NOT NULL,
            found_at       TEXT NOT NULL,
            resolution_note TEXT,
            resolved_at    TEXT,
            UNIQUE (shift_id, provider, kind, op_id, provider_ref)
        );
        CREATE INDEX reconciliation_diffs_open ON reconciliation_diffs(shift_id)
            WHERE resolved_at IS NULL;
        "#,
        ),
        M::up_with_hook(
            r#"
        -- The journal's hash chain (store/journal.rs): each row's number without gaps and the
        -- SHA-256 over its content and the previous row's hash; the hook chains the rows
        -- already there, in id order. The breaks a start found, until a manager has seen them
        -- (a journal_break_seen row, found through the partial index, names each).
        ALTER TABLE journal ADD COLUMN seq INTEGER;
        ALTER TABLE journal ADD COLUMN hash BLOB;
        CREATE INDEX journal_breaks_seen ON journal(id) WHERE kind = 'journal_break_seen';
        CREATE TABLE journal_breaks (
            row_id   INTEGER NOT NULL,     -- the journal row where the chain breaks
            problem  TEXT NOT NULL CHECK (problem IN ('changed', 'missing', 'inserted')),
            seq      INTEGER,
            message  TEXT NOT NULL,        -- the break in words
            found_at TEXT NOT NULL,
            seen_row INTEGER,              -- the journal row of the manager's acknowledgement
            seen_at  TEXT,
            PRIMARY KEY (row_id, problem)
        );
        "#,
            chain_journal,
        ),
        M::up(
            r#"
        -- Cashiers (cashiers.rs): each signs in with a PIN of their own, kept only as its
        -- Argon2id hash; a manager's PIN approves what a cashier may not do. The till's manager
        -- PIN (`kassa manager set-pin`) stays in the secret store and is the manager "Manager".
        -- Journal rows, sales, refunds and shifts name their cashier; a journal row's cashier is
        -- hashed when it is not NULL (store/journal.rs), so the rows before keep their hashes.
        CREATE TABLE cashiers (
            id         INTEGER PRIMARY KEY,
            name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
            role       TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
            pin_hash   TEXT NOT NULL,          -- Argon2id, PHC string
            active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL
        );
        ALTER TABLE journal ADD COLUMN cashier TEXT;
        ALTER TABLE sales ADD COLUMN cashier TEXT;
        ALTER TABLE refunds ADD COLUMN cashier TEXT;
        ALTER TABLE shifts ADD COLUMN closed_by TEXT;
        "#,
        ),
        M::up(
            r#"
        -- A provider's rate budget across the till's processes (store/rate_window.rs): a row per
        -- request let out, pruned to the window, and the "not before" of a 429.
        CREATE TABLE rate_window (
            provider   TEXT NOT NULL,
            sent_at_ms INTEGER NOT NULL    -- ms since the Unix epoch
        );
        CREATE INDEX rate_window_sent ON rate_window(provider, sent_at_ms);
        CREATE TABLE rate_holds (
            provider      TEXT PRIMARY KEY,
            not_before_ms INTEGER NOT NULL
        );
        "#,
        ),
    ])
}

fn chain_journal(tx: &Transaction) -> HookResult {
    Ok(crate::store::journal::chain::chain_existing(tx)?)
}

fn forget_finished_codes(tx: &Transaction) -> HookResult {
    Ok(crate::outbox::card_codes::forget_all_codes(tx)?)
}

#[cfg(test)]
mod tests {
    use crate::store::stamp::parse_stamp;
    use rusqlite::Connection;

    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }

    #[test]
    fn times_written_in_the_old_formats_are_rewritten_in_the_one_format() {
        let mut conn = Connection::open_in_memory().unwrap();
        let migrations = super::migrations();
        migrations.to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO journal (at, kind, outcome)
                 VALUES ('2026-11-30T06:01:19.123456789Z', 'lookup', 'ok');
             INSERT INTO holds (provider, intent_id, card_masked, amount_minor, currency,
                                expires_at, state, created_at, updated_at)
                 VALUES ('zmyle', 'i1', '••••0001', 500, 'EUR', '2026-11-30T06:31:19Z', 'open',
                         '2026-11-30T06:01:19Z', '2026-11-30T06:01:19Z');",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let at: String = conn
            .query_row("SELECT at FROM journal", [], |r| r.get(0))
            .unwrap();
        assert_eq!(at, "2026-11-30T06:01:19.123Z");
        let (expires, created): (String, String) = conn
            .query_row("SELECT expires_at, created_at FROM holds", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(expires, "2026-11-30T06:31:19.000Z");
        assert_eq!(created, "2026-11-30T06:01:19.000Z");
        assert!([at, expires, created]
            .iter()
            .all(|t| parse_stamp(t).is_some()));
    }

    #[test]
    fn the_codes_of_operations_finished_before_the_rule_are_masked_by_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.sqlite3");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        super::migrations().to_version(&mut conn, 7).unwrap();
        let op = |id: &str, code: &str, state: &str, review: Option<&str>| {
            conn.execute(
                "INSERT INTO ops (id, provider, kind, card_code, amount_minor, currency, state,
                                  review_reason, created_at, updated_at)
                 VALUES (?1, 'leat', 'redeem', ?2, 500, 'EUR', ?3, ?4,
                         '2026-11-30T06:01:19.000Z', '2026-11-30T06:01:19.000Z')",
                rusqlite::params![id, code, state, review],
            )
            .unwrap();
        };
        op("done", "4165100001", "succeeded", None);
        op("waiting", "4165100002", "pending", None);
        op(
            "in-review",
            "4165100003",
            "declined",
            Some("Insufficient balance"),
        );
        op("held", "QTHX-0004", "succeeded", None);
        conn.execute(
            "INSERT INTO holds (provider, intent_id, op_id, card_masked, amount_minor, currency,
                                expires_at, state, created_at, updated_at)
             VALUES ('zmyle', 'i1', 'held', '••••0004', 500, 'EUR', '2026-11-30T06:31:19.000Z',
                     'open', '2026-11-30T06:01:19.000Z', '2026-11-30T06:01:19.000Z')",
            [],
        )
        .unwrap();
        drop(conn);
        let s = crate::store::Store::open(&path).unwrap();
        let code = |id: &str| s.op(id).unwrap().unwrap().card_code.unwrap();
        assert_eq!(code("done"), "••••0001");
        assert_eq!(code("waiting"), "4165100002");
        assert_eq!(code("in-review"), "4165100003");
        assert_eq!(code("held"), "QTHX-0004", "the reserve of an open hold");
    }
}
