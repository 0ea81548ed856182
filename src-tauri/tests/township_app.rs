//! The real app, end to end, as the township officer's laptop: a relay serving a demo township
//! on 127.0.0.1 whose day has one group's report in on time, one late and one missing (made
//! through the command line), the built app under Xvfb driven through WebKitWebDriver.
//!
//! The officer joins with the one-time code, opens the first village's groups on 总览 and sees
//! the late group as 迟报 and the missing one as 未报; the late group's chip opens 日报 narrowed to
//! it. Then the 一户一档 ledger goes out to .xlsx through the export sheet and the 期满证明 of a
//! released case to PDF through the case screen; both files are read back by programs that are
//! not ours (openpyxl, pdftotext).
//!
//! The save dialog is the system's: the test answers it from the page. Tauri defines
//! `window.__TAURI_INTERNALS__.invoke` read-only, so the answer is given one step below, where
//! `invoke` sends each command (`fetch` of `ipc://localhost/<command>`): `plugin:dialog|save`
//! gets the path the test chose, every other command goes through unchanged.
//!
//! Screenshots at 1280×800 go to docs/screenshots/.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gridbook_tests::ledger::LEDGER_HEADER;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::python::python_json;
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, str_of};
use serde_json::{json, Value};

const LAPTOP: (u32, u32) = (1280, 800);

/// The first sheet as openpyxl reads it: the sheet names, the title row, the header row and
/// how many rows follow them.
const READ_XLSX: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = list(wb.worksheets[0].iter_rows(values_only=True))
print(json.dumps({"sheets": wb.sheetnames, "title": rows[0][0], "header": list(rows[1]),
                  "rows": len(rows) - 2}, ensure_ascii=False))
"#;

/// Answers the save dialog with `arguments[0]` from now on (once installed, a later call only
/// changes the path) and counts how often it was asked; every other command passes through.
const ANSWER_SAVE: &str = r#"
window.__gridbookSavePath = arguments[0];
if (!window.__gridbookSaveAsked) {
  window.__gridbookSaveAsked = [];
  const real = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = decodeURIComponent(typeof input === 'string' ? input : input.url);
    if (url.startsWith('ipc://') && url.endsWith('/plugin:dialog|save')) {
      window.__gridbookSaveAsked.push(window.__gridbookSavePath);
      return Promise.resolve(new Response(JSON.stringify(window.__gridbookSavePath), {
        headers: { 'Content-Type': 'application/json', 'Tauri-Response': 'ok' },
      }));
    }
    return real(input, init);
  };
}
"#;

fn shoot(app: &App, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    app.wait_toasts_gone();
    std::thread::sleep(Duration::from_millis(800));
    let path: PathBuf = dir.join(format!("{name}-{}x{}.png", LAPTOP.0, LAPTOP.1));
    app.screenshot(&path);
}

/// The paths the save dialog was answered with so far.
fn saves(app: &App) -> Vec<String> {
    let v = app.script("return window.__gridbookSaveAsked || [];", json!([]));
    array(&v)
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits (up to 30 s) for the toast that says the file was written, then checks it is there.
fn written(app: &App, toast: &str, path: &Path) {
    app.wait_text(".van-toast", toast);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !path.metadata().is_ok_and(|m| m.len() > 0) {
        assert!(
            Instant::now() < deadline,
            "{} was not written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The report chip of a group on the overview: its state and its text.
fn group_chip(app: &App, group: &str) -> (String, String) {
    let css = format!(
        "[data-test=\"overview-group\"][data-group=\"{group}\"] [data-test=\"report-chip\"]"
    );
    let chip = app.wait(&css);
    let state = app.script("return arguments[0].dataset.state;", json!([elem(&chip)]));
    (
        state.as_str().unwrap_or_default().to_owned(),
        app.text(&chip).trim().to_owned(),
    )
}

fn elem(e: &gridbook_tests::webdriver::Element) -> Value {
    gridbook_tests::webdriver::elem(e)
}

#[test]
fn the_officer_sees_a_late_group_exports_the_ledger_and_prints_a_certificate() {
    // The township: its recent weeks, and today's reports of the first village's groups —
    // the first in before 17:00, the second at 17:35 (late), the third not at all.
    let relay = Data::new();
    relay.ok("demo --villages 2 --households 30 --seed 11 --activity");
    let today = str_of(&relay.json("overview"), "date").to_owned();
    let villages = relay.json("village list");
    let village = str_of(&array(&villages)[0], "id").to_owned();
    let persons: i64 = array(&villages)
        .iter()
        .map(|v| v["persons"].as_i64().expect("persons"))
        .sum();
    let groups: Vec<String> = array(&relay.json(&format!("group list --village {village}")))
        .iter()
        .map(|g| str_of(g, "id").to_owned())
        .collect();
    assert!(
        groups.len() >= 3,
        "the demo's village has groups: {groups:?}"
    );
    let (on_time, late, missing) = (&groups[0], &groups[1], &groups[2]);
    let r = relay.json(&format!(
        "report submit --group {on_time} --date {today} --at {today}T16:10"
    ));
    assert_eq!(r["late"], false, "{r}");
    let r = relay.json(&format!(
        "report submit --group {late} --date {today} --at {today}T17:35"
    ));
    assert_eq!(r["late"], true, "{r}");
    // A case that has served its period is released today: its certificate can be printed.
    let cases = relay.json("case list");
    let done = array(&cases)
        .iter()
        .find(|c| str_of(c, "status") == "active" && str_of(c, "end") < today.as_str())
        .unwrap_or_else(|| panic!("the demo has a case past its period: {cases}"));
    let case = str_of(done, "id").to_owned();
    let name = str_of(done, "name").to_owned();
    relay.json(&format!("case release {case}"));

    let logs = tempfile::tempdir().expect("tempdir");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let laptop =
        relay.json("relay device add --township --role township --name 乡镇防控办电脑 --code");
    let code = str_of(&laptop, "code").to_owned();

    let display = Display::start();
    let data = tempfile::tempdir().expect("tempdir");
    let files = tempfile::tempdir().expect("tempdir");
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    app.resize(LAPTOP.0, LAPTOP.1);
    let settings = app.wait_text("[data-test=\"side-nav\"] a", "设置");
    app.click(&settings);
    app.enroll(&server.url, &code, "482916");
    app.wait_toasts_gone();

    // 总览: the first village's groups, once synced: on time, late, missing.
    let overview = app.wait_text("[data-test=\"side-nav\"] a", "总览");
    app.click(&overview);
    let row = format!("[data-test=\"overview-row\"][data-village=\"{village}\"]");
    app.tap(&format!("{row} [data-test=\"open-groups\"]"));
    app.wait(&format!(
        "[data-test=\"overview-group\"][data-group=\"{late}\"]"
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while group_chip(&app, late).0 != "late" {
        assert!(
            Instant::now() < deadline,
            "the late group never showed late: {:?}",
            group_chip(&app, late)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(group_chip(&app, late), ("late".into(), "迟报".into()));
    assert_eq!(group_chip(&app, missing), ("missing".into(), "未报".into()));
    assert_eq!(
        group_chip(&app, on_time),
        ("submitted".into(), "已报".into())
    );
    let summary = app.wait(&format!("{row} [data-test=\"groups-behind\"]"));
    let said = app.text(&summary);
    assert!(
        said.contains("组未报") && said.contains("1组迟报"),
        "{said}"
    );
    shoot(&app, "app-overview-groups");

    // Its chip opens 日报 narrowed to the late group.
    app.tap(&format!(
        "[data-test=\"overview-group\"][data-group=\"{late}\"] [data-test=\"report-link\"]"
    ));
    let marked = app.wait("[data-test=\"status-group\"][data-focus]");
    let marked_group = app.script("return arguments[0].dataset.group;", json!([elem(&marked)]));
    assert_eq!(marked_group, json!(late));
    assert!(app.text(&marked).contains("迟报"), "{}", app.text(&marked));
    app.wait("[data-test=\"reports-narrowed\"]");

    // 导出 on 总览: the ledger (the sheet's first choice) as .xlsx, where the dialog says.
    app.click(&app.wait_text("[data-test=\"side-nav\"] a", "总览"));
    let ledger = files.path().join("一户一档.xlsx");
    app.script(ANSWER_SAVE, json!([ledger]));
    app.open_sheet("[data-test=\"export\"]");
    app.wait("[data-test=\"export-kind\"] [data-kind=\"ledger\"][aria-checked=\"true\"]");
    app.tap("[data-test=\"export-go\"]");
    written(&app, &format!("已导出 {persons} 行"), &ledger);
    assert_eq!(saves(&app), vec![ledger.display().to_string()]);
    let book = python_json(READ_XLSX, &[&ledger]);
    assert_eq!(book["sheets"], json!(["一户一档"]), "{book}");
    assert!(
        str_of(&book, "title").contains("一户一档台账（截至"),
        "{book}"
    );
    assert_eq!(book["header"], json!(LEDGER_HEADER), "{book}");
    assert_eq!(book["rows"], json!(persons), "a row per person: {book}");

    // The released case's screen prints its 期满证明.
    let certificate = files.path().join("期满证明.pdf");
    app.script(ANSWER_SAVE, json!([certificate]));
    app.script(
        "location.hash = '#/isolation/' + encodeURIComponent(arguments[0]);",
        json!([case]),
    );
    app.tap("[data-test=\"print-certificate\"]");
    written(&app, "已生成", &certificate);
    assert_eq!(saves(&app).last(), Some(&certificate.display().to_string()));
    let out = std::process::Command::new("pdftotext")
        .arg(&certificate)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("期满证明"), "{text}");
    assert!(text.contains(&name), "the certificate names {name}: {text}");
    drop(server);
}
