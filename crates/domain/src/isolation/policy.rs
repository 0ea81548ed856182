//! The policy record and its validation: township staff edit policies, so every mistake they
//! can make is named in Chinese and English.

use crate::model::labelled_enum;
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::tenths_str;
use crate::error::{FieldError, Result};

/// Fever threshold of the built-in policies, in tenths of a degree: 37.3 °C.
pub const DEFAULT_FEVER_TENTHS: u16 = 373;

/// Longest policy accepted: the longest seed (post-discharge follow-up) is half a year, so
/// anything beyond a year is a typing error rather than a plan.
pub const MAX_POLICY_DAYS: u32 = 366;

/// Accepted fever thresholds, in tenths: a threshold outside normal thermometer range would
/// flag everybody or nobody.
const THRESHOLD_TENTHS: std::ops::RangeInclusive<u16> = 360..=420;

labelled_enum!(
    /// Kind of a phase of a case (隔离/监测方式).
    PhaseKind, "phase", "阶段类型" {
        Centralized = ("centralized", "集中隔离", "centralized isolation"),
        HomeIsolation = ("home-isolation", "居家隔离", "home isolation"),
        HomeMonitoring = ("home-monitoring", "居家健康监测", "home health monitoring"),
        DailyMonitoring = ("daily-monitoring", "日常健康监测", "daily health monitoring"),
    }
);

impl PhaseKind {
    /// Whether the person is isolated (as opposed to monitored) in this phase.
    pub fn is_isolation(self) -> bool {
        matches!(self, PhaseKind::Centralized | PhaseKind::HomeIsolation)
    }
}

/// One phase of a policy, e.g. 14 days of centralized isolation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PolicyPhase"))]
pub struct Phase {
    /// Kind of phase.
    pub kind: PhaseKind,
    /// Length in days (at least 1).
    pub days: u32,
    /// Whether the daily check windows apply in this phase.
    #[serde(default = "yes")]
    pub checks: bool,
}

fn yes() -> bool {
    true
}

impl Phase {
    /// A phase with daily checks.
    pub fn new(kind: PhaseKind, days: u32) -> Self {
        Self {
            kind,
            days,
            checks: true,
        }
    }

    /// A phase without daily checks (someone else, e.g. a hospital, follows the person).
    pub fn unchecked(kind: PhaseKind, days: u32) -> Self {
        Self {
            kind,
            days,
            checks: false,
        }
    }
}

/// A daily check window in local time, `[start, end)`: the end is exclusive, so a check
/// recorded at exactly `end` is late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CheckWindow"))]
pub struct Window {
    /// First minute of the window.
    pub start: NaiveTime,
    /// First minute after the window.
    pub end: NaiveTime,
}

impl Window {
    /// A window from `h1:m1` to `h2:m2`; out-of-range parts become midnight (and then fail
    /// [`Policy::validate`]).
    pub fn hm(h1: u32, m1: u32, h2: u32, m2: u32) -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            start: t(h1, m1),
            end: t(h2, m2),
        }
    }

    /// `08:00–10:00`.
    pub fn label(&self) -> String {
        format!(
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// What release (解除隔离) requires; each condition can be switched off by the township.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReleaseRule {
    /// Every phase is over (release on the day after the last day).
    pub period_over: bool,
    /// Every test day has a negative sample, and no sample of the case is positive.
    pub tests_negative: bool,
    /// No escalation (fever-clinic referral) is open.
    pub no_open_escalation: bool,
    /// A final check (体检/测温无异常) on or after the last day: 001 releases home isolation
    /// "期满后…经体检无异常后". Absent in records written before the field existed: then it
    /// is on exactly for policies with a home-isolation phase (see
    /// [`Policy::requires_final_check`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub final_check: Option<bool>,
}

impl Default for ReleaseRule {
    fn default() -> Self {
        Self {
            period_over: true,
            tests_negative: true,
            no_open_escalation: true,
            final_check: None,
        }
    }
}

/// An isolation or monitoring policy (管控方案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PolicySpec"))]
pub struct Policy {
    /// Stable id, e.g. `high-risk-arrival`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Phases in order; day 1 of the case is day 1 of the first phase.
    pub phases: Vec<Phase>,
    /// Daily check windows (in phases with `checks`).
    #[serde(default)]
    pub windows: Vec<Window>,
    /// Days with a nucleic-acid test, 1-based across all phases.
    #[serde(default)]
    pub test_days: Vec<u32>,
    /// Days of a follow-up visit (复诊随访), 1-based; a visit day has one whole-day check
    /// instead of the windowed checks.
    #[serde(default)]
    pub visit_days: Vec<u32>,
    /// Fever threshold in tenths of a degree (373 = 37.3 °C); reaching it escalates.
    #[serde(default = "default_fever")]
    pub fever_tenths: u16,
    /// What release requires.
    #[serde(default)]
    pub release: ReleaseRule,
}

fn default_fever() -> u16 {
    DEFAULT_FEVER_TENTHS
}

impl Policy {
    /// Total length in days, across all phases.
    pub fn total_days(&self) -> u32 {
        self.phases
            .iter()
            .fold(0u32, |n, p| n.saturating_add(p.days))
    }

    /// Whether any phase isolates the person (release wording says 隔离期 rather than 监测期).
    pub fn isolates(&self) -> bool {
        self.phases.iter().any(|p| p.kind.is_isolation())
    }

    /// Whether release needs a final normal check on or after the last day: the policy's
    /// own setting, or when it has none, whether any phase is home isolation.
    pub fn requires_final_check(&self) -> bool {
        self.release.final_check.unwrap_or_else(|| {
            self.phases
                .iter()
                .any(|p| p.kind == PhaseKind::HomeIsolation)
        })
    }

    /// The phase of a 1-based day, if the day is within the policy.
    pub fn phase_of_day(&self, day: u32) -> Option<&Phase> {
        let mut last = 0u32;
        for p in &self.phases {
            last = last.saturating_add(p.days);
            if day >= 1 && day <= last {
                return Some(p);
            }
        }
        None
    }

    /// `集中隔离14天+居家隔离7天`.
    pub fn summary_zh(&self) -> String {
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|p| format!("{}{}天", p.kind.zh(), p.days))
            .collect();
        parts.join("+")
    }

    /// `14 days centralized isolation + 7 days home isolation`.
    pub fn summary_en(&self) -> String {
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|p| format!("{} days {}", p.days, p.kind.en()))
            .collect();
        parts.join(" + ")
    }

    /// Checks the policy as a township officer edited it; returns the first problem.
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(FieldError::new(
                "id",
                "empty",
                "请填写方案编号",
                "the policy needs an id",
            ));
        }
        if self.name.trim().is_empty() {
            return Err(FieldError::new(
                "name",
                "empty",
                "请填写方案名称",
                "the policy needs a name",
            ));
        }
        self.validate_phases()?;
        self.validate_windows()?;
        let total = self.total_days();
        validate_days("test_days", "检测日", "test day", &self.test_days, total)?;
        validate_days("visit_days", "随访日", "visit day", &self.visit_days, total)?;
        if !THRESHOLD_TENTHS.contains(&self.fever_tenths) {
            return Err(FieldError::new(
                "fever_tenths",
                "range",
                format!(
                    "发热标准{}℃无效，应在36.0–42.0℃之间",
                    tenths_str(self.fever_tenths)
                ),
                format!(
                    "fever threshold {} °C must be between 36.0 and 42.0 °C",
                    tenths_str(self.fever_tenths)
                ),
            ));
        }
        Ok(())
    }

    fn validate_phases(&self) -> Result<()> {
        if self.phases.is_empty() {
            return Err(FieldError::new(
                "phases",
                "empty",
                "方案至少需要一个阶段",
                "a policy needs at least one phase",
            ));
        }
        if let Some((i, p)) = self.phases.iter().enumerate().find(|(_, p)| p.days == 0) {
            return Err(FieldError::new(
                "phases",
                "zero_days",
                format!("第 {} 个阶段（{}）的天数不能为 0", i + 1, p.kind.zh()),
                format!(
                    "phase {} ({}) must last at least one day",
                    i + 1,
                    p.kind.en()
                ),
            ));
        }
        let total = self.total_days();
        if total > MAX_POLICY_DAYS {
            return Err(FieldError::new(
                "phases",
                "too_long",
                format!("方案总天数 {total} 天，不能超过 {MAX_POLICY_DAYS} 天"),
                format!("the policy lasts {total} days, more than {MAX_POLICY_DAYS}"),
            ));
        }
        Ok(())
    }

    fn validate_windows(&self) -> Result<()> {
        if let Some(w) = self.windows.iter().find(|w| w.end <= w.start) {
            return Err(FieldError::new(
                "windows",
                "end_before_start",
                format!("核查时段 {} 的结束时间应晚于开始时间", w.label()),
                format!("check window {} must end after it starts", w.label()),
            ));
        }
        let mut sorted = self.windows.clone();
        sorted.sort_by_key(|w| w.start);
        // Touching windows (10:00 end, 10:00 start) are fine: the end is exclusive.
        if let Some(pair) = sorted.windows(2).find(|p| p[0].end > p[1].start) {
            return Err(FieldError::new(
                "windows",
                "overlap",
                format!("核查时段 {} 与 {} 重叠", pair[0].label(), pair[1].label()),
                format!(
                    "check windows {} and {} overlap",
                    pair[0].label(),
                    pair[1].label()
                ),
            ));
        }
        Ok(())
    }
}

fn validate_days(field: &'static str, zh: &str, en: &str, days: &[u32], total: u32) -> Result<()> {
    for (i, &d) in days.iter().enumerate() {
        if d == 0 {
            return Err(FieldError::new(
                field,
                "zero_day",
                format!("{zh}从第 1 天算起，不能为第 0 天"),
                format!("{en}s count from day 1; day 0 does not exist"),
            ));
        }
        if d > total {
            return Err(FieldError::new(
                field,
                "beyond_end",
                format!("{zh}第 {d} 天超出方案总天数 {total} 天"),
                format!("{en} {d} is beyond the policy's {total} days"),
            ));
        }
        if days[..i].contains(&d) {
            return Err(FieldError::new(
                field,
                "duplicate",
                format!("{zh}第 {d} 天重复"),
                format!("{en} {d} is listed twice"),
            ));
        }
    }
    Ok(())
}
