//! Moving a township in: copies a township relay's SQLite data (documents, devices, the heads
//! shared with each device, the relay's id) into PostgreSQL, then verifies the copy.
//!
//! Documents are merged, not overwritten: each is loaded from SQLite and applied to what the
//! database holds under the document's write lock, so a second run (or one while relays on
//! PostgreSQL already serve the township) adds only what is missing. Devices keep their ids
//! and token hashes and the township keeps its relay id, so devices sync on without enrolling
//! again: their shared heads with the relay are copied too. One-time enrollment codes keep
//! their hash, device and expiry; a code used on either side stays used. Devices' last syncs
//! come along (the later of the two sides').

use std::collections::HashMap;
use std::path::Path;

use automerge::{Automerge, ReadDoc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{PgError, Result};
use crate::sql::{Db, Tx};
use crate::view::{catch_up, compact_or_seq, lock_doc, store_changes};
use crate::PgStore;

/// What a migration copied and found.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Migrated {
    /// The township moved.
    pub township: String,
    /// Documents in the SQLite relay.
    pub documents: u64,
    /// Of them, documents that gained changes in PostgreSQL in this run.
    pub documents_changed: u64,
    /// Devices in the SQLite registry (all now in PostgreSQL).
    pub devices: u64,
    /// Unused one-time enrollment codes in the SQLite registry (all now in PostgreSQL).
    pub enroll_codes: u64,
    /// Shared-heads records copied (those PostgreSQL did not have yet).
    pub sync_states_copied: u64,
}

fn open_ro(path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// The whole document `id` from the SQLite chunks.
fn sqlite_doc(conn: &Connection, id: &str) -> Result<Automerge> {
    let mut doc = Automerge::new();
    let mut st = conn.prepare_cached("SELECT bytes FROM chunks WHERE doc_id = ?1 ORDER BY seq")?;
    let mut rows = st.query([id])?;
    while let Some(r) = rows.next()? {
        let bytes: Vec<u8> = r.get(0)?;
        doc.load_incremental(&bytes)
            .map_err(|e| PgError::Corrupt(id.to_owned(), e.to_string()))?;
    }
    Ok(doc)
}

/// Copies the township relay in `dir` into `pg` and verifies it (every document present with
/// every head the SQLite relay has, every device present). Safe to repeat.
pub fn migrate(dir: &Path, pg: &PgStore) -> Result<Migrated> {
    use gridbook_relay::Storage;
    let store = gridbook_store::Store::open(dir)?;
    let township = store.township_id()?;
    let relay_id = Storage::relay_id(&store, &township)?;
    drop(store);
    let db = open_ro(&dir.join(gridbook_store::DB_FILE))?;
    let mut out = Migrated {
        township: township.clone(),
        ..Migrated::default()
    };
    let ids: Vec<String> = db
        .prepare("SELECT id FROM documents ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // A relay that never enrolled a device has no registry yet.
    let registry = dir.join("relay.sqlite");
    let (devices, codes, seen) = if registry.exists() {
        read_registry(&open_ro(&registry)?)?
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let states: Vec<(String, String, Vec<u8>)> = db
        .prepare("SELECT peer, doc_id, state FROM sync_states")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let rules = RuleRows::read(&db)?;
    pg.with(|c| {
        let mut tx = c.transaction()?;
        tx.execute(
            "INSERT INTO relays (township, relay_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&township, &relay_id],
        )?;
        let kept: String = tx
            .query_one(
                "SELECT relay_id FROM relays WHERE township = $1",
                &[&township],
            )?
            .get(0);
        if kept != relay_id {
            return Err(PgError::Verify(format!(
                "township {township} is already served in PostgreSQL under relay id {kept}, \
                 not this relay's {relay_id}"
            )));
        }
        write_registry(&mut tx, &township, &devices, &codes)?;
        write_seen(&mut tx, &seen)?;
        rules.write(&mut tx, &township)?;
        tx.commit()?;
        Ok(())
    })?;
    out.devices = devices.len() as u64;
    out.enroll_codes = codes.iter().filter(|c| c.3.is_none()).count() as u64;
    for id in &ids {
        let source = sqlite_doc(&db, id)?;
        if merge_doc(pg, &township, id, &source)? {
            out.documents_changed += 1;
        }
        out.documents += 1;
    }
    out.sync_states_copied = pg.with(|c| {
        let mut tx = c.transaction()?;
        let mut n = 0;
        for (peer, doc, state) in &states {
            n += tx.execute(
                "INSERT INTO sync_states (township, peer, doc_id, state)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&township, peer, doc, state],
            )?;
        }
        tx.commit()?;
        Ok(n)
    })?;
    verify(pg, &township, &db, &ids, devices.len() as u64)?;
    verify_codes(pg, &codes)?;
    Ok(out)
}

/// A device of the SQLite registry: id, name, role, scope, token hash, revoked, created.
type DeviceRow = (String, String, String, String, String, bool, i64);
/// A one-time code of the SQLite registry: hash, device, expiry, when used.
type CodeRow = (String, String, i64, Option<i64>);
/// A device's last sync in the SQLite registry: device, unix seconds.
type SeenRow = (String, i64);

/// Whether the SQLite registry `reg` has table `name` (an older registry lacks some).
fn has_table(reg: &Connection, name: &str) -> Result<bool> {
    Ok(reg.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get(0),
    )?)
}

/// The devices, one-time codes and last syncs of the SQLite registry `reg` (a registry older
/// than the codes has neither of the last two).
fn read_registry(reg: &Connection) -> Result<(Vec<DeviceRow>, Vec<CodeRow>, Vec<SeenRow>)> {
    let devices = reg
        .prepare(
            "SELECT device_id, name, role, scope, token_hash, revoked, created_at FROM devices",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let codes = if has_table(reg, "enroll_codes")? {
        reg.prepare("SELECT code_hash, device_id, expires_at, used_at FROM enroll_codes")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    let seen = if has_table(reg, "device_seen")? {
        reg.prepare("SELECT device_id, last_sync FROM device_seen")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    } else {
        Vec::new()
    };
    Ok((devices, codes, seen))
}

/// Adds the SQLite registry's last syncs (of devices just written): the later of the two
/// sides' for a device that already synced with PostgreSQL.
fn write_seen(tx: &mut Tx<'_>, seen: &[SeenRow]) -> Result<()> {
    for (device, at) in seen {
        tx.execute(
            "INSERT INTO device_seen (device_id, last_sync)
             SELECT device_id, $2::bigint FROM devices WHERE device_id = $1
             ON CONFLICT (device_id) DO UPDATE
               SET last_sync = GREATEST(device_seen.last_sync, excluded.last_sync)",
            &[device, at],
        )?;
    }
    Ok(())
}

/// Adds the devices and codes of the SQLite registry to township `t` in PostgreSQL. A device
/// revoked on either side stays revoked. A device keeps the token PostgreSQL knows once it
/// redeemed a code there; until then it takes the SQLite registry's (which changes when a code
/// is redeemed on the SQLite relay between two runs). A code keeps its hash, device and
/// expiry, and one used on either side stays used.
fn write_registry(
    tx: &mut Tx<'_>,
    t: &str,
    devices: &[DeviceRow],
    codes: &[CodeRow],
) -> Result<()> {
    for d in devices {
        tx.execute(
            "INSERT INTO devices (device_id, township, name, role, scope, token_hash,
               revoked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (device_id) DO UPDATE SET
               revoked = devices.revoked OR excluded.revoked,
               token_hash = CASE WHEN EXISTS (
                   SELECT 1 FROM enroll_codes c
                    WHERE c.device_id = devices.device_id AND c.used_at IS NOT NULL)
                 THEN devices.token_hash ELSE excluded.token_hash END",
            &[&d.0, &t, &d.1, &d.2, &d.3, &d.4, &d.5, &d.6],
        )?;
    }
    for c in codes {
        tx.execute(
            "INSERT INTO enroll_codes (code_hash, device_id, expires_at, used_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (code_hash) DO UPDATE SET used_at = excluded.used_at
             WHERE enroll_codes.used_at IS NULL AND excluded.used_at IS NOT NULL",
            &[&c.0, &c.1, &c.2, &c.3],
        )?;
    }
    Ok(())
}

/// What the SQLite relay looked up to enforce the township's rules (see `crate::rules`).
struct RuleRows {
    /// Record id → its document: the owners first, then the documents holding a record back.
    owners: Vec<(String, String)>,
    /// Actor → (device, when bound).
    actors: Vec<(String, String, i64)>,
    /// Change hash → (device, when received).
    receipts: Vec<(String, String, i64)>,
}

impl RuleRows {
    fn read(db: &Connection) -> Result<RuleRows> {
        let owners = db
            .prepare(
                "SELECT record_id, doc_id FROM record_owner
                 UNION ALL SELECT record_id, doc_id FROM quarantine",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let triples = |sql: &str| -> Result<Vec<(String, String, i64)>> {
            Ok(db
                .prepare(sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?)
        };
        Ok(RuleRows {
            owners,
            actors: triples("SELECT actor, device_id, bound_at FROM actor_devices")?,
            receipts: triples("SELECT hash, device_id, at FROM change_receipts")?,
        })
    }

    /// Adds the rows PostgreSQL lacks for township `t` (what it has wins: it may be newer).
    fn write(&self, tx: &mut Tx<'_>, t: &str) -> Result<()> {
        // In order: where an id is both owned and held back elsewhere, the owner is kept.
        let (records, docs): (Vec<&str>, Vec<&str>) = self
            .owners
            .iter()
            .map(|(r, d)| (r.as_str(), d.as_str()))
            .unzip();
        tx.execute(
            "INSERT INTO record_owner (township, record_id, doc_id)
             SELECT $1, r, d FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS n(r, d, i)
             ORDER BY i
             ON CONFLICT (township, record_id) DO NOTHING",
            &[&t, &records, &docs],
        )?;
        for (table, key, rows) in [
            ("actor_devices", "actor, device_id, bound_at", &self.actors),
            ("change_receipts", "hash, device_id, at", &self.receipts),
        ] {
            let (a, b, c): (Vec<&str>, Vec<&str>, Vec<i64>) = rows
                .iter()
                .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
                .fold(Default::default(), |mut v, (a, b, c)| {
                    v.0.push(a);
                    v.1.push(b);
                    v.2.push(c);
                    v
                });
            tx.execute(
                &format!(
                    "INSERT INTO {table} (township, {key})
                     SELECT $1, a, b, c FROM unnest($2::text[], $3::text[], $4::bigint[])
                       AS n(a, b, c)
                     ON CONFLICT DO NOTHING"
                ),
                &[&t, &a, &b, &c],
            )?;
        }
        Ok(())
    }
}

/// Applies `source` to document `id` of `township` under its write lock; returns whether the
/// database gained changes.
fn merge_doc(pg: &PgStore, township: &str, id: &str, source: &Automerge) -> Result<bool> {
    let changed = pg.with(|c| {
        let mut tx = c.transaction()?;
        lock_doc(&mut tx, township, id)?;
        let mut cached = crate::cache::Cached {
            doc: Automerge::new(),
            seq: 0,
        };
        catch_up(&mut tx, township, id, &mut cached)?;
        let d = &mut cached.doc;
        let before = d.get_heads();
        let mut theirs = source.clone();
        d.merge(&mut theirs)
            .map_err(|e| PgError::Corrupt(id.to_owned(), e.to_string()))?;
        let after = d.get_heads();
        if before == after {
            return Ok(false);
        }
        let stored = store_changes(&mut tx, township, id, d, &before, &after)?;
        compact_or_seq(&mut tx, township, id, d, stored)?;
        tx.commit()?;
        Ok(true)
    })?;
    pg.docs.evict(township, id);
    Ok(changed)
}

/// Every code of the SQLite registry is in PostgreSQL with its device and expiry, and one
/// used there is used here.
fn verify_codes(pg: &PgStore, codes: &[CodeRow]) -> Result<()> {
    let hashes: Vec<&str> = codes.iter().map(|c| c.0.as_str()).collect();
    let kept: HashMap<String, (String, i64, bool)> = pg.with(|c| {
        let rows = c.query(
            "SELECT code_hash, device_id, expires_at, used_at IS NOT NULL FROM enroll_codes
                  WHERE code_hash = ANY($1)",
            &[&hashes],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
            .collect())
    })?;
    for (hash, device, expires_at, used_at) in codes {
        let good = kept.get(hash).is_some_and(|(d, e, used)| {
            d == device && e == expires_at && (*used || used_at.is_none())
        });
        if !good {
            return Err(PgError::Verify(format!(
                "an enrollment code of device {device} is not in PostgreSQL as in SQLite"
            )));
        }
    }
    Ok(())
}

/// Every SQLite document is in PostgreSQL with all its heads; every device is there.
fn verify(
    pg: &PgStore,
    township: &str,
    db: &Connection,
    ids: &[String],
    devices: u64,
) -> Result<()> {
    let (docs, devs): (i64, i64) = pg.with(|c| {
        let docs: i64 = c
            .query_one(
                "SELECT count(*) FROM documents WHERE township = $1 AND id = ANY($2)",
                &[&township, &ids],
            )?
            .get(0);
        let devs: i64 = c
            .query_one(
                "SELECT count(*) FROM devices WHERE township = $1",
                &[&township],
            )?
            .get(0);
        Ok((docs, devs))
    })?;
    if docs as usize != ids.len() {
        return Err(PgError::Verify(format!(
            "{} documents in SQLite, {docs} of them in PostgreSQL",
            ids.len()
        )));
    }
    if (devs as u64) < devices {
        return Err(PgError::Verify(format!(
            "{devices} devices in SQLite, {devs} in PostgreSQL"
        )));
    }
    for id in ids {
        let source = sqlite_doc(db, id)?;
        let mut copy = crate::cache::Cached {
            doc: Automerge::new(),
            seq: 0,
        };
        pg.with(|c| catch_up(c, township, id, &mut copy))?;
        let missing = source
            .get_heads()
            .into_iter()
            .filter(|h| copy.doc.get_change_by_hash(h).is_none())
            .count();
        if missing > 0 {
            return Err(PgError::Verify(format!(
                "document {id}: {missing} of its heads are not in PostgreSQL"
            )));
        }
    }
    Ok(())
}
