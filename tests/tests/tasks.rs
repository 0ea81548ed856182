//! 核查任务 (issue 18, item 2): lists pushed from above become tasks for the villages.
//!
//! Fixtures are made here: a workbook with rust_xlsxwriter (a merged title row above the
//! header, full-width digits, a lower-case x, an ID number Excel already turned into
//! 1.10105E+17) and a GBK CSV by hand. Rows are matched by ID number, phone and name within
//! the village, or stay on the township's list; importing again adds nothing. Through a real
//! relay on 127.0.0.1: a grid worker answers offline, syncs, and the township sees the answer
//! and exports the feedback sheet, read back by openpyxl. A grid worker's device can neither
//! make a task nor answer another village's: the relay refuses both.

use std::path::{Path, PathBuf};
use std::process::Command;

use automerge::sync::State;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ROOT};
use gridbook_store::{assume_peer_has, next_message, Audit, Store};
use gridbook_sync::client::Client;
use gridbook_sync::wire::Request;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{array, mainland_id, str_of, with_wrong_check_char};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde_json::Value;

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

/// Rows of the feedback sheet as openpyxl reads them (title row dropped, header first).
fn sheet_rows(path: &Path) -> Vec<Vec<String>> {
    let script = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["核查反馈"]
rows = [["" if c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)]
print(json.dumps(rows, ensure_ascii=False))
"#;
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let out = Command::new(python)
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 with openpyxl");
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).expect("json");
    rows[1..].to_vec()
}

/// A relay serving a demo township, and its devices.
struct World {
    relay: Data,
    server: Server,
    township: String,
    villages: Vec<String>,
    _logs: tempfile::TempDir,
}

struct Device {
    data: Data,
    token: String,
}

impl World {
    fn new() -> World {
        let relay = Data::new();
        let demo = relay.json("demo --villages 2 --households 6 --seed 7");
        let township = str_of(&demo, "township_id").to_owned();
        let villages = array(&relay.json("village list"))
            .iter()
            .map(|v| str_of(v, "id").to_owned())
            .collect();
        let logs = tempfile::tempdir().expect("log dir");
        let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
        World {
            relay,
            server,
            township,
            villages,
            _logs: logs,
        }
    }

    fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let scope = village.map_or("--township".to_owned(), |v| format!("--village {v}"));
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let token = str_of(&added, "token").to_owned();
        let data = Data::new();
        data.ok(&format!("device rename {name}"));
        data.ok(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        let stats = data.sync();
        assert!(array(&stats["refused"]).is_empty(), "{stats}");
        Device { data, token }
    }

    /// (name, ID number) of the first resident of the first household of `village`.
    fn resident(&self, village: &str) -> (String, String) {
        let hh = array(
            &self
                .relay
                .json(&format!("household list --village {village}")),
        )[0]
        .clone();
        let shown = self
            .relay
            .json(&format!("household show {}", str_of(&hh, "id")));
        let p = &array(&shown["residents"])[0];
        (
            str_of(p, "name").to_owned(),
            str_of(p, "id_number").to_owned(),
        )
    }
}

fn write_csv(dir: &Path, rows: &[(String, String)]) -> PathBuf {
    let mut text = String::from("\u{feff}姓名,身份证号,联系电话\n");
    for (n, id) in rows {
        text.push_str(&format!("{n},{id},\n"));
    }
    let p = dir.join("list.csv");
    std::fs::write(&p, text).expect("csv");
    p
}

#[test]
fn answered_offline_on_a_grid_worker_device_synced_and_sent_back_as_the_feedback_sheet() {
    let w = World::new();
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let township = w.device("township", None, "镇防控办");
    let worker = w.device("grid-worker", Some(&a), "甲村网格员");
    let dir = tempfile::tempdir().expect("dir");
    let (ra, rb) = (w.resident(&a), w.resident(&b));
    let list = write_csv(
        dir.path(),
        &[
            ra.clone(),
            rb.clone(),
            ("查无此人".into(), mainland_id(4242)),
        ],
    );
    // A grid worker's device does not import lists.
    let out = worker.data.run(&format!(
        "--json tasks import {} --source 县公安局",
        list.display()
    ));
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = township.data.json(&format!(
        "tasks import {} --source 县公安局 --due-hours 24",
        list.display()
    ));
    assert_eq!(
        (&done["matched"], &done["unmatched"]),
        (&Value::from(2), &Value::from(1))
    );
    township.data.sync();
    worker.data.sync();
    // The grid worker holds its village's tasks only: not B's, not the township's list.
    let docs = worker.data.doc_ids();
    assert!(docs.contains(&format!("tasks:{a}")), "{docs:?}");
    assert!(!docs.contains(&format!("tasks:{b}")), "{docs:?}");
    assert!(!docs.contains(&format!("tasks:{}", w.township)), "{docs:?}");
    let mine = worker.data.json("tasks list --open");
    let mine = array(&mine);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id_number"], ra.1.as_str());
    let task = str_of(&mine[0], "task_id").to_owned();
    let person = str_of(&mine[0], "person_id").to_owned();

    // Offline: answer, then change its mind (the latest answer counts), with a tag.
    worker.data.json(&format!(
        "tasks close {task} --outcome left --note 外出务工"
    ));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    worker.data.json(&format!(
        "tasks close {task} --outcome present --note 已返村居家 --tag 密接"
    ));
    assert!(array(&worker.data.json("tasks list --open")).is_empty());
    worker.data.sync();
    township.data.sync();

    let all = township.data.json("tasks list");
    let answered = array(&all)
        .iter()
        .find(|r| r["task_id"] == task.as_str())
        .cloned()
        .expect("task");
    assert_eq!(answered["status"], "done");
    assert_eq!(answered["outcome"], "present");
    assert_eq!(answered["answered_by"], "甲村网格员");
    assert_eq!(answered["answer_note"], "已返村居家");
    let tags = township.data.person(&person)["tags"].to_string();
    assert!(tags.contains("close-contact"), "{tags}");

    let sheet = dir.path().join("反馈.xlsx");
    let out = township
        .data
        .json(&format!("tasks export --out {}", sheet.display()));
    assert_eq!(out["rows"], 3);
    let rows = sheet_rows(&sheet);
    let head = &rows[0];
    let col = |n: &str| {
        head.iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let by_id = |id: &str| {
        rows[1..]
            .iter()
            .find(|r| r[col("公民身份号码")] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {rows:?}"))
    };
    let ra_row = by_id(&ra.1);
    assert_eq!(ra_row[col("姓名")], ra.0);
    assert_eq!(ra_row[col("核查结果")], "在村已核实");
    assert_eq!(ra_row[col("核查人")], "甲村网格员");
    assert_eq!(ra_row[col("备注")], "已返村居家");
    assert_eq!(ra_row[col("推送来源")], "县公安局");
    assert_eq!(by_id(&rb.1)[col("核查结果")], "核查中");
    assert_eq!(
        by_id(&mainland_id(4242))[col("核查结果")],
        "未匹配到本镇人员"
    );
    for d in [&w.relay, &township.data, &worker.data] {
        d.reindex_check();
    }
}

fn audit(device: &str, records: &[&str]) -> String {
    let mut a = Audit {
        device: device.to_owned(),
        what: "create".into(),
        ..Audit::default()
    };
    let ids: Vec<String> = records.iter().map(|r| (*r).to_owned()).collect();
    a.set_records(&ids);
    serde_json::to_string(&a).expect("audit")
}

/// `doc` with one change by `actor` creating record `id` of `kind`; returns the message
/// carrying it.
fn create_in(
    doc: &mut Automerge,
    actor: &ActorId,
    id: &str,
    kind: &str,
    fields: &[(&str, &str)],
) -> Vec<u8> {
    let since = doc.get_heads();
    doc.set_actor(actor.clone());
    let mut tx = doc.transaction();
    let obj = tx.put_object(ROOT, id, ObjType::Map).expect("obj");
    tx.put(&obj, "type", kind).expect("type");
    for (k, v) in fields {
        tx.put(&obj, *k, *v).expect("field");
    }
    let now = chrono::Utc::now().timestamp_millis();
    tx.commit_with(
        CommitOptions::default()
            .with_message(audit("甲村网格员", &[id]))
            .with_time(now),
    );
    let mut state = State::new();
    assert!(assume_peer_has(doc, &mut state, since).expect("assume"));
    next_message(doc, &mut state, true).expect("message")
}

/// A record id no device made.
fn uid(n: u32) -> String {
    format!("{n:08x}-7a5c-4000-8000-{:012x}", u64::from(n) * 7919)
}

fn post(w: &World, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    let client = Client::new(&w.server.url, token);
    let (resp, _, _) = client
        .post(&Request {
            index: None,
            scope: None,
            messages: vec![(doc_id.to_owned(), msg)],
        })
        .expect("post");
    resp.refused
        .into_iter()
        .find(|(d, _)| d == doc_id)
        .map(|(_, why)| why)
}

fn doc_of(dev: &Data, doc_id: &str) -> Automerge {
    let store = Store::open(dev.path()).expect("open");
    Automerge::load(&store.export_doc(doc_id).expect("export")).expect("load")
}

#[test]
fn the_relay_refuses_tasks_made_or_answered_by_a_grid_worker_outside_its_part() {
    let w = World::new();
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let township = w.device("township", None, "镇防控办");
    let dir = tempfile::tempdir().expect("dir");
    let (ra, rb) = (w.resident(&a), w.resident(&b));
    let list = write_csv(dir.path(), &[ra, rb]);
    township.data.json(&format!(
        "tasks import {} --source 县卫健局",
        list.display()
    ));
    township.data.sync();
    let worker = w.device("grid-worker", Some(&a), "甲村网格员");
    let task_b = array(&w.relay.json(&format!("tasks list --village {b}")))[0]["task_id"]
        .as_str()
        .expect("task of B")
        .to_owned();
    let actor = ActorId::random();
    let before = w.relay.heads();

    // A task planted in its own village's tasks (read-only to it): refused.
    let tasks_a = format!("tasks:{a}");
    let mut doc = doc_of(&worker.data, &tasks_a);
    let fake = uid(1);
    let msg = create_in(
        &mut doc,
        &actor,
        &fake,
        "task",
        &[
            ("name", "假任务"),
            ("source", "伪造"),
            ("due", "2026-12-31T00:00"),
            ("village_id", &a),
        ],
    );
    let why = post(&w, &worker.token, &tasks_a, msg);
    assert!(why.is_some(), "a grid worker's task was kept");
    // A task of another village, or an answer to one: refused.
    let mut other = Automerge::new();
    let msg = create_in(
        &mut other,
        &actor,
        &uid(2),
        "task",
        &[
            ("name", "假任务"),
            ("source", "伪造"),
            ("due", "2026-12-31T00:00"),
            ("village_id", &b),
        ],
    );
    assert!(post(&w, &worker.token, &format!("tasks:{b}"), msg).is_some());
    let mut answers_b = Automerge::new();
    let msg = create_in(
        &mut answers_b,
        &actor,
        &uid(3),
        "answer",
        &[
            ("task_id", &task_b),
            ("outcome", "present"),
            ("at", "2026-12-05T10:00:00"),
        ],
    );
    assert!(post(&w, &worker.token, &format!("answers:{b}"), msg).is_some());
    assert_eq!(w.relay.heads(), before, "the relay kept something");
    assert!(array(&w.relay.json("tasks list --open")).len() == 2);

    // The same construction in its own village's answers is accepted: the refusals above
    // are the rules', not broken messages.
    let task_a = array(&worker.data.json("tasks list"))[0]["task_id"]
        .as_str()
        .expect("task of A")
        .to_owned();
    let answers_a = format!("answers:{a}");
    let mut mine = Automerge::new();
    let msg = create_in(
        &mut mine,
        &actor,
        &uid(4),
        "answer",
        &[
            ("task_id", &task_a),
            ("outcome", "unknown"),
            ("at", "2026-12-05T10:00:00"),
        ],
    );
    assert_eq!(post(&w, &worker.token, &answers_a, msg), None);
    let open = w.relay.json("tasks list --open");
    assert_eq!(array(&open).len(), 1, "{open}");
    assert_eq!(open[0]["task_id"], task_b.as_str());
    w.relay.reindex_check();
}
