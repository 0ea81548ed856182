//! Edits of different fields merge; the same field set twice is a conflict every device sees
//! until someone resolves it.

use super::*;

/// 1. Two grid workers of one village edit different fields of one person offline: after
///    syncs in the order A, B, A both devices (and the relay) have both edits, no conflicts.
#[test]
fn edits_of_different_fields_merge_without_conflict() {
    let w = World::new(2, 20);
    let village = &w.villages[0];
    let a = w.device("grid-worker", Some(village), "网格员甲");
    let b = w.device("grid-worker", Some(village), "网格员乙");
    let (_, person) = w.household_of(village, 0);

    a.ok(&format!("person set {person} phone=13900001111"));
    b.ok(&format!("person set {person} address=清水村五组8号"));

    let first = a.sync();
    assert_sync_shape(&first);
    assert!(first["rounds"].as_u64() >= Some(1), "{first}");
    assert!(
        first["docs_sent"].as_u64() >= Some(1),
        "A sent its edit: {first}"
    );
    assert!(first["bytes_sent"].as_u64() > Some(0), "{first}");
    assert!(refused(&first).is_empty(), "{first}");
    let second = b.sync();
    assert_sync_shape(&second);
    assert_eq!(second["docs_received"], 1, "B received A's edit: {second}");
    let third = a.sync();
    assert_eq!(third["docs_received"], 1, "A received B's edit: {third}");

    for (who, d) in [("A", &a.data), ("B", &b.data), ("relay", &w.relay)] {
        let p = d.person(&person);
        assert_eq!(p["phone"], "13900001111", "{who}: {p}");
        assert_eq!(p["address"], "清水村五组8号", "{who}: {p}");
        assert_eq!(d.conflicts(), serde_json::json!([]), "{who}");
    }
    assert_eq!(a.shared_heads(), b.shared_heads());
    assert_eq!(
        a.heads()[&ledger(village)],
        w.relay.heads()[&ledger(village)]
    );

    // Reading the person whole (`person show`) recorded reveals in A's log: they go up first.
    let log = a.sync();
    assert_eq!(log["docs_sent"], 1, "{log}");
    assert!(log["refused"].as_array().is_none_or(Vec::is_empty), "{log}");
    // Nothing changed: one round trip, nothing received.
    let idle = a.sync();
    assert_eq!(idle["rounds"], 1, "{idle}");
    assert_eq!(idle["docs_received"], 0, "{idle}");
}

/// 2. The same field set differently on two devices: both devices show the conflict with both
///    values; one resolves it; after syncs both have the picked value and no conflict, and the
///    history names both devices and the resolution.
#[test]
fn same_field_conflict_shows_on_both_devices_until_resolved() {
    let w = World::new(2, 20);
    let village = &w.villages[0];
    let a = w.device("grid-worker", Some(village), "网格员甲");
    let b = w.device("grid-worker", Some(village), "网格员乙");
    let (_, person) = w.household_of(village, 1);
    let (va, vb) = ("13900002222", "13700003333");

    a.ok(&format!("person set {person} phone={va}"));
    b.ok(&format!("person set {person} phone={vb}"));
    a.sync();
    b.sync();
    a.sync();

    for (who, d) in [("A", &a.data), ("B", &b.data)] {
        let c = d.conflicts();
        let row = array(&c)
            .iter()
            .find(|r| r["record_id"] == person.as_str() && r["field"] == "phone")
            .unwrap_or_else(|| panic!("{who}: no phone conflict in {c}"));
        let values: BTreeSet<&str> = array(&row["values"])
            .iter()
            .map(|v| v.as_str().expect("phone"))
            .collect();
        assert_eq!(values, BTreeSet::from([va, vb]), "{who}: {row}");
        assert_eq!(array(&c).len(), 1, "{who}: {c}");
    }

    b.ok(&format!("resolve {person} phone {va}"));
    b.sync();
    a.sync();
    for (who, d) in [("A", &a.data), ("B", &b.data), ("relay", &w.relay)] {
        assert_eq!(d.conflicts(), serde_json::json!([]), "{who}");
        assert_eq!(d.person(&person)["phone"], va, "{who}");
    }
    assert_eq!(a.shared_heads(), b.shared_heads());

    for (who, d) in [("A", &a.data), ("B", &b.data)] {
        let h = d.json(&format!("history {person}"));
        let phone: Vec<&Value> = array(&h).iter().filter(|e| e["field"] == "phone").collect();
        let by = |device: &str, what: &str, new: &str| {
            phone
                .iter()
                .any(|e| e["device"] == device && e["what"] == what && e["new"] == new)
        };
        assert!(by("网格员甲", "edit", va), "{who}: A's edit missing in {h}");
        assert!(by("网格员乙", "edit", vb), "{who}: B's edit missing in {h}");
        assert!(
            by("网格员乙", "resolve", va),
            "{who}: B's resolve missing in {h}"
        );
    }
}
