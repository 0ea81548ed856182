//! A sync message whose changes arrive without one of their dependencies (the sender's bloom
//! filter said, falsely, that the receiver had it) must not stall the session: the receiver
//! asks for the missing dependency by hash and the two stores converge in a few rounds.

use automerge::sync::BloomFilter;
use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ReadDoc, ROOT};
use gridbook_store::{doc_id, DocKind, Store};

const RELAY: &str = "relay";
const DEVICE: &str = "dev";

/// Both directions of one round: the device speaks, then the relay answers. Returns whether
/// anything was said.
fn round(relay: &Store, device: &Store, doc: &str) -> bool {
    let mut said = false;
    if let Some(m) = device
        .sync_generate(doc, RELAY, true)
        .expect("device message")
    {
        relay
            .sync_receive(doc, DEVICE, &m, None)
            .expect("relay receives");
        said = true;
    }
    if let Some(m) = relay
        .sync_generate(doc, DEVICE, true)
        .expect("relay message")
    {
        device
            .sync_receive(doc, RELAY, &m, None)
            .expect("device receives");
        said = true;
    }
    said
}

fn doc_of(store: &Store, doc: &str) -> Automerge {
    Automerge::load(&store.export_doc(doc).expect("export")).expect("load")
}

fn new_hashes(store: &Store, doc: &str, since: &[ChangeHash]) -> Vec<ChangeHash> {
    doc_of(store, doc)
        .get_changes(since)
        .iter()
        .map(|c| c.hash())
        .collect()
}

#[test]
fn a_change_sent_without_its_dependency_is_asked_for_and_the_stores_converge() {
    let (dr, dd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let relay = Store::open(dr.path()).unwrap();
    let device = Store::open(dd.path()).unwrap();
    let village = relay.add_village("清水村").unwrap();
    // Enough changes that a message of one or two of them is not sent as the whole document.
    for n in 1..=8 {
        relay.add_group(&village, &format!("{n}组")).unwrap();
    }
    let township = relay.township_id().unwrap();
    device.set_setting("township_id", &township).unwrap();
    let doc = doc_id(DocKind::Grid, &township);
    device
        .merge_doc_bytes(&doc, &relay.export_doc(&doc).unwrap())
        .unwrap();
    // Both sides learn that they share these heads.
    for _ in 0..8 {
        if !round(&relay, &device, &doc) {
            break;
        }
    }
    let shared = doc_of(&relay, &doc).get_heads();
    assert_eq!(doc_of(&device, &doc).get_heads(), shared);

    // The device makes b1 while the relay gets s from elsewhere. Their messages cross: the
    // device receives s (and learns the relay has it), the relay receives b1, and the
    // relay's answer to that is lost. The device does not know that the relay has b1: the
    // bloom filter it sends (of its changes since the heads it shares) holds b1.
    device.add_group(&village, "九组").unwrap();
    relay.add_group(&village, "十组").unwrap();
    let b1 = new_hashes(&device, &doc, &shared);
    assert_eq!(b1.len(), 1);
    let to_relay = device
        .sync_generate(&doc, RELAY, true)
        .unwrap()
        .expect("b1 goes");
    let to_device = relay
        .sync_generate(&doc, DEVICE, true)
        .unwrap()
        .expect("s goes");
    device.sync_receive(&doc, RELAY, &to_device, None).unwrap();
    relay.sync_receive(&doc, DEVICE, &to_relay, None).unwrap();
    let _lost = relay.sync_generate(&doc, DEVICE, true).unwrap();
    let bloom = BloomFilter::from_hashes(b1.iter());
    // Then the relay gets r1 (a change that bloom filter falsely holds) from another device,
    // and r2 on top of it: answering the device's bloom filter, it sends r2 alone, and the
    // device lacks r2's dependency r1. The device does not keep r2 waiting; asking only for
    // r2 (the relay's head it lacks) would bring r2 alone again, every round, for ever.
    let base = doc_of(&relay, &doc);
    let (_, vobj) = base.get(ROOT, &village).unwrap().expect("village record");
    let r1 = (0..1_000_000u32)
        .find_map(|i| {
            let mut fork = base.fork();
            let mut tx = fork.transaction();
            tx.put(&vobj, "note", format!("第{i}次")).unwrap();
            tx.commit();
            let change = fork.get_last_local_change().expect("change");
            bloom
                .contains_hash(&change.hash())
                .then(|| change.raw_bytes().to_vec())
        })
        .expect("a change the bloom filter falsely holds");
    relay.merge_doc_bytes(&doc, &r1).unwrap();
    let mut n = 0;
    loop {
        n += 1;
        relay.add_group(&village, &format!("{}组", 10 + n)).unwrap();
        let head = doc_of(&relay, &doc).get_heads();
        if !bloom.contains_hash(&head[0]) {
            break;
        }
    }
    // A new session, as after a dropped connection.
    device.sync_begin(RELAY);
    relay.sync_begin(DEVICE);
    let mut rounds = 0;
    while round(&relay, &device, &doc) {
        rounds += 1;
        assert!(
            rounds <= 6,
            "the stores still exchange after {rounds} rounds"
        );
    }
    let (a, b) = (doc_of(&relay, &doc), doc_of(&device, &doc));
    assert_eq!(a.get_heads(), b.get_heads(), "converged");
    assert!(relay.reindex(true).unwrap().equal && device.reindex(true).unwrap().equal);
}
