//! Lists carry no full ID number or phone: what the app's list commands send (search
//! results, the household list, a checkpoint's day and register, the task list), made with the
//! store's API on a real SQLite file the command line filled, is searched as JSON for every
//! ID number and phone the store holds. A household's card is masked for every role; a role
//! that may see its village (the township, the village's grid worker) reveals a value, and the
//! forms that edit a person or a household load their full values, each recorded in the
//! device's log (one record per value); any other role (a volunteer, another village's grid
//! worker) is refused, with nothing recorded.

use std::collections::BTreeSet;

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::{masked, HouseholdPage, Store, TaskFilter};
use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};

/// Every ID number and phone of households, residents, entries and tasks, as the store holds
/// them (the unmasked reads).
fn full_values(store: &Store, checkpoint: &str, today: &str) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    let (_, rows) = store
        .households_page(None, None, 0, 100_000)
        .expect("households");
    for h in rows {
        let card = store.household(&h.id).expect("household");
        all.extend(card.household.phone);
        for p in card.residents {
            all.insert(p.id_number);
            all.extend(p.phone);
        }
    }
    for e in store.entries_on(checkpoint, today).expect("entries") {
        all.insert(e.id_number);
        all.extend(e.phone);
    }
    for t in store.tasks(&TaskFilter::default()).expect("tasks") {
        all.insert(t.id_number);
        all.extend(t.phone);
    }
    all.retain(|v| v.chars().count() >= 8);
    all
}

/// Panics if `json` holds any of `values` in full; returns how many masked values it holds.
fn assert_masked(what: &str, json: &str, values: &BTreeSet<String>) -> usize {
    for v in values {
        assert!(!json.contains(v.as_str()), "{what} carries {v} in full");
    }
    values
        .iter()
        .filter(|v| json.contains(&mask_id_number(v)) || json.contains(&mask_phone(v)))
        .count()
}

#[test]
fn list_results_carry_masked_ids_and_phones_only() {
    let d = Data::new();
    d.json("demo --villages 2 --households 12 --seed 29 --activity");
    let village = str_of(&array(&d.json("village list"))[0], "id").to_owned();
    let households = d.json(&format!("household list --village {village}"));
    let hid = str_of(&array(&households)[0], "id").to_owned();
    let detail = d.json(&format!("household show {hid}"));
    let person = &array(&detail["residents"])[0];
    let (pid, name, id_number) = (
        str_of(person, "id").to_owned(),
        str_of(person, "name").to_owned(),
        str_of(person, "id_number").to_owned(),
    );
    d.ok(&format!("person set {pid} phone=13812345678"));
    d.ok(&format!("household set {hid} phone=13987654321"));
    let checkpoint = str_of(
        &d.json(&format!("checkpoint add --village {village} --name 东口")),
        "id",
    )
    .to_owned();
    d.json(&format!(
        "entry add --checkpoint {checkpoint} --direction in --name 赵六 --id-number {} \
         --phone 13700001111 --temp 36.5 --code green",
        mainland_id(77)
    ));
    let dir = tempfile::tempdir().expect("dir");
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!(
            "\u{feff}姓名,身份证号,联系电话\n{name},{id_number},13600002222\n孙某,{},13600003333\n",
            mainland_id(78)
        ),
    )
    .expect("csv");
    d.json(&format!("tasks import {} --source 协查", list.display()));

    let store = Store::open(d.path()).expect("store");
    let today = store.now_local().date().to_string();
    let full = full_values(&store, &checkpoint, &today);
    for v in [
        id_number.as_str(),
        "13812345678",
        "13987654321",
        "13700001111",
        "13600002222",
    ] {
        assert!(full.contains(v), "{v} is among the values searched for");
    }

    // What the app's list commands send, as JSON.
    let (total, rows) = store.households_page(None, None, 0, 500).expect("page");
    let lists = [
        (
            "household list",
            serde_json::to_string(&masked(HouseholdPage { total, rows })),
        ),
        (
            "search by name",
            serde_json::to_string(&masked(store.search(&name, 200).expect("search"))),
        ),
        (
            "search by ID number",
            serde_json::to_string(&masked(store.search(&id_number, 200).expect("search"))),
        ),
        (
            "search by phone",
            serde_json::to_string(&masked(store.search("13812345678", 200).expect("search"))),
        ),
        (
            "checkpoint's day",
            serde_json::to_string(&masked(
                store.checkpoint_today(&checkpoint, 20).expect("today"),
            )),
        ),
        (
            "checkpoint register",
            serde_json::to_string(&masked(
                store.entries_on(&checkpoint, &today).expect("entries"),
            )),
        ),
        (
            "task list",
            serde_json::to_string(&masked(store.tasks(&TaskFilter::default()).expect("tasks"))),
        ),
    ];
    for (what, json) in lists {
        let json = json.expect("json");
        let shown = assert_masked(what, &json, &full);
        assert!(shown > 0, "{what} shows masked values: {json}");
    }
    // The person searched for, masked as the rule says.
    let hits = masked(store.search(&id_number, 5).expect("search"));
    let hit = hits.iter().find(|h| h.person_id == pid).expect("found");
    assert_eq!(hit.id_number, mask_id_number(&id_number));
    assert_eq!(hit.phone.as_deref(), Some("138****5678"));
}

#[test]
fn the_card_is_masked_for_every_role_and_each_full_value_shown_is_recorded() {
    let d = Data::new();
    d.json("demo --villages 2 --households 6 --seed 31");
    let villages: Vec<String> = array(&d.json("village list"))
        .iter()
        .map(|v| str_of(v, "id").to_owned())
        .collect();
    let first_of = |village: &str| {
        let list = d.json(&format!("household list --village {village}"));
        str_of(&array(&list)[0], "id").to_owned()
    };
    let (ha, hb) = (first_of(&villages[0]), first_of(&villages[1]));
    d.ok(&format!("household set {ha} phone=13987654321"));
    let person_a = str_of(
        &array(&d.json(&format!("household show {ha} --masked"))["residents"])[0],
        "id",
    )
    .to_owned();
    d.ok(&format!("person set {person_a} phone=13812345678"));
    let store = Store::open(d.path()).expect("store");
    let values = |hid: &str| {
        let card = store.household(hid).expect("household");
        let mut v: BTreeSet<String> = card.residents.iter().map(|p| p.id_number.clone()).collect();
        v.extend(card.residents.iter().filter_map(|p| p.phone.clone()));
        v.extend(card.household.phone);
        v
    };
    let card_json =
        |hid: &str| serde_json::to_string(&store.household_card(hid).expect("card")).expect("json");
    let (full_a, full_b) = (values(&ha), values(&hb));
    // The reveals of the log, as (entry id, whose record, which field).
    let reveals = || -> Vec<(String, String, String)> {
        store
            .exports_log(1000)
            .expect("log")
            .into_iter()
            .filter(|e| e.kind == "reveal")
            .map(|e| {
                (
                    e.id,
                    e.subject.unwrap_or_default(),
                    e.field.unwrap_or_default(),
                )
            })
            .collect()
    };
    // The reveals recorded since `before`, as (whose record, which field), sorted.
    let since = |before: &[(String, String, String)]| -> Vec<(String, String)> {
        let mut added: Vec<(String, String)> = reveals()
            .into_iter()
            .filter(|r| !before.contains(r))
            .map(|(_, subject, field)| (subject, field))
            .collect();
        added.sort();
        added
    };
    let person_b = store.household(&hb).expect("b").residents[0].id.clone();
    let masked_cards = |who: &str| {
        for (hid, full) in [(&ha, &full_a), (&hb, &full_b)] {
            let json = card_json(hid);
            assert!(assert_masked(who, &json, full) > 0, "{who}: {json}");
        }
    };

    // The township's own device: every card masked; a reveal shows the value and is recorded.
    masked_cards("the township's card");
    assert!(reveals().is_empty());
    let shown = store.reveal(&person_b, "id_number").expect("reveal");
    assert!(full_b.contains(&shown));
    assert_eq!(since(&[]), [(person_b.clone(), "id_number".to_owned())]);

    // The grid worker of the first village: every card masked; its village's values revealed
    // on a tap or loaded by an edit form, one record per value; the other village's refused.
    store.set_setting("role", "grid-worker").expect("role");
    store
        .set_setting("village_id", &villages[0])
        .expect("village");
    masked_cards("the grid worker's card");
    let before = reveals().len();
    let shown = store.reveal(&person_a, "id_number").expect("reveal");
    assert!(full_a.contains(&shown));
    assert_eq!(reveals().len(), before + 1, "the reveal is recorded");
    assert!(store.reveal(&person_b, "id_number").is_err());
    assert_eq!(
        reveals().len(),
        before + 1,
        "nothing recorded for a refused reveal"
    );

    let before = reveals();
    let edit = store
        .person_to_edit(&person_a)
        .expect("the edit form's person");
    assert!(full_a.contains(&edit.id_number), "{edit:?}");
    assert_eq!(edit.phone.as_deref(), Some("13812345678"));
    assert_eq!(
        since(&before),
        [
            (person_a.clone(), "id_number".to_owned()),
            (person_a.clone(), "phone".to_owned())
        ],
        "one record per full value the form loaded"
    );
    let before = reveals();
    let edit = store
        .household_to_edit(&ha)
        .expect("the edit form's household");
    assert_eq!(edit.household.phone.as_deref(), Some("13987654321"));
    let json = serde_json::to_string(&edit.residents).expect("json");
    let residents: BTreeSet<String> = full_a
        .iter()
        .filter(|v| v.as_str() != "13987654321")
        .cloned()
        .collect();
    assert!(assert_masked("the household form's residents", &json, &residents) > 0);
    assert_eq!(since(&before), [(ha.clone(), "phone".to_owned())]);
    let before = reveals().len();
    for e in [
        store
            .person_to_edit(&person_b)
            .expect_err("another village's person"),
        store
            .household_to_edit(&hb)
            .expect_err("another village's household"),
    ] {
        assert_eq!(e.kind(), "refused", "{e}");
    }
    assert_eq!(
        reveals().len(),
        before,
        "nothing recorded for a refused form"
    );

    // A volunteer of the first village: every card masked, no reveal, no edit form.
    store.set_setting("role", "volunteer").expect("role");
    masked_cards("a volunteer's card");
    assert!(store.reveal(&person_a, "id_number").is_err());
    assert!(store.person_to_edit(&person_a).is_err());
    assert!(store.household_to_edit(&ha).is_err());
    assert_eq!(reveals().len(), before);
}
