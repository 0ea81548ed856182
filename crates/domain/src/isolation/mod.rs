//! Isolation follow-ups: policies as data, schedules, escalation and release rules.
//!
//! A [`Policy`] says how a case runs (phases, daily check windows, test days, the fever
//! threshold, what release needs); the township edits and syncs policies, so they are plain
//! serializable data and [`builtin_policies`] only seeds them from the work plans. Everything
//! here is a pure function of a policy, a start date and the local date or time passed in
//! (deployment local time, `NaiveDate`/`NaiveDateTime`): no clock, no I/O.
//!
//! Day numbers are 1-based: day 1 is the start date.

mod builtin;
mod control;
mod policy;
mod release;
mod rules;
mod schedule;

#[cfg(test)]
mod tests;

pub use builtin::{builtin_policies, builtin_policy};
pub use control::{control_state, ControlKind, ControlState};
pub use policy::{
    Phase, PhaseKind, Policy, ReleaseRule, Window, DEFAULT_FEVER_TENTHS, MAX_POLICY_DAYS,
};
pub use release::{
    issue_certificate, issue_reviewed_certificate, missed_days, release_check, release_review,
    Certificate, CheckFact, ReleaseFacts, ReleaseRefusal, TestLine, Unmet,
};
pub use rules::{
    needs_escalation, test_escalation, CaseStatus, CheckMethod, EscalationReason, Symptom, TeamRole,
};
pub use schedule::{
    date_of_day, day_number, day_slots, due_items, end_date, filled_checks, phase_on, slot_status,
    DueSlot, SlotKind, SlotStatus,
};

/// Formats tenths of a degree as `37.3`.
fn tenths_str(tenths: u16) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}
