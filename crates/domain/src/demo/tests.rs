//! Tests of the demo generator: determinism, counts and the realism constraints.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::*;
use crate::model::{Gender, Relation, Vulnerable};
use crate::validate::check_char;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 11, 20).expect("valid date")
}

fn all(seed: u64, villages: usize, households: usize) -> (DemoPlan, Vec<DemoHousehold>) {
    let p = plan(seed, villages, households);
    let hs = (0..p.villages.len())
        .flat_map(|i| village_households(seed, &p, i, today()))
        .collect();
    (p, hs)
}

#[test]
fn demo_is_deterministic_per_seed() {
    let (p1, h1) = all(42, 5, 300);
    let (p2, h2) = all(42, 5, 300);
    assert_eq!(p1, p2);
    assert_eq!(h1, h2);
    let (p3, h3) = all(43, 5, 300);
    assert_ne!(p1.township.id, p3.township.id);
    assert_ne!(h1[0].household.id, h3[0].household.id);
    assert_ne!(h1[0].persons[0].id_number, h3[0].persons[0].id_number);
}

#[test]
fn demo_village_is_independent_of_the_others() {
    let p = plan(9, 6, 600);
    let alone = village_households(9, &p, 3, today());
    let again = village_households(9, &p, 3, today());
    assert_eq!(alone, again);
    assert!(village_households(9, &p, 99, today()).is_empty());
}

#[test]
fn demo_plan_counts_and_names() {
    let p = plan(1, 200, 12_345);
    assert_eq!(p.villages.len(), 200);
    assert_eq!(
        p.villages.iter().map(|v| v.households).sum::<usize>(),
        12_345
    );
    let names: HashSet<&str> = p.villages.iter().map(|v| v.village.name.as_str()).collect();
    assert_eq!(names.len(), 200, "village names are unique");
    assert!(p.township.name.ends_with('镇'));
    for v in &p.villages {
        assert!((3..=12).contains(&v.groups.len()));
        assert!(v.village.name.ends_with('村') || v.village.name.ends_with("社区"));
        assert_eq!(v.groups[0].name, "一组");
        assert!(v.groups.iter().all(|g| g.village_id == v.village.id));
    }
    let sizes: Vec<usize> = p.villages.iter().map(|v| v.households).collect();
    assert!(
        sizes.iter().max() > sizes.iter().min(),
        "villages differ in size"
    );
    assert_eq!(plan(1, 0, 10).villages.len(), 1);
    assert_eq!(
        plan(1, 3, 0)
            .villages
            .iter()
            .map(|v| v.households)
            .sum::<usize>(),
        0
    );
}

#[test]
fn demo_households_are_realistic() {
    let (p, hs) = all(7, 12, 4000);
    assert_eq!(hs.len(), 4000);
    let persons: usize = hs.iter().map(|h| h.persons.len()).sum();
    let ratio = persons as f64 / hs.len() as f64;
    assert!(
        (3.6..=4.05).contains(&ratio),
        "persons per household {ratio}"
    );
    let mut ids = HashSet::new();
    let mut elderly_alone = 0;
    for h in &hs {
        assert!((1..=6).contains(&h.persons.len()));
        let heads: Vec<_> = h
            .persons
            .iter()
            .filter(|x| x.relation == Relation::Head)
            .collect();
        assert_eq!(heads.len(), 1, "exactly one head");
        assert_eq!(h.household.head_person_id, Some(heads[0].id));
        assert_eq!(h.household.phone, heads[0].phone);
        assert!(p
            .villages
            .iter()
            .any(|v| v.village.id == h.household.village_id));
        assert!(h.household.address.ends_with('号'));
        let head_age = age(heads[0]);
        for x in &h.persons {
            assert_eq!(x.household_id, h.household.id);
            assert_id_matches(x);
            assert!(
                ids.insert(x.id_number.clone()),
                "duplicate ID {}",
                x.id_number
            );
            if x.relation == Relation::Child {
                let gap = head_age - age(x);
                assert!((19..=41).contains(&gap), "child gap {gap}");
            }
            if x.vulnerable.contains(&Vulnerable::ElderlyAlone) {
                assert_eq!(h.persons.len(), 1);
                assert!(age(x) >= 65);
                elderly_alone += 1;
            }
            if x.vulnerable.contains(&Vulnerable::Pregnant) {
                assert_eq!(x.gender, Gender::Female);
            }
            assert_phone(x.phone.as_deref());
        }
        let person_ids: HashSet<_> = h.persons.iter().map(|x| x.id).collect();
        assert!(h
            .vaccinations
            .iter()
            .all(|v| person_ids.contains(&v.person_id)));
        assert!(h
            .tests
            .iter()
            .all(|t| person_ids.contains(&t.person_id) && t.date <= today()));
        for pair in h.vaccinations.windows(2) {
            if pair[0].person_id == pair[1].person_id {
                assert!(pair[0].date < pair[1].date, "doses in order");
            }
        }
    }
    assert!(
        elderly_alone > 50,
        "some elderly live alone: {elderly_alone}"
    );
}

#[test]
fn demo_ids_are_unique_across_many_small_villages() {
    let (_, hs) = all(3, MAX_VILLAGES, 6000);
    let mut ids = HashSet::new();
    for x in hs.iter().flat_map(|h| &h.persons) {
        assert_id_matches(x);
        assert!(
            ids.insert(x.id_number.clone()),
            "duplicate ID {}",
            x.id_number
        );
    }
}

fn age(x: &Person) -> i64 {
    let birth = x.birth_date.expect("birth date");
    i64::from(today().years_since(birth).expect("born before today"))
}

fn assert_id_matches(x: &Person) {
    let n = &x.id_number;
    assert_eq!(n.len(), 18, "{n}");
    assert_eq!(
        check_char(&n[..17]).map(String::from).as_deref(),
        Some(&n[17..]),
        "check char of {n}"
    );
    let birth = x.birth_date.expect("birth date");
    assert_eq!(
        &n[6..14],
        birth.format("%Y%m%d").to_string(),
        "birth date of {n}"
    );
    let odd = (n.as_bytes()[16] - b'0') % 2 == 1;
    assert_eq!(odd, x.gender == Gender::Male, "gender parity of {n}");
    assert!(birth <= today());
}

fn assert_phone(phone: Option<&str>) {
    let Some(p) = phone else { return };
    if let Some(rest) = p.strip_prefix("0818-") {
        assert_eq!(rest.len(), 7);
    } else {
        assert_eq!(p.len(), 11, "{p}");
        assert!(p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit()));
    }
}

/// Prints the proportions of a full-size township and how long it took:
/// `cargo test --release -p gridbook-domain demo_full_size -- --ignored --nocapture`.
#[test]
#[ignore = "timing and proportions of 100k households; run in release"]
fn demo_full_size_proportions() {
    use crate::model::{Residency, RiskTag};
    let start = std::time::Instant::now();
    let p = plan(2022, 100, 100_000);
    let (mut households, mut persons, mut doses, mut tests, mut plates) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut residency = [0usize; 4];
    let (mut adults, mut away, mut risk, mut elderly60, mut chronic60) = (0, 0, 0, 0, 0);
    let (mut over_risk, mut close) = (0, 0);
    let mut vulnerable = [0usize; 7];
    let mut phones = 0;
    let mut ids = HashSet::new();
    for i in 0..p.villages.len() {
        for h in village_households(2022, &p, i, today()) {
            households += 1;
            persons += h.persons.len();
            doses += h.vaccinations.len();
            tests += h.tests.len();
            for x in &h.persons {
                let a = age(x);
                assert!(
                    ids.insert(x.id_number.clone()),
                    "duplicate ID {}",
                    x.id_number
                );
                residency[Residency::ALL
                    .iter()
                    .position(|r| *r == x.residency)
                    .unwrap_or(0)] += 1;
                if (18..=55).contains(&a) {
                    adults += 1;
                    away += usize::from(x.works_away);
                }
                risk += usize::from(!x.risk_tags.is_empty());
                over_risk += usize::from(x.risk_tags.contains(&RiskTag::Overseas));
                close += usize::from(x.risk_tags.contains(&RiskTag::CloseContact));
                for v in &x.vulnerable {
                    vulnerable[Vulnerable::ALL.iter().position(|k| k == v).unwrap_or(0)] += 1;
                }
                if a >= 60 {
                    elderly60 += 1;
                    chronic60 += usize::from(x.vulnerable.contains(&Vulnerable::Chronic));
                }
                phones += usize::from(x.phone.is_some());
                plates += usize::from(x.plate.is_some());
            }
        }
    }
    let elapsed = start.elapsed();
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d as f64;
    println!(
        "{} {} villages, {households} households, {persons} persons ({:.2}/hh) in {elapsed:?}",
        p.township.name,
        p.villages.len(),
        persons as f64 / households as f64
    );
    println!(
        "residency 户籍/常住/流动/租户 %: {:?}",
        residency.map(|n| (pct(n, persons) * 10.0).round() / 10.0)
    );
    println!(
        "works away {:.1}% of 18–55; any risk tag {:.2}%, 境外 {:.2}%, 密接 {:.2}%",
        pct(away, adults),
        pct(risk, persons),
        pct(over_risk, persons),
        pct(close, persons)
    );
    println!(
        "七类人 counts {vulnerable:?}; chronic {:.1}% of 60+",
        pct(chronic60, elderly60)
    );
    println!(
        "phones {:.1}%, plates {:.1}% of households, {doses} doses, {tests} tests",
        pct(phones, persons),
        pct(plates, households)
    );
    assert_eq!(households, 100_000);
}

#[test]
fn demo_values_pass_the_validators() {
    use crate::validate::{parse_mainland_id, parse_name, parse_phone, parse_plate};
    let (_, hs) = all(11, 8, 1500);
    for x in hs.iter().flat_map(|h| &h.persons) {
        let id = parse_mainland_id(&x.id_number, today()).expect("valid ID");
        assert_eq!(Some(id.birth_date), x.birth_date);
        assert_eq!(id.gender, x.gender);
        assert_eq!(parse_name(&x.name).expect("valid name"), x.name);
        if let Some(p) = &x.phone {
            parse_phone(p).expect("valid phone");
        }
        if let Some(p) = &x.plate {
            assert_eq!(&parse_plate(p).expect("valid plate"), p);
        }
    }
}
