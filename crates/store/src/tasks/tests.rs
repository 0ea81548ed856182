//! Tasks in one store: matching a family's shared phone, refusing a village device, the latest
//! answer counting, a second answer tagging the person once, and rebuilt projections.

use gridbook_domain::task::Outcome;
use gridbook_domain::validate::check_char;
use gridbook_domain::RiskTag;

use crate::{ListRow, NewHousehold, NewPerson, Store, StoreError, TaskFilter};

fn id(n: u32) -> String {
    let first = format!(
        "1101051990{:02}{:02}{:03}",
        1 + n % 12,
        1 + n % 28,
        n % 1000
    );
    format!("{first}{}", check_char(&first).unwrap())
}

fn person(name: &str, n: u32, phone: Option<&str>) -> NewPerson {
    NewPerson {
        name: name.into(),
        id_number: id(n),
        phone: phone.map(str::to_owned),
        ..NewPerson::default()
    }
}

/// 东山村: 张三 and 张小三 share the household phone 13800000001.
fn town() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let village = store.add_village("东山村").unwrap();
    let (household, _) = store
        .add_household(&NewHousehold {
            village_id: village.clone(),
            address: "一组1号".into(),
            phone: Some("13800000001".into()),
            head: person("张三", 1, Some("13800000001")),
            ..NewHousehold::default()
        })
        .unwrap();
    store
        .add_person(&household, &person("张小三", 2, Some("13800000001")))
        .unwrap();
    (dir, store, village)
}

fn row(n: usize, name: &str, phone: &str) -> ListRow {
    ListRow {
        row: n,
        name: name.into(),
        phone: Some(phone.into()),
        ..ListRow::default()
    }
}

#[test]
fn a_shared_phone_matches_the_one_of_that_name_or_nobody() {
    let (_d, store, village) = town();
    let done = store
        .import_task_list(
            "乡卫生院",
            Some(6),
            &[
                row(2, "张小三", "13800000001"),
                row(3, "李四", "13800000001"),
                ListRow {
                    row: 4,
                    id_number: id(1),
                    id_valid: true,
                    ..ListRow::default()
                },
            ],
        )
        .unwrap();
    assert_eq!(
        (
            done.matched,
            done.unmatched,
            done.by_phone,
            done.by_id_number
        ),
        (2, 1, 1, 1)
    );
    // A row with a number and no name is a task like any other.
    assert_eq!(store.tasks(&TaskFilter::default()).unwrap().len(), 3);
    assert_eq!(done.rows[0].village_id.as_deref(), Some(village.as_str()));
    let named = store.search("张小三", 5).unwrap();
    assert_eq!(
        done.rows[0].person_id.as_deref(),
        Some(named[0].person_id.as_str())
    );
    assert!(done.rows[1].person_id.is_none());
}

#[test]
fn a_village_device_does_not_import_and_nothing_is_written() {
    let (_d, store, _) = town();
    store.set_setting("role", "grid-worker").unwrap();
    let e = store
        .import_task_list("乡卫生院", None, &[row(2, "张三", "13800000001")])
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused { .. }), "{e:?}");
    assert!(store.tasks(&TaskFilter::default()).unwrap().is_empty());
}

#[test]
fn the_latest_answer_counts_and_a_rebuild_gives_the_same_rows() {
    let (_d, store, village) = town();
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok();
    store.set_now(at("2026-12-05T08:00"));
    let done = store
        .import_task_list(
            "县公安局",
            Some(24),
            &[row(2, "张三", "13800000001"), row(3, "王五", "13900000000")],
        )
        .unwrap();
    // Two people share that phone and the list names neither exactly: 张三 is one of them.
    assert_eq!(done.matched, 1, "{done:?}");
    let task = done.rows[0].task_id.clone();
    let open = store
        .tasks(&TaskFilter {
            open: true,
            ..TaskFilter::default()
        })
        .unwrap();
    assert_eq!((open.len(), open[0].due.as_str()), (2, "2026-12-06T08:00"));
    store.set_now(at("2026-12-05T09:00"));
    store
        .close_task(&task, Outcome::Left, Some("外出"), None)
        .unwrap();
    store.set_now(at("2026-12-05T10:00"));
    store
        .close_task(
            &task,
            Outcome::Present,
            Some("已返回"),
            Some(RiskTag::CloseContact),
        )
        .unwrap();
    let rows = store
        .tasks(&TaskFilter {
            village: Some(village),
            ..TaskFilter::default()
        })
        .unwrap();
    assert_eq!(rows[0].outcome.as_deref(), Some("present"));
    assert_eq!(rows[0].answer_note.as_deref(), Some("已返回"));
    assert_eq!(rows[0].tag.as_deref(), Some("close-contact"));
    // Past the due time an unanswered task is overdue and listed first; an answered one is not.
    store.set_now(at("2026-12-07T10:00"));
    let all = store.tasks(&TaskFilter::default()).unwrap();
    assert_eq!(
        (all[0].name.as_str(), all[0].overdue, all[0].status),
        ("王五", true, "open")
    );
    assert_eq!(
        (all[1].name.as_str(), all[1].overdue, all[1].status),
        ("张三", false, "done")
    );
    assert!(store.reindex(true).unwrap().equal);
}

#[test]
fn an_unmatched_row_is_handed_to_a_village_by_the_township_only() {
    let (_d, store, village) = town();
    let other = store.add_village("西山村").unwrap();
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok();
    store.set_now(at("2026-12-05T08:00"));
    let done = store
        .import_task_list("县公安局", Some(6), &[row(2, "张三", "13900000000")])
        .unwrap();
    assert_eq!(done.unmatched, 1, "{done:?}");
    let from = done.rows[0].task_id.clone();
    let zhang = store.search("张三", 5).unwrap()[0].person_id.clone();
    let heads = store.doc_heads().unwrap();

    // An unknown village, a person of another village, a task id that is none: refused with
    // the field named, nothing written.
    let field = |e: StoreError| match e {
        StoreError::Invalid(f) => (f.field, f.reason, f.zh.is_empty() || f.en.is_empty()),
        other => panic!("{other:?}"),
    };
    for bad in ["00000000-0000-4000-8000-000000000000", "东山村", ""] {
        let e = store.assign_task(&from, bad, None).unwrap_err();
        assert_eq!(field(e), ("village", "unknown", false), "{bad}");
    }
    let e = store.assign_task(&from, &other, Some(&zhang)).unwrap_err();
    assert_eq!(field(e), ("person", "not_in_village", false));
    let e = store.assign_task("not-a-task", &village, None).unwrap_err();
    assert_eq!(field(e), ("task", "uuid", false));
    let e = store
        .assign_task("00000000-0000-4000-8000-000000000000", &village, None)
        .unwrap_err();
    assert_eq!(e.kind(), "not_found");
    // A grid worker's device does not assign, not even in its own village.
    store.set_setting("role", "grid-worker").unwrap();
    store.set_setting("village_id", &village).unwrap();
    let e = store.assign_task(&from, &village, None).unwrap_err();
    assert!(matches!(e, StoreError::Refused { .. }), "{e:?}");
    assert_eq!(store.doc_heads().unwrap(), heads, "nothing written");

    store.set_setting("role", "township").unwrap();
    store.set_setting("village_id", "").unwrap();
    store.set_now(at("2026-12-05T20:00"));
    let given = store.assign_task(&from, &village, Some(&zhang)).unwrap();
    assert_eq!(
        given.due, "2026-12-06T20:00",
        "the township's default hours from now"
    );
    assert!(store
        .tasks(&TaskFilter {
            unmatched: true,
            ..TaskFilter::default()
        })
        .unwrap()
        .is_empty());
    let theirs = store
        .tasks(&TaskFilter {
            village: Some(village.clone()),
            ..TaskFilter::default()
        })
        .unwrap();
    assert_eq!(theirs.len(), 1);
    let t = &theirs[0];
    assert_eq!(
        (
            t.task_id.as_str(),
            t.person_id.as_deref(),
            t.match_by.as_deref(),
            t.phone.as_deref(),
            t.source.as_str()
        ),
        (
            given.task_id.as_str(),
            Some(zhang.as_str()),
            Some("township"),
            Some("13900000000"),
            "县公安局"
        )
    );
    // Assigned once: again, or a matched task, is refused; the same list again adds nothing.
    let e = store.assign_task(&from, &other, None).unwrap_err();
    assert_eq!(e.kind(), "refused");
    let e = store.assign_task(&given.task_id, &other, None).unwrap_err();
    assert_eq!(e.kind(), "refused");
    let again = store
        .import_task_list("县公安局", Some(6), &[row(2, "张三", "13900000000")])
        .unwrap();
    assert_eq!(again.created, 0);
    assert_eq!(store.tasks(&TaskFilter::default()).unwrap().len(), 1);
    // The village answers it like any task, tagging the person the township named.
    store
        .close_task(
            &given.task_id,
            Outcome::Present,
            None,
            Some(RiskTag::CloseContact),
        )
        .unwrap();
    let tags = store.person(&zhang).unwrap().tags;
    assert!(tags.contains(&"close-contact".to_owned()), "{tags:?}");
    assert!(store.reindex(true).unwrap().equal);
}
