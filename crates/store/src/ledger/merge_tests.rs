//! Tests of duplicate detection and merging (real SQLite stores in temporary directories).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use gridbook_domain::validate::check_char;
use tempfile::TempDir;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::ledger::duplicates::Reason;
use crate::ledger::merge::resolve;
use crate::{NewHousehold, NewPerson, Store, StoreError};

/// A valid mainland ID number born on `birth` (YYYYMMDD) with sequence `seq`.
fn idn(birth: &str, seq: u32) -> String {
    let first = format!("110105{birth}{seq:03}");
    format!("{first}{}", check_char(&first).unwrap())
}

fn person(name: &str, id: &str, phone: Option<&str>) -> NewPerson {
    NewPerson {
        name: name.into(),
        id_number: id.into(),
        phone: phone.map(str::to_owned),
        ..Default::default()
    }
}

/// Adds a household headed by `p`; returns the person id.
fn household(s: &Store, village: &str, address: &str, p: NewPerson) -> String {
    let h = NewHousehold {
        village_id: village.into(),
        address: address.into(),
        head: p,
        ..Default::default()
    };
    s.add_household(&h).unwrap().1
}

/// Adds a household at `address` headed by a 张三 born on 1990-03-14 with sequence `seq`;
/// returns the person id.
fn zhang_san(s: &Store, village: &str, address: &str, seq: u32) -> String {
    household(
        s,
        village,
        address,
        person("张三", &idn("19900314", seq), None),
    )
}

fn names(s: &Store, q: &str) -> Vec<String> {
    s.search(q, 20)
        .unwrap()
        .into_iter()
        .map(|h| h.person_id)
        .collect()
}

/// A store in a temporary directory (kept alive by the first value) with the village 东山村.
fn one_store() -> (TempDir, Store, String) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).unwrap();
    let v = s.add_village("东山村").unwrap();
    (d, s, v)
}

/// Two stores of one township, each in its own directory (the first value keeps them): on
/// the first a village with two households, each headed by a 张三 born the same day (the two
/// person ids); the second holds the same grid and ledger documents (the ledger's id).
fn two_stores() -> ((TempDir, TempDir), Store, Store, [String; 2], String) {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sa, sb) = (
        Store::open(da.path()).unwrap(),
        Store::open(db.path()).unwrap(),
    );
    let v = sa.add_village("东山村").unwrap();
    let x = zhang_san(&sa, &v, "1组1号", 11);
    let y = zhang_san(&sa, &v, "2组5号", 23);
    let township = sa.township_id().unwrap();
    sb.set_setting("township_id", &township).unwrap();
    let (grid, ledger) = (
        doc_id(DocKind::Grid, &township),
        doc_id(DocKind::Ledger, &v),
    );
    for d in [&grid, &ledger] {
        sb.merge_doc_bytes(d, &sa.export_doc(d).unwrap()).unwrap();
    }
    ((da, db), sa, sb, [x, y], ledger)
}

/// Sends the ledger document from `sa` to `sb`, then back.
fn exchange(sa: &Store, sb: &Store, ledger: &str) {
    sb.merge_doc_bytes(ledger, &sa.export_doc(ledger).unwrap())
        .unwrap();
    sa.merge_doc_bytes(ledger, &sb.export_doc(ledger).unwrap())
        .unwrap();
}

fn links(pairs: &[(&str, Option<&str>, bool)]) -> BTreeMap<String, (Option<String>, bool)> {
    pairs
        .iter()
        .map(|(a, b, r)| (a.to_string(), (b.map(str::to_owned), *r)))
        .collect()
}

#[test]
fn the_merge_map_resolves_chains_cycles_and_missing_targets() {
    // A chain: A→B→C.
    let r = resolve(&links(&[
        ("a", Some("b"), false),
        ("b", Some("c"), false),
        ("c", None, false),
    ]));
    assert_eq!(r["a"].as_deref(), Some("c"));
    assert_eq!(r["b"].as_deref(), Some("c"));
    assert_eq!(r["c"], None);
    // Opposite merges made concurrently: the smaller id survives, whichever order.
    let r = resolve(&links(&[("b", Some("a"), false), ("a", Some("b"), false)]));
    assert_eq!((r["a"].clone(), r["b"].as_deref()), (None, Some("a")));
    // A three-cycle with a chain into it.
    let r = resolve(&links(&[
        ("c", Some("d"), false),
        ("d", Some("b"), false),
        ("b", Some("c"), false),
        ("e", Some("c"), false),
    ]));
    assert_eq!(r["b"], None);
    for x in ["c", "d", "e"] {
        assert_eq!(r[x].as_deref(), Some("b"), "{x}");
    }
    // A merge into a person deleted, or not here, does not hide the merged person.
    let r = resolve(&links(&[
        ("a", Some("b"), false),
        ("b", Some("c"), false),
        ("c", None, true),
        ("x", Some("gone"), false),
    ]));
    assert_eq!(r["a"].as_deref(), Some("b"));
    assert_eq!((r["b"].clone(), r["x"].clone()), (None, None));
}

#[test]
fn duplicates_are_found_with_their_strongest_reason() {
    let (_d, s, v) = one_store();
    let a = zhang_san(&s, &v, "1组1号", 11);
    let b = zhang_san(&s, &v, "2组5号", 23);
    let c = household(
        &s,
        &v,
        "1组2号",
        person("李四", &idn("19800101", 11), Some("13800138000")),
    );
    let e = household(
        &s,
        &v,
        "3组1号",
        person("李四", &idn("19810101", 11), Some("13800138000")),
    );
    let f = household(&s, &v, "3组2号", person("王五", &idn("19700101", 11), None));
    let x = household(&s, &v, "3组3号", person("赵六", &idn("19600101", 11), None));
    household(&s, &v, "3组4号", person("孙七", &idn("19600101", 13), None));
    // The same ID number in two households (as two devices, or an old import, could leave it).
    {
        let mut g = s.lock();
        let fields = [("id_number".to_owned(), idn("19700101", 11).as_str().into())];
        s.write_fields(&mut g, &v, &x, &fields, "edit").unwrap();
    }
    let found = s.duplicates().unwrap();
    let pair = |p: &str, q: &str| {
        let mut k = [p.to_owned(), q.to_owned()];
        k.sort();
        k
    };
    let got: Vec<([String; 2], Reason)> = found
        .iter()
        .map(|d| (d.persons.clone(), d.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            (pair(&f, &x), Reason::SameIdNumber),
            (pair(&a, &b), Reason::SameNameBirth),
            (pair(&c, &e), Reason::SameNamePhone),
        ]
    );
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["reason"], "same_id_number");
    // Merged, a pair is no longer listed.
    s.merge_person(&b, &a, &[]).unwrap();
    assert_eq!(s.duplicates().unwrap().len(), 2);
}

#[test]
fn a_merge_hides_the_person_its_events_follow_and_history_shows_it() {
    let (_d, s, v) = one_store();
    let keep = zhang_san(&s, &v, "1组1号", 11);
    let gone = household(
        &s,
        &v,
        "2组5号",
        person("张三", &idn("19900314", 23), Some("13900139000")),
    );
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    s.record_vaccination(&gone, date, Some("科兴")).unwrap();
    s.record_test(&gone, date, gridbook_domain::TestResult::Negative)
        .unwrap();
    s.record_vaccination(&keep, date, None).unwrap();
    let (_, persons_before, _) = s.counts().unwrap();
    assert_eq!(names(&s, "张三").len(), 2);

    let preview = s.merge_preview(&keep, &gone).unwrap();
    assert!(preview.differing.contains(&"phone"));
    assert!(preview.differing.contains(&"household"));
    assert!(!preview.differing.contains(&"name"));

    s.merge_person(&gone, &keep, &["phone".into()]).unwrap();
    assert_eq!(
        names(&s, "张三"),
        vec![keep.clone()],
        "search shows one person"
    );
    assert_eq!(s.counts().unwrap().1, persons_before - 1);
    let survivor = s.person(&keep).unwrap();
    assert_eq!(
        survivor.doses, 2,
        "the merged person's dose counts for the survivor"
    );
    assert!(survivor.last_test.is_some());
    assert_eq!(survivor.merged, vec![gone.clone()]);
    assert_eq!(
        survivor.phone.as_deref(),
        Some("13900139000"),
        "filled as asked"
    );
    let merged = s.person(&gone).unwrap();
    assert_eq!(merged.merged_into.as_deref(), Some(keep.as_str()));
    let h = s.history(&gone).unwrap();
    assert!(h
        .iter()
        .any(|e| e.what == "merge" && e.field == "merged_into" && e.new == keep.as_str()));
    assert!(s.reindex(true).unwrap().equal);
    // Its household lists it no more; an edit of it is refused (it is not in lists).
    let hh = s.household(&preview.persons[1].household_id).unwrap();
    assert!(hh.residents.is_empty());
    assert!(s
        .set_person(&gone, &[("name".into(), "张叁".into())])
        .is_err());

    // Its number cannot be added again while it is merged.
    let again = person("张三", &preview.persons[1].id_number, None);
    assert!(s
        .add_person(&preview.persons[0].household_id, &again)
        .is_err());
    let listed: Vec<String> = s
        .merged_persons()
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, vec![gone.clone()]);
    s.unmerge_person(&gone).unwrap();
    assert!(s.merged_persons().unwrap().is_empty());
    assert_eq!(names(&s, "张三").len(), 2);
    assert_eq!(s.person(&keep).unwrap().doses, 1);
    assert_eq!(s.person(&gone).unwrap().merged_into, None);
    assert!(s
        .history(&gone)
        .unwrap()
        .iter()
        .any(|e| e.what == "unmerge"));
    assert!(s.reindex(true).unwrap().equal);
    let e = s.unmerge_person(&gone).unwrap_err();
    assert!(matches!(e, StoreError::Refused { ref code, .. } if code == "not_merged"));
}

#[test]
fn a_chain_resolves_to_its_end_and_a_deleted_end_releases_it() {
    let (_d, s, v) = one_store();
    let a = zhang_san(&s, &v, "1组1号", 11);
    let b = zhang_san(&s, &v, "1组2号", 23);
    let c = zhang_san(&s, &v, "1组3号", 35);
    s.merge_person(&a, &b, &[]).unwrap();
    s.merge_person(&b, &c, &[]).unwrap();
    assert_eq!(
        s.person(&a).unwrap().merged_into.as_deref(),
        Some(c.as_str())
    );
    let mut m = s.person(&c).unwrap().merged;
    m.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(m, want);
    assert!(s.reindex(true).unwrap().equal);
    s.set_person(&c, &[("deleted".into(), "是".into())])
        .unwrap();
    assert_eq!(
        s.person(&a).unwrap().merged_into.as_deref(),
        Some(b.as_str())
    );
    assert_eq!(names(&s, "张三"), vec![b.clone()]);
    assert!(s.reindex(true).unwrap().equal);
}

#[test]
fn opposite_merges_on_two_stores_meet_in_one_survivor() {
    let (_dirs, sa, sb, [x, y], ledger) = two_stores();
    sa.merge_person(&x, &y, &[]).unwrap();
    sb.merge_person(&y, &x, &[]).unwrap();
    exchange(&sa, &sb, &ledger);
    let (small, large) = if x < y { (&x, &y) } else { (&y, &x) };
    for s in [&sa, &sb] {
        assert_eq!(names(s, "张三"), vec![small.clone()]);
        assert_eq!(
            s.person(large).unwrap().merged_into.as_deref(),
            Some(small.as_str())
        );
        assert_eq!(s.person(small).unwrap().merged_into, None);
        assert!(s.reindex(true).unwrap().equal);
    }
    // Undoing the merge of the one hidden undoes the opposite one too: both come back.
    sa.unmerge_person(large).unwrap();
    assert_eq!(names(&sa, "张三").len(), 2);
    assert!(sa.reindex(true).unwrap().equal);
}

#[test]
fn a_grid_worker_device_merges_only_within_its_village() {
    let (_d, s, v1) = one_store();
    let v2 = s.add_village("西山村").unwrap();
    let a = zhang_san(&s, &v1, "1组1号", 11);
    let b = zhang_san(&s, &v2, "1组1号", 23);
    let c = zhang_san(&s, &v1, "1组2号", 35);
    s.set_setting("role", "grid-worker").unwrap();
    s.set_setting("village_id", &v1).unwrap();
    let e = s.merge_person(&b, &a, &[]).unwrap_err();
    assert!(matches!(e, StoreError::Refused { ref code, .. } if code == "cross_village"));
    assert!(e.messages().0.contains("乡镇"));
    assert_eq!(names(&s, "张三").len(), 3, "nothing changed");
    s.merge_person(&c, &a, &[]).unwrap();
    s.set_setting("role", "township").unwrap();
    s.merge_person(&b, &a, &[]).unwrap();
    assert_eq!(names(&s, "张三"), vec![a]);
}

#[test]
fn the_same_merge_on_two_stores_gives_one_survivor() {
    let (_dirs, sa, sb, [x, y], ledger) = two_stores();
    sa.merge_person(&x, &y, &[]).unwrap();
    sb.merge_person(&x, &y, &[]).unwrap();
    exchange(&sa, &sb, &ledger);
    for s in [&sa, &sb] {
        assert_eq!(names(s, "张三"), vec![y.clone()]);
        assert_eq!(
            s.person(&x).unwrap().merged_into.as_deref(),
            Some(y.as_str())
        );
        assert!(s.reindex(true).unwrap().equal);
    }
    sb.unmerge_person(&x).unwrap();
    assert_eq!(names(&sb, "张三").len(), 2);
}
