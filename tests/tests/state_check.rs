//! The pure commands that give the browser tests' fake backend the store's own view of cases
//! and defaults, run through the real binary against the store's commands on a real SQLite
//! file: `case state-check` dates a case's phases and gives its control state on a day as
//! `case show` and the checkpoint's `match` do, at every phase boundary and with an open
//! escalation; `policy builtin` and `rules builtin` are what a fresh store lists; `pass qr`
//! draws the code `pass issue --qr` writes.

use std::path::PathBuf;

use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::{json, Value};

/// 10:00 on the day the control states are read.
const NOW: &str = "2026-12-07T10:00";
const TODAY: &str = "2026-12-07";

fn write(d: &Data, name: &str, value: &Value) -> PathBuf {
    let path = d.path().join(name);
    std::fs::write(&path, value.to_string()).expect("write input");
    path
}

/// A case as the fake keeps it: its store id, policy snapshot and start.
struct Case {
    id: String,
    id_number: String,
    spec: Value,
    start: String,
    escalated: bool,
}

#[test]
fn state_check_dates_and_states_cases_as_case_show_and_match_do() {
    let mut d = Data::new();
    d.now = Some(NOW.to_owned());
    let village = str_of(&d.json("village add --name 桂花村"), "id").to_owned();
    let checkpoint = str_of(
        &d.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    let policies = d.json("policy list");
    // (policy, day 1, whether a fever opens an escalation): day 1 of a case, the last day of
    // the only phase, past the end (awaiting release), the first day of a second phase, the
    // last day of a first phase, a daily-monitoring tail, a case starting tomorrow, and an
    // escalated one.
    let plan = [
        ("home-isolation", "2026-12-07", false),
        ("home-isolation", "2026-11-24", false),
        ("home-isolation", "2026-11-20", false),
        ("high-risk-arrival", "2026-11-23", false),
        ("medium-risk-arrival", "2026-11-24", false),
        ("post-discharge", "2026-10-01", false),
        ("home-isolation", "2026-12-08", false),
        ("yellow-code", "2026-12-01", true),
    ];
    let mut cases: Vec<Case> = Vec::new();
    for (i, (code, start, fever)) in plan.iter().enumerate() {
        let id_number = mainland_id(500 + i as u64);
        let h = d.json(&format!(
            "household add --village {village} --address 桂花村一组{i}号 --head-name 张{} \
             --head-id {id_number}",
            ["一", "二", "三", "四", "五", "六", "七", "八"][i]
        ));
        let person = str_of(&h, "person_id");
        let p = array(&policies)
            .iter()
            .find(|p| p["code"] == *code)
            .unwrap_or_else(|| panic!("no built-in {code}"));
        let case = str_of(
            &d.json(&format!(
                "case start --person {person} --policy {} --start {start}",
                str_of(p, "id")
            )),
            "case_id",
        )
        .to_owned();
        if *fever {
            d.json(&format!(
                "check record {case} --temp 38.2 --at 2026-12-07T08:30"
            ));
        }
        // The case keeps the policy as it was when it started: the built-in.
        cases.push(Case {
            spec: p["spec"].clone(),
            id: case,
            id_number,
            start: (*start).to_owned(),
            escalated: *fever,
        });
    }
    let input = json!({
        "on": TODAY,
        "cases": cases.iter().map(|c| json!({
            "id": c.id, "policy": c.spec, "start": c.start, "escalated": c.escalated,
        })).collect::<Vec<_>>(),
    });
    let answers = d.pure_ok("case state-check", &input);
    assert_eq!(array(&answers).len(), cases.len(), "{answers}");
    let mut kinds = Vec::new();
    for (c, a) in cases.iter().zip(array(&answers)) {
        let shown = d.json(&format!("case show {}", c.id));
        assert_eq!(a["end"], shown["end"], "{a} / {shown}");
        assert_eq!(a["phases"], shown["phases"], "{a} / {shown}");
        let hits = d.json(&format!("match {} --checkpoint {checkpoint}", c.id_number));
        let hit = &array(&hits)[0];
        assert_eq!(
            a["control"],
            hit.get("isolation").cloned().unwrap_or(Value::Null),
            "{} from {}: {a} / {hit}",
            c.id,
            c.start
        );
        kinds.push(a["control"]["kind"].as_str().unwrap_or("none").to_owned());
    }
    // Every kind of state was met, so the comparison covered them all.
    assert_eq!(
        kinds,
        [
            "home-isolation",
            "home-isolation",
            "home-isolation",
            "home-isolation",
            "centralized",
            "home-monitoring",
            "none",
            "referral"
        ],
        "{answers}"
    );
    assert_eq!(answers[2]["control"]["awaiting_release"], true, "{answers}");
    assert_eq!(answers[0]["control"]["label"], "居家隔离第1天，至12月20日");

    // A policy the store would refuse is refused on its field, as `policy check` refuses it.
    let mut bad = cases[0].spec.clone();
    bad["fever_tenths"] = json!(300);
    let out = d.pure(
        "case state-check",
        &json!({ "on": TODAY, "cases": [{ "policy": bad, "start": TODAY }] }),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let e: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(e["error"]["field"], "fever_tenths", "{e}");
}

#[test]
fn builtins_are_what_a_fresh_store_lists() {
    let d = Data::new();
    let policies = d.json("policy builtin");
    assert!(array(&policies).len() >= 4, "{policies}");
    assert_eq!(policies, d.json("policy list"));
    let rules = d.json("rules builtin");
    assert_eq!(rules, d.json("rules show"));
    // Edits of the township change the store's lists, not the built-ins.
    let mut spec = array(&policies)
        .iter()
        .find(|p| p["code"] == "home-isolation")
        .map(|p| p["spec"].clone())
        .expect("home isolation");
    spec["test_days"] = json!([1, 4, 7, 14]);
    let file = write(&d, "policy.json", &spec);
    d.json(&format!(
        "policy set home-isolation --file {}",
        file.display()
    ));
    assert_ne!(policies, d.json("policy list"));
    assert_eq!(policies, d.json("policy builtin"));
}

#[test]
fn pass_qr_draws_the_code_pass_issue_writes() {
    let mut d = Data::new();
    d.now = Some(NOW.to_owned());
    let village = str_of(&d.json("village add --name 桂花村"), "id").to_owned();
    let h = d.json(&format!(
        "household add --village {village} --address 桂花村一组1号 --head-name 张三 --head-id {}",
        mainland_id(600)
    ));
    let qr = d.path().join("pass.svg");
    let pass = d.json(&format!(
        "pass issue --household {} --from 2026-12-07T12:00 --to 2026-12-07T18:00 --qr {}",
        str_of(&h, "household_id"),
        qr.display()
    ));
    let number = str_of(&pass, "number");
    let written = std::fs::read_to_string(&qr).expect("QR file");
    assert!(written.starts_with("<?xml"), "{written}");
    // Typed as a volunteer would, or scanned with its prefix: the same code.
    let typed = format!(" {}-{} ", &number[..4], &number[4..].to_lowercase());
    for n in [number.to_owned(), typed, format!("GRIDBOOK-PASS:{number}")] {
        let svg = d.pure_ok("pass qr", &json!({ "number": n }));
        assert_eq!(svg.as_str(), Some(written.as_str()), "{n}");
    }
    // A wrong check character is refused as the app refuses it.
    let mut wrong = number.to_owned();
    let last = wrong.pop().expect("a number");
    wrong.push(if last == '2' { '3' } else { '2' });
    let out = d.pure("pass qr", &json!({ "number": wrong }));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
