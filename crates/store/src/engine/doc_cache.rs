//! The documents a process holds in memory: the loaded Automerge documents (least recently
//! used dropped first, within a count and a byte bound) and the heads each document had lately.
//! A document is brought up to date from the `chunks` table every time it is handed out, so a
//! cached copy never hides what another process wrote.

use std::collections::{HashMap, VecDeque};

use automerge::{ActorId, Automerge, ChangeHash};
use rusqlite::{params, Connection};

use crate::error::{Result, StoreError};

/// How many documents stay loaded in memory at least: a township's ledgers (about 20) plus its
/// grid, so that a township device or a relay does not reload a document on every session.
/// A store may keep more (see [`DocCache::keep`]).
pub const CACHE_DOCS: usize = 24;
/// How many of a document's latest heads are remembered (in memory, per process). A relay
/// recognises a device whose heads are one of them from the digest in its index alone, and
/// answers its first request with what the device lacks instead of asking first. A busy
/// village document moves its heads a few dozen times a minute; older heads cost a round trip.
const RECENT_HEADS: usize = 128;
/// How many documents keep their recent heads: a relay that runs for months has seen the
/// entries of thousands of checkpoint-days, of which only the latest still move.
const RECENT_DOCS: usize = 512;

struct Cached {
    doc: Automerge,
    seq: i64,
    used: u64,
    /// Bytes of the stored chunks this document was built from (its size on disk, roughly).
    bytes: u64,
}

/// The loaded documents of one store and their recent heads.
pub(crate) struct DocCache {
    cache: HashMap<String, Cached>,
    /// How many documents, and how many of their stored bytes, stay loaded past
    /// [`CACHE_DOCS`] (see [`DocCache::keep`]).
    keep: (usize, u64),
    tick: u64,
    /// Heads each document had lately, newest last (see [`RECENT_HEADS`]), with the tick of
    /// the last one (for keeping [`RECENT_DOCS`] documents).
    recent: HashMap<String, (u64, VecDeque<Vec<ChangeHash>>)>,
}

impl DocCache {
    pub(crate) fn new() -> Self {
        Self {
            cache: HashMap::new(),
            keep: (CACHE_DOCS, 0),
            tick: 0,
            recent: HashMap::new(),
        }
    }

    /// Heads document `id` has had lately in this process, newest first. A set of heads
    /// listed here may have been rolled back since: check the document has them before use.
    pub(crate) fn recent_heads(&self, id: &str) -> Vec<Vec<ChangeHash>> {
        self.recent
            .get(id)
            .map(|(_, r)| r.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    fn note_heads(&mut self, id: &str, heads: Vec<ChangeHash>) {
        self.tick += 1;
        if !self.recent.contains_key(id) && self.recent.len() >= RECENT_DOCS {
            let stalest = self
                .recent
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone());
            if let Some(k) = stalest {
                self.recent.remove(&k);
            }
        }
        let (tick, ring) = self.recent.entry(id.to_owned()).or_default();
        *tick = self.tick;
        if ring.back() == Some(&heads) {
            return;
        }
        if ring.len() >= RECENT_HEADS {
            ring.pop_front();
        }
        ring.push_back(heads);
    }

    /// Drops a document from memory (after a failed write).
    pub(crate) fn evict(&mut self, id: &str) {
        self.cache.remove(id);
    }

    /// Keeps up to `docs` documents loaded (never fewer than [`CACHE_DOCS`]) as long as the
    /// stored bytes they were built from stay under `bytes`: a relay serving many small
    /// villages then does not reload a village's document on most requests, and one serving
    /// large villages still holds no more than [`CACHE_DOCS`] of them.
    pub(crate) fn keep(&mut self, docs: usize, bytes: u64) {
        self.keep = (docs.max(CACHE_DOCS), bytes);
    }

    /// Makes room for one more document: drops those used longest ago while the cache is full.
    fn make_room(&mut self) {
        let (docs, bytes) = self.keep;
        loop {
            let n = self.cache.len();
            let held: u64 = self.cache.values().map(|c| c.bytes).sum();
            if n < CACHE_DOCS || (n < docs && held < bytes) {
                return;
            }
            let oldest = self
                .cache
                .iter()
                .min_by_key(|(_, c)| c.used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.cache.remove(&k),
                None => return,
            };
        }
    }

    /// Document `id`, brought up to date with what is on disk; a document not loaded yet
    /// starts empty and writes as `actor`.
    pub(crate) fn get(
        &mut self,
        conn: &Connection,
        id: &str,
        actor: &ActorId,
    ) -> Result<&mut Automerge> {
        self.tick += 1;
        if !self.cache.contains_key(id) {
            self.make_room();
            let doc = Automerge::new().with_actor(actor.clone());
            self.cache.insert(
                id.to_owned(),
                Cached {
                    doc,
                    seq: 0,
                    used: 0,
                    bytes: 0,
                },
            );
        }
        let tick = self.tick;
        let c = self
            .cache
            .get_mut(id)
            .ok_or_else(|| StoreError::not_found("document", id))?;
        c.used = tick;
        let mut st = conn.prepare_cached(
            "SELECT seq, bytes FROM chunks WHERE doc_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut rows = st.query(params![id, c.seq])?;
        let mut loaded = false;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let bytes: Vec<u8> = r.get(1)?;
            c.doc.load_incremental(&bytes)?;
            c.seq = seq;
            c.bytes += bytes.len() as u64;
            loaded = true;
        }
        if loaded {
            let heads = c.doc.get_heads();
            self.note_heads(id, heads);
        }
        self.cache
            .get_mut(id)
            .map(|c| &mut c.doc)
            .ok_or_else(|| StoreError::not_found("document", id))
    }

    /// Records that document `id` is now at chunk `seq` (`bytes` more bytes) with `heads`.
    pub(crate) fn set_seq(&mut self, id: &str, seq: i64, bytes: usize, heads: Vec<ChangeHash>) {
        if let Some(c) = self.cache.get_mut(id) {
            c.seq = seq;
            c.bytes += bytes as u64;
        }
        self.note_heads(id, heads);
    }

    /// Folds the loaded document `id` into one snapshot: `store` replaces its chunks with
    /// the snapshot's bytes and returns the new chunk's sequence number. Nothing happens to
    /// a document that is not loaded.
    pub(crate) fn compact(
        &mut self,
        id: &str,
        store: impl FnOnce(&[u8]) -> Result<i64>,
    ) -> Result<()> {
        let Some(c) = self.cache.get_mut(id) else {
            return Ok(());
        };
        let bytes = c.doc.save();
        c.seq = store(&bytes)?;
        c.bytes = bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
#[path = "doc_cache_tests.rs"]
mod tests;
