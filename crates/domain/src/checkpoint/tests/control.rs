//! The township's rules for people under control: every control state, both directions, the
//! allowed purposes of home health monitoring, the override with a reason, and rules records
//! written before these rules existed.

use super::{day, input};
use crate::checkpoint::{
    confirm, suggest_for, validate_entry, Decision, DecisionRules, Suggestion, ValidEntry,
};
use crate::isolation::{control_state, ControlState, Policy};

use Decision::{Allow, Observe, TurnBack};

fn policy(id: &str) -> Policy {
    crate::isolation::builtin_policy(id).expect("built-in policy")
}

/// The state on 2022-11-20 (the entries' day) of a case started `days_ago` days before.
fn state(id: &str, days_ago: u64, escalated: bool) -> ControlState {
    let start = day(2022, 11, 20) - chrono::Days::new(days_ago);
    control_state(&policy(id), start, day(2022, 11, 20), escalated).expect("under control")
}

fn entry(direction: &str, purpose: &str) -> ValidEntry {
    let mut i = input();
    i.direction = direction.into();
    i.purpose = purpose.into();
    validate_entry(&i).expect("valid")
}

fn first(s: &Suggestion) -> (&str, Decision, &str) {
    let r = &s.reasons[0];
    (r.code.as_str(), r.decision, r.zh.as_str())
}

#[test]
fn isolated_going_out_is_turned_back_with_day_and_until() {
    let rules = DecisionRules::default();
    // Day 3 of 14 days from 11-18: until 12-01.
    let s = suggest_for(
        &rules,
        &entry("out", "买菜"),
        Some(&state("home-isolation", 2, false)),
    );
    assert_eq!(s.decision, TurnBack);
    assert_eq!(
        first(&s),
        ("isolation", TurnBack, "居家隔离第3天，至12月1日")
    );
    // Centralized isolation going out: the same rule.
    let s = suggest_for(
        &rules,
        &entry("out", ""),
        Some(&state("red-code", 0, false)),
    );
    assert_eq!(first(&s).0, "isolation");
    assert_eq!(s.decision, TurnBack);
    // Coming back in: let home, with the state shown.
    let s = suggest_for(
        &rules,
        &entry("in", ""),
        Some(&state("home-isolation", 2, false)),
    );
    assert_eq!((s.decision, first(&s).0), (Allow, "isolation-return"));
    assert!(first(&s).2.starts_with("居家隔离第3天"), "{}", first(&s).2);
}

#[test]
fn a_referral_is_observed_either_way() {
    let rules = DecisionRules::default();
    for direction in ["in", "out"] {
        let s = suggest_for(
            &rules,
            &entry(direction, "就医"),
            Some(&state("home-isolation", 0, true)),
        );
        assert_eq!(s.decision, Observe, "{direction}");
        assert_eq!(
            first(&s),
            ("referral", Observe, "待转诊（居家隔离第1天，至12月3日）")
        );
    }
}

#[test]
fn home_monitoring_lets_out_only_for_allowed_purposes() {
    let rules = DecisionRules::default();
    let monitored = state("returnee-monitoring", 4, false);
    let s = suggest_for(&rules, &entry("out", "走亲戚"), Some(&monitored));
    assert_eq!(s.decision, TurnBack);
    assert_eq!(
        first(&s),
        (
            "monitoring",
            TurnBack,
            "居家健康监测第5天，至11月29日：不聚集、不流动（允许事由：就医、核酸）"
        )
    );
    for purpose in ["去卫生院就医", "核酸检测", "核 酸"] {
        let s = suggest_for(&rules, &entry("out", purpose), Some(&monitored));
        assert_eq!(
            (s.decision, first(&s).0),
            (Allow, "monitoring-allowed"),
            "{purpose}"
        );
    }
    // The township edits the purposes: 买药 allowed, 核酸 no longer.
    let edited = DecisionRules {
        monitoring_allowed_purposes: vec!["就医".into(), "买药".into()],
        ..DecisionRules::default()
    };
    assert_eq!(edited.validate(), Ok(()));
    assert_eq!(
        suggest_for(&edited, &entry("out", "买药"), Some(&monitored)).decision,
        Allow
    );
    assert_eq!(
        suggest_for(&edited, &entry("out", "核酸"), Some(&monitored)).decision,
        TurnBack
    );
    // A fever still wins over an allowed purpose.
    let mut hot = input();
    hot.direction = "out".into();
    hot.purpose = "就医".into();
    hot.temperature = "38.0".into();
    let s = suggest_for(
        &rules,
        &validate_entry(&hot).expect("valid"),
        Some(&monitored),
    );
    assert_eq!(s.decision, Observe);
}

#[test]
fn overriding_the_isolation_rule_needs_a_reason() {
    let rules = DecisionRules::default();
    let s = suggest_for(
        &rules,
        &entry("out", ""),
        Some(&state("home-isolation", 2, false)),
    );
    let err = confirm(&s, Allow, "李四", None).expect_err("needs a note");
    assert_eq!((err.field, err.reason), ("note", "required"));
    let c = confirm(&s, Allow, "李四", Some("就医")).expect("with a reason");
    assert!(c.is_override());
    assert_eq!(c.note.as_deref(), Some("就医"));
    assert_eq!(c.reasons[0].code, "isolation");
}

#[test]
fn rules_records_before_isolation_rules_read_the_defaults_and_floors_hold() {
    let mut v = serde_json::to_value(DecisionRules::default()).expect("json");
    let o = v.as_object_mut().expect("object");
    for k in [
        "isolation_out_decision",
        "referral_decision",
        "monitoring_out_decision",
        "monitoring_allowed_purposes",
    ] {
        o.remove(k);
    }
    let old: DecisionRules = serde_json::from_value(v).expect("old record reads");
    assert_eq!(old, DecisionRules::default());
    let lax = DecisionRules {
        isolation_out_decision: Allow,
        referral_decision: Allow,
        monitoring_allowed_purposes: vec!["就医".into(), " 就医".into(), String::new()],
        ..DecisionRules::default()
    };
    let fields: Vec<(&str, &str)> = lax
        .validate()
        .expect_err("refused")
        .iter()
        .map(|e| (e.field, e.reason))
        .collect();
    assert!(
        fields.contains(&("isolation_out_decision", "allow_forbidden")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("referral_decision", "allow_forbidden")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("monitoring_allowed_purposes", "duplicate")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("monitoring_allowed_purposes", "length")),
        "{fields:?}"
    );
}

#[test]
fn without_a_control_state_nothing_changes() {
    let rules = DecisionRules::default();
    let s = suggest_for(&rules, &entry("out", ""), None);
    assert_eq!((s.decision, first(&s).0), (Allow, "all-clear"));
}
