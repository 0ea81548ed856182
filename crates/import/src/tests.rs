//! The plan against a real store: the dry run and the import are the same plan, a second
//! plan of the same file is empty, and a batch re-checks ID numbers written since the plan.

use std::ops::ControlFlow;
use std::path::PathBuf;

use gridbook_domain::validate::check_char;
use gridbook_store::{NewHousehold, NewPerson, Store, StoreError};

use crate::{
    execute, execute_until, parse_list_map, parse_map, plan_file, read_list, ImportError, Options,
    PersonAction, Report, RowStatus,
};

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

#[test]
fn a_header_row_chosen_by_number_with_the_columns_mapped() {
    let (dir, store, village) = setup();
    let file = csv(
        &dir,
        &format!(
            "十二月名单\n人名,证号,住处\n张三,{},一组1号\n李四,{},一组2号\n",
            id(21),
            id(22)
        ),
    );
    let mut opts = Options {
        village: Some(village),
        ..Options::default()
    };
    let Err(ImportError::NoHeader { head }) = plan_file(&store, &file, &opts) else {
        panic!("no header is found by these names");
    };
    assert_eq!(head.len(), 4);
    assert_eq!(
        (head[1].row, head[1].cells.join("|")),
        (2, "人名|证号|住处".into())
    );
    assert_eq!(
        Report::of_result(plan_file(&store, &file, &opts))
            .expect("report")
            .header_row,
        None
    );

    opts.header_row = Some(2);
    opts.map = parse_map("人名=name,证号=id_number,住处=address").expect("map");
    let plan = plan_file(&store, &file, &opts).expect("plan");
    assert_eq!(plan.header_row, 2);
    assert_eq!(plan.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 4]);
    assert_eq!((plan.households_added, plan.persons_added), (2, 2));
    let report = Report::of(&plan);
    assert_eq!(report.header_row, Some(2));
    assert_eq!(report.columns[1].field, Some("id_number"));

    opts.header_row = Some(40);
    assert!(matches!(
        plan_file(&store, &file, &opts),
        Err(ImportError::Unreadable { .. })
    ));
}

#[test]
fn a_cancelled_import_leaves_whole_batches_and_a_rerun_finishes_it() {
    let (dir, store, village) = setup();
    let mut text = String::from("户号,姓名,身份证号,与户主关系,住址\n");
    for h in 0..5 {
        for (p, rel) in ["户主", "配偶"].iter().enumerate() {
            let n = h * 2 + p as u32;
            text.push_str(&format!(
                "H{h},人{},{},{rel},一组{h}号\n",
                ["甲", "乙", "丙", "丁", "戊"][h as usize],
                id(100 + n)
            ));
        }
    }
    let file = csv(&dir, &text);
    let opts = Options {
        village: Some(village),
        ..Options::default()
    };
    let plan = plan_file(&store, &file, &opts).expect("plan");
    assert_eq!(plan.households.len(), 5);
    let mut seen = Vec::new();
    let run = execute_until(&store, &plan, 2, &mut |p| {
        seen.push(p.done);
        if p.done >= 4 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .expect("write");
    assert_eq!(
        seen,
        [2, 4],
        "a progress call per committed batch, none after the stop"
    );
    assert!(run.cancelled);
    assert_eq!((run.done, run.total), (4, 5));
    assert_eq!(
        (run.written.households_added, run.written.persons_added),
        (4, 8)
    );
    let (h, p, _) = store.counts().expect("counts");
    assert_eq!((h, p), (4, 8), "whole households of whole batches");

    let rest = plan_file(&store, &file, &opts).expect("plan the rest");
    assert_eq!((rest.households_added, rest.persons_added), (1, 2));
    let run = execute_until(&store, &rest, 2, &mut |_| ControlFlow::Break(())).expect("rest");
    assert!(!run.cancelled, "stopping after the last batch is finishing");
    let (h, p, _) = store.counts().expect("counts");
    assert_eq!((h, p), (5, 10));
    let again = Report::of(&plan_file(&store, &file, &opts).expect("again"));
    assert_eq!((again.unchanged, again.total), (10, 0));
}

#[test]
fn only_a_township_device_imports_the_roster() {
    let (dir, store, village) = setup();
    let file = csv(
        &dir,
        &format!("姓名,身份证号,住址\n张三,{},一组1号\n", id(30)),
    );
    let opts = Options {
        village: Some(village),
        ..Options::default()
    };
    let plan = plan_file(&store, &file, &opts).expect("a township device plans");
    store.set_setting("role", "grid-worker").expect("role");
    for e in [
        plan_file(&store, &file, &opts).map(|_| ()),
        execute(&store, &plan, 10, &mut |_| {}).map(|_| ()),
    ] {
        match e {
            Err(ImportError::Store(StoreError::Refused { code, .. })) => {
                assert_eq!(code, "not_township")
            }
            other => panic!("not refused: {other:?}"),
        }
    }
    let (h, p, _) = store.counts().expect("counts");
    assert_eq!((h, p), (0, 0));
}

#[test]
fn a_list_names_a_blank_or_repeated_column_by_position() {
    let (dir, _store, _village) = setup();
    let file = csv(
        &dir,
        &format!(
            "姓名,身份证号,联系电话,联系电话,,推送日期\n\
             张三,{},13800000001,13900000001,密接,2026-12-01\n\
             李四,{},,13900000002,次密接,2026-12-01\n",
            id(41),
            id(42)
        ),
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    let read = |spec: &str| {
        read_list(&file, None, &parse_list_map(spec).expect("map"), today).expect("list")
    };
    let columns = |l: &crate::ListFile| {
        l.columns
            .iter()
            .map(|c| (c.zh(), c.field))
            .collect::<Vec<_>>()
    };
    let detected = read("");
    assert_eq!(
        columns(&detected)[2..5],
        [
            ("联系电话（第C列）".to_owned(), Some("phone")),
            ("联系电话（第D列）".to_owned(), None),
            ("第E列（无表头）".to_owned(), None),
        ]
    );
    let phones = |l: &crate::ListFile| l.rows.iter().map(|r| r.phone.clone()).collect::<Vec<_>>();
    assert_eq!(
        phones(&detected),
        [Some("13800000001".to_owned()), None],
        "the leftmost 联系电话 only: 李四's row takes nothing from column D"
    );
    let chosen = read("#D=phone,category=#5");
    assert_eq!(
        phones(&chosen),
        [
            Some("13900000001".to_owned()),
            Some("13900000002".to_owned())
        ]
    );
    assert_eq!(
        chosen
            .rows
            .iter()
            .map(|r| r.category.as_deref())
            .collect::<Vec<_>>(),
        [Some("密接"), Some("次密接")]
    );
    assert_eq!(columns(&chosen)[2].1, None, "column C gives the phone up");
    assert!(matches!(
        read_list(
            &file,
            None,
            &parse_list_map("#G=phone").expect("map"),
            today
        ),
        Err(ImportError::NoColumn { .. })
    ));
}

#[test]
fn rows_parsed_in_chunks_on_two_threads_are_planned_in_file_order() {
    let (dir, store, village) = setup();
    // More rows than a chunk, so that several chunks are parsed, each on two threads.
    let n = 9_000u32;
    let mut text = String::from("户号,组,姓名,身份证号,联系电话,住址\n");
    for i in 0..n {
        let phone = if i % 7 == 3 { "12345" } else { "" };
        // The last row repeats the number of the first: refused as a duplicate in the file.
        let number = id(if i == n - 1 { 0 } else { i });
        // Names take no digits: the row's number in Chinese numerals.
        let name: String = i
            .to_string()
            .chars()
            .filter_map(|d| "零一二三四五六七八九".chars().nth(d.to_digit(10)? as usize))
            .collect();
        text.push_str(&format!("H{i},一组,张{name},{number},{phone},一组{i}号\n"));
    }
    let file = csv(&dir, &text);
    let opts = Options {
        village: Some(village),
        ..Options::default()
    };
    let plan = plan_file(&store, &file, &opts).expect("plan");
    assert_eq!(plan.rows.len(), n as usize);
    for (i, r) in plan.rows.iter().enumerate() {
        assert_eq!(r.row, i + 2, "rows in file order");
        let field = r.refusal.as_ref().map(|x| x.field);
        let expected = match i as u32 {
            i if i % 7 == 3 => Some("phone"),
            i if i == n - 1 => Some("id_number"),
            _ => None,
        };
        assert_eq!(field, expected, "row {}", r.row);
    }
    let duplicate = plan.rows.last().and_then(|r| r.refusal.as_ref());
    assert!(
        duplicate.is_some_and(|r| r.reason.contains("第2行")),
        "{duplicate:?}"
    );
    let refused = (0..n - 1).filter(|i| i % 7 == 3).count() + 1;
    assert_eq!(plan.persons_added, n as usize - refused);
}
