//! A relay process killed in the middle of a sync loses nothing while the other serves; a
//! relay whose connections the server ended serves on.

use super::*;

/// Household ids of a device, which must be distinct.
fn household_ids(d: &Data) -> BTreeSet<String> {
    let list = d.json("household list");
    let ids: BTreeSet<String> = array(&list)
        .iter()
        .map(|h| str_of(h, "id").to_owned())
        .collect();
    assert_eq!(ids.len(), array(&list).len(), "duplicate households");
    ids
}

#[test]
fn a_relay_killed_mid_sync_loses_nothing_while_the_other_serves() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(1, 20, 11);
    let village = villages[0].clone();
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let mut a = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("a.log"));
    let b = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("b.log"));
    let (_, token) = add_device(&relay, Some(&url), "township", None);
    let d = device(&a.url, &token);
    let before = household_ids(&d).len();
    {
        let store = gridbook_store::Store::open(d.path()).expect("open device");
        for i in 0..150 {
            store
                .add_household(&gridbook_store::NewHousehold {
                    village_id: village.clone(),
                    address: format!("新村{i}号"),
                    head: gridbook_store::NewPerson {
                        name: "赵新民".into(),
                        id_number: gridbook_tests::mainland_id(700_000 + i),
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .expect("add household");
        }
    }
    // Upload through A; A is killed while it takes the households in.
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = d.path().to_owned();
    let syncing = std::thread::spawn(move || {
        let store = gridbook_store::Store::open(&dir).expect("open device");
        let client = gridbook_sync::client::Client::from_store(&store).expect("enrolled");
        let peer = format!(
            "relay:{}",
            store
                .setting("relay_id")
                .expect("setting")
                .unwrap_or_default()
        );
        let mut fired = false;
        gridbook_sync::client::sync_with(&store, &peer, |req| {
            if !fired && req.encode().len() > 20_000 {
                fired = true;
                let _ = tx.send(());
            }
            client.post(req)
        })
    });
    rx.recv_timeout(std::time::Duration::from_secs(120))
        .expect("the upload began");
    std::thread::sleep(std::time::Duration::from_millis(15));
    a.kill();
    assert!(
        !syncing.is_finished(),
        "the sync finished before the relay was killed"
    );
    let interrupted = syncing.join().expect("the sync thread panicked");
    eprintln!("the sync A was killed in returned {interrupted:?}");
    // The device goes on with B, which holds whatever A committed.
    d.ok(&format!("enroll --relay {} --token {token}", b.url));
    for _ in 0..2 {
        let s = d.sync();
        assert!(refused(&s).is_empty(), "{s}");
    }
    assert_eq!(household_ids(&d).len(), before + 150);
    let ledger = format!("ledger:{village}");
    let stored = pg.psql(
        &url,
        &format!("SELECT heads FROM documents WHERE township = '{township}' AND id = '{ledger}'"),
    );
    assert_eq!(
        heads_of(&d, &ledger),
        stored[0],
        "the relays hold all of it"
    );
    let (_, other) = add_device(&relay, Some(&url), "township", None);
    let fresh = device(&b.url, &other);
    assert_eq!(household_ids(&fresh), household_ids(&d));
    let again = d.sync();
    assert_eq!(again["docs_received"], 0, "{again}");
}

/// Ends every connection to the database at `url` but the asking one; returns how many there
/// were, once they are gone.
fn end_connections(pg: &Postgres, url: &str) -> usize {
    let others = "FROM pg_stat_activity WHERE datname = current_database() \
                  AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
    let ended = pg.psql(
        url,
        &format!("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) {others}) t"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while pg.psql(url, &format!("SELECT count(*) {others}")) != ["0"] {
        assert!(
            std::time::Instant::now() < deadline,
            "connections still open"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    ended[0].parse().expect("a count")
}

#[test]
fn a_relay_whose_connections_the_server_ended_serves_on() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(1, 2, 12);
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let log = logs.path().join("a.log");
    let a = pg_relay(&relay, &url, "127.0.0.1:0", &log);
    let (_, token) = add_device(&relay, Some(&url), "township", None);
    let d = device(&a.url, &token);
    assert!(
        end_connections(&pg, &url) > 0,
        "the relay kept its connections open between requests"
    );
    {
        let store = gridbook_store::Store::open(d.path()).expect("open device");
        store
            .add_household(&gridbook_store::NewHousehold {
                village_id: villages[0].clone(),
                address: "新村1号".into(),
                head: gridbook_store::NewPerson {
                    name: "钱新民".into(),
                    id_number: gridbook_tests::mainland_id(710_001),
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("add household");
    }
    // The ended connections are closed, not handed to these requests.
    let s = d.sync();
    assert!(refused(&s).is_empty(), "{s}");
    let said = std::fs::read_to_string(&log).expect("relay log");
    assert!(!said.contains("relay error"), "{said}");
    let ledger = format!("ledger:{}", villages[0]);
    let stored = pg.psql(
        &url,
        &format!("SELECT heads FROM documents WHERE township = '{township}' AND id = '{ledger}'"),
    );
    assert_eq!(heads_of(&d, &ledger), stored[0]);
}
