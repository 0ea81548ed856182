//! The control state of every phase kind, the referral, the day and until-when, and the
//! final-check and missed-day conditions of release.

use super::{builtin, d};
use crate::isolation::{
    control_state, issue_reviewed_certificate, missed_days, release_review, CheckFact, ControlKind,
    PhaseKind, ReleaseFacts, Unmet,
};

#[test]
fn home_isolation_day_and_until() {
    // 14 days from 12-05: day 3 is 12-07, the last day 12-18.
    let p = builtin("home-isolation");
    let s = control_state(&p, d(2026, 12, 5), d(2026, 12, 7), false).expect("under control");
    assert_eq!(
        (s.kind, s.day, s.until),
        (ControlKind::HomeIsolation, 3, d(2026, 12, 18))
    );
    assert_eq!(s.zh(), "居家隔离第3天，至12月18日");
    assert!(!s.awaiting_release);
}

#[test]
fn each_phase_kind_gives_its_state_until_the_end_of_the_phase() {
    // 集中隔离14天 + 居家隔离7天 from 05-01: centralized to 05-14, home to 05-21.
    let p = builtin("high-risk-arrival");
    let start = d(2022, 5, 1);
    let s = control_state(&p, start, d(2022, 5, 2), false).expect("day 2");
    assert_eq!(
        (s.kind, s.until),
        (ControlKind::Centralized, d(2022, 5, 14))
    );
    assert_eq!(s.zh(), "集中隔离第2天，至5月14日");
    let s = control_state(&p, start, d(2022, 5, 15), false).expect("day 15");
    assert_eq!(
        (s.kind, s.day, s.until),
        (ControlKind::HomeIsolation, 15, d(2022, 5, 21))
    );
    // 返乡人员居家健康监测 14 days.
    let m = builtin("returnee-monitoring");
    let s = control_state(&m, start, d(2022, 5, 4), false).expect("monitoring");
    assert_eq!(
        (s.kind, s.phase),
        (ControlKind::HomeMonitoring, PhaseKind::HomeMonitoring)
    );
    assert_eq!(s.zh(), "居家健康监测第4天，至5月14日");
}

#[test]
fn an_open_escalation_is_a_referral_whatever_the_phase() {
    let p = builtin("home-isolation");
    let s = control_state(&p, d(2026, 12, 5), d(2026, 12, 5), true).expect("referral");
    assert_eq!(
        (s.kind, s.phase),
        (ControlKind::Referral, PhaseKind::HomeIsolation)
    );
    assert_eq!(s.zh(), "待转诊（居家隔离第1天，至12月18日）");
}

#[test]
fn before_the_start_nothing_after_the_end_awaiting_release() {
    let p = builtin("home-isolation");
    let start = d(2026, 12, 5);
    assert_eq!(control_state(&p, start, d(2026, 12, 4), false), None);
    let s = control_state(&p, start, d(2026, 12, 20), false).expect("not released");
    assert!(s.awaiting_release);
    assert_eq!((s.kind, s.day), (ControlKind::HomeIsolation, 16));
    assert_eq!(s.zh(), "居家隔离第16天，至12月18日（期满待解除）");
}

fn facts<'a>(checks: &'a [CheckFact], reason: Option<&'a str>) -> ReleaseFacts<'a> {
    ReleaseFacts {
        tests: &[],
        checks,
        open_escalation: false,
        reason,
    }
}

/// One normal check on each of `days` of a case starting 2026-12-05.
fn checks(days: impl IntoIterator<Item = u32>) -> Vec<CheckFact> {
    days.into_iter()
        .map(|n| CheckFact {
            date: d(2026, 12, 4) + chrono::Days::new(u64::from(n)),
            normal: true,
        })
        .collect()
}

#[test]
fn missed_days_need_a_reason_and_the_final_check_is_required() {
    let p = builtin("home-isolation");
    let start = d(2026, 12, 5);
    let on = d(2026, 12, 19);
    // Every day checked, day 14 (the last day, 12-18) included: releasable.
    let all = checks(1..=14);

    assert_eq!(release_review(&p, start, on, &facts(&all, None)), Ok(()));
    // Days 3 and 4 missed: refused without a reason, named; allowed with one.
    let gaps = checks((1..=14).filter(|n| ![3, 4].contains(n)));
    assert_eq!(missed_days(&p, start, on, &gaps), vec![3, 4]);
    let err = release_review(&p, start, on, &facts(&gaps, None)).expect_err("missed");
    assert_eq!(err.unmet, vec![Unmet::MissedDays { days: vec![3, 4] }]);
    assert!(err.zh().contains("第 3、4 天未随访"), "{}", err.zh());
    let cert = issue_reviewed_certificate(
        &p,
        start,
        on,
        &facts(&gaps, Some(" 村医住院，电话随访记录遗失 ")),
        "张三",
        "11010519491231002X",
    )
    .expect("released with a reason");
    assert_eq!(cert.missed_days, vec![3, 4]);
    assert_eq!(cert.reason.as_deref(), Some("村医住院，电话随访记录遗失"));
    // No check on or after the last day: the final check is missing, reason or not.
    let no_final = checks(1..=13);
    let err = release_review(&p, start, on, &facts(&no_final, Some("漏查"))).expect_err("final");
    assert_eq!(
        err.unmet,
        vec![Unmet::FinalCheckMissing {
            from: d(2026, 12, 18)
        }]
    );
    assert_eq!(err.zh(), "缺少期满体检：12月18日起须有一次测温无异常的随访");
    // A final check with a fever does not count.
    let mut feverish = checks(1..=14);
    if let Some(last) = feverish.last_mut() {
        last.normal = false;
    }
    let err = release_review(&p, start, on, &facts(&feverish, None)).expect_err("abnormal");
    assert_eq!(
        err.unmet,
        vec![Unmet::FinalCheckMissing {
            from: d(2026, 12, 18)
        }]
    );
}

#[test]
fn the_final_check_follows_the_policy_field_and_old_records_default_by_phase() {
    // Built-in: on for home isolation, off for monitoring only.
    assert!(builtin("home-isolation").requires_final_check());
    assert!(builtin("yellow-code").requires_final_check());
    assert!(!builtin("returnee-monitoring").requires_final_check());
    assert!(!builtin("medium-risk-arrival").requires_final_check());
    // A record written before the field: absent means "on when there is home isolation".
    let mut v = serde_json::to_value(builtin("home-isolation")).expect("json");
    v["release"]
        .as_object_mut()
        .expect("release object")
        .remove("final_check");
    let old: crate::isolation::Policy = serde_json::from_value(v).expect("old record reads");
    assert_eq!(old.release.final_check, None);
    assert!(old.requires_final_check());
    // Switched off by the township: no final check asked.
    let mut off = builtin("home-isolation");
    off.release.final_check = Some(false);
    let none: [CheckFact; 0] = [];
    let err = release_review(
        &off,
        d(2026, 12, 5),
        d(2026, 12, 19),
        &ReleaseFacts {
            tests: &[],
            checks: &none,
            open_escalation: false,
            reason: Some("记录遗失"),
        },
    );
    assert_eq!(err, Ok(()));
}
