//! Values a store holds per (peer, document) for sync sessions in progress, grouped by peer:
//! a relay's store holds them for every device it serves, and a new session of one device
//! forgets that device's without going through everybody's.

use std::collections::HashMap;

/// Values by peer, then by document.
pub(crate) struct PerPeer<V> {
    peers: HashMap<String, HashMap<String, V>>,
}

impl<V> Default for PerPeer<V> {
    fn default() -> Self {
        PerPeer {
            peers: HashMap::new(),
        }
    }
}

impl<V> PerPeer<V> {
    /// Takes out the value of (peer, document) `key`.
    pub(crate) fn remove(&mut self, key: &(String, String)) -> Option<V> {
        let docs = self.peers.get_mut(&key.0)?;
        let v = docs.remove(&key.1);
        if docs.is_empty() {
            self.peers.remove(&key.0);
        }
        v
    }

    /// Sets the value of (peer, document) `key`.
    pub(crate) fn insert(&mut self, key: (String, String), v: V) {
        self.peers.entry(key.0).or_default().insert(key.1, v);
    }

    /// Forgets every value of `peer`.
    pub(crate) fn forget(&mut self, peer: &str) {
        self.peers.remove(peer);
    }

    /// Keeps only the values of the documents `keep` says.
    pub(crate) fn retain_docs(&mut self, keep: impl Fn(&str) -> bool) {
        for docs in self.peers.values_mut() {
            docs.retain(|d, _| keep(d));
        }
        self.peers.retain(|_, docs| !docs.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: &str, d: &str) -> (String, String) {
        (p.to_owned(), d.to_owned())
    }

    #[test]
    fn values_are_kept_per_peer_and_document() {
        let mut m = PerPeer::default();
        m.insert(key("a", "ledger:1"), 1);
        m.insert(key("a", "grid:t"), 2);
        m.insert(key("b", "ledger:1"), 3);
        assert_eq!(m.remove(&key("a", "ledger:1")), Some(1));
        assert_eq!(m.remove(&key("a", "ledger:1")), None);
        m.forget("a");
        assert_eq!(
            m.remove(&key("a", "grid:t")),
            None,
            "the peer's session is forgotten"
        );
        m.insert(key("c", "ledger:2"), 4);
        m.retain_docs(|d| d != "ledger:1");
        assert_eq!(m.remove(&key("b", "ledger:1")), None);
        assert_eq!(m.remove(&key("c", "ledger:2")), Some(4));
        assert!(m.peers.is_empty(), "peers without values go");
    }
}
