//! Isolation follow-ups, the due list: the checks and tests of a day for every open case,
//! with whether each was done and its status at this device's local time, listed (optionally
//! for one group's cases) or counted per village and group for the overview.

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::{due_items, slot_status, DueSlot, Policy, SlotKind, SlotStatus};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;
use crate::grid::in_group::{group_param, household_join, in_group, GROUP};
use crate::isolation::cases::parse_spec;
use crate::{Store, StoreError};

/// One due slot of one case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DueRow {
    /// The case the slot belongs to.
    pub case_id: String,
    /// The person under follow-up.
    pub person_id: String,
    /// Person's name.
    pub name: String,
    /// The person's village.
    pub village_id: String,
    /// Village name.
    pub village: String,
    /// `check` or `test`.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::isolation::SlotKind"))]
    pub kind: &'static str,
    /// Day of the case.
    pub day: u32,
    /// Window start (`YYYY-MM-DDTHH:MM`).
    pub window_start: String,
    /// Window end, exclusive.
    pub window_end: String,
    /// due, done, overdue or missed, at this device's local time.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::isolation::SlotStatus"))]
    pub status: &'static str,
}

fn hm(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// Which check slots the visits of one day fill. A visit inside a window fills that window
/// only (a second worker in the same window does not fill the afternoon); between windows it
/// fills the latest open one already started (done late); before the first window, the first.
fn filled(slots: &[DueSlot], visits: &[String]) -> Vec<bool> {
    let mut done = vec![false; slots.len()];
    let checks: Vec<usize> = (0..slots.len())
        .filter(|&i| slots[i].kind == SlotKind::Check)
        .collect();
    for at in visits {
        let starts_by = |i: usize| hm(slots[i].window_start) <= *at;
        let inside = checks
            .iter()
            .copied()
            .find(|&i| starts_by(i) && *at < hm(slots[i].window_end));
        let pick = match inside {
            Some(i) => Some(i),
            None if checks.iter().any(|&i| starts_by(i)) => checks
                .iter()
                .copied()
                .rev()
                .find(|&i| starts_by(i) && !done[i]),
            None => checks.first().copied(),
        };
        if let Some(i) = pick {
            done[i] = true;
        }
    }
    done
}

/// The cases whose follow-ups may be due on the day `?1`: open, started, not ended, and in
/// the group `?2` if one is asked for (the case's household `h` joined by
/// [`due_cases_from`]).
fn due_cases() -> String {
    format!(
        "c.status IN ('active', 'escalated', 'referred') AND c.deleted = 0
         AND c.start <= ?1 AND c.end_date >= ?1 AND {}",
        in_group("?2")
    )
}

/// The cases and their households, as [`due_cases`] reads them.
fn due_cases_from() -> String {
    format!("cases c {}", household_join("c.household_id"))
}

/// The due list's rule, once: every slot of `date` of the cases `sql` selects (its first
/// columns `c.id, c.policy, c.start`, its parameters the day and `group`, as [`due_cases`]
/// takes them), with whether it was done and its status at `now`, handed to `each` with the
/// case's row.
fn walk_due(
    conn: &Connection,
    now: chrono::NaiveDateTime,
    date: NaiveDate,
    sql: &str,
    group: Option<&str>,
    mut each: impl FnMut(&rusqlite::Row<'_>, &str, &DueSlot, SlotStatus) -> Result<()>,
) -> Result<()> {
    let day = date.to_string();
    let next = date.succ_opt().unwrap_or(date).to_string();
    let mut visits: HashMap<String, Vec<String>> = HashMap::new();
    let mut st = conn
        .prepare_cached("SELECT case_id, at FROM visits WHERE at >= ?1 AND at < ?2 ORDER BY at")?;
    let mut rows = st.query(params![day, next])?;
    while let Some(r) = rows.next()? {
        visits.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    let tested: std::collections::HashSet<String> = conn
        .prepare_cached("SELECT case_id FROM tests WHERE date = ?1")?
        .query_map([&day], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut specs: HashMap<String, Policy> = HashMap::new();
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(params![day, group])?;
    while let Some(r) = rows.next()? {
        let (case_id, spec, start): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if !specs.contains_key(&spec) {
            specs.insert(spec.clone(), parse_spec(&spec)?);
        }
        let policy = &specs[&spec];
        let start: NaiveDate = start
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case {case_id}: start")))?;
        let slots = due_items(policy, start, date);
        let done = filled(&slots, visits.get(&case_id).map_or(&[][..], Vec::as_slice));
        for (slot, checked) in slots.iter().zip(done) {
            let done = match slot.kind {
                SlotKind::Check => checked,
                SlotKind::Test => tested.contains(&case_id),
            };
            each(r, &case_id, slot, slot_status(slot, done, now))?;
        }
    }
    Ok(())
}

/// The due list of `date` counted per unit and status (`due`, `done`, `overdue`, `missed`), as
/// the overview shows it: [`Store::due`]'s rule without its rows. A case counts under its
/// village's id and, when its household has a group, under the group's id too.
pub(crate) fn due_counts(
    conn: &Connection,
    now: chrono::NaiveDateTime,
    date: NaiveDate,
) -> Result<HashMap<(String, &'static str), i64>> {
    let mut out: HashMap<(String, &'static str), i64> = HashMap::new();
    let sql = format!(
        "SELECT c.id, c.policy, c.start, c.village_id, {GROUP} FROM {} WHERE {}",
        due_cases_from(),
        due_cases()
    );
    walk_due(conn, now, date, &sql, None, |r, _, _, status| {
        *out.entry((r.get(3)?, status.code())).or_default() += 1;
        if let Some(group) = r.get::<_, Option<String>>(4)? {
            *out.entry((group, status.code())).or_default() += 1;
        }
        Ok(())
    })?;
    Ok(out)
}

impl Store {
    /// What is due on `date` for every open case of this device's scope, by window then
    /// village and name, with its status at this device's local time.
    pub fn due(&self, date: NaiveDate) -> Result<Vec<DueRow>> {
        self.due_in(date, None)
    }

    /// What is due on `date`, as [`Store::due`] lists it, for the cases of one group (组) if
    /// `group` is given: those whose household is in the group.
    pub fn due_in(&self, date: NaiveDate, group: Option<&str>) -> Result<Vec<DueRow>> {
        let group = group_param(group)?;
        let g = self.lock();
        let mut out = Vec::new();
        let sql = format!(
            "SELECT c.id, c.policy, c.start, c.village_id, c.person_id, COALESCE(p.name, ''),
               COALESCE(v.name, '')
             FROM {}
             LEFT JOIN persons p ON p.id = c.person_id
             LEFT JOIN villages v ON v.id = c.village_id
             WHERE {}",
            due_cases_from(),
            due_cases()
        );
        walk_due(
            &g.conn,
            g.now_local(),
            date,
            &sql,
            group.as_deref(),
            |r, case_id, slot, status| {
                out.push(DueRow {
                    case_id: case_id.to_owned(),
                    person_id: r.get(4)?,
                    name: r.get(5)?,
                    village_id: r.get(3)?,
                    village: r.get(6)?,
                    kind: slot.kind.code(),
                    day: slot.day,
                    window_start: hm(slot.window_start),
                    window_end: hm(slot.window_end),
                    status: status.code(),
                });
                Ok(())
            },
        )?;
        out.sort_by(|a, b| {
            (&a.window_start, &a.village, &a.name, &a.case_id, a.kind).cmp(&(
                &b.window_start,
                &b.village,
                &b.name,
                &b.case_id,
                b.kind,
            ))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn slot(h1: u32, h2: u32) -> DueSlot {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        let t = |h| d.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
        DueSlot {
            kind: SlotKind::Check,
            day: 1,
            phase: gridbook_domain::isolation::PhaseKind::HomeIsolation,
            window_start: t(h1),
            window_end: t(h2),
        }
    }

    #[test]
    fn visits_fill_their_window_or_the_late_one() {
        let slots = [slot(8, 10), slot(16, 18)];
        let v = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(filled(&slots, &v(&["2026-03-01T09:00"])), [true, false]);
        assert_eq!(filled(&slots, &v(&["2026-03-01T17:00"])), [false, true]);
        assert_eq!(filled(&slots, &v(&["2026-03-01T07:30"])), [true, false]);
        // Late for the morning: done late; the afternoon is still open.
        assert_eq!(filled(&slots, &v(&["2026-03-01T11:00"])), [true, false]);
        // Two workers in one window: one slot filled, not the afternoon's.
        let two = v(&["2026-03-01T08:30", "2026-03-01T08:40"]);
        assert_eq!(filled(&slots, &two), [true, false]);
        let late_twice = v(&["2026-03-01T09:00", "2026-03-01T11:00"]);
        assert_eq!(filled(&slots, &late_twice), [true, false]);
    }
}
