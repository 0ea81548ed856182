//! What a device offers its relay: the documents of the scope the relay last said (at
//! enrollment and in the answer of every sync, see [`crate::identity`]), by the rule the
//! relay enforces ([`gridbook_store::rights`]). A device whose village the township took away
//! keeps that village's documents, but no longer lists them in every sync only to hear "out of
//! scope" for each; local changes it still holds in them are refused edits, shown with the
//! others (see [`crate::refusals`]) until they are discarded or the village is given back.

use gridbook_store::rights::{device_right, Right, DEVICE_ID};
use gridbook_store::Store;

use crate::engine::{Opening, Receipt, Replica};
use crate::error::Result;
use crate::wire::HeadsDigest;
use crate::Access;

/// Why a device holds back a document outside its scope: read as the relay's own "out of
/// scope" (see [`crate::refusals::reason_text`]), saying that the device did not send it.
pub const NOT_OFFERED: &str = "out of scope: not offered (outside the scope the relay gave)";

/// The role, village, township and id the relay last gave this device.
struct Scope {
    device: String,
    role: String,
    village: Option<String>,
    township: Option<String>,
}

/// A store as its relay may see it: only the documents of the device's scope. A store with no
/// role (not enrolled) offers everything.
pub struct InScope<'a> {
    store: &'a Store,
    scope: Option<Scope>,
}

impl<'a> InScope<'a> {
    /// The documents of `store` within the scope its relay last gave it.
    pub fn new(store: &'a Store) -> Result<Self> {
        let scope = match store.setting("role")?.filter(|r| !r.is_empty()) {
            None => None,
            Some(role) => Some(Scope {
                device: store.setting(DEVICE_ID)?.unwrap_or_default(),
                role,
                village: store.setting("village_id")?.filter(|v| !v.is_empty()),
                township: store.setting("township_id")?.filter(|t| !t.is_empty()),
            }),
        };
        Ok(InScope { store, scope })
    }

    /// Whether document `doc` is offered: the relay would let this device read it.
    pub fn offers(&self, doc: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| {
            let village = s.village.as_deref();
            device_right(&s.device, &s.role, village, s.township.as_deref(), doc) != Right::None
        })
    }

    /// The documents held back that hold local changes the relay does not have, each with
    /// [`NOT_OFFERED`]: refused edits, kept unsynced.
    pub fn withheld(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .store
            .unsynced_docs()?
            .into_iter()
            .filter(|d| !self.offers(d))
            .map(|d| (d, NOT_OFFERED.to_owned()))
            .collect())
    }
}

impl Replica for InScope<'_> {
    fn heads(&self) -> Result<Vec<(String, String)>> {
        let mut heads = self.store.heads()?;
        heads.retain(|(doc, _)| self.offers(doc));
        Ok(heads)
    }

    fn begin(&self, peer: &str) {
        self.store.begin(peer);
    }

    fn opening(&self, doc: &str, peer: &str, heads: &str) -> Result<Opening> {
        self.store.opening(doc, peer, heads)
    }

    fn assume(&self, doc: &str, peer: &str, theirs: Option<&HeadsDigest>) -> Result<bool> {
        self.store.assume(doc, peer, theirs)
    }

    fn generate(&self, doc: &str, peer: &str, acks: bool) -> Result<Option<Vec<u8>>> {
        self.store.generate(doc, peer, acks)
    }

    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> Result<Receipt> {
        self.store.receive(doc, peer, msg, access)
    }

    fn accept(&self, doc: &str, peer: &str, msg: &[u8]) -> Result<Receipt> {
        self.store.accept(doc, peer, msg)
    }

    fn assume_heads(&self, doc: &str, peer: &str, heads: &str) -> Result<bool> {
        self.store.assume_heads(doc, peer, heads)
    }
}
