//! What one relay process keeps in memory of the database: recently used documents, each
//! brought up to date from the stored chunks before every use, so another process's writes are
//! never missed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use automerge::Automerge;

/// How many documents stay loaded in one process.
const CACHE_DOCS: usize = 128;

/// Locks a mutex, taking over one poisoned by a panic (the data is replaced or re-read).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One loaded document and the last chunk it holds.
pub(crate) struct Cached {
    pub doc: Automerge,
    /// The highest chunk sequence number loaded into `doc`.
    pub seq: i64,
}

type Key = (String, String);
/// A document's entry: when last used, and the document.
type Entry = (u64, Arc<Mutex<Cached>>);

/// Loaded documents by (township, id), each behind its own lock: requests on different
/// documents do not wait for each other.
#[derive(Default)]
pub(crate) struct DocCache {
    docs: Mutex<HashMap<Key, Entry>>,
    tick: Mutex<u64>,
}

impl DocCache {
    /// The entry of a document (empty and at chunk 0 if new here).
    pub fn entry(&self, township: &str, id: &str) -> Arc<Mutex<Cached>> {
        let tick = {
            let mut t = lock(&self.tick);
            *t += 1;
            *t
        };
        let mut docs = lock(&self.docs);
        let key = (township.to_owned(), id.to_owned());
        if let Some((used, e)) = docs.get_mut(&key) {
            *used = tick;
            return e.clone();
        }
        if docs.len() >= CACHE_DOCS {
            let oldest = docs
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                docs.remove(&k);
            }
        }
        let e = Arc::new(Mutex::new(Cached {
            doc: Automerge::new(),
            seq: 0,
        }));
        docs.insert(key, (tick, e.clone()));
        e
    }

    /// Forgets a document (after a failed write: memory never holds what is not stored).
    pub fn evict(&self, township: &str, id: &str) {
        lock(&self.docs).remove(&(township.to_owned(), id.to_owned()));
    }
}
