//! The figures of a daily report and their sums.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::isolation::PhaseKind;
use crate::RiskTag;

/// What a unit reports for a day. Every figure is counted from the day's records; a 零报告
/// carries the same figures (all zero when there was nothing new).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReportFigures"))]
pub struct Figures {
    /// Persons registered that day (in households added that day) with a risk tag.
    pub registered_risk: i64,
    /// The same persons per risk tag (code → persons; a person with two tags counts in both).
    pub registered_by_tag: BTreeMap<String, i64>,
    /// Tenants (租户) registered that day.
    pub registered_tenants: i64,
    /// Persons under an open case that day, per phase kind (code → persons).
    pub isolation: BTreeMap<String, i64>,
    /// Cases started that day (新增管控).
    pub cases_started: i64,
    /// Cases released that day (解除).
    pub cases_released: i64,
    /// Health checks due that day.
    pub checks_due: i64,
    /// Health checks done.
    pub checks_done: i64,
    /// Checks past their window and not done (still possible today).
    pub checks_overdue: i64,
    /// Checks whose day is over and that were never done.
    pub checks_missed: i64,
    /// Referrals to the fever clinic (转诊发热门诊).
    pub referrals: i64,
    /// Nucleic-acid tests of cases dated that day.
    pub tests_done: i64,
    /// Of which positive.
    pub tests_positive: i64,
    /// Checkpoint crossings in (人次).
    pub checkpoint_in: i64,
    /// Checkpoint crossings out.
    pub checkpoint_out: i64,
    /// Turned back (劝返).
    pub turned_back: i64,
    /// Kept for observation and transfer (留观转运).
    pub observed: i64,
    /// Households verified that day (入户核查, each household once).
    pub households_verified: i64,
}

impl Figures {
    /// Adds `other` to these figures.
    pub fn add(&mut self, other: &Figures) {
        for (k, v) in other.fields() {
            self.bump(&k, v);
        }
    }

    /// The sum of several figures.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Figures>) -> Figures {
        let mut out = Figures::default();
        for f in all {
            out.add(f);
        }
        out
    }

    /// Persons in isolation or monitoring of one kind.
    pub fn in_phase(&self, kind: PhaseKind) -> i64 {
        self.isolation.get(kind.code()).copied().unwrap_or(0)
    }

    /// Whether nothing at all happened (the figures a 零报告 usually has).
    pub fn is_zero(&self) -> bool {
        self.fields().iter().all(|(_, v)| *v == 0)
    }

    /// Every figure as a flat `(name, value)` pair: `registered_risk`, `tag.close-contact`,
    /// `isolation.home-isolation`, … (how a report record stores them, one field each).
    pub fn fields(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = vec![
            ("registered_risk".into(), self.registered_risk),
            ("registered_tenants".into(), self.registered_tenants),
            ("cases_started".into(), self.cases_started),
            ("cases_released".into(), self.cases_released),
            ("checks_due".into(), self.checks_due),
            ("checks_done".into(), self.checks_done),
            ("checks_overdue".into(), self.checks_overdue),
            ("checks_missed".into(), self.checks_missed),
            ("referrals".into(), self.referrals),
            ("tests_done".into(), self.tests_done),
            ("tests_positive".into(), self.tests_positive),
            ("checkpoint_in".into(), self.checkpoint_in),
            ("checkpoint_out".into(), self.checkpoint_out),
            ("turned_back".into(), self.turned_back),
            ("observed".into(), self.observed),
            ("households_verified".into(), self.households_verified),
        ];
        for (k, v) in &self.registered_by_tag {
            out.push((format!("tag.{k}"), *v));
        }
        for (k, v) in &self.isolation {
            out.push((format!("isolation.{k}"), *v));
        }
        out
    }

    /// Adds `v` to the figure named `name` (as [`Figures::fields`] names them). Unknown
    /// names, unknown tags and unknown phase kinds are ignored (a newer device's figure), and
    /// negative values count as zero: figures come from other devices.
    pub fn bump(&mut self, name: &str, v: i64) {
        let v = v.max(0);
        if let Some(tag) = name.strip_prefix("tag.") {
            if RiskTag::parse(tag).is_ok_and(|t| t.code() == tag) {
                *self.registered_by_tag.entry(tag.to_owned()).or_default() += v;
            }
            return;
        }
        if let Some(kind) = name.strip_prefix("isolation.") {
            if PhaseKind::parse(kind).is_ok_and(|k| k.code() == kind) {
                *self.isolation.entry(kind.to_owned()).or_default() += v;
            }
            return;
        }
        let slot = match name {
            "registered_risk" => &mut self.registered_risk,
            "registered_tenants" => &mut self.registered_tenants,
            "cases_started" => &mut self.cases_started,
            "cases_released" => &mut self.cases_released,
            "checks_due" => &mut self.checks_due,
            "checks_done" => &mut self.checks_done,
            "checks_overdue" => &mut self.checks_overdue,
            "checks_missed" => &mut self.checks_missed,
            "referrals" => &mut self.referrals,
            "tests_done" => &mut self.tests_done,
            "tests_positive" => &mut self.tests_positive,
            "checkpoint_in" => &mut self.checkpoint_in,
            "checkpoint_out" => &mut self.checkpoint_out,
            "turned_back" => &mut self.turned_back,
            "observed" => &mut self.observed,
            "households_verified" => &mut self.households_verified,
            _ => return,
        };
        *slot = slot.saturating_add(v);
    }

    /// Figures read back from flat pairs (the inverse of [`Figures::fields`]).
    pub fn from_fields<'a>(pairs: impl IntoIterator<Item = (&'a str, i64)>) -> Figures {
        let mut out = Figures::default();
        for (k, v) in pairs {
            out.bump(k, v);
        }
        out
    }
}
