//! Changes that arrive without their dependencies, on both relays: the relay keeps none of
//! them and asks for what they lack by hash, so that a device sending exactly what it is asked
//! for (as one does whose view of the relay's changes holds a false positive of the bloom
//! filter, see `crates/store/tests/sync_gap.rs`) gets them all through in a few requests.
//! Asking only for the device's heads would bring the same incomplete changes every time.

use automerge::sync::{ChunkList, Message, MessageVersion};
use automerge::{ChangeHash, ReadDoc};
use gridbook_sync::client::Client;
use gridbook_sync::wire::Request;

use super::*;

/// One audited change by `actor` creating entry `id` on `doc`; returns its hash.
fn entry(doc: &mut Automerge, actor: &automerge::ActorId, id: &str) -> ChangeHash {
    let message = forge::audit("卡口志愿者", "create", &[id]);
    forge::change(doc, actor, Some(message), forge::now_ms(), |tx| {
        forge::create(tx, id, "entry", &[("checkpoint_id", "cp")])
    });
    doc.get_heads()[0]
}

/// Posts `msg` about `doc_id` with `token`: the relay's message about it (decoded), which must
/// come, and nothing refused.
fn exchange(url: &str, token: &str, doc_id: &str, msg: Vec<u8>) -> Message {
    let (resp, _, _) = Client::new(url, token)
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(doc_id.to_owned(), msg)],
        })
        .expect("post");
    assert!(resp.refused.is_empty(), "{:?}", resp.refused);
    let (_, answer) = resp
        .messages
        .into_iter()
        .find(|(d, _)| d == doc_id)
        .expect("the relay answers about the document");
    Message::decode(&answer).expect("a sync message")
}

/// The message carrying the changes of `doc` with hashes `hashes` (those it has) and saying
/// that `doc`'s heads are its heads.
fn carrying(doc: &Automerge, hashes: &[ChangeHash]) -> Vec<u8> {
    let changes: Vec<Vec<u8>> = hashes
        .iter()
        .filter_map(|h| doc.get_change_by_hash(h))
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    Message {
        heads: doc.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(changes),
        flags: None,
        version: MessageVersion::V2,
    }
    .encode()
}

/// The scenario on the relay at `url`, for a volunteer's `token` of `village`, in a new
/// document of entries of November `day` (a day of its own for each relay): `stored` reads the
/// heads the relay keeps of a document (sorted hex, comma-separated; empty if none).
fn the_relay_asks_for_missing_dependencies_by_hash(
    url: &str,
    token: &str,
    village: &str,
    day: u32,
    stored: &dyn Fn(&str) -> String,
) {
    let doc_id = format!("entries:{village}:cp:2022-11-{day}");
    let actor = automerge::ActorId::random();
    let mut doc = Automerge::new();
    let first = entry(&mut doc, &actor, &forge::uuid(day * 10 + 1));
    let second = entry(&mut doc, &actor, &forge::uuid(day * 10 + 2));

    // The second change alone, from a device that takes the relay to have the first (built
    // by hand: Automerge would send the whole document of two changes).
    let answer = exchange(url, token, &doc_id, carrying(&doc, &[second]));
    assert!(
        answer.need.contains(&first),
        "the relay asks for the missing dependency by hash: need {:?}",
        answer.need
    );
    assert_eq!(
        stored(&doc_id),
        "",
        "nothing of an incomplete message is kept"
    );

    // The device sends what it is asked for, and only that.
    let mut answer = answer;
    for _ in 0..4 {
        if answer.need.is_empty() {
            break;
        }
        answer = exchange(url, token, &doc_id, carrying(&doc, &answer.need));
    }
    assert!(answer.need.is_empty(), "still asked for {:?}", answer.need);
    assert_eq!(answer.heads, vec![second], "the relay reached the device");
    assert_eq!(stored(&doc_id), second.to_string());
}

#[test]
fn both_relays_ask_for_missing_dependencies_by_hash() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, township, villages) = township(1, 2, 31);
    let village = &villages[0];
    let logs = tempfile::tempdir().expect("logs");

    let sqlite = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("sqlite.log"));
    let (_, token) = add_device(&relay, None, "volunteer", Some(village));
    let on_sqlite = |doc: &str| heads_of(&relay, doc);
    the_relay_asks_for_missing_dependencies_by_hash(&sqlite.url, &token, village, 23, &on_sqlite);
    drop(sqlite);

    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let server = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("pg.log"));
    let (_, token) = add_device(&relay, Some(&url), "volunteer", Some(village));
    let on_pg = |doc: &str| {
        pg.psql(
            &url,
            &format!("SELECT heads FROM documents WHERE township = '{township}' AND id = '{doc}'"),
        )
        .concat()
    };
    the_relay_asks_for_missing_dependencies_by_hash(&server.url, &token, village, 24, &on_pg);
}
