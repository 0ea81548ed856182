//! Assigning a row of the township's list (matched to nobody) to a village: the township knows
//! where the person is (a phone call, an address the list wrote its own way) and hands the row
//! to that village's grid worker, optionally naming the person of its ledger.
//!
//! The row becomes a `task` record in `tasks:<village>` with the row's fields, `match_by` =
//! `township` and `assigned_from` naming the row, due the township's hours from now (the
//! village learns of it only now); the row on the township's list is deleted (`deleted_at`,
//! `assigned_to`). Both are written by township devices only, like every task: a grid
//! worker's device may not write `tasks:` documents, and the relay refuses what it would.
//!
//! The new task's id is derived from the row's and the village's: assigning again (after a
//! crash between the two writes, or on a second township device offline) finds or makes the
//! same task.

use chrono::Duration;
use gridbook_domain::FieldError;
use rusqlite::OptionalExtension;
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::text::{fmt_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::tasks::import::MatchBy;
use crate::{Inner, Store};

/// Namespace of the ids of assigned tasks.
const ASSIGNED_NS: Uuid = Uuid::from_u128(0x9a41_27d3_0b6e_4f58_8c19_e2d4_70a3_5b16);

/// A row of the township's list handed to a village (`gridbook tasks assign --json`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskAssigned {
    /// The village's new task.
    pub task_id: String,
    /// The row of the township's list it came from (now off that list).
    pub from: String,
    /// The village that checks.
    pub village_id: String,
    /// The person of its ledger, if the township named one.
    pub person_id: Option<String>,
    /// Due (local time, to the minute).
    pub due: String,
}

/// The id of the task that row `from` becomes in `village`.
pub fn assigned_id(from: &str, village: &str) -> String {
    Uuid::new_v5(&ASSIGNED_NS, format!("{from}\u{1f}{village}").as_bytes()).to_string()
}

fn invalid(field: &'static str, code: &'static str, zh: &str, en: &str) -> StoreError {
    StoreError::Invalid(FieldError::new(field, code, zh, en))
}

/// A row of the township's list as its projection holds it.
struct Row {
    home: String,
    fields: Vec<(&'static str, Val)>,
}

impl Inner {
    /// The open row `id` of the township's list (a task no village has), with the fields a
    /// village's task copies from it.
    fn township_row(&self, id: &str) -> Result<Row> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT home, village_id, deleted, source, name, id_number, id_valid, phone,
                        category, list_date, place, note, row_no, created_at
                 FROM tasks WHERE id = ?1",
            )?
            .query_row([id], |r| {
                let village: Option<String> = r.get(1)?;
                let deleted: bool = r.get(2)?;
                let text = |i: usize| -> rusqlite::Result<Val> { Ok(Val::Str(r.get(i)?)) };
                let opt = |i: usize| -> rusqlite::Result<Val> {
                    Ok(r.get::<_, Option<String>>(i)?.into())
                };
                let fields = vec![
                    ("source", text(3)?),
                    ("name", text(4)?),
                    ("id_number", text(5)?),
                    ("id_valid", Val::Bool(r.get(6)?)),
                    ("phone", opt(7)?),
                    ("category", opt(8)?),
                    ("list_date", opt(9)?),
                    ("place", opt(10)?),
                    ("note", opt(11)?),
                    (
                        "row",
                        r.get::<_, Option<i64>>(12)?.map_or(Val::Null, Val::Int),
                    ),
                    ("created_at", text(13)?),
                ];
                Ok((r.get::<_, String>(0)?, village, deleted, fields))
            })
            .optional()?;
        let Some((home, village, deleted, fields)) = found else {
            return Err(StoreError::not_found("task", id));
        };
        if deleted {
            return Err(StoreError::Refused {
                code: "already_assigned".into(),
                zh: "该名单人员已分派或已删除".into(),
                en: "this row was assigned or deleted already".into(),
            });
        }
        if village.is_some() {
            return Err(StoreError::Refused {
                code: "matched".into(),
                zh: "该任务已属于一个村（社区），只有镇名单中未匹配的人员可以分派".into(),
                en: "this task has a village already: only unmatched rows are assigned".into(),
            });
        }
        Ok(Row { home, fields })
    }
}

impl Store {
    /// Hands row `task_id` of the township's list (matched to nobody) to village `village`,
    /// optionally naming `person` of its ledger: it becomes that village's task (see the module
    /// doc). Township devices only; an unknown village, or a person not of that village, is
    /// refused and nothing is written.
    pub fn assign_task(
        &self,
        task_id: &str,
        village: &str,
        person: Option<&str>,
    ) -> Result<TaskAssigned> {
        let from = parse_uuid("task", task_id)?;
        let person = person
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| parse_uuid("person", p))
            .transpose()?;
        let hours = self.task_due_hours()?;
        let mut g = self.lock();
        g.township_only(
            "只有镇（街道）的设备可以分派核查任务",
            "only a township device assigns tasks to villages",
        )?;
        let known: Option<String> = g
            .conn
            .prepare_cached("SELECT id FROM villages WHERE id = ?1 AND deleted = 0")?
            .query_row([village.trim()], |r| r.get(0))
            .optional()?;
        let Some(village) = known else {
            return Err(invalid(
                "village",
                "unknown",
                "没有这个村（社区），请从本镇的村（社区）中选择",
                "no such village: pick one of the township's villages",
            ));
        };
        if let Some(p) = person.as_deref() {
            let theirs: Option<String> = g
                .conn
                .prepare_cached("SELECT village_id FROM persons WHERE id = ?1 AND deleted = 0")?
                .query_row([p], |r| r.get(0))
                .optional()?;
            if theirs.as_deref() != Some(village.as_str()) {
                return Err(invalid(
                    "person",
                    "not_in_village",
                    "所选人员不在该村（社区）的台账中",
                    "that person is not in this village's ledger",
                ));
            }
        }
        let Row { home, mut fields } = g.township_row(&from)?;
        let now = g.now_local();
        let due = (now + Duration::hours(i64::from(hours)))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let id = assigned_id(&from, &village);
        let device = g.device.clone();
        fields.extend([
            ("village_id", Val::from(village.as_str())),
            ("person_id", person.clone().into()),
            ("match_by", MatchBy::Township.code().into()),
            ("assigned_from", from.as_str().into()),
            ("assigned_at", fmt_at(now).into()),
            ("due", due.as_str().into()),
            ("device", device.as_str().into()),
        ]);
        let now_ms = g.now_ms();
        // The village's task first: a crash before the second write leaves the row on the
        // township's list, and assigning it again finds this task.
        let audit = g.audit("assign");
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Tasks, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                if record_obj(&*w.tx, &id)?.is_none() {
                    create_record(w.tx, &id, "task", &fields)?;
                    w.touch(&id);
                }
                Ok(())
            },
        )?;
        let audit = g.audit("assign");
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Tasks, &home),
            Some(&home),
            audit,
            now_ms,
            |w| {
                let obj = record_obj(&*w.tx, &from)?
                    .ok_or_else(|| StoreError::not_found("task", &from))?;
                set_fields(
                    w.tx,
                    &obj,
                    &[
                        ("deleted_at".into(), fmt_at(now).into()),
                        ("assigned_to".into(), id.as_str().into()),
                    ],
                )?;
                w.touch(&from);
                Ok(())
            },
        )?;
        drop(g);
        Ok(TaskAssigned {
            task_id: id,
            from,
            village_id: village,
            person_id: person,
            due,
        })
    }
}
