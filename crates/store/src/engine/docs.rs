//! Documents: the write path, over the in-memory cache of `doc_cache.rs`.
//!
//! Every write is one SQLite IMMEDIATE transaction that first brings the cached document up to
//! date from the `chunks` table (another process may have written), then applies one Automerge
//! change, appends its bytes as a chunk and re-projects the records it touched. If anything
//! fails the transaction rolls back and the cached document is dropped, so memory never holds a
//! change that is not on disk.

use std::collections::BTreeSet;

use automerge::transaction::{CommitOptions, Transaction};
use automerge::{ActorId, Automerge, ChangeHash};
use rusqlite::{params, Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::engine::chunks;
use crate::engine::doc_cache::DocCache;
use crate::engine::doc_id::DocId;
use crate::engine::project::{project_record, project_view};
use crate::engine::record::RecordView;
pub use crate::engine::touched::touched_records;
use crate::engine::touched::{project_all, Touched};
use crate::error::{Result, StoreError};

/// How many chunks a document may have before they are folded into one snapshot.
const COMPACT_AFTER: i64 = 256;
/// The audit message stored in every change: who made it and which records it touched.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Audit {
    /// Device name.
    #[serde(rename = "d")]
    pub device: String,
    /// The records touched by the change, each by the first [`AUDIT_ID_CHARS`] characters of
    /// its id (changes written before kept whole ids; both match [`Audit::mentions`]).
    #[serde(rename = "k", default)]
    pub records: Vec<String>,
    /// What the change was (`edit`, `create`, `resolve`, `demo`, …).
    #[serde(rename = "w", default)]
    pub what: String,
    /// The local commit that wrote this change together with changes of other documents (one
    /// edit across documents, e.g. a case event and its control record); empty when the edit
    /// wrote one document. Discarding a refused edit discards all of it (see
    /// [`crate::Store::edited_together`]).
    #[serde(rename = "c", default, skip_serializing_if = "String::is_empty")]
    pub commit: String,
}

/// How many leading characters of a record id an audit message keeps. Enough to pick a
/// record's changes for its history, which then compares the record's values before and after
/// each change: two records sharing a prefix only cost that comparison. Whole UUIDs would
/// repeat in every change what the document already holds as its keys (a sixth of a
/// village's first sync).
pub const AUDIT_ID_CHARS: usize = 8;

impl Audit {
    /// Notes the records a change touched.
    pub fn set_records<'a>(&mut self, ids: impl IntoIterator<Item = &'a String>) {
        self.records = ids
            .into_iter()
            .map(|id| match id.char_indices().nth(AUDIT_ID_CHARS) {
                Some((end, _)) => id[..end].to_owned(),
                None => id.clone(),
            })
            .collect();
        self.records.sort();
        self.records.dedup();
    }

    /// Whether the change may have touched record `id`.
    pub fn mentions(&self, id: &str) -> bool {
        self.records
            .iter()
            .any(|r| !r.is_empty() && id.starts_with(r.as_str()))
    }
}

/// The documents of one store, cached, with the SQLite connection that persists them.
pub struct Docs {
    cache: DocCache,
    actor: ActorId,
    /// The local commit across documents under way, if any (see [`Audit::commit`]).
    pub(crate) commit: Option<String>,
}

/// Handed to write closures: the Automerge transaction and the set of records touched.
pub struct Write<'a, 'b> {
    /// The Automerge transaction.
    pub tx: &'a mut Transaction<'b>,
    touched: &'a mut BTreeSet<String>,
}

impl Write<'_, '_> {
    /// Marks a record as touched so that its projection is recomputed.
    pub fn touch(&mut self, id: &str) {
        self.touched.insert(id.to_owned());
    }
}

impl Docs {
    /// A cache whose documents write as `actor`.
    pub fn new(actor: ActorId) -> Self {
        Self {
            cache: DocCache::new(),
            actor,
            commit: None,
        }
    }

    /// Heads document `id` has had lately in this process, newest first. A set of heads
    /// listed here may have been rolled back since: check the document has them before use.
    pub fn recent_heads(&self, id: &str) -> Vec<Vec<ChangeHash>> {
        self.cache.recent_heads(id)
    }

    /// The actor id this device writes as.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// Drops a document from memory (after a failed write).
    pub fn evict(&mut self, id: &str) {
        self.cache.evict(id);
    }

    /// Keeps up to `docs` documents loaded (never fewer than a store keeps) while the stored
    /// bytes they were built from stay under `bytes`.
    pub fn keep(&mut self, docs: usize, bytes: u64) {
        self.cache.keep(docs, bytes);
    }

    /// The document, brought up to date with what is on disk.
    pub fn get(&mut self, conn: &Connection, id: &str) -> Result<&mut Automerge> {
        self.cache.get(conn, id, &self.actor)
    }

    /// Runs one local write on document `id` inside an IMMEDIATE transaction.
    pub fn write<R>(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        mut audit: Audit,
        now_ms: i64,
        f: impl FnOnce(&mut Write<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        let result = self.write_inner(conn, id, village, &mut audit, now_ms, f);
        if result.is_err() {
            self.evict(id);
        }
        result
    }

    fn write_inner<R>(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        audit: &mut Audit,
        now_ms: i64,
        f: impl FnOnce(&mut Write<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        // Inside a caller's transaction (one event written to two documents, e.g. a case and
        // the township's control list), a savepoint: the caller commits both or neither.
        if conn.is_autocommit() {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = self.write_in(&tx, id, village, audit, now_ms, f)?;
            tx.commit()?;
            Ok(out)
        } else {
            let sp = conn.savepoint()?;
            let out = self.write_in(&sp, id, village, audit, now_ms, f)?;
            sp.commit()?;
            Ok(out)
        }
    }

    fn write_in<R>(
        &mut self,
        tx: &Connection,
        id: &str,
        village: Option<&str>,
        audit: &mut Audit,
        now_ms: i64,
        f: impl FnOnce(&mut Write<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        // This device never makes a change its relay would refuse for its role or scope.
        crate::engine::rights::check_write(tx, id)?;
        let commit = self.commit.clone();
        let doc = self.get(tx, id)?;
        let before = doc.get_heads();
        let mut touched = BTreeSet::new();
        let mut atx = doc.transaction();
        let out = {
            let mut w = Write {
                tx: &mut atx,
                touched: &mut touched,
            };
            match f(&mut w) {
                Ok(out) => out,
                Err(e) => {
                    atx.rollback();
                    return Err(e);
                }
            }
        };
        audit.set_records(&touched);
        if let Some(c) = commit {
            audit.commit = c;
        }
        let message = serde_json::to_string(&audit).unwrap_or_default();
        let (hash, _) = atx.commit_with(
            CommitOptions::default()
                .with_message(message)
                .with_time(now_ms),
        );
        if hash.is_none() {
            return Ok(out);
        }
        let bytes = doc
            .get_last_local_change()
            .map(|c| c.raw_bytes().to_vec())
            .ok_or_else(|| StoreError::Corrupt("committed change not found".into()))?;
        // This device refuses to make what a relay would refuse (a record id used elsewhere,
        // a type set again); the caller's error drops the change with the cached document.
        crate::engine::integrity::check_records(tx, id, doc, &before, &touched)?;
        let may_write = |d: &str| crate::engine::rights::check_write(tx, d).is_ok();
        crate::ledger::merge_check::check_merges(tx, doc, &before, &touched, &may_write)?;
        let heads = doc.get_heads();
        let seq = append_chunk(tx, id, village, &bytes, &heads, now_ms, Made::Here)?;
        let doc = &*doc;
        for rid in &touched {
            project_record(tx, id, village, doc, rid, false)?;
        }
        self.cache.set_seq(id, seq, bytes.len(), heads);
        self.maybe_compact(tx, id)?;
        Ok(out)
    }

    /// Changes document `id` through `f` (applying bytes from elsewhere, or a bulk import),
    /// in one transaction: persists what was new and re-projects only the records it touched.
    /// `f` returns the records it touched, or `None` to have them computed from a diff.
    /// Returns whether anything was new.
    pub fn mutate(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge) -> Result<Option<BTreeSet<String>>>,
    ) -> Result<bool> {
        self.mutate_with(conn, id, village, now_ms, |doc, _| f(doc))
    }

    /// [`Docs::mutate`] with `f` also given the transaction's connection (to check what it
    /// did against the rest of the store before it is kept).
    pub fn mutate_with(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge, &Connection) -> Result<Option<BTreeSet<String>>>,
    ) -> Result<bool> {
        self.mutate_touched(conn, id, village, now_ms, |doc, conn| {
            Ok(match f(doc, conn)? {
                Some(ids) => Touched::Ids(ids),
                None => Touched::Diff,
            })
        })
    }

    /// [`Docs::mutate_with`] for a bulk write that hands over the view of each record it
    /// touched (see [`crate::engine::project::project_view`]) instead of their ids.
    pub fn mutate_views(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge, &Connection) -> Result<Vec<(String, Option<RecordView>)>>,
    ) -> Result<bool> {
        self.mutate_touched(conn, id, village, now_ms, |doc, conn| {
            f(doc, conn).map(Touched::Views)
        })
    }

    fn mutate_touched(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge, &Connection) -> Result<Touched>,
    ) -> Result<bool> {
        let result = self.mutate_inner(conn, id, village, now_ms, f);
        if result.is_err() {
            self.evict(id);
        }
        result
    }

    fn mutate_inner(
        &mut self,
        conn: &mut Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge, &Connection) -> Result<Touched>,
    ) -> Result<bool> {
        // Inside a caller's transaction (a bulk import of several documents), a savepoint: the
        // import commits once. Otherwise a transaction of its own, IMMEDIATE so that another
        // process's write waits instead of failing half-way.
        if conn.is_autocommit() {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = self.mutate_in(&tx, id, village, now_ms, f)?;
            tx.commit()?;
            Ok(changed)
        } else {
            let sp = conn.savepoint()?;
            let changed = self.mutate_in(&sp, id, village, now_ms, f)?;
            sp.commit()?;
            Ok(changed)
        }
    }

    fn mutate_in(
        &mut self,
        tx: &Connection,
        id: &str,
        village: Option<&str>,
        now_ms: i64,
        f: impl FnOnce(&mut Automerge, &Connection) -> Result<Touched>,
    ) -> Result<bool> {
        let doc = self.get(tx, id)?;
        let before = doc.get_heads();
        let touched = f(doc, tx)?;
        let after = doc.get_heads();
        if before == after {
            return Ok(false);
        }
        // A document's first chunk is a full, compressed snapshot.
        let bytes = if before.is_empty() {
            doc.save()
        } else {
            doc.save_after(&before)
        };
        let seq = append_chunk(tx, id, village, &bytes, &after, now_ms, Made::Elsewhere)?;
        let new = before.is_empty();
        match touched {
            Touched::Views(views) => {
                for (rid, view) in views {
                    project_view(tx, id, village, &rid, view, new)?;
                }
            }
            Touched::Ids(ids) => project_all(tx, id, village, doc, &ids, new)?,
            Touched::Diff => {
                let ids = touched_records(doc, &before, &after);
                project_all(tx, id, village, doc, &ids, new)?;
            }
        }
        self.cache.set_seq(id, seq, bytes.len(), after);
        self.maybe_compact(tx, id)?;
        Ok(true)
    }

    fn maybe_compact(&mut self, conn: &Connection, id: &str) -> Result<()> {
        let count: i64 = conn
            .prepare_cached("SELECT chunk_count FROM documents WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if count < COMPACT_AFTER {
            return Ok(());
        }
        self.cache.compact(id, |bytes| {
            chunks::delete(conn, id)?;
            chunks::insert(conn, id, bytes)
        })?;
        conn.prepare_cached("UPDATE documents SET chunk_count = 1 WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }
}

/// Where the change a chunk holds was made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    /// On this device: a local change, unsynced until a relay acknowledges it.
    Here,
    /// Received, or a bulk write (an import, the demo).
    Elsewhere,
}

/// Appends a chunk and updates the document row (its heads, its chunk count and, for a change
/// made here, its count of local changes: see [`crate::engine::sync_support`]); returns the
/// chunk's sequence number.
fn append_chunk(
    conn: &Connection,
    id: &str,
    village: Option<&str>,
    bytes: &[u8],
    heads: &[ChangeHash],
    now_ms: i64,
    made: Made,
) -> Result<i64> {
    let seq = chunks::insert(conn, id, bytes)?;
    let kind = DocId::parse(id).map(|d| d.kind.name()).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO documents (id, kind, village_id, heads, chunk_count, updated_at, local_made)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET heads = excluded.heads,
           chunk_count = chunk_count + 1, updated_at = excluded.updated_at,
           local_made = local_made + excluded.local_made",
    )?
    .execute(params![
        id,
        kind,
        village,
        heads_text(heads),
        now_ms,
        i64::from(made == Made::Here)
    ])?;
    Ok(seq)
}

/// Heads as sorted hex, comma-separated.
pub fn heads_text(heads: &[ChangeHash]) -> String {
    let mut v: Vec<String> = heads.iter().map(ToString::to_string).collect();
    v.sort();
    v.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_keeps_id_prefixes_and_still_finds_whole_ids() {
        let a = "3f2a9c1b-0000-4000-8000-000000000001".to_owned();
        let b = "3f2a9c1b-ffff-4000-8000-000000000002".to_owned();
        let c = "77aa0000-0000-4000-8000-000000000003".to_owned();
        let mut audit = Audit::default();
        audit.set_records([&a, &b, &"短".to_owned()]);
        assert_eq!(audit.records, ["3f2a9c1b", "短"]);
        assert!(audit.mentions(&a) && audit.mentions(&b) && audit.mentions("短"));
        assert!(!audit.mentions(&c));
        // A change written before the prefixes names whole ids; an empty entry names nothing.
        let old = Audit {
            records: vec![c.clone(), String::new()],
            ..Audit::default()
        };
        assert!(old.mentions(&c) && !old.mentions(&a));
    }
}
