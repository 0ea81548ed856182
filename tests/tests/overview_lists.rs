//! The command line lists behind the overview's figures of persons by risk tag and 七类人, of
//! open cases by kind of isolation, of 升级 and of the day's follow-ups by state:
//! `person list --tag/--vulnerable`, `case list --kind/--escalation`, `followup list --state`,
//! each narrowed to the township, a village or a group, list as many records as the figure
//! says. Persons come with ID numbers masked, in JSON too; a value that is not a tag, a state
//! or a kind is refused with exit code 2.

use gridbook_tests::procs::Data;
use gridbook_tests::{array, int_of as n, str_of};
use serde_json::Value;

const NOW: &str = "2026-12-05T11:20";
const TODAY: &str = "2026-12-05";

/// The flags narrowing a list to a unit: none for the township, `--village`, and `--group`.
fn unit_flags(village: Option<&str>, group: Option<&str>) -> String {
    let mut f = String::new();
    if let Some(v) = village {
        f.push_str(&format!(" --village {v}"));
    }
    if let Some(g) = group {
        f.push_str(&format!(" --group {g}"));
    }
    f
}

/// Checks every new figure of one unit's counts `c` against the list it opens; returns how
/// many records the lists held.
fn check_unit(d: &Data, c: &Value, flags: &str) -> usize {
    let mut seen = 0;
    let persons = |extra: &str| {
        let rows = d.json(&format!("person list{flags}{extra}"));
        let rows = array(&rows).clone();
        for p in &rows {
            assert!(str_of(p, "id_number").contains('*'), "masked: {p}");
        }
        rows
    };
    assert_eq!(persons("").len() as i64, n(c, "persons_at_risk"), "{flags}");
    for (key, flag) in [("by_tag", "tag"), ("by_vulnerable", "vulnerable")] {
        let figures = c[key].as_object().expect("a figure per code");
        assert_eq!(figures.len(), 7, "{key}: {c}");
        for (code, want) in figures {
            let want = want.as_i64().expect("a count");
            // Each process opens the store: the codes the unit has, and one it has not.
            if want == 0 && code != "dialysis" && code != "red-code" {
                continue;
            }
            let rows = persons(&format!(" --{flag} {code}"));
            assert_eq!(rows.len() as i64, want, "{flags} {flag} {code}");
            let field = if flag == "tag" { "tags" } else { "vulnerable" };
            assert!(rows
                .iter()
                .all(|p| array(&p[field]).iter().any(|x| x == code.as_str())));
            seen += rows.len();
        }
    }
    let kinds = c["cases_by_kind"].as_object().expect("a figure per kind");
    let mut open = 0;
    for (kind, want) in kinds {
        let want = want.as_i64().expect("a count");
        open += want;
        if want == 0 {
            continue;
        }
        let rows = d.json(&format!("case list{flags} --kind {kind} --date {TODAY}"));
        assert_eq!(array(&rows).len() as i64, want, "{flags} kind {kind}");
        seen += array(&rows).len();
    }
    assert_eq!(open, n(c, "cases_active"), "the kinds add up: {c}");
    let escalated = d.json(&format!("case list{flags} --escalation"));
    assert_eq!(array(&escalated).len() as i64, n(c, "escalated"), "{flags}");
    assert!(array(&escalated)
        .iter()
        .all(|x| matches!(str_of(x, "status"), "escalated" | "referred")));
    for state in ["due", "done", "overdue", "missed"] {
        let rows = d.json(&format!(
            "followup list{flags} --date {TODAY} --state {state}"
        ));
        assert_eq!(array(&rows).len() as i64, n(c, state), "{flags} {state}");
        assert!(array(&rows).iter().all(|r| str_of(r, "status") == state));
        seen += array(&rows).len();
    }
    seen
}

#[test]
fn the_lists_behind_the_new_figures_are_as_long_as_the_figures() {
    let mut d = Data::new();
    d.now = Some(NOW.into());
    d.json("demo --villages 2 --households 80 --seed 5 --activity");
    let o = d.json(&format!("overview --date {TODAY}"));
    let mut seen = check_unit(&d, &o["township"], "");
    // The village and the group with the most open cases.
    let village = array(&o["villages"])
        .iter()
        .max_by_key(|v| n(v, "cases_active"))
        .expect("a village");
    let vid = str_of(village, "id");
    seen += check_unit(&d, village, &unit_flags(Some(vid), None));
    let group = array(&village["groups"])
        .iter()
        .max_by_key(|g| n(g, "cases_active"))
        .expect("a group");
    let gid = str_of(group, "id");
    seen += check_unit(&d, group, &unit_flags(Some(vid), Some(gid)));
    assert!(seen > 0 && n(group, "cases_active") > 0, "{group}");

    // Labels are read as codes.
    let by_label = d.json("person list --vulnerable 慢性病患者");
    let by_code = d.json("person list --vulnerable chronic");
    assert_eq!(by_label, by_code);
    assert!(!array(&by_code).is_empty());

    // Values that are not tags, states, kinds or ids: exit 2, nothing listed.
    for bad in [
        "person list --tag 'x,close-contact'",
        "person list --vulnerable nobody",
        "person list --group 3组",
        "followup list --state late",
        "case list --kind quarantine",
    ] {
        let out = d.run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty(), "{bad}");
    }
}
