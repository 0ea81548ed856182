//! Daily reports (日报告 / 零报告) and the township's overview,
//! through the `gridbook` binary and a real relay on 127.0.0.1.
//!
//! What must hold: lateness is judged against the township's deadlines in local time, and a
//! deadline moved by the township changes it; a 零报告 carries the day's figures like any report;
//! a group reported on two devices offline is one report once synced (the earliest time counts)
//! with both writes in its history; the roll-up is the sum of its parts; the status lists the
//! missing groups; a volunteer's report is refused by the relay; and `reindex --check` finds
//! the projections equal after all of it.

use std::collections::BTreeMap;

use gridbook_tests::procs::Data;
use gridbook_tests::township::{refused, Township};
use gridbook_tests::{array, str_of};
use serde_json::Value;

const DAY: &str = "2026-12-04";

/// A data directory whose clock reads `now` (local time).
fn at(now: &str) -> Data {
    let mut d = Data::new();
    d.now = Some(now.to_owned());
    d
}

/// A village: (id, name, [(group id, group name)]).
type Village = (String, String, Vec<(String, String)>);

/// Every village with its groups, in order.
fn grid(d: &Data) -> Vec<Village> {
    let groups = d.json("group list");
    array(&d.json("village list"))
        .iter()
        .map(|v| {
            let id = str_of(v, "id").to_owned();
            let mine = array(&groups)
                .iter()
                .filter(|g| str_of(g, "village_id") == id)
                .map(|g| (str_of(g, "id").to_owned(), str_of(g, "name").to_owned()))
                .collect();
            (id, str_of(v, "name").to_owned(), mine)
        })
        .collect()
}

/// The status row of a unit.
fn status_of<'a>(status: &'a Value, id: &str) -> &'a Value {
    array(status)
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no status for {id} in {status}"))
}

/// Every figure of a report as flat name → value (the maps flattened), for sums.
fn flat(figures: &Value) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (k, v) in figures.as_object().expect("figures object") {
        match v {
            Value::Object(m) => {
                for (kk, vv) in m {
                    out.insert(format!("{k}.{kk}"), vv.as_i64().expect("count"));
                }
            }
            v => {
                out.insert(k.clone(), v.as_i64().expect("count"));
            }
        }
    }
    out
}

fn add(into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>) {
    for (k, v) in from {
        *into.entry(k.clone()).or_default() += v;
    }
}

fn nonzero(m: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    m.iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

fn exit_code(d: &Data, cmdline: &str) -> Option<i32> {
    d.run(cmdline).status.code()
}

/// 1. Deadlines and lateness in local time, a 零报告, figures from the day's records, the
///    status with its missing groups, the texts, and bad input refused with nothing written.
#[test]
fn deadlines_lateness_zero_reports_and_texts() {
    let d = at(&format!("{DAY}T15:00"));
    d.json("demo --villages 2 --households 40 --seed 5");
    let villages = grid(&d);
    let (va, va_name, groups) = &villages[0];
    assert!(
        groups.len() >= 3,
        "the demo's village needs groups: {villages:?}"
    );
    let (g1, g1_name) = &groups[0];
    let (g2, _) = &groups[1];
    let (g3, _) = &groups[2];

    let deadlines = d.json("report deadlines");
    assert_eq!(
        deadlines,
        serde_json::json!({"group": "17:00", "village": "18:00"})
    );

    // A household of group 1 is verified today: the group's report counts it.
    let households = d.json(&format!("household list --village {va}"));
    let h1 = array(&households)
        .iter()
        .find(|h| h["group_id"] == g1.as_str())
        .expect("a household in group 1");
    let before = d.json(&format!(
        "report submit --group {g1} --date {DAY} --at {DAY}T14:00"
    ));
    d.ok(&format!("household verify {}", str_of(h1, "id")));

    let on_time = d.json(&format!(
        "report submit --group {g1} --date {DAY} --at {DAY}T16:32 --note 正常"
    ));
    assert_eq!(on_time["late"], false, "{on_time}");
    assert_eq!(
        on_time["report_id"], before["report_id"],
        "one record per group and day"
    );
    assert_eq!(
        on_time["figures"]["households_verified"].as_i64(),
        before["figures"]["households_verified"]
            .as_i64()
            .map(|n| n + 1),
        "the verification of today is counted: {before} → {on_time}"
    );

    let late_zero = d.json(&format!(
        "report submit --group {g2} --date {DAY} --zero --at {DAY}T17:05"
    ));
    assert_eq!(late_zero["late"], true, "17:05 is after 17:00: {late_zero}");
    assert_eq!(late_zero["zero"], true);
    assert!(
        late_zero["figures"].is_object(),
        "a 零报告 carries the figures: {late_zero}"
    );

    let status = d.json(&format!("report status --date {DAY}"));
    let s1 = status_of(&status, g1);
    assert_eq!(s1["state"], "submitted", "{s1}");
    assert_eq!(
        s1["submitted_at"],
        format!("{DAY}T14:00:00"),
        "the first submission counts"
    );
    assert_eq!(s1["due"], format!("{DAY}T17:00:00"));
    let s2 = status_of(&status, g2);
    assert_eq!(
        (
            s2["state"].as_str(),
            s2["late"].as_bool(),
            s2["zero"].as_bool()
        ),
        (Some("late"), Some(true), Some(true))
    );
    let s3 = status_of(&status, g3);
    assert_eq!(s3["state"], "missing");
    assert!(s3["submitted_at"].is_null());
    assert_eq!(status_of(&status, va)["state"], "missing");
    assert_eq!(status_of(&status, va)["level"], "village");
    assert_eq!(status_of(&status, va)["due"], format!("{DAY}T18:00:00"));
    let missing = array(&status)
        .iter()
        .filter(|s| s["state"] == "missing")
        .count();
    let units = villages.iter().map(|v| 1 + v.2.len()).sum::<usize>();
    assert_eq!(
        array(&status).len(),
        units,
        "every village and group is listed"
    );
    assert_eq!(missing, units - 2);

    // The township moves the group deadline: the 17:05 report is on time now.
    let moved = d.json("report deadlines --group 17:30");
    assert_eq!(
        moved,
        serde_json::json!({"group": "17:30", "village": "18:00"})
    );
    let status = d.json(&format!("report status --date {DAY}"));
    assert_eq!(status_of(&status, g2)["state"], "zero");
    // The village reports at 18:10: late by the village deadline.
    let village = d.json(&format!(
        "report submit --village {va} --date {DAY} --at {DAY}T18:10"
    ));
    assert_eq!(village["late"], true, "{village}");

    // The texts in the township's WeChat format.
    let text = d.ok(&format!("report text --group {g1} --date {DAY}"));
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("【{va_name}{g1_name} 日报告】12月4日"),
        "{text}"
    );
    assert!(
        text.contains("入户核查：") && text.contains("备注：正常"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("14:00"),
        "reporter and time last: {text}"
    );
    let text = d.ok(&format!("report text --group {g2} --date {DAY}"));
    assert!(
        text.starts_with(&format!("【{va_name}"))
            && text.lines().next().unwrap().contains("零报告"),
        "{text}"
    );
    let vtext = d.ok(&format!("report text --village {va} --date {DAY}"));
    assert!(
        vtext.starts_with(&format!("【{va_name} 日报告】12月4日（迟报）")),
        "{vtext}"
    );
    let groups_line = vtext
        .lines()
        .find(|l| l.starts_with("各组："))
        .expect("groups line");
    assert!(
        groups_line.contains(&format!("{g1_name} 已报14:00")),
        "{groups_line}"
    );
    assert!(
        groups_line.contains("未报"),
        "missing groups are marked: {groups_line}"
    );
    let table = d.ok(&format!("report text --date {DAY}"));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with(&format!("{va_name}｜{}｜", 1 + groups.len()))),
        "{table}"
    );

    // Bad input: exit 2 and nothing written.
    let heads = d.heads();
    for bad in [
        format!("report submit --group {g3} --date {DAY} --at 16:00"),
        format!("report submit --group {g3} --date 2026-12-05 --at {DAY}T16:00"),
        format!("report submit --group 00000000-0000-4000-8000-000000000000 --date {DAY}"),
        format!("report submit --group {g3} --village {va} --date {DAY}"),
        format!("report submit --date {DAY}"),
        format!("report submit --group {g3} --date {DAY} --note '\u{7}'"),
        "report deadlines --group 25:00".to_owned(),
        format!("report rollup --date {DAY} --to 2026-12-01"),
    ] {
        assert_eq!(exit_code(&d, &bad), Some(2), "{bad}");
    }
    assert_eq!(d.heads(), heads, "refused input wrote nothing");
    d.reindex_check();
}

/// 2. The roll-up is the sum of its parts: a village that reported counts its own report, one
///    that did not counts its groups' reports; the township is the sum of its villages; and
///    expected / actual / on time count every unit of every day.
#[test]
fn roll_up_is_the_sum_of_its_parts() {
    let d = at(&format!("{DAY}T16:00"));
    d.json("demo --villages 3 --households 90 --seed 8");
    let villages = grid(&d);
    // Something happens in each village today: households verified in each group.
    for (v, _, _) in &villages {
        for h in array(&d.json(&format!("household list --village {v}")))
            .iter()
            .step_by(4)
        {
            d.ok(&format!("household verify {}", str_of(h, "id")));
        }
    }
    let (va, _, ga) = &villages[0];
    let (vb, _, gb) = &villages[1];
    for (g, _) in ga {
        d.json(&format!(
            "report submit --group {g} --date {DAY} --at {DAY}T16:30"
        ));
    }
    d.json(&format!(
        "report submit --village {va} --date {DAY} --at {DAY}T17:50"
    ));
    // Village B: its groups only, one of them late, one missing.
    for (i, (g, _)) in gb.iter().enumerate().skip(1) {
        let time = if i == 1 { "17:20" } else { "16:45" };
        d.json(&format!(
            "report submit --group {g} --date {DAY} --at {DAY}T{time}"
        ));
    }

    let status = d.json(&format!("report status --date {DAY}"));
    let roll = d.json(&format!("report rollup --date {DAY}"));
    let rows = array(&roll["villages"]);
    assert_eq!(rows.len(), villages.len());
    let mut total = BTreeMap::new();
    let (mut expected, mut actual, mut on_time) = (0, 0, 0);
    for (row, (v, _, groups)) in rows.iter().zip(&villages) {
        assert_eq!(row["id"], v.as_str());
        add(&mut total, &flat(&row["figures"]));
        expected += row["expected"].as_i64().unwrap();
        actual += row["actual"].as_i64().unwrap();
        on_time += row["on_time"].as_i64().unwrap();
        assert_eq!(
            row["expected"].as_i64(),
            Some(1 + groups.len() as i64),
            "{row}"
        );
        assert_eq!(row["groups_total"].as_i64(), Some(groups.len() as i64));
        // The village's figures: its own report, else the sum of its groups' reports.
        let own = status_of(&status, v);
        let want = if own["figures"].is_object() {
            flat(&own["figures"])
        } else {
            let mut sum = BTreeMap::new();
            for (g, _) in groups {
                let s = status_of(&status, g);
                if s["figures"].is_object() {
                    add(&mut sum, &flat(&s["figures"]));
                }
            }
            sum
        };
        assert_eq!(
            nonzero(&flat(&row["figures"])),
            nonzero(&want),
            "village {v}"
        );
    }
    assert_eq!(
        nonzero(&flat(&roll["township"]["figures"])),
        nonzero(&total)
    );
    assert_eq!(roll["township"]["expected"].as_i64(), Some(expected));
    assert_eq!(roll["township"]["actual"].as_i64(), Some(actual));
    assert_eq!(roll["township"]["on_time"].as_i64(), Some(on_time));
    let a = &rows[0];
    assert_eq!(a["actual"], a["expected"], "village A is all in: {a}");
    assert_eq!(a["on_time"], a["expected"]);
    let b = &rows[1];
    assert_eq!(b["actual"].as_i64(), Some(gb.len() as i64 - 1), "{b}");
    assert_eq!(
        b["on_time"].as_i64(),
        Some(gb.len() as i64 - 2),
        "one late: {b}"
    );
    assert_eq!(b["groups_submitted"].as_i64(), Some(gb.len() as i64 - 1));
    assert!(
        flat(&roll["township"]["figures"])["households_verified"] > 0,
        "{roll}"
    );

    // The village's own figures are its groups' plus what has no group: never less.
    let va_fig = flat(&status_of(&status, va)["figures"]);
    let mut groups_sum = BTreeMap::new();
    for (g, _) in ga {
        add(&mut groups_sum, &flat(&status_of(&status, g)["figures"]));
    }
    assert_eq!(
        va_fig["households_verified"], groups_sum["households_verified"],
        "every demo household has a group"
    );

    // Over two days, the second with nothing reported: twice the reports due.
    let two = d.json(&format!("report rollup --date 2026-12-03 --to {DAY}"));
    assert_eq!(two["township"]["expected"].as_i64(), Some(2 * expected));
    assert_eq!(two["township"]["actual"].as_i64(), Some(actual));

    // The overview sees the same day.
    let o = d.json(&format!("overview --date {DAY}"));
    let ov = array(&o["villages"]);
    assert_eq!(ov.len(), villages.len());
    assert_eq!(ov[0]["report"], "submitted", "{}", ov[0]);
    assert_eq!(ov[1]["report"], "missing");
    assert_eq!(
        status_of(&status, vb)["state"],
        "missing",
        "village B did not report"
    );
    let households: i64 = ov.iter().map(|v| v["households"].as_i64().unwrap()).sum();
    assert_eq!(o["township"]["households"].as_i64(), Some(households));
    assert_eq!(households, 90);
    for v in ov {
        let c = v["coverage"].as_f64().unwrap();
        assert!(c > 0.0 && c < 1.0, "a quarter of households verified: {v}");
        for k in ["in", "out", "turned_back", "observed"] {
            assert!(v["checkpoint"][k].is_i64(), "{v}");
        }
        for k in [
            "persons",
            "cases_active",
            "escalated",
            "due",
            "overdue",
            "missed",
        ] {
            assert!(v[k].is_i64(), "{k}: {v}");
        }
    }
    d.reindex_check();
}

/// A device enrolled with `role` (in `village`, or the whole township), its clock at `now`.
fn device(w: &Township, role: &str, village: Option<&str>, name: &str, now: &str) -> Data {
    let d = at(now);
    w.enroll(&d, role, village, name);
    d
}

/// 3. Two grid workers report the same group offline: after syncing through the relay it is
///    one report (the earliest time decides), both writes are in its history, the township
///    sees it once; a volunteer's report is refused by the relay.
#[test]
fn a_group_reported_on_two_devices_is_counted_once() {
    let w = Township::demo("--villages 2 --households 30 --seed 11");
    let villages = grid(&w.relay);
    let (va, _, groups) = &villages[0];
    let (g1, _) = &groups[0];
    let (g2, _) = &groups[1];
    let now = format!("{DAY}T17:30");
    let a = device(&w, "grid-worker", Some(va), "甲网格员", &now);
    let b = device(&w, "grid-worker", Some(va), "乙网格员", &now);
    let town = device(&w, "township", None, "镇防控办", &now);
    let vol = device(&w, "volunteer", Some(va), "志愿者", &now);

    // Offline: both report group 1, at different times and with different notes.
    let ra = a.json(&format!(
        "report submit --group {g1} --date {DAY} --at {DAY}T16:40 --note 甲"
    ));
    let rb = b.json(&format!(
        "report submit --group {g1} --date {DAY} --at {DAY}T16:10 --note 乙"
    ));
    assert_eq!(
        ra["report_id"], rb["report_id"],
        "one key for the group and day"
    );
    let rid = str_of(&ra, "report_id").to_owned();
    for (d, who) in [(&a, "甲"), (&b, "乙"), (&a, "甲")] {
        let stats = d.sync();
        assert!(refused(&stats).is_empty(), "{who}: {stats}");
    }
    town.sync();

    let doc = format!("reports:{va}:2026-12");
    for (d, who) in [
        (&w.relay, "relay"),
        (&a, "甲"),
        (&b, "乙"),
        (&town, "township"),
    ] {
        assert!(d.doc_ids().contains(&doc), "{who} lacks {doc}");
        let status = d.json(&format!("report status --date {DAY}"));
        let s = status_of(&status, g1);
        assert_eq!(s["report_id"], rid.as_str(), "{who}: {s}");
        assert_eq!(
            s["submitted_at"],
            format!("{DAY}T16:10:00"),
            "{who}: the earliest counts"
        );
        assert_eq!(s["late"], false, "{who}");
        let roll = d.json(&format!("report rollup --date {DAY}"));
        let row = &array(&roll["villages"])[0];
        assert_eq!(row["actual"], 1, "{who}: counted once: {row}");
        assert_eq!(row["groups_submitted"], 1, "{who}");
    }
    assert_eq!(a.heads()[&doc], w.relay.heads()[&doc], "converged");
    assert_eq!(b.heads()[&doc], town.heads()[&doc], "converged");
    let history = w.relay.json(&format!("history {rid}"));
    let devices: std::collections::BTreeSet<&str> = array(&history)
        .iter()
        .map(|h| str_of(h, "device"))
        .collect();
    assert!(
        devices.contains("甲网格员") && devices.contains("乙网格员"),
        "both writes are kept: {history}"
    );
    let notes: Vec<&Value> = array(&history)
        .iter()
        .filter(|h| h["field"] == "note")
        .collect();
    assert_eq!(notes.len(), 2, "{history}");

    // A volunteer cannot report: its device refuses (as the relay would) and writes nothing.
    let heads = vol.heads();
    let out = vol.run(&format!(
        "report submit --group {g2} --date {DAY} --at {DAY}T16:00"
    ));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("不能修改日报"),
        "{out:?}"
    );
    assert_eq!(vol.heads(), heads, "a refused report wrote nothing");
    let before = w.relay.heads();
    let stats = vol.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    assert!(!vol.heads().contains_key(&doc), "{stats}");
    assert_eq!(w.relay.heads(), before, "a volunteer changed the relay");
    let status = w.relay.json(&format!("report status --date {DAY}"));
    assert_eq!(status_of(&status, g2)["state"], "missing");

    // The township's deadlines reach the devices; the village report of the township counts.
    town.json("report deadlines --group 16:30");
    town.json(&format!(
        "report submit --village {va} --date {DAY} --at {DAY}T17:00"
    ));
    assert!(refused(&town.sync()).is_empty());
    a.sync();
    assert_eq!(a.json("report deadlines")["group"], "16:30");
    let status = a.json(&format!("report status --date {DAY}"));
    assert_eq!(status_of(&status, va)["state"], "submitted");
    assert_eq!(
        status_of(&status, g1)["late"],
        false,
        "16:10 is before 16:30"
    );

    for d in [&w.relay, &a, &b, &town, &vol] {
        d.reindex_check();
    }
}
