//! The "Township" commands of daily work: groups, the overview, and the daily reports
//! (日报告 / 零报告): submit, status, roll-up, deadlines and the WeChat text.

use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand};
use gridbook_domain::report::{parse_hhmm, Deadlines, Level};
use gridbook_store::{forms, Store, StoreError};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

type R = Result<(), Failure>;

/// The unit a report is for: exactly one of `--group` and `--village`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct UnitArgs {
    /// Group id (组, level 3).
    #[arg(long)]
    group: Option<String>,
    /// Village id (村/社区, level 2).
    #[arg(long)]
    village: Option<String>,
}

impl UnitArgs {
    fn unit(&self) -> (Level, &str) {
        match (&self.group, &self.village) {
            (Some(g), _) => (Level::Group, g.as_str()),
            (None, Some(v)) => (Level::Village, v.as_str()),
            (None, None) => (Level::Village, ""),
        }
    }
}

/// Daily report commands.
#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Submit a group's or village's report of a day (figures counted from the day's records).
    Submit {
        #[command(flatten)]
        unit: UnitArgs,
        /// Day reported (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
        /// A 零报告: nothing new to report (the figures are still counted).
        #[arg(long)]
        zero: bool,
        /// A note that travels with the report (what the figures do not say).
        #[arg(long)]
        note: Option<String>,
        /// When it was made (YYYY-MM-DDTHH:MM, local time); now if absent.
        #[arg(long)]
        at: Option<String>,
    },
    /// Every village's and group's report of a day: in, late, zero or missing.
    Status {
        /// Day (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
    },
    /// The township's roll-up of a day or a range: figures, expected, actual, on time.
    Rollup {
        /// First day (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
        /// Last day (YYYY-MM-DD); the first day if absent.
        #[arg(long)]
        to: Option<String>,
    },
    /// Show or set the deadlines (township; default 17:00 for groups, 18:00 for villages).
    Deadlines {
        /// Deadline of group reports, HH:MM.
        #[arg(long)]
        group: Option<String>,
        /// Deadline of village reports, HH:MM.
        #[arg(long)]
        village: Option<String>,
    },
    /// The report as text for the township's WeChat group (or the roll-up with neither unit).
    Text {
        /// Group id.
        #[arg(long, conflicts_with = "village")]
        group: Option<String>,
        /// Village id.
        #[arg(long)]
        village: Option<String>,
        /// Day (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
    },
}

/// `gridbook overview`.
#[derive(Debug, Args)]
pub struct OverviewArgs {
    /// Day (YYYY-MM-DD); today if absent.
    #[arg(long)]
    date: Option<String>,
}

fn day(store: &Store, name: &'static str, raw: Option<&str>) -> Result<NaiveDate, Failure> {
    match raw {
        Some(s) => Ok(forms::parse_date(name, s)?),
        None => Ok(store.now_local().date()),
    }
}

fn time(raw: Option<&str>) -> Result<Option<NaiveDateTime>, Failure> {
    Ok(raw.map(|s| forms::parse_time("at", s)).transpose()?)
}

fn field(e: gridbook_domain::FieldError) -> Failure {
    Failure::from(StoreError::from(e))
}

/// `gridbook group list`.
pub fn group_list(store: &Store, village: Option<&str>, json: bool) -> R {
    let villages = store.villages()?;
    if let Some(v) = village {
        if !villages.iter().any(|x| x.id == v.trim()) {
            return Err(Failure {
                code: 2,
                kind: "not_found",
                field: None,
                zh: format!("找不到村（社区）：{}", v.trim()),
                en: format!("village not found: {}", v.trim()),
            });
        }
    }
    let rows: Vec<serde_json::Value> = villages
        .iter()
        .filter(|v| village.is_none_or(|id| v.id == id.trim()))
        .flat_map(|v| {
            v.groups.iter().map(move |g| {
                json!({"id": g.id, "name": g.name, "village_id": v.id, "village_name": v.name})
            })
        })
        .collect();
    emit(json, &rows, || {
        rows.iter()
            .map(|r| format!("{}  {}{}", r["id"], r["village_name"], r["name"]).replace('"', ""))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `gridbook overview`.
pub fn overview(store: &Store, a: &OverviewArgs, json: bool, lang: Lang) -> R {
    let date = day(store, "date", a.date.as_deref())?;
    let o = store.overview(date)?;
    emit(json, &o, || {
        let mut out = vec![format!(
            "{} {}",
            t(lang, "全镇概况", "Township overview"),
            o.date
        )];
        for v in o.villages.iter().chain(std::iter::once(&o.township)) {
            let c = &v.counts;
            out.push(format!(
                "{}  {}户 {}人  {}{} {}{}  {}{}/{}/{}/{}  {}{:.0}%  {}",
                v.name,
                c.households,
                c.persons,
                t(lang, "在管", "cases "),
                c.cases_active,
                t(lang, "升级/转诊", "escalated or referred "),
                c.escalated,
                t(
                    lang,
                    "随访 待/已完成/超时/漏",
                    "checks due/done/overdue/missed "
                ),
                c.due,
                c.done,
                c.overdue,
                c.missed,
                t(lang, "覆盖", "coverage "),
                v.coverage * 100.0,
                v.report
            ));
        }
        out.join("\n")
    });
    Ok(())
}

/// Runs a `gridbook report` command.
pub fn report(store: &Store, cmd: &ReportCmd, json: bool, lang: Lang) -> R {
    match cmd {
        ReportCmd::Submit {
            unit,
            date,
            zero,
            note,
            at,
        } => {
            let at = time(at.as_deref())?;
            let date = match date {
                Some(d) => forms::parse_date("date", d)?,
                None => at.map_or_else(|| store.now_local().date(), |a| a.date()),
            };
            let (level, id) = unit.unit();
            let s = store.submit_report(level, id, date, *zero, note.as_deref(), at)?;
            emit(json, &s, || {
                let what = if s.zero {
                    t(lang, "零报告已提交", "zero report submitted")
                } else {
                    t(lang, "日报告已提交", "daily report submitted")
                };
                let late = if s.late {
                    t(lang, "（迟报）", " (late)")
                } else {
                    String::new()
                };
                format!("{what}{late} {}", s.report_id)
            });
        }
        ReportCmd::Status { date } => {
            let date = day(store, "date", date.as_deref())?;
            let rows = store.report_status(date)?;
            emit(json, &rows, || {
                rows.iter()
                    .map(|r| {
                        let name = match r.level {
                            "group" => format!("  {}{}", r.village_name, r.name),
                            _ => r.name.clone(),
                        };
                        let state = gridbook_domain::report::ReportState::parse(r.state)
                            .map(|s| if lang == Lang::En { s.en() } else { s.zh() })
                            .unwrap_or(r.state);
                        let at = r.submitted_at.as_deref().map_or("", |a| &a[11..16]);
                        format!("{name}  {state} {at}")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ReportCmd::Rollup { date, to } => {
            let from = day(store, "date", date.as_deref())?;
            let to = match to {
                Some(s) => forms::parse_date("to", s)?,
                None => from,
            };
            let r = store.report_rollup(from, to)?;
            emit(json, &r, || r.text());
        }
        ReportCmd::Deadlines { group, village } => {
            let mut d = store.report_deadlines()?;
            if group.is_some() || village.is_some() {
                if let Some(g) = group {
                    d.group = parse_hhmm("group", g).map_err(field)?;
                }
                if let Some(v) = village {
                    d.village = parse_hhmm("village", v).map_err(field)?;
                }
                d = store.set_report_deadlines(&d)?;
            }
            emit(json, &d, || deadlines_text(&d, lang));
        }
        ReportCmd::Text {
            group,
            village,
            date,
        } => {
            let date = day(store, "date", date.as_deref())?;
            let text = match (group, village) {
                (Some(g), _) => store.report_text(Level::Group, g, date)?,
                (None, Some(v)) => store.report_text(Level::Village, v, date)?,
                (None, None) => store.rollup_text(date, date)?,
            };
            emit(json, &json!({ "text": text }), || text.clone());
        }
    }
    Ok(())
}

fn deadlines_text(d: &Deadlines, lang: Lang) -> String {
    format!(
        "{} {}  {} {}",
        t(lang, "组报告截止", "groups by"),
        d.group.format("%H:%M"),
        t(lang, "村报告截止", "villages by"),
        d.village.format("%H:%M")
    )
}
