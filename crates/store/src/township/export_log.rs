//! The device's log of access to personal data (who exported or printed what, who showed whose
//! full ID number or phone, when): one `export` record per file and one `reveal` record per
//! reveal (whose record, which field; never the value), in the device's own document
//! `exports:<home>:<device>` (see [`crate::engine::doc_id`]), so that it syncs to the
//! township, which reads every device's log. The relay keeps every entry small (see
//! [`check_entry`]).
//! Only the device itself may write its log (the store refuses any other on this device, the
//! relay on every change it receives); the device an entry is shown for is the one its
//! document names, never what an entry says about itself.
//!
//! A device enrolled by an older version does not know its id at the relay: its entries stay
//! in the local table `exports_log` (as every entry did before), listed with the others.

use automerge::transaction::Transactable;
use automerge::{ChangeHash, ObjType, ReadDoc, Value, ROOT};
use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{exports_doc_id, DocId, DocKind};
use crate::engine::record::{create_record, read_record, RecordView};
use crate::engine::rights::DEVICE_ID;
use crate::engine::value::Val;
use crate::error::Result;
use crate::{get_setting, Inner, Store};
use automerge::Automerge;

/// Longest text kept in an entry (a file name, a device's name): entries stay small, and one
/// from another device is cut to it when read.
const MAX_TEXT: usize = 120;
/// Most entries a device's log keeps. The change that appends past it removes the oldest
/// entries (by time, then id) in the same change, so the log never holds more: a device that
/// exports and reveals for years, or a hostile one flooding its log, leaves the relay and the
/// township at most this many entries to hold and read per device. The relay accepts that
/// removal and no other (see [`check_pruned`]); what is removed stays in the document's
/// history. The local table `exports_log` keeps as many (see [`Store::exports_log`]).
pub const MAX_ENTRIES: usize = 5_000;

/// The fields a log entry may hold; an entry with any other is refused by the relay.
const FIELDS: [&str; 14] = [
    "type",
    "deleted_at",
    "at",
    "device_name",
    "kind",
    "format",
    "village_id",
    "date_from",
    "date_to",
    "subject",
    "rows",
    "full_ids",
    "file",
    "field",
];

/// One export, printout or reveal, as the log lists it.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ExportLogEntry"))]
pub struct ExportRecord {
    /// Record id.
    pub id: String,
    /// Local time.
    pub at: String,
    /// The name of the device that made it.
    pub device: String,
    /// The device's id at the relay (the document's; `None` for an entry of the local table).
    pub device_id: Option<String>,
    /// ledger, cases, checks, entries, reports, coverage, feedback, notice, certificate; or
    /// `reveal` (a full ID number or phone shown on the device).
    pub kind: String,
    /// xlsx, csv or pdf.
    pub format: String,
    /// Village filter.
    pub village_id: Option<String>,
    /// Date range start.
    pub date_from: Option<String>,
    /// Date range end.
    pub date_to: Option<String>,
    /// The case of a printout; the person or household of a reveal.
    pub subject: Option<String>,
    /// Whose record a reveal showed: the person's name, or the household's address, when
    /// this device's ledger holds the record (read from the ledger, never stored in the log).
    pub subject_name: Option<String>,
    /// Which field a reveal showed in full: `id_number` or `phone`; for a list, each field it
    /// showed, comma-separated (`id_number,phone`).
    pub field: Option<String>,
    /// The list a reveal showed its values in, read by a script as JSON (`search`, `tasks`,
    /// `match`, `entries`, `history`, `conflicts`: see [`crate::township::lists_shown`]); its
    /// `rows` are the records it showed in full, its `subject` and `village_id` the one record
    /// and village when there is one only. `None` for a value shown one at a time (a tap on
    /// the card, a form, a record read whole).
    pub via: Option<String>,
    /// Rows written (1 for a printout).
    pub rows: u64,
    /// Whether ID numbers were written in full.
    pub full_ids: bool,
    /// The file written: its name (the folder stays on the device that wrote it).
    pub path: String,
}

/// `s` cut to [`MAX_TEXT`] characters.
fn bounded(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

fn opt(rec: &RecordView, field: &str) -> Option<String> {
    rec.str(field).map(|s| bounded(&s))
}

impl Inner {
    /// Where this device's log lives: (home, device id), or `None` when it must stay local
    /// (enrolled without knowing its id at the relay, or a village device without a village).
    fn exports_home(&mut self) -> Result<Option<(String, String)>> {
        if self.local_log {
            return Ok(None);
        }
        let role = get_setting(&self.conn, "role")?.filter(|r| !r.is_empty());
        let Some(role) = role else {
            // Never enrolled: the township's own store (or a relay's); its actor names it.
            let township = self.ensure_township(None, "本镇")?;
            return Ok(Some((township, self.docs.actor().to_hex_string())));
        };
        let Some(device) = get_setting(&self.conn, DEVICE_ID)?.filter(|d| !d.is_empty()) else {
            return Ok(None);
        };
        let home = if role == "township" {
            self.township()?
        } else {
            get_setting(&self.conn, "village_id")?
        };
        Ok(home.filter(|h| !h.is_empty()).map(|h| (h, device)))
    }
}

impl Store {
    /// Keeps this store's log of exports and reveals in its local table, for as long as it is
    /// open: for a relay's own data directory, which is no device (the operator's entries stay
    /// on the relay, listed by its `export-log`, and no document is added to those it serves).
    pub fn keep_log_local(&self) {
        self.lock().local_log = true;
    }

    /// Records an export or printout in this device's log (it syncs to the township); returns
    /// its id.
    pub fn record_export(&self, r: &ExportRecord) -> Result<String> {
        let file = std::path::Path::new(&r.path)
            .file_name()
            .map_or_else(|| r.path.clone(), |n| n.to_string_lossy().into_owned());
        let entry = ExportRecord {
            path: bounded(&file),
            ..r.clone()
        };
        self.append_entry("export", &entry)
    }

    /// Records that this device showed record `record`'s `field` in full: a person's
    /// `id_number` or `phone`, a household's `phone`; `village` is the record's. Never the
    /// value itself.
    pub(crate) fn record_reveal(&self, record: &str, village: &str, field: &str) -> Result<String> {
        let entry = ExportRecord {
            kind: "reveal".into(),
            village_id: Some(village.into()),
            subject: Some(record.into()),
            field: Some(field.into()),
            rows: 1,
            full_ids: true,
            ..ExportRecord::default()
        };
        self.append_entry("reveal", &entry)
    }

    /// Records reveal `r` (see [`ExportRecord::via`]) in this device's log; returns its id.
    pub(crate) fn record_reveals(&self, r: &ExportRecord) -> Result<String> {
        self.append_entry("reveal", r)
    }

    /// Appends an entry of record type `record_type` to this device's log.
    fn append_entry(&self, record_type: &str, r: &ExportRecord) -> Result<String> {
        let mut g = self.lock();
        let id = Uuid::new_v4().to_string();
        let at = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        let Some((home, device)) = g.exports_home()? else {
            // The local table has no `field` or `via` column: a reveal keeps its field as its
            // format, and the list that showed it as its file.
            let format = r.field.as_deref().unwrap_or(&r.format);
            let path = r.via.as_deref().unwrap_or(&r.path);
            g.conn.execute(
                "INSERT INTO exports_log (id, at, device, kind, format, village_id, date_from,
                   date_to, subject, rows, full_ids, path)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    id,
                    at,
                    g.device,
                    r.kind,
                    format,
                    r.village_id,
                    r.date_from,
                    r.date_to,
                    r.subject,
                    r.rows as i64,
                    r.full_ids,
                    bounded(path)
                ],
            )?;
            // Bounded when written, as the log documents are.
            g.conn.execute(
                "DELETE FROM exports_log WHERE rowid IN (SELECT rowid FROM exports_log
                   ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?1)",
                [MAX_ENTRIES as i64],
            )?;
            return Ok(id);
        };
        let text = |v: &Option<String>| {
            v.as_deref()
                .map_or(Val::Null, |s| Val::from(bounded(s).as_str()))
        };
        let mut fields = vec![
            ("at", Val::from(at.as_str())),
            ("device_name", Val::from(bounded(&g.device).as_str())),
            ("kind", Val::from(bounded(&r.kind).as_str())),
            ("village_id", text(&r.village_id)),
            ("subject", text(&r.subject)),
            ("rows", Val::Int(i64::try_from(r.rows).unwrap_or(i64::MAX))),
            ("full_ids", Val::Bool(r.full_ids)),
        ];
        if record_type == "reveal" {
            fields.push(("field", text(&r.field)));
            // A reveal has no format of its own: it holds the list that showed the values.
            if r.via.is_some() {
                fields.push(("format", text(&r.via)));
            }
        } else {
            fields.extend([
                ("format", Val::from(bounded(&r.format).as_str())),
                ("date_from", text(&r.date_from)),
                ("date_to", text(&r.date_to)),
                ("file", Val::from(bounded(&r.path).as_str())),
            ]);
        }
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let doc = exports_doc_id(&home, &device);
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(conn, &doc, Some(home.as_str()), audit, now_ms, |w| {
            create_record(w.tx, &id, record_type, &fields)?;
            w.touch(&id);
            for old in prune(&*w.tx, &id, MAX_ENTRIES)? {
                w.tx.delete(ROOT, old.as_str())?;
                w.touch(&old);
            }
            Ok(())
        })?;
        Ok(id)
    }

    /// The latest `limit` exports and printouts this device knows of, newest first: its own,
    /// and on a township device every device's that synced.
    pub fn exports_log(&self, limit: usize) -> Result<Vec<ExportRecord>> {
        let limit = limit.min(10_000);
        let mut g = self.lock();
        let ids: Vec<String> = g
            .conn
            .prepare("SELECT id FROM documents WHERE kind = ?1")?
            .query_map([DocKind::Exports.name()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for doc_id in ids {
            let Some(device) = DocId::parse(&doc_id).and_then(|d| d.device.map(str::to_owned))
            else {
                continue;
            };
            let Inner { conn, docs, .. } = &mut *g;
            let doc: &automerge::Automerge = docs.get(conn, &doc_id)?;
            let mut mine = Vec::new();
            for key in doc.keys(ROOT) {
                let Some(rec) = read_record(doc, &key)? else {
                    continue;
                };
                let reveal = match rec.kind() {
                    Some("export") => false,
                    Some("reveal") => true,
                    _ => continue,
                };
                mine.push(ExportRecord {
                    id: bounded(&key),
                    at: opt(&rec, "at").unwrap_or_default(),
                    device: opt(&rec, "device_name").unwrap_or_default(),
                    device_id: Some(device.clone()),
                    kind: if reveal {
                        "reveal".into()
                    } else {
                        opt(&rec, "kind").unwrap_or_default()
                    },
                    format: if reveal {
                        String::new()
                    } else {
                        opt(&rec, "format").unwrap_or_default()
                    },
                    village_id: opt(&rec, "village_id"),
                    date_from: opt(&rec, "date_from"),
                    date_to: opt(&rec, "date_to"),
                    subject: opt(&rec, "subject"),
                    subject_name: None,
                    field: if reveal { opt(&rec, "field") } else { None },
                    via: if reveal { opt(&rec, "format") } else { None },
                    rows: rec.get("rows").as_i64().unwrap_or(0).max(0) as u64,
                    full_ids: rec.get("full_ids").is_true(),
                    path: opt(&rec, "file").unwrap_or_default(),
                });
            }
            mine.sort_by(|a, b| b.at.cmp(&a.at));
            mine.truncate(MAX_ENTRIES.min(limit));
            out.extend(mine);
        }
        let mut st = g.conn.prepare(
            "SELECT id, at, device, kind, format, village_id, date_from, date_to, subject, rows,
               full_ids, path FROM exports_log ORDER BY at DESC, rowid DESC LIMIT ?1",
        )?;
        let local = st
            .query_map([limit as i64], |r| {
                Ok(ExportRecord {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    device: r.get(2)?,
                    device_id: None,
                    kind: r.get(3)?,
                    format: r.get(4)?,
                    village_id: r.get(5)?,
                    date_from: r.get(6)?,
                    date_to: r.get(7)?,
                    subject: r.get(8)?,
                    subject_name: None,
                    field: None,
                    via: None,
                    rows: r.get::<_, i64>(9)?.max(0) as u64,
                    full_ids: r.get(10)?,
                    path: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(local.into_iter().map(|mut e| {
            if e.kind == "reveal" {
                e.field = Some(std::mem::take(&mut e.format));
                e.via = Some(std::mem::take(&mut e.path)).filter(|v| !v.is_empty());
            }
            e
        }));
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        let mut name = g.conn.prepare(
            "SELECT name FROM persons WHERE id = ?1 AND removed = 0
             UNION ALL SELECT address FROM households WHERE id = ?1 AND deleted = 0",
        )?;
        for e in out.iter_mut().filter(|e| e.kind == "reveal") {
            if let Some(p) = &e.subject {
                e.subject_name = name.query_row([p], |r| r.get(0)).ok();
            }
        }
        Ok(out)
    }
}

/// The time an entry was made (its `at`), as `doc` holds it now or at `heads`; empty if it
/// has none.
fn entry_at<D: ReadDoc>(doc: &D, id: &str, heads: Option<&[ChangeHash]>) -> Result<String> {
    let rec = match heads {
        Some(h) => doc.get_at(ROOT, id, h)?,
        None => doc.get(ROOT, id)?,
    };
    let Some((Value::Object(ObjType::Map), obj)) = rec else {
        return Ok(String::new());
    };
    let at = match heads {
        Some(h) => doc.get_at(&obj, "at", h)?,
        None => doc.get(&obj, "at")?,
    };
    Ok(at
        .and_then(|(v, _)| v.into_string().ok())
        .unwrap_or_default())
}

/// Which entries of a log must go so that it holds at most `max` once entry `new` is in it:
/// the oldest (by `at`, then id) of those there before, none while it holds `max` or fewer.
fn prune<D: ReadDoc>(doc: &D, new: &str, max: usize) -> Result<Vec<String>> {
    let len = doc.length(ROOT);
    if len <= max {
        return Ok(Vec::new());
    }
    let mut old = Vec::with_capacity(len);
    for key in doc.keys(ROOT).filter(|k| k != new) {
        old.push((entry_at(doc, &key, None)?, key));
    }
    old.sort_unstable();
    old.truncate(len - max);
    Ok(old.into_iter().map(|(_, id)| id).collect())
}

/// Checks the entries `removed` from the log `doc` by its changes since `before` (the one
/// removal a log allows, see [`MAX_ENTRIES`]): the log still holds [`MAX_ENTRIES`] entries,
/// and every entry removed is older (by `at`, then id) than every entry kept that was there
/// before. So a device can make room only by dropping its oldest entries, never a recent
/// one it would rather hide.
pub(crate) fn check_pruned(
    doc: &Automerge,
    before: &[ChangeHash],
    removed: &[String],
) -> Result<()> {
    check_pruned_at(doc, before, removed, MAX_ENTRIES)
}

fn check_pruned_at(
    doc: &Automerge,
    before: &[ChangeHash],
    removed: &[String],
    max: usize,
) -> Result<()> {
    let refuse = |zh: String, en: String| crate::StoreError::Refused {
        code: "log_pruned".into(),
        zh,
        en,
    };
    if doc.length(ROOT) < max {
        return Err(refuse(
            format!("导出和打印记录不满 {max} 条时不能删除记录"),
            format!("a log of fewer than {max} entries may not lose any"),
        ));
    }
    let mut newest_removed = None;
    for id in removed {
        let key = (entry_at(doc, id, Some(before))?, id.clone());
        newest_removed = newest_removed.max(Some(key));
    }
    let Some(newest_removed) = newest_removed else {
        return Ok(());
    };
    let was: std::collections::HashSet<String> = doc.keys_at(ROOT, before).collect();
    for key in doc.keys(ROOT).filter(|k| was.contains(k)) {
        if (entry_at(doc, &key, None)?, key.clone()) <= newest_removed {
            return Err(refuse(
                format!(
                    "删除了导出和打印记录 {}，但较早的记录 {key} 还在",
                    newest_removed.1
                ),
                format!(
                    "log entry {} was removed while the older entry {key} was kept",
                    newest_removed.1
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a log entry (record `id` of `doc`, a document of the log) that is not small: a
/// field it may not hold, a text longer than an entry keeps, or a value that is no scalar. A
/// device that floods its log with large entries is refused by the relay.
pub fn check_entry(doc: &automerge::Automerge, id: &str) -> Result<()> {
    use automerge::{ObjType, Value};
    let bad = |why: &str| crate::StoreError::Corrupt(format!("log entry {id}: {why}"));
    let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, id)? else {
        return Err(bad("not a map"));
    };
    for key in doc.keys(&obj) {
        if !FIELDS.contains(&key.as_str()) {
            return Err(bad("a field a log entry does not hold"));
        }
        for (value, _) in doc.get_all(&obj, key.as_str())? {
            let Value::Scalar(v) = value else {
                return Err(bad("a value that is no scalar"));
            };
            if let automerge::ScalarValue::Str(t) = v.as_ref() {
                if t.chars().count() > MAX_TEXT {
                    return Err(bad("a text longer than an entry keeps"));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};

    use super::{check_entry, check_pruned_at, prune, MAX_TEXT};

    const ID: &str = "6b0c4f8e-6a0e-4c53-9a55-0e0c1f1f2a10";

    /// A document with one entry of fields `fields`.
    fn entry(fields: &[(&str, &str)]) -> automerge::Automerge {
        let mut doc = AutoCommit::new();
        let obj = doc.put_object(ROOT, ID, ObjType::Map).unwrap();
        doc.put(&obj, "type", "reveal").unwrap();
        for (k, v) in fields {
            doc.put(&obj, *k, *v).unwrap();
        }
        doc.document().clone()
    }

    /// A log of `n` entries made one second apart (`at` 10:00:00 + i s, ids by number).
    fn log(n: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for i in 0..n {
            let obj = doc.put_object(ROOT, id(i), ObjType::Map).unwrap();
            doc.put(&obj, "type", "export").unwrap();
            doc.put(
                &obj,
                "at",
                format!("2026-12-05T10:{:02}:{:02}", i / 60, i % 60),
            )
            .unwrap();
        }
        doc
    }

    fn id(i: usize) -> String {
        format!("00000000-0000-4000-8000-{i:012}")
    }

    #[test]
    fn a_full_log_drops_its_oldest_and_nothing_else() {
        let max = 3;
        let mut doc = log(max);
        assert!(
            prune(&doc, &id(99), max).unwrap().is_empty(),
            "not past max"
        );
        let before = doc.get_heads();
        // One more entry: the oldest goes, in the same change.
        let obj = doc.put_object(ROOT, id(max), ObjType::Map).unwrap();
        doc.put(&obj, "type", "reveal").unwrap();
        doc.put(&obj, "at", "2026-12-05T11:00:00").unwrap();
        let gone = prune(&doc, &id(max), max).unwrap();
        assert_eq!(gone, [id(0)]);
        doc.delete(ROOT, id(0).as_str()).unwrap();
        assert_eq!(doc.length(ROOT), max);
        check_pruned_at(doc.document(), &before, &gone, max).unwrap();

        // Removing a recent entry instead of the oldest is refused.
        let mut doc = log(max);
        let before = doc.get_heads();
        let obj = doc.put_object(ROOT, id(max), ObjType::Map).unwrap();
        doc.put(&obj, "at", "2026-12-05T11:00:00").unwrap();
        doc.delete(ROOT, id(2).as_str()).unwrap();
        assert!(check_pruned_at(doc.document(), &before, &[id(2)], max).is_err());

        // Removing from a log that is not full is refused.
        let mut doc = log(max);
        let before = doc.get_heads();
        doc.delete(ROOT, id(0).as_str()).unwrap();
        assert!(check_pruned_at(doc.document(), &before, &[id(0)], max).is_err());
    }

    #[test]
    fn a_small_entry_passes_and_a_large_or_foreign_one_is_refused() {
        let ok = entry(&[("at", "2026-12-05T10:00:00"), ("field", "phone")]);
        assert!(check_entry(&ok, ID).is_ok());
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(check_entry(&entry(&[("device_name", &long)]), ID).is_err());
        assert!(check_entry(&entry(&[("value", "13812345678")]), ID).is_err());
        let mut nested = AutoCommit::new();
        let obj = nested.put_object(ROOT, ID, ObjType::Map).unwrap();
        nested.put_object(&obj, "at", ObjType::Text).unwrap();
        assert!(check_entry(nested.document(), ID).is_err());
    }
}
