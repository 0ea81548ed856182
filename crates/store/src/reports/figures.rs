//! The figures of a day, counted from the projections the screens use (never a second
//! implementation): per group where the record has one (through its household), per village
//! otherwise. A village's figures are the sum of its groups', its households without a group,
//! and its checkpoints (which belong to the village, not to a group).

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::{phase_on, Policy};
use gridbook_domain::report::Figures;
use gridbook_domain::RiskTag;
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::isolation::due::DueRow;

/// Figures of one day by (village, group); `None` is "no group" (or a village-wide figure).
#[derive(Debug, Default)]
pub(crate) struct DayFigures {
    cells: HashMap<(String, Option<String>), Figures>,
}

impl DayFigures {
    fn cell(&mut self, village: String, group: Option<String>) -> &mut Figures {
        self.cells.entry((village, group)).or_default()
    }

    /// The figures of one group.
    pub(crate) fn group(&self, village: &str, group: &str) -> Figures {
        self.cells
            .get(&(village.to_owned(), Some(group.to_owned())))
            .cloned()
            .unwrap_or_default()
    }

    /// The figures of a whole village: every cell of it.
    pub(crate) fn village(&self, village: &str) -> Figures {
        Figures::sum(
            self.cells
                .iter()
                .filter(|((v, _), _)| v == village)
                .map(|(_, f)| f),
        )
    }
}

/// Counts the figures of `date`. `due` is what [`crate::Store::due`] lists for that day.
pub(crate) fn day_figures(
    conn: &Connection,
    date: NaiveDate,
    due: &[DueRow],
) -> Result<DayFigures> {
    let mut out = DayFigures::default();
    let day = date.to_string();
    let next = date.succ_opt().unwrap_or(date).to_string();

    // Persons registered that day: those of households added that day.
    let mut st = conn.prepare_cached(
        "SELECT h.village_id, h.group_id, p.tags, p.residency FROM households h
         JOIN persons p ON p.household_id = h.id
         WHERE h.deleted = 0 AND p.deleted = 0 AND h.created_at >= ?1 AND h.created_at < ?2",
    )?;
    let mut rows = st.query(params![day, next])?;
    while let Some(r) = rows.next()? {
        let (tags, residency): (String, String) = (r.get(2)?, r.get(3)?);
        let f = out.cell(r.get(0)?, r.get(1)?);
        let tags: Vec<&str> = tags
            .split(',')
            .filter(|t| RiskTag::parse(t).is_ok())
            .collect();
        if !tags.is_empty() {
            f.registered_risk += 1;
            for t in tags {
                f.bump(&format!("tag.{t}"), 1);
            }
        }
        if residency == "tenant" {
            f.registered_tenants += 1;
        }
    }

    // Cases of the day: who is held in which phase, started, released; the group of each.
    let mut groups: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut specs: HashMap<String, Option<Policy>> = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT c.id, c.village_id, h.group_id, c.policy, c.start, c.status, c.released_on,
           c.end_date
         FROM cases c LEFT JOIN households h ON h.id = c.household_id
         WHERE c.deleted = 0 AND c.start <= ?1 AND (c.end_date >= ?1 OR c.released_on = ?1)",
    )?;
    let mut rows = st.query([&day])?;
    while let Some(r) = rows.next()? {
        let (id, village, group): (String, String, Option<String>) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        let (spec, start, status): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
        let released_on: Option<String> = r.get(6)?;
        let end: String = r.get(7)?;
        groups.insert(id, (village.clone(), group.clone()));
        let f = out.cell(village, group);
        if start == day {
            f.cases_started += 1;
        }
        if released_on.as_deref() == Some(day.as_str()) {
            f.cases_released += 1;
        }
        let held = match status.as_str() {
            "active" | "escalated" | "referred" => true,
            "released" => released_on.as_deref().is_some_and(|d| d > day.as_str()),
            _ => false,
        };
        if !held || end < day {
            continue;
        }
        let policy = specs
            .entry(spec.clone())
            .or_insert_with(|| serde_json::from_str::<Policy>(&spec).ok());
        let start = start.parse::<NaiveDate>().ok();
        if let (Some(p), Some(s)) = (policy.as_ref(), start) {
            if let Some(kind) = phase_on(p, s, date) {
                f.bump(&format!("isolation.{}", kind.code()), 1);
            }
        }
    }

    // Checks due that day, as the due list says.
    for d in due.iter().filter(|d| d.kind == "check") {
        let (village, group) = groups
            .get(&d.case_id)
            .cloned()
            .unwrap_or_else(|| (d.village_id.clone(), None));
        let f = out.cell(village, group);
        f.checks_due += 1;
        match d.status {
            "done" => f.checks_done += 1,
            "overdue" => f.checks_overdue += 1,
            "missed" => f.checks_missed += 1,
            _ => {}
        }
    }

    // Referrals and tests of cases.
    let mut st = conn.prepare_cached(
        "SELECT r.village_id, h.group_id FROM referrals r
         JOIN cases c ON c.id = r.case_id LEFT JOIN households h ON h.id = c.household_id
         WHERE r.at >= ?1 AND r.at < ?2",
    )?;
    let mut rows = st.query(params![day, next])?;
    while let Some(r) = rows.next()? {
        out.cell(r.get(0)?, r.get(1)?).referrals += 1;
    }
    let mut st = conn.prepare_cached(
        "SELECT t.village_id, h.group_id, t.result FROM tests t
         JOIN cases c ON c.id = t.case_id LEFT JOIN households h ON h.id = c.household_id
         WHERE t.date = ?1",
    )?;
    let mut rows = st.query([&day])?;
    while let Some(r) = rows.next()? {
        let result: String = r.get(2)?;
        let f = out.cell(r.get(0)?, r.get(1)?);
        f.tests_done += 1;
        if result == "positive" {
            f.tests_positive += 1;
        }
    }

    // Checkpoints belong to the village.
    for (village, f) in checkpoint_figures(conn, date)? {
        out.cell(village, None).add(&f);
    }

    // Households verified that day, each once.
    let mut st = conn.prepare_cached(
        "SELECT h.village_id, h.group_id, count(DISTINCT e.household_id) FROM events e
         JOIN households h ON h.id = e.household_id
         WHERE e.kind = 'verification' AND e.deleted = 0 AND h.deleted = 0
           AND e.at >= ?1 AND e.at < ?2
         GROUP BY h.village_id, h.group_id",
    )?;
    let mut rows = st.query(params![day, next])?;
    while let Some(r) = rows.next()? {
        out.cell(r.get(0)?, r.get(1)?).households_verified += r.get::<_, i64>(2)?;
    }
    Ok(out)
}

/// The checkpoint crossings of `date` per village (in, out, turned back, kept for
/// observation): checkpoints belong to the village, not to a group.
pub(crate) fn checkpoint_figures(
    conn: &Connection,
    date: NaiveDate,
) -> Result<HashMap<String, Figures>> {
    let mut out: HashMap<String, Figures> = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT village_id, direction, decision, count(*) FROM entries WHERE day = ?1
         GROUP BY village_id, direction, decision",
    )?;
    let mut rows = st.query([date.to_string()])?;
    while let Some(r) = rows.next()? {
        let (direction, decision, n): (String, String, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let f = out.entry(r.get(0)?).or_default();
        match direction.as_str() {
            "in" => f.checkpoint_in += n,
            "out" => f.checkpoint_out += n,
            _ => {}
        }
        match decision.as_str() {
            "turn-back" => f.turned_back += n,
            "observe" => f.observed += n,
            _ => {}
        }
    }
    Ok(out)
}
