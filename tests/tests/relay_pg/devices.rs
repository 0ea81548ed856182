//! Devices on a relay on PostgreSQL: a township device's screen (`/v1/devices`) lists and
//! revokes the devices of its own township only, as on a township's own relay; and a township
//! moved in from SQLite brings its unused one-time enrollment codes.

use gridbook_store::Store;
use gridbook_sync::enrollment::{list_devices, revoke_device};
use gridbook_sync::SyncError;

use super::*;

/// The status of a refusal by the relay.
fn refused_with<T: std::fmt::Debug>(r: gridbook_sync::Result<T>) -> u16 {
    match r {
        Err(SyncError::Refused { status, .. }) => status,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The devices township device `d` lists: id → revoked.
fn listed(d: &Data) -> BTreeMap<String, bool> {
    let store = Store::open(d.path()).expect("device store");
    list_devices(&store)
        .expect("a township device lists its devices")
        .into_iter()
        .map(|l| (l.device_id, l.revoked))
        .collect()
}

#[test]
fn a_township_device_lists_and_revokes_only_its_own_townships_devices() {
    let pg = Postgres::start();
    let url = pg.database();
    let (one, _, one_villages) = township(1, 2, 21);
    let (two, _, two_villages) = township(1, 2, 22);
    for relay in [&one, &two] {
        let m = relay.json(&format!("relay migrate --to-postgres {url}"));
        assert_eq!(m["verified"], true, "{m}");
    }
    let logs = tempfile::tempdir().expect("logs");
    let server = pg_relay(&one, &url, "127.0.0.1:0", &logs.path().join("relay.log"));
    let (chief1_id, t1) = add_device(&one, Some(&url), "township", None);
    let (worker1_id, w1) = add_device(&one, Some(&url), "grid-worker", Some(&one_villages[0]));
    let (chief2_id, t2) = add_device(&two, Some(&url), "township", None);
    let (worker2_id, w2) = add_device(&two, Some(&url), "grid-worker", Some(&two_villages[0]));
    let chief1 = device(&server.url, &t1);
    let chief2 = device(&server.url, &t2);
    let worker1 = device(&server.url, &w1);
    let worker2 = device(&server.url, &w2);

    let live = |ids: &[&String]| -> BTreeMap<String, bool> {
        ids.iter().map(|id| ((*id).clone(), false)).collect()
    };
    assert_eq!(listed(&chief1), live(&[&chief1_id, &worker1_id]));
    assert_eq!(listed(&chief2), live(&[&chief2_id, &worker2_id]));

    let store1 = Store::open(chief1.path()).expect("township store");
    // Another township's device is unknown here, and stays enrolled.
    assert_eq!(refused_with(revoke_device(&store1, &worker2_id)), 404);
    let still = worker2.sync();
    assert!(refused(&still).is_empty(), "{still}");
    let revoked = pg.psql(&url, "SELECT count(*) FROM devices WHERE revoked");
    assert_eq!(revoked, ["0"]);
    // A village device manages no devices; a township device does not revoke itself.
    let store_w1 = Store::open(worker1.path()).expect("worker store");
    assert_eq!(refused_with(list_devices(&store_w1)), 403);
    assert_eq!(refused_with(revoke_device(&store_w1, &chief1_id)), 403);
    assert_eq!(refused_with(revoke_device(&store1, &chief1_id)), 400);

    // Its own township's device: revoked, listed as such, its token refused from now on.
    revoke_device(&store1, &worker1_id).expect("revoked through the relay on PostgreSQL");
    let mut after = live(&[&chief1_id, &worker1_id]);
    after.insert(worker1_id.clone(), true);
    assert_eq!(listed(&chief1), after);
    assert_eq!(listed(&chief2), live(&[&chief2_id, &worker2_id]));
    let out = worker1.run("--json sync");
    assert_ne!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        said(&out).contains("invalid device token"),
        "{}",
        said(&out)
    );
    chief1.sync();
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    gridbook_relay::enroll_codes::unix_now()
}

/// Whether `at` is now, give or take the seconds a sync takes here.
fn just_now(at: i64) -> bool {
    (at - unix_now()).abs() <= 10
}

#[test]
fn last_syncs_on_postgresql_are_listed_and_written_once_a_minute() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, _, villages) = township(1, 2, 25);
    let village = Some(&villages[0][..]);
    let logs = tempfile::tempdir().expect("logs");
    // A device that synced with the township's SQLite relay before the move keeps its last sync.
    let sqlite = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("sqlite.log"));
    let (early_id, early_token) = add_device(&relay, None, "grid-worker", village);
    device(&sqlite.url, &early_token);
    drop(sqlite);
    let on_sqlite: i64 = rusqlite::Connection::open(relay.path().join("relay.sqlite"))
        .expect("registry")
        .query_row(
            "SELECT last_sync FROM device_seen WHERE device_id = ?1",
            [&early_id],
            |r| r.get(0),
        )
        .expect("noted on SQLite");
    let m = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(m["verified"], true, "{m}");

    let a = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("a.log"));
    let (chief_id, chief_token) = add_device(&relay, Some(&url), "township", None);
    let (worker_id, worker_token) = add_device(&relay, Some(&url), "grid-worker", village);
    let (idle_id, _) = add_device(&relay, Some(&url), "volunteer", village);
    let chief = device(&a.url, &chief_token);
    let worker = device(&a.url, &worker_token);

    // The township's screen and `relay device list` show the same last syncs.
    let store = Store::open(chief.path()).expect("township store");
    let screen: BTreeMap<String, Option<i64>> = list_devices(&store)
        .expect("listed")
        .into_iter()
        .map(|l| (l.device_id, l.last_sync))
        .collect();
    assert!(screen[&chief_id].is_some_and(just_now), "{screen:?}");
    assert!(screen[&worker_id].is_some_and(just_now), "{screen:?}");
    assert_eq!(screen[&idle_id], None, "never synced");
    assert_eq!(screen[&early_id], Some(on_sqlite), "moved in from SQLite");
    let cli: BTreeMap<String, Option<i64>> =
        array(&relay.json(&format!("relay device list --postgres {url}")))
            .iter()
            .map(|d| (str_of(d, "device_id").to_owned(), d["last_sync"].as_i64()))
            .collect();
    assert_eq!(cli, screen);

    // Written at most once a minute per device: a relay process that wrote it does not write
    // again within the minute, even when the stored time is old.
    let stored = || -> i64 {
        pg.psql(
            &url,
            &format!("SELECT last_sync FROM device_seen WHERE device_id = '{worker_id}'"),
        )[0]
        .parse()
        .expect("seconds")
    };
    let set = |at: i64| {
        pg.psql(
            &url,
            &format!("UPDATE device_seen SET last_sync = {at} WHERE device_id = '{worker_id}'"),
        );
    };
    let an_hour_ago = unix_now() - 3600;
    set(an_hour_ago);
    worker.sync();
    assert_eq!(
        stored(),
        an_hour_ago,
        "process a wrote it less than a minute ago"
    );
    // Another process has no note of it: it writes a time more than a minute old...
    let b = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("b.log"));
    worker.ok(&format!("enroll --relay {} --token {worker_token}", b.url));
    worker.sync();
    assert!(just_now(stored()), "written through process b");
    // ...but not one less than a minute old (written by any process).
    let c = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("c.log"));
    let half_a_minute_ago = unix_now() - 30;
    set(half_a_minute_ago);
    worker.ok(&format!("enroll --relay {} --token {worker_token}", c.url));
    worker.sync();
    assert_eq!(stored(), half_a_minute_ago);
}

/// The one-time codes PostgreSQL keeps for `device`: (code hash, expiry, used).
fn pg_codes(pg: &Postgres, url: &str, device: &str) -> Vec<String> {
    pg.psql(
        url,
        &format!(
            "SELECT code_hash, expires_at, used_at IS NOT NULL FROM enroll_codes \
             WHERE device_id = '{device}' ORDER BY code_hash"
        ),
    )
}

/// The same from the SQLite registry of a township relay in `relay`.
fn sqlite_codes(relay: &Data, device: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(relay.path().join("relay.sqlite")).expect("registry");
    let mut st = db
        .prepare(
            "SELECT code_hash, expires_at, used_at IS NOT NULL FROM enroll_codes
             WHERE device_id = ?1 ORDER BY code_hash",
        )
        .expect("query");
    st.query_map([device], |r| {
        let (hash, expires, used): (String, i64, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok(format!("{hash}|{expires}|{}", if used { "t" } else { "f" }))
    })
    .expect("rows")
    .collect::<rusqlite::Result<_>>()
    .expect("codes")
}

#[test]
fn migrating_moves_unused_enrollment_codes_and_running_it_again_stays_safe() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, _, villages) = township(1, 2, 24);
    let village = Some(&villages[0][..]);
    let logs = tempfile::tempdir().expect("logs");
    let mut sqlite = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("sqlite.log"));
    let code_device = || added(&relay, None, "grid-worker", village, "--code");
    // On SQLite: one code redeemed before the move, one left for PostgreSQL, one redeemed on
    // SQLite between two runs of the move.
    let (early, unused, late) = (code_device(), code_device(), code_device());
    let id = |v: &Value| str_of(v, "device_id").to_owned();
    let code = |v: &Value| str_of(v, "code").to_owned();
    let (early_dev, out) = enroll_code(&sqlite.url, &code(&early));
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    let first = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(first["verified"], true, "{first}");
    assert_eq!(first["migrated"]["enroll_codes"], 2, "{first}");
    for d in [&early, &unused, &late] {
        let kept = pg_codes(&pg, &url, &id(d));
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(
            kept,
            sqlite_codes(&relay, &id(d)),
            "same hash, expiry and use"
        );
    }

    let (late_dev, out) = enroll_code(&sqlite.url, &code(&late));
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let addr = sqlite.addr().to_owned();
    sqlite.kill();
    let again = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(again["verified"], true, "{again}");
    assert_eq!(again["migrated"]["enroll_codes"], 1, "{again}");
    assert_eq!(
        pg_codes(&pg, &url, &id(&late)),
        sqlite_codes(&relay, &id(&late)),
        "redeemed on SQLite since the first run: used here too"
    );

    // The relay on PostgreSQL where the SQLite one was: both enrolled devices sync on, the
    // used codes are refused, the unused one enrolls its device.
    let server = pg_relay(&relay, &url, &addr, &logs.path().join("pg.log"));
    for d in [&early_dev, &late_dev] {
        let stats = d.sync();
        assert!(refused(&stats).is_empty(), "{stats}");
    }
    for used in [&early, &late] {
        let (d, out) = enroll_code(&server.url, &code(used));
        assert_refused(&d, &out, "a code used on SQLite");
    }
    let new_dev = Data::new();
    let hello = new_dev.json(&format!(
        "enroll --relay {} --code {}",
        server.url,
        code(&unused)
    ));
    assert_eq!(str_of(&hello, "device_id"), id(&unused), "{hello}");
    new_dev.sync();

    // Once more: what was redeemed on PostgreSQL stays redeemed, with its token.
    let third = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(third["verified"], true, "{third}");
    let kept = pg_codes(&pg, &url, &id(&unused));
    assert!(kept.len() == 1 && kept[0].ends_with("|t"), "{kept:?}");
    let (d, out) = enroll_code(&server.url, &code(&unused));
    assert_refused(&d, &out, "a code used on PostgreSQL, moved again");
    let stats = new_dev.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
}
