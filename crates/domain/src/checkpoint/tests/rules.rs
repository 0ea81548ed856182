use super::{at, day, input};
use crate::checkpoint::{
    confirm, match_risk_areas, suggest, validate_entry, Decision, DecisionRules, RiskArea,
    RiskLevel, Suggestion, ValidEntry,
};

use Decision::{Allow, Observe, TurnBack};

fn area(name: &str, level: RiskLevel, since_day: u32) -> RiskArea {
    RiskArea {
        name: name.into(),
        level,
        since: day(2022, 11, since_day),
    }
}

/// 武汉市 high since 11-10, 安康 medium since 11-15.
fn rules() -> DecisionRules {
    DecisionRules {
        risk_areas: vec![
            area("武汉市", RiskLevel::High, 10),
            area("安康", RiskLevel::Medium, 15),
        ],
        ..DecisionRules::default()
    }
}

fn entry(code: &str, temperature: &str, travel: &str) -> ValidEntry {
    let mut i = input();
    i.health_code = code.into();
    i.temperature = temperature.into();
    i.travel = travel.into();
    validate_entry(&i).expect("valid")
}

fn codes(s: &Suggestion) -> Vec<&str> {
    s.reasons.iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn default_rules_for_every_colour_fever_and_travel() {
    let travels = [
        ("", None),
        ("去过安康市汉滨区", Some("risk-area-medium")),
        ("湖北 武汉 出差", Some("risk-area-high")),
    ];
    for (code, code_reason, code_decision) in [
        ("green", None, Allow),
        ("yellow", Some("health-code-yellow"), TurnBack),
        ("red", Some("health-code-red"), Observe),
    ] {
        for (temperature, fever) in [("36.8", false), ("37.3", true)] {
            for (travel, travel_reason) in travels {
                let s = suggest(&rules(), &entry(code, temperature, travel));
                let mut expected_codes = Vec::new();
                let mut expected = code_decision;
                if fever {
                    expected_codes.push("fever");
                    expected = Observe;
                }
                expected_codes.extend(code_reason);
                if let Some(r) = travel_reason {
                    expected_codes.push(r);
                    expected = Observe;
                }
                if expected_codes.is_empty() {
                    expected_codes.push("all-clear");
                }
                let case = format!("{code} {temperature} '{travel}'");
                assert_eq!(s.decision, expected, "{case}");
                assert_eq!(codes(&s), expected_codes, "{case}");
            }
        }
    }
}

#[test]
fn the_strictest_reason_wins_under_edited_rules() {
    let edited = DecisionRules {
        fever_tenths: 375,
        fever_decision: TurnBack,
        yellow_decision: Allow,
        red_decision: TurnBack,
        medium_risk_decision: Allow,
        high_risk_decision: Observe,
        ..rules()
    };
    assert_eq!(edited.validate(), Ok(()));
    let cases = [
        ("green", "37.4", "", Allow, 1),
        ("green", "37.5", "", TurnBack, 1),
        ("yellow", "36.5", "安康", Allow, 2),
        ("yellow", "37.5", "安康", TurnBack, 3),
        ("red", "36.5", "安康", TurnBack, 2),
        ("red", "36.5", "武汉", Observe, 2),
        ("green", "36.5", "武汉", Observe, 1),
    ];
    for (code, temperature, travel, decision, reasons) in cases {
        let s = suggest(&edited, &entry(code, temperature, travel));
        let case = format!("{code} {temperature} {travel}");
        assert_eq!(s.decision, decision, "{case}");
        assert_eq!(s.reasons.len(), reasons, "{case}");
    }
}

#[test]
fn fever_reason_names_the_reading_and_the_threshold() {
    let s = suggest(&rules(), &entry("green", "38.2", ""));
    assert_eq!(s.reasons[0].zh, "体温38.2℃，达到发热标准37.3℃");
    assert_eq!(s.reasons[0].decision, Observe);
    assert_eq!(
        suggest(&rules(), &entry("green", "37.2", "")).decision,
        Allow
    );
}

#[test]
fn risk_areas_match_through_spaces_widths_and_suffixes() {
    let areas = [
        area("武汉市", RiskLevel::High, 10),
        area("江夏 区", RiskLevel::High, 10),
        area("Xiaogan", RiskLevel::Medium, 10),
        area("重庆市", RiskLevel::Medium, 10),
    ];
    let on = day(2022, 11, 20);
    let names = |text: &str| -> Vec<String> {
        match_risk_areas(&areas, text, on)
            .iter()
            .map(|a| a.name.clone())
            .collect()
    };
    assert_eq!(names("去过 武 汉"), ["武汉市"]);
    assert_eq!(names("湖北省武汉市江夏区"), ["武汉市", "江夏 区"]);
    assert_eq!(names("江夏"), ["江夏 区"]);
    assert_eq!(names("ＸＩＡＯＧＡＮ"), ["Xiaogan"]);
    assert_eq!(names("重庆"), ["重庆市"]);
    assert!(
        names("庆阳、汉中").is_empty(),
        "one shared character is not a match"
    );
    assert!(names("").is_empty());
}

#[test]
fn an_area_counts_from_its_date_and_once_added() {
    let mut r = DecisionRules::default();
    let later = entry("green", "36.5", "上周去了安康");
    assert_eq!(suggest(&r, &later).decision, Allow);

    // Staff add the area; the list syncs to the tablet.
    r.risk_areas.push(area("安康市", RiskLevel::Medium, 25));
    assert_eq!(
        suggest(&r, &later).decision,
        Allow,
        "not yet a risk area on 11-20"
    );
    let mut i = input();
    i.at = at(26, 9, 0);
    i.travel = "上周去了安康".into();
    let s = suggest(&r, &validate_entry(&i).expect("valid"));
    assert_eq!((s.decision, codes(&s)), (Observe, vec!["risk-area-medium"]));
}

#[test]
fn a_name_listed_twice_is_reported_once_at_its_higher_level() {
    let areas = [
        area("安康", RiskLevel::Medium, 10),
        area("安 康", RiskLevel::High, 12),
    ];
    let found = match_risk_areas(&areas, "安康", day(2022, 11, 20));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].level, RiskLevel::High);
}

#[test]
fn ticked_areas_count_and_unlisted_ones_are_strict() {
    let mut i = input();
    i.declared_areas = vec!["武汉市".into()];
    let s = suggest(&rules(), &validate_entry(&i).expect("valid"));
    assert_eq!((s.decision, codes(&s)), (Observe, vec!["risk-area-high"]));

    i.declared_areas = vec!["石家庄".into()];
    let s = suggest(&rules(), &validate_entry(&i).expect("valid"));
    assert_eq!(
        (s.decision, codes(&s)),
        (Observe, vec!["risk-area-unlisted"])
    );
}

#[test]
fn overriding_towards_allow_needs_a_note() {
    let s = suggest(&rules(), &entry("green", "36.5", "武汉"));
    assert_eq!(s.decision, Observe);
    for chosen in [Allow, TurnBack] {
        let e = confirm(&s, chosen, "李四", None).expect_err("no note");
        assert_eq!((e.field, e.reason), ("note", "required"));
        assert_eq!(confirm(&s, chosen, "李四", Some("  ")), Err(e));
    }
    let c = confirm(&s, Allow, "李四", Some("持7日内核酸阴性证明")).expect("note given");
    assert!(c.is_override());
    assert_eq!((c.suggested, c.decision), (Observe, Allow));
    assert_eq!(c.volunteer, "李四");
    assert_eq!(c.note.as_deref(), Some("持7日内核酸阴性证明"));
    assert_eq!(c.reasons, s.reasons);
}

#[test]
fn stricter_or_equal_choices_need_no_note() {
    let s = suggest(&rules(), &entry("green", "36.5", ""));
    let c = confirm(&s, Observe, "李四", None).expect("stricter");
    assert!(c.is_override() && c.note.is_none());
    let c = confirm(&s, Allow, "李四", None).expect("as suggested");
    assert!(!c.is_override());
    let yellow = suggest(&rules(), &entry("yellow", "36.5", ""));
    assert!(confirm(&yellow, Observe, "李四", None).is_ok());
}

#[test]
fn the_volunteer_is_named_and_the_note_bounded() {
    let s = suggest(&rules(), &entry("green", "36.5", ""));
    let e = confirm(&s, Allow, " ", None).expect_err("no volunteer");
    assert_eq!(e.field, "volunteer");
    let e = confirm(&s, Allow, "李四", Some(&"长".repeat(201))).expect_err("long note");
    assert_eq!((e.field, e.reason), ("note", "length"));
}

#[test]
fn staff_edits_are_validated() {
    assert_eq!(DecisionRules::default().validate(), Ok(()));
    assert_eq!(DecisionRules::default().fever_tenths, 373);
    assert_eq!(rules().validate(), Ok(()));
    let bad = DecisionRules {
        fever_tenths: 365,
        fever_decision: Allow,
        red_decision: Allow,
        medium_risk_decision: Observe,
        high_risk_decision: TurnBack,
        risk_areas: vec![
            area("武汉市", RiskLevel::High, 1),
            area("武汉 市", RiskLevel::Medium, 2),
            area("汉", RiskLevel::High, 3),
        ],
        ..DecisionRules::default()
    };
    let errors = bad.validate().expect_err("bad");
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.reason)).collect();
    assert_eq!(
        got,
        [
            ("fever_tenths", "range"),
            ("fever_decision", "allow_forbidden"),
            ("red_decision", "allow_forbidden"),
            ("high_risk_decision", "weaker_than_medium"),
            ("risk_areas", "duplicate"),
            ("risk_areas", "name_length"),
        ]
    );
}
