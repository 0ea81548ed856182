//! A report's genesis change is the same bytes on every device (its actor is derived from
//! the report id): the relay must not bind that actor to the first device that delivers it.
//! The actor is nobody's, and a grid worker who reports every day would otherwise run out of
//! the actors a device may have within a few days and have its reports refused.

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::report::Level;
use gridbook_store::{doc_id, reports_doc_id, DocKind, Received, Store};

/// Sends everything `device` has of `doc` to `relay` as device `peer`, the relay checking
/// what it keeps as it does for a real device. Returns the relay's refusal, if any.
fn push(relay: &Store, device: &Store, peer: &str, doc: &str) -> Option<String> {
    let check = |r: &Received<'_>| {
        r.check_records()?;
        r.check_authors()
    };
    device.sync_begin("relay");
    relay.sync_begin(peer);
    for _ in 0..16 {
        let mut said = false;
        if let Some(m) = device.sync_generate(doc, "relay", true).expect("message") {
            if let Err(e) = relay.sync_receive(doc, peer, &m, Some(&check)) {
                return Some(e.to_string());
            }
            said = true;
        }
        if let Some(m) = relay.sync_generate(doc, peer, true).expect("answer") {
            device.sync_receive(doc, "relay", &m, None).expect("device");
            said = true;
        }
        if !said {
            return None;
        }
    }
    panic!("{peer}: still exchanging after 16 rounds");
}

fn at(date: NaiveDate) -> Option<NaiveDateTime> {
    date.and_hms_opt(16, 0, 0)
}

#[test]
fn report_genesis_changes_bind_no_actor_on_the_relay() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let relay = Store::open(dirs[0].path()).unwrap();
    let (a, b) = (
        Store::open(dirs[1].path()).unwrap(),
        Store::open(dirs[2].path()).unwrap(),
    );
    let village = relay.add_village("东山村").unwrap();
    let group = relay.add_group(&village, "二组").unwrap();
    let township = relay.township_id().unwrap();
    let grid = doc_id(DocKind::Grid, &township);
    for d in [&a, &b] {
        d.set_setting("township_id", &township).unwrap();
        d.merge_doc_bytes(&grid, &relay.export_doc(&grid).unwrap())
            .unwrap();
    }
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    // Two devices report the same group on the same day: one genesis change, delivered by
    // both.
    for d in [&a, &b] {
        d.submit_report(Level::Group, &group, first, false, None, at(first))
            .unwrap();
    }
    let doc = reports_doc_id(&village, first);
    assert_eq!(push(&relay, &a, "a", &doc), None);
    assert_eq!(push(&relay, &b, "b", &doc), None, "the second reporter");
    assert_eq!(relay.device_actors("a").unwrap(), [a.actor()]);
    assert_eq!(relay.device_actors("b").unwrap(), [b.actor()]);
    // More days than a device may have actors (8): each day's genesis has an actor of its
    // own, and every report still reaches the relay.
    for day in 2..=12 {
        let date = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        a.submit_report(Level::Group, &group, date, true, None, at(date))
            .unwrap();
    }
    assert_eq!(push(&relay, &a, "a", &doc), None);
    assert_eq!(relay.device_actors("a").unwrap(), [a.actor()]);
    assert_eq!(relay.doc_heads().unwrap(), {
        let mut both = a.doc_heads().unwrap();
        both.retain(|(d, _)| *d == doc || *d == grid);
        both
    });
    assert!(relay.reindex(true).unwrap().equal);
}
