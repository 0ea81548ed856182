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
