//! The pass and shift rules without a store (`pass issue-check`, `pass verify`, `shift
//! judge`), answering as the store's own commands do with the same data: the browser tests'
//! fake backend asks these commands instead of copying the rules.

use std::process::Output;

use serde_json::json;

use super::*;

/// `gridbook --json CMD --input FILE` with `input` written to FILE.
fn pure(g: &Site, cmd: &str, input: &Value) -> Output {
    let path = g.data.path().join("input.json");
    std::fs::write(&path, input.to_string()).expect("write input");
    g.data
        .run(&format!("--json {cmd} --input {}", path.display()))
}

fn answer(out: &Output) -> Value {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON answer")
}

fn error(out: &Output, code: i32) -> Value {
    assert_eq!(out.status.code(), Some(code), "{out:?}");
    let e: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    e["error"].clone()
}

#[test]
fn pass_issue_check_issues_and_refuses_as_pass_issue_does() {
    let g = site();
    for (from, to, ok) in [
        ("2022-11-20T08:00", "2022-11-21T08:00", true),
        ("2022-11-20T08:00", "2022-11-21T08:01", false),
        ("2022-11-20T08:00", "2022-11-20T08:00", false),
        ("2022-11-20T08:00", "2022-11-20T07:59", false),
        ("2022-11-20", "2022-11-20T12:00", false),
    ] {
        let checked = pure(&g, "pass issue-check", &json!({ "from": from, "to": to }));
        let issued = g.data.run(&format!(
            "--json pass issue --household {} --from {from} --to {to}",
            g.household
        ));
        assert_eq!(checked.status.code(), issued.status.code(), "{from}–{to}");
        if ok {
            let pass = answer(&checked);
            let stored: Value = serde_json::from_slice(&issued.stdout).expect("pass");
            assert_eq!(pass["valid_from"], stored["valid_from"]);
            assert_eq!(pass["valid_to"], stored["valid_to"]);
            assert_eq!(pass["valid_from"], format!("{from}:00"));
            // The number is one `pass verify` reads back as it is.
            let number = str_of(&pass, "number");
            let read = answer(&pure(&g, "pass verify", &json!({ "number": number })));
            assert_eq!(read["number"], number);
            assert_eq!(read["payload"], pass["payload"]);
        } else {
            let (c, i) = (error(&checked, 2), error(&issued, 2));
            assert_eq!(c["field"], i["field"], "{from}–{to}");
            assert_eq!(c["message"], i["message"], "{from}–{to}");
        }
    }
}

#[test]
fn pass_verify_judges_crossings_as_pass_check_does() {
    let g = site();
    let issue = |from: &str, to: &str| {
        let p = g.data.json(&format!(
            "pass issue --household {} --from {from} --to {to}",
            g.household
        ));
        str_of(&p, "number").to_owned()
    };
    let valid = issue("2022-11-20T08:00", "2022-11-20T12:00");
    let expired = issue("2022-11-19T10:00", "2022-11-20T09:00");
    let later = issue("2022-11-20T09:01", "2022-11-21T08:00");
    let resident = mainland_id(7);
    // The pass as `pass list` shows it, the crossings recorded on it (`uses`) with the ID
    // number of whoever went out on it.
    let verify = |number: &str, direction: &str, id: &str, uses: &[(&str, &str)]| {
        let list = g
            .data
            .json(&format!("pass list --household {}", g.household));
        let p = array(&list)
            .iter()
            .find(|p| p["number"] == number)
            .cloned()
            .expect("the pass");
        let uses: Vec<Value> = array(&p["uses"])
            .iter()
            .zip(uses)
            .map(|(u, (dir, who))| json!({ "at": u["at"], "direction": dir, "id_number": who }))
            .collect();
        let input = json!({ "number": number.to_lowercase(), "crossing": {
            "valid_from": p["valid_from"], "valid_to": p["valid_to"], "at": NOW,
            "direction": direction, "id_number": id, "uses": uses,
        } });
        answer(&pure(&g, "pass verify", &input))
    };
    let check = |number: &str, direction: &str, id: &str| {
        g.data.run(&format!(
            "--json pass check {number} --direction {direction} --id-number {id}"
        ))
    };
    let agree = |number: &str, direction: &str, id: &str, uses: &[(&str, &str)], code| {
        let v = verify(number, direction, id, uses);
        let out = check(number, direction, id);
        match code {
            None => {
                assert!(out.status.success(), "{number} {direction}: {out:?}");
                assert_eq!(v["ok"], true, "{v}");
            }
            Some(code) => {
                let e = error(&out, 3);
                assert_eq!(v["ok"], false);
                assert_eq!(v["code"], code, "{v}");
                assert_eq!(e["kind"], code);
                assert_eq!(v["message"], e["message"], "{number} {direction}");
                assert_eq!(v["message_en"], e["message_en"]);
            }
        }
    };
    // The window is [from, to): at 09:00 a pass ending at 09:00 has expired, one starting at
    // 09:01 is not valid yet.
    agree(&valid, "out", &resident, &[], None);
    agree(&expired, "out", &resident, &[], Some("expired"));
    agree(&later, "out", &resident, &[], Some("not-yet-valid"));
    agree(&valid, "in", &resident, &[], Some("not-out-on-pass"));
    g.data.json(&format!(
        "entry add --checkpoint {} --direction out --name 张三丰 --id-number {resident} \
         --temp 36.4 --code green --pass {valid}",
        g.checkpoint
    ));
    let went_out = [("out", resident.as_str())];
    agree(
        &valid,
        "out",
        &mainland_id(8),
        &went_out,
        Some("already-used"),
    );
    agree(&valid, "in", &resident, &went_out, None);
    agree(
        &valid,
        "in",
        &mainland_id(8),
        &went_out,
        Some("not-out-on-pass"),
    );
    // A mistyped number is refused alike, before any crossing.
    let typo = format!(
        "{}{}",
        &valid[..7],
        if valid.ends_with('2') { '3' } else { '2' }
    );
    let refused = error(&pure(&g, "pass verify", &json!({ "number": typo })), 2);
    let stored = error(&check(&typo, "out", &resident), 2);
    assert_eq!(refused["field"], "pass_number");
    assert_eq!(refused["message"], stored["message"]);
}

#[test]
fn shift_judge_checks_plans_and_places_shifts_as_the_store_does() {
    let g = site();
    let typed = |text: &str| -> Vec<Value> {
        text.split(',')
            .map(|p| {
                let (start, end) = p.split_once('-').unwrap_or((p, ""));
                json!({ "start": start, "end": end })
            })
            .collect()
    };
    for (shifts, staff) in [
        ("00:00-09:00,08:00-16:00,16:00-00:00", 2),
        ("00:00-16:00,16:00-08:00,08:00-00:00", 2),
        ("07:00-19:00,19:00-07:00", 0),
        ("07:00-19:00,19:00-07:00", 21),
        ("7点-19:00,19:00-07:00", 2),
    ] {
        let judged = pure(
            &g,
            "shift judge",
            &json!({ "shifts": typed(shifts), "staff_per_shift": staff }),
        );
        let set = g.data.run(&format!(
            "--json checkpoint shifts --checkpoint {} --shifts {shifts} --staff-per-shift {staff}",
            g.checkpoint
        ));
        let (j, s) = (error(&judged, 2), error(&set, 2));
        assert_eq!(j["field"], s["field"], "{shifts} × {staff}");
        assert_eq!(j["message"], s["message"], "{shifts} × {staff}");
    }
    // A good plan is kept as the store keeps it (24:00 is midnight).
    let plan = answer(&pure(
        &g,
        "shift judge",
        &json!({ "shifts": typed("07:00-19:00,19:00-24:00,00:00-07:00"), "staff_per_shift": 3 }),
    ));
    assert_eq!(
        plan["plan"]["shifts"][1],
        json!({ "start": "19:00", "end": "00:00" })
    );
    assert_eq!(plan["plan"]["staff_per_shift"], 3);

    // Sign-in at 09:00 and a handover ten minutes into the next shift, on the default plan.
    let default = typed("00:00-08:00,08:00-16:00,16:00-00:00");
    let judge = |at: &str, extra: Value| {
        let mut input = json!({ "shifts": default, "staff_per_shift": 2, "at": at });
        if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
            i.extend(e.clone());
        }
        pure(&g, "shift judge", &input)
    };
    let signed = answer(&judge(NOW, json!({ "staff": [" 王海 ", "刘洋"] })));
    let row = g.data.json(&format!(
        "shift start --checkpoint {} --staff 王海,刘洋",
        g.checkpoint
    ));
    assert_eq!(signed["sign_in"]["date"], row["date"]);
    assert_eq!(signed["sign_in"]["index"], row["index"]);
    assert_eq!(signed["sign_in"]["staff"], json!(["王海", "刘洋"]));
    assert_eq!(signed["on_duty"]["index"], 1);
    let twice = error(&judge(NOW, json!({ "staff": ["王海", "王海"] })), 2);
    let stored = error(
        &g.data.run(&format!(
            "--json shift start --checkpoint {} --staff 王海,王海",
            g.checkpoint
        )),
        2,
    );
    assert_eq!(twice["message"], stored["message"]);
    let late = "2022-11-20T16:10";
    let handed = answer(&judge(late, json!({ "note": "无异常" })));
    let mut c = g.data.command(&format!(
        "--json shift handover --checkpoint {} --note 无异常",
        g.checkpoint
    ));
    let out = c.env("GRIDBOOK_NOW", late).output().expect("run gridbook");
    let row: Value = serde_json::from_slice(&answer_bytes(&out)).expect("shift row");
    assert_eq!(handed["handover"]["index"], row["index"], "{handed} {row}");
    assert_eq!(handed["handover"]["date"], row["date"]);
    assert_eq!(handed["on_duty"]["index"], 2);
    let empty = error(&judge(late, json!({ "note": "  " })), 2);
    assert_eq!(empty["field"], "note");
}

fn answer_bytes(out: &Output) -> Vec<u8> {
    assert!(out.status.success(), "{out:?}");
    out.stdout.clone()
}
