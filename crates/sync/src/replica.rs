//! The store as a sync [`Replica`].

use std::collections::BTreeSet;

use automerge::sync::{ChunkList, Message};
use automerge::{Automerge, ReadDoc};
use gridbook_store::{check_log_entry, DocId, DocKind, Received, Store, StoreError};

use crate::engine::{Access, Opening, Receipt, Replica};
use crate::error::{Result, SyncError};
use crate::wire::{digest, HeadsDigest};

/// Record types each kind of document may hold; a message that touches anything else is
/// refused (a hostile or broken peer cannot plant foreign records in a document).
fn allowed_types(doc: &str) -> &'static [&'static str] {
    DocId::parse(doc).map_or(&[], |id| id.kind.record_types())
}

/// Refuses a received message whose touched records do not belong in `doc_id` (or that a
/// read-only peer changed at all), or that leave an entry of a device's log that is not small
/// (see [`check_log_entry`]); shared with other relay storages.
pub fn check_touched(
    doc_id: &str,
    writable: bool,
    doc: &Automerge,
    touched: &BTreeSet<String>,
) -> gridbook_store::Result<()> {
    if touched.is_empty() {
        return Ok(());
    }
    if !writable {
        return Err(StoreError::Corrupt(format!(
            "read-only: {} records changed",
            touched.len()
        )));
    }
    let allowed = allowed_types(doc_id);
    let log = DocId::parse(doc_id).is_some_and(|d| d.kind == DocKind::Exports);
    for id in touched {
        let kind = match doc.get(automerge::ROOT, id.as_str())? {
            Some((automerge::Value::Object(_), obj)) => match doc.get(&obj, "type")? {
                Some((v, _)) => v.into_string().unwrap_or_default(),
                None => String::new(),
            },
            // Removed: only the oldest entries of a full log may be, which the record checks
            // that follow decide (`created_records`); anywhere else they refuse it.
            None if log => continue,
            _ => String::new(),
        };
        if uuid_like(id) && allowed.contains(&kind.as_str()) {
            if log {
                check_log_entry(doc, id)?;
            }
            continue;
        }
        return Err(StoreError::Corrupt(format!(
            "record {id} of type '{kind}' does not belong in {doc_id}"
        )));
    }
    Ok(())
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

impl Replica for Store {
    fn heads(&self) -> Result<Vec<(String, String)>> {
        Ok(self.doc_heads()?)
    }

    fn begin(&self, peer: &str) {
        self.sync_begin(peer);
    }

    fn opening(&self, doc: &str, peer: &str, heads: &str) -> Result<Opening> {
        Ok(match self.sync_opening(doc, peer, heads)? {
            Some(m) => Opening::Changes(m),
            None if self.sync_shared_with(doc, peer)? => Opening::Quiet,
            None => Opening::Unshared,
        })
    }

    fn assume(&self, doc: &str, peer: &str, theirs: Option<&HeadsDigest>) -> Result<bool> {
        let Some(theirs) = theirs else {
            return Ok(self.sync_assume_none(doc, peer)?);
        };
        for heads in self.sync_candidate_heads(doc, peer)? {
            if digest(&heads) == *theirs {
                return Ok(self.sync_assume(doc, peer, &heads)?);
            }
        }
        Ok(false)
    }

    fn generate(&self, doc: &str, peer: &str, acks: bool) -> Result<Option<Vec<u8>>> {
        Ok(self.sync_generate(doc, peer, acks)?)
    }

    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> Result<Receipt> {
        if access(doc) == Access::ReadWrite {
            // Every change kept: types that belong in the document, record ids unique across
            // the township, types fixed at creation, merges naming persons the device may
            // name, authored by this device, audited.
            let may_write = |d: &str| access(d) == Access::ReadWrite;
            let check = |r: &Received<'_>| {
                check_touched(doc, true, r.doc, r.touched)?;
                r.check_records()?;
                r.check_merges(&may_write)?;
                r.check_authors()
            };
            let changed = self.sync_receive(doc, peer, msg, Some(&check))?;
            return Ok(Receipt {
                changed,
                refused: None,
            });
        }
        // Read-only: keep the message's heads, needs and bloom filter, drop its changes.
        let mut m =
            Message::decode(msg).map_err(|e| SyncError::Malformed(format!("sync message: {e}")))?;
        let carried = !m.changes.is_empty();
        m.changes = ChunkList::empty();
        let check = |r: &Received<'_>| check_touched(doc, false, r.doc, r.touched);
        self.sync_receive(doc, peer, &m.encode(), Some(&check))?;
        let refused =
            carried.then(|| "read-only: changes from this device are not accepted".to_owned());
        Ok(Receipt {
            changed: false,
            refused,
        })
    }

    /// A device keeps what its relay sends: a record it cannot project is quarantined by the
    /// store (see `gridbook_store::owner`), never a reason to refuse the message, so one bad
    /// record (from an older relay, a bug) never stops a sync.
    fn accept(&self, doc: &str, peer: &str, msg: &[u8]) -> Result<Receipt> {
        let changed = self.sync_receive(doc, peer, msg, None)?;
        Ok(Receipt {
            changed,
            refused: None,
        })
    }

    fn assume_heads(&self, doc: &str, peer: &str, heads: &str) -> Result<bool> {
        Ok(self.sync_assume(doc, peer, heads)?)
    }
}
