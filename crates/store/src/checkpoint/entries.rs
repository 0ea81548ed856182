//! Checkpoint entries: validated, decided by the township's rules, confirmed or overridden by
//! the volunteer, matched to the ledger, and written to the document of their checkpoint and
//! day; listed in the one order every device agrees on.

use chrono::NaiveDate;
use gridbook_domain::checkpoint::{
    confirm, entry_sort_key, fever_in, shift_at, suggest_for, validate_entry, Decision, EntryInput,
    Reason,
};
use gridbook_domain::FieldError;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::checkpoint::resident::{fill_identity, mask_hits};
use crate::checkpoint::sites::ShiftRow;
use crate::engine::doc_id::entries_doc_id;
use crate::engine::record::create_record;
use crate::engine::text::parse_uuid;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::search::{id_term, search_in, Hit};
use crate::{Inner, Masked, Store};

/// Real name recorded when nobody signed in and no volunteer was named.
const UNSIGNED: &str = "未签到";

/// An entry to record: the form, and what the volunteer decided.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    /// Checkpoint id.
    pub checkpoint: String,
    /// The form; its `at` is ignored when `at_now` is set.
    pub input: EntryInput,
    /// Use the store's clock instead of `input.at`.
    pub at_now: bool,
    /// The volunteer's choice, if not the suggestion.
    pub decision: Option<Decision>,
    /// Why (required to choose less strictly than suggested).
    pub note: Option<String>,
    /// Who decided; defaults to the staff signed in at the checkpoint.
    pub volunteer: Option<String>,
    /// Temporary pass number shown, if any.
    pub pass: Option<String>,
    /// The ledger resident picked from the match, by person id: the store takes the ID
    /// number (and a phone the form holds masked) from the ledger. Must name a living person
    /// of the checkpoint's village; anything else is refused (field `person_id`).
    pub person: Option<String>,
}

/// What recording an entry gave.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryResult {
    /// The new entry.
    pub entry_id: String,
    /// The decision taken.
    pub decision: Decision,
    /// The decision the rules suggested.
    pub suggested: Decision,
    /// Why the rules suggested it.
    pub reasons: Vec<Reason>,
    /// The ledger person with this ID document in the checkpoint's village, if any.
    pub person_id: Option<String>,
    /// The person's control state from an open case, when under control.
    pub isolation: Option<crate::IsolationRow>,
}

/// An entry as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryRow {
    /// The entry's record id (UUID).
    pub id: String,
    /// When, local time (fixed-width, sorts as text).
    pub at: String,
    /// Recording device (actor), part of the order.
    pub device: String,
    /// in / out.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Direction"))]
    pub direction: String,
    /// The person's name as given at the checkpoint.
    pub name: String,
    /// ID document number.
    pub id_number: String,
    /// The phone given, if any.
    pub phone: Option<String>,
    /// The vehicle plate, if any.
    pub plate: Option<String>,
    /// Temperature in °C.
    pub temperature: f64,
    /// Whether the temperature was a fever by the township's threshold when the entry was
    /// judged (a fever reason is among its reasons).
    pub fever: bool,
    /// Health code colour.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::HealthCode"))]
    pub health_code: String,
    /// Travel in the last 14 days.
    pub travel: String,
    /// Suggested decision.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Decision"))]
    pub suggested: String,
    /// Decision taken.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Decision"))]
    pub decision: String,
    /// Reasons of the suggestion.
    #[cfg_attr(feature = "ts", ts(as = "Vec<gridbook_domain::checkpoint::Reason>"))]
    pub reasons: serde_json::Value,
    /// Who decided.
    pub volunteer: String,
    /// Override note.
    pub note: Option<String>,
    /// Whether the decision differs from the suggestion.
    pub overridden: bool,
    /// Device name that recorded it.
    pub recorded_by: String,
    /// Matched ledger person.
    pub person_id: Option<String>,
    /// Pass used.
    pub pass_number: Option<String>,
    /// 户口所在地.
    pub hukou_place: Option<String>,
    /// 常住地.
    pub residence: Option<String>,
    /// 事由.
    pub purpose: Option<String>,
    /// Risk areas the volunteer ticked.
    pub declared_areas: Vec<String>,
}

/// Entries in and out today, and those turned back or held for observation (counted apart
/// from in and out).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayCounts {
    /// Let in.
    #[serde(rename = "in")]
    pub came_in: i64,
    /// Let out.
    #[serde(rename = "out")]
    pub went_out: i64,
    /// Turned back (劝返).
    pub turned_back: i64,
    /// Held for observation and transfer (留观转运).
    pub observed: i64,
    /// Every entry of the day.
    pub total: i64,
}

/// The shift on duty now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftNow {
    /// The date the shift started.
    pub date: String,
    /// Index in the plan.
    pub index: i64,
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`.
    pub end: String,
    /// People the plan asks for.
    pub staff_needed: u8,
    /// The latest sign-in to it not handed over yet.
    pub signed_in: Option<ShiftRow>,
}

/// The checkpoint screen's data.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckpointDay {
    /// Today, `YYYY-MM-DD`.
    pub date: String,
    /// Today's counts.
    pub counts: DayCounts,
    /// The shift on duty.
    pub shift: Option<ShiftNow>,
    /// The last shift handed over, with its note.
    pub last_handover: Option<ShiftRow>,
    /// The latest entries of today, newest first.
    pub recent: Vec<EntryRow>,
}

pub(crate) const ENTRY_COLUMNS: &str = "id, at, device, direction, name, id_number, phone, plate,
    temperature_tenths, health_code, travel, suggested, decision, reasons, volunteer, note,
    overridden, recorded_by, person_id, pass_number, hukou_place, residence, purpose,
    declared_areas";

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub(crate) fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntryRow> {
    let tenths: i64 = r.get(8)?;
    let reasons: String = r.get(13)?;
    Ok(EntryRow {
        id: r.get(0)?,
        at: r.get(1)?,
        device: r.get(2)?,
        direction: r.get(3)?,
        name: r.get(4)?,
        id_number: r.get(5)?,
        phone: r.get(6)?,
        plate: r.get(7)?,
        temperature: tenths as f64 / 10.0,
        fever: serde_json::from_str::<Vec<Reason>>(&reasons).is_ok_and(|r| fever_in(&r)),
        health_code: r.get(9)?,
        travel: r.get(10)?,
        suggested: r.get(11)?,
        decision: r.get(12)?,
        reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        volunteer: r.get(14)?,
        note: r.get(15)?,
        overridden: r.get(16)?,
        recorded_by: r.get(17)?,
        person_id: r.get(18)?,
        pass_number: r.get(19)?,
        hukou_place: r.get::<_, Option<String>>(20)?.filter(|s| !s.is_empty()),
        residence: r.get::<_, Option<String>>(21)?.filter(|s| !s.is_empty()),
        purpose: r.get::<_, Option<String>>(22)?.filter(|s| !s.is_empty()),
        declared_areas: serde_json::from_str(&r.get::<_, String>(23)?).unwrap_or_default(),
    })
}

pub(crate) fn first_error(errors: Vec<FieldError>) -> StoreError {
    StoreError::Invalid(
        errors.into_iter().next().unwrap_or_else(|| {
            FieldError::new("entry", "invalid", "登记信息有误", "invalid entry")
        }),
    )
}

impl Store {
    /// Records an entry. Invalid input or a refused pass writes nothing.
    pub fn add_entry(&self, new: &NewEntry) -> Result<EntryResult> {
        let checkpoint = parse_uuid("checkpoint", &new.checkpoint)?;
        let mut g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let mut input = new.input.clone();
        if new.at_now {
            input.at = g.now_local();
        }
        let resident = match new.person.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => Some(g.checkpoint_resident(&village, p)?),
            None => None,
        };
        if let Some(r) = &resident {
            fill_identity(&mut input, r)?;
        }
        let valid = validate_entry(&input).map_err(first_error)?;
        let control = g.control_of_id_number(&valid.id_number, valid.at.date())?;
        let suggestion = suggest_for(&g.rules()?, &valid, control.as_ref().map(|c| &c.state));
        let chosen = new.decision.unwrap_or(suggestion.decision);
        let volunteer = match &new.volunteer {
            Some(v) => v.clone(),
            None => g
                .on_duty(&checkpoint)?
                .and_then(|s| s.split(',').next().map(str::to_owned))
                .unwrap_or_else(|| UNSIGNED.to_owned()),
        };
        let confirmed = confirm(&suggestion, chosen, &volunteer, new.note.as_deref())?;
        let pass_number = match &new.pass {
            None => None,
            Some(p) => {
                let number = gridbook_domain::checkpoint::parse_pass_number(p)?;
                if let Err(refusal) =
                    g.check_pass(&number, valid.direction, &valid.id_number, valid.at)?
                {
                    return Err(StoreError::Refused {
                        code: refusal.code().to_owned(),
                        zh: refusal.zh(),
                        en: refusal.en(),
                    });
                }
                Some(number)
            }
        };
        let person_id = match resident {
            Some(r) => Some(r.id),
            None => g.village_person(&village, &valid.id_number)?,
        };
        let id = Uuid::new_v4();
        let device = g.docs.actor().to_hex_string();
        let key = entry_sort_key(valid.at, &device, id);
        let reasons = serde_json::to_string(&confirmed.reasons)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let areas = serde_json::to_string(&valid.declared_areas)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let fields: Vec<(&str, Val)> = vec![
            ("checkpoint_id", checkpoint.as_str().into()),
            ("at", key.at_text().into()),
            ("device", device.as_str().into()),
            ("direction", valid.direction.code().into()),
            ("name", valid.name.as_str().into()),
            ("id_kind", valid.id_kind.code().into()),
            ("id_number", valid.id_number.as_str().into()),
            ("hukou_place", valid.hukou_place.clone().into()),
            ("residence", valid.residence.clone().into()),
            ("phone", valid.phone.clone().into()),
            ("plate", valid.plate.clone().into()),
            (
                "temperature_tenths",
                Val::Int(i64::from(valid.temperature_tenths)),
            ),
            ("health_code", valid.health_code.code().into()),
            ("travel", valid.travel.as_str().into()),
            ("declared_areas", areas.into()),
            ("purpose", valid.purpose.clone().into()),
            ("suggested", confirmed.suggested.code().into()),
            ("decision", confirmed.decision.code().into()),
            ("reasons", reasons.into()),
            ("volunteer", confirmed.volunteer.as_str().into()),
            ("note", confirmed.note.clone().into()),
            ("override", confirmed.is_override().into()),
            ("recorded_by", g.device.as_str().into()),
            ("person_id", person_id.clone().into()),
            ("pass_number", pass_number.into()),
        ];
        let doc = entries_doc_id(&village, &checkpoint, valid.at.date());
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        let sid = id.to_string();
        docs.write(conn, &doc, Some(&village), audit, now_ms, |w| {
            create_record(w.tx, &sid, "entry", &fields)?;
            w.touch(&sid);
            Ok(())
        })?;
        Ok(EntryResult {
            entry_id: sid,
            decision: confirmed.decision,
            suggested: confirmed.suggested,
            reasons: confirmed.reasons,
            person_id,
            isolation: control.as_ref().map(|c| c.row()),
        })
    }

    /// The entries of a checkpoint on a day, in the order every device agrees on (time,
    /// recording device, id); ID numbers and phones masked for a role that may not see the
    /// checkpoint's village in full (its volunteer; see [`Store::may_reveal`]).
    pub fn entries(&self, checkpoint: &str, day: NaiveDate) -> Result<Vec<EntryRow>> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        let g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries
             WHERE checkpoint_id = ?1 AND day = ?2 ORDER BY at, device, id"
        );
        let mut st = g.conn.prepare_cached(&sql)?;
        let mut rows: Vec<EntryRow> = st
            .query_map(params![checkpoint, day_text(day)], entry_row)?
            .collect::<rusqlite::Result<_>>()?;
        if !g.may_reveal(&village)? {
            rows.mask();
        }
        Ok(rows)
    }

    /// What the checkpoint screen shows: today's counts, the shift on duty and who signed
    /// in, the last handover note, and the latest entries (newest first), masked as
    /// [`Store::entries`] masks them.
    pub fn checkpoint_today(&self, checkpoint: &str, recent: usize) -> Result<CheckpointDay> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        let g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let now = g.now_local();
        let today = day_text(now.date());
        let mut counts = DayCounts::default();
        let mut st = g.conn.prepare_cached(
            "SELECT direction, decision, count(*) FROM entries
             WHERE checkpoint_id = ?1 AND day = ?2 GROUP BY direction, decision",
        )?;
        let mut rows = st.query(params![checkpoint, today])?;
        while let Some(r) = rows.next()? {
            let (direction, decision, n): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            counts.total += n;
            match (direction.as_str(), decision.as_str()) {
                (_, "turn-back") => counts.turned_back += n,
                (_, "observe") => counts.observed += n,
                ("in", _) => counts.came_in += n,
                _ => counts.went_out += n,
            }
        }
        drop(rows);
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE checkpoint_id = ?1 AND day = ?2
             ORDER BY at DESC, device DESC, id DESC LIMIT ?3"
        );
        let mut latest: Vec<EntryRow> = g
            .conn
            .prepare_cached(&sql)?
            .query_map(params![checkpoint, today, recent as i64], entry_row)?
            .collect::<rusqlite::Result<_>>()?;
        if !g.may_reveal(&village)? {
            latest.mask();
        }
        let plan = g.shift_plan(&checkpoint)?;
        let shift = shift_at(&plan, now).and_then(|(date, i)| {
            plan.shifts.get(i).map(|s| ShiftNow {
                date: day_text(date),
                index: i as i64,
                start: s.start.format("%H:%M").to_string(),
                end: s.end.format("%H:%M").to_string(),
                staff_needed: plan.staff_per_shift,
                signed_in: None,
            })
        });
        let shift = match shift {
            Some(mut s) => {
                s.signed_in = g.signed_in(&checkpoint, &s.date, s.index)?;
                Some(s)
            }
            None => None,
        };
        Ok(CheckpointDay {
            date: today,
            counts,
            shift,
            last_handover: g.last_handover(&checkpoint)?,
            recent: latest,
        })
    }

    /// Ledger residents of the checkpoint's village matching an ID tail, a plate, a phone tail,
    /// pinyin initials or a name; a whole ID number also finds a person another village of
    /// the township lists under control (see the control list). For a role that may not see
    /// the village in full (its volunteer) ID numbers and phones come masked, but for a whole
    /// ID number typed, shown back as typed; an entry for a resident picked names the person
    /// ([`NewEntry::person`]) and the store fills the full number.
    pub fn match_residents(&self, checkpoint: &str, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let checkpoint = parse_uuid("checkpoint", checkpoint)?;
        let g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let mut hits = search_in(&g.conn, query, limit, Some(&village))?;
        let persons: Vec<&str> = hits.iter().map(|h| h.person_id.as_str()).collect();
        let today = g.now_local().date();
        let mut states = g.isolation_rows(&persons, today)?;
        for h in &mut hits {
            h.isolation = states.remove(&h.person_id);
        }
        g.match_listed(query, &mut hits, today)?;
        if !g.may_reveal(&village)? {
            mask_hits(query, &mut hits);
        }
        Ok(hits)
    }
}

impl crate::Inner {
    /// The ledger person with this ID document in `village`, if any.
    pub(crate) fn village_person(&self, village: &str, id_number: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                // CROSS JOIN: the exact term first (a handful of rows), never a walk over
                // the village's residents probing the terms of each.
                "SELECT p.id FROM search_terms t CROSS JOIN persons p ON p.rowid = t.person
                 WHERE t.term = ?1 AND p.village_id = ?2 AND p.deleted = 0 ORDER BY p.id LIMIT 1",
            )?
            .query_row(params![id_term(id_number), village], |r| r.get(0))
            .optional()?)
    }
}
