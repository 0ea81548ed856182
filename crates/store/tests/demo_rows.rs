//! The demo township writes each record's rows from the fields it makes the record with, not
//! read back from the document: those rows must be the ones a rebuild from the documents
//! gives, and a second run of the same seed adds nothing.

#![allow(clippy::unwrap_used)]

use gridbook_store::{Store, DB_FILE};
use rusqlite::Connection;

#[test]
fn demo_rows_equal_a_rebuild_and_a_second_run_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = store.now_local().date();
    let first = store.demo(3, 3, 90, today).unwrap();
    assert_eq!(first.households_created, 90);
    assert!(first.persons_created > 90, "{first:?}");

    let db = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM households"), 90);
    assert_eq!(
        count("SELECT count(*) FROM persons WHERE deleted = 0"),
        first.persons_created as i64
    );
    assert_eq!(count("SELECT count(DISTINCT village_id) FROM persons"), 3);
    // Every person can be found by name, through the search index the rows feed.
    let name: String = db
        .query_row("SELECT name FROM persons LIMIT 1 OFFSET 17", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(store
        .search(&name, 50)
        .unwrap()
        .iter()
        .any(|hit| hit.name == name));

    let report = store.reindex(true).unwrap();
    assert!(report.equal, "rows equal a rebuild: {report:?}");

    let again = store.demo(3, 3, 90, today).unwrap();
    assert_eq!(
        (again.households_created, again.persons_created),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(again.households_existing, 90);
    assert_eq!(count("SELECT count(*) FROM households"), 90);
}
