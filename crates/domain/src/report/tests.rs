use chrono::{NaiveDate, NaiveDateTime};

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

#[test]
fn report_ids_are_one_per_unit_and_day() {
    let a = report_id("g1", day("2026-12-04"));
    assert_eq!(
        a,
        report_id("g1", day("2026-12-04")),
        "the same on every device"
    );
    assert_ne!(a, report_id("g1", day("2026-12-05")));
    assert_ne!(a, report_id("g2", day("2026-12-04")));
    assert_eq!(month_of(day("2026-12-04")), "2026-12");
}

#[test]
fn lateness_is_after_the_deadline_of_the_reports_own_day() {
    let d = Deadlines::default();
    let date = day("2026-12-04");
    assert!(!d.is_late(Level::Group, date, at("2026-12-04T16:59")));
    assert!(!d.is_late(Level::Group, date, at("2026-12-04T17:00")));
    assert!(d.is_late(Level::Group, date, at("2026-12-04T17:01")));
    assert!(!d.is_late(Level::Village, date, at("2026-12-04T17:30")));
    assert!(d.is_late(Level::Village, date, at("2026-12-04T18:01")));
    // A report for yesterday made this morning is late; one made ahead of its day is not.
    assert!(d.is_late(Level::Group, date, at("2026-12-05T08:00")));
    assert!(!d.is_late(Level::Group, date, at("2026-12-03T20:00")));
    let moved = Deadlines {
        group: parse_hhmm("group", "16:00").unwrap(),
        ..d
    };
    assert!(moved.is_late(Level::Group, date, at("2026-12-04T16:30")));
    assert_eq!(
        serde_json::to_value(moved).unwrap(),
        serde_json::json!({"group": "16:00", "village": "18:00"})
    );
    for bad in ["25:00", "1700", "", "17:00:00x"] {
        assert!(parse_hhmm("group", bad).is_err(), "{bad}");
    }
}

#[test]
fn figures_round_trip_through_fields_and_sum() {
    let mut a = Figures {
        registered_risk: 2,
        checks_due: 6,
        checks_done: 5,
        checkpoint_in: 38,
        ..Figures::default()
    };
    a.registered_by_tag.insert("medium-risk".into(), 1);
    a.isolation.insert("home-isolation".into(), 3);
    let fields = a.fields();
    let back = Figures::from_fields(fields.iter().map(|(k, v)| (k.as_str(), *v)));
    assert_eq!(back, a);
    let b = Figures {
        registered_risk: 1,
        households_verified: 4,
        ..Figures::default()
    };
    let s = Figures::sum([&a, &b]);
    assert_eq!(s.registered_risk, 3);
    assert_eq!(s.households_verified, 4);
    assert_eq!(s.in_phase(crate::isolation::PhaseKind::HomeIsolation), 3);
    assert!(Figures::default().is_zero() && !s.is_zero());
    // What another device sends is bounded: negative counts, unknown names, tags and kinds.
    let hostile = Figures::from_fields([
        ("checks_done", -5),
        ("tag.nonsense", 3),
        ("isolation.x", 1),
        ("what", 9),
    ]);
    assert!(hostile.is_zero(), "{hostile:?}");
}

#[test]
fn report_text_follows_the_township_format() {
    let mut f = Figures {
        registered_risk: 2,
        checks_due: 6,
        checks_done: 6,
        tests_done: 5,
        checkpoint_in: 38,
        checkpoint_out: 41,
        turned_back: 2,
        households_verified: 12,
        cases_started: 1,
        ..Figures::default()
    };
    f.registered_by_tag.insert("medium-risk".into(), 1);
    f.isolation.insert("home-isolation".into(), 3);
    f.isolation.insert("home-monitoring".into(), 1);
    let view = ReportView {
        unit_name: "东山村二组".into(),
        date: day("2026-12-04"),
        zero: false,
        figures: f,
        reporter: Some("李XX".into()),
        submitted_at: Some(at("2026-12-04T16:32")),
        late: false,
        note: None,
    };
    let text = report_text(&view);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "【东山村二组 日报告】12月4日");
    assert_eq!(
        lines[1],
        "新增登记：重点人员2人（中风险地区来返1人），外来租户0人"
    );
    assert_eq!(
        lines[2],
        "集中隔离：0人；居家隔离：3人；居家健康监测：1人（今日应随访6次，已随访6次）"
    );
    assert_eq!(lines[3], "新增管控：1人；解除：0人；转诊发热门诊：0人");
    assert_eq!(lines[4], "核酸检测：5人，阳性0人");
    assert_eq!(lines[5], "卡口：进38人次，出41人次，劝返2人次，留观0人次");
    assert_eq!(lines[6], "入户核查：12户");
    assert_eq!(lines[7], "报告人：李XX 16:32");
    let zero = ReportView {
        zero: true,
        late: true,
        figures: Figures::default(),
        note: Some("无新增".into()),
        ..view
    };
    let text = report_text(&zero);
    assert!(
        text.starts_with("【东山村二组 零报告】12月4日（迟报）"),
        "{text}"
    );
    assert!(text.contains("\n备注：无新增\n"), "{text}");
    let g = GroupLine {
        name: "三组".into(),
        state: ReportState::Missing,
        submitted_at: None,
    };
    assert_eq!(group_line(&g), "三组 未报");
}
