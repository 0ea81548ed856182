//! The records know each other: isolation at the checkpoint, passes and release,
//! through the `gridbook` command line on real SQLite files.
//!
//! What must hold: the ledger match and the entry carry the person's control state
//! (居家隔离第N天 / 待转诊 / 居家健康监测, with until when); an isolated resident going out is
//! turned back with that reason, an override needs a reason and shows on the case's timeline;
//! an open escalation means observe; home monitoring lets out only for allowed purposes; a
//! pass issued to a household says which member it does not cover and refuses them; release
//! with missed follow-up days needs `--reason` (kept on the certificate), and home isolation
//! needs a normal final check on or after the last day. `reindex --check` stays equal.

use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// 14:05 on day 3 of a home isolation that started on 12-05 (last day 12-18).
const NOW: &str = "2026-12-07T14:05";

/// A device with a village, a household (head 张三丰 not isolated, member 张小明 in home
/// isolation since 12-05) and a checkpoint.
struct World {
    d: Data,
    household: String,
    head_id: String,
    member: String,
    member_id: String,
    checkpoint: String,
    case: String,
}

fn policy(d: &Data, code: &str) -> String {
    let list = d.json("policy list");
    let p = array(&list)
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no built-in {code}: {list}"));
    str_of(p, "id").to_owned()
}

fn world() -> World {
    let mut d = Data::new();
    d.now = Some(NOW.to_owned());
    let village = str_of(&d.json("village add --name 桂花村"), "id").to_owned();
    let (head_id, member_id) = (mainland_id(7), mainland_id(8));
    let h = d.json(&format!(
        "household add --village {village} --address 桂花村一组1号 --head-name 张三丰 \
         --head-id {head_id}"
    ));
    let household = str_of(&h, "household_id").to_owned();
    let member = str_of(
        &d.json(&format!(
            "person add --household {household} --name 张小明 --id-number {member_id}"
        )),
        "person_id",
    )
    .to_owned();
    let checkpoint = str_of(
        &d.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    let home = policy(&d, "home-isolation");
    let case = str_of(
        &d.json(&format!(
            "case start --person {member} --policy {home} --start 2026-12-05"
        )),
        "case_id",
    )
    .to_owned();
    World {
        d,
        household,
        head_id,
        member,
        member_id,
        checkpoint,
        case,
    }
}

impl World {
    fn out_cmd(&self, id_number: &str, extra: &str) -> String {
        format!(
            "entry add --checkpoint {} --direction out --name 张小明 --id-number {id_number} \
             --temp 36.5 --code green {extra}",
            self.checkpoint
        )
    }

    /// Runs a command that must fail with `code`; returns the JSON error.
    fn fails(&self, cmdline: &str, code: i32) -> Value {
        let out = self.d.run(&format!("--json {cmdline}"));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmdline}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
        err["error"].clone()
    }
}

fn first_reason(entry: &Value) -> (String, String) {
    let r = &array(&entry["reasons"])[0];
    (str_of(r, "code").to_owned(), str_of(r, "zh").to_owned())
}

#[test]
fn an_isolated_resident_going_out_is_turned_back_and_an_override_shows_on_the_case() {
    let w = world();
    // The match card shows the state before anything is saved; the head has none.
    let hits = w.d.json(&format!("match 张 --checkpoint {}", w.checkpoint));
    let by_id = |id: &str| {
        array(&hits)
            .iter()
            .find(|h| h["id_number"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not matched: {hits}"))
    };
    let iso = &by_id(&w.member_id)["isolation"];
    assert_eq!(iso["label"], "居家隔离第3天，至12月18日", "{hits}");
    assert_eq!(iso["kind"], "home-isolation", "{hits}");
    assert_eq!(iso["until"], "2026-12-18", "{hits}");
    assert_eq!(iso["case_id"], w.case.as_str(), "{hits}");
    assert!(by_id(&w.head_id).get("isolation").is_none(), "{hits}");
    let text =
        w.d.ok(&format!("match 张小明 --checkpoint {}", w.checkpoint));
    assert!(text.contains("居家隔离第3天，至12月18日"), "{text}");

    // Going out: turned back with the reason.
    let e =
        w.d.json(&w.out_cmd(&w.member_id, "--purpose 买菜 --at 2026-12-07T14:00"));
    assert_eq!(e["decision"], "turn-back", "{e}");
    assert_eq!(
        first_reason(&e),
        ("isolation".into(), "居家隔离第3天，至12月18日".into())
    );
    assert_eq!(e["isolation"]["label"], "居家隔离第3天，至12月18日", "{e}");
    assert_eq!(e["person_id"], w.member.as_str(), "{e}");
    let text = w.d.ok(&w.out_cmd(&w.member_id, "--at 2026-12-07T14:01"));
    assert!(
        text.starts_with("劝返  居家隔离第3天，至12月18日"),
        "{text}"
    );
    // The head, not isolated, goes out freely.
    assert_eq!(w.d.json(&w.out_cmd(&w.head_id, ""))["decision"], "allow");

    // Overriding to let them out needs a reason; without one nothing is written.
    let err = w.fails(&w.out_cmd(&w.member_id, "--decision allow"), 2);
    assert_eq!(err["field"], "note", "{err}");
    let e =
        w.d.json(&w.out_cmd(&w.member_id, "--decision allow --note 就医"));
    assert_eq!(
        (&e["decision"], &e["suggested"]),
        (&"allow".into(), &"turn-back".into())
    );

    // The case's timeline shows the member's entries of the case, the override with its reason.
    let shown = w.d.json(&format!("case show {}", w.case));
    let lines: Vec<&str> = array(&shown["checkpoint_entries"])
        .iter()
        .map(|e| str_of(e, "line"))
        .collect();
    assert_eq!(
        lines,
        [
            "14:00 村口卡点登记外出，劝返",
            "14:01 村口卡点登记外出，劝返",
            "14:05 村口卡点登记外出，覆盖：就医",
        ],
        "{shown}"
    );
    let last = &array(&shown["checkpoint_entries"])[2];
    assert_eq!(
        (&last["day"], &last["overridden"]),
        (&3.into(), &true.into()),
        "{shown}"
    );
    // The case list stays light: no entries there.
    let list = w.d.json("case list");
    assert!(
        array(&list)[0].get("checkpoint_entries").is_none(),
        "{list}"
    );
    w.d.reindex_check();
}

#[test]
fn escalated_means_observe_and_monitoring_allows_only_its_purposes() {
    let w = world();
    let v = w.d.json(&format!("check record {} --temp 37.8", w.case));
    assert_eq!(v["escalated"], true, "{v}");
    for direction in ["out", "in"] {
        let e = w.d.json(&format!(
            "entry add --checkpoint {} --direction {direction} --name 张小明 --id-number {} \
             --temp 36.5 --code green --purpose 就医",
            w.checkpoint, w.member_id
        ));
        assert_eq!(e["decision"], "observe", "{direction}: {e}");
        assert_eq!(
            first_reason(&e),
            (
                "referral".into(),
                "待转诊（居家隔离第3天，至12月18日）".into()
            )
        );
    }
    let hits =
        w.d.json(&format!("match 张小明 --checkpoint {}", w.checkpoint));
    assert_eq!(array(&hits)[0]["isolation"]["kind"], "referral", "{hits}");
    // Cleared by the fever clinic: back to plain isolation.
    w.d.ok(&format!(
        "case referral {} --outcome cleared --note 排除",
        w.case
    ));
    let e = w.d.json(&w.out_cmd(&w.member_id, ""));
    assert_eq!(
        (e["decision"].as_str(), first_reason(&e).0.as_str()),
        (Some("turn-back"), "isolation")
    );

    // The head under home health monitoring: 就医 and 核酸 go out, a visit does not.
    let head = str_of(
        &array(&w.d.json(&format!("match 张三丰 --checkpoint {}", w.checkpoint)))[0],
        "person_id",
    )
    .to_owned();
    let monitoring = policy(&w.d, "returnee-monitoring");
    w.d.json(&format!(
        "case start --person {head} --policy {monitoring} --start 2026-12-01"
    ));
    let e = w.d.json(&w.out_cmd(&w.head_id, "--purpose 走亲戚"));
    assert_eq!(e["decision"], "turn-back", "{e}");
    assert_eq!(
        first_reason(&e).1,
        "居家健康监测第7天，至12月14日：不聚集、不流动（允许事由：就医、核酸）"
    );
    for purpose in ["去镇卫生院就医", "核酸检测"] {
        let e =
            w.d.json(&w.out_cmd(&w.head_id, &format!("--purpose {purpose}")));
        assert_eq!(e["decision"], "allow", "{purpose}: {e}");
        assert_eq!(first_reason(&e).0, "monitoring-allowed", "{e}");
    }
    w.d.reindex_check();
}

#[test]
fn a_pass_does_not_cover_the_isolated_member_and_refuses_them() {
    let w = world();
    let cmd = format!(
        "pass issue --household {} --from 2026-12-07T08:00 --to 2026-12-07T20:00",
        w.household
    );
    let p = w.d.json(&cmd);
    let excluded = array(&p["excluded"]);
    assert_eq!(excluded.len(), 1, "{p}");
    assert_eq!(excluded[0]["person_id"], w.member.as_str(), "{p}");
    assert_eq!(excluded[0]["name"], "张小明", "{p}");
    assert_eq!(
        excluded[0]["isolation"]["label"], "居家隔离第3天，至12月18日",
        "{p}"
    );
    let text = w.d.ok(&cmd);
    assert!(
        text.contains("本户有人在管控中，通行证不含：张小明（居家隔离第3天，至12月18日）"),
        "{text}"
    );
    let number = str_of(&p, "number");
    // The household's list shows it on the running pass.
    let passes = w.d.json(&format!("pass list --household {}", w.household));
    assert_eq!(
        array(&passes)[0]["excluded"][0]["name"],
        "张小明",
        "{passes}"
    );

    let err = w.fails(
        &format!("pass check {number} --id-number {}", w.member_id),
        3,
    );
    assert_eq!(err["kind"], "under-control", "{err}");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(message.contains("居家隔离第3天，至12月18日"), "{err}");
    // Going out on the pass is refused for the member, and nothing is written...
    let err = w.fails(&w.out_cmd(&w.member_id, &format!("--pass {number}")), 3);
    assert_eq!(err["kind"], "under-control", "{err}");
    let day = w.d.json(&format!(
        "entry list --checkpoint {} --date 2026-12-07",
        w.checkpoint
    ));
    assert!(array(&day).is_empty(), "{day}");
    // ...while the head uses it.
    w.d.ok(&format!("pass check {number} --id-number {}", w.head_id));
    let e =
        w.d.json(&w.out_cmd(&w.head_id, &format!("--pass {number}")));
    assert_eq!(e["decision"], "allow", "{e}");
    // A household with nobody under control: no word about it.
    let released = w.d.json(&format!(
        "case close {} --status cancelled --note 录入错误",
        w.case
    ));
    assert_eq!(released["status"], "cancelled");
    let p = w.d.json(&cmd);
    assert!(p["excluded"].as_array().is_none_or(Vec::is_empty), "{p}");
    w.d.reindex_check();
}

#[test]
fn release_needs_a_reason_for_missed_days_and_the_final_check() {
    let mut w = world();
    w.d.now = Some("2026-12-20T09:00".into());
    let case = &w.case;
    // Day 1 checked, days 2–14 (12-06 to 12-18) missed.
    w.d.json(&format!(
        "check record {case} --temp 36.5 --at 2026-12-05T08:30"
    ));
    let err = w.fails(&format!("case release {case} --on 2026-12-20"), 3);
    let message = err["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains("第 2、3、4、5、6、7、8、9、10、11、12、13、14 天未随访（共 13 天）"),
        "{err}"
    );
    assert!(message.contains("缺少期满体检"), "{err}");
    // A reason covers the missed days, never the final check.
    let err = w.fails(
        &format!("case release {case} --on 2026-12-20 --reason 包保人员因病缺岗"),
        3,
    );
    let message = err["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.starts_with("缺少期满体检：12月18日起"), "{err}");
    assert!(!message.contains("未随访"), "{err}");
    // A normal check after the last day is the final check: the missed days are left.
    w.d.json(&format!(
        "check record {case} --temp 36.2 --at 2026-12-19T09:00"
    ));
    let err = w.fails(&format!("case release {case} --on 2026-12-20"), 3);
    let message = err["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("未随访（共 13 天）"), "{err}");
    assert!(!message.contains("缺少期满体检"), "{err}");
    let shown = w.d.json(&format!("case show {case}"));
    assert_eq!(shown["status"], "active", "{shown}");

    let cert = w.d.json(&format!(
        "case release {case} --on 2026-12-20 --reason 包保人员因病缺岗"
    ));
    assert_eq!(cert["reason"], "包保人员因病缺岗", "{cert}");
    assert_eq!(array(&cert["missed_days"]).len(), 13, "{cert}");
    let shown = w.d.json(&format!("case show {case}"));
    assert_eq!(shown["status"], "released", "{shown}");
    assert_eq!(shown["release_reason"], "包保人员因病缺岗", "{shown}");
    assert_eq!(
        shown["certificate"]["reason"], "包保人员因病缺岗",
        "{shown}"
    );
    // Released: no longer under control at the checkpoint.
    let hits =
        w.d.json(&format!("match 张小明 --checkpoint {}", w.checkpoint));
    assert!(array(&hits)[0].get("isolation").is_none(), "{hits}");
    w.d.reindex_check();
}

#[test]
fn a_case_followed_every_day_releases_without_a_reason() {
    let mut w = world();
    w.d.now = Some("2026-12-19T10:00".into());
    for day in 5..=18 {
        w.d.json(&format!(
            "check record {} --temp 36.4 --at 2026-12-{day:02}T08:30",
            w.case
        ));
    }
    let cert =
        w.d.json(&format!("case release {} --on 2026-12-19", w.case));
    assert!(array(&cert["missed_days"]).is_empty(), "{cert}");
    assert_eq!(cert["reason"], Value::Null, "{cert}");
}

/// A listed policy shows whether its release needs the final check: what the township set,
/// or for a policy written without the setting, on exactly when a phase is home isolation
/// (the editor's switch shows what applies).
#[test]
fn listed_policies_say_whether_release_needs_the_final_check() {
    let d = Data::new();
    let final_check = |d: &Data, name: &str| {
        let list = d.json("policy list");
        array(&list)
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no policy {name}: {list}"))["spec"]["release"]["final_check"]
            .clone()
    };
    assert_eq!(final_check(&d, "居家隔离观察"), Value::Bool(true));
    assert_eq!(final_check(&d, "中风险地区来返人员"), Value::Bool(false));
    let file = d.path().join("policy.json");
    let mut spec = serde_json::json!({
        "id": "custom-site", "name": "集中观察", "name_en": "Observation at a site",
        "phases": [{"kind": "centralized", "days": 7, "checks": true}],
        "windows": [{"start": "08:00:00", "end": "10:00:00"}],
        "test_days": [1, 7], "visit_days": [], "fever_tenths": 373,
        "release": {"period_over": true, "tests_negative": true, "no_open_escalation": true}
    });
    std::fs::write(&file, spec.to_string()).unwrap();
    let site = d.ok(&format!("policy add --file {}", file.display()));
    assert_eq!(final_check(&d, "集中观察"), Value::Bool(false), "{site}");
    spec["name"] = "居家观察".into();
    spec["phases"] = serde_json::json!([{"kind": "home-isolation", "days": 7, "checks": true}]);
    std::fs::write(&file, spec.to_string()).unwrap();
    d.ok(&format!("policy add --file {}", file.display()));
    assert_eq!(final_check(&d, "居家观察"), Value::Bool(true));
    spec["name"] = "居家隔离（期满不体检）".into();
    spec["release"]["final_check"] = false.into();
    std::fs::write(&file, spec.to_string()).unwrap();
    d.ok(&format!(
        "policy set home-isolation --file {}",
        file.display()
    ));
    assert_eq!(
        final_check(&d, "居家隔离（期满不体检）"),
        Value::Bool(false)
    );
}
