//! Which document a record id's projection rows come from, and the records held back.
//!
//! Every record id projected has one row in `record_owner`: the document its rows came from
//! and the type they were written as. Rows are only ever cleared for the owning document, by
//! the type they were written with, so a record of one document never touches the rows of
//! another document or table, whatever its id or type says.
//!
//! A record that cannot be projected is *quarantined* (a row in `quarantine`) instead of
//! failing the whole message or session: its id is already owned by another document, its
//! `type` is in conflict, or its rows could not be written. Which copy of a duplicated id
//! owns it is a function of the documents alone (see [`outranks`]), so the owner and the
//! quarantine are projections like the others: `reindex` rebuilds them and `reindex --check`
//! compares them (the quarantine without its time, which is when this store first saw it).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::engine::doc_id::{DocId, DocKind};
use crate::error::Result;

/// Why a record was quarantined: its id is owned by another document.
pub const DUPLICATE_ID: &str = "duplicate_id";
/// Why a record was quarantined: its `type` holds concurrent values.
pub const TYPE_CONFLICT: &str = "type_conflict";
/// Why a record was quarantined: writing its rows failed (the reason follows a colon).
pub const PROJECTION_FAILED: &str = "projection_failed";

/// Tables this module keeps, rebuilt by `reindex`.
pub(crate) const TABLES: [&str; 2] = ["record_owner", "quarantine"];

/// Canonical queries of these tables (the quarantine's time is left out: it is when this
/// store noticed, not a function of the documents).
pub(crate) const CANONICAL: [(&str, &str); 2] = [
    (
        "record_owner",
        "SELECT record_id, doc_id, kind FROM record_owner ORDER BY record_id",
    ),
    (
        "quarantine",
        "SELECT doc_id, record_id, reason FROM quarantine ORDER BY doc_id, record_id",
    ),
];

/// The document a record id's rows come from, and the type they were written as.
pub(crate) struct Owner {
    pub doc_id: String,
    pub kind: String,
}

/// The owner of record id `id`, if it has rows.
pub(crate) fn owner_of(conn: &Connection, id: &str) -> Result<Option<Owner>> {
    Ok(conn
        .prepare_cached("SELECT doc_id, kind FROM record_owner WHERE record_id = ?1")?
        .query_row([id], |r| {
            Ok(Owner {
                doc_id: r.get(0)?,
                kind: r.get(1)?,
            })
        })
        .optional()?)
}

pub(crate) fn set_owner(conn: &Connection, id: &str, doc_id: &str, kind: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO record_owner (record_id, doc_id, kind) VALUES (?1, ?2, ?3)
         ON CONFLICT (record_id) DO UPDATE SET doc_id = excluded.doc_id, kind = excluded.kind",
    )?
    .execute(params![id, doc_id, kind])?;
    Ok(())
}

pub(crate) fn drop_owner(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM record_owner WHERE record_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Holds back record `id` of document `doc_id` for `reason` (keeping when it was first held).
pub(crate) fn hold(conn: &Connection, doc_id: &str, id: &str, reason: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO quarantine (doc_id, record_id, reason, at)
         VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         ON CONFLICT (doc_id, record_id) DO UPDATE SET reason = excluded.reason",
    )?
    .execute(params![doc_id, id, reason])?;
    Ok(())
}

/// Releases record `id` of document `doc_id` from the quarantine, if it was held.
pub(crate) fn release(conn: &Connection, doc_id: &str, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM quarantine WHERE doc_id = ?1 AND record_id = ?2")?
        .execute(params![doc_id, id])?;
    Ok(())
}

/// Whether record id `id` is owned by, or held in, a document other than `doc_id`.
pub(crate) fn held_elsewhere(conn: &Connection, doc_id: &str, id: &str) -> Result<Option<String>> {
    let owner: Option<String> = conn
        .prepare_cached("SELECT doc_id FROM record_owner WHERE record_id = ?1 AND doc_id != ?2")?
        .query_row(params![id, doc_id], |r| r.get(0))
        .optional()?;
    if owner.is_some() {
        return Ok(owner);
    }
    Ok(conn
        .prepare_cached("SELECT doc_id FROM quarantine WHERE record_id = ?1 AND doc_id != ?2")?
        .query_row(params![id, doc_id], |r| r.get(0))
        .optional()?)
}

fn rank(doc_id: &str) -> u8 {
    match DocId::parse(doc_id).map(|id| id.kind) {
        Some(DocKind::Grid) => 0,
        Some(DocKind::Checkpoint) => 1,
        Some(DocKind::Ledger) => 2,
        Some(DocKind::Isolation) => 3,
        Some(DocKind::Entries) => 4,
        _ => 5,
    }
}

/// Whether document `a`'s copy of a duplicated record id wins over document `b`'s. The grid
/// (villages, groups, policies) wins over every village document, so no village document
/// can take a village's or a group's id; then by kind and by document id. A function of the
/// two ids only, so incremental projection and `reindex` pick the same owner whatever order
/// the documents arrived in. (A relay refuses duplicates: they come only from data an older
/// relay accepted.)
pub(crate) fn outranks(a: &str, b: &str) -> bool {
    (rank(a), a) < (rank(b), b)
}

/// A quarantined record, as `gridbook quarantine` lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantineRow {
    /// The document holding the record.
    pub doc_id: String,
    /// That document as township staff name it: its village and kind (红星村 · 户籍台账).
    pub what: String,
    /// The record id.
    pub record_id: String,
    /// `duplicate_id`, `type_conflict` or `projection_failed: …`.
    pub reason: String,
    /// The document whose rows the record id has instead, if any.
    pub owner_doc: Option<String>,
    /// When this store first held it back (UTC).
    pub at: String,
}

impl crate::Store {
    /// Every quarantined record, by document and record id.
    pub fn quarantine(&self) -> Result<Vec<QuarantineRow>> {
        let g = self.lock();
        let mut st = g.conn.prepare(
            "SELECT q.doc_id, q.record_id, q.reason, o.doc_id, q.at FROM quarantine q
             LEFT JOIN record_owner o ON o.record_id = q.record_id
             ORDER BY q.doc_id, q.record_id",
        )?;
        let mut rows: Vec<QuarantineRow> = st
            .query_map([], |r| {
                Ok(QuarantineRow {
                    doc_id: r.get(0)?,
                    what: String::new(),
                    record_id: r.get(1)?,
                    reason: r.get(2)?,
                    owner_doc: r.get(3)?,
                    at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for row in &mut rows {
            row.what = doc_what(&g.conn, &row.doc_id)?;
        }
        Ok(rows)
    }
}

/// A document as township staff name it: `红星村 · 户籍台账`, or the id when it is not one.
fn doc_what(conn: &Connection, doc_id: &str) -> Result<String> {
    let Some(id) = DocId::parse(doc_id) else {
        return Ok(doc_id.to_owned());
    };
    let kind = crate::engine::rights::kind_zh(id.kind);
    let Some(village) = id.village() else {
        return Ok(kind.to_owned());
    };
    let name: Option<String> = conn
        .query_row("SELECT name FROM villages WHERE id = ?1", [village], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(format!("{} · {kind}", name.as_deref().unwrap_or(village)))
}
