//! Checkpoints through the `gridbook` command line on
//! real SQLite files, and two tablets syncing through a real relay.
//!
//! What must hold: the township's rules decide (red, yellow, green, fever, travel through a
//! risk area set with `rules set`) and a volunteer's override is recorded, a less strict one
//! only with a note; a bad ID, phone, plate or temperature exits 2 and writes nothing; a pass
//! is refused when expired, not yet valid or used twice; the ledger offers the village's
//! residents by ID tail, initials or phone tail; two tablets offline with 500 entries each
//! end up with the same 1,000 entries in the same order; a season of checkpoint days keeps a
//! reconnect small, and a late entry on a finished day still reaches every tablet.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::EntryInput;
use gridbook_store::{NewEntry, Store};
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{array, mainland_id, str_of, with_wrong_check_char};
use serde_json::Value;

const NOW: &str = "2022-11-20T09:00";
const DAY: &str = "2022-11-20";

/// A device with a village, a household whose head is 张三丰, and a checkpoint.
struct Site {
    data: Data,
    village: String,
    household: String,
    head: String,
    checkpoint: String,
}

fn site() -> Site {
    let mut data = Data::new();
    data.now = Some(NOW.to_owned());
    let village = str_of(&data.json("village add --name 桂花村"), "id").to_owned();
    let h = data.json(&format!(
        "household add --village {village} --address 桂花村一组1号 --head-name 张三丰 \
         --head-id {} --phone 13800138000",
        mainland_id(7)
    ));
    let household = str_of(&h, "household_id").to_owned();
    let head = str_of(&h, "person_id").to_owned();
    let checkpoint = str_of(
        &data.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    Site {
        data,
        village,
        household,
        head,
        checkpoint,
    }
}

impl Site {
    fn entry_cmd(&self, extra: &str) -> String {
        format!(
            "entry add --checkpoint {} --direction in --name 李四 --id-number {} {extra}",
            self.checkpoint,
            mainland_id(900)
        )
    }

    fn entry(&self, extra: &str) -> Value {
        self.data.json(&self.entry_cmd(extra))
    }

    fn entries(&self) -> Vec<Value> {
        let list = self.data.json(&format!(
            "entry list --checkpoint {} --date {DAY}",
            self.checkpoint
        ));
        array(&list).clone()
    }

    /// Runs a command that must fail with `code`; returns the JSON error.
    fn fails(&self, cmdline: &str, code: i32) -> Value {
        let out = self.data.run(&format!("--json {cmdline}"));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmdline}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{cmdline} printed on stdout");
        let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
        err["error"].clone()
    }
}

fn codes(reasons: &Value) -> Vec<String> {
    array(reasons)
        .iter()
        .map(|r| str_of(r, "code").to_owned())
        .collect()
}

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

#[test]
fn passes_valid_expired_not_yet_and_used_once() {
    let g = site();
    let issue = |from: &str, to: &str| {
        let p = g.data.json(&format!(
            "pass issue --household {} --from {from} --to {to}",
            g.household
        ));
        assert!(!str_of(&p, "pass_id").is_empty(), "{p}");
        str_of(&p, "number").to_owned()
    };
    let valid = issue("2022-11-20T08:00", "2022-11-20T12:00");
    let expired = issue("2022-11-19T08:00", "2022-11-19T12:00");
    let later = issue("2022-11-21T08:00", "2022-11-21T12:00");
    g.data.ok(&format!("pass check {valid}"));
    assert_eq!(
        g.fails(&format!("pass check {expired}"), 3)["kind"],
        "expired"
    );
    assert_eq!(
        g.fails(&format!("pass check {later}"), 3)["kind"],
        "not-yet-valid"
    );

    let out = |pass: &str| {
        format!(
            "entry add --checkpoint {} --direction out --name 张三丰 --id-number {} \
             --temp 36.4 --code green --pass {pass}",
            g.checkpoint,
            mainland_id(7)
        )
    };
    let first = g.data.json(&out(&valid));
    assert_eq!(first["person_id"], g.head.as_str(), "{first}");
    let used = g.fails(&format!("pass check {valid}"), 3);
    assert_eq!(used["kind"], "already-used", "{used}");
    assert_eq!(g.fails(&out(&valid), 3)["kind"], "already-used");
    assert_eq!(g.entries().len(), 1, "the refused crossing was written");
    // The person who went out comes back in on the same pass.
    g.data.ok(&format!(
        "pass check {valid} --direction in --id-number {}",
        mainland_id(7)
    ));
    g.data.reindex_check();
}

#[test]
fn ledger_match_offers_the_village_residents() {
    let g = site();
    // A namesake with the same phone tail in another village must not be offered.
    let other = str_of(&g.data.json("village add --name 荷花村"), "id").to_owned();
    g.data.json(&format!(
        "household add --village {other} --address 荷花村1号 --head-name 张三丰 \
         --head-id {} --phone 13900138000",
        mainland_id(8)
    ));
    let id = mainland_id(7);
    let tail = &id[id.len() - 4..];
    for query in [tail, "zsf", "8000", "张三"] {
        let hits = g
            .data
            .json(&format!("match {query} --checkpoint {}", g.checkpoint));
        let ids: Vec<&str> = array(&hits)
            .iter()
            .map(|h| str_of(h, "person_id"))
            .collect();
        assert_eq!(ids, vec![g.head.as_str()], "match {query}: {hits}");
    }
    let none = g
        .data
        .json(&format!("match 9999 --checkpoint {}", g.checkpoint));
    assert!(array(&none).is_empty(), "{none}");
    assert_eq!(g.village.len(), 36);
}

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

#[test]
fn a_pass_qr_code_is_written_and_its_scanned_text_is_accepted() {
    let g = site();
    let svg = g.data.path().join("pass.svg");
    let p = g.data.json(&format!(
        "pass issue --household {} --from 2022-11-20T08:00 --to 2022-11-20T20:00 --qr {}",
        g.household,
        svg.display()
    ));
    let number = str_of(&p, "number").to_owned();
    assert_eq!(p["payload"], format!("GRIDBOOK-PASS:{number}"));
    let text = std::fs::read_to_string(&svg).expect("QR file written");
    assert!(text.contains("<svg") && text.contains("</svg>"), "{text}");
    // A handheld scanner types the payload; the check and the entry take it as the number.
    g.data.ok(&format!("pass check GRIDBOOK-PASS:{number}"));
    let out = g.data.json(&format!(
        "entry add --checkpoint {} --direction out --name 张三丰 --id-number {} \
         --temp 36.4 --code green --pass gridbook-pass:{}",
        g.checkpoint,
        mainland_id(7),
        number.to_lowercase()
    ));
    assert_eq!(out["decision"], "allow", "{out}");
    let list = g
        .data
        .json(&format!("pass list --household {}", g.household));
    let passes = array(&list);
    assert_eq!(passes.len(), 1, "{list}");
    assert_eq!(passes[0]["number"], number.as_str());
    let uses = array(&passes[0]["uses"]);
    assert_eq!(uses.len(), 1, "{list}");
    assert_eq!(uses[0]["direction"], "out");
    assert_eq!(uses[0]["checkpoint_id"], g.checkpoint.as_str());
    // A code that is not a pass is refused as a bad number, nothing written.
    let err = g.fails("pass check HTTPS://EXAMPLE.COM", 2);
    assert_eq!(err["field"], "pass_number", "{err}");
}

fn record(dir: &std::path::Path, checkpoint: &str, n: usize, seed: u64) {
    let store = Store::open(dir).expect("open tablet store");
    let start = NaiveDateTime::parse_from_str(NOW, "%Y-%m-%dT%H:%M").expect("time");
    for i in 0..n {
        let input = EntryInput {
            // Both tablets use the same instants: the device and id must break the ties.
            at: start + Duration::seconds(i as i64 * 7),
            direction: if i % 2 == 0 { "in" } else { "out" }.to_owned(),
            name: "访客".to_owned(),
            id_number: mainland_id(seed * 10_000 + i as u64),
            temperature: "36.6".to_owned(),
            health_code: "green".to_owned(),
            ..EntryInput::default()
        };
        store
            .add_entry(&NewEntry {
                checkpoint: checkpoint.to_owned(),
                input,
                ..NewEntry::default()
            })
            .expect("add entry");
    }
}

#[test]
fn two_tablets_offline_then_one_list_everywhere() {
    let relay = Data::new();
    let village = str_of(&relay.json("village add --name 桂花村"), "id").to_owned();
    let checkpoint = str_of(
        &relay.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    let logs = tempfile::tempdir().expect("logs");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let tablet = |name: &str| {
        let added = relay.json(&format!(
            "relay device add --village {village} --role volunteer --name {name}"
        ));
        let data = Data::new();
        data.json(&format!(
            "enroll --relay {} --token {}",
            server.url,
            str_of(&added, "token")
        ));
        data.sync();
        data
    };
    let (a, b) = (tablet("平板甲"), tablet("平板乙"));
    record(a.path(), &checkpoint, 500, 1);
    record(b.path(), &checkpoint, 500, 2);
    a.sync();
    b.sync();
    a.sync();
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("day");
    let list = |d: &Data| -> Vec<String> {
        let v = d.json(&format!(
            "entry list --checkpoint {checkpoint} --date {day}"
        ));
        array(&v)
            .iter()
            .map(|e| str_of(e, "id").to_owned())
            .collect()
    };
    let (la, lb, lr) = (list(&a), list(&b), list(&relay));
    assert_eq!(la.len(), 1000);
    assert_eq!(
        la.iter().collect::<BTreeSet<_>>().len(),
        1000,
        "duplicated entries"
    );
    assert_eq!(la, lb, "the tablets list the entries in different orders");
    assert_eq!(la, lr, "the relay lists the entries in another order");
    for d in [&a, &b, &relay] {
        d.reindex_check();
    }
}

/// One entry a day at each checkpoint for `days` days ending on `NOW`'s day.
fn record_days(dir: &std::path::Path, checkpoints: &[String], days: i64, seed: u64) {
    let store = Store::open(dir).expect("open tablet store");
    let end = NaiveDateTime::parse_from_str(NOW, "%Y-%m-%dT%H:%M").expect("time");
    for d in 0..days {
        for (k, c) in checkpoints.iter().enumerate() {
            let input = EntryInput {
                at: end - Duration::days(days - 1 - d),
                direction: "in".to_owned(),
                name: "访客".to_owned(),
                id_number: mainland_id(seed * 100_000 + (d as u64) * 10 + k as u64),
                temperature: "36.5".to_owned(),
                health_code: "green".to_owned(),
                ..EntryInput::default()
            };
            store
                .add_entry(&NewEntry {
                    checkpoint: c.clone(),
                    input,
                    ..NewEntry::default()
                })
                .expect("add entry");
        }
    }
}

fn num(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

#[test]
fn a_season_of_checkpoint_days_reconnects_small_and_late_entries_still_travel() {
    let relay = Data::new();
    let village = str_of(&relay.json("village add --name 桂花村"), "id").to_owned();
    let checkpoints: Vec<String> = ["村口卡点", "桥头卡点"]
        .iter()
        .map(|n| {
            let v = relay.json(&format!("checkpoint add --village {village} --name {n}"));
            str_of(&v, "id").to_owned()
        })
        .collect();
    let logs = tempfile::tempdir().expect("logs");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let tablet = |name: &str| {
        let added = relay.json(&format!(
            "relay device add --village {village} --role volunteer --name {name}"
        ));
        let data = Data::new();
        data.json(&format!(
            "enroll --relay {} --token {}",
            server.url,
            str_of(&added, "token")
        ));
        data.sync();
        data
    };

    // Sixty days at two checkpoints, recorded offline, then synced.
    let a = tablet("平板甲");
    record_days(a.path(), &checkpoints, 60, 1);
    a.sync();
    let entries_docs = |d: &Data| {
        d.doc_ids()
            .into_iter()
            .filter(|id| id.starts_with("entries:"))
            .count()
    };
    assert_eq!(entries_docs(&relay), 120, "every day reached the relay");

    // Nothing changed: one round trip, and the request names the whole scope by one digest.
    let again = a.sync();
    assert_eq!(num(&again, "rounds"), 1, "{again}");
    assert_eq!(num(&again, "docs_received"), 0, "{again}");
    let sent = num(&again, "bytes_sent");
    assert!(sent < 64, "a reconnect sent {sent} bytes: {again}");

    // A new tablet gets the whole season.
    let b = tablet("平板乙");
    b.sync();
    assert_eq!(entries_docs(&b), 120);

    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("day");
    let add = |d: &Data, checkpoint: &str, on: NaiveDate, name: &str| {
        let store = Store::open(d.path()).expect("open store");
        let input = EntryInput {
            at: on.and_hms_opt(18, 30, 0).expect("time"),
            direction: "out".to_owned(),
            name: name.to_owned(),
            id_number: mainland_id(999_999),
            temperature: "36.8".to_owned(),
            health_code: "green".to_owned(),
            ..EntryInput::default()
        };
        store
            .add_entry(&NewEntry {
                checkpoint: checkpoint.to_owned(),
                input,
                ..NewEntry::default()
            })
            .expect("entry");
    };
    let on_day = |d: &Data, checkpoint: &str, on: NaiveDate| {
        let v = d.json(&format!("entry list --checkpoint {checkpoint} --date {on}"));
        array(&v).len()
    };

    // A late entry on a day long finished, made on B, reaches A. A has nothing to send: the
    // relay knows where it left A and answers A's first request with the day.
    let late = day - Duration::days(40);
    add(&b, &checkpoints[0], late, "补录");
    let pushed = b.sync();
    assert_eq!(
        num(&pushed, "rounds"),
        1,
        "B's late entry goes out at once: {pushed}"
    );
    let pulled = a.sync();
    assert_eq!(num(&pulled, "rounds"), 1, "{pulled}");
    assert_eq!(num(&pulled, "docs_received"), 1, "{pulled}");
    let counts =
        |c: &str, on: NaiveDate| (on_day(&a, c, on), on_day(&b, c, on), on_day(&relay, c, on));
    assert_eq!(counts(&checkpoints[0], late), (2, 2, 2));

    // Another late entry, while A has an entry of its own to send: A lists its documents, the
    // finished days by month; the relay finds that month different, and A lists it one by one
    // in a second session.
    let later = day - Duration::days(50);
    add(&b, &checkpoints[1], later, "补录二");
    b.sync();
    add(&a, &checkpoints[0], day, "今日");
    let pulled = a.sync();
    assert!(num(&pulled, "rounds") >= 2, "{pulled}");
    assert_eq!(num(&pulled, "docs_received"), 1, "{pulled}");
    assert_eq!(counts(&checkpoints[1], later), (2, 2, 2));
    b.sync();
    assert_eq!(counts(&checkpoints[0], day), (2, 2, 2));

    let quiet = a.sync();
    assert_eq!(num(&quiet, "rounds"), 1, "{quiet}");
    assert_eq!(a.heads(), relay.heads());
    assert_eq!(b.heads(), relay.heads());
    for d in [&a, &b, &relay] {
        d.reindex_check();
    }
}

/// The `(field, new value)` of each change `history` lists for `id`.
fn changes(g: &Site, id: &str) -> Vec<(String, Value)> {
    array(&g.data.json(&format!("history {id}")))
        .iter()
        .map(|h| (str_of(h, "field").to_owned(), h["new"].clone()))
        .collect()
}

#[test]
fn history_reaches_checkpoints_shifts_entries_cases_and_checks() {
    let g = site();
    let has = |id: &str, field: &str, new: Value| {
        let list = changes(&g, id);
        assert!(
            list.iter().any(|(f, n)| f == field && *n == new),
            "history of {id} lacks {field}={new}: {list:?}"
        );
    };
    has(&g.checkpoint, "name", "村口卡点".into());
    let entry = g.entry("--temp 36.5 --code green");
    has(str_of(&entry, "entry_id"), "temperature_tenths", 365.into());
    let shift = g.data.json(&format!(
        "shift start --checkpoint {} --staff 王五",
        g.checkpoint
    ));
    assert!(!changes(&g, str_of(&shift, "id")).is_empty(), "{shift}");

    let policy = str_of(&array(&g.data.json("policy list"))[0], "id").to_owned();
    let case = g.data.json(&format!(
        "case start --person {} --policy {policy} --start {DAY}",
        g.head
    ));
    let case_id = str_of(&case, "case_id");
    has(case_id, "person_id", g.head.as_str().into());
    let check = g.data.json(&format!("check record {case_id} --temp 36.6"));
    assert!(
        !changes(&g, str_of(&check, "visit_id")).is_empty(),
        "{check}"
    );
    // A person and a village, as before.
    has(&g.head, "name", "张三丰".into());
    has(&g.village, "name", "桂花村".into());

    let unknown = g.fails("history 00000000-0000-4000-8000-000000000000", 2);
    assert_eq!(unknown["kind"], "not_found", "{unknown}");
}
