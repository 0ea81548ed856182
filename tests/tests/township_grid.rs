//! The township's day, the remaining pieces, through the `gridbook` binary on real SQLite
//! files and a real relay on 127.0.0.1; spreadsheets read back by Python's openpyxl.
//!
//! What must hold: villages and groups are renamed with their ids kept (households stay, the
//! ledger export and the report status show the new name), an empty or already used name is
//! refused (exit 2, in Chinese) with nothing written; daily reports over a date range export a
//! row per report made with its kind, lateness, time and figures; and every export and printout
//! is logged in the device's own document, which syncs to the township, while a log forged in
//! another device's name is refused by the relay and never reaches the township.

use std::path::Path;

use gridbook_tests::procs::Data;
use gridbook_tests::python::python_json;
use gridbook_tests::township::{refused, Township};
use gridbook_tests::{array, str_of};
use serde_json::Value;

/// A data directory whose clock reads `now` (local time).
fn at(now: &str) -> Data {
    let mut d = Data::new();
    d.now = Some(now.to_owned());
    d
}

/// Runs a command that must fail with `code`; returns its stderr.
fn fails(d: &Data, cmdline: &str, code: i32) -> String {
    let o = d.run(cmdline);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "gridbook {cmdline}: {err}");
    err
}

/// The first sheet as openpyxl reads it: title, header, data rows (values; dates as ISO).
const READ_XLSX: &str = r#"
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = list(ws.iter_rows(min_row=1))
val = lambda c: c.value.isoformat() if isinstance(c.value, (datetime.date, datetime.datetime)) else c.value
print(json.dumps({"sheet": ws.title, "title": rows[0][0].value, "freeze": ws.freeze_panes,
                  "header": [c.value for c in rows[1]],
                  "rows": [[val(c) for c in r] for r in rows[2:]],
                  "dates": [[c.is_date for c in r] for r in rows[2:]]}, ensure_ascii=False))
"#;

fn read_xlsx(file: &Path) -> Value {
    python_json(READ_XLSX, &[file])
}

/// The column `name` of a sheet read by [`read_xlsx`].
fn column(book: &Value, name: &str) -> Vec<Value> {
    let i = array(&book["header"])
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}: {}", book["header"]));
    array(&book["rows"]).iter().map(|r| r[i].clone()).collect()
}

#[test]
fn villages_and_groups_are_renamed_with_their_ids_kept() {
    let d = at("2026-12-04T10:00");
    d.json("demo --villages 2 --households 12 --seed 7");
    let villages = d.json("village list");
    let (a, b) = (&array(&villages)[0], &array(&villages)[1]);
    let (a_id, a_name, b_name) = (str_of(a, "id"), str_of(a, "name"), str_of(b, "name"));
    let groups = d.json(&format!("group list --village {a_id}"));
    let households = d.json(&format!("household list --village {a_id}"));
    // A group with households (g1) and another one of the village (g2).
    let lived_in = array(&households)
        .iter()
        .find_map(|h| h["group_id"].as_str())
        .expect("a household with a group");
    let g1 = array(&groups)
        .iter()
        .find(|g| g["id"] == lived_in)
        .expect("its group");
    let g2 = array(&groups)
        .iter()
        .find(|g| g["id"] != lived_in)
        .expect("another group");
    let heads = d.heads();

    // Refused, in Chinese, exit 2, nothing written.
    for (cmd, says) in [
        (
            format!("village rename {a_id} --name {b_name}"),
            "本镇已有名为",
        ),
        (
            format!("village rename {a_id} --name ' '"),
            "村（社区）名称应为1–40个字",
        ),
        (format!("village add --name {b_name}"), "本镇已有名为"),
        (
            format!(
                "group rename {} --name {}",
                str_of(g1, "id"),
                str_of(g2, "name")
            ),
            "该村（社区）已有名为",
        ),
        (
            format!("group add --village {a_id} --name {}", str_of(g2, "name")),
            "已有名为",
        ),
        (
            format!("group rename {} --name ''", str_of(g1, "id")),
            "组名应为1–20个字",
        ),
        (
            format!("group rename {} --name 三组", uuid_like()),
            "找不到组",
        ),
    ] {
        let err = fails(&d, &cmd, 2);
        assert!(err.contains(says), "{cmd}: {err}");
    }
    assert_eq!(d.heads(), heads, "nothing written");

    // Renamed: the same ids, the households where they were.
    let r = d.json(&format!("village rename {a_id} --name 红星社区"));
    assert_eq!((str_of(&r, "id"), str_of(&r, "name")), (a_id, "红星社区"));
    let r = d.json(&format!("group rename {} --name 第一组", str_of(g1, "id")));
    assert_eq!(str_of(&r, "id"), str_of(g1, "id"));
    let after = d.json("village list");
    let renamed = array(&after)
        .iter()
        .find(|v| v["id"] == a["id"])
        .expect("a");
    assert_eq!(str_of(renamed, "name"), "红星社区");
    assert_eq!(renamed["households"], a["households"]);
    // The same households in the same village and groups, the group shown by its new name.
    let placed = |list: &Value| {
        let mut v: Vec<(String, String, String)> = array(list)
            .iter()
            .map(|h| {
                let s = |k: &str| h[k].as_str().unwrap_or_default().to_owned();
                (s("id"), s("village_id"), s("group_id"))
            })
            .collect();
        v.sort();
        v
    };
    let now = d.json(&format!("household list --village {a_id}"));
    assert_eq!(placed(&now), placed(&households));
    assert!(array(&now)
        .iter()
        .filter(|h| h["group_id"] == lived_in)
        .all(|h| h["group_name"] == "第一组"));
    assert!(!a_name.is_empty());

    // The ledger and the report status show the new names.
    let file = d.path().join("ledger.xlsx");
    d.json(&format!(
        "export ledger --format xlsx --out {} --village {a_id}",
        file.display()
    ));
    let book = read_xlsx(&file);
    let names = column(&book, "村（社区）");
    assert!(
        !names.is_empty() && names.iter().all(|n| n == "红星社区"),
        "{names:?}"
    );
    let group_names = column(&book, "组");
    assert!(group_names.iter().any(|n| n == "第一组"), "{group_names:?}");
    let status = d.json("report status --date 2026-12-04");
    let row = array(&status)
        .iter()
        .find(|s| s["id"] == g1["id"])
        .expect("the group's status");
    assert_eq!(str_of(row, "name"), "第一组");
    d.reindex_check();
}

fn uuid_like() -> &'static str {
    "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
}

#[test]
fn daily_reports_export_a_row_per_report_over_a_range() {
    let d = at("2026-12-03T09:00");
    d.json("demo --villages 2 --households 20 --seed 9");
    let villages = d.json("village list");
    let v0 = str_of(&array(&villages)[0], "id").to_owned();
    let v1 = str_of(&array(&villages)[1], "id").to_owned();
    let groups = d.json(&format!("group list --village {v0}"));
    let (g1, g2) = (
        str_of(&array(&groups)[0], "id").to_owned(),
        str_of(&array(&groups)[1], "id").to_owned(),
    );
    // Day 1: group 1 on time, group 2 late (after 17:00) as a 零报告, the village on time.
    d.json(&format!(
        "report submit --group {g1} --date 2026-12-03 --at 2026-12-03T16:30 --note 无异常"
    ));
    d.json(&format!(
        "report submit --group {g2} --date 2026-12-03 --at 2026-12-03T17:40 --zero"
    ));
    d.json(&format!(
        "report submit --village {v0} --date 2026-12-03 --at 2026-12-03T17:50"
    ));
    // Day 2: the other village only; day 3 (outside the range): group 1.
    d.json(&format!(
        "report submit --village {v1} --date 2026-12-04 --at 2026-12-04T18:30"
    ));
    d.json(&format!(
        "report submit --group {g1} --date 2026-12-05 --at 2026-12-05T12:00"
    ));

    let file = d.path().join("reports.xlsx");
    let r = d.json(&format!(
        "export reports --format xlsx --out {} --from 2026-12-03 --to 2026-12-04",
        file.display()
    ));
    assert_eq!(r["rows"], 4, "{r}");
    let book = read_xlsx(&file);
    assert_eq!(book["sheet"], "日报汇总");
    assert_eq!(book["freeze"], "A3");
    let title = book["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("日报告汇总表（2026年12月03日至2026年12月04日）"),
        "{title}"
    );
    assert_eq!(array(&book["rows"]).len(), 4);
    assert_eq!(array(&book["header"]).len(), 31);
    let kinds = column(&book, "报告类型");
    let timely = column(&book, "是否按时");
    let levels = column(&book, "报告层级");
    let days = column(&book, "日期");
    let notes = column(&book, "备注");
    // Day 1's village first, then its groups in order; then day 2.
    assert_eq!(
        levels,
        ["村（社区）", "组", "组", "村（社区）"],
        "{levels:?}"
    );
    assert_eq!(kinds, ["日报告", "日报告", "零报告", "日报告"], "{kinds:?}");
    assert_eq!(timely, ["按时", "按时", "迟报", "迟报"], "{timely:?}");
    assert_eq!(days[0], "2026-12-03T00:00:00");
    assert_eq!(days[3], "2026-12-04T00:00:00");
    assert_eq!(notes[1], "无异常");
    assert_eq!(column(&book, "报送时间")[2], "2026-12-03T17:40:00");
    let date_col = array(&book["header"])
        .iter()
        .position(|h| h == "日期")
        .expect("日期");
    assert!(
        array(&book["dates"]).iter().all(|r| r[date_col] == true),
        "dates are dates"
    );
    assert!(
        column(&book, "应随访").iter().all(Value::is_i64),
        "figures are numbers"
    );

    // One village; bad ranges exit 2 and write nothing.
    let part = d.path().join("v1.csv");
    let r = d.json(&format!(
        "export reports --format csv --out {} --from 2026-12-01 --to 2026-12-05 --village {v1}",
        part.display()
    ));
    assert_eq!(r["rows"], 1, "{r}");
    let bad = d.path().join("bad.xlsx");
    for cmd in [
        format!(
            "export reports --format xlsx --out {} --from 2026-12-04 --to 2026-12-03",
            bad.display()
        ),
        format!(
            "export reports --format xlsx --out {} --from 2024-01-01 --to 2026-12-03",
            bad.display()
        ),
    ] {
        fails(&d, &cmd, 2);
        assert!(!bad.exists(), "{cmd}");
    }
    let log = d.json("export-log");
    assert_eq!(array(&log).len(), 2, "{log}");
    assert_eq!(log[0]["kind"], "reports");
}

/// A device enrolled with `role` (in `village`, or the whole township): (its data, its id).
fn device(w: &Township, role: &str, village: Option<&str>, name: &str) -> (Data, String) {
    let d = at("2026-12-04T09:00");
    let (added, _) = w.enroll(&d, role, village, name);
    (d, added.id)
}

#[test]
fn exports_and_printouts_sync_to_the_township_and_a_forged_log_is_refused() {
    let w = Township::demo("--villages 2 --households 16 --seed 13");
    let village = str_of(&array(&w.relay.json("village list"))[0], "id").to_owned();
    let (worker, worker_id) = device(&w, "grid-worker", Some(&village), "红星村网格员");
    let (town, town_id) = device(&w, "township", None, "镇防控办");
    let (other, other_id) = device(&w, "grid-worker", Some(&village), "红星村二号机");

    // The grid worker exports its village's ledger (masked): logged in its own document.
    let file = worker.path().join("台账.xlsx");
    let r = worker.json(&format!(
        "export ledger --format xlsx --out {} --village {village}",
        file.display()
    ));
    let rows = r["rows"].as_i64().expect("rows");
    let log = worker.json("export-log");
    assert_eq!(array(&log).len(), 1, "{log}");
    assert_eq!(log[0]["device_id"], worker_id.as_str());
    let doc = format!("exports:{village}:{worker_id}");
    assert!(worker.doc_ids().contains(&doc), "{:?}", worker.doc_ids());
    let stats = worker.sync();
    assert!(refused(&stats).is_empty(), "{stats}");

    // The township sees it after its sync, with who, what and when.
    town.sync();
    let seen = town.json("export-log");
    let entry = array(&seen)
        .iter()
        .find(|e| e["device_id"] == worker_id.as_str())
        .unwrap_or_else(|| panic!("the worker's export on the township: {seen}"));
    assert_eq!(str_of(entry, "kind"), "ledger");
    assert_eq!(str_of(entry, "format"), "xlsx");
    assert_eq!(entry["rows"].as_i64(), Some(rows));
    assert_eq!(str_of(entry, "device"), "红星村网格员");
    assert_eq!(str_of(entry, "path"), "台账.xlsx");
    assert_eq!(str_of(entry, "at"), "2026-12-04T09:00:00");
    // Another grid worker of the same village does not receive it.
    other.sync();
    assert!(!other.doc_ids().contains(&doc));
    assert!(array(&other.json("export-log")).is_empty());

    // A hostile grid worker writes a log in the township's device's name (its store told the
    // township's id): the relay refuses the document and the township never sees the entry.
    let db = rusqlite::Connection::open(other.path().join("gridbook.sqlite")).expect("db");
    db.execute(
        "UPDATE settings SET value = ?1 WHERE key = 'device_id'",
        [&town_id],
    )
    .expect("forge the device id");
    drop(db);
    let forged = format!("exports:{village}:{town_id}");
    other.json(&format!(
        "export coverage --format csv --out {}",
        other.path().join("c.csv").display()
    ));
    assert!(other.doc_ids().contains(&forged));
    let stats = other.sync();
    assert!(refused(&stats).contains(&forged), "{stats}");
    assert!(!w.relay.doc_ids().contains(&forged));
    town.sync();
    let seen = town.json("export-log");
    assert!(
        array(&seen).iter().all(|e| e["kind"] != "coverage"),
        "a forged entry reached the township: {seen}"
    );
    assert!(!other_id.is_empty());
    worker.reindex_check();
    town.reindex_check();
}
