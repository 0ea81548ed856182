//! The `gridbook` command line as scripts use it: the real binary in
//! child processes on real data directories. Bad input must exit 2 with a clear message and
//! write nothing; every Records command must answer with its documented JSON shape.
//!
//! Finding the binary: a test can only get `CARGO_BIN_EXE_*` for binaries of its own package,
//! and `gridbook` (crates/cli) has no library to depend on. So the tests use `$GRIDBOOK_BIN` if
//! set, and otherwise run `cargo build -p gridbook` once, into the target directory and profile
//! that this test executable was built in (target/<profile>/deps/cli-*), and use
//! target/<profile>/gridbook. Building every time (a no-op when up to date) means the tests
//! never run a stale binary left over from an older build.

use std::process::{Command, Output};

use gridbook_tests::{
    array, gridbook_bin, mainland_id, str_of, with_check_char, with_wrong_check_char, words,
};
use serde_json::{json, Value};

/// One data directory driven through the CLI.
struct Device {
    dir: tempfile::TempDir,
}

impl Device {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Runs `gridbook --data DIR` with the words of `cmdline` (see [`words`]).
    fn run(&self, cmdline: &str) -> Output {
        Command::new(gridbook_bin())
            .arg("--data")
            .arg(self.dir.path())
            .args(words(cmdline))
            .env_remove("GRIDBOOK_DATA")
            .env_remove("GRIDBOOK_NOW")
            .output()
            .expect("run gridbook")
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, cmdline: &str) -> String {
        let out = self.run(cmdline);
        assert!(
            out.status.success(),
            "gridbook {cmdline} failed with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs a command with `--json` that must succeed, and parses its one JSON value.
    fn json(&self, cmdline: &str) -> Value {
        let text = self.ok(&format!("--json {cmdline}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{cmdline}: {e}: {text}"))
    }

    /// Everything a write could change: documents with their heads, villages, households,
    /// conflicts.
    fn snapshot(&self) -> String {
        ["doc list", "village list", "household list", "conflicts"]
            .map(|c| self.json(c).to_string())
            .join("\n")
    }
}

fn ids<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    array(v).iter().map(|x| str_of(x, key)).collect()
}

/// A small ledger: a village, a household with its head, and a second person.
struct Ledger {
    device: Device,
    village: String,
    household: String,
    head: String,
    member: String,
}

fn ledger() -> Ledger {
    let device = Device::new();
    let village = str_of(&device.json("village add --name 清水村"), "id").to_owned();
    let added = device.json(&format!(
        "household add --village {village} --address 清水村三组12号 --head-name 张晓明 \
         --head-id {} --phone 13812345678",
        mainland_id(4_321)
    ));
    let household = str_of(&added, "household_id").to_owned();
    let member = device.json(&format!(
        "person add --household {household} --name 李秀英 --id-number {} --phone 13987654321 \
         --tags 境外返乡 --plate 川A12345",
        mainland_id(8_765)
    ));
    Ledger {
        head: str_of(&added, "person_id").to_owned(),
        member: str_of(&member, "person_id").to_owned(),
        household,
        village,
        device,
    }
}

/// One bad input: the command line, and what the error must say.
struct Bad {
    cmdline: String,
    kind: &'static str,
    field: Option<&'static str>,
    /// A piece of the Chinese message.
    says: &'static str,
}

fn invalid(cmdline: String, field: &'static str, says: &'static str) -> Bad {
    Bad {
        cmdline,
        kind: "invalid",
        field: Some(field),
        says,
    }
}

/// Checks one bad input with and without `--json`; returns what was wrong, if anything.
fn check_bad(d: &Device, case: &Bad) -> Result<(), String> {
    let before = d.snapshot();
    let mut problems = Vec::new();

    let out = d.run(&format!("--json {}", case.cmdline));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() != Some(2) {
        problems.push(format!("--json: exit {:?}, expected 2", out.status.code()));
    }
    if !out.stdout.is_empty() {
        problems.push("--json: stdout not empty".to_owned());
    }
    match serde_json::from_str::<Value>(stderr.trim()) {
        Ok(v) => {
            let e = &v["error"];
            if e["kind"] != case.kind {
                problems.push(format!("kind {} != {}", e["kind"], case.kind));
            }
            if e["field"].as_str() != case.field {
                problems.push(format!("field {} != {:?}", e["field"], case.field));
            }
            if !e["message"].as_str().is_some_and(|m| m.contains(case.says)) {
                problems.push(format!("message {} lacks {:?}", e["message"], case.says));
            }
        }
        Err(_) => problems.push(format!("--json: stderr is not JSON: {stderr:?}")),
    }

    let out = d.run(&case.cmdline);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() != Some(2) {
        problems.push(format!("text: exit {:?}, expected 2", out.status.code()));
    }
    if !(stderr.starts_with("错误") && stderr.contains(case.says)) {
        problems.push(format!(
            "text: stderr {stderr:?} lacks 错误… {:?}",
            case.says
        ));
    }

    if d.snapshot() != before {
        problems.push("the store changed".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "gridbook {}: {}",
            case.cmdline,
            problems.join("; ")
        ))
    }
}

#[test]
fn bad_input_exits_2_with_a_clear_message_and_writes_nothing() {
    let l = ledger();
    let (v, h, p) = (&l.village, &l.household, &l.head);
    let good = mainland_id(77);
    let add = |id: &str, address: &str, phone: &str| {
        format!(
            "household add --village {v} --address '{address}' --head-name 王五 --head-id {id} \
             --phone {phone}"
        )
    };
    let (addr, phone) = ("清水村三组13号", "13811112222");
    let unknown = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
    let cases = [
        invalid(
            add(&with_wrong_check_char(&good), addr, phone),
            "id_number",
            "某一位可能输错了",
        ),
        // 30 February, with a correct check character.
        invalid(
            add(&with_check_char("11010519900230123"), addr, phone),
            "id_number",
            "出生日期",
        ),
        invalid(
            add(&with_check_char("11010520990101123"), addr, phone),
            "id_number",
            "出生日期",
        ),
        invalid(add(&good[..17], addr, phone), "id_number", "18位"),
        invalid(
            add("110105199001011A3X", addr, phone),
            "id_number",
            "证件号码",
        ),
        invalid(add(&good, addr, "12345"), "phone", "手机号"),
        invalid(add(&good, "", phone), "address", "地址"),
        invalid(add(&good, "   ", phone), "address", "地址"),
        invalid(
            format!("person add --household {h} --name 赵六 --id-number {good} --plate XX123"),
            "plate",
            "车牌",
        ),
        Bad {
            cmdline: add(&good, addr, phone).replace(v.as_str(), unknown),
            kind: "not_found",
            field: None,
            says: unknown,
        },
        invalid(
            add(&good, addr, phone).replace(v.as_str(), "not-a-uuid"),
            "village",
            "格式",
        ),
        invalid("household show 1234".into(), "household", "格式"),
        invalid(
            format!("person set {p} unknownfield=1"),
            "field",
            "unknownfield",
        ),
        invalid(format!("person set {p} phone=123"), "phone", "手机号"),
        // An edit list is all or nothing: the valid first edit must not be written either.
        invalid(
            format!("person set {p} name=张大明 phone=123"),
            "phone",
            "手机号",
        ),
        Bad {
            cmdline: format!("person set {p} phone13800138000"),
            kind: "invalid",
            field: None,
            says: "字段=值",
        },
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check_bad(&l.device, c).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} bad inputs mishandled:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let shown = l.device.json(&format!("household show {h}"));
    assert_eq!(ids(&shown["residents"], "name"), ["张晓明", "李秀英"]);
}

/// Unknown flags are rejected by the argument parser; the caller still gets the error format
/// it asked for (JSON with `--json`, Chinese otherwise).
#[test]
fn unknown_flag_exits_2_in_the_requested_error_format() {
    let l = ledger();
    let before = l.device.snapshot();
    let text = l.device.run("household list --bogus");
    let json = l.device.run("--json household list --bogus");
    assert_eq!(l.device.snapshot(), before);
    assert_eq!((text.status.code(), json.status.code()), (Some(2), Some(2)));
    let text = String::from_utf8_lossy(&text.stderr).into_owned();
    let json = String::from_utf8_lossy(&json.stderr).into_owned();
    assert!(
        text.contains("--bogus"),
        "stderr should name the flag: {text}"
    );
    let parsed: Option<Value> = serde_json::from_str(json.trim()).ok();
    assert!(
        parsed.is_some_and(|v| v["error"]["kind"].is_string()),
        "with --json, stderr should be {{\"error\":{{\"kind\",…}}}}, got: {json:?}"
    );
    assert!(
        text.starts_with("错误"),
        "without --json, stderr should be Chinese: {text:?}"
    );
}

#[test]
fn demo_is_idempotent_per_seed() {
    let d = Device::new();
    let demo = "demo --villages 2 --households 12 --seed 5";
    let first = d.json(demo);
    assert_eq!(first["villages"], 2);
    let created = first["households_created"]
        .as_u64()
        .expect("households_created");
    assert!(created >= 12, "{first}");
    let households = array(&d.json("household list")).len();
    assert_eq!(households as u64, created);
    let second = d.json(demo);
    assert_eq!(second["households_created"], 0, "{second}");
    assert_eq!(second["township_id"], first["township_id"]);
    assert_eq!(array(&d.json("household list")).len(), households);
    assert_eq!(array(&d.json("village list")).len(), 2);
    d.ok("reindex --check");
}

/// What a mainland ID number encodes (birth date, gender) shows for demo persons just as for
/// persons added by hand.
#[test]
fn demo_persons_show_birth_date_and_gender() {
    let d = Device::new();
    d.json("demo --villages 1 --households 5 --seed 3");
    let mut checked = 0;
    for hid in ids(&d.json("household list"), "id") {
        let h = d.json(&format!("household show {hid}"));
        for p in array(&h["residents"])
            .iter()
            .filter(|p| p["id_kind"] == "mainland")
        {
            let n = str_of(p, "id_number");
            let born = format!("{}-{}-{}", &n[6..10], &n[10..12], &n[12..14]);
            assert_eq!(p["birth_date"].as_str(), Some(born.as_str()), "{p}");
            let gender = if (n.as_bytes()[16] - b'0') % 2 == 1 {
                "male"
            } else {
                "female"
            };
            assert_eq!(str_of(p, "gender"), gender, "{p}");
            checked += 1;
        }
    }
    assert!(checked > 0, "the demo has persons with mainland IDs");
}

#[test]
fn records_commands_answer_with_their_json_shapes() {
    let l = ledger();
    let (d, v, h) = (&l.device, &l.village, &l.household);
    let (head, member) = (l.head.as_str(), l.member.as_str());

    let villages = d.json("village list");
    assert_eq!(ids(&villages, "id"), [v.as_str()]);
    assert_eq!(ids(&villages, "name"), ["清水村"]);

    let other = d.json(&format!(
        "household add --village {v} --address 清水村一组1号 --head-name 王建国 --head-id {}",
        mainland_id(9_999)
    ));
    let other = str_of(&other, "household_id").to_owned();
    let list = d.json(&format!("household list --village {v}"));
    assert_eq!(array(&list).len(), 2);
    let row = array(&list)
        .iter()
        .find(|x| x["id"] == h.as_str())
        .expect("listed");
    assert_eq!(str_of(row, "village_id"), v);
    assert_eq!(str_of(row, "address"), "清水村三组12号");
    assert_eq!(str_of(row, "head_name"), "张晓明");
    assert_eq!(row["residents"], 2);

    let show = d.json(&format!("household show {h}"));
    assert_eq!(str_of(&show, "id"), h);
    assert_eq!(show["resident_count"], 2);
    assert_eq!(ids(&show["residents"], "id"), [head, member]);
    assert_eq!(ids(&show["residents"], "name"), ["张晓明", "李秀英"]);
    let head_id = mainland_id(4_321);
    assert_eq!(str_of(&show["residents"][0], "id_number"), head_id);
    assert_eq!(show["residents"][1]["tags"], json!(["overseas"]));

    // Tags are added and removed one at a time.
    d.ok(&format!("person set {member} tags=+密接"));
    let shown = d.json(&format!("person show {member}"));
    assert_eq!(shown["tags"], json!(["close-contact", "overseas"]));
    d.ok(&format!("person set {member} tags=-密接"));
    let shown = d.json(&format!("person show {member}"));
    assert_eq!(shown["tags"], json!(["overseas"]));

    // History says which device changed what, from what to what.
    d.ok(&format!("person set {head} phone=13700001111"));
    let device = str_of(&d.json("device show"), "name").to_owned();
    let history = d.json(&format!("history {head}"));
    let edit = array(&history)
        .iter()
        .find(|e| e["field"] == "phone" && e["new"] == "13700001111")
        .unwrap_or_else(|| panic!("no phone edit in {history}"));
    assert_eq!(edit["old"], "13812345678");
    assert_eq!(str_of(edit, "device"), device);
    assert!(str_of(edit, "at").len() >= 16, "{edit}");

    // Search by every kind of key; the hit names the person's household.
    for (query, who) in [
        ("晓明", head),
        ("zxm", head),
        (&head_id[14..], head),
        (&head_id[12..], head),
        ("1111", head),
        ("秀英", member),
        ("4321", member),
        ("川A12345", member),
        ("A12345", member),
    ] {
        let hits = d.json(&format!("search {query}"));
        let hit = array(&hits)
            .iter()
            .find(|x| x["person_id"] == who)
            .unwrap_or_else(|| panic!("search {query:?} missed {who}: {hits}"));
        assert_eq!(str_of(hit, "household_id"), h);
        assert!(hit["name"].is_string(), "{hit}");
    }
    assert_eq!(ids(&d.json("search zxm"), "person_id"), [head]);

    // Verifying a household takes it off the coverage list; the other one stays.
    let coverage = d.json("coverage --days 7");
    assert_eq!(ids(&coverage, "household_id").len(), 2, "{coverage}");
    d.ok(&format!("household verify {h}"));
    let coverage = d.json("coverage --days 7");
    assert_eq!(ids(&coverage, "household_id"), [other.as_str()]);
    let show = d.json(&format!("household show {h}"));
    assert!(show["last_verified"].is_string(), "{show}");

    assert_eq!(d.run("reindex --check").status.code(), Some(0));
    assert_eq!(d.json("reindex --check")["equal"], true);
    assert_eq!(d.json("conflicts"), json!([]));

    let docs = d.json("doc list");
    let ledger_doc = array(&docs)
        .iter()
        .find(|x| x["kind"] == "ledger" && x["village_id"] == v.as_str())
        .unwrap_or_else(|| panic!("no ledger document in {docs}"));
    assert!(array(&docs).iter().any(|x| x["kind"] == "grid"), "{docs}");
    let out = d.dir.path().join("ledger.automerge");
    let out = out.to_str().expect("utf-8 path");
    d.ok(&format!(
        "doc export {} --out {out}",
        str_of(ledger_doc, "id")
    ));
    let bytes = std::fs::read(out).expect("exported file");
    assert_eq!(
        bytes.get(..4),
        Some(&[0x85, 0x6f, 0x4a, 0x83][..]),
        "Automerge magic"
    );
}

/// `gridbook … | head`: a reader that stops early ends the output, not the command with a
/// panic.
#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    let d = Device::new();
    d.json("demo --villages 1 --households 30 --seed 2");
    let mut child = Command::new(gridbook_bin())
        .arg("--data")
        .arg(d.dir.path())
        .args(words("--json household list"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn gridbook");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {err}", out.status);
    assert!(err.is_empty(), "nothing on stderr: {err}");
}

#[test]
fn field_check_without_a_store_answers_as_a_write_does() {
    let d = Device::new();
    let v = str_of(&d.json("village add --name 清水村"), "id").to_owned();
    let good = mainland_id(78);
    let values = [
        ("id_number", with_wrong_check_char(&good)),
        ("id_number", with_check_char("11010519900230123")),
        ("id_number", good[..17].to_owned()),
        ("phone", "12345".to_owned()),
        ("name", "王5".to_owned()),
    ];
    let input = json!({
        "fields": values.iter().map(|(f, v)| json!({ "field": f, "value": v })).collect::<Vec<_>>(),
    });
    let path = d.dir.path().join("fields.json");
    std::fs::write(&path, input.to_string()).expect("write input");
    let answers = d.json(&format!("field check --input {}", path.display()));
    for ((field, value), answer) in values.iter().zip(array(&answers)) {
        let (name, id, phone) = match *field {
            "id_number" => ("王五", value.as_str(), "13811112222"),
            "phone" => ("王五", good.as_str(), value.as_str()),
            _ => (value.as_str(), good.as_str(), "13811112222"),
        };
        let out = d.run(&format!(
            "--json household add --village {v} --address 清水村一组1号 --head-name {name} \
             --head-id {id} --phone {phone}"
        ));
        assert_eq!(out.status.code(), Some(2), "{field} {value}: {out:?}");
        let refused: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
        assert_eq!(answer["ok"], false, "{answer}");
        assert_eq!(
            answer["field"], refused["error"]["field"],
            "{field} {value}"
        );
        assert_eq!(
            answer["message"], refused["error"]["message"],
            "{field} {value}"
        );
    }
    // A good value comes back as the store keeps it.
    let ok = json!({ "fields": [{ "field": "id_number", "value": good.to_lowercase() }] });
    std::fs::write(&path, ok.to_string()).expect("write input");
    let answer = d.json(&format!("field check --input {}", path.display()));
    assert_eq!(answer, json!([{ "ok": true, "normalized": good }]));
}
