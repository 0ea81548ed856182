//! The demo township with its recent weeks (`demo --activity`), as the README's first run
//! shows it: every screen has content — checks over the last weeks, cases at every stage, a
//! checkpoint with today's entries and a pass — written once, consistent with its documents.

use gridbook_tests::procs::Data;
use gridbook_tests::{array, str_of};
use serde_json::Value;

const NOW: &str = "2026-12-05T11:20";
const TODAY: &str = "2026-12-05";

fn demo(d: &Data) -> Value {
    d.json("demo --villages 2 --households 60 --seed 3 --activity")
}

#[test]
fn the_demo_shows_every_screen_with_content() {
    let mut d = Data::new();
    d.now = Some(NOW.into());
    let first = demo(&d);
    let a = &first["activity"];
    assert_eq!(a["already"], false, "{first}");
    assert_eq!(
        (a["cases"].as_u64(), a["passes"].as_u64()),
        (Some(6), Some(1)),
        "{a}"
    );
    assert!(a["entries"].as_u64().unwrap() >= 6, "{a}");
    // About seven households in eight were checked, on days over the last three weeks.
    let checks = a["checks"].as_u64().unwrap();
    assert!((40..=60).contains(&checks), "{a}");

    // Coverage: some households checked this week, some longer ago, some never.
    let week = array(&d.json("coverage --days 7")).len();
    let month = array(&d.json("coverage --days 30")).len();
    assert!(week > month && month > 0 && week < 60, "{week} {month}");

    // Cases at every stage: escalated, in a centralized site, due today, one releasable.
    let cases = d.json("case list");
    let cases = array(&cases);
    assert_eq!(cases.len(), 6);
    let status = |s: &str| cases.iter().filter(|c| str_of(c, "status") == s).count();
    assert_eq!(status("escalated"), 1);
    assert!(cases.iter().any(|c| str_of(c, "place") == "centralized"));
    let due = d.json(&format!("due --date {TODAY}"));
    assert!(
        array(&due).iter().any(|r| str_of(r, "status") != "done"),
        "{due}"
    );
    let over: Vec<&Value> = cases
        .iter()
        .filter(|c| str_of(c, "end") < TODAY && str_of(c, "status") == "active")
        .collect();
    assert_eq!(over.len(), 1, "one case has served its period");
    // It releases without a reason: no missed day, the final check made.
    let cert = d.json(&format!("case release {}", str_of(over[0], "id")));
    assert_eq!(cert["released_on"], TODAY, "{cert}");

    // The township's day: checkpoint crossings and checks, nothing empty.
    let o = d.json(&format!("overview --date {TODAY}"));
    let t = &o["township"];
    let crossings =
        t["checkpoint"]["in"].as_u64().unwrap() + t["checkpoint"]["out"].as_u64().unwrap();
    assert_eq!(crossings, a["entries"].as_u64().unwrap(), "{t}");
    assert!(t["coverage"].as_f64().unwrap() > 0.3, "{t}");
    assert_eq!(t["escalated"], 1, "{t}");

    // Once per store: a second run writes nothing, and the projections match the documents.
    let heads = d.heads();
    let again = demo(&d);
    assert_eq!(again["activity"]["already"], true, "{again}");
    assert_eq!(d.heads(), heads);
    d.ok("reindex --check");
}
