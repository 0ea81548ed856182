//! No enrolled device can harm anyone else's data (issue 15, design.md §7): a real relay on
//! 127.0.0.1 (`gridbook relay serve` in a child process) and enrolled devices, attacked with
//! Automerge changes built by hand and posted with a device's own token.
//!
//! Every attack must be refused with nothing stored changed, `reindex --check` equal, other
//! devices still syncing and a new device's first sync succeeding. The same construction
//! without the attack is accepted, so a refusal is the check's and not a broken message's.
//! A device that receives what it cannot project (from an older relay) quarantines that
//! record and syncs everything else.

#[path = "integrity/merges.rs"]
mod merges;

use automerge::sync::State;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ROOT};
use gridbook_store::{assume_peer_has, next_message, Audit, Store};
use gridbook_sync::client::Client;
use gridbook_sync::wire::Request;
use gridbook_tests::procs::{Data, Heads, Server};
use gridbook_tests::{array, str_of};
use serde_json::Value;

/// A relay with a demo township, serving.
struct World {
    relay: Data,
    server: Server,
    township: String,
    villages: Vec<String>,
    _logs: tempfile::TempDir,
}

/// An enrolled device.
struct Device {
    data: Data,
    id: String,
    token: String,
}

impl World {
    fn new() -> World {
        let relay = Data::new();
        let demo = relay.json("demo --villages 2 --households 6 --seed 5");
        let township = str_of(&demo, "township_id").to_owned();
        let villages = array(&relay.json("village list"))
            .iter()
            .map(|v| str_of(v, "id").to_owned())
            .collect();
        let logs = tempfile::tempdir().expect("log dir");
        let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
        World {
            relay,
            server,
            township,
            villages,
            _logs: logs,
        }
    }

    /// A new device enrolled as `name`, synced once (its first sync must succeed).
    fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let scope = match village {
            Some(v) => format!("--village {v}"),
            None => "--township".to_owned(),
        };
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let (id, token) = (str_of(&added, "device_id"), str_of(&added, "token"));
        let data = Data::new();
        data.ok(&format!("device rename {name}"));
        data.ok(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        let stats = data.sync();
        assert!(array(&stats["refused"]).is_empty(), "{stats}");
        Device {
            data,
            id: id.to_owned(),
            token: token.to_owned(),
        }
    }

    fn grid(&self) -> String {
        format!("grid:{}", self.township)
    }

    fn households(&self, village: &str) -> Vec<String> {
        array(
            &self
                .relay
                .json(&format!("household list --village {village}")),
        )
        .iter()
        .map(|h| str_of(h, "id").to_owned())
        .collect()
    }
}

fn ledger(village: &str) -> String {
    format!("ledger:{village}")
}

/// A document as a device's store holds it, to build changes on.
fn doc_of(dev: &Data, doc_id: &str) -> Automerge {
    let store = Store::open(dev.path()).expect("open device store");
    Automerge::load(&store.export_doc(doc_id).expect("export")).expect("load")
}

fn audit(device: &str, records: &[&str]) -> String {
    let mut a = Audit {
        device: device.to_owned(),
        what: "create".into(),
        ..Audit::default()
    };
    let ids: Vec<String> = records.iter().map(|r| (*r).to_owned()).collect();
    a.set_records(&ids);
    serde_json::to_string(&a).expect("audit json")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One change by `actor` on `doc`: `f` writes it, `message` is its audit (none: no message).
fn change(
    doc: &mut Automerge,
    actor: &ActorId,
    message: Option<String>,
    time_ms: i64,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
) {
    doc.set_actor(actor.clone());
    let mut tx = doc.transaction();
    f(&mut tx);
    let mut opts = CommitOptions::default().with_time(time_ms);
    if let Some(m) = message {
        opts = opts.with_message(m);
    }
    tx.commit_with(opts);
}

/// Creates record `id` of type `kind` with `fields`.
fn create(
    tx: &mut automerge::transaction::Transaction<'_>,
    id: &str,
    kind: &str,
    fields: &[(&str, &str)],
) {
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("put_object");
    tx.put(&obj, "type", kind).expect("type");
    for (k, v) in fields {
        tx.put(&obj, *k, *v).expect("field");
    }
}

/// The sync message that carries every change of `doc` made since `since` (empty: all).
fn message_since(doc: &mut Automerge, since: Vec<ChangeHash>) -> Vec<u8> {
    let mut state = State::new();
    assert!(assume_peer_has(doc, &mut state, since).expect("assume"));
    next_message(doc, &mut state, true).expect("a message")
}

fn uuid(n: u32) -> String {
    format!("{n:08x}-7e57-4000-8000-{:012x}", u64::from(n) * 7919)
}

/// Posts `msg` about `doc_id` with `token`; returns the relay's refusal reason, if any.
fn post(w: &World, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    let client = Client::new(&w.server.url, token);
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(doc_id.to_owned(), msg)],
        })
        .expect("post");
    resp.refused
        .into_iter()
        .find(|(d, _)| d == doc_id)
        .map(|(_, why)| why)
}

/// What must hold after every refused attack: nothing stored changed, projections equal a
/// rebuild, an honest device still syncs its edit, and a new device's first sync succeeds.
fn assert_unharmed(w: &World, before: &Heads, honest: &Device, label: &str) {
    assert_eq!(
        &w.relay.heads(),
        before,
        "{label}: the relay kept something"
    );
    w.relay.reindex_check();
    let hh = w.households(&w.villages[0]);
    honest.data.ok(&format!(
        "household set {} address={label}",
        hh[hh.len() - 1]
    ));
    let stats = honest.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{label}: {stats}");
    let shown = w
        .relay
        .json(&format!("household show {}", hh[hh.len() - 1]));
    assert_eq!(
        shown["address"], label,
        "{label}: the honest edit did not arrive"
    );
    let fresh = w.device("township", None, &format!("新设备{}", label.len()));
    fresh.data.reindex_check();
    assert!(
        fresh.data.doc_ids().contains(&ledger(&w.villages[1])),
        "{label}"
    );
}

#[test]
fn hand_built_attacks_are_refused_and_harm_nobody() {
    let w = World::new();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let worker = w.device("grid-worker", Some(&va), "甲村网格员");
    let volunteer = w.device("volunteer", Some(&va), "甲村志愿者");
    let honest = w.device("township", None, "乡镇办公室");
    let attacker_actor = ActorId::random();

    // 1. The same entry id in the entries of two days. Day one (a valid, hand-built entries
    // document) is accepted; day two with that entry's id is refused.
    let checkpoint = uuid(1);
    let entry = uuid(2);
    let day1 = format!("entries:{va}:{checkpoint}:2022-11-20");
    let day2 = format!("entries:{va}:{checkpoint}:2022-11-21");
    let mut d1 = Automerge::new();
    change(
        &mut d1,
        &attacker_actor,
        Some(audit("甲村志愿者", &[&entry])),
        now_ms(),
        |tx| create(tx, &entry, "entry", &[("checkpoint_id", &checkpoint)]),
    );
    let msg = message_since(&mut d1, Vec::new());
    assert_eq!(post(&w, &volunteer.token, &day1, msg), None, "day one");
    assert!(w.relay.doc_ids().contains(&day1));
    let before = w.relay.heads();
    let mut d2 = Automerge::new();
    change(
        &mut d2,
        &attacker_actor,
        Some(audit("甲村志愿者", &[&entry])),
        now_ms(),
        |tx| create(tx, &entry, "entry", &[("checkpoint_id", &checkpoint)]),
    );
    let why = post(
        &w,
        &volunteer.token,
        &day2,
        message_since(&mut d2, Vec::new()),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains(&format!("already used in {day1}"))),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "一");

    // 2. A household id of village B written into ledger:A by A's grid worker.
    let rogue = ActorId::random();
    let b_household = w.households(&vb)[0].clone();
    let b_before = w.relay.json(&format!("household show {b_household}"));
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    change(
        &mut la,
        &rogue,
        Some(audit("甲村网格员", &[&b_household])),
        now_ms(),
        |tx| create(tx, &b_household, "household", &[("address", "甲村")]),
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("already used in ledger:")),
        "{why:?}"
    );
    let b_after = w.relay.json(&format!("household show {b_household}"));
    assert_eq!(b_before, b_after, "B's household moved");
    let before = w.relay.heads();
    assert_unharmed(&w, &before, &honest, "二二");

    // 3. Village B's id written into ledger:A with its type set concurrently by two actors
    // (person and household); and the same type conflict on a fresh id.
    let villages_before = w.relay.json("village list");
    let before = w.relay.heads();
    for target in [vb.clone(), uuid(3)] {
        let mut la = doc_of(&worker.data, &ledger(&va));
        let heads = la.get_heads();
        let other_actor = ActorId::random();
        let mut obj = None;
        change(
            &mut la,
            &rogue,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                obj = Some(
                    tx.put_object(ROOT, target.as_str(), ObjType::Map)
                        .expect("map"),
                )
            },
        );
        let obj = obj.expect("record map");
        let mut fork = la.fork();
        change(
            &mut la,
            &rogue,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                tx.put(&obj, "type", "person").expect("type");
            },
        );
        change(
            &mut fork,
            &other_actor,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                tx.put(&obj, "type", "household").expect("type");
            },
        );
        la.merge(&mut fork).expect("merge");
        let why = post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads),
        );
        assert!(
            why.as_deref()
                .is_some_and(|r| r.contains("types") || r.contains("already used in")),
            "{target}: {why:?}"
        );
    }
    assert_eq!(
        w.relay.json("village list"),
        villages_before,
        "a village went"
    );
    assert_unharmed(&w, &before, &honest, "三三三");

    // 4. Setting the type of an existing household again is refused; a plain edit by the
    // same construction is accepted.
    let a_household = w.households(&va)[0].clone();
    let before = w.relay.heads();
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    let worker_actor = ActorId::from(hex_bytes(&actor_hex(&worker.data)));
    change(
        &mut la,
        &worker_actor,
        Some(audit("甲村网格员", &[&a_household])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "person").expect("type");
        },
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("is set once, at creation")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "四四四四");

    // 5. A forged audit message (the township office, a year back) is kept, but the relay's
    // history names the device it came from and when it arrived.
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    let year_ago = now_ms() - 365 * 24 * 3600 * 1000;
    change(
        &mut la,
        &worker_actor,
        Some(audit("乡镇办公室", &[&a_household])),
        year_ago,
        |tx| {
            tx.put(&obj, "address", "伪造地址").expect("address");
        },
    );
    assert_eq!(
        post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads.clone())
        ),
        None
    );
    let history = w.relay.json(&format!("history {a_household}"));
    let forged = array(&history)
        .iter()
        .find(|h| h["new"] == "伪造地址")
        .unwrap_or_else(|| panic!("the edit is in the history: {history}"))
        .clone();
    assert_eq!(forged["device"], "甲村网格员", "{forged}");
    assert_eq!(forged["device_claimed"], "乡镇办公室", "{forged}");
    assert_eq!(forged["device_id"], worker.id.as_str(), "{forged}");
    let received = forged["received_at"].as_str().expect("received_at");
    let claimed = forged["at"].as_str().expect("at");
    assert!(received > claimed, "{forged}");
    assert!(received[..4] > claimed[..4], "a year apart: {forged}");
    worker.data.sync();

    // 6. A change with no audit message is refused.
    let before = w.relay.heads();
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    change(&mut la, &worker_actor, None, now_ms(), |tx| {
        tx.put(&obj, "address", "无审计").expect("address");
    });
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("has no audit message")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "六六六六六六");

    // 7. A change authored by another device's actor (the township office's, bound when its
    // edits reached the relay) is refused, from a device allowed to write the document.
    worker.data.sync();
    let before = w.relay.heads();
    let office_actor = ActorId::from(hex_bytes(&actor_hex(&honest.data)));
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    change(
        &mut la,
        &office_actor,
        Some(audit("乡镇办公室", &[&a_household])),
        now_ms(),
        |tx| {
            tx.put(&obj, "address", "冒名").expect("address");
        },
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("authored by another device")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "七七七七七七七");
}

/// A device's actor id (hex), as `device show` gives it.
fn actor_hex(d: &Data) -> String {
    str_of(&d.json("device show"), "actor").to_owned()
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// A device receiving, from a relay that kept them (an older one), records it cannot project
/// quarantines them, syncs everything else and lists them.
#[test]
fn a_device_quarantines_what_it_cannot_project_and_syncs_the_rest() {
    let w = World::new();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let early = w.device("township", None, "乡镇办公室");
    let villages_before = w.relay.json("village list");

    // What an older relay accepted: village B's id as a household of ledger:A, and a fresh
    // record whose type two actors set concurrently. Written straight into the relay's store
    // (no relay check on this path), as such a relay stored it.
    let relay_store = Store::open(w.relay.path()).expect("open relay store");
    let mut la =
        Automerge::load(&relay_store.export_doc(&ledger(&va)).expect("export")).expect("load");
    let heads = la.get_heads();
    let (a1, a2) = (ActorId::random(), ActorId::random());
    let conflicted = uuid(9);
    change(&mut la, &a1, Some(audit("旧版", &[&vb])), now_ms(), |tx| {
        create(tx, &vb, "household", &[("address", "乙村被占")])
    });
    let mut obj = None;
    change(
        &mut la,
        &a1,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            obj = Some(
                tx.put_object(ROOT, conflicted.as_str(), ObjType::Map)
                    .expect("map"),
            )
        },
    );
    let obj = obj.expect("map");
    let mut fork = la.fork();
    change(
        &mut la,
        &a1,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "person").expect("type");
        },
    );
    change(
        &mut fork,
        &a2,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "household").expect("type");
        },
    );
    la.merge(&mut fork).expect("merge");
    let bytes: Vec<u8> = la
        .get_changes(&heads)
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect();
    assert!(relay_store
        .merge_doc_bytes(&ledger(&va), &bytes)
        .expect("the old relay keeps them"));
    drop(relay_store);
    // The relay's own projections held them back too: village B is still there.
    assert_eq!(w.relay.json("village list"), villages_before);
    w.relay.reindex_check();

    // A device that already had the ledger gets the new changes; a new device its first
    // sync. Both sync without a refusal, keep village B, and list what they held back.
    let stats = early.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    let fresh = w.device("township", None, "新乡镇设备");
    for d in [&early.data, &fresh.data] {
        assert_eq!(d.json("village list"), villages_before);
        d.reindex_check();
        let q = d.json("quarantine");
        // Township staff read which village's which data: the name, not the document id.
        let va_name = array(&villages_before)
            .iter()
            .find(|v| v["id"] == va.as_str())
            .map(|v| str_of(v, "name").to_owned())
            .expect("village A listed");
        for r in array(&q) {
            assert_eq!(str_of(r, "what"), format!("{va_name} · 户籍台账"), "{q}");
        }
        let held: Vec<(String, String, String)> = array(&q)
            .iter()
            .map(|r| {
                (
                    str_of(r, "doc_id").to_owned(),
                    str_of(r, "record_id").to_owned(),
                    str_of(r, "reason").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            held,
            vec![
                (ledger(&va), vb.clone(), "duplicate_id".to_owned()),
                (ledger(&va), conflicted.clone(), "type_conflict".to_owned()),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>(),
            "{q}"
        );
        let owner = array(&q)
            .iter()
            .find(|r| r["record_id"] == vb.as_str())
            .map(|r| r["owner_doc"].clone());
        assert_eq!(owner, Some(Value::from(w.grid())), "{q}");
        // Everything else synced: the same households as the relay in both villages.
        for v in [&va, &vb] {
            let mine: Vec<String> = array(&d.json(&format!("household list --village {v}")))
                .iter()
                .map(|h| str_of(h, "id").to_owned())
                .collect();
            assert_eq!(mine, w.households(v));
        }
    }
    // And the next syncs go on: an edit made on the relay's side reaches both.
    let hh = w.households(&va)[1].clone();
    early
        .data
        .ok(&format!("household set {hh} address=隔离后仍同步"));
    let stats = early.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    fresh.data.sync();
    assert_eq!(
        fresh.data.json(&format!("household show {hh}"))["address"],
        "隔离后仍同步"
    );
}
