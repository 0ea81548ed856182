//! No full ID number or phone leaves the store without a reveal entry: the values of a
//! conflict on a household's card, a record's history, two persons compared before a merge,
//! and a household or person read whole by a script (`gridbook household show`, `person
//! show`). Each is made with real stores on SQLite files (two devices exchanging their ledger
//! as Automerge bytes, or the command line) and searched as JSON for every full value written.
//! Where a role may see the record's village, a value shown in full comes with one `reveal`
//! entry per field in the device's log; any other role gets masked values, nothing recorded.

use std::collections::BTreeSet;

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::{masked, ExportRecord, NewHousehold, NewPerson, Store};
use gridbook_tests::ledger::{household_with_member, send_all, two_stores, OneHousehold};
use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// The reveals of a store's log, as (whose record, which field), sorted.
fn reveals(store: &Store) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = store
        .exports_log(1000)
        .expect("log")
        .into_iter()
        .filter(|e: &ExportRecord| e.kind == "reveal")
        .map(|e| (e.subject.unwrap_or_default(), e.field.unwrap_or_default()))
        .collect();
    out.sort();
    out
}

/// Panics if `json` holds any of `values` in full; returns how many it holds masked.
fn assert_masked(what: &str, json: &str, values: &BTreeSet<String>) -> usize {
    for v in values {
        assert!(
            !json.contains(v.as_str()),
            "{what} carries {v} in full: {json}"
        );
    }
    values
        .iter()
        .filter(|v| json.contains(&mask_id_number(v)) || json.contains(&mask_phone(v)))
        .count()
}

/// Sends the ledger document of `village` from one store to the other.
fn send(from: &Store, to: &Store, village: &str) {
    let doc = format!("ledger:{village}");
    let bytes = from.export_doc(&doc).expect("export");
    to.merge_doc_bytes(&doc, &bytes).expect("merge");
}

struct Pair {
    a: Store,
    b: Store,
    village: String,
    household: String,
    member: String,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

/// Two stores of one village (the township's own, `a`, and `b`), a household with two
/// residents on both, then the same ID number, phone and household phone set differently on
/// each and exchanged: three conflicts, every value on both stores.
fn conflicting() -> (Pair, BTreeSet<String>) {
    let stores = two_stores();
    let (a, b) = (stores.a, stores.b);
    let OneHousehold {
        village,
        household,
        member,
    } = household_with_member(&a, Some("13911110000"));
    send_all(&a, &b);
    let set = |s: &Store, id_number: &str, phone: &str, home: &str| {
        s.set_person(
            &member,
            &[
                ("id_number".into(), id_number.into()),
                ("phone".into(), phone.into()),
            ],
        )
        .expect("set person");
        s.set_household(&household, &[("phone".into(), home.into())])
            .expect("set household");
    };
    // Two ID numbers that differ in their sequence digits only: masked, they look alike.
    let (id_a, id_b) = (mainland_id(3_003), mainland_id(3_004));
    set(&a, &id_a, "13900000002", "13911112222");
    set(&b, &id_b, "13900000003", "13911113333");
    send(&a, &b, &village);
    send(&b, &a, &village);
    let mut full: BTreeSet<String> = [mainland_id(1_001), mainland_id(2_002), id_a, id_b].into();
    full.extend(
        [
            "13911110000",
            "13812345678",
            "13987654321",
            "13900000002",
            "13900000003",
            "13911112222",
            "13911113333",
        ]
        .map(String::from),
    );
    let pair = Pair {
        a,
        b,
        village,
        household,
        member,
        _dirs: stores.dirs,
    };
    (pair, full)
}

#[test]
fn a_conflict_is_masked_revealed_by_its_place_and_picked_without_a_full_value() {
    let (w, full) = conflicting();
    let conflicts = w.a.conflicts().expect("conflicts");
    assert_eq!(conflicts.len(), 3, "{conflicts:?}");

    // The card, the list of conflicts and the histories, as the app's commands send them.
    let card =
        serde_json::to_string(&w.a.household_card(&w.household).expect("card")).expect("json");
    assert_eq!(
        w.a.household_card(&w.household)
            .expect("card")
            .conflicts
            .len(),
        3
    );
    assert!(assert_masked("the card", &card, &full) >= 6, "{card}");
    let listed = serde_json::to_string(&masked(conflicts.clone())).expect("json");
    assert!(
        assert_masked("the conflicts", &listed, &full) >= 6,
        "{listed}"
    );
    for record in [&w.member, &w.household] {
        let history = masked(w.a.history(record).expect("history"));
        let json = serde_json::to_string(&history).expect("json");
        assert!(assert_masked("a history", &json, &full) > 0, "{json}");
    }
    // The edit form of the household: its own phone in full (recorded), its conflicts masked.
    let form = w.a.household_to_edit(&w.household).expect("form");
    let json = serde_json::to_string(&form.conflicts).expect("json");
    assert_masked("the household form's conflicts", &json, &full);
    assert_eq!(reveals(&w.a), [(w.household.clone(), "phone".to_owned())]);

    // A tap on one value of the conflicting ID number: that value in full, one record.
    let id_conflict = conflicts
        .iter()
        .find(|c| c.field == "id_number")
        .expect("the ID number's conflict");
    let before = reveals(&w.a);
    let shown =
        w.a.reveal_choice(&w.member, "id_number", 1)
            .expect("reveal");
    assert_eq!(Value::String(shown.clone()), id_conflict.values[1]);
    assert!(full.contains(&shown));
    let mut expected = before.clone();
    expected.push((w.member.clone(), "id_number".to_owned()));
    expected.sort();
    assert_eq!(reveals(&w.a), expected);
    // No such value, no such field, a name: refused, nothing recorded.
    for (e, kind) in [
        (
            w.a.reveal_choice(&w.member, "id_number", 2)
                .expect_err("a third value"),
            "invalid",
        ),
        (
            w.a.reveal_choice(&w.member, "name", 0).expect_err("a name"),
            "refused",
        ),
        (
            w.a.reveal_choice(&w.household, "id_number", 0)
                .expect_err("no such conflict"),
            "not_found",
        ),
    ] {
        assert_eq!(e.kind(), kind, "{e}");
    }
    assert_eq!(reveals(&w.a), expected);

    // A volunteer of the village: the same masked values, no reveal, nothing recorded.
    w.b.set_setting("role", "volunteer").expect("role");
    w.b.set_setting("village_id", &w.village).expect("village");
    let e =
        w.b.reveal_choice(&w.member, "phone", 0)
            .expect_err("a volunteer");
    assert_eq!(e.kind(), "refused");
    assert!(!e.to_string().contains("1390000000"), "{e}");
    assert!(reveals(&w.b).is_empty());

    // Picked by its place, the values as the screen showed them (masked).
    let phone = conflicts
        .iter()
        .find(|c| c.field == "phone" && c.record_id == w.member)
        .expect("the phone's conflict");
    let shown_values = masked(phone.clone()).values;
    let stale = masked(id_conflict.clone()).values;
    let e =
        w.a.resolve_choice(&w.member, "phone", 0, &stale)
            .expect_err("values that are not the phone's");
    assert_eq!(e.kind(), "refused", "{e}");
    let e =
        w.a.resolve_choice(&w.member, "phone", 5, &shown_values)
            .expect_err("no sixth value");
    assert_eq!(e.kind(), "invalid", "{e}");
    let picked = phone.values[1].as_str().expect("a text").to_owned();
    w.a.resolve_choice(&w.member, "phone", 1, &shown_values)
        .expect("resolve");
    assert_eq!(w.a.person(&w.member).expect("person").phone, Some(picked));
    assert!(!w
        .a
        .conflicts()
        .expect("conflicts")
        .iter()
        .any(|c| c.record_id == w.member && c.field == "phone"));
    // The message of a wrong full value names the values masked.
    let e =
        w.a.resolve(&w.household, "phone", "13000000000")
            .expect_err("not a value");
    assert_masked("a refusal", &e.to_string(), &full);
}

#[test]
fn a_merge_preview_is_masked_and_says_where_the_numbers_differ() {
    let (w, full) = conflicting();
    // The same ID number twice: registered on two devices offline (a store refuses a number
    // it already holds), then exchanged.
    let mut ids = Vec::new();
    for (s, n, phone, address) in [
        (&w.a, 5_005, "13600001111", "清水村一组1号"),
        (&w.a, 5_006, "13600001111", "清水村一组2号"),
        (&w.b, 5_005, "13600002222", "清水村一组3号"),
    ] {
        let (_, pid) = s
            .add_household(&NewHousehold {
                village_id: w.village.clone(),
                address: address.into(),
                head: NewPerson {
                    name: "王建国".into(),
                    id_number: mainland_id(n),
                    phone: Some(phone.into()),
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("household");
        ids.push(pid);
    }
    send(&w.b, &w.a, &w.village);
    let mut all = full;
    all.extend([mainland_id(5_005), mainland_id(5_006)]);
    all.extend(["13600001111".to_owned(), "13600002222".to_owned()]);
    let before = reveals(&w.a);
    let places = |x: &str, y: &str| -> Vec<u32> {
        (1u32..)
            .zip(x.chars().zip(y.chars()))
            .filter(|(_, (p, q))| p != q)
            .map(|(i, _)| i)
            .collect()
    };

    // Numbers that differ: where, not what.
    let preview = w.a.merge_preview(&ids[0], &ids[1]).expect("preview");
    assert_eq!(
        preview.id_number_places,
        Some(places(&mainland_id(5_005), &mainland_id(5_006)))
    );
    assert!(!preview.id_number_places.as_ref().is_some_and(Vec::is_empty));
    assert_eq!(preview.phone_places, Some(vec![]), "the same phone");
    let json = serde_json::to_string(&masked(preview)).expect("json");
    assert!(assert_masked("a merge preview", &json, &all) >= 3, "{json}");

    // The same ID number, other phones.
    let preview = w.a.merge_preview(&ids[0], &ids[2]).expect("preview");
    assert_eq!(preview.id_number_places, Some(vec![]));
    assert_eq!(
        preview.phone_places,
        Some(places("13600001111", "13600002222"))
    );
    assert!(preview.differing.contains(&"phone"));
    let json = serde_json::to_string(&masked(preview)).expect("json");
    assert_masked("a merge preview", &json, &all);
    // Nothing was shown in full, nothing recorded.
    assert_eq!(reveals(&w.a), before);
}

#[test]
fn a_script_reads_full_values_only_with_a_reveal_entry_per_field() {
    let d = Data::new();
    d.json("demo --villages 2 --households 6 --seed 37");
    let village = str_of(&array(&d.json("village list"))[0], "id").to_owned();
    let hid = str_of(
        &array(&d.json(&format!("household list --village {village}")))[0],
        "id",
    )
    .to_owned();
    d.ok(&format!("household set {hid} phone=13987654321"));
    let log = |d: &Data| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = array(&d.json("export-log"))
            .iter()
            .filter(|e| e["kind"] == "reveal")
            .map(|e| {
                (
                    str_of(e, "subject").to_owned(),
                    str_of(e, "field").to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    };

    // Masked on request, and for people: nothing recorded.
    let masked_card = d.json(&format!("household show {hid} --masked"));
    let text = d.ok(&format!("household show {hid}"));
    assert!(log(&d).is_empty(), "{:?}", log(&d));
    let residents = array(&masked_card["residents"]).clone();
    assert!(!residents.is_empty());
    for p in &residents {
        assert!(str_of(p, "id_number").contains('*'), "{p}");
        assert!(text.contains(str_of(p, "id_number")), "{text}");
    }
    assert_eq!(masked_card["phone"], "139****4321");

    // Full in JSON, each value shown a reveal entry: the household's phone, each resident's
    // ID number and phone.
    let card = d.json(&format!("household show {hid}"));
    assert_eq!(card["phone"], "13987654321");
    let mut expected = vec![(hid.clone(), "phone".to_owned())];
    let mut values = BTreeSet::from(["13987654321".to_owned()]);
    for (p, m) in array(&card["residents"]).iter().zip(&residents) {
        let (id_number, pid) = (str_of(p, "id_number"), str_of(p, "id"));
        assert_eq!(mask_id_number(id_number), str_of(m, "id_number"));
        assert!(!id_number.contains('*'));
        values.insert(id_number.to_owned());
        expected.push((pid.to_owned(), "id_number".to_owned()));
        if let Some(phone) = p["phone"].as_str().filter(|s| !s.is_empty()) {
            values.insert(phone.to_owned());
            expected.push((pid.to_owned(), "phone".to_owned()));
        }
    }
    expected.sort();
    assert_eq!(log(&d), expected);
    assert_masked("the text output", &text, &values);

    // One person: its two fields, recorded again; masked on request, nothing recorded.
    let pid = str_of(&residents[0], "id").to_owned();
    let before = log(&d).len();
    let shown = d.json(&format!("person show {pid} --masked"));
    assert_eq!(shown["id_number"], residents[0]["id_number"]);
    assert_eq!(log(&d).len(), before);
    let shown = d.json(&format!("person show {pid}"));
    assert!(values.contains(str_of(&shown, "id_number")), "{shown}");
    let fields = if shown["phone"].as_str().is_some_and(|s| !s.is_empty()) {
        2
    } else {
        1
    };
    assert_eq!(log(&d).len(), before + fields);

    // A record's history: full in JSON for this role, masked for people.
    let id_number = str_of(&shown, "id_number").to_owned();
    assert!(d
        .json(&format!("history {pid}"))
        .to_string()
        .contains(&id_number));
    let text = d.ok(&format!("history {pid}"));
    assert!(
        assert_masked("the history for people", &text, &values) > 0,
        "{text}"
    );

    // A volunteer's device: the same fields masked, nothing recorded, exit 0.
    {
        let store = Store::open(d.path()).expect("store");
        store.set_setting("role", "volunteer").expect("role");
        store.set_setting("village_id", &village).expect("village");
    }
    let before = log(&d).len();
    let card = d.json(&format!("household show {hid}"));
    let json = card.to_string();
    assert!(assert_masked("a volunteer's household show", &json, &values) > 0);
    let shown = d.json(&format!("person show {pid}"));
    assert_eq!(shown["id_number"], residents[0]["id_number"]);
    assert_eq!(log(&d).len(), before);
    assert_eq!(
        card["residents"].as_array().map(Vec::len),
        Some(residents.len())
    );
}
