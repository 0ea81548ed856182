//! Changes made by hand, as a device of another version, a buggy one or a stolen one would
//! make them, and posted to a relay outside the device's own sync: what the tests of the
//! relay's refusals build their attacks from.

use automerge::sync::State;
use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ROOT};
use gridbook_store::{assume_peer_has, next_message, Audit, Store};
use gridbook_sync::client::Client;
use gridbook_sync::wire::Request;

use crate::procs::Data;

/// Document `doc_id` as the store of `dev` holds it (empty if it has none), to build on.
pub fn doc_of(dev: &Data, doc_id: &str) -> Automerge {
    let store = Store::open(dev.path()).expect("open device store");
    match store.export_doc(doc_id) {
        Ok(bytes) if !bytes.is_empty() => Automerge::load(&bytes).expect("load"),
        _ => Automerge::new(),
    }
}

/// The audit message a change by `device` doing `what` to `records` carries.
pub fn audit(device: &str, what: &str, records: &[&str]) -> String {
    let mut a = Audit {
        device: device.to_owned(),
        what: what.to_owned(),
        ..Audit::default()
    };
    let ids: Vec<String> = records.iter().map(|r| (*r).to_owned()).collect();
    a.set_records(&ids);
    serde_json::to_string(&a).expect("audit json")
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One change by `actor` on `doc` at `time_ms`: `f` writes it, `message` is its audit (none:
/// no message at all).
pub fn change(
    doc: &mut Automerge,
    actor: &ActorId,
    message: Option<String>,
    time_ms: i64,
    f: impl FnOnce(&mut Transaction<'_>),
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

/// Creates record `id` of type `kind` with `fields` (no type when `kind` is empty).
pub fn create(tx: &mut Transaction<'_>, id: &str, kind: &str, fields: &[(&str, &str)]) {
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("put_object");
    if !kind.is_empty() {
        tx.put(&obj, "type", kind).expect("type");
    }
    for (k, v) in fields {
        tx.put(&obj, *k, *v).expect("field");
    }
}

/// `doc` with one change by `actor`, audited as `device` creating record `id` of `kind` with
/// `fields`, now; returns the sync message carrying that change.
pub fn create_in(
    doc: &mut Automerge,
    actor: &ActorId,
    device: &str,
    id: &str,
    kind: &str,
    fields: &[(&str, &str)],
) -> Vec<u8> {
    let since = doc.get_heads();
    let message = audit(device, "create", &[id]);
    change(doc, actor, Some(message), now_ms(), |tx| {
        create(tx, id, kind, fields)
    });
    message_since(doc, since)
}

/// The sync message that carries every change of `doc` made since `since` (empty: all).
pub fn message_since(doc: &mut Automerge, since: Vec<ChangeHash>) -> Vec<u8> {
    let mut state = State::new();
    assert!(assume_peer_has(doc, &mut state, since).expect("assume"));
    next_message(doc, &mut state, true).expect("a message")
}

/// A well-formed record id that no device made (`n` tells them apart).
pub fn uuid(n: u32) -> String {
    format!("{n:08x}-7e57-4000-8000-{:012x}", u64::from(n) * 7919)
}

/// Posts `msg` about `doc_id` to the relay at `url` with `token`, outside any session;
/// returns the relay's refusal reason, if any.
pub fn post(url: &str, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    let (resp, _, _) = Client::new(url, token)
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

/// The bytes a hex text spells.
pub fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
