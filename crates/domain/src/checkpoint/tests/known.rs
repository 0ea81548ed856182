//! Judging a form still being filled (the identity not typed yet), and which choices need a
//! note: the screen shows both from these rules, with no copy of its own.

use super::{day, input};
use crate::checkpoint::{
    judge, needs_note, suggest_for, validate_entry, Decision, DecisionRules, EntryInput, Known,
    RiskArea, RiskLevel, Suggestion,
};
use crate::isolation::{builtin_policy, control_state};

use Decision::{Allow, Observe, TurnBack};

/// 武汉市 high, 江夏区 medium; medium-risk travel turned back.
fn rules() -> DecisionRules {
    let area = |name: &str, level| RiskArea {
        name: name.into(),
        level,
        since: day(2022, 11, 1),
    };
    DecisionRules {
        medium_risk_decision: TurnBack,
        risk_areas: vec![
            area("武汉市", RiskLevel::High),
            area("江夏区", RiskLevel::Medium),
        ],
        ..DecisionRules::default()
    }
}

/// A form with nothing of the person typed yet.
fn partial(temp: &str, code: &str) -> EntryInput {
    EntryInput {
        name: String::new(),
        id_number: String::new(),
        phone: String::new(),
        plate: String::new(),
        hukou_place: String::new(),
        residence: String::new(),
        purpose: String::new(),
        temperature: temp.into(),
        health_code: code.into(),
        ..input()
    }
}

fn judged(i: &EntryInput) -> Option<Suggestion> {
    judge(&rules(), &Known::from_input(i), None)
}

fn codes(s: &Suggestion) -> Vec<(&str, Decision)> {
    s.reasons
        .iter()
        .map(|r| (r.code.as_str(), r.decision))
        .collect()
}

#[test]
fn nothing_is_suggested_until_temperature_and_code_are_known() {
    assert_eq!(judged(&partial("", "")), None);
    assert_eq!(judged(&partial("36.5", "")), None);
    assert_eq!(judged(&partial("", "red")), None);
    // A reading half typed, or out of range, is not a reading yet.
    assert_eq!(judged(&partial("3", "green")), None);
    assert_eq!(judged(&partial("365", "green")), None);
    let mut no_way = partial("36.5", "green");
    no_way.direction = "sideways".into();
    assert_eq!(judged(&no_way), None);
}

#[test]
fn a_partial_form_is_judged_by_the_same_rules_as_a_whole_one() {
    let s = judged(&partial("36.5", "green")).expect("known");
    assert_eq!((s.decision, codes(&s)), (Allow, vec![("all-clear", Allow)]));
    let s = judged(&partial("36.5", "red")).expect("known");
    assert_eq!(
        (s.decision, codes(&s)),
        (Observe, vec![("health-code-red", Observe)])
    );
    assert_eq!(
        judged(&partial("36.5", "黄码")).expect("known").decision,
        TurnBack
    );
    let s = judged(&partial(" 37.3℃ ", "yellow")).expect("known");
    assert_eq!(
        (s.decision, codes(&s)),
        (
            Observe,
            vec![("fever", Observe), ("health-code-yellow", TurnBack)]
        )
    );
    assert_eq!(s.reasons[0].zh, "体温37.3℃，达到发热标准37.3℃");
    assert!(s.fever());

    let mut areas = partial("36.5", "green");
    areas.declared_areas = vec!["江夏区".into(), " 旧名单地区 ".into(), "江夏区".into()];
    let s = judged(&areas).expect("known");
    assert_eq!(
        (s.decision, codes(&s)),
        (
            Observe,
            vec![
                ("risk-area-medium", TurnBack),
                ("risk-area-unlisted", Observe)
            ]
        )
    );
    // The travel text counts too, and is read before its length is checked on saving.
    let mut travel = partial("36.5", "green");
    travel.travel = format!("{}，去过武汉", "走亲访友".repeat(60));
    assert!(validate_entry(&EntryInput {
        travel: travel.travel.clone(),
        ..input()
    })
    .is_err());
    let s = judged(&travel).expect("known");
    assert_eq!(codes(&s), vec![("risk-area-high", Observe)]);

    // The same form, complete, gets the same suggestion.
    let mut whole = input();
    whole.temperature = "37.3".into();
    whole.health_code = "yellow".into();
    let v = validate_entry(&whole).expect("valid");
    assert_eq!(
        judge(&rules(), &Known::from_input(&whole), None),
        Some(suggest_for(&rules(), &v, None))
    );
    assert_eq!(Known::from_input(&whole), Known::of(&v));
}

#[test]
fn the_townships_threshold_decides_a_fever() {
    let edited = DecisionRules {
        fever_tenths: 370,
        ..rules()
    };
    let known = Known::from_input(&partial("37.1", "green"));
    assert_eq!(
        judged(&partial("37.1", "green")).expect("known").decision,
        Allow
    );
    let s = judge(&edited, &known, None).expect("known");
    assert_eq!(codes(&s), vec![("fever", Observe)]);
    assert_eq!(s.reasons[0].zh, "体温37.1℃，达到发热标准37.0℃");
    assert!(edited.is_fever(370) && !edited.is_fever(369));
}

#[test]
fn a_control_state_is_judged_with_the_direction_and_purpose_known() {
    let policy = builtin_policy("home-isolation").expect("built-in");
    let state =
        control_state(&policy, day(2022, 11, 18), day(2022, 11, 20), false).expect("under control");
    let mut out = partial("36.5", "green");
    out.direction = "out".into();
    let s = judge(&rules(), &Known::from_input(&out), Some(&state)).expect("known");
    assert_eq!(codes(&s), vec![("isolation", TurnBack)]);
    let s = judge(
        &rules(),
        &Known::from_input(&partial("36.5", "green")),
        Some(&state),
    )
    .expect("known");
    assert_eq!(codes(&s), vec![("isolation-return", Allow)]);
}

#[test]
fn only_a_looser_choice_needs_a_note() {
    assert!(needs_note(Observe, Allow));
    assert!(needs_note(Observe, TurnBack));
    assert!(needs_note(TurnBack, Allow));
    assert!(!needs_note(Allow, Observe));
    assert!(!needs_note(Observe, Observe));
    assert!(!needs_note(TurnBack, Observe));
    let note = |temp, code| judged(&partial(temp, code)).expect("known").needs_note();
    assert_eq!(note("36.5", "green"), Vec::<Decision>::new());
    assert_eq!(note("36.5", "yellow"), vec![Allow]);
    assert_eq!(note("36.5", "red"), vec![Allow, TurnBack]);
}
