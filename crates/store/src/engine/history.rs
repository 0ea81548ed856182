//! History (the audit trail), conflicts and their resolution, and raw document access.

use automerge::ReadDoc;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::docs::Audit;
use crate::engine::record::{fields_at, record_obj, set_fields, values_at, TYPE};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// One field change in a record's history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// When (local time of the deployment), from the change's timestamp.
    pub at: String,
    /// Device that made the change: on a relay, the name it was enrolled with (from the
    /// registry, whatever the change says); elsewhere the name in the change's audit message.
    pub device: String,
    /// The device name the change's own audit message gives (empty: the change has none).
    pub device_claimed: String,
    /// On a relay, the id of the device it received the change from (or whose actor wrote it).
    pub device_id: Option<String>,
    /// On a relay, when it received the change (local time of the deployment); `at` is the
    /// time the device claims.
    pub received_at: Option<String>,
    /// Actor id of that device (hex).
    pub actor: String,
    /// Kind of change: create, edit, resolve, verify, demo…
    pub what: String,
    /// Field name.
    pub field: String,
    /// Value before (a list when the field was in conflict).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub old: serde_json::Value,
    /// Value after (a list when the change left a conflict).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub new: serde_json::Value,
    /// Hash of the change (each change names its predecessors: the trail is hash-chained).
    pub change: String,
}

/// A field holding concurrent values.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Conflict"))]
pub struct ConflictRow {
    /// Record id.
    pub record_id: String,
    /// The field whose values conflict.
    pub field: String,
    /// Document holding the record.
    pub doc_id: String,
    /// Every concurrent value.
    #[cfg_attr(feature = "ts", ts(type = "Array<unknown>"))]
    pub values: Vec<serde_json::Value>,
    /// What a person calls the record: a person's name, a household's address (none for
    /// other records, or a record this store no longer lists).
    pub label: Option<String>,
}

/// A document as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DocInfo {
    /// Document id.
    pub id: String,
    /// Kind (`grid`, `ledger`).
    pub kind: String,
    /// Village, for village documents.
    pub village_id: Option<String>,
    /// Current heads.
    pub heads: Vec<String>,
    /// Stored chunks.
    pub chunks: i64,
    /// Stored bytes.
    pub bytes: i64,
}

pub(crate) fn conflicts_of(conn: &Connection, record: &str) -> Result<Vec<ConflictRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {CONFLICT_COLUMNS} FROM conflicts c WHERE c.record_id = ?1 ORDER BY c.field"
    ))?;
    let rows = st
        .query_map([record], conflict_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConflictRow> {
    let vals: String = r.get(3)?;
    Ok(ConflictRow {
        record_id: r.get(0)?,
        field: r.get(1)?,
        doc_id: r.get(2)?,
        values: serde_json::from_str(&vals).unwrap_or_default(),
        label: r.get(4)?,
    })
}

/// The conflict of field `field` of record `record` (not found when it holds one value).
pub(crate) fn conflict_of(conn: &Connection, record: &str, field: &str) -> Result<ConflictRow> {
    conn.prepare_cached(&format!(
        "SELECT {CONFLICT_COLUMNS} FROM conflicts c WHERE c.record_id = ?1 AND c.field = ?2"
    ))?
    .query_row(params![record.trim(), field], conflict_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found("conflict", format!("{} {field}", record.trim())))
}

/// Writes value `picked` of conflict `row` as this device's change ("resolve").
fn resolve_row(g: &mut Inner, row: ConflictRow, picked: &serde_json::Value) -> Result<()> {
    let val = json_to_val(picked);
    let village = crate::engine::doc_id::village_of(&row.doc_id).map(str::to_owned);
    let rid = row.record_id.clone();
    let write = |g: &mut Inner| {
        let (now_ms, audit) = (g.now_ms(), g.audit("resolve"));
        let Inner { conn, docs, .. } = g;
        docs.write(conn, &row.doc_id, village.as_deref(), audit, now_ms, |w| {
            let obj =
                record_obj(&*w.tx, &rid)?.ok_or_else(|| StoreError::not_found("record", &rid))?;
            set_fields(w.tx, &obj, &[(row.field.clone(), val)])?;
            w.touch(&rid);
            Ok(())
        })
    };
    // A person's ID number picked: the control records of the person's open cases follow.
    match village.as_deref() {
        Some(v) if row.field == "id_number" && row.doc_id.starts_with("ledger:") => {
            g.correcting_number(v, &rid, write)
        }
        _ => write(g),
    }
}

/// The columns [`conflict_row`] reads, from `conflicts c`.
const CONFLICT_COLUMNS: &str = "c.record_id, c.field, c.doc_id, c.vals,
    COALESCE((SELECT p.name FROM persons p WHERE p.id = c.record_id),
             (SELECT h.address FROM households h WHERE h.id = c.record_id))";

/// Projection tables of village records, with the kind of document that holds them.
const VILLAGE_RECORDS: [(&str, DocKind); 9] = [
    ("persons", DocKind::Ledger),
    ("households", DocKind::Ledger),
    ("cases", DocKind::Isolation),
    ("visits", DocKind::Isolation),
    ("tests", DocKind::Isolation),
    ("referrals", DocKind::Isolation),
    ("checkpoints", DocKind::Checkpoint),
    ("shifts", DocKind::Checkpoint),
    ("passes", DocKind::Checkpoint),
];

/// The document that holds a record: a village's record from its projection row, the
/// township's own records (villages, groups, policies, rules) from the grid document. Events
/// (verifications, doses, tests) are fields of their household or person, whose history
/// shows them.
fn locate(g: &mut Inner, id: &str) -> Result<String> {
    let owner: Option<String> = g
        .conn
        .prepare_cached("SELECT doc_id FROM record_owner WHERE record_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(doc) = owner {
        return Ok(doc);
    }
    for (table, kind) in VILLAGE_RECORDS {
        let village: Option<String> = g
            .conn
            .prepare_cached(&format!("SELECT village_id FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(v) = village {
            return Ok(doc_id(kind, &v));
        }
    }
    let entry: Option<(String, String, String)> = g
        .conn
        .prepare_cached("SELECT village_id, checkpoint_id, day FROM entries WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((village, checkpoint, day)) = entry {
        return Ok(format!(
            "{}:{village}:{checkpoint}:{day}",
            DocKind::Entries.name()
        ));
    }
    let report: Option<String> = g
        .conn
        .prepare_cached("SELECT doc_id FROM reports WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(doc) = report {
        return Ok(doc);
    }
    let docs: Vec<String> = g
        .conn
        .prepare_cached("SELECT id FROM documents WHERE kind = 'grid'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Inner {
        conn, docs: cache, ..
    } = g;
    for d in docs {
        if record_obj(cache.get(conn, &d)?, id)?.is_some() {
            return Ok(d);
        }
    }
    Err(StoreError::not_found("record", id))
}

impl Store {
    /// Every field change of a record, oldest first, with device and time.
    pub fn history(&self, record_id: &str) -> Result<Vec<HistoryEntry>> {
        let rid = record_id.trim().to_owned();
        let mut g = self.lock();
        let doc_id = locate(&mut g, &rid)?;
        let offset = g.utc_offset_min;
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, &doc_id)?;
        let mut out = Vec::new();
        for meta in doc.get_changes_meta(&[]) {
            // A change without its audit message (a relay refuses those; an older one may
            // have kept some) is shown too, as touching every record: its fields tell.
            let audit = meta
                .message
                .as_deref()
                .and_then(|m| serde_json::from_str::<Audit>(m).ok());
            if audit.as_ref().is_some_and(|a| !a.mentions(&rid)) {
                continue;
            }
            let audit = audit.unwrap_or_else(|| Audit {
                what: "unaudited".into(),
                commit: String::new(),
                ..Audit::default()
            });
            let actor = meta.actor.to_hex_string();
            let receipt =
                crate::engine::integrity::receipt_of(conn, &meta.hash.to_string(), &actor)?;
            let local = |ms: i64| {
                chrono::DateTime::from_timestamp_millis(ms)
                    .map(|t| {
                        (t.naive_utc() + chrono::Duration::minutes(offset))
                            .format("%Y-%m-%dT%H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_default()
            };
            let received_at = receipt.as_ref().and_then(|r| r.at_ms).map(local);
            let device = receipt
                .as_ref()
                .and_then(|r| r.device_name.clone())
                .unwrap_or_else(|| audit.device.clone());
            let device_id = receipt.map(|r| r.device_id);
            let after = [meta.hash];
            let before = meta.deps.clone();
            let mut fields = fields_at(doc, &rid, &after)?;
            fields.extend(fields_at(doc, &rid, &before)?);
            fields.sort();
            fields.dedup();
            let at = local(meta.timestamp);
            for field in fields {
                if field == TYPE {
                    continue;
                }
                let old = values_at(doc, &rid, &field, &before)?;
                let new = values_at(doc, &rid, &field, &after)?;
                if old != new {
                    let (old, new) = (history_value(old), history_value(new));
                    out.push(HistoryEntry {
                        at: at.clone(),
                        device: device.clone(),
                        device_claimed: audit.device.clone(),
                        device_id: device_id.clone(),
                        received_at: received_at.clone(),
                        actor: actor.clone(),
                        what: audit.what.clone(),
                        field,
                        old,
                        new,
                        change: meta.hash.to_string(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Every field that holds concurrent values.
    pub fn conflicts(&self) -> Result<Vec<ConflictRow>> {
        let g = self.lock();
        let mut st = g.conn.prepare(&format!(
            "SELECT {CONFLICT_COLUMNS} FROM conflicts c ORDER BY c.record_id, c.field"
        ))?;
        let rows = st
            .query_map([], conflict_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Picks one of the concurrent values of a field; the pick is recorded as this device's
    /// change ("resolve") in the history.
    pub fn resolve(&self, record_id: &str, field: &str, value: &str) -> Result<()> {
        let mut g = self.lock();
        let row = conflict_of(&g.conn, record_id, field)?;
        crate::engine::rights::check_resolve(&g.conn, &row.doc_id)?;
        let picked = row
            .values
            .iter()
            .find(|v| match v {
                serde_json::Value::String(s) => s == value,
                other => serde_json::to_string(other).is_ok_and(|s| s == value),
            })
            .cloned()
            .ok_or_else(|| {
                // Neither the value given nor the conflict's values: a name, an address, an ID
                // number or a phone has no place in a message that scripts may log.
                let n = row.values.len();
                StoreError::Invalid(gridbook_domain::FieldError::new(
                    "value",
                    "not_a_choice",
                    format!("给出的值不是这处冲突的 {n} 个值之一（用 gridbook conflicts 查看）"),
                    format!(
                        "the value given is not one of the conflict's {n} values \
                         (see gridbook conflicts)"
                    ),
                ))
            })?;
        resolve_row(&mut g, row, &picked)
    }

    /// Picks the `index`th of the concurrent values of a field as the screen showed them,
    /// masked (`shown`, in the order [`Store::conflicts`] gives them): the screen need not
    /// hold a full ID number or phone to pick one. Refused when the values are no longer the
    /// ones shown (a sync changed them meanwhile), or when this device's role may not write
    /// the record's document (a checkpoint's volunteer and the ledger); recorded as
    /// [`Store::resolve`] is.
    pub fn resolve_choice(
        &self,
        record_id: &str,
        field: &str,
        index: usize,
        shown: &[serde_json::Value],
    ) -> Result<()> {
        let mut g = self.lock();
        let row = conflict_of(&g.conn, record_id, field)?;
        crate::engine::rights::check_resolve(&g.conn, &row.doc_id)?;
        if crate::township::shown::masked_values(field, &row.values) != shown {
            return Err(StoreError::Refused {
                code: "conflict_changed".into(),
                zh: "冲突的值已经变化，请刷新后重新选择".into(),
                en: "the conflicting values have changed: reload and pick again".into(),
            });
        }
        let picked = row.values.get(index).cloned().ok_or_else(|| {
            StoreError::Invalid(gridbook_domain::FieldError::new(
                "index",
                "not_a_choice",
                format!("没有第 {} 个冲突值", index + 1),
                format!("there is no value number {}", index + 1),
            ))
        })?;
        resolve_row(&mut g, row, &picked)
    }

    /// Documents in this store.
    pub fn docs(&self) -> Result<Vec<DocInfo>> {
        let g = self.lock();
        let mut st = g.conn.prepare(
            "SELECT d.id, d.kind, d.village_id, d.heads, d.chunk_count,
               (SELECT COALESCE(sum(length(bytes)), 0) FROM chunks c WHERE c.doc_id = d.id)
             FROM documents d ORDER BY d.kind, d.id",
        )?;
        let rows = st
            .query_map([], |r| {
                let heads: String = r.get(3)?;
                Ok(DocInfo {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    village_id: r.get(2)?,
                    heads: heads
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    chunks: r.get(4)?,
                    bytes: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The whole document as standard Automerge bytes.
    pub fn export_doc(&self, id: &str) -> Result<Vec<u8>> {
        let mut g = self.lock();
        let exists: bool = g
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?
            .exists([id])?;
        if !exists {
            return Err(StoreError::not_found("document", id));
        }
        let Inner { conn, docs, .. } = &mut *g;
        Ok(docs.get(conn, id)?.save())
    }

    /// Merges Automerge bytes (a saved document or changes) from elsewhere into document `id`;
    /// only the records they touch are re-projected. Returns whether anything was new.
    pub fn merge_doc_bytes(&self, id: &str, bytes: &[u8]) -> Result<bool> {
        let village = crate::engine::doc_id::village_of(id).map(str::to_owned);
        let mut g = self.lock();
        let now_ms = g.now_ms();
        let Inner { conn, docs, .. } = &mut *g;
        docs.mutate(conn, id, village.as_deref(), now_ms, |doc| {
            doc.load_incremental(bytes)?;
            Ok(None)
        })
    }

    /// Record ids at the root of a document (for tests and tools).
    pub fn doc_record_ids(&self, id: &str) -> Result<Vec<String>> {
        let mut g = self.lock();
        let Inner { conn, docs, .. } = &mut *g;
        Ok(docs.get(conn, id)?.keys(automerge::ROOT).collect())
    }
}

fn history_value(mut v: Vec<Val>) -> serde_json::Value {
    match v.len() {
        0 => serde_json::Value::Null,
        1 => serde_json::to_value(v.remove(0)).unwrap_or_default(),
        _ => serde_json::to_value(v).unwrap_or_default(),
    }
}

fn json_to_val(v: &serde_json::Value) -> Val {
    match v {
        serde_json::Value::Bool(b) => Val::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Val::F64(n.as_f64().unwrap_or_default()), Val::Int),
        serde_json::Value::String(s) => Val::Str(s.clone()),
        _ => Val::Null,
    }
}
