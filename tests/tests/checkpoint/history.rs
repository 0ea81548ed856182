//! History reaches checkpoints, shifts, entries, cases and checks.

use super::*;

/// The `(field, new value)` of each change `history` lists for `id`.
fn changes(g: &Site, id: &str) -> Vec<(String, Value)> {
    array(&g.data.json(&format!("history {id}")))
        .iter()
        .map(|h| (str_of(h, "field").to_owned(), h["new"].clone()))
        .collect()
}

#[test]
fn history_reaches_checkpoints_shifts_entries_cases_and_checks() {
    let g = site();
    let has = |id: &str, field: &str, new: Value| {
        let list = changes(&g, id);
        assert!(
            list.iter().any(|(f, n)| f == field && *n == new),
            "history of {id} lacks {field}={new}: {list:?}"
        );
    };
    has(&g.checkpoint, "name", "村口卡点".into());
    let entry = g.entry("--temp 36.5 --code green");
    has(str_of(&entry, "entry_id"), "temperature_tenths", 365.into());
    let shift = g.data.json(&format!(
        "shift start --checkpoint {} --staff 王五",
        g.checkpoint
    ));
    assert!(!changes(&g, str_of(&shift, "id")).is_empty(), "{shift}");

    let policy = str_of(&array(&g.data.json("policy list"))[0], "id").to_owned();
    let case = g.data.json(&format!(
        "case start --person {} --policy {policy} --start {DAY}",
        g.head
    ));
    let case_id = str_of(&case, "case_id");
    has(case_id, "person_id", g.head.as_str().into());
    let check = g.data.json(&format!("check record {case_id} --temp 36.6"));
    assert!(
        !changes(&g, str_of(&check, "visit_id")).is_empty(),
        "{check}"
    );
    // A person and a village, as before.
    has(&g.head, "name", "张三丰".into());
    has(&g.village, "name", "桂花村".into());

    let unknown = g.fails("history 00000000-0000-4000-8000-000000000000", 2);
    assert_eq!(unknown["kind"], "not_found", "{unknown}");
}
