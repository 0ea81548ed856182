//! Checkpoints of a village and their shifts (records of the `gate:<village>` document).

use gridbook_domain::checkpoint::{handover, shift_at, sign_in, ShiftPlan};
use gridbook_domain::FieldError;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::text::{fmt_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// A checkpoint as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Checkpoint"))]
pub struct CheckpointRow {
    /// The checkpoint's record id (UUID).
    pub id: String,
    /// The village that runs the checkpoint.
    pub village_id: String,
    /// Name, e.g. 村口卡点.
    pub name: String,
    /// Where it is.
    pub place: Option<String>,
    /// Its shifts and the staff each needs.
    pub shift_plan: ShiftPlan,
}

/// One shift as typed in the app: start and end, "HH:MM".
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftTimes {
    /// When the shift starts (`HH:MM`, local time).
    pub start: String,
    /// End (exclusive); at or before the start means the next day.
    pub end: String,
}

/// A shift as recorded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftRow {
    /// The shift's record id (UUID).
    pub id: String,
    /// The checkpoint the shift is at.
    pub checkpoint_id: String,
    /// The date the shift started.
    pub date: String,
    /// Index in the shift plan.
    pub index: i64,
    /// Staff on duty, comma-separated.
    pub staff: String,
    /// Sign-in time.
    pub signed_in_at: Option<String>,
    /// Handover time.
    pub signed_out_at: Option<String>,
    /// Handover note.
    pub handover_note: Option<String>,
}

impl Inner {
    /// The village of a checkpoint that exists.
    pub(crate) fn checkpoint_village(&self, id: &str) -> Result<String> {
        self.conn
            .prepare_cached("SELECT village_id FROM checkpoints WHERE id = ?1 AND deleted = 0")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("checkpoint", id))
    }

    /// A checkpoint's shift plan: the one set for it, else the default of the township's work plan.
    pub(crate) fn shift_plan(&self, checkpoint: &str) -> Result<ShiftPlan> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT shift_plan FROM checkpoints WHERE id = ?1")?
            .query_row([checkpoint], |r| r.get(0))
            .optional()?
            .flatten();
        plan_of(json.as_deref())
    }
}

/// A stored plan, or the default for none. A plan another device wrote that this build cannot
/// read is reported, not replaced by the default: shifts would silently change.
fn plan_of(json: Option<&str>) -> Result<ShiftPlan> {
    match json {
        None => Ok(ShiftPlan::default()),
        Some(j) => {
            serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("shift plan: {e}")))
        }
    }
}

/// Turns a plan's first error into the store's error.
fn plan_error(errors: Vec<FieldError>) -> StoreError {
    StoreError::Invalid(errors.into_iter().next().unwrap_or_else(|| {
        FieldError::new("shifts", "invalid", "班次设置无效", "invalid shift plan")
    }))
}

impl Store {
    /// Adds a checkpoint (卡口) to a village.
    pub fn add_checkpoint(&self, village: &str, name: &str, place: Option<&str>) -> Result<String> {
        self.add_checkpoint_with(village, name, place, None)
    }

    /// Adds a checkpoint with its own shift plan (`None`: the default plan).
    pub fn add_checkpoint_with(
        &self,
        village: &str,
        name: &str,
        place: Option<&str>,
        plan: Option<&ShiftPlan>,
    ) -> Result<String> {
        let village = parse_uuid("village", village)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(StoreError::Invalid(FieldError::new(
                "name",
                "length",
                "卡口名称应为1–40个字",
                "checkpoint name must be 1–40 characters",
            )));
        }
        let place = place.map(str::trim).filter(|p| !p.is_empty());
        if place.is_some_and(|p| p.chars().count() > 100) {
            return Err(StoreError::Invalid(FieldError::new(
                "place",
                "length",
                "卡口位置最多100个字",
                "checkpoint place must be at most 100 characters",
            )));
        }
        let plan = match plan {
            Some(p) => {
                p.validate().map_err(plan_error)?;
                Some(serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            }
            None => None,
        };
        let mut g = self.lock();
        if !g.village_exists(&village)? {
            return Err(StoreError::not_found("village", village));
        }
        let id = Uuid::new_v4().to_string();
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Checkpoint, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let mut f = vec![
                    ("name", name.into()),
                    ("place", place.map(str::to_owned).into()),
                ];
                if let Some(plan) = &plan {
                    f.push(("shift_plan", plan.as_str().into()));
                }
                create_record(w.tx, &id, "checkpoint", &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        Ok(id)
    }

    /// Every checkpoint, by village and name.
    pub fn checkpoints(&self) -> Result<Vec<CheckpointRow>> {
        let g = self.lock();
        let mut st = g.conn.prepare_cached(
            "SELECT id, village_id, name, place, shift_plan FROM checkpoints WHERE deleted = 0
             ORDER BY village_id, name, id",
        )?;
        let rows: Vec<(CheckpointRow, Option<String>)> = st
            .query_map([], |r| {
                Ok((
                    CheckpointRow {
                        id: r.get(0)?,
                        village_id: r.get(1)?,
                        name: r.get(2)?,
                        place: r.get(3)?,
                        shift_plan: ShiftPlan::default(),
                    },
                    r.get(4)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(mut row, plan)| {
                row.shift_plan = plan_of(plan.as_deref())?;
                Ok(row)
            })
            .collect()
    }

    /// Sets a checkpoint's shift plan (e.g. four 6-hour shifts of three). Sign-ins already
    /// recorded keep the shift they were made in; the new plan counts from now on.
    pub fn set_shift_plan(&self, checkpoint: &str, plan: &ShiftPlan) -> Result<CheckpointRow> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        plan.validate().map_err(plan_error)?;
        let json = serde_json::to_string(plan).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let (now_ms, audit) = (g.now_ms(), g.audit("edit"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Checkpoint, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let obj = record_obj(&*w.tx, &checkpoint)?
                    .ok_or_else(|| StoreError::not_found("checkpoint", &checkpoint))?;
                set_fields(
                    w.tx,
                    &obj,
                    &[("shift_plan".to_owned(), json.as_str().into())],
                )?;
                w.touch(&checkpoint);
                Ok(())
            },
        )?;
        drop(g);
        self.checkpoints()?
            .into_iter()
            .find(|c| c.id == checkpoint)
            .ok_or_else(|| StoreError::not_found("checkpoint", &checkpoint))
    }

    /// A shift plan from the app's form: each shift's start and end as "HH:MM", and the staff
    /// per shift.
    pub fn set_shift_plan_form(
        &self,
        checkpoint: &str,
        shifts: &[ShiftTimes],
        staff_per_shift: u32,
    ) -> Result<CheckpointRow> {
        let pairs: Vec<(&str, &str)> = shifts
            .iter()
            .map(|s| (s.start.as_str(), s.end.as_str()))
            .collect();
        let plan = ShiftPlan::from_times(&pairs, staff_per_shift).map_err(plan_error)?;
        self.set_shift_plan(checkpoint, &plan)
    }

    /// Signs staff in to the shift on duty now at a checkpoint (default plan: three shifts a
    /// day, two people each; fewer people are recorded, not refused).
    pub fn shift_start(&self, checkpoint: &str, staff: &[&str]) -> Result<ShiftRow> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        let mut g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let s = sign_in(&g.shift_plan(&checkpoint)?, g.now_local(), staff)?;
        let id = Uuid::new_v4().to_string();
        let row = ShiftRow {
            id: id.clone(),
            checkpoint_id: checkpoint.clone(),
            date: s.date.to_string(),
            index: s.shift as i64,
            staff: s.staff.join(","),
            signed_in_at: Some(fmt_at(s.at)),
            signed_out_at: None,
            handover_note: None,
        };
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Checkpoint, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let f = [
                    ("checkpoint_id", Val::from(checkpoint.as_str())),
                    ("date", row.date.clone().into()),
                    ("index", Val::Int(row.index)),
                    ("staff", row.staff.clone().into()),
                    ("signed_in_at", row.signed_in_at.clone().into()),
                ];
                create_record(w.tx, &id, "shift", &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        Ok(row)
    }

    /// Hands the shift on duty over with a note: signs out the latest sign-in of that shift.
    pub fn shift_handover(&self, checkpoint: &str, note: &str) -> Result<ShiftRow> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        let mut g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let plan = g.shift_plan(&checkpoint)?;
        let now = g.now_local();
        let h = handover(&plan, now, note)?;
        // The shift ending (within the grace after its end) or, if it was handed over already
        // or nobody signed in to it, the shift on duty now; never a sign-in already handed over.
        let mut shifts = vec![(h.date, h.shift)];
        if let Some(current) = shift_at(&plan, now) {
            if !shifts.contains(&current) {
                shifts.push(current);
            }
        }
        let mut found = None;
        for (date, idx) in shifts {
            if let Some(row) = g.signed_in(&checkpoint, &date.to_string(), idx as i64)? {
                found = Some(row.id);
                break;
            }
        }
        let id = found.ok_or_else(|| {
            StoreError::Invalid(FieldError::new(
                "shift",
                "not_signed_in",
                "本班次尚未签到或已交班，无法交班",
                "nobody is signed in to this shift (or it was handed over already)",
            ))
        })?;
        let (now_ms, audit) = (g.now_ms(), g.audit("edit"));
        let Inner { conn, docs, .. } = &mut *g;
        let at = fmt_at(h.at);
        docs.write(
            conn,
            &doc_id(DocKind::Checkpoint, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let obj =
                    record_obj(&*w.tx, &id)?.ok_or_else(|| StoreError::not_found("shift", &id))?;
                let f = [
                    ("signed_out_at".to_owned(), Val::from(at.as_str())),
                    ("handover_note".to_owned(), h.note.clone().into()),
                ];
                set_fields(w.tx, &obj, &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        g.shift(&id)
    }
}

impl Inner {
    fn shift(&self, id: &str) -> Result<ShiftRow> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, checkpoint_id, date, idx, staff, signed_in_at, signed_out_at,
                 handover_note FROM shifts WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(ShiftRow {
                    id: r.get(0)?,
                    checkpoint_id: r.get(1)?,
                    date: r.get(2)?,
                    index: r.get(3)?,
                    staff: r.get(4)?,
                    signed_in_at: r.get(5)?,
                    signed_out_at: r.get(6)?,
                    handover_note: r.get(7)?,
                })
            })?)
    }

    /// The latest sign-in to a shift that was not handed over.
    pub(crate) fn signed_in(
        &self,
        checkpoint: &str,
        date: &str,
        index: i64,
    ) -> Result<Option<ShiftRow>> {
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM shifts WHERE checkpoint_id = ?1 AND date = ?2 AND idx = ?3
                   AND signed_out_at IS NULL ORDER BY signed_in_at DESC, id DESC LIMIT 1",
            )?
            .query_row(params![checkpoint, date, index], |r| r.get(0))
            .optional()?;
        id.map(|id| self.shift(&id)).transpose()
    }

    /// The shift handed over last at a checkpoint.
    pub(crate) fn last_handover(&self, checkpoint: &str) -> Result<Option<ShiftRow>> {
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM shifts WHERE checkpoint_id = ?1 AND signed_out_at IS NOT NULL
                 ORDER BY signed_out_at DESC, id DESC LIMIT 1",
            )?
            .query_row([checkpoint], |r| r.get(0))
            .optional()?;
        id.map(|id| self.shift(&id)).transpose()
    }

    /// The staff signed in to the shift on duty at a checkpoint now (or to the shift that just
    /// ended, during its handover grace), as the real name of the decision; a sign-in of an
    /// earlier shift that was never handed over does not sign today's entries.
    pub(crate) fn on_duty(&self, checkpoint: &str) -> Result<Option<String>> {
        let plan = self.shift_plan(checkpoint)?;
        let now = self.now_local();
        let grace = now - chrono::Duration::minutes(30);
        for (date, idx) in [shift_at(&plan, now), shift_at(&plan, grace)]
            .into_iter()
            .flatten()
        {
            if let Some(row) = self.signed_in(checkpoint, &date.to_string(), idx as i64)? {
                return Ok(Some(row.staff));
            }
        }
        Ok(None)
    }
}
