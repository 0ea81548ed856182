//! What a write to a document touched: the records whose projection it must bring up to date.

use std::collections::BTreeSet;

use automerge::legacy::{Key, ObjectId};
use automerge::{Automerge, ChangeHash, ReadDoc, ROOT};
use rusqlite::Connection;

use crate::engine::project::project_record;
use crate::engine::record::RecordView;
use crate::error::Result;

/// What a write touched, for the projection.
pub(crate) enum Touched {
    /// Not said: computed from the changes (see [`touched_records`]).
    Diff,
    /// These records, read again from the document.
    Ids(BTreeSet<String>),
    /// These records, with the view the writer holds of each.
    Views(Vec<(String, Option<RecordView>)>),
}

/// Projects the records `ids` of document `id` as the document now has them.
pub(crate) fn project_all(
    tx: &Connection,
    id: &str,
    village: Option<&str>,
    doc: &Automerge,
    ids: &BTreeSet<String>,
    new: bool,
) -> Result<()> {
    for rid in ids {
        project_record(tx, id, village, doc, rid, new)?;
    }
    Ok(())
}

/// Root keys (record ids) that the changes between two sets of heads wrote to.
///
/// Read from the changes' operations rather than from `Automerge::diff`: a diff is empty when
/// a field's winning value stays while one of its losing values is replaced (a conflict whose
/// values changed), and the conflict's projection must still be recomputed.
pub fn touched_records(
    doc: &Automerge,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> BTreeSet<String> {
    // A document new to this store: every record is new.
    if before.is_empty() {
        return doc.keys_at(ROOT, after).collect();
    }
    let mut out = BTreeSet::new();
    let mut objects = BTreeSet::new();
    for change in doc.get_changes(before) {
        for op in change.decode().operations {
            match op.obj {
                ObjectId::Root => {
                    if let Key::Map(k) = op.key {
                        out.insert(k.to_string());
                    }
                }
                ObjectId::Id(id) => {
                    objects.insert(id.to_string());
                }
            }
        }
    }
    // A record's map sits directly under the root: its path's first step names the record.
    for obj in objects {
        let Ok(ex) = doc.import_obj(&obj) else {
            continue;
        };
        let Ok(mut path) = doc.parents(&ex) else {
            continue;
        };
        if let Some(automerge::Parent {
            prop: automerge::Prop::Map(k),
            ..
        }) = path.find(|p| p.obj == ROOT)
        {
            out.insert(k);
        }
    }
    out
}
