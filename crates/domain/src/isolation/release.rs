//! Release (解除隔离) and the 期满证明: refuse with every unmet condition named, or hand back
//! the data of the certificate.
//!
//! A case is over the day after its last day: a 14-day isolation starting 2022-05-01 ends on
//! 2022-05-14 and can be released from 2022-05-15.
//!
//! A test day is met by a negative sample taken on or after that day and before the next test
//! day (the last one: up to the release date), because samples are often taken a day late and
//! a late sample still tells what the on-time one would have. Any positive sample of the case
//! refuses release on its own, so an extra sample can never hide one.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::policy::Policy;
use super::schedule::{date_of_day, end_date};
use crate::model::TestResult;
use crate::zh_date;

/// One condition of release that is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Unmet {
    /// The last phase is not over.
    PeriodNotOver {
        /// Days left, counting the release date and the last day.
        days_left: u32,
        /// The last day of the last phase.
        end: NaiveDate,
        /// Whether the policy isolates (隔离期) or only monitors (健康监测期).
        isolation: bool,
    },
    /// No sample for a test day.
    TestMissing {
        /// The test day.
        day: u32,
        /// Its date.
        date: NaiveDate,
    },
    /// The sample of a test day has no result yet.
    TestPending {
        /// The test day.
        day: u32,
    },
    /// A sample of the case is positive.
    TestPositive {
        /// Day of the sample.
        day: u32,
        /// Date of the sample.
        date: NaiveDate,
    },
    /// An escalation (fever-clinic referral) is still open.
    OpenEscalation,
    /// Days with a follow-up due and none recorded (当天未随访). Release needs a reason then.
    MissedDays {
        /// The missed days of the case, in order.
        days: Vec<u32>,
    },
    /// No normal final check (体检/测温无异常) on or after the last day, and the policy asks
    /// for one.
    FinalCheckMissing {
        /// The last day of the case: the check is due from this date.
        from: NaiveDate,
    },
}

impl Unmet {
    /// Stable code, e.g. `period-not-over`.
    pub fn code(&self) -> &'static str {
        match self {
            Unmet::PeriodNotOver { .. } => "period-not-over",
            Unmet::TestMissing { .. } => "test-missing",
            Unmet::TestPending { .. } => "test-pending",
            Unmet::TestPositive { .. } => "test-positive",
            Unmet::OpenEscalation => "open-escalation",
            Unmet::MissedDays { .. } => "missed-days",
            Unmet::FinalCheckMissing { .. } => "final-check-missing",
        }
    }

    /// The reason in Chinese, e.g. `隔离期未满：还需 3 天（至5月21日）`.
    pub fn zh(&self) -> String {
        match self {
            Unmet::PeriodNotOver {
                days_left,
                end,
                isolation,
            } => {
                let period = if *isolation {
                    "隔离期"
                } else {
                    "健康监测期"
                };
                format!(
                    "{period}未满：还需 {days_left} 天（至{}）",
                    zh_date::short(*end)
                )
            }
            Unmet::TestMissing { day, date } => {
                format!("第 {day} 天核酸未采样（应于{}采样）", zh_date::short(*date))
            }
            Unmet::TestPending { day } => format!("第 {day} 天核酸结果未出"),
            Unmet::TestPositive { day, date } => {
                format!("第 {day} 天（{}）核酸阳性", zh_date::short(*date))
            }
            Unmet::OpenEscalation => "有未关闭的发热转诊".to_owned(),
            Unmet::MissedDays { days } => format!(
                "第 {} 天未随访（共 {} 天），须填写解除原因",
                join_days(days, "、"),
                days.len()
            ),
            Unmet::FinalCheckMissing { from } => {
                format!(
                    "缺少期满体检：{}起须有一次测温无异常的随访",
                    zh_date::short(*from)
                )
            }
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        match self {
            Unmet::PeriodNotOver {
                days_left,
                end,
                isolation,
            } => {
                let period = if *isolation {
                    "isolation"
                } else {
                    "health monitoring"
                };
                format!("{period} period not over: {days_left} more days (until {end})")
            }
            Unmet::TestMissing { day, date } => {
                format!("no nucleic-acid sample for day {day} (due {date})")
            }
            Unmet::TestPending { day } => format!("day-{day} nucleic-acid result pending"),
            Unmet::TestPositive { day, date } => {
                format!("positive nucleic-acid test on day {day} ({date})")
            }
            Unmet::OpenEscalation => "a fever or symptom referral is still open".to_owned(),
            Unmet::MissedDays { days } => format!(
                "no follow-up on day {} ({} days): releasing needs a reason",
                join_days(days, ", "),
                days.len()
            ),
            Unmet::FinalCheckMissing { from } => {
                format!("no final check: a normal temperature check is needed from {from}")
            }
        }
    }
}

/// Why a case cannot be released: every unmet condition, in the order period, tests,
/// escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRefusal {
    /// The unmet conditions (never empty).
    pub unmet: Vec<Unmet>,
}

impl ReleaseRefusal {
    /// All reasons in Chinese, separated by `；`.
    pub fn zh(&self) -> String {
        let parts: Vec<String> = self.unmet.iter().map(Unmet::zh).collect();
        parts.join("；")
    }

    /// All reasons in English, separated by `; `.
    pub fn en(&self) -> String {
        let parts: Vec<String> = self.unmet.iter().map(Unmet::en).collect();
        parts.join("; ")
    }
}

impl fmt::Display for ReleaseRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "不能解除：{} (cannot release: {})", self.zh(), self.en())
    }
}

impl std::error::Error for ReleaseRefusal {}

fn join_days(days: &[u32], sep: &str) -> String {
    let parts: Vec<String> = days.iter().map(u32::to_string).collect();
    parts.join(sep)
}

/// One follow-up check of a case as release reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckFact {
    /// Local date of the check.
    pub date: NaiveDate,
    /// A temperature was taken, below the policy's fever threshold, and no symptom was
    /// reported (体检/测温无异常).
    pub normal: bool,
}

impl CheckFact {
    /// A check of a case under `policy` on `date`: normal when a temperature was taken, below
    /// the policy's fever threshold, and no symptom was reported.
    pub fn of(
        policy: &Policy,
        date: NaiveDate,
        temp_tenths: Option<i64>,
        any_symptom: bool,
    ) -> Self {
        let normal =
            temp_tenths.is_some_and(|t| t < i64::from(policy.fever_tenths)) && !any_symptom;
        CheckFact { date, normal }
    }
}

/// What release reads of a case's follow-ups.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseFacts<'a> {
    /// Test samples: date and result.
    pub tests: &'a [(NaiveDate, TestResult)],
    /// Follow-up checks.
    pub checks: &'a [CheckFact],
    /// Whether an escalation is open.
    pub open_escalation: bool,
    /// Why the case is released despite missed follow-up days (kept on the case and the
    /// certificate); trimmed, `None` when blank.
    pub reason: Option<&'a str>,
}

/// The days of a case before `on` (and within the policy) that had a follow-up due and no
/// check recorded: days of phases with daily checks, when the policy has check windows, and
/// follow-up visit days. `on` itself is not missed yet.
pub fn missed_days(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    checks: &[CheckFact],
) -> Vec<u32> {
    let mut out = Vec::new();
    for day in 1..=policy.total_days() {
        let Some(date) = date_of_day(start, day).filter(|d| *d < on) else {
            break;
        };
        let due = policy.phase_of_day(day).is_some_and(|p| p.checks)
            && (!policy.windows.is_empty() || policy.visit_days.contains(&day));
        if due && !checks.iter().any(|c| c.date == date) {
            out.push(day);
        }
    }
    out
}

/// [`release_check`] with what 001 adds for release: the days without follow-up (allowed
/// only with a reason) and, when the policy asks for it, a normal final check on or after
/// the last day and no later than `on`.
pub fn release_review(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    facts: &ReleaseFacts<'_>,
) -> Result<(), ReleaseRefusal> {
    let mut unmet = match release_check(policy, start, on, facts.tests, facts.open_escalation) {
        Ok(()) => Vec::new(),
        Err(r) => r.unmet,
    };
    let missed = missed_days(policy, start, on, facts.checks);
    if !missed.is_empty() && facts.reason.is_none_or(|r| r.trim().is_empty()) {
        unmet.push(Unmet::MissedDays { days: missed });
    }
    let end = end_date(policy, start);
    if policy.requires_final_check()
        && !facts
            .checks
            .iter()
            .any(|c| c.normal && c.date >= end && c.date <= on)
    {
        unmet.push(Unmet::FinalCheckMissing { from: end });
    }
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(ReleaseRefusal { unmet })
    }
}

/// Whether a case of `policy` started on `start` can be released on `on`, given its test
/// samples (sample date, result) and whether an escalation is open. Samples outside the case
/// (before day 1 or after `on`) are ignored. Test days after `on` are not asked for: the
/// unfinished period already says so. Follow-up checks are not read: see [`release_review`].
pub fn release_check(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    tests: &[(NaiveDate, TestResult)],
    open_escalation: bool,
) -> Result<(), ReleaseRefusal> {
    let mut unmet = Vec::new();
    let end = end_date(policy, start);
    if policy.release.period_over && on <= end {
        let left = end.signed_duration_since(on).num_days() + 1;
        unmet.push(Unmet::PeriodNotOver {
            days_left: u32::try_from(left).unwrap_or(u32::MAX),
            end,
            isolation: policy.isolates(),
        });
    }
    if policy.release.tests_negative {
        unmet.extend(test_conditions(policy, start, on, tests));
    }
    if policy.release.no_open_escalation && open_escalation {
        unmet.push(Unmet::OpenEscalation);
    }
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(ReleaseRefusal { unmet })
    }
}

/// The samples of the case up to `on`, with their day numbers, in date order.
fn samples(
    start: NaiveDate,
    on: NaiveDate,
    tests: &[(NaiveDate, TestResult)],
) -> Vec<(u32, NaiveDate, TestResult)> {
    let mut out: Vec<(u32, NaiveDate, TestResult)> = tests
        .iter()
        .filter(|(date, _)| *date >= start && *date <= on)
        .filter_map(|&(date, result)| {
            let day = date.signed_duration_since(start).num_days() + 1;
            Some((u32::try_from(day).ok()?, date, result))
        })
        .collect();
    out.sort_by_key(|&(day, _, result)| (day, result));
    out
}

fn test_conditions(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    tests: &[(NaiveDate, TestResult)],
) -> Vec<Unmet> {
    let samples = samples(start, on, tests);
    let mut unmet: Vec<Unmet> = samples
        .iter()
        .filter(|s| s.2 == TestResult::Positive)
        .map(|&(day, date, _)| Unmet::TestPositive { day, date })
        .collect();
    let mut days = policy.test_days.clone();
    days.sort_unstable();
    for (i, &day) in days.iter().enumerate() {
        let Some(date) = date_of_day(start, day).filter(|d| *d <= on) else {
            continue;
        };
        let next = days.get(i + 1).copied().unwrap_or(u32::MAX);
        let in_range: Vec<TestResult> = samples
            .iter()
            .filter(|s| s.0 >= day && s.0 < next)
            .map(|s| s.2)
            .collect();
        if in_range.is_empty() {
            unmet.push(Unmet::TestMissing { day, date });
        } else if !in_range.contains(&TestResult::Negative)
            && !in_range.contains(&TestResult::Positive)
        {
            // A positive is already named above; only a day with nothing but pending is unmet.
            unmet.push(Unmet::TestPending { day });
        }
    }
    unmet
}

/// One sample on a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestLine {
    /// Day of the case.
    pub day: u32,
    /// Sample date.
    pub date: NaiveDate,
    /// Negative, positive or pending.
    pub result: TestResult,
}

/// The data of a release certificate (期满证明, 001 line 255): what the township prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Certificate {
    /// Name of the person released.
    pub person_name: String,
    /// Their ID document number, as passed in.
    pub id_number: String,
    /// Id of the policy followed.
    pub policy_id: String,
    /// Chinese name of the policy.
    pub policy_name: String,
    /// English name of the policy.
    pub policy_name_en: String,
    /// `集中隔离14天+居家隔离7天`.
    pub period_zh: String,
    /// `14 days centralized isolation + 7 days home isolation`.
    pub period_en: String,
    /// Day 1.
    pub start: NaiveDate,
    /// Last day of the last phase.
    pub end: NaiveDate,
    /// Release date.
    pub released_on: NaiveDate,
    /// Every sample of the case, in date order.
    pub tests: Vec<TestLine>,
    /// `核酸检测 4 次，均为阴性`.
    pub tests_zh: String,
    /// `4 nucleic-acid tests, all negative`.
    pub tests_en: String,
    /// Days without follow-up, released with [`Certificate::reason`]. Absent in certificates
    /// issued before it existed.
    #[serde(default)]
    pub missed_days: Vec<u32>,
    /// Why the case was released despite missed days, as the township officer wrote it.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Issues the certificate data if [`release_check`] allows release on `on`.
pub fn issue_certificate(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    tests: &[(NaiveDate, TestResult)],
    open_escalation: bool,
    person_name: &str,
    id_number: &str,
) -> Result<Certificate, ReleaseRefusal> {
    release_check(policy, start, on, tests, open_escalation)?;
    Ok(certificate(
        policy,
        start,
        on,
        tests,
        person_name,
        id_number,
    ))
}

/// Issues the certificate data if [`release_review`] allows release on `on`; the missed days
/// and the reason go on the certificate.
pub fn issue_reviewed_certificate(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    facts: &ReleaseFacts<'_>,
    person_name: &str,
    id_number: &str,
) -> Result<Certificate, ReleaseRefusal> {
    release_review(policy, start, on, facts)?;
    let mut cert = certificate(policy, start, on, facts.tests, person_name, id_number);
    cert.missed_days = missed_days(policy, start, on, facts.checks);
    cert.reason = facts
        .reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    Ok(cert)
}

fn certificate(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    tests: &[(NaiveDate, TestResult)],
    person_name: &str,
    id_number: &str,
) -> Certificate {
    let lines: Vec<TestLine> = samples(start, on, tests)
        .into_iter()
        .map(|(day, date, result)| TestLine { day, date, result })
        .collect();
    let (tests_zh, tests_en) = tests_summary(&lines);
    Certificate {
        person_name: person_name.to_owned(),
        id_number: id_number.to_owned(),
        policy_id: policy.id.clone(),
        policy_name: policy.name.clone(),
        policy_name_en: policy.name_en.clone(),
        period_zh: policy.summary_zh(),
        period_en: policy.summary_en(),
        start,
        end: end_date(policy, start),
        released_on: on,
        tests: lines,
        tests_zh,
        tests_en,
        missed_days: Vec::new(),
        reason: None,
    }
}

fn tests_summary(lines: &[TestLine]) -> (String, String) {
    let n = lines.len();
    if n == 0 {
        return (
            "无核酸检测记录".to_owned(),
            "no nucleic-acid tests".to_owned(),
        );
    }
    let count = |r| lines.iter().filter(|l| l.result == r).count();
    if count(TestResult::Negative) == n {
        return (
            format!("核酸检测 {n} 次，均为阴性"),
            format!("{n} nucleic-acid tests, all negative"),
        );
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for r in TestResult::ALL {
        let c = count(*r);
        if c > 0 {
            zh.push(format!("{} {c} 次", r.zh()));
            en.push(format!("{c} {}", r.en()));
        }
    }
    (
        format!("核酸检测 {n} 次：{}", zh.join("、")),
        format!("{n} nucleic-acid tests: {}", en.join(", ")),
    )
}
