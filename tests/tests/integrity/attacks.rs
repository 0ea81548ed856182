//! Attacks built by hand: one entry id on two days, another village's household or id written
//! into a ledger, a record's type set again, a forged or missing audit message, another
//! device's actor. Each is refused and harms nobody; the same change without the attack passes.

use super::*;

#[test]
fn hand_built_attacks_are_refused_and_harm_nobody() {
    let w = world();
    let (va, vb) = (w.villages[0].clone(), w.villages[1].clone());
    let worker = w.device("grid-worker", Some(&va), "甲村网格员");
    let volunteer = w.device("volunteer", Some(&va), "甲村志愿者");
    let honest = w.device("township", None, "乡镇办公室");
    let attacker_actor = ActorId::random();

    // 1. The same entry id in the entries of two days. Day one (a valid, hand-built entries
    // document) is accepted; day two with that entry's id is refused.
    let checkpoint = uuid(1);
    let entry = uuid(2);
    let day1 = format!("entries:{va}:{checkpoint}:2022-11-20");
    let day2 = format!("entries:{va}:{checkpoint}:2022-11-21");
    let mut d1 = Automerge::new();
    change(
        &mut d1,
        &attacker_actor,
        Some(audit("甲村志愿者", &[&entry])),
        now_ms(),
        |tx| create(tx, &entry, "entry", &[("checkpoint_id", &checkpoint)]),
    );
    let msg = message_since(&mut d1, Vec::new());
    assert_eq!(post(&w, &volunteer.token, &day1, msg), None, "day one");
    assert!(w.relay.doc_ids().contains(&day1));
    let before = w.relay.heads();
    let mut d2 = Automerge::new();
    change(
        &mut d2,
        &attacker_actor,
        Some(audit("甲村志愿者", &[&entry])),
        now_ms(),
        |tx| create(tx, &entry, "entry", &[("checkpoint_id", &checkpoint)]),
    );
    let why = post(
        &w,
        &volunteer.token,
        &day2,
        message_since(&mut d2, Vec::new()),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains(&format!("already used in {day1}"))),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "一");

    // 2. A household id of village B written into ledger:A by A's grid worker.
    let rogue = ActorId::random();
    let b_household = households(&w, &vb)[0].clone();
    let b_before = w.relay.json(&format!("household show {b_household}"));
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    change(
        &mut la,
        &rogue,
        Some(audit("甲村网格员", &[&b_household])),
        now_ms(),
        |tx| create(tx, &b_household, "household", &[("address", "甲村")]),
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("already used in ledger:")),
        "{why:?}"
    );
    let b_after = w.relay.json(&format!("household show {b_household}"));
    assert_eq!(b_before, b_after, "B's household moved");
    let before = w.relay.heads();
    assert_unharmed(&w, &before, &honest, "二二");

    // 3. Village B's id written into ledger:A with its type set concurrently by two actors
    // (person and household); and the same type conflict on a fresh id.
    let villages_before = w.relay.json("village list");
    let before = w.relay.heads();
    for target in [vb.clone(), uuid(3)] {
        let mut la = doc_of(&worker.data, &ledger(&va));
        let heads = la.get_heads();
        let other_actor = ActorId::random();
        let mut obj = None;
        change(
            &mut la,
            &rogue,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                obj = Some(
                    tx.put_object(ROOT, target.as_str(), ObjType::Map)
                        .expect("map"),
                )
            },
        );
        let obj = obj.expect("record map");
        let mut fork = la.fork();
        change(
            &mut la,
            &rogue,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                tx.put(&obj, "type", "person").expect("type");
            },
        );
        change(
            &mut fork,
            &other_actor,
            Some(audit("甲村网格员", &[&target])),
            now_ms(),
            |tx| {
                tx.put(&obj, "type", "household").expect("type");
            },
        );
        la.merge(&mut fork).expect("merge");
        let why = post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads),
        );
        assert!(
            why.as_deref()
                .is_some_and(|r| r.contains("types") || r.contains("already used in")),
            "{target}: {why:?}"
        );
    }
    assert_eq!(
        w.relay.json("village list"),
        villages_before,
        "a village went"
    );
    assert_unharmed(&w, &before, &honest, "三三三");

    // 4. Setting the type of an existing household again is refused; a plain edit by the
    // same construction is accepted.
    let a_household = households(&w, &va)[0].clone();
    let before = w.relay.heads();
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    let worker_actor = ActorId::from(hex_bytes(&actor_hex(&worker.data)));
    change(
        &mut la,
        &worker_actor,
        Some(audit("甲村网格员", &[&a_household])),
        now_ms(),
        |tx| {
            tx.put(&obj, "type", "person").expect("type");
        },
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("is set once, at creation")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "四四四四");

    // 5. A forged audit message (the township office, a year back) is kept, but the relay's
    // history names the device it came from and when it arrived.
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    let year_ago = now_ms() - 365 * 24 * 3600 * 1000;
    change(
        &mut la,
        &worker_actor,
        Some(audit("乡镇办公室", &[&a_household])),
        year_ago,
        |tx| {
            tx.put(&obj, "address", "伪造地址").expect("address");
        },
    );
    assert_eq!(
        post(
            &w,
            &worker.token,
            &ledger(&va),
            message_since(&mut la, heads.clone())
        ),
        None
    );
    let history = w.relay.json(&format!("history {a_household}"));
    let forged = array(&history)
        .iter()
        .find(|h| h["new"] == "伪造地址")
        .unwrap_or_else(|| panic!("the edit is in the history: {history}"))
        .clone();
    assert_eq!(forged["device"], "甲村网格员", "{forged}");
    assert_eq!(forged["device_claimed"], "乡镇办公室", "{forged}");
    assert_eq!(forged["device_id"], worker.id.as_str(), "{forged}");
    let received = forged["received_at"].as_str().expect("received_at");
    let claimed = forged["at"].as_str().expect("at");
    assert!(received > claimed, "{forged}");
    assert!(received[..4] > claimed[..4], "a year apart: {forged}");
    worker.data.sync();

    // 6. A change with no audit message is refused.
    let before = w.relay.heads();
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    change(&mut la, &worker_actor, None, now_ms(), |tx| {
        tx.put(&obj, "address", "无审计").expect("address");
    });
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("has no audit message")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "六六六六六六");

    // 7. A change authored by another device's actor (the township office's, bound when its
    // edits reached the relay) is refused, from a device allowed to write the document.
    worker.data.sync();
    let before = w.relay.heads();
    let office_actor = ActorId::from(hex_bytes(&actor_hex(&honest.data)));
    let mut la = doc_of(&worker.data, &ledger(&va));
    let heads = la.get_heads();
    let obj = match la.get(ROOT, a_household.as_str()).expect("get") {
        Some((_, obj)) => obj,
        None => panic!("household {a_household} not in ledger:A"),
    };
    change(
        &mut la,
        &office_actor,
        Some(audit("乡镇办公室", &[&a_household])),
        now_ms(),
        |tx| {
            tx.put(&obj, "address", "冒名").expect("address");
        },
    );
    let why = post(
        &w,
        &worker.token,
        &ledger(&va),
        message_since(&mut la, heads),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("authored by another device")),
        "{why:?}"
    );
    assert_unharmed(&w, &before, &honest, "七七七七七七七");
}
