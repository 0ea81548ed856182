//! The plan against a real store: the dry run and the import are the same plan, a second
//! plan of the same file is empty, and a batch re-checks ID numbers written since the plan.

use std::path::PathBuf;

use gridbook_domain::validate::check_char;
use gridbook_store::{NewHousehold, NewPerson, Store};

use crate::{execute, plan_file, Options, PersonAction, RowStatus};

fn id(n: u32) -> String {
    let first17 = format!("110105198001{:02}{:03}", 1 + n / 1000 % 28, n % 1000);
    let c = check_char(&first17).expect("17 digits");
    format!("{first17}{c}")
}

fn setup() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path().join("data")).expect("store");
    let village = store.add_village("红星村").expect("village");
    store.add_group(&village, "一组").expect("group");
    (dir, store, village)
}

fn csv(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let p = dir.path().join("t.csv");
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn the_same_file_twice_plans_nothing_the_second_time() {
    let (dir, store, village) = setup();
    let file = csv(
        &dir,
        &format!(
            "户号,组,姓名,身份证号,与户主关系,住址\nA,一组,张三,{},户主,一组1号\nA,一组,李四,{},配偶,一组1号\nB,一组,王五,{},,一组2号\n",
            id(1),
            id(2),
            id(3)
        ),
    );
    let opts = Options {
        village: Some(village),
        ..Options::default()
    };
    let plan = plan_file(&store, &file, &opts).expect("plan");
    assert_eq!(plan.households_added, 2);
    assert_eq!(plan.persons_added, 3);
    assert!(plan.rows.iter().all(|r| r.status == RowStatus::Ok));
    let mut seen = Vec::new();
    let w = execute(&store, &plan, 1, &mut |p| seen.push((p.done, p.total))).expect("write");
    assert_eq!(seen, [(1, 2), (2, 2)], "a progress call per batch");
    assert_eq!((w.households_added, w.persons_added), (2, 3));
    let again = plan_file(&store, &file, &opts).expect("plan again");
    assert!(again.households.is_empty() && again.fills.is_empty());
    assert!(again
        .rows
        .iter()
        .all(|r| r.action == Some(PersonAction::Unchanged)));
    let (h, p, _) = store.counts().expect("counts");
    assert_eq!((h, p), (2, 3));
}

#[test]
fn a_person_written_after_the_plan_is_not_written_twice() {
    let (dir, store, village) = setup();
    let file = csv(
        &dir,
        &format!(
            "姓名,身份证号,住址\n张三,{},一组1号\n李四,{},一组2号\n",
            id(7),
            id(8)
        ),
    );
    let opts = Options {
        village: Some(village.clone()),
        ..Options::default()
    };
    let plan = plan_file(&store, &file, &opts).expect("plan");
    assert_eq!(plan.persons_added, 2);
    // Someone else registers 张三 before the import runs.
    store
        .add_household(&NewHousehold {
            village_id: village,
            address: "一组1号".into(),
            head: NewPerson {
                name: "张三".into(),
                id_number: id(7),
                ..NewPerson::default()
            },
            ..NewHousehold::default()
        })
        .expect("add");
    let w = execute(&store, &plan, 500, &mut |_| {}).expect("write");
    assert_eq!(
        (w.persons_added, w.persons_skipped, w.households_added),
        (1, 1, 1)
    );
    let (h, p, _) = store.counts().expect("counts");
    assert_eq!((h, p), (2, 2));
}
