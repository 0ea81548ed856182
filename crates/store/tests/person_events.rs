//! A person's vaccinations and tests, as the ledger reads them: how many doses and the latest
//! test, after writes, after a merge from another device, and after a rebuild.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gridbook_domain::TestResult;
use gridbook_store::{NewHousehold, NewPerson, Store};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 11, d).unwrap()
}

#[test]
fn doses_and_the_latest_test_follow_the_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("a")).unwrap();
    let village = store.add_village("清水村").unwrap();
    let (_, person) = store
        .add_household(&NewHousehold {
            village_id: village.clone(),
            address: "清水村一组1号".into(),
            head: NewPerson {
                name: "张三丰".into(),
                id_number: "11010519491231002X".into(),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    let p = store.person(&person).unwrap();
    assert_eq!((p.doses, p.last_test.as_deref()), (0, None));

    store
        .record_vaccination(&person, day(1), Some("科兴"))
        .unwrap();
    store
        .record_test(&person, day(9), TestResult::Positive)
        .unwrap();
    store
        .record_test(&person, day(3), TestResult::Negative)
        .unwrap();
    store
        .record_vaccination(&person, day(20), Some("国药"))
        .unwrap();
    let p = store.person(&person).unwrap();
    assert_eq!(p.doses, 2);
    assert_eq!(p.last_test.as_deref(), Some("2022-11-09 positive"));

    // Another device that receives the ledger reads the same.
    let other = Store::open(dir.path().join("b")).unwrap();
    let ledger = gridbook_store::doc_id(gridbook_store::DocKind::Ledger, &village);
    other
        .merge_doc_bytes(&ledger, &store.export_doc(&ledger).unwrap())
        .unwrap();
    let q = other.person(&person).unwrap();
    assert_eq!(
        (q.doses, q.last_test.clone()),
        (p.doses, p.last_test.clone())
    );
    // A dose recorded there and merged back counts once on both.
    other.record_vaccination(&person, day(25), None).unwrap();
    store
        .merge_doc_bytes(&ledger, &other.export_doc(&ledger).unwrap())
        .unwrap();
    assert_eq!(store.person(&person).unwrap().doses, 3);
    assert!(store.reindex(true).unwrap().equal);
    assert!(other.reindex(true).unwrap().equal);
}
