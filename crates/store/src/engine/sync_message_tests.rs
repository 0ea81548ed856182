#![allow(clippy::unwrap_used)]

use automerge::transaction::Transactable;
use automerge::ROOT;

use super::*;

/// A document of `n` records written as one change (an import), then `edits` small changes.
/// Returns it and a fork taken before the edits.
fn imported_then_edited(n: usize, edits: usize) -> (Automerge, Automerge) {
    let mut a = Automerge::new();
    let mut tx = a.transaction();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..n {
        // Values that do not compress away, as names and ID numbers do not.
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        tx.put(ROOT, format!("record-{i}"), format!("{x:016x}{i}"))
            .unwrap();
    }
    tx.commit();
    let b = a.fork();
    for i in 0..edits {
        let mut tx = a.transaction();
        tx.put(ROOT, format!("record-{i}"), format!("edited {i}"))
            .unwrap();
        tx.commit();
    }
    (a, b)
}

/// Storage chunk types of a message's changes (0 a whole document, 1 a change).
fn chunk_types(msg: &[u8]) -> Vec<u8> {
    let m = Message::decode(msg).unwrap();
    m.changes.iter().map(|c| c[8]).collect()
}

#[test]
fn a_peer_missing_most_changes_of_a_document_it_has_gets_those_changes_not_the_document() {
    // Two edits of three changes: past Automerge's third, where it would send the document.
    let (a, mut b) = imported_then_edited(1000, 2);
    let mut state = State::new();
    let mut doc = a.clone();
    assert!(assume_peer_has(&mut doc, &mut state, b.get_heads()).unwrap());
    let caps = state.their_capabilities.clone();
    assert!(caps
        .as_ref()
        .is_some_and(|c| c.contains(&Capability::MessageV2)));
    let msg = next_message(&doc, &mut state, true).unwrap();
    assert_eq!(chunk_types(&msg), vec![1, 1], "the two edits, as changes");
    assert!(
        msg.len() * 10 < a.save().len(),
        "message {} bytes, document {}",
        msg.len(),
        a.save().len()
    );
    assert_eq!(
        state.their_capabilities, caps,
        "the peer's capabilities kept"
    );
    let mut theirs = State::new();
    b.receive_sync_message(&mut theirs, Message::decode(&msg).unwrap())
        .unwrap();
    assert_eq!(b.get_heads(), a.get_heads());
    assert_eq!(b.save(), a.save());
}

#[test]
fn a_peer_lacking_the_document_gets_it_whole() {
    let (a, _) = imported_then_edited(50, 2);
    let mut doc = a.clone();
    let mut state = State::new();
    assert!(assume_peer_has(&mut doc, &mut state, Vec::new()).unwrap());
    let msg = next_message(&doc, &mut state, true).unwrap();
    assert_eq!(chunk_types(&msg), vec![0], "one whole document");
    let mut b = Automerge::new();
    b.receive_sync_message(&mut State::new(), Message::decode(&msg).unwrap())
        .unwrap();
    assert_eq!(b.get_heads(), a.get_heads());
}

/// Sends `from`'s next message, if any, to `to` (never a whole document between two holders);
/// returns whether there was one.
fn pass(from: &Automerge, sf: &mut State, to: &mut Automerge, st: &mut State) -> bool {
    let Some(m) = next_message(from, sf, false) else {
        return false;
    };
    assert!(
        !chunk_types(&m).contains(&0),
        "no whole document between holders"
    );
    to.receive_sync_message(st, Message::decode(&m).unwrap())
        .unwrap();
    true
}

#[test]
fn two_peers_far_apart_converge_by_the_usual_exchange() {
    // Both sides edited since the fork; neither assumes anything of the other.
    let (mut a, mut b) = imported_then_edited(100, 3);
    for i in 0..4 {
        let mut tx = b.transaction();
        tx.put(ROOT, format!("other-{i}"), i as i64).unwrap();
        tx.commit();
    }
    let (mut sa, mut sb) = (State::new(), State::new());
    for _ in 0..10 {
        let to_b = pass(&a, &mut sa, &mut b, &mut sb);
        let to_a = pass(&b, &mut sb, &mut a, &mut sa);
        if !to_b && !to_a {
            break;
        }
    }
    assert_eq!(a.get_heads(), b.get_heads());
}

#[test]
fn a_peer_far_behind_on_small_edits_gets_the_document_when_it_is_smaller() {
    let (mut a, _) = imported_then_edited(300, 300);
    let b = a.fork();
    for i in 0..900 {
        let mut tx = a.transaction();
        tx.put(
            ROOT,
            format!("record-{}", (i * 7) % 300),
            format!("edit {i}"),
        )
        .unwrap();
        tx.commit();
    }
    let mut doc = a.clone();
    let mut state = State::new();
    assert!(assume_peer_has(&mut doc, &mut state, b.get_heads()).unwrap());
    let msg = next_message(&doc, &mut state, true).unwrap();
    assert_eq!(
        chunk_types(&msg),
        vec![0],
        "the document, smaller than 900 changes"
    );
    assert!(msg.len() < 900 * 60, "{} bytes", msg.len());
    let mut b = b;
    b.receive_sync_message(&mut State::new(), Message::decode(&msg).unwrap())
        .unwrap();
    assert_eq!(b.get_heads(), a.get_heads());
}
