//! A case as the case list and the case screen show it: the types [`Store::cases`] and
//! [`Store::case_detail`] return (the app's case screens and `gridbook case list|show --json`).
//!
//! [`Store::cases`]: crate::Store::cases
//! [`Store::case_detail`]: crate::Store::case_detail

use std::collections::BTreeMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::Certificate;
use serde::Serialize;

/// A case as the case list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CaseSummary"))]
pub struct CaseRow {
    /// The case's record id (UUID).
    pub id: String,
    /// The status shown: escalated while an escalation is open, else the stored one.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::isolation::CaseStatus"))]
    pub status: String,
    /// Whether an escalation (a fever or symptom, a positive test) is open.
    pub escalated: bool,
    /// Counted under 升级 (escalated or referred): the cases screen's 升级 tab and the township
    /// overview's figure count by this one rule.
    pub in_escalation: bool,
    /// Released, and visits or tests were recorded after the release: to be looked at again.
    pub needs_review: bool,
    /// The person under follow-up.
    pub person_id: String,
    /// The person's name.
    pub name: String,
    /// The person's village.
    pub village_id: String,
    /// The person's household.
    pub household_id: Option<String>,
    /// The policy followed.
    pub policy_id: String,
    /// Its name, e.g. 密切接触者.
    pub policy_name: String,
    /// The policy's fever threshold in ℃.
    pub fever_threshold: f64,
    /// Why the case was started (a risk tag code, or text).
    pub reason: Option<String>,
    /// Day 1.
    pub start: NaiveDate,
    /// The last day of the last phase.
    pub end: NaiveDate,
    /// `home` or `centralized`.
    #[cfg_attr(feature = "ts", ts(type = "\"home\" | \"centralized\""))]
    pub place: String,
    /// The centralized site, if any.
    pub site: Option<String>,
    /// The release date, once released.
    pub released_on: Option<String>,
    /// Visits and tests the release saw (`needs_review` compares with those now recorded).
    pub visits_seen: Option<i64>,
    /// The 包保 team: role → `{name, phone}`.
    pub team: BTreeMap<String, BTreeMap<String, String>>,
    /// When the case was recorded (local time).
    pub created_at: Option<String>,
    /// Where a transferred case went, or why a case was cancelled.
    pub close_note: Option<String>,
    /// Why the case was released despite missed follow-up days (the certificate's reason).
    pub release_reason: Option<String>,
    /// 旅居地, recorded when the case started (printed on the 公示单).
    pub origin: Option<String>,
}

/// One case with its phases, visits, tests, referrals, certificate and checkpoint entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDetail {
    /// The case as listed.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub case: CaseRow,
    /// The policy's phases, dated from the case's start.
    pub phases: Vec<CasePhase>,
    /// Health checks (随访), in time order.
    pub visits: Vec<CaseVisit>,
    /// Nucleic-acid tests, in date order.
    pub tests: Vec<CaseTest>,
    /// Referrals to the fever clinic, in time order.
    pub referrals: Vec<CaseReferral>,
    /// The release certificate's data, once released.
    pub certificate: Option<Certificate>,
    /// The person's checkpoint entries since the case started (the 包保 team sees them).
    pub checkpoint_entries: Vec<CaseEntry>,
}

/// A phase of a case's policy, dated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CasePhase {
    /// The phase kind's code.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::isolation::PhaseKind"))]
    pub kind: &'static str,
    /// Its Chinese name, e.g. 居家隔离.
    pub kind_zh: &'static str,
    /// Its length in days.
    pub days: u32,
    /// Its first day (`None` past the calendar's end).
    pub start: Option<NaiveDate>,
    /// Its last day.
    pub end: Option<NaiveDate>,
    /// Whether health checks are due in it.
    pub checks: bool,
}

/// A health check (随访) of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Visit"))]
pub struct CaseVisit {
    /// The visit's record id.
    pub id: String,
    /// When (local time, `YYYY-MM-DDTHH:MM`).
    pub at: String,
    /// Body temperature in ℃, if taken.
    pub temperature: Option<f64>,
    /// Symptom codes.
    pub symptoms: Vec<String>,
    /// phone, video or visit.
    pub method: String,
    /// Who checked, as typed.
    pub by: Option<String>,
    /// The device that recorded it.
    pub device: Option<String>,
    /// Whether it escalated the case.
    pub escalated: bool,
}

/// A nucleic-acid test of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseTest {
    /// The test's record id.
    pub id: String,
    /// The sample's date.
    pub date: String,
    /// negative, positive or pending.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::TestResult"))]
    pub result: String,
    /// The device that recorded it.
    pub device: Option<String>,
}

/// A referral to the fever clinic.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Referral"))]
pub struct CaseReferral {
    /// The referral's record id.
    pub id: String,
    /// When (local time).
    pub at: String,
    /// Why the person was referred, as the grid worker wrote it.
    pub reason: String,
    /// pending, or how it was closed (cleared, …).
    pub outcome: String,
}

/// A checkpoint entry of a case's person, as the case's timeline shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseEntry {
    /// The entry's record id.
    pub id: String,
    /// When (local time).
    pub at: String,
    /// The day of the case it falls on (1 is the start).
    pub day: Option<i64>,
    /// The checkpoint.
    pub checkpoint_id: String,
    /// Its name.
    pub checkpoint: String,
    /// in or out.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Direction"))]
    pub direction: String,
    /// The decision the rules suggested.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Decision"))]
    pub suggested: String,
    /// The volunteer's decision.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Decision"))]
    pub decision: String,
    /// Whether the volunteer overrode the suggestion.
    pub overridden: bool,
    /// The volunteer's note (the reason of an override).
    pub note: Option<String>,
    /// The purpose of going out, as typed.
    pub purpose: Option<String>,
    /// `14:05 村口卡点登记外出，覆盖：就医`.
    pub line: String,
}
