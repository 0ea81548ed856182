//! The isolation rules without a store (`policy check`, `check review`, `test review`, `case
//! due-check`), run through the real binary against what the store's own commands do with the
//! same data on a real SQLite file: the browser tests' fake backend asks these commands, so
//! each must answer exactly as the store does, at the boundaries of its rule.

use std::path::PathBuf;
use std::process::Output;

use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::{json, Value};

/// A device with one village and `n` persons (their ids).
fn persons(d: &Data, n: u64) -> Vec<String> {
    let village = str_of(&d.json("village add --name 清水村"), "id").to_owned();
    (0..n)
        .map(|i| {
            let h = d.json(&format!(
                "household add --village {village} --address 清水村一组{i}号 --head-name 李明{} \
                 --head-id {}",
                ["甲", "乙", "丙", "丁"][i as usize % 4],
                mainland_id(300 + i)
            ));
            str_of(&h, "person_id").to_owned()
        })
        .collect()
}

/// The built-in policy with `code`: (its id, its spec), as `policy list` shows them.
fn builtin(d: &Data, code: &str) -> (String, Value) {
    let list = d.json("policy list");
    let p = array(&list)
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no built-in {code}: {list}"));
    (str_of(p, "id").to_owned(), p["spec"].clone())
}

fn write(d: &Data, name: &str, value: &Value) -> PathBuf {
    let path = d.path().join(name);
    std::fs::write(&path, value.to_string()).expect("write input");
    path
}

fn error(out: &Output) -> Value {
    let e: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    e["error"].clone()
}

fn start(d: &Data, person: &str, policy: &str, day1: &str) -> String {
    let c = d.json(&format!(
        "case start --person {person} --policy {policy} --start {day1}"
    ));
    str_of(&c, "case_id").to_owned()
}

#[test]
fn policy_check_keeps_and_refuses_what_policy_add_does() {
    let d = Data::new();
    let (_, spec) = builtin(&d, "home-isolation");
    // The threshold runs from 36.0 to 42.0 ℃: 35.5 and 35.9 are refused like 42.1.
    for (tenths, ok) in [
        (355, false),
        (359, false),
        (360, true),
        (373, true),
        (420, true),
        (421, false),
    ] {
        let mut p = spec.clone();
        p["fever_tenths"] = json!(tenths);
        p["id"] = json!(format!("custom-{tenths}"));
        let checked = d.pure("policy check", &p);
        let file = write(&d, "policy.json", &p);
        let added = d.run(&format!("--json policy add --file {}", file.display()));
        assert_eq!(checked.status.code(), added.status.code(), "{tenths}");
        if ok {
            assert!(checked.status.success(), "{tenths}: {checked:?}");
            let kept: Value = serde_json::from_slice(&checked.stdout).expect("policy");
            assert_eq!(kept["fever_tenths"], tenths);
            assert_eq!(kept["test_days"], spec["test_days"]);
            // Its summary is the one the policy list shows for the policy added.
            let list = d.json("policy list");
            let listed = array(&list)
                .iter()
                .find(|r| r["spec"]["fever_tenths"] == tenths && r["builtin"] == false)
                .unwrap_or_else(|| panic!("{tenths} not listed: {list}"));
            assert_eq!(kept["summary_zh"], listed["summary"], "{tenths}");
            assert!(str_of(&kept, "summary_zh").contains("天"), "{kept}");
        } else {
            assert_eq!(checked.status.code(), Some(2), "{tenths}");
            let (c, a) = (error(&checked), error(&added));
            assert_eq!(c["field"], "fever_tenths", "{c}");
            assert_eq!(c["field"], a["field"]);
            assert_eq!(c["message"], a["message"]);
            assert!(str_of(&c, "message").contains("36.0–42.0℃"), "{c}");
        }
    }
    // Another problem than the threshold: a test day beyond the policy.
    let mut p = spec.clone();
    p["test_days"] = json!([1, 15]);
    let checked = d.pure("policy check", &p);
    assert_eq!(checked.status.code(), Some(2));
    assert_eq!(error(&checked)["field"], "test_days");
}

#[test]
fn check_review_escalates_as_check_record_does() {
    let mut d = Data::new();
    d.now = Some("2026-04-02T09:00".into());
    let people = persons(&d, 2);
    let (home, spec) = builtin(&d, "home-isolation");
    // A township policy with the lowest threshold allowed, 36.0 ℃, beside the built-in 37.3 ℃.
    let mut low = spec.clone();
    low["id"] = json!("low-fever");
    low["fever_tenths"] = json!(360);
    let file = write(&d, "low.json", &low);
    let low_id = str_of(
        &d.json(&format!("policy add --file {}", file.display())),
        "id",
    )
    .to_owned();
    let cases = [
        (start(&d, &people[0], &low_id, "2026-04-01"), 360),
        (start(&d, &people[1], &home, "2026-04-01"), 373),
    ];
    for (case, threshold) in &cases {
        for (temp, tenths, symptom) in [
            ("35.9", 359, None),
            ("36.0", 360, None),
            ("37.2", 372, None),
            ("37.3", 373, None),
            ("36.4", 364, Some("dry-cough")),
        ] {
            let symptoms: Vec<&str> = symptom.into_iter().collect();
            let form =
                json!({ "case_id": case, "temp": temp, "symptoms": symptoms, "method": "phone" });
            let input = json!({ "checks": [{ "fever_tenths": threshold, "form": form }] });
            let review = d.pure_ok("check review", &input)[0].clone();
            let flags = symptom
                .map(|s| format!(" --symptoms {s}"))
                .unwrap_or_default();
            let recorded = d.json(&format!("check record {case} --temp {temp}{flags}"));
            let want = tenths >= *threshold || symptom.is_some();
            assert_eq!(review["escalated"], want, "{temp} at {threshold}: {review}");
            assert_eq!(review["escalated"], recorded["escalated"], "{temp}");
            assert_eq!(
                review["reason"], recorded["reason"],
                "{temp} at {threshold}"
            );
            assert_eq!(review["temp_tenths"], tenths);
        }
    }
    // A temperature the store refuses is refused alike, on the same field.
    let form = json!({ "case_id": cases[0].0, "temp": "3.75", "method": "phone" });
    let refused = d.pure(
        "check review",
        &json!({ "checks": [{ "fever_tenths": 373, "form": form }] }),
    );
    let stored = d.run(&format!("--json check record {} --temp 3.75", cases[0].0));
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(stored.status.code(), Some(2));
    assert_eq!(error(&refused)["message"], error(&stored)["message"]);
    assert_eq!(error(&refused)["field"], error(&stored)["field"]);
}

#[test]
fn test_review_escalates_a_positive_sample_as_the_store_does() {
    let mut d = Data::new();
    d.now = Some("2026-04-02T09:00".into());
    let people = persons(&d, 1);
    let (home, _) = builtin(&d, "home-isolation");
    let case = start(&d, &people[0], &home, "2026-04-01");
    let negative = d.pure_ok(
        "test review",
        &json!({ "date": "2026-04-01", "result": "negative" }),
    );
    assert_eq!(negative["escalated"], false);
    assert_eq!(negative["reason"], Value::Null);
    let positive = d.pure_ok(
        "test review",
        &json!({ "date": "2026-04-02", "result": "positive" }),
    );
    assert_eq!(positive["escalated"], true);
    let recorded = d.json(&format!(
        "test record {case} --date 2026-04-02 --result positive"
    ));
    assert_eq!(recorded["escalated"], true);
    let shown = d.json(&format!("case show {case}"));
    let reasons: Vec<&Value> = array(&shown["referrals"])
        .iter()
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(reasons, vec![&positive["reason"]], "{shown}");
    let bad = d.pure(
        "test review",
        &json!({ "date": "2026-04-02", "result": "maybe" }),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(error(&bad)["field"], "result");
}

/// The due rows of a case on `date` at `now`, as `due` lists them and as `case due-check`
/// answers for the same policy, start, checks and samples: (kind, day, start, end, status).
fn both_due(d: &Data, case: &str, date: &str, now: &str) -> (Vec<Value>, Vec<Value>) {
    let row = |r: &Value| {
        json!([
            r["kind"],
            r["day"],
            r["window_start"],
            r["window_end"],
            r["status"]
        ])
    };
    let listed = {
        let mut c = d.command(&format!("--json due --date {date}"));
        c.env("GRIDBOOK_NOW", now);
        let out = c.output().expect("run gridbook");
        assert!(out.status.success(), "{out:?}");
        let rows: Value = serde_json::from_slice(&out.stdout).expect("due rows");
        array(&rows)
            .iter()
            .filter(|r| r["case_id"] == case)
            .map(row)
            .collect()
    };
    let shown = d.json(&format!("case show {case}"));
    let list = d.json("policy list");
    let spec = array(&list)
        .iter()
        .find(|p| p["id"] == shown["policy_id"])
        .map(|p| p["spec"].clone())
        .expect("the case's policy");
    let checks: Vec<&Value> = array(&shown["visits"]).iter().map(|v| &v["at"]).collect();
    let tested = array(&shown["tests"]).iter().any(|t| t["date"] == date);
    let input = json!({
        "date": date, "now": now,
        "cases": [{ "policy": spec, "start": shown["start"], "checks": checks, "tested": tested }],
    });
    let answer = d.pure_ok("case due-check", &input);
    // `due` lists a day by window start (a test's slot opens at midnight), then kind.
    let mut answered: Vec<Value> = array(&answer[0]["slots"]).iter().map(row).collect();
    answered.sort_by_key(|r| (r[2].to_string(), r[0].to_string()));
    (listed, answered)
}

#[test]
fn due_check_lists_what_due_lists_at_every_boundary() {
    let mut d = Data::new();
    d.now = Some("2026-05-01T07:00".into());
    let people = persons(&d, 1);
    // Day 1 has a test: its slot spans the day, and the sample fills it.
    let (arrival, _) = builtin(&d, "high-risk-arrival");
    let case = start(&d, &people[0], &arrival, "2026-05-01");
    // Day 1: a check before the morning window fills it; day 2: a check at 10:00 (the end is
    // exclusive) fills the morning late, one at 18:00 the afternoon late; day 3: nothing.
    d.json(&format!(
        "check record {case} --temp 36.4 --at 2026-05-01T07:30"
    ));
    d.json(&format!(
        "check record {case} --temp 36.5 --at 2026-05-02T10:00"
    ));
    d.json(&format!(
        "check record {case} --temp 36.5 --at 2026-05-02T18:00"
    ));
    d.json(&format!(
        "test record {case} --date 2026-05-01 --result negative"
    ));
    let mut seen = Vec::new();
    for (date, now) in [
        ("2026-05-01", "2026-05-01T09:59"),
        ("2026-05-01", "2026-05-01T10:00"),
        ("2026-05-01", "2026-05-01T18:00"),
        ("2026-05-02", "2026-05-02T23:59"),
        ("2026-05-03", "2026-05-03T08:00"),
        ("2026-05-03", "2026-05-03T10:00"),
        ("2026-05-03", "2026-05-04T00:00"),
        ("2026-04-30", "2026-05-01T00:00"),
    ] {
        let (listed, answered) = both_due(&d, &case, date, now);
        assert_eq!(answered, listed, "{date} at {now}");
        seen.extend(
            listed
                .iter()
                .map(|r| r[4].as_str().unwrap_or_default().to_owned()),
        );
    }
    // The boundaries were met: every status turned up.
    for status in ["due", "done", "overdue", "missed"] {
        assert!(
            seen.iter().any(|s| s == status),
            "{status} never listed: {seen:?}"
        );
    }
    // The phase of the day and the last day of the case, as `case list --kind` reads them.
    let (_, spec) = builtin(&d, "home-isolation");
    let input = json!({ "date": "2026-05-14", "now": "2026-05-14T08:00", "cases": [
        { "policy": spec, "start": "2026-05-01" },
        { "policy": spec, "start": "2026-05-15" },
    ] });
    let answer = d.pure_ok("case due-check", &input);
    assert_eq!(answer[0]["phase"], "home-isolation");
    assert_eq!(answer[0]["end"], "2026-05-14");
    assert_eq!(answer[1]["phase"], Value::Null);
    assert!(array(&answer[1]["slots"]).is_empty());
}
