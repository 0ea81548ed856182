//! Escalation, case status transitions and the labelled enums of a check.

use super::d;
use crate::isolation::{
    needs_escalation, test_escalation, CaseStatus, CheckMethod, Symptom, TeamRole,
    DEFAULT_FEVER_TENTHS,
};
use crate::model::TestResult;

#[test]
fn fever_threshold_is_inclusive() {
    let rows = [
        (Some(372), None),
        (Some(373), Some("体温37.3℃，达到发热标准37.3℃")),
        (Some(374), Some("体温37.4℃，达到发热标准37.3℃")),
        (Some(365), None),
        (None, None),
    ];
    for (temp, want) in rows {
        let got = needs_escalation(temp, &[], DEFAULT_FEVER_TENTHS);
        assert_eq!(got.as_ref().map(|r| r.zh.as_str()), want, "{temp:?}");
        if let Some(r) = got {
            assert_eq!(r.fever_tenths, temp);
            assert!(r.en.starts_with("temperature 37."), "{}", r.en);
        }
    }
}

#[test]
fn symptoms_escalate_without_fever() {
    let r = needs_escalation(
        Some(366),
        &[Symptom::Fatigue, Symptom::DryCough, Symptom::Fatigue],
        DEFAULT_FEVER_TENTHS,
    )
    .expect("escalated");
    assert_eq!(r.zh, "症状：干咳、乏力");
    assert_eq!(r.en, "symptoms: dry cough, fatigue");
    assert_eq!(r.symptoms, [Symptom::DryCough, Symptom::Fatigue]);
    assert_eq!(r.fever_tenths, None);

    let r = needs_escalation(None, &[Symptom::LossOfSmellTaste], DEFAULT_FEVER_TENTHS)
        .expect("escalated without a temperature");
    assert_eq!(r.zh, "症状：嗅味觉减退");
}

#[test]
fn fever_and_symptoms_are_both_named() {
    let r = needs_escalation(
        Some(375),
        &[Symptom::SoreThroat, Symptom::Fever],
        DEFAULT_FEVER_TENTHS,
    )
    .expect("escalated");
    assert_eq!(r.zh, "体温37.5℃，达到发热标准37.3℃；症状：发热、咽痛");
    assert_eq!(
        r.en,
        "temperature 37.5 °C reaches the fever threshold 37.3 °C; symptoms: fever, sore throat"
    );
}

#[test]
fn the_policy_threshold_is_used() {
    assert!(needs_escalation(Some(374), &[], 375).is_none());
    assert!(needs_escalation(Some(375), &[], 375).is_some());
}

#[test]
fn only_a_positive_test_escalates() {
    let date = d(2022, 5, 10);
    assert!(test_escalation(TestResult::Negative, date).is_none());
    assert!(test_escalation(TestResult::Pending, date).is_none());
    let r = test_escalation(TestResult::Positive, date).expect("escalated");
    assert!(r.positive_test);
    assert_eq!(r.zh, "5月10日核酸检测阳性");
}

#[test]
fn case_status_transitions() {
    use CaseStatus::*;
    let allowed = [
        (Active, Escalated),
        (Active, Released),
        (Active, Transferred),
        (Active, Cancelled),
        (Escalated, Active),
        (Escalated, Referred),
        (Escalated, Transferred),
        (Escalated, Cancelled),
        (Referred, Active),
        (Referred, Transferred),
    ];
    for &from in CaseStatus::ALL {
        for &to in CaseStatus::ALL {
            let want = allowed.contains(&(from, to));
            assert_eq!(from.can_become(to), want, "{from:?} -> {to:?}");
        }
    }
    let open: Vec<CaseStatus> = CaseStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    assert_eq!(open, [Active, Escalated, Referred]);
}

#[test]
fn labels_of_checks_and_teams_parse() {
    assert_eq!(Symptom::parse("干咳"), Ok(Symptom::DryCough));
    assert_eq!(Symptom::parse("dry-cough"), Ok(Symptom::DryCough));
    assert_eq!(
        Symptom::parse("Loss of smell or taste"),
        Ok(Symptom::LossOfSmellTaste)
    );
    assert_eq!(CheckMethod::parse("上门"), Ok(CheckMethod::Visit));
    assert_eq!(CheckMethod::parse("visit"), Ok(CheckMethod::Visit));
    assert_eq!(TeamRole::parse("网格员"), Ok(TeamRole::GridWorker));
    assert_eq!(TeamRole::parse("police"), Ok(TeamRole::Police));
    let err = CaseStatus::parse("closed").expect_err("unknown status");
    assert_eq!(err.field, "status");
    assert!(err.zh.contains("管控中"), "{}", err.zh);
}
