//! Columns that cannot be named by their header: a blank header (a merged cell leaves one)
//! and a header written twice (two 联系电话 columns). They are shown by letter, mapped by
//! position with `--map #C=FIELD` / `FIELD=#3`, and the chosen column's values, row by row,
//! are the ones that reach the ledger.

use super::*;

/// Rows of the fixtures: name, the first 联系电话, the second, address, plate.
const ROWS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "郑一",
        "13800000001",
        "13900000001",
        "红星村一组10号",
        "川A12345",
    ),
    ("冯二", "", "13900000002", "红星村一组11号", "川B23456"),
    ("陈三", "13800000003", "", "红星村一组12号", ""),
];

/// A workbook: a merged title, then 序号 姓名 公民身份号码 联系电话 联系电话 and 现住址 merged
/// over F:G, so that column G (the plates) has no header of its own.
fn workbook(path: &Path, ids: &[String]) {
    let mut wb = Workbook::new();
    let merged = Format::new().set_bold().set_align(FormatAlign::Center);
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 6, "红星村一户一档台账", &merged)
        .expect("title");
    for (c, h) in ["序号", "姓名", "公民身份号码", "联系电话", "联系电话"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    ws.merge_range(1, 5, 1, 6, "现住址", &merged)
        .expect("现住址");
    for (i, (name, phone1, phone2, addr, plate)) in ROWS.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("seq");
        for (c, v) in [(1, *name), (2, ids[i].as_str()), (3, *phone1), (4, *phone2)] {
            if !v.is_empty() {
                ws.write_string(r, c, v).expect("cell");
            }
        }
        ws.write_string(r, 5, *addr).expect("addr");
        if !plate.is_empty() {
            ws.write_string(r, 6, *plate).expect("plate");
        }
    }
    wb.save(path).expect("save workbook");
}

/// The same table by hand as CSV, the blank header in the middle (column F: the plates).
fn csv(ids: &[String]) -> String {
    let mut text = String::from("姓名,公民身份号码,联系电话,联系电话,现住址,\n");
    for (i, (name, phone1, phone2, addr, plate)) in ROWS.iter().enumerate() {
        text.push_str(&format!(
            "{name},{},{phone1},{phone2},{addr},{plate}\n",
            ids[i]
        ));
    }
    text
}

/// (phone, plate) of each fixture row's person, as the ledger has it.
fn ledger(town: &Town, ids: &[String]) -> Vec<(Value, Value)> {
    ids.iter()
        .map(|id| {
            let p = town.person(id).expect("imported");
            (p["phone"].clone(), p["plate"].clone())
        })
        .collect()
}

fn some(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// The ledger when the second 联系电话 and the blank column are the phone and the plate: each
/// row's own values, and none for the row that has neither (the first 联系电话 is no fallback).
fn second_phone_and_plates() -> Vec<(Value, Value)> {
    ROWS.iter()
        .map(|(_, _, phone, _, plate)| {
            let v = |s: &str| if s.is_empty() { Value::Null } else { some(s) };
            (v(phone), v(plate))
        })
        .collect()
}

#[test]
fn xlsx_columns_shown_by_letter_and_mapped_by_position_land_row_by_row() {
    let ids: Vec<String> = (800..803).map(mainland_id).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("一户一档.xlsx");
    workbook(&file, &ids);

    // The check: each column by letter; the leftmost 联系电话 is the phone, the other and the
    // blank column are not imported until the township chooses.
    let town = Town::new();
    let report = town.import(&file, "--dry-run --detail");
    assert_eq!(report["header_row"], 2, "{report}");
    let cols: Vec<(String, String, bool, Value)> = array(&report["columns"])
        .iter()
        .map(|c| {
            (
                str_of(c, "letter").to_owned(),
                str_of(c, "header").to_owned(),
                c["repeated"].as_bool().expect("repeated"),
                c["field"].clone(),
            )
        })
        .collect();
    let want = [
        ("A", "序号", false, some("seq")),
        ("B", "姓名", false, some("name")),
        ("C", "公民身份号码", false, some("id_number")),
        ("D", "联系电话", true, some("phone")),
        ("E", "联系电话", true, Value::Null),
        ("F", "现住址", false, some("address")),
        ("G", "", false, Value::Null),
    ]
    .map(|(l, h, r, f)| (l.to_owned(), h.to_owned(), r, f));
    assert_eq!(cols, want);

    // As detected: the phone is column D's, row by row; column E is not a fallback.
    town.import(&file, "");
    assert_eq!(
        ledger(&town, &ids),
        [
            (some("13800000001"), Value::Null),
            (Value::Null, Value::Null),
            (some("13800000003"), Value::Null),
        ]
    );

    // By position, in both orders: column E is the phone (D gives it up), G the plate.
    let town = Town::new();
    let out = town.import(&file, "--map #E=phone,plate=#g");
    assert_eq!(out["persons_added"], 3, "{out}");
    assert_eq!(ledger(&town, &ids), second_phone_and_plates());

    // A column the sheet does not have is invalid input, and nothing is written.
    let town = Town::new();
    let bad = town.data.run(&format!(
        "--json import {} --village {} --map #Z=phone",
        file.display(),
        town.village
    ));
    assert_eq!(bad.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&bad.stderr).expect("error json");
    assert_eq!(err["error"]["field"], "map", "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains('Z')),
        "{err}"
    );
    assert_eq!(town.counts(), (0, 0));
}

#[test]
fn csv_blank_and_repeated_headers_mapped_by_number_and_the_header_form_still_works() {
    let ids: Vec<String> = (810..813).map(mainland_id).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "一户一档.csv", csv(&ids).as_bytes());

    // Numbers counted from 1, field first and header first, beside a header by its text.
    let town = Town::new();
    town.import(&file, "--map phone=#4,#6=车牌号,现住址=address");
    assert_eq!(ledger(&town, &ids), second_phone_and_plates());

    // The header form names every column of a repeated header: ignored, neither is read.
    let town = Town::new();
    town.import(&file, "--map 联系电话=ignore");
    assert_eq!(ledger(&town, &ids), vec![(Value::Null, Value::Null); 3]);
}
