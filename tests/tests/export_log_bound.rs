//! A device's log of exports, printouts and reveals is bounded when written: the entry that
//! takes it past `MAX_ENTRIES` removes the oldest in the same change, the relay accepts that
//! change (and only such a removal), and the township then reads `MAX_ENTRIES` entries of
//! that device, the newest.

use chrono::{Duration, NaiveDate};
use gridbook_store::{ExportRecord, Store, MAX_LOG_ENTRIES};
use gridbook_tests::township::{refused, Township};
use gridbook_tests::{array, str_of};

/// Appends entries `from..to` to the log of the device in `dir`, one second apart, each
/// naming its number in its file name.
fn export(dir: &std::path::Path, from: usize, to: usize) {
    let store = Store::open(dir).expect("device store");
    let t0 = NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("time");
    for i in from..to {
        store.set_now(Some(t0 + Duration::seconds(i as i64)));
        store
            .record_export(&ExportRecord {
                kind: "ledger".into(),
                format: "xlsx".into(),
                rows: 1,
                path: format!("台账{i}.xlsx"),
                ..ExportRecord::default()
            })
            .expect("an export recorded");
    }
}

#[test]
fn a_full_log_drops_its_oldest_entries_and_the_relay_accepts_it() {
    let w = Township::demo("--villages 1 --households 2 --seed 9");
    let worker = w.device("grid-worker", Some(&w.villages[0]), "网格员");
    let town = w.device("township", None, "乡镇");

    // A full log reaches the relay as it is.
    export(worker.data.path(), 0, MAX_LOG_ENTRIES);
    let stats = worker.data.sync();
    assert!(refused(&stats).is_empty(), "{stats}");

    // Two more: the two oldest go, in the changes that add them; the relay keeps those changes.
    export(worker.data.path(), MAX_LOG_ENTRIES, MAX_LOG_ENTRIES + 2);
    let stats = worker.data.sync();
    assert!(refused(&stats).is_empty(), "{stats}");

    let files = |log: &serde_json::Value| -> Vec<String> {
        array(log)
            .iter()
            .filter(|e| e["device_id"] == worker.id.as_str())
            .map(|e| str_of(e, "path").to_owned())
            .collect()
    };
    let own = worker.data.json("export-log --limit 10000");
    let own = files(&own);
    assert_eq!(own.len(), MAX_LOG_ENTRIES);
    town.data.sync();
    let seen = town.data.json("export-log --limit 10000");
    let seen = files(&seen);
    assert_eq!(
        seen.len(),
        MAX_LOG_ENTRIES,
        "the township reads the bounded log"
    );
    for gone in ["台账0.xlsx", "台账1.xlsx"] {
        assert!(!seen.iter().any(|f| f == gone), "{gone} pruned");
    }
    for kept in [
        "台账2.xlsx".to_owned(),
        format!("台账{}.xlsx", MAX_LOG_ENTRIES + 1),
    ] {
        assert!(seen.contains(&kept), "{kept} kept");
    }
    town.data.reindex_check();
}
