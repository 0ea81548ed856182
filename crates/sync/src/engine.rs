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
//! to say but an acknowledgement, which the device does not send.
//!
//! A device with nothing to send opens with one digest over its whole scope instead of the
//! index. After every answer the relay remembers, per device, the heads the answer leaves the
//! device at; if the digest names them, the relay knows every document's heads on the device
//! and answers at once with what moved since. If not (the relay restarted, the last answer
//! was lost), it asks for the index and the session goes on as above, one round trip later.
//! So an unchanged scope costs one round trip of some 40 bytes whatever its size, and pushing
//! and pulling one village's edits usually one round trip too.
//!
//! Every received message is committed before the reply is made, so a connection that drops
//! loses nothing, and the next session (which starts again from the persisted shared heads)
//! goes on from there.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Result, SyncError};
use crate::index::{device_index, is_group, scope_digest, RelayView};
use crate::scopes::ScopeMemory;
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
    /// the changes made since the heads last shared with `peer`, if there are any.
    fn opening(&self, doc: &str, peer: &str, heads: &str) -> Result<Opening>;
    /// Takes for this session that `peer`'s heads of `doc` are the ones whose digest is
    /// `theirs` if this replica recognises them, or that `peer` lacks `doc` (`None`); the next
    /// message then carries what the peer lacks. Returns whether it did.
    fn assume(&self, doc: &str, peer: &str, theirs: Option<&HeadsDigest>) -> Result<bool>;
    /// The next Automerge sync message about `doc` for `peer`. With `acks == false`, a
    /// message that would only acknowledge (nothing to send or ask, the peer at our heads) is
    /// not made.
    fn generate(&self, doc: &str, peer: &str, acks: bool) -> Result<Option<Vec<u8>>>;
    /// Applies an Automerge sync message from `peer`, whose rights on any document are
    /// `access` (a change may name records of other documents, e.g. a merge). Without
    /// [`Access::ReadWrite`] on `doc` the changes it carries are refused (nothing of them is
    /// kept) but the rest of the message (heads, needs, what the peer has) still counts, so a
    /// read-only peer keeps receiving updates.
    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> Result<Receipt>;
    /// Applies an Automerge sync message from the relay, on a device. By default the same as
    /// a writable [`Replica::receive`]; a store keeps everything and quarantines what it
    /// cannot project instead of refusing the message.
    fn accept(&self, doc: &str, peer: &str, msg: &[u8]) -> Result<Receipt> {
        self.receive(doc, peer, msg, &|_| Access::ReadWrite)
    }

    /// Like [`Replica::assume`] with heads known exactly (text, as [`Replica::heads`] lists
    /// them) rather than by digest. Returns whether it did.
    fn assume_heads(&self, _doc: &str, _peer: &str, _heads: &str) -> Result<bool> {
        Ok(false)
    }
}

/// What a device opens a session with about one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Nothing moved here since the heads last shared with the peer.
    Quiet,
    /// Nothing was ever shared with the peer about this document: it is listed, and the peer
    /// asks for what it lacks.
    Unshared,
    /// The changes made here since the heads last shared with the peer (an Automerge sync
    /// message).
    Changes(Vec<u8>),
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SyncReport"))]
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
    /// Whether the first request lists the documents (the relay asked for it, or there is
    /// something to send) rather than giving only the scope digest.
    listing: bool,
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
            listing: false,
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
    /// heads with the relay. A device with nothing to send (and documents to speak of) gives
    /// only the digest of its whole scope; a relay that does not recognise it asks for the
    /// index, and the session starts again listed.
    pub fn start(&mut self) -> Result<Request> {
        self.replica.begin(&self.peer);
        let heads = self.replica.heads()?;
        let mut messages = Vec::new();
        let mut unshared = false;
        for (id, h) in &heads {
            match self.replica.opening(id, &self.peer, h)? {
                Opening::Quiet => {}
                Opening::Unshared => unshared = true,
                Opening::Changes(m) => {
                    self.sent.insert(id.clone());
                    messages.push((id.clone(), m));
                }
            }
        }
        self.stats.docs_sent = self.sent.len();
        let quiet = messages.is_empty() && !unshared && self.expand.is_empty() && !heads.is_empty();
        if quiet && !self.listing {
            return Ok(Request {
                index: None,
                scope: Some(scope_digest(&heads)),
                messages,
            });
        }
        Ok(Request {
            index: Some(device_index(&heads, &self.sent, &self.expand)),
            scope: None,
            messages,
        })
    }

    /// Handles a response; returns the next request, or `None` when the session is done.
    pub fn handle(&mut self, resp: Response) -> Result<Option<Request>> {
        self.stats.rounds += 1;
        if self.stats.rounds > MAX_ROUNDS {
            return Err(SyncError::TooManyRounds(MAX_ROUNDS));
        }
        if resp.index_wanted && !self.listing {
            self.listing = true;
            return self.start().map(Some);
        }
        let (groups, differs): (Vec<String>, Vec<String>) =
            resp.differs.into_iter().partition(|d| is_group(d));
        self.to_expand.extend(groups);
        let mut docs: BTreeSet<String> = differs.into_iter().collect();
        for (doc, msg) in &resp.messages {
            if self.replica.accept(doc, &self.peer, msg)?.changed {
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
            scope: None,
            messages,
        }))
    }
}

/// The heads of every document of `replica` that a peer with `access` may read.
fn readable_heads<R: Replica>(
    replica: &R,
    access: &dyn Fn(&str) -> Access,
) -> Result<BTreeMap<String, String>> {
    let mut heads: BTreeMap<String, String> = replica.heads()?.into_iter().collect();
    heads.retain(|doc, _| access(doc) != Access::None);
    Ok(heads)
}

/// The relay side: answers one request of device `peer`, whose rights per document are
/// given by `access`. Refusals are per document and reported, never fatal for the others.
/// `scopes` is where the relay remembers the heads each device was left at.
pub fn serve<R: Replica>(
    replica: &R,
    scopes: &ScopeMemory,
    peer: &str,
    access: &dyn Fn(&str) -> Access,
    req: Request,
) -> Result<Response> {
    let mut resp = Response::default();
    let mut reply_for: BTreeSet<String> = BTreeSet::new();
    let with_message: BTreeSet<String> = req.messages.iter().map(|(d, _)| d.clone()).collect();
    if let Some(scope) = req.scope {
        // A device with nothing to send, at heads this relay left it at: every document that
        // moved since is answered with what the device lacks. Heads not recognised: the
        // device lists its documents in its next request.
        replica.begin(peer);
        let Some(theirs) = scopes.recall(peer, &scope) else {
            resp.index_wanted = true;
            return Ok(resp);
        };
        let theirs: BTreeMap<String, String> = theirs.into_iter().collect();
        for (doc, ours) in readable_heads(replica, access)? {
            match theirs.get(&doc) {
                Some(t) if *t == ours => continue,
                Some(t) => replica.assume_heads(&doc, peer, t)?,
                None => replica.assume(&doc, peer, None)?,
            };
            resp.differs.push(doc.clone());
            reply_for.insert(doc);
        }
    }
    if let Some(index) = req.index {
        replica.begin(peer);
        let view = RelayView::new(index);
        let ours_text = readable_heads(replica, access)?;
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
            _ => match replica.receive(&doc, peer, &msg, access) {
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
    // Where this answer leaves the device if it takes it all: its next quiet session names
    // these heads by their digest.
    let heads: Vec<(String, String)> = readable_heads(replica, access)?.into_iter().collect();
    scopes.remember(peer, scope_digest(&heads), heads);
    Ok(resp)
}
