//! The sync engine: what to send in each round, on the device and on the relay. No I/O: it
//! talks to a [`Replica`] (the store, or an in-memory replica in tests) and returns messages.
//!
//! A session starts with the device's index (document id + digest of its heads) and, for each
//! document the device changed since it last shared heads with the relay, the changes made
//! since those heads (the relay has them: both sides saw them). The relay applies those, and
//! answers with the documents that differ and, for each, an Automerge sync message. Where it
//! recognises the device's heads from their digest (the shared heads it persisted for the
//! device, or heads the document had lately) or the device lacks the document, that first
//! message already carries everything the device lacks; otherwise it asks first. From then on
//! both sides exchange Automerge sync messages for those documents until neither has anything
//! to say but an acknowledgement, which the device does not send. So an unchanged scope costs
//! one round trip of a few bytes per document, and pushing and pulling one village's edits
//! usually one round trip too. Every received message is committed before the reply is made,
//! so a connection that drops loses nothing, and the next session (which starts again from the
//! persisted shared heads) goes on from there.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Result, SyncError};
use crate::index::{device_index, is_group, RelayView};
use crate::wire::{digest, HeadsDigest, Request, Response};

/// What a peer may do with one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Not in the peer's scope: neither read nor written, not even named.
    None,
    /// The peer reads it; changes from the peer are refused.
    Read,
    /// The peer reads and writes it.
    ReadWrite,
}

/// A set of documents that can take part in sync.
pub trait Replica {
    /// Every document with its heads text (as the store lists them).
    fn heads(&self) -> Result<Vec<(String, String)>>;
    /// A new session with `peer` begins: forget in-flight state.
    fn begin(&self, peer: &str);
    /// The first message of a session about `doc` (whose heads text is `heads`) for `peer`:
    /// the changes made since the heads last shared with `peer`, or `None` if there are none
    /// (or nothing was ever shared).
    fn opening(&self, doc: &str, peer: &str, heads: &str) -> Result<Option<Vec<u8>>>;
    /// Takes for this session that `peer`'s heads of `doc` are the ones whose digest is
    /// `theirs` if this replica recognises them, or that `peer` lacks `doc` (`None`); the next
    /// message then carries what the peer lacks. Returns whether it did.
    fn assume(&self, doc: &str, peer: &str, theirs: Option<&HeadsDigest>) -> Result<bool>;
    /// The next Automerge sync message about `doc` for `peer`. With `acks == false`, a
    /// message that would only acknowledge (nothing to send or ask, the peer at our heads) is
    /// not made.
    fn generate(&self, doc: &str, peer: &str, acks: bool) -> Result<Option<Vec<u8>>>;
    /// Applies an Automerge sync message from `peer`. With `writable == false` the changes it
    /// carries are refused (nothing of them is kept) but the rest of the message (heads,
    /// needs, what the peer has) still counts, so a read-only peer keeps receiving updates.
    fn receive(&self, doc: &str, peer: &str, msg: &[u8], writable: bool) -> Result<Receipt>;
}

/// What receiving one message did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    /// Whether the document changed.
    pub changed: bool,
    /// Why changes the message carried were refused, if they were.
    pub refused: Option<String>,
}

/// Figures of one session, as `gridbook sync --json` prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncStats {
    /// Round trips.
    pub rounds: usize,
    /// Documents this device sent at least one message about.
    pub docs_sent: usize,
    /// Documents that changed here.
    pub docs_received: usize,
    /// Request bytes.
    pub bytes_sent: usize,
    /// Response bytes.
    pub bytes_received: usize,
    /// Wall time.
    pub ms: u64,
    /// Documents the relay refused, with the reason.
    pub refused: Vec<(String, String)>,
}

/// Most rounds a session may take before it is cut off (each round makes progress).
pub const MAX_ROUNDS: usize = 64;

/// The device side of one session.
pub struct DeviceSession<'a, R: Replica> {
    replica: &'a R,
    peer: String,
    sent: BTreeSet<String>,
    received: BTreeSet<String>,
    /// Groups of finished checkpoint days to list one by one (see [`crate::index`]).
    expand: BTreeSet<String>,
    /// Groups the relay holds differently: a next session lists them one by one.
    pub to_expand: BTreeSet<String>,
    /// Statistics so far.
    pub stats: SyncStats,
}

impl<'a, R: Replica> DeviceSession<'a, R> {
    /// A session with the relay known as `peer`.
    pub fn new(replica: &'a R, peer: &str) -> Self {
        DeviceSession {
            replica,
            peer: peer.to_owned(),
            sent: BTreeSet::new(),
            received: BTreeSet::new(),
            expand: BTreeSet::new(),
            to_expand: BTreeSet::new(),
            stats: SyncStats::default(),
        }
    }

    /// The same session, listing the documents of `groups` one by one (after a session whose
    /// relay found them different: [`DeviceSession::to_expand`]).
    pub fn expanding(mut self, groups: BTreeSet<String>) -> Self {
        self.expand = groups;
        self
    }

    /// The first request: this device's index, and the changes it made since it last shared
    /// heads with the relay.
    pub fn start(&mut self) -> Result<Request> {
        self.replica.begin(&self.peer);
        let heads = self.replica.heads()?;
        let mut messages = Vec::new();
        for (id, h) in &heads {
            if let Some(m) = self.replica.opening(id, &self.peer, h)? {
                self.sent.insert(id.clone());
                messages.push((id.clone(), m));
            }
        }
        self.stats.docs_sent = self.sent.len();
        Ok(Request {
            index: Some(device_index(&heads, &self.sent, &self.expand)),
            messages,
        })
    }

    /// Handles a response; returns the next request, or `None` when the session is done.
    pub fn handle(&mut self, resp: Response) -> Result<Option<Request>> {
        self.stats.rounds += 1;
        if self.stats.rounds > MAX_ROUNDS {
            return Err(SyncError::TooManyRounds(MAX_ROUNDS));
        }
        let (groups, differs): (Vec<String>, Vec<String>) =
            resp.differs.into_iter().partition(|d| is_group(d));
        self.to_expand.extend(groups);
        let mut docs: BTreeSet<String> = differs.into_iter().collect();
        for (doc, msg) in &resp.messages {
            if self.replica.receive(doc, &self.peer, msg, true)?.changed {
                self.received.insert(doc.clone());
            }
            docs.insert(doc.clone());
        }
        for r in resp.refused {
            if !self.stats.refused.contains(&r) {
                self.stats.refused.push(r);
            }
        }
        let refused: BTreeSet<&String> = self.stats.refused.iter().map(|(d, _)| d).collect();
        let mut messages = Vec::new();
        for doc in docs.iter().filter(|d| !refused.contains(d)) {
            if let Some(m) = self.replica.generate(doc, &self.peer, false)? {
                self.sent.insert(doc.clone());
                messages.push((doc.clone(), m));
            }
        }
        self.stats.docs_sent = self.sent.len();
        self.stats.docs_received = self.received.len();
        Ok((!messages.is_empty()).then_some(Request {
            index: None,
            messages,
        }))
    }
}

/// The relay side: answers one request of device `peer`, whose rights per document are
/// given by `access`. Refusals are per document and reported, never fatal for the others.
pub fn serve<R: Replica>(
    replica: &R,
    peer: &str,
    access: &dyn Fn(&str) -> Access,
    req: Request,
) -> Result<Response> {
    let mut resp = Response::default();
    let mut reply_for: BTreeSet<String> = BTreeSet::new();
    let with_message: BTreeSet<String> = req.messages.iter().map(|(d, _)| d.clone()).collect();
    if let Some(index) = req.index {
        replica.begin(peer);
        let view = RelayView::new(index);
        let mut ours_text: BTreeMap<String, String> = replica.heads()?.into_iter().collect();
        ours_text.retain(|doc, _| access(doc) != Access::None);
        // Groups of finished checkpoint days: the device lists those that differ one by one
        // in its next session.
        for g in view.differing_groups(&ours_text) {
            if access(&g) == Access::None {
                resp.refused.push((g, "out of scope".into()));
            } else {
                resp.differs.push(g);
            }
        }
        let ours: BTreeMap<String, HeadsDigest> = ours_text
            .iter()
            .filter(|(doc, _)| view.covering(doc).is_none())
            .map(|(id, h)| (id.clone(), digest(h)))
            .collect();
        let theirs = view.singles;
        let names: BTreeSet<&String> = theirs.keys().chain(ours.keys()).collect();
        for doc in names {
            let a = access(doc);
            if a == Access::None {
                if theirs.contains_key(doc) {
                    resp.refused.push((doc.clone(), "out of scope".into()));
                }
                continue;
            }
            if theirs.get(doc) == ours.get(doc) {
                continue;
            }
            // A document only the device has is created here only if the device may write it.
            if !ours.contains_key(doc) && a != Access::ReadWrite {
                resp.refused.push((doc.clone(), "read-only".into()));
                continue;
            }
            // Answer with what the device lacks right away if its heads are known here (a
            // document it sent a message about is answered after that message instead).
            if ours.contains_key(doc) && !with_message.contains(doc) {
                replica.assume(doc, peer, theirs.get(doc))?;
            }
            resp.differs.push(doc.clone());
            reply_for.insert(doc.clone());
        }
    }
    for (doc, msg) in req.messages {
        match access(&doc) {
            Access::None => resp.refused.push((doc, "out of scope".into())),
            a => match replica.receive(&doc, peer, &msg, a == Access::ReadWrite) {
                Ok(receipt) => {
                    if let Some(why) = receipt.refused {
                        resp.refused
                            .push((doc.clone(), crate::wire::clip_reason(&why)));
                    }
                    // Answer even a refused peer: it must still receive what it lacks.
                    reply_for.insert(doc);
                }
                Err(e) => resp
                    .refused
                    .push((doc, crate::wire::clip_reason(&e.to_string()))),
            },
        }
    }
    for doc in reply_for {
        if let Some(m) = replica.generate(&doc, peer, true)? {
            resp.messages.push((doc, m));
        }
    }
    Ok(resp)
}
