//! Schedules of every built-in policy across phase boundaries and month ends, and slot
//! statuses at the exact window boundaries.

use chrono::{NaiveDate, NaiveTime};

use super::{at, builtin, d};
use crate::isolation::{
    builtin_policies, date_of_day, day_number, day_slots, due_items, end_date, filled_checks,
    phase_on, slot_status, DueSlot, PhaseKind, SlotKind, SlotStatus,
};

fn p(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
}

/// `d14 centralized: check 08:00-10:00, check 16:00-18:00, test all-day`, or `none` outside
/// the case; also checks that every slot agrees with `day_number` and `phase_on`.
fn describe(id: &str, start: &str, on: &str) -> String {
    let policy = builtin(id);
    let (start, on) = (p(start), p(on));
    let slots = due_items(&policy, start, on);
    let (Some(day), Some(phase)) = (day_number(&policy, start, on), phase_on(&policy, start, on))
    else {
        assert!(slots.is_empty(), "{id} {on}: slots outside the case");
        return "none".to_owned();
    };
    let mut out = format!("d{day} {}", phase.code());
    let parts: Vec<String> = slots
        .iter()
        .map(|s| {
            assert_eq!((s.day, s.phase), (day, phase), "{id} {on}");
            assert_eq!(s.window_start.date(), on, "{id} {on}");
            let all_day = s.window_start.time() == NaiveTime::MIN
                && s.window_end == on.succ_opt().expect("date").and_time(NaiveTime::MIN);
            let window = if all_day {
                "all-day".to_owned()
            } else {
                assert_eq!(s.window_end.date(), on);
                format!(
                    "{}-{}",
                    s.window_start.format("%H:%M"),
                    s.window_end.format("%H:%M")
                )
            };
            format!("{} {window}", s.kind.code())
        })
        .collect();
    if !parts.is_empty() {
        out.push_str(": ");
        out.push_str(&parts.join(", "));
    }
    out
}

const TWO: &str = "check 08:00-10:00, check 16:00-18:00";

#[test]
fn schedules_of_every_builtin_across_phases_and_month_ends() {
    let two_test = format!("{TWO}, test all-day");
    #[rustfmt::skip]
    let rows: Vec<(&str, &str, &str, String)> = vec![
        // High risk, start in January: phase boundary falls in February.
        ("high-risk-arrival", "2022-01-25", "2022-01-24", "none".into()),
        ("high-risk-arrival", "2022-01-25", "2022-01-25", format!("d1 centralized: {two_test}")),
        ("high-risk-arrival", "2022-01-25", "2022-01-31", format!("d7 centralized: {two_test}")),
        ("high-risk-arrival", "2022-01-25", "2022-02-01", format!("d8 centralized: {TWO}")),
        ("high-risk-arrival", "2022-01-25", "2022-02-07", format!("d14 centralized: {TWO}")),
        ("high-risk-arrival", "2022-01-25", "2022-02-08", format!("d15 home-isolation: {TWO}")),
        ("high-risk-arrival", "2022-01-25", "2022-02-14", format!("d21 home-isolation: {two_test}")),
        ("high-risk-arrival", "2022-01-25", "2022-02-15", "none".into()),
        // Non-leap February: day 9 is Feb 28, day 10 is Mar 1.
        ("high-risk-arrival", "2022-02-20", "2022-02-28", format!("d9 centralized: {TWO}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-01", format!("d10 centralized: {TWO}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-04", format!("d13 centralized: {two_test}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-05", format!("d14 centralized: {TWO}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-06", format!("d15 home-isolation: {TWO}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-12", format!("d21 home-isolation: {two_test}")),
        ("high-risk-arrival", "2022-02-20", "2022-03-13", "none".into()),
        // Leap February: Feb 29 is day 10.
        ("high-risk-arrival", "2024-02-20", "2024-02-29", format!("d10 centralized: {TWO}")),
        ("high-risk-arrival", "2024-02-20", "2024-03-01", format!("d11 centralized: {TWO}")),
        ("high-risk-arrival", "2024-02-20", "2024-03-04", format!("d14 centralized: {TWO}")),
        ("high-risk-arrival", "2024-02-20", "2024-03-05", format!("d15 home-isolation: {TWO}")),
        ("high-risk-arrival", "2024-02-20", "2024-03-11", format!("d21 home-isolation: {two_test}")),
        ("high-risk-arrival", "2024-02-20", "2024-03-12", "none".into()),
        // Medium risk: three tests, all in centralized isolation.
        ("medium-risk-arrival", "2022-02-20", "2022-02-20", format!("d1 centralized: {two_test}")),
        ("medium-risk-arrival", "2022-02-20", "2022-03-04", format!("d13 centralized: {two_test}")),
        ("medium-risk-arrival", "2022-02-20", "2022-03-05", format!("d14 centralized: {TWO}")),
        ("medium-risk-arrival", "2022-02-20", "2022-03-06", format!("d15 home-monitoring: {TWO}")),
        ("medium-risk-arrival", "2024-02-20", "2024-03-11", format!("d21 home-monitoring: {TWO}")),
        ("medium-risk-arrival", "2024-02-20", "2024-03-12", "none".into()),
        // Red code: 14 centralized + 7 home isolation, no tests.
        ("red-code", "2022-01-25", "2022-02-07", format!("d14 centralized: {TWO}")),
        ("red-code", "2022-01-25", "2022-02-08", format!("d15 home-isolation: {TWO}")),
        ("red-code", "2024-02-20", "2024-02-29", format!("d10 centralized: {TWO}")),
        ("red-code", "2024-02-20", "2024-03-11", format!("d21 home-isolation: {TWO}")),
        ("red-code", "2024-02-20", "2024-03-12", "none".into()),
        // Yellow code: 14 home isolation + 7 home monitoring.
        ("yellow-code", "2022-02-20", "2022-03-05", format!("d14 home-isolation: {TWO}")),
        ("yellow-code", "2022-02-20", "2022-03-06", format!("d15 home-monitoring: {TWO}")),
        ("yellow-code", "2022-01-25", "2022-02-14", format!("d21 home-monitoring: {TWO}")),
        ("yellow-code", "2022-01-25", "2022-02-15", "none".into()),
        // Home isolation: one phase of 14 days.
        ("home-isolation", "2022-02-20", "2022-02-19", "none".into()),
        ("home-isolation", "2022-02-20", "2022-03-01", format!("d10 home-isolation: {TWO}")),
        ("home-isolation", "2024-02-20", "2024-03-04", format!("d14 home-isolation: {TWO}")),
        ("home-isolation", "2024-02-20", "2024-03-05", "none".into()),
        // Returnees: one check a day, a test every 7 days.
        ("returnee-monitoring", "2022-01-25", "2022-01-31", "d7 home-monitoring: check 08:00-10:00, test all-day".into()),
        ("returnee-monitoring", "2022-01-25", "2022-02-01", "d8 home-monitoring: check 08:00-10:00".into()),
        ("returnee-monitoring", "2022-02-20", "2022-03-05", "d14 home-monitoring: check 08:00-10:00, test all-day".into()),
        ("returnee-monitoring", "2022-02-20", "2022-03-06", "none".into()),
        // Post-discharge: no daily checks, a whole-day visit and a test on visit days.
        ("post-discharge", "2022-01-25", "2022-01-25", "d1 centralized".into()),
        ("post-discharge", "2022-01-25", "2022-02-07", "d14 centralized: check all-day, test all-day".into()),
        ("post-discharge", "2022-01-25", "2022-02-08", "d15 home-monitoring".into()),
        ("post-discharge", "2022-02-20", "2022-03-19", "d28 home-monitoring: check all-day, test all-day".into()),
        ("post-discharge", "2022-02-20", "2022-03-20", "d29 daily-monitoring".into()),
        ("post-discharge", "2022-02-20", "2022-05-20", "d90 daily-monitoring: check all-day, test all-day".into()),
        ("post-discharge", "2024-02-20", "2024-08-17", "d180 daily-monitoring: check all-day, test all-day".into()),
        ("post-discharge", "2024-02-20", "2024-08-18", "none".into()),
    ];
    for (id, start, on, want) in rows {
        assert_eq!(describe(id, start, on), want, "{id} from {start} on {on}");
    }
}

/// Structural check of every built-in from every start: day numbers run 1..=total, phases
/// change exactly at their boundaries, and nothing is scheduled outside the case.
#[test]
fn every_builtin_phases_change_exactly_at_boundaries() {
    for policy in builtin_policies() {
        for start in [d(2022, 1, 25), d(2022, 2, 20), d(2024, 2, 20)] {
            let total = policy.total_days();
            let end = end_date(&policy, start);
            assert_eq!(date_of_day(start, total), Some(end), "{}", policy.id);
            assert_eq!(
                phase_on(&policy, start, start.pred_opt().expect("date")),
                None
            );
            assert_eq!(
                phase_on(&policy, start, end.succ_opt().expect("date")),
                None
            );
            assert!(due_items(&policy, start, end.succ_opt().expect("date")).is_empty());
            let mut first = 1;
            for phase in &policy.phases {
                let last = first + phase.days - 1;
                for day in [first, last] {
                    let date = date_of_day(start, day).expect("date");
                    assert_eq!(day_number(&policy, start, date), Some(day), "{}", policy.id);
                    assert_eq!(
                        phase_on(&policy, start, date),
                        Some(phase.kind),
                        "{}",
                        policy.id
                    );
                }
                first = last + 1;
            }
            let on_last_day = due_items(&policy, start, end);
            assert!(
                !on_last_day.is_empty(),
                "{}: nothing due on the last day",
                policy.id
            );
        }
    }
}

#[test]
fn end_dates_cross_month_ends() {
    let rows = [
        ("high-risk-arrival", "2022-01-25", "2022-02-14"),
        ("high-risk-arrival", "2022-02-20", "2022-03-12"),
        ("high-risk-arrival", "2024-02-20", "2024-03-11"),
        ("home-isolation", "2022-01-25", "2022-02-07"),
        ("home-isolation", "2022-02-20", "2022-03-05"),
        ("home-isolation", "2024-02-20", "2024-03-04"),
        ("post-discharge", "2022-01-25", "2022-07-23"),
        ("post-discharge", "2024-02-20", "2024-08-17"),
    ];
    for (id, start, end) in rows {
        assert_eq!(
            end_date(&builtin(id), p(start)),
            p(end),
            "{id} from {start}"
        );
    }
}

#[test]
fn day_zero_and_empty_policies_schedule_nothing() {
    let start = d(2022, 3, 1);
    assert_eq!(date_of_day(start, 0), None);
    assert_eq!(date_of_day(start, 1), Some(start));
    let mut empty = builtin("home-isolation");
    empty.phases.clear();
    assert_eq!(end_date(&empty, start), d(2022, 2, 28));
    assert!(due_items(&empty, start, start).is_empty());
    assert_eq!(day_number(&empty, start, start), None);
}

#[test]
fn a_visit_day_replaces_the_windowed_checks() {
    let mut policy = builtin("post-discharge");
    policy.phases[1].checks = true;
    policy.windows = builtin("home-isolation").windows;
    let start = d(2022, 2, 20);
    let day27 = due_items(&policy, start, d(2022, 3, 18));
    assert_eq!(day27.len(), 2, "windowed checks in the checked phase");
    let day28 = due_items(&policy, start, d(2022, 3, 19));
    let kinds: Vec<SlotKind> = day28.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SlotKind::Check, SlotKind::Test]);
    assert_eq!(day28[0].window_start, at(d(2022, 3, 19), 0, 0, 0));
}

#[test]
fn windows_are_listed_in_time_order_whatever_the_policy_order() {
    let mut policy = builtin("home-isolation");
    policy.windows.reverse();
    let slots = due_items(&policy, d(2022, 2, 20), d(2022, 2, 21));
    assert_eq!(slots[0].window_start, at(d(2022, 2, 21), 8, 0, 0));
    assert_eq!(slots[1].window_start, at(d(2022, 2, 21), 16, 0, 0));
}

fn check_slot(on: NaiveDate) -> DueSlot {
    DueSlot {
        kind: SlotKind::Check,
        day: 10,
        phase: PhaseKind::Centralized,
        window_start: at(on, 8, 0, 0),
        window_end: at(on, 10, 0, 0),
    }
}

/// The window is `[08:00, 10:00)`: due from before it opens until 09:59:59, overdue from
/// 10:00 to the end of the day, missed from midnight.
#[test]
fn check_status_at_window_boundaries() {
    let on = d(2022, 2, 28);
    let next = d(2022, 3, 1);
    let slot = check_slot(on);
    let rows = [
        (at(d(2022, 2, 27), 12, 0, 0), SlotStatus::Due),
        (at(on, 0, 0, 0), SlotStatus::Due),
        (at(on, 7, 59, 59), SlotStatus::Due),
        (at(on, 8, 0, 0), SlotStatus::Due),
        (at(on, 9, 59, 59), SlotStatus::Due),
        (at(on, 10, 0, 0), SlotStatus::Overdue),
        (at(on, 23, 59, 59), SlotStatus::Overdue),
        (at(next, 0, 0, 0), SlotStatus::Missed),
        (at(d(2022, 3, 5), 9, 0, 0), SlotStatus::Missed),
    ];
    for (now, want) in rows {
        assert_eq!(slot_status(&slot, false, now), want, "at {now}");
        assert_eq!(
            slot_status(&slot, true, now),
            SlotStatus::Done,
            "done at {now}"
        );
    }
}

#[test]
fn test_slot_is_due_all_day_then_missed_never_overdue() {
    let policy = builtin("high-risk-arrival");
    let start = d(2024, 2, 20);
    let leap_day = d(2024, 2, 29);
    // Day 10 has no test; put one there to see the leap-day boundary.
    let mut with_test = policy.clone();
    with_test.test_days.push(10);
    let slots = due_items(&with_test, start, leap_day);
    let test = slots
        .iter()
        .find(|s| s.kind == SlotKind::Test)
        .expect("test slot");
    assert_eq!(test.window_start, at(leap_day, 0, 0, 0));
    assert_eq!(test.window_end, at(d(2024, 3, 1), 0, 0, 0));
    for (now, want) in [
        (at(leap_day, 0, 0, 0), SlotStatus::Due),
        (at(leap_day, 23, 59, 59), SlotStatus::Due),
        (at(d(2024, 3, 1), 0, 0, 0), SlotStatus::Missed),
    ] {
        assert_eq!(slot_status(test, false, now), want, "at {now}");
    }
    assert!(due_items(&policy, start, leap_day)
        .iter()
        .all(|s| s.kind == SlotKind::Check));
}

#[test]
fn labels_parse_back() {
    for s in SlotStatus::ALL {
        assert_eq!(SlotStatus::parse(s.code()), Ok(*s));
        assert_eq!(SlotStatus::parse(s.zh()), Ok(*s));
    }
    assert_eq!(SlotKind::parse("核酸检测"), Ok(SlotKind::Test));
    assert_eq!(
        PhaseKind::parse("居家健康监测"),
        Ok(PhaseKind::HomeMonitoring)
    );
    assert_eq!(
        PhaseKind::parse("quarantine").map_err(|e| e.reason),
        Err("unknown_value")
    );
}

fn window(h1: u32, h2: u32) -> DueSlot {
    let day = d(2026, 3, 1);
    DueSlot {
        kind: SlotKind::Check,
        day: 1,
        phase: PhaseKind::HomeIsolation,
        window_start: at(day, h1, 0, 0),
        window_end: at(day, h2, 0, 0),
    }
}

#[test]
fn checks_fill_their_window_or_the_late_one() {
    let slots = [window(8, 10), window(16, 18)];
    let day = d(2026, 3, 1);
    let t = |hm: &[(u32, u32)]| {
        hm.iter()
            .map(|&(h, m)| at(day, h, m, 0))
            .collect::<Vec<_>>()
    };
    assert_eq!(filled_checks(&slots, &t(&[(9, 0)])), [true, false]);
    assert_eq!(filled_checks(&slots, &t(&[(17, 0)])), [false, true]);
    assert_eq!(filled_checks(&slots, &t(&[(7, 30)])), [true, false]);
    // Late for the morning: done late; the afternoon is still open.
    assert_eq!(filled_checks(&slots, &t(&[(11, 0)])), [true, false]);
    // Two workers in one window: one slot filled, not the afternoon's.
    assert_eq!(
        filled_checks(&slots, &t(&[(8, 30), (8, 40)])),
        [true, false]
    );
    assert_eq!(filled_checks(&slots, &t(&[(9, 0), (11, 0)])), [true, false]);
    // The end is exclusive: a check at 10:00 is the late morning one, at 18:00 the late
    // afternoon one once the morning is done.
    assert_eq!(filled_checks(&slots, &t(&[(10, 0)])), [true, false]);
    assert_eq!(filled_checks(&slots, &t(&[(9, 0), (18, 0)])), [true, true]);
}

#[test]
fn a_day_of_a_case_with_statuses_at_now() {
    let policy = builtin("high-risk-arrival");
    let start = d(2026, 3, 1);
    let noon = at(start, 12, 0, 0);
    let morning = [at(start, 8, 15, 0)];
    let codes = |v: Vec<(DueSlot, SlotStatus)>| {
        v.iter()
            .map(|(s, st)| format!("{}:{}", s.kind.code(), st.code()))
            .collect::<Vec<_>>()
    };
    // Day 1 of centralized isolation: two windows and a test.
    assert_eq!(
        codes(day_slots(&policy, start, start, &morning, false, noon)),
        ["check:done", "check:due", "test:due"]
    );
    assert_eq!(
        codes(day_slots(
            &policy,
            start,
            start,
            &[],
            true,
            at(start, 10, 0, 0)
        )),
        ["check:overdue", "check:due", "test:done"]
    );
    let next_day = at(d(2026, 3, 2), 0, 0, 0);
    assert_eq!(
        codes(day_slots(&policy, start, start, &morning, false, next_day)),
        ["check:done", "check:missed", "test:missed"]
    );
    assert!(day_slots(&policy, start, d(2026, 2, 28), &[], false, noon).is_empty());
}
