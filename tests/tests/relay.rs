//! Devices and a real relay: the `gridbook`
//! binary serves a store on 127.0.0.1:0 in a child process, devices are separate data
//! directories driven through the CLI (and, where a test needs to forge requests, in-process
//! through the store and the sync client).
//!
//! What must hold: edits of different fields merge and the same field set twice is a conflict
//! that every device sees until someone resolves it; a device of village A neither reads nor
//! writes village B and a volunteer only reads; revoked and unknown tokens are refused; a relay
//! killed in the middle of a sync loses nothing and the next sync converges; a device whose
//! clock is a day wrong loses nothing; hostile bytes get a 4xx, never harm what is stored and
//! never bring the relay down.
//!
//! Finding the binary: as in tests/cli.rs, `$GRIDBOOK_BIN` if set, otherwise `cargo build -p
//! gridbook` into the target directory and profile this test executable was built in.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use gridbook_store::Store;
use gridbook_sync::client::Client;
use gridbook_sync::wire::{digest, Request};
use gridbook_sync::SyncError;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{array, mainland_id, str_of, SplitMix64};
use serde_json::Value;

/// A relay with a demo township, serving.
struct World {
    relay: Data,
    server: Server,
    township: String,
    villages: Vec<String>,
    logs: tempfile::TempDir,
}

/// An enrolled device.
struct Device {
    data: Data,
    id: String,
    token: String,
}

impl std::ops::Deref for Device {
    type Target = Data;
    fn deref(&self) -> &Data {
        &self.data
    }
}

impl World {
    fn new(villages: usize, households: usize) -> World {
        let relay = Data::new();
        let demo = relay.json(&format!(
            "demo --villages {villages} --households {households} --seed 3"
        ));
        let township = str_of(&demo, "township_id").to_owned();
        let villages: Vec<String> = array(&relay.json("village list"))
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
            logs,
        }
    }

    fn log(&self) -> PathBuf {
        self.logs.path().join("relay.log")
    }

    /// `relay device add`: (device id, token).
    fn add_device(&self, role: &str, village: Option<&str>, name: &str) -> (String, String) {
        let scope = match village {
            Some(v) => format!("--village {v}"),
            None => "--township".to_owned(),
        };
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let id = str_of(&added, "device_id").to_owned();
        let token = str_of(&added, "token").to_owned();
        assert!(!id.is_empty() && token.len() >= 32, "{added}");
        (id, token)
    }

    /// A new device directory, renamed to `name`, enrolled with the relay, synced once.
    fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let (id, token) = self.add_device(role, village, name);
        let data = Data::new();
        data.ok(&format!("device rename {name}"));
        let hello = data.json(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        assert_eq!(str_of(&hello, "device_id"), id, "{hello}");
        assert_eq!(str_of(&hello, "township_id"), self.township, "{hello}");
        assert_eq!(str_of(&hello, "role"), role, "{hello}");
        assert_eq!(hello["village_id"].as_str(), village, "{hello}");
        data.sync();
        Device { data, id, token }
    }

    /// The `nth` household of `village` on the relay and its head: (household id, person id).
    fn household_of(&self, village: &str, nth: usize) -> (String, String) {
        let list = self
            .relay
            .json(&format!("household list --village {village}"));
        let h = &array(&list)[nth];
        (
            str_of(h, "id").to_owned(),
            str_of(h, "head_person_id").to_owned(),
        )
    }
}

fn ledger(village: &str) -> String {
    format!("ledger:{village}")
}

/// Every key `sync --json` must have.
fn assert_sync_shape(stats: &Value) {
    for key in [
        "rounds",
        "docs_sent",
        "docs_received",
        "bytes_sent",
        "bytes_received",
        "ms",
    ] {
        assert!(
            stats[key].is_u64(),
            "sync --json lacks a number {key:?}: {stats}"
        );
    }
}

/// The documents the relay refused in one `sync --json`.
fn refused(stats: &Value) -> Vec<String> {
    stats["refused"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r[0].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// 1. Two grid workers of one village edit different fields of one person offline: after
///    syncs in the order A, B, A both devices (and the relay) have both edits, no conflicts.
#[test]
fn edits_of_different_fields_merge_without_conflict() {
    let w = World::new(2, 20);
    let village = &w.villages[0];
    let a = w.device("grid-worker", Some(village), "网格员甲");
    let b = w.device("grid-worker", Some(village), "网格员乙");
    let (_, person) = w.household_of(village, 0);

    a.ok(&format!("person set {person} phone=13900001111"));
    b.ok(&format!("person set {person} address=清水村五组8号"));

    let first = a.sync();
    assert_sync_shape(&first);
    assert!(first["rounds"].as_u64() >= Some(1), "{first}");
    assert!(
        first["docs_sent"].as_u64() >= Some(1),
        "A sent its edit: {first}"
    );
    assert!(first["bytes_sent"].as_u64() > Some(0), "{first}");
    assert!(refused(&first).is_empty(), "{first}");
    let second = b.sync();
    assert_sync_shape(&second);
    assert_eq!(second["docs_received"], 1, "B received A's edit: {second}");
    let third = a.sync();
    assert_eq!(third["docs_received"], 1, "A received B's edit: {third}");

    for (who, d) in [("A", &a.data), ("B", &b.data), ("relay", &w.relay)] {
        let p = d.person(&person);
        assert_eq!(p["phone"], "13900001111", "{who}: {p}");
        assert_eq!(p["address"], "清水村五组8号", "{who}: {p}");
        assert_eq!(d.conflicts(), serde_json::json!([]), "{who}");
    }
    assert_eq!(a.heads(), b.heads());
    assert_eq!(
        a.heads()[&ledger(village)],
        w.relay.heads()[&ledger(village)]
    );

    // Nothing changed: one round trip, nothing received.
    let idle = a.sync();
    assert_eq!(idle["rounds"], 1, "{idle}");
    assert_eq!(idle["docs_received"], 0, "{idle}");
}

/// 2. The same field set differently on two devices: both devices show the conflict with both
///    values; one resolves it; after syncs both have the picked value and no conflict, and the
///    history names both devices and the resolution.
#[test]
fn same_field_conflict_shows_on_both_devices_until_resolved() {
    let w = World::new(2, 20);
    let village = &w.villages[0];
    let a = w.device("grid-worker", Some(village), "网格员甲");
    let b = w.device("grid-worker", Some(village), "网格员乙");
    let (_, person) = w.household_of(village, 1);
    let (va, vb) = ("13900002222", "13700003333");

    a.ok(&format!("person set {person} phone={va}"));
    b.ok(&format!("person set {person} phone={vb}"));
    a.sync();
    b.sync();
    a.sync();

    for (who, d) in [("A", &a.data), ("B", &b.data)] {
        let c = d.conflicts();
        let row = array(&c)
            .iter()
            .find(|r| r["record_id"] == person.as_str() && r["field"] == "phone")
            .unwrap_or_else(|| panic!("{who}: no phone conflict in {c}"));
        let values: BTreeSet<&str> = array(&row["values"])
            .iter()
            .map(|v| v.as_str().expect("phone"))
            .collect();
        assert_eq!(values, BTreeSet::from([va, vb]), "{who}: {row}");
        assert_eq!(array(&c).len(), 1, "{who}: {c}");
    }

    b.ok(&format!("resolve {person} phone {va}"));
    b.sync();
    a.sync();
    for (who, d) in [("A", &a.data), ("B", &b.data), ("relay", &w.relay)] {
        assert_eq!(d.conflicts(), serde_json::json!([]), "{who}");
        assert_eq!(d.person(&person)["phone"], va, "{who}");
    }
    assert_eq!(a.heads(), b.heads());

    for (who, d) in [("A", &a.data), ("B", &b.data)] {
        let h = d.json(&format!("history {person}"));
        let phone: Vec<&Value> = array(&h).iter().filter(|e| e["field"] == "phone").collect();
        let by = |device: &str, what: &str, new: &str| {
            phone
                .iter()
                .any(|e| e["device"] == device && e["what"] == what && e["new"] == new)
        };
        assert!(by("网格员甲", "edit", va), "{who}: A's edit missing in {h}");
        assert!(by("网格员乙", "edit", vb), "{who}: B's edit missing in {h}");
        assert!(
            by("网格员乙", "resolve", va),
            "{who}: B's resolve missing in {h}"
        );
    }
}

/// 3. Scope: a device of village A neither reads nor writes village B, even with forged
///    requests; a volunteer reads its village but its changes are refused.
#[test]
fn a_device_reads_and_writes_only_its_scope() {
    let w = World::new(2, 20);
    let (va, vb) = (&w.villages[0], &w.villages[1]);
    let a = w.device("grid-worker", Some(va), "甲村网格员");
    let b = w.device("grid-worker", Some(vb), "乙村网格员");
    let grid = format!("grid:{}", w.township);
    assert_eq!(a.doc_ids(), BTreeSet::from([grid.clone(), ledger(va)]));
    assert_eq!(b.doc_ids(), BTreeSet::from([grid.clone(), ledger(vb)]));

    // A's edit reaches the relay but not B.
    let (_, pa) = w.household_of(va, 0);
    a.ok(&format!("person set {pa} phone=13911112222"));
    a.sync();
    assert_eq!(w.relay.person(&pa)["phone"], "13911112222");
    let synced = b.sync();
    assert_eq!(synced["docs_received"], 0, "{synced}");
    assert!(!b.doc_ids().contains(&ledger(va)));
    assert_eq!(b.run(&format!("person show {pa}")).status.code(), Some(2));
    assert_eq!(b.json("search 13911112222"), serde_json::json!([]));

    // B edits its ledger offline; the forged message below carries that very change.
    let (_, pb) = w.household_of(vb, 0);
    b.ok(&format!("person set {pb} phone=13822223333"));
    let copy_dir = tempfile::tempdir().expect("tempdir");
    let relay_ledger_b = copy_dir.path().join("ledger-b.automerge");
    w.relay.ok(&format!(
        "doc export {} --out {}",
        ledger(vb),
        relay_ledger_b.display()
    ));
    let relay_copy = Store::open(copy_dir.path().join("store")).expect("open copy");
    let bytes = std::fs::read(&relay_ledger_b).expect("exported");
    relay_copy
        .merge_doc_bytes(&ledger(vb), &bytes)
        .expect("merge copy");
    let forged = {
        let b_store = Store::open(b.path()).expect("open B");
        let hello = relay_copy
            .sync_generate(&ledger(vb), "forger", true)
            .expect("generate")
            .expect("a first message");
        b_store
            .sync_receive(&ledger(vb), "copy", &hello, None)
            .expect("receive");
        b_store
            .sync_generate(&ledger(vb), "copy", true)
            .expect("generate")
            .expect("a message with B's change")
    };

    let before = w.relay.heads();
    let client = Client::new(&w.server.url, &a.token);
    let forged_req = Request {
        index: Some(vec![(ledger(vb), digest("whatever"))]),
        scope: None,
        messages: vec![(ledger(vb), forged.clone())],
    };
    let (resp, _, _) = client.post(&forged_req).expect("post forged request");
    assert!(
        resp.refused.iter().any(|(d, _)| *d == ledger(vb)),
        "the relay must refuse {} from a device of A: {resp:?}",
        ledger(vb)
    );
    assert!(!resp.differs.contains(&ledger(vb)), "{resp:?}");
    assert!(
        resp.messages.iter().all(|(d, _)| *d != ledger(vb)),
        "{resp:?}"
    );
    // Without the index, only the message.
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(ledger(vb), forged.clone())],
        })
        .expect("post forged message");
    assert!(
        resp.refused.iter().any(|(d, _)| *d == ledger(vb)),
        "{resp:?}"
    );
    assert!(resp.messages.is_empty(), "{resp:?}");
    assert_eq!(
        w.relay.heads(),
        before,
        "a refused message changed the relay"
    );
    assert_ne!(w.relay.person(&pb)["phone"], "13822223333");
    // A scope digest the relay never gave A names nothing: the relay asks for the index and
    // says nothing else; with the forged message beside it, that is still refused.
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: Some(digest("not a scope the relay left A at")),
            messages: vec![],
        })
        .expect("post a scope digest");
    assert!(resp.index_wanted, "{resp:?}");
    assert!(
        resp.differs.is_empty() && resp.messages.is_empty(),
        "{resp:?}"
    );
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: Some(digest("another")),
            messages: vec![(ledger(vb), forged.clone())],
        })
        .expect("post a scope digest with a forged message");
    assert!(resp.index_wanted && resp.messages.is_empty(), "{resp:?}");
    assert_eq!(w.relay.heads(), before, "nothing of it was kept");
    // The forged message was real: the relay's own copy takes the change from it.
    assert!(
        relay_copy
            .sync_receive(&ledger(vb), "forger", &forged, None)
            .expect("the copy applies the forged message"),
        "the forged message carried no change: the test proves nothing"
    );
    // And from B itself the relay takes it.
    b.sync();
    assert_ne!(w.relay.heads()[&ledger(vb)], before[&ledger(vb)]);
    assert_eq!(w.relay.person(&pb)["phone"], "13822223333");
    a.sync();
    assert!(!a.doc_ids().contains(&ledger(vb)));

    // A volunteer of A reads A's ledger and receives what grid workers write…
    let vol = w.device("volunteer", Some(va), "甲村志愿者");
    assert_eq!(vol.doc_ids(), BTreeSet::from([grid.clone(), ledger(va)]));
    assert_eq!(vol.person(&pa)["phone"], "13911112222");
    a.ok(&format!("person set {pa} address=甲村一组1号"));
    a.sync();
    let stats = vol.sync();
    assert_eq!(stats["docs_received"], 1, "{stats}");
    assert_eq!(vol.person(&pa)["address"], "甲村一组1号");
    // …but its own changes to the ledger are refused…
    let (_, other) = w.household_of(va, 1);
    vol.ok(&format!("person set {other} phone=13633334444"));
    let before = w.relay.heads();
    let stats = vol.sync();
    assert!(
        refused(&stats).contains(&ledger(va)),
        "the relay must refuse a volunteer's ledger change: {stats}"
    );
    assert_eq!(w.relay.heads(), before, "a volunteer changed the relay");
    assert_ne!(w.relay.person(&other)["phone"], "13633334444");
    a.sync();
    assert_ne!(a.person(&other)["phone"], "13633334444");
    // …and it still receives what a grid worker writes after that.
    a.ok(&format!("person set {pa} address=甲村一组2号"));
    a.sync();
    // (A second and third sync change nothing: it is stuck for good.)
    let syncs = Value::Array((0..3).map(|_| vol.sync()).collect());
    assert_eq!(
        vol.person(&pa)["address"],
        "甲村一组2号",
        "a volunteer holding a refused change no longer receives the ledger; its syncs: {syncs}"
    );
    assert_eq!(syncs[0]["docs_received"], 1, "{}", syncs[0]);
}

/// 4. A revoked device and an unknown token are refused (both 401, so that the answer does not
///    tell a token that was once good; the CLI exits 3).
#[test]
fn revoked_devices_and_unknown_tokens_are_refused() {
    let w = World::new(1, 5);
    let village = &w.villages[0];
    let d = w.device("grid-worker", Some(village), "旧手机");
    w.relay.ok(&format!("relay device revoke {}", d.id));
    let list = w.relay.json("relay device list");
    let row = array(&list)
        .iter()
        .find(|x| x["device_id"] == d.id.as_str())
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(row["revoked"], true, "{row}");

    let out = d.run("--json sync");
    assert_eq!(
        out.status.code(),
        Some(3),
        "sync of a revoked device: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    {
        let store = Store::open(d.path()).expect("open");
        match gridbook_sync::client::sync(&store) {
            Err(SyncError::Refused { status: 401, .. }) => {}
            other => panic!("revoked device: expected Refused 401, got {other:?}"),
        }
    }

    let bogus = "0123456789abcdef0123456789abcdef";
    let client = Client::new(&w.server.url, bogus);
    match client.hello() {
        Err(SyncError::Refused { status: 401, .. }) => {}
        other => panic!("unknown token, hello: expected Refused 401, got {other:?}"),
    }
    match client.post(&Request::default()) {
        Err(SyncError::Refused { status: 401, .. }) => {}
        other => panic!("unknown token, sync: expected Refused 401, got {other:?}"),
    }
    let fresh = Data::new();
    let out = fresh.run(&format!("enroll --relay {} --token {bogus}", w.server.url));
    assert_eq!(out.status.code(), Some(3), "enroll with an unknown token");
    assert!(fresh.doc_ids().is_empty());
}

impl World {
    /// Restarts the (killed) relay on the same data, on the same port if it is free.
    fn restart(&mut self, addr: &str) {
        self.server = match Server::try_start(self.relay.path(), addr, &self.log()) {
            Ok(s) => s,
            Err(_) => Server::start(self.relay.path(), "127.0.0.1:0", &self.log()),
        };
    }
}

/// Syncs the device in `dir` in another thread (in-process, through the real client, which
/// starts the session again after a network error); when `trigger(round, request bytes)`
/// first holds, waits `delay` and kills the relay with SIGKILL while the request is under
/// way, then restarts the relay. Returns what the interrupted sync returned (it may fail if
/// the relay came back on another port; the device is then enrolled again).
fn sync_and_kill_the_relay(
    w: &mut World,
    device: &Data,
    token: &str,
    trigger: impl Fn(usize, usize) -> bool + Send + 'static,
    delay: Duration,
) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = device.path().to_owned();
    let syncing = std::thread::spawn(move || {
        let store = Store::open(&dir).expect("open device");
        let client = Client::from_store(&store).expect("enrolled");
        let peer = format!(
            "relay:{}",
            store
                .setting("relay_id")
                .expect("setting")
                .unwrap_or_default()
        );
        let mut round = 0;
        let mut fired = false;
        gridbook_sync::client::sync_with(&store, &peer, |req| {
            round += 1;
            if !fired && trigger(round, req.encode().len()) {
                fired = true;
                let _ = tx.send(round);
            }
            client.post(req)
        })
    });
    let round = rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("the sync ended before the moment to kill the relay came"));
    std::thread::sleep(delay);
    let addr = w.server.addr().to_owned();
    w.server.kill();
    assert!(
        !syncing.is_finished(),
        "the sync finished before the relay was killed"
    );
    w.restart(&addr);
    let result = syncing.join().expect("the sync thread panicked");
    if !w.server.url.ends_with(&addr) {
        device.ok(&format!("enroll --relay {} --token {token}", w.server.url));
    }
    format!("killed during round {round}; the interrupted sync returned {result:?}")
}

/// Household ids, which must be distinct.
fn household_ids(d: &Data) -> BTreeSet<String> {
    let list = d.json("household list");
    let ids: BTreeSet<String> = array(&list)
        .iter()
        .map(|h| str_of(h, "id").to_owned())
        .collect();
    assert_eq!(ids.len(), array(&list).len(), "duplicate households");
    ids
}

/// Same documents with the same heads, same households, same villages, consistent
/// projections; and a further sync brings nothing.
fn assert_converged(w: &World, d: &Data, households: usize) {
    let stats = d.sync();
    assert_sync_shape(&stats);
    assert!(refused(&stats).is_empty(), "{stats}");
    let again = d.sync();
    assert_eq!(
        again["docs_received"], 0,
        "a further sync still brought changes: {again}"
    );
    assert_eq!(again["rounds"], 1, "{again}");
    let relay_heads = w.relay.heads();
    assert_eq!(
        relay_heads.len(),
        3,
        "grid and two ledgers: {relay_heads:?}"
    );
    assert_eq!(d.heads(), relay_heads);
    let on_relay = household_ids(&w.relay);
    assert_eq!(on_relay.len(), households);
    assert_eq!(household_ids(d), on_relay);
    assert_eq!(d.json("village list"), w.relay.json("village list"));
    d.reindex_check();
    w.relay.reindex_check();
}

/// 5. The relay is killed with SIGKILL in the middle of syncs and restarted on the same data:
///    first while a township device downloads the whole township, then while it uploads a
///    hundred households made offline. Each time the next sync completes and both sides hold
///    the same documents, the same households (no duplicates) and consistent projections.
#[test]
fn relay_killed_in_the_middle_of_a_sync_loses_nothing() {
    let mut w = World::new(2, 600);
    let demo = household_ids(&w.relay).len();
    assert!(demo >= 600, "{demo}");
    let (_, token) = w.add_device("township", None, "镇干部");
    let d = Data::new();
    d.ok(&format!("enroll --relay {} --token {token}", w.server.url));

    // Download: kill as the first request goes out (the relay answers it with the whole
    // township).
    let report = sync_and_kill_the_relay(&mut w, &d, &token, |round, _| round == 1, Duration::ZERO);
    eprintln!("download: {report}");
    assert_converged(&w, &d, demo);

    // Upload: a hundred households made offline; kill while the relay takes them in.
    let village = w.villages[0].clone();
    {
        let store = Store::open(d.path()).expect("open device");
        for i in 0..100 {
            store
                .add_household(&gridbook_store::NewHousehold {
                    village_id: village.clone(),
                    address: format!("新村{i}号"),
                    head: gridbook_store::NewPerson {
                        name: "赵新民".into(),
                        id_number: mainland_id(500_000 + i),
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .expect("add household");
        }
    }
    let report = sync_and_kill_the_relay(
        &mut w,
        &d,
        &token,
        |_, bytes| bytes > 20_000,
        Duration::from_millis(15),
    );
    eprintln!("upload: {report}");
    assert_converged(&w, &d, demo + 100);
}

/// Local time (UTC+8) a day ahead, as `GRIDBOOK_NOW` takes it.
fn tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// 6. One device's clock is a day ahead: edits, new households and verifications of both
///    devices all survive the syncs, and the history lists both devices.
#[test]
fn a_clock_a_day_wrong_loses_nothing() {
    let w = World::new(1, 10);
    let village = &w.villages[0];
    let mut fast = w.device("grid-worker", Some(village), "快钟手机");
    fast.data.now = Some(tomorrow());
    let right = w.device("grid-worker", Some(village), "准钟手机");
    let (household, person) = w.household_of(village, 0);

    fast.ok(&format!("person set {person} phone=13955556666"));
    right.ok(&format!("person set {person} address=清水村二组3号"));
    let vf = str_of(
        &fast.json(&format!("household verify {household}")),
        "verification_id",
    )
    .to_owned();
    let vr = str_of(
        &right.json(&format!("household verify {household}")),
        "verification_id",
    )
    .to_owned();
    assert_ne!(vf, vr);
    let add = |d: &Data, n: u64, address: &str| {
        let added = d.json(&format!(
            "household add --village {village} --address {address} --head-name 王五 --head-id {}",
            mainland_id(n)
        ));
        str_of(&added, "household_id").to_owned()
    };
    let hf = add(&fast, 70_001, "快钟村1号");
    let hr = add(&right, 70_002, "准钟村2号");

    fast.sync();
    right.sync();
    fast.sync();

    for (who, d) in [
        ("fast", &fast.data),
        ("right", &right.data),
        ("relay", &w.relay),
    ] {
        let p = d.person(&person);
        assert_eq!(p["phone"], "13955556666", "{who}: {p}");
        assert_eq!(p["address"], "清水村二组3号", "{who}: {p}");
        let list = d.json("household list");
        for h in [&hf, &hr] {
            assert!(
                array(&list).iter().any(|x| x["id"] == h.as_str()),
                "{who}: household {h} missing"
            );
        }
        let history = d.json(&format!("history {household}"));
        let verified_by: BTreeSet<&str> = array(&history)
            .iter()
            .filter(|e| e["what"] == "verify")
            .map(|e| e["device"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            verified_by,
            BTreeSet::from(["快钟手机", "准钟手机"]),
            "{who}: verifications in {history}"
        );
        let history = d.json(&format!("history {person}"));
        let edited_by: BTreeSet<&str> = array(&history)
            .iter()
            .filter(|e| e["what"] == "edit")
            .map(|e| e["device"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            edited_by,
            BTreeSet::from(["快钟手机", "准钟手机"]),
            "{who}: edits in {history}"
        );
        assert_eq!(d.conflicts(), serde_json::json!([]), "{who}");
    }
    // The last verification is the one dated tomorrow, on every device.
    let day = &fast.now.as_deref().unwrap_or_default()[..10];
    for (who, d) in [("fast", &fast.data), ("right", &right.data)] {
        let shown = d.json(&format!("household show {household}"));
        let last = shown["last_verified"].as_str().unwrap_or_default();
        assert!(
            last.starts_with(day),
            "{who}: last_verified {last:?}, expected {day}…"
        );
    }
    assert_eq!(fast.heads(), right.heads());
    fast.reindex_check();
    right.reindex_check();
}

/// One raw HTTP/1.1 POST /v1/sync: the status, or `None` if the relay closed the connection
/// without answering. The body is written from its own thread while the answer is read, so a
/// relay that answers early never deadlocks the test.
fn raw_post(addr: &str, token: Option<&str>, len: u64, body: Box<dyn Read + Send>) -> Option<u16> {
    raw_post_with(addr, token, "", len, body)
}

/// [`raw_post`] with extra header lines (each ending in CRLF).
fn raw_post_with(
    addr: &str,
    token: Option<&str>,
    extra: &str,
    len: u64,
    body: Box<dyn Read + Send>,
) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).expect("connect to the relay");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/octet-stream\r\n\
         {extra}Content-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    let mut writer = stream.try_clone().expect("clone stream");
    let sender = std::thread::spawn(move || {
        let mut body = body;
        if writer.write_all(head.as_bytes()).is_ok() {
            let _ = std::io::copy(&mut body, &mut writer);
        }
    });
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
}

fn post_bytes(addr: &str, token: Option<&str>, body: Vec<u8>) -> Option<u16> {
    raw_post(
        addr,
        token,
        body.len() as u64,
        Box::new(std::io::Cursor::new(body)),
    )
}

/// 7. Hostile input: malformed, oversized, odd ids, replays, garbage in place of Automerge
///    messages. Each gets a 4xx or a refusal, the relay stays up, its data intact.
#[test]
fn hostile_input_gets_4xx_and_harms_nothing() {
    let mut w = World::new(2, 20);
    let village = w.villages[0].clone();
    let a = w.device("grid-worker", Some(&village), "甲村网格员");
    let addr = w.server.addr().to_owned();
    let token = a.token.clone();
    let before = w.relay.heads();

    let valid = Request {
        index: Some(vec![(ledger(&village), digest("x"))]),
        scope: None,
        messages: vec![],
    }
    .encode();
    let mut rng = SplitMix64::new(7);
    let random: Vec<u8> = (0..4096).map(|_| rng.next_u64() as u8).collect();
    let mut wrong_magic = valid.clone();
    wrong_magic[..3].copy_from_slice(b"XYZ");
    let mut wrong_version = valid.clone();
    wrong_version[3] = 99;
    let mut huge_count = b"GBS\x02\x01\x01".to_vec();
    huge_count.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // One message whose declared length is 2^62 bytes.
    let mut huge_len = b"GBS\x02\x01\x00\x01".to_vec();
    let id = ledger(&village);
    huge_len.push(id.len() as u8);
    huge_len.extend(id.as_bytes());
    huge_len.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    let control_id = Request {
        index: None,
        scope: None,
        messages: vec![(format!("ledger:{village}\u{0}\n"), vec![0x42, 0x00])],
    }
    .encode();
    let control_index = Request {
        index: Some(vec![(format!("ledger:\u{7}{village}"), digest("x"))]),
        scope: None,
        messages: vec![],
    }
    .encode();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("random bytes", random),
        ("wrong magic", wrong_magic),
        ("wrong version", wrong_version),
        ("truncated", valid[..valid.len() - 3].to_vec()),
        ("trailing bytes", [valid.clone(), vec![0]].concat()),
        ("huge count", huge_count),
        ("huge length", huge_len),
        ("control characters in an id", control_id),
        ("control characters in an index id", control_index),
    ];
    let mut problems = Vec::new();
    for (what, body) in cases {
        match post_bytes(&addr, Some(&token), body) {
            Some(s) if (400..500).contains(&s) => {}
            other => problems.push(format!("{what}: status {other:?}, expected 4xx")),
        }
    }
    // Garbage in the body, no token.
    match post_bytes(&addr, None, b"GBS garbage".to_vec()) {
        Some(401) => {}
        other => problems.push(format!("no token: status {other:?}, expected 401")),
    }
    // A body larger than 64 MiB, streamed from a generator of zeros.
    let big = 65u64 << 20;
    match raw_post(
        &addr,
        Some(&token),
        big,
        Box::new(std::io::repeat(0).take(big)),
    ) {
        Some(413) => {}
        other => problems.push(format!("65 MiB body: status {other:?}, expected 413")),
    }
    // Compressed bodies: a valid request is served; one that expands past 64 MiB (a few KiB
    // on the wire), or is no zstd at all, is refused.
    let zstd = |bytes: &[u8]| zstd::bulk::compress(bytes, 3).expect("zstd");
    let compressed: Vec<(&str, Vec<u8>, u16)> = vec![
        ("compressed valid request", zstd(&valid), 200),
        (
            "compressed 65 MiB of zeros",
            zstd(&vec![0u8; 65 << 20]),
            413,
        ),
        (
            "compressed 65 MiB after a valid request",
            {
                let mut long = valid.clone();
                long.resize(65 << 20, 0);
                zstd(&long)
            },
            413,
        ),
        ("not zstd", b"GBS\x02\x01\x00\x00".to_vec(), 400),
        ("truncated zstd", zstd(&valid)[..6].to_vec(), 400),
    ];
    for (what, body, want) in compressed {
        assert!(
            body.len() < 1 << 20,
            "{what}: {} bytes on the wire",
            body.len()
        );
        let len = body.len() as u64;
        let got = raw_post_with(
            &addr,
            Some(&token),
            "Content-Encoding: zstd\r\n",
            len,
            Box::new(std::io::Cursor::new(body)),
        );
        if got != Some(want) {
            problems.push(format!("{what}: status {got:?}, expected {want}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    w.server.assert_alive();

    // Valid wire requests with garbage in place of Automerge sync messages.
    let client = Client::new(&w.server.url, &token);
    let mut rng = SplitMix64::new(11);
    let mut garbage: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x42],
        vec![0x42, 0x00, 0x01],
        vec![0x42, 0xff, 0xff, 0xff, 0xff, 0x0f],
        vec![0x43, 0x01, 0x02],
    ];
    for n in [16, 300, 5000] {
        let mut g: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        g[0] = 0x42;
        garbage.push(g);
    }
    for g in &garbage {
        let req = Request {
            index: None,
            scope: None,
            messages: vec![(ledger(&village), g.clone())],
        };
        match client.post(&req) {
            Ok((resp, _, _)) => assert!(
                resp.refused.iter().any(|(d, _)| *d == ledger(&village)),
                "garbage message {:02x?}: not refused: {resp:?}",
                &g[..g.len().min(8)]
            ),
            Err(SyncError::Refused { status, .. }) if (400..500).contains(&status) => {}
            Err(e) => panic!("garbage message {:02x?}: {e}", &g[..g.len().min(8)]),
        }
    }
    w.server.assert_alive();
    assert_eq!(
        w.relay.heads(),
        before,
        "hostile requests changed the relay"
    );

    // A replayed request: the second copy is harmless.
    let (_, person) = w.household_of(&village, 0);
    a.ok(&format!("person set {person} phone=13544445555"));
    let replayed = {
        let store = Store::open(a.path()).expect("open A");
        let peer = format!(
            "relay:{}",
            store
                .setting("relay_id")
                .expect("setting")
                .unwrap_or_default()
        );
        let mut session = gridbook_sync::DeviceSession::new(&store, &peer);
        // The first request carries the edit (made since the heads A last shared).
        let first = session.start().expect("start");
        assert!(
            !first.messages.is_empty(),
            "the first request carries the edit"
        );
        let (resp, _, _) = client.post(&first).expect("index and edit");
        let _ = session.handle(resp).expect("handle");
        first
    };
    let after_first = w.relay.heads();
    assert_ne!(after_first, before, "the request carried the edit");
    assert_eq!(w.relay.person(&person)["phone"], "13544445555");
    for _ in 0..2 {
        let (resp, _, _) = client.post(&replayed).expect("replay");
        assert!(resp.refused.is_empty(), "replay refused: {resp:?}");
        assert_eq!(w.relay.heads(), after_first, "a replay changed the relay");
    }
    assert_eq!(
        post_bytes(&addr, Some(&token), replayed.encode()),
        Some(200),
        "raw replay"
    );
    assert_eq!(w.relay.heads(), after_first);

    // The relay still serves, and its data are intact.
    w.server.assert_alive();
    let stats = a.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    let fresh = w.device("grid-worker", Some(&village), "新手机");
    assert_eq!(fresh.person(&person)["phone"], "13544445555");
    assert_eq!(
        fresh.heads()[&ledger(&village)],
        w.relay.heads()[&ledger(&village)]
    );
    w.server.assert_alive();
    w.relay.reindex_check();
}
