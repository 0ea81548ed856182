//! What a change may do to records and who may have made it: checked on a device before it
//! makes a change and on the relay before it keeps one (the same code, keyed by indexed
//! lookups in this store, a few per touched record).
//!
//! - A record id is unique across the township: a change may create a record only if no
//!   other document owns or holds that id (the grid's villages, groups and policies, the
//!   gate's checkpoints, every other village document, every other day of entries).
//! - A record's `type` is set once, by the change that creates it: a change that sets it
//!   again, or concurrent creations with two types, are refused.
//! - A record is never removed from its document (deleting is a `deleted_at` field), but for
//!   the oldest entries of a device's full log of exports (see
//!   `township::export_log::MAX_ENTRIES`).
//! - A merge names a person the sender may name (see `ledger::merge_check`).
//! - On the relay, a change belongs to the device that sent it (see [`check_authors`]) and
//!   carries its audit message.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ObjType, ReadDoc, ROOT};
use rusqlite::{params, Connection, OptionalExtension};

use crate::engine::doc_id::{DocId, DocKind};
use crate::engine::docs::Audit;
use crate::engine::record::TYPE;
use crate::error::{Result, StoreError};
pub use crate::ledger::merge_check::{check_target_owner, new_merges};

/// Most actor ids one device may write as. An honest device has one (its store's); a few
/// more cover a reinstalled app whose documents were kept. Bounds what a stolen token can
/// make the relay remember.
pub const MAX_ACTORS_PER_DEVICE: i64 = 8;

fn refused(code: &str, zh: String, en: String) -> StoreError {
    StoreError::Refused {
        code: code.to_owned(),
        zh,
        en,
    }
}

/// Checks the records `touched` of document `doc_id`, as `doc` holds them now, against the
/// document at `before` (empty: a document new to this store) and against every other
/// document of this store.
pub(crate) fn check_records(
    conn: &Connection,
    doc_id: &str,
    doc: &Automerge,
    before: &[ChangeHash],
    touched: &BTreeSet<String>,
) -> Result<()> {
    for id in created_records(doc_id, doc, before, touched)? {
        if let Some(other) = crate::engine::owner::held_elsewhere(conn, doc_id, &id)? {
            return Err(duplicate_id(&id, &other));
        }
    }
    Ok(())
}

/// [`check_records`] of records a local bulk write has just created under ids it made itself
/// (time-ordered UUIDs, `ledger::import`), which no earlier change of the document can have
/// used, so there is nothing to compare with the document's history: only that no other
/// document of the township uses them, and that no record of this one has rows under them.
pub(crate) fn check_new_ids(conn: &Connection, doc_id: &str, ids: &[String]) -> Result<()> {
    // One probe per id of the owners' and the held records' tables (as `owner::owner_of` and
    // `owner::held_elsewhere` read them): a record of any document with rows under the id, or
    // one of another document held back.
    let mut st = conn.prepare_cached(
        "SELECT doc_id FROM record_owner WHERE record_id = ?1
         UNION ALL SELECT doc_id FROM quarantine WHERE record_id = ?1 AND doc_id != ?2
         LIMIT 1",
    )?;
    for id in ids {
        let other: Option<String> = st.query_row(params![id, doc_id], |r| r.get(0)).optional()?;
        if let Some(other) = other {
            return Err(duplicate_id(id, &other));
        }
    }
    Ok(())
}

/// Checks what the new changes of `doc` since `before` did to the records `touched`, within
/// the document alone: no record removed or replaced, exactly one type per record, set once
/// at creation. Returns the ids the changes created, which the caller must check are used by
/// no other document of the township (see [`duplicate_id`]): the SQLite store looks them up
/// in `record_owner`, a relay on another engine in its own table.
pub fn created_records(
    doc_id: &str,
    doc: &Automerge,
    before: &[ChangeHash],
    touched: &BTreeSet<String>,
) -> Result<Vec<String>> {
    let mut created = Vec::new();
    let mut removed = Vec::new();
    for id in touched {
        match check_record(doc, before, id)? {
            Touched::Created => created.push(id.clone()),
            Touched::Removed => removed.push(id.clone()),
            Touched::Kept => {}
        }
    }
    if let Some(id) = removed.first() {
        let log = DocId::parse(doc_id).is_some_and(|d| d.kind == DocKind::Exports);
        if !log {
            return Err(refused(
                "record_removed",
                format!("记录 {id} 被从文档中删除（删除只能标记 deleted_at）"),
                format!("record {id} was removed from its document (deleting sets deleted_at)"),
            ));
        }
        crate::township::export_log::check_pruned(doc, before, &removed)?;
    }
    Ok(created)
}

/// What the changes did to one touched record.
enum Touched {
    /// Created it.
    Created,
    /// Removed it from the document (refused but in a full log).
    Removed,
    /// Changed its fields, or nothing.
    Kept,
}

/// The refusal of a record created with id `id`, already used in document `other`.
pub fn duplicate_id(id: &str, other: &str) -> StoreError {
    refused(
        "duplicate_id",
        format!("记录编号 {id} 已在 {other} 中使用"),
        format!("record id {id} is already used in {other}"),
    )
}

/// Checks one touched record (see [`created_records`]); returns what the changes did to it.
fn check_record(doc: &Automerge, before: &[ChangeHash], id: &str) -> Result<Touched> {
    let was = if before.is_empty() {
        Vec::new()
    } else {
        doc.get_all_at(ROOT, id, before)?
    };
    let now = doc.get_all(ROOT, id)?;
    if now.is_empty() {
        if was.is_empty() {
            // Touched but never created (a write that re-projects a record it did not make).
            return Ok(Touched::Kept);
        }
        return Ok(Touched::Removed);
    }
    // Each map under the id (two: created concurrently, e.g. a record with a fixed id such as
    // the township's rules, set on two devices offline) has exactly one type, all the same.
    let mut kind: Option<String> = None;
    for (v, obj) in &now {
        if !matches!(v, automerge::Value::Object(ObjType::Map)) {
            return Err(refused(
                "not_a_record",
                format!("{id} 不是一条记录"),
                format!("{id} is not a record"),
            ));
        }
        let types = doc.get_all(obj, TYPE)?;
        let this = match types.as_slice() {
            [(t, _)] => t.as_str().unwrap_or_default().to_owned(),
            _ => {
                return Err(refused(
                    "type_conflict",
                    format!("记录 {id} 的类型不唯一（{} 个值）", types.len()),
                    format!("record {id} has {} types", types.len()),
                ))
            }
        };
        if kind.as_ref().is_some_and(|k| *k != this) {
            return Err(refused(
                "type_conflict",
                format!("记录 {id} 被同时创建为两种类型"),
                format!("record {id} was created concurrently with two types"),
            ));
        }
        kind = Some(this);
    }
    if was.is_empty() {
        return Ok(Touched::Created);
    }
    for (_, old) in &was {
        if !now.iter().any(|(_, o)| o == old) {
            return Err(refused(
                "record_replaced",
                format!("记录 {id} 被另一条同编号记录替换"),
                format!("record {id} was replaced by another record with its id"),
            ));
        }
        let types_before = doc.get_all_at(old, TYPE, before)?;
        let types_now = doc.get_all(old, TYPE)?;
        let same = types_before.len() == types_now.len()
            && types_before.iter().zip(&types_now).all(|(a, b)| a.1 == b.1);
        if !same {
            return Err(refused(
                "type_changed",
                format!("记录 {id} 的类型在创建后不能再设置"),
                format!("the type of record {id} is set once, at creation"),
            ));
        }
    }
    Ok(Touched::Kept)
}

/// On the relay: checks that every change `doc` received since `before` (empty: all, a
/// document new here) carries an audit message and was authored by device `device_id`, and
/// notes when it was received.
///
/// How the relay learns a device's actors: it binds the actor of a change to the device that
/// first delivers a change by it (trust on first use), and from then on accepts that actor's
/// new changes from that device only. The device could instead declare its actor in its
/// hello; that is no stronger (a device can declare any actor, as it can author changes by
/// any actor), needs a protocol change, and a device whose store outlived an enrollment
/// would have to declare every actor its changes carry anyway. What makes it sound: actor
/// ids are random and unknowable until a change by them reaches the relay, at which point
/// they are bound; a bound actor never moves to another device; a device may have at most
/// [`MAX_ACTORS_PER_DEVICE`]. Changes the relay already holds are not new and pass
/// whoever sends them back. A report's genesis change (made by a fixed actor from the report's
/// id, the same bytes on every device) binds nobody: the relay rebuilds it to recognise it.
pub(crate) fn check_authors(
    conn: &Connection,
    device_id: &str,
    doc: &Automerge,
    before: &[ChangeHash],
    now_ms: i64,
) -> Result<()> {
    let mut bind = conn.prepare_cached(
        "INSERT INTO actor_devices (actor, device_id, bound_at) VALUES (?1, ?2, ?3)",
    )?;
    let mut receipt = conn.prepare_cached(
        "INSERT OR IGNORE INTO change_receipts (hash, device_id, at) VALUES (?1, ?2, ?3)",
    )?;
    for change in new_changes(doc, before)? {
        if let Some(actor) = &change.actor {
            let bound: Option<String> = conn
                .prepare_cached("SELECT device_id FROM actor_devices WHERE actor = ?1")?
                .query_row([actor], |r| r.get(0))
                .optional()?;
            let count = || -> Result<i64> {
                Ok(conn
                    .prepare_cached("SELECT count(*) FROM actor_devices WHERE device_id = ?1")?
                    .query_row([device_id], |r| r.get(0))?)
            };
            if must_bind(&change.hash, device_id, bound.as_deref(), count)? {
                bind.execute(params![actor, device_id, now_ms])?;
            }
        }
        receipt.execute(params![change.hash, device_id, now_ms])?;
    }
    Ok(())
}

/// A change new to the relay, audited (see [`new_changes`]).
pub struct NewChange {
    /// Its hash (hex).
    pub hash: String,
    /// Its actor (hex), to be bound to the sending device; `None` for a report's genesis
    /// change, which binds nobody.
    pub actor: Option<String>,
}

/// The changes of `doc` since `before` (empty: all), each checked for its audit message, with
/// the actor each must be bound to (see [`check_authors`]; [`must_bind`] decides on a binding).
/// Any relay engine calls it on what it is about to keep.
pub fn new_changes(doc: &Automerge, before: &[ChangeHash]) -> Result<Vec<NewChange>> {
    let mut out = Vec::new();
    for meta in doc.get_changes_meta(before) {
        let hash = meta.hash.to_string();
        let audited = meta
            .message
            .as_deref()
            .is_some_and(|m| serde_json::from_str::<Audit>(m).is_ok());
        if !audited {
            return Err(refused(
                "no_audit",
                format!("修改 {} 缺少审计信息", short(&hash)),
                format!("change {} has no audit message", short(&hash)),
            ));
        }
        let actor = meta.actor.to_hex_string();
        let maybe_genesis = meta.seq == 1 && meta.timestamp == 0 && meta.deps.is_empty();
        let genesis = maybe_genesis && crate::reports::submit::is_genesis(&actor, &meta.hash);
        // A report's shared first change: not this device's actor, nothing to bind.
        out.push(NewChange {
            hash,
            actor: (!genesis).then_some(actor),
        });
    }
    Ok(out)
}

/// Whether change `hash`, by an actor bound to device `bound` (`None`: to none yet), may be
/// kept from device `device_id`, and if so whether its actor must now be bound to it.
/// `bound_count` counts the actors already bound to `device_id` (asked only when needed).
pub fn must_bind(
    hash: &str,
    device_id: &str,
    bound: Option<&str>,
    bound_count: impl FnOnce() -> Result<i64>,
) -> Result<bool> {
    match bound {
        Some(d) if d == device_id => Ok(false),
        Some(_) => Err(refused(
            "foreign_actor",
            format!("修改 {} 由另一台设备写入，本设备不能提交", short(hash)),
            format!("change {} was authored by another device", short(hash)),
        )),
        None => {
            if bound_count()? >= MAX_ACTORS_PER_DEVICE {
                return Err(refused(
                    "too_many_actors",
                    format!("本设备的写入者编号已达上限 {MAX_ACTORS_PER_DEVICE} 个"),
                    format!("this device already writes as {MAX_ACTORS_PER_DEVICE} actors"),
                ));
            }
            Ok(true)
        }
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Who the relay received a change from, and when (milliseconds since the epoch).
pub(crate) struct Receipt {
    pub device_id: String,
    pub device_name: Option<String>,
    pub at_ms: Option<i64>,
}

/// The device a change came from by the relay's registry: from its receipt, or else from
/// the device its actor is bound to. `None` where this store never received it (a device,
/// or a change made here).
pub(crate) fn receipt_of(conn: &Connection, hash: &str, actor: &str) -> Result<Option<Receipt>> {
    let got: Option<(String, Option<i64>)> = conn
        .prepare_cached("SELECT device_id, at FROM change_receipts WHERE hash = ?1")?
        .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let got = match got {
        Some(g) => Some(g),
        None => conn
            .prepare_cached("SELECT device_id FROM actor_devices WHERE actor = ?1")?
            .query_row([actor], |r| Ok((r.get(0)?, None)))
            .optional()?,
    };
    let Some((device_id, at_ms)) = got else {
        return Ok(None);
    };
    let device_name = conn
        .prepare_cached("SELECT name FROM device_names WHERE device_id = ?1")?
        .query_row([&device_id], |r| r.get(0))
        .optional()?;
    Ok(Some(Receipt {
        device_id,
        device_name,
        at_ms,
    }))
}

impl crate::Store {
    /// On a relay: remembers the name device `device_id` was enrolled with, for `history`.
    /// Writes only when the name is new or changed.
    pub fn note_device_name(&self, device_id: &str, name: &str) -> Result<()> {
        let g = self.lock();
        g.conn
            .prepare_cached(
                "INSERT INTO device_names (device_id, name) VALUES (?1, ?2)
                 ON CONFLICT (device_id) DO UPDATE SET name = excluded.name
                 WHERE name != excluded.name",
            )?
            .execute(params![device_id, name])?;
        Ok(())
    }

    /// The actor ids (hex) the relay has bound to device `device_id`.
    pub fn device_actors(&self, device_id: &str) -> Result<Vec<String>> {
        let g = self.lock();
        let mut st = g.conn.prepare_cached(
            "SELECT actor FROM actor_devices WHERE device_id = ?1 ORDER BY bound_at, actor",
        )?;
        let rows = st
            .query_map([device_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
