//! Lists a script reads as JSON through the real `gridbook` binary (`search`, `tasks list`,
//! `match`, `entry list`, `history`, `conflicts`): full ID numbers and phones for a role that
//! may see the village, with one `reveal` entry per command in the device's log (read back
//! with `export-log --json`, naming the list, the fields and how many records); masked values
//! and nothing recorded with `--masked`, for people, and for a role that may not see the
//! village. A checkpoint's volunteer may neither pick a value of the ledger's conflicts: the
//! store refuses, its message naming no value.

use std::collections::BTreeSet;

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::{masked, Store};
use gridbook_tests::procs::Data;
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

const DAY: &str = "2026-12-01";

/// Two villages (红星村: 张三, 李四; 东风村: 王五), a checkpoint of 红星村 with one entry (赵六,
/// from outside the ledger), and two tasks pushed from above: 张三 (matched) and 孙七 (on the
/// township's list), each with an ID number and a phone.
struct Town {
    d: Data,
    hongxing: String,
    checkpoint: String,
    zhang: String,
    /// Every full ID number and phone written.
    full: BTreeSet<String>,
    _csv: tempfile::TempDir,
}

fn phone(n: u64) -> String {
    format!("138{n:08}")
}

impl Town {
    fn new() -> Town {
        let mut d = Data::new();
        d.now = Some(format!("{DAY}T09:00"));
        let hongxing = str_of(&d.json("village add --name 红星村"), "id").to_owned();
        let dongfeng = str_of(&d.json("village add --name 东风村"), "id").to_owned();
        let h = d.json(&format!(
            "household add --village {hongxing} --address 红星村一组1号 --head-name 张三 \
             --head-id {} --phone {}",
            mainland_id(11),
            phone(11)
        ));
        let zhang = str_of(&h, "person_id").to_owned();
        d.json(&format!(
            "person add --household {} --name 李四 --id-number {} --phone {}",
            str_of(&h, "household_id"),
            mainland_id(12),
            phone(12)
        ));
        d.json(&format!(
            "household add --village {dongfeng} --address 东风村二组2号 --head-name 王五 \
             --head-id {} --phone {}",
            mainland_id(13),
            phone(13)
        ));
        let checkpoint = str_of(
            &d.json(&format!("checkpoint add --village {hongxing} --name 东口")),
            "id",
        )
        .to_owned();
        d.json(&format!(
            "entry add --checkpoint {checkpoint} --direction in --name 赵六 --id-number {} \
             --phone {} --temp 36.5 --code green",
            mainland_id(14),
            phone(14)
        ));
        let csv = tempfile::tempdir().expect("tempdir");
        let file = csv.path().join("推送名单.csv");
        let rows = [
            "序号,姓名,身份证号,联系电话,类别,推送日期,现住址".to_owned(),
            format!(
                "1,张三,{},{},密接,{DAY},红星村一组1号",
                mainland_id(11),
                phone(11)
            ),
            format!("2,孙七,{},{},密接,{DAY},外地", mainland_id(15), phone(15)),
        ];
        std::fs::write(&file, rows.join("\n")).expect("csv");
        let t = d.json(&format!(
            "tasks import {} --source 市指挥部",
            file.display()
        ));
        assert_eq!(t["tasks"], 2, "{t}");
        let full = (11..=15).flat_map(|n| [mainland_id(n), phone(n)]).collect();
        Town {
            d,
            hongxing,
            checkpoint,
            zhang,
            full,
            _csv: csv,
        }
    }

    /// The reveal entries of the device's log.
    fn reveals(&self) -> Vec<Value> {
        array(&self.d.json("export-log"))
            .iter()
            .filter(|e| e["kind"] == "reveal")
            .cloned()
            .collect()
    }

    /// The ids of every entry of the device's log.
    fn logged(&self) -> BTreeSet<String> {
        array(&self.d.json("export-log"))
            .iter()
            .map(|e| str_of(e, "id").to_owned())
            .collect()
    }

    /// The reveal entries of the device's log that are not in `before`.
    fn reveals_since(&self, before: &BTreeSet<String>) -> Vec<Value> {
        self.reveals()
            .into_iter()
            .filter(|e| !before.contains(str_of(e, "id")))
            .collect()
    }

    /// Sets this device's role and village, as its relay would at enrollment.
    fn role(&self, role: &str, village: &str) {
        let store = Store::open(self.d.path()).expect("store");
        store.set_setting("role", role).expect("role");
        store.set_setting("village_id", village).expect("village");
    }

    /// The commands, each with the list it names in the log.
    fn lists(&self) -> Vec<(String, &'static str)> {
        let (c, z) = (&self.checkpoint, &self.zhang);
        vec![
            ("search 张三".to_owned(), "search"),
            ("tasks list".to_owned(), "tasks"),
            (format!("match 张三 --checkpoint {c}"), "match"),
            (
                format!("entry list --checkpoint {c} --date {DAY}"),
                "entries",
            ),
            (format!("history {z}"), "history"),
        ]
    }
}

/// The full values of `full` that `text` holds.
fn held<'a>(text: &str, full: &'a BTreeSet<String>) -> BTreeSet<&'a str> {
    full.iter()
        .filter(|v| text.contains(v.as_str()))
        .map(String::as_str)
        .collect()
}

/// Panics if `text` holds a full value; returns how many it holds masked.
fn assert_masked(what: &str, text: &str, full: &BTreeSet<String>) -> usize {
    let shown = held(text, full);
    assert!(shown.is_empty(), "{what} carries {shown:?} in full: {text}");
    full.iter()
        .filter(|v| text.contains(&mask_id_number(v)) || text.contains(&mask_phone(v)))
        .count()
}

#[test]
fn each_list_read_in_full_is_one_reveal_and_masked_reads_record_nothing() {
    let t = Town::new();
    assert!(t.reveals().is_empty());
    for (cmd, via) in t.lists() {
        let before = t.logged();
        // Masked on request, and for people: masked values, nothing recorded.
        let json = t.d.json(&format!("{cmd} --masked")).to_string();
        assert!(assert_masked(&cmd, &json, &t.full) > 0, "{cmd}: {json}");
        let text = t.d.ok(&cmd);
        assert_masked(&cmd, &text, &t.full);
        assert_eq!(t.logged(), before, "{cmd}: {:?}", t.reveals());

        // In full: the same fields, one reveal naming the list.
        let full = t.d.json(&cmd);
        let masked_again = t.d.json(&format!("{cmd} --masked"));
        let shown = held(&full.to_string(), &t.full);
        assert!(!shown.is_empty(), "{cmd}: {full}");
        let reveals = t.reveals_since(&before);
        assert_eq!(reveals.len(), 1, "{cmd}: {reveals:?}");
        let r = &reveals[0];
        assert_eq!(r["via"], via, "{r}");
        assert_eq!(r["field"], "id_number,phone", "{cmd}: {r}");
        assert_eq!(r["full_ids"], true, "{r}");
        let keys = |v: &Value| -> Vec<String> {
            let mut k: Vec<String> = match v {
                Value::Array(a) => a.iter().flat_map(object_keys).collect(),
                o => object_keys(o),
            };
            k.sort();
            k
        };
        assert_eq!(keys(&full), keys(&masked_again), "{cmd}: the same fields");
        // No value is recorded, only whose and which.
        assert_masked("the log", &t.d.json("export-log").to_string(), &t.full);

        // Which records: the tasks show 张三 (his person) and 孙七 (the township's list).
        match via {
            "tasks" => {
                assert_eq!(r["rows"], 2, "{r}");
                assert_eq!(r["subject"], Value::Null, "{r}");
                assert_eq!(r["village_id"], Value::Null, "{r}");
                assert_eq!(shown.len(), 4, "{shown:?}");
            }
            "entries" => {
                assert_eq!(r["rows"], 1, "{r}");
                let entry = str_of(&array(&full)[0], "id");
                assert_eq!(r["subject"], entry, "{r}");
                assert_eq!(r["village_id"], t.hongxing.as_str(), "{r}");
            }
            _ => {
                assert_eq!(r["rows"], 1, "{r}");
                assert_eq!(r["subject"], t.zhang.as_str(), "{r}");
                assert_eq!(r["subject_name"], "张三", "{r}");
                assert_eq!(r["village_id"], t.hongxing.as_str(), "{r}");
                assert!(shown.contains(mainland_id(11).as_str()), "{shown:?}");
            }
        }
    }
    // For people, export-log names each list and the fields.
    let text = t.d.ok("export-log");
    for list in [
        "经由搜索",
        "经由核查任务列表",
        "经由卡口查找居民",
        "经由卡口登记列表",
    ] {
        assert!(text.contains(list), "{list}: {text}");
    }
    assert!(
        text.contains("查看完整身份证号和电话  张三  经由修改记录"),
        "{text}"
    );
    assert!(text.contains("2 条记录"), "{text}");

    // A whole ID number typed at a checkpoint is shown back as typed: no reveal of it, only
    // of the phone.
    let before = t.logged();
    let typed = mainland_id(11);
    let hits =
        t.d.json(&format!("match {typed} --checkpoint {}", t.checkpoint));
    assert_eq!(str_of(&array(&hits)[0], "id_number"), typed);
    let reveals = t.reveals_since(&before);
    assert_eq!(reveals.len(), 1, "{reveals:?}");
    assert_eq!(reveals[0]["field"], "phone", "{}", reveals[0]);
    assert_eq!(reveals[0]["via"], "match");
}

fn object_keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_role_that_may_not_see_the_village_reads_every_list_masked_and_records_nothing() {
    let t = Town::new();
    t.role("volunteer", &t.hongxing);
    for (cmd, _) in t.lists() {
        let json = t.d.json(&cmd);
        assert!(
            assert_masked(&cmd, &json.to_string(), &t.full) > 0,
            "{cmd}: {json}"
        );
        assert_eq!(
            t.d.json(&format!("{cmd} --masked")),
            json,
            "{cmd}: --masked gives what this role gets"
        );
    }
    assert!(t.reveals().is_empty(), "{:?}", t.reveals());

    // The village's grid worker: its own village's rows in full, the township's list masked;
    // one reveal of the one record shown (kept in the device's own table: no relay id yet).
    t.role("grid-worker", &t.hongxing);
    let tasks = t.d.json("tasks list");
    let rows = array(&tasks);
    let zhang = rows.iter().find(|r| r["name"] == "张三").expect("张三");
    let sun = rows.iter().find(|r| r["name"] == "孙七").expect("孙七");
    assert_eq!(str_of(zhang, "id_number"), mainland_id(11));
    assert_eq!(str_of(sun, "id_number"), mask_id_number(&mainland_id(15)));
    assert_eq!(str_of(sun, "phone"), mask_phone(&phone(15)));
    let reveals = t.reveals();
    assert_eq!(reveals.len(), 1, "{reveals:?}");
    assert_eq!(reveals[0]["via"], "tasks", "{}", reveals[0]);
    assert_eq!(reveals[0]["subject"], t.zhang.as_str(), "{}", reveals[0]);
    assert_eq!(reveals[0]["rows"], 1, "{}", reveals[0]);
    assert_eq!(reveals[0]["field"], "id_number,phone", "{}", reveals[0]);
    assert_eq!(reveals[0]["device_id"], Value::Null, "{}", reveals[0]);
    // Another village's person found by a search: masked, nothing more recorded.
    let hits = t.d.json("search 王五");
    assert_eq!(
        str_of(&array(&hits)[0], "id_number"),
        mask_id_number(&mainland_id(13))
    );
    assert_eq!(t.reveals().len(), 1);
}

/// 张三's phone and his household's set differently on this device and another of the
/// village, exchanged: two conflicts. Returns the values set, and the household's id.
fn conflicting(t: &Town) -> (BTreeSet<String>, String) {
    let a = Store::open(t.d.path()).expect("store");
    let other = tempfile::tempdir().expect("tempdir");
    let b = Store::open(other.path()).expect("other store");
    for doc in a.docs().expect("docs") {
        let bytes = a.export_doc(&doc.id).expect("export");
        b.merge_doc_bytes(&doc.id, &bytes).expect("merge");
    }
    let household = a.person(&t.zhang).expect("张三").household_id;
    let values = ["13900000001", "13900000002", "13911110003", "13911110004"];
    for (s, mine, home) in [(&a, values[0], values[2]), (&b, values[1], values[3])] {
        s.set_person(&t.zhang, &[("phone".into(), mine.into())])
            .expect("set person");
        s.set_household(&household, &[("phone".into(), home.into())])
            .expect("set household");
    }
    let doc = format!("ledger:{}", t.hongxing);
    let bytes = b.export_doc(&doc).expect("export");
    a.merge_doc_bytes(&doc, &bytes).expect("merge");
    (values.map(String::from).into(), household)
}

#[test]
fn conflicts_read_in_full_are_one_reveal_and_a_volunteer_may_not_pick_one() {
    let t = Town::new();
    let (values, household) = conflicting(&t);
    let before = t.logged();

    let json = t.d.json("conflicts --masked").to_string();
    assert_eq!(
        assert_masked("conflicts --masked", &json, &values),
        4,
        "{json}"
    );
    assert_masked("conflicts for people", &t.d.ok("conflicts"), &values);
    assert_eq!(t.logged(), before);

    let full = t.d.json("conflicts");
    assert_eq!(array(&full).len(), 2, "{full}");
    assert_eq!(held(&full.to_string(), &values).len(), 4, "{full}");
    let reveals = t.reveals_since(&before);
    assert_eq!(reveals.len(), 1, "{reveals:?}");
    let r = &reveals[0];
    assert_eq!(r["via"], "conflicts", "{r}");
    assert_eq!(r["field"], "phone", "{r}");
    assert_eq!(r["full_ids"], false, "{r}");
    assert_eq!(r["rows"], 2, "{r}");
    assert_eq!(r["subject"], Value::Null, "{r}");
    assert_eq!(r["village_id"], t.hongxing.as_str(), "{r}");

    // A value that is none of the conflict's: refused, the message naming none of them, nor
    // the value given.
    let out =
        t.d.run(&format!("--json resolve {} phone 13000000000", t.zhang));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("不是这处冲突的 2 个值之一"), "{err}");
    assert_masked("a wrong value's refusal", &err, &values);
    assert!(
        !err.contains("13000000000") && !err.contains("130****0000"),
        "{err}"
    );

    // A checkpoint's volunteer of the village: masked, nothing recorded, and no value of the
    // ledger may be picked, by value or by place; the refusal names no value.
    t.role("volunteer", &t.hongxing);
    let logged = t.logged();
    let json = t.d.json("conflicts");
    assert_eq!(
        assert_masked("a volunteer's conflicts", &json.to_string(), &values),
        4
    );
    assert_eq!(t.logged(), logged);
    let out =
        t.d.run(&format!("--json resolve {household} phone 13911110003"));
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(err["error"]["kind"], "refused", "{err}");
    assert!(
        str_of(&err["error"], "message").contains("卡口志愿者"),
        "{err}"
    );
    assert_masked("the refusal", &err.to_string(), &values);
    let store = Store::open(t.d.path()).expect("store");
    let conflict = store
        .conflicts()
        .expect("conflicts")
        .into_iter()
        .find(|c| c.record_id == t.zhang)
        .expect("张三's phone");
    let shown = masked(conflict.clone()).values;
    let e = store
        .resolve_choice(&t.zhang, "phone", 1, &shown)
        .expect_err("a volunteer picks");
    assert_eq!(e.kind(), "refused", "{e}");
    assert_masked("the refusal", &e.to_string(), &values);
    assert_eq!(store.conflicts().expect("conflicts").len(), 2);

    // The village's grid worker picks by place.
    store.set_setting("role", "grid-worker").expect("role");
    store
        .resolve_choice(&t.zhang, "phone", 1, &shown)
        .expect("the grid worker picks");
    assert_eq!(store.conflicts().expect("conflicts").len(), 1);
}
