//! A person's control state (管控状态) on a day, as the checkpoint and the pass check see it:
//! 居家隔离第N天 / 集中隔离 / 居家健康监测 / 待转诊, with until when.
//!
//! Derived from an open case (its policy snapshot, its start and whether an escalation is
//! open), never stored: a case that escalates or ends changes the state everywhere at once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::policy::{PhaseKind, Policy};
use super::schedule::{date_of_day, end_date};
use crate::model::labelled_enum;
use crate::zh_date;

labelled_enum!(
    /// What a person under control may do at a checkpoint, by kind of control.
    ControlKind, "control", "管控状态" {
        /// Isolated at home (居家隔离): may not go out.
        HomeIsolation = ("home-isolation", "居家隔离", "home isolation"),
        /// Isolated at a site (集中隔离): should not be at the checkpoint at all.
        Centralized = ("centralized", "集中隔离", "centralized isolation"),
        /// Home health monitoring (居家健康监测): 不聚集、不流动, except allowed purposes.
        HomeMonitoring = ("home-monitoring", "居家健康监测", "home health monitoring"),
        /// An escalation (fever, symptoms, positive test) is open: waiting for the fever clinic
        /// (待转诊), whatever the phase.
        Referral = ("referral", "待转诊", "awaiting referral"),
    }
);

/// The control state of a person on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlState {
    /// The kind of control that decides at the checkpoint.
    pub kind: ControlKind,
    /// The kind of the phase the case is in (for a referral: the phase it was escalated in).
    pub phase: PhaseKind,
    /// 1-based day of the case.
    pub day: u32,
    /// Last day of the current phase (the case's last day once the period is over).
    pub until: NaiveDate,
    /// The period is over but the case is not released yet (期满待解除): still under control.
    pub awaiting_release: bool,
}

impl ControlState {
    /// `居家隔离第3天，至12月18日`; a referral says `待转诊（居家隔离第1天，至12月18日）`.
    pub fn zh(&self) -> String {
        let mut base = format!(
            "{}第{}天，至{}",
            self.phase.zh(),
            self.day,
            zh_date::short(self.until)
        );
        if self.awaiting_release {
            base.push_str("（期满待解除）");
        }
        match self.kind {
            ControlKind::Referral => format!("待转诊（{base}）"),
            _ => base,
        }
    }

    /// `home isolation day 3, until 2026-12-18`.
    pub fn en(&self) -> String {
        let mut base = format!("{} day {}, until {}", self.phase.en(), self.day, self.until);
        if self.awaiting_release {
            base.push_str(" (period over, not released yet)");
        }
        match self.kind {
            ControlKind::Referral => format!("awaiting referral ({base})"),
            _ => base,
        }
    }
}

/// The control state on `on` of a person whose open case follows `policy` from `start`;
/// `escalated` says whether an escalation of the case is open. `None` before the case starts.
///
/// After the last day the case stays under the control of its last phase until it is
/// released (`awaiting_release`): the release, not the calendar, ends the control.
pub fn control_state(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    escalated: bool,
) -> Option<ControlState> {
    if on < start || policy.phases.is_empty() {
        return None;
    }
    let day = u32::try_from(on.signed_duration_since(start).num_days() + 1).ok()?;
    let total = policy.total_days();
    let (phase, until, awaiting_release) = if day > total {
        let last = policy.phases.last()?;
        (last.kind, end_date(policy, start), true)
    } else {
        let mut last_day = 0u32;
        let mut found = None;
        for p in &policy.phases {
            last_day = last_day.saturating_add(p.days);
            if day <= last_day {
                found = Some((p.kind, date_of_day(start, last_day)?));
                break;
            }
        }
        let (kind, until) = found?;
        (kind, until, false)
    };
    let kind = if escalated {
        ControlKind::Referral
    } else {
        match phase {
            PhaseKind::HomeIsolation => ControlKind::HomeIsolation,
            PhaseKind::Centralized => ControlKind::Centralized,
            PhaseKind::HomeMonitoring | PhaseKind::DailyMonitoring => ControlKind::HomeMonitoring,
        }
    };
    Some(ControlState {
        kind,
        phase,
        day,
        until,
        awaiting_release,
    })
}
