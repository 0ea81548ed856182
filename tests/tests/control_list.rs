//! The township control list (管控名单) through a real relay on 127.0.0.1 (`gridbook relay
//! serve` in a child process) and enrolled devices driven by the `gridbook` command line.
//!
//! What must hold: a case started in village B on B's grid worker device syncs; a checkpoint
//! volunteer device of village A recognises the person by ID number with the state, B's name
//! and the suggestion of the township's isolation rule (劝返 with the reason); A's store files
//! hold no name or address of B's person; ending the case in B removes the state at A after
//! sync; a change to B's control list posted by A's grid worker is refused by the relay,
//! while the same change to A's own list is accepted. A case a device of an older version
//! wrote without a control record gets one when its village's grid worker syncs, and A's
//! checkpoint then recognises the person. `reindex --check` stays equal.

use automerge::{ActorId, ChangeHash};
use gridbook_tests::forge::{self, change, create, doc_of, message_since};
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// 14:05 on day 3 of a home isolation that started on 12-05 (last day 12-18).
const NOW: &str = "2026-12-07T14:05";

/// A township of two villages, 甲村 (A) with one resident of its own and 乙村 (B), served.
struct World {
    t: Township,
    a: String,
    b: String,
}

struct Device {
    data: Data,
    token: String,
}

impl std::ops::Deref for World {
    type Target = Township;
    fn deref(&self) -> &Township {
        &self.t
    }
}

impl World {
    fn new() -> World {
        let relay = Data::new();
        let a = str_of(&relay.json("village add --name 甲村"), "id").to_owned();
        let b = str_of(&relay.json("village add --name 乙村"), "id").to_owned();
        // A's own resident, in the ledger the township keeps for A.
        relay.json(&format!(
            "household add --village {a} --address 甲村一组1号 --head-name 李四 --head-id {}",
            mainland_id(41)
        ));
        World {
            t: Township::serve(relay),
            a,
            b,
        }
    }

    /// A device of `village` with `role`, its clock at [`NOW`], enrolled and synced once.
    fn device(&self, role: &str, village: &str, name: &str) -> Device {
        let mut data = Data::new();
        data.now = Some(NOW.to_owned());
        let (added, stats) = self.enroll(&data, role, Some(village), name);
        assert!(array(&stats["refused"]).is_empty(), "{stats}");
        Device {
            data,
            token: added.token,
        }
    }

    /// The checkpoint 甲村村口 that `volunteer` adds in village A: its id.
    fn checkpoint_of_a(&self, volunteer: &Device) -> String {
        let added = volunteer.data.json(&format!(
            "checkpoint add --village {} --name 甲村村口",
            self.a
        ));
        str_of(&added, "id").to_owned()
    }
}

/// Syncs; nothing may be refused.
fn synced(d: &Data) {
    let stats = d.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
}

/// Every byte of every file of a data directory (the store and its WAL).
fn files_of(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.extend(std::fs::read(&p).expect("read file"));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn home_isolation(d: &Data) -> String {
    let list = d.json("policy list");
    let p = array(&list)
        .iter()
        .find(|p| p["code"] == "home-isolation")
        .unwrap_or_else(|| panic!("no built-in home-isolation: {list}"));
    str_of(p, "id").to_owned()
}

fn going_out(checkpoint: &str, id_number: &str) -> String {
    format!(
        "entry add --checkpoint {checkpoint} --direction out --name 王某 --id-number {id_number} \
         --temp 36.5 --code green --purpose 买菜"
    )
}

#[test]
fn a_checkpoint_of_village_a_recognises_a_person_isolated_in_village_b() {
    let w = World::new();
    // B's grid worker starts a home isolation for one of B's residents.
    let worker_b = w.device("grid-worker", &w.b, "乙村网格员");
    let isolated = mainland_id(42);
    let h = worker_b.data.json(&format!(
        "household add --village {} --address 乙村三组9号 --head-name 王秘密 --head-id {isolated}",
        w.b
    ));
    let person = str_of(&h, "person_id").to_owned();
    let case = str_of(
        &worker_b.data.json(&format!(
            "case start --person {person} --policy {} --start 2026-12-05",
            home_isolation(&worker_b.data)
        )),
        "case_id",
    )
    .to_owned();
    synced(&worker_b.data);
    let control_b = format!("control:{}", w.b);
    assert!(w.relay.doc_ids().contains(&control_b));

    // A's checkpoint volunteer: its checkpoint, its village's ledger, and every list.
    let volunteer = w.device("volunteer", &w.a, "甲村卡口");
    let docs = volunteer.data.doc_ids();
    assert!(docs.contains(&control_b), "{docs:?}");
    assert!(!docs.contains(&format!("ledger:{}", w.b)), "{docs:?}");
    assert!(!docs.contains(&format!("care:{}", w.b)), "{docs:?}");
    let checkpoint = w.checkpoint_of_a(&volunteer);

    // The match by whole ID number: B's name for the village, the state, no name.
    let hits = volunteer
        .data
        .json(&format!("match {isolated} --checkpoint {checkpoint}"));
    let hit = &array(&hits)[0];
    assert_eq!(array(&hits).len(), 1, "{hits}");
    assert_eq!(hit["matched"], "control", "{hits}");
    assert_eq!(hit["name"], "", "{hits}");
    assert_eq!(hit["address"], "", "{hits}");
    assert_eq!(
        hit["isolation"]["label"], "乙村管控：居家隔离第3天，至12月18日",
        "{hits}"
    );
    assert_eq!(hit["isolation"]["village"], "乙村", "{hits}");
    let text = volunteer
        .data
        .ok(&format!("match {isolated} --checkpoint {checkpoint}"));
    assert!(text.contains("乙村管控：居家隔离第3天"), "{text}");

    // Going out: turned back with the reason, as for a resident of A.
    let e = volunteer.data.json(&going_out(&checkpoint, &isolated));
    assert_eq!(e["decision"], "turn-back", "{e}");
    let reason = &array(&e["reasons"])[0];
    assert_eq!(reason["code"], "isolation", "{e}");
    assert_eq!(reason["zh"], "居家隔离第3天，至12月18日", "{e}");
    assert_eq!(e["isolation"]["village"], "乙村", "{e}");
    // A's own resident goes out freely.
    let own = volunteer
        .data
        .json(&going_out(&checkpoint, &mainland_id(41)));
    assert_eq!(own["decision"], "allow", "{own}");
    synced(&volunteer.data);

    // Nothing of B's person is on A's device (its files are read as bytes: tests run
    // unencrypted, as A's own resident's name shows).
    let bytes = files_of(volunteer.data.path());
    assert!(
        contains(&bytes, "李四"),
        "A's files are not readable as they are"
    );
    for secret in ["王秘密", "乙村三组9号"] {
        assert!(!contains(&bytes, secret), "{secret} is on A's device");
    }
    volunteer.data.reindex_check();

    // The case ends in B: after sync, A no longer sees a state.
    worker_b.data.ok(&format!(
        "case close {case} --status cancelled --note 登记错误"
    ));
    synced(&worker_b.data);
    synced(&volunteer.data);
    let hits = volunteer
        .data
        .json(&format!("match {isolated} --checkpoint {checkpoint}"));
    assert!(array(&hits).is_empty(), "{hits}");
    let e = volunteer.data.json(&going_out(&checkpoint, &isolated));
    assert_eq!(e["decision"], "allow", "{e}");
    assert!(e.get("isolation").is_none_or(Value::is_null), "{e}");
    volunteer.data.reindex_check();
    worker_b.data.reindex_check();
    w.relay.reindex_check();
}

/// A control record by `actor` added to document `doc_id` as `dev` holds it; returns the
/// sync message that carries it.
fn forged_record(dev: &Data, doc_id: &str, actor: &ActorId, record: &str) -> Vec<u8> {
    forged(
        dev,
        "甲村网格员",
        doc_id,
        actor,
        record,
        &[
            ("type", "control"),
            ("case_id", "00000000-0000-4000-8000-000000000001"),
            ("person_id", "00000000-0000-4000-8000-000000000002"),
            ("id_hash", "00112233445566778899aabbccddeeff"),
            ("phases", "home-isolation:14"),
            ("start", "2026-12-05"),
        ],
    )
}

/// A record with `fields` by `actor` added to document `doc_id` as `dev` holds it (made
/// outside this version's store, as a device of another version or a hostile one would);
/// returns the sync message that carries it.
fn forged(
    dev: &Data,
    device: &str,
    doc_id: &str,
    actor: &ActorId,
    record: &str,
    fields: &[(&str, &str)],
) -> Vec<u8> {
    let mut doc = doc_of(dev, doc_id);
    let heads: Vec<ChangeHash> = doc.get_heads();
    let message = forge::audit(device, "create", &[record]);
    change(&mut doc, actor, Some(message), 0, |tx| {
        create(tx, record, "", fields)
    });
    message_since(&mut doc, heads)
}

fn post(w: &World, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    forge::post(&w.server.url, token, doc_id, msg)
}

#[test]
fn a_grid_worker_of_village_a_cannot_write_village_b_s_control_list() {
    let w = World::new();
    // B's list exists (a case of B), so A's grid worker holds it to build on.
    let worker_b = w.device("grid-worker", &w.b, "乙村网格员");
    let h = worker_b.data.json(&format!(
        "household add --village {} --address 乙村一组2号 --head-name 钱七 --head-id {}",
        w.b,
        mainland_id(43)
    ));
    worker_b.data.json(&format!(
        "case start --person {} --policy {} --start 2026-12-05",
        str_of(&h, "person_id"),
        home_isolation(&worker_b.data)
    ));
    synced(&worker_b.data);
    let worker_a = w.device("grid-worker", &w.a, "甲村网格员");
    let (control_a, control_b) = (format!("control:{}", w.a), format!("control:{}", w.b));
    assert!(worker_a.data.doc_ids().contains(&control_b));
    let before = w.relay.heads();

    let actor = ActorId::random();
    let forged = forged_record(
        &worker_a.data,
        &control_b,
        &actor,
        "00000000-0000-4000-8000-0000000000b1",
    );
    let why = post(&w, &worker_a.token, &control_b, forged);
    assert!(why.is_some(), "a write to B's list was accepted");
    assert_eq!(w.relay.heads(), before, "the relay kept something");

    // The same construction on A's own list is accepted: the refusal was the access rule's.
    let honest = forged_record(
        &worker_a.data,
        &control_a,
        &actor,
        "00000000-0000-4000-8000-0000000000a1",
    );
    assert_eq!(post(&w, &worker_a.token, &control_a, honest), None);
    assert!(w.relay.doc_ids().contains(&control_a));
    w.relay.reindex_check();
    // And the device keeps syncing afterwards.
    synced(&worker_a.data);
}

#[test]
fn a_case_written_without_a_control_record_is_recognised_after_its_village_syncs() {
    let w = World::new();
    let worker_b = w.device("grid-worker", &w.b, "乙村网格员");
    let isolated = mainland_id(44);
    let h = worker_b.data.json(&format!(
        "household add --village {} --address 乙村五组3号 --head-name 郑某 --head-id {isolated}",
        w.b
    ));
    synced(&worker_b.data);
    // B's doctor, on a version before the control list, starts a case: the isolation
    // document gets it, no control list does.
    let doctor_b = w.device("doctor", &w.b, "乙村医生");
    let list = doctor_b.data.json("policy list");
    let policy = array(&list)
        .iter()
        .find(|p| p["code"] == "home-isolation")
        .unwrap_or_else(|| panic!("no built-in home-isolation: {list}"));
    let spec = policy["spec"].to_string();
    let care_b = format!("care:{}", w.b);
    let control_b = format!("control:{}", w.b);
    let case = "00000000-0000-4000-8000-0000000000c1";
    let old_case = forged(
        &doctor_b.data,
        "乙村医生",
        &care_b,
        &ActorId::random(),
        case,
        &[
            ("type", "case"),
            ("person_id", str_of(&h, "person_id")),
            ("household_id", str_of(&h, "household_id")),
            ("policy_id", str_of(policy, "id")),
            ("policy", &spec),
            ("start", "2026-12-05"),
            ("place", "home"),
            ("status", "active"),
            ("created_at", "2026-12-05T09:00:00"),
        ],
    );
    assert_eq!(post(&w, &doctor_b.token, &care_b, old_case), None);
    assert!(!w.relay.doc_ids().contains(&control_b));

    // B's grid worker (this version) syncs: it gets the case and sends its control record.
    synced(&worker_b.data);
    let shown = worker_b.data.json(&format!("case show {case}"));
    assert_eq!(shown["status"], "active", "{shown}");
    assert!(shown["origin"].is_null(), "{shown}");
    assert!(w.relay.doc_ids().contains(&control_b));
    let heads = w.relay.heads();
    // Nothing more the next time, here or on the doctor's device.
    synced(&worker_b.data);
    synced(&doctor_b.data);
    assert_eq!(w.relay.heads(), heads, "a second backfill wrote something");

    // A checkpoint of village A recognises the person, and turns them back going out.
    let volunteer = w.device("volunteer", &w.a, "甲村卡口");
    let checkpoint = w.checkpoint_of_a(&volunteer);
    let hits = volunteer
        .data
        .json(&format!("match {isolated} --checkpoint {checkpoint}"));
    assert_eq!(array(&hits).len(), 1, "{hits}");
    assert_eq!(array(&hits)[0]["matched"], "control", "{hits}");
    assert_eq!(
        array(&hits)[0]["isolation"]["label"],
        "乙村管控：居家隔离第3天，至12月18日",
        "{hits}"
    );
    let e = volunteer.data.json(&going_out(&checkpoint, &isolated));
    assert_eq!(e["decision"], "turn-back", "{e}");
    for d in [&worker_b.data, &doctor_b.data, &volunteer.data, &w.relay] {
        d.reindex_check();
    }
}
