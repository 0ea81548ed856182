//! `/metrics` of a relay on PostgreSQL that serves two townships: the figures of devices and
//! documents are each township's, labelled with it, as a township's own relay labels its one
//! (`tests/tests/relay_ops/logging.rs`); the admin address has no credentials, so one scrape
//! shows every township.

use super::*;

/// The value of `name{township="…"}` in the text exposition `text`.
fn of(text: &str, name: &str, township: &str) -> f64 {
    let key = format!("{name}{{township=\"{township}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&key))
        .unwrap_or_else(|| panic!("no sample {key}in\n{text}"))
        .trim()
        .parse()
        .expect("a number")
}

/// One scrape of `/metrics` at the admin address `admin`.
fn scrape(admin: &str) -> String {
    ureq::get(&format!("http://{admin}/metrics"))
        .call()
        .expect("/metrics answers")
        .body_mut()
        .read_to_string()
        .expect("text")
}

#[test]
fn metrics_on_postgresql_give_each_township_its_own_figures() {
    let pg = Postgres::start();
    let url = pg.database();
    let (one, one_id, _) = township(1, 2, 41);
    let (two, two_id, two_villages) = township(2, 2, 42);
    for relay in [&one, &two] {
        let m = relay.json(&format!("relay migrate --to-postgres {url}"));
        assert_eq!(m["verified"], true, "{m}");
    }
    let logs = tempfile::tempdir().expect("logs");
    let mut server = Server::try_start_with(
        one.path(),
        "127.0.0.1:0",
        &logs.path().join("relay.log"),
        &["--postgres", &url, "--admin", "127.0.0.1:0"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let line = server.next_line();
    let admin = line
        .trim()
        .strip_prefix("管理地址 http://")
        .unwrap_or_else(|| panic!("no admin address line: {line:?}"))
        .to_owned();
    let (_, chief1) = add_device(&one, Some(&url), "township", None);
    let (_, worker2) = add_device(&two, Some(&url), "grid-worker", Some(&two_villages[0]));
    let (idle2, _) = add_device(&two, Some(&url), "volunteer", Some(&two_villages[1]));
    device(&server.url, &chief1);
    device(&server.url, &worker2);

    let text = scrape(&admin);
    let stored = |t: &str| -> f64 {
        pg.psql(
            &url,
            &format!("SELECT count(*) FROM documents WHERE township = '{t}'"),
        )[0]
        .parse()
        .expect("count")
    };
    for (relay, id) in [(&one, &one_id), (&two, &two_id)] {
        let docs = of(&text, "gridbook_relay_documents", id);
        assert_eq!(docs, stored(id), "{id}");
        assert_eq!(docs, relay.doc_ids().len() as f64, "{id}");
    }
    assert!(stored(&two_id) > stored(&one_id), "two has more villages");
    let enrolled = "gridbook_relay_devices_enrolled";
    let seen = "gridbook_relay_devices_seen_24h";
    assert_eq!(of(&text, enrolled, &one_id), 1.0);
    assert_eq!(of(&text, enrolled, &two_id), 2.0);
    assert_eq!(of(&text, seen, &one_id), 1.0);
    assert_eq!(of(&text, seen, &two_id), 1.0, "its volunteer never synced");

    // A device revoked in township two leaves township one's figures alone.
    two.ok(&format!("relay device revoke {idle2} --postgres {url}"));
    let text = scrape(&admin);
    assert_eq!(of(&text, enrolled, &two_id), 1.0);
    assert_eq!(of(&text, enrolled, &one_id), 1.0);
}
