//! The township control list on real SQLite files: a case written in village B's store
//! writes B's list in the same commit; a store of village A that receives only the grid, A's
//! ledger and B's list (what the relay gives A's checkpoint) recognises B's person by ID
//! number, with the state and B's name, and holds no name or address of B; ending the case
//! ends the state; `reindex --check` stays equal on both.

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::Decision;
use gridbook_store::forms::EntryForm;
use gridbook_store::{doc_id, DocKind, NewCase, NewCheck, NewHousehold, NewPerson, Place, Store};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
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
        .unwrap();
    head
}

/// Copies document `id` from one store to another (what a sync through the relay gives).
fn copy(from: &Store, to: &Store, id: &str) {
    to.merge_doc_bytes(id, &from.export_doc(id).unwrap())
        .unwrap();
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
    let (db, da) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // B's store plays the township and B's grid worker: it makes the grid and both villages.
    let b = Store::open(db.path()).unwrap();
    b.set_now(Some(at("2026-12-07T09:00")));
    let village_a = b.add_village("甲村").unwrap();
    let village_b = b.add_village("乙村").unwrap();
    let township = b.township_id().unwrap();
    let isolated = id_number(17);
    let person = household(&b, &village_b, "乙村三组9号", "王秘密", &isolated);
    let case = b
        .start_case(&NewCase {
            person_id: person.clone(),
            policy: "home-isolation".into(),
            start: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            place: Place::Home,
            site: None,
            reason: None,
            team: Vec::new(),
        })
        .unwrap();
    let control_b = doc_id(DocKind::Control, &village_b);
    assert!(b.doc_heads().unwrap().iter().any(|(d, _)| *d == control_b));

    // A's checkpoint store: its village's ledger, the grid and B's control list only.
    let a = Store::open(da.path()).unwrap();
    a.set_now(Some(at("2026-12-07T14:05")));
    a.set_setting("township_id", &township).unwrap();
    copy(&b, &a, &doc_id(DocKind::Grid, &township));
    copy(&b, &a, &control_b);
    let own = id_number(21);
    household(&a, &village_a, "甲村一组1号", "李四", &own);
    let checkpoint = a.add_checkpoint(&village_a, "甲村村口", None).unwrap();

    // The match card: B's person by whole ID number, with B's name and the state.
    let hits = a.match_residents(&checkpoint, &isolated, 8).unwrap();
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
        .unwrap()
        .is_empty());
    // The own resident keeps the ledger path, with no state.
    let mine = a.match_residents(&checkpoint, &own, 8).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].name.as_str(), mine[0].isolation.is_none()),
        ("李四", true)
    );

    // The entry's suggestion follows the township's isolation rule: turned back, with why.
    let preview = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .unwrap();
    assert_eq!(preview.decision, Decision::TurnBack);
    assert_eq!(preview.reasons[0].code, "isolation");
    assert_eq!(preview.reasons[0].zh, "居家隔离第3天，至12月18日");
    assert_eq!(preview.person_id, None);
    let own_preview = a
        .preview_entry(&out_form(&checkpoint, "李四", &own))
        .unwrap();
    assert_eq!(own_preview.decision, Decision::Allow);

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
    .unwrap();
    copy(&b, &a, &control_b);
    let p = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .unwrap();
    assert_eq!(p.decision, Decision::Observe, "{p:?}");
    assert_eq!(p.isolation.as_ref().unwrap().kind, "referral");

    // Cancelling the case in B ends the state at A after the next sync.
    b.close_case(&case, "cancelled", "登记错误").unwrap();
    copy(&b, &a, &control_b);
    assert!(a
        .match_residents(&checkpoint, &isolated, 8)
        .unwrap()
        .is_empty());
    let after = a
        .preview_entry(&out_form(&checkpoint, "王某", &isolated))
        .unwrap();
    assert_eq!((after.decision, after.isolation), (Decision::Allow, None));

    for s in [&a, &b] {
        let r = s.reindex(true).unwrap();
        assert!(r.equal, "{:?}", r.differing_tables);
    }
}

/// Every byte of every file under `dir` (the store, its WAL).
fn dir_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_file() {
            out.extend(std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_case_write_that_fails_leaves_neither_document_changed() {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).unwrap();
    s.set_now(Some(at("2026-12-07T09:00")));
    let v = s.add_village("乙村").unwrap();
    let p = household(&s, &v, "乙村一组1号", "赵六", &id_number(31));
    let new = NewCase {
        person_id: p,
        policy: "home-isolation".into(),
        start: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
        place: Place::Home,
        site: None,
        reason: None,
        team: Vec::new(),
    };
    let case = s.start_case(&new).unwrap();
    let heads = s.doc_heads().unwrap();
    // A second open case for the same person is refused: nothing changes in either document.
    assert!(s.start_case(&new).is_err());
    assert_eq!(s.doc_heads().unwrap(), heads);
    // Releasing too early is refused: nothing changes either.
    assert!(s.release_case(&case, None).is_err());
    assert_eq!(s.doc_heads().unwrap(), heads);
}
