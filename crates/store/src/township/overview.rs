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
use crate::isolation::read::{due_counts, open_cases};
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

/// One group on drill-down.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewGroup {
    /// Group id.
    pub id: String,
    /// The group's name.
    pub name: String,
    /// Households of the group (not deleted).
    pub households: i64,
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
    /// Households of the village (not deleted).
    pub households: i64,
    /// Persons of the village (not deleted).
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
        let covered = self.covered_per_village(COVERAGE_DAYS)?;
        let status = self.report_status_of(&villages, date)?;
        let g = self.lock();
        let due = due_counts(&g.conn, g.now_local(), date)?;
        let crossings = crate::reports::figures::checkpoint_figures(&g.conn, date)?;
        let at_risk = counts(
            &g.conn,
            "SELECT village_id, count(*) FROM persons WHERE deleted = 0 AND tags != ''
             GROUP BY village_id",
        )?;
        let group_households = counts(
            &g.conn,
            "SELECT group_id, count(*) FROM households WHERE deleted = 0 AND group_id IS NOT NULL
             GROUP BY group_id",
        )?;
        let open = open_cases(&g.conn)?;
        drop(g);
        let mut cases: HashMap<String, (i64, i64)> = HashMap::new();
        for c in open {
            let e = cases.entry(c.village_id).or_default();
            e.0 += 1;
            e.1 += i64::from(c.escalated);
        }
        let mut rows = Vec::new();
        for v in &villages {
            let f = crossings.get(&v.id).cloned().unwrap_or_default();
            let count = |s: &'static str| due.get(&(v.id.clone(), s)).copied().unwrap_or(0);
            let verified = covered.get(&v.id).copied().unwrap_or(0);
            let (cases_active, escalated) = cases.get(&v.id).copied().unwrap_or_default();
            rows.push(OverviewVillage {
                id: v.id.clone(),
                name: v.name.clone(),
                households: v.households,
                persons: v.persons,
                persons_at_risk: at_risk.get(&v.id).copied().unwrap_or(0),
                cases_active,
                escalated,
                due: count("due"),
                done: count("done"),
                overdue: count("overdue"),
                missed: count("missed"),
                checkpoint: CheckpointCounts {
                    in_: f.checkpoint_in,
                    out: f.checkpoint_out,
                    turned_back: f.turned_back,
                    observed: f.observed,
                },
                coverage: share(verified, v.households),
                report: crate::reports::read::village_state(&status, &v.id).to_owned(),
                groups: v
                    .groups
                    .iter()
                    .map(|gr| OverviewGroup {
                        id: gr.id.clone(),
                        name: gr.name.clone(),
                        households: group_households.get(&gr.id).copied().unwrap_or(0),
                        report: status
                            .iter()
                            .find(|s| s.level == "group" && s.id == gr.id)
                            .map_or("missing", |s| s.state),
                    })
                    .collect(),
            });
        }
        let township = totals(
            &rows,
            villages
                .iter()
                .map(|v| covered.get(&v.id).copied().unwrap_or(0))
                .sum(),
        );
        Ok(Overview {
            date: date.to_string(),
            township,
            villages: rows,
        })
    }
}

/// Counts per key, from a query returning `(key, count)` rows.
fn counts(conn: &rusqlite::Connection, sql: &str) -> Result<HashMap<String, i64>> {
    let mut st = conn.prepare_cached(sql)?;
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
    let sum = |f: fn(&OverviewVillage) -> i64| rows.iter().map(f).sum::<i64>();
    let households = sum(|r| r.households);
    let reported = rows.iter().filter(|r| r.report != "missing").count();
    OverviewVillage {
        name: "合计".into(),
        households,
        persons: sum(|r| r.persons),
        persons_at_risk: sum(|r| r.persons_at_risk),
        cases_active: sum(|r| r.cases_active),
        escalated: sum(|r| r.escalated),
        due: sum(|r| r.due),
        done: sum(|r| r.done),
        overdue: sum(|r| r.overdue),
        missed: sum(|r| r.missed),
        checkpoint: CheckpointCounts {
            in_: sum(|r| r.checkpoint.in_),
            out: sum(|r| r.checkpoint.out),
            turned_back: sum(|r| r.checkpoint.turned_back),
            observed: sum(|r| r.checkpoint.observed),
        },
        coverage: share(covered, households),
        report: format!("{reported}/{}", rows.len()),
        ..OverviewVillage::default()
    }
}
