//! Household lists come in the order people read addresses: 三组2号 before 三组10号, in the
//! full list, in every page of the paged list, and in the coverage list.

use gridbook_store::{NewHousehold, NewPerson, Store};

/// A valid mainland ID number (GB 11643-1999) for person `n`.
fn id_number(n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first = format!("11010119800101{n:03}");
    let sum: u32 = first
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first}{check}")
}

#[test]
fn households_are_listed_in_address_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let village = store.add_village("红星村").unwrap();
    let numbers = [10, 2, 1, 21, 3, 100, 9];
    for (i, n) in numbers.iter().enumerate() {
        store
            .add_household(&NewHousehold {
                village_id: village.clone(),
                address: format!("三组{n}号"),
                head: NewPerson {
                    name: "张三".into(),
                    id_number: id_number(i as u32),
                    ..NewPerson::default()
                },
                ..NewHousehold::default()
            })
            .unwrap();
    }
    let want: Vec<String> = [1, 2, 3, 9, 10, 21, 100]
        .iter()
        .map(|n| format!("三组{n}号"))
        .collect();
    let all: Vec<String> = store
        .households(Some(&village))
        .unwrap()
        .into_iter()
        .map(|h| h.address)
        .collect();
    assert_eq!(all, want);
    let mut paged = Vec::new();
    for offset in (0..numbers.len()).step_by(3) {
        let (total, rows) = store.households_page(Some(&village), offset, 3).unwrap();
        assert_eq!(total, numbers.len() as i64);
        paged.extend(rows.into_iter().map(|h| h.address));
    }
    assert_eq!(paged, want);
    let never_checked: Vec<String> = store
        .coverage(7, Some(&village))
        .unwrap()
        .into_iter()
        .map(|c| c.address)
        .collect();
    assert_eq!(never_checked, want);
    assert!(store.reindex(true).unwrap().equal);
}
