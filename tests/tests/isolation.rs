//! Isolation follow-ups end to end: cases
//! driven through the `gridbook` binary on real SQLite files, with `GRIDBOOK_NOW` moving the
//! device clock through a day, and two devices syncing through a real relay process.
//!
//! What must hold: a slot is due, then overdue, then missed; a check fills it; fever, symptoms
//! or a positive test escalate; release is refused (exit 3, the reason in Chinese) until the
//! period is over, the tests are negative and no escalation is open; bad input exits 2 and
//! writes nothing; two checks of one slot made offline both survive a sync; a late check
//! after a release on another device is kept and flags the case for review. `reindex --check`
//! stays equal throughout.

use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

const NAMES: [&str; 3] = ["李明", "王芳", "张伟"];

/// A device with one village and `n` persons: (village id, person ids).
fn ledger(d: &Data, n: u64) -> (String, Vec<String>) {
    let village = str_of(&d.json("village add --name 清水村"), "id").to_owned();
    let persons = (0..n)
        .map(|i| {
            let h = d.json(&format!(
                "household add --village {village} --address 清水村一组{i}号 --head-name {} \
                 --head-id {}",
                NAMES[i as usize],
                mainland_id(100 + i)
            ));
            str_of(&h, "person_id").to_owned()
        })
        .collect();
    (village, persons)
}

/// The id of the built-in policy with `code`, as `policy list` shows it.
fn policy(d: &Data, code: &str) -> String {
    let list = d.json("policy list");
    let p = array(&list)
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no built-in {code}: {list}"));
    str_of(p, "id").to_owned()
}

fn start(d: &Data, person: &str, policy: &str, day1: &str) -> String {
    let c = d.json(&format!(
        "case start --person {person} --policy {policy} --start {day1}"
    ));
    str_of(&c, "case_id").to_owned()
}

/// The due rows of one case on one day, at the device's `now`.
fn due_of(d: &Data, case: &str, date: &str) -> Vec<Value> {
    array(&d.json(&format!("due --date {date}")))
        .iter()
        .filter(|r| r["case_id"] == case)
        .cloned()
        .collect()
}

fn statuses(rows: &[Value]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| (str_of(r, "kind").to_owned(), str_of(r, "status").to_owned()))
        .collect()
}

fn pair(kind: &str, status: &str) -> (String, String) {
    (kind.to_owned(), status.to_owned())
}

/// Runs a command that must fail with `code`; returns its stderr.
fn fails(d: &Data, cmdline: &str, code: i32) -> String {
    let out = d.run(cmdline);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "gridbook {cmdline}: {err}");
    err
}

#[test]
fn built_in_policies_show_on_a_fresh_device_with_the_same_ids_everywhere() {
    let (a, b) = (Data::new(), Data::new());
    let la = a.json("policy list");
    assert!(array(&la).len() >= 6, "{la}");
    assert_eq!(la, b.json("policy list"), "two devices derive the same ids");
    assert!(
        a.doc_ids().is_empty(),
        "listing wrote nothing: {:?}",
        a.doc_ids()
    );
    let high = array(&la)
        .iter()
        .find(|p| p["code"] == "high-risk-arrival")
        .unwrap_or_else(|| panic!("{la}"));
    assert_eq!(high["spec"]["test_days"].as_array().map(Vec::len), Some(4));
}

#[test]
fn policies_are_added_and_edited_as_validated_data() {
    let d = Data::new();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("p.json");
    let mut spec = array(&d.json("policy list"))[0]["spec"].clone();
    spec["id"] = "village-rule".into();
    spec["name"] = "本村返乡人员".into();
    std::fs::write(&file, spec.to_string()).expect("write");
    let id = str_of(
        &d.json(&format!("policy add --file {}", file.display())),
        "id",
    )
    .to_owned();
    let list = d.json("policy list");
    assert!(array(&list)
        .iter()
        .any(|p| p["id"] == id.as_str() && p["name"] == "本村返乡人员"));

    spec["test_days"] = serde_json::json!([99]);
    std::fs::write(&file, spec.to_string()).expect("write");
    let before = d.heads();
    let err = fails(
        &d,
        &format!("--json policy set {id} --file {}", file.display()),
        2,
    );
    assert!(err.contains("test_days"), "{err}");
    assert_eq!(d.heads(), before, "nothing written");

    // Editing a built-in replaces it under the same id; running cases keep their snapshot.
    let home = policy(&d, "home-isolation");
    let (_, persons) = ledger(&d, 1);
    let case = start(&d, &persons[0], &home, "2026-03-01");
    let mut edited = array(&d.json("policy list"))
        .iter()
        .find(|p| p["id"] == home.as_str())
        .map(|p| p["spec"].clone())
        .expect("home");
    edited["phases"][0]["days"] = 10.into();
    std::fs::write(&file, edited.to_string()).expect("write");
    d.ok(&format!("policy set {home} --file {}", file.display()));
    assert_eq!(policy(&d, "home-isolation"), home);
    assert_eq!(d.json(&format!("case show {case}"))["end"], "2026-03-14");
    d.reindex_check();
}

#[test]
fn a_case_runs_from_due_to_release() {
    let mut d = Data::new();
    let (_, persons) = ledger(&d, 1);
    let policy = policy(&d, "returnee-monitoring"); // 14 days, 08:00–10:00, tests days 7, 14
    let case = start(&d, &persons[0], &policy, "2026-03-02");

    d.now = Some("2026-03-02T07:00".into());
    let rows = due_of(&d, &case, "2026-03-02");
    assert_eq!(statuses(&rows), [pair("check", "due")]);
    assert_eq!(rows[0]["window_start"], "2026-03-02T08:00");
    assert_eq!(rows[0]["window_end"], "2026-03-02T10:00");
    assert_eq!(rows[0]["person_id"], persons[0].as_str());
    assert_eq!(rows[0]["name"], "李明");
    assert_eq!(rows[0]["village"], "清水村");
    d.now = Some("2026-03-02T10:30".into());
    assert_eq!(
        statuses(&due_of(&d, &case, "2026-03-02")),
        [pair("check", "overdue")]
    );
    d.now = Some("2026-03-03T00:30".into());
    assert_eq!(
        statuses(&due_of(&d, &case, "2026-03-02")),
        [pair("check", "missed")]
    );
    assert!(
        due_of(&d, &case, "2026-03-01").is_empty(),
        "nothing before day 1"
    );

    d.now = Some("2026-03-03T08:30".into());
    let v = d.json(&format!("check record {case} --temp 36.6 --method video"));
    assert_eq!(v["escalated"], false, "{v}");
    assert!(!str_of(&v, "visit_id").is_empty());
    assert_eq!(
        statuses(&due_of(&d, &case, "2026-03-03")),
        [pair("check", "done")]
    );

    // Day 7: the check and the test; the test is done once recorded.
    d.now = Some("2026-03-08T12:00".into());
    assert_eq!(
        statuses(&due_of(&d, &case, "2026-03-08")),
        [pair("test", "due"), pair("check", "overdue")],
        "by window start: the whole-day test first"
    );
    let t = d.json(&format!(
        "test record {case} --date 2026-03-08 --result negative"
    ));
    assert_eq!(t["escalated"], false, "{t}");
    assert_eq!(
        statuses(&due_of(&d, &case, "2026-03-08")),
        [pair("test", "done"), pair("check", "overdue")]
    );

    // Release refused while the period runs, then for the missing day-14 test.
    let err = fails(&d, &format!("case release {case} --on 2026-03-10"), 3);
    assert!(err.contains("健康监测期未满"), "{err}");
    let err = fails(&d, &format!("case release {case} --on 2026-03-16"), 3);
    assert!(err.contains("第 14 天核酸未采样"), "{err}");
    assert_eq!(d.json(&format!("case show {case}"))["status"], "active");

    d.json(&format!(
        "test record {case} --date 2026-03-15 --result negative"
    ));
    // Only day 2 had a check: the other 13 days were missed, so release needs a reason.
    let err = fails(&d, &format!("case release {case} --on 2026-03-16"), 3);
    assert!(err.contains("未随访（共 13 天）"), "{err}");
    let cert = d.json(&format!(
        "case release {case} --on 2026-03-16 --reason 网格员轮换，随访记录未录入"
    ));
    assert_eq!(
        cert["missed_days"].as_array().map(Vec::len),
        Some(13),
        "{cert}"
    );
    assert_eq!(cert["person_name"], "李明", "{cert}");
    // The ID number masked, as the app's screen shows it: in full on the printed certificate
    // only (a printout, logged), and no reveal recorded for the release.
    assert_eq!(
        cert["id_number"],
        gridbook_domain::privacy::mask_id_number(&mainland_id(100)),
        "{cert}"
    );
    assert!(
        !array(&d.json("export-log"))
            .iter()
            .any(|e| e["kind"] == "reveal"),
        "no reveal"
    );
    assert_eq!(cert["released_on"], "2026-03-16");
    assert_eq!(cert["tests"].as_array().map(Vec::len), Some(2), "{cert}");
    let shown = d.json(&format!("case show {case}"));
    assert_eq!(shown["status"], "released", "{shown}");
    assert_eq!(shown["needs_review"], false, "{shown}");
    assert_eq!(shown["visits"].as_array().map(Vec::len), Some(1));
    assert_eq!(shown["tests"].as_array().map(Vec::len), Some(2));
    assert_eq!(shown["phases"][0]["days"], 14, "{shown}");
    assert_eq!(
        shown["certificate"], cert,
        "the case shows the certificate as released"
    );
    assert!(
        due_of(&d, &case, "2026-03-15").is_empty(),
        "released: nothing due"
    );
    fails(&d, &format!("case release {case} --on 2026-03-17"), 3);
    let list = d.json("case list --status released");
    assert_eq!(array(&list).len(), 1, "{list}");
    assert!(array(&d.json("case list --status active")).is_empty());
    d.reindex_check();
}

#[test]
fn a_case_is_transferred_or_cancelled_with_a_note_and_then_off_the_due_list() {
    let d = Data::new();
    let (_, persons) = ledger(&d, 2);
    let policy = policy(&d, "home-isolation");
    let moved = start(&d, &persons[0], &policy, "2026-03-02");
    let wrong = start(&d, &persons[1], &policy, "2026-03-02");
    assert_eq!(due_of(&d, &moved, "2026-03-03").len(), 2);

    // No note, or a status that is not an ending: refused, nothing written.
    let err = fails(&d, &format!("case close {moved} --status transferred"), 2);
    assert!(err.contains("转出去向或撤销原因"), "{err}");
    let err = fails(
        &d,
        &format!("case close {moved} --status released --note x"),
        2,
    );
    assert!(err.contains("transferred"), "{err}");
    assert_eq!(
        str_of(&d.json(&format!("case show {moved}")), "status"),
        "active"
    );

    d.ok(&format!(
        "case close {moved} --status transferred --note 转至县集中隔离点"
    ));
    d.ok(&format!(
        "case close {wrong} --status cancelled --note 红码系信息录入错误，已转绿码"
    ));
    let shown = d.json(&format!("case show {moved}"));
    assert_eq!(str_of(&shown, "status"), "transferred");
    assert_eq!(str_of(&shown, "close_note"), "转至县集中隔离点");
    assert_eq!(
        str_of(&d.json(&format!("case show {wrong}")), "status"),
        "cancelled"
    );
    // Off the due list, and no second ending.
    assert!(due_of(&d, &moved, "2026-03-03").is_empty());
    assert!(due_of(&d, &wrong, "2026-03-03").is_empty());
    let err = fails(
        &d,
        &format!("case close {moved} --status cancelled --note x"),
        3,
    );
    assert!(err.contains("不能"), "{err}");
    // The projection of the new column is what a rebuild gives.
    d.reindex_check();
}

#[test]
fn fever_symptoms_and_positive_tests_escalate_and_block_release() {
    let mut d = Data::new();
    d.now = Some("2026-04-02T09:00".into());
    let (_, persons) = ledger(&d, 3);
    let home = policy(&d, "home-isolation"); // 14 days, no tests
    let fever = start(&d, &persons[0], &home, "2026-04-01");
    let cough = start(&d, &persons[1], &home, "2026-04-01");
    let positive = start(&d, &persons[2], &home, "2026-04-01");

    let v = d.json(&format!("check record {fever} --temp 37.3"));
    assert_eq!(v["escalated"], true, "37.3 is a fever: {v}");
    let v = d.json(&format!(
        "check record {cough} --temp 36.5 --symptoms 干咳,fatigue"
    ));
    assert_eq!(v["escalated"], true, "{v}");
    let t = d.json(&format!(
        "test record {positive} --date 2026-04-02 --result positive"
    ));
    assert_eq!(t["escalated"], true, "{t}");
    for case in [&fever, &cough, &positive] {
        let shown = d.json(&format!("case show {case}"));
        assert_eq!(shown["status"], "escalated", "{shown}");
        assert_eq!(
            shown["referrals"].as_array().map(Vec::len),
            Some(1),
            "{shown}"
        );
    }
    assert_eq!(array(&d.json("case list --status escalated")).len(), 3);

    let err = fails(&d, &format!("case release {fever} --on 2026-04-20"), 3);
    assert!(err.contains("有未关闭的发热转诊"), "{err}");
    let err = fails(&d, &format!("case release {positive} --on 2026-04-20"), 3);
    assert!(err.contains("核酸阳性"), "{err}");

    // The fever clinic clears the person: the case is active again and can end well.
    d.ok(&format!(
        "case referral {fever} --outcome cleared --note 排除"
    ));
    assert_eq!(d.json(&format!("case show {fever}"))["status"], "active");
    // Home isolation ends with a normal check on or after the last day (04-14).
    d.json(&format!(
        "check record {fever} --temp 36.4 --at 2026-04-15T09:00"
    ));
    d.json(&format!(
        "case release {fever} --on 2026-04-20 --reason 转诊期间由发热门诊随访"
    ));
    assert_eq!(d.json(&format!("case show {fever}"))["status"], "released");
    d.reindex_check();
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let mut d = Data::new();
    d.now = Some("2026-05-02T09:00".into());
    let (village, persons) = ledger(&d, 1);
    let home = policy(&d, "home-isolation");
    let case = start(&d, &persons[0], &home, "2026-05-01");
    let before = d.heads();
    let shown = d.json(&format!("case show {case}"));
    for cmdline in [
        format!("check record {case} --temp 45"),
        format!("check record {case} --temp abc"),
        format!("check record {case} --temp 98.6F"),
        format!("check record {case} --temp 36.5 --symptoms 头晕眼花"),
        format!("check record {case} --temp 36.5 --method fax"),
        format!("check record {case} --temp 36.5 --at 2026-04-30T09:00"),
        format!("check record {case} --temp 36.5 --at tomorrow"),
        "check record 00000000-0000-0000-0000-000000000000 --temp 36.5".to_owned(),
        format!("test record {case} --date 2026-05-02 --result maybe"),
        format!("test record {case} --date 05/02/2026 --result negative"),
        format!("case start --person {village} --policy {home} --start 2026-05-01"),
        format!(
            "case start --person {} --policy no-such --start 2026-05-01",
            persons[0]
        ),
        format!(
            "case start --person {} --policy {home} --start soon",
            persons[0]
        ),
        format!(
            "case start --person {} --policy {home} --start 2026-05-01 --place hotel",
            persons[0]
        ),
        format!("case release {case} --on someday"),
    ] {
        let err = fails(&d, &format!("--json {cmdline}"), 2);
        let e: Value = serde_json::from_str(err.trim()).unwrap_or_else(|_| panic!("{err}"));
        assert!(e["error"]["message"].is_string(), "{cmdline}: {err}");
    }
    assert_eq!(d.heads(), before, "nothing written");
    assert_eq!(d.json(&format!("case show {case}")), shown);
    // A second open case for the same person is refused, not invalid.
    fails(
        &d,
        &format!(
            "case start --person {} --policy {home} --start 2026-05-03",
            persons[0]
        ),
        3,
    );
    d.reindex_check();
}

/// A relay with a one-village township and two grid workers of that village, synced.
struct World {
    t: Township,
    a: Data,
    b: Data,
    person: String,
}

fn world() -> World {
    let t = Township::demo("--villages 1 --households 3 --seed 5");
    let village = t.villages[0].clone();
    let h = t.relay.json(&format!("household list --village {village}"));
    let person = str_of(&array(&h)[0], "head_person_id").to_owned();
    let a = t.device("grid-worker", Some(&village), "网格员甲").data;
    let b = t.device("grid-worker", Some(&village), "网格员乙").data;
    World { t, a, b, person }
}

fn sync_all(w: &World) {
    for d in [&w.a, &w.b, &w.a] {
        let s = d.sync();
        assert!(s["refused"].as_array().is_none_or(Vec::is_empty), "{s}");
    }
}

#[test]
fn two_checks_of_one_slot_made_offline_are_both_kept() {
    let mut w = world();
    w.a.now = Some("2026-06-02T08:30".into());
    w.b.now = w.a.now.clone();
    let home = policy(&w.a, "home-isolation");
    let case = start(&w.a, &w.person, &home, "2026-06-01");
    sync_all(&w);
    assert_eq!(w.b.json(&format!("case show {case}"))["status"], "active");

    let va = w.a.json(&format!("check record {case} --temp 36.4"));
    let vb =
        w.b.json(&format!("check record {case} --temp 36.7 --method visit"));
    sync_all(&w);
    for (who, d) in [("A", &w.a), ("B", &w.b), ("relay", &w.t.relay)] {
        let shown = d.json(&format!("case show {case}"));
        let ids: Vec<&str> = array(&shown["visits"])
            .iter()
            .map(|v| str_of(v, "id"))
            .collect();
        assert_eq!(ids.len(), 2, "{who}: {shown}");
        assert!(ids.contains(&str_of(&va, "visit_id")), "{who}: {shown}");
        assert!(ids.contains(&str_of(&vb, "visit_id")), "{who}: {shown}");
        d.reindex_check();
    }
    assert_eq!(
        statuses(&due_of(&w.b, &case, "2026-06-02")),
        [pair("check", "done"), pair("check", "due")],
        "one slot is filled, not the afternoon's"
    );
    assert_eq!(w.a.heads(), w.b.heads());
}

#[test]
fn a_late_check_after_a_release_elsewhere_is_kept_and_flags_review() {
    let mut w = world();
    w.a.now = Some("2026-06-14T17:00".into());
    w.b.now = w.a.now.clone();
    let home = policy(&w.a, "home-isolation");
    let case = start(&w.a, &w.person, &home, "2026-06-01");
    w.a.json(&format!("check record {case} --temp 36.5"));
    sync_all(&w);

    w.a.json(&format!(
        "case release {case} --on 2026-06-15 --reason 前13天由卫生院电话随访"
    ));
    let late = w.b.json(&format!(
        "check record {case} --temp 36.8 --at 2026-06-14T17:30"
    ));
    sync_all(&w);
    for (who, d) in [("A", &w.a), ("B", &w.b), ("relay", &w.t.relay)] {
        let shown = d.json(&format!("case show {case}"));
        assert_eq!(shown["status"], "released", "{who}: {shown}");
        assert_eq!(shown["needs_review"], true, "{who}: {shown}");
        let ids: Vec<&str> = array(&shown["visits"])
            .iter()
            .map(|v| str_of(v, "id"))
            .collect();
        assert_eq!(ids.len(), 2, "{who}: {shown}");
        assert!(ids.contains(&str_of(&late, "visit_id")), "{who}: {shown}");
        d.reindex_check();
    }
}

/// `case release-check` with the case's policy and facts as `case show` and `policy list`
/// give them, with the person's name and ID number (what the browser tests' fake sends): its
/// answer for a day.
fn release_check(
    d: &Data,
    case: &str,
    on: &str,
    open_escalation: bool,
    reason: Option<&str>,
) -> Value {
    let shown = d.json(&format!("case show {case}"));
    let spec = array(&d.json("policy list"))
        .iter()
        .find(|p| p["id"] == shown["policy_id"])
        .map(|p| p["spec"].clone())
        .expect("the case's policy");
    let checks: Vec<Value> = array(&shown["visits"])
        .iter()
        .map(|v| {
            let tenths = v["temperature"].as_f64().map(|t| (t * 10.0).round() as i64);
            serde_json::json!({ "date": v["at"], "temp_tenths": tenths, "symptoms": v["symptoms"] })
        })
        .collect();
    let tests: Vec<Value> = array(&shown["tests"])
        .iter()
        .map(|t| serde_json::json!({ "date": t["date"], "result": t["result"] }))
        .collect();
    let input = serde_json::json!({
        "policy": spec, "start": shown["start"], "on": on, "tests": tests, "checks": checks,
        "open_escalation": open_escalation, "reason": reason, "person_name": shown["name"],
        "id_number": mainland_id(100),
    });
    let path = d.path().join("release-check.json");
    std::fs::write(&path, input.to_string()).expect("write input");
    d.json(&format!("case release-check --input {}", path.display()))
}

#[test]
fn release_check_without_a_store_refuses_as_release_does() {
    let mut d = Data::new();
    d.now = Some("2026-04-02T09:00".into());
    let (_, persons) = ledger(&d, 1);
    let home = policy(&d, "home-isolation");
    let case = start(&d, &persons[0], &home, "2026-04-01");
    d.json(&format!("check record {case} --temp 37.6 --symptoms 干咳"));
    d.json(&format!(
        "check record {case} --temp 36.4 --at 2026-04-15T09:00"
    ));
    for (on, open) in [("2026-04-10", true), ("2026-04-20", true)] {
        let answer = release_check(&d, &case, on, open, None);
        assert_eq!(answer["releasable"], false, "{answer}");
        let out = d.run(&format!("--json case release {case} --on {on}"));
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        let refused: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
        assert_eq!(answer["message"], refused["error"]["message"], "on {on}");
        assert_eq!(
            answer["message_en"], refused["error"]["message_en"],
            "on {on}"
        );
    }
    let open = release_check(&d, &case, "2026-04-20", true, None);
    assert!(str_of(&open, "code").contains("open-escalation"), "{open}");
    // Cleared by the fever clinic: release still wants a reason for the missed days, and
    // the command says so as release does.
    d.ok(&format!(
        "case referral {case} --outcome cleared --note 排除"
    ));
    let answer = release_check(&d, &case, "2026-04-20", false, None);
    assert_eq!(answer["code"], "missed-days", "{answer}");
    let out = d.run(&format!("--json case release {case} --on 2026-04-20"));
    let refused: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(answer["message"], refused["error"]["message"]);
    // With a reason both agree it can be released (the normal check of 04-15 is the final
    // check the policy asks for).
    let reason = "转诊期间由发热门诊随访";
    let answer = release_check(&d, &case, "2026-04-20", false, Some(reason));
    assert_eq!(answer["releasable"], true, "{answer}");
    assert!(answer.get("code").is_none(), "{answer}");
    // The certificate is the one release issues (which shows the ID number masked).
    let released = d.json(&format!(
        "case release {case} --on 2026-04-20 --reason 转诊期间由发热门诊随访"
    ));
    let mut certificate = answer["certificate"].clone();
    assert_eq!(certificate["id_number"], mainland_id(100).as_str());
    assert_eq!(certificate["reason"], reason, "{certificate}");
    assert!(
        !array(&certificate["missed_days"]).is_empty(),
        "{certificate}"
    );
    certificate["id_number"] = released["id_number"].clone();
    assert_eq!(certificate, released);
    assert_eq!(d.json(&format!("case show {case}"))["status"], "released");
}
