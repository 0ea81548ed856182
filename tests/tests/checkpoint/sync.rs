//! Two tablets offline end up with one list; a season of checkpoint days reconnects small.

use super::*;

fn record(dir: &std::path::Path, checkpoint: &str, n: usize, seed: u64) {
    let store = Store::open(dir).expect("open tablet store");
    let start = NaiveDateTime::parse_from_str(NOW, "%Y-%m-%dT%H:%M").expect("time");
    for i in 0..n {
        let input = EntryInput {
            // Both tablets use the same instants: the device and id must break the ties.
            at: start + Duration::seconds(i as i64 * 7),
            direction: if i % 2 == 0 { "in" } else { "out" }.to_owned(),
            name: "访客".to_owned(),
            id_number: mainland_id(seed * 10_000 + i as u64),
            temperature: "36.6".to_owned(),
            health_code: "green".to_owned(),
            ..EntryInput::default()
        };
        store
            .add_entry(&NewEntry {
                checkpoint: checkpoint.to_owned(),
                input,
                ..NewEntry::default()
            })
            .expect("add entry");
    }
}

#[test]
fn two_tablets_offline_then_one_list_everywhere() {
    let relay = Data::new();
    let village = str_of(&relay.json("village add --name 桂花村"), "id").to_owned();
    let checkpoint = str_of(
        &relay.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    let w = Township::serve(relay);
    let relay = &w.relay;
    let tablet = |name: &str| w.device("volunteer", Some(&village), name).data;
    let (a, b) = (tablet("平板甲"), tablet("平板乙"));
    record(a.path(), &checkpoint, 500, 1);
    record(b.path(), &checkpoint, 500, 2);
    a.sync();
    b.sync();
    a.sync();
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("day");
    let list = |d: &Data| -> Vec<String> {
        let v = d.json(&format!(
            "entry list --checkpoint {checkpoint} --date {day}"
        ));
        array(&v)
            .iter()
            .map(|e| str_of(e, "id").to_owned())
            .collect()
    };
    let (la, lb, lr) = (list(&a), list(&b), list(relay));
    assert_eq!(la.len(), 1000);
    assert_eq!(
        la.iter().collect::<BTreeSet<_>>().len(),
        1000,
        "duplicated entries"
    );
    assert_eq!(la, lb, "the tablets list the entries in different orders");
    assert_eq!(la, lr, "the relay lists the entries in another order");
    for d in [&a, &b, relay] {
        d.reindex_check();
    }
}

/// One entry a day at each checkpoint for `days` days ending on `NOW`'s day.
fn record_days(dir: &std::path::Path, checkpoints: &[String], days: i64, seed: u64) {
    let store = Store::open(dir).expect("open tablet store");
    let end = NaiveDateTime::parse_from_str(NOW, "%Y-%m-%dT%H:%M").expect("time");
    for d in 0..days {
        for (k, c) in checkpoints.iter().enumerate() {
            let input = EntryInput {
                at: end - Duration::days(days - 1 - d),
                direction: "in".to_owned(),
                name: "访客".to_owned(),
                id_number: mainland_id(seed * 100_000 + (d as u64) * 10 + k as u64),
                temperature: "36.5".to_owned(),
                health_code: "green".to_owned(),
                ..EntryInput::default()
            };
            store
                .add_entry(&NewEntry {
                    checkpoint: c.clone(),
                    input,
                    ..NewEntry::default()
                })
                .expect("add entry");
        }
    }
}

fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

#[test]
fn a_season_of_checkpoint_days_reconnects_small_and_late_entries_still_travel() {
    let relay = Data::new();
    let village = str_of(&relay.json("village add --name 桂花村"), "id").to_owned();
    let checkpoints: Vec<String> = ["村口卡点", "桥头卡点"]
        .iter()
        .map(|n| {
            let v = relay.json(&format!("checkpoint add --village {village} --name {n}"));
            str_of(&v, "id").to_owned()
        })
        .collect();
    let w = Township::serve(relay);
    let relay = &w.relay;
    let tablet = |name: &str| w.device("volunteer", Some(&village), name).data;

    // Sixty days at two checkpoints, recorded offline, then synced.
    let a = tablet("平板甲");
    record_days(a.path(), &checkpoints, 60, 1);
    a.sync();
    let entries_docs = |d: &Data| {
        d.doc_ids()
            .into_iter()
            .filter(|id| id.starts_with("entries:"))
            .count()
    };
    assert_eq!(entries_docs(relay), 120, "every day reached the relay");

    // Nothing changed: one round trip, and the request names the whole scope by one digest.
    let again = a.sync();
    assert_eq!(num(&again, "rounds"), 1, "{again}");
    assert_eq!(num(&again, "docs_received"), 0, "{again}");
    let sent = num(&again, "bytes_sent");
    assert!(sent < 64, "a reconnect sent {sent} bytes: {again}");

    // A new tablet gets the whole season.
    let b = tablet("平板乙");
    b.sync();
    assert_eq!(entries_docs(&b), 120);

    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("day");
    let add = |d: &Data, checkpoint: &str, on: NaiveDate, name: &str| {
        let store = Store::open(d.path()).expect("open store");
        let input = EntryInput {
            at: on.and_hms_opt(18, 30, 0).expect("time"),
            direction: "out".to_owned(),
            name: name.to_owned(),
            id_number: mainland_id(999_999),
            temperature: "36.8".to_owned(),
            health_code: "green".to_owned(),
            ..EntryInput::default()
        };
        store
            .add_entry(&NewEntry {
                checkpoint: checkpoint.to_owned(),
                input,
                ..NewEntry::default()
            })
            .expect("entry");
    };
    let on_day = |d: &Data, checkpoint: &str, on: NaiveDate| {
        let v = d.json(&format!("entry list --checkpoint {checkpoint} --date {on}"));
        array(&v).len()
    };

    // A late entry on a day long finished, made on B, reaches A. A has nothing to send: the
    // relay knows where it left A and answers A's first request with the day.
    let late = day - Duration::days(40);
    add(&b, &checkpoints[0], late, "补录");
    let pushed = b.sync();
    assert_eq!(
        num(&pushed, "rounds"),
        1,
        "B's late entry goes out at once: {pushed}"
    );
    let pulled = a.sync();
    assert_eq!(num(&pulled, "rounds"), 1, "{pulled}");
    assert_eq!(num(&pulled, "docs_received"), 1, "{pulled}");
    let counts =
        |c: &str, on: NaiveDate| (on_day(&a, c, on), on_day(&b, c, on), on_day(relay, c, on));
    assert_eq!(counts(&checkpoints[0], late), (2, 2, 2));

    // Another late entry, while A has an entry of its own to send: A lists its documents, the
    // finished days by month; the relay finds that month different, and A lists it one by one
    // in a second session.
    let later = day - Duration::days(50);
    add(&b, &checkpoints[1], later, "补录二");
    b.sync();
    add(&a, &checkpoints[0], day, "今日");
    let pulled = a.sync();
    assert!(num(&pulled, "rounds") >= 2, "{pulled}");
    assert_eq!(num(&pulled, "docs_received"), 1, "{pulled}");
    assert_eq!(counts(&checkpoints[1], later), (2, 2, 2));
    b.sync();
    assert_eq!(counts(&checkpoints[0], day), (2, 2, 2));

    let quiet = a.sync();
    assert_eq!(num(&quiet, "rounds"), 1, "{quiet}");
    assert_eq!(a.heads(), relay.heads());
    assert_eq!(b.heads(), relay.heads());
    for d in [&a, &b, relay] {
        d.reindex_check();
    }
}
