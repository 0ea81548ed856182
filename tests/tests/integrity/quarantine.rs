//! Records a device cannot project (kept by an older relay) are quarantined; the rest syncs.

use super::*;

/// A device receiving, from a relay that kept them (an older one), records it cannot project
/// quarantines them, syncs everything else and lists them.
#[test]
fn a_device_quarantines_what_it_cannot_project_and_syncs_the_rest() {
    let w = world();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let early = w.device("township", None, "乡镇办公室");
    let villages_before = w.relay.json("village list");

    // What an older relay accepted: village B's id as a household of ledger:A, and a fresh
    // record whose type two actors set concurrently. Written straight into the relay's store
    // (no relay check on this path), as such a relay stored it.
    let relay_store = Store::open(w.relay.path()).expect("open relay store");
    let mut la =
        Automerge::load(&relay_store.export_doc(&ledger(&va)).expect("export")).expect("load");
    let heads = la.get_heads();
    let (a1, a2) = (ActorId::random(), ActorId::random());
    let conflicted = uuid(9);
    change(&mut la, &a1, Some(audit("旧版", &[&vb])), now_ms(), |tx| {
        create(tx, &vb, "household", &[("address", "乙村被占")])
    });
    let mut obj = None;
    change(
        &mut la,
        &a1,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            obj = Some(
                tx.put_object(ROOT, conflicted.as_str(), ObjType::Map)
                    .expect("map"),
            )
        },
    );
    let obj = obj.expect("map");
    let mut fork = la.fork();
    change(
        &mut la,
        &a1,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "person").expect("type");
        },
    );
    change(
        &mut fork,
        &a2,
        Some(audit("旧版", &[&conflicted])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "household").expect("type");
        },
    );
    la.merge(&mut fork).expect("merge");
    let bytes: Vec<u8> = la
        .get_changes(&heads)
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect();
    assert!(relay_store
        .merge_doc_bytes(&ledger(&va), &bytes)
        .expect("the old relay keeps them"));
    drop(relay_store);
    // The relay's own projections held them back too: village B is still there.
    assert_eq!(w.relay.json("village list"), villages_before);
    w.relay.reindex_check();

    // A device that already had the ledger gets the new changes; a new device its first
    // sync. Both sync without a refusal, keep village B, and list what they held back.
    let stats = early.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    let fresh = w.device("township", None, "新乡镇设备");
    for d in [&early.data, &fresh.data] {
        assert_eq!(d.json("village list"), villages_before);
        d.reindex_check();
        let q = d.json("quarantine");
        // Township staff read which village's which data: the name, not the document id.
        let va_name = array(&villages_before)
            .iter()
            .find(|v| v["id"] == va.as_str())
            .map(|v| str_of(v, "name").to_owned())
            .expect("village A listed");
        for r in array(&q) {
            assert_eq!(str_of(r, "what"), format!("{va_name} · 户籍台账"), "{q}");
        }
        let held: Vec<(String, String, String)> = array(&q)
            .iter()
            .map(|r| {
                (
                    str_of(r, "doc_id").to_owned(),
                    str_of(r, "record_id").to_owned(),
                    str_of(r, "reason").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            held,
            vec![
                (ledger(&va), vb.clone(), "duplicate_id".to_owned()),
                (ledger(&va), conflicted.clone(), "type_conflict".to_owned()),
            ]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>(),
            "{q}"
        );
        let owner = array(&q)
            .iter()
            .find(|r| r["record_id"] == vb.as_str())
            .map(|r| r["owner_doc"].clone());
        assert_eq!(owner, Some(Value::from(grid(&w))), "{q}");
        // Everything else synced: the same households as the relay in both villages.
        for v in [&va, &vb] {
            let mine: Vec<String> = array(&d.json(&format!("household list --village {v}")))
                .iter()
                .map(|h| str_of(h, "id").to_owned())
                .collect();
            assert_eq!(mine, households(&w, v));
        }
    }
    // And the next syncs go on: an edit made on the relay's side reaches both.
    let hh = households(&w, &va)[1].clone();
    early
        .data
        .ok(&format!("household set {hh} address=隔离后仍同步"));
    let stats = early.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    fresh.data.sync();
    assert_eq!(
        fresh.data.json(&format!("household show {hh}"))["address"],
        "隔离后仍同步"
    );
}
