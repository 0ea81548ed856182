//! The seeded store the overview's tests compare on (`overview_same.rs`): the demo township
//! with its recent weeks, cases in every village at every stage, escalations open and
//! cleared, checkpoint crossings, verified households and reports on time, late and missing.

#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use gridbook_domain::isolation::{builtin_policies, CheckMethod, Symptom, TeamRole};
use gridbook_domain::report::Level;
use gridbook_domain::TestResult;
use gridbook_store::{NewCase, NewCheck, Place, Store};

pub fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

/// The same rounding the overview shows coverage with (three decimals).
pub fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    (part.max(0) as f64 / whole as f64 * 1000.0).round() / 1000.0
}

/// A store with the demo township and its recent weeks, plus cases in every village: started
/// on different days (some due today, some past their windows), one with a fever today, one
/// with a positive test, one escalation cleared by the clinic, one cancelled; group and
/// village reports on time, late and missing.
pub fn seeded(dir: &std::path::Path, date: NaiveDate) -> Store {
    let store = Store::open(dir).unwrap();
    store.set_now(Some(at(date, 7, 0)));
    store.demo(5, 4, 160, date).unwrap();
    store.demo_activity(5, at(date, 15, 0)).unwrap();
    let policies = builtin_policies();
    let villages = store.villages().unwrap();
    let mut opened = Vec::new();
    for (vi, v) in villages.iter().enumerate().skip(1) {
        for (i, h) in store.households(Some(&v.id)).unwrap().iter().enumerate() {
            if i % 5 != 0 {
                continue;
            }
            let Some(person) = h.head_person_id.clone() else {
                continue;
            };
            let start = date.checked_sub_days(Days::new((i % 9) as u64)).unwrap();
            store.set_now(Some(at(start, 7, 30)));
            let case = store
                .start_case(&NewCase {
                    person_id: person,
                    policy: policies[(i + vi) % policies.len()].id.clone(),
                    start,
                    place: if i % 2 == 0 {
                        Place::Home
                    } else {
                        Place::Centralized
                    },
                    site: (i % 2 == 1).then(|| "镇卫生院集中隔离点".into()),
                    origin: None,
                    reason: None,
                    team: vec![(TeamRole::GridWorker, "李网格".into(), None)],
                })
                .unwrap();
            opened.push((case, start));
        }
    }
    assert!(
        opened.len() >= 12,
        "cases in every village: {}",
        opened.len()
    );
    // Checks this morning on every other case: some in their window, some late.
    for (i, (case, _)) in opened.iter().enumerate().step_by(2) {
        let when = at(date, 8 + (i % 4) as u32, 15);
        store.set_now(Some(when));
        store
            .record_check(
                case,
                &NewCheck {
                    temp_tenths: Some(363),
                    symptoms: Vec::new(),
                    method: CheckMethod::Visit,
                    at: Some(when),
                    by: None,
                },
            )
            .unwrap();
    }
    store.set_now(Some(at(date, 12, 0)));
    let fever = NewCheck {
        temp_tenths: Some(385),
        symptoms: vec![Symptom::Fever],
        method: CheckMethod::Phone,
        at: Some(at(date, 11, 0)),
        by: None,
    };
    let (_, escalation) = store.record_check(&opened[1].0, &fever).unwrap();
    assert!(escalation.is_some());
    let (_, escalation) = store.record_check(&opened[3].0, &fever).unwrap();
    assert!(escalation.is_some());
    store
        .close_referral(&opened[3].0, "cleared", "排除")
        .unwrap();
    let (_, escalation) = store
        .record_case_test(&opened[5].0, opened[5].1, TestResult::Positive)
        .unwrap();
    assert!(escalation.is_some());
    store
        .close_case(&opened[7].0, "cancelled", "误登记")
        .unwrap();
    // Reports: every group of the first village by 16:00, the village itself; one group of
    // the second village late, the rest missing.
    store.set_now(Some(at(date, 16, 0)));
    for g in &villages[0].groups {
        store
            .submit_report(Level::Group, &g.id, date, false, None, None)
            .unwrap();
    }
    store
        .submit_report(Level::Village, &villages[0].id, date, true, None, None)
        .unwrap();
    store.set_now(Some(at(date, 17, 40)));
    store
        .submit_report(
            Level::Group,
            &villages[1].groups[0].id,
            date,
            false,
            None,
            None,
        )
        .unwrap();
    store.set_now(Some(at(date, 17, 45)));
    store
}
