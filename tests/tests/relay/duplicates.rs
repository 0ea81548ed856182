//! Duplicate persons merged through a real relay: two devices merge the
//! same pair in opposite directions offline, and every replica (the relay too) ends with the
//! same single survivor; undoing the merge replicates; a grid worker's device cannot merge a
//! person of another village; a pair across villages dismissed by the township, as two
//! villages' grid workers and a second township device see it.

use super::*;

/// Person ids of `search TEXT --json`.
fn found(d: &Data, text: &str) -> Vec<String> {
    array(&d.json(&format!("search {text}")))
        .iter()
        .map(|h| str_of(h, "person_id").to_owned())
        .collect()
}

#[test]
fn opposite_merges_offline_end_in_one_survivor_everywhere() {
    let w = World::new(2, 6);
    let (va, vb) = (&w.villages[0], &w.villages[1]);
    let a = w.device("grid-worker", Some(va), "甲手机");
    let b = w.device("grid-worker", Some(va), "乙手机");
    let t = w.device("township", None, "乡镇电脑");
    let (_, x) = w.household_of(va, 0);
    let (_, y) = w.household_of(va, 1);
    // The same person registered in two households: same name and phone.
    a.ok(&format!("person set {x} name=重复甲 phone=13700001111"));
    a.ok(&format!("person set {y} name=重复甲 phone=13700001111"));
    a.sync();
    b.sync();
    let (small, large) = if x < y { (&x, &y) } else { (&y, &x) };
    let dup = b.json("duplicates");
    assert!(
        array(&dup)
            .iter()
            .any(|d| d["persons"] == serde_json::json!([small, large])
                && d["reason"] == "same_name_phone"),
        "{dup}"
    );
    assert!(b.ok("duplicates").contains("姓名、电话相同"));

    // Offline, in opposite directions.
    a.ok(&format!("person merge {x} --into {y}"));
    b.ok(&format!("person merge {y} --into {x}"));
    for d in [&a, &b, &a, &t] {
        d.sync();
    }
    for d in [&a.data, &b.data, &t.data, &w.relay] {
        assert_eq!(
            found(d, "重复甲"),
            vec![small.clone()],
            "{}",
            d.path().display()
        );
        assert_eq!(d.person(large)["merged_into"], small.as_str());
        assert_eq!(d.person(small)["merged_into"], Value::Null);
        assert_eq!(d.person(small)["merged"], serde_json::json!([large]));
        assert!(!array(&d.json("duplicates"))
            .iter()
            .any(|p| p["persons"] == serde_json::json!([small, large])));
        let history = d.json(&format!("history {large}"));
        assert!(
            array(&history).iter().any(|h| h["what"] == "merge"),
            "{history}"
        );
        d.reindex_check();
    }

    // Undone on the township's computer: both come back everywhere.
    t.ok(&format!("person unmerge {large}"));
    for d in [&t, &a, &b] {
        d.sync();
    }
    for d in [&a.data, &b.data, &t.data, &w.relay] {
        assert_eq!(found(d, "重复甲").len(), 2, "{}", d.path().display());
        assert_eq!(d.person(large)["merged_into"], Value::Null);
        assert_eq!(d.person(small)["merged_into"], Value::Null);
        d.reindex_check();
    }

    // A grid worker's device cannot reach a person of another village: refused locally,
    // nothing written.
    let (_, z) = w.household_of(vb, 0);
    let before = a.heads();
    let out = a.run(&format!("person merge {x} --into {z}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到人员"));
    assert_eq!(a.heads(), before);

    // The township's computer enrolled again as village A's grid worker: refused while it
    // holds unsynced changes its new scope could not send (the reveals it recorded above);
    // synced, it keeps only what A's grid worker may read, so B's person is out of its reach.
    let token = w.add_device("grid-worker", Some(va), "改作网格员").token;
    let enroll = format!("enroll --relay {} --token {token}", w.server.url);
    let out = t.run(&enroll);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未同步"));
    t.sync();
    t.ok(&enroll);
    assert!(!t.doc_ids().contains(&ledger(vb)));
    let before = t.heads();
    let out = t.run(&format!("person merge {x} --into {z}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到人员"));
    assert_eq!(t.heads(), before);
    t.ok(&format!("person merge {x} --into {y}"));
}

/// Two devices merge the same pair the same way offline: both wrote the same `merged_into`.
/// Equal values written concurrently are no conflict for a person to settle: no device lists
/// one, and every replica has one survivor.
#[test]
fn the_same_merge_on_two_devices_is_no_conflict() {
    let w = World::new(1, 4);
    let va = &w.villages[0];
    let a = w.device("grid-worker", Some(va), "甲手机");
    let b = w.device("grid-worker", Some(va), "乙手机");
    let t = w.device("township", None, "乡镇电脑");
    let (_, x) = w.household_of(va, 0);
    let (_, y) = w.household_of(va, 1);
    a.ok(&format!("person set {x} name=重复乙 phone=13700002222"));
    a.ok(&format!("person set {y} name=重复乙 phone=13700002222"));
    a.sync();
    b.sync();
    a.ok(&format!("person merge {x} --into {y}"));
    b.ok(&format!("person merge {x} --into {y}"));
    for d in [&a, &b, &a, &t] {
        d.sync();
    }
    for d in [&a.data, &b.data, &t.data, &w.relay] {
        let at = d.path().display().to_string();
        assert_eq!(d.conflicts(), serde_json::json!([]), "{at}");
        assert_eq!(found(d, "重复乙"), vec![y.clone()], "{at}");
        assert_eq!(d.person(&x)["merged_into"], y.as_str(), "{at}");
        assert_eq!(d.person(&y)["merged"], serde_json::json!([x]), "{at}");
        d.reindex_check();
    }
}

/// Pairs `duplicates --json` lists on `d`.
fn listed_pairs(d: &Data) -> Vec<Value> {
    array(&d.json("duplicates"))
        .iter()
        .map(|p| p["persons"].clone())
        .collect()
}

/// "Not the same person" (不是同一人): dismissed on one grid worker's device, the pair is gone
/// from every device after sync; undone on another, it is listed everywhere again.
#[test]
fn a_dismissed_pair_is_gone_on_every_device_until_undone() {
    let w = World::new(1, 4);
    let va = &w.villages[0];
    let a = w.device("grid-worker", Some(va), "甲手机");
    let b = w.device("grid-worker", Some(va), "乙手机");
    let t = w.device("township", None, "乡镇电脑");
    let (_, x) = w.household_of(va, 0);
    let (_, y) = w.household_of(va, 1);
    a.ok(&format!("person set {x} name=父女同名 phone=13700003333"));
    a.ok(&format!("person set {y} name=父女同名 phone=13700003333"));
    a.sync();
    for d in [&b, &t] {
        d.sync();
    }
    let pair = if x < y {
        serde_json::json!([x, y])
    } else {
        serde_json::json!([y, x])
    };
    for d in [&a.data, &b.data, &t.data] {
        assert!(listed_pairs(d).contains(&pair), "{}", d.path().display());
    }

    let done = a.json(&format!("person dismiss-duplicate {y} {x} --reason 父女"));
    assert_eq!(done["dismissed"], serde_json::json!([y, x]), "{done}");
    for d in [&a, &b, &t] {
        let stats = d.sync();
        assert!(refused(&stats).is_empty(), "{stats}");
    }
    for d in [&a.data, &b.data, &t.data, &w.relay] {
        let at = d.path().display().to_string();
        assert!(!listed_pairs(d).contains(&pair), "{at}");
        let dismissed = d.json("duplicates --dismissed");
        assert_eq!(dismissed[0]["persons"], pair, "{at}: {dismissed}");
        assert_eq!(dismissed[0]["reason"], "父女", "{at}");
        d.reindex_check();
    }
    assert!(b.ok("duplicates --dismissed").contains("父女同名"));

    // Undone on the other grid worker's device.
    b.ok(&format!("person dismiss-duplicate {x} {y} --undo"));
    for d in [&b, &a, &t] {
        d.sync();
    }
    for d in [&a.data, &b.data, &t.data, &w.relay] {
        assert!(listed_pairs(d).contains(&pair), "{}", d.path().display());
        assert_eq!(d.json("duplicates --dismissed"), serde_json::json!([]));
    }
    let out = b.run(&format!("person dismiss-duplicate {x} {y} --undo"));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有被标记"));
}

/// A pair across two villages, dismissed by the township: through the relay, what each
/// village's grid worker and a second township device list. A grid worker's device holds its
/// own village's ledger only, so it never lists a pair across villages (dismissed or not); the
/// township's devices, which hold both ledgers, list it until it is dismissed and not after.
#[test]
fn a_pair_across_villages_dismissed_by_the_township_on_two_village_devices() {
    let w = World::new(2, 4);
    let (va, vb) = (&w.villages[0], &w.villages[1]);
    let a = w.device("grid-worker", Some(va), "甲村手机");
    let b = w.device("grid-worker", Some(vb), "乙村手机");
    let t = w.device("township", None, "乡镇电脑");
    let t2 = w.device("township", None, "乡镇平板");
    let (_, x) = w.household_of(va, 0);
    let (_, z) = w.household_of(vb, 0);
    t.ok(&format!("person set {x} name=跨村同名 phone=13700004444"));
    t.ok(&format!("person set {z} name=跨村同名 phone=13700004444"));
    for d in [&t, &a, &b, &t2] {
        d.sync();
    }
    let pair = if x < z {
        serde_json::json!([x, z])
    } else {
        serde_json::json!([z, x])
    };
    for d in [&t.data, &t2.data] {
        assert!(listed_pairs(d).contains(&pair), "{}", d.path().display());
    }
    // Each village's device holds one of the two persons only and lists no pair with the
    // other village's person.
    assert!(!a.doc_ids().contains(&ledger(vb)));
    assert!(!b.doc_ids().contains(&ledger(va)));
    let apart = || {
        for (d, other) in [(&a, &z), (&b, &x)] {
            let listed = listed_pairs(d);
            assert!(
                !listed
                    .iter()
                    .any(|p| p.to_string().contains(other.as_str())),
                "{listed:?}"
            );
            d.reindex_check();
        }
    };
    apart();
    // A grid worker's device cannot dismiss it: it is not its village's alone.
    let out = a.run(&format!("person dismiss-duplicate {x} {z}"));
    assert_ne!(out.status.code(), Some(0));

    t.ok(&format!("person dismiss-duplicate {z} {x} --reason 不同人"));
    for d in [&t, &a, &b, &t2] {
        let stats = d.sync();
        assert!(refused(&stats).is_empty(), "{stats}");
    }
    for d in [&t.data, &t2.data, &w.relay] {
        let at = d.path().display().to_string();
        assert!(!listed_pairs(d).contains(&pair), "{at}");
        assert_eq!(d.json("duplicates --dismissed")[0]["persons"], pair, "{at}");
        d.reindex_check();
    }
    apart();
}
