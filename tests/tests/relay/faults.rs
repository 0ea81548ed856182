//! A relay killed in the middle of a sync and a clock a day wrong lose nothing.

use super::*;

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
    let token = w.add_device("township", None, "镇干部").token;
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
    assert_eq!(fast.shared_heads(), right.shared_heads());
    fast.reindex_check();
    right.reindex_check();
}
