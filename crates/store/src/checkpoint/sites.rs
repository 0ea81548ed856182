//! Checkpoints of a village, their shifts and temporary passes (the `gate:<village>` document),
//! and the township's decision rules (one `rules` record in the grid document).

use chrono::NaiveDateTime;
use gridbook_domain::checkpoint::{
    check_pass, handover, parse_pass_number, pass_payload, pass_qr_svg, shift_at, sign_in,
    DecisionRules, Direction, Pass, PassRefusal, PassUse, ShiftPlan,
};
use gridbook_domain::FieldError;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, read_record, record_obj, set_fields};
use crate::engine::text::{fmt_at, parse_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// Namespace of the rules record id: derived from the township, so every township device
/// writes the same record instead of each creating its own.
const RULES_NS: Uuid = Uuid::from_u128(0x6a1d_52c4_8e0b_4c1e_9d3f_2b7a_0c55_e917);

/// A checkpoint as listed.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointRow {
    /// Id.
    pub id: String,
    /// Village.
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
pub struct ShiftTimes {
    /// Start.
    pub start: String,
    /// End (exclusive); at or before the start means the next day.
    pub end: String,
}

/// The QR code (SVG) of a pass number, typed or scanned.
pub fn pass_qr(number: &str) -> Result<String> {
    Ok(pass_qr_svg(&parse_pass_number(number)?))
}

/// A temporary pass as listed, with its uses.
#[derive(Debug, Clone, Serialize)]
pub struct PassRow {
    /// Id.
    pub id: String,
    /// Pass number (8 characters).
    pub number: String,
    /// Household it was issued to.
    pub household_id: String,
    /// Start of the window, local time.
    pub valid_from: String,
    /// End of the window (exclusive), local time.
    pub valid_to: String,
    /// Issuer.
    pub issued_by: String,
    /// What its QR code holds.
    pub payload: String,
    /// Crossings recorded on it, in time order.
    pub uses: Vec<PassUseRow>,
    /// Members of the household under control today (an open isolation case): the pass does
    /// not cover them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<crate::isolation::control::ExcludedMember>,
}

/// One crossing on a pass. The person's document number stays with the entry.
#[derive(Debug, Clone, Serialize)]
pub struct PassUseRow {
    /// When.
    pub at: String,
    /// `in` or `out`.
    pub direction: String,
    /// Checkpoint.
    pub checkpoint_id: String,
    /// The entry that recorded it.
    pub entry_id: String,
}

/// A shift as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftRow {
    /// Id.
    pub id: String,
    /// Checkpoint.
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

    /// A checkpoint's shift plan: the one set for it, else the default of seed 001.
    pub(crate) fn shift_plan(&self, checkpoint: &str) -> Result<ShiftPlan> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT shift_plan FROM checkpoints WHERE id = ?1")?
            .query_row([checkpoint], |r| r.get(0))
            .optional()?
            .flatten();
        plan_of(json.as_deref())
    }

    /// The township's decision rules, or the defaults of seed 001 when none were set.
    pub(crate) fn rules(&mut self) -> Result<DecisionRules> {
        let Some(township) = self.township()? else {
            return Ok(DecisionRules::default());
        };
        let rid = rules_id(&township);
        let Inner { conn, docs, .. } = self;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        let json = read_record(doc, &rid)?.and_then(|r| r.str("rules"));
        match json {
            None => Ok(DecisionRules::default()),
            Some(j) => serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("decision rules: {e}"))),
        }
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

fn rules_id(township: &str) -> String {
    Uuid::new_v5(&RULES_NS, township.as_bytes()).to_string()
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

    /// Issues a temporary pass (临时通行证) to a household for a window.
    pub fn issue_pass(&self, household: &str, from: &str, to: &str) -> Result<PassRow> {
        let household = parse_uuid("household", household)?;
        let bad = |field: &'static str, s: &str| {
            StoreError::Invalid(FieldError::new(
                field,
                "format",
                format!("时间“{s}”应为 YYYY-MM-DDTHH:MM"),
                format!("time '{s}' must be YYYY-MM-DDTHH:MM"),
            ))
        };
        let from_t = parse_at(from).ok_or_else(|| bad("valid_from", from))?;
        let to_t = parse_at(to).ok_or_else(|| bad("valid_to", to))?;
        let mut g = self.lock();
        let village: String = g
            .conn
            .prepare_cached("SELECT village_id FROM households WHERE id = ?1 AND deleted = 0")?
            .query_row([&household], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("household", &household))?;
        let issuer = g.device.clone();
        let seed = Uuid::new_v4();
        let hid = Uuid::parse_str(&household).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let pass = Pass::issue(seed, hid, from_t, to_t, &issuer)
            .or_else(|_| Pass::issue(seed, hid, from_t, to_t, "镇村工作人员"))?;
        let id = seed.to_string();
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
                    ("number", Val::from(pass.number.as_str())),
                    ("household_id", household.as_str().into()),
                    ("valid_from", fmt_at(pass.valid_from).into()),
                    ("valid_to", fmt_at(pass.valid_to).into()),
                    ("issued_by", pass.issued_by.as_str().into()),
                ];
                create_record(w.tx, &id, "pass", &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        let excluded = g.excluded_members(&household, from_t.date())?;
        Ok(PassRow {
            id,
            payload: pass_payload(&pass.number),
            number: pass.number,
            household_id: household,
            valid_from: fmt_at(pass.valid_from),
            valid_to: fmt_at(pass.valid_to),
            issued_by: pass.issued_by,
            uses: Vec::new(),
            excluded,
        })
    }

    /// Checks whether a person may cross on a pass now. `Ok(Err(refusal))` is a refusal.
    pub fn check_pass(
        &self,
        number: &str,
        direction: Direction,
        id_number: &str,
    ) -> Result<std::result::Result<(), PassRefusal>> {
        let g = self.lock();
        g.check_pass(number, direction, id_number, g.now_local())
    }

    /// The passes issued to a household, the latest window first, with their uses.
    pub fn passes(&self, household: &str) -> Result<Vec<PassRow>> {
        let household = parse_uuid("household", household)?;
        let g = self.lock();
        let exists: bool = g
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1)")?
            .query_row([&household], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::not_found("household", &household));
        }
        let mut passes: Vec<PassRow> = g
            .conn
            .prepare_cached(
                "SELECT id, number, valid_from, valid_to, issued_by FROM passes
                 WHERE household_id = ?1 ORDER BY valid_from DESC, id",
            )?
            .query_map([&household], |r| {
                let number: String = r.get(1)?;
                Ok(PassRow {
                    id: r.get(0)?,
                    payload: pass_payload(&number),
                    number,
                    household_id: household.clone(),
                    valid_from: r.get(2)?,
                    valid_to: r.get(3)?,
                    issued_by: r.get(4)?,
                    uses: Vec::new(),
                    excluded: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = g.conn.prepare_cached(
            "SELECT at, direction, checkpoint_id, entry_id FROM pass_uses
             WHERE pass_number = ?1 ORDER BY at, id",
        )?;
        for pass in &mut passes {
            pass.uses = st
                .query_map([&pass.number], |r| {
                    Ok(PassUseRow {
                        at: r.get(0)?,
                        direction: r.get(1)?,
                        checkpoint_id: r.get(2)?,
                        entry_id: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        // Who a pass does not cover is today's state: shown on the passes still running.
        let now = g.now_local();
        let excluded = g.excluded_members(&household, now.date())?;
        let now = fmt_at(now);
        for pass in passes.iter_mut().filter(|p| p.valid_to > now) {
            pass.excluded = excluded.clone();
        }
        Ok(passes)
    }

    /// Shows the township's decision rules (the defaults until staff set them).
    pub fn rules(&self) -> Result<DecisionRules> {
        self.lock().rules()
    }

    /// Replaces the township's decision rules (township staff); they sync to every device.
    pub fn set_rules(&self, rules: &DecisionRules) -> Result<DecisionRules> {
        if let Err(errors) = rules.validate() {
            let first = errors.into_iter().next();
            return Err(StoreError::Invalid(first.unwrap_or_else(|| {
                FieldError::new("rules", "invalid", "规则无效", "invalid rules")
            })));
        }
        let json = serde_json::to_string(rules).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut g = self.lock();
        let township = g.ensure_township(None, "本镇")?;
        let rid = rules_id(&township);
        let (now_ms, audit) = (g.now_ms(), g.audit("edit"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                match record_obj(&*w.tx, &rid)? {
                    Some(obj) => {
                        set_fields(w.tx, &obj, &[("rules".to_owned(), json.as_str().into())])?;
                    }
                    None => {
                        create_record(w.tx, &rid, "rules", &[("rules", json.as_str().into())])?;
                    }
                }
                w.touch(&rid);
                Ok(())
            },
        )?;
        Ok(rules.clone())
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

    /// The pass with this number, and its uses so far.
    pub(crate) fn check_pass(
        &self,
        number: &str,
        direction: Direction,
        id_number: &str,
        now: NaiveDateTime,
    ) -> Result<std::result::Result<(), PassRefusal>> {
        let number = parse_pass_number(number)?;
        let row: Option<(String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT household_id, valid_from, valid_to, issued_by FROM passes
                 WHERE number = ?1 ORDER BY id LIMIT 1",
            )?
            .query_row([&number], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let (household, from, to, issued_by) =
            row.ok_or_else(|| StoreError::not_found("pass", &number))?;
        let corrupt = || StoreError::Corrupt(format!("pass {number}"));
        let pass = Pass {
            number: number.clone(),
            household_id: Uuid::parse_str(&household).map_err(|_| corrupt())?,
            valid_from: parse_at(&from).ok_or_else(corrupt)?,
            valid_to: parse_at(&to).ok_or_else(corrupt)?,
            issued_by,
        };
        let mut st = self.conn.prepare_cached(
            "SELECT at, direction, id_number, entry_id FROM pass_uses WHERE pass_number = ?1",
        )?;
        let uses: Vec<PassUse> = st
            .query_map([&number], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(at, dir, idn, entry)| {
                Some(PassUse {
                    pass_number: number.clone(),
                    at: parse_at(&at)?,
                    direction: if dir == "in" {
                        Direction::In
                    } else {
                        Direction::Out
                    },
                    id_number: idn,
                    entry_id: Uuid::parse_str(&entry).ok()?,
                })
            })
            .collect();
        let verdict = check_pass(&pass, now, direction, id_number, &uses);
        if verdict.is_ok() && direction == Direction::Out && !id_number.trim().is_empty() {
            if let Some((_, state)) = self.control_of_id_number(id_number.trim(), now.date())? {
                return Ok(Err(PassRefusal::UnderControl {
                    state_zh: state.zh(),
                    state_en: state.en(),
                }));
            }
        }
        Ok(verdict)
    }
}
