//! The relay on PostgreSQL, against a real
//! server the tests start themselves ([`gridbook_tests::pg`]).
//!
//! What must hold: two relay processes on one database, with devices writing one document
//! through both at once (each device reaching a different process every time), converge and
//! never store two changes with one (actor, seq); a township moved in from SQLite syncs on
//! without enrolling again, and moving it twice changes nothing; townships in one database
//! see nothing of each other; an unreachable database or a schema newer than the code is a
//! clear error.

mod devices;
mod enroll_codes;
mod hashes;
mod killed;
mod metrics;
mod refusals;
mod selection;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Output;

use automerge::Automerge;
use gridbook_tests::forge::{self, unhex};
use gridbook_tests::pg::Postgres;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::township::refused;
use gridbook_tests::{array, str_of};
use serde_json::Value;

/// A township relay's data directory with a demo township.
fn township(villages: usize, households: usize, seed: u64) -> (Data, String, Vec<String>) {
    let relay = Data::new();
    let demo = relay.json(&format!(
        "demo --villages {villages} --households {households} --seed {seed}"
    ));
    let township = str_of(&demo, "township_id").to_owned();
    let villages = array(&relay.json("village list"))
        .iter()
        .map(|v| str_of(v, "id").to_owned())
        .collect();
    (relay, township, villages)
}

/// `relay serve --postgres URL` on `listen`.
fn pg_relay(data: &Data, url: &str, listen: &str, log: &std::path::Path) -> Server {
    Server::try_start_with(data.path(), listen, log, &["--postgres", url])
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `relay device add` in `relay` (against `url` if given) with more arguments `extra` (such as
/// `--code`): its answer.
fn added(relay: &Data, url: Option<&str>, role: &str, village: Option<&str>, extra: &str) -> Value {
    let scope = match village {
        Some(v) => format!("--village {v}"),
        None => "--township".to_owned(),
    };
    let pg = url.map(|u| format!(" --postgres {u}")).unwrap_or_default();
    relay.json(&format!(
        "relay device add {scope} --role {role} --name 设备{pg} {extra}"
    ))
}

/// `relay device add` in `relay` (against `url` if given): (device id, token).
fn add_device(
    relay: &Data,
    url: Option<&str>,
    role: &str,
    village: Option<&str>,
) -> (String, String) {
    let added = added(relay, url, role, village, "");
    (
        str_of(&added, "device_id").to_owned(),
        str_of(&added, "token").to_owned(),
    )
}

/// What a command printed, on both outputs.
fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `enroll --code` on a fresh device at the relay `server`.
fn enroll_code(server: &str, code: &str) -> (Data, Output) {
    let d = Data::new();
    let out = d.run(&format!("--json enroll --relay {server} --code {code}"));
    (d, out)
}

/// The one refusal of a code: exit 3, the relay's generic answer, nothing stored on the device.
fn assert_refused(d: &Data, out: &Output, why: &str) {
    let said = said(out);
    assert_eq!(out.status.code(), Some(3), "{why}: {said}");
    assert!(said.contains("invalid enrollment code"), "{why}: {said}");
    let store = gridbook_store::Store::open(d.path()).expect("device store");
    assert_eq!(
        store.setting("relay_token").expect("setting"),
        None,
        "{why}"
    );
}

/// A device data directory enrolled with `token` at `url`, synced once.
fn device(url: &str, token: &str) -> Data {
    let d = Data::new();
    d.ok(&format!("enroll --relay {url} --token {token}"));
    let first = d.sync();
    assert!(refused(&first).is_empty(), "{first}");
    d
}

/// The document `doc` of `township` as PostgreSQL stores it, loaded chunk by chunk.
fn stored_doc(pg: &Postgres, url: &str, township: &str, doc: &str) -> Automerge {
    let mut d = Automerge::new();
    for hex in pg.psql(
        url,
        &format!(
            "SELECT encode(bytes, 'hex') FROM chunks WHERE township = '{township}' \
             AND doc_id = '{doc}' ORDER BY seq"
        ),
    ) {
        d.load_incremental(&unhex(&hex))
            .unwrap_or_else(|e| panic!("stored chunks of {doc} do not load: {e}"));
    }
    d
}

/// Sorted heads text of a device's document, as the relay stores it.
fn heads_of(d: &Data, doc: &str) -> String {
    let mut h = d.heads().get(doc).cloned().unwrap_or_default();
    h.sort();
    h.join(",")
}

#[test]
fn two_relays_on_one_database_converge_and_never_reuse_a_seq() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(1, 6, 3);
    let village = &villages[0];
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let a = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("a.log"));
    let b = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("b.log"));
    let persons: Vec<String> = array(&relay.json(&format!("household list --village {village}")))
        .iter()
        .map(|h| str_of(h, "head_person_id").to_owned())
        .collect();
    let devices: Vec<(Data, String)> = (0..4)
        .map(|_| {
            let (_, token) = add_device(&relay, Some(&url), "grid-worker", Some(village));
            (device(&a.url, &token), token)
        })
        .collect();
    // Every device edits its own person and syncs, six times, all at once, each time through
    // the other relay process.
    const ROUNDS: usize = 6;
    std::thread::scope(|s| {
        for (i, (d, token)) in devices.iter().enumerate() {
            let (person, urls) = (&persons[i], [&a.url, &b.url]);
            s.spawn(move || {
                for k in 0..ROUNDS {
                    d.ok(&format!("person set {person} phone=1390000{i}{k:03}"));
                    d.ok(&format!(
                        "enroll --relay {} --token {token}",
                        urls[(i + k) % 2]
                    ));
                    let stats = d.sync();
                    assert!(refused(&stats).is_empty(), "device {i} round {k}: {stats}");
                }
            });
        }
    });
    for _ in 0..2 {
        for (d, _) in &devices {
            d.sync();
        }
    }
    let ledger = format!("ledger:{village}");
    let stored = pg.psql(
        &url,
        &format!("SELECT heads FROM documents WHERE township = '{township}' AND id = '{ledger}'"),
    );
    for (i, (d, _)) in devices.iter().enumerate() {
        assert_eq!(
            heads_of(d, &ledger),
            stored[0],
            "device {i} converged with the relays"
        );
        for (j, person) in persons.iter().take(devices.len()).enumerate() {
            let p = d.person(person);
            let want = format!("1390000{j}{:03}", ROUNDS - 1);
            assert_eq!(
                p["phone"],
                want.as_str(),
                "device {i} sees device {j}'s last edit"
            );
        }
    }
    // The stored chunks load into one document whose changes have distinct (actor, seq), and
    // each change is recorded exactly once.
    let doc = stored_doc(&pg, &url, &township, &ledger);
    let mut seen: HashMap<(Vec<u8>, u64), automerge::ChangeHash> = HashMap::new();
    let changes = doc.get_changes(&[]);
    for c in &changes {
        let key = (c.actor_id().to_bytes().to_vec(), c.seq());
        if let Some(other) = seen.insert(key, c.hash()) {
            assert_eq!(other, c.hash(), "two changes with one (actor, seq)");
        }
    }
    let recorded = pg.psql(
        &url,
        &format!(
            "SELECT count(*) FROM changes WHERE township = '{township}' AND doc_id = '{ledger}'"
        ),
    );
    assert_eq!(recorded[0], changes.len().to_string());
    assert!(changes.len() >= 4 * ROUNDS, "{} changes", changes.len());
}

#[test]
fn a_township_moved_in_from_sqlite_syncs_on_without_enrolling_again() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(2, 4, 5);
    let village = &villages[0];
    let logs = tempfile::tempdir().expect("logs");
    let mut sqlite = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("sqlite.log"));
    let (_, worker_token) = add_device(&relay, None, "grid-worker", Some(village));
    let (_, chief_token) = add_device(&relay, None, "township", None);
    let (gone, gone_token) = add_device(&relay, None, "volunteer", Some(village));
    let worker = device(&sqlite.url, &worker_token);
    let chief = device(&sqlite.url, &chief_token);
    relay.ok(&format!("relay device revoke {gone}"));
    let person = str_of(
        &array(&relay.json(&format!("household list --village {village}")))[0],
        "head_person_id",
    )
    .to_owned();
    worker.ok(&format!("person set {person} phone=13911112222"));
    worker.sync();
    let addr = sqlite.addr().to_owned();
    sqlite.kill();

    let first = relay.json(&format!("relay migrate --to-postgres {url}"));
    let docs = first["migrated"]["documents"].as_u64().expect("documents");
    assert!(docs >= 3, "the grid and two ledgers at least: {first}");
    assert_eq!(
        first["migrated"]["documents_changed"].as_u64(),
        Some(docs),
        "{first}"
    );
    assert_eq!(first["migrated"]["devices"], 3, "{first}");
    let again = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(again["verified"], true, "{again}");
    assert_eq!(
        again["migrated"]["documents_changed"], 0,
        "a second run adds nothing: {again}"
    );
    assert_eq!(again["migrated"]["sync_states_copied"], 0, "{again}");
    let counted = pg.psql(
        &url,
        &format!("SELECT count(*) FROM documents WHERE township = '{township}'"),
    );
    assert_eq!(counted[0], docs.to_string());

    // The relay on PostgreSQL where the SQLite one was: the devices just sync.
    let _pg_relay = pg_relay(&relay, &url, &addr, &logs.path().join("pg.log"));
    worker.ok(&format!("person set {person} address=清水村一组1号"));
    let pushed = worker.sync();
    assert!(refused(&pushed).is_empty(), "{pushed}");
    assert!(pushed["docs_sent"].as_u64() >= Some(1), "{pushed}");
    let pulled = chief.sync();
    assert!(pulled["docs_received"].as_u64() >= Some(1), "{pulled}");
    let p = chief.person(&person);
    assert_eq!(p["phone"], "13911112222", "{p}");
    assert_eq!(p["address"], "清水村一组1号", "{p}");
    assert_eq!(
        heads_of(&chief, &format!("ledger:{village}")),
        heads_of(&worker, &format!("ledger:{village}"))
    );
    // A device revoked before the move stays refused.
    let refused_dev = Data::new();
    let out = refused_dev.run(&format!(
        "enroll --relay http://{addr} --token {gone_token}"
    ));
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
}

#[test]
fn townships_in_one_database_see_nothing_of_each_other() {
    let pg = Postgres::start();
    let url = pg.database();
    let (one, one_id, one_villages) = township(2, 3, 7);
    let (two, two_id, two_villages) = township(2, 3, 8);
    assert_ne!(one_id, two_id);
    for relay in [&one, &two] {
        let m = relay.json(&format!("relay migrate --to-postgres {url}"));
        assert_eq!(m["verified"], true, "{m}");
    }
    let logs = tempfile::tempdir().expect("logs");
    let server = pg_relay(&one, &url, "127.0.0.1:0", &logs.path().join("relay.log"));
    let (_, t1) = add_device(&one, Some(&url), "township", None);
    let (_, t2) = add_device(&two, Some(&url), "township", None);
    let (_, v2) = add_device(&two, Some(&url), "grid-worker", Some(&two_villages[0]));
    // A village of another township is not a village here.
    let out = one.run(&format!(
        "relay device add --village {} --role grid-worker --name x --postgres {url}",
        two_villages[0]
    ));
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));

    let chief1 = device(&server.url, &t1);
    let chief2 = device(&server.url, &t2);
    let worker2 = device(&server.url, &v2);
    let ids1: BTreeSet<String> = chief1.doc_ids();
    let ids2: BTreeSet<String> = chief2.doc_ids();
    assert_eq!(
        ids1,
        one.doc_ids(),
        "township one's device has township one's documents"
    );
    assert_eq!(
        ids2,
        two.doc_ids(),
        "township two's device has township two's documents"
    );
    assert!(ids1.is_disjoint(&ids2), "{ids1:?} {ids2:?}");
    let w: BTreeSet<String> = worker2.doc_ids();
    assert!(w.contains(&format!("ledger:{}", two_villages[0])), "{w:?}");
    assert!(!w.contains(&format!("ledger:{}", two_villages[1])), "{w:?}");
    assert!(
        w.iter()
            .all(|d| !d.contains(&one_id) && !one_villages.iter().any(|v| d.contains(v.as_str()))),
        "{w:?}"
    );
    // Each township lists its own devices.
    let listed = |relay: &Data| -> usize {
        array(&relay.json(&format!("relay device list --postgres {url}"))).len()
    };
    assert_eq!((listed(&one), listed(&two)), (1, 2));
    let per_township: BTreeMap<String, String> = pg
        .psql(
            &url,
            "SELECT township, count(*) FROM devices GROUP BY township",
        )
        .into_iter()
        .filter_map(|l| l.split_once('|').map(|(a, b)| (a.to_owned(), b.to_owned())))
        .collect();
    assert_eq!(per_township.get(&one_id).map(String::as_str), Some("1"));
    assert_eq!(per_township.get(&two_id).map(String::as_str), Some("2"));
}

#[test]
fn an_unreachable_database_or_a_newer_schema_is_a_clear_error() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, _, _) = township(1, 1, 9);
    let logs = tempfile::tempdir().expect("logs");
    let closed = format!("postgres://gridbook@127.0.0.1:{}/none", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    });
    let err = Server::try_start_with(
        relay.path(),
        "127.0.0.1:0",
        &logs.path().join("a.log"),
        &["--postgres", &closed],
    )
    .err()
    .expect("no relay without its database");
    assert!(err.contains("PostgreSQL"), "{err}");

    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    pg.psql(&url, "UPDATE gridbook_schema SET version = 99");
    let out = relay.run(&format!("--json relay device list --postgres {url}"));
    assert_eq!(out.status.code(), Some(1));
    let said = said(&out);
    assert!(
        said.contains("schema_too_new") || said.contains("比本程序"),
        "{said}"
    );
}
