//! Daily reports, the reads: who is in, late or missing on a day, the roll-up over days
//! (expected / actual / on time, as DHIS2's reporting rates), and what a report's text shows.

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::report::{
    group_line, report_text, rollup_text, Figures, GroupLine, Level, ReportState, ReportView,
    RollupRow,
};
use gridbook_domain::FieldError;
use serde::Serialize;

use crate::engine::text::{fmt_at, parse_at};
use crate::error::{Result, StoreError};
use crate::Store;

/// The longest range a roll-up covers (a year).
const MAX_ROLLUP_DAYS: i64 = 366;

/// Where one unit's report of a day stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReportStatusRow"))]
pub struct ReportStatus {
    /// `group` or `village`.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::report::Level"))]
    pub level: &'static str,
    /// The unit (group or village id).
    pub id: String,
    /// Its name (a group's is its own: 二组).
    pub name: String,
    /// Its village.
    pub village_id: String,
    /// The village's name.
    pub village_name: String,
    /// The day.
    pub date: String,
    /// The deadline, local time.
    pub due: String,
    /// When it was first submitted, local time.
    pub submitted_at: Option<String>,
    /// Submitted after the deadline.
    pub late: bool,
    /// A 零报告.
    pub zero: bool,
    /// `submitted`, `zero`, `late` or `missing`.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::report::ReportState"))]
    pub state: &'static str,
    /// The report's record id, once submitted.
    pub report_id: Option<String>,
    /// The device that submitted it.
    pub device: Option<String>,
    /// The note.
    pub note: Option<String>,
    /// The figures it carries (none while missing).
    pub figures: Option<Figures>,
}

/// One village in a roll-up.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollupVillage {
    /// Village id.
    pub id: String,
    /// The village's name.
    pub name: String,
    /// Figures reported: each day the village's own report, or the sum of its groups'
    /// reports on a day the village did not report.
    pub figures: Figures,
    /// Reports due (the village and each group, each day).
    pub expected: i64,
    /// Reports made.
    pub actual: i64,
    /// Reports made by their deadline.
    pub on_time: i64,
    /// Group reports made.
    pub groups_submitted: i64,
    /// Group reports due.
    pub groups_total: i64,
}

/// The township's totals in a roll-up.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RollupPart"))]
pub struct RollupTotals {
    /// Sum of the villages' figures.
    pub figures: Figures,
    /// Reports due.
    pub expected: i64,
    /// Reports made.
    pub actual: i64,
    /// Reports made by their deadline.
    pub on_time: i64,
}

/// A roll-up over a range of days.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rollup {
    /// First day.
    pub date: String,
    /// Last day.
    pub to: String,
    /// The township.
    pub township: RollupTotals,
    /// Each village.
    pub villages: Vec<RollupVillage>,
}

/// A report row as read for the status list.
struct Found {
    submitted_at: String,
    figures: String,
    zero: bool,
    id: String,
    device: Option<String>,
    note: Option<String>,
    village: String,
}

fn state_of(submitted: bool, late: bool, zero: bool) -> ReportState {
    match (submitted, late, zero) {
        (false, _, _) => ReportState::Missing,
        (true, true, _) => ReportState::Late,
        (true, false, true) => ReportState::Zero,
        (true, false, false) => ReportState::Submitted,
    }
}

impl Store {
    /// Every unit's report of `date`: villages (each followed by its groups), in the
    /// township's order.
    pub fn report_status(&self, date: NaiveDate) -> Result<Vec<ReportStatus>> {
        let villages = self.villages()?;
        self.report_status_of(&villages, date)
    }

    /// [`Store::report_status`] over `villages` already read (the overview's, a roll-up's).
    pub(crate) fn report_status_of(
        &self,
        villages: &[crate::VillageRow],
        date: NaiveDate,
    ) -> Result<Vec<ReportStatus>> {
        let mut g = self.lock();
        let deadlines = g.report_deadlines()?;
        let mut reports: HashMap<(String, String), Found> = HashMap::new();
        let mut st = g.conn.prepare_cached(
            "SELECT unit_id, level, submitted_at, zero, figures, device, note, id, village_id
             FROM reports WHERE date = ?1",
        )?;
        let mut rows = st.query([date.to_string()])?;
        while let Some(r) = rows.next()? {
            let found = Found {
                submitted_at: r.get(2)?,
                zero: r.get(3)?,
                figures: r.get(4)?,
                device: r.get(5)?,
                note: r.get(6)?,
                id: r.get(7)?,
                village: r.get(8)?,
            };
            reports.insert((r.get(0)?, r.get(1)?), found);
        }
        drop(rows);
        drop(st);
        drop(g);
        let mut out = Vec::new();
        let mut push = |level: Level, id: &str, name: &str, v: &crate::VillageRow| {
            let found = reports
                .get(&(id.to_owned(), level.code().to_owned()))
                .filter(|r| r.village == v.id);
            let submitted = found.and_then(|r| parse_at(&r.submitted_at));
            let late = submitted.is_some_and(|at| deadlines.is_late(level, date, at));
            let zero = found.is_some_and(|r| r.zero);
            out.push(ReportStatus {
                level: level.code(),
                id: id.to_owned(),
                name: name.to_owned(),
                village_id: v.id.clone(),
                village_name: v.name.clone(),
                date: date.to_string(),
                due: fmt_at(deadlines.due(level, date)),
                submitted_at: submitted.map(fmt_at),
                late,
                zero,
                state: state_of(submitted.is_some(), late, zero).code(),
                report_id: found.map(|r| r.id.clone()),
                device: found.and_then(|r| r.device.clone()),
                note: found.and_then(|r| r.note.clone()),
                figures: found.and_then(|r| serde_json::from_str(&r.figures).ok()),
            });
        };
        for v in villages {
            push(Level::Village, &v.id, &v.name, v);
            for gr in &v.groups {
                push(Level::Group, &gr.id, &gr.name, v);
            }
        }
        Ok(out)
    }

    /// The roll-up of `from..=to`: per village and for the township.
    pub fn report_rollup(&self, from: NaiveDate, to: NaiveDate) -> Result<Rollup> {
        let days = (to - from).num_days();
        if !(0..MAX_ROLLUP_DAYS).contains(&days) {
            return Err(StoreError::Invalid(FieldError::new(
                "to",
                "range",
                format!("汇总的日期范围应为1–{MAX_ROLLUP_DAYS}天，且结束日期不早于开始日期"),
                format!("a roll-up covers 1–{MAX_ROLLUP_DAYS} days, ending on or after its start"),
            )));
        }
        let villages = self.villages()?;
        let mut rows: Vec<RollupVillage> = villages
            .iter()
            .map(|v| RollupVillage {
                id: v.id.clone(),
                name: v.name.clone(),
                figures: Figures::default(),
                expected: 0,
                actual: 0,
                on_time: 0,
                groups_submitted: 0,
                groups_total: 0,
            })
            .collect();
        let mut day = from;
        while day <= to {
            let status = self.report_status_of(&villages, day)?;
            for (v, row) in villages.iter().zip(rows.iter_mut()) {
                let mine: Vec<&ReportStatus> =
                    status.iter().filter(|s| s.village_id == v.id).collect();
                row.expected += mine.len() as i64;
                row.actual += mine.iter().filter(|s| s.submitted_at.is_some()).count() as i64;
                row.on_time += mine
                    .iter()
                    .filter(|s| s.submitted_at.is_some() && !s.late)
                    .count() as i64;
                let groups: Vec<&&ReportStatus> =
                    mine.iter().filter(|s| s.level == "group").collect();
                row.groups_total += groups.len() as i64;
                row.groups_submitted +=
                    groups.iter().filter(|s| s.submitted_at.is_some()).count() as i64;
                let own = mine
                    .iter()
                    .find(|s| s.level == "village")
                    .and_then(|s| s.figures.as_ref());
                match own {
                    Some(f) => row.figures.add(f),
                    None => {
                        for f in groups.iter().filter_map(|s| s.figures.as_ref()) {
                            row.figures.add(f);
                        }
                    }
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        let township = RollupTotals {
            figures: Figures::sum(rows.iter().map(|r| &r.figures)),
            expected: rows.iter().map(|r| r.expected).sum(),
            actual: rows.iter().map(|r| r.actual).sum(),
            on_time: rows.iter().map(|r| r.on_time).sum(),
        };
        Ok(Rollup {
            date: from.to_string(),
            to: to.to_string(),
            township,
            villages: rows,
        })
    }

    /// The WeChat text of a unit's report of `date` (submitted or not: a missing report shows
    /// the figures counted now). A village's text lists its groups and marks the missing and
    /// late ones.
    pub fn report_text(&self, level: Level, unit: &str, date: NaiveDate) -> Result<String> {
        let u = self.lock().report_unit(level, unit)?;
        let status = self.report_status(date)?;
        let me = status
            .iter()
            .find(|s| s.id == u.id && s.level == level.code())
            .ok_or_else(|| StoreError::not_found(level.code(), &u.id))?;
        let figures = match &me.figures {
            Some(f) => f.clone(),
            None => self.unit_figures(&u, date)?,
        };
        let unit_name = match level {
            Level::Village => me.name.clone(),
            Level::Group => format!("{}{}", me.village_name, me.name),
        };
        let mut text = report_text(&ReportView {
            unit_name,
            date,
            zero: me.zero,
            figures,
            reporter: me.device.clone(),
            submitted_at: me.submitted_at.as_deref().and_then(parse_at),
            late: me.late,
            note: me.note.clone(),
        });
        if level == Level::Village {
            let lines: Vec<String> = status
                .iter()
                .filter(|s| s.level == "group" && s.village_id == u.id)
                .map(|s| {
                    group_line(&GroupLine {
                        name: s.name.clone(),
                        state: ReportState::parse(s.state).unwrap_or(ReportState::Missing),
                        submitted_at: s.submitted_at.as_deref().and_then(parse_at),
                    })
                })
                .collect();
            if !lines.is_empty() {
                text.push_str(&format!("\n各组：{}", lines.join("；")));
            }
        }
        Ok(text)
    }
}

/// Reports of a village on a day (for the overview): its own state.
pub(crate) fn village_state(status: &[ReportStatus], village: &str) -> &'static str {
    status
        .iter()
        .find(|s| s.level == "village" && s.id == village)
        .map_or("missing", |s| s.state)
}

impl Store {
    /// The township's roll-up of the days `from` to `to` as the text it travels as in the
    /// township's WeChat group (see [`Rollup::text`]).
    pub fn rollup_text(&self, from: NaiveDate, to: NaiveDate) -> Result<String> {
        Ok(self.report_rollup(from, to)?.text())
    }
}

impl Rollup {
    /// The roll-up as a text table: one line per village, then the total.
    pub fn text(&self) -> String {
        let row = |name: &str, expected, actual, on_time, figures: &Figures| RollupRow {
            name: name.to_owned(),
            expected,
            actual,
            on_time,
            figures: figures.clone(),
        };
        let rows: Vec<RollupRow> = self
            .villages
            .iter()
            .map(|v| row(&v.name, v.expected, v.actual, v.on_time, &v.figures))
            .collect();
        let t = &self.township;
        let total = row("合计", t.expected, t.actual, t.on_time, &t.figures);
        let title = if self.date == self.to {
            format!("{} 日报汇总", self.date)
        } else {
            format!("{}至{} 日报汇总", self.date, self.to)
        };
        rollup_text(&title, &rows, &total)
    }
}
