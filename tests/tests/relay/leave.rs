//! A device enrolled again for another village keeps nothing of the village it left, once
//! that is synced; while it holds changes the relay has not had, the enrollment is refused and
//! nothing changes.

use super::*;

#[test]
fn a_device_enrolled_for_another_village_drops_the_one_it_left_once_synced() {
    let w = World::new(2, 6);
    let (va, vb) = (&w.villages[0], &w.villages[1]);
    let a = w.device("grid-worker", Some(va), "流动网格员");
    let (_, pa) = w.household_of(va, 0);
    let (_, pb) = w.household_of(vb, 0);
    let name_a = str_of(&a.person(&pa), "name").to_owned();
    assert!(a.doc_ids().contains(&ledger(va)));

    // An edit of village A not yet synced: enrolling for B is refused, nothing changes.
    a.ok(&format!("person set {pa} phone=13911110000"));
    let added = w.add_device("grid-worker", Some(vb), "流动网格员乙");
    let out = a.run(&format!(
        "--json enroll --relay {} --token {}",
        w.server.url, added.token
    ));
    assert!(!out.status.success(), "refused while A's edit is unsynced");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"refused\"") && err.contains("未同步"),
        "{err}"
    );
    assert!(a.doc_ids().contains(&ledger(va)));
    assert_eq!(a.person(&pa)["phone"], "13911110000");

    // Synced, the enrollment for B goes through: A's ledger, persons and search terms go.
    a.sync();
    assert_eq!(w.relay.person(&pa)["phone"], "13911110000");
    let hello = a.json(&format!(
        "enroll --relay {} --token {}",
        w.server.url, added.token
    ));
    assert_eq!(hello["village_id"], vb.as_str(), "{hello}");
    let stats = a.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    let docs = a.doc_ids();
    assert!(!docs.contains(&ledger(va)), "{docs:?}");
    assert!(docs.contains(&ledger(vb)), "{docs:?}");
    assert_eq!(a.run(&format!("person show {pa}")).status.code(), Some(2));
    assert!(!array(&a.json(&format!("search {name_a}")))
        .iter()
        .any(|h| h["person_id"] == pa.as_str()));
    assert!(a.person(&pb)["name"].is_string());
    a.reindex_check();
}
