//! Personal data protected on the device: a device store created with a PIN is a
//! SQLCipher database whose files hold none of the names, ID numbers and phones written, even
//! after a sync through a real relay; a wrong PIN is refused and changes nothing; a PIN change
//! rewraps the key only; a plain store is converted on first unlock into an equal one.

use std::path::Path;
use std::process::Output;

use gridbook_store::cipher::{file_state, FileState};
use gridbook_store::{Store, DB_FILE};
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

const PIN: &str = "731946";

/// `gridbook --data DIR <cmdline>` with `GRIDBOOK_PIN` set to `pin` (or unset).
fn run(data: &Data, pin: Option<&str>, cmdline: &str, env: &[(&str, &str)]) -> Output {
    let mut c = data.command(cmdline);
    for k in ["GRIDBOOK_PIN", "GRIDBOOK_NEW_PIN", "GRIDBOOK_RECOVERY_CODE"] {
        c.env_remove(k);
    }
    if let Some(pin) = pin {
        c.env("GRIDBOOK_PIN", pin);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run gridbook")
}

/// Runs a `--json` command that must succeed, with the PIN.
fn json(data: &Data, pin: Option<&str>, cmdline: &str) -> Value {
    let out = run(data, pin, &format!("--json {cmdline}"), &[]);
    assert!(
        out.status.success(),
        "gridbook {cmdline}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A failed `--json` command: its exit code and error object.
fn failure(out: &Output) -> (Option<i32>, Value) {
    let err: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), err["error"].clone())
}

/// Every file of the data directory, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            (name, std::fs::read(&p).expect("read file"))
        })
        .collect();
    v.sort();
    v
}

/// The secrets of `needles` found in any file of `dir`, as "file: needle".
fn leaks(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, bytes) in files(dir) {
        for n in needles {
            let n_bytes = n.as_bytes();
            if bytes.windows(n_bytes.len()).any(|w| w == n_bytes) {
                found.push(format!("{name}: {n}"));
            }
        }
    }
    found
}

fn household(data: &Data, pin: Option<&str>, village: &str, name: &str, id: &str, phone: &str) {
    json(
        data,
        pin,
        &format!(
            "household add --village {village} --address 向阳路{} --head-name {name} \
             --head-id {id} --phone {phone}",
            &phone[7..]
        ),
    );
}

#[test]
fn device_files_hold_no_personal_data_after_writes_and_a_sync() {
    // The relay: a demo township, plain (the relay's store is not encrypted).
    let relay = Data::new();
    relay.json("demo --villages 2 --households 40 --seed 19");
    let village = str_of(&array(&relay.json("village list"))[0], "id").to_owned();
    let added = relay.json(&format!(
        "relay device add --village {village} --role grid-worker --name 网格员甲"
    ));
    let token = str_of(&added, "token").to_owned();
    // What the device receives: the village's residents, names, ID numbers and phones.
    let mut needles: Vec<String> = Vec::new();
    for h in array(&relay.json(&format!("household list --village {village}"))) {
        let detail = relay.json(&format!("household show {}", str_of(h, "id")));
        for p in array(&detail["residents"]) {
            needles.push(str_of(p, "name").to_owned());
            needles.push(str_of(p, "id_number").to_owned());
            if let Some(phone) = p["phone"].as_str() {
                needles.push(phone.to_owned());
            }
        }
    }
    assert!(
        needles.len() >= 20,
        "the village has residents: {needles:?}"
    );
    // The search finds them where they are in the clear: the relay's own plain file.
    assert!(
        !leaks(relay.path(), &needles).is_empty(),
        "the byte search finds plain text"
    );

    let logs = tempfile::tempdir().expect("logs");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let device = Data::new();
    let hello = json(
        &device,
        Some(PIN),
        &format!("enroll --relay {} --token {token}", server.url),
    );
    assert_eq!(hello["village_id"].as_str(), Some(village.as_str()));
    assert!(device.path().join(gridbook_keys::KEY_FILE).exists());
    json(&device, Some(PIN), "sync");
    // Written on the device, then synced up.
    let written = [
        ("欧阳明珠", mainland_id(731_001), "13971300101"),
        ("司马青云", mainland_id(731_002), "13971300202"),
        ("诸葛晓燕", mainland_id(731_003), "13971300303"),
    ];
    for (name, id, phone) in &written {
        household(&device, Some(PIN), &village, name, id, phone);
        needles.extend([name.to_string(), id.clone(), phone.to_string()]);
    }
    json(&device, Some(PIN), "sync");
    let shown = json(&device, Some(PIN), "device show");
    assert_eq!(shown["unsynced"], 0, "{shown}");
    assert_eq!(array(&relay.json("search 司马青云")).len(), 1, "synced up");
    let got = json(&device, Some(PIN), "search 欧阳明珠");
    assert_eq!(array(&got).len(), 1, "the device reads its data back");
    assert_eq!(
        file_state(&device.path().join(DB_FILE)).expect("state"),
        FileState::Encrypted
    );
    let found = leaks(device.path(), &needles);
    assert!(found.is_empty(), "personal data in the clear: {found:?}");

    // While a store is open its WAL holds the last writes: encrypted too.
    let key = gridbook_keys::unlock(device.path(), PIN, gridbook_keys::now_secs()).expect("key");
    let store = Store::open_with_key(device.path(), Some(key.bytes())).expect("open");
    let hid = store
        .households(Some(&village))
        .expect("households")
        .first()
        .map(|h| h.id.clone())
        .expect("a household");
    store
        .set_household(&hid, &[("address".into(), "长寿巷88号".into())])
        .expect("edit");
    needles.push("长寿巷88号".into());
    let names: Vec<String> = files(device.path()).into_iter().map(|f| f.0).collect();
    let wal = std::fs::metadata(device.path().join(format!("{DB_FILE}-wal"))).expect("WAL");
    assert!(wal.len() > 0, "the WAL holds the edit: {names:?}");
    let found = leaks(device.path(), &needles);
    assert!(found.is_empty(), "personal data in the clear: {found:?}");
    drop(store);
}

#[test]
fn wrong_pin_is_refused_and_changes_nothing_and_backs_off() {
    let d = Data::new();
    let v = str_of(&json(&d, Some(PIN), "village add --name 东风村"), "id").to_owned();
    household(&d, Some(PIN), &v, "王守仁", &mainland_id(5), "13900000005");
    let db_before = std::fs::read(d.path().join(DB_FILE)).expect("db");

    let out = run(&d, None, "--json household list", &[]);
    let (code, err) = failure(&out);
    assert_eq!((code, str_of(&err, "kind")), (Some(3), "locked"), "{err}");
    assert!(str_of(&err, "message").contains("已加密"), "{err}");
    let out = run(&d, None, "--lang en household list", &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("encrypted"));

    for i in 1..gridbook_keys::FREE_ATTEMPTS {
        let out = run(
            &d,
            Some("000000"),
            &format!("--json household add --village {v} --address 甲 --head-name 李贽 --head-id {} --phone 13900000006", mainland_id(6)),
            &[],
        );
        let (code, err) = failure(&out);
        assert_eq!((code, str_of(&err, "kind")), (Some(3), "locked"), "{err}");
        assert!(
            str_of(&err, "message").contains(&format!("{i} 次")),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read(d.path().join(DB_FILE)).expect("db"),
        db_before,
        "a wrong PIN changed the database"
    );
    // One more wrong PIN starts the wait; then even the right PIN waits.
    let (_, err) = failure(&run(&d, Some("000000"), "--json household list", &[]));
    assert!(str_of(&err, "message").contains("秒后再试"), "{err}");
    let (code, err) = failure(&run(&d, Some(PIN), "--json household list", &[]));
    assert_eq!((code, str_of(&err, "kind")), (Some(3), "locked"), "{err}");
    assert!(str_of(&err, "message").contains("错误次数过多"), "{err}");
    let st = json(&d, None, "lock status");
    assert_eq!(st["failures"], gridbook_keys::FREE_ATTEMPTS);
    assert!(st["wait_secs"].as_u64().unwrap_or(0) > 0, "{st}");
    assert_eq!(
        std::fs::read(d.path().join(DB_FILE)).expect("db"),
        db_before
    );
}

#[test]
fn pin_change_rewraps_the_key_only_and_recovery_code_sets_a_new_pin() {
    let d = Data::new();
    let v = str_of(&json(&d, Some(PIN), "village add --name 东风村"), "id").to_owned();
    household(&d, Some(PIN), &v, "王守仁", &mainland_id(5), "13900000005");
    let db = std::fs::read(d.path().join(DB_FILE)).expect("db");

    // The new PIN from GRIDBOOK_NEW_PIN.
    let out = run(
        &d,
        Some(PIN),
        "lock set-pin",
        &[("GRIDBOOK_NEW_PIN", "55443322")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(d.path().join(DB_FILE)).expect("db"), db);
    let (code, _) = failure(&run(&d, Some(PIN), "--json household list", &[]));
    assert_eq!(code, Some(3), "the old PIN still opens the store");
    assert_eq!(
        array(&json(&d, Some("55443322"), "household list")).len(),
        1
    );

    // From stdin; a too-short one is refused (exit 2) and the PIN stays.
    let mut c = d.command("--json lock set-pin");
    c.env_remove("GRIDBOOK_NEW_PIN")
        .env("GRIDBOOK_PIN", "55443322");
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"12\n").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(failure(&out).0, Some(2));
    assert_eq!(
        array(&json(&d, Some("55443322"), "household list")).len(),
        1
    );

    // A forgotten PIN: the recovery code shown once sets a new one, the data stays.
    let code = json(&d, Some("55443322"), "lock recovery-code");
    let code = str_of(&code, "recovery_code").to_owned();
    let out = run(
        &d,
        None,
        "lock set-pin",
        &[
            ("GRIDBOOK_RECOVERY_CODE", &code),
            ("GRIDBOOK_NEW_PIN", "98989898"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(d.path().join(DB_FILE)).expect("db"), db);
    let list = json(&d, Some("98989898"), "household list");
    assert_eq!(str_of(&array(&list)[0], "head_name"), "王守仁");
    let out = run(
        &d,
        None,
        "--json lock set-pin",
        &[
            ("GRIDBOOK_RECOVERY_CODE", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"),
            ("GRIDBOOK_NEW_PIN", "11112222"),
        ],
    );
    assert_eq!(failure(&out).0, Some(3), "a wrong recovery code");
}

/// Every row of every table, sorted, with the schema version. SQLite's own tables are left
/// out: an upgraded store keeps an empty `sqlite_sequence` (no table uses AUTOINCREMENT since
/// schema 22, and SQLite never drops it), which the conversion does not recreate.
fn dump(conn: &rusqlite::Connection) -> (i64, Vec<(String, Vec<String>)>) {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'
             ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .expect("select");
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|v| v.join("|"))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort();
        out.push((t, rows));
    }
    (version, out)
}

#[test]
fn a_plain_store_is_converted_on_first_unlock_into_an_equal_one() {
    let d = Data::new();
    d.json("demo --villages 2 --households 30 --seed 7");
    let v = str_of(&array(&d.json("village list"))[0], "id").to_owned();
    household(&d, None, &v, "王守仁", &mainland_id(5), "13900000005");
    assert_eq!(
        file_state(&d.path().join(DB_FILE)).expect("state"),
        FileState::Plain
    );
    let copy = tempfile::tempdir().expect("copy");
    for (name, bytes) in files(d.path()) {
        std::fs::write(copy.path().join(name), bytes).expect("copy");
    }
    let heads = d.heads();
    let listed = d.json("household list");

    // First unlock: the key file is made and the database converted.
    assert_eq!(json(&d, Some(PIN), "household list"), listed);
    assert_eq!(
        file_state(&d.path().join(DB_FILE)).expect("state"),
        FileState::Encrypted
    );
    let names: Vec<String> = files(d.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(names, [gridbook_keys::KEY_FILE, DB_FILE], "{names:?}");

    let plain = rusqlite::Connection::open(copy.path().join(DB_FILE)).expect("plain");
    let key = gridbook_keys::unlock(d.path(), PIN, gridbook_keys::now_secs()).expect("key");
    let enc =
        gridbook_store::cipher::open_encrypted(&d.path().join(DB_FILE), key.bytes()).expect("enc");
    let (before, after) = (dump(&plain), dump(&enc));
    assert!(before
        .1
        .iter()
        .any(|(t, rows)| t == "persons" && rows.len() > 30));
    assert_eq!(before, after, "the converted store differs");
    let heads_after: gridbook_tests::procs::Heads = array(&json(&d, Some(PIN), "doc list"))
        .iter()
        .map(|x| {
            let h = array(&x["heads"])
                .iter()
                .map(|h| h.as_str().expect("head").to_owned())
                .collect();
            (str_of(x, "id").to_owned(), h)
        })
        .collect();
    assert_eq!(heads_after, heads);
    // And it is locked now.
    assert_eq!(
        failure(&run(&d, None, "--json household list", &[])).0,
        Some(3)
    );
}
