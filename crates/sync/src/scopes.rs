//! What a relay remembers between the sessions of a device: the heads it left the device at
//! after its latest answer, keyed by their scope digest. A device with nothing to send names
//! them by that digest alone (see [`crate::index`]), and a quiet reconnect costs one round
//! trip of a few bytes instead of listing every document.
//!
//! In memory only (a restarted relay asks each device for its index once), the latest per
//! device, and bounded: past [`SCOPE_MEMORY_DOCS`] documents over all devices, those heard
//! from longest ago are forgotten. One relay process, any storage: the memory belongs to the
//! serving side, never to a store.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::wire::HeadsDigest;

/// Documents with their heads text, as [`crate::Replica::heads`] lists them.
type DocHeads = Vec<(String, String)>;

/// Most documents a [`ScopeMemory`] keeps over all devices (some 200 bytes each): 200 village
/// devices of a season take about 40,000.
pub const SCOPE_MEMORY_DOCS: usize = 400_000;

/// The heads a relay left each device at (see the module's documentation).
#[derive(Default)]
pub struct ScopeMemory {
    inner: Mutex<Peers>,
}

#[derive(Default)]
struct Peers {
    /// Peer → (when last remembered, scope digest, document → heads text).
    peers: HashMap<String, (u64, HeadsDigest, DocHeads)>,
    tick: u64,
    docs: usize,
}

impl ScopeMemory {
    /// Remembers that the answer just made leaves `peer` at `heads`, whose scope digest is
    /// `scope`; replaces what was remembered for `peer`.
    pub fn remember(&self, peer: &str, scope: HeadsDigest, heads: DocHeads) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        m.remember(peer, scope, heads);
    }

    /// The heads remembered for `peer` under `scope`, if they are the latest remembered.
    pub fn recall(&self, peer: &str, scope: &HeadsDigest) -> Option<DocHeads> {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        m.peers
            .get(peer)
            .filter(|(_, s, _)| s == scope)
            .map(|(_, _, heads)| heads.clone())
    }
}

impl Peers {
    fn remember(&mut self, peer: &str, scope: HeadsDigest, heads: DocHeads) {
        self.tick += 1;
        self.docs += heads.len();
        if let Some((_, _, old)) = self
            .peers
            .insert(peer.to_owned(), (self.tick, scope, heads))
        {
            self.docs -= old.len();
        }
        while self.docs > SCOPE_MEMORY_DOCS && self.peers.len() > 1 {
            let Some(oldest) = self
                .peers
                .iter()
                .min_by_key(|(_, (tick, _, _))| *tick)
                .map(|(p, _)| p.clone())
            else {
                break;
            };
            if let Some((_, _, gone)) = self.peers.remove(&oldest) {
                self.docs -= gone.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(n: usize) -> DocHeads {
        (0..n)
            .map(|i| (format!("entries:{i}"), "h".into()))
            .collect()
    }

    fn docs(m: &ScopeMemory) -> usize {
        m.inner.lock().unwrap_or_else(|p| p.into_inner()).docs
    }

    #[test]
    fn scope_memory_keeps_the_latest_per_peer_within_its_bound() {
        let m = ScopeMemory::default();
        m.remember("a", [1; 8], heads(3));
        m.remember("a", [2; 8], heads(5));
        assert_eq!(m.recall("a", &[1; 8]), None, "only the latest");
        assert_eq!(m.recall("a", &[2; 8]).map(|h| h.len()), Some(5));
        assert_eq!(m.recall("b", &[2; 8]), None, "per peer");
        assert_eq!(docs(&m), 5);
        m.remember("b", [3; 8], heads(SCOPE_MEMORY_DOCS - 5));
        assert_eq!(docs(&m), SCOPE_MEMORY_DOCS);
        m.remember("c", [4; 8], heads(1));
        assert_eq!(
            m.recall("a", &[2; 8]),
            None,
            "the peer heard from longest ago goes"
        );
        assert!(m.recall("b", &[3; 8]).is_some() && m.recall("c", &[4; 8]).is_some());
        assert_eq!(docs(&m), SCOPE_MEMORY_DOCS - 4);
    }
}
