//! Two devices editing one household ledger offline and exchanging whole documents
//! edits of different fields both survive, the same field edited on both sides
//! is shown as a conflict until someone resolves it, a soft delete neither loses a concurrent
//! edit nor is undone by it, and in the end both devices hold the same projections, equal to a
//! rebuild from their documents.
//!
//! Each device is a real store in its own directory; documents travel as the bytes of
//! `export_doc` and arrive through `merge_doc_bytes`, as they would through a file or a relay.

use gridbook_store::{HistoryEntry, Store};
use gridbook_tests::ledger::{household_with_member, send_all, two_stores};
use serde_json::json;

const DEVICE_A: &str = "网格员甲";
const DEVICE_B: &str = "镇干部乙";

/// Two devices sharing one village, with a household and a second resident on both.
struct World {
    a: Store,
    b: Store,
    household: String,
    member: String,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn world() -> World {
    let stores = two_stores();
    let (a, b) = (stores.a, stores.b);
    a.set_device_name(DEVICE_A).expect("rename a");
    b.set_device_name(DEVICE_B).expect("rename b");
    let one = household_with_member(&a, None);
    let docs = a.docs().expect("docs");
    assert_eq!(docs.len(), 2, "a grid and a ledger document: {docs:?}");
    send_all(&a, &b);
    let w = World {
        a,
        b,
        household: one.household,
        member: one.member,
        _dirs: stores.dirs,
    };
    assert_same_projections(&w);
    w
}

/// Both devices send each other everything they have.
fn exchange(w: &World) {
    send_all(&w.a, &w.b);
    send_all(&w.b, &w.a);
}

fn set(store: &Store, person: &str, field: &str, value: &str) {
    store
        .set_person(person, &[(field.to_owned(), value.to_owned())])
        .unwrap_or_else(|e| panic!("{} {field}={value}: {e}", store.device_name()));
}

fn phone(store: &Store, person: &str) -> Option<String> {
    store.person(person).expect("person").phone
}

/// The history entries of `field` whose new value is `new`.
fn edits<'a>(history: &'a [HistoryEntry], field: &str, new: &str) -> Vec<&'a HistoryEntry> {
    history
        .iter()
        .filter(|e| e.field == field && e.new.as_str() == Some(new))
        .collect()
}

fn assert_same_projections(w: &World) {
    let view = |s: &Store| {
        json!({
            "villages": s.villages().expect("villages"),
            "households": s.households(None).expect("households"),
            "household": s.household(&w.household).expect("household"),
            "conflicts": s.conflicts().expect("conflicts"),
            "heads": s.docs().expect("docs").into_iter().map(|d| (d.id, d.heads)).collect::<Vec<_>>(),
        })
    };
    assert_eq!(view(&w.a), view(&w.b), "the two devices disagree");
}

/// (a) A edits the phone while B edits the address: both edits arrive everywhere.
fn different_fields(w: &World) {
    set(&w.a, &w.member, "phone", "13900000001");
    set(&w.b, &w.member, "address", "清水村五组3号");
    exchange(w);
    for s in [&w.a, &w.b] {
        let p = s.person(&w.member).expect("person");
        assert_eq!(
            p.phone.as_deref(),
            Some("13900000001"),
            "{}",
            s.device_name()
        );
        assert_eq!(
            p.address.as_deref(),
            Some("清水村五组3号"),
            "{}",
            s.device_name()
        );
        assert!(s.conflicts().expect("conflicts").is_empty());
    }
    let history = w.b.history(&w.member).expect("history on b");
    let by_a = edits(&history, "phone", "13900000001");
    let by_b = edits(&history, "address", "清水村五组3号");
    assert_eq!(by_a.len(), 1, "{history:#?}");
    assert_eq!(by_a[0].device, DEVICE_A);
    assert_eq!(by_a[0].old.as_str(), Some("13987654321"));
    assert_eq!(by_b.len(), 1, "{history:#?}");
    assert_eq!(by_b[0].device, DEVICE_B);
    assert_ne!(by_a[0].actor, by_b[0].actor);
}

/// (b) Both set the phone: after the exchange both show the conflict with both values. Returns
/// (the value each device displays during the conflict, the other value).
fn same_field(w: &World) -> (String, String) {
    set(&w.a, &w.member, "phone", "13900000002");
    set(&w.b, &w.member, "phone", "13900000003");
    exchange(w);
    for s in [&w.a, &w.b] {
        let c = s.conflicts().expect("conflicts");
        assert_eq!(c.len(), 1, "{}: {c:?}", s.device_name());
        assert_eq!(
            (c[0].record_id.as_str(), c[0].field.as_str()),
            (w.member.as_str(), "phone")
        );
        // Named as a person calls the record, not by its id.
        assert_eq!(c[0].label.as_deref(), Some("李秀英"));
        let mut values = c[0].values.clone();
        values.sort_by_key(ToString::to_string);
        assert_eq!(values, [json!("13900000002"), json!("13900000003")]);
        let shown = s.household(&w.household).expect("household").conflicts;
        assert_eq!(
            shown.len(),
            1,
            "the household shows its resident's conflict"
        );
    }
    let shown = phone(&w.a, &w.member).expect("a phone is displayed");
    assert_eq!(
        phone(&w.b, &w.member).as_ref(),
        Some(&shown),
        "both display the same winner"
    );
    let other = if shown == "13900000002" {
        "13900000003"
    } else {
        "13900000002"
    };
    (shown, other.to_owned())
}

/// A picks `value` for the conflicting phone; after the exchange the conflict is gone on both.
fn resolve(w: &World, value: &str) {
    w.a.resolve(&w.member, "phone", value).expect("resolve");
    exchange(w);
    for s in [&w.a, &w.b] {
        assert!(
            s.conflicts().expect("conflicts").is_empty(),
            "{}",
            s.device_name()
        );
        assert!(s
            .household(&w.household)
            .expect("household")
            .conflicts
            .is_empty());
        assert_eq!(
            phone(s, &w.member).as_deref(),
            Some(value),
            "{}",
            s.device_name()
        );
    }
}

/// Asserts that B's history records A's pick of `value`.
fn assert_resolve_in_history(w: &World, value: &str) {
    let history = w.b.history(&w.member).expect("history");
    let picks: Vec<_> = history.iter().filter(|e| e.what == "resolve").collect();
    assert_eq!(picks.len(), 1, "one resolve in the history: {history:#?}");
    assert_eq!(picks[0].device, DEVICE_A);
    assert_eq!(picks[0].field, "phone");
    assert_eq!(picks[0].new.as_str(), Some(value));
}

/// (c) A deletes the person while B edits the phone: the person stays deleted, the edit stays
/// in the history.
fn delete_and_edit(w: &World) {
    set(&w.a, &w.member, "deleted", "true");
    set(&w.b, &w.member, "phone", "13900000009");
    exchange(w);
    exchange(w);
    for s in [&w.a, &w.b] {
        let who = s.device_name();
        assert!(
            s.person(&w.member).is_err(),
            "{who}: the deleted person came back"
        );
        let residents = s.household(&w.household).expect("household").residents;
        assert_eq!(residents.len(), 1, "{who}: {residents:?}");
        assert!(
            s.search("秀英", 10).expect("search").is_empty(),
            "{who} finds a deleted person"
        );
        let ledger = s
            .docs()
            .expect("docs")
            .into_iter()
            .find(|d| d.kind == "ledger");
        let ids = s
            .doc_record_ids(&ledger.expect("ledger").id)
            .expect("record ids");
        assert!(ids.contains(&w.member), "{who}: the record itself is kept");
        let history = s.history(&w.member).expect("history");
        let edit = edits(&history, "phone", "13900000009");
        assert_eq!(
            edit.len(),
            1,
            "{who}: the concurrent edit is lost: {history:#?}"
        );
        assert_eq!(edit[0].device, DEVICE_B);
        let deletion: Vec<_> = history.iter().filter(|e| e.field == "deleted_at").collect();
        assert_eq!(deletion.len(), 1, "{who}: {history:#?}");
        assert_eq!(deletion[0].device, DEVICE_A);
        assert!(deletion[0].new.as_str().is_some());
    }
}

/// (d) Both devices hold the projections that their documents give, and the same ones.
fn settled(w: &World) {
    for s in [&w.a, &w.b] {
        let r = s.reindex(true).expect("reindex");
        assert!(r.equal, "{}: {r:?}", s.device_name());
    }
    assert_same_projections(w);
}

#[test]
fn edits_of_different_fields_both_survive() {
    let w = world();
    different_fields(&w);
    settled(&w);
}

#[test]
fn same_field_conflict_is_shown_then_resolved_everywhere() {
    let w = world();
    let (_shown, other) = same_field(&w);
    // Picking the value that was not displayed changes what everybody sees.
    resolve(&w, &other);
    assert_resolve_in_history(&w, &other);
    settled(&w);
}

/// Most people confirm the value they already see; that decision must be recorded too
/// ("let a person pick, record who picked").
#[test]
fn resolving_to_the_displayed_value_is_recorded() {
    let w = world();
    let (shown, _other) = same_field(&w);
    resolve(&w, &shown);
    assert_resolve_in_history(&w, &shown);
    settled(&w);
}

#[test]
fn deletion_and_concurrent_edit_lose_nothing() {
    let w = world();
    delete_and_edit(&w);
    settled(&w);
}

#[test]
fn after_all_of_it_both_devices_agree() {
    let w = world();
    different_fields(&w);
    settled(&w);
    let (_shown, other) = same_field(&w);
    settled(&w);
    resolve(&w, &other);
    assert_resolve_in_history(&w, &other);
    delete_and_edit(&w);
    settled(&w);
    // Serialized projections, compared directly as well.
    let json = |s: &Store| {
        let all = serde_json::to_string(&s.households(None).expect("households"));
        let one = serde_json::to_string(&s.household(&w.household).expect("household"));
        (all.expect("json"), one.expect("json"))
    };
    assert_eq!(json(&w.a), json(&w.b));
}
