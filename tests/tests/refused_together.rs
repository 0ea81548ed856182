//! One edit across documents, refused by the relay (a real relay on 127.0.0.1, `gridbook
//! relay serve` in a child process): a case started on a device whose role at the relay no
//! longer lets it keep isolation cases writes the village's isolation document and its control
//! list in one local commit; the relay refuses both. Discarding either brings both back to the
//! relay's version together: no control record of a case that is gone, nothing unsynced, the
//! next sync refused nothing, projections equal to a rebuild.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use gridbook_store::{builtin_policy_id, NewCase, Place, Store};
use gridbook_sync::{client, refusals};
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
