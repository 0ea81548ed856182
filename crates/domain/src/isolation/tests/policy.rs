//! Built-in policies as read from the seeds, and validation of edited policies.

use super::builtin;
use crate::isolation::{builtin_policies, Phase, PhaseKind, Policy, Window, DEFAULT_FEVER_TENTHS};

#[test]
fn builtins_are_valid_and_match_the_seeds() {
    let all = builtin_policies();
    for p in &all {
        assert_eq!(p.validate(), Ok(()), "{}", p.id);
        assert_eq!(p.fever_tenths, DEFAULT_FEVER_TENTHS, "{}", p.id);
    }
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "high-risk-arrival",
            "medium-risk-arrival",
            "red-code",
            "yellow-code",
            "home-isolation",
            "returnee-monitoring",
            "post-discharge",
        ]
    );
    let rows: [(&str, &str, &[u32]); 7] = [
        (
            "high-risk-arrival",
            "集中隔离14天+居家隔离7天",
            &[1, 7, 13, 21],
        ),
        (
            "medium-risk-arrival",
            "集中隔离14天+居家健康监测7天",
            &[1, 7, 13],
        ),
        ("red-code", "集中隔离14天+居家隔离7天", &[]),
        ("yellow-code", "居家隔离14天+居家健康监测7天", &[]),
        ("home-isolation", "居家隔离14天", &[]),
        ("returnee-monitoring", "居家健康监测14天", &[7, 14]),
        (
            "post-discharge",
            "集中隔离14天+居家健康监测14天+日常健康监测152天",
            &[14, 28, 90, 180],
        ),
    ];
    for (id, summary, tests) in rows {
        let p = builtin(id);
        assert_eq!(p.summary_zh(), summary, "{id}");
        assert_eq!(p.test_days, tests, "{id}");
    }
    let post = builtin("post-discharge");
    assert_eq!(post.visit_days, [14, 28, 90, 180]);
    assert!(post.phases.iter().all(|ph| !ph.checks));
    assert_eq!(post.total_days(), 180);
    assert_eq!(
        builtin("high-risk-arrival").summary_en(),
        "14 days centralized isolation + 7 days home isolation"
    );
}

fn base() -> Policy {
    builtin("high-risk-arrival")
}

#[test]
fn validation_names_each_problem() {
    type Edit = fn(&mut Policy);
    let rows: Vec<(&str, Edit, &str, &str, &str)> = vec![
        (
            "no id",
            |p| p.id = " ".into(),
            "id",
            "empty",
            "请填写方案编号",
        ),
        (
            "no name",
            |p| p.name.clear(),
            "name",
            "empty",
            "请填写方案名称",
        ),
        (
            "no phases",
            |p| p.phases.clear(),
            "phases",
            "empty",
            "方案至少需要一个阶段",
        ),
        (
            "zero days",
            |p| p.phases[1].days = 0,
            "phases",
            "zero_days",
            "第 2 个阶段（居家隔离）的天数不能为 0",
        ),
        (
            "too long",
            |p| p.phases.push(Phase::new(PhaseKind::DailyMonitoring, 400)),
            "phases",
            "too_long",
            "方案总天数 421 天，不能超过 366 天",
        ),
        (
            "end before start",
            |p| p.windows[0] = Window::hm(10, 0, 8, 0),
            "windows",
            "end_before_start",
            "核查时段 10:00–08:00 的结束时间应晚于开始时间",
        ),
        (
            "empty window",
            |p| p.windows[0] = Window::hm(8, 0, 8, 0),
            "windows",
            "end_before_start",
            "核查时段 08:00–08:00 的结束时间应晚于开始时间",
        ),
        (
            "overlap",
            |p| p.windows.push(Window::hm(9, 30, 11, 0)),
            "windows",
            "overlap",
            "核查时段 08:00–10:00 与 09:30–11:00 重叠",
        ),
        (
            "test day beyond the total",
            |p| p.test_days.push(22),
            "test_days",
            "beyond_end",
            "检测日第 22 天超出方案总天数 21 天",
        ),
        (
            "test day zero",
            |p| p.test_days.push(0),
            "test_days",
            "zero_day",
            "检测日从第 1 天算起，不能为第 0 天",
        ),
        (
            "duplicate test day",
            |p| p.test_days.push(7),
            "test_days",
            "duplicate",
            "检测日第 7 天重复",
        ),
        (
            "visit day beyond the total",
            |p| p.visit_days.push(30),
            "visit_days",
            "beyond_end",
            "随访日第 30 天超出方案总天数 21 天",
        ),
        (
            "threshold too low",
            |p| p.fever_tenths = 359,
            "fever_tenths",
            "range",
            "发热标准35.9℃无效，应在36.0–42.0℃之间",
        ),
        (
            "threshold too high",
            |p| p.fever_tenths = 421,
            "fever_tenths",
            "range",
            "发热标准42.1℃无效，应在36.0–42.0℃之间",
        ),
    ];
    for (what, edit, field, reason, zh) in rows {
        let mut p = base();
        edit(&mut p);
        let err = p.validate().expect_err(what);
        assert_eq!((err.field, err.reason), (field, reason), "{what}");
        assert_eq!(err.zh, zh, "{what}");
        assert!(!err.en.is_empty(), "{what}");
    }
}

#[test]
fn validation_accepts_edge_values() {
    type Edit = fn(&mut Policy);
    let rows: Vec<(&str, Edit)> = vec![
        ("touching windows", |p| {
            p.windows = vec![Window::hm(8, 0, 10, 0), Window::hm(10, 0, 12, 0)]
        }),
        ("windows out of order", |p| p.windows.reverse()),
        ("no windows", |p| p.windows.clear()),
        ("test on the last day", |p| p.test_days = vec![21]),
        ("threshold 36.0", |p| p.fever_tenths = 360),
        ("threshold 42.0", |p| p.fever_tenths = 420),
        ("366 days", |p| {
            p.phases = vec![Phase::new(PhaseKind::HomeMonitoring, 366)]
        }),
    ];
    for (what, edit) in rows {
        let mut p = base();
        edit(&mut p);
        assert_eq!(p.validate(), Ok(()), "{what}");
    }
}
