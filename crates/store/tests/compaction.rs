//! A document edited many times has its chunks folded into one snapshot, and nothing is lost
//! by it: not in the store that folded them, not in another store on the same file that had
//! the document loaded before, and not after reopening.

#![allow(clippy::unwrap_used)]

use gridbook_store::{Store, DB_FILE};
use rusqlite::Connection;

#[test]
fn many_edits_fold_into_a_snapshot_and_every_reader_sees_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = store.now_local().date();
    store.demo(1, 1, 20, today).unwrap();
    let other = Store::open(dir.path()).unwrap();
    let watch = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let (id, doc): (String, String) = watch
        .query_row(
            "SELECT p.id, d.id FROM persons p JOIN documents d ON d.kind = 'ledger'
             WHERE p.deleted = 0 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // The other store has the document loaded before the edits.
    assert_eq!(other.person(&id).unwrap().id, id);
    let chunks = |watch: &Connection| -> (i64, i64) {
        watch
            .query_row(
                "SELECT (SELECT count(*) FROM chunks WHERE doc_id = ?1),
                        (SELECT chunk_count FROM documents WHERE id = ?1)",
                [&doc],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let mut folded = false;
    let mut last = String::new();
    for n in 0..300 {
        let before = chunks(&watch);
        last = format!("1380000{n:04}");
        store
            .set_person(&id, &[("phone".into(), last.clone())])
            .unwrap();
        let after = chunks(&watch);
        assert_eq!(after.0, after.1, "the count kept matches the chunks stored");
        assert!(after.0 <= 256, "at most 256 chunks: {after:?}");
        folded |= after.0 < before.0;
        // Now and then the other store reads the person, so that it keeps an older copy.
        if n % 97 == 0 {
            assert_eq!(
                other.person(&id).unwrap().phone.as_deref(),
                Some(last.as_str())
            );
        }
    }
    assert!(folded, "300 edits folded the chunks at least once");
    assert_eq!(
        store.person(&id).unwrap().phone.as_deref(),
        Some(last.as_str())
    );
    assert_eq!(
        other.person(&id).unwrap().phone.as_deref(),
        Some(last.as_str()),
        "the other store"
    );
    other
        .set_person(&id, &[("name".into(), "合并后".into())])
        .unwrap();
    assert_eq!(store.person(&id).unwrap().name, "合并后", "its edit back");
    drop((store, other));
    let reopened = Store::open(dir.path()).unwrap();
    let p = reopened.person(&id).unwrap();
    assert_eq!(
        (p.phone.as_deref(), p.name.as_str()),
        (Some(last.as_str()), "合并后")
    );
    assert!(
        reopened.reindex(true).unwrap().equal,
        "rows equal a rebuild"
    );
}
