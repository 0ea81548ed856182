//! Automerge sync messages as this project makes them, for the store and for every relay
//! storage: what a peer is assumed to have, and the next message for it. Pure functions of a
//! document and a session state; no I/O.

use automerge::sync::{
    BloomFilter, Capability, ChunkList, Have, Message, MessageFlags, MessageVersion, State, SyncDoc,
};
use automerge::{Automerge, ChangeHash, ReadDoc};

use crate::error::Result;

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

/// Sets `state` as if the peer had just said that its heads are exactly `heads` (none: it
/// lacks the document) and that it needs nothing: the next message then carries every change
/// made since `heads` (the whole document for none), without first asking the peer what it
/// has. Only for heads the peer is known to have. Returns `false`, changing nothing, if `doc`
/// lacks any of them.
pub fn assume_peer_has(
    doc: &mut Automerge,
    state: &mut State,
    heads: Vec<ChangeHash>,
) -> Result<bool> {
    if !doc.get_missing_deps(&heads).is_empty() {
        return Ok(false);
    }
    let mut flags = MessageFlags::new();
    flags.set(MessageFlags::SUPPORTS_SYNC_RESET);
    let said = Message {
        heads: heads.clone(),
        need: Vec::new(),
        have: vec![Have {
            last_sync: heads,
            bloom: BloomFilter::default(),
        }],
        changes: ChunkList::empty(),
        flags: Some(flags),
        version: MessageVersion::V2,
    };
    doc.receive_sync_message(state, said)?;
    Ok(true)
}

/// The next Automerge sync message (encoded) of `doc` for the peer whose session state is
/// `state`, or `None` when there is nothing to say. With `acks == false` a message that would
/// only acknowledge (no changes, nothing needed, the peer already at `doc`'s heads) is not
/// made and `state` is left as it was: a device ends its session there instead of spending a
/// round trip on it. A message carrying the whole document carries it with its columns
/// uncompressed (see [`is_whole_document`]).
pub fn next_message(doc: &Automerge, state: &mut State, acks: bool) -> Option<Vec<u8>> {
    next_message_wanting(doc, state, acks, &[])
}

/// Most hashes of missing dependencies remembered per peer and document (a message asks for
/// at most these; the rest are asked for once those arrive).
pub const WANTED_MAX: usize = 256;

/// [`next_message`] that also asks the peer for the changes `wanted` by hash: dependencies of
/// changes it sent that were not kept because those dependencies did not come with them.
/// Automerge asks only for the peer's heads it lacks (its queue of waiting changes is what
/// would lead it to their missing ancestors, and this store does not keep that queue); the
/// peer's bloom filter answer would leave out the same false positive every round. Shared
/// with other relay storages, which must ask the same way.
pub fn next_message_wanting(
    doc: &Automerge,
    state: &mut State,
    acks: bool,
    wanted: &[ChangeHash],
) -> Option<Vec<u8>> {
    // A change the peer says it needs is sent again even if this session sent it before:
    // that message may have been lost with its connection, or answered a stale request.
    if let Some(need) = &state.their_need {
        for h in need {
            state.sent_hashes.remove(h);
        }
    }
    let before = (!acks).then(|| state.clone());
    let mut msg = smaller_of(doc, state)?;
    let more: Vec<ChangeHash> = wanted
        .iter()
        .filter(|h| doc.get_change_by_hash(h).is_none() && !msg.need.contains(h))
        .copied()
        .collect();
    if !more.is_empty() {
        // The encoding wants them sorted.
        msg.need.extend(more);
        msg.need.sort();
        msg.need.dedup();
    }
    if let Some(before) = before {
        let settled = msg.changes.is_empty()
            && msg.need.is_empty()
            && state.their_heads.as_ref() == Some(&doc.get_heads());
        if settled {
            *state = before;
            return None;
        }
    }
    Some(msg.encode())
}

/// Automerge's next message, with one exception. Automerge sends a peer that lacks more than a
/// third of a document's changes the whole document instead of those changes, whatever their
/// size: a village ledger imported as one change and edited twice since would go out whole
/// (hundreds of KiB) to every device that missed the two edits. When the peer has the document
/// and Automerge chose the whole of it, the changes the peer lacks are made too and the smaller
/// goes (a device a month behind on small edits still gets the document, which is then the
/// smaller). A whole document goes with its columns uncompressed (see [`is_whole_document`]).
fn smaller_of(doc: &Automerge, state: &mut State) -> Option<Message> {
    let has_doc = state.their_heads.as_ref().is_some_and(|h| !h.is_empty());
    let before = has_doc.then(|| state.clone());
    let mut msg = doc.generate_sync_message(state)?;
    if !is_whole_document(&msg) {
        return Some(msg);
    }
    let whole = doc.save_nocompress();
    if let Some(mut changes_state) = before {
        let said = changes_state.their_capabilities.clone();
        if let Some(caps) = &mut changes_state.their_capabilities {
            caps.retain(|c| *c != Capability::MessageV2);
        }
        let changes = doc.generate_sync_message(&mut changes_state);
        changes_state.their_capabilities = said;
        if let Some(changes) = changes {
            let size: usize = changes.changes.iter().map(|c| c.len()).sum();
            if size < whole.len() {
                *state = changes_state;
                return Some(changes);
            }
        }
    }
    msg.changes = whole.into();
    Some(msg)
}

#[cfg(test)]
#[path = "sync_message_tests.rs"]
mod tests;
