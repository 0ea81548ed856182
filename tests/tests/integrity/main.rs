//! No enrolled device can harm anyone else's data: a real relay on
//! 127.0.0.1 (`gridbook relay serve` in a child process) and enrolled devices, attacked with
//! Automerge changes built by hand and posted with a device's own token.
//!
//! Every attack must be refused with nothing stored changed, `reindex --check` equal, other
//! devices still syncing and a new device's first sync succeeding. The same construction
//! without the attack is accepted, so a refusal is the check's and not a broken message's.
//! A device that receives what it cannot project (from an older relay) quarantines that
//! record and syncs everything else.

mod attacks;
mod merges;
mod quarantine;

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ROOT};
use gridbook_store::Store;
use gridbook_tests::forge::{
    self, change, create, doc_of, message_since, now_ms, unhex as hex_bytes, uuid,
};
use gridbook_tests::procs::{Data, Heads};
use gridbook_tests::township::{Device, Township};
use gridbook_tests::{array, str_of};
use serde_json::Value;

/// A relay with a demo township, serving.
fn world() -> Township {
    Township::demo("--villages 2 --households 6 --seed 5")
}

/// The township's grid document.
fn grid(w: &Township) -> String {
    format!("grid:{}", w.township)
}

/// The households of `village`.
fn households(w: &Township, village: &str) -> Vec<String> {
    array(&w.relay.json(&format!("household list --village {village}")))
        .iter()
        .map(|h| str_of(h, "id").to_owned())
        .collect()
}

fn ledger(village: &str) -> String {
    format!("ledger:{village}")
}

/// The audit of a change by `device` creating `records`.
fn audit(device: &str, records: &[&str]) -> String {
    forge::audit(device, "create", records)
}

/// Posts `msg` about `doc_id` with `token`; returns the relay's refusal reason, if any.
fn post(w: &Township, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    forge::post(&w.server.url, token, doc_id, msg)
}

/// What must hold after every refused attack: nothing stored changed, projections equal a
/// rebuild, an honest device still syncs its edit, and a new device's first sync succeeds.
fn assert_unharmed(w: &Township, before: &Heads, honest: &Device, label: &str) {
    assert_eq!(
        &w.relay.heads(),
        before,
        "{label}: the relay kept something"
    );
    w.relay.reindex_check();
    let hh = households(w, &w.villages[0]);
    honest.data.ok(&format!(
        "household set {} address={label}",
        hh[hh.len() - 1]
    ));
    let stats = honest.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{label}: {stats}");
    let shown = w
        .relay
        .json(&format!("household show {}", hh[hh.len() - 1]));
    assert_eq!(
        shown["address"], label,
        "{label}: the honest edit did not arrive"
    );
    let fresh = w.device("township", None, &format!("新设备{}", label.len()));
    fresh.data.reindex_check();
    assert!(
        fresh.data.doc_ids().contains(&ledger(&w.villages[1])),
        "{label}"
    );
}

/// A device's actor id (hex), as `device show` gives it.
fn actor_hex(d: &Data) -> String {
    str_of(&d.json("device show"), "actor").to_owned()
}
