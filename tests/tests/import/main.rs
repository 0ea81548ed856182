//! `gridbook import`: a township's 一户一档 sheets into the ledger.
//!
//! The fixtures are made here: workbooks with rust_xlsxwriter (a title row, merged header
//! cells over two rows, an ID number stored as a number), CSV by hand (UTF-8 with BOM, GBK
//! bytes through encoding_rs, full-width characters, 1.10101E+17, duplicates, a bad check
//! character). Each row's outcome is read back from the report sheet by openpyxl, a reader
//! that is not ours. The real binary runs on real data directories: idempotence, a kill -9 in
//! the middle of a big import and a re-run, and search finding an imported person.

mod batches;
mod columns;
mod xlsx;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use gridbook_tests::procs::Data;
use gridbook_tests::python::python_json;
use gridbook_tests::{array, mainland_id, str_of, with_wrong_check_char};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde_json::Value;

/// A data directory with 红星村 and its groups 一组 and 二组.
struct Town {
    data: Data,
    village: String,
}

impl Town {
    fn new() -> Self {
        let data = Data::new();
        let village = str_of(&data.json("village add --name 红星村"), "id").to_owned();
        for g in ["一组", "二组"] {
            data.json(&format!("group add --village {village} --name {g}"));
        }
        Town { data, village }
    }

    /// `import FILE --village V ARGS --json`, which must exit 0.
    fn import(&self, file: &Path, args: &str) -> Value {
        self.data.json(&format!(
            "import {} --village {} {args}",
            file.display(),
            self.village
        ))
    }

    /// (households, persons) of the village.
    fn counts(&self) -> (i64, i64) {
        let v = self.data.json("village list");
        let v = array(&v)
            .iter()
            .find(|v| str_of(v, "id") == self.village)
            .cloned()
            .expect("village");
        (
            v["households"].as_i64().expect("households"),
            v["persons"].as_i64().expect("persons"),
        )
    }

    /// The person with this ID number, through search.
    fn person(&self, id_number: &str) -> Option<Value> {
        let hits = self.data.json(&format!("search {id_number}"));
        array(&hits)
            .iter()
            .find(|h| str_of(h, "id_number") == id_number)
            .map(|h| self.data.person(str_of(h, "person_id")))
    }
}

/// A valid ID number whose check character is X.
fn id_ending_in_x() -> String {
    (5000..)
        .map(mainland_id)
        .find(|id| id.ends_with('X'))
        .expect("some number checks to X")
}

/// Full-width form of ASCII digits and letters.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Each row of the report sheet by its row number in the file: (导入结果, 人员处理, 字段, 原因).
fn report_rows(path: &Path) -> BTreeMap<u64, [String; 4]> {
    let script = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["导入检查"]
rows = [["" if c is None else c for c in r] for r in ws.iter_rows(values_only=True)]
print(json.dumps(rows, ensure_ascii=False))
"#;
    let rows = python_json(script, &[path]);
    let rows = array(&rows);
    let head: Vec<&str> = array(&rows[0])
        .iter()
        .map(|c| c.as_str().unwrap_or(""))
        .collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let cols = [
        col("导入结果"),
        col("人员处理"),
        col("字段"),
        col("原因或说明"),
    ];
    rows[1..]
        .iter()
        .map(|r| {
            let r = array(r);
            let text = |i: usize| match &r[i] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (r[0].as_f64().expect("row number") as u64, cols.map(text))
        })
        .collect()
}

fn refused(v: &Value) -> BTreeMap<u64, (String, String)> {
    array(&v["refused"])
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().expect("row"),
                (
                    str_of(r, "field").to_owned(),
                    str_of(r, "reason").to_owned(),
                ),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

#[test]
fn csv_rows_are_ok_fixed_or_refused_one_by_one_and_the_ledger_is_updated_not_duplicated() {
    let town = Town::new();
    // A person already in the ledger, without a phone, whose name the file spells otherwise.
    let known = mainland_id(7001);
    town.data.json(&format!(
        "household add --village {} --address 红星村一组9号 --head-name 吴一 --head-id {known}",
        town.village
    ));
    let ids: Vec<String> = (100..110).map(mainland_id).collect();
    let x = id_ending_in_x();
    let csv = format!(
        "红星村一户一档台账（截至2026年12月1日）,,,,,,,,\n\
         序号,组,户号,户主姓名,与户主关系,姓名,公民身份号码,联系电话,现住址\n\
         1,一组,H001,张三,户主,张三,{i0},13800138000,红星村一组1号\n\
         2,一组,H001,张三,妻,李 四 ,{i1},,红星村一组1号\n\
         3,二组,H002,王五,户主,王五,{i2fw},１３９００１３９０００,红星村二组2号\n\
         4,一组,H003,赵六,户主,赵六,1.10101E+17,,红星村一组3号\n\
         5,一组,H003,赵六,子女,赵七,{bad},,红星村一组3号\n\
         6,五组,H004,钱八,户主,钱八,{i5},,红星村五组4号\n\
         7,一组,H005,孙九,户主,孙九,{i0},,红星村一组5号\n\
         8,一组,H006,周十,户主,周十,{xl},13700137000,红星村一组6号\n\
         9,一组,H007,吴一,户主,吴壹,{known},13600136000,红星村一组9号\n\
         ,,,,,,,,\n\
         制表人：李XX,,,,,,,,\n",
        i0 = ids[0],
        i1 = ids[1],
        i2fw = full_width(&ids[2]),
        bad = with_wrong_check_char(&ids[3]),
        i5 = ids[5],
        xl = x.to_lowercase(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let bom = [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat();
    let file = write(dir.path(), "台账.csv", &bom);
    let report = dir.path().join("report.xlsx");

    let dry = town.import(&file, &format!("--dry-run --report {}", report.display()));
    assert_eq!(town.counts(), (1, 1), "a dry run writes nothing");
    let rows = report_rows(&report);
    let expect: [(u64, &str, &str, &str, &str); 9] = [
        (3, "正常", "新增", "", ""),
        (4, "已修正", "新增", "", "空格"),
        (5, "已修正", "新增", "", "全角"),
        (6, "拒绝", "", "公民身份号码", "1.10101E+17"),
        (7, "拒绝", "", "公民身份号码", "校验不通过"),
        (8, "拒绝", "", "组", "未知的组：五组"),
        (9, "拒绝", "", "公民身份号码", "文件内重复（与第3行"),
        (10, "已修正", "新增", "", "小写x"),
        (11, "正常", "补充", "", ""),
    ];
    assert_eq!(
        rows.len(),
        expect.len(),
        "blank and signature lines are not rows: {rows:?}"
    );
    for (row, status, action, field, reason) in expect {
        let got = &rows[&row];
        assert_eq!(got[0], status, "row {row}: {got:?}");
        assert_eq!(got[1], action, "row {row}: {got:?}");
        assert_eq!(got[2], field, "row {row}: {got:?}");
        assert!(got[3].contains(reason), "row {row}: {got:?}");
    }
    assert_eq!(dry["rows"], 9);
    assert_eq!(dry["ok"], 2);
    assert_eq!(dry["fixed"], 3);
    let r = refused(&dry);
    assert_eq!(r.keys().copied().collect::<Vec<_>>(), [6, 7, 8, 9]);
    assert_eq!(r[&6].0, "id_number");
    assert_eq!(r[&8].0, "group");
    assert_eq!(dry["households_added"], 3, "H001, H002, H006");
    assert_eq!(dry["persons_added"], 4);
    assert_eq!(dry["persons_updated"], 1);
    let diffs = array(&dry["differences"]);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0]["row"], 11);
    assert_eq!(diffs[0]["field"], "name");
    assert_eq!(diffs[0]["ledger"], "吴一");
    assert_eq!(diffs[0]["file"], "吴壹");

    let done = town.import(&file, "");
    for key in [
        "rows",
        "ok",
        "fixed",
        "refused",
        "households_added",
        "persons_added",
    ] {
        assert_eq!(
            done[key], dry[key],
            "{key}: the import does what the dry run showed"
        );
    }
    assert_eq!(done["persons_updated"], 1);
    assert_eq!(town.counts(), (4, 5));
    // The ledger person was filled, not overwritten, not duplicated.
    let k = town.person(&known).expect("known person");
    assert_eq!(k["name"], "吴一");
    assert_eq!(k["phone"], "13600136000");
    // Normalized values are what was stored; the spouse joined 张三's household.
    let spouse = town.person(&ids[1]).expect("spouse");
    assert_eq!(spouse["name"], "李四");
    assert_eq!(spouse["relation"], "spouse");
    let head = town.person(&ids[0]).expect("head");
    assert_eq!(head["household_id"], spouse["household_id"]);
    assert_eq!(head["relation"], "head");
    assert_eq!(town.person(&ids[2]).expect("王五")["phone"], "13900139000");
    assert!(town.person(&x).is_some(), "lower-case x stored as X");
    assert!(
        town.person(&ids[5]).is_none(),
        "refused rows are not imported"
    );

    // The same file again changes nothing.
    let heads = town.data.heads();
    let again = town.import(&file, "");
    assert_eq!(again["households_added"], 0);
    assert_eq!(again["persons_added"], 0);
    assert_eq!(again["persons_updated"], 0);
    assert_eq!(town.counts(), (4, 5));
    assert_eq!(town.data.heads(), heads, "no document changed");
    town.data.reindex_check();
    // Search finds an imported person by name.
    let hits = town.data.json("search 王五");
    assert!(array(&hits)
        .iter()
        .any(|h| h["id_number"] == ids[2].as_str()));
}

#[test]
fn gbk_csv_with_village_column_and_households_by_head_and_address() {
    let town = Town::new();
    let ids: Vec<String> = (200..205).map(mainland_id).collect();
    let csv = format!(
        "村（社区）,所属组,户主姓名,与户主关系,姓名,身份证号,手机号码,家庭住址,人员类型,人员类别,七类人,出生日期\n\
         红星村,1组,刘一,户主,刘一,{},13800000001,红星村一组8号,户籍,密接、红码,,{}\n\
         红星村,1组,刘一,子,刘二,{},,红星村一组8号,常住,,独居老人,1990/3/14\n\
         红星村,2组,陈三,本人,陈三,{},,红星村二组1号,租户,,,\n\
         白云村,1组,何四,户主,何四,{},,白云村1号,,,,\n",
        ids[0],
        ids[0][6..14].to_owned(),
        ids[1],
        ids[2],
        ids[3],
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "gbk.csv", &gbk);
    let out = town
        .data
        .json(&format!("import {} --dry-run", file.display()));
    let r = refused(&out);
    assert_eq!(r.len(), 1, "{out}");
    assert_eq!(r[&5].0, "village");
    assert!(r[&5].1.contains("白云村"), "{:?}", r[&5]);
    assert_eq!(out["households_added"], 2);
    town.data.json(&format!("import {}", file.display()));
    assert_eq!(town.counts(), (2, 3));
    let liu = town.person(&ids[0]).expect("刘一");
    assert_eq!(
        liu["tags"],
        serde_json::json!(["close-contact", "red-code"])
    );
    let son = town.person(&ids[1]).expect("刘二");
    assert_eq!(son["household_id"], liu["household_id"]);
    assert_eq!(son["relation"], "child");
    assert_eq!(son["residency"], "resident");
    assert_eq!(son["vulnerable"], serde_json::json!(["elderly-alone"]));
    assert_eq!(town.person(&ids[2]).expect("陈三")["residency"], "tenant");
    let household = town
        .data
        .json(&format!("household show {}", str_of(&liu, "household_id")));
    assert_eq!(household["group_name"], "一组", "1组 is 一组");
}
