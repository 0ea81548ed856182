//! The app lock's idle time is the township's: set on a township device, it travels in the
//! grid document to every device, which reads it; bounds 1–60 minutes, 5 when none was set;
//! a device of another role may not set it.

use gridbook_store::{doc_id, DocKind, Store, LOCK_IDLE_DEFAULT};

#[test]
fn the_township_sets_the_idle_time_and_every_device_reads_it() {
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let township_device = Store::open(dirs[0].path()).unwrap();
    let village = township_device.add_village("东山村").unwrap();
    assert_eq!(
        township_device.lock_idle_minutes().unwrap(),
        LOCK_IDLE_DEFAULT
    );
    assert_eq!(LOCK_IDLE_DEFAULT, 5);

    for wrong in [0, 61, 1000] {
        let e = township_device.set_lock_idle_minutes(wrong).unwrap_err();
        let (zh, en) = e.messages();
        assert!(zh.contains("1–60 分钟"), "{zh}");
        assert!(en.contains("1–60 minutes"), "{en}");
    }
    assert_eq!(
        township_device.lock_idle_minutes().unwrap(),
        LOCK_IDLE_DEFAULT
    );
    for ok in [1, 60, 12] {
        assert_eq!(township_device.set_lock_idle_minutes(ok).unwrap(), ok);
        assert_eq!(township_device.lock_idle_minutes().unwrap(), ok);
    }

    // A grid worker's phone gets the grid document and applies the township's time.
    let phone = Store::open(dirs[1].path()).unwrap();
    let township = township_device.township_id().unwrap();
    let grid = doc_id(DocKind::Grid, &township);
    phone.set_setting("township_id", &township).unwrap();
    phone.set_setting("role", "grid-worker").unwrap();
    phone.set_setting("village_id", &village).unwrap();
    assert_eq!(phone.lock_idle_minutes().unwrap(), LOCK_IDLE_DEFAULT);
    phone
        .merge_doc_bytes(&grid, &township_device.export_doc(&grid).unwrap())
        .unwrap();
    assert_eq!(phone.lock_idle_minutes().unwrap(), 12);
    // It may not change it: the grid is the township's.
    assert!(phone.set_lock_idle_minutes(30).is_err());
    assert_eq!(phone.lock_idle_minutes().unwrap(), 12);

    // A later change reaches it the same way.
    township_device.set_lock_idle_minutes(3).unwrap();
    phone
        .merge_doc_bytes(&grid, &township_device.export_doc(&grid).unwrap())
        .unwrap();
    assert_eq!(phone.lock_idle_minutes().unwrap(), 3);
}
