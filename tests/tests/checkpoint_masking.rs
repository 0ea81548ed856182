//! A checkpoint's volunteer never gets a resident's full ID number or phone: on a real SQLite
//! file the command line filled, the store's match sends them masked to a volunteer of the
//! village (a whole ID number typed is shown back as typed), the entry saved for a resident
//! picked names the person (`person_id`) and the store fills the full ID number and phone from
//! the ledger, and the day's list is masked for the volunteer while the township reads the
//! full values. A `person_id` that names no resident of the checkpoint's village (another
//! village's person, an unknown id, no id at all) is refused with a typed error and writes
//! nothing; so is an ID number that is not the picked resident's. The command line's `entry add
//! --person` does the same.

use std::collections::BTreeSet;

use gridbook_domain::checkpoint::EntryInput;
use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::forms::EntryForm;
use gridbook_store::{NewEntry, Store, StoreError};
use gridbook_tests::procs::Data;
use gridbook_tests::{array, str_of};
use serde_json::Value;

const PHONE: &str = "13812345678";

/// A ledger resident: (person id, name, ID number).
struct Resident {
    id: String,
    name: String,
    id_number: String,
}

/// The first resident of the first household of `village`, given the phone `phone` when asked.
fn resident(d: &Data, village: &str, phone: Option<&str>) -> Resident {
    let households = d.json(&format!("household list --village {village}"));
    let hid = str_of(&array(&households)[0], "id").to_owned();
    let detail = d.json(&format!("household show {hid}"));
    let p = &array(&detail["residents"])[0];
    let r = Resident {
        id: str_of(p, "id").to_owned(),
        name: str_of(p, "name").to_owned(),
        id_number: str_of(p, "id_number").to_owned(),
    };
    if let Some(phone) = phone {
        d.ok(&format!("person set {} phone={phone}", r.id));
    }
    r
}

/// A demo township of two villages (`seed`) with a checkpoint in the first: its data, the
/// first village, the resident of the first village given the phone [`PHONE`], one of the
/// second, and the checkpoint's id.
fn township(seed: u32) -> (Data, String, Resident, Resident, String) {
    let d = Data::new();
    d.json(&format!("demo --villages 2 --households 8 --seed {seed}"));
    let villages: Vec<String> = array(&d.json("village list"))
        .iter()
        .map(|v| str_of(v, "id").to_owned())
        .collect();
    let wang = resident(&d, &villages[0], Some(PHONE));
    let other = resident(&d, &villages[1], None);
    let checkpoint = str_of(
        &d.json(&format!(
            "checkpoint add --village {} --name 东口",
            villages[0]
        )),
        "id",
    )
    .to_owned();
    let village = villages[0].clone();
    (d, village, wang, other, checkpoint)
}

/// Every ID number and phone the ledger of the store holds (long enough to search for).
fn ledger_values(store: &Store) -> BTreeSet<String> {
    let (_, rows) = store
        .households_page(None, None, 0, 100_000)
        .expect("households");
    let mut all = BTreeSet::new();
    for h in rows {
        for p in store.household(&h.id).expect("household").residents {
            all.insert(p.id_number);
            all.extend(p.phone);
        }
    }
    all.retain(|v| v.chars().count() >= 8);
    all
}

/// An entry in of a resident picked from the match: the identity as the match gave it.
fn picked(checkpoint: &str, name: &str, id_number: &str, phone: &str, person: &str) -> NewEntry {
    NewEntry {
        checkpoint: checkpoint.to_owned(),
        input: EntryInput {
            direction: "in".to_owned(),
            name: name.to_owned(),
            id_number: id_number.to_owned(),
            phone: phone.to_owned(),
            temperature: "36.5".to_owned(),
            health_code: "green".to_owned(),
            ..EntryInput::default()
        },
        at_now: true,
        person: Some(person.to_owned()),
        ..NewEntry::default()
    }
}

/// The field of a store's refusal of invalid input (panics on any other error).
fn invalid_field(e: &StoreError) -> &'static str {
    match e {
        StoreError::Invalid(f) => {
            assert!(!f.zh.is_empty() && !f.en.is_empty(), "{f:?}");
            f.field
        }
        other => panic!("not an invalid input: {other:?}"),
    }
}

#[test]
fn a_volunteer_matches_masked_and_the_store_fills_the_full_id_number() {
    let (d, a, wang, other, checkpoint) = township(37);

    let store = Store::open(d.path()).expect("store");
    let full = ledger_values(&store);
    assert!(full.contains(&wang.id_number) && full.contains(PHONE));
    store.set_setting("role", "volunteer").expect("role");
    store.set_setting("village_id", &a).expect("village");
    let today = store.now_local().date();

    // By an ID tail, by the phone, by name: every hit masked, none carries a full value.
    for query in [&wang.id_number[14..], PHONE, wang.name.as_str()] {
        let hits = store.match_residents(&checkpoint, query, 8).expect("match");
        let hit = hits
            .iter()
            .find(|h| h.person_id == wang.id)
            .unwrap_or_else(|| panic!("{query} finds the resident: {hits:?}"));
        assert_eq!(hit.id_number, mask_id_number(&wang.id_number), "{query}");
        assert_eq!(hit.phone.as_deref(), Some(mask_phone(PHONE).as_str()));
        let json = serde_json::to_string(&hits).expect("json");
        for v in &full {
            assert!(!json.contains(v.as_str()), "{query}: the match carries {v}");
        }
    }
    // The whole ID number typed is shown back as typed; the phone stays masked.
    let hits = store
        .match_residents(&checkpoint, &wang.id_number, 8)
        .expect("match");
    let hit = hits.iter().find(|h| h.person_id == wang.id).expect("found");
    assert_eq!(hit.id_number, wang.id_number);
    assert_eq!(hit.phone.as_deref(), Some(mask_phone(PHONE).as_str()));
    // The village's grid worker, who may see the village in full, gets full values.
    store.set_setting("role", "grid-worker").expect("role");
    let hits = store
        .match_residents(&checkpoint, &wang.id_number[14..], 8)
        .expect("match");
    let hit = hits.iter().find(|h| h.person_id == wang.id).expect("found");
    assert_eq!(
        (hit.id_number.as_str(), hit.phone.as_deref()),
        (wang.id_number.as_str(), Some(PHONE))
    );
    store.set_setting("role", "volunteer").expect("role");

    // The resident picked from the match, saved by person id: the masked values go out.
    let hit = store
        .match_residents(&checkpoint, &wang.id_number[14..], 8)
        .expect("match")
        .into_iter()
        .find(|h| h.person_id == wang.id)
        .expect("found");
    let shown_phone = hit.phone.clone().unwrap_or_default();
    let saved = store
        .add_entry(&picked(
            &checkpoint,
            &wang.name,
            &hit.id_number,
            &shown_phone,
            &wang.id,
        ))
        .expect("entry by person id");
    assert_eq!(saved.person_id.as_deref(), Some(wang.id.as_str()));
    // The app's form the same way: a masked ID number and the person id.
    let preview_form = EntryForm {
        checkpoint: checkpoint.clone(),
        direction: "out".into(),
        name: wang.name.clone(),
        id_number: hit.id_number.clone(),
        phone: shown_phone.clone(),
        temp: "36.6".into(),
        code: "green".into(),
        person_id: Some(wang.id.clone()),
        ..EntryForm::default()
    };
    let preview = store.preview_entry(&preview_form).expect("preview");
    assert_eq!(preview.person_id.as_deref(), Some(wang.id.as_str()));
    let by_form = store.add_entry_form(&preview_form).expect("form entry");
    assert_eq!(by_form.person_id.as_deref(), Some(wang.id.as_str()));

    // The volunteer's day list is masked; the store holds the full values, as the township
    // reads them.
    let day = store.entries(&checkpoint, today).expect("entries");
    assert_eq!(day.len(), 2);
    for e in &day {
        assert_eq!(e.id_number, mask_id_number(&wang.id_number));
        assert_eq!(e.phone.as_deref(), Some(mask_phone(PHONE).as_str()));
        assert_eq!(e.person_id.as_deref(), Some(wang.id.as_str()));
    }
    let recent = store.checkpoint_today(&checkpoint, 20).expect("today");
    let json = serde_json::to_string(&recent).expect("json");
    assert!(
        !json.contains(&wang.id_number) && !json.contains(PHONE),
        "{json}"
    );
    assert!(json.contains(&mask_id_number(&wang.id_number)), "{json}");
    store.set_setting("role", "township").expect("role");
    let day = store.entries(&checkpoint, today).expect("entries");
    for e in &day {
        assert_eq!(e.id_number, wang.id_number);
        assert_eq!(e.phone.as_deref(), Some(PHONE));
    }
    store.set_setting("role", "volunteer").expect("role");

    // Hostile or stale person ids: refused with the field, nothing written.
    let count = || store.entries(&checkpoint, today).expect("entries").len();
    for (person, why) in [
        (other.id.as_str(), "another village's resident"),
        ("00000000-0000-4000-8000-000000000001", "an unknown person"),
        ("not-a-person", "no id at all"),
    ] {
        let e = store
            .add_entry(&picked(
                &checkpoint,
                &other.name,
                &mask_id_number(&other.id_number),
                "",
                person,
            ))
            .expect_err(why);
        assert_eq!(e.kind(), "invalid", "{why}: {e}");
        assert_eq!(invalid_field(&e), "person_id", "{why}");
        let said = e.to_string();
        assert!(!said.contains(&other.id_number), "{why}: {said}");
        let form = EntryForm {
            person_id: Some(person.to_owned()),
            ..preview_form.clone()
        };
        assert_eq!(
            invalid_field(&store.preview_entry(&form).expect_err(why)),
            "person_id"
        );
        assert_eq!(
            invalid_field(
                &store
                    .check_pass_form("ABCD2345", "in", "", Some((checkpoint.as_str(), person)))
                    .expect_err(why)
            ),
            "person_id"
        );
    }
    // An ID number that is not the picked resident's (masked or whole) is refused too.
    for typed in [mask_id_number(&other.id_number), other.id_number.clone()] {
        let e = store
            .add_entry(&picked(&checkpoint, &wang.name, &typed, "", &wang.id))
            .expect_err("another ID number for the resident");
        assert_eq!(invalid_field(&e), "id_number");
    }
    assert_eq!(count(), 2, "a refused entry was written");
    // A deleted resident is no resident either (deleted by the township's command line).
    store.set_setting("role", "township").expect("role");
    d.ok(&format!("person set {} deleted=true", wang.id));
    store.set_setting("role", "volunteer").expect("role");
    let e = store
        .add_entry(&picked(
            &checkpoint,
            &wang.name,
            &mask_id_number(&wang.id_number),
            "",
            &wang.id,
        ))
        .expect_err("a deleted resident");
    assert_eq!(invalid_field(&e), "person_id");
    assert_eq!(count(), 2);
}

#[test]
fn entry_add_takes_a_resident_by_person_id_on_the_command_line() {
    let (d, _, wang, other, checkpoint) = township(41);
    let add = |person: &str| {
        format!(
            "entry add --checkpoint {checkpoint} --direction in --name {} --person {person} \
             --phone {} --temp 36.5 --code green",
            wang.name,
            mask_phone(PHONE)
        )
    };
    let e = d.json(&add(&wang.id));
    assert_eq!(e["person_id"], wang.id.as_str(), "{e}");
    let today = Store::open(d.path())
        .expect("store")
        .now_local()
        .date()
        .to_string();
    let list = d.json(&format!(
        "entry list --checkpoint {checkpoint} --date {today}"
    ));
    let rows = array(&list);
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(str_of(&rows[0], "id_number"), wang.id_number);
    assert_eq!(str_of(&rows[0], "phone"), PHONE);

    // Another village's person: exit 2, the field named, nothing written.
    let out = d.run(&format!("--json {}", add(&other.id)));
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(err["error"]["kind"], "invalid", "{err}");
    assert_eq!(err["error"]["field"], "person_id", "{err}");
    let list = d.json(&format!(
        "entry list --checkpoint {checkpoint} --date {today}"
    ));
    assert_eq!(array(&list).len(), 1, "{list}");
    // Neither an ID number nor a person: clap refuses before the store is opened.
    let out = d.run(&format!(
        "entry add --checkpoint {checkpoint} --direction in --name 某人 --temp 36.5 --code green"
    ));
    assert!(!out.status.success());
}
