//! One-time enrollment codes through a real relay on 127.0.0.1:
//! `relay device add --code` gives a short code and its QR text; `enroll --code` exchanges it
//! for the device's token once. A code used twice, expired, of a revoked device, or wrong is
//! refused with one and the same answer and changes nothing on the device; guesses from one
//! address are cut off. A township device adds, lists and revokes devices through the relay;
//! other roles may not.

use std::time::Duration;

use gridbook_store::Store;
use gridbook_sync::client::Client;
use gridbook_sync::SyncError;
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use gridbook_tests::{array, str_of};
use serde_json::{json, Value};

/// `relay device add --code` for a grid worker of the first village.
fn add_with_code(w: &Township, extra: &str) -> Value {
    w.relay.json(&format!(
        "relay device add --village {} --role grid-worker --name 手机 --code --relay-url {} {extra}",
        w.villages[0], w.server.url
    ))
}

/// `enroll --code` on a fresh device: the device and what the command did.
fn enroll_code(w: &Township, code: &str) -> (Data, std::process::Output) {
    let d = Data::new();
    let out = d.run(&format!(
        "--json enroll --relay {} --code {code}",
        w.server.url
    ));
    (d, out)
}

/// The refusal `enroll --code` gives: exit 3 and the relay's one message.
fn assert_refused(d: &Data, out: &std::process::Output, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{why}: {stdout} {stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("invalid enrollment code"),
        "{why}: the one generic answer, got {stdout} {stderr}"
    );
    let store = Store::open(d.path()).expect("device store");
    assert_eq!(
        store.setting("relay_token").expect("setting"),
        None,
        "{why}: nothing stored"
    );
}

#[test]
fn a_code_enrolls_once_and_every_bad_code_gets_the_same_refusal() {
    let w = Township::demo("--villages 2 --households 3 --seed 5");
    let added = add_with_code(&w, "");
    let code = str_of(&added, "code");
    let id = str_of(&added, "device_id");
    assert_eq!(code.len(), 9, "{added}");
    assert!(
        code.chars()
            .all(|c| c == '-' || "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)),
        "{added}"
    );
    assert_eq!(
        str_of(&added, "qr_text"),
        format!("gridbook:enroll?relay={}&code={code}", w.server.url)
    );
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&added, "expires_at"))
        .expect("expires_at is RFC 3339");
    let minutes = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&minutes), "24 h: {added}");

    // Typed in lower case with spaces: still the code.
    let typed = code.to_lowercase().replace('-', " ");
    let d = Data::new();
    let hello = d.json(&format!(
        "enroll --relay {} --code {}",
        w.server.url,
        typed.replace(' ', "")
    ));
    assert_eq!(str_of(&hello, "device_id"), id, "{hello}");
    assert_eq!(str_of(&hello, "role"), "grid-worker");
    assert_eq!(hello["village_id"].as_str(), Some(&w.villages[0][..]));
    let stats = d.sync();
    assert!(stats["docs_received"].as_u64() >= Some(1), "{stats}");

    // Used twice.
    let (d2, out) = enroll_code(&w, code);
    assert_refused(&d2, &out, "a code used twice");

    // Wrong.
    let wrong = if code.starts_with('2') {
        "3333-3333"
    } else {
        "2222-2222"
    };
    let (d3, out) = enroll_code(&w, wrong);
    assert_refused(&d3, &out, "a wrong code");

    // Revoked before use.
    let other = add_with_code(&w, "");
    w.relay.ok(&format!(
        "relay device revoke {}",
        str_of(&other, "device_id")
    ));
    let (d4, out) = enroll_code(&w, str_of(&other, "code"));
    assert_refused(&d4, &out, "the code of a revoked device");

    // Expired.
    let short = add_with_code(&w, "--valid-for 1s");
    std::thread::sleep(Duration::from_millis(2100));
    let (d5, out) = enroll_code(&w, str_of(&short, "code"));
    assert_refused(&d5, &out, "an expired code");

    // The first device still works; the relay lists it with its last sync.
    d.sync();
    let listed = w.relay.json("relay device list");
    assert!(
        array(&listed).iter().any(|x| str_of(x, "device_id") == id),
        "{listed}"
    );
}

#[test]
fn guesses_from_one_address_are_cut_off() {
    let w = Township::demo("--villages 2 --households 3 --seed 5");
    let added = add_with_code(&w, "");
    let client = Client::new(&w.server.url, "");
    let mut refused = Vec::new();
    for i in 0..12 {
        let guess = format!(
            "{}ABC-DEFG",
            ["2", "3", "4", "5", "6", "7", "8", "9"][i % 8]
        );
        match client.call_json("/v1/enroll", Some(&json!({ "code": guess }))) {
            Err(SyncError::Refused { status, .. }) => refused.push(status),
            other => panic!("guess {i}: {other:?}"),
        }
    }
    assert_eq!(&refused[..10], &[403; 10], "{refused:?}");
    assert_eq!(&refused[10..], &[429, 429], "{refused:?}");
    // Even the right code waits now: the address is cut off, not the code guessed.
    let right = client.call_json(
        "/v1/enroll",
        Some(&json!({ "code": str_of(&added, "code") })),
    );
    assert!(
        matches!(right, Err(SyncError::Refused { status: 429, .. })),
        "{right:?}"
    );
    // Bodies that are not a code are refused too, and bounded.
    let raw = ureq::post(&format!("{}/v1/enroll", w.server.url))
        .config()
        .http_status_as_error(false)
        .build()
        .send(vec![b'{'; 100_000]);
    let status = raw.map(|r| r.status().as_u16()).unwrap_or(0);
    assert!(status == 413 || status == 429, "huge body: {status}");
}

#[test]
fn a_township_device_manages_devices_and_others_may_not() {
    let w = Township::demo("--villages 2 --households 3 --seed 5");
    let village = &w.villages[1];
    // The township device itself joins with a code.
    let t = w
        .relay
        .json("relay device add --township --role township --name 乡镇电脑 --code");
    assert_eq!(
        str_of(&t, "qr_text"),
        format!("gridbook:enroll?code={}", str_of(&t, "code"))
    );
    let town = Data::new();
    town.json(&format!(
        "enroll --relay {} --code {}",
        w.server.url,
        str_of(&t, "code")
    ));
    town.sync();
    let town_store = Store::open(town.path()).expect("township store");

    let added =
        gridbook_sync::enrollment::add_device(&town_store, "村医手机", "doctor", Some(village))
            .expect("township adds a device");
    assert_eq!(
        added.qr_text,
        format!("gridbook:enroll?relay={}&code={}", w.server.url, added.code)
    );
    let doctor = Data::new();
    let hello = doctor.json(&format!(
        "enroll --relay {} --code {}",
        w.server.url, added.code
    ));
    assert_eq!(str_of(&hello, "role"), "doctor");
    doctor.sync();

    let list = gridbook_sync::enrollment::list_devices(&town_store).expect("list");
    let doc = list
        .iter()
        .find(|d| d.device_id == added.device_id)
        .expect("the doctor's phone is listed");
    assert_eq!(doc.scope, format!("village:{village}"));
    assert!(doc.last_sync.is_some(), "it synced: {doc:?}");
    assert!(!doc.revoked);

    // Bad input changes nothing.
    for (name, role, v) in [
        ("x", "doctor", Some("no-such-village")),
        ("x", "admin", Some(village.as_str())),
        ("", "doctor", Some(village.as_str())),
        ("x", "doctor", None),
    ] {
        let r = gridbook_sync::enrollment::add_device(&town_store, name, role, v);
        assert!(
            matches!(r, Err(SyncError::Refused { status: 400, .. })),
            "{name} {role} {v:?}: {r:?}"
        );
    }
    assert_eq!(
        gridbook_sync::enrollment::list_devices(&town_store)
            .unwrap()
            .len(),
        list.len()
    );

    // Another role may neither list, add nor revoke.
    let doctor_store = Store::open(doctor.path()).expect("doctor store");
    assert!(matches!(
        gridbook_sync::enrollment::list_devices(&doctor_store),
        Err(SyncError::Refused { status: 403, .. })
    ));
    assert!(matches!(
        gridbook_sync::enrollment::add_device(&doctor_store, "y", "doctor", Some(village)),
        Err(SyncError::Refused { status: 403, .. })
    ));
    let town_id = str_of(&t, "device_id");
    assert!(matches!(
        gridbook_sync::enrollment::revoke_device(&doctor_store, town_id),
        Err(SyncError::Refused { status: 403, .. })
    ));
    // The township cannot lock itself out.
    assert!(matches!(
        gridbook_sync::enrollment::revoke_device(&town_store, town_id),
        Err(SyncError::Refused { status: 400, .. })
    ));

    // Revoked: the doctor's phone can no longer sync.
    gridbook_sync::enrollment::revoke_device(&town_store, &added.device_id).expect("revoke");
    let out = doctor.run("--json sync");
    assert_eq!(out.status.code(), Some(3), "a revoked device syncs");
    let list = gridbook_sync::enrollment::list_devices(&town_store).expect("list");
    assert!(list
        .iter()
        .any(|d| d.device_id == added.device_id && d.revoked));
}
