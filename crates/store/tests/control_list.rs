//! The township control list on real SQLite files: a case written in village B's store
//! writes B's list in the same commit; a store of village A that receives only the grid, A's
//! ledger and B's list (what the relay gives A's checkpoint) recognises B's person by ID
//! number, with the state and B's name, and holds no name or address of B; ending the case
//! ends the state; `reindex --check` stays equal on both. An open case without a control
//! record (written the old way) gets one from a backfill, once, by a device that may write
//! its village's cases, and two concurrent backfills merge into one record; a corrected ID
//! number moves the record's hash with it.

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::Decision;
use gridbook_store::forms::EntryForm;
use gridbook_store::{doc_id, DocKind, NewCase, NewCheck, NewHousehold, NewPerson, Place, Store};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .expect("the test's setup and store calls succeed")
}

/// A valid mainland ID number with sequence `n` (birth 1980-01-01, region 110105).
fn id_number(n: u32) -> String {
    let first17 = format!("11010519800101{n:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

fn household(store: &Store, village: &str, address: &str, name: &str, idn: &str) -> String {
    let (_, head) = store
        .add_household(&NewHousehold {
            village_id: village.to_owned(),
            address: address.to_owned(),
            head: NewPerson {
                name: name.to_owned(),
                id_number: idn.to_owned(),
                ..NewPerson::default()
            },
            ..NewHousehold::default()
        })
        .expect("the test's setup and store calls succeed");
    head
}

/// Copies document `id` from one store to another (what a sync through the relay gives).
fn copy(from: &Store, to: &Store, id: &str) {
    to.merge_doc_bytes(
        id,
        &from
            .export_doc(id)
            .expect("the test's setup and store calls succeed"),
    )
    .expect("the test's setup and store calls succeed");
}

fn out_form(checkpoint: &str, name: &str, idn: &str) -> EntryForm {
    EntryForm {
        checkpoint: checkpoint.to_owned(),
        direction: "out".into(),
        name: name.to_owned(),
        id_number: idn.to_owned(),
        temp: "36.5".into(),
        code: "green".into(),
        purpose: "买菜".into(),
        ..EntryForm::default()
    }
}

#[test]
fn a_checkpoint_of_village_a_recognises_a_person_isolated_in_village_b_and_holds_nothing_else() {
    let (db, da) = (
        tempfile::tempdir().expect("the test's setup and store calls succeed"),
        tempfile::tempdir().expect("the test's setup and store calls succeed"),
    );
    // B's store plays the township and B's grid worker: it makes the grid and both villages.
    let b = Store::open(db.path()).expect("the test's setup and store calls succeed");
    b.set_now(Some(at("2026-12-07T09:00")));
    let village_a = b
        .add_village("甲村")
        .expect("the test's setup and store calls succeed");
    let village_b = b
        .add_village("乙村")
        .expect("the test's setup and store calls succeed");
    let township = b
        .township_id()
        .expect("the test's setup and store calls succeed");
    let isolated = id_number(17);
    let person = household(&b, &village_b, "乙村三组9号", "王秘密", &isolated);
    let case = b
        .start_case(&home_case(&person))
        .expect("the test's setup and store calls succeed");
    let control_b = doc_id(DocKind::Control, &village_b);
    assert!(b
        .doc_heads()
        .expect("the test's setup and store calls succeed")
        .iter()
        .any(|(d, _)| *d == control_b));

    // A's checkpoint store: its village's ledger, the grid and B's control list only.
    let a = Store::open(da.path()).expect("the test's setup and store calls succeed");
    a.set_now(Some(at("2026-12-07T14:05")));
    a.set_setting("township_id", &township)
        .expect("the test's setup and store calls succeed");
    copy(&b, &a, &doc_id(DocKind::Grid, &township));
    copy(&b, &a, &control_b);
    let own = id_number(21);
    household(&a, &village_a, "甲村一组1号", "李四", &own);
    let checkpoint = a
        .add_checkpoint(&village_a, "甲村村口", None)
        .expect("the test's setup and store calls succeed");

    // The match card: B's person by whole ID number, with B's name and the state.
    let hits = a
        .match_residents(&checkpoint, &isolated, 8)
        .expect("the test's setup and store calls succeed");
    assert_eq!(hits.len(), 1, "{hits:?}");
    let iso = hits[0].isolation.as_ref().expect("a state");
    assert_eq!(hits[0].matched, "control");
    assert_eq!((hits[0].name.as_str(), hits[0].address.as_str()), ("", ""));
    assert_eq!(iso.label, "乙村管控：居家隔离第3天，至12月18日");
    assert_eq!(iso.village.as_deref(), Some("乙村"));
    assert_eq!(iso.kind, "home-isolation");
    // An ID tail is no whole number: no hash, no control hit.
    assert!(a
        .match_residents(&checkpoint, &isolated[12..], 8)
        .expect("the test's setup and store calls succeed")
        .is_empty());
    // The own resident keeps the ledger path, with no state.
    let mine = a
        .match_residents(&checkpoint, &own, 8)
        .expect("the test's setup and store calls succeed");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].name.as_str(), mine[0].isolation.is_none()),
        ("李四", true)
    );

    // The entry's suggestion follows the township's isolation rule: turned back, with why.
    let preview = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .expect("the test's setup and store calls succeed");
    assert_eq!(preview.decision, Some(Decision::TurnBack));
    assert_eq!(preview.reasons[0].code, "isolation");
    assert_eq!(preview.reasons[0].zh, "居家隔离第3天，至12月18日");
    assert_eq!(preview.person_id, None);
    let own_preview = a
        .preview_entry(&out_form(&checkpoint, "李四", &own))
        .expect("the test's setup and store calls succeed");
    assert_eq!(own_preview.decision, Some(Decision::Allow));

    // A's file holds no name or address of B (the list has none; the ledger of B is not here).
    let all = dir_bytes(da.path());
    assert!(contains(&all, "李四".as_bytes()), "the files are readable");
    for secret in ["王秘密", "乙村三组9号"] {
        assert!(
            !contains(&all, secret.as_bytes()),
            "{secret} found in A's files"
        );
    }

    // An escalation in B shows at A after the next sync: 留观转运.
    b.set_now(Some(at("2026-12-07T10:00")));
    b.record_check(
        &case,
        &NewCheck {
            temp_tenths: Some(381),
            symptoms: Vec::new(),
            method: gridbook_domain::isolation::CheckMethod::Phone,
            at: None,
            by: None,
        },
    )
    .expect("the test's setup and store calls succeed");
    copy(&b, &a, &control_b);
    let p = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .expect("the test's setup and store calls succeed");
    assert_eq!(p.decision, Some(Decision::Observe), "{p:?}");
    assert_eq!(
        p.isolation
            .as_ref()
            .expect("the test's setup and store calls succeed")
            .kind,
        "referral"
    );

    // Cancelling the case in B ends the state at A after the next sync.
    b.close_case(&case, "cancelled", "登记错误")
        .expect("the test's setup and store calls succeed");
    copy(&b, &a, &control_b);
    assert!(a
        .match_residents(&checkpoint, &isolated, 8)
        .expect("the test's setup and store calls succeed")
        .is_empty());
    let after = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .expect("the test's setup and store calls succeed");
    assert_eq!(
        (after.decision, after.isolation),
        (Some(Decision::Allow), None)
    );

    for s in [&a, &b] {
        assert_rebuilds(s);
    }
}

/// Every byte of every file under `dir` (the store, its WAL).
fn dir_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)
        .expect("the test's setup and store calls succeed")
        .flatten()
    {
        if e.path().is_file() {
            out.extend(std::fs::read(e.path()).expect("the test's setup and store calls succeed"));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_case_write_that_fails_leaves_neither_document_changed() {
    let d = tempfile::tempdir().expect("the test's setup and store calls succeed");
    let s = Store::open(d.path()).expect("the test's setup and store calls succeed");
    s.set_now(Some(at("2026-12-07T09:00")));
    let v = s
        .add_village("乙村")
        .expect("the test's setup and store calls succeed");
    let p = household(&s, &v, "乙村一组1号", "赵六", &id_number(31));
    let new = home_case(&p);
    let case = s
        .start_case(&new)
        .expect("the test's setup and store calls succeed");
    let heads = s
        .doc_heads()
        .expect("the test's setup and store calls succeed");
    // A second open case for the same person is refused: nothing changes in either document.
    assert!(s.start_case(&new).is_err());
    assert_eq!(
        s.doc_heads()
            .expect("the test's setup and store calls succeed"),
        heads
    );
    // Releasing too early is refused: nothing changes either.
    assert!(s.release_case(&case, None).is_err());
    assert_eq!(
        s.doc_heads()
            .expect("the test's setup and store calls succeed"),
        heads
    );
}

/// A home isolation of `person` from 2026-12-05.
fn home_case(person: &str) -> NewCase {
    NewCase {
        person_id: person.to_owned(),
        policy: "home-isolation".into(),
        start: NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date"),
        place: Place::Home,
        site: None,
        origin: None,
        reason: None,
        team: Vec::new(),
    }
}

/// A store in its own directory, its clock at `now`, with the villages 甲村 and 乙村 (their
/// ids) and a person of 乙村 (the last value) living at `address`, with the ID number
/// `number`, under home isolation since 2026-12-05.
fn isolated_in_b(
    now: &str,
    address: &str,
    name: &str,
    number: &str,
) -> (tempfile::TempDir, Store, [String; 2], String) {
    let d = tempfile::tempdir().expect("a temp dir");
    let s = Store::open(d.path()).expect("the store opens");
    s.set_now(Some(at(now)));
    let a = s.add_village("甲村").expect("village");
    let b = s.add_village("乙村").expect("village");
    let person = household(&s, &b, address, name, number);
    s.start_case(&home_case(&person)).expect("the case starts");
    (d, s, [a, b], person)
}

/// Panics unless rebuilding `s`'s tables from its documents gives the tables it has.
fn assert_rebuilds(s: &Store) {
    let r = s.reindex(true).expect("reindex");
    assert!(r.equal, "{:?}", r.differing_tables);
}

/// A store of the township `township` given the documents `docs` of `from` (what its relay
/// gives it), with `role` in `village` (an empty role: not enrolled).
fn replica(from: &Store, docs: &[String], role: &str, village: &str) -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().expect("a temp dir");
    let s = Store::open(d.path()).expect("the store opens");
    s.set_now(Some(at("2026-12-07T14:05")));
    let township = from.township_id().expect("a township");
    s.set_setting("township_id", &township).expect("setting");
    copy(from, &s, &doc_id(DocKind::Grid, &township));
    for id in docs {
        copy(from, &s, id);
    }
    s.set_setting("role", role).expect("setting");
    s.set_setting("village_id", village).expect("setting");
    (d, s)
}

/// Heads of document `id` in `s` (empty if it holds none).
fn heads_of(s: &Store, id: &str) -> String {
    s.doc_heads()
        .expect("heads")
        .into_iter()
        .find(|(d, _)| d == id)
        .map(|(_, h)| h)
        .unwrap_or_default()
}

/// The state a checkpoint store of village `own` (made by [`replica`] with `control`) sees
/// for `number`: the control hit's label, if any.
fn seen_at_checkpoint(s: &Store, own: &str, number: &str) -> Option<String> {
    let listed = s.checkpoints().expect("checkpoints");
    let checkpoint = match listed.iter().find(|c| c.village_id == own) {
        Some(c) => c.id.clone(),
        None => s
            .add_checkpoint(own, "甲村村口", None)
            .expect("a checkpoint"),
    };
    let hits = s
        .match_residents(&checkpoint, number, 8)
        .expect("the match runs");
    hits.into_iter()
        .find(|h| h.matched == "control")
        .and_then(|h| h.isolation.map(|i| i.label))
}

#[test]
fn an_open_case_without_a_control_record_gets_one_once_and_concurrent_backfills_merge() {
    // The township's store starts a case in B; B's devices receive the case but not its
    // control record: the case as a device of an older version wrote it.
    let isolated = id_number(51);
    let (_dt, t, [a, b], _person) =
        isolated_in_b("2026-12-06T09:00", "乙村二组5号", "孙某", &isolated);
    let (ledger_b, care_b, control_b) = (
        doc_id(DocKind::Ledger, &b),
        doc_id(DocKind::Isolation, &b),
        doc_id(DocKind::Control, &b),
    );
    let held = [ledger_b.clone(), care_b.clone()];
    let (_d1, w1) = replica(&t, &held, "grid-worker", &b);
    let (_d2, w2) = replica(&t, &held, "doctor", &b);
    assert_eq!(heads_of(&w1, &control_b), "", "no control record yet");

    // A device that may not write B's cases backfills nothing (the rights rule).
    let (_d3, other) = replica(&t, &held, "grid-worker", &a);
    assert_eq!(other.backfill_control_list().expect("backfill"), 0);
    assert_eq!(heads_of(&other, &control_b), "");

    // B's grid worker backfills: one record, in one commit; a second run writes nothing.
    let before = w1.doc_heads().expect("heads");
    assert_eq!(w1.backfill_control_list().expect("backfill"), 1);
    let after = w1.doc_heads().expect("heads");
    let changed: Vec<&String> = after
        .iter()
        .filter(|d| !before.contains(d))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(changed, [&control_b], "only B's list changed");
    assert_eq!(w1.backfill_control_list().expect("backfill"), 0);
    assert_eq!(
        w1.doc_heads().expect("heads"),
        after,
        "nothing written twice"
    );

    // B's doctor backfills concurrently, unaware of it; the two merge into one record.
    assert_eq!(w2.backfill_control_list().expect("backfill"), 1);
    copy(&w1, &w2, &control_b);
    copy(&w2, &w1, &control_b);
    for s in [&w1, &w2] {
        let doc =
            automerge::Automerge::load(&s.export_doc(&control_b).expect("export")).expect("load");
        assert_eq!(automerge::ReadDoc::keys(&doc, automerge::ROOT).count(), 1);
        assert_eq!(s.backfill_control_list().expect("backfill"), 0);
    }

    // A checkpoint of A given B's list recognises the person.
    let (_d4, gate) = replica(&w2, std::slice::from_ref(&control_b), "volunteer", &a);
    assert_eq!(
        seen_at_checkpoint(&gate, &a, &isolated).as_deref(),
        Some("乙村管控：居家隔离第3天，至12月18日")
    );
    for s in [&w1, &w2, &gate] {
        assert_rebuilds(s);
    }
}

#[test]
fn a_corrected_id_number_moves_the_control_record_with_it() {
    let (wrong, right) = (id_number(61), id_number(62));
    let (_d, s, [a, b], person) = isolated_in_b("2026-12-07T09:00", "乙村四组1号", "周某", &wrong);
    let control_b = doc_id(DocKind::Control, &b);
    let seen = |number: &str| {
        let (_d, gate) = replica(&s, std::slice::from_ref(&control_b), "volunteer", &a);
        seen_at_checkpoint(&gate, &a, number)
    };
    assert!(seen(&wrong).is_some());

    // Another field: the list is not written.
    let heads = heads_of(&s, &control_b);
    s.set_person(&person, &[("phone".into(), "13912345678".into())])
        .expect("edit");
    assert_eq!(heads_of(&s, &control_b), heads);

    // The number corrected: the new one matches, the old one no longer does.
    s.set_person(&person, &[("id_number".into(), right.clone())])
        .expect("edit");
    assert_ne!(heads_of(&s, &control_b), heads);
    assert_eq!(
        seen(&right).as_deref(),
        Some("乙村管控：居家隔离第3天，至12月18日")
    );
    assert_eq!(seen(&wrong), None);
    // The same number again writes nothing.
    let heads = s.doc_heads().expect("heads");
    s.set_person(&person, &[("id_number".into(), right.clone())])
        .expect("edit");
    assert_eq!(s.doc_heads().expect("heads"), heads);
    // A correction the ledger refuses (a number in use) changes neither document.
    household(&s, &b, "乙村四组2号", "吴某", &id_number(63));
    let heads = s.doc_heads().expect("heads");
    assert!(s
        .set_person(&person, &[("id_number".into(), id_number(63))])
        .is_err());
    assert_eq!(s.doc_heads().expect("heads"), heads);
    assert_rebuilds(&s);
}

#[test]
fn a_number_picked_from_a_conflict_moves_the_control_record_too() {
    let (_d, s, [a, b], person) =
        isolated_in_b("2026-12-07T09:00", "乙村六组1号", "冯某", &id_number(71));
    let (ledger_b, control_b) = (doc_id(DocKind::Ledger, &b), doc_id(DocKind::Control, &b));
    // Two devices correct the number at once, each its own way.
    let (_d2, other) = replica(&s, std::slice::from_ref(&ledger_b), "", "");
    other
        .set_person(&person, &[("id_number".into(), id_number(73))])
        .expect("edit");
    s.set_person(&person, &[("id_number".into(), id_number(72))])
        .expect("edit");
    copy(&other, &s, &ledger_b);
    assert!(s
        .conflicts()
        .expect("conflicts")
        .iter()
        .any(|c| c.record_id == person && c.field == "id_number"));
    let seen = |number: &str| {
        let (_d, gate) = replica(&s, std::slice::from_ref(&control_b), "volunteer", &a);
        seen_at_checkpoint(&gate, &a, number)
    };
    assert!(seen(&id_number(72)).is_some());
    // The number picked is the one the list then matches.
    s.resolve(&person, "id_number", &id_number(73))
        .expect("resolve");
    assert!(seen(&id_number(73)).is_some());
    assert_eq!(seen(&id_number(72)), None);
    assert_rebuilds(&s);
}
