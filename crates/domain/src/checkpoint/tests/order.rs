use uuid::Uuid;

use super::at;
use crate::checkpoint::entry_sort_key;

#[test]
fn entries_from_several_tablets_sort_the_same_everywhere() {
    let id = |n: u128| Uuid::from_u128(n);
    let keys = [
        entry_sort_key(at(20, 8, 0), "tablet-b", id(1)),
        entry_sort_key(at(20, 7, 59), "tablet-c", id(9)),
        entry_sort_key(at(20, 8, 0), "tablet-a", id(5)),
        entry_sort_key(at(20, 8, 0), "tablet-a", id(2)),
    ];
    let mut forward = keys.to_vec();
    forward.sort();
    let mut backward: Vec<_> = keys.iter().rev().cloned().collect();
    backward.sort();
    assert_eq!(forward, backward, "order does not depend on arrival order");
    let order: Vec<(&str, u128)> = forward
        .iter()
        .map(|k| (k.device.as_str(), k.entry_id.as_u128()))
        .collect();
    assert_eq!(
        order,
        [
            ("tablet-c", 9),
            ("tablet-a", 2),
            ("tablet-a", 5),
            ("tablet-b", 1)
        ]
    );
}

#[test]
fn time_text_is_fixed_width_and_sorts_like_the_key() {
    let whole = entry_sort_key(at(20, 8, 0), "t", Uuid::nil());
    let fraction = entry_sort_key(
        at(20, 8, 0) + chrono::Duration::milliseconds(500),
        "t",
        Uuid::nil(),
    );
    assert_eq!(whole.at_text(), "2022-11-20T08:00:00.000000000");
    assert_eq!(fraction.at_text().len(), whole.at_text().len());
    assert!(whole.at_text() < fraction.at_text() && whole < fraction);
}
