//! What one person edit writes to the file: the pages of what changed, not every index of
//! the persons table and every search term of the person. On an encrypted store each page
//! written is encrypted at commit (and each page read first decrypted and checked), so this
//! count is what an edit costs there beyond a plain store.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use gridbook_store::{Store, DB_FILE};
use rusqlite::Connection;

/// Pages written to the WAL since it was last reset: its frames (a 32-byte header, then
/// frames of a 24-byte header and one page each).
fn wal_frames(dir: &Path) -> u64 {
    let wal = dir.join(format!("{DB_FILE}-wal"));
    let len = std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0);
    len.saturating_sub(32) / (24 + 4096)
}

#[test]
fn a_phone_edit_writes_only_the_pages_of_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = store.now_local().date();
    store.demo(3, 4, 2000, today).unwrap();
    // Another connection keeps the WAL from being removed, and resets it before each edit.
    let watch = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let persons: Vec<(i64, String)> = watch
        .prepare("SELECT rowid, id FROM persons WHERE deleted = 0 ORDER BY rowid LIMIT 20")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut frames = Vec::new();
    for (n, (rowid, id)) in persons.iter().enumerate() {
        watch
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        assert_eq!(wal_frames(dir.path()), 0, "the WAL was reset");
        let phone = format!("1390000{n:04}");
        let changed = store
            .set_person(id, &[("phone".into(), phone.clone())])
            .unwrap();
        assert_eq!(changed, vec!["phone".to_owned()]);
        frames.push(wal_frames(dir.path()));
        // The row stays where it was, with the new phone, found by it and not by the old one.
        let (kept, now): (i64, String) = watch
            .query_row(
                "SELECT rowid, phone FROM persons WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((kept, now.as_str()), (*rowid, phone.as_str()));
        let found = store.search(&phone[7..], 20).unwrap();
        assert!(
            found.iter().any(|p| &p.person_id == id),
            "found by its new phone"
        );
    }
    println!("pages written per phone edit: {frames:?}");
    frames.sort_unstable();
    let median = frames[frames.len() / 2];
    // The change's chunk and its index entry, the document's row (its heads and its count of
    // unsynced changes), the person's row, the phone's index entry and two search terms: 7
    // pages. Written afresh, the row took 22; with an outbox row per change and AUTOINCREMENT's
    // sequence row, 9.
    assert!(
        median <= 7,
        "a phone edit wrote {median} pages (all: {frames:?})"
    );
    assert!(store.reindex(true).unwrap().equal, "rows equal a rebuild");
}

#[test]
fn a_household_check_leaves_its_earlier_checks_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = store.now_local().date();
    store.demo(5, 2, 400, today).unwrap();
    let watch = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let household: String = watch
        .query_row("SELECT id FROM households LIMIT 1", [], |r| r.get(0))
        .unwrap();
    // A month of daily checks.
    let start = today - chrono::Days::new(40);
    for d in 0..30 {
        let at = (start + chrono::Days::new(d))
            .and_hms_opt(10, 0, 0)
            .unwrap();
        store.set_now(Some(at));
        store.verify_household(&household).unwrap();
    }
    let rows = |c: &Connection| -> Vec<(i64, String)> {
        c.prepare("SELECT rowid, id FROM events WHERE household_id = ?1 ORDER BY rowid")
            .unwrap()
            .query_map([&household], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = rows(&watch);
    assert_eq!(before.len(), 30);
    // Today's check, then an edit of the household's phone.
    store.set_now(Some(today.and_hms_opt(9, 0, 0).unwrap()));
    let mut pages = Vec::new();
    watch
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    store.verify_household(&household).unwrap();
    pages.push(wal_frames(dir.path()));
    watch
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let changed = store
        .set_household(&household, &[("phone".into(), "13900001111".into())])
        .unwrap();
    assert_eq!(changed, vec!["phone".to_owned()]);
    pages.push(wal_frames(dir.path()));
    let after = rows(&watch);
    assert_eq!(after.len(), 31);
    assert_eq!(
        after[..30],
        before[..],
        "the earlier checks' rows stay where they were"
    );
    println!("pages written by a check and a phone edit: {pages:?}");
    // Written afresh (the row and its 30 earlier checks), each took 20; 7 and 4 now.
    assert!(pages.iter().all(|&p| p <= 8), "pages written: {pages:?}");
    assert!(store.reindex(true).unwrap().equal, "rows equal a rebuild");
}
