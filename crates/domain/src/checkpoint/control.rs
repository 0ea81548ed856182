//! The township's rules for a person under control (an open isolation case) at the
//! checkpoint: isolated going out, awaiting referral, under home health monitoring.

use super::known::Known;
use super::rules::{fold, DecisionRules, Reason};
use super::{Decision, Direction};
use crate::isolation::{ControlKind, ControlState};

/// The reason a control state gives, by the township's rules.
pub(super) fn control_reason(rules: &DecisionRules, entry: &Known, state: &ControlState) -> Reason {
    let (zh, en) = (state.zh(), state.en());
    let out = entry.direction == Some(Direction::Out);
    match state.kind {
        ControlKind::Referral => Reason::new("referral", rules.referral_decision, zh, en),
        ControlKind::HomeIsolation | ControlKind::Centralized if out => {
            Reason::new("isolation", rules.isolation_out_decision, zh, en)
        }
        ControlKind::HomeIsolation | ControlKind::Centralized => Reason::new(
            "isolation-return",
            Decision::Allow,
            format!("{zh}：返回隔离地，告知包保人员"),
            format!("{en}: returning to isolation, tell the follow-up team"),
        ),
        ControlKind::HomeMonitoring if !out => Reason::new("monitoring", Decision::Allow, zh, en),
        ControlKind::HomeMonitoring => {
            let purpose = entry.purpose.as_deref().map(fold).unwrap_or_default();
            let allowed = rules
                .monitoring_allowed_purposes
                .iter()
                .find(|p| !fold(p).is_empty() && purpose.contains(&fold(p)));
            match allowed {
                Some(p) => Reason::new(
                    "monitoring-allowed",
                    Decision::Allow,
                    format!("{zh}：事由含“{}”，允许外出", p.trim()),
                    format!("{en}: purpose mentions '{}', allowed out", p.trim()),
                ),
                None => Reason::new(
                    "monitoring",
                    rules.monitoring_out_decision,
                    format!(
                        "{zh}：不聚集、不流动（允许事由：{}）",
                        rules.monitoring_allowed_purposes.join("、")
                    ),
                    format!(
                        "{en}: no gathering, no travel (allowed purposes: {})",
                        rules.monitoring_allowed_purposes.join(", ")
                    ),
                ),
            }
        }
    }
}
