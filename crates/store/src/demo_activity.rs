//! The demo township's recent weeks: households checked over the last three weeks, isolation
//! cases at every stage (due today, a missed day, escalated, releasable, in a centralized
//! site, under home monitoring) and a checkpoint with today's entries and a pass.
//!
//! Everything is written through the functions a device uses, with the store's clock set to
//! the moment it happened, so every record check applies and the records read as if made by
//! hand. It runs once per store: a setting remembers it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use gridbook_domain::checkpoint::EntryInput;
use gridbook_domain::demo::SplitMix64;
use gridbook_domain::isolation::{CheckMethod, Symptom, TeamRole};
use gridbook_domain::TestResult;
use serde::Serialize;

use crate::error::Result;
use crate::{NewCase, NewCheck, NewEntry, PersonRow, Place, Store};

/// The setting that records that the activity was written.
const DONE: &str = "demo_activity";

/// What [`Store::demo_activity`] wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoActivity {
    /// Nothing was written: the store has it already.
    pub already: bool,
    /// Household checks written (one per household and day).
    pub checks: usize,
    /// Isolation cases started.
    pub cases: usize,
    /// Follow-up visits recorded on them.
    pub visits: usize,
    /// Checkpoint entries of today.
    pub entries: usize,
    /// Temporary passes issued.
    pub passes: usize,
}

/// One demo case: its policy, how many days ago it started, and what happened since.
struct CasePlan {
    policy: &'static str,
    started_days_ago: i64,
    place: Place,
    /// Days (1-based) without any visit.
    missed: &'static [u32],
    /// Today's morning check shows fever (escalates to the fever clinic).
    fever_today: bool,
}

const CASES: &[CasePlan] = &[
    // Due today: three days done, today's checks still to make.
    CasePlan {
        policy: "home-isolation",
        started_days_ago: 3,
        place: Place::Home,
        missed: &[],
        fever_today: false,
    },
    // A day nobody checked (shows as missed, and asks for a reason at release).
    CasePlan {
        policy: "yellow-code",
        started_days_ago: 6,
        place: Place::Home,
        missed: &[4],
        fever_today: false,
    },
    // 37.8 °C this morning: escalated, referred to the fever clinic.
    CasePlan {
        policy: "home-isolation",
        started_days_ago: 1,
        place: Place::Home,
        missed: &[],
        fever_today: true,
    },
    // Fourteen days done, every check made: releasable today.
    CasePlan {
        policy: "home-isolation",
        started_days_ago: 14,
        place: Place::Home,
        missed: &[],
        fever_today: false,
    },
    // In a centralized site.
    CasePlan {
        policy: "high-risk-arrival",
        started_days_ago: 5,
        place: Place::Centralized,
        missed: &[],
        fever_today: false,
    },
    // Home health monitoring, one check a day.
    CasePlan {
        policy: "returnee-monitoring",
        started_days_ago: 2,
        place: Place::Home,
        missed: &[],
        fever_today: false,
    },
];

fn at(day: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

impl Store {
    /// Writes the demo township's recent weeks as of `now` (see the module's text). Runs once
    /// per store; later calls write nothing and say so.
    pub fn demo_activity(&self, seed: u64, now: NaiveDateTime) -> Result<DemoActivity> {
        if self.setting(DONE)?.is_some() {
            return Ok(DemoActivity {
                already: true,
                ..Default::default()
            });
        }
        let pinned = self.lock().now_override;
        let result = self.write_activity(seed, now);
        self.set_now(pinned);
        let report = result?;
        self.set_setting(DONE, &now.format("%Y-%m-%dT%H:%M").to_string())?;
        Ok(report)
    }

    fn write_activity(&self, seed: u64, now: NaiveDateTime) -> Result<DemoActivity> {
        let mut report = DemoActivity::default();
        let mut rng = SplitMix64::new(seed ^ 0x5eed_ac71);
        let villages = self.villages()?;
        let Some(first) = villages.first() else {
            return Ok(report);
        };
        // Checks over the last three weeks: most households seen recently, some a while ago,
        // about one in eight never.
        for v in &villages {
            for h in self.households(Some(&v.id))? {
                if rng.below(8) == 0 {
                    continue;
                }
                let days_ago = (rng.below(22) * rng.below(22) / 21) as i64;
                let day = now.date() - Duration::days(days_ago);
                let when = at(day, 8 + rng.below(10) as u32, rng.below(60) as u32);
                self.set_now(Some(when.min(now)));
                self.verify_household(&h.id)?;
                report.checks += 1;
            }
        }

        // Cases for persons of the first village: those with a risk tag first.
        let mut persons: Vec<PersonRow> = Vec::new();
        for h in self.households(Some(&first.id))?.iter().take(60) {
            persons.extend(self.household(&h.id)?.residents);
        }
        persons.sort_by_key(|p| p.tags.is_empty());
        let mut isolated = Vec::new();
        for (plan, person) in CASES.iter().zip(&persons) {
            report.visits += self.demo_case(plan, person, now)?;
            report.cases += 1;
            isolated.push(person.household_id.clone());
        }

        // A checkpoint at the village entrance with today's crossings and a pass.
        let checkpoint = self.add_checkpoint(&first.id, "村口卡点", Some("村东路口"))?;
        let opened = (now - Duration::hours(6)).max(at(now.date(), 0, 5));
        self.set_now(Some(opened));
        self.shift_start(&checkpoint, &["志愿者刘强", "志愿者赵丽"])?;
        let crossing: Vec<&PersonRow> = persons
            .iter()
            .skip(CASES.len())
            .filter(|p| p.id_kind == "mainland")
            .take(8)
            .collect();
        let step = (now - opened).num_minutes().max(8) / (crossing.len() as i64 + 1);
        for (i, p) in crossing.iter().enumerate() {
            let when = opened + Duration::minutes(step * (i as i64 + 1));
            self.set_now(Some(when.min(now)));
            self.add_entry(&NewEntry {
                checkpoint: checkpoint.clone(),
                input: EntryInput {
                    at: when,
                    direction: if i % 2 == 0 { "out" } else { "in" }.into(),
                    name: p.name.clone(),
                    id_kind: None,
                    id_number: p.id_number.clone(),
                    hukou_place: String::new(),
                    residence: String::new(),
                    phone: p.phone.clone().unwrap_or_default(),
                    plate: p.plate.clone().unwrap_or_default(),
                    temperature: format!("36.{}", 2 + rng.below(6)),
                    health_code: "green".into(),
                    travel: String::new(),
                    declared_areas: Vec::new(),
                    purpose: if i % 2 == 0 { "购物" } else { "" }.into(),
                },
                at_now: true,
                decision: None,
                note: None,
                volunteer: None,
                pass: None,
                person: None,
            })?;
            report.entries += 1;
        }
        if let Some(p) = crossing
            .iter()
            .find(|p| !isolated.contains(&p.household_id))
        {
            self.set_now(Some(opened));
            let from = opened.format("%Y-%m-%dT%H:%M").to_string();
            let to = (opened + Duration::hours(12))
                .format("%Y-%m-%dT%H:%M")
                .to_string();
            self.issue_pass(&p.household_id, &from, &to)?;
            report.passes += 1;
        }
        Ok(report)
    }

    /// Starts one demo case and records its visits up to `now`; returns how many.
    fn demo_case(&self, plan: &CasePlan, person: &PersonRow, now: NaiveDateTime) -> Result<usize> {
        let today = now.date();
        let start = today - Duration::days(plan.started_days_ago);
        self.set_now(Some(at(start, 8, 0)));
        let case = self.start_case(&NewCase {
            person_id: person.id.clone(),
            policy: plan.policy.into(),
            start,
            place: plan.place,
            site: (plan.place == Place::Centralized).then(|| "镇卫生院集中隔离点".into()),
            origin: None,
            reason: None,
            team: vec![
                (TeamRole::GridWorker, "网格员".into(), None),
                (TeamRole::Doctor, "乡村医生".into(), None),
            ],
        })?;
        let twice = plan.policy != "returnee-monitoring";
        let mut visits = 0;
        for day in 1..=plan.started_days_ago as u32 + 1 {
            let date = start + Duration::days(i64::from(day) - 1);
            if plan.missed.contains(&day) {
                continue;
            }
            let slots: &[(u32, u32)] = if twice {
                &[(8, 40), (16, 30)]
            } else {
                &[(8, 40)]
            };
            for &(h, m) in slots {
                let when = at(date, h, m);
                if when > now {
                    break;
                }
                let fever = plan.fever_today && date == today;
                self.set_now(Some(when));
                self.record_check(
                    &case,
                    &NewCheck {
                        temp_tenths: Some(if fever { 378 } else { 362 + (day % 5) as u16 }),
                        symptoms: if fever {
                            vec![Symptom::Fever]
                        } else {
                            Vec::new()
                        },
                        method: if h < 12 {
                            CheckMethod::Visit
                        } else {
                            CheckMethod::Phone
                        },
                        at: Some(when),
                        by: None,
                    },
                )?;
                visits += 1;
                if fever {
                    break;
                }
            }
        }
        for &d in &plan_tests(plan.policy) {
            let date = start + Duration::days(i64::from(d) - 1);
            if date <= today {
                self.set_now(Some(at(date, 10, 0)));
                self.record_case_test(&case, date, TestResult::Negative)?;
            }
        }
        Ok(visits)
    }
}

/// The test days of a built-in policy the demo uses.
fn plan_tests(policy: &str) -> Vec<u32> {
    gridbook_domain::isolation::builtin_policy(policy)
        .map(|p| p.test_days)
        .unwrap_or_default()
}
