//! How many documents [`DocCache`] keeps loaded, and how many heads it remembers.

use super::*;

/// Loads document `id` (of `bytes` stored bytes) into the cache as [`DocCache::get`] does.
fn load(docs: &mut DocCache, id: &str, bytes: u64) {
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

fn village_docs(docs: &mut DocCache, n: usize, bytes: u64) {
    for v in 0..n {
        load(docs, &format!("ledger:{v}"), bytes);
    }
}

#[test]
fn a_store_keeps_its_few_documents_and_drops_the_least_recently_used() {
    let mut docs = DocCache::new();
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
    let mut docs = DocCache::new();
    docs.keep(1024, 60_000);
    village_docs(&mut docs, 100, 1_000);
    assert_eq!(docs.cache.len(), 60, "as many as the bytes allow");
    village_docs(&mut docs, 100, 1_000);
    assert!(docs.cache.contains_key("ledger:99") && docs.cache.contains_key("ledger:40"));
    assert!(!docs.cache.contains_key("ledger:39"));
    // Bounded by count too.
    let mut docs = DocCache::new();
    docs.keep(50, u64::MAX);
    village_docs(&mut docs, 100, 1_000);
    assert_eq!(docs.cache.len(), 50);
}

#[test]
fn large_documents_are_kept_no_fewer_than_a_store_keeps() {
    let mut docs = DocCache::new();
    docs.keep(1024, 60_000);
    village_docs(&mut docs, 100, 50_000);
    assert_eq!(docs.cache.len(), CACHE_DOCS);
    // Asking for fewer than a store keeps keeps a store's.
    docs.keep(2, 0);
    village_docs(&mut docs, 30, 1);
    assert_eq!(docs.cache.len(), CACHE_DOCS);
}

fn hash(n: u32) -> ChangeHash {
    let mut b = [0u8; 32];
    b[..4].copy_from_slice(&n.to_be_bytes());
    ChangeHash(b)
}

#[test]
fn recent_heads_are_bounded_per_document_and_in_documents() {
    let mut docs = DocCache::new();
    for n in 0..(RECENT_HEADS as u32 + 10) {
        docs.note_heads("ledger:a", vec![hash(n)]);
        docs.note_heads("ledger:a", vec![hash(n)]); // unchanged heads are kept once
    }
    let a = docs.recent_heads("ledger:a");
    assert_eq!(a.len(), RECENT_HEADS);
    assert_eq!(a[0], vec![hash(RECENT_HEADS as u32 + 9)], "newest first");
    assert_eq!(a[RECENT_HEADS - 1], vec![hash(10)], "the oldest went");
    for d in 0..RECENT_DOCS {
        docs.note_heads(&format!("entries:{d}"), vec![hash(1)]);
    }
    assert!(
        docs.recent_heads("ledger:a").is_empty(),
        "the stalest document went"
    );
    assert_eq!(docs.recent.len(), RECENT_DOCS);
    assert_eq!(docs.recent_heads("entries:0").len(), 1);
}
