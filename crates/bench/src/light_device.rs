//! A light simulated device for the relay's load figures: the device's documents as real
//! Automerge documents in memory, changed the way the store changes them (same records, same
//! fields, same audit messages), synced through the real sync engine and HTTP client. What it
//! leaves out is the device's own SQLite file and projections, which on a deployment run on
//! each phone's own CPU and disk, not on the relay's machine.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use automerge::sync::{Message, State, SyncDoc};
use automerge::transaction::CommitOptions;
use automerge::{ActorId, Automerge, ChangeHash, ReadDoc, ROOT};
use gridbook_store::docs::heads_text;
use gridbook_store::record::{record_obj, set_fields};
use gridbook_store::{assume_peer_has, next_message, Audit, Val};
use gridbook_sync::wire::HeadsDigest;
use gridbook_sync::{Access, Opening, Receipt, Replica, SyncError};

type Key = (String, String);

#[derive(Default)]
struct Inner {
    docs: BTreeMap<String, Automerge>,
    /// Shared heads per (peer, document): what the store persists across sessions.
    shared: HashMap<Key, Vec<ChangeHash>>,
    /// In-session states per (peer, document).
    states: HashMap<Key, State>,
}

/// One light device.
pub struct LightDevice {
    name: String,
    actor: ActorId,
    inner: Mutex<Inner>,
}

fn corrupt(e: impl std::fmt::Display) -> SyncError {
    SyncError::Malformed(e.to_string())
}

impl Inner {
    fn state(&mut self, doc: &str, peer: &str) -> State {
        let key = (peer.to_owned(), doc.to_owned());
        self.states.remove(&key).unwrap_or_else(|| State {
            shared_heads: self.shared.get(&key).cloned().unwrap_or_default(),
            ..State::default()
        })
    }

    fn put_state(&mut self, doc: &str, peer: &str, state: State) {
        self.states.insert((peer.to_owned(), doc.to_owned()), state);
    }

    fn doc(&mut self, id: &str, actor: &ActorId) -> &mut Automerge {
        self.docs
            .entry(id.to_owned())
            .or_insert_with(|| Automerge::new().with_actor(actor.clone()))
    }
}

impl LightDevice {
    /// An empty device called `name`.
    pub fn new(name: &str) -> LightDevice {
        LightDevice {
            name: name.to_owned(),
            actor: ActorId::random(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets fields of record `id` in document `doc` as one change, with the audit message the
    /// store writes. Returns whether the record was there.
    pub fn set(&self, doc: &str, id: &str, fields: &[(String, Val)], what: &str) -> bool {
        let mut g = self.lock();
        let actor = self.actor.clone();
        let d = g.doc(doc, &actor);
        let mut tx = d.transaction();
        let ok = match record_obj(&tx, id) {
            Ok(Some(obj)) => set_fields(&mut tx, &obj, fields).is_ok(),
            _ => false,
        };
        if !ok {
            tx.rollback();
            return false;
        }
        let mut audit = Audit {
            device: self.name.clone(),
            records: Vec::new(),
            what: what.to_owned(),
            commit: String::new(),
        };
        audit.set_records([&id.to_owned()]);
        let now = chrono::Utc::now();
        tx.commit_with(
            CommitOptions::default()
                .with_message(serde_json::to_string(&audit).unwrap_or_default())
                .with_time(now.timestamp_millis()),
        );
        true
    }

    /// Records a check of household `hid` (as `Store::verify_household` does); returns the
    /// event id.
    pub fn verify_household(&self, doc: &str, hid: &str) -> Option<String> {
        let eid = uuid::Uuid::new_v4().to_string();
        let at = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M:%S");
        let field = (
            format!("check.{eid}"),
            Val::from(format!("{at}|{}", self.name)),
        );
        self.set(doc, hid, &[field], "verify").then_some(eid)
    }

    /// Ids of the events of document `doc` whose fields start with `prefix` (`check.`), in
    /// every record.
    pub fn events(&self, doc: &str, prefix: &str) -> BTreeSet<String> {
        let g = self.lock();
        let Some(d) = g.docs.get(doc) else {
            return BTreeSet::new();
        };
        let mut out = BTreeSet::new();
        for id in d.keys(ROOT) {
            if let Ok(Some(obj)) = record_obj(d, &id) {
                out.extend(
                    d.keys(&obj)
                        .filter_map(|k| k.strip_prefix(prefix).map(str::to_owned)),
                );
            }
        }
        out
    }

    /// Heads of every document, as the store lists them.
    pub fn doc_heads(&self) -> BTreeMap<String, String> {
        let g = self.lock();
        g.docs
            .iter()
            .map(|(id, d)| (id.clone(), heads_text(&d.get_heads())))
            .collect()
    }
}

impl Replica for LightDevice {
    fn heads(&self) -> gridbook_sync::Result<Vec<(String, String)>> {
        Ok(self.doc_heads().into_iter().collect())
    }

    fn begin(&self, peer: &str) {
        self.lock().states.retain(|(p, _), _| p != peer);
    }

    fn opening(&self, doc: &str, peer: &str, heads: &str) -> gridbook_sync::Result<Opening> {
        let mut g = self.lock();
        let mut state = g.state(doc, peer);
        let shared = state.shared_heads.clone();
        if shared.is_empty() || heads_text(&shared) == heads {
            g.put_state(doc, peer, state);
            return Ok(if shared.is_empty() {
                Opening::Unshared
            } else {
                Opening::Quiet
            });
        }
        let d = g.doc(doc, &self.actor);
        let msg = if assume_peer_has(d, &mut state, shared).map_err(corrupt)? {
            next_message(d, &mut state, true)
        } else {
            None
        };
        g.put_state(doc, peer, state);
        Ok(msg.map_or(Opening::Quiet, Opening::Changes))
    }

    fn assume(
        &self,
        _doc: &str,
        _peer: &str,
        _theirs: Option<&HeadsDigest>,
    ) -> gridbook_sync::Result<bool> {
        // Devices answer nobody's first request.
        Ok(false)
    }

    fn generate(
        &self,
        doc: &str,
        peer: &str,
        acks: bool,
    ) -> gridbook_sync::Result<Option<Vec<u8>>> {
        let mut g = self.lock();
        let mut state = g.state(doc, peer);
        let msg = next_message(g.doc(doc, &self.actor), &mut state, acks);
        g.put_state(doc, peer, state);
        Ok(msg)
    }

    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        _access: &dyn Fn(&str) -> Access,
    ) -> gridbook_sync::Result<Receipt> {
        let message = Message::decode(msg).map_err(corrupt)?;
        let mut g = self.lock();
        let mut state = g.state(doc, peer);
        let d = g.doc(doc, &self.actor);
        let before = d.get_heads();
        let result = d.receive_sync_message(&mut state, message);
        let changed = d.get_heads() != before;
        let shared = state.shared_heads.clone();
        g.put_state(doc, peer, state);
        result.map_err(corrupt)?;
        g.shared.insert((peer.to_owned(), doc.to_owned()), shared);
        Ok(Receipt {
            changed,
            refused: None,
        })
    }
}
