//! Migrations: a database made by the previous schema version opens, upgrades, and rebuilds
//! the projections the new version added; a database newer than this code is refused and left
//! untouched.

use gridbook_store::{schema, Store, StoreError, DB_FILE};

const FIXTURE: &[u8] = include_bytes!("fixtures/v1.sqlite");
const PERSON: &str = "89d1ac48-897a-4969-b7f3-cd3d83fe2744";

/// Made by gridbook-store at commit 4d1dd7c (schema version 10, the version before this one):
/// village 桂花村, one household verified once, its head 张三丰 with two doses (2022-03-01,
/// 2022-04-02) and two tests (2022-11-20 negative, 2022-11-27 positive), as event rows.
const V10: &[u8] = include_bytes!("fixtures/v10.sqlite");
const V10_HOUSEHOLD: &str = "b3a761cf-9b0a-4381-b9af-a1c15bb31934";
const V10_PERSON: &str = "5e9bc996-fb79-4c48-ae45-8c965d94699b";

/// Made by the `gridbook` command line at commit 5f0ffaf (schema version 11):
/// `demo --villages 2 --households 6 --seed 3` and one checkpoint, WAL checkpointed.
const V11: &[u8] = include_bytes!("fixtures/v11.sqlite");

/// Every shipped fixture, with the schema version that made it.
const FIXTURES: [(&str, i64, &[u8]); 3] = [("v1", 1, FIXTURE), ("v10", 10, V10), ("v11", 11, V11)];

/// The schema as SQLite keeps it: every table, index and trigger with its SQL text.
fn sqlite_master(path: &std::path::Path) -> Vec<(String, String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).expect("open the database");
    let mut st = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .expect("query sqlite_master");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
        .expect("read sqlite_master")
}

/// The guard against a migration edited after it shipped, or a schema reached two ways: a
/// database upgraded from any shipped version ends with exactly the schema of a fresh one,
/// and with projections equal to a rebuild from its documents.
#[test]
fn every_fixture_upgrades_to_the_schema_of_a_fresh_database() {
    let fresh = tempfile::tempdir().unwrap();
    drop(Store::open(fresh.path()).unwrap());
    let want = sqlite_master(&fresh.path().join(DB_FILE));
    assert!(want
        .iter()
        .any(|(t, n, _, _)| t == "table" && n == "persons"));
    for (name, made_at, bytes) in FIXTURES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        std::fs::write(&path, bytes).unwrap();
        let before: i64 = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(before, made_at, "fixture {name}");
        let store = Store::open(dir.path()).unwrap();
        assert!(store.reindex(true).unwrap().equal, "fixture {name}");
        drop(store);
        assert_eq!(sqlite_master(&path), want, "fixture {name} upgraded");
    }
}

#[test]
fn v10_database_upgrades_its_doses_and_tests() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_FILE), V10).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let events = |conn: &rusqlite::Connection| -> Vec<(String, i64)> {
        conn.prepare("SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let version = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&conn), 10, "the fixture is schema version 10");
    assert_eq!(
        events(&conn),
        [
            ("test".to_owned(), 2),
            ("vaccination".to_owned(), 2),
            ("verification".to_owned(), 1)
        ]
    );

    let store = Store::open(dir.path()).unwrap();
    assert_eq!(version(&conn), schema::SCHEMA_VERSION);
    // Doses and the latest test now sit on the person, rebuilt from the document; the
    // households' checks stay events.
    let p = store.person(V10_PERSON).unwrap();
    assert_eq!(p.doses, 2);
    assert_eq!(p.last_test.as_deref(), Some("2022-11-27 positive"));
    assert_eq!(events(&conn), [("verification".to_owned(), 1)]);
    let h = store.household(V10_HOUSEHOLD).unwrap();
    assert!(h.household.last_verified.is_some(), "{h:?}");
    assert_eq!(store.coverage(36_500, None, None).unwrap().len(), 0);
    assert_eq!(store.search("zsf", 10).unwrap().len(), 1);
    assert!(store.reindex(true).unwrap().equal);
    assert!(store
        .report_status(chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap())
        .unwrap()
        .iter()
        .all(|s| s.state == "missing"));
    // And a new dose counts.
    store
        .record_vaccination(
            V10_PERSON,
            chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap(),
            None,
        )
        .unwrap();
    assert_eq!(store.person(V10_PERSON).unwrap().doses, 3);
}

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

/// Version 22 moved the unsynced changes from an `outbox` row each into a count on their
/// document's row: a device upgraded with changes not yet synced still has them all to sync,
/// and its next chunk follows the highest number AUTOINCREMENT gave.
#[test]
fn unsynced_changes_and_chunk_numbers_survive_the_upgrade() {
    for (name, made_at, bytes) in FIXTURES.into_iter().filter(|(_, v, _)| *v >= 4) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        std::fs::write(&path, bytes).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let (outbox, docs): (i64, Vec<String>) = (
            conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
                .unwrap(),
            conn.prepare("SELECT DISTINCT doc_id FROM outbox ORDER BY doc_id")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap(),
        );
        let given: i64 = conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'chunks'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(conn);
        assert!(
            outbox > 0,
            "fixture {name} (v{made_at}) has unsynced changes"
        );
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.unsynced().unwrap(), outbox, "fixture {name}");
        assert_eq!(store.unsynced_docs().unwrap(), docs, "fixture {name}");
        // A new local change: one more to sync, in a chunk numbered after the old ones.
        let doc = &docs[0];
        let conn = rusqlite::Connection::open(&path).unwrap();
        let person: String = conn
            .query_row(
                "SELECT p.id FROM persons p JOIN documents d ON d.village_id = p.village_id
                 WHERE d.kind = 'ledger' AND p.deleted = 0 ORDER BY p.id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        store
            .set_person(&person, &[("phone".into(), "13900001234".into())])
            .unwrap();
        assert_eq!(store.unsynced().unwrap(), outbox + 1, "fixture {name}");
        let newest: i64 = conn
            .query_row("SELECT max(seq) FROM chunks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(newest, given + 1, "fixture {name}");
        // A session that started now and succeeded leaves nothing unsynced.
        let mark = store.outbox_mark().unwrap();
        store.mark_synced(&mark, &[]).unwrap();
        assert_eq!(store.unsynced().unwrap(), 0, "fixture {name} ({doc})");
    }
}
