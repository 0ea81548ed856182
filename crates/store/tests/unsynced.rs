//! The unsynced count: each change made on this device counts until a relay acknowledges the
//! session that sent it; changes made during a session, and those of documents the relay
//! refused, stay counted; the count is on disk, the same for every process on the file.

#![allow(clippy::unwrap_used)]

use gridbook_store::{Store, DB_FILE};
use rusqlite::Connection;

/// A store with a demo township of `villages` villages and `households` households.
fn demo_store(villages: usize, households: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = store.now_local().date();
    store.demo(2, villages, households, today).unwrap();
    (dir, store)
}

/// A person of the `n`th village, with its ledger document.
fn person_of_village(dir: &std::path::Path, n: i64) -> (String, String) {
    Connection::open(dir.join(DB_FILE))
        .unwrap()
        .query_row(
            "SELECT p.id, d.id FROM persons p
                 JOIN documents d ON d.kind = 'ledger' AND d.village_id = p.village_id
                 WHERE p.village_id = (SELECT id FROM villages ORDER BY id LIMIT 1 OFFSET ?1)
                 LIMIT 1",
            [n],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn local_changes_count_until_the_session_that_sent_them_is_acknowledged() {
    let (dir, store) = demo_store(2, 20);
    // The demo's bulk writes are not local edits; what little it writes as an edit is.
    let base = store.unsynced().unwrap();
    assert!(base <= 1, "the demo left {base} unsynced");
    let mark = store.outbox_mark().unwrap();
    store.mark_synced(&mark, &[]).unwrap();
    assert_eq!(store.unsynced().unwrap(), 0);
    let (a, doc_a) = person_of_village(dir.path(), 0);
    let (b, doc_b) = person_of_village(dir.path(), 1);
    let edit = |p: &str, n: u32| {
        store
            .set_person(p, &[("phone".into(), format!("1390000{n:04}"))])
            .unwrap();
    };
    for n in 0..3 {
        edit(&a, n);
    }
    edit(&b, 3);
    let mut both = vec![doc_a.clone(), doc_b.clone()];
    both.sort();
    assert_eq!(store.unsynced().unwrap(), 4);
    assert_eq!(store.unsynced_docs().unwrap(), both);

    // A session starts; two more edits of A during it; it succeeds.
    let mark = store.outbox_mark().unwrap();
    edit(&a, 4);
    edit(&a, 5);
    store.mark_synced(&mark, &[]).unwrap();
    assert_eq!(
        store.unsynced().unwrap(),
        2,
        "the edits made during the session"
    );
    assert_eq!(store.unsynced_docs().unwrap(), [doc_a.as_str()]);
    // The same mark again, or read by another process on the file: nothing more, nothing less.
    store.mark_synced(&mark, &[]).unwrap();
    assert_eq!(store.unsynced().unwrap(), 2);
    let other = Store::open(dir.path()).unwrap();
    assert_eq!(other.unsynced().unwrap(), 2);

    // The next session: the relay refuses A's changes, B gets one more.
    edit(&b, 6);
    let mark = store.outbox_mark().unwrap();
    store
        .mark_synced(&mark, std::slice::from_ref(&doc_a))
        .unwrap();
    assert_eq!(store.unsynced().unwrap(), 2, "A's refused changes stay");
    assert_eq!(store.unsynced_docs().unwrap(), [doc_a.as_str()]);

    // Two sessions at once (the app's and a command's): both marks taken before either ends,
    // an edit between them; whichever ends last, the edit after the first mark stays counted
    // only until a mark that saw it.
    let first = store.outbox_mark().unwrap();
    edit(&a, 7);
    let second = other.outbox_mark().unwrap();
    other.mark_synced(&second, &[]).unwrap();
    store.mark_synced(&first, &[]).unwrap();
    assert_eq!(store.unsynced().unwrap(), 0);
    let third = store.outbox_mark().unwrap();
    edit(&b, 8);
    store.mark_synced(&third, &[]).unwrap();
    assert_eq!(store.unsynced().unwrap(), 1);
    assert_eq!(store.unsynced_docs().unwrap(), [doc_b]);
}

#[test]
fn the_count_survives_compaction_and_a_discard_clears_what_it_dropped() {
    let (dir, store) = demo_store(1, 10);
    let base = store.unsynced().unwrap();
    let (a, doc) = person_of_village(dir.path(), 0);
    let watch = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let chunks = || -> i64 {
        watch
            .query_row(
                "SELECT count(*) FROM chunks WHERE doc_id = ?1",
                [&doc],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut folded = false;
    for n in 0..300 {
        let before = chunks();
        store
            .set_person(&a, &[("phone".into(), format!("1380000{n:04}"))])
            .unwrap();
        folded |= chunks() < before;
    }
    assert!(folded, "the document was compacted");
    assert_eq!(store.unsynced().unwrap(), base + 300);
    // Nothing of it reached a relay: discarding the unacknowledged changes drops them all.
    let (docs, gone) = store.discard_unacknowledged(&doc, "relay").unwrap();
    assert_eq!(docs, [doc.as_str()]);
    assert!(
        gone >= 300,
        "the 300 edits and the demo's own changes: {gone}"
    );
    assert_eq!(store.unsynced().unwrap(), base);
    assert!(!store.unsynced_docs().unwrap().contains(&doc));
}
