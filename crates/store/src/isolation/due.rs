//! Isolation follow-ups, the due list: the checks and tests of a day for every open case,
//! with whether each was done and its status at this device's local time, listed (optionally
//! for one group's cases) or counted per village and group for the overview.

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::{day_slots, DueSlot, Policy, SlotStatus};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::engine::text::parse_at;
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
    // A visit whose time cannot be read (written by a faulty device) fills no slot.
    let mut visits: HashMap<String, Vec<chrono::NaiveDateTime>> = HashMap::new();
    let mut st = conn
        .prepare_cached("SELECT case_id, at FROM visits WHERE at >= ?1 AND at < ?2 ORDER BY at")?;
    let mut rows = st.query(params![day, next])?;
    while let Some(r) = rows.next()? {
        if let Some(at) = parse_at(&r.get::<_, String>(1)?) {
            visits.entry(r.get(0)?).or_default().push(at);
        }
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
        let checks = visits.get(&case_id).map_or(&[][..], Vec::as_slice);
        let tested = tested.contains(&case_id);
        for (slot, status) in day_slots(policy, start, date, checks, tested, now) {
            each(r, &case_id, &slot, status)?;
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
