//! One village's share of an import batch, written on two threads.
//!
//! Building the Automerge changes of thousands of new records and writing their projection
//! rows are the two halves of an import's time, about equal, and neither needs the other's
//! result until the end: this thread creates the records in the village document and hands
//! each record's view over as soon as it is made; the caller's thread, which holds the SQLite
//! transaction, checks its id and writes its rows meanwhile (`engine::project::project_new`: the
//! projection every write uses, without the probes an id already in use needs). On a township laptop's two cores an import takes about
//! the time of the larger half. Everything is still one savepoint of the batch's transaction:
//! a failure on either side stops the other and nothing of the batch is kept.

use std::collections::{BTreeSet, HashMap};
use std::sync::mpsc;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{hydrate, Automerge, ObjId, ReadDoc, ROOT};

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::docs::Audit;
use crate::engine::record::{read_record, record_obj, set_fields, RecordView, TYPE};
use crate::engine::value::Val;
use crate::error::Result;
use crate::ledger::import::{Built, ImportFill, ImportHousehold, ImportWritten};
use crate::Inner;

/// Views handed from the writing thread to the projecting one before the writer waits.
const IN_FLIGHT: usize = 4096;

/// Writes one village's share of a batch (households already built and checked by
/// `ledger::import::build`) inside the caller's transaction.
pub(crate) fn write_village(
    g: &mut Inner,
    village: &str,
    built: &[(&ImportHousehold, Built)],
    ff: &[&ImportFill],
    written: &mut ImportWritten,
) -> Result<()> {
    let (now_ms, device) = (g.now_ms(), g.device.clone());
    let Inner { conn, docs, .. } = g;
    let ledger = doc_id(DocKind::Ledger, village);
    docs.mutate_views(conn, &ledger, Some(village), now_ms, |doc, conn| {
        crate::engine::rights::check_write(conn, &ledger)?;
        let before = doc.get_heads();
        let stamp = Stamp {
            device: &device,
            now_ms,
        };
        let kept = std::thread::scope(|s| -> Result<BTreeSet<String>> {
            let (send, receive) = mpsc::sync_channel::<(String, RecordView)>(IN_FLIGHT);
            let writer = s.spawn(|| create_all(doc, built, ff, &stamp, written, send));
            // What a relay will check of these changes, checked before they are kept: ids
            // unique across the township (a new record's type is the one it is made with).
            let projected = receive.iter().try_for_each(|(id, view)| {
                crate::engine::integrity::check_new_ids(conn, &ledger, std::slice::from_ref(&id))?;
                crate::engine::project::project_new(conn, &ledger, Some(village), &id, &view)
            });
            // On a failure here the receiver goes, and the writer stops at its next send.
            drop(receive);
            let kept = writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            projected?;
            kept
        })?;
        crate::engine::integrity::check_records(conn, &ledger, doc, &before, &kept)?;
        // Records that were there before the batch, projected again as they now are.
        kept.into_iter()
            .map(|id| Ok((id.clone(), read_record(doc, &id)?)))
            .collect()
    })?;
    Ok(())
}

/// Who writes the changes, and when.
struct Stamp<'a> {
    device: &'a str,
    now_ms: i64,
}

impl Stamp<'_> {
    fn commit(&self, ids: &[String]) -> CommitOptions {
        let mut audit = Audit {
            device: self.device.to_owned(),
            records: Vec::new(),
            what: "import".into(),
            commit: String::new(),
        };
        audit.set_records(ids);
        CommitOptions::default()
            .with_message(serde_json::to_string(&audit).unwrap_or_default())
            .with_time(self.now_ms)
    }
}

/// The writing thread: one change per household, then one for the filled fields. Each new
/// record's view goes to the projecting thread as it is made; returns the records that were
/// there before (households joined, persons filled), to be projected once all is written.
fn create_all(
    doc: &mut Automerge,
    built: &[(&ImportHousehold, Built)],
    ff: &[&ImportFill],
    stamp: &Stamp<'_>,
    written: &mut ImportWritten,
    send: mpsc::SyncSender<(String, RecordView)>,
) -> Result<BTreeSet<String>> {
    let mut kept = BTreeSet::new();
    for (h, b) in built {
        if b.persons.is_empty() {
            continue;
        }
        let mut ids = Vec::new();
        let mut views = Vec::new();
        let mut tx = doc.transaction();
        if let Some((hid, hf)) = &b.household {
            views.push((hid.clone(), create_batched(&mut tx, hid, "household", hf)?));
            ids.push(hid.clone());
            written.households_added += 1;
        } else if let Some(hid) = &h.existing {
            // Joining a ledger household: its record is re-projected (resident count).
            ids.push(hid.clone());
            kept.insert(hid.clone());
        }
        for (pid, pf) in &b.persons {
            views.push((pid.clone(), create_batched(&mut tx, pid, "person", pf)?));
            ids.push(pid.clone());
        }
        written.persons_added += b.persons.len();
        tx.commit_with(stamp.commit(&ids));
        for v in views {
            if send.send(v).is_err() {
                // The projection failed: its error is the batch's, and nothing is kept.
                return Ok(kept);
            }
        }
    }
    if !ff.is_empty() {
        let mut ids = Vec::new();
        let mut tx = doc.transaction();
        for f in ff {
            let Some(obj) = record_obj(&tx, &f.person_id)? else {
                continue;
            };
            // Only fields still empty: a value set since the plan is never overwritten.
            let empty: Vec<(String, Val)> = f
                .fields
                .iter()
                .filter(|(k, _)| is_empty_field(&tx, &obj, k))
                .cloned()
                .collect();
            if !set_fields(&mut tx, &obj, &empty)?.is_empty() {
                ids.push(f.person_id.clone());
                written.persons_updated += 1;
            }
        }
        tx.commit_with(stamp.commit(&ids));
        kept.extend(ids);
    }
    Ok(kept)
}

/// Creates a record with its type and fields, as `engine::record::create_record` does (the
/// same map, the same values, null fields left out), through Automerge's batch insertion: two
/// splices of the document's operations per record instead of one per field, which made the
/// bulk of an import's time in a village document of thousands of records. Returns the view
/// `read_record` gives of the new record (built from the same values), which the projection
/// takes instead of reading the record back from the document.
fn create_batched(
    tx: &mut impl Transactable,
    id: &str,
    kind: &str,
    fields: &[(String, Val)],
) -> Result<RecordView> {
    let mut map = HashMap::with_capacity(fields.len() + 1);
    let mut view = RecordView::default();
    let typed = [(TYPE.to_owned(), Val::from(kind))];
    for (k, v) in fields.iter().chain(&typed).filter(|(_, v)| *v != Val::Null) {
        let scalar = v.to_scalar();
        view.fields.insert(k.clone(), Val::from_scalar(&scalar));
        map.insert(k.clone(), hydrate::Value::Scalar(scalar));
    }
    tx.batch_create_object(ROOT, id, &hydrate::Value::Map(map.into()), false)?;
    Ok(view)
}

/// Whether a record's field is absent, null, empty text or `false`: what an import may fill.
fn is_empty_field(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> bool {
    match doc.get(obj, key) {
        Ok(None) => true,
        Ok(Some((automerge::Value::Scalar(s), _))) => {
            matches!(Val::from_scalar(&s), Val::Null | Val::Bool(false))
                || Val::from_scalar(&s).as_str() == Some("")
        }
        _ => false,
    }
}
