//! The township's overview: per village (and per group on drill-down) the ledger's size, the
//! follow-ups of the day, the checkpoints, coverage and the day's report, with the township's
//! totals. Every figure comes from the queries the other screens use (villages, due list,
//! coverage, the report status, the day's figures), never from a second implementation: the
//! villages are read once and handed to the report status, the due list is counted by its own
//! rule without building its rows.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::grid::in_group::GROUP;
use crate::isolation::due::due_counts;
use crate::isolation::read::open_cases;
use crate::township::overview_people::{person_figures, PersonFigures};
use crate::township::unit_lists::case_kind_codes;
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
    /// Persons per risk tag code, every tag present (a person with two counts under both).
    pub by_tag: BTreeMap<String, i64>,
    /// Persons per 七类人 code, every category present.
    pub by_vulnerable: BTreeMap<String, i64>,
    /// Open cases (active, escalated or referred).
    pub cases_active: i64,
    /// Open cases per kind of isolation on the day (the phase of their policy the day falls
    /// in; `none` outside every phase), every kind present; they add up to `cases_active`.
    pub cases_by_kind: BTreeMap<String, i64>,
    /// Of which counted under 升级: escalated or referred (the cases screen's 升级 tab).
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
        let persons = person_figures(&g.conn)?;
        let group_households = group_households(&g.conn)?;
        let open = open_cases(&g.conn, date)?;
        drop(g);
        let mut cases: HashMap<String, CaseFigures> = HashMap::new();
        for c in open {
            for unit in std::iter::once(c.village_id).chain(c.group_id) {
                let e = cases.entry(unit).or_default();
                e.open += 1;
                e.escalated += i64::from(c.escalated);
                *e.kinds.entry(c.kind).or_default() += 1;
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
    persons: HashMap<String, PersonFigures>,
    cases: HashMap<String, CaseFigures>,
}

/// The open cases of one unit: how many, how many under 升级, how many of each kind.
#[derive(Default)]
struct CaseFigures {
    open: i64,
    escalated: i64,
    kinds: HashMap<&'static str, i64>,
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
        let none = PersonFigures::default();
        let p = self.persons.get(unit).unwrap_or(&none);
        let no_cases = CaseFigures::default();
        let c = self.cases.get(unit).unwrap_or(&no_cases);
        UnitCounts {
            households,
            persons: p.persons,
            persons_at_risk: p.at_risk,
            by_tag: p.by_tag(),
            by_vulnerable: p.by_vulnerable(),
            cases_active: c.open,
            cases_by_kind: case_kind_codes()
                .into_iter()
                .map(|k| (k.to_owned(), c.kinds.get(k).copied().unwrap_or(0)))
                .collect(),
            escalated: c.escalated,
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
            by_tag: sum_maps(rows.iter().map(|r| &r.counts.by_tag)),
            by_vulnerable: sum_maps(rows.iter().map(|r| &r.counts.by_vulnerable)),
            cases_active: sum(|c| c.cases_active),
            cases_by_kind: sum_maps(rows.iter().map(|r| &r.counts.cases_by_kind)),
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

/// Figures keyed by code, added up key by key.
fn sum_maps<'a>(maps: impl Iterator<Item = &'a BTreeMap<String, i64>>) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for m in maps {
        for (k, n) in m {
            *out.entry(k.clone()).or_default() += n;
        }
    }
    out
}
