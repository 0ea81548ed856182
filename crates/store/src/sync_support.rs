//! What the sync engine needs from the store: document heads without loading documents,
//! Automerge sync messages per (document, peer), and per-peer sync states that survive
//! reconnections (only the shared heads are persisted, as Automerge recommends; the rest of
//! a state lives for one session).

use std::collections::BTreeSet;

use automerge::sync::{Message, State, SyncDoc};
use automerge::Automerge;
use rusqlite::{params, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// Checks the records a received message touched before they are committed; an error rolls
/// the whole message back.
pub type TouchCheck<'a> = &'a dyn Fn(&Automerge, &BTreeSet<String>) -> Result<()>;

fn village_of(doc_id: &str) -> Option<String> {
    crate::docs::village_of(doc_id).map(str::to_owned)
}

/// Whether a sync message carries the whole document (Automerge sends one to a peer that has
/// none of it, as `save()`: its columns deflated one by one). Such a message is sent with the
/// columns uncompressed instead, the same document: the sync wire compresses whole bodies,
/// which finds the repetition across columns and records that per-column deflate cannot.
fn is_whole_document(m: &Message) -> bool {
    // A storage chunk: magic (4 bytes), checksum (4), then its type, 0 for a document.
    const DOCUMENT_CHUNK: u8 = 0;
    let mut chunks = m.changes.iter();
    matches!((chunks.next(), chunks.next()), (Some(c), None) if c.get(8) == Some(&DOCUMENT_CHUNK))
}

impl Inner {
    fn sync_state(&mut self, doc_id: &str, peer: &str) -> Result<State> {
        let key = (peer.to_owned(), doc_id.to_owned());
        if let Some(s) = self.sync_states.remove(&key) {
            return Ok(s);
        }
        let saved: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT state FROM sync_states WHERE peer = ?1 AND doc_id = ?2")?
            .query_row(params![peer, doc_id], |r| r.get(0))
            .optional()?;
        Ok(saved
            .and_then(|b| State::decode(&b).ok())
            .unwrap_or_default())
    }
}

impl Store {
    /// Every document with its heads (sorted hex, comma-separated), from the documents table.
    pub fn doc_heads(&self) -> Result<Vec<(String, String)>> {
        let g = self.lock();
        let mut st = g
            .conn
            .prepare_cached("SELECT id, heads FROM documents ORDER BY id")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Local changes not yet acknowledged by a relay.
    pub fn unsynced(&self) -> Result<i64> {
        Ok(self
            .lock()
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }

    /// The newest local change, to mark as synced once a session succeeds.
    pub fn outbox_mark(&self) -> Result<i64> {
        Ok(self
            .lock()
            .conn
            .query_row("SELECT COALESCE(max(seq), 0) FROM outbox", [], |r| r.get(0))?)
    }

    /// After a successful session that started at `mark`: local changes up to it reached the
    /// relay, except those of documents the relay refused.
    pub fn mark_synced(&self, mark: i64, refused: &[String]) -> Result<()> {
        let g = self.lock();
        let mut del = g
            .conn
            .prepare_cached("DELETE FROM outbox WHERE seq <= ?1 AND doc_id = ?2")?;
        let docs: Vec<String> = g
            .conn
            .prepare_cached("SELECT DISTINCT doc_id FROM outbox WHERE seq <= ?1")?
            .query_map([mark], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for d in docs.iter().filter(|d| !refused.contains(d)) {
            del.execute(params![mark, d])?;
        }
        let now = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        crate::set_setting(&g.conn, "last_sync", &now)?;
        Ok(())
    }

    /// Forgets the in-session sync states of a peer: the next messages start from what was
    /// persisted (the shared heads), so a dropped connection never leaves a message "in
    /// flight" that nobody will answer.
    pub fn sync_begin(&self, peer: &str) {
        self.lock().sync_states.retain(|(p, _), _| p != peer);
    }

    /// The next Automerge sync message for `peer` about document `doc_id` (an empty document
    /// if this store does not have it yet), or `None` when there is nothing to say.
    pub fn sync_generate(&self, doc_id: &str, peer: &str) -> Result<Option<Vec<u8>>> {
        let mut g = self.lock();
        let mut state = g.sync_state(doc_id, peer)?;
        // A change the peer says it needs is sent again even if this session sent it before:
        // that message may have been lost with its connection, or answered a stale request.
        if let Some(need) = &state.their_need {
            for h in need {
                state.sent_hashes.remove(h);
            }
        }
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, doc_id)?;
        let mut msg = doc.generate_sync_message(&mut state);
        if let Some(m) = &mut msg {
            if is_whole_document(m) {
                m.changes = doc.save_nocompress().into();
            }
        }
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        Ok(msg.map(Message::encode))
    }

    /// Applies an Automerge sync message from `peer` to document `doc_id` in one transaction:
    /// new changes are persisted, the records they touched re-projected, the peer's shared
    /// heads saved. `check` may refuse what the message touched; then nothing is kept.
    /// Returns whether the document changed.
    pub fn sync_receive(
        &self,
        doc_id: &str,
        peer: &str,
        msg: &[u8],
        check: Option<TouchCheck<'_>>,
    ) -> Result<bool> {
        let message =
            Message::decode(msg).map_err(|e| StoreError::Corrupt(format!("sync message: {e}")))?;
        let mut g = self.lock();
        let mut state = g.sync_state(doc_id, peer)?;
        let shared_before = state.shared_heads.clone();
        let village = village_of(doc_id);
        let now_ms = g.now_ms();
        // The document's new changes and the peer's shared heads commit together: one
        // transaction, one fsync. A message that moves neither (most acknowledgements) writes
        // nothing at all.
        g.conn.execute_batch("BEGIN IMMEDIATE")?;
        let Inner { conn, docs, .. } = &mut *g;
        let result = docs
            .mutate(conn, doc_id, village.as_deref(), now_ms, |doc| {
                let before = doc.get_heads();
                doc.receive_sync_message(&mut state, message)?;
                let after = doc.get_heads();
                // Most messages change nothing (acknowledgements, bloom filters): no diff then.
                let touched = if before == after {
                    BTreeSet::new()
                } else {
                    crate::docs::touched_records(doc, &before, &after)
                };
                if let Some(check) = check {
                    check(doc, &touched)?;
                }
                Ok(Some(touched))
            })
            .and_then(|changed| {
                if state.shared_heads != shared_before {
                    conn.prepare_cached(
                        "INSERT INTO sync_states (peer, doc_id, state) VALUES (?1, ?2, ?3)
                         ON CONFLICT (peer, doc_id) DO UPDATE SET state = excluded.state",
                    )?
                    .execute(params![peer, doc_id, state.encode()])?;
                }
                conn.execute_batch("COMMIT")?;
                Ok(changed)
            });
        let changed = match result {
            Ok(changed) => changed,
            Err(e) => {
                // Nothing of the message is kept: not its changes (the cached document goes
                // too), not the state (the next message starts from what was saved).
                let _ = conn.execute_batch("ROLLBACK");
                docs.evict(doc_id);
                return Err(e);
            }
        };
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        Ok(changed)
    }
}
