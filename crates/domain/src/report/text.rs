//! The texts a report travels as in the township's WeChat group:
//! one block per report, the village's block followed by its groups, the township's roll-up
//! as a table.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Figures, ReportState};
use crate::isolation::PhaseKind;
use crate::zh_date;
use crate::RiskTag;

/// A report as its text shows it.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// The unit's full name: 东山村二组, 东山村.
    pub unit_name: String,
    /// The day reported.
    pub date: NaiveDate,
    /// Whether it is a 零报告.
    pub zero: bool,
    /// Its figures.
    pub figures: Figures,
    /// Who reported (the device's enrolled name); `None` while nothing was reported.
    pub reporter: Option<String>,
    /// When (local time).
    pub submitted_at: Option<NaiveDateTime>,
    /// Whether it came after the deadline.
    pub late: bool,
    /// The reporter's note.
    pub note: Option<String>,
}

/// One group as the village's report lists it.
#[derive(Debug, Clone)]
pub struct GroupLine {
    /// Group name (二组).
    pub name: String,
    /// Where its report stands.
    pub state: ReportState,
    /// When it was made.
    pub submitted_at: Option<NaiveDateTime>,
}

/// One village's line in the township's roll-up.
#[derive(Debug, Clone)]
pub struct RollupRow {
    /// Village name.
    pub name: String,
    /// Reports due (应报).
    pub expected: i64,
    /// Reports made (已报).
    pub actual: i64,
    /// Reports made by the deadline (按时).
    pub on_time: i64,
    /// The figures reported.
    pub figures: Figures,
}

/// The block of one report, as the township writes it:
///
/// ```text
/// 【东山村二组 日报告】12月4日
/// 新增登记：重点人员2人（中风险地区来返1人），外来租户0人
/// …
/// 报告人：李XX 16:32
/// ```
pub fn report_text(r: &ReportView) -> String {
    let f = &r.figures;
    let kind = if r.zero { "零报告" } else { "日报告" };
    let mut out = format!("【{} {kind}】{}", r.unit_name, zh_date::short(r.date));
    if r.late {
        out.push_str("（迟报）");
    }
    if r.submitted_at.is_none() {
        out.push_str("（未报）");
    }
    let tags: Vec<String> = RiskTag::ALL
        .iter()
        .filter_map(|t| {
            let n = f.registered_by_tag.get(t.code()).copied().unwrap_or(0);
            (n > 0).then(|| format!("{}{n}人", t.zh()))
        })
        .collect();
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!("（{}）", tags.join("，"))
    };
    out.push_str(&format!(
        "\n新增登记：重点人员{}人{tags}，外来租户{}人",
        f.registered_risk, f.registered_tenants
    ));
    let mut phases: Vec<String> = [
        PhaseKind::Centralized,
        PhaseKind::HomeIsolation,
        PhaseKind::HomeMonitoring,
    ]
    .iter()
    .map(|k| format!("{}：{}人", k.zh(), f.in_phase(*k)))
    .collect();
    if f.in_phase(PhaseKind::DailyMonitoring) > 0 {
        let k = PhaseKind::DailyMonitoring;
        phases.push(format!("{}：{}人", k.zh(), f.in_phase(k)));
    }
    let mut checks = format!("今日应随访{}次，已随访{}次", f.checks_due, f.checks_done);
    if f.checks_overdue > 0 {
        checks.push_str(&format!("，超时{}次", f.checks_overdue));
    }
    if f.checks_missed > 0 {
        checks.push_str(&format!("，漏访{}次", f.checks_missed));
    }
    out.push_str(&format!("\n{}（{checks}）", phases.join("；")));
    out.push_str(&format!(
        "\n新增管控：{}人；解除：{}人；转诊发热门诊：{}人",
        f.cases_started, f.cases_released, f.referrals
    ));
    out.push_str(&format!(
        "\n核酸检测：{}人，阳性{}人",
        f.tests_done, f.tests_positive
    ));
    out.push_str(&format!(
        "\n卡口：进{}人次，出{}人次，劝返{}人次，留观{}人次",
        f.checkpoint_in, f.checkpoint_out, f.turned_back, f.observed
    ));
    out.push_str(&format!("\n入户核查：{}户", f.households_verified));
    if let Some(note) = r.note.as_deref().filter(|n| !n.is_empty()) {
        out.push_str(&format!("\n备注：{note}"));
    }
    if let (Some(who), Some(at)) = (&r.reporter, r.submitted_at) {
        out.push_str(&format!("\n报告人：{who} {}", at.format("%H:%M")));
    }
    out
}

/// A group's entry in its village's report: `二组 已报16:32`, `三组 未报`.
pub fn group_line(g: &GroupLine) -> String {
    match g.submitted_at {
        Some(at) => format!("{} {}{}", g.name, g.state.zh(), at.format("%H:%M")),
        None => format!("{} {}", g.name, g.state.zh()),
    }
}

/// The township's roll-up as a text table: one line per village, then the total.
pub fn rollup_text(title: &str, rows: &[RollupRow], total: &RollupRow) -> String {
    let mut out = format!("【{title}】");
    out.push_str("\n村（社区）｜应报｜已报｜按时｜新增重点人员｜在管｜随访（应/已）｜卡口进/出/劝返｜入户核查");
    for r in rows.iter().chain(std::iter::once(total)) {
        let f = &r.figures;
        let held: i64 = f.isolation.values().sum();
        out.push_str(&format!(
            "\n{}｜{}｜{}｜{}｜{}｜{}｜{}/{}｜{}/{}/{}｜{}",
            r.name,
            r.expected,
            r.actual,
            r.on_time,
            f.registered_risk,
            held,
            f.checks_due,
            f.checks_done,
            f.checkpoint_in,
            f.checkpoint_out,
            f.turned_back,
            f.households_verified
        ));
    }
    out
}
