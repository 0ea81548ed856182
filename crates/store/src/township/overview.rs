//! The township's overview: per village (and per group on drill-down) the ledger's size, the
//! follow-ups of the day, the checkpoints, coverage and the day's report, with the township's
//! totals. Every figure comes from the queries the other screens use (villages, due list,
//! coverage, the report status, the day's figures), never from a second implementation: the
//! villages are read once and handed to the report status, the due list is counted by its own
//! rule without building its rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::grid::in_group::GROUP;
use crate::isolation::due::due_counts;
use crate::isolation::read::open_cases;
use crate::Store;

/// Days a household counts as covered after it was verified.
pub const COVERAGE_DAYS: u32 = 7;

/// Checkpoint crossings of the day.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CheckpointFigures"))]
pub struct CheckpointCounts {
    /// In (人次).
    #[serde(rename = "in")]
    pub in_: i64,
    /// Entries going out.
    pub out: i64,
    /// Turned back (劝返).
    pub turned_back: i64,
    /// Kept for observation (留观).
    pub observed: i64,
}

/// The counts a village and a group both have.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitCounts {
    /// Households (not deleted).
    pub households: i64,
    /// Persons (not deleted).
    pub persons: i64,
    /// Persons carrying a risk tag.
    pub persons_at_risk: i64,
    /// Open cases (active, escalated or referred).
    pub cases_active: i64,
    /// Of which with an open escalation.
    pub escalated: i64,
    /// Follow-ups (checks and tests) of the day still due.
    pub due: i64,
    /// Follow-ups of the day already done.
    pub done: i64,
    /// Past their window, not done.
    pub overdue: i64,
    /// Their day is over and they were never done.
    pub missed: i64,
}

/// One group on drill-down: its village's figures counted over the households of the group
/// (a case counts where its household lives). Checkpoints belong to the village, so a group
/// has no crossings of its own.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewGroup {
    /// Group id.
    pub id: String,
    /// The group's name.
    pub name: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: UnitCounts,
    /// Share of households verified in the last [`COVERAGE_DAYS`] days (0–1).
    pub coverage: f64,
    /// Its report of the day: submitted, zero, late or missing.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::report::ReportState"))]
    pub report: &'static str,
}

/// One village of the overview (or the township's totals).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewVillage {
    /// Village id (empty for the totals).
    pub id: String,
    /// The village's name.
    pub name: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: UnitCounts,
    /// Checkpoint crossings of the day.
    pub checkpoint: CheckpointCounts,
    /// Share of households verified in the last [`COVERAGE_DAYS`] days (0–1).
    pub coverage: f64,
    /// The village's report of the day (`submitted`, `zero`, `late`, `missing`); for the
    /// totals, how many villages reported.
    pub report: String,
    /// Its groups (empty for the totals).
    pub groups: Vec<OverviewGroup>,
}

/// The overview of a day.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    /// The day.
    pub date: String,
    /// The township's totals.
    pub township: OverviewVillage,
    /// Each village.
    pub villages: Vec<OverviewVillage>,
}

impl Store {
    /// The overview of `date`.
    pub fn overview(&self, date: NaiveDate) -> Result<Overview> {
        let villages = self.villages()?;
        let covered = self.covered_per_unit(COVERAGE_DAYS)?;
        let status = self.report_status_of(&villages, date)?;
        let g = self.lock();
        let due = due_counts(&g.conn, g.now_local(), date)?;
        let crossings = crate::reports::figures::checkpoint_figures(&g.conn, date)?;
        let persons = person_counts(&g.conn)?;
        let group_households = group_households(&g.conn)?;
        let open = open_cases(&g.conn)?;
        drop(g);
        let mut cases: HashMap<String, (i64, i64)> = HashMap::new();
        for c in open {
            for unit in std::iter::once(c.village_id).chain(c.group_id) {
                let e = cases.entry(unit).or_default();
                e.0 += 1;
                e.1 += i64::from(c.escalated);
            }
        }
        let units = Units {
            due,
            covered,
            persons,
            cases,
        };
        let mut rows = Vec::new();
        for v in &villages {
            let f = crossings.get(&v.id).cloned().unwrap_or_default();
            rows.push(OverviewVillage {
                id: v.id.clone(),
                name: v.name.clone(),
                counts: units.counts(&v.id, v.households),
                checkpoint: CheckpointCounts {
                    in_: f.checkpoint_in,
                    out: f.checkpoint_out,
                    turned_back: f.turned_back,
                    observed: f.observed,
                },
                coverage: share(units.covered(&v.id), v.households),
                report: crate::reports::read::village_state(&status, &v.id).to_owned(),
                groups: v
                    .groups
                    .iter()
                    .map(|gr| {
                        let households = group_households.get(&gr.id).copied().unwrap_or(0);
                        OverviewGroup {
                            id: gr.id.clone(),
                            name: gr.name.clone(),
                            counts: units.counts(&gr.id, households),
                            coverage: share(units.covered(&gr.id), households),
                            report: status
                                .iter()
                                .find(|s| s.level == "group" && s.id == gr.id)
                                .map_or("missing", |s| s.state),
                        }
                    })
                    .collect(),
            });
        }
        let township = totals(&rows, villages.iter().map(|v| units.covered(&v.id)).sum());
        Ok(Overview {
            date: date.to_string(),
            township,
            villages: rows,
        })
    }
}

/// The figures counted per unit: each keyed by a village's id and by a group's (a record
/// counts under both, under a group by the rule of [`crate::grid::in_group`]), read for one
/// unit with zero where it has none. Each figure is counted for every village and every group
/// at once, never one unit at a time.
struct Units {
    due: HashMap<(String, &'static str), i64>,
    covered: HashMap<String, i64>,
    persons: HashMap<String, (i64, i64)>,
    cases: HashMap<String, (i64, i64)>,
}

impl Units {
    /// The counts of `unit`, with its `households`.
    fn counts(&self, unit: &str, households: i64) -> UnitCounts {
        let due = |status| {
            self.due
                .get(&(unit.to_owned(), status))
                .copied()
                .unwrap_or(0)
        };
        let (persons, persons_at_risk) = self.persons.get(unit).copied().unwrap_or_default();
        let (cases_active, escalated) = self.cases.get(unit).copied().unwrap_or_default();
        UnitCounts {
            households,
            persons,
            persons_at_risk,
            cases_active,
            escalated,
            due: due("due"),
            done: due("done"),
            overdue: due("overdue"),
            missed: due("missed"),
        }
    }

    fn covered(&self, unit: &str) -> i64 {
        self.covered.get(unit).copied().unwrap_or(0)
    }
}

/// Persons (not deleted) and those carrying a risk tag, keyed by village and by group (the
/// group of the person's household, [`GROUP`]), each figure for all villages or all groups at
/// once: the villages' in one `GROUP BY` (the covering index `persons_village`); the groups'
/// from one read of every household's group and one pass over the persons, each counted under
/// its household's group. Joining the persons to their households in SQL instead looks up
/// every person's household by its id: on 20,000 households and 76,000 persons those lookups
/// cost several times the two plain reads, however the query groups.
fn person_counts(conn: &rusqlite::Connection) -> Result<HashMap<String, (i64, i64)>> {
    let mut out = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT village_id, count(*), coalesce(sum(tags != ''), 0)
         FROM persons WHERE deleted = 0 GROUP BY village_id",
    )?;
    for row in st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))? {
        let (village, counts): (String, (i64, i64)) = row?;
        out.insert(village, counts);
    }
    // Every household's group (deleted households too: their persons that are not deleted
    // count, as in the lists of the group), as the group's place in `groups`.
    let mut groups: Vec<(String, (i64, i64))> = Vec::new();
    let mut place: HashMap<String, usize> = HashMap::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut st = conn.prepare_cached(&format!(
        "SELECT h.id, {GROUP} FROM households h WHERE {GROUP} IS NOT NULL"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let group: String = r.get(1)?;
        let i = *place.entry(group).or_insert_with_key(|g| {
            groups.push((g.clone(), (0, 0)));
            groups.len() - 1
        });
        group_of.insert(r.get(0)?, i);
    }
    // `+deleted`: one pass over the table, not through a partial index on live persons
    // (which would read the table in that index's order).
    let mut st =
        conn.prepare_cached("SELECT household_id, tags != '' FROM persons WHERE +deleted = 0")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let household = match r.get_ref(0)? {
            rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t).ok(),
            _ => None,
        };
        if let Some(&i) = household.and_then(|h| group_of.get(h)) {
            let e = &mut groups[i].1;
            e.0 += 1;
            e.1 += r.get::<_, i64>(1)?;
        }
    }
    out.extend(groups);
    Ok(out)
}

/// Households (not deleted) of every group, in one `GROUP BY`.
fn group_households(conn: &rusqlite::Connection) -> Result<HashMap<String, i64>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {GROUP}, count(*) FROM households h WHERE h.deleted = 0 AND {GROUP} IS NOT NULL
         GROUP BY {GROUP}"
    ))?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    (part.max(0) as f64 / whole as f64 * 1000.0).round() / 1000.0
}

fn totals(rows: &[OverviewVillage], covered: i64) -> OverviewVillage {
    let sum = |f: fn(&UnitCounts) -> i64| rows.iter().map(|r| f(&r.counts)).sum::<i64>();
    let households = sum(|c| c.households);
    let reported = rows.iter().filter(|r| r.report != "missing").count();
    OverviewVillage {
        name: "合计".into(),
        counts: UnitCounts {
            households,
            persons: sum(|c| c.persons),
            persons_at_risk: sum(|c| c.persons_at_risk),
            cases_active: sum(|c| c.cases_active),
            escalated: sum(|c| c.escalated),
            due: sum(|c| c.due),
            done: sum(|c| c.done),
            overdue: sum(|c| c.overdue),
            missed: sum(|c| c.missed),
        },
        checkpoint: CheckpointCounts {
            in_: rows.iter().map(|r| r.checkpoint.in_).sum(),
            out: rows.iter().map(|r| r.checkpoint.out).sum(),
            turned_back: rows.iter().map(|r| r.checkpoint.turned_back).sum(),
            observed: rows.iter().map(|r| r.checkpoint.observed).sum(),
        },
        coverage: share(covered, households),
        report: format!("{reported}/{}", rows.len()),
        ..OverviewVillage::default()
    }
}
