//! Deterministic costs (round trips of an edit and of an idle reconnect) and the minimal cases
//! of bugs the properties found.

use super::*;

#[test]
fn an_edit_travels_in_one_round_trip_each_way_and_an_idle_reconnect_costs_one() {
    let mut net = Net::new(&[Scope::Township, Scope::Township]);
    let village = net.villages[0].clone();
    let head = net.new_person(0);
    let (hid, _) = net.devices[0]
        .store
        .add_household(&NewHousehold {
            village_id: village,
            address: "清水村三组12号".into(),
            head,
            ..Default::default()
        })
        .expect("household");
    // The ledger is new to the relay: A pushes it in its second request, after the relay
    // said it lacks it. B lacks it too and gets the whole document in its first answer.
    let a = net.session(0, &Faults::default());
    assert!(a.exchanged);
    assert!(a.rounds <= 2, "A's first push: {a:?}");
    let b = net.session(1, &Faults::default());
    assert_eq!(b.rounds, 1, "B's first pull: {b:?}");
    let got = net.devices[1]
        .store
        .household(&hid)
        .expect("B has the household");
    assert_eq!(got.household.address, "清水村三组12号");
    // An edit of a document both sides share: A's first request carries it (the relay has the
    // heads A last shared with it), and the relay recognises B's heads from their digest and
    // answers B's first request with the change.
    let person = got.residents[0].id.clone();
    net.devices[0]
        .store
        .set_person(&person, &[("phone".into(), "13912345678".into())])
        .expect("edit");
    let a = net.session(0, &Faults::default());
    assert_eq!(a.rounds, 1, "A's push: {a:?}");
    let b = net.session(1, &Faults::default());
    assert_eq!(b.rounds, 1, "B's pull: {b:?}");
    // A device with nothing to send names its whole scope by one digest.
    for d in 0..2 {
        let again = net.session(d, &Faults::default());
        assert_eq!(again.rounds, 1, "idle reconnect of dev{d}: {again:?}");
        assert!(!again.exchanged);
        assert!(
            again.bytes < 64,
            "idle reconnect cost {} bytes",
            again.bytes
        );
    }
    // A relay that restarted has forgotten where it left the devices, and the heads its
    // documents had lately: B's pull takes three rounds (the relay asks for B's index, then
    // what B has of the ledger), and still brings A's edit.
    net.devices[0]
        .store
        .set_person(&person, &[("phone".into(), "13900001111".into())])
        .expect("edit");
    assert_eq!(net.session(0, &Faults::default()).rounds, 1, "A's push");
    net.restart_relay();
    let b = net.session(1, &Faults::default());
    assert_eq!(b.rounds, 3, "B's pull after the restart: {b:?}");
    let phone = |net: &Net| {
        let got = net.devices[1].store.person(&person).expect("person on B");
        got.phone.unwrap_or_default()
    };
    assert_eq!(phone(&net), "13900001111");
    // The next pull is one round again.
    net.devices[0]
        .store
        .set_person(&person, &[("phone".into(), "13900002222".into())])
        .expect("edit");
    assert_eq!(net.session(0, &Faults::default()).rounds, 1, "A's push");
    let b = net.session(1, &Faults::default());
    assert_eq!(b.rounds, 1, "B's pull: {b:?}");
    assert_eq!(phone(&net), "13900002222");
}

#[test]
fn a_session_cut_at_every_round_still_converges() {
    for cut in 0..4 {
        let mut net = Net::new(&[Scope::Township, Scope::Township]);
        for i in 0..5 {
            net.apply(&Step::AddHousehold {
                dev: 0,
                village: i % 2,
                pick: i,
            });
        }
        let faults = Faults {
            cut_after: Some(cut),
            ..Faults::default()
        };
        net.session(0, &faults);
        net.session(0, &faults);
        net.settle();
        assert_eq!(
            dump(&net.devices[1].conn),
            dump(&net.relay_conn),
            "cut after {cut}"
        );
    }
}

/// Minimal case of a stall found by `township_devices_converge`: device A's session is under
/// way when an old request of A (one that carried A's earlier change) reaches the relay late;
/// the relay answers it into the void. The relay's in-session Automerge state for A now lists
/// B's change as sent (`sent_hashes`), so it never sends it again, not even when A asks for it
/// by hash (`need`): the two sides exchange the same ~110-byte messages until `MAX_ROUNDS`.
/// Nothing is lost and the next session recovers, but the session fails after 64 round trips.
/// Two processes syncing the same data directory at once (the app and the CLI) share the
/// relay's per-peer state the same way.
#[test]
fn a_stale_request_mid_session_does_not_stall_it() {
    let mut net = Net::new(&[Scope::Township, Scope::Township]);
    net.apply(&Step::AddGroup {
        dev: 0,
        village: 0,
        pick: 0,
    });
    net.session(0, &Faults::default());
    let stale = net.devices[0]
        .history
        .iter()
        .rposition(|r| !r.messages.is_empty())
        .expect("A sent its change");
    net.apply(&Step::AddGroup {
        dev: 1,
        village: 0,
        pick: 1,
    });
    net.session(1, &Faults::default());
    let out = net.session(
        0,
        &Faults {
            replay: Some((1, stale)),
            ..Faults::default()
        },
    );
    let next = net.session(0, &Faults::default());
    assert!(next.error.is_none(), "the next session recovers");
    assert!(
        out.error.is_none(),
        "the session stalled after {} rounds: {:?}",
        out.rounds,
        out.error
    );
}

/// Minimal case of an encoder/decoder mismatch: the relay puts the store's error text into a
/// refusal, and that text quotes the offending record id, which a broken or hostile device
/// chooses. `Response::encode` writes reasons of any length but `Response::decode` refuses a
/// reason over 1024 bytes, so the device cannot read the response at all: every session fails
/// with "malformed message" (not the refusal) and its other documents stop syncing too.
#[test]
fn a_refusal_about_a_long_record_id_reaches_the_device() {
    use automerge::transaction::Transactable;
    let net = Net::new(&[Scope::Township]);
    let doc_id = format!("ledger:{}", net.villages[0]);
    let mut doc = automerge::AutoCommit::new();
    let rec = doc
        .put_object(automerge::ROOT, "x".repeat(1100), automerge::ObjType::Map)
        .expect("record");
    doc.put(&rec, "type", "household").expect("type");
    net.devices[0]
        .store
        .merge_doc_bytes(&doc_id, &doc.save())
        .expect("a record planted by a broken app");
    let (township, villages) = (net.township.clone(), net.villages.clone());
    let acc = move |d: &str| access(&township, &villages, Scope::Township, d);
    let dev = &net.devices[0];
    let mut s = DeviceSession::new(&dev.store, RELAY);
    let mut next = Some(s.start().expect("start"));
    let mut refused = Vec::new();
    while let Some(req) = next.take() {
        let resp = serve(&net.relay, &net.scopes, &dev.name, &acc, req).expect("serve");
        refused.extend(resp.refused.iter().map(|(d, why)| (d.clone(), why.len())));
        let bytes = resp.encode();
        let resp = Response::decode(&bytes).unwrap_or_else(|e| {
            panic!("the device cannot read the relay's answer ({e}); refused: {refused:?}")
        });
        next = s.handle(resp).expect("handle");
    }
    assert!(s.stats.refused.iter().any(|(d, _)| *d == doc_id));
}
