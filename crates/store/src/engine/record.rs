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
    /// The view of a record just created with type `kind` and these fields, as
    /// [`read_record`] would read it back: null fields are not stored, and every value is the
    /// one its Automerge scalar gives.
    pub fn of_new<'a>(kind: &str, fields: impl IntoIterator<Item = (&'a str, &'a Val)>) -> Self {
        let mut view = RecordView::default();
        for (k, v) in fields.into_iter().filter(|(_, v)| **v != Val::Null) {
            view.fields
                .insert(k.to_owned(), Val::from_scalar(&v.to_scalar()));
        }
        view.fields.insert(TYPE.to_owned(), Val::from(kind));
        view
    }

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
            let all = doc.get_all(&obj, key.as_str())?;
            if let Some(vals) = conflict_values(all.into_iter().map(|(v, _)| v)) {
                view.conflicts.insert(key, vals);
            }
        }
    }
    Ok(Some(view))
}

/// The values of a field written concurrently, as a conflict for a person to settle: `None`
/// when they are all equal (two devices that made the same edit offline, e.g. merged the
/// same pair), which is no conflict. The one place conflicts are decided.
pub(crate) fn conflict_values<'a>(
    all: impl IntoIterator<Item = automerge::Value<'a>>,
) -> Option<Vec<Val>> {
    let all: Vec<automerge::Value<'a>> = all.into_iter().collect();
    // Objects are never equal: two maps put concurrently are two records.
    let equal = all.windows(2).all(|w| match (&w[0], &w[1]) {
        (automerge::Value::Scalar(a), automerge::Value::Scalar(b)) => a == b,
        _ => false,
    });
    if all.len() < 2 || equal {
        return None;
    }
    Some(
        all.into_iter()
            .filter_map(|v| v.into_scalar().ok().map(|s| Val::from_scalar(&s)))
            .collect(),
    )
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use automerge::{ActorId, Automerge};

    use super::*;

    /// A record written on one device, then `field` set on two devices offline to `a` and `b`,
    /// and the two merged.
    fn set_twice(a: &str, b: &str, field: &str) -> RecordView {
        let mut one = Automerge::new().with_actor(ActorId::random());
        let mut tx = one.transaction();
        let obj = create_record(&mut tx, "r", "person", &[("name", "张三".into())]).unwrap();
        tx.commit();
        let mut two = one.fork().with_actor(ActorId::random());
        for (doc, v) in [(&mut one, a), (&mut two, b)] {
            let mut tx = doc.transaction();
            set_fields(&mut tx, &obj, &[(field.to_owned(), v.into())]).unwrap();
            tx.commit();
        }
        one.merge(&mut two).unwrap();
        read_record(&one, "r").unwrap().unwrap()
    }

    #[test]
    fn the_same_value_written_twice_is_no_conflict() {
        let same = set_twice("甲", "甲", "merged_into");
        assert_eq!(same.str("merged_into").as_deref(), Some("甲"));
        assert!(same.conflicts.is_empty(), "{:?}", same.conflicts);
        // Any field, not merges only.
        assert!(set_twice("137", "137", "phone").conflicts.is_empty());
        let differ = set_twice("甲", "乙", "phone");
        let mut vals = differ.conflicts["phone"].clone();
        vals.sort_by_key(|v| v.opt_str());
        assert_eq!(vals, vec![Val::from("乙"), Val::from("甲")]);
        assert_eq!(differ.conflicts.len(), 1);
    }
}
