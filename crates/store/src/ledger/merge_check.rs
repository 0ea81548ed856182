//! What a merge (`merged_into` on a person) may name, as a relay checks every change it keeps
//! and a device checks its own writes (the same code).
//!
//! Refused: a value that is not a person id (not text, not a lower-case hyphenated UUID), the
//! person's own id, a record of the same document that is not a person, and a record of
//! another document that is not a person of a ledger the sender may write (a grid worker's
//! device may name persons of its own village only; the township's, of any village).
//!
//! Tolerated, because honest devices make them and every reader resolves them the same way
//! (see `merge`): a chain (A→B made on one device, B→C on another), a cycle (A→B and B→A
//! made concurrently: the smallest id survives), and an id this store does not hold (a
//! township device that created a person of another village and merged into it offline
//! sends that village's ledger in the same sync, possibly after this one). A link to a
//! person a store does not hold counts nowhere: the merged person stays in every list.
//!
//! Only values the new changes wrote are checked: an edit of another field of a person whose
//! merge the township made across villages is not the grid worker's merge.
//!
//! A "not the same person" dismissal (`distinct`, see `distinct`) names two persons the same
//! way: its first person must be a person of its document, its second one the sender may name
//! as a merge target.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use rusqlite::Connection;

use crate::engine::doc_id::{DocId, DocKind};
use crate::engine::record::TYPE;
use crate::error::{Result, StoreError};

/// The field of a person naming the person it was merged into.
pub const MERGED_INTO: &str = "merged_into";

/// Whether `value`, found in `merged_into` of person `id`, is a merge at all: another
/// person's id in the form devices write (readers ignore anything else).
pub fn is_merge_link(id: &str, value: &str) -> bool {
    value != id && uuid::Uuid::parse_str(value).is_ok_and(|u| u.to_string() == value)
}

fn refused(code: &str, zh: String, en: String) -> StoreError {
    StoreError::Refused {
        code: code.to_owned(),
        zh,
        en,
    }
}

/// A record naming a person: a merge, or a dismissal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    /// The record that names it (the merged person, the dismissal).
    pub from: String,
    /// The person named.
    pub target: String,
    /// Whether `from` is a dismissal (`distinct`) rather than a merged person.
    pub dismissal: bool,
}

/// The refusal of record `r.from` naming `r.target`, which is not a person this sender may
/// name (`why`: what it is, in Chinese and English).
pub fn merge_out_of_scope(r: &PersonRef, why: (&str, &str)) -> StoreError {
    let (id, target) = (&r.from, &r.target);
    let (zh, en) = if r.dismissal {
        (
            format!("“不是同一人”记录 {id} 不能指向 {target}"),
            format!("the dismissal {id} cannot name {target}"),
        )
    } else {
        (
            format!("人员 {id} 不能合并到 {target}"),
            format!("person {id} cannot be merged into {target}"),
        )
    };
    refused(
        "merge_out_of_scope",
        format!("{zh}：{}", why.0),
        format!("{en}: {}", why.1),
    )
}

/// Checks the merges (and dismissals) the new changes of a document since `before` (empty:
/// all) wrote on the records `touched`, within the document alone. Returns those whose person
/// is not a record of this document: the caller checks each against the rest of the township
/// with [`check_target_owner`].
pub fn new_merges(
    doc: &Automerge,
    before: &[ChangeHash],
    touched: &BTreeSet<String>,
) -> Result<Vec<PersonRef>> {
    let mut outside = Vec::new();
    for id in touched {
        for (v, obj) in doc.get_all(ROOT, id.as_str())? {
            if !matches!(v, Value::Object(ObjType::Map)) {
                continue;
            }
            let fields: &[&str] = if is_a(doc, &obj, "person")? {
                &[MERGED_INTO]
            } else if is_a(doc, &obj, crate::ledger::distinct::KIND)? {
                &["person_a", "person_b"]
            } else {
                continue;
            };
            for field in fields {
                for value in new_values(doc, before, &obj, field)? {
                    let r = PersonRef {
                        from: id.clone(),
                        target: String::new(),
                        dismissal: *field != MERGED_INTO,
                    };
                    if let Some(target) = check_value(doc, &r, &value)? {
                        // A dismissal lives in the ledger of its first person.
                        if *field == "person_a" {
                            return Err(merge_out_of_scope(
                                &PersonRef { target, ..r },
                                ("该人员不在本台账中", "that person is not of this ledger"),
                            ));
                        }
                        outside.push(PersonRef { target, ..r });
                    }
                }
            }
        }
    }
    Ok(outside)
}

/// The values of `field` of `obj` that the changes since `before` wrote.
fn new_values<'a>(
    doc: &'a Automerge,
    before: &[ChangeHash],
    obj: &automerge::ObjId,
    field: &str,
) -> Result<Vec<Value<'a>>> {
    let now = doc.get_all(obj, field)?;
    if now.is_empty() {
        return Ok(Vec::new());
    }
    // The object may be new since `before`: then it held nothing there.
    let was = if before.is_empty() {
        Vec::new()
    } else {
        doc.get_all_at(obj, field, before).unwrap_or_default()
    };
    Ok(now
        .into_iter()
        .filter(|(_, op)| !was.iter().any(|(_, o)| o == op))
        .map(|(v, _)| v)
        .collect())
}

fn is_a(doc: &Automerge, obj: &automerge::ObjId, kind: &str) -> Result<bool> {
    Ok(doc
        .get_all(obj, TYPE)?
        .iter()
        .any(|(t, _)| t.as_str() == Some(kind)))
}

/// Checks one new value of `merged_into` of person `r.from` (or a person of dismissal
/// `r.from`); returns the person if it is not a record of this document.
fn check_value(doc: &Automerge, r: &PersonRef, value: &Value<'_>) -> Result<Option<String>> {
    let id = r.from.as_str();
    let text = match value {
        // Undoing a merge.
        Value::Scalar(s) if matches!(s.as_ref(), ScalarValue::Null) && !r.dismissal => {
            return Ok(None)
        }
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => t.to_string(),
            _ => String::new(),
        },
        Value::Object(_) => String::new(),
    };
    if text == id && !r.dismissal {
        return Err(refused(
            "merge_self",
            format!("人员 {id} 不能合并到其本人"),
            format!("person {id} cannot be merged into itself"),
        ));
    }
    if !is_merge_link(id, &text) {
        let shown: String = text.chars().take(40).collect();
        return Err(refused(
            "bad_merge",
            format!("记录 {id} 所指的“{shown}”不是人员编号"),
            format!("'{shown}' named by {id} is not a person id"),
        ));
    }
    let mut here = false;
    for (v, obj) in doc.get_all(ROOT, text.as_str())? {
        here = true;
        if !matches!(v, Value::Object(ObjType::Map)) || !is_a(doc, &obj, "person")? {
            let r = PersonRef {
                target: text.clone(),
                ..r.clone()
            };
            return Err(merge_out_of_scope(
                &r,
                (
                    "该编号在本台账中不是人员",
                    "it is not a person of this ledger",
                ),
            ));
        }
    }
    Ok((!here).then_some(text))
}

/// Checks a person named in another document: `owner` is the document that holds it and the
/// type it was written as (`None`: not held here, tolerated; a relay that does not keep types
/// passes `None` as the type), `may_write` whether the sender may write a document.
pub fn check_target_owner(
    r: &PersonRef,
    owner: Option<(&str, Option<&str>)>,
    may_write: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let Some((doc_id, kind)) = owner else {
        return Ok(());
    };
    let ledger = DocId::parse(doc_id).is_some_and(|d| d.kind == DocKind::Ledger);
    if !ledger || kind.is_some_and(|k| k != "person") {
        return Err(merge_out_of_scope(
            r,
            ("该编号不是人员", "it is not a person"),
        ));
    }
    if !may_write(doc_id) {
        return Err(merge_out_of_scope(
            r,
            (
                "对方是其他村（社区）的人员，跨村合并或排除须由乡镇操作",
                "the target is a person of another village: a merge across villages is made by the township",
            ),
        ));
    }
    Ok(())
}

/// Checks the merges of the new changes of `doc_id` (see [`new_merges`]) against this store's
/// other documents.
pub(crate) fn check_merges(
    conn: &Connection,
    doc: &Automerge,
    before: &[ChangeHash],
    touched: &BTreeSet<String>,
    may_write: &dyn Fn(&str) -> bool,
) -> Result<()> {
    for r in new_merges(doc, before, touched)? {
        let owner = crate::engine::owner::owner_of(conn, &r.target)?;
        check_target_owner(
            &r,
            owner
                .as_ref()
                .map(|o| (o.doc_id.as_str(), Some(o.kind.as_str()))),
            may_write,
        )?;
    }
    Ok(())
}
