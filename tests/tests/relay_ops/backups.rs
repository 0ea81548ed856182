//! Backups taken while devices sync restore consistently; a relay whose data is lost is rebuilt
//! from a township device and loses nothing any device had.

use super::*;

/// Each document's heads, read from the store in-process.
fn store_heads(dir: &Path) -> BTreeMap<String, String> {
    Store::open(dir)
        .expect("open")
        .doc_heads()
        .expect("heads")
        .into_iter()
        .collect()
}

/// Backups while devices sync in a loop, restored: projections equal a rebuild, every
/// document holds only changes the source holds; a backup with the writers stopped has the
/// source's heads exactly and its devices' tokens still work.
#[test]
fn backups_taken_while_serving_restore_consistently() {
    let w = World::new(2, 30);
    let devices: Vec<Device> = (0..2)
        .map(|i| w.device("grid-worker", Some(&w.villages[i]), &format!("网格员{i}")))
        .collect();
    let people: Vec<String> = w
        .villages
        .iter()
        .map(|v| {
            let list = w.relay.json(&format!("household list --village {v}"));
            str_of(&array(&list)[0], "head_person_id").to_owned()
        })
        .collect();
    let backups = tempfile::tempdir().expect("backups");
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = devices
        .iter()
        .zip(&people)
        .map(|(d, person)| {
            let (dir, person, stop) = (d.path().to_owned(), person.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let run = |args: &[&str]| {
                        Command::new(gridbook_tests::gridbook_bin())
                            .arg("--data")
                            .arg(&dir)
                            .args(args)
                            .output()
                            .expect("gridbook")
                    };
                    let out = run(&["person", "set", &person, &format!("address=第{i}号")]);
                    assert!(out.status.success(), "{out:?}");
                    let out = run(&["--json", "sync"]);
                    assert!(out.status.success(), "{out:?}");
                }
                i
            })
        })
        .collect();
    // Under load: wait until the writers have synced a few times, then back up twice.
    std::thread::sleep(Duration::from_secs(3));
    let mut loaded = Vec::new();
    for k in 0..2 {
        let out = backups.path().join(format!("load-{k}.sqlite"));
        let r = w
            .relay
            .json(&format!("relay backup --out {}", out.display()));
        assert!(n(&r, "documents") > 0, "{r}");
        assert_eq!(n(&r, "devices"), 2, "{r}");
        loaded.push(out);
        std::thread::sleep(Duration::from_millis(700));
    }
    stop.store(true, Ordering::Relaxed);
    for t in writers {
        let edits = t.join().expect("writer");
        assert!(edits >= 2, "the writers kept writing during the backups");
    }

    // Quiet: the backup equals the source.
    let quiet = backups.path().join("quiet.sqlite");
    w.relay
        .json(&format!("relay backup --out {}", quiet.display()));
    let source_heads = store_heads(w.relay.path());
    let quiet_dir = Data::new();
    let r = quiet_dir.json(&format!("relay restore {}", quiet.display()));
    assert_eq!(n(&r, "devices"), 2, "{r}");
    quiet_dir.reindex_check();
    assert_eq!(store_heads(quiet_dir.path()), source_heads);

    // Under load: consistent, and nothing the source does not have.
    for b in &loaded {
        let dir = Data::new();
        dir.json(&format!("relay restore {}", b.display()));
        dir.reindex_check();
        let heads = store_heads(dir.path());
        assert!(!heads.is_empty());
        let got = Store::open(dir.path()).expect("restored");
        let scratch = Store::open(quiet_dir.path()).expect("quiet copy");
        for doc in heads.keys() {
            let bytes = got.export_doc(doc).expect("export");
            let new = scratch.merge_doc_bytes(doc, &bytes).expect("merge");
            assert!(
                !new,
                "{doc} of {} holds changes the source lacks",
                b.display()
            );
        }
    }
    assert_eq!(store_heads(quiet_dir.path()), source_heads);

    // Restoring over anything is refused (exit 2), the directory untouched.
    let out = w.relay.run(&format!("relay restore {}", quiet.display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    w.relay.reindex_check();

    // The restored relay serves the devices with their old tokens.
    let logs = tempfile::tempdir().expect("logs");
    let (server, _) = start(&quiet_dir, &logs.path().join("r.log"));
    let (status, _) = http_get(server.addr(), "/v1/hello", Some(&devices[0].token));
    assert_eq!(status, 200);

    // A backup older than the devices' last syncs: the devices, pointed at it with their old
    // tokens, send what it lacks, and it ends at the source's heads for their documents.
    let older = Data::new();
    older.json(&format!("relay restore {}", loaded[0].display()));
    let (older_server, _) = start(&older, &logs.path().join("older.log"));
    for d in &devices {
        d.json(&format!(
            "enroll --relay {} --token {}",
            older_server.url, d.token
        ));
        d.sync();
    }
    let (older_heads, source) = (older.heads(), w.relay.heads());
    for d in &devices {
        for (doc, h) in d.heads() {
            assert_eq!(older_heads.get(&doc), Some(&h), "{doc}");
            assert_eq!(source.get(&doc), Some(&h), "{doc}");
        }
    }
    older.reindex_check();
}

/// A relay whose data is lost is rebuilt from the township laptop; devices (some with edits
/// never synced) are enrolled again and sync: every edit of every device is on the new relay.
#[test]
fn a_lost_relay_is_rebuilt_from_a_township_device() {
    let mut w = World::new(2, 20);
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let laptop = w.device("township", None, "镇政府笔记本");
    let a = w.device("grid-worker", Some(&va), "甲村网格员");
    let b = w.device("grid-worker", Some(&vb), "乙村网格员");
    let head = |v: &str| {
        let list = w.relay.json(&format!("household list --village {v}"));
        str_of(&array(&list)[1], "head_person_id").to_owned()
    };
    let (pa, pb) = (head(&va), head(&vb));

    // Synced before the loss (and on the laptop); then edits nobody synced.
    a.ok(&format!("person set {pa} phone=13800000001"));
    a.sync();
    laptop.sync();
    a.ok(&format!("person set {pa} address=甲村新址一号"));
    b.ok(&format!("person set {pb} phone=13800000002"));
    let added = b.json(&format!(
        "household add --village {vb} --address 乙村三组 --head-name 诸葛亮亮 --head-id {}",
        mainland_id(9_123_456)
    ));
    let new_person = str_of(&added, "person_id").to_owned();
    laptop.ok(&format!("person set {pb} address=乙村镇上登记"));

    // The disk dies.
    w.server.kill();
    let enrolled = w.relay.json("relay device list");
    assert_eq!(array(&enrolled).len(), 3);
    std::fs::remove_dir_all(w.relay.path()).expect("remove the relay's data");
    std::fs::create_dir(w.relay.path()).expect("empty data directory");

    // Seeding refuses a village device, and a directory that is not empty (left untouched).
    let fresh = Data::new();
    let out = fresh.run(&format!("relay seed --from {}", a.path().display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let a_heads = a.heads();
    let out = a.run(&format!("relay seed --from {}", laptop.path().display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(a.heads(), a_heads);

    let seeded = w
        .relay
        .ok(&format!("relay seed --from {}", laptop.path().display()));
    assert!(
        seeded.contains("重新"),
        "the output says to enroll again: {seeded}"
    );
    w.relay.reindex_check();
    let (server, _) = start(&w.relay, &w.log_path());
    let url = server.url.clone();
    for (d, role, village, name) in [
        (&laptop, "township", None, "镇政府笔记本"),
        (&a, "grid-worker", Some(va.as_str()), "甲村网格员"),
        (&b, "grid-worker", Some(vb.as_str()), "乙村网格员"),
    ] {
        let token = w.add_device(role, village, name).token;
        d.json(&format!("enroll --relay {url} --token {token}"));
        d.sync();
    }
    for d in [&laptop, &a, &b] {
        d.sync();
    }

    let on_relay = |id: &str| w.relay.person(id);
    assert_eq!(on_relay(&pa)["phone"], "13800000001");
    assert_eq!(on_relay(&pa)["address"], "甲村新址一号");
    assert_eq!(on_relay(&pb)["phone"], "13800000002");
    assert_eq!(on_relay(&pb)["address"], "乙村镇上登记");
    assert_eq!(on_relay(&new_person)["name"], "诸葛亮亮");
    w.relay.reindex_check();
    // Every device ends with the relay's heads for every document it holds.
    let relay_heads = w.relay.heads();
    for (who, d) in [("laptop", &laptop), ("A", &a), ("B", &b)] {
        for (doc, h) in d.heads() {
            assert_eq!(relay_heads.get(&doc), Some(&h), "{who}: {doc}");
        }
    }
    assert_eq!(
        laptop.heads(),
        relay_heads,
        "the laptop holds the whole township"
    );
}
