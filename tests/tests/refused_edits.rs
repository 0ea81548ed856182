//! The device knows its role and scope: a real relay on 127.0.0.1
//! (`gridbook relay serve` in a child process) and devices enrolled with it.
//!
//! - A device refuses, with a Chinese message and writing nothing, what its relay would
//!   refuse: a volunteer editing the township's decision rules, a grid worker adding a
//!   household in another village.
//! - An edit the relay refuses all the same (the device's role or village changed after it
//!   made it) is listed with the record and the reason in Chinese; discarding it brings the
//!   document back to the relay's version, the device has nothing unsynced, its next sync
//!   is refused nothing, its projections equal a rebuild, and the role it holds is the
//!   relay's again.

#![allow(clippy::unwrap_used)]

use gridbook_store::{NewHousehold, NewPerson, Store};
use gridbook_sync::{client, refusals};
use gridbook_tests::mainland_id;
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;

/// A device enrolled with `role` in `village`, synced once, opened in this process.
fn device(w: &Township, role: &str, village: &str, name: &str) -> (Data, Store) {
    let added = w.add_device(role, Some(village), name);
    let data = Data::new();
    data.ok(&format!(
        "enroll --relay {} --token {}",
        w.server.url, added.token
    ));
    let store = Store::open(data.path()).expect("open the device's store");
    let stats = client::sync(&store).expect("first sync");
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    (data, store)
}

fn household(village: &str, n: u64) -> NewHousehold {
    NewHousehold {
        village_id: village.to_owned(),
        address: format!("一组{n}号"),
        head: NewPerson {
            name: "测试户主".into(),
            id_number: mainland_id(900 + n),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn a_device_refuses_what_its_role_cannot_do_and_writes_nothing() {
    let w = Township::demo("--villages 2 --households 4 --seed 7");
    let (a, b) = (&w.villages[0], &w.villages[1]);
    let (_vd, volunteer) = device(&w, "volunteer", a, "甲村卡口");
    let heads = volunteer.doc_heads().unwrap();
    let mut rules = volunteer.rules().unwrap();
    rules.fever_tenths = 380;
    let e = volunteer.set_rules(&rules).unwrap_err();
    assert_eq!(e.kind(), "refused");
    assert!(e.messages().0.contains("卡口志愿者"), "{}", e.messages().0);
    assert_eq!(volunteer.rules().unwrap().fever_tenths, 373);
    let e = volunteer.add_household(&household(a, 1)).unwrap_err();
    assert!(e.messages().0.contains("户籍台账"), "{}", e.messages().0);

    let (_gd, worker) = device(&w, "grid-worker", a, "甲村网格员");
    let e = worker.add_household(&household(b, 2)).unwrap_err();
    assert!(e.messages().0.contains("其他村"), "{}", e.messages().0);
    worker.add_household(&household(a, 3)).unwrap();
    assert_eq!(worker.unsynced().unwrap(), 1);
    // Nothing of the refused writes was made: the one good household syncs, nothing refused.
    assert_eq!(volunteer.doc_heads().unwrap(), heads);
    assert_eq!(volunteer.unsynced().unwrap(), 0);
    let stats = client::sync(&worker).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    assert_eq!(worker.unsynced().unwrap(), 0);
}

#[test]
fn an_edit_the_relay_refuses_is_shown_and_can_be_discarded() {
    let w = Township::demo("--villages 2 --households 4 --seed 7");
    let (a, b) = (&w.villages[0], &w.villages[1]);
    let (_vd, volunteer) = device(&w, "volunteer", a, "甲村卡口");
    let grid = volunteer
        .doc_heads()
        .unwrap()
        .into_iter()
        .find(|(d, _)| d.starts_with("grid:"))
        .map(|(d, _)| d)
        .unwrap();
    // The device still believes it is the township's (its role changed at the relay since):
    // it lets its user edit the decision rules.
    volunteer.set_setting("role", "township").unwrap();
    volunteer.set_setting("village_id", "").unwrap();
    let mut rules = volunteer.rules().unwrap();
    rules.fever_tenths = 380;
    volunteer.set_rules(&rules).unwrap();
    assert_eq!(volunteer.unsynced().unwrap(), 1);

    let stats = client::sync(&volunteer).unwrap();
    assert_eq!(stats.refused.len(), 1, "{:?}", stats.refused);
    assert_eq!(stats.refused[0].0, grid);
    // The relay's answer set the role back: the device refuses such an edit itself now.
    assert_eq!(
        volunteer.setting("role").unwrap().as_deref(),
        Some("volunteer")
    );
    assert_eq!(
        volunteer.setting("village_id").unwrap().as_deref(),
        Some(a.as_str())
    );
    assert!(volunteer.set_rules(&rules).is_err());
    assert_eq!(volunteer.unsynced().unwrap(), 1, "still unsynced: refused");

    let listed = refusals::list(&volunteer).unwrap();
    assert_eq!(listed.len(), 1);
    let r = &listed[0];
    assert_eq!(r.pending.doc_id, grid);
    assert!(r.what.contains("决策规则"), "{}", r.what);
    assert!(r.reason.contains("只能查看"), "{}", r.reason);
    assert_eq!(r.role.as_deref(), Some("卡口志愿者"));
    assert_eq!(r.pending.changes, 1);
    assert!(!r.pending.whole_document);
    assert_eq!(r.pending.records.len(), 1, "{:?}", r.pending.records);
    assert_eq!(r.pending.records[0].kind, "rules");
    // The demo township keeps the default rules: the refused edit made the record.
    assert!(r.pending.records[0].created);
    assert!(
        r.reason.chars().all(|c| !c.is_ascii_alphabetic()),
        "{}",
        r.reason
    );

    // Only a refused document can be discarded.
    assert!(refusals::discard(&volunteer, &format!("ledger:{a}")).is_err());
    assert_eq!(refusals::discard(&volunteer, &grid).unwrap(), 1);
    assert_eq!(volunteer.unsynced().unwrap(), 0);
    assert_eq!(
        volunteer.rules().unwrap().fever_tenths,
        373,
        "the relay's rules"
    );
    assert!(refusals::list(&volunteer).unwrap().is_empty());
    assert!(volunteer.reindex(true).unwrap().equal);
    let stats = client::sync(&volunteer).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    assert_eq!(volunteer.unsynced().unwrap(), 0);
    // The device and the relay hold the same grid document again.
    let relay_heads = w.relay.heads();
    let mine = volunteer.doc_heads().unwrap();
    let mine_grid = mine.iter().find(|(d, _)| *d == grid).unwrap();
    let mut relay_grid = relay_heads[&grid].clone();
    relay_grid.sort();
    assert_eq!(mine_grid.1, relay_grid.join(","));

    // A grid worker moved from village B to A made a household in B meanwhile: the relay
    // holds nothing of that document for it, which goes whole.
    let (_gd, worker) = device(&w, "grid-worker", a, "甲村网格员");
    worker.set_setting("village_id", b).unwrap();
    let (hh, _) = worker.add_household(&household(b, 5)).unwrap();
    let stats = client::sync(&worker).unwrap();
    let ledger_b = format!("ledger:{b}");
    assert_eq!(stats.refused.len(), 1, "{:?}", stats.refused);
    let listed = refusals::list(&worker).unwrap();
    assert_eq!(listed.len(), 1);
    let r = &listed[0];
    assert_eq!(r.pending.doc_id, ledger_b);
    assert!(r.reason.contains("超出本机的范围"), "{}", r.reason);
    assert!(r.pending.whole_document);
    let created: Vec<_> = r.pending.records.iter().filter(|x| x.created).collect();
    assert!(
        created.iter().any(|x| x.id == hh && x.label == "一组5号"),
        "{:?}",
        r.pending.records
    );
    refusals::discard(&worker, &ledger_b).unwrap();
    assert_eq!(worker.unsynced().unwrap(), 0);
    assert!(worker.household(&hh).is_err(), "the household is gone");
    assert!(!worker
        .doc_heads()
        .unwrap()
        .iter()
        .any(|(d, _)| *d == ledger_b));
    assert!(worker.reindex(true).unwrap().equal);
    let stats = client::sync(&worker).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    // The relay never had it, and other devices keep syncing.
    assert!(!w
        .relay
        .ok(&format!("household list --village {b}"))
        .contains(&hh));
    assert!(client::sync(&volunteer).unwrap().refused.is_empty());
}
