//! Lists imported at the township: a workbook and a GBK CSV made here, rows matched by ID
//! number, phone and name within the village, the same list twice adds nothing, bad input
//! exits 2 and writes nothing.

use super::*;

/// Two villages: 红星村 with 张三 (ID, phone), 李四 (ID, phone), 王五 (no phone); 东风村 empty.
struct Town {
    data: Data,
    hongxing: String,
}

impl Town {
    fn new() -> Town {
        let data = Data::new();
        let hongxing = str_of(&data.json("village add --name 红星村"), "id").to_owned();
        data.json("village add --name 东风村");
        let h = data.json(&format!(
            "household add --village {hongxing} --address 红星村一组1号 --head-name 张三 \
             --head-id {} --phone 13800000001",
            mainland_id(1)
        ));
        let hh = str_of(&h, "household_id");
        data.json(&format!(
            "person add --household {hh} --name 李四 --id-number {} --phone 13800000002",
            mainland_id(2)
        ));
        data.json(&format!(
            "person add --household {hh} --name 王五 --id-number {}",
            mainland_id(3)
        ));
        Town { data, hongxing }
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | 'A'..='Z' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "序号",
    "姓名",
    "身份证号",
    "联系电话",
    "类别",
    "推送日期",
    "现住址",
];

/// The list's rows: (name, ID cell, phone, category, date, place).
fn list_rows() -> Vec<[String; 6]> {
    let x = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
        [a, b, c, d, e, f].map(str::to_owned)
    };
    vec![
        // By ID number, written in full-width digits.
        x(
            "张三",
            &full_width(&mainland_id(1)),
            "",
            "密接",
            "2026/12/1",
            "",
        ),
        // A wrong check character: matched by the phone instead.
        x(
            "李四",
            &with_wrong_check_char(&mainland_id(2)),
            "138 0000 0002",
            "次密接",
            "2026.12.01",
            "",
        ),
        // No number, no phone: by name within the village the address names.
        x("王五", "", "", "密接", "20261201", "红星村二组"),
        // Nobody of that name in 东风村: the township's list.
        x(
            "赵六",
            &mainland_id(99),
            "13900000099",
            "密接",
            "2026-12-01",
            "东风村",
        ),
        // Digits lost to Excel: kept as written, matched on nothing.
        x("张三", "1.10105E+17", "", "密接", "2026-12-01", ""),
    ]
}

fn list_xlsx(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let title = Format::new().set_align(FormatAlign::Center).set_bold();
    sheet
        .merge_range(0, 0, 0, 6, "县疫情防控指挥部推送人员核查名单", &title)
        .expect("title");
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).expect("header");
    }
    for (i, r) in list_rows().iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_number(row, 0, (i + 1) as f64).expect("seq");
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(row, c as u16 + 1, v).expect("cell");
            }
        }
    }
    book.save(path).expect("save xlsx");
}

fn list_gbk_csv(path: &Path) {
    let mut text = format!("{}\r\n", HEADER.join(","));
    for (i, r) in list_rows().iter().enumerate() {
        text.push_str(&format!("{},{}\r\n", i + 1, r.join(",")));
    }
    let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(path, bytes).expect("write csv");
}

/// (matched_by, village_id, created) of each row of an import, by row number.
fn outcomes(v: &Value) -> Vec<(u64, Option<String>, Option<String>, bool)> {
    array(&v["rows"])
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().expect("row"),
                r["matched_by"].as_str().map(str::to_owned),
                r["village_id"].as_str().map(str::to_owned),
                r["created"].as_bool().expect("created"),
            )
        })
        .collect()
}

#[test]
fn rows_are_matched_by_id_phone_and_name_and_the_same_list_twice_adds_nothing() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("dir");
    let xlsx = dir.path().join("名单.xlsx");
    list_xlsx(&xlsx);
    let first = town.data.json(&format!(
        "tasks import {} --source 县指挥部1201 --due-hours 12",
        xlsx.display()
    ));
    assert_eq!(
        (&first["tasks"], &first["matched"], &first["unmatched"]),
        (&Value::from(5), &Value::from(3), &Value::from(2)),
        "{first}"
    );
    let hx = Some(town.hongxing.clone());
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        outcomes(&first),
        vec![
            (3, s("id_number"), hx.clone(), true),
            (4, s("phone"), hx.clone(), true),
            (5, s("name"), hx.clone(), true),
            (6, None, None, true),
            (7, None, None, true),
        ]
    );
    let listed = town.data.json("tasks list");
    let rows = array(&listed);
    assert_eq!(rows.len(), 5);
    let lost = rows
        .iter()
        .find(|r| r["id_number"] == "1.10105E+17")
        .expect("the lost number is kept as written");
    assert!(lost["village_id"].is_null() && lost["person_id"].is_null());
    // Full-width digits were folded and the task names the person of the ledger.
    let zhang = rows
        .iter()
        .find(|r| r["id_number"] == mainland_id(1).as_str())
        .expect("张三");
    assert_eq!(zhang["status"], "open");
    assert_eq!(zhang["list_date"], "2026-12-01");
    assert!(zhang["person_id"].is_string());

    // The same list again: nothing new; the same rows as GBK CSV from another sender are
    // that sender's tasks, matched the same way.
    let again = town.data.json(&format!(
        "tasks import {} --source 县指挥部1201",
        xlsx.display()
    ));
    assert_eq!(again["created"], 0, "{again}");
    assert_eq!(array(&town.data.json("tasks list")).len(), 5);
    let csv = dir.path().join("名单.csv");
    list_gbk_csv(&csv);
    let other = town.data.json(&format!(
        "tasks import {} --source 县公安局1202",
        csv.display()
    ));
    let by: Vec<_> = outcomes(&other).into_iter().map(|o| o.1).collect();
    assert_eq!(by, vec![s("id_number"), s("phone"), s("name"), None, None]);
    assert_eq!(array(&town.data.json("tasks list")).len(), 10);
    assert_eq!(
        array(
            &town
                .data
                .json(&format!("tasks list --village {}", town.hongxing))
        )
        .len(),
        6
    );
    assert_eq!(array(&town.data.json("tasks list --unmatched")).len(), 4);
    town.data.reindex_check();
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("dir");
    let xlsx = dir.path().join("名单.xlsx");
    list_xlsx(&xlsx);
    let before = town.data.heads();
    for (cmd, code) in [
        (format!("tasks import {} --source  ", xlsx.display()), 2),
        (
            format!("tasks import {} --source 甲 --due-hours 0", xlsx.display()),
            2,
        ),
        (
            format!(
                "tasks import {} --source 甲 --due-hours 100000",
                xlsx.display()
            ),
            2,
        ),
        ("tasks import /nonexistent.xlsx --source 甲".to_owned(), 2),
        (
            "tasks close 00000000-0000-4000-8000-000000000000 --outcome present".to_owned(),
            2,
        ),
        ("tasks close not-a-uuid --outcome present".to_owned(), 2),
    ] {
        let out = town.data.run(&format!("--json {cmd}"));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(town.data.heads(), before);
    let done = town
        .data
        .json(&format!("tasks import {} --source 甲", xlsx.display()));
    let task = str_of(&array(&done["rows"])[0], "task_id").to_owned();
    let before = town.data.heads();
    for bad in [
        format!("tasks close {task} --outcome gone"),
        format!("tasks close {task} --outcome present --tag 蓝码"),
        format!(
            "tasks close {task} --outcome present --note {}",
            "很".repeat(201)
        ),
    ] {
        let out = town.data.run(&format!("--json {bad}"));
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let unmatched = str_of(&array(&done["rows"])[3], "task_id").to_owned();
    let out = town.data.run(&format!(
        "--json tasks close {unmatched} --outcome unknown --tag 密接"
    ));
    assert_eq!(
        out.status.code(),
        Some(2),
        "a task without a person takes no tag"
    );
    assert_eq!(town.data.heads(), before);
}

#[test]
fn the_columns_are_shown_before_importing_and_the_township_overrides_them() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("dir");
    // A sender's own headers: only 证件号 is a name gridbook knows for its column.
    let csv = dir.path().join("名单.csv");
    let mut text = String::from("\u{feff}序号,对象,证件号,手机,批次日期,居住地,说明\n");
    text.push_str(&format!(
        "1,张三,{},,2026-12-01,,\n2,李四,,13800000002,2026-12-02,,\n3,王五,,,2026-12-03,红星村二组,电话未接\n",
        mainland_id(1)
    ));
    std::fs::write(&csv, text).expect("csv");
    let heads = town.data.heads();
    // As detected: the number and the phone; the name, the date, the place and the remark
    // under headers gridbook does not know.
    let taken = |v: &Value| -> Vec<(String, Option<String>)> {
        array(&v["columns"])
            .iter()
            .map(|c| {
                (
                    str_of(c, "header").to_owned(),
                    c["field"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let s = |x: &str| Some(x.to_owned());
    let col = |h: &str, f: Option<String>| (h.to_owned(), f);
    let detected = town.data.json(&format!(
        "tasks import {} --source 甲 --dry-run",
        csv.display()
    ));
    assert_eq!(
        taken(&detected),
        vec![
            col("序号", None),
            col("对象", None),
            col("证件号", s("id_number")),
            col("手机", s("phone")),
            col("批次日期", None),
            col("居住地", None),
            col("说明", None),
        ]
    );
    let map = "对象=name,手机=phone,批次日期=date,居住地=place,说明=note,序号=ignore";
    let dry = town.data.json(&format!(
        "tasks import {} --source 甲 --dry-run --map {map}",
        csv.display()
    ));
    assert_eq!(dry["rows"], 3, "{dry}");
    assert_eq!(
        taken(&dry),
        vec![
            col("序号", None),
            col("对象", s("name")),
            col("证件号", s("id_number")),
            col("手机", s("phone")),
            col("批次日期", s("date")),
            col("居住地", s("place")),
            col("说明", s("note")),
        ]
    );
    assert_eq!(town.data.heads(), heads, "a dry run writes nothing");
    // A field no list has: refused before anything is read or written.
    let out = town.data.run(&format!(
        "--json tasks import {} --source 甲 --map 对象=doses",
        csv.display()
    ));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(town.data.heads(), heads);

    let done = town.data.json(&format!(
        "tasks import {} --source 甲 --map {map}",
        csv.display()
    ));
    let by: Vec<_> = outcomes(&done).into_iter().map(|o| o.1).collect();
    assert_eq!(by, vec![s("id_number"), s("phone"), s("name")], "{done}");
    let listed = town.data.json("tasks list");
    let wang = array(&listed)
        .iter()
        .find(|r| r["name"] == "王五")
        .cloned()
        .expect("王五");
    assert_eq!(wang["list_date"], "2026-12-03");
    assert_eq!(wang["place"], "红星村二组");

    // The detected place not used: 王五 is then matched to nobody.
    let xlsx = dir.path().join("名单.xlsx");
    list_xlsx(&xlsx);
    let unplaced = town.data.json(&format!(
        "tasks import {} --source 乙 --map 现住址=ignore",
        xlsx.display()
    ));
    let by: Vec<_> = outcomes(&unplaced).into_iter().map(|o| o.1).collect();
    assert_eq!(by, vec![s("id_number"), s("phone"), None, None, None]);
}

#[test]
fn an_unmatched_row_is_handed_to_a_village_and_bad_assignments_write_nothing() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("dir");
    let xlsx = dir.path().join("名单.xlsx");
    list_xlsx(&xlsx);
    town.data.json(&format!(
        "tasks import {} --source 县指挥部1201",
        xlsx.display()
    ));
    let unmatched = town.data.json("tasks list --unmatched");
    let zhao = array(&unmatched)
        .iter()
        .find(|r| r["name"] == "赵六")
        .cloned()
        .expect("赵六 on the township's list");
    let task = str_of(&zhao, "task_id").to_owned();
    let zhang = array(&town.data.json("search 张三"))[0]["person_id"]
        .as_str()
        .expect("张三")
        .to_owned();
    let heads = town.data.heads();
    for (bad, code) in [
        (
            format!("tasks assign {task} --village 00000000-0000-4000-8000-000000000000"),
            2,
        ),
        (format!("tasks assign {task} --village 红星村"), 2),
        (
            format!("tasks assign not-a-task --village {}", town.hongxing),
            2,
        ),
        (
            format!(
                "tasks assign {task} --village {} --person {}",
                town.hongxing,
                uuid(9)
            ),
            2,
        ),
    ] {
        let out = town.data.run(&format!("--json {bad}"));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = town.data.run(&format!(
        "--json tasks assign {task} --village 00000000-0000-4000-8000-000000000000"
    ));
    let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    let err = &err["error"];
    assert_eq!(
        (&err["kind"], &err["field"]),
        (&Value::from("invalid"), &Value::from("village")),
        "{err}"
    );
    assert!(str_of(err, "message").contains("村") && !str_of(err, "message_en").is_empty());
    assert_eq!(town.data.heads(), heads, "nothing written");

    let given = town.data.json(&format!(
        "tasks assign {task} --village {} --person {zhang}",
        town.hongxing
    ));
    assert_eq!(given["from"], task.as_str());
    let theirs = town
        .data
        .json(&format!("tasks list --village {}", town.hongxing));
    let row = array(&theirs)
        .iter()
        .find(|r| r["task_id"] == given["task_id"])
        .cloned()
        .expect("the village's new task");
    assert_eq!(
        (&row["name"], &row["match_by"]),
        (&Value::from("赵六"), &Value::from("township"))
    );
    assert_eq!(row["person_id"], zhang.as_str());
    assert!(!array(&town.data.json("tasks list --unmatched"))
        .iter()
        .any(|r| r["task_id"] == task.as_str()));
    let out = town.data.run(&format!(
        "--json tasks assign {task} --village {}",
        town.hongxing
    ));
    assert_eq!(out.status.code(), Some(3), "assigned already");
    town.data.reindex_check();
}
