//! Daily reports over a date range (日报告/零报告汇总): a row per report made — its day,
//! village, group, level, kind (日报告 or 零报告), on time or late, when and by which device,
//! the figures it carries and its note. Rows come from the query the township's status list
//! uses (`Store::report_status`), so lateness is judged by the same deadlines.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gridbook_domain::isolation::PhaseKind;
use gridbook_domain::report::Figures;
use gridbook_store::{ExportFilter, Store};

use crate::sink::{Cell, Column, Sink};
use crate::ExportError;

const fn col(name: &'static str, width: f64) -> Column {
    Column { name, width }
}

/// The longest range exported (a year), as the roll-up allows.
const MAX_DAYS: i64 = 366;

/// The phase kinds with a column each, in the order of the report's text.
const PHASES: [PhaseKind; 4] = [
    PhaseKind::Centralized,
    PhaseKind::HomeIsolation,
    PhaseKind::HomeMonitoring,
    PhaseKind::DailyMonitoring,
];

/// The columns: who reported what and when, then the figures as the report's text names them.
pub(crate) const REPORTS: [Column; 31] = [
    col("序号", 7.0),
    col("日期", 12.0),
    col("村（社区）", 12.0),
    col("组", 8.0),
    col("报告层级", 9.0),
    col("报告类型", 9.0),
    col("是否按时", 9.0),
    col("截止时间", 17.0),
    col("报送时间", 17.0),
    col("报送设备", 16.0),
    col("新增重点人员", 12.0),
    col("新增外来租户", 12.0),
    col("集中隔离", 9.0),
    col("居家隔离", 9.0),
    col("居家健康监测", 12.0),
    col("日常健康监测", 12.0),
    col("新增管控", 9.0),
    col("解除管控", 9.0),
    col("应随访", 8.0),
    col("已随访", 8.0),
    col("超时未随访", 10.0),
    col("漏访", 7.0),
    col("转诊发热门诊", 12.0),
    col("核酸检测", 9.0),
    col("核酸阳性", 9.0),
    col("卡口进（人次）", 13.0),
    col("卡口出（人次）", 13.0),
    col("劝返", 7.0),
    col("留观转运", 9.0),
    col("入户核查（户）", 13.0),
    col("备注", 24.0),
];

/// The days a reports export covers: `--from`/`--to` (either alone: that day to today, or
/// that one day), else today; at most a year.
fn days(filter: &ExportFilter, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ExportError> {
    let (from, to) = match (filter.from, filter.to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, today.max(f)),
        (None, Some(t)) => (t, t),
        (None, None) => (today, today),
    };
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ExportError::invalid(
            format!("日报汇总最多导出{MAX_DAYS}天：请缩小日期范围"),
            format!("a reports export covers at most {MAX_DAYS} days: narrow the range"),
        ));
    }
    Ok((from, to))
}

fn at(s: &str) -> Cell {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_or_else(|_| Cell::Text(s.to_owned()), Cell::DateTime)
}

/// The figure cells, in the order of [`REPORTS`] from 新增重点人员 to 入户核查.
fn figure_cells(f: &Figures) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Int(f.registered_risk),
        Cell::Int(f.registered_tenants),
    ];
    cells.extend(PHASES.iter().map(|k| Cell::Int(f.in_phase(*k))));
    cells.extend(
        [
            f.cases_started,
            f.cases_released,
            f.checks_due,
            f.checks_done,
            f.checks_overdue,
            f.checks_missed,
            f.referrals,
            f.tests_done,
            f.tests_positive,
            f.checkpoint_in,
            f.checkpoint_out,
            f.turned_back,
            f.observed,
            f.households_verified,
        ]
        .map(Cell::Int),
    );
    cells
}

/// Writes the sheet; returns the rows written.
pub(crate) fn write(
    store: &Store,
    title_place: &str,
    filter: &ExportFilter,
    sink: &mut dyn Sink,
) -> Result<u64, ExportError> {
    let (from, to) = days(filter, store.now_local().date())?;
    let title = format!(
        "{title_place}日报告汇总表（{}至{}）",
        from.format("%Y年%m月%d日"),
        to.format("%Y年%m月%d日")
    );
    sink.begin("日报汇总", &title, &REPORTS)?;
    let mut n = 0u64;
    let mut day = from;
    while day <= to {
        for r in store.report_status(day)? {
            if r.report_id.is_none() || filter.village.as_ref().is_some_and(|v| *v != r.village_id)
            {
                continue;
            }
            n += 1;
            let group = (r.level == "group").then(|| r.name.clone());
            let mut cells = vec![
                Cell::Int(n as i64),
                Cell::Date(day),
                Cell::Text(r.village_name.clone()),
                Cell::opt(group.clone()),
                Cell::Text(
                    if group.is_some() {
                        "组"
                    } else {
                        "村（社区）"
                    }
                    .into(),
                ),
                Cell::Text(if r.zero { "零报告" } else { "日报告" }.into()),
                Cell::Text(if r.late { "迟报" } else { "按时" }.into()),
                at(&r.due),
                r.submitted_at.as_deref().map_or(Cell::Empty, at),
                Cell::opt(r.device.clone()),
            ];
            cells.extend(figure_cells(&r.figures.clone().unwrap_or_default()));
            cells.push(Cell::opt(r.note.clone()));
            sink.row(&cells)?;
        }
        day += Duration::days(1);
    }
    Ok(n)
}
