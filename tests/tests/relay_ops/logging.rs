//! The JSON log and `/metrics`: a line per sync request with the figures the device saw and no
//! personal data, counters that move by the same figures.

use super::*;

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
    // The figures of devices and documents are the relay's township's, labelled with it.
    let of_township = |name: &str| get(&after, &format!("{name}{{township=\"{}\"}}", w.township));
    assert_eq!(
        of_township("gridbook_relay_documents"),
        w.relay.doc_ids().len() as f64
    );
    assert!(get(&after, "gridbook_relay_database_bytes") > 100_000.0);
    assert_eq!(of_township("gridbook_relay_devices_seen_24h"), 2.0);
    assert_eq!(of_township("gridbook_relay_devices_enrolled"), 2.0);
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
