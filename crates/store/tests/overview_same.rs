//! The township's overview counts in a few set-based queries what the other screens show one
//! village, one household and one case at a time. This test counts every figure of the
//! overview the slow way, through those screens (households, a household's residents, the
//! cases list, the due list, the checkpoint's entries, coverage, the report status), on a
//! seeded store with cases in several villages at every stage, escalations open and cleared,
//! checkpoint crossings, verified households and reports on time, late and missing, and
//! compares them one by one.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};

mod overview_seed;

use chrono::NaiveDate;
use gridbook_domain::{RiskTag, Vulnerable};
use gridbook_store::{
    case_kind_codes, CaseQuery, CheckpointCounts, HouseholdRow, Overview, OverviewGroup,
    OverviewVillage, PersonQuery, Store, UnitCounts, VillageRow, COVERAGE_DAYS, NO_CASE_KIND,
};
use overview_seed::{seeded, share};

/// The counts and coverage of one unit through the per-item screens: the households
/// `households`, and the cases, follow-ups and uncovered households of village `village` that
/// `ours` says belong to the unit (given the record's village and household).
fn slow_counts(
    store: &Store,
    date: NaiveDate,
    village: &str,
    households: &[&HouseholdRow],
    ours: &dyn Fn(&str, Option<&str>) -> bool,
) -> (UnitCounts, f64) {
    let (mut persons, mut persons_at_risk) = (0, 0);
    let mut by_tag: BTreeMap<String, i64> =
        RiskTag::ALL.iter().map(|t| (t.code().into(), 0)).collect();
    let mut by_vulnerable: BTreeMap<String, i64> = Vulnerable::ALL
        .iter()
        .map(|v| (v.code().into(), 0))
        .collect();
    for h in households {
        for p in store.household(&h.id).unwrap().residents {
            persons += 1;
            if !p.tags.is_empty() {
                persons_at_risk += 1;
            }
            for t in &p.tags {
                *by_tag.get_mut(t.as_str()).unwrap() += 1;
            }
            for v in &p.vulnerable {
                *by_vulnerable.get_mut(v.as_str()).unwrap() += 1;
            }
        }
    }
    let (mut cases_active, mut escalated) = (0, 0);
    let mut cases_by_kind: BTreeMap<String, i64> = case_kind_codes()
        .into_iter()
        .map(|k| (k.into(), 0))
        .collect();
    let mut home: HashMap<String, Option<String>> = HashMap::new();
    for c in store.cases(None).unwrap() {
        home.insert(c.id.clone(), c.household_id.clone());
        if !ours(&c.village_id, c.household_id.as_deref()) {
            continue;
        }
        if !matches!(c.status.as_str(), "active" | "escalated" | "referred") {
            continue;
        }
        cases_active += 1;
        // 升级: the cases screen's tab, escalated or referred.
        assert_eq!(
            c.in_escalation,
            matches!(c.status.as_str(), "escalated" | "referred")
        );
        escalated += i64::from(c.in_escalation);
        // The kind: the phase of the case's detail whose days hold the day.
        let kind = store
            .case_detail(&c.id)
            .unwrap()
            .phases
            .iter()
            .find(|p| p.start.is_some_and(|s| s <= date) && p.end.is_some_and(|e| date <= e))
            .map_or(NO_CASE_KIND, |p| p.kind);
        *cases_by_kind.get_mut(kind).unwrap() += 1;
    }
    let due = store.due(date).unwrap();
    let count = |s: &str| {
        due.iter()
            .filter(|d| d.status == s && ours(&d.village_id, home[&d.case_id].as_deref()))
            .count() as i64
    };
    let uncovered = store
        .coverage(COVERAGE_DAYS, Some(village), None)
        .unwrap()
        .iter()
        .filter(|h| ours(&h.village_id, Some(&h.household_id)))
        .count() as i64;
    let n = households.len() as i64;
    let counts = UnitCounts {
        households: n,
        persons,
        persons_at_risk,
        by_tag,
        by_vulnerable,
        cases_active,
        cases_by_kind,
        escalated,
        due: count("due"),
        done: count("done"),
        overdue: count("overdue"),
        missed: count("missed"),
    };
    (counts, share(n - uncovered, n))
}

/// One village counted through the per-item screens, its groups too.
fn slow_village(store: &Store, date: NaiveDate, v: &VillageRow) -> OverviewVillage {
    let households = store.households(Some(&v.id)).unwrap();
    let mut checkpoint = CheckpointCounts::default();
    for cp in store.checkpoints().unwrap() {
        if cp.village_id != v.id {
            continue;
        }
        for e in store.entries(&cp.id, date).unwrap() {
            match e.direction.as_str() {
                "in" => checkpoint.in_ += 1,
                "out" => checkpoint.out += 1,
                _ => {}
            }
            match e.decision.as_str() {
                "turn-back" => checkpoint.turned_back += 1,
                "observe" => checkpoint.observed += 1,
                _ => {}
            }
        }
    }
    let status = store.report_status(date).unwrap();
    let state = |level: &str, id: &str| {
        status
            .iter()
            .find(|s| s.level == level && s.id == id)
            .map_or("missing", |s| s.state)
    };
    let all: Vec<&HouseholdRow> = households.iter().collect();
    let (counts, coverage) = slow_counts(store, date, &v.id, &all, &|village, _| village == v.id);
    OverviewVillage {
        id: v.id.clone(),
        name: v.name.clone(),
        counts,
        checkpoint,
        coverage,
        report: state("village", &v.id).to_owned(),
        groups: v
            .groups
            .iter()
            .map(|g| {
                let mine: Vec<&HouseholdRow> = households
                    .iter()
                    .filter(|h| h.group_id.as_deref() == Some(g.id.as_str()))
                    .collect();
                let ids: Vec<&str> = mine.iter().map(|h| h.id.as_str()).collect();
                let (counts, coverage) = slow_counts(store, date, &v.id, &mine, &|_, h| {
                    h.is_some_and(|h| ids.contains(&h))
                });
                OverviewGroup {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    counts,
                    coverage,
                    report: state("group", &g.id),
                }
            })
            .collect(),
    }
}

/// The figures of a row as JSON, to compare whole rows and see every difference at once.
fn json(v: &OverviewVillage) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

/// Compares the overview of `date` with the slow count, row by row and for the totals;
/// returns the slow rows.
fn compare(store: &Store, date: NaiveDate) -> Vec<OverviewVillage> {
    let o: Overview = store.overview(date).unwrap();
    let villages = store.villages().unwrap();
    assert_eq!(o.date, date.to_string());
    assert_eq!(o.villages.len(), villages.len());
    let slow: Vec<OverviewVillage> = villages
        .iter()
        .map(|v| slow_village(store, date, v))
        .collect();
    for (fast, slow) in o.villages.iter().zip(&slow) {
        assert_eq!(json(fast), json(slow), "{date}: village {}", slow.name);
    }
    // The township's totals: sums of the villages, coverage over all households, and how
    // many villages reported.
    let sum = |f: fn(&UnitCounts) -> i64| slow.iter().map(|v| f(&v.counts)).sum::<i64>();
    let t = &o.township;
    assert_eq!(t.counts.households, sum(|c| c.households));
    assert_eq!(t.counts.persons, sum(|c| c.persons));
    assert_eq!(t.counts.persons_at_risk, sum(|c| c.persons_at_risk));
    let sum_map = |f: fn(&UnitCounts) -> &BTreeMap<String, i64>| {
        let mut out: BTreeMap<String, i64> = BTreeMap::new();
        for v in &slow {
            for (k, n) in f(&v.counts) {
                *out.entry(k.clone()).or_default() += n;
            }
        }
        out
    };
    assert_eq!(t.counts.by_tag, sum_map(|c| &c.by_tag));
    assert_eq!(t.counts.by_vulnerable, sum_map(|c| &c.by_vulnerable));
    assert_eq!(t.counts.cases_by_kind, sum_map(|c| &c.cases_by_kind));
    assert_eq!(t.counts.cases_active, sum(|c| c.cases_active));
    assert_eq!(t.counts.escalated, sum(|c| c.escalated));
    assert_eq!(
        (
            t.counts.due,
            t.counts.done,
            t.counts.overdue,
            t.counts.missed
        ),
        (
            sum(|c| c.due),
            sum(|c| c.done),
            sum(|c| c.overdue),
            sum(|c| c.missed)
        )
    );
    let crossings =
        |f: fn(&CheckpointCounts) -> i64| slow.iter().map(|v| f(&v.checkpoint)).sum::<i64>();
    assert_eq!(t.checkpoint.in_, crossings(|c| c.in_));
    assert_eq!(t.checkpoint.out, crossings(|c| c.out));
    assert_eq!(t.checkpoint.turned_back, crossings(|c| c.turned_back));
    assert_eq!(t.checkpoint.observed, crossings(|c| c.observed));
    let uncovered = store.coverage(COVERAGE_DAYS, None, None).unwrap().len() as i64;
    assert_eq!(
        t.coverage,
        share(t.counts.households - uncovered, t.counts.households)
    );
    let reported = slow.iter().filter(|v| v.report != "missing").count();
    assert_eq!(t.report, format!("{reported}/{}", villages.len()));
    assert!(t.groups.is_empty() && t.id.is_empty());
    slow
}

#[test]
fn the_overview_counts_what_the_screens_show_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    let store = seeded(dir.path(), date);
    let today = compare(&store, date);
    // Yesterday seen today: its open checks are missed.
    let yesterday = compare(&store, date.pred_opt().unwrap());

    // The seed reaches every kind of figure, so a figure wrongly zero cannot pass.
    let sum =
        |rows: &[OverviewVillage], f: fn(&OverviewVillage) -> i64| rows.iter().map(f).sum::<i64>();
    for (what, n) in [
        ("persons at risk", sum(&today, |v| v.counts.persons_at_risk)),
        ("escalated", sum(&today, |v| v.counts.escalated)),
        ("due", sum(&today, |v| v.counts.due)),
        ("done", sum(&today, |v| v.counts.done)),
        ("overdue", sum(&today, |v| v.counts.overdue)),
        ("missed", sum(&yesterday, |v| v.counts.missed)),
        ("checkpoint in", sum(&today, |v| v.checkpoint.in_)),
        ("checkpoint out", sum(&today, |v| v.checkpoint.out)),
    ] {
        assert!(n > 0, "the seed has {what}");
    }
    assert!(
        sum(&today, |v| v.counts.escalated) >= 3,
        "fever, positive test and the demo's"
    );
    assert!(today
        .iter()
        .any(|v| v.counts.escalated > 0 && v.counts.cases_active > v.counts.escalated));
    let states: Vec<&str> = today
        .iter()
        .flat_map(|v| v.groups.iter().map(|g| g.report))
        .collect();
    for s in ["submitted", "late", "missing"] {
        assert!(states.contains(&s), "a group {s}: {states:?}");
    }
    // The groups' counts reach cases and follow-ups, and no group counts more than its village.
    let groups = || {
        today
            .iter()
            .flat_map(|v| v.groups.iter().map(move |g| (v, g)))
    };
    assert!(groups().any(|(_, g)| g.counts.cases_active > 0 && g.counts.done > 0));
    assert!(groups().all(|(v, g)| g.counts.persons <= v.counts.persons
        && g.counts.cases_active <= v.counts.cases_active
        && g.counts.due <= v.counts.due));
    assert_eq!(today[0].report, "zero");
    assert!(today.iter().all(|v| v.coverage > 0.0 && v.coverage < 1.0));
}

/// Every figure of a group is the size of the list it opens narrowed to the group: its
/// households (the whole list and a page of it), their residents and those at risk, its open
/// and escalated cases, its follow-ups of the day by status, and its households not covered.
#[test]
fn a_groups_figures_are_the_sizes_of_its_narrowed_lists() {
    let dir = tempfile::tempdir().unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    let store = seeded(dir.path(), date);
    // What the seed reaches in the groups, so no comparison passes on zeros alone.
    let (mut cases, mut follow_ups, mut missed, mut uncovered_seen) = (0, 0, 0, 0);
    for day in [date, date.pred_opt().unwrap()] {
        let o = store.overview(day).unwrap();
        for v in &o.villages {
            for g in &v.groups {
                let (c, name) = (&g.counts, format!("{day} {} {}", v.name, g.name));
                let households = store.households_in(Some(&v.id), Some(&g.id)).unwrap();
                assert_eq!(households.len() as i64, c.households, "{name}");
                assert!(households
                    .iter()
                    .all(|h| h.group_id.as_deref() == Some(g.id.as_str())));
                let (total, page) = store
                    .households_page(Some(&v.id), Some(&g.id), 0, 1000)
                    .unwrap();
                assert_eq!(total, c.households, "{name}");
                let ids = |rows: &[HouseholdRow]| -> Vec<String> {
                    rows.iter().map(|h| h.id.clone()).collect()
                };
                let (mut listed, mut paged): (Vec<String>, Vec<String>) =
                    (ids(&households), ids(&page));
                listed.sort();
                paged.sort();
                assert_eq!(listed, paged, "{name}");
                let residents: Vec<_> = households
                    .iter()
                    .flat_map(|h| store.household(&h.id).unwrap().residents)
                    .collect();
                let at_risk = residents.iter().filter(|p| !p.tags.is_empty()).count();
                assert_eq!(
                    (residents.len() as i64, at_risk as i64),
                    (c.persons, c.persons_at_risk),
                    "{name}"
                );
                let listed = store.cases_in(None, Some(&g.id)).unwrap();
                let open = |s: &str| matches!(s, "active" | "escalated" | "referred");
                let active = listed.iter().filter(|x| open(&x.status)).count() as i64;
                let escalated = store
                    .cases_listed(&CaseQuery {
                        in_escalation: true,
                        group: Some(&g.id),
                        ..Default::default()
                    })
                    .unwrap()
                    .len() as i64;
                assert_eq!(
                    escalated,
                    listed.iter().filter(|x| x.in_escalation).count() as i64
                );
                assert_eq!((active, escalated), (c.cases_active, c.escalated), "{name}");
                let due = store.due_in(day, Some(&g.id)).unwrap();
                let n = |s: &str| due.iter().filter(|d| d.status == s).count() as i64;
                assert_eq!(
                    (n("due"), n("done"), n("overdue"), n("missed")),
                    (c.due, c.done, c.overdue, c.missed),
                    "{name}"
                );
                let uncovered = store
                    .coverage(COVERAGE_DAYS, Some(&v.id), Some(&g.id))
                    .unwrap();
                assert!(uncovered
                    .iter()
                    .all(|h| h.group_name.as_deref() == Some(g.name.as_str())));
                let n = uncovered.len() as i64;
                assert_eq!(g.coverage, share(c.households - n, c.households), "{name}");
                cases += active;
                follow_ups += due.len();
                missed += c.missed;
                uncovered_seen += n;
            }
        }
    }
    assert!(cases > 0 && follow_ups > 0 && missed > 0 && uncovered_seen > 0);
    // A group narrows within its village only; an id that is not one is refused.
    let villages = store.villages().unwrap();
    let other = villages
        .iter()
        .skip(1)
        .flat_map(|v| &v.groups)
        .next()
        .unwrap();
    assert!(store
        .households_in(Some(&villages[0].id), Some(&other.id))
        .unwrap()
        .is_empty());
    for bad in ["1' OR '1'='1", ""] {
        assert!(store.cases_in(None, Some(bad)).is_err(), "{bad:?}");
        assert!(store.due_in(date, Some(bad)).is_err(), "{bad:?}");
        assert!(store.households_in(None, Some(bad)).is_err(), "{bad:?}");
        assert!(store.coverage(7, None, Some(bad)).is_err(), "{bad:?}");
    }
}

/// A village's figures are the sums of its groups' where every household of the village has
/// a group; where some have none, the groups' sums stay below.
#[test]
fn a_village_is_the_sum_of_its_groups() {
    let dir = tempfile::tempdir().unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    let store = seeded(dir.path(), date);
    type Figure = (&'static str, fn(&UnitCounts) -> i64);
    type Keyed = (&'static str, fn(&UnitCounts) -> &BTreeMap<String, i64>);
    let keyed: [Keyed; 3] = [
        ("by tag", |c| &c.by_tag),
        ("by 七类人", |c| &c.by_vulnerable),
        ("by kind", |c| &c.cases_by_kind),
    ];
    let figures: [Figure; 9] = [
        ("households", |c| c.households),
        ("persons", |c| c.persons),
        ("persons at risk", |c| c.persons_at_risk),
        ("open cases", |c| c.cases_active),
        ("escalated", |c| c.escalated),
        ("due", |c| c.due),
        ("done", |c| c.done),
        ("overdue", |c| c.overdue),
        ("missed", |c| c.missed),
    ];
    let mut whole = 0;
    for day in [date, date.pred_opt().unwrap()] {
        for v in store.overview(day).unwrap().villages {
            let grouped = store
                .households(Some(&v.id))
                .unwrap()
                .iter()
                .all(|h| h.group_id.is_some());
            for (what, f) in figures {
                let sum: i64 = v.groups.iter().map(|g| f(&g.counts)).sum();
                if grouped {
                    assert_eq!(sum, f(&v.counts), "{day} {}: {what}", v.name);
                } else {
                    assert!(sum <= f(&v.counts), "{day} {}: {what}", v.name);
                }
            }
            for (what, f) in keyed {
                for (k, n) in f(&v.counts) {
                    let sum: i64 = v.groups.iter().map(|g| f(&g.counts)[k]).sum();
                    if grouped {
                        assert_eq!(sum, *n, "{day} {}: {what} {k}", v.name);
                    } else {
                        assert!(sum <= *n, "{day} {}: {what} {k}", v.name);
                    }
                }
            }
            let kinds: i64 = v.counts.cases_by_kind.values().sum();
            assert_eq!(kinds, v.counts.cases_active, "{day} {}: kinds", v.name);
            whole += usize::from(grouped && v.counts.cases_active > 0);
        }
    }
    assert!(whole >= 2, "villages wholly in groups, with cases: {whole}");
}

/// Every figure by risk tag, by 七类人, by kind of isolation and by follow-up state, of the
/// township, of each village and of each group, is the length of the list it opens: the
/// persons list narrowed to the unit and the tag or category (any risk tag for the persons at
/// risk), the cases list narrowed to the unit and the kind, the day's follow-ups narrowed to
/// the unit and the state; and the 升级 figure the cases narrowed to those under 升级.
#[test]
fn every_figure_by_tag_kind_and_state_is_its_lists_length() {
    let dir = tempfile::tempdir().unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    let store = seeded(dir.path(), date);
    // What the seed reaches, so no comparison passes on zeros alone.
    let mut reached: BTreeMap<String, i64> = BTreeMap::new();
    for day in [date, date.pred_opt().unwrap()] {
        let o = store.overview(day).unwrap();
        let mut units: Vec<(String, Option<String>, Option<String>, &UnitCounts)> =
            vec![("township".into(), None, None, &o.township.counts)];
        for v in &o.villages {
            units.push((v.name.clone(), Some(v.id.clone()), None, &v.counts));
            for g in &v.groups {
                let name = format!("{} {}", v.name, g.name);
                units.push((name, Some(v.id.clone()), Some(g.id.clone()), &g.counts));
            }
        }
        for (name, village, group, c) in units {
            let name = format!("{day} {name}");
            let persons = |tag: Option<&str>, vulnerable: Option<&str>| {
                let rows = store
                    .persons_listed(&PersonQuery {
                        village: village.clone(),
                        group: group.clone(),
                        tag: tag.map(str::to_owned),
                        vulnerable: vulnerable.map(str::to_owned),
                    })
                    .unwrap();
                // Masked, as every list is.
                assert!(rows.iter().all(|p| p.id_number.contains('*')), "{name}");
                assert!(rows.iter().all(|p| group.is_none() || p.group_id == group));
                rows
            };
            let any = persons(None, None);
            assert_eq!(any.len() as i64, c.persons_at_risk, "{name}: at risk");
            assert!(any.iter().all(|p| !p.tags.is_empty()));
            for (code, n) in &c.by_tag {
                let rows = persons(Some(code), None);
                assert_eq!(rows.len() as i64, *n, "{name}: tag {code}");
                assert!(rows.iter().all(|p| p.tags.contains(code)));
                *reached.entry(format!("tag {code}")).or_default() += n;
            }
            for (code, n) in &c.by_vulnerable {
                let rows = persons(None, Some(code));
                assert_eq!(rows.len() as i64, *n, "{name}: 七类人 {code}");
                assert!(rows.iter().all(|p| p.vulnerable.contains(code)));
                *reached.entry(format!("vulnerable {code}")).or_default() += n;
            }
            let cases = |q: CaseQuery<'_>| {
                store
                    .cases_listed(&CaseQuery {
                        village: village.as_deref(),
                        group: group.as_deref(),
                        ..q
                    })
                    .unwrap()
            };
            for (kind, n) in &c.cases_by_kind {
                let rows = cases(CaseQuery {
                    kind: Some((kind, day)),
                    ..Default::default()
                });
                assert_eq!(rows.len() as i64, *n, "{name}: kind {kind}");
                *reached.entry(format!("kind {kind}")).or_default() += n;
            }
            let escalated = cases(CaseQuery {
                in_escalation: true,
                ..Default::default()
            });
            assert_eq!(escalated.len() as i64, c.escalated, "{name}: 升级");
            for (state, n) in [
                ("due", c.due),
                ("done", c.done),
                ("overdue", c.overdue),
                ("missed", c.missed),
            ] {
                let rows = store
                    .follow_ups(day, village.as_deref(), group.as_deref(), Some(state))
                    .unwrap();
                assert_eq!(rows.len() as i64, n, "{name}: follow-ups {state}");
                assert!(rows.iter().all(|r| r.status == state));
                *reached.entry(format!("state {state}")).or_default() += n;
            }
        }
    }
    for what in [
        "tag medium-risk",
        "tag red-code",
        "vulnerable chronic",
        "kind home-isolation",
        "kind centralized",
        "kind none",
        "state due",
        "state done",
        "state overdue",
        "state missed",
    ] {
        assert!(
            reached.get(what).copied().unwrap_or(0) > 0,
            "the seed reaches {what}: {reached:?}"
        );
    }
    // Labels are taken as codes; unknown values and ids that are not ids are refused.
    let by_label = store
        .persons_listed(&PersonQuery {
            tag: Some("中风险地区来返".into()),
            ..Default::default()
        })
        .unwrap();
    let by_code = store
        .persons_listed(&PersonQuery {
            tag: Some("medium-risk".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!by_code.is_empty());
    assert_eq!(by_label.len(), by_code.len());
    let bad_tag = PersonQuery {
        tag: Some("x' OR '1'='1".into()),
        ..Default::default()
    };
    assert!(store.persons_listed(&bad_tag).is_err());
    let bad_group = PersonQuery {
        group: Some("1' OR '1'='1".into()),
        ..Default::default()
    };
    assert!(store.persons_listed(&bad_group).is_err());
    assert!(store.follow_ups(date, None, None, Some("late")).is_err());
    assert!(store
        .cases_listed(&CaseQuery {
            kind: Some(("quarantine", date)),
            ..Default::default()
        })
        .is_err());
}
