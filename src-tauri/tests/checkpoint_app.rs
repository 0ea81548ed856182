//! The real app at a checkpoint, end to end: a relay serving a demo township with a checkpoint
//! on 127.0.0.1, the built app on a volunteer's tablet of that village (enrolled and synced
//! through the command line, as `scripts/run.sh` does) driven through WebKitWebDriver under
//! Xvfb, and a township laptop as a second device worked through the command line.
//!
//! The volunteer signs in for the shift, lets a resident of the village in through the quick
//! path (four typed characters of the ID number, then the match, a temperature, 绿码 and 保存),
//! and registers a visitor with a red code by hand: the suggestion 留观转运 shows before
//! saving and the visitor is not let in. The entry list of the day shows both, the sync bar
//! reaches "已全部同步", and the township laptop, synced through the relay, lists both entries
//! with their decisions. Then the resident's household gets a temporary pass from its page
//! (number and QR code shown); the resident goes out on it, the pass typed as a handheld
//! scanner types its QR text; a second outing on it is refused; a yellow-code visitor is turned
//! back; the laptop has the outing with its pass, the turned-back visitor, and the pass used up.
//! Screenshots at 360×740 and 1280×800 go to
//! docs/screenshots/app-checkpoint-*.png (shown in the README).

use std::path::{Path, PathBuf};

use gridbook_tests::procs::{Data, Server};
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// The demo township's seed.
const SEED: u64 = 23;
const PHONE: (u32, u32) = (360, 740);
const LAPTOP: (u32, u32) = (1280, 800);

/// The visitor: nobody of the demo township has this name.
const VISITOR: &str = "欧阳晓燕";
/// A second visitor, with a yellow code.
const VISITOR_YELLOW: &str = "司马青云";

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots")
}

/// Saves the screen at phone and laptop size as `app-checkpoint-<name>-WxH.png`.
fn shoot(app: &App, name: &str) {
    app.wait_toasts_gone();
    for (w, h) in [PHONE, LAPTOP] {
        app.resize(w, h);
        std::thread::sleep(std::time::Duration::from_millis(600));
        app.screenshot(&screenshots().join(format!("app-checkpoint-{name}-{w}x{h}.png")));
    }
    app.resize(PHONE.0, PHONE.1);
}

/// The input inside the Vant field `name`.
fn field(name: &str) -> String {
    format!("[data-field=\"{name}\"] input")
}

/// Types into the pass field, opening the entry's "more" section first when it is folded.
fn fill_pass(app: &App, text: &str) {
    let folded = "const i = document.querySelector('[data-field=\"pass\"] input');
                  return !i || i.offsetParent === null;";
    if app.script(folded, serde_json::json!([])) == serde_json::json!(true) {
        app.tap("[data-test=\"more\"] .van-collapse-item__title");
        app.settle();
    }
    app.fill(&field("pass"), text);
}

/// The day's count `key` once it reads `expected` (the counts reload after a save, which the
/// toast does not wait for), or what it reads after 20 s.
fn count(app: &App, key: &str, expected: u64) -> u64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let tile = app.wait(&format!("[data-test=\"count-{key}\"] .n"));
        let n = app.text(&tile).trim().parse().unwrap_or(u64::MAX);
        if n == expected || std::time::Instant::now() > deadline {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A resident of `village` whose ID number's last four characters the checkpoint's match
/// offers: (person id, name, ID number).
fn resident(relay: &Data, village: &str, checkpoint: &str) -> (String, String, String) {
    for h in array(&relay.json(&format!("household list --village {village}"))) {
        let household = relay.json(&format!("household show {}", str_of(h, "id")));
        for p in array(&household["residents"]) {
            let Some(id_number) = p["id_number"].as_str() else {
                continue;
            };
            let tail = &id_number[id_number.len() - 4..];
            let hits = relay.json(&format!("match {tail} --checkpoint {checkpoint}"));
            let offered = array(&hits)
                .iter()
                .take(8)
                .any(|hit| hit["person_id"] == p["id"]);
            if offered {
                return (
                    str_of(p, "id").to_owned(),
                    str_of(p, "name").to_owned(),
                    id_number.to_owned(),
                );
            }
        }
    }
    panic!("no resident of {village} to match");
}

#[test]
fn a_volunteer_lets_a_resident_in_and_holds_a_red_code_visitor() {
    // The relay: a demo township with a checkpoint at the gate of its first village.
    let relay = Data::new();
    relay.ok(&format!("demo --villages 2 --households 60 --seed {SEED}"));
    let village = str_of(&array(&relay.json("village list"))[0], "id").to_owned();
    let checkpoint = str_of(
        &relay.json(&format!(
            "checkpoint add --village {village} --name 村口卡点 --place 北路口"
        )),
        "id",
    )
    .to_owned();
    let (person_id, name, id_number) = resident(&relay, &village, &checkpoint);
    let logs = tempfile::tempdir().expect("tempdir");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let token = |args: &str| {
        let d = relay.json(&format!("relay device add {args}"));
        str_of(&d, "token").to_owned()
    };

    // The volunteer's tablet: enrolled for the village and synced before the app opens.
    let tablet = Data::new();
    let volunteer = token(&format!(
        "--village {village} --role volunteer --name 村口平板"
    ));
    tablet.ok(&format!(
        "enroll --relay {} --token {volunteer}",
        server.url
    ));
    tablet.sync();
    let display = Display::start();
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", tablet.path())],
    );
    app.resize(PHONE.0, PHONE.1);
    app.tab("卡口");
    app.wait_text("[data-test=\"checkpoint-switch\"]", "村口卡点");

    // 签到: the two on duty.
    app.tap("[data-test=\"sign-in\"]");
    app.fill(&field("staff"), "王五 赵六");
    app.tap(".van-dialog__confirm");
    app.wait_text("[data-test=\"shift-staff\"]", "王五、赵六");

    // A resident: four characters of the ID number, then four taps.
    app.fill(
        "[data-test=\"match-search\"] input",
        &id_number[id_number.len() - 4..],
    );
    let hit = app.wait_text("[data-test=\"match-hit\"]", &name);
    shoot(&app, "match");
    app.click(&hit); // 1
    app.wait_text("[data-test=\"matched\"]", &name);
    app.tap("[data-test=\"temp-36.5\"]"); // 2
    app.tap("[data-test=\"code-green\"]"); // 3
    app.wait("[data-test=\"suggestion\"][data-decision=\"allow\"]");
    app.tap("[data-test=\"save\"]"); // 4
    app.wait_text(".van-toast", &format!("{name} 已放行"));
    app.wait_text("[data-test=\"recent\"] [data-test=\"entry-row\"]", &name);
    assert_eq!(count(&app, "in", 1), 1);

    // A visitor with a red code, typed by hand on the same screen.
    app.fill(&field("name"), VISITOR);
    app.fill(&field("id_number"), &mainland_id(4242));
    app.tap("[data-test=\"temp-36.6\"]");
    app.tap("[data-test=\"code-red\"]");
    let suggestion = app.wait("[data-test=\"suggestion\"][data-decision=\"observe\"]");
    assert!(app.text(&suggestion).contains("留观转运"));
    app.wait_text("[data-test=\"reasons\"]", "红码");
    app.wait_text("[data-test=\"save\"]", "留观转运");
    shoot(&app, "red-code");
    app.tap("[data-test=\"save\"]");
    app.wait_text(".van-toast", &format!("{VISITOR} 留观转运"));
    app.wait_text(
        "[data-test=\"recent\"] [data-test=\"entry-row\"][data-decision=\"observe\"]",
        VISITOR,
    );
    assert_eq!(count(&app, "in", 1), 1, "the visitor was not let in");
    assert_eq!(count(&app, "observed", 1), 1);

    // The entries go to the relay in the background.
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    shoot(&app, "saved");

    // The day's list shows both, in order.
    app.tap("[data-test=\"by-day\"]");
    app.wait_text("[data-test=\"day-total\"]", "共2人次");
    // The day as the screen writes it (2026年12月6日), as the command line takes it.
    let shown = app.text(&app.wait("[data-test=\"day-text\"]"));
    let day = chrono::NaiveDate::parse_from_str(shown.trim(), "%Y年%m月%d日")
        .unwrap_or_else(|e| panic!("the day shown, {shown:?}: {e}"))
        .format("%Y-%m-%d")
        .to_string();
    let rows: Vec<String> = app
        .all("[data-test=\"day-entries\"] [data-test=\"entry-row\"]")
        .iter()
        .map(|r| app.text(r))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains(&name) && rows[1].contains(VISITOR),
        "{rows:?}"
    );
    shoot(&app, "entries");

    // The township laptop receives both entries through the relay.
    let laptop = Data::new();
    let township = token("--township --role township --name 乡镇-笔记本");
    laptop.ok(&format!("enroll --relay {} --token {township}", server.url));
    laptop.sync();
    let list = laptop.json(&format!(
        "entry list --checkpoint {checkpoint} --date {day}"
    ));
    let entries = array(&list);
    assert_eq!(entries.len(), 2, "{list}");
    let of = |who: &str| -> &Value {
        entries
            .iter()
            .find(|e| e["name"] == who)
            .unwrap_or_else(|| panic!("no entry of {who}: {list}"))
    };
    let resident_entry = of(&name);
    assert_eq!(resident_entry["decision"], "allow", "{list}");
    assert_eq!(resident_entry["direction"], "in");
    assert_eq!(resident_entry["person_id"], person_id.as_str());
    assert_eq!(resident_entry["health_code"], "green");
    assert_eq!(resident_entry["volunteer"], "王五");
    let visitor_entry = of(VISITOR);
    assert_eq!(visitor_entry["decision"], "observe", "{list}");
    assert_eq!(visitor_entry["suggested"], "observe");
    assert_eq!(visitor_entry["health_code"], "red");
    assert_eq!(visitor_entry["overridden"], false);
    assert_eq!(visitor_entry["person_id"], Value::Null);

    // The resident's household gets a temporary pass from its page in the ledger.
    let tail = &id_number[id_number.len() - 4..];
    app.tab("户籍台账");
    app.fill("[data-test=\"search\"] input", tail);
    let hit = app.wait_text("[data-test=\"search-hit\"]", &name);
    app.click(&hit);
    app.wait_text("[data-test=\"person-card\"]", &name);
    app.open_sheet("[data-test=\"issue-pass\"]");
    app.wait("[data-test=\"issue-sheet\"]");
    app.wait_toasts_gone();
    app.tap("[data-test=\"issue-save\"]");
    app.settle();
    let shown = app.wait("[data-test=\"pass-sheet\"] [data-test=\"pass-number\"]");
    let number: String = app
        .text(&shown)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(number.len(), 8, "pass number {number:?}");
    app.wait("[data-test=\"pass-sheet\"] [data-test=\"pass-qr-img\"]");
    shoot(&app, "pass");
    // The sheet re-centres after the screenshots' resize: close it once it is still.
    app.settle();
    let close = app.wait(".pass-popup .van-popup__close-icon");
    app.click_through(&close);
    app.settle();
    app.wait_toasts_gone();

    // At the gate the resident goes out on it: the QR text typed by a handheld scanner.
    // (A toast sits in the middle of the screen, where a tapped element is scrolled to: each
    // step waits for the last one's toast to go.)
    let out_on_pass = |app: &App| {
        app.wait_toasts_gone();
        app.tab("卡口");
        app.tap("[data-test=\"direction-out\"]");
        app.fill("[data-test=\"match-search\"] input", tail);
        let hit = app.wait_text("[data-test=\"match-hit\"]", &name);
        app.click(&hit);
        app.wait_text("[data-test=\"matched\"]", &name);
        fill_pass(app, &format!("GRIDBOOK-PASS:{number}\u{E007}"));
        app.tap("[data-test=\"temp-36.4\"]");
        app.tap("[data-test=\"code-green\"]");
        app.wait("[data-test=\"suggestion\"][data-decision=\"allow\"]");
        app.tap("[data-test=\"save\"]");
    };
    out_on_pass(&app);
    app.wait_text(".van-toast", &format!("{name} 已放行"));
    assert_eq!(count(&app, "out", 1), 1);
    // A second outing of the household in the same window is refused, and not written.
    out_on_pass(&app);
    app.wait_text(".van-dialog", "每户每时段限一人");
    app.settle();
    shoot(&app, "pass-refused");
    app.tap(".van-dialog .van-dialog__confirm");
    app.settle();
    assert_eq!(count(&app, "out", 1), 1, "the refused outing was recorded");

    // A visitor with a yellow code is turned back (劝返), as the township's rules suggest.
    app.wait_toasts_gone();
    app.tap("[data-test=\"unlink\"]");
    fill_pass(&app, "");
    app.tap("[data-test=\"direction-in\"]");
    app.fill(&field("name"), VISITOR_YELLOW);
    app.fill(&field("id_number"), &mainland_id(4343));
    app.tap("[data-test=\"temp-36.6\"]");
    app.tap("[data-test=\"code-yellow\"]");
    app.wait("[data-test=\"suggestion\"][data-decision=\"turn-back\"]");
    app.wait_text("[data-test=\"reasons\"]", "黄码");
    app.tap("[data-test=\"save\"]");
    app.wait_text(".van-toast", &format!("{VISITOR_YELLOW} 已劝返"));
    assert_eq!(count(&app, "turned_back", 1), 1);
    app.wait_toasts_gone();
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");

    // The township laptop has the pass, its one use, and the turned-back visitor.
    laptop.sync();
    let list = laptop.json(&format!(
        "entry list --checkpoint {checkpoint} --date {day}"
    ));
    let entries = array(&list);
    assert_eq!(entries.len(), 4, "{list}");
    let outing = entries
        .iter()
        .find(|e| e["direction"] == "out")
        .unwrap_or_else(|| panic!("no outing: {list}"));
    assert_eq!(outing["pass_number"], number.as_str(), "{list}");
    assert_eq!(outing["decision"], "allow");
    let yellow = entries
        .iter()
        .find(|e| e["name"] == VISITOR_YELLOW)
        .unwrap_or_else(|| panic!("no entry of {VISITOR_YELLOW}: {list}"));
    assert_eq!(yellow["decision"], "turn-back", "{list}");
    assert_eq!(yellow["health_code"], "yellow");
    let used = laptop.run(&format!("--json pass check {number}"));
    assert_eq!(
        used.status.code(),
        Some(3),
        "the pass is used up everywhere"
    );
    assert!(String::from_utf8_lossy(&used.stderr).contains("already-used"));
}
