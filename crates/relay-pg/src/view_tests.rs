//! Storing changes against a real server: a change stored again is kept once, and a second
//! change with an actor's sequence number is refused with nothing of it stored.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};
use gridbook_tests::pg::Postgres;

use super::{lock_doc, store_changes};
use crate::error::PgError;
use crate::PgStore;

/// Stores in `pg` the one change of `actor` putting `value` into document `doc` of
/// township `t`, in a transaction holding the document's lock.
fn store_one(pg: &PgStore, t: &str, doc: &str, actor: &ActorId, value: &str) -> crate::Result<()> {
    let mut d = Automerge::new().with_actor(actor.clone());
    let mut tx = d.transaction();
    tx.put(ROOT, "k", value).unwrap();
    tx.commit_with(CommitOptions::default().with_time(1_700_000_000_000));
    let after = d.get_heads();
    pg.with(|c| {
        let mut tx = c.transaction()?;
        lock_doc(&mut tx, t, doc)?;
        store_changes(&mut tx, t, doc, &d, &[], &after)?;
        tx.commit()?;
        Ok(())
    })
}

#[test]
fn a_second_change_with_an_actors_sequence_number_is_refused_and_nothing_of_it_stored() {
    let server = Postgres::start();
    let url = server.database();
    let pg = PgStore::connect(&url).unwrap();
    let (t, doc, actor) = ("t1", "ledger:v1", ActorId::random());
    let rows = || {
        server.psql(
            &url,
            "SELECT (SELECT count(*) FROM changes) || ' ' || (SELECT count(*) FROM chunks)
                    || ' ' || (SELECT string_agg(chunk_count::text, ',') FROM documents)",
        )
    };
    store_one(&pg, t, doc, &actor, "one").unwrap();
    assert_eq!(rows(), ["1 1 1"]);
    // The same change again (a device that did not hear back) is one change still.
    store_one(&pg, t, doc, &actor, "one").unwrap();
    assert_eq!(rows(), ["1 2 2"]);
    // Another change with the actor's sequence number 1.
    let err = store_one(&pg, t, doc, &actor, "two").unwrap_err();
    assert!(matches!(err, PgError::Store(_)), "{err}");
    assert!(err.to_string().contains("sequence number 1"), "{err}");
    assert_eq!(rows(), ["1 2 2"]);
    // The same actor's sequence number in another document or township is another change.
    store_one(&pg, t, "ledger:v2", &actor, "two").unwrap();
    store_one(&pg, "t2", doc, &actor, "two").unwrap();
    assert_eq!(rows(), ["3 4 2,1,1"]);
}
