//! What is due on a day of a case, and whether it is still due, done, late or missed.
//!
//! All times are deployment local time. Windows are half-open, `[start, end)`: at 08:00 a
//! 08:00–10:00 check is due, at 10:00 it is overdue, from midnight on it is missed. A test or
//! visit slot spans the whole day, `[00:00, next 00:00)`, so it is never overdue, only missed.

use crate::model::labelled_enum;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::policy::{PhaseKind, Policy};

labelled_enum!(
    /// What a slot asks for.
    SlotKind, "kind", "任务类型" {
        /// A health check (phone, video or visit), or a follow-up visit on a visit day.
        Check = ("check", "健康随访", "check"),
        /// A nucleic-acid sample.
        Test = ("test", "核酸检测", "test"),
    }
);

labelled_enum!(
    /// Where a slot stands at a given time.
    SlotStatus, "status", "任务状态" {
        /// Not done, and its window has not passed (it may not have opened yet).
        Due = ("due", "待完成", "due"),
        /// A check was recorded in the slot's window.
        Done = ("done", "已完成", "done"),
        /// Window passed, the day is not over: still worth doing, late.
        Overdue = ("overdue", "已超时", "overdue"),
        /// The day is over and nothing was recorded.
        Missed = ("missed", "已漏做", "missed"),
    }
);

/// One thing due on one day of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueSlot {
    /// Check or test.
    pub kind: SlotKind,
    /// 1-based day of the case.
    pub day: u32,
    /// Kind of the phase the day belongs to.
    pub phase: PhaseKind,
    /// First moment of the window (inclusive).
    pub window_start: NaiveDateTime,
    /// End of the window (exclusive).
    pub window_end: NaiveDateTime,
}

/// The 1-based day of `date` in a case that starts on `start`, if the day is within the
/// policy (day 1 is `start`, the last day is [`end_date`]).
pub fn day_number(policy: &Policy, start: NaiveDate, date: NaiveDate) -> Option<u32> {
    let offset = date.signed_duration_since(start).num_days();
    let day = u32::try_from(offset.checked_add(1)?).ok()?;
    (day >= 1 && day <= policy.total_days()).then_some(day)
}

/// The date of a 1-based day of a case that starts on `start` (`None` for day 0).
pub fn date_of_day(start: NaiveDate, day: u32) -> Option<NaiveDate> {
    let offset = day.checked_sub(1)?;
    start.checked_add_days(Days::new(u64::from(offset)))
}

/// The last day of the last phase. A policy of zero days ends the day before it starts.
pub fn end_date(policy: &Policy, start: NaiveDate) -> NaiveDate {
    match date_of_day(start, policy.total_days()) {
        Some(d) => d,
        None if policy.total_days() == 0 => start.pred_opt().unwrap_or(NaiveDate::MIN),
        None => NaiveDate::MAX,
    }
}

/// The kind of phase a case is in on `date`, if the case runs on that date.
pub fn phase_on(policy: &Policy, start: NaiveDate, date: NaiveDate) -> Option<PhaseKind> {
    let day = day_number(policy, start, date)?;
    policy.phase_of_day(day).map(|p| p.kind)
}

/// Everything due on `on` for a case of `policy` that started on `start`, in window order:
/// the checks of the day (or one whole-day visit on a visit day), then the test.
/// Nothing before the start or after the last phase.
pub fn due_items(policy: &Policy, start: NaiveDate, on: NaiveDate) -> Vec<DueSlot> {
    let Some(day) = day_number(policy, start, on) else {
        return Vec::new();
    };
    let Some(phase) = policy.phase_of_day(day) else {
        return Vec::new();
    };
    let day_start = on.and_time(NaiveTime::MIN);
    let day_end = on
        .succ_opt()
        .map_or(NaiveDateTime::MAX, |d| d.and_time(NaiveTime::MIN));
    let slot = |kind, window_start, window_end| DueSlot {
        kind,
        day,
        phase: phase.kind,
        window_start,
        window_end,
    };
    let mut slots = Vec::new();
    if policy.visit_days.contains(&day) {
        // The in-person visit is that day's follow-up; windowed checks on top of it would be
        // two slots of one kind for one event, and nobody could tell which one a record fills.
        slots.push(slot(SlotKind::Check, day_start, day_end));
    } else if phase.checks {
        let mut windows = policy.windows.clone();
        windows.sort_by_key(|w| w.start);
        for w in windows {
            slots.push(slot(
                SlotKind::Check,
                on.and_time(w.start),
                on.and_time(w.end),
            ));
        }
    }
    if policy.test_days.contains(&day) {
        slots.push(slot(SlotKind::Test, day_start, day_end));
    }
    slots
}

/// Which check slots of one day the checks recorded that day (`checks`, in time order) fill.
/// A check inside a window fills that window only (a second worker in the same window does
/// not fill the afternoon); between windows it fills the latest one already started and not
/// yet filled (done late); before the first window, the first. Test slots are never filled
/// here: a sample fills its day's test slot.
pub fn filled_checks(slots: &[DueSlot], checks: &[NaiveDateTime]) -> Vec<bool> {
    let mut done = vec![false; slots.len()];
    let windows: Vec<usize> = (0..slots.len())
        .filter(|&i| slots[i].kind == SlotKind::Check)
        .collect();
    for &at in checks {
        let started = |i: usize| slots[i].window_start <= at;
        let inside = windows
            .iter()
            .copied()
            .find(|&i| started(i) && at < slots[i].window_end);
        let pick = match inside {
            Some(i) => Some(i),
            None if windows.iter().any(|&i| started(i)) => windows
                .iter()
                .copied()
                .rev()
                .find(|&i| started(i) && !done[i]),
            None => windows.first().copied(),
        };
        if let Some(i) = pick {
            done[i] = true;
        }
    }
    done
}

/// The due list of one case on `on`: every slot of the day ([`due_items`]) with its status
/// at `now` ([`slot_status`]), the checks filled by the checks recorded that day
/// ([`filled_checks`]; `checks` in time order), the test by whether a sample of that day
/// was recorded (`tested`).
pub fn day_slots(
    policy: &Policy,
    start: NaiveDate,
    on: NaiveDate,
    checks: &[NaiveDateTime],
    tested: bool,
    now: NaiveDateTime,
) -> Vec<(DueSlot, SlotStatus)> {
    let slots = due_items(policy, start, on);
    let filled = filled_checks(&slots, checks);
    slots
        .into_iter()
        .zip(filled)
        .map(|(slot, checked)| {
            let done = match slot.kind {
                SlotKind::Check => checked,
                SlotKind::Test => tested,
            };
            (slot, slot_status(&slot, done, now))
        })
        .collect()
}

/// Where `slot` stands at `now`: done if recorded; missed once its day is over; overdue from
/// the (exclusive) window end until midnight; due otherwise, including before it opens.
pub fn slot_status(slot: &DueSlot, done: bool, now: NaiveDateTime) -> SlotStatus {
    if done {
        SlotStatus::Done
    } else if now.date() > slot.window_start.date() {
        SlotStatus::Missed
    } else if now >= slot.window_end {
        SlotStatus::Overdue
    } else {
        SlotStatus::Due
    }
}
