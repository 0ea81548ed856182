//! The command line narrows its lists to a group (组) by the rule the overview counts the
//! group with: `household list`, `case list`, `due` and `coverage` given `--group` list as
//! many records as the overview's figures of that group say.

use gridbook_tests::procs::Data;
use gridbook_tests::{array, int_of as n, str_of};
use serde_json::Value;

const NOW: &str = "2026-12-05T11:20";
const TODAY: &str = "2026-12-05";

#[test]
fn the_lists_narrowed_to_a_group_are_as_long_as_its_figures() {
    let mut d = Data::new();
    d.now = Some(NOW.into());
    d.json("demo --villages 2 --households 60 --seed 3 --activity");
    let o = d.json(&format!("overview --date {TODAY}"));
    // The three groups with the most open cases (each command is a process: a few suffice).
    let mut groups: Vec<(&str, &Value)> = array(&o["villages"])
        .iter()
        .flat_map(|v| {
            array(&v["groups"])
                .iter()
                .map(move |g| (str_of(v, "id"), g))
        })
        .collect();
    groups.sort_by_key(|(_, g)| -n(g, "cases_active"));
    groups.truncate(3);
    let (mut cases, mut follow_ups) = (0, 0);
    for &(vid, g) in &groups {
        let gid = str_of(g, "id");
        let listed = d.json(&format!("household list --village {vid} --group {gid}"));
        let listed = array(&listed);
        assert_eq!(listed.len() as i64, n(g, "households"), "{g}");
        assert!(listed.iter().all(|h| str_of(h, "group_id") == gid));

        let all = d.json(&format!("case list --group {gid}"));
        let open = array(&all)
            .iter()
            .filter(|c| matches!(str_of(c, "status"), "active" | "escalated" | "referred"))
            .count() as i64;
        assert_eq!(open, n(g, "cases_active"), "{g}");
        let escalated = d.json(&format!("case list --escalation --group {gid}"));
        assert_eq!(array(&escalated).len() as i64, n(g, "escalated"), "{g}");

        let due = d.json(&format!("due --date {TODAY} --group {gid}"));
        let due = array(&due);
        for status in ["due", "done", "overdue", "missed"] {
            let listed = due.iter().filter(|r| str_of(r, "status") == status);
            assert_eq!(listed.count() as i64, n(g, status), "{status}: {g}");
        }

        let uncovered = d.json(&format!("coverage --days 7 --village {vid} --group {gid}"));
        let covered = n(g, "households") - array(&uncovered).len() as i64;
        let share = g["coverage"].as_f64().unwrap_or(-1.0);
        let whole = n(g, "households").max(1) as f64;
        assert!(
            (share - covered as f64 / whole).abs() < 0.0006,
            "{share}: {g}"
        );
        cases += open;
        follow_ups += due.len();
    }
    assert!(
        groups.len() == 3 && cases > 0 && follow_ups > 0,
        "{groups:?} {cases} {follow_ups}"
    );
    // A group is an id: anything else is refused, not read as no narrowing.
    let out = d.run("household list --group 3组");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("编号"));
}
