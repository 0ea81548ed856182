//! A device reads and writes only its scope; revoked and unknown tokens are refused.

use super::*;

/// 3. Scope: a device of village A neither reads nor writes village B, even with forged
///    requests; a volunteer reads its village but its changes are refused.
#[test]
fn a_device_reads_and_writes_only_its_scope() {
    let w = World::new(2, 20);
    let (va, vb) = (&w.villages[0], &w.villages[1]);
    let a = w.device("grid-worker", Some(va), "甲村网格员");
    let b = w.device("grid-worker", Some(vb), "乙村网格员");
    let grid = format!("grid:{}", w.township);
    assert_eq!(a.doc_ids(), BTreeSet::from([grid.clone(), ledger(va)]));
    assert_eq!(b.doc_ids(), BTreeSet::from([grid.clone(), ledger(vb)]));

    // A's edit reaches the relay but not B.
    let (_, pa) = w.household_of(va, 0);
    a.ok(&format!("person set {pa} phone=13911112222"));
    a.sync();
    assert_eq!(w.relay.person(&pa)["phone"], "13911112222");
    let synced = b.sync();
    assert_eq!(synced["docs_received"], 0, "{synced}");
    assert!(!b.doc_ids().contains(&ledger(va)));
    assert_eq!(b.run(&format!("person show {pa}")).status.code(), Some(2));
    assert_eq!(b.json("search 13911112222"), serde_json::json!([]));

    // B edits its ledger offline; the forged message below carries that very change.
    let (_, pb) = w.household_of(vb, 0);
    b.ok(&format!("person set {pb} phone=13822223333"));
    let copy_dir = tempfile::tempdir().expect("tempdir");
    let relay_ledger_b = copy_dir.path().join("ledger-b.automerge");
    w.relay.ok(&format!(
        "doc export {} --out {}",
        ledger(vb),
        relay_ledger_b.display()
    ));
    let relay_copy = Store::open(copy_dir.path().join("store")).expect("open copy");
    let bytes = std::fs::read(&relay_ledger_b).expect("exported");
    relay_copy
        .merge_doc_bytes(&ledger(vb), &bytes)
        .expect("merge copy");
    let forged = {
        let b_store = Store::open(b.path()).expect("open B");
        let hello = relay_copy
            .sync_generate(&ledger(vb), "forger", true)
            .expect("generate")
            .expect("a first message");
        b_store
            .sync_receive(&ledger(vb), "copy", &hello, None)
            .expect("receive");
        b_store
            .sync_generate(&ledger(vb), "copy", true)
            .expect("generate")
            .expect("a message with B's change")
    };

    let before = w.relay.heads();
    let client = Client::new(&w.server.url, &a.token);
    let forged_req = Request {
        index: Some(vec![(ledger(vb), digest("whatever"))]),
        scope: None,
        messages: vec![(ledger(vb), forged.clone())],
    };
    let (resp, _, _) = client.post(&forged_req).expect("post forged request");
    assert!(
        resp.refused.iter().any(|(d, _)| *d == ledger(vb)),
        "the relay must refuse {} from a device of A: {resp:?}",
        ledger(vb)
    );
    assert!(!resp.differs.contains(&ledger(vb)), "{resp:?}");
    assert!(
        resp.messages.iter().all(|(d, _)| *d != ledger(vb)),
        "{resp:?}"
    );
    // Without the index, only the message.
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(ledger(vb), forged.clone())],
        })
        .expect("post forged message");
    assert!(
        resp.refused.iter().any(|(d, _)| *d == ledger(vb)),
        "{resp:?}"
    );
    assert!(resp.messages.is_empty(), "{resp:?}");
    assert_eq!(
        w.relay.heads(),
        before,
        "a refused message changed the relay"
    );
    assert_ne!(w.relay.person(&pb)["phone"], "13822223333");
    // A scope digest the relay never gave A names nothing: the relay asks for the index and
    // says nothing else; with the forged message beside it, that is still refused.
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: Some(digest("not a scope the relay left A at")),
            messages: vec![],
        })
        .expect("post a scope digest");
    assert!(resp.index_wanted, "{resp:?}");
    assert!(
        resp.differs.is_empty() && resp.messages.is_empty(),
        "{resp:?}"
    );
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: Some(digest("another")),
            messages: vec![(ledger(vb), forged.clone())],
        })
        .expect("post a scope digest with a forged message");
    assert!(resp.index_wanted && resp.messages.is_empty(), "{resp:?}");
    assert_eq!(w.relay.heads(), before, "nothing of it was kept");
    // The forged message was real: the relay's own copy takes the change from it.
    assert!(
        relay_copy
            .sync_receive(&ledger(vb), "forger", &forged, None)
            .expect("the copy applies the forged message"),
        "the forged message carried no change: the test proves nothing"
    );
    // And from B itself the relay takes it.
    b.sync();
    assert_ne!(w.relay.heads()[&ledger(vb)], before[&ledger(vb)]);
    assert_eq!(w.relay.person(&pb)["phone"], "13822223333");
    a.sync();
    assert!(!a.doc_ids().contains(&ledger(vb)));

    // A volunteer of A reads A's ledger and receives what grid workers write…
    let vol = w.device("volunteer", Some(va), "甲村志愿者");
    assert_eq!(vol.doc_ids(), BTreeSet::from([grid.clone(), ledger(va)]));
    // A volunteer reads the person masked.
    assert_eq!(vol.person(&pa)["phone"], "139****2222");
    a.ok(&format!("person set {pa} address=甲村一组1号"));
    a.sync();
    let stats = vol.sync();
    assert_eq!(stats["docs_received"], 1, "{stats}");
    assert_eq!(vol.person(&pa)["address"], "甲村一组1号");
    // …but its own changes to the ledger are refused: by the device itself, which knows its
    // role, nothing written…
    let (_, other) = w.household_of(va, 1);
    let heads = vol.heads();
    let out = vol.run(&format!("person set {other} phone=13633334444"));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("不能修改户籍台账"),
        "{out:?}"
    );
    assert_eq!(vol.heads(), heads, "a refused edit wrote nothing");
    // …and by the relay, when the device still believed in an older role (a grid worker's)…
    let stale = gridbook_store::Store::open(vol.path()).expect("the volunteer's store");
    stale
        .set_setting("role", "grid-worker")
        .expect("set the stale role");
    drop(stale);
    vol.ok(&format!("person set {other} phone=13633334444"));
    let before = w.relay.heads();
    let stats = vol.sync();
    assert!(
        refused(&stats).contains(&ledger(va)),
        "the relay must refuse a volunteer's ledger change: {stats}"
    );
    assert_eq!(w.relay.heads(), before, "a volunteer changed the relay");
    let told = gridbook_store::Store::open(vol.path()).expect("the volunteer's store");
    assert_eq!(
        told.setting("role").expect("role").as_deref(),
        Some("volunteer"),
        "the relay's answer gave the device its role back"
    );
    drop(told);
    assert_ne!(w.relay.person(&other)["phone"], "13633334444");
    a.sync();
    assert_ne!(a.person(&other)["phone"], "13633334444");
    // …and it still receives what a grid worker writes after that.
    a.ok(&format!("person set {pa} address=甲村一组2号"));
    a.sync();
    // (A second and third sync change nothing: it is stuck for good.)
    let syncs = Value::Array((0..3).map(|_| vol.sync()).collect());
    assert_eq!(
        vol.person(&pa)["address"],
        "甲村一组2号",
        "a volunteer holding a refused change no longer receives the ledger; its syncs: {syncs}"
    );
    assert_eq!(syncs[0]["docs_received"], 1, "{}", syncs[0]);
}

/// 4. A revoked device and an unknown token are refused (both 401, so that the answer does not
///    tell a token that was once good; the CLI exits 3).
#[test]
fn revoked_devices_and_unknown_tokens_are_refused() {
    let w = World::new(1, 5);
    let village = &w.villages[0];
    let d = w.device("grid-worker", Some(village), "旧手机");
    w.relay.ok(&format!("relay device revoke {}", d.id));
    let list = w.relay.json("relay device list");
    let row = array(&list)
        .iter()
        .find(|x| x["device_id"] == d.id.as_str())
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(row["revoked"], true, "{row}");

    let out = d.run("--json sync");
    assert_eq!(
        out.status.code(),
        Some(3),
        "sync of a revoked device: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    {
        let store = Store::open(d.path()).expect("open");
        match gridbook_sync::client::sync(&store) {
            Err(SyncError::Refused { status: 401, .. }) => {}
            other => panic!("revoked device: expected Refused 401, got {other:?}"),
        }
    }

    let bogus = "0123456789abcdef0123456789abcdef";
    let client = Client::new(&w.server.url, bogus);
    match client.hello() {
        Err(SyncError::Refused { status: 401, .. }) => {}
        other => panic!("unknown token, hello: expected Refused 401, got {other:?}"),
    }
    match client.post(&Request::default()) {
        Err(SyncError::Refused { status: 401, .. }) => {}
        other => panic!("unknown token, sync: expected Refused 401, got {other:?}"),
    }
    let fresh = Data::new();
    let out = fresh.run(&format!("enroll --relay {} --token {bogus}", w.server.url));
    assert_eq!(out.status.code(), Some(3), "enroll with an unknown token");
    assert!(fresh.doc_ids().is_empty());
}
