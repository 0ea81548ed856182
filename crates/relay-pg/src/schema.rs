//! The PostgreSQL schema: append-only migrations, numbered in `gridbook_schema`, applied in one
//! transaction under an advisory lock (two relay processes starting at once migrate once); a
//! database newer than this code is refused.

use crate::sql::{Conn, Db};

use crate::error::{PgError, Result};

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a shipped entry.
const MIGRATIONS: &[&str] = &[
    // 1: townships' relay ids, documents, chunks, changes (actor, seq), sync states, devices.
    r#"
    CREATE TABLE relays (
        township TEXT PRIMARY KEY,
        relay_id TEXT NOT NULL
    );
    CREATE TABLE documents (
        township TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        village_id TEXT,
        heads TEXT NOT NULL DEFAULT '',
        chunk_count BIGINT NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (township, id)
    );
    CREATE INDEX documents_scope ON documents (township, village_id, kind);
    CREATE TABLE chunks (
        seq BIGSERIAL PRIMARY KEY,
        township TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        bytes BYTEA NOT NULL
    );
    CREATE INDEX chunks_doc ON chunks (township, doc_id, seq);
    CREATE TABLE changes (
        township TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        actor BYTEA NOT NULL,
        seq BIGINT NOT NULL,
        hash BYTEA NOT NULL,
        PRIMARY KEY (township, doc_id, actor, seq)
    );
    CREATE TABLE sync_states (
        township TEXT NOT NULL,
        peer TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        state BYTEA NOT NULL,
        PRIMARY KEY (township, peer, doc_id)
    );
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        township TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        scope TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        revoked BOOLEAN NOT NULL DEFAULT false,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX devices_township ON devices (township);
    "#,
    // 2: what a township relay on SQLite keeps to enforce the township's rules: the document
    // each record id was created in (ids are unique across a township), the device each actor
    // is bound to, when each change was received and from which device.
    r#"
    CREATE TABLE record_owner (
        township TEXT NOT NULL,
        record_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (township, record_id)
    );
    CREATE TABLE actor_devices (
        township TEXT NOT NULL,
        actor TEXT NOT NULL,
        device_id TEXT NOT NULL,
        bound_at BIGINT NOT NULL,
        PRIMARY KEY (township, actor)
    );
    CREATE INDEX actor_devices_device ON actor_devices (township, device_id);
    CREATE TABLE change_receipts (
        township TEXT NOT NULL,
        hash TEXT NOT NULL,
        device_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (township, hash)
    );
    "#,
    // 3: one-time enrollment codes (gridbook_relay::enroll_codes): the hash of each code, its
    // device (and through it the township), when it expires and when it was used.
    r#"
    CREATE TABLE enroll_codes (
        code_hash TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    CREATE INDEX enroll_codes_device ON enroll_codes (device_id);
    "#,
    // 4: each device's last sync (unix seconds), for the township's device list; written at
    // most once a minute per device, apart from `devices` so that the rows every request reads
    // are not rewritten.
    r#"
    CREATE TABLE device_seen (
        device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
        last_sync BIGINT NOT NULL
    );
    "#,
];

/// The schema version this code writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Advisory lock key of migrations (any constant the documents' keys are unlikely to hit).
const MIGRATION_LOCK: i64 = 0x6772_6964_626f_6f6b;

/// Brings the database to [`SCHEMA_VERSION`], or refuses one that is newer.
pub(crate) fn migrate(c: &mut Conn) -> Result<()> {
    let mut tx = c.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS gridbook_schema (version INTEGER NOT NULL)")?;
    let found: Option<i32> = tx
        .query_opt("SELECT max(version) FROM gridbook_schema", &[])?
        .and_then(|r| r.get(0));
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(PgError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql)?;
        tx.execute("DELETE FROM gridbook_schema", &[])?;
        tx.execute(
            "INSERT INTO gridbook_schema (version) VALUES ($1)",
            &[&(i as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(())
}
