//! Households as the lists show them: in natural address order (三组2号 before 三组10号), in
//! the full list, in pages and after a rebuild; and one check a day per household.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gridbook_domain::validate::id_number::check_char;
use gridbook_store::{NewHousehold, NewPerson, Store};

fn household(store: &Store, village: &str, address: &str) -> String {
    // A valid ID number per household: the address's digits make the sequence part.
    let seq: u32 = address
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap();
    let first17 = format!("11010519491231{seq:03}");
    let id_number = format!("{first17}{}", check_char(&first17).unwrap());
    store
        .add_household(&NewHousehold {
            village_id: village.into(),
            address: address.into(),
            head: NewPerson {
                name: "张三".into(),
                id_number,
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
        .0
}

/// The addresses of the households of `village`, in the order the list gives them.
fn addresses(store: &Store, village: &str) -> Vec<String> {
    store
        .households(Some(village))
        .unwrap()
        .into_iter()
        .map(|h| h.address)
        .collect()
}

#[test]
fn addresses_sort_naturally_in_lists_pages_and_after_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("a")).unwrap();
    let village = store.add_village("清水村").unwrap();
    for address in ["三组10号", "三组2号", "三组1号", "三组21号", "三组3号"] {
        household(&store, &village, address);
    }
    let expected = ["三组1号", "三组2号", "三组3号", "三组10号", "三组21号"];

    assert_eq!(addresses(&store, &village), expected);

    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let (total, rows) = store
            .households_page(Some(&village), None, offset, 2)
            .unwrap();
        assert_eq!(total, 5);
        paged.extend(rows.into_iter().map(|h| h.address));
    }
    assert_eq!(paged, expected);

    // The sort key is a projection: a rebuild from the documents gives the same order.
    store.reindex(false).unwrap();
    assert_eq!(addresses(&store, &village), expected);
}

#[test]
fn a_second_check_the_same_day_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("a")).unwrap();
    let village = store.add_village("清水村").unwrap();
    let hid = household(&store, &village, "一组1号");
    let at = |d: u32, h: u32| {
        NaiveDate::from_ymd_opt(2022, 11, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
    };
    let events = |store: &Store| store.history(&hid).unwrap().len();

    store.set_now(at(5, 9));
    let first = store.verify_household(&hid).unwrap();
    let after_first = events(&store);
    store.set_now(at(5, 17));
    let second = store.verify_household(&hid).unwrap();
    assert_eq!(second, first, "the same day's check is returned");
    assert_eq!(events(&store), after_first, "nothing was written");

    // The next day is a new check.
    store.set_now(at(6, 8));
    let third = store.verify_household(&hid).unwrap();
    assert_ne!(third, first);
    let h = store.household(&hid).unwrap();
    assert_eq!(
        h.household.last_verified.as_deref(),
        Some("2022-11-06T08:00:00")
    );
}
