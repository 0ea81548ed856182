//! Exports and printouts end to end, through the `gridbook` binary
//! on real SQLite files, read back by programs that are not ours: Python's openpyxl and csv
//! modules for the .xlsx and CSV files, poppler (pdftotext, pdffonts, pdftoppm) for the PDFs.
//!
//! What must hold: the ledger has a row per person of the store (all, or one village's), the
//! township's column names, ID numbers and phones as text cells, masked unless --full-ids on a
//! device that may; CSV starts with the UTF-8 BOM and parses; cases, checks, checkpoint entries
//! and coverage have the store's counts; bad flags exit 2 and write nothing; --full-ids on a
//! village device exits 3; every export is logged (`export-log`); the notice and the
//! certificate carry the case's facts in an embedded subset font, and a certificate is refused
//! (exit 3) until release.

use std::path::{Path, PathBuf};
use std::process::Command;

use gridbook_tests::ledger::LEDGER_HEADER;
use gridbook_tests::procs::Data;
use gridbook_tests::python::python_json;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// A sheet as openpyxl reads it: name, frozen cell, the title, the header, and per column the
/// values and openpyxl's data types of the data rows (from the third row on).
const READ_XLSX: &str = r#"
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = list(ws.iter_rows(min_row=1))
header = [c.value for c in rows[1]]
cols = {}
for i, name in enumerate(header):
    cells = [r[i] for r in rows[2:]]
    cols[name] = {
        "values": [c.value.isoformat() if isinstance(c.value, (datetime.date, datetime.datetime))
                   else c.value for c in cells],
        "types": sorted({c.data_type for c in cells if c.value is not None}),
        "dates": sum(1 for c in cells if c.is_date),
    }
print(json.dumps({"sheets": wb.sheetnames, "freeze": ws.freeze_panes, "title": rows[0][0].value,
                  "header": header, "rows": len(rows) - 2, "cols": cols}, ensure_ascii=False))
"#;

const READ_CSV: &str = r#"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
print(json.dumps({"bom": raw[:3] == b"\xef\xbb\xbf", "header": rows[0], "rows": len(rows) - 1,
                  "first": rows[1] if len(rows) > 1 else None}, ensure_ascii=False))
"#;

fn out(d: &Data, name: &str) -> PathBuf {
    d.path().join(name)
}

/// Runs a command that must fail with `code`; returns its stderr.
fn fails(d: &Data, cmdline: &str, code: i32) -> String {
    let o = d.run(cmdline);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "gridbook {cmdline}: {err}");
    err
}

fn is_masked(id: &str) -> bool {
    let c: Vec<char> = id.chars().collect();
    c.len() == 18
        && c[..6].iter().all(char::is_ascii_digit)
        && c[6..14].iter().all(|x| *x == '*')
        && c[14..].iter().all(|x| x.is_ascii_digit() || *x == 'X')
}

fn strings(v: &Value) -> Vec<String> {
    array(v)
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The device's log of exports and printouts (`export-log`), as (kind, format, rows, full
/// IDs), sorted: entries of one second have no order of their own.
fn log_rows(d: &Data) -> Vec<(String, String, i64, bool)> {
    let mut rows: Vec<_> = array(&d.json("export-log"))
        .iter()
        .map(|e| {
            (
                str_of(e, "kind").to_owned(),
                str_of(e, "format").to_owned(),
                e["rows"].as_i64().unwrap_or(-1),
                e["full_ids"] == true,
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_ledger_reads_back_in_openpyxl_and_csv_with_the_stores_counts() {
    let d = Data::new();
    d.json("demo --villages 2 --households 40 --seed 3");
    let villages = d.json("village list");
    let total: i64 = array(&villages)
        .iter()
        .map(|v| v["persons"].as_i64().unwrap_or(0))
        .sum();
    assert!(total > 40, "{villages}");

    let xlsx = out(&d, "ledger.xlsx");
    let r = d.json(&format!(
        "export ledger --format xlsx --out {}",
        xlsx.display()
    ));
    assert_eq!(r["rows"].as_i64(), Some(total), "{r}");
    let book = python_json(READ_XLSX, &[&xlsx]);
    assert_eq!(book["sheets"][0], "一户一档", "{}", book["sheets"]);
    assert_eq!(book["freeze"], "A3");
    let title = book["title"].as_str().unwrap_or_default();
    assert!(title.contains("一户一档台账（截至"), "{title}");
    assert_eq!(strings(&book["header"]), LEDGER_HEADER);
    assert_eq!(book["rows"].as_i64(), Some(total));
    let ids = &book["cols"]["公民身份号码"];
    assert_eq!(ids["types"], serde_json::json!(["s"]), "ID cells are text");
    let masked = strings(&ids["values"]);
    assert!(masked.iter().all(|v| is_masked(v)), "{masked:?}");
    let phones = &book["cols"]["联系电话"];
    assert_eq!(phones["types"], serde_json::json!(["s"]), "phones are text");
    let seq = &book["cols"]["序号"]["values"];
    assert_eq!(seq[0], 1);
    assert_eq!(seq[total as usize - 1], total);

    // Full ID numbers on this device (never enrolled: the township's own store).
    let full = out(&d, "ledger-full.xlsx");
    let r = d.json(&format!(
        "export ledger --format xlsx --out {} --full-ids",
        full.display()
    ));
    assert_eq!(r["full_ids"], true);
    let book = python_json(READ_XLSX, &[&full]);
    let ids = strings(&book["cols"]["公民身份号码"]["values"]);
    assert_eq!(ids.len(), masked.len());
    for (f, m) in ids.iter().zip(&masked) {
        assert!(!f.contains('*') && f.len() == 18, "{f}");
        assert_eq!(gridbook_domain::privacy::mask_id_number(f), *m);
    }

    // One village.
    let v0 = &array(&villages)[0];
    let part = out(&d, "village.csv");
    let r = d.json(&format!(
        "export ledger --format csv --out {} --village {}",
        part.display(),
        str_of(v0, "id")
    ));
    assert_eq!(r["rows"], v0["persons"], "{r}");
    let csv = python_json(READ_CSV, &[&part]);
    assert_eq!(csv["bom"], true);
    assert_eq!(strings(&csv["header"]), LEDGER_HEADER);
    assert_eq!(csv["rows"], v0["persons"]);
    assert_eq!(csv["first"][1], v0["name"]);
    assert!(is_masked(csv["first"][8].as_str().unwrap_or_default()));

    let log = log_rows(&d);
    assert_eq!(
        log,
        [
            (
                "ledger".into(),
                "csv".into(),
                v0["persons"].as_i64().unwrap_or(-1),
                false
            ),
            ("ledger".into(), "xlsx".into(), total, false),
            ("ledger".into(), "xlsx".into(), total, true),
        ]
    );
}

#[test]
fn bad_flags_exit_2_and_a_village_device_gets_no_full_ids() {
    let d = Data::new();
    d.json("demo --villages 1 --households 5 --seed 2");
    let file = out(&d, "x.xlsx");
    let p = file.display();
    for cmd in [
        format!("export people --format xlsx --out {p}"),
        format!("export ledger --format pdf --out {p}"),
        format!("export ledger --format csv --out {p}"),
        format!("export ledger --format xlsx --out {p} --from 2026-01-01"),
        format!("export cases --format xlsx --out {p} --from 2026-13-01"),
        format!("export cases --format xlsx --out {p} --from 2026-03-02 --to 2026-03-01"),
        format!("export ledger --format xlsx --out {p} --village nowhere"),
        format!(
            "export ledger --format xlsx --out {}",
            d.path().join("no/such/dir/x.xlsx").display()
        ),
        format!("export ledger --format xlsx --out {p} --bogus"),
    ] {
        let err = fails(&d, &format!("{cmd} --json"), 2);
        let e: Value = serde_json::from_str(err.trim()).unwrap_or(Value::Null);
        assert!(!str_of(&e["error"], "message").is_empty(), "{cmd}: {err}");
        assert!(!file.exists(), "{cmd} wrote a file");
    }
    // A device enrolled for one village (enrollment stores its village).
    let db = rusqlite::Connection::open(d.path().join("gridbook.sqlite")).expect("db");
    db.execute(
        "INSERT INTO settings (key, value) VALUES ('village_id', 'v')",
        [],
    )
    .expect("setting");
    let err = fails(
        &d,
        &format!("export ledger --format xlsx --out {p} --full-ids"),
        3,
    );
    assert!(err.contains("镇级设备"), "{err}");
    assert!(!file.exists());
    d.json(&format!("export ledger --format xlsx --out {p}"));
    assert!(file.exists());
    assert_eq!(log_rows(&d).len(), 1, "only the export made is logged");
}

/// A village with two persons under cases: one released (checks, two negative tests), one
/// still running; a checkpoint day with three entries.
struct World {
    d: Data,
    released: String,
    running: String,
}

fn world() -> World {
    let mut d = Data::new();
    let village = str_of(&d.json("village add --name 清水村"), "id").to_owned();
    let mut persons = Vec::new();
    for (i, name) in ["李明", "王芳"].iter().enumerate() {
        let h = d.json(&format!(
            "household add --village {village} --address 清水村一组{}号 --head-name {name} \
             --head-id {} --phone 1390000000{i}",
            i + 1,
            mainland_id(300 + i as u64)
        ));
        persons.push(str_of(&h, "person_id").to_owned());
    }
    let policy = array(&d.json("policy list"))
        .iter()
        .find(|p| p["code"] == "returnee-monitoring")
        .map(|p| str_of(p, "id").to_owned())
        .expect("built-in policy");
    let start = |p: &str, day1: &str| {
        let c = d.json(&format!(
            "case start --person {p} --policy {policy} --start {day1} --reason medium-risk \
             --origin 湖北省武汉市 --team cadre=王干部:13900000011 --team grid-worker=李网格:13800000022 \
             --team doctor=赵村医:13700000033"
        ));
        str_of(&c, "case_id").to_owned()
    };
    // A 旅居地 longer than a notice line is refused, nothing started.
    let long = "湖".repeat(51);
    let err = fails(
        &d,
        &format!(
            "case start --person {} --policy {policy} --start 2026-03-02 --origin {long}",
            persons[0]
        ),
        2,
    );
    assert!(err.contains("旅居地最多50个字"), "{err}");
    let released = start(&persons[0], "2026-03-02");
    let running = start(&persons[1], "2026-03-10");
    // The case screen shows the 旅居地 too.
    let shown = d.json(&format!("case show {running}"));
    assert_eq!(shown["origin"], "湖北省武汉市", "{shown}");
    for day in ["2026-03-03", "2026-03-04", "2026-03-05"] {
        d.now = Some(format!("{day}T08:30"));
        d.json(&format!(
            "check record {released} --temp 36.6 --method visit"
        ));
    }
    d.now = Some("2026-03-11T09:00".into());
    d.json(&format!(
        "check record {running} --temp 36.8 --method phone"
    ));
    for day in ["2026-03-08", "2026-03-15"] {
        d.json(&format!(
            "test record {released} --date {day} --result negative"
        ));
    }
    d.now = Some("2026-03-16T10:00".into());
    d.json(&format!(
        "case release {released} --on 2026-03-16 --reason 多日电话无人接听，已上门核实"
    ));
    let cp = str_of(
        &d.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    for (i, (dir, name)) in [("in", "过客甲"), ("out", "过客乙"), ("in", "过客丙")]
        .iter()
        .enumerate()
    {
        d.json(&format!(
            "entry add --checkpoint {cp} --direction {dir} --name {name} --id-number {} \
             --temp 36.5 --code green --volunteer 值守甲",
            mainland_id(700 + i as u64)
        ));
    }
    World {
        d,
        released,
        running,
    }
}

#[test]
fn cases_checks_entries_and_coverage_have_the_stores_counts() {
    let w = world();
    let d = &w.d;
    let cases = out(d, "cases.xlsx");
    let r = d.json(&format!(
        "export cases --format xlsx --out {}",
        cases.display()
    ));
    assert_eq!(r["rows"], 2, "{r}");
    let book = python_json(READ_XLSX, &[&cases]);
    assert_eq!(book["rows"], 2);
    let status = strings(&book["cols"]["状态"]["values"]);
    assert_eq!(status, ["已解除", "管控中"], "{status:?}");
    assert_eq!(book["cols"]["开始日期"]["dates"], 2, "dates are dates");
    assert_eq!(book["cols"]["开始日期"]["values"][0], "2026-03-02T00:00:00");
    let team = strings(&book["cols"]["包保人员"]["values"]);
    assert!(team[0].contains("王干部 13900000011"), "{team:?}");
    // Only the case whose period meets the range.
    let r = d.json(&format!(
        "export cases --format csv --out {} --from 2026-03-20 --to 2026-03-21",
        out(d, "late.csv").display()
    ));
    assert_eq!(r["rows"], 1, "{r}");

    let checks = out(d, "checks.xlsx");
    let r = d.json(&format!(
        "export checks --format xlsx --out {}",
        checks.display()
    ));
    assert_eq!(r["rows"], 4, "{r}");
    let book = python_json(READ_XLSX, &[&checks]);
    assert_eq!(book["rows"], 4);
    assert_eq!(book["cols"]["随访时间"]["dates"], 4);
    assert_eq!(book["cols"]["体温（℃）"]["values"][0], 36.6);
    let r = d.json(&format!(
        "export checks --format csv --out {} --from 2026-03-04 --to 2026-03-05",
        out(d, "checks.csv").display()
    ));
    assert_eq!(r["rows"], 2, "{r}");

    let entries = out(d, "entries.xlsx");
    let r = d.json(&format!(
        "export entries --format xlsx --out {}",
        entries.display()
    ));
    assert_eq!(r["rows"], 3, "{r}");
    let book = python_json(READ_XLSX, &[&entries]);
    // Entries of one second are ordered by device and id (as every device lists a day).
    let mut dirs = strings(&book["cols"]["进出"]["values"]);
    dirs.sort();
    assert_eq!(dirs, ["出", "进", "进"]);
    assert!(strings(&book["cols"]["证件号码"]["values"])
        .iter()
        .all(|v| is_masked(v)));

    let cov = out(d, "coverage.csv");
    let r = d.json(&format!(
        "export coverage --format csv --out {}",
        cov.display()
    ));
    assert_eq!(r["rows"], 2, "{r}");
    let csv = python_json(READ_CSV, &[&cov]);
    assert_eq!(csv["bom"], true);
    assert_eq!(csv["header"][8], "近期已核查");
    assert_eq!(csv["rows"], 2);
    assert!(!w.running.is_empty());
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let o = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (scripts/setup.sh installs poppler-utils): {e}"));
    assert!(
        o.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// pdftotext's text with every space and line break removed (it breaks lines as laid out).
fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[&pdf.display().to_string(), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn assert_subset_font(pdf: &Path) {
    let fonts = poppler("pdffonts", &[&pdf.display().to_string()]);
    let line = fonts
        .lines()
        .skip(2)
        .find(|l| l.contains("CJK"))
        .unwrap_or_else(|| panic!("no CJK font: {fonts}"));
    let name = line.split_whitespace().next().unwrap_or_default();
    assert!(
        name.len() > 7 && name.as_bytes()[6] == b'+',
        "subset tag: {fonts}"
    );
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert!(
        cols.iter().filter(|c| **c == "yes").count() >= 2,
        "emb, sub: {fonts}"
    );
}

fn screenshot(pdf: &Path, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    let stem = dir.join(name);
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-singlefile",
            &pdf.display().to_string(),
            &stem.display().to_string(),
        ],
    );
    assert!(stem.with_extension("png").exists());
}

#[test]
fn the_notice_and_the_certificate_carry_the_case_in_an_embedded_subset_font() {
    let w = world();
    let d = &w.d;
    // The township's reporting phone, set once, is on every notice; a bad one is refused.
    let bad = d.run("township set --hotline 电话12345");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("监督举报电话"));
    let info = d.json("township set --hotline 0818-2345678");
    assert_eq!(info["hotline"], "0818-2345678", "{info}");
    let notice = out(d, "notice.pdf");
    let r = d.json(&format!(
        "print notice {} --out {}",
        w.released,
        notice.display()
    ));
    assert_eq!(r["number"], Value::Null);
    let text = pdf_text(&notice);
    for want in [
        "居家健康监测公示",
        "1人",
        "清水村一组1号",
        "中风险地区来返",
        "2026年3月2日至2026年3月15日",
        "王干部13900000011",
        "李网格13800000022",
        "赵村医13700000033",
        "本镇疫情防控工作领导小组",
        "监督举报电话：0818-2345678",
        "旅居地：湖北省武汉市",
    ] {
        assert!(text.contains(want), "notice lacks {want}: {text}");
    }
    assert!(
        !text.contains(&mainland_id(300)),
        "no ID number on a notice"
    );
    assert_subset_font(&notice);
    screenshot(&notice, "print-notice");

    let cert = out(d, "cert.pdf");
    let r = d.json(&format!(
        "print certificate {} --out {}",
        w.released,
        cert.display()
    ));
    let number = str_of(&r, "number").to_owned();
    assert!(number.starts_with("本镇〔2026〕第"), "{number}");
    let text = pdf_text(&cert);
    let masked = gridbook_domain::privacy::mask_id_number(&mainland_id(300));
    for want in [
        "居家健康监测期满证明",
        "李明",
        masked.as_str(),
        "2026年3月2日至2026年3月15日",
        "2026年3月16日",
        "核酸检测2次，均为阴性",
        "健康随访3次",
        number.as_str(),
        "本镇人民政府",
    ] {
        assert!(text.contains(want), "certificate lacks {want}: {text}");
    }
    assert!(!text.contains(&mainland_id(300)), "the full ID is masked");
    assert_subset_font(&cert);
    screenshot(&cert, "print-certificate");

    let refused = out(d, "no.pdf");
    let err = fails(
        d,
        &format!(
            "print certificate {} --out {}",
            w.running,
            refused.display()
        ),
        3,
    );
    assert!(err.contains("尚未解除"), "{err}");
    assert!(!refused.exists());
    fails(
        d,
        &format!(
            "print notice {} --out {}",
            w.running,
            out(d, "n.png").display()
        ),
        2,
    );
    let log = log_rows(d);
    let kinds: Vec<&str> = log.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(kinds, ["certificate", "notice"], "{log:?}");
}
