//! What a relay's storage and device registry must offer, so that the SQLite store (a
//! township) and other engines (PostgreSQL, for a county or province: the `gridbook-relay-pg`
//! crate) serve devices the same way.
//!
//! Every sync request works on a [`Storage::view`]: the documents of one township that the
//! requesting device's [`Selection`] names (its village and the kinds its role may read),
//! chosen by the engine's query rather than by listing every document and filtering, so the
//! cost of a request does not grow with the size of the deployment.

use std::collections::HashMap;
use std::time::Duration;

use gridbook_store::{DocId, DocKind, Store};
use gridbook_sync::engine::{Opening, Receipt};
use gridbook_sync::wire::HeadsDigest;
use gridbook_sync::{Access, Replica};

use crate::devices::{Device, Devices};
use crate::enroll_codes::IssuedCode;
use crate::error::{RelayError, Result};

/// Which documents of a township a device's requests may concern at all: its village (none
/// for a township device: all) and the kinds its role may read. [`crate::access`] still decides
/// per document; the selection only keeps the rest out of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The device's village; `None` for the whole township.
    pub village: Option<String>,
    /// Kinds of documents the device may read.
    pub kinds: Vec<&'static str>,
    /// Kinds of documents the device may read in every village of the township, not only
    /// its own (the control list: a checkpoint recognises a person isolated elsewhere).
    pub across: Vec<&'static str>,
}

impl Selection {
    /// The selection of `device` in `township`, derived from [`crate::access`] itself (a kind
    /// is selected if the device may read a document of that kind in its village), so that
    /// the two never disagree.
    pub fn of(device: &Device, township: &str) -> Selection {
        let village = device.village().map(str::to_owned);
        let v = village.as_deref().unwrap_or("0");
        // A document of each kind in the device's village (the grid: the township's).
        // Another village than the device's, to find the kinds it reads across villages.
        let other = if v == "0" { "1" } else { "0" };
        let probe_in = |kind: DocKind, v: &str| {
            DocId {
                kind,
                owner: if kind == DocKind::Grid { township } else { v },
                checkpoint: (kind == DocKind::Entries).then_some("0"),
                bucket: match kind {
                    DocKind::Entries => Some("2000-01-01"),
                    DocKind::Reports => Some("2000-01"),
                    _ => None,
                },
                // A log of exports: the device's own (the one log a village device reads).
                device: (kind == DocKind::Exports).then_some(device.device_id.as_str()),
            }
            .to_string()
        };
        let reads = |kind: DocKind, v: &str| {
            crate::access(device, township, &probe_in(kind, v)) != Access::None
        };
        let kinds = DocKind::ALL
            .into_iter()
            .filter(|k| reads(*k, v))
            .map(DocKind::name)
            .collect();
        let across = DocKind::ALL
            .into_iter()
            .filter(|k| *k != DocKind::Grid && reads(*k, other))
            .map(DocKind::name)
            .collect();
        Selection {
            village,
            kinds,
            across,
        }
    }

    /// Whether document `id` (of kind `kind`, village `village`) is selected.
    pub fn selects(&self, kind: &str, village: Option<&str>) -> bool {
        self.across.contains(&kind)
            || self.kinds.contains(&kind)
                && match (&self.village, village) {
                    (None, _) | (_, None) => true,
                    (Some(mine), Some(theirs)) => mine == theirs,
                }
    }
}

/// A device found by its token, with the township it belongs to if the registry keeps one
/// (a registry of one township's relay does not: its devices are the relay's township's).
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// The device.
    pub device: Device,
    /// Its township, if the registry names it.
    pub township: Option<String>,
}

/// Where enrolled devices are kept.
pub trait Registry: Send + Sync + 'static {
    /// The device a token belongs to (revoked ones too: the caller refuses them).
    fn by_token(&self, token: &str) -> Result<Option<Enrolled>>;
    /// Every device with its township (for `/metrics`).
    fn list(&self) -> Result<Vec<Enrolled>>;
    /// The devices of township `township`, for its device screen (a registry of one
    /// township's relay: every device).
    fn list_in(&self, township: &str) -> Result<Vec<Device>>;
    /// Notes that `device_id` synced now, for the township's device list.
    fn seen(&self, _device_id: &str) -> Result<()> {
        Ok(())
    }
    /// The last sync (unix seconds) of each device of township `township` that synced (a
    /// registry of one township's relay: of every device).
    fn last_syncs(&self, _township: &str) -> Result<HashMap<String, i64>> {
        Ok(HashMap::new())
    }
    /// Adds a device of `township` that enrolls with a one-time code valid for `valid` (a
    /// registry of one township's relay ignores `township`: its devices are the relay's).
    /// The code's rules are [`crate::enroll_codes`]'s; a registry keeps their state only.
    fn add_with_code(
        &self,
        _township: &str,
        _name: &str,
        _role: &str,
        _village: Option<&str>,
        _valid: Duration,
    ) -> Result<(Device, IssuedCode)> {
        Err(unsupported("enrollment codes"))
    }
    /// Exchanges a one-time code for the device and a new token (`None`: no such live code).
    fn redeem_code(&self, _code: &str) -> Result<Option<(Device, String)>> {
        Err(unsupported("enrollment codes"))
    }
    /// Revokes device `device_id` of township `township`; a device of another township is
    /// unknown here ([`RelayError::UnknownDevice`]), as one that does not exist.
    fn revoke(&self, township: &str, device_id: &str) -> Result<()>;
}

/// What a registry does not offer yet, said as an operator's error.
fn unsupported(what: &str) -> RelayError {
    RelayError::Backend(format!("{what}: not available on this relay's storage"))
}

impl Registry for Devices {
    fn by_token(&self, token: &str) -> Result<Option<Enrolled>> {
        Ok(Devices::by_token(self, token)?.map(|device| Enrolled {
            device,
            township: None,
        }))
    }

    fn list(&self) -> Result<Vec<Enrolled>> {
        Ok(Devices::list(self)?
            .into_iter()
            .map(|device| Enrolled {
                device,
                township: None,
            })
            .collect())
    }

    fn list_in(&self, _township: &str) -> Result<Vec<Device>> {
        Devices::list(self)
    }

    fn seen(&self, device_id: &str) -> Result<()> {
        Devices::seen(self, device_id)
    }

    fn last_syncs(&self, _township: &str) -> Result<HashMap<String, i64>> {
        Devices::last_syncs(self)
    }

    fn add_with_code(
        &self,
        _township: &str,
        name: &str,
        role: &str,
        village: Option<&str>,
        valid: Duration,
    ) -> Result<(Device, IssuedCode)> {
        Devices::add_with_code(self, name, role, village, valid)
    }

    fn redeem_code(&self, code: &str) -> Result<Option<(Device, String)>> {
        Devices::redeem_code(self, code)
    }

    fn revoke(&self, _township: &str, device_id: &str) -> Result<()> {
        Devices::revoke(self, device_id)
    }
}

/// The store seen by one request: every call goes to the store, except that its documents
/// are those of the device's [`Selection`], read with one indexed query.
pub struct StoreView<'a> {
    store: &'a Store,
    selection: Selection,
}

impl<'a> StoreView<'a> {
    /// The documents of `store` that `selection` names.
    pub fn new(store: &'a Store, selection: Selection) -> Self {
        StoreView { store, selection }
    }
}

impl Replica for StoreView<'_> {
    fn heads(&self) -> gridbook_sync::Result<Vec<(String, String)>> {
        let sel = &self.selection;
        let mut heads = self
            .store
            .doc_heads_in(sel.village.as_deref(), &sel.kinds)?;
        if sel.village.is_some() && !sel.across.is_empty() {
            heads.extend(self.store.doc_heads_in(None, &sel.across)?);
            heads.sort_unstable();
            heads.dedup();
        }
        Ok(heads)
    }
    fn begin(&self, peer: &str) {
        self.store.begin(peer)
    }
    fn opening(&self, doc: &str, peer: &str, heads: &str) -> gridbook_sync::Result<Opening> {
        self.store.opening(doc, peer, heads)
    }
    fn assume(
        &self,
        doc: &str,
        peer: &str,
        theirs: Option<&HeadsDigest>,
    ) -> gridbook_sync::Result<bool> {
        self.store.assume(doc, peer, theirs)
    }
    fn generate(
        &self,
        doc: &str,
        peer: &str,
        acks: bool,
    ) -> gridbook_sync::Result<Option<Vec<u8>>> {
        self.store.generate(doc, peer, acks)
    }
    fn receive(
        &self,
        doc: &str,
        peer: &str,
        msg: &[u8],
        access: &dyn Fn(&str) -> Access,
    ) -> gridbook_sync::Result<Receipt> {
        self.store.receive(doc, peer, msg, access)
    }
    fn assume_heads(&self, doc: &str, peer: &str, heads: &str) -> gridbook_sync::Result<bool> {
        self.store.assume_heads(doc, peer, heads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(role: &str, scope: &str) -> Device {
        Device {
            device_id: "d".into(),
            name: "n".into(),
            role: role.into(),
            scope: scope.into(),
            revoked: false,
        }
    }

    #[test]
    fn the_selection_follows_access() {
        let t = Selection::of(&dev("township", "township"), "T");
        assert_eq!((t.village, t.kinds.len()), (None, DocKind::ALL.len()));
        let v = Selection::of(&dev("volunteer", "village:A"), "T");
        assert_eq!(v.village.as_deref(), Some("A"));
        assert_eq!(
            v.kinds,
            ["grid", "ledger", "gate", "entries", "control", "exports"]
        );
        assert_eq!(v.across, ["control"]);
        assert!(v.selects("control", Some("B")) && !v.selects("gate", Some("B")));
        let w = Selection::of(&dev("grid-worker", "village:A"), "T");
        assert_eq!(w.across, ["control"]);
        let d = Selection::of(&dev("doctor", "village:A"), "T");
        assert_eq!(d.kinds, ["grid", "ledger", "care", "control", "exports"]);
        assert!(d.across.is_empty() && !d.selects("control", Some("B")));
        assert!(d.selects("care", Some("A")) && d.selects("grid", None));
        assert!(!d.selects("care", Some("B")) && !d.selects("gate", Some("A")));
    }
}
