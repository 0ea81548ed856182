//! Projection with hostile documents (as an older relay may have kept them): a record id held
//! by two documents, a record whose type is in conflict. Rows of another document are never
//! touched, the record is quarantined, the outcome does not depend on arrival order, and
//! `reindex --check` stays equal.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ROOT};
use gridbook_store::{Audit, Store};

fn audit() -> String {
    serde_json::to_string(&Audit {
        device: "旧版".into(),
        what: "create".into(),
        ..Audit::default()
    })
    .expect("audit")
}

/// A document holding record `id` of type `kind` with `field` = `value`.
fn doc_with(id: &str, kind: &str, field: &str, value: &str) -> Vec<u8> {
    let mut doc = Automerge::new().with_actor(ActorId::random());
    let mut tx = doc.transaction();
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("map");
    tx.put(&obj, "type", kind).expect("type");
    tx.put(&obj, field, value).expect("field");
    tx.commit_with(CommitOptions::default().with_message(audit()));
    doc.save()
}

/// A document whose record `id` has its type set concurrently to two values.
fn type_conflict(id: &str) -> Vec<u8> {
    let mut doc = Automerge::new().with_actor(ActorId::random());
    let mut tx = doc.transaction();
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("map");
    tx.commit_with(CommitOptions::default().with_message(audit()));
    let mut fork = doc.fork();
    let mut tx = doc.transaction();
    tx.put(&obj, "type", "person").expect("type");
    tx.commit_with(CommitOptions::default().with_message(audit()));
    let mut tx = fork.transaction();
    tx.put(&obj, "type", "household").expect("type");
    tx.commit_with(CommitOptions::default().with_message(audit()));
    doc.merge(&mut fork).expect("merge");
    doc.save()
}

const T: &str = "00000000-0000-4000-8000-0000000000aa";
const VA: &str = "00000000-0000-4000-8000-00000000000a";
const VB: &str = "00000000-0000-4000-8000-00000000000b";
const HH: &str = "00000000-0000-4000-8000-000000000001";
const ODD: &str = "00000000-0000-4000-8000-000000000002";

fn grid() -> String {
    format!("grid:{T}")
}

fn docs() -> Vec<(String, Vec<u8>)> {
    vec![
        (grid(), doc_with(VB, "village", "name", "乙村")),
        // Village B's id as a household of A's ledger.
        (format!("ledger:{VA}"), {
            let mut d = Automerge::load(&doc_with(VB, "household", "address", "甲村")).expect("l");
            let other =
                Automerge::load(&doc_with(HH, "household", "address", "甲村一号")).expect("load");
            d.merge(&mut other.clone()).expect("merge");
            d.save()
        }),
        // Household HH of B also written into C's ledger; ODD with a type conflict.
        (
            format!("ledger:{VB}"),
            doc_with(HH, "household", "address", "乙村占用"),
        ),
        (format!("care:{VA}"), type_conflict(ODD)),
    ]
}

fn store_with(order: &[usize]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let all = docs();
    for &i in order {
        let (id, bytes) = &all[i];
        store
            .merge_doc_bytes(id, bytes)
            .expect("merging never fails");
    }
    (dir, store)
}

fn dump(store: &Store) -> Vec<String> {
    let conn = rusqlite::Connection::open(store.dir().join(gridbook_store::DB_FILE)).expect("db");
    gridbook_store::project::dump(&conn).expect("dump")
}

#[test]
fn duplicates_and_type_conflicts_are_quarantined_whatever_the_order() {
    let (_a, first) = store_with(&[0, 1, 2, 3]);
    let (_b, second) = store_with(&[3, 2, 1, 0]);
    assert_eq!(
        dump(&first),
        dump(&second),
        "arrival order changed the projections"
    );
    for s in [&first, &second] {
        let villages = s.villages().expect("villages");
        assert!(villages.iter().any(|v| v.id == VB), "village B went");
        let q: Vec<(String, String, String)> = s
            .quarantine()
            .expect("quarantine")
            .into_iter()
            .map(|r| (r.doc_id, r.record_id, r.reason))
            .collect();
        assert_eq!(
            q,
            vec![
                (
                    format!("care:{VA}"),
                    ODD.to_owned(),
                    "type_conflict".to_owned()
                ),
                (
                    format!("ledger:{VA}"),
                    VB.to_owned(),
                    "duplicate_id".to_owned()
                ),
                (
                    format!("ledger:{VB}"),
                    HH.to_owned(),
                    "duplicate_id".to_owned()
                ),
            ]
        );
        let r = s.reindex(true).expect("reindex");
        assert!(r.equal, "{:?}", r.differing_tables);
    }
}
