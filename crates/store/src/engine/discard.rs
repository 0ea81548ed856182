//! Going back to the relay's version of a document whose local changes the relay refused
//! (the device's role changed after it made them, or they broke a rule the device did not
//! know yet).
//!
//! What the relay holds of a document is, at least, what this device last shared with it:
//! the shared heads of the device's sync state with the relay (persisted after every round).
//! Every change of the document outside their history is one the relay does not have: this
//! device's unacknowledged changes, and whatever of it depends on them. Discarding rebuilds
//! the document at the shared heads (none shared: the relay has none of the document, which
//! goes whole), clears and re-projects the records those changes touched, and forgets the
//! document's unsynced changes. Anything the relay had beyond the shared heads comes back with
//! the next sync.
//!
//! The device's actor may later make a change with a sequence number it had used for a
//! discarded change. That is safe: the relay refused the discarded changes, so no peer holds
//! them, and Automerge refuses only a second change with the same number in one document.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ReadDoc};
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

use crate::engine::doc_id::village_of;
use crate::engine::docs::{heads_text, touched_records, Audit};
use crate::engine::project::project_record;
use crate::engine::record::read_record;
use crate::error::Result;
use crate::{Inner, Store};

/// A record that discarding a document's unacknowledged changes would change back (or remove,
/// if they created it).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiscardedRecord {
    /// The record id.
    pub id: String,
    /// Its type (`household`, `rules`, …), as this device holds it now.
    #[serde(rename = "type")]
    pub kind: String,
    /// What a person recognises it by (a name, an address), if it has one.
    pub label: String,
    /// Whether the relay's version has no such record (the changes created it).
    pub created: bool,
}

/// This device's changes to one document that the relay does not have.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unacknowledged {
    /// The document.
    pub doc_id: String,
    /// How many changes of this device would be discarded.
    pub changes: usize,
    /// When the latest of them was made (local time, `YYYY-MM-DDTHH:MM`).
    pub last_at: Option<String>,
    /// The records they touched.
    pub records: Vec<DiscardedRecord>,
    /// Whether the relay holds nothing of the document (it goes whole).
    pub whole_document: bool,
}

/// Fields that name a record on screen, in order of preference.
const LABEL_FIELDS: [&str; 5] = ["name", "address", "title", "date", "id_number"];

fn label(doc: &Automerge, id: &str) -> Result<(String, String)> {
    let Some(rec) = read_record(doc, id)? else {
        return Ok((String::new(), String::new()));
    };
    let kind = rec.kind().unwrap_or_default().to_owned();
    let label = LABEL_FIELDS
        .iter()
        .find_map(|f| rec.str(f).filter(|s| !s.is_empty()))
        .map(|s| match kind.as_str() {
            // A whole ID number is not shown in a list: its last four are enough.
            _ if s.len() == 18 && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
                format!("…{}", &s[14..])
            }
            _ => s,
        })
        .unwrap_or_default();
    Ok((kind, label))
}

impl Store {
    /// The heads this device shares with `peer` on document `doc_id` (persisted).
    fn shared_heads(g: &mut Inner, doc_id: &str, peer: &str) -> Result<Vec<ChangeHash>> {
        let state = g.sync_state(doc_id, peer)?;
        let shared = state.shared_heads.clone();
        g.sync_states
            .insert((peer.to_owned(), doc_id.to_owned()), state);
        Ok(shared)
    }

    /// What discarding document `doc_id`'s changes that relay `peer` does not have would
    /// undo: this device's changes and the records they touched. `None` if there is nothing
    /// to discard (or no such document).
    pub fn unacknowledged(&self, doc_id: &str, peer: &str) -> Result<Option<Unacknowledged>> {
        let mut g = self.lock();
        let exists: bool = g
            .conn
            .prepare_cached("SELECT count(*) FROM documents WHERE id = ?1")?
            .query_row([doc_id], |r| r.get::<_, i64>(0))?
            > 0;
        if !exists {
            return Ok(None);
        }
        let shared = Self::shared_heads(&mut g, doc_id, peer)?;
        // The deployment's local time, as the rest of the screens show it.
        let offset = g.now_local()
            - chrono::DateTime::from_timestamp_millis(g.now_ms())
                .map(|t| t.naive_utc())
                .unwrap_or_default();
        let Inner { conn, docs, .. } = &mut *g;
        let actor = docs.actor().clone();
        let doc = docs.get(conn, doc_id)?;
        let unshared = doc.get_changes(&shared);
        let mine: Vec<_> = unshared.iter().filter(|c| c.actor_id() == &actor).collect();
        if unshared.is_empty() {
            return Ok(None);
        }
        let last_at = mine
            .iter()
            .map(|c| c.timestamp())
            .max()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| {
                (t.naive_utc() + offset)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string()
            });
        let mut ids = BTreeSet::new();
        for c in &mine {
            let audit: Audit =
                serde_json::from_str(c.message().map_or("", |m| m)).unwrap_or_default();
            ids.extend(audit.records);
        }
        let heads = doc.get_heads();
        let touched = touched_records(doc, &shared, &heads);
        let mut records = Vec::new();
        for id in touched {
            // Only what this device's changes touched (their audit names the id's prefix).
            if !ids
                .iter()
                .any(|p| !p.is_empty() && id.starts_with(p.as_str()))
            {
                continue;
            }
            let (kind, label) = label(doc, &id)?;
            let created =
                shared.is_empty() || doc.get_all_at(automerge::ROOT, &id, &shared)?.is_empty();
            records.push(DiscardedRecord {
                id,
                kind,
                label,
                created,
            });
        }
        Ok(Some(Unacknowledged {
            doc_id: doc_id.to_owned(),
            changes: mine.len(),
            last_at,
            records,
            whole_document: shared.is_empty(),
        }))
    }

    /// Discards document `doc_id`'s changes that relay `peer` does not have (see the module
    /// notes), in one transaction. Returns how many changes went.
    pub fn discard_unacknowledged(&self, doc_id: &str, peer: &str) -> Result<usize> {
        let mut g = self.lock();
        let shared = Self::shared_heads(&mut g, doc_id, peer)?;
        let village = village_of(doc_id).map(str::to_owned);
        let key = (peer.to_owned(), doc_id.to_owned());
        g.sync_states.remove(&key);
        g.wanted.remove(&key);
        let Inner { conn, docs, .. } = &mut *g;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let result = (|| {
            let doc = docs.get(&tx, doc_id)?;
            let heads = doc.get_heads();
            let gone = doc.get_changes(&shared).len();
            if gone == 0 {
                return Ok(0);
            }
            let touched = touched_records(doc, &shared, &heads);
            let kept = if shared.is_empty() {
                Automerge::new()
            } else {
                doc.fork_at(&shared)?
            };
            tx.prepare_cached("DELETE FROM chunks WHERE doc_id = ?1")?
                .execute([doc_id])?;
            tx.prepare_cached("DELETE FROM outbox WHERE doc_id = ?1")?
                .execute([doc_id])?;
            if shared.is_empty() {
                tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?
                    .execute([doc_id])?;
            } else {
                tx.prepare_cached("INSERT INTO chunks (doc_id, bytes) VALUES (?1, ?2)")?
                    .execute(params![doc_id, kept.save()])?;
                tx.prepare_cached(
                    "UPDATE documents SET heads = ?2, chunk_count = 1 WHERE id = ?1",
                )?
                .execute(params![doc_id, heads_text(&kept.get_heads())])?;
            }
            for rid in &touched {
                project_record(&tx, doc_id, village.as_deref(), &kept, rid, false)?;
            }
            Ok(gone)
        })();
        // The cached document still holds the discarded changes: it reloads from disk.
        docs.evict(doc_id);
        match result {
            Ok(n) => {
                tx.commit()?;
                Ok(n)
            }
            Err(e) => Err(e),
        }
    }
}
