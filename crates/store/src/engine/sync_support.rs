//! What the sync engine needs from the store: document heads without loading documents,
//! Automerge sync messages per (document, peer), and per-peer sync states that survive
//! reconnections (only the shared heads are persisted, as Automerge recommends; the rest of
//! a state lives for one session).

use std::collections::BTreeSet;

use automerge::sync::{Message, State, SyncDoc};
use automerge::{ChangeHash, ReadDoc};
use rusqlite::{params, OptionalExtension};

use super::received::{Received, TouchCheck};
use super::sync_message::{assume_peer_has, next_message_wanting, WANTED_MAX};
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// The local changes a sync session started from (see [`Store::outbox_mark`]): for each
/// document holding unsynced ones, how many changes had been made here in it by then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxMark {
    made: Vec<(String, i64)>,
}

fn village_of(doc_id: &str) -> Option<String> {
    crate::engine::doc_id::village_of(doc_id).map(str::to_owned)
}

impl Inner {
    pub(crate) fn sync_state(&mut self, doc_id: &str, peer: &str) -> Result<State> {
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

/// Heads from their text (sorted hex, comma-separated); `None` if any is not a hash.
fn parse_heads(text: &str) -> Option<Vec<ChangeHash>> {
    text.split(',').map(|h| h.parse().ok()).collect()
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

    /// How many documents this store holds (a relay's `/metrics`), without reading them.
    pub fn doc_count(&self) -> Result<u64> {
        let g = self.lock();
        let n: i64 = g
            .conn
            .prepare_cached("SELECT count(*) FROM documents")?
            .query_row([], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The documents of village `village` (every village for `None`) and of the documents
    /// that belong to no village (the grid), of the kinds in `kinds`, with their heads as
    /// [`Store::doc_heads`] lists them: what one device's request concerns, from the index
    /// on (village, kind) rather than a scan of every document.
    pub fn doc_heads_in(
        &self,
        village: Option<&str>,
        kinds: &[&str],
    ) -> Result<Vec<(String, String)>> {
        let g = self.lock();
        let mut out = Vec::new();
        for kind in kinds {
            let mut st = match village {
                Some(_) => g.conn.prepare_cached(
                    "SELECT id, heads FROM documents WHERE kind = ?1
                       AND (village_id = ?2 OR village_id IS NULL)",
                )?,
                None => g
                    .conn
                    .prepare_cached("SELECT id, heads FROM documents WHERE kind = ?1")?,
            };
            let mut rows = match village {
                Some(v) => st.query(params![kind, v])?,
                None => st.query(params![kind])?,
            };
            while let Some(r) = rows.next()? {
                out.push((r.get(0)?, r.get(1)?));
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Local changes not yet acknowledged by a relay. Each document's row counts the changes
    /// made here (`local_made`) and how many of them a relay acknowledged (`local_acked`).
    pub fn unsynced(&self) -> Result<i64> {
        Ok(self.lock().conn.query_row(
            "SELECT COALESCE(sum(local_made - local_acked), 0) FROM documents",
            [],
            |r| r.get(0),
        )?)
    }

    /// The documents that hold local changes not yet acknowledged by a relay.
    pub fn unsynced_docs(&self) -> Result<Vec<String>> {
        let g = self.lock();
        let mut q = g.conn.prepare_cached(
            "SELECT id FROM documents WHERE local_made > local_acked ORDER BY id",
        )?;
        let docs = q
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(docs)
    }

    /// The local changes a session starting now will send: to mark as synced once it succeeds.
    pub fn outbox_mark(&self) -> Result<OutboxMark> {
        let g = self.lock();
        let mut q = g.conn.prepare_cached(
            "SELECT id, local_made FROM documents WHERE local_made > local_acked ORDER BY id",
        )?;
        let made = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(OutboxMark { made })
    }

    /// After a successful session that started at `mark`: local changes up to it reached the
    /// relay, except those of documents the relay refused. Changes made during the session
    /// stay unsynced; marking twice, or an older mark after a newer one, changes nothing more.
    pub fn mark_synced(&self, mark: &OutboxMark, refused: &[String]) -> Result<()> {
        let mut g = self.lock();
        let now = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        // One transaction: one write to disk for the whole acknowledgement.
        let tx = g
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut ack = tx.prepare_cached(
                "UPDATE documents SET local_acked = min(local_made, max(local_acked, ?2))
                 WHERE id = ?1",
            )?;
            for (d, made) in mark.made.iter().filter(|(d, _)| !refused.contains(d)) {
                ack.execute(params![d, made])?;
            }
        }
        crate::set_setting(&tx, "last_sync", &now)?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets the in-session sync states of a peer: the next messages start from what was
    /// persisted (the shared heads), so a dropped connection never leaves a message "in
    /// flight" that nobody will answer.
    pub fn sync_begin(&self, peer: &str) {
        let mut g = self.lock();
        g.sync_states.forget(peer);
        g.wanted.forget(peer);
    }

    /// The next Automerge sync message for `peer` about document `doc_id` (an empty document
    /// if this store does not have it yet), or `None` when there is nothing to say. With
    /// `acks == false` a message that would only acknowledge (no changes, nothing needed, the
    /// peer already at this document's heads) is not made: a device ends its session there
    /// instead of spending a round trip on it.
    pub fn sync_generate(&self, doc_id: &str, peer: &str, acks: bool) -> Result<Option<Vec<u8>>> {
        let mut g = self.lock();
        let mut state = g.sync_state(doc_id, peer)?;
        let key = (peer.to_owned(), doc_id.to_owned());
        let wanted = g.wanted.remove(&key).unwrap_or_default();
        let Inner { conn, docs, .. } = &mut *g;
        let msg = next_message_wanting(docs.get(conn, doc_id)?, &mut state, acks, &wanted);
        if msg.is_none() && !wanted.is_empty() {
            // Nothing said this time: still wanted next time.
            g.wanted.insert(key.clone(), wanted);
        }
        g.sync_states.insert(key, state);
        Ok(msg)
    }

    /// A device's opening message to `peer` about document `doc_id`, whose heads are
    /// `heads` (as [`Store::doc_heads`] lists them), for the first request of a session: if
    /// the document moved on since the heads it last shared with `peer`, the changes made
    /// since then, sent at once (the peer has those shared heads: both sides saw them). `None`
    /// when nothing moved here, or nothing was ever shared (the peer is asked first then).
    pub fn sync_opening(&self, doc_id: &str, peer: &str, heads: &str) -> Result<Option<Vec<u8>>> {
        let shared = {
            let mut g = self.lock();
            let state = g.sync_state(doc_id, peer)?;
            let shared = state.shared_heads.clone();
            g.sync_states
                .insert((peer.to_owned(), doc_id.to_owned()), state);
            shared
        };
        if shared.is_empty() || crate::engine::docs::heads_text(&shared) == heads {
            return Ok(None);
        }
        if !self.assume(doc_id, peer, shared)? {
            return Ok(None);
        }
        self.sync_generate(doc_id, peer, true)
    }

    /// Whether this store ever shared heads of document `doc_id` with `peer`.
    pub fn sync_shared_with(&self, doc_id: &str, peer: &str) -> Result<bool> {
        let mut g = self.lock();
        let state = g.sync_state(doc_id, peer)?;
        let shared = !state.shared_heads.is_empty();
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        Ok(shared)
    }

    /// Heads `peer` may be at on document `doc_id`, as text: the shared heads persisted for
    /// it, then the heads this document had lately in this process, newest first. Whoever
    /// recognises the peer's heads among them can call [`Store::sync_assume`].
    pub fn sync_candidate_heads(&self, doc_id: &str, peer: &str) -> Result<Vec<String>> {
        let mut g = self.lock();
        let state = g.sync_state(doc_id, peer)?;
        let mut out = vec![crate::engine::docs::heads_text(&state.shared_heads)];
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        out.extend(
            g.docs
                .recent_heads(doc_id)
                .iter()
                .map(|h| crate::engine::docs::heads_text(h)),
        );
        out.retain(|h| !h.is_empty());
        out.dedup();
        Ok(out)
    }

    /// Takes for this session that `peer` has exactly the heads `heads` (text, as
    /// [`Store::doc_heads`] lists them) of document `doc_id`: the next message carries what it
    /// lacks without asking first. Returns `false`, changing nothing, if `heads` is empty or
    /// not heads, or this store lacks any of them.
    pub fn sync_assume(&self, doc_id: &str, peer: &str, heads: &str) -> Result<bool> {
        match parse_heads(heads) {
            Some(h) if !h.is_empty() => self.assume(doc_id, peer, h),
            _ => Ok(false),
        }
    }

    /// Takes for this session that `peer` has none of document `doc_id` (it did not list it):
    /// the next message is the whole document.
    pub fn sync_assume_none(&self, doc_id: &str, peer: &str) -> Result<bool> {
        self.assume(doc_id, peer, Vec::new())
    }

    fn assume(&self, doc_id: &str, peer: &str, heads: Vec<ChangeHash>) -> Result<bool> {
        let mut g = self.lock();
        let mut state = g.sync_state(doc_id, peer)?;
        let Inner { conn, docs, .. } = &mut *g;
        let known = assume_peer_has(docs.get(conn, doc_id)?, &mut state, heads)?;
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        Ok(known)
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
        let mut missing = Vec::new();
        let result = docs
            .mutate_with(conn, doc_id, village.as_deref(), now_ms, |doc, conn| {
                let before = doc.get_heads();
                doc.receive_sync_message(&mut state, message)?;
                let after = doc.get_heads();
                missing = doc.get_missing_deps(&[]);
                missing.truncate(WANTED_MAX);
                // Most messages change nothing (acknowledgements, bloom filters): no diff then.
                let touched = if before == after {
                    BTreeSet::new()
                } else {
                    crate::engine::docs::touched_records(doc, &before, &after)
                };
                if let Some(check) = check {
                    check(&Received {
                        doc_id,
                        peer,
                        doc,
                        before: &before,
                        touched: &touched,
                        conn,
                        now_ms,
                    })?;
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
        // Changes whose dependencies did not come with them are not kept waiting in memory
        // for a later message (which another peer may send: they would then be checked as
        // that peer's). The document reloads from what was committed, and the next message
        // to this peer asks for the missing dependencies by hash: Automerge alone would ask
        // only for the peer's heads, and get the same incomplete changes again.
        let key = (peer.to_owned(), doc_id.to_owned());
        if missing.is_empty() {
            g.wanted.remove(&key);
        } else {
            docs.evict(doc_id);
            g.wanted.insert(key.clone(), missing);
        }
        g.sync_states.insert(key, state);
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn heads_in_a_scope_are_those_of_its_village_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        store.demo(3, 3, 12, today).unwrap();
        let all = store.doc_heads().unwrap();
        let village = all
            .iter()
            .find_map(|(id, _)| id.strip_prefix("ledger:"))
            .unwrap()
            .to_owned();
        let kinds = ["grid", "ledger"];
        let want: Vec<(String, String)> = all
            .iter()
            .filter(|(id, _)| id.starts_with("grid:") || *id == format!("ledger:{village}"))
            .cloned()
            .collect();
        assert_eq!(want.len(), 2, "{all:?}");
        assert_eq!(store.doc_heads_in(Some(&village), &kinds).unwrap(), want);
        let every = ["grid", "ledger", "care", "gate", "entries", "reports"];
        assert_eq!(store.doc_heads_in(None, &every).unwrap(), all);
        assert!(store
            .doc_heads_in(Some("no-such-village"), &["ledger"])
            .unwrap()
            .is_empty());
    }
}
