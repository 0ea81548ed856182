//! One request's view of a township on PostgreSQL: the sync engine's [`Replica`].
//!
//! Session state (what was sent, what the peer said) lives for one request only: the next
//! request of the same device may reach another relay process. What persists between
//! requests is what Automerge recommends persisting, the heads shared with each device, in
//! `sync_states`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use automerge::sync::{ChunkList, Message, State, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use gridbook_relay::Selection;
use gridbook_store::docs::{heads_text, touched_records};
use gridbook_store::{assume_peer_has, next_message_wanting, DocId, StoreError, WANTED_MAX};
use gridbook_sync::engine::{Opening, Receipt};
use gridbook_sync::replica::check_touched;
use gridbook_sync::wire::{digest, HeadsDigest};
use gridbook_sync::{Access, Replica, SyncError};

use crate::cache::{lock, Cached};
use crate::error::{PgError, Result};
use crate::sql::{Db, Tx};
use crate::PgStore;

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;

/// How many chunks a document may have before they are folded into one snapshot.
const COMPACT_AFTER: i64 = 256;

/// The documents of one township that one device's request concerns.
pub struct PgView<'a> {
    pg: &'a PgStore,
    township: String,
    selection: Selection,
    /// This request's sync states, by document.
    states: RefCell<HashMap<String, State>>,
    /// Missing dependencies of changes the device sent in this request, by document: asked
    /// for by hash in the answer (see [`next_message_wanting`]), as the SQLite relay does.
    wanted: RefCell<HashMap<String, Vec<ChangeHash>>>,
    /// The cached documents this request has brought up to date, by document: read again
    /// within the request without asking the database for chunks stored since (an answer is
    /// as of the request's first look; what other processes store meanwhile goes with the
    /// device's next sync). Held, so that a document evicted and cached anew is not taken for
    /// one brought up to date.
    caught: RefCell<HashMap<String, Arc<Mutex<Cached>>>>,
}

/// Takes the lock that serializes writes to document `doc` of township `t` in the database,
/// until the transaction ends.
pub(crate) fn lock_doc(tx: &mut Tx<'_>, t: &str, doc: &str) -> Result<()> {
    let key = format!("{t} {doc}");
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&key],
    )?;
    Ok(())
}

/// Brings a cached document up to date with the chunks stored after the ones it holds.
pub(crate) fn catch_up(
    c: &mut impl Db,
    township: &str,
    id: &str,
    cached: &mut Cached,
) -> Result<()> {
    let rows = c.query(
        "SELECT seq, bytes FROM chunks WHERE township = $1 AND doc_id = $2 AND seq > $3
             ORDER BY seq",
        &[&township, &id, &cached.seq],
    )?;
    for r in rows {
        let bytes: &[u8] = r.get(1);
        cached
            .doc
            .load_incremental(bytes)
            .map_err(|e| PgError::Corrupt(id.to_owned(), e.to_string()))?;
        cached.seq = r.get(0);
    }
    Ok(())
}

fn parse_heads(text: &str) -> Option<Vec<ChangeHash>> {
    text.split(',').map(|h| h.parse().ok()).collect()
}

impl<'a> PgView<'a> {
    pub(crate) fn new(pg: &'a PgStore, township: &str, selection: Selection) -> Self {
        PgView {
            pg,
            township: township.to_owned(),
            selection,
            states: RefCell::new(HashMap::new()),
            wanted: RefCell::new(HashMap::new()),
            caught: RefCell::new(HashMap::new()),
        }
    }

    /// This request's state with `peer` about `doc`: from earlier in the request, else the
    /// persisted shared heads.
    fn state(&self, c: &mut impl Db, doc: &str, peer: &str) -> Result<State> {
        if let Some(s) = self.states.borrow_mut().remove(doc) {
            return Ok(s);
        }
        let row = c.query_opt(
            "SELECT state FROM sync_states WHERE township = $1 AND peer = $2 AND doc_id = $3",
            &[&self.township, &peer, &doc],
        )?;
        Ok(row
            .and_then(|r| State::decode(r.get::<_, &[u8]>(0)).ok())
            .unwrap_or_default())
    }

    fn keep(&self, doc: &str, state: State) {
        self.states.borrow_mut().insert(doc.to_owned(), state);
    }

    /// Runs `f` on document `doc` brought up to date (once a request), with this request's
    /// state for `peer`.
    fn with_doc<T>(
        &self,
        doc: &str,
        peer: &str,
        f: impl FnOnce(&mut Automerge, &mut State) -> Result<T>,
    ) -> Result<T> {
        let entry = self.pg.docs.entry(&self.township, doc);
        let mut cached = lock(&entry);
        let current = self
            .caught
            .borrow()
            .get(doc)
            .is_some_and(|e| Arc::ptr_eq(e, &entry));
        let state = self.states.borrow_mut().remove(doc);
        let mut state = match (current, state) {
            (true, Some(state)) => state,
            (_, mut state) => self.pg.with(|c| {
                if !current {
                    if let Err(e) = catch_up(c, &self.township, doc, &mut cached) {
                        self.pg.docs.evict(&self.township, doc);
                        return Err(e);
                    }
                }
                match state.take() {
                    Some(s) => Ok(s),
                    None => self.state(c, doc, peer),
                }
            })?,
        };
        self.caught
            .borrow_mut()
            .insert(doc.to_owned(), Arc::clone(&entry));
        let out = f(&mut cached.doc, &mut state);
        self.keep(doc, state);
        out
    }

    fn assume_list(&self, doc: &str, peer: &str, heads: Vec<ChangeHash>) -> Result<bool> {
        self.with_doc(doc, peer, |d, s| {
            assume_peer_has(d, s, heads).map_err(PgError::from)
        })
    }

    /// Applies a sync message in one transaction holding the document's lock (see the crate
    /// header). A read-only peer's changes are dropped first.
    fn apply(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> Result<bool> {
        let writable = access(doc) == Access::ReadWrite;
        let mut message =
            Message::decode(msg).map_err(|e| StoreError::Corrupt(format!("sync message: {e}")))?;
        if !writable {
            message.changes = ChunkList::empty();
        }
        // Taken once the transaction holds the document (a try that found its connection gone
        // before that runs again).
        let mut message = Some(message);
        let entry = self.pg.docs.entry(&self.township, doc);
        let mut cached = lock(&entry);
        let mut missing = Vec::new();
        let result = self.pg.with(|c| {
            let mut tx = c.transaction()?;
            lock_doc(&mut tx, &self.township, doc)?;
            catch_up(&mut tx, &self.township, doc, &mut cached)?;
            let mut state = self.state(&mut tx, doc, peer)?;
            let shared_before = state.shared_heads.clone();
            let d = &mut cached.doc;
            let before = d.get_heads();
            let message = message.take().ok_or_else(|| {
                StoreError::Corrupt("a sync message applied twice in one request".into())
            })?;
            d.receive_sync_message(&mut state, message)
                .map_err(StoreError::from)?;
            let after = d.get_heads();
            let changed = before != after;
            let mut stored = None;
            // Changes whose dependencies did not come with them wait in the document's queue:
            // the cached document goes once this message is committed, so that they are never
            // kept later as part of another device's message (as the SQLite store does).
            missing = d.get_missing_deps(&[]);
            missing.truncate(WANTED_MAX);
            if changed {
                let touched = touched_records(d, &before, &after);
                check_touched(doc, writable, d, &touched)?;
                if writable {
                    let may_write = |d: &str| access(d) == Access::ReadWrite;
                    let sent = crate::rules::Sent {
                        doc,
                        device: peer,
                        d,
                        before: &before,
                        touched: &touched,
                        may_write: &may_write,
                    };
                    crate::rules::check(&mut tx, &self.township, &sent)?;
                }
                let t = &self.township;
                stored = Some(store_changes(&mut tx, t, doc, d, &before, &after)?);
            }
            if state.shared_heads != shared_before {
                tx.execute(
                    "INSERT INTO sync_states (township, peer, doc_id, state)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (township, peer, doc_id) DO UPDATE SET state = excluded.state",
                    &[&self.township, &peer, &doc, &state.encode()],
                )?;
            }
            let seq = match stored {
                Some(stored) => Some(compact_or_seq(&mut tx, &self.township, doc, d, stored)?),
                None => None,
            };
            tx.commit()?;
            if let Some(seq) = seq {
                cached.seq = cached.seq.max(seq);
            }
            self.keep(doc, state);
            Ok(changed)
        });
        if result.is_err() {
            // Nothing of the message is kept: not in memory either.
            self.pg.docs.evict(&self.township, doc);
            self.states.borrow_mut().remove(doc);
        } else if missing.is_empty() {
            self.wanted.borrow_mut().remove(doc);
            // Brought up to date in the transaction.
            self.caught
                .borrow_mut()
                .insert(doc.to_owned(), Arc::clone(&entry));
        } else {
            // The waiting changes go with the cached document: the answer asks for what they
            // lack by hash instead (Automerge alone would ask for the device's heads, and get
            // the same incomplete changes again).
            self.pg.docs.evict(&self.township, doc);
            self.wanted.borrow_mut().insert(doc.to_owned(), missing);
        }
        result
    }
}

/// Stores the changes of `d` between `before` and `after` in township `t`: one chunk, one row
/// per change (whose key refuses a second change with an actor's sequence number), the
/// document's heads. Inside a transaction that holds the document's lock. Returns the new
/// chunk's sequence number and the document's chunks now stored.
pub(crate) fn store_changes(
    tx: &mut Tx<'_>,
    t: &str,
    doc: &str,
    d: &Automerge,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Result<Stored> {
    // One statement, however many changes a message carries: a round trip fewer is a shorter
    // hold of the document's lock. Its reads see the table as before its own inserts, so a
    // change that takes an actor's sequence number another change has is found; the caller
    // then rolls the transaction back.
    let (mut actors, mut seqs, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    for change in d.get_changes(before) {
        actors.push(change.actor_id().to_bytes().to_vec());
        seqs.push(change.seq() as i64);
        hashes.push(change.hash().0.to_vec());
    }
    let bytes = d.save_after(before);
    let id = DocId::parse(doc);
    let kind = id.map_or("", |id| id.kind.name());
    let village = id.and_then(|id| id.village());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let row = tx.query_one(
        "WITH n AS (
             SELECT * FROM unnest($3::bytea[], $4::bigint[], $5::bytea[]) AS n(actor, seq, hash)
         ), clash AS (
             SELECT min(c.seq) AS seq FROM changes c JOIN n ON c.actor = n.actor AND c.seq = n.seq
              WHERE c.township = $1 AND c.doc_id = $2 AND c.hash <> n.hash
         ), kept AS (
             INSERT INTO changes (township, doc_id, actor, seq, hash)
             SELECT $1, $2, actor, seq, hash FROM n
             ON CONFLICT DO NOTHING
         ), chunk AS (
             INSERT INTO chunks (township, doc_id, bytes) VALUES ($1, $2, $6) RETURNING seq
         ), doc AS (
             INSERT INTO documents (township, id, kind, village_id, heads, chunk_count,
                                    updated_at)
             VALUES ($1, $2, $7, $8, $9, 1, $10)
             ON CONFLICT (township, id) DO UPDATE SET heads = excluded.heads,
               chunk_count = documents.chunk_count + 1, updated_at = excluded.updated_at
             RETURNING chunk_count
         )
         SELECT clash.seq, chunk.seq, doc.chunk_count FROM clash, chunk, doc",
        &[
            &t,
            &doc,
            &actors,
            &seqs,
            &hashes,
            &bytes,
            &kind,
            &village,
            &heads_text(after),
            &now_ms,
        ],
    )?;
    if let Some(seq) = row.get::<_, Option<i64>>(0) {
        return Err(PgError::from(StoreError::Corrupt(format!(
            "a second change with sequence number {seq} of one actor"
        ))));
    }
    let (seq, chunks): (i64, i64) = (row.get(1), row.get(2));
    Ok(Stored { seq, chunks })
}

/// What [`store_changes`] stored: its chunk's sequence number (the document's highest: the
/// document's lock is held) and how many chunks the document has.
pub(crate) struct Stored {
    seq: i64,
    chunks: i64,
}

/// Folds a document's chunks into one snapshot past [`COMPACT_AFTER`]; returns the highest
/// chunk sequence number of the document now stored.
pub(crate) fn compact_or_seq(
    tx: &mut Tx<'_>,
    t: &str,
    doc: &str,
    d: &Automerge,
    stored: Stored,
) -> Result<i64> {
    if stored.chunks < COMPACT_AFTER {
        return Ok(stored.seq);
    }
    tx.execute(
        "DELETE FROM chunks WHERE township = $1 AND doc_id = $2",
        &[&t, &doc],
    )?;
    let seq: i64 = tx
        .query_one(
            "INSERT INTO chunks (township, doc_id, bytes) VALUES ($1, $2, $3) RETURNING seq",
            &[&t, &doc, &d.save()],
        )?
        .get(0);
    tx.execute(
        "UPDATE documents SET chunk_count = 1 WHERE township = $1 AND id = $2",
        &[&t, &doc],
    )?;
    Ok(seq)
}

impl Replica for PgView<'_> {
    fn heads(&self) -> gridbook_sync::Result<Vec<(String, String)>> {
        let sel = &self.selection;
        let kinds: Vec<&str> = sel.kinds.clone();
        let across: Vec<&str> = sel.across.clone();
        let rows = self.pg.with(|c| {
            Ok(match &sel.village {
                Some(v) => c.query(
                    "SELECT id, heads FROM documents WHERE township = $1
                       AND (((village_id = $2 OR village_id IS NULL) AND kind = ANY($3))
                            OR kind = ANY($4))",
                    &[&self.township, v, &kinds, &across],
                )?,
                None => c.query(
                    "SELECT id, heads FROM documents WHERE township = $1 AND kind = ANY($2)",
                    &[&self.township, &kinds],
                )?,
            })
        })?;
        let mut out: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        out.sort_unstable();
        Ok(out)
    }

    fn begin(&self, _peer: &str) {
        self.states.borrow_mut().clear();
        self.wanted.borrow_mut().clear();
        self.caught.borrow_mut().clear();
    }

    fn opening(&self, doc: &str, peer: &str, heads: &str) -> gridbook_sync::Result<Opening> {
        let shared = self.with_doc(doc, peer, |_, s| Ok(s.shared_heads.clone()))?;
        if shared.is_empty() {
            return Ok(Opening::Unshared);
        }
        if heads_text(&shared) == heads || !self.assume_list(doc, peer, shared)? {
            return Ok(Opening::Quiet);
        }
        Ok(match self.generate(doc, peer, true)? {
            Some(m) => Opening::Changes(m),
            None => Opening::Quiet,
        })
    }

    fn assume(
        &self,
        doc: &str,
        peer: &str,
        theirs: Option<&HeadsDigest>,
    ) -> gridbook_sync::Result<bool> {
        let Some(theirs) = theirs else {
            return Ok(self.assume_list(doc, peer, Vec::new())?);
        };
        // The heads shared with the device, or the document's own: either may be theirs.
        let candidates = self.with_doc(doc, peer, |d, s| {
            Ok(vec![s.shared_heads.clone(), d.get_heads()])
        })?;
        for heads in candidates.into_iter().filter(|h| !h.is_empty()) {
            if digest(&heads_text(&heads)) == *theirs {
                return Ok(self.assume_list(doc, peer, heads)?);
            }
        }
        Ok(false)
    }

    fn generate(
        &self,
        doc: &str,
        peer: &str,
        acks: bool,
    ) -> gridbook_sync::Result<Option<Vec<u8>>> {
        let wanted = self.wanted.borrow_mut().remove(doc).unwrap_or_default();
        let msg = self.with_doc(doc, peer, |d, s| {
            Ok(next_message_wanting(d, s, acks, &wanted))
        })?;
        if msg.is_none() && !wanted.is_empty() {
            // Nothing said this time: still wanted next time.
            self.wanted.borrow_mut().insert(doc.to_owned(), wanted);
        }
        Ok(msg)
    }

    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> gridbook_sync::Result<Receipt> {
        let carried = access(doc) != Access::ReadWrite
            && !Message::decode(msg)
                .map_err(|e| SyncError::Malformed(format!("sync message: {e}")))?
                .changes
                .is_empty();
        let changed = self.apply(doc, peer, msg, access)?;
        Ok(Receipt {
            changed,
            refused: carried
                .then(|| "read-only: changes from this device are not accepted".to_owned()),
        })
    }

    fn assume_heads(&self, doc: &str, peer: &str, heads: &str) -> gridbook_sync::Result<bool> {
        match parse_heads(heads) {
            Some(h) if !h.is_empty() => Ok(self.assume_list(doc, peer, h)?),
            _ => Ok(false),
        }
    }
}
