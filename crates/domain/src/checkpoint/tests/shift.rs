use chrono::NaiveTime;

use super::{at, day};
use crate::checkpoint::{handover, shift_at, sign_in, Shift, ShiftPlan};

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn plan(bounds: &[(u32, u32)]) -> ShiftPlan {
    ShiftPlan {
        shifts: bounds
            .iter()
            .map(|&(s, e)| Shift {
                start: t(s, 0),
                end: t(e, 0),
            })
            .collect(),
        staff_per_shift: 2,
    }
}

#[test]
fn default_plan_is_three_shifts_of_two() {
    let p = ShiftPlan::default();
    assert_eq!(p.validate(), Ok(()));
    assert_eq!((p.shifts.len(), p.staff_per_shift), (3, 2));
    let cases = [
        (at(20, 0, 0), (20, 0)),
        (at(20, 7, 59), (20, 0)),
        (at(20, 8, 0), (20, 1)),
        (at(20, 15, 59), (20, 1)),
        (at(20, 16, 0), (20, 2)),
        (at(20, 23, 59), (20, 2)),
    ];
    for (now, (d, i)) in cases {
        assert_eq!(shift_at(&p, now), Some((day(2022, 11, d), i)), "{now}");
    }
}

#[test]
fn a_night_shift_belongs_to_the_day_it_started() {
    let p = plan(&[(6, 14), (14, 22), (22, 6)]);
    assert_eq!(p.validate(), Ok(()));
    let cases = [
        (at(20, 5, 59), (19, 2)),
        (at(20, 6, 0), (20, 0)),
        (at(20, 21, 59), (20, 1)),
        (at(20, 22, 0), (20, 2)),
        (at(21, 0, 0), (20, 2)),
        (at(21, 3, 0), (20, 2)),
    ];
    for (now, (d, i)) in cases {
        assert_eq!(shift_at(&p, now), Some((day(2022, 11, d), i)), "{now}");
    }
}

#[test]
fn custom_plans_of_four_or_one_shift() {
    let four = plan(&[(0, 6), (6, 12), (12, 18), (18, 0)]);
    assert_eq!(four.validate(), Ok(()));
    assert_eq!(
        shift_at(&four, at(20, 17, 59)),
        Some((day(2022, 11, 20), 2))
    );
    let one = plan(&[(8, 8)]);
    assert_eq!(one.validate(), Ok(()));
    assert_eq!(shift_at(&one, at(20, 7, 0)), Some((day(2022, 11, 19), 0)));
}

#[test]
fn gaps_overlaps_and_staffing_are_refused() {
    let reasons = |p: ShiftPlan| -> Vec<(&'static str, &'static str)> {
        p.validate()
            .expect_err("invalid")
            .iter()
            .map(|e| (e.field, e.reason))
            .collect()
    };
    let gap = plan(&[(0, 8), (9, 16), (16, 0)]);
    assert_eq!(shift_at(&gap, at(20, 8, 30)), None);
    assert_eq!(reasons(gap), [("shifts", "not_contiguous")]);
    let overlap = plan(&[(0, 9), (8, 16), (16, 0)]);
    assert_eq!(reasons(overlap), [("shifts", "not_contiguous")]);
    let twice_round = plan(&[(0, 0), (0, 0)]);
    assert_eq!(reasons(twice_round), [("shifts", "not_24h")]);
    assert_eq!(reasons(plan(&[])), [("shifts", "empty")]);
    let nobody = ShiftPlan {
        staff_per_shift: 0,
        ..ShiftPlan::default()
    };
    assert_eq!(reasons(nobody), [("staff_per_shift", "range")]);
}

#[test]
fn sign_in_records_the_shift_and_flags_short_staffing() {
    let p = ShiftPlan::default();
    let s = sign_in(&p, at(20, 8, 3), &["李四", " 王五 "]).expect("two staff");
    assert_eq!((s.date, s.shift), (day(2022, 11, 20), 1));
    assert_eq!(s.staff, ["李四", "王五"]);
    assert!(!s.short_staffed(&p));
    assert!(sign_in(&p, at(20, 8, 3), &["李四"])
        .expect("one")
        .short_staffed(&p));
    let reason = |staff: &[&str]| sign_in(&p, at(20, 8, 3), staff).map_err(|e| e.reason);
    assert_eq!(reason(&[]), Err("empty"));
    assert_eq!(reason(&["李四", "李四"]), Err("duplicate"));
}

#[test]
fn a_handover_belongs_to_the_outgoing_shift() {
    let p = ShiftPlan::default();
    let h = handover(&p, at(20, 7, 55), "无异常").expect("note");
    assert_eq!((h.date, h.shift), (day(2022, 11, 20), 0));
    let h = handover(&p, at(20, 8, 20), "劝返2人，1人转运发热门诊").expect("note");
    assert_eq!(
        (h.date, h.shift),
        (day(2022, 11, 20), 0),
        "written while leaving"
    );
    let h = handover(&p, at(21, 0, 10), "无异常").expect("note");
    assert_eq!((h.date, h.shift), (day(2022, 11, 20), 2), "across midnight");
    let e = handover(&p, at(20, 7, 55), "  ").expect_err("empty");
    assert_eq!((e.field, e.reason), ("note", "empty"));
}

#[test]
fn a_plan_reads_from_typed_times() {
    let four = ShiftPlan::parse_list("06:00-12:00, 12:00-18:00，18:00-24:00,00:00-06:00", 3)
        .expect("four 6-hour shifts");
    assert_eq!(four.shifts.len(), 4);
    assert_eq!(four.staff_per_shift, 3);
    assert_eq!(
        four.shifts[2],
        Shift {
            start: t(18, 0),
            end: t(0, 0)
        }
    );
    assert_eq!(shift_at(&four, at(20, 5, 0)), Some((day(2022, 11, 20), 3)));
    assert_eq!(shift_at(&four, at(20, 23, 0)), Some((day(2022, 11, 20), 2)));
    assert_eq!(shift_at(&four, at(20, 6, 0)), Some((day(2022, 11, 20), 0)));
    // Full-width colons, as a Chinese keyboard types them.
    let typed = ShiftPlan::from_times(&[("8：00", "20：00"), ("20:00", "08:00")], 2);
    assert_eq!(typed.map(|p| p.shifts[0].start), Ok(t(8, 0)));

    let reasons = |r: Result<ShiftPlan, Vec<crate::FieldError>>| -> Vec<(&str, &str)> {
        r.expect_err("refused")
            .iter()
            .map(|e| (e.field, e.reason))
            .collect()
    };
    assert_eq!(
        reasons(ShiftPlan::parse_list("08:00-16:00,16:00-25:00", 2)),
        [("shifts", "format")]
    );
    assert_eq!(
        reasons(ShiftPlan::parse_list("08:00-16:00,17:00-08:00", 2)),
        [("shifts", "not_contiguous")]
    );
    assert_eq!(reasons(ShiftPlan::parse_list("", 2)), [("shifts", "empty")]);
    assert_eq!(
        reasons(ShiftPlan::parse_list("00:00-12:00,12:00-00:00", 0)),
        [("staff_per_shift", "range")]
    );
    assert_eq!(
        reasons(ShiftPlan::parse_list("00:00-12:00,12:00-00:00", 300)),
        [("staff_per_shift", "range")]
    );
}

#[test]
fn a_plan_is_stored_as_hh_mm() {
    let json = serde_json::to_string(&ShiftPlan::default()).expect("json");
    assert_eq!(
        json,
        r#"{"shifts":[{"start":"00:00","end":"08:00"},{"start":"08:00","end":"16:00"},{"start":"16:00","end":"00:00"}],"staff_per_shift":2}"#
    );
    let back: ShiftPlan = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, ShiftPlan::default());
    let seconds: ShiftPlan = serde_json::from_str(
        r#"{"shifts":[{"start":"00:00:00","end":"00:00:00"}],"staff_per_shift":1}"#,
    )
    .expect("HH:MM:SS read too");
    assert_eq!(seconds.validate(), Ok(()));
    assert!(serde_json::from_str::<ShiftPlan>(
        r#"{"shifts":[{"start":"8","end":"9"}],"staff_per_shift":1}"#
    )
    .is_err());
}
