//! Migrations: a database made by the previous schema version opens, upgrades, and rebuilds
//! the projections the new version added; a database newer than this code is refused and left
//! untouched.

use gridbook_store::{schema, Store, StoreError, DB_FILE};

const FIXTURE: &[u8] = include_bytes!("fixtures/v1.sqlite");
const PERSON: &str = "89d1ac48-897a-4969-b7f3-cd3d83fe2744";

#[test]
fn v1_database_upgrades_and_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_FILE), FIXTURE).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION);
    // The search index did not exist in v1: the upgrade rebuilt it from the documents.
    let hits = store.search("zsf", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].person_id, PERSON);
    assert_eq!(store.search("002X", 10).unwrap().len(), 1);
    // The old device keeps its identity and the record its history.
    assert_eq!(store.device_name(), "旧设备");
    let history = store.history(PERSON).unwrap();
    assert!(history
        .iter()
        .any(|h| h.field == "name" && h.device == "旧设备"));
    assert!(store.reindex(true).unwrap().equal);
    // And it takes new writes.
    store
        .set_person(PERSON, &[("phone".into(), "13900139000".into())])
        .unwrap();
    assert_eq!(
        store.person(PERSON).unwrap().phone.as_deref(),
        Some("13900139000")
    );
}

#[test]
fn newer_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let path = dir.path().join(DB_FILE);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match Store::open(dir.path()) {
        Err(StoreError::TooNew { found, supported }) => {
            assert_eq!(found, schema::SCHEMA_VERSION + 1);
            assert_eq!(supported, schema::SCHEMA_VERSION);
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION + 1);
}
