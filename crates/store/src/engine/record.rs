//! Records inside an Automerge document.
//!
//! A document's root maps record UUIDs to flat maps of fields. No record is ever a child of a
//! shared container that two devices could create concurrently, no list is used, and nothing is
//! map-deleted: deleting sets `deleted_at`. Flags such as risk tags are flat boolean fields
//! (`tag.close-contact`), so two devices adding different tags both win.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ROOT};

use crate::engine::value::Val;
use crate::error::Result;

/// Field holding the record type (`household`, `person`, …); set once at creation.
pub const TYPE: &str = "type";

/// A record as read from a document: the winning value of every field, and every field that
/// holds concurrent values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordView {
    /// Winning value of each field.
    pub fields: BTreeMap<String, Val>,
    /// Fields set concurrently on different devices, with all their values.
    pub conflicts: BTreeMap<String, Vec<Val>>,
}

impl RecordView {
    /// The value of a field, `Null` if absent.
    pub fn get(&self, field: &str) -> &Val {
        self.fields.get(field).unwrap_or(&Val::Null)
    }

    /// Text value of a field.
    pub fn str(&self, field: &str) -> Option<String> {
        self.get(field).opt_str()
    }

    /// The record type.
    pub fn kind(&self) -> Option<&str> {
        self.get(TYPE).as_str()
    }

    /// Names (after `prefix`) of the boolean fields `prefix*` that are true, sorted.
    pub fn flags(&self, prefix: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, v)| k.starts_with(prefix) && v.is_true())
            .map(|(k, _)| k[prefix.len()..].to_owned())
            .collect()
    }
}

/// The object id of a record's map, if the record exists.
pub fn record_obj(doc: &impl ReadDoc, id: &str) -> Result<Option<ObjId>> {
    Ok(match doc.get(ROOT, id)? {
        Some((automerge::Value::Object(ObjType::Map), obj)) => Some(obj),
        _ => None,
    })
}

/// Reads one record, with its conflicts.
pub fn read_record(doc: &Automerge, id: &str) -> Result<Option<RecordView>> {
    let Some(obj) = record_obj(doc, id)? else {
        return Ok(None);
    };
    let mut view = RecordView::default();
    for item in doc.map_range(&obj, ..) {
        let key = item.key.to_string();
        if let automerge::Value::Scalar(s) = item.value.into_value() {
            view.fields.insert(key.clone(), Val::from_scalar(&s));
        }
        if item.conflict {
            let all = doc
                .get_all(&obj, key.as_str())?
                .into_iter()
                .filter_map(|(v, _)| v.into_scalar().ok().map(|s| Val::from_scalar(&s)))
                .collect::<Vec<_>>();
            view.conflicts.insert(key, all);
        }
    }
    Ok(Some(view))
}

/// Every value one field of a record held at `heads` (more than one: a conflict).
pub fn values_at(doc: &Automerge, id: &str, field: &str, heads: &[ChangeHash]) -> Result<Vec<Val>> {
    let obj = match doc.get_at(ROOT, id, heads)? {
        Some((automerge::Value::Object(ObjType::Map), obj)) => obj,
        _ => return Ok(Vec::new()),
    };
    Ok(doc
        .get_all_at(&obj, field, heads)?
        .into_iter()
        .filter_map(|(v, _)| v.into_scalar().ok().map(|s| Val::from_scalar(&s)))
        .collect())
}

/// Field names a record had at `heads`.
pub fn fields_at(doc: &Automerge, id: &str, heads: &[ChangeHash]) -> Result<Vec<String>> {
    let obj = match doc.get_at(ROOT, id, heads)? {
        Some((automerge::Value::Object(ObjType::Map), obj)) => obj,
        _ => return Ok(Vec::new()),
    };
    Ok(doc.keys_at(&obj, heads).collect())
}

/// Creates a record with its type and fields. The id must be fresh (a new UUID).
pub fn create_record(
    tx: &mut impl Transactable,
    id: &str,
    kind: &str,
    fields: &[(&str, Val)],
) -> Result<ObjId> {
    let obj = tx.put_object(ROOT, id, ObjType::Map)?;
    tx.put(&obj, TYPE, kind)?;
    for (k, v) in fields {
        if *v != Val::Null {
            tx.put(&obj, *k, v.to_scalar())?;
        }
    }
    Ok(obj)
}

/// Sets fields of an existing record; a field whose value is unchanged and not in conflict
/// is left alone so that history only shows real edits.
pub fn set_fields(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: &ObjId,
    fields: &[(String, Val)],
) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    for (k, v) in fields {
        let all = tx.get_all(obj, k.as_str())?;
        let same = all.len() == 1
            && matches!(&all[0].0, automerge::Value::Scalar(s) if Val::from_scalar(s) == *v);
        let absent_null = all.is_empty() && *v == Val::Null;
        if !same && !absent_null {
            tx.put(obj, k.as_str(), v.to_scalar())?;
            changed.push(k.clone());
        }
    }
    Ok(changed)
}
