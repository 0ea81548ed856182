//! No enrolled device can harm anyone else's data (issue 15, design.md §7): a real relay on
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

use automerge::sync::State;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ROOT};
use gridbook_store::{assume_peer_has, next_message, Audit, Store};
use gridbook_sync::client::Client;
use gridbook_sync::wire::Request;
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

/// A document as a device's store holds it, to build changes on.
fn doc_of(dev: &Data, doc_id: &str) -> Automerge {
    let store = Store::open(dev.path()).expect("open device store");
    Automerge::load(&store.export_doc(doc_id).expect("export")).expect("load")
}

fn audit(device: &str, records: &[&str]) -> String {
    let mut a = Audit {
        device: device.to_owned(),
        what: "create".into(),
        ..Audit::default()
    };
    let ids: Vec<String> = records.iter().map(|r| (*r).to_owned()).collect();
    a.set_records(&ids);
    serde_json::to_string(&a).expect("audit json")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One change by `actor` on `doc`: `f` writes it, `message` is its audit (none: no message).
fn change(
    doc: &mut Automerge,
    actor: &ActorId,
    message: Option<String>,
    time_ms: i64,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
) {
    doc.set_actor(actor.clone());
    let mut tx = doc.transaction();
    f(&mut tx);
    let mut opts = CommitOptions::default().with_time(time_ms);
    if let Some(m) = message {
        opts = opts.with_message(m);
    }
    tx.commit_with(opts);
}

/// Creates record `id` of type `kind` with `fields`.
fn create(
    tx: &mut automerge::transaction::Transaction<'_>,
    id: &str,
    kind: &str,
    fields: &[(&str, &str)],
) {
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("put_object");
    tx.put(&obj, "type", kind).expect("type");
    for (k, v) in fields {
        tx.put(&obj, *k, *v).expect("field");
    }
}

/// The sync message that carries every change of `doc` made since `since` (empty: all).
fn message_since(doc: &mut Automerge, since: Vec<ChangeHash>) -> Vec<u8> {
    let mut state = State::new();
    assert!(assume_peer_has(doc, &mut state, since).expect("assume"));
    next_message(doc, &mut state, true).expect("a message")
}

fn uuid(n: u32) -> String {
    format!("{n:08x}-7e57-4000-8000-{:012x}", u64::from(n) * 7919)
}

/// Posts `msg` about `doc_id` with `token`; returns the relay's refusal reason, if any.
fn post(w: &Township, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    let client = Client::new(&w.server.url, token);
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(doc_id.to_owned(), msg)],
        })
        .expect("post");
    resp.refused
        .into_iter()
        .find(|(d, _)| d == doc_id)
        .map(|(_, why)| why)
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

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
