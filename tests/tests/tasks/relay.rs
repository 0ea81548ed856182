//! Tasks through a real relay: a grid worker answers offline and syncs, the township exports
//! the feedback sheet; the relay refuses tasks made or answered by a grid worker outside its
//! part.

use super::*;

/// Rows of the feedback sheet as openpyxl reads them (title row dropped, header first).
fn sheet_rows(path: &Path) -> Vec<Vec<String>> {
    let script = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["核查反馈"]
rows = [["" if c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)]
print(json.dumps(rows, ensure_ascii=False))
"#;
    let rows: Vec<Vec<String>> =
        serde_json::from_value(python_json(script, &[path])).expect("rows of strings");
    rows[1..].to_vec()
}

/// A relay serving a demo township, and its devices.
fn world() -> Township {
    Township::demo("--villages 2 --households 6 --seed 7")
}

/// (name, ID number) of the first resident of the first household of `village`.
fn resident(w: &Township, village: &str) -> (String, String) {
    let hh = array(&w.relay.json(&format!("household list --village {village}")))[0].clone();
    let shown = w
        .relay
        .json(&format!("household show {}", str_of(&hh, "id")));
    let p = &array(&shown["residents"])[0];
    (
        str_of(p, "name").to_owned(),
        str_of(p, "id_number").to_owned(),
    )
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
    let w = world();
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let township = w.device("township", None, "镇防控办");
    let worker = w.device("grid-worker", Some(&a), "甲村网格员");
    let dir = tempfile::tempdir().expect("dir");
    let (ra, rb) = (resident(&w, &a), resident(&w, &b));
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

/// Posts `msg` about `doc_id` with `token`; the relay's refusal reason, if any.
fn post(w: &Township, token: &str, doc_id: &str, msg: Vec<u8>) -> Option<String> {
    forge::post(&w.server.url, token, doc_id, msg)
}

#[test]
fn the_relay_refuses_tasks_made_or_answered_by_a_grid_worker_outside_its_part() {
    let w = world();
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let township = w.device("township", None, "镇防控办");
    let dir = tempfile::tempdir().expect("dir");
    let (ra, rb) = (resident(&w, &a), resident(&w, &b));
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
    let fake = uuid(1);
    let msg = create_in(
        &mut doc,
        &actor,
        "甲村网格员",
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
        "甲村网格员",
        &uuid(2),
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
        "甲村网格员",
        &uuid(3),
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
        "甲村网格员",
        &uuid(4),
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

#[test]
fn a_row_the_township_assigns_reaches_that_villages_grid_worker_only() {
    let w = world();
    let (a, b) = (w.villages[0].clone(), w.villages[1].clone());
    let township = w.device("township", None, "镇防控办");
    let worker = w.device("grid-worker", Some(&a), "甲村网格员");
    let other = w.device("grid-worker", Some(&b), "乙村网格员");
    let dir = tempfile::tempdir().expect("dir");
    // A person the ledger knows by another number: matched to nobody on import.
    let (name, _) = resident(&w, &a);
    let list = write_csv(dir.path(), &[(name.clone(), mainland_id(4243))]);
    let done = township.data.json(&format!(
        "tasks import {} --source 县公安局",
        list.display()
    ));
    assert_eq!(done["unmatched"], 1, "{done}");
    let row = str_of(&array(&done["rows"])[0], "task_id").to_owned();
    let person = array(&township.data.json(&format!("search {name}")))
        .iter()
        .find(|h| h["village_id"] == a.as_str())
        .and_then(|h| h["person_id"].as_str())
        .expect("the resident")
        .to_owned();
    township.data.sync();
    worker.data.sync();

    // A grid worker's device hands nothing to anybody (it does not hold the row either).
    let out = worker
        .data
        .run(&format!("--json tasks assign {row} --village {a}"));
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(array(&worker.data.json("tasks list")).is_empty());

    // Offline on the township's laptop, then synced.
    let given = township.data.json(&format!(
        "tasks assign {row} --village {a} --person {person}"
    ));
    let task = str_of(&given, "task_id").to_owned();
    township.data.sync();
    worker.data.sync();
    other.data.sync();
    let mine = worker.data.json("tasks list --open");
    let mine = array(&mine);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        (&mine[0]["task_id"], &mine[0]["person_id"], &mine[0]["name"]),
        (
            &Value::from(task.as_str()),
            &Value::from(person.as_str()),
            &Value::from(name.as_str())
        )
    );
    assert!(array(&other.data.json("tasks list")).is_empty(), "not B's");

    worker.data.json(&format!(
        "tasks close {task} --outcome present --note 已见面"
    ));
    worker.data.sync();
    township.data.sync();
    let all = township.data.json("tasks list");
    let all = array(&all);
    assert_eq!(all.len(), 1, "the row left the township's list: {all:?}");
    assert_eq!(
        (
            &all[0]["status"],
            &all[0]["answered_by"],
            &all[0]["village_id"]
        ),
        (
            &Value::from("done"),
            &Value::from("甲村网格员"),
            &Value::from(a.as_str())
        )
    );
    for d in [&w.relay, &township.data, &worker.data] {
        d.reindex_check();
    }
}
