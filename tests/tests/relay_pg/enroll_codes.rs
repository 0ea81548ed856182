//! One-time enrollment codes on a relay on PostgreSQL: the rules of the SQLite relay
//! (`tests/enroll_code.rs`), with the codes kept in the database. A code enrolls once; used
//! again, expired or wrong it gets the one refusal; a township device adds a device through
//! the relay on PostgreSQL and that device enrolls with its code.

use std::time::Duration;

use gridbook_store::Store;
use serde_json::Value;

use super::*;

/// `relay device add --code --postgres URL` for a grid worker of `village`.
fn add_with_code(relay: &Data, url: &str, village: &str, extra: &str) -> Value {
    added(
        relay,
        Some(url),
        "grid-worker",
        Some(village),
        &format!("--code {extra}"),
    )
}

#[test]
fn a_code_enrolls_once_on_postgresql_and_used_expired_or_wrong_codes_are_refused() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(2, 4, 13);
    let village = &villages[0];
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let server = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("relay.log"));

    let added = add_with_code(&relay, &url, village, "");
    let code = str_of(&added, "code");
    let id = str_of(&added, "device_id");
    assert_eq!(code.len(), 9, "{added}");
    // Kept as its hash only, with its device (of this township) and an expiry 24 h away.
    let kept = pg.psql(
        &url,
        &format!(
            "SELECT c.code_hash, d.township, c.expires_at - extract(epoch FROM now())::bigint,
               c.used_at IS NULL
             FROM enroll_codes c JOIN devices d USING (device_id) WHERE c.device_id = '{id}'"
        ),
    );
    assert_eq!(kept.len(), 1, "{kept:?}");
    let fields: Vec<&str> = kept[0].split('|').collect();
    assert!(!fields[0].contains(&code.replace('-', "")), "{kept:?}");
    assert_eq!(fields[1], township);
    let left: i64 = fields[2].parse().expect("seconds left");
    assert!((24 * 3600 - 60..=24 * 3600).contains(&left), "{kept:?}");
    assert_eq!(fields[3], "t", "unused");

    // Typed in lower case: the device joins, with the role and village it was added with.
    let d = Data::new();
    let hello = d.json(&format!(
        "enroll --relay {} --code {}",
        server.url,
        code.to_lowercase()
    ));
    assert_eq!(str_of(&hello, "device_id"), id, "{hello}");
    assert_eq!(str_of(&hello, "role"), "grid-worker");
    assert_eq!(hello["village_id"].as_str(), Some(&village[..]));
    let stats = d.sync();
    assert!(stats["docs_received"].as_u64() >= Some(1), "{stats}");
    let used = pg.psql(
        &url,
        &format!("SELECT used_at IS NOT NULL FROM enroll_codes WHERE device_id = '{id}'"),
    );
    assert_eq!(used, ["t"]);

    // Used twice.
    let (d2, out) = enroll_code(&server.url, code);
    assert_refused(&d2, &out, "a code used twice");

    // Wrong.
    let wrong = if code.starts_with('2') {
        "3333-3333"
    } else {
        "2222-2222"
    };
    let (d3, out) = enroll_code(&server.url, wrong);
    assert_refused(&d3, &out, "a wrong code");

    // Expired.
    let short = add_with_code(&relay, &url, village, "--valid-for 1s");
    std::thread::sleep(Duration::from_millis(2100));
    let (d4, out) = enroll_code(&server.url, str_of(&short, "code"));
    assert_refused(&d4, &out, "an expired code");

    // Revoked before use.
    let other = add_with_code(&relay, &url, village, "");
    relay.ok(&format!(
        "relay device revoke {} --postgres {url}",
        str_of(&other, "device_id")
    ));
    let (d5, out) = enroll_code(&server.url, str_of(&other, "code"));
    assert_refused(&d5, &out, "the code of a revoked device");

    // The first device still syncs (`sync` must succeed).
    d.sync();
}

#[test]
fn a_township_device_adds_a_device_through_a_relay_on_postgresql() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(2, 4, 14);
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let server = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("relay.log"));
    let (_, chief) = add_device(&relay, Some(&url), "township", None);
    let town = device(&server.url, &chief);
    let town_store = Store::open(town.path()).expect("township store");

    let added = gridbook_sync::enrollment::add_device(
        &town_store,
        "村医手机",
        "doctor",
        Some(&villages[1]),
    )
    .expect("a township device adds a device on PostgreSQL");
    let of = pg.psql(
        &url,
        &format!(
            "SELECT township, role, scope FROM devices WHERE device_id = '{}'",
            added.device_id
        ),
    );
    assert_eq!(
        of,
        [format!("{township}|doctor|village:{}", villages[1])],
        "the device is of the adding device's township"
    );
    let doctor = Data::new();
    let hello = doctor.json(&format!(
        "enroll --relay {} --code {}",
        server.url, added.code
    ));
    assert_eq!(str_of(&hello, "device_id"), added.device_id, "{hello}");
    assert_eq!(str_of(&hello, "role"), "doctor");
    doctor.sync();
    let (d2, out) = enroll_code(&server.url, &added.code);
    assert_refused(&d2, &out, "a code used twice");
}
