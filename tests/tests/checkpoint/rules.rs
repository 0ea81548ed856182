//! The township's rules decide, overrides are recorded, bad fields exit 2 and write nothing.

use super::*;

#[test]
fn rules_decide_by_colour_fever_and_travel() {
    let g = site();
    let green = g.entry("--temp 36.5 --code green");
    assert_eq!(green["decision"], "allow", "{green}");
    assert_eq!(codes(&green["reasons"]), vec!["all-clear"], "{green}");
    assert_eq!(green["person_id"], Value::Null);
    assert_eq!(
        g.entry("--temp 36.5 --code yellow")["decision"],
        "turn-back"
    );
    let red = g.entry("--temp 36.5 --code red");
    assert_eq!(red["decision"], "observe", "{red}");
    assert!(!array(&red["reasons"]).is_empty(), "{red}");
    let fever = g.entry("--temp 37.6 --code green");
    assert_eq!(fever["decision"], "observe", "{fever}");
    assert_eq!(g.entry("--temp 37.2 --code green")["decision"], "allow");

    // Travel through an area only counts once the township lists it.
    let travel = "--temp 36.5 --code green --travel 武汉市江夏区";
    assert_eq!(g.entry(travel)["decision"], "allow");
    let mut rules = g.data.json("rules show");
    rules["risk_areas"] = serde_json::json!([
        { "name": "武汉市", "level": "high", "since": "2022-11-01" }
    ]);
    let file = g.data.path().join("rules.json");
    std::fs::write(&file, rules.to_string()).expect("write rules");
    g.data.ok(&format!("rules set --file {}", file.display()));
    assert_eq!(g.data.json("rules show")["risk_areas"], rules["risk_areas"]);
    let through = g.entry(travel);
    assert_eq!(through["decision"], "observe", "{through}");
    assert!(!codes(&through["reasons"]).is_empty());
    // The rest of the form is listed with the entry.
    g.entry("--temp 36.5 --code green --hukou 湖北省武汉市 --residence 桂花村 --purpose 返乡 --areas 武汉市");
    let entries = g.entries();
    assert_eq!(entries.len(), 8);
    let last = entries
        .iter()
        .find(|e| e["purpose"] == "返乡")
        .expect("the entry with a purpose");
    assert_eq!(last["hukou_place"], "湖北省武汉市");
    assert_eq!(last["residence"], "桂花村");
    assert_eq!(last["declared_areas"], serde_json::json!(["武汉市"]));
    // Only that entry has a purpose (entries of the same minute are listed in id order).
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["purpose"] == Value::Null)
            .count(),
        7
    );
    g.data.reindex_check();
}

#[test]
fn overrides_are_recorded_and_loosening_needs_a_note() {
    let g = site();
    let err = g.fails(&g.entry_cmd("--temp 36.5 --code red --decision allow"), 2);
    assert_eq!(err["field"], "note", "{err}");
    assert!(g.entries().is_empty(), "a refused override wrote an entry");

    let ok = g.entry("--temp 36.5 --code red --decision allow --note 持48小时内核酸阴性证明");
    assert_eq!(ok["decision"], "allow");
    assert_eq!(ok["suggested"], "observe");
    // Stricter than suggested needs no note.
    let strict = g.entry("--temp 36.5 --code green --decision turn-back");
    assert_eq!(strict["decision"], "turn-back");
    let list = g.entries();
    assert_eq!(list.len(), 2);
    let overridden: Vec<&Value> = list.iter().filter(|e| e["overridden"] == true).collect();
    assert_eq!(overridden.len(), 2, "{list:?}");
    let loosened = list
        .iter()
        .find(|e| e["decision"] == "allow")
        .expect("allowed entry");
    assert_eq!(loosened["note"], "持48小时内核酸阴性证明");
    assert_eq!(loosened["suggested"], "observe");
}

#[test]
fn bad_fields_exit_2_and_write_nothing() {
    let g = site();
    let docs_before = g.data.doc_ids();
    let cases = [
        (
            format!(
                "entry add --checkpoint {} --direction in --name 李四 --id-number {} \
                 --temp 36.5 --code green",
                g.checkpoint,
                with_wrong_check_char(&mainland_id(900))
            ),
            "id_number",
        ),
        (
            g.entry_cmd("--temp 36.5 --code green --phone 12345"),
            "phone",
        ),
        (g.entry_cmd("--temp 36.5 --code green --plate ABC"), "plate"),
        (g.entry_cmd("--temp 45.3 --code green"), "temperature"),
        (g.entry_cmd("--temp 36.5 --code purple"), "health_code"),
    ];
    for (cmd, field) in &cases {
        let err = g.fails(cmd, 2);
        assert_eq!(err["field"], *field, "{cmd}: {err}");
        let message = err["message"].as_str().unwrap_or_default();
        assert!(!message.is_ascii(), "message should be Chinese: {message}");
    }
    assert!(g.entries().is_empty());
    assert_eq!(
        g.data.doc_ids(),
        docs_before,
        "an invalid entry created a document"
    );
}

/// `checkpoint judge` and `rules check` with `input` on stdin, in a directory holding no store.
fn pure(data: &gridbook_tests::procs::Data, cmdline: &str, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = data
        .command(&format!("--json {cmdline}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn gridbook");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("gridbook ran")
}

#[test]
fn judge_applies_the_rules_given_to_a_partial_form_without_a_store() {
    let data = gridbook_tests::procs::Data::new();
    let mut rules = serde_json::to_value(gridbook_domain::checkpoint::DecisionRules::default())
        .expect("rules as JSON");
    rules["fever_tenths"] = 370.into();
    rules["risk_areas"] = serde_json::json!([
        { "name": "武汉市", "level": "high", "since": "2022-11-20" }
    ]);
    let judge = |form: Value, at: &str| {
        let input = serde_json::json!({ "rules": rules, "form": form, "at": at });
        let out = pure(&data, "checkpoint judge", &input.to_string());
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout).expect("one JSON value")
    };
    // No identity: 37.1 is a fever under the edited threshold.
    let fever = judge(
        serde_json::json!({ "direction": "in", "temp": "37.1", "code": "green" }),
        NOW,
    );
    assert_eq!(fever["decision"], "observe", "{fever}");
    assert_eq!(codes(&fever["reasons"]), vec!["fever"]);
    assert_eq!(
        fever["needs_note"],
        serde_json::json!(["allow", "turn-back"])
    );
    assert_eq!(fever["fever"], true);
    // The travel text counts from the area's day on.
    let travel =
        serde_json::json!({ "direction": "in", "temp": "36.5", "code": "green", "travel": "武汉" });
    assert_eq!(judge(travel.clone(), NOW)["decision"], "observe");
    assert_eq!(judge(travel, "2022-11-19T09:00")["decision"], "allow");
    // Nothing known yet: no suggestion.
    let none = judge(serde_json::json!({ "direction": "in", "code": "red" }), NOW);
    assert_eq!(none["decision"], Value::Null, "{none}");
    assert_eq!(
        (none["fever"].clone(), array(&none["needs_note"]).len()),
        (Value::Bool(false), 0)
    );
    // A control state given with the form: going out of home isolation is turned back.
    let input = serde_json::json!({
        "form": { "direction": "out", "temp": "36.5", "code": "green" },
        "isolation": { "kind": "home-isolation", "phase": "home-isolation", "day": 3,
                       "until": "2022-12-01", "awaiting_release": false },
        "at": NOW,
    });
    let out = pure(&data, "checkpoint judge", &input.to_string());
    let isolated: Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(isolated["decision"], "turn-back", "{isolated}");
    assert_eq!(isolated["reasons"][0]["zh"], "居家隔离第3天，至12月1日");
    // No store was opened or created.
    assert_eq!(std::fs::read_dir(data.path()).expect("dir").count(), 0);
}

#[test]
fn judge_and_rules_check_refuse_bad_input_with_exit_2() {
    let data = gridbook_tests::procs::Data::new();
    let error = |out: &std::process::Output| {
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let e: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
        e["error"].clone()
    };
    let e = error(&pure(&data, "checkpoint judge", "{\"form\": "));
    assert_eq!(e["kind"], "invalid");
    assert!(str_of(&e, "message").starts_with("判定输入格式有误"), "{e}");
    let e = error(&pure(
        &data,
        "checkpoint judge",
        r#"{"form": {}, "rule": {}}"#,
    ));
    assert!(str_of(&e, "message").contains("rule"), "{e}");
    let e = error(&pure(
        &data,
        "checkpoint judge",
        r#"{"form": {}, "at": "昨天"}"#,
    ));
    assert_eq!(e["field"], "at", "{e}");
    let mut rules = serde_json::to_value(gridbook_domain::checkpoint::DecisionRules::default())
        .expect("rules as JSON");
    rules["red_decision"] = "allow".into();
    let input = serde_json::json!({ "rules": rules, "form": {} }).to_string();
    let e = error(&pure(&data, "checkpoint judge", &input));
    assert_eq!(
        (e["field"].clone(), e["message"].clone()),
        ("red_decision".into(), "红码人员不能设为直接放行".into())
    );
    let e = error(&pure(&data, "rules check", &rules.to_string()));
    assert_eq!(e["field"], "red_decision");
    rules["red_decision"] = "observe".into();
    let out = pure(&data, "rules check", &rules.to_string());
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).expect("rules"),
        rules
    );
    assert_eq!(std::fs::read_dir(data.path()).expect("dir").count(), 0);
}
