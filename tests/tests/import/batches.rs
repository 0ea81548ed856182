//! Bad input changes nothing; a big import killed in the middle and run again ends like one
//! clean run.

use super::*;

#[test]
fn bad_input_exits_2_and_changes_nothing() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nothing.xlsx");
    let broken = write(dir.path(), "broken.xlsx", b"not a zip at all");
    let pdf = write(dir.path(), "a.pdf", b"%PDF-1.4");
    let ok = write(
        dir.path(),
        "ok.csv",
        format!("姓名,身份证号,住址\n许二,{},红星村1号\n", mainland_id(500)).as_bytes(),
    );
    let heads = town.data.heads();
    for cmd in [
        format!("import {} --village {}", missing.display(), town.village),
        format!("import {} --village {}", broken.display(), town.village),
        format!("import {} --village {}", pdf.display(), town.village),
        format!(
            "import {} --village 8a1f1c2e-0000-4000-8000-000000000000",
            ok.display()
        ),
        format!("import {}", ok.display()),
    ] {
        let out = town.data.run(&format!("--json {cmd}"));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err: Value = serde_json::from_slice(&out.stderr).expect("json error on stderr");
        assert!(err["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(town.data.heads(), heads);
}

/// A number written with Chinese digits (names may not hold ASCII digits).
fn cjk_number(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| {
            "零一二三四五六七八九"
                .chars()
                .nth(d as usize - '0' as usize)
                .unwrap_or('零')
        })
        .collect()
}

/// A big CSV: `households` households of four persons each.
fn big_csv(households: usize) -> String {
    let mut s = String::from("户号,组,户主姓名,与户主关系,姓名,公民身份号码,联系电话,现住址\n");
    let rel = ["户主", "配偶", "子女", "子女"];
    let names = ["赵", "钱", "孙", "李"];
    for h in 0..households {
        for (p, r) in rel.iter().enumerate() {
            let n = (h * 4 + p) as u64;
            s.push_str(&format!(
                "H{h},一组,赵{hz},{r},{}{hz}{pz},{},,红星村一组{h}号\n",
                names[p],
                mainland_id(n),
                hz = cjk_number(h),
                pz = cjk_number(p),
            ));
        }
    }
    s
}

#[test]
fn killed_mid_import_then_run_again_ends_like_one_clean_run() {
    let households = 6000;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "big.csv", big_csv(households).as_bytes());

    let clean = Town::new();
    let out = clean.import(&file, "");
    assert_eq!(out["households_added"], households);
    assert_eq!(clean.counts(), (households as i64, 4 * households as i64));

    let town = Town::new();
    let mut child = town
        .data
        .command(&format!(
            "--json import {} --village {}",
            file.display(),
            town.village
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn import");
    // Wait for the first committed batch, then kill without warning.
    // The reader stays open until the kill: a closed pipe would make the importer fail on
    // its next progress line instead of being killed.
    let mut progress = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    progress.read_line(&mut first).expect("progress line");
    // "导入进度 2000/6000": the first batch's size.
    let batch: i64 = first
        .split_whitespace()
        .last()
        .and_then(|f| f.split('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("progress line: {first}"));
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    drop(progress);
    let (h, p) = town.counts();
    assert!(
        h >= batch && h % batch == 0 && p == 4 * h,
        "whole batches of {batch} whole households: {h} {p}"
    );
    assert!(h < households as i64, "killed before the end: {h}");

    let rest = town.import(&file, "");
    assert_eq!(
        rest["households_added"].as_i64(),
        Some(households as i64 - h)
    );
    assert_eq!(town.counts(), clean.counts());
    let db = rusqlite::Connection::open(town.data.path().join("gridbook.sqlite")).expect("db");
    let (all, distinct): (i64, i64) = db
        .query_row(
            "SELECT count(*), count(DISTINCT id_number) FROM persons WHERE deleted = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count");
    assert_eq!(
        (all, distinct),
        (4 * households as i64, 4 * households as i64)
    );
    town.data.reindex_check();
}

#[test]
fn a_header_row_named_on_the_command_line_and_the_screens_detail() {
    let town = Town::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (mainland_id(800), mainland_id(801));
    let file = write(
        dir.path(),
        "名单.csv",
        format!("十二月走访名单,,\n人名,证号,住处\n孙七,{a},红星村1号\n周八,{b},红星村2号\n")
            .as_bytes(),
    );
    let plain = format!(
        "--json import {} --village {}",
        file.display(),
        town.village
    );
    // Without a header the import knows: exit 2 as before, and the screen's detail shows the
    // first rows to choose from.
    let out = town.data.run(&format!("{plain} --dry-run"));
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(err["error"]["field"], "file");
    let detail = town.import(&file, "--dry-run --detail");
    assert!(detail["header_row"].is_null() && detail["summary"].is_null());
    let head = array(&detail["head"]);
    assert_eq!(head.len(), 4);
    assert_eq!(head[1]["row"], 2);
    assert_eq!(
        head[1]["cells"],
        serde_json::json!(["人名", "证号", "住处"])
    );

    let map = "--header-row 2 --map 人名=name,证号=id_number,住处=address";
    let dry = town.import(&file, &format!("{map} --dry-run"));
    assert_eq!(
        (dry["rows"].as_u64(), dry["ok"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(dry["persons_added"], 2);
    assert_eq!(town.counts(), (0, 0));
    let done = town.import(&file, &format!("{map} --detail"));
    assert_eq!(done["header_row"], 2);
    assert_eq!(done["summary"]["persons_added"], 2);
    assert_eq!(
        (done["done"].as_u64(), done["total"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(town.counts(), (2, 2));
    let again = town.import(&file, &format!("{map} --dry-run --detail"));
    assert_eq!(again["unchanged"], 2);
    assert_eq!(again["summary"]["persons_added"], 0);
    // A header row past the rows searched is refused, nothing written.
    let out = town
        .data
        .run(&format!("{plain} --header-row 31 --map 人名=name"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(town.counts(), (2, 2));
}
