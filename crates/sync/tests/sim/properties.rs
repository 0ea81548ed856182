//! The properties: random edits on random devices interleaved with syncs that go wrong, then
//! a final round of full syncs; the strategies that generate them.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use super::*;

fn faults() -> impl Strategy<Value = Faults> {
    (
        prop::option::weighted(0.3, 0..3usize),
        any::<bool>(),
        prop::option::weighted(0.2, 0..3usize),
        prop::option::weighted(0.2, (0..3usize, any::<usize>())),
    )
        .prop_map(|(cut_after, wire, duplicate, replay)| Faults {
            cut_after,
            wire,
            duplicate,
            replay,
        })
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<u16>().prop_map(Edit::Phone),
        3 => (0..TAGS.len(), any::<bool>()).prop_map(|(t, on)| Edit::Tag(t, on)),
        2 => any::<u8>().prop_map(Edit::Address),
        1 => Just(Edit::Delete),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let dev = 0..8usize;
    let pick = any::<usize>();
    prop_oneof![
        3 => (dev.clone(), 0..2usize, pick)
            .prop_map(|(dev, village, pick)| Step::AddHousehold { dev, village, pick }),
        2 => (dev.clone(), pick).prop_map(|(dev, pick)| Step::AddPerson { dev, pick }),
        4 => (dev.clone(), pick, edit())
            .prop_map(|(dev, pick, edit)| Step::SetPerson { dev, pick, edit }),
        1 => (dev.clone(), pick).prop_map(|(dev, pick)| Step::Verify { dev, pick }),
        1 => (dev.clone(), pick, any::<u8>())
            .prop_map(|(dev, pick, day)| Step::Vaccinate { dev, pick, day }),
        1 => (dev.clone(), 0..2usize, pick)
            .prop_map(|(dev, village, pick)| Step::AddGroup { dev, village, pick }),
        1 => (dev.clone(), 1..6u8).prop_map(|(dev, steps)| Step::Offline { dev, steps }),
        5 => (dev, faults()).prop_map(|(dev, faults)| Step::Sync { dev, faults }),
    ]
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Township-scoped devices: whatever the network did, a final round of full syncs leaves every
/// replica with the same documents and the same projections, equal to a rebuild.
fn check_township_convergence(devices: usize, steps: &[Step]) {
    let mut net = Net::new(&vec![Scope::Township; devices]);
    for s in steps {
        net.apply(s);
    }
    net.settle();
    let heads = net.relay.doc_heads().expect("relay heads");
    let want = dump(&net.relay_conn);
    assert_rebuild_equal(&net.relay, "relay");
    for d in &net.devices {
        assert_eq!(
            d.store.doc_heads().expect("heads"),
            heads,
            "{}: heads",
            d.name
        );
        let got = dump(&d.conn);
        if got != want {
            let only_dev: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
            let only_relay: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
            panic!(
                "{}: projections differ\n only on device: {only_dev:#?}\n only on relay: {only_relay:#?}",
                d.name
            );
        }
        assert_rebuild_equal(&d.store, &d.name);
        // Every record a device made reached the relay.
        for id in &d.created {
            assert!(
                want.iter().any(|l| l.contains(id.as_str())),
                "{}: record {id} never reached the relay",
                d.name
            );
        }
    }
}

/// A township officer (device 0) and grid workers of village 0 (and village 1): a worker never
/// receives a ledger outside its village, its writes to its own village reach the relay, and
/// a write it makes to another village (its app should not allow it, but the store does not
/// know scopes) is refused by the relay and stays on the device.
fn check_village_scope(workers: usize, steps: &[Step]) {
    let mut scopes = vec![Scope::Township];
    scopes.extend((0..workers).map(Scope::Village));
    let mut net = Net::new(&scopes);
    for s in steps {
        net.apply(s);
    }
    net.settle();
    assert_rebuild_equal(&net.relay, "relay");
    let relay_heads = net.relay.doc_heads().expect("relay heads");
    let officer = &net.devices[0];
    assert_eq!(officer.store.doc_heads().expect("heads"), relay_heads);
    assert_eq!(dump(&officer.conn), dump(&net.relay_conn));
    for w in &net.devices[1..] {
        let Scope::Village(own) = w.scope else {
            unreachable!("devices after the first are workers")
        };
        assert_rebuild_equal(&w.store, &w.name);
        let mine = w.store.doc_heads().expect("heads");
        let mirror_dir = temp_root();
        let mirror = Store::open(mirror_dir.path()).expect("open mirror");
        for (doc, heads) in &mine {
            let (kind, owner) = doc.split_once(':').expect("doc id");
            let in_scope = kind == "grid" || owner == net.villages[own];
            let relay_has = relay_heads.iter().find(|(d, _)| d == doc);
            let ids: BTreeSet<String> = w
                .store
                .doc_record_ids(doc)
                .expect("ids")
                .into_iter()
                .collect();
            if in_scope {
                // Same document as the relay: nothing lost either way.
                assert_eq!(Some(heads), relay_has.map(|(_, h)| h), "{}: {doc}", w.name);
                let bytes = net.relay.export_doc(doc).expect("export");
                mirror.merge_doc_bytes(doc, &bytes).expect("merge");
            } else {
                // Only what this worker wrote itself, never a record from the relay...
                assert!(
                    ids.is_subset(&w.created),
                    "{}: received records of {doc}: {:?}",
                    w.name,
                    ids.difference(&w.created).collect::<Vec<_>>()
                );
                // ...and none of it reached the relay.
                if relay_has.is_some() {
                    let theirs: BTreeSet<String> = net
                        .relay
                        .doc_record_ids(doc)
                        .expect("ids")
                        .into_iter()
                        .collect();
                    assert!(
                        theirs.is_disjoint(&ids),
                        "{}: out-of-scope writes reached the relay",
                        w.name
                    );
                }
                let bytes = w.store.export_doc(doc).expect("export");
                mirror.merge_doc_bytes(doc, &bytes).expect("merge");
            }
        }
        // It holds the grid and its own ledger whenever the relay has them.
        for (doc, _) in &relay_heads {
            if net.access(w.scope, doc) != Access::None {
                assert!(
                    mine.iter().any(|(d, _)| d == doc),
                    "{}: lacks {doc}",
                    w.name
                );
            }
        }
        // Its projections are exactly those of the documents it holds.
        assert_eq!(
            dump(&w.conn),
            dump(&open_conn(&mirror)),
            "{}: projections",
            w.name
        );
    }
}

proptest! {
    #![proptest_config(config(700))]

    #[test]
    fn township_devices_converge(
        devices in 2..=4usize,
        steps in prop::collection::vec(step(), 1..32),
    ) {
        check_township_convergence(devices, &steps);
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn village_worker_stays_in_scope(
        workers in 1..=2usize,
        steps in prop::collection::vec(step(), 1..32),
    ) {
        check_village_scope(workers, &steps);
    }
}
