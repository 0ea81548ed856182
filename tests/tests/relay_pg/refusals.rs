//! The relay on PostgreSQL refuses what the SQLite relay refuses.

use super::*;

/// One change by `actor` creating entry `id` in a new entries document: its whole sync message.
/// `audited`: whether the change carries an audit message.
fn entry_message(actor: &automerge::ActorId, id: &str, audited: bool) -> Vec<u8> {
    let mut doc = Automerge::new();
    let message = audited.then(|| forge::audit("志愿者", "create", &[id]));
    forge::change(&mut doc, actor, message, 1_700_000_000_000, |tx| {
        forge::create(tx, id, "entry", &[("checkpoint_id", "cp")])
    });
    forge::message_since(&mut doc, Vec::new())
}

#[test]
fn the_relay_on_postgresql_refuses_what_the_sqlite_relay_refuses() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(1, 4, 11);
    let village = &villages[0];
    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let logs = tempfile::tempdir().expect("logs");
    let server = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("relay.log"));
    let (_, one) = add_device(&relay, Some(&url), "volunteer", Some(village));
    let (_, two) = add_device(&relay, Some(&url), "volunteer", Some(village));
    let (_, chief) = add_device(&relay, Some(&url), "township", None);
    let honest = device(&server.url, &chief);
    let stored = || {
        pg.psql(
            &url,
            &format!("SELECT id, heads FROM documents WHERE township = '{township}' ORDER BY id"),
        )
    };
    let day = |d: u32| format!("entries:{village}:cp:2022-11-{d:02}");
    let actor = automerge::ActorId::random();

    // An entry created in one day is accepted (so the refusals below are the rules').
    let entry = "0000e417-7e57-4000-8000-000000000001";
    assert_eq!(
        forge::post(
            &server.url,
            &one,
            &day(20),
            entry_message(&actor, entry, true)
        ),
        None
    );
    let before = stored();
    assert!(before.iter().any(|l| l.starts_with(&day(20))), "{before:?}");

    // Its id again in another day: ids are unique across the township.
    let why = forge::post(
        &server.url,
        &one,
        &day(21),
        entry_message(&actor, entry, true),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains(&format!("already used in {}", day(20)))),
        "{why:?}"
    );
    // A household's id (of the ledger moved in from SQLite) as an entry's.
    let household = str_of(
        &array(&relay.json(&format!("household list --village {village}")))[0],
        "id",
    )
    .to_owned();
    let why = forge::post(
        &server.url,
        &one,
        &day(22),
        entry_message(&automerge::ActorId::random(), &household, true),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains(&format!("already used in ledger:{village}"))),
        "{why:?}"
    );
    // No audit message.
    let why = forge::post(
        &server.url,
        &one,
        &day(23),
        entry_message(&actor, "0000e417-7e57-4000-8000-000000000002", false),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("no audit message")),
        "{why:?}"
    );
    // The first device's actor, sent by the second.
    let why = forge::post(
        &server.url,
        &two,
        &day(24),
        entry_message(&actor, "0000e417-7e57-4000-8000-000000000003", true),
    );
    assert!(
        why.as_deref()
            .is_some_and(|r| r.contains("authored by another device")),
        "{why:?}"
    );
    assert_eq!(stored(), before, "a refused change was kept");
    let bound = pg.psql(
        &url,
        &format!("SELECT count(*) FROM actor_devices WHERE township = '{township}'"),
    );
    assert_eq!(bound, ["1"], "only the accepted change's actor is bound");

    // Everyone else syncs on.
    honest.ok(&format!("household set {household} address=仍可同步"));
    let stats = honest.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    assert!(honest.doc_ids().contains(&day(20)));
}
