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
//! One edit may write several documents in one local commit (a case event and its control
//! record; an ID number corrected in the ledger and on the control lists of the person's open
//! cases); its changes carry the same mark ([`Audit::commit`]). Discarding a document's
//! refused changes discards, in the same transaction, those of every document written in the
//! same commits: no half of an edit stays.
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

    /// The marks of the local commits across documents (see [`Audit::commit`]) that wrote
    /// this device's changes of `doc_id` the relay `peer` does not have.
    fn unshared_commits(g: &mut Inner, doc_id: &str, peer: &str) -> Result<BTreeSet<String>> {
        let shared = Self::shared_heads(g, doc_id, peer)?;
        let Inner { conn, docs, .. } = &mut *g;
        let actor = docs.actor().clone();
        let doc = docs.get(conn, doc_id)?;
        Ok(doc
            .get_changes(&shared)
            .iter()
            .filter(|c| c.actor_id() == &actor)
            .filter_map(|c| serde_json::from_str::<Audit>(c.message()?).ok())
            .map(|a| a.commit)
            .filter(|c| !c.is_empty())
            .collect())
    }

    /// `doc_id` and the documents whose changes relay `peer` does not have were written in
    /// the same local commits as those of `doc_id` (one edit across documents: a case event
    /// and its control record, an ID number corrected in the ledger and on the control list),
    /// and so on from those: what discarding `doc_id`'s refused changes must discard together
    /// ([`Store::discard_unacknowledged`]). `doc_id` first, then the others in id order.
    pub fn edited_together(&self, doc_id: &str, peer: &str) -> Result<Vec<String>> {
        let mut g = self.lock();
        // Documents with changes of this device that are not synced yet.
        let pending: Vec<String> = g
            .conn
            .prepare_cached(
                "SELECT id FROM documents WHERE local_made > local_acked AND id <> ?1
                 ORDER BY id",
            )?
            .query_map([doc_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut marks = if pending.is_empty() {
            BTreeSet::new()
        } else {
            Self::unshared_commits(&mut g, doc_id, peer)?
        };
        let mut others: Vec<(String, BTreeSet<String>)> = Vec::new();
        if !marks.is_empty() {
            for d in pending {
                let m = Self::unshared_commits(&mut g, &d, peer)?;
                if !m.is_empty() {
                    others.push((d, m));
                }
            }
        }
        let mut together = vec![doc_id.to_owned()];
        loop {
            let (joined, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut others)
                .into_iter()
                .partition(|(_, m)| !m.is_disjoint(&marks));
            others = rest;
            if joined.is_empty() {
                break;
            }
            for (d, m) in joined {
                marks.extend(m);
                together.push(d);
            }
        }
        together[1..].sort();
        Ok(together)
    }

    /// Discards the changes that relay `peer` does not have of document `doc_id` and of the
    /// documents edited together with it ([`Store::edited_together`]), all in one
    /// transaction (see the module notes). Returns the documents and how many changes went.
    pub fn discard_unacknowledged(&self, doc_id: &str, peer: &str) -> Result<(Vec<String>, usize)> {
        let together = self.edited_together(doc_id, peer)?;
        let mut g = self.lock();
        let mut shared = Vec::new();
        for d in &together {
            shared.push(Self::shared_heads(&mut g, d, peer)?);
            let key = (peer.to_owned(), d.clone());
            g.sync_states.remove(&key);
            g.wanted.remove(&key);
        }
        let Inner { conn, docs, .. } = &mut *g;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut gone = 0;
        let mut result = Ok(());
        for (d, shared) in together.iter().zip(&shared) {
            match discard_in(&tx, docs, d, shared) {
                Ok(n) => gone += n,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // The cached documents still hold the discarded changes: they reload from disk.
        for d in &together {
            docs.evict(d);
        }
        result?;
        tx.commit()?;
        Ok((together, gone))
    }
}

/// Discards document `doc_id`'s changes outside the history of `shared` within `tx`: how
/// many went.
fn discard_in(
    tx: &rusqlite::Transaction<'_>,
    docs: &mut crate::engine::docs::Docs,
    doc_id: &str,
    shared: &[ChangeHash],
) -> Result<usize> {
    let village = village_of(doc_id).map(str::to_owned);
    let doc = docs.get(tx, doc_id)?;
    let heads = doc.get_heads();
    let gone = doc.get_changes(shared).len();
    if gone == 0 {
        return Ok(0);
    }
    let touched = touched_records(doc, shared, &heads);
    let kept = if shared.is_empty() {
        Automerge::new()
    } else {
        doc.fork_at(shared)?
    };
    crate::engine::chunks::delete(tx, doc_id)?;
    if shared.is_empty() {
        tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?
            .execute([doc_id])?;
    } else {
        crate::engine::chunks::insert(tx, doc_id, &kept.save())?;
        // The local changes not acknowledged are gone with the rest.
        tx.prepare_cached(
            "UPDATE documents SET heads = ?2, chunk_count = 1, local_acked = local_made
             WHERE id = ?1",
        )?
        .execute(params![doc_id, heads_text(&kept.get_heads())])?;
    }
    for rid in &touched {
        project_record(tx, doc_id, village.as_deref(), &kept, rid, false)?;
    }
    Ok(gone)
}
