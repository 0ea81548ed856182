//! The township's idle time (minutes before the app asks the PIN again) on the command line,
//! through the `gridbook` binary on real SQLite files and a real relay on 127.0.0.1.
//!
//! What must hold: `lock idle` shows it (5 when none was set); `lock idle --minutes N` sets it
//! on a township device (1–60) and it reaches a grid worker's phone through the relay; 0, 61, a
//! negative, a fraction, text or nothing is refused (exit 2, field `minutes`, in Chinese and
//! English) with the time unchanged; a grid worker's phone may not set it (exit 3) and its
//! time stays the township's.

use std::process::Output;

use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use serde_json::Value;

/// `gridbook --json lock idle --minutes <raw>` (the value passed as one argument, as typed).
fn set(d: &Data, raw: &str) -> Output {
    d.command("--json lock idle --minutes")
        .arg(raw)
        .output()
        .expect("run gridbook")
}

/// The minutes `lock idle --json` shows.
fn shown(d: &Data) -> u64 {
    let v = d.json("lock idle");
    v["minutes"]
        .as_u64()
        .unwrap_or_else(|| panic!("no minutes: {v}"))
}

/// A failed `--json` command: its exit code and error object.
fn failure(out: &Output) -> (Option<i32>, Value) {
    let err: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), err["error"].clone())
}

#[test]
fn the_township_sets_the_idle_time_within_bounds() {
    let d = Data::new();
    d.json("village add --name 东山村");
    assert_eq!(shown(&d), 5, "the default");

    for ok in ["1", "60", " 12 "] {
        let out = set(&d, ok);
        assert!(out.status.success(), "{ok:?}: {out:?}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["minutes"].as_u64(), ok.trim().parse().ok(), "{v}");
    }
    assert_eq!(shown(&d), 12);

    for wrong in ["0", "61", "-3", "7.5", "十", "abc", "", "99999999999"] {
        let out = set(&d, wrong);
        let (code, err) = failure(&out);
        assert_eq!(code, Some(2), "{wrong:?}: {err}");
        assert_eq!(err["kind"], "invalid", "{wrong:?}: {err}");
        assert_eq!(err["field"], "minutes", "{wrong:?}: {err}");
        let zh = err["message"].as_str().unwrap_or_default();
        let en = err["message_en"].as_str().unwrap_or_default();
        assert!(
            zh.contains("1–60") && zh.contains("分钟"),
            "{wrong:?}: {zh}"
        );
        assert!(
            en.contains("1–60") && en.contains("minutes"),
            "{wrong:?}: {en}"
        );
        assert!(out.stdout.is_empty(), "{wrong:?}");
    }
    assert_eq!(shown(&d), 12, "nothing written by a refused value");

    // For people: the time in Chinese (or English).
    let text = d.ok("lock idle");
    assert_eq!(text.trim(), "自动锁定时间：12 分钟");
    let text = d.ok("--lang en lock idle");
    assert!(text.contains("12 min"), "{text}");
}

#[test]
fn only_the_township_sets_it_and_every_device_applies_it() {
    let w = Township::demo("--villages 2 --households 4 --seed 19");
    let office = w.device("township", None, "镇防控办");
    let phone = w.device("grid-worker", Some(&w.villages[0]), "张网格");
    assert_eq!(shown(&phone), 5);

    let out = set(&office, "15");
    assert!(out.status.success(), "{out:?}");
    office.sync();
    phone.sync();
    assert_eq!(shown(&phone), 15, "the township's time reached the phone");

    // The phone may not change it: refused, its time still the township's.
    let (code, err) = failure(&set(&phone, "30"));
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(err["kind"], "refused", "{err}");
    assert_eq!(shown(&phone), 15);
    phone.sync();
    office.sync();
    assert_eq!(
        shown(&office),
        15,
        "nothing of the phone's reached the township"
    );
}
