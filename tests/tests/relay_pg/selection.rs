//! What each request selects, on both relays: a village device receives its own village's
//! documents, the grid, and the control lists of every village of its township (kinds it reads
//! across villages: a checkpoint recognises a person isolated elsewhere), and no other
//! village's documents.

use super::*;

/// 14:05 on day 3 of a home isolation that started on 12-05.
const NOW: &str = "2026-12-07T14:05";

/// A township relay's data directory with villages A and B, a resident in each, and a home
/// isolation in B (which puts the resident on B's control list): (relay, A, B).
fn two_villages() -> (Data, String, String) {
    let mut relay = Data::new();
    relay.now = Some(NOW.to_owned());
    let a = str_of(&relay.json("village add --name 甲村"), "id").to_owned();
    let b = str_of(&relay.json("village add --name 乙村"), "id").to_owned();
    relay.json(&format!(
        "household add --village {a} --address 甲村一组1号 --head-name 李四 --head-id {}",
        gridbook_tests::mainland_id(51)
    ));
    let h = relay.json(&format!(
        "household add --village {b} --address 乙村三组9号 --head-name 王五 --head-id {}",
        gridbook_tests::mainland_id(52)
    ));
    let policy = array(&relay.json("policy list"))
        .iter()
        .find(|p| p["code"] == "home-isolation")
        .map(|p| str_of(p, "id").to_owned())
        .expect("built-in home isolation");
    relay.json(&format!(
        "case start --person {} --policy {policy} --start 2026-12-05",
        str_of(&h, "person_id")
    ));
    (relay, a, b)
}

/// The village of a document id, if it has one (the grid's second part is its township).
fn village_of(doc: &str) -> Option<&str> {
    let mut parts = doc.split(':');
    let kind = parts.next()?;
    (kind != "grid").then(|| parts.next()).flatten()
}

/// A volunteer of village `a` synced through `url` (its token `token`) has the grid, `a`'s
/// documents and B's control list, and nothing else of village `b` that the relay holds.
fn a_village_device_reads_the_control_lists_across_villages(
    relay: &Data,
    url: &str,
    token: &str,
    a: &str,
    b: &str,
) {
    let held = relay.doc_ids();
    let control_b = format!("control:{b}");
    let others: Vec<&String> = held
        .iter()
        .filter(|d| village_of(d) == Some(b) && **d != control_b)
        .collect();
    assert!(held.contains(&control_b), "{held:?}");
    assert!(others.len() >= 2, "B's ledger and more: {held:?}");
    let volunteer = device(url, token);
    let docs = volunteer.doc_ids();
    assert!(docs.contains(&control_b), "{docs:?}");
    assert!(docs.contains(&format!("ledger:{a}")), "{docs:?}");
    assert!(docs.iter().any(|d| d.starts_with("grid:")), "{docs:?}");
    for d in &docs {
        assert!(
            *d == control_b || village_of(d) != Some(b),
            "{d} is another village's: {docs:?}"
        );
    }
    assert_eq!(
        heads_of(&volunteer, &control_b),
        heads_of(relay, &control_b),
        "B's control list as the relay holds it"
    );
}

#[test]
fn a_village_device_reads_every_control_list_and_no_other_village_on_both_relays() {
    let pg = Postgres::start();
    let url = pg.database();
    let (relay, a, b) = two_villages();
    let logs = tempfile::tempdir().expect("logs");
    let sqlite = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("sqlite.log"));
    let (_, token) = add_device(&relay, None, "volunteer", Some(&a));
    a_village_device_reads_the_control_lists_across_villages(&relay, &sqlite.url, &token, &a, &b);
    drop(sqlite);

    let moved = relay.json(&format!("relay migrate --to-postgres {url}"));
    assert_eq!(moved["verified"], true, "{moved}");
    let server = pg_relay(&relay, &url, "127.0.0.1:0", &logs.path().join("pg.log"));
    let (_, token) = add_device(&relay, Some(&url), "volunteer", Some(&a));
    a_village_device_reads_the_control_lists_across_villages(&relay, &server.url, &token, &a, &b);
}
