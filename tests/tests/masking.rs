//! Masking by role, through the `gridbook` binary and the store on real SQLite files and a
//! real relay on 127.0.0.1.
//!
//! What must hold: lists show ID numbers and phones masked (`110101********3931`,
//! `138****5678`) to people on every device, and in JSON to a role that may not see the
//! person's village in full (a volunteer); the village's grid worker and township staff get
//! full values; a reveal of a person's full ID number or phone, or of a household's phone, by
//! the grid worker (the store's API, and `gridbook reveal` on the command line, exit 3 when
//! refused) returns the value and writes a `reveal` entry (whose record, which field,
//! when; never the value) in the device's log, which syncs through the relay to the township's
//! device; the township may reveal too; a volunteer's reveal is refused with nothing logged.

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::Store;
use gridbook_tests::procs::Data;
use gridbook_tests::township::{Device, Township};
use gridbook_tests::{array, str_of};
use serde_json::Value;

const PHONE: &str = "13812345678";
const HOUSEHOLD_PHONE: &str = "13987654321";

/// A resident of `village` (as the relay's ledger has it, read through the store's API: the
/// truth the test compares with, no reveal) given the phone [`PHONE`] by the village's grid
/// worker: (person id, name, ID number).
fn resident(w: &Township, worker: &Data, village: &str) -> (String, String, String) {
    let households = w.relay.json(&format!("household list --village {village}"));
    let hid = str_of(&array(&households)[0], "id").to_owned();
    let detail = Store::open(w.relay.path())
        .expect("the relay's store")
        .household(&hid)
        .expect("household");
    let p = &detail.residents[0];
    worker.ok(&format!("person set {} phone={PHONE}", p.id));
    (p.id.clone(), p.name.clone(), p.id_number.clone())
}

/// The search hit of person `pid` on device `d`.
fn hit(d: &Data, name: &str, pid: &str) -> Value {
    let hits = d.json(&format!("search {name} --limit 50"));
    array(&hits)
        .iter()
        .find(|h| h["person_id"] == pid)
        .cloned()
        .unwrap_or_else(|| panic!("{name} not found: {hits}"))
}

#[test]
fn lists_mask_by_role_and_a_reveal_is_logged_and_reaches_the_township() {
    let w = Township::demo("--villages 2 --households 16 --seed 13");
    let village = str_of(&array(&w.relay.json("village list"))[0], "id").to_owned();
    let Device {
        data: worker,
        id: worker_id,
        ..
    } = w.device("grid-worker", Some(&village), "红星村网格员");
    let volunteer = w.device("volunteer", Some(&village), "红星村卡口").data;
    let town = w.device("township", None, "镇防控办").data;
    let (pid, name, id_number) = resident(&w, &worker, &village);
    let households = w.relay.json(&format!("household list --village {village}"));
    let hid = str_of(&array(&households)[0], "id").to_owned();
    let address = str_of(&array(&households)[0], "address").to_owned();
    worker.ok(&format!("household set {hid} phone={HOUSEHOLD_PHONE}"));
    let stats = worker.sync();
    assert!(
        stats["refused"].as_array().is_none_or(Vec::is_empty),
        "{stats}"
    );
    volunteer.sync();
    town.sync();

    // Scripts on the grid worker's and the township's devices read full values, each search
    // one reveal in the device's log; on the volunteer's, masked ones, in the same fields.
    for d in [&worker, &town] {
        let h = hit(d, &name, &pid);
        assert_eq!(str_of(&h, "id_number"), id_number);
        assert_eq!(str_of(&h, "phone"), PHONE);
    }
    let h = hit(&volunteer, &name, &pid);
    assert_eq!(str_of(&h, "id_number"), mask_id_number(&id_number));
    assert_eq!(str_of(&h, "phone"), "138****5678");
    // Lists for people are masked on every device.
    for d in [&worker, &volunteer, &town] {
        let text = d.ok(&format!("search {name} --limit 50"));
        assert!(text.contains(&mask_id_number(&id_number)), "{text}");
        assert!(text.contains(&mask_phone(PHONE)), "{text}");
        assert!(
            !text.contains(&id_number) && !text.contains(PHONE),
            "{text}"
        );
    }

    // The volunteer may not reveal: refused (exit 3 on the command line), nothing logged.
    let out = volunteer.run(&format!("reveal {pid} --field id_number"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(!said.contains(&id_number), "{said}");
    {
        let store = Store::open(volunteer.path()).expect("volunteer's store");
        let e = store
            .reveal(&hid, "phone")
            .expect_err("a volunteer's reveal of a household's phone");
        assert_eq!(e.kind(), "refused");
        assert!(!e.to_string().contains(HOUSEHOLD_PHONE), "{e}");
        assert!(store.exports_log(100).expect("log").is_empty());
    }
    // The village's grid worker reveals the ID number and the phone; both are logged.
    {
        let shown = worker.json(&format!("reveal {pid} --field id_number"));
        assert_eq!(shown["value"], id_number.as_str(), "{shown}");
        assert_eq!(shown["field"], "id_number", "{shown}");
        let store = Store::open(worker.path()).expect("worker's store");
        assert_eq!(store.reveal(&pid, "phone").expect("reveal phone"), PHONE);
        assert_eq!(
            store
                .reveal(&hid, "phone")
                .expect("reveal the household's phone"),
            HOUSEHOLD_PHONE
        );
        let e = store
            .reveal(&hid, "id_number")
            .expect_err("a household has no ID number");
        assert_eq!(e.kind(), "refused");
        let e = store
            .reveal(&pid, "name")
            .expect_err("only an ID or a phone");
        assert_eq!(e.kind(), "refused");
    }
    let log = worker.json("export-log");
    assert_eq!(array(&log).len(), 4, "three reveals and a search: {log}");
    let stats = worker.sync();
    assert!(
        stats["refused"].as_array().is_none_or(Vec::is_empty),
        "{stats}"
    );

    // The township's device receives the entries: who, whose, which field, when; no value.
    town.sync();
    let seen = town.json("export-log");
    let reveals: Vec<&Value> = array(&seen)
        .iter()
        .filter(|e| e["kind"] == "reveal" && e["device_id"] == worker_id.as_str())
        .collect();
    let mut fields: Vec<&str> = reveals.iter().map(|e| str_of(e, "field")).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["id_number", "id_number,phone", "phone", "phone"],
        "{seen}"
    );
    for e in &reveals {
        if e["via"] == "search" {
            // The search: the records it showed in full, all of the worker's village.
            assert!(e["rows"].as_u64().is_some_and(|n| n >= 1), "{e}");
            assert_eq!(e["full_ids"], true, "{e}");
        } else if str_of(e, "subject") == hid {
            assert_eq!(str_of(e, "field"), "phone", "{e}");
            assert_eq!(str_of(e, "subject_name"), address);
        } else {
            assert_eq!(str_of(e, "subject"), pid);
            assert_eq!(str_of(e, "subject_name"), name);
        }
        assert_eq!(str_of(e, "device"), "红星村网格员");
        assert_eq!(str_of(e, "village_id"), village);
        // The store opened here reads the real clock.
        let at = chrono::NaiveDateTime::parse_from_str(str_of(e, "at"), "%Y-%m-%dT%H:%M:%S");
        assert!(at.is_ok(), "{e}");
    }
    let text = seen.to_string();
    assert!(
        !text.contains(&id_number) && !text.contains(PHONE) && !text.contains(HOUSEHOLD_PHONE),
        "{text}"
    );
    // Township staff may reveal the household's phone too.
    {
        let store = Store::open(town.path()).expect("township's store");
        assert_eq!(
            store.reveal(&hid, "phone").expect("the township's reveal"),
            HOUSEHOLD_PHONE
        );
    }
    let people = town.ok("export-log");
    assert!(
        people.contains("查看完整身份证号") && people.contains(&name),
        "{people}"
    );
    worker.reindex_check();
    town.reindex_check();
}
