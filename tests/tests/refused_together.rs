//! One edit across documents, refused by the relay (a real relay on 127.0.0.1, `gridbook
//! relay serve` in a child process): a case started on a device whose role at the relay no
//! longer lets it keep isolation cases writes the village's isolation document and its control
//! list in one local commit; the relay refuses both. Discarding either brings both back to the
//! relay's version together: no control record of a case that is gone, nothing unsynced, the
//! next sync refused nothing, projections equal to a rebuild.
//!
//! A merge of two persons of two villages is one local commit across both ledgers too: a
//! township device demoted at the relay to a grid worker of village A merges a person of A
//! into one of B (filling in B's missing phone). The relay refuses B's ledger (out of scope)
//! and A's (the merge names a person of a ledger the device may not write); discarding either
//! brings both back. Merged the other way round, the relay keeps A's half (the phone filled
//! in) and refuses B's (the link): discarding B brings B back, A keeps what the relay holds.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use gridbook_store::{builtin_policy_id, NewCase, NewHousehold, NewPerson, Place, Store};
use gridbook_sync::{client, refusals};
use gridbook_tests::mainland_id;
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;

#[test]
fn discarding_a_refused_case_discards_its_control_record_with_it() {
    let w = Township::demo("--villages 2 --households 4 --seed 7");
    let a = &w.villages[0];
    // A checkpoint volunteer of village A at the relay; the device still takes itself for
    // A's grid worker (its role changed while it was offline).
    let added = w.add_device("volunteer", Some(a), "甲村卡口");
    let data = Data::new();
    data.ok(&format!(
        "enroll --relay {} --token {}",
        w.server.url, added.token
    ));
    let device = Store::open(data.path()).unwrap();
    assert!(client::sync(&device).unwrap().refused.is_empty());
    device.set_setting("role", "grid-worker").unwrap();
    let (care, control) = (format!("care:{a}"), format!("control:{a}"));
    let both = |s: &Store| -> BTreeMap<String, String> {
        s.doc_heads()
            .unwrap()
            .into_iter()
            .filter(|(d, _)| *d == care || *d == control)
            .collect()
    };
    let before = both(&device);
    let person = device
        .households(Some(a))
        .unwrap()
        .iter()
        .flat_map(|h| device.household(&h.id).unwrap().residents)
        .find(|p| p.id_number.len() == 18)
        .expect("a resident of A with an ID number")
        .id;
    let case = device
        .start_case(&NewCase {
            person_id: person,
            policy: builtin_policy_id("home-isolation"),
            start: chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            place: Place::Home,
            site: None,
            origin: None,
            reason: None,
            team: Vec::new(),
        })
        .unwrap();
    let after = both(&device);
    for d in [&care, &control] {
        assert_ne!(after.get(d), before.get(d), "the case wrote {d}");
    }

    let stats = client::sync(&device).unwrap();
    let mut refused: Vec<&str> = stats.refused.iter().map(|(d, _)| d.as_str()).collect();
    refused.sort_unstable();
    assert_eq!(refused, [care.as_str(), control.as_str()], "{stats:?}");
    assert_eq!(refusals::list(&device).unwrap().len(), 2);
    let peer = format!("relay:{}", device.setting("relay_id").unwrap().unwrap());
    assert_eq!(
        device.edited_together(&care, &peer).unwrap(),
        [care.clone(), control.clone()]
    );
    assert_eq!(
        device.edited_together(&control, &peer).unwrap(),
        [control.clone(), care.clone()]
    );

    // Discarding the case discards its control record with it.
    assert_eq!(refusals::discard(&device, &care).unwrap(), 2);
    assert_eq!(both(&device), before, "the relay's versions");
    assert_eq!(device.unsynced().unwrap(), 0);
    assert!(refusals::list(&device).unwrap().is_empty());
    assert!(
        device.cases(None).unwrap().is_empty(),
        "case {case} is gone"
    );
    assert!(device.reindex(true).unwrap().equal);
    let stats = client::sync(&device).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    assert_eq!(
        device.setting("role").unwrap().as_deref(),
        Some("volunteer")
    );
}

/// A household of `village` whose head has `phone`; returns the head's person id.
fn head(store: &Store, village: &str, n: u64, phone: Option<&str>) -> String {
    store
        .add_household(&NewHousehold {
            village_id: village.to_owned(),
            address: format!("二组{n}号"),
            head: NewPerson {
                name: "合并测试".into(),
                id_number: mainland_id(700 + n),
                phone: phone.map(str::to_owned),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
        .1
}

/// The heads `store` holds of `docs`, and those the relay of `w` holds, in the same form.
fn heads_of(store: &Store, w: &Township, docs: &[&str]) -> (Vec<String>, Vec<String>) {
    let mine = store.doc_heads().unwrap();
    let relay = w.relay.heads();
    docs.iter()
        .map(|d| {
            let m = mine.iter().find(|(id, _)| id == d).unwrap().1.clone();
            let mut r = relay[*d].clone();
            r.sort();
            (m, r.join(","))
        })
        .unzip()
}

#[test]
fn discarding_a_refused_merge_across_villages_brings_both_villages_back() {
    let w = Township::demo("--villages 2 --households 4 --seed 7");
    let (a, b) = (&w.villages[0], &w.villages[1]);
    let added = w.add_device("township", None, "乡镇电脑");
    let data = Data::new();
    data.ok(&format!(
        "enroll --relay {} --token {}",
        w.server.url, added.token
    ));
    let device = Store::open(data.path()).unwrap();
    assert!(client::sync(&device).unwrap().refused.is_empty());
    // Two pairs of persons, one of each in A and in B, one of each pair without a phone.
    let (a1, b1) = (
        head(&device, a, 1, Some("13800000001")),
        head(&device, b, 2, None),
    );
    let (a2, b2) = (
        head(&device, a, 3, None),
        head(&device, b, 4, Some("13800000004")),
    );
    let stats = client::sync(&device).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    assert_eq!(device.unsynced().unwrap(), 0);

    // The township makes the device a grid worker of A at the relay; the device, offline,
    // still takes itself for the township's.
    let relay_db = rusqlite::Connection::open(w.relay.path().join("relay.sqlite")).unwrap();
    let changed = relay_db
        .execute(
            "UPDATE devices SET role = 'grid-worker', scope = ?2 WHERE device_id = ?1",
            [added.id.as_str(), format!("village:{a}").as_str()],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let (ledger_a, ledger_b) = (format!("ledger:{a}"), format!("ledger:{b}"));
    let ledgers = [ledger_a.as_str(), ledger_b.as_str()];
    let (before, relay_before) = heads_of(&device, &w, &ledgers);
    assert_eq!(before, relay_before);

    // A1 merged into B1, B1 taking A1's phone: B's ledger gets the phone, A's the link, in
    // one local commit.
    device.merge_person(&a1, &b1, &["phone".into()]).unwrap();
    assert_eq!(
        device.person(&a1).unwrap().merged_into.as_deref(),
        Some(b1.as_str())
    );
    assert_eq!(
        device.person(&b1).unwrap().phone.as_deref(),
        Some("13800000001")
    );
    let (after, _) = heads_of(&device, &w, &ledgers);
    assert!(
        after[0] != before[0] && after[1] != before[1],
        "both ledgers written"
    );
    let peer = format!("relay:{}", device.setting("relay_id").unwrap().unwrap());

    let stats = client::sync(&device).unwrap();
    let mut refused: Vec<&str> = stats.refused.iter().map(|(d, _)| d.as_str()).collect();
    refused.sort_unstable();
    assert_eq!(refused, ledgers, "{stats:?}");
    assert_eq!(
        device.setting("role").unwrap().as_deref(),
        Some("grid-worker")
    );
    assert_eq!(
        device.edited_together(&ledger_b, &peer).unwrap(),
        [ledger_b.clone(), ledger_a.clone()]
    );
    assert_eq!(refusals::discard(&device, &ledger_b).unwrap(), 2);
    let (back, relay_now) = heads_of(&device, &w, &ledgers);
    assert_eq!(back, before, "both villages back to the relay's versions");
    assert_eq!(
        relay_now, relay_before,
        "the relay kept nothing of the merge"
    );
    assert_eq!(device.person(&a1).unwrap().merged_into, None);
    assert_eq!(device.person(&b1).unwrap().phone, None);
    assert_eq!(device.unsynced().unwrap(), 0);
    assert!(refusals::list(&device).unwrap().is_empty());
    assert!(device.reindex(true).unwrap().equal);
    // Before it syncs again, B2 merged into A2, A2 taking B2's phone: A's half (the phone, an
    // edit of A's ledger that names nobody) is one the relay keeps, B's (the link) it refuses.
    // What the relay kept stays: discarding B brings B back alone, A keeps the phone as the
    // relay does.
    device.set_setting("role", "township").unwrap();
    device.set_setting("village_id", "").unwrap();
    device.merge_person(&b2, &a2, &["phone".into()]).unwrap();
    let stats = client::sync(&device).unwrap();
    let refused: Vec<&str> = stats.refused.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(refused, [ledger_b.as_str()], "{stats:?}");
    assert_eq!(
        device.edited_together(&ledger_b, &peer).unwrap(),
        std::slice::from_ref(&ledger_b)
    );
    assert_eq!(refusals::discard(&device, &ledger_b).unwrap(), 1);
    let (mine, relay_now) = heads_of(&device, &w, &ledgers);
    assert_eq!(mine, relay_now, "the device holds what the relay holds");
    assert_eq!(mine[1], before[1], "B as it was");
    assert_ne!(mine[0], before[0], "A with the phone the relay kept");
    assert_eq!(device.person(&b2).unwrap().merged_into, None);
    assert_eq!(
        device.person(&a2).unwrap().phone.as_deref(),
        Some("13800000004")
    );
    assert_eq!(device.unsynced().unwrap(), 0);
    assert!(device.reindex(true).unwrap().equal);

    // Synced again, the device keeps nothing its scope (a grid worker of A) may not read: B's
    // ledger, held from its township days, goes with its persons.
    let stats = client::sync(&device).unwrap();
    assert!(stats.refused.is_empty(), "{:?}", stats.refused);
    assert!(refusals::list(&device).unwrap().is_empty());
    let held: Vec<String> = device
        .doc_heads()
        .unwrap()
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    assert!(held.contains(&ledger_a), "{held:?}");
    assert!(!held.contains(&ledger_b), "{held:?}");
    assert!(device.person(&b2).is_err());
    assert_eq!(
        device.person(&a2).unwrap().phone.as_deref(),
        Some("13800000004")
    );
    assert!(device.reindex(true).unwrap().equal);
}
