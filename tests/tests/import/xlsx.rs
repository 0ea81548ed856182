//! Workbooks as townships keep them: a title row, merged header cells, an ID number Excel
//! stored as a number, every column of the ledger format.

use super::*;

/// A workbook as townships make them: a merged title row, a header over two rows with merged
/// cells, an ID number Excel stored as a number, dates as date cells and as text.
fn township_workbook(path: &Path, ids: &[String]) {
    let mut wb = Workbook::new();
    let merged = Format::new().set_bold().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("花名册").expect("name");
    ws.merge_range(
        0,
        0,
        0,
        6,
        "红星村一户一档台账（截至2026年12月1日）",
        &merged,
    )
    .expect("title");
    ws.merge_range(1, 0, 2, 0, "序号", &merged).expect("序号");
    ws.merge_range(1, 1, 1, 2, "户主信息", &merged)
        .expect("户主信息");
    ws.write_string(2, 1, "户主姓名").expect("h");
    ws.write_string(2, 2, "与户主关系").expect("h");
    ws.merge_range(1, 3, 2, 3, "姓名", &merged).expect("姓名");
    ws.merge_range(1, 4, 2, 4, "公民身份号码", &merged)
        .expect("id");
    ws.merge_range(1, 5, 2, 5, "现住址", &merged).expect("addr");
    ws.merge_range(1, 6, 2, 6, "出生日期", &merged)
        .expect("birth");
    let rows: [(&str, &str, &str, &str); 3] = [
        ("郑一", "户主", "郑一", "红星村一组10号"),
        ("郑一", "配偶", "冯二", "红星村一组10号"),
        ("郑一", "子女", "郑三", "红星村一组10号"),
    ];
    for (i, (head, rel, name, addr)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("seq");
        ws.write_string(r, 1, *head).expect("head");
        ws.write_string(r, 2, *rel).expect("rel");
        ws.write_string(r, 3, *name).expect("name");
        ws.write_string(r, 5, *addr).expect("addr");
    }
    ws.write_string(3, 4, &ids[0]).expect("id");
    let birth = chrono::NaiveDate::parse_from_str(&ids[0][6..14], "%Y%m%d").expect("birth");
    let dt = rust_xlsxwriter::ExcelDateTime::parse_from_str(&birth.format("%Y-%m-%d").to_string())
        .expect("date");
    ws.write_datetime_with_format(3, 6, &dt, &date)
        .expect("date");
    ws.write_number(4, 4, ids[1].parse::<f64>().expect("digits"))
        .expect("float id");
    ws.write_string(5, 4, &ids[2]).expect("id");
    ws.write_string(5, 6, "1990.13.45").expect("bad date");
    wb.add_worksheet().set_name("说明").expect("second sheet");
    wb.save(path).expect("save workbook");
}

#[test]
fn xlsx_with_title_merged_header_and_a_float_id_cell() {
    let town = Town::new();
    let ids: Vec<String> = (300..303).map(mainland_id).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("台账.xlsx");
    township_workbook(&file, &ids);
    let report = dir.path().join("r.xlsx");
    let out = town.import(
        &file,
        &format!("--sheet 花名册 --report {}", report.display()),
    );
    let rows = report_rows(&report);
    assert_eq!(
        rows.keys().copied().collect::<Vec<_>>(),
        [4, 5, 6],
        "data starts under the two header rows"
    );
    assert_eq!(rows[&4][0], "正常", "{:?}", rows[&4]);
    assert_eq!(rows[&4][1], "新增");
    assert_eq!(rows[&5][0], "拒绝");
    assert_eq!(rows[&5][2], "公民身份号码");
    assert!(rows[&5][3].contains("E+17"), "{:?}", rows[&5]);
    assert_eq!(rows[&6][0], "拒绝");
    assert_eq!(rows[&6][2], "出生日期");
    assert_eq!(out["persons_added"], 1);
    assert_eq!(out["households_added"], 1);
    assert_eq!(town.counts(), (1, 1));
    // The second sheet has no header: reading it is an error of the file (exit 2).
    let bad = town.data.run(&format!(
        "--json import {} --village {} --sheet 说明",
        file.display(),
        town.village
    ));
    assert_eq!(bad.status.code(), Some(2));
    let nosheet = town.data.run(&format!(
        "--json import {} --village {} --sheet 无此表",
        file.display(),
        town.village
    ));
    assert_eq!(nosheet.status.code(), Some(2));
}

#[test]
fn every_column_of_the_ledger_format_is_read_and_map_overrides_a_header() {
    let town = Town::new();
    let ids: Vec<String> = (400..402).map(mainland_id).collect();
    // The ledger's columns, in order, as gridbook's own export writes them.
    let header =
        "序号,村（社区）,组,户号,户主姓名,与户主关系,姓名,性别,公民身份号码,联系电话,现住址,\
                  人员类型,重点人员类别,七类人,疫苗接种剂次,最近核酸日期,最近核酸结果,外出务工,\
                  最近核查日期,核查人,备注";
    let csv = format!(
        "{header}\n\
         1,红星村,一组,A1,林一,户主,林一,男,{},13800000011,红星村一组20号,流动,境外返乡,,2,2026-11-30,阴性,是,2026-12-01,李XX,\n\
         2,红星村,一组,A1,林一,配偶,黄二,女,{},,红星村一组20号,,,孕产妇,0,,,否,,,\n",
        ids[0], ids[1]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "export.csv", csv.as_bytes());
    let out = town.data.json(&format!("import {}", file.display()));
    assert!(array(&out["refused"]).is_empty(), "{out}");
    assert_eq!(out["households_added"], 1);
    let lin = town.person(&ids[0]).expect("林一");
    assert_eq!(lin["residency"], "floating");
    assert_eq!(lin["tags"], serde_json::json!(["overseas"]));
    assert_eq!(lin["works_away"], true);
    assert_eq!(
        town.person(&ids[1]).expect("黄二")["vulnerable"],
        serde_json::json!(["pregnant"])
    );

    // A header nobody expects, mapped by hand; an unknown field is invalid input.
    let odd = format!("名,号码,住处\n许一,{},红星村二组3号\n", mainland_id(403));
    let file = write(dir.path(), "odd.csv", odd.as_bytes());
    let v = &town.village;
    let bad = town.data.run(&format!(
        "--json import {} --village {v} --map 号码=nonsense",
        file.display()
    ));
    assert_eq!(bad.status.code(), Some(2));
    let no_header = town
        .data
        .run(&format!("--json import {} --village {v}", file.display()));
    assert_eq!(
        no_header.status.code(),
        Some(2),
        "no header found without --map"
    );
    let out = town.import(&file, "--map 名=name,号码=id_number,住处=address");
    assert_eq!(out["persons_added"], 1, "{out}");
}
