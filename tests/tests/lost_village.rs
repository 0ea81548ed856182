//! A device that lost a village: a real relay on 127.0.0.1 (`gridbook relay serve` in a child
//! process) and devices enrolled with it, driven through the CLI.
//!
//! The township moves a grid worker's device from village A to village B (its scope changed
//! in the relay's registry). The first sync after that still lists A's documents: the relay
//! answers "out of scope" for each, and says the new scope. From then on the device no longer
//! offers them: the relay hears of none of them again (its log of every request says so), a
//! sync with nothing to send is one round trip again, B's documents keep syncing both ways,
//! and A's documents stay on the device. The edit it made in A before the move is not
//! dropped: it stays unsynced and is listed as a refused edit until it is discarded, after
//! which the device holds the relay's version and has nothing unsynced.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use gridbook_store::Store;
use gridbook_sync::offer::NOT_OFFERED;
use gridbook_sync::refusals;
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use gridbook_tests::{array, str_of};
use serde_json::Value;

/// The head of the `nth` household of `village` on the relay.
fn head_of(w: &Township, village: &str, nth: usize) -> String {
    let list = w.relay.json(&format!("household list --village {village}"));
    str_of(&array(&list)[nth], "head_person_id").to_owned()
}

/// The documents a `sync --json` lists as refused, with the reasons.
fn refusals_of(stats: &Value) -> Vec<(String, String)> {
    array(&stats["refused"])
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap_or_default().to_owned(),
                r[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The documents the relay answered "out of scope" for in the requests of device `id` its
/// log recorded after byte `from` (one line per request, with the refused documents).
fn out_of_scope_in_log(w: &Township, id: &str, from: usize) -> Vec<String> {
    let log = std::fs::read_to_string(w.logs.path().join("relay.log")).unwrap();
    let lines: Vec<&str> = log[from..]
        .lines()
        .filter(|l| l.contains("route=") && l.contains(id))
        .collect();
    assert!(!lines.is_empty(), "no request of {id} logged: {log}");
    lines
        .iter()
        .flat_map(|l| l.split([' ', ',', '"']))
        .filter_map(|f| f.strip_suffix("=out_of_scope"))
        .map(|d| d.trim_start_matches("refused=").to_owned())
        .collect()
}

/// The phone of person `id` as the store of device `d` holds it (no reveal: the truth the test
/// compares with).
fn phone_in(d: &Data, id: &str) -> Option<String> {
    Store::open(d.path())
        .expect("store")
        .person(id)
        .expect("person")
        .phone
}

fn log_len(w: &Township) -> usize {
    std::fs::metadata(w.logs.path().join("relay.log"))
        .map(|m| m.len() as usize)
        .unwrap_or(0)
}

#[test]
fn a_device_that_lost_a_village_stops_offering_its_documents_and_keeps_its_edits() {
    let w = Township::demo("--villages 2 --households 8 --seed 5");
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let (ledger_a, ledger_b) = (format!("ledger:{a}"), format!("ledger:{b}"));
    let moved = w.device("grid-worker", Some(&a), "调村网格员");
    let stays = w.device("grid-worker", Some(&b), "乙村网格员");
    let held_before: BTreeSet<String> = moved.doc_ids();
    assert!(held_before.contains(&ledger_a) && !held_before.contains(&ledger_b));

    // An edit in A, not synced yet; then the township moves the device to B.
    let pa = head_of(&w, &a, 0);
    let relay_phone_a = str_of(&w.relay.person(&pa), "phone").to_owned();
    moved.ok(&format!("person set {pa} phone=13511112222"));
    {
        let registry = rusqlite::Connection::open(w.relay.path().join("relay.sqlite")).unwrap();
        registry
            .busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        let n = registry
            .execute(
                "UPDATE devices SET scope = ?1 WHERE device_id = ?2",
                [format!("village:{b}"), moved.id.clone()],
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    // The first sync still lists A's documents: "out of scope" for each, and the device
    // learns its new village and receives B's ledger.
    let mark = log_len(&w);
    let first = moved.sync();
    let told = out_of_scope_in_log(&w, &moved.id, mark);
    assert!(told.contains(&ledger_a), "{told:?} {first}");
    // (Finished checkpoint days are listed, and refused, by month.)
    let out_of_scope: BTreeSet<&String> = held_before
        .iter()
        .filter(|d| d.contains(a.as_str()))
        .filter(|d| !d.starts_with("control:") && !d.starts_with("entries:"))
        .collect();
    assert!(
        out_of_scope.iter().all(|d| told.contains(d)),
        "every document of A the device held: {out_of_scope:?}, the relay refused {told:?}"
    );
    assert!(refusals_of(&first).iter().any(|(d, _)| *d == ledger_a));
    assert!(moved.doc_ids().contains(&ledger_b));

    // B's grid worker edits B; the moved device's next syncs name nothing of A.
    let pb = head_of(&w, &b, 0);
    stays.ok(&format!("person set {pb} phone=13633334444"));
    stays.sync();
    let mark = log_len(&w);
    let second = moved.sync();
    assert_eq!(
        out_of_scope_in_log(&w, &moved.id, mark),
        Vec::<String>::new(),
        "the relay still hears of A's documents: {second}"
    );
    // The edit in A is kept back, refused by the device itself: nothing else is refused.
    assert_eq!(
        refusals_of(&second),
        vec![(ledger_a.clone(), NOT_OFFERED.to_owned())],
        "{second}"
    );
    assert!(second["docs_received"].as_u64().unwrap() >= 1, "{second}");
    assert_eq!(moved.person(&pb)["phone"], "13633334444");

    // In-scope documents sync the other way too, and a quiet sync is one round trip.
    let pb2 = head_of(&w, &b, 1);
    moved.ok(&format!("person set {pb2} phone=13755556666"));
    let mark = log_len(&w);
    let third = moved.sync();
    assert_eq!(
        out_of_scope_in_log(&w, &moved.id, mark),
        Vec::<String>::new()
    );
    assert_eq!(w.relay.person(&pb2)["phone"], "13755556666", "{third}");
    let quiet = moved.sync();
    assert_eq!(quiet["rounds"], 1, "{quiet}");
    assert_eq!(quiet["docs_received"], 0, "{quiet}");

    // A's documents stay on the device, with the edit, which the relay never had.
    assert!(moved.doc_ids().is_superset(&held_before));
    // Read through the store: the device, now B's grid worker, shows A's persons masked.
    assert_eq!(phone_in(&moved, &pa).as_deref(), Some("13511112222"));
    assert_eq!(w.relay.person(&pa)["phone"], relay_phone_a.as_str());
    {
        let store = Store::open(moved.path()).unwrap();
        assert_eq!(
            store.unsynced().unwrap(),
            1,
            "the edit in A is still unsynced"
        );
        let listed = refusals::list(&store).unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        let r = &listed[0];
        assert_eq!(r.pending.doc_id, ledger_a);
        assert!(r.reason.contains("超出本机的范围"), "{}", r.reason);
        assert_eq!(r.pending.changes, 1);
        assert!(r.pending.records.iter().any(|x| x.id == pa && !x.created));
        // Discarded: the relay's version of A's ledger, nothing unsynced, nothing refused.
        assert_eq!(refusals::discard(&store, &ledger_a).unwrap(), 1);
        assert_eq!(store.unsynced().unwrap(), 0);
        assert!(refusals::list(&store).unwrap().is_empty());
        assert!(store.reindex(true).unwrap().equal);
    }
    assert_eq!(
        phone_in(&moved, &pa).as_deref(),
        Some(relay_phone_a.as_str())
    );
    assert_eq!(moved.heads()[&ledger_a], w.relay.heads()[&ledger_a]);
    let mark = log_len(&w);
    let last = moved.sync();
    assert!(refusals_of(&last).is_empty(), "{last}");
    assert_eq!(
        out_of_scope_in_log(&w, &moved.id, mark),
        Vec::<String>::new()
    );

    // Other devices keep syncing, and a new device of A starts without trouble.
    assert!(refusals_of(&stays.sync()).is_empty());
    let fresh = Data::new();
    let (_, stats) = w.enroll(&fresh, "grid-worker", Some(&a), "甲村新网格员");
    assert!(refusals_of(&stats).is_empty(), "{stats}");
    assert_eq!(fresh.person(&pa)["phone"], relay_phone_a.as_str());
}
