//! Shifts: sign-in, handover and each checkpoint's own plan.

use super::*;

#[test]
fn shifts_sign_in_and_hand_over() {
    let g = site();
    let s = g.data.json(&format!(
        "shift start --checkpoint {} --staff 王五,赵六",
        g.checkpoint
    ));
    assert_eq!(s["staff"], "王五,赵六");
    assert_eq!(s["date"], DAY);
    let e = g.entry("--temp 36.5 --code green");
    assert_eq!(e["decision"], "allow");
    assert_eq!(g.entries()[0]["volunteer"], "王五");
    let h = g.data.json(&format!(
        "shift handover --checkpoint {} --note 无异常",
        g.checkpoint
    ));
    assert_eq!(h["handover_note"], "无异常");
    assert_eq!(h["id"], s["id"]);
    // A second handover does not overwrite the first one's note: nobody is signed in now.
    let out = g.data.run(&format!(
        "shift handover --checkpoint {} --note 再交一次",
        g.checkpoint
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已交班"));
    g.data.reindex_check();
}

#[test]
fn a_sign_in_never_handed_over_does_not_sign_the_next_shift() {
    let mut g = site();
    g.data.json(&format!(
        "shift start --checkpoint {} --staff 王五,赵六",
        g.checkpoint
    ));
    // The 08:00–16:00 team forgot to hand over; at 17:00 the next shift has not signed in.
    g.data.now = Some(format!("{DAY}T17:00"));
    g.entry("--temp 36.5 --code green");
    assert_eq!(g.entries()[0]["volunteer"], "未签到");
    // 15 minutes after the end of a shift (the handover grace), its team still signs.
    g.data.now = Some(format!("{DAY}T16:15"));
    g.entry("--temp 36.6 --code green");
    let names: Vec<String> = g
        .entries()
        .iter()
        .map(|e| str_of(e, "volunteer").to_owned())
        .collect();
    assert_eq!(names, vec!["王五", "未签到"]);
    // Handing over in the grace closes the ending shift; the next team signs in for its own.
    g.data.json(&format!(
        "shift handover --checkpoint {} --note 无异常",
        g.checkpoint
    ));
    g.data.json(&format!(
        "shift start --checkpoint {} --staff 钱七",
        g.checkpoint
    ));
    g.data.now = Some(format!("{DAY}T17:30"));
    g.entry("--temp 36.4 --code green");
    assert_eq!(g.entries()[2]["volunteer"], "钱七");
}

#[test]
fn each_checkpoint_runs_its_own_shift_plan() {
    let mut g = site();
    // Four 6-hour shifts of three at this checkpoint; a second one keeps the default.
    let set = g.data.json(&format!(
        "checkpoint shifts --checkpoint {} --shifts 06:00-12:00,12:00-18:00,18:00-00:00,00:00-06:00 \
         --staff-per-shift 3",
        g.checkpoint
    ));
    assert_eq!(set["shift_plan"]["staff_per_shift"], 3, "{set}");
    assert_eq!(array(&set["shift_plan"]["shifts"]).len(), 4);
    let other = str_of(
        &g.data.json(&format!(
            "checkpoint add --village {} --name 南口卡点 --shifts 07:00-19:00,19:00-07:00 \
             --staff-per-shift 1",
            g.village
        )),
        "id",
    )
    .to_owned();
    let default = str_of(
        &g.data.json(&format!(
            "checkpoint add --village {} --name 北口卡点",
            g.village
        )),
        "id",
    )
    .to_owned();
    // At 09:00 this checkpoint is in its first shift (06–12), the default one in its second
    // (08–16), the 12-hour one in its first (07–19).
    let index = |cp: &str| {
        let s = g
            .data
            .json(&format!("shift start --checkpoint {cp} --staff 王五"));
        s["index"].as_i64().expect("index")
    };
    assert_eq!(index(&g.checkpoint), 0);
    assert_eq!(index(&default), 1);
    assert_eq!(index(&other), 0);
    // At 13:00 the 06–12 team is past its grace: entries are unsigned; the 07–19 team signs.
    g.data.now = Some(format!("{DAY}T13:00"));
    g.entry("--temp 36.5 --code green");
    assert_eq!(g.entries()[0]["volunteer"], "未签到");
    let on_other = g.data.json(&format!(
        "entry add --checkpoint {other} --direction in --name 李四 --id-number {} \
         --temp 36.5 --code green",
        mainland_id(900)
    ));
    assert_eq!(on_other["decision"], "allow");
    let list = g
        .data
        .json(&format!("entry list --checkpoint {other} --date {DAY}"));
    assert_eq!(array(&list)[0]["volunteer"], "王五");
    // The handover at 12:10 closes the 06–12 shift (grace), not the default plan's.
    g.data.now = Some(format!("{DAY}T12:10"));
    let h = g.data.json(&format!(
        "shift handover --checkpoint {} --note 无异常",
        g.checkpoint
    ));
    assert_eq!(h["index"], 0, "{h}");
    g.data.reindex_check();
}

#[test]
fn a_bad_shift_plan_exits_2_and_changes_nothing() {
    let g = site();
    let before = g.data.json("checkpoint list");
    for (shifts, staff, field, says) in [
        ("08:00-16:00,17:00-08:00", "2", "shifts", "连续"),
        ("08:00-16:00,16:00-25:00", "2", "shifts", "HH:MM"),
        (
            "00:00-12:00,12:00-00:00",
            "0",
            "staff_per_shift",
            "每班人数",
        ),
        (
            "00:00-12:00,12:00-00:00",
            "21",
            "staff_per_shift",
            "每班人数",
        ),
    ] {
        let err = g.fails(
            &format!(
                "checkpoint shifts --checkpoint {} --shifts {shifts} --staff-per-shift {staff}",
                g.checkpoint
            ),
            2,
        );
        assert_eq!(err["field"], field, "{shifts}: {err}");
        assert!(
            err["message"].as_str().is_some_and(|m| m.contains(says)),
            "{err}"
        );
        let err = g.fails(
            &format!(
                "checkpoint add --village {} --name 新卡点 --shifts {shifts} \
                 --staff-per-shift {staff}",
                g.village
            ),
            2,
        );
        assert_eq!(err["field"], field, "{shifts}: {err}");
    }
    assert_eq!(g.data.json("checkpoint list"), before);
    assert_eq!(before[0]["shift_plan"]["staff_per_shift"], 2);
}
