//! How many documents [`Docs`] keeps loaded.

use super::*;

/// Loads document `id` (of `bytes` stored bytes) into the cache as [`Docs::get`] does.
fn load(docs: &mut Docs, id: &str, bytes: u64) {
    if !docs.cache.contains_key(id) {
        docs.make_room();
    }
    docs.tick += 1;
    let doc = Automerge::new();
    docs.cache.insert(
        id.to_owned(),
        Cached {
            doc,
            seq: 0,
            used: docs.tick,
            bytes,
        },
    );
}

fn village_docs(docs: &mut Docs, n: usize, bytes: u64) {
    for v in 0..n {
        load(docs, &format!("ledger:{v}"), bytes);
    }
}

#[test]
fn a_store_keeps_its_few_documents_and_drops_the_least_recently_used() {
    let mut docs = Docs::new(ActorId::random());
    village_docs(&mut docs, 100, 1_000);
    assert_eq!(docs.cache.len(), CACHE_DOCS);
    assert!(docs.cache.contains_key("ledger:99"));
    assert!(
        !docs.cache.contains_key("ledger:0"),
        "the least recently used went"
    );
}

#[test]
fn a_relay_keeps_more_small_documents_within_the_bytes_it_allows() {
    let mut docs = Docs::new(ActorId::random());
    docs.keep(1024, 60_000);
    village_docs(&mut docs, 100, 1_000);
    assert_eq!(docs.cache.len(), 60, "as many as the bytes allow");
    village_docs(&mut docs, 100, 1_000);
    assert!(docs.cache.contains_key("ledger:99") && docs.cache.contains_key("ledger:40"));
    assert!(!docs.cache.contains_key("ledger:39"));
    // Bounded by count too.
    let mut docs = Docs::new(ActorId::random());
    docs.keep(50, u64::MAX);
    village_docs(&mut docs, 100, 1_000);
    assert_eq!(docs.cache.len(), 50);
}

#[test]
fn large_documents_are_kept_no_fewer_than_a_store_keeps() {
    let mut docs = Docs::new(ActorId::random());
    docs.keep(1024, 60_000);
    village_docs(&mut docs, 100, 50_000);
    assert_eq!(docs.cache.len(), CACHE_DOCS);
    // Asking for fewer than a store keeps keeps a store's.
    docs.keep(2, 0);
    village_docs(&mut docs, 30, 1);
    assert_eq!(docs.cache.len(), CACHE_DOCS);
}
