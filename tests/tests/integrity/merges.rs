//! Merges written by hand: what a stolen or buggy device may set as a
//! person's `merged_into`. The relay refuses a value that is no person id, the person itself,
//! a record that is not a person, and a person of a village the device may not write; it
//! keeps a link to an id it does not hold (documents arrive one by one), which hides nobody.
//! A township's merge across villages passes, and later edits of that person by the village
//! are not taken for merges. Values an older relay kept crash no reader and hide nobody.

use automerge::ScalarValue;

use super::*;

/// The head person of every household of `village`, as the relay lists them.
fn heads_of(w: &Township, village: &str) -> Vec<String> {
    array(&w.relay.json(&format!("household list --village {village}")))
        .iter()
        .map(|h| str_of(h, "head_person_id").to_owned())
        .collect()
}

/// Sets `merged_into` of person `p` of ledger `doc_id`, as built on `dev`'s copy, by `actor`.
/// Returns the document and its heads before.
fn merge_change(
    dev: &Data,
    doc_id: &str,
    actor: &ActorId,
    p: &str,
    value: ScalarValue,
) -> (Automerge, Vec<ChangeHash>) {
    let mut la = doc_of(dev, doc_id);
    let heads = la.get_heads();
    let obj = match la.get(ROOT, p).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("person {p} not in {doc_id}"),
    };
    change(
        &mut la,
        actor,
        Some(audit("甲村网格员", &[p])),
        now_ms(),
        |tx| {
            tx.put(&obj, "merged_into", value).expect("merged_into");
        },
    );
    (la, heads)
}

/// Whether `d` shows person `p` (not merged into anyone) and finds it by its ID number.
fn shown(d: &Data, p: &str) -> bool {
    let person = d.person(p);
    let number = str_of(&person, "id_number");
    let hits = d.json(&format!("search {number}"));
    person["merged_into"].is_null() && array(&hits).iter().any(|h| h["person_id"] == p)
}

#[test]
fn hostile_merges_are_refused_and_hide_nobody() {
    let w = world();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let worker = w.device("grid-worker", Some(&va), "甲村网格员");
    let township = w.device("township", None, "乡镇办公室");
    let rogue = ActorId::random();
    let (pa, pb) = (heads_of(&w, &va), heads_of(&w, &vb));
    let p = pa[0].clone();
    let household_a = households(&w, &va)[0].clone();

    let attacks: Vec<(&str, ScalarValue, &str)> = vec![
        ("garbage", "这不是编号".into(), "is not a person id"),
        ("a number", ScalarValue::Int(42), "is not a person id"),
        (
            "an id in upper case",
            pa[1].to_uppercase().into(),
            "is not a person id",
        ),
        ("itself", p.as_str().into(), "cannot be merged into itself"),
        (
            "a household of the ledger",
            household_a.as_str().into(),
            "not a person of this ledger",
        ),
        (
            "a person of village B",
            pb[0].as_str().into(),
            "merge across villages is made by the township",
        ),
        ("village B's id", vb.as_str().into(), "it is not a person"),
    ];
    for (label, value, reason) in attacks {
        let before = w.relay.heads();
        let (mut la, heads) = merge_change(&worker.data, &ledger(&va), &rogue, &p, value);
        let why = post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads),
        );
        assert!(
            why.as_deref().is_some_and(|r| r.contains(reason)),
            "{label}: {why:?}"
        );
        assert_eq!(w.relay.heads(), before, "{label}: the relay kept something");
        assert!(shown(&w.relay, &p), "{label}");
    }
    w.relay.reindex_check();

    // A "not the same person" dismissal names persons the same way: one of village B (in
    // either place) is refused; two of the ledger are kept.
    let before = w.relay.heads();
    for (a, b, reason) in [
        (&p, &pb[0], "merge across villages is made by the township"),
        (&pb[0], &p, "not of this ledger"),
    ] {
        let mut la = doc_of(&worker.data, &ledger(&va));
        let heads = la.get_heads();
        let id = uuid(60);
        change(
            &mut la,
            &rogue,
            Some(audit("甲村网格员", &[&id])),
            now_ms(),
            |tx| {
                create(tx, &id, "distinct", &[("person_a", a), ("person_b", b)]);
            },
        );
        let why = post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads),
        );
        assert!(
            why.as_deref().is_some_and(|r| r.contains(reason)),
            "{why:?}"
        );
        assert_eq!(w.relay.heads(), before);
    }

    // The same construction naming another person of the ledger is kept (the refusals are
    // the check's), and so is an id the relay does not hold: a link to nobody here.
    for target in [pa[1].clone(), uuid(77)] {
        let (mut la, heads) = merge_change(
            &worker.data,
            &ledger(&va),
            &rogue,
            &p,
            target.as_str().into(),
        );
        let why = post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads),
        );
        assert_eq!(why, None, "{target}");
        worker.data.sync();
    }
    let fresh = w.device("township", None, "新乡镇设备");
    for d in [&w.relay, &worker.data, &fresh.data] {
        assert!(shown(d, &p), "{}", d.path().display());
        assert!(shown(d, &pa[1]), "{}", d.path().display());
        d.reindex_check();
    }

    // The township merges across villages: the relay keeps it. The grid worker then edits
    // that person (its device does not hold village B: the person stays in its lists), and
    // the relay keeps the edit: it wrote no merge.
    township.data.sync();
    township
        .data
        .ok(&format!("person merge {p} --into {}", pb[0]));
    let stats = township.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    assert_eq!(w.relay.person(&p)["merged_into"], pb[0].as_str());
    worker.data.sync();
    assert!(shown(&worker.data, &p));
    worker.data.ok(&format!("person set {p} phone=13900001111"));
    let stats = worker.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    assert_eq!(w.relay.person(&p)["phone"], "13900001111");
    w.relay.reindex_check();
}

/// What an older relay kept (no merge check): a garbage value, the person itself and a number
/// in village A's ledger; a map and a cycle of two in village B's. Written straight into the
/// relay's store. Every reader projects them; only the cycle (legal: two honest devices
/// merging in opposite directions) hides one person, the larger id, as the survivor rule says.
#[test]
fn merges_an_older_relay_kept_hide_nobody() {
    let w = world();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let early = w.device("township", None, "乡镇办公室");
    let (pa, pb) = (heads_of(&w, &va), heads_of(&w, &vb));
    let relay_store = Store::open(w.relay.path()).expect("open relay store");
    let old = ActorId::random();
    let obj = |la: &Automerge, p: &str| match la.get(ROOT, p).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("person {p} not in ledger"),
    };
    // Village A: one value per person.
    let mut la =
        Automerge::load(&relay_store.export_doc(&ledger(&va)).expect("export")).expect("load");
    let heads = la.get_heads();
    let values: Vec<(&String, ScalarValue)> = vec![
        (&pa[0], "垃圾".into()),
        (&pa[1], pa[1].as_str().into()),
        (&pa[2], ScalarValue::Int(7)),
    ];
    for (p, v) in values {
        let o = obj(&la, p);
        change(&mut la, &old, Some(audit("旧版", &[p])), now_ms(), |tx| {
            tx.put(&o, "merged_into", v).expect("put");
        });
    }
    let mut lb =
        Automerge::load(&relay_store.export_doc(&ledger(&vb)).expect("export")).expect("load");
    let heads_b = lb.get_heads();
    let o = obj(&lb, &pb[0]);
    change(
        &mut lb,
        &old,
        Some(audit("旧版", &[&pb[0]])),
        now_ms(),
        |tx| {
            tx.put_object(&o, "merged_into", ObjType::Map).expect("map");
        },
    );
    let (x, y) = (&pb[1], &pb[2]);
    let (ox, oy) = (obj(&lb, x), obj(&lb, y));
    change(
        &mut lb,
        &old,
        Some(audit("旧版", &[x, y])),
        now_ms(),
        |tx| {
            tx.put(&ox, "merged_into", y.as_str()).expect("put");
            tx.put(&oy, "merged_into", x.as_str()).expect("put");
        },
    );
    for (doc, d, since) in [(&ledger(&va), &la, heads), (&ledger(&vb), &lb, heads_b)] {
        let bytes: Vec<u8> = d
            .get_changes(&since)
            .iter()
            .flat_map(|c| c.raw_bytes().to_vec())
            .collect();
        assert!(relay_store
            .merge_doc_bytes(doc, &bytes)
            .expect("the old relay keeps them"));
    }
    drop(relay_store);

    let stats = early.data.sync();
    assert!(array(&stats["refused"]).is_empty(), "{stats}");
    let fresh = w.device("township", None, "新乡镇设备");
    let (small, large) = if x < y { (x, y) } else { (y, x) };
    for d in [&w.relay, &early.data, &fresh.data] {
        d.reindex_check();
        for p in pa.iter().chain([&pb[0]]) {
            assert!(shown(d, p), "{p} on {}", d.path().display());
        }
        assert!(shown(d, small));
        assert_eq!(d.person(large)["merged_into"], small.as_str());
    }
}
