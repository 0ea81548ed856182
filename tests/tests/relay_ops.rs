//! Running a relay, through the `gridbook` binary serving on 127.0.0.1 in a child
//! process: its JSON log has one line per sync request with the figures the device saw and no
//! personal data; `/metrics` on the admin address, read by Prometheus' own Python parser, moves
//! as syncs happen; `/health` answers; a backup taken while devices sync restores to a relay
//! whose projections equal a rebuild and whose documents hold only changes the source had, and
//! one taken with the devices stopped restores to the source's heads exactly; a relay whose
//! data is lost is rebuilt from a township device and loses nothing any device had. Also: a
//! revoked and an unknown token get the same 401, and `enroll` warns about plain HTTP to
//! another machine.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gridbook_store::Store;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// A relay with a demo township, serving with a JSON log and an admin address.
struct World {
    relay: Data,
    server: Server,
    /// `127.0.0.1:<port>` of `/health` and `/metrics`.
    admin: String,
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

fn start(relay: &Data, log: &Path) -> (Server, String) {
    let mut server = Server::try_start_with(
        relay.path(),
        "127.0.0.1:0",
        log,
        &["--admin", "127.0.0.1:0", "--log-format", "json"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let line = server.next_line();
    let admin = line
        .trim()
        .strip_prefix("管理地址 http://")
        .unwrap_or_else(|| panic!("no admin address line: {line:?}"))
        .to_owned();
    (server, admin)
}

impl World {
    fn new(villages: usize, households: usize) -> World {
        let relay = Data::new();
        relay.json(&format!(
            "demo --villages {villages} --households {households} --seed 5"
        ));
        let villages = array(&relay.json("village list"))
            .iter()
            .map(|v| str_of(v, "id").to_owned())
            .collect();
        let logs = tempfile::tempdir().expect("log dir");
        let (server, admin) = start(&relay, &logs.path().join("relay.log"));
        World {
            relay,
            server,
            admin,
            villages,
            logs,
        }
    }

    fn log_path(&self) -> PathBuf {
        self.logs.path().join("relay.log")
    }

    /// Every line of the relay's log so far (each must be JSON).
    fn log(&self) -> Vec<Value> {
        read_log(&self.log_path())
    }

    fn add_device(&self, role: &str, village: Option<&str>, name: &str) -> (String, String) {
        let scope = village.map_or_else(|| "--township".to_owned(), |v| format!("--village {v}"));
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        (
            str_of(&added, "device_id").to_owned(),
            str_of(&added, "token").to_owned(),
        )
    }

    /// A new device, enrolled and synced once.
    fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let (id, token) = self.add_device(role, village, name);
        let data = Data::new();
        data.json(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        data.sync();
        Device { data, id, token }
    }

    fn metrics(&self) -> BTreeMap<String, f64> {
        let (status, body) = http_get(&self.admin, "/metrics", None);
        assert_eq!(status, 200, "{body}");
        parse_prometheus(&body)
    }
}

fn read_log(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("relay log")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("log line not JSON ({e}): {l}")))
        .collect()
}

/// One HTTP/1.1 GET; returns the status and the body.
fn http_get(addr: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Samples of a Prometheus text exposition as Prometheus' Python client parses it:
/// `name{label="value",…}` (labels sorted) → value.
fn parse_prometheus(text: &str) -> BTreeMap<String, f64> {
    const SCRIPT: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
        out[s.name + ("{%s}" % labels if labels else "")] = s.value
print(json.dumps(out))
"#;
    // Debian's python3, where python3-prometheus-client installs (a pyenv or venv python
    // earlier in PATH would not see it).
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or("python3");
    let mut child = Command::new(python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (with python3-prometheus-client: scripts/setup.sh)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write metrics");
    let out = child.wait_with_output().expect("python3");
    assert!(
        out.status.success(),
        "prometheus_client could not parse /metrics: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parser output")
}

fn get(m: &BTreeMap<String, f64>, key: &str) -> f64 {
    *m.get(key)
        .unwrap_or_else(|| panic!("no sample {key} in {m:#?}"))
}

/// The relay's log lines of sync requests by `device_id`.
fn sync_lines<'a>(log: &'a [Value], device_id: &str) -> Vec<&'a Value> {
    log.iter()
        .filter(|l| l["route"] == "sync" && l["device_id"] == device_id)
        .collect()
}

fn n(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number {key} in {v}"))
}

/// One sync: a line per request with the device's name and role, status 200, and bytes and
/// documents that add up to what the device counted; a refused change is logged with its
/// reason; `/metrics` (parsed by prometheus_client) moves by the same figures; no name, ID
/// number or phone the test wrote appears anywhere in the log.
#[test]
fn each_sync_is_logged_and_counted_without_personal_data() {
    let mut w = World::new(2, 12);
    let village = w.villages[0].clone();
    let worker = w.device("grid-worker", Some(&village), "清河村网格员手机");
    let volunteer = w.device("volunteer", Some(&village), "清河村卡口平板");

    let (status, body) = http_get(&w.admin, "/health", None);
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, _) = http_get(w.server.addr(), "/metrics", None);
    assert_eq!(status, 404, "metrics are not on the devices' port");

    // Personal data the test writes: none of it may reach the log.
    let secrets = [
        "欧阳明珠".to_owned(),
        "司马青云".to_owned(),
        mainland_id(4_321_987),
        mainland_id(4_321_988),
        "13987654321".to_owned(),
        "13512340987".to_owned(),
        "梧桐巷十七号".to_owned(),
    ];
    let added = worker.json(&format!(
        "household add --village {village} --address {} --head-name {} --head-id {} --phone {}",
        secrets[6], secrets[0], secrets[2], secrets[4]
    ));
    let household = str_of(&added, "household_id").to_owned();
    worker.json(&format!(
        "person add --household {household} --name {} --id-number {} --phone {}",
        secrets[1], secrets[3], secrets[5]
    ));

    let before = w.metrics();
    let lines_before = sync_lines(&w.log(), &worker.id).len();
    let stats = worker.sync();
    let after = w.metrics();
    let log = w.log();
    let lines = &sync_lines(&log, &worker.id)[lines_before..];

    let rounds = n(&stats, "rounds");
    assert_eq!(lines.len() as u64, rounds, "a line per request: {lines:#?}");
    for l in lines {
        assert_eq!(l["status"], 200, "{l}");
        assert_eq!(l["device"], "清河村网格员手机", "{l}");
        assert_eq!(l["role"], "grid-worker", "{l}");
        assert_eq!(l["level"], "INFO", "{l}");
        assert!(l["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{l}");
        assert_eq!(n(l, "refused_count"), 0, "{l}");
    }
    let sum = |key: &str| lines.iter().map(|l| n(l, key)).sum::<u64>();
    assert_eq!(
        sum("bytes_in"),
        n(&stats, "bytes_sent"),
        "{stats} {lines:#?}"
    );
    assert_eq!(sum("bytes_out"), n(&stats, "bytes_received"), "{stats}");
    assert_eq!(n(lines[0], "docs_in"), n(&stats, "docs_sent"), "{stats}");
    assert!(
        n(&stats, "docs_sent") >= 1,
        "the new household was sent: {stats}"
    );

    // The metrics moved by exactly this session.
    let delta = |key: &str| get(&after, key) - get(&before, key);
    let ok_syncs = r#"gridbook_relay_requests_total{route="sync",status="200"}"#;
    assert_eq!(delta(ok_syncs), rounds as f64);
    assert_eq!(
        delta("gridbook_relay_sync_duration_seconds_count"),
        rounds as f64
    );
    assert_eq!(
        delta(r#"gridbook_relay_sync_duration_seconds_bucket{le="+Inf"}"#),
        rounds as f64
    );
    assert_eq!(
        delta("gridbook_relay_received_bytes_total"),
        n(&stats, "bytes_sent") as f64
    );
    assert_eq!(
        delta("gridbook_relay_sent_bytes_total"),
        n(&stats, "bytes_received") as f64
    );
    assert!(delta("gridbook_relay_sync_duration_seconds_sum") > 0.0);
    assert_eq!(
        get(&after, "gridbook_relay_documents"),
        w.relay.doc_ids().len() as f64
    );
    assert!(get(&after, "gridbook_relay_database_bytes") > 100_000.0);
    assert_eq!(get(&after, "gridbook_relay_devices_seen_24h"), 2.0);
    assert_eq!(get(&after, "gridbook_relay_devices_enrolled"), 2.0);
    assert_eq!(get(&after, "gridbook_relay_up"), 1.0);

    // A volunteer only reads the ledger: its edit is refused, logged and counted by reason.
    let (_, head) = {
        let list = w.relay.json(&format!("household list --village {village}"));
        let h = &array(&list)[0];
        (
            str_of(h, "id").to_owned(),
            str_of(h, "head_person_id").to_owned(),
        )
    };
    let edit = volunteer.run(&format!("person set {head} phone=13700001111"));
    if edit.status.success() {
        let lines_before = sync_lines(&w.log(), &volunteer.id).len();
        let before = w.metrics();
        let stats = volunteer.sync();
        assert!(
            stats["refused"].as_array().is_some_and(|r| !r.is_empty()),
            "{stats}"
        );
        let after = w.metrics();
        let read_only = r#"gridbook_relay_refused_changes_total{reason="read_only"}"#;
        let log = w.log();
        let lines = &sync_lines(&log, &volunteer.id)[lines_before..];
        let refused: u64 = lines.iter().map(|l| n(l, "refused_count")).sum();
        assert!(refused >= 1, "{lines:#?}");
        assert_eq!(
            get(&after, read_only) - get(&before, read_only),
            refused as f64
        );
        for l in lines.iter().filter(|l| n(l, "refused_count") > 0) {
            assert_eq!(l["refused"], format!("ledger:{village}=read_only"), "{l}");
            assert_eq!(l["role"], "volunteer", "{l}");
        }
    }

    // Unknown tokens are refused, logged as a warning and counted as 401s.
    let before = w.metrics();
    let (status, _) = http_get(w.server.addr(), "/v1/hello", Some("not-a-token"));
    assert_eq!(status, 401);
    let after = w.metrics();
    let unauthorized = r#"gridbook_relay_requests_total{route="hello",status="401"}"#;
    assert_eq!(get(&after, unauthorized) - get(&before, unauthorized), 1.0);
    let log = w.log();
    let last = log
        .iter()
        .rev()
        .find(|l| l["route"] == "hello")
        .expect("hello line");
    assert_eq!(
        (last["status"].as_u64(), last["level"].as_str()),
        (Some(401), Some("WARN"))
    );

    // The relay has the data; its log does not, nor any token.
    let found = w.relay.json(&format!("search {}", secrets[1]));
    assert_eq!(array(&found).len(), 1, "{found}");
    let text = std::fs::read_to_string(w.log_path()).expect("log");
    assert!(text.contains("relay started"), "{text}");
    for s in secrets.iter().chain([&worker.token, &volunteer.token]) {
        assert!(!text.contains(s.as_str()), "the log holds {s}:\n{text}");
    }
    w.server.assert_alive();
}

/// A revoked token and one that never existed get the same status and body.
#[test]
fn revoked_and_unknown_tokens_get_the_same_answer() {
    let w = World::new(1, 4);
    let d = w.device("grid-worker", Some(&w.villages[0]), "旧手机");
    let (ok, _) = http_get(w.server.addr(), "/v1/hello", Some(&d.token));
    assert_eq!(ok, 200);
    w.relay.json(&format!("relay device revoke {}", d.id));
    let revoked = http_get(w.server.addr(), "/v1/hello", Some(&d.token));
    let unknown = http_get(
        w.server.addr(),
        "/v1/hello",
        Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    );
    assert_eq!(revoked.0, 401, "{revoked:?}");
    assert_eq!(revoked, unknown);
    let out = d.run("--json sync");
    assert_eq!(out.status.code(), Some(3), "the CLI still says refused");
}

/// `enroll` warns before it sends a token over plain HTTP to another machine, not to this one.
#[test]
fn enroll_warns_about_plain_http_to_another_machine() {
    let d = Data::new();
    // 0.0.0.0 is not loopback; nothing listens on port 1, so the enroll itself fails fast.
    let out = d.run("enroll --relay http://0.0.0.0:1 --token abc");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("警告：中继地址使用 http://（未加密）"),
        "{err}"
    );
    let out = d.run("--lang en enroll --relay http://0.0.0.0:1 --token abc");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: the relay address uses http://"),
        "{err}"
    );
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "https://0.0.0.0:1",
    ] {
        let out = d.run(&format!("enroll --relay {url} --token abc"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("警告"), "{url}: {err}");
    }
}

/// Each document's heads, read from the store in-process.
fn store_heads(dir: &Path) -> BTreeMap<String, String> {
    Store::open(dir)
        .expect("open")
        .doc_heads()
        .expect("heads")
        .into_iter()
        .collect()
}

/// Backups while devices sync in a loop, restored: projections equal a rebuild, every
/// document holds only changes the source holds; a backup with the writers stopped has the
/// source's heads exactly and its devices' tokens still work.
#[test]
fn backups_taken_while_serving_restore_consistently() {
    let w = World::new(2, 30);
    let devices: Vec<Device> = (0..2)
        .map(|i| w.device("grid-worker", Some(&w.villages[i]), &format!("网格员{i}")))
        .collect();
    let people: Vec<String> = w
        .villages
        .iter()
        .map(|v| {
            let list = w.relay.json(&format!("household list --village {v}"));
            str_of(&array(&list)[0], "head_person_id").to_owned()
        })
        .collect();
    let backups = tempfile::tempdir().expect("backups");
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = devices
        .iter()
        .zip(&people)
        .map(|(d, person)| {
            let (dir, person, stop) = (d.path().to_owned(), person.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let run = |args: &[&str]| {
                        Command::new(gridbook_tests::gridbook_bin())
                            .arg("--data")
                            .arg(&dir)
                            .args(args)
                            .output()
                            .expect("gridbook")
                    };
                    let out = run(&["person", "set", &person, &format!("address=第{i}号")]);
                    assert!(out.status.success(), "{out:?}");
                    let out = run(&["--json", "sync"]);
                    assert!(out.status.success(), "{out:?}");
                }
                i
            })
        })
        .collect();
    // Under load: wait until the writers have synced a few times, then back up twice.
    std::thread::sleep(Duration::from_secs(3));
    let mut loaded = Vec::new();
    for k in 0..2 {
        let out = backups.path().join(format!("load-{k}.sqlite"));
        let r = w
            .relay
            .json(&format!("relay backup --out {}", out.display()));
        assert!(n(&r, "documents") > 0, "{r}");
        assert_eq!(n(&r, "devices"), 2, "{r}");
        loaded.push(out);
        std::thread::sleep(Duration::from_millis(700));
    }
    stop.store(true, Ordering::Relaxed);
    for t in writers {
        let edits = t.join().expect("writer");
        assert!(edits >= 2, "the writers kept writing during the backups");
    }

    // Quiet: the backup equals the source.
    let quiet = backups.path().join("quiet.sqlite");
    w.relay
        .json(&format!("relay backup --out {}", quiet.display()));
    let source_heads = store_heads(w.relay.path());
    let quiet_dir = Data::new();
    let r = quiet_dir.json(&format!("relay restore {}", quiet.display()));
    assert_eq!(n(&r, "devices"), 2, "{r}");
    quiet_dir.reindex_check();
    assert_eq!(store_heads(quiet_dir.path()), source_heads);

    // Under load: consistent, and nothing the source does not have.
    for b in &loaded {
        let dir = Data::new();
        dir.json(&format!("relay restore {}", b.display()));
        dir.reindex_check();
        let heads = store_heads(dir.path());
        assert!(!heads.is_empty());
        let got = Store::open(dir.path()).expect("restored");
        let scratch = Store::open(quiet_dir.path()).expect("quiet copy");
        for doc in heads.keys() {
            let bytes = got.export_doc(doc).expect("export");
            let new = scratch.merge_doc_bytes(doc, &bytes).expect("merge");
            assert!(
                !new,
                "{doc} of {} holds changes the source lacks",
                b.display()
            );
        }
    }
    assert_eq!(store_heads(quiet_dir.path()), source_heads);

    // Restoring over anything is refused (exit 2), the directory untouched.
    let out = w.relay.run(&format!("relay restore {}", quiet.display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    w.relay.reindex_check();

    // The restored relay serves the devices with their old tokens.
    let logs = tempfile::tempdir().expect("logs");
    let (server, _) = start(&quiet_dir, &logs.path().join("r.log"));
    let (status, _) = http_get(server.addr(), "/v1/hello", Some(&devices[0].token));
    assert_eq!(status, 200);

    // A backup older than the devices' last syncs: the devices, pointed at it with their old
    // tokens, send what it lacks, and it ends at the source's heads for their documents.
    let older = Data::new();
    older.json(&format!("relay restore {}", loaded[0].display()));
    let (older_server, _) = start(&older, &logs.path().join("older.log"));
    for d in &devices {
        d.json(&format!(
            "enroll --relay {} --token {}",
            older_server.url, d.token
        ));
        d.sync();
    }
    let (older_heads, source) = (older.heads(), w.relay.heads());
    for d in &devices {
        for (doc, h) in d.heads() {
            assert_eq!(older_heads.get(&doc), Some(&h), "{doc}");
            assert_eq!(source.get(&doc), Some(&h), "{doc}");
        }
    }
    older.reindex_check();
}

/// A relay whose data is lost is rebuilt from the township laptop; devices (some with edits
/// never synced) are enrolled again and sync: every edit of every device is on the new relay.
#[test]
fn a_lost_relay_is_rebuilt_from_a_township_device() {
    let mut w = World::new(2, 20);
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let laptop = w.device("township", None, "镇政府笔记本");
    let a = w.device("grid-worker", Some(&va), "甲村网格员");
    let b = w.device("grid-worker", Some(&vb), "乙村网格员");
    let head = |v: &str| {
        let list = w.relay.json(&format!("household list --village {v}"));
        str_of(&array(&list)[1], "head_person_id").to_owned()
    };
    let (pa, pb) = (head(&va), head(&vb));

    // Synced before the loss (and on the laptop); then edits nobody synced.
    a.ok(&format!("person set {pa} phone=13800000001"));
    a.sync();
    laptop.sync();
    a.ok(&format!("person set {pa} address=甲村新址一号"));
    b.ok(&format!("person set {pb} phone=13800000002"));
    let added = b.json(&format!(
        "household add --village {vb} --address 乙村三组 --head-name 诸葛亮亮 --head-id {}",
        mainland_id(9_123_456)
    ));
    let new_person = str_of(&added, "person_id").to_owned();
    laptop.ok(&format!("person set {pb} address=乙村镇上登记"));

    // The disk dies.
    w.server.kill();
    let enrolled = w.relay.json("relay device list");
    assert_eq!(array(&enrolled).len(), 3);
    std::fs::remove_dir_all(w.relay.path()).expect("remove the relay's data");
    std::fs::create_dir(w.relay.path()).expect("empty data directory");

    // Seeding refuses a village device, and a directory that is not empty (left untouched).
    let fresh = Data::new();
    let out = fresh.run(&format!("relay seed --from {}", a.path().display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let a_heads = a.heads();
    let out = a.run(&format!("relay seed --from {}", laptop.path().display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(a.heads(), a_heads);

    let seeded = w
        .relay
        .ok(&format!("relay seed --from {}", laptop.path().display()));
    assert!(
        seeded.contains("重新"),
        "the output says to enroll again: {seeded}"
    );
    w.relay.reindex_check();
    let (server, _) = start(&w.relay, &w.log_path());
    let url = server.url.clone();
    for (d, role, village, name) in [
        (&laptop, "township", None, "镇政府笔记本"),
        (&a, "grid-worker", Some(va.as_str()), "甲村网格员"),
        (&b, "grid-worker", Some(vb.as_str()), "乙村网格员"),
    ] {
        let (_, token) = w.add_device(role, village, name);
        d.json(&format!("enroll --relay {url} --token {token}"));
        d.sync();
    }
    for d in [&laptop, &a, &b] {
        d.sync();
    }

    let on_relay = |id: &str| w.relay.person(id);
    assert_eq!(on_relay(&pa)["phone"], "13800000001");
    assert_eq!(on_relay(&pa)["address"], "甲村新址一号");
    assert_eq!(on_relay(&pb)["phone"], "13800000002");
    assert_eq!(on_relay(&pb)["address"], "乙村镇上登记");
    assert_eq!(on_relay(&new_person)["name"], "诸葛亮亮");
    w.relay.reindex_check();
    // Every device ends with the relay's heads for every document it holds.
    let relay_heads = w.relay.heads();
    for (who, d) in [("laptop", &laptop), ("A", &a), ("B", &b)] {
        for (doc, h) in d.heads() {
            assert_eq!(relay_heads.get(&doc), Some(&h), "{who}: {doc}");
        }
    }
    assert_eq!(
        laptop.heads(),
        relay_heads,
        "the laptop holds the whole township"
    );
}
