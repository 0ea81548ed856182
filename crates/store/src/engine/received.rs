//! A sync message applied to a document and not yet committed: what a [`TouchCheck`] sees, and
//! the checks it may run on it (records, merges, authors). An error rolls the message back.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash};

use crate::error::Result;

/// Checks what a received message did before it is committed; an error rolls the whole
/// message back.
pub type TouchCheck<'a> = &'a dyn Fn(&Received<'_>) -> Result<()>;

/// A message just applied to a document, not yet committed: what a [`TouchCheck`] sees.
pub struct Received<'a> {
    /// The document id.
    pub doc_id: &'a str,
    /// The peer that sent it (on a relay: the device id).
    pub peer: &'a str,
    /// The document with the message applied.
    pub doc: &'a Automerge,
    /// The document's heads before.
    pub before: &'a [ChangeHash],
    /// The records the new changes touched.
    pub touched: &'a BTreeSet<String>,
    pub(crate) conn: &'a rusqlite::Connection,
    pub(crate) now_ms: i64,
}

impl Received<'_> {
    /// Refuses records the township's rules forbid: an id used by another document, a type
    /// set again or in conflict, a record removed (see `integrity`). A relay checks every
    /// message it keeps; a device checks its own writes the same way.
    pub fn check_records(&self) -> Result<()> {
        crate::engine::integrity::check_records(
            self.conn,
            self.doc_id,
            self.doc,
            self.before,
            self.touched,
        )
    }

    /// Refuses merges (`merged_into`) that name no person the sender may name: not a person
    /// id, itself, or a person of a ledger `may_write` says the sender may not write (see
    /// `ledger::merge_check`).
    pub fn check_merges(&self, may_write: &dyn Fn(&str) -> bool) -> Result<()> {
        crate::ledger::merge_check::check_merges(
            self.conn,
            self.doc,
            self.before,
            self.touched,
            may_write,
        )
    }

    /// On a relay: refuses changes without an audit message or not authored by the sending
    /// device's actors, and notes when each new change was received (see `integrity`).
    pub fn check_authors(&self) -> Result<()> {
        crate::engine::integrity::check_authors(
            self.conn,
            self.peer,
            self.doc,
            self.before,
            self.now_ms,
        )
    }
}
