//! `person duplicate-check`, duplicate detection without a store, run through the real binary
//! on the persons of a real store and compared with the store's own list (`duplicates`): the
//! same pairs with the same reasons in the same order, before and after a pair is dismissed.
//! The browser tests' fake backend asks this command instead of copying the rule.

use gridbook_store::{NewHousehold, NewPerson, Store};
use gridbook_tests::mainland_id;
use gridbook_tests::procs::Data;
use serde_json::{json, Value};

/// Persons in households of one village: (device, name, ID number, phone), one household
/// each. A device refuses an ID number it already has, so the persons sharing one are added on
/// different devices, offline, and meet when their documents are merged.
const PEOPLE: [(usize, &str, u64, Option<&str>); 13] = [
    // The same ID number in two households (also the same name and birth date).
    (0, "张三", 5_000, Some("13800001111")),
    (1, "张三", 5_000, None),
    // The same name and birth date, another number.
    (0, "李四", 6_001, None),
    (0, "李四", 6_002, Some("13800002222")),
    // The same name and phone, another birth date.
    (0, "王五", 7_001, Some("13700002222")),
    (0, "王五", 9_001, Some("13700002222")),
    // The same name, no phone, other birth dates: nothing.
    (0, "赵六", 10_001, None),
    (0, "赵六", 11_001, None),
    // The same phone, other names: nothing.
    (0, "钱七", 12_001, Some("13600003333")),
    (0, "孙八", 13_001, Some("13600003333")),
    // Three with one ID number: two pairs, each with the first by id.
    (0, "周九", 14_000, None),
    (1, "周九", 14_000, Some("13500004444")),
    (2, "周九", 14_000, None),
];

/// Sends every document of `from` to `to`, as whole saved documents.
fn send(from: &Store, to: &Store) {
    for doc in from.docs().expect("docs") {
        let bytes = from.export_doc(&doc.id).expect("export");
        to.merge_doc_bytes(&doc.id, &bytes).expect("merge");
    }
}

/// The first of three devices of one village with every person of [`PEOPLE`] (their ids, in
/// order), the others' documents merged in.
fn store_with_people(dirs: &[tempfile::TempDir; 3]) -> (Store, Vec<String>) {
    let stores: Vec<Store> = dirs
        .iter()
        .map(|d| Store::open(d.path()).expect("open"))
        .collect();
    let village = stores[0].add_village("清水村").expect("village");
    send(&stores[0], &stores[1]);
    send(&stores[0], &stores[2]);
    let mut ids = Vec::new();
    for (i, (device, name, n, phone)) in PEOPLE.iter().enumerate() {
        let (_, head) = stores[*device]
            .add_household(&NewHousehold {
                village_id: village.clone(),
                address: format!("清水村一组{i}号"),
                head: NewPerson {
                    name: (*name).into(),
                    id_number: mainland_id(*n),
                    phone: phone.map(str::to_owned),
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("household");
        ids.push(head);
    }
    let mut stores = stores.into_iter();
    let first = stores.next().expect("a store");
    for other in stores {
        send(&other, &first);
    }
    (first, ids)
}

/// The command's answer for the store's persons and `dismissed` pairs.
fn check(d: &Data, store: &Store, ids: &[String], dismissed: &[[&str; 2]]) -> Value {
    let persons: Vec<Value> = ids
        .iter()
        .map(|id| {
            let p = store.person(id).expect("person");
            json!({
                "id": p.id, "name": p.name, "id_number": p.id_number,
                "birth_date": p.birth_date.unwrap_or_default(),
                "phone": p.phone.unwrap_or_default(),
            })
        })
        .collect();
    let path = d.path().join("persons.json");
    let input = json!({ "persons": persons, "dismissed": dismissed });
    std::fs::write(&path, input.to_string()).expect("write input");
    d.json(&format!(
        "person duplicate-check --input {}",
        path.display()
    ))
}

#[test]
fn duplicate_check_lists_the_pairs_the_store_lists() {
    let dirs = [(); 3].map(|()| tempfile::tempdir().expect("dir"));
    let (store, ids) = store_with_people(&dirs);
    let d = Data::new();
    let listed = serde_json::to_value(store.duplicates().expect("duplicates")).expect("json");
    let answered = check(&d, &store, &ids, &[]);
    assert_eq!(answered, listed);
    let reasons: Vec<&str> = listed
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["reason"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        reasons,
        [
            "same_id_number",
            "same_id_number",
            "same_id_number",
            "same_name_birth",
            "same_name_phone"
        ],
        "{listed}"
    );
    // A pair dismissed as not one person leaves both lists, given in either order.
    let (a, b) = (ids[4].as_str(), ids[5].as_str());
    store
        .dismiss_duplicate(a, b, Some("同名同电话的父子"))
        .expect("dismiss");
    let listed = serde_json::to_value(store.duplicates().expect("duplicates")).expect("json");
    assert_eq!(check(&d, &store, &ids, &[[b, a]]), listed);
    assert_eq!(listed.as_array().map(Vec::len), Some(4), "{listed}");
}

/// The command is one of `person`'s like its siblings: listed in its help, and refused as a bad
/// flag is refused anywhere (exit 2, the JSON error), with nothing opened.
#[test]
fn duplicate_check_is_a_person_subcommand() {
    let d = Data::new();
    let help = d.ok("person --help");
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("duplicate-check"))
        .unwrap_or_else(|| panic!("not in person --help: {help}"));
    assert!(line.contains("no store"), "{line}");
    assert!(help.contains("dismiss-duplicate"), "{help}");
    let out = d.run("--json person duplicate-check --nonsense");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let e: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(e["error"]["kind"], "invalid", "{e}");
    assert!(
        std::fs::read_dir(d.path()).expect("dir").next().is_none(),
        "nothing written"
    );
}
