//! Daily reports (日报告 / 零报告): one `report` record per unit (group or village) and day,
//! in the village's document of that month (`reports:<village>:<YYYY-MM>`), and the
//! township's report deadlines (one `deadlines` record in the grid document).
//!
//! Two devices that report the same group offline must meet in one record: its id is derived
//! from the unit and the day, and the record's map is made by a deterministic genesis change
//! (the actor is the record id, time zero), so both devices hold the very same change and
//! their fields land in one map. The group is counted once; each device's write stays in the
//! document's history (and, where they differ, as a conflict of the fields).

use std::collections::BTreeSet;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ReadDoc, ROOT};
use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::report::{parse_note, report_id, Deadlines, Figures, Level};
use gridbook_domain::FieldError;
use rusqlite::OptionalExtension;
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, reports_doc_id, DocKind};
use crate::engine::record::{create_record, read_record, record_obj, set_fields, TYPE};
use crate::engine::text::{fmt_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// Namespace of the deadlines record id (one per township, the same on every device).
const DEADLINES_NS: Uuid = Uuid::from_u128(0x9b44_07d1_2e6f_4a83_b1c5_57e2_d08a_3f16);

/// What a submitted report says back.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReportSubmitResult"))]
pub struct Submitted {
    /// The report's record id (the same for the unit and day on every device).
    pub report_id: String,
    /// Whether it was made after the deadline.
    pub late: bool,
    /// Whether it is a 零报告.
    pub zero: bool,
    /// The figures it carries, counted from the day's records.
    pub figures: Figures,
}

/// A unit that reports: a group or a village.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub(crate) level: Level,
    pub(crate) id: String,
    pub(crate) village: String,
}

fn deadlines_id(township: &str) -> String {
    Uuid::new_v5(&DEADLINES_NS, township.as_bytes()).to_string()
}

/// Whether `hash` is the genesis change of the report whose id is the actor `actor` (hex):
/// the same bytes on every device, so any device in scope may deliver it first.
pub(crate) fn is_genesis(actor: &str, hash: &automerge::ChangeHash) -> bool {
    let Ok(bytes) = (0..actor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(actor.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let Ok(uuid) = Uuid::from_slice(&bytes) else {
        return false;
    };
    genesis_change(&uuid.to_string()).is_ok_and(|c| c.hash() == *hash)
}

/// The genesis change of a report record: its map and its type, made by an actor derived
/// from the record id at time zero, so every device makes the same bytes.
fn genesis(rid: &str) -> Result<Vec<u8>> {
    Ok(genesis_change(rid)?.raw_bytes().to_vec())
}

fn genesis_change(rid: &str) -> Result<automerge::Change> {
    let uuid = Uuid::parse_str(rid).map_err(|_| StoreError::Corrupt(format!("report id {rid}")))?;
    let mut doc = Automerge::new().with_actor(ActorId::from(uuid.as_bytes().to_vec()));
    let mut tx = doc.transaction();
    let obj = tx.put_object(ROOT, rid, ObjType::Map)?;
    tx.put(&obj, TYPE, "report")?;
    // Like every change, it carries an audit message (a relay refuses changes without one);
    // it names no device, so that it is the same bytes on every device.
    let mut audit = crate::engine::docs::Audit {
        what: "genesis".into(),
        ..Default::default()
    };
    audit.set_records([&rid.to_owned()]);
    let message = serde_json::to_string(&audit)
        .map_err(|e| StoreError::Corrupt(format!("report genesis: {e}")))?;
    tx.commit_with(CommitOptions::default().with_message(message).with_time(0));
    doc.get_last_local_change()
        .ok_or_else(|| StoreError::Corrupt("report genesis".into()))
}

impl Inner {
    /// The township's report deadlines, or the defaults (17:00, 18:00) when none were set.
    pub(crate) fn report_deadlines(&mut self) -> Result<Deadlines> {
        let Some(township) = self.township()? else {
            return Ok(Deadlines::default());
        };
        let rid = deadlines_id(&township);
        let Inner { conn, docs, .. } = self;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        match read_record(doc, &rid)?.and_then(|r| r.str("deadlines")) {
            None => Ok(Deadlines::default()),
            Some(j) => serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("report deadlines: {e}"))),
        }
    }

    /// The unit a report is for: a group (and its village) or a village that exists.
    pub(crate) fn report_unit(&self, level: Level, id: &str) -> Result<Unit> {
        let id = parse_uuid(level.code(), id)?;
        let village: Option<String> = match level {
            Level::Group => self
                .conn
                .prepare_cached(
                    "SELECT g.village_id FROM groups g JOIN villages v ON v.id = g.village_id
                     WHERE g.id = ?1 AND g.deleted = 0 AND v.deleted = 0",
                )?
                .query_row([&id], |r| r.get(0))
                .optional()?,
            Level::Village => self.village_exists(&id)?.then(|| id.clone()),
        };
        let village = village.ok_or_else(|| StoreError::not_found(level.code(), &id))?;
        Ok(Unit { level, id, village })
    }
}

impl Store {
    /// The township's report deadlines.
    pub fn report_deadlines(&self) -> Result<Deadlines> {
        self.lock().report_deadlines()
    }

    /// Sets the report deadlines (township staff; they sync to every device).
    pub fn set_report_deadlines(&self, d: &Deadlines) -> Result<Deadlines> {
        let json = serde_json::to_string(d).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut g = self.lock();
        let township = g.ensure_township(None, "本镇")?;
        let rid = deadlines_id(&township);
        let (now_ms, audit) = (g.now_ms(), g.audit("edit"));
        let Inner { conn, docs, .. } = &mut *g;
        let doc = doc_id(DocKind::Grid, &township);
        docs.write(conn, &doc, None, audit, now_ms, |w| {
            let value = Val::from(json.as_str());
            match record_obj(&*w.tx, &rid)? {
                Some(obj) => {
                    set_fields(w.tx, &obj, &[("deadlines".to_owned(), value)])?;
                }
                None => {
                    create_record(w.tx, &rid, "deadlines", &[("deadlines", value)])?;
                }
            }
            w.touch(&rid);
            Ok(())
        })?;
        Ok(*d)
    }

    /// The figures of a unit on a day, counted from the day's records.
    pub fn report_figures(&self, level: Level, unit: &str, date: NaiveDate) -> Result<Figures> {
        let unit = self.lock().report_unit(level, unit)?;
        self.unit_figures(&unit, date)
    }

    pub(crate) fn unit_figures(&self, unit: &Unit, date: NaiveDate) -> Result<Figures> {
        let due = self.due(date)?;
        let g = self.lock();
        let day = crate::reports::figures::day_figures(&g.conn, date, &due)?;
        Ok(match unit.level {
            Level::Group => day.group(&unit.village, &unit.id),
            Level::Village => day.village(&unit.village),
        })
    }

    /// Submits the report of a group or a village for `date` (日报告, or 零报告 with `zero`),
    /// made at `at` (local time; now when absent). Its figures are counted from the day's
    /// records. Submitting again updates the figures and note; the first submission time
    /// stays the one that decides lateness.
    pub fn submit_report(
        &self,
        level: Level,
        unit: &str,
        date: NaiveDate,
        zero: bool,
        note: Option<&str>,
        at: Option<NaiveDateTime>,
    ) -> Result<Submitted> {
        let note = note.map(parse_note).transpose()?;
        let unit = self.lock().report_unit(level, unit)?;
        let now = at.unwrap_or_else(|| self.now_local());
        if date > now.date() {
            return Err(StoreError::Invalid(FieldError::new(
                "date",
                "future",
                format!("不能提前报告{date}的日报"),
                format!("the report of {date} cannot be made before that day"),
            )));
        }
        let figures = self.unit_figures(&unit, date)?;
        let rid = report_id(&unit.id, date);
        let doc = reports_doc_id(&unit.village, date);
        let bytes = genesis(&rid)?;
        let mut g = self.lock();
        // Not even the genesis of a document this device's role may not write.
        crate::engine::rights::check_write(&g.conn, &doc)?;
        let deadlines = g.report_deadlines()?;
        let (now_ms, audit, device) = (g.now_ms(), g.audit("report"), g.device.clone());
        let village = unit.village.clone();
        let Inner { conn, docs, .. } = &mut *g;
        let touched = BTreeSet::from([rid.clone()]);
        docs.mutate(conn, &doc, Some(&village), now_ms, |d| {
            d.load_incremental(&bytes)?;
            Ok(Some(touched))
        })?;
        let mut fields: Vec<(String, Val)> = vec![
            ("level".into(), level.code().into()),
            ("unit_id".into(), unit.id.as_str().into()),
            ("village_id".into(), village.as_str().into()),
            ("date".into(), date.to_string().into()),
            ("zero".into(), Val::Bool(zero)),
            ("note".into(), note.clone().into()),
            ("device".into(), device.as_str().into()),
            ("updated_at".into(), fmt_at(now).into()),
        ];
        for (k, v) in figures.fields() {
            fields.push((format!("fig.{k}"), Val::Int(v)));
        }
        docs.write(conn, &doc, Some(&village), audit, now_ms, |w| {
            let obj = record_obj(&*w.tx, &rid)?
                .ok_or_else(|| StoreError::Corrupt("report genesis missing".into()))?;
            if w.tx.get(&obj, "submitted_at")?.is_none() {
                fields.push(("submitted_at".into(), fmt_at(now).into()));
            }
            set_fields(w.tx, &obj, &fields)?;
            w.touch(&rid);
            Ok(())
        })?;
        let submitted: Option<String> = conn
            .prepare_cached("SELECT submitted_at FROM reports WHERE id = ?1")?
            .query_row([&rid], |r| r.get(0))
            .optional()?;
        let submitted = submitted
            .as_deref()
            .and_then(crate::engine::text::parse_at)
            .unwrap_or(now);
        Ok(Submitted {
            report_id: rid,
            late: deadlines.is_late(level, date, submitted),
            zero,
            figures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn the_genesis_of_a_report_is_the_same_bytes_everywhere() {
        let rid = report_id("g", NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert_eq!(genesis(&rid).unwrap(), genesis(&rid).unwrap());
        let other = report_id("h", NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert_ne!(genesis(&rid).unwrap(), genesis(&other).unwrap());
    }

    /// Two stores report one group offline and exchange their documents: one row, the earliest
    /// time, both notes kept (a conflict), and the projections equal a rebuild.
    #[test]
    fn two_stores_reporting_one_group_meet_in_one_record() {
        let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (
            Store::open(da.path()).unwrap(),
            Store::open(db.path()).unwrap(),
        );
        let village = a.add_village("东山村").unwrap();
        let group = a.add_group(&village, "二组").unwrap();
        let township = a.township_id().unwrap();
        let grid = doc_id(DocKind::Grid, &township);
        b.set_setting("township_id", &township).unwrap();
        b.merge_doc_bytes(&grid, &a.export_doc(&grid).unwrap())
            .unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let ra = a
            .submit_report(
                Level::Group,
                &group,
                date,
                false,
                Some("甲"),
                Some(at("2026-12-04T16:40")),
            )
            .unwrap();
        let rb = b
            .submit_report(
                Level::Group,
                &group,
                date,
                true,
                Some("乙"),
                Some(at("2026-12-04T17:10")),
            )
            .unwrap();
        assert_eq!(ra.report_id, rb.report_id);
        assert!(!ra.late && rb.late);
        let doc = reports_doc_id(&village, date);
        b.merge_doc_bytes(&doc, &a.export_doc(&doc).unwrap())
            .unwrap();
        a.merge_doc_bytes(&doc, &b.export_doc(&doc).unwrap())
            .unwrap();
        for s in [&a, &b] {
            let status = s.report_status(date).unwrap();
            let mine: Vec<_> = status.iter().filter(|r| r.id == group).collect();
            assert_eq!(mine.len(), 1);
            assert_eq!(mine[0].submitted_at.as_deref(), Some("2026-12-04T16:40:00"));
            assert!(!mine[0].late, "the earliest submission decides");
            let n: i64 = s
                .lock()
                .conn
                .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 1);
            assert!(
                s.conflicts()
                    .unwrap()
                    .iter()
                    .any(|c| c.record_id == ra.report_id),
                "both notes are kept"
            );
            assert!(s.reindex(true).unwrap().equal);
        }
        let devices: BTreeSet<String> = a
            .history(&ra.report_id)
            .unwrap()
            .into_iter()
            .map(|h| h.actor)
            .collect();
        assert_eq!(devices.len(), 2, "both writes are in the history");
    }

    #[test]
    fn a_record_outside_its_place_gets_no_row() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        let village = s.add_village("东山村").unwrap();
        let group = s.add_group(&village, "一组").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        s.set_now(Some(at("2026-12-04T16:00")));
        s.submit_report(Level::Group, &group, date, false, None, None)
            .unwrap();
        // A second record for the same group and day under another id: not counted.
        let doc = reports_doc_id(&village, date);
        let forged = Uuid::new_v4().to_string();
        {
            let mut g = s.lock();
            let (now_ms, audit) = (g.now_ms(), g.audit("forge"));
            let Inner { conn, docs, .. } = &mut *g;
            docs.write(conn, &doc, Some(&village), audit, now_ms, |w| {
                let f = [
                    ("level", Val::from("group")),
                    ("unit_id", group.as_str().into()),
                    ("date", "2026-12-04".into()),
                    ("submitted_at", "2026-12-04T15:00:00".into()),
                ];
                create_record(w.tx, &forged, "report", &f)?;
                w.touch(&forged);
                Ok(())
            })
            .unwrap();
        }
        let n: i64 = s
            .lock()
            .conn
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert!(s.reindex(true).unwrap().equal);
    }
}
