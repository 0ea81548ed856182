//! The real app, end to end: a relay serving a demo township on 127.0.0.1, the built app under
//! Xvfb driven through WebKitWebDriver, and a second device as a separate store
//! worked through the command line.
//!
//! The path of a grid worker's first morning: join the township's sync in 设置, add a household
//! whose head has a mistyped ID number (the Chinese message shows under the field and nothing
//! typed is lost), fix it and save, find the household again by the head's pinyin initials,
//! change a resident's phone, see the sync bar reach "已全部同步" — and a second device, synced
//! through the relay, has the household with the new phone.
//!
//! Then isolation follow-ups: start a case from a resident of the ledger, record a normal check
//! in three taps and a fever check, see the case escalated and listed in red on the home screen;
//! a second device has the case with both checks and the referral.
//!
//! A device whose database was made by a newer gridbook gets a page saying so, in Chinese,
//! and the file is left as it was.
//!
//! Screenshots at 360×740 and 1280×800 go to docs/screenshots/ (shown in the README).

use std::path::{Path, PathBuf};

use gridbook_tests::procs::{Data, Server};
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, str_of, with_check_char, with_wrong_check_char};
use serde_json::json;

/// The demo township's seed.
const SEED: u64 = 11;
const PHONE: (u32, u32) = (360, 740);
const LAPTOP: (u32, u32) = (1280, 800);

/// The head of the new household: a name whose initials the demo township never produces in
/// this combination, so that the search finds exactly this person.
const NAME: &str = "欧阳晓燕";
const INITIALS: &str = "oyxy";

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots")
}

/// Saves the screen at phone and laptop size as `docs/screenshots/<name>-WxH.png`, once the
/// toasts ("已保存", …) are gone.
fn shoot(app: &App, name: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while app.all(".van-toast").iter().any(|t| app.displayed(t))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for (w, h) in [PHONE, LAPTOP] {
        app.resize(w, h);
        // Let Vant's transitions and the layout settle before the picture.
        std::thread::sleep(std::time::Duration::from_millis(600));
        app.screenshot(&screenshots().join(format!("{name}-{w}x{h}.png")));
    }
    app.resize(PHONE.0, PHONE.1);
}

/// The input inside the Vant field `name`.
fn field(name: &str) -> String {
    format!("[data-field=\"{name}\"] input")
}

/// The error shown under the Vant field `name` (empty when none).
fn field_error(app: &App, name: &str) -> String {
    app.all(&format!(
        "[data-field=\"{name}\"] .van-field__error-message"
    ))
    .first()
    .map(|e| app.text(e).trim().to_owned())
    .unwrap_or_default()
}

/// Types `text` into the input `css` (after clearing it).
fn fill(app: &App, css: &str, text: &str) {
    let input = app.wait(css);
    app.type_into(&input, text);
}

/// Opens the picker of the field `name`, taps the option `text` and confirms.
fn pick(app: &App, name: &str, text: &str) {
    app.tap(&format!("[data-field=\"{name}\"]"));
    let option = app.wait_text(".van-popup .van-picker-column__item", text);
    app.click_through(&option);
    // The picker scrolls the tapped option to the middle; confirm once it has settled.
    std::thread::sleep(std::time::Duration::from_millis(500));
    app.tap(".van-popup .van-picker__confirm");
    std::thread::sleep(std::time::Duration::from_millis(400));
}

/// Goes to a screen through the tab bar (phone size).
fn tab(app: &App, label: &str) {
    let item = app.wait_text("[data-test=\"tabbar\"] .van-tabbar-item", label);
    app.click(&item);
}

/// A relay serving the demo township on 127.0.0.1, and the tokens it hands out.
struct Township {
    relay: Data,
    server: Server,
    _logs: tempfile::TempDir,
}

impl Township {
    /// The demo township of two villages, served by a relay child process.
    fn start() -> Township {
        let relay = Data::new();
        relay.ok(&format!("demo --villages 2 --households 80 --seed {SEED}"));
        let logs = tempfile::tempdir().expect("tempdir");
        let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
        Township {
            relay,
            server,
            _logs: logs,
        }
    }

    /// A token for a new grid worker's device of the township's first village (the one the
    /// tests add to), as the township hands it out.
    fn grid_worker_token(&self, name: &str) -> String {
        let village = array(&self.relay.json("village list"))[0].clone();
        let d = self.relay.json(&format!(
            "relay device add --village {} --role grid-worker --name {name}",
            str_of(&village, "id")
        ));
        str_of(&d, "token").to_owned()
    }

    /// A token for a new township-scoped device.
    fn token(&self, name: &str) -> String {
        let d = self.relay.json(&format!(
            "relay device add --township --role township --name {name}"
        ));
        str_of(&d, "token").to_owned()
    }

    /// A second device of the township, synced through the relay, worked through the CLI.
    fn second_device(&self) -> Data {
        let second = Data::new();
        let token = self.token("乡镇-笔记本");
        second.ok(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        second.json("sync");
        second
    }
}

/// The real app on an empty data directory, joined to the township's sync in 设置 (the path a
/// user takes); returns once the township's data has arrived.
fn enrolled_app(display: &Display, data: &Path, township: &Township, shots: bool) -> App {
    let app = App::start(
        display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data)],
    );
    app.resize(PHONE.0, PHONE.1);
    app.wait_text("[data-test=\"home\"]", "尚未加入");
    tab(&app, "设置");
    fill(
        &app,
        "[data-test=\"relay-url\"] input",
        &township.server.url,
    );
    fill(
        &app,
        "[data-test=\"token\"] input",
        &township.grid_worker_token("网格员-平板"),
    );
    app.tap("[data-test=\"enroll\"]");
    app.wait_text("[data-test=\"enroll-status\"]", "已加入");
    // An app that enrolls asks for a PIN before it is used.
    app.set_pin_after_enrolling("482916");
    // Once the township's grid document is here, its name replaces the id.
    let name = gridbook_domain::demo::plan(SEED, 2, 80).township.name;
    app.wait_text("[data-test=\"enroll-status\"]", &name);
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    if shots {
        shoot(&app, "app-settings-enrolled");
    }
    app
}

/// The tests each drive a display, a webview and a relay: one at a time on a small machine.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_grid_worker_adds_finds_edits_and_syncs_a_household() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let township = Township::start();
    let village = array(&township.relay.json("village list"))[0].clone();
    let village_name = str_of(&village, "name").to_owned();
    let display = Display::start();
    let data = tempfile::tempdir().expect("tempdir");
    let app = enrolled_app(&display, data.path(), &township, true);

    // 户籍台账: the demo township arrived; add a household.
    tab(&app, "户籍台账");
    app.wait("[data-test=\"household-row\"]");
    app.tap("[data-test=\"add-household\"]");
    app.wait("[data-test=\"household-form\"]");
    pick(&app, "village_id", &village_name);
    pick(&app, "group_id", "一组");
    let address = format!("{village_name}一组88号");
    fill(&app, &field("address"), &address);
    fill(&app, &field("head.name"), NAME);
    let good_id = with_check_char("15058119870312262");
    let bad_id = with_wrong_check_char(&good_id);
    fill(&app, &field("head.id_number"), &bad_id);
    fill(&app, &field("head.phone"), "13912345678"); // leaving the ID field checks it
    app.wait_text(
        "[data-field=\"head.id_number\"] .van-field__error-message",
        "逐位核对",
    );
    app.tap("[data-test=\"save\"]");
    app.wait_text(".van-toast", "请先改正标红的内容");
    // Nothing typed is lost.
    assert_eq!(app.value(&app.wait(&field("head.id_number"))), bad_id);
    assert_eq!(app.value(&app.wait(&field("head.name"))), NAME);
    assert_eq!(app.value(&app.wait(&field("address"))), address);
    assert_eq!(app.value(&app.wait(&field("head.phone"))), "13912345678");
    shoot(&app, "app-add-household-bad-id");

    // Fix the ID and save: the household detail opens.
    fill(&app, &field("head.id_number"), &good_id);
    assert_eq!(field_error(&app, "head.id_number"), "");
    app.tap("[data-test=\"save\"]");
    app.wait_text("[data-test=\"household-address\"]", &address);
    app.wait_text("[data-test=\"person-card\"]", NAME);

    // Find it again by the head's pinyin initials.
    tab(&app, "户籍台账");
    fill(&app, "[data-test=\"search\"] input", INITIALS);
    let hit = app.wait_text("[data-test=\"search-hit\"]", NAME);
    shoot(&app, "app-search-pinyin");
    app.click(&hit);

    // Edit the resident: a new phone number.
    let card = app.wait_text("[data-test=\"person-card\"]", NAME);
    let edit = app
        .all("[data-test=\"person-card\"] [data-test=\"edit-person\"]")
        .into_iter()
        .find(|e| app.displayed(e))
        .expect("an edit button on the person card");
    drop(card);
    app.click(&edit);
    app.wait("[data-test=\"person-form\"]");
    fill(&app, &field("phone"), "13700001111");
    app.tap("[data-test=\"save\"]");
    // Lists and cards show the phone masked; the village's grid worker reveals it in full
    // (a reveal the device's log records).
    app.wait_text("[data-test=\"person-card\"]", "137****1111");
    let reveal = app
        .all("[data-test=\"person-card\"] [data-test=\"reveal-phone\"]")
        .into_iter()
        .find(|e| app.displayed(e))
        .expect("a reveal button for the phone on the person card");
    app.click(&reveal);
    app.wait_text("[data-test=\"person-card\"]", "13700001111");

    // The app syncs in the background after every write: the count reaches zero.
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    assert_eq!(
        app.script(
            "return document.querySelector('[data-test=\"sync-bar\"]').dataset.state;",
            json!([])
        ),
        json!("idle")
    );
    shoot(&app, "app-household-detail");

    // A second device of the township receives the household with the edited phone.
    let second = township.second_device();
    let hits = second.json(&format!("search {INITIALS}"));
    let found: Vec<_> = array(&hits)
        .iter()
        .filter(|h| str_of(h, "name") == NAME)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "the second device finds {NAME} once: {hits}"
    );
    let household = second.json(&format!(
        "household show {}",
        str_of(found[0], "household_id")
    ));
    assert_eq!(str_of(&household, "address"), address);
    let head = array(&household["residents"])
        .iter()
        .find(|r| str_of(r, "name") == NAME)
        .expect("the head among the residents")
        .clone();
    assert_eq!(str_of(&head, "id_number"), good_id);
    assert_eq!(str_of(&head, "phone"), "13700001111");
}

/// The wait for what the sync bar and the background sync do after a write.
fn synced(app: &App) {
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
}

#[test]
fn a_grid_worker_starts_a_case_records_checks_and_sees_the_escalation_at_home() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let township = Township::start();
    let display = Display::start();
    let data = tempfile::tempdir().expect("tempdir");
    let app = enrolled_app(&display, data.path(), &township, false);

    // From the ledger: the first household's first resident.
    tab(&app, "户籍台账");
    app.tap("[data-test=\"household-row\"]");
    let card = app.wait("[data-test=\"person-card\"]");
    let name = app.text(
        &app.all("[data-test=\"person-card\"] .name")
            .into_iter()
            .next()
            .expect("a resident"),
    );
    drop(card);
    let start = app
        .all("[data-test=\"person-start-case\"]")
        .into_iter()
        .find(|e| app.displayed(e))
        .expect("a start-case link on the person card");
    app.click(&start);
    app.wait_text("[data-test=\"case-person\"]", &name);
    // Home isolation from today (the first policy begins in a centralized site and would ask
    // for one: the place follows the policy).
    pick(&app, "policy", "居家隔离观察");
    app.wait_text("[data-test=\"policy-summary\"]", "居家隔离14天");
    app.tap("[data-test=\"case-save\"]");
    app.wait_text("[data-test=\"case-status\"]", "管控中");

    // A normal check: 记录随访, 36.5, 保存.
    app.open_sheet("[data-test=\"record-check\"]");
    app.tap("[data-test=\"check-sheet\"] [data-temp=\"36.5\"]");
    app.tap("[data-test=\"check-save\"]");
    app.wait_text("[data-test=\"timeline-visit\"]", "36.5℃");

    // A fever check: 37.8 typed, with a dry cough.
    app.open_sheet("[data-test=\"record-check\"]");
    fill(&app, &field("temp"), "37.8");
    app.tap("[data-test=\"check-sheet\"] [data-symptom=\"dry-cough\"]");
    app.tap("[data-test=\"check-save\"]");
    app.wait_text(".van-dialog", "需转诊发热门诊");
    app.wait_text(".van-dialog", "37.8");
    app.settle();
    app.tap(".van-dialog .van-dialog__confirm");
    app.wait_text("[data-test=\"case-status\"]", "异常待处置");
    app.wait("[data-test=\"escalation-banner\"]");
    synced(&app);
    shoot(&app, "app-case-escalated");

    // The home screen lists the escalated case in red, and the due list has its checks.
    tab(&app, "首页");
    app.wait_text("[data-test=\"escalated-case\"]", &name);
    app.wait("[data-test=\"due-window\"]");
    shoot(&app, "app-home-escalated");

    // A second device of the township has the case, escalated, with both checks.
    let second = township.second_device();
    let cases = second.json("case list");
    let case = array(&cases)
        .iter()
        .find(|c| str_of(c, "name") == name)
        .unwrap_or_else(|| panic!("the case of {name} on the second device: {cases}"))
        .clone();
    assert_eq!(str_of(&case, "status"), "escalated");
    let detail = second.json(&format!("case show {}", str_of(&case, "id")));
    // Both checks (in the same minute, so in no particular order).
    let mut temps: Vec<f64> = array(&detail["visits"])
        .iter()
        .filter_map(|v| v["temperature"].as_f64())
        .collect();
    temps.sort_by(f64::total_cmp);
    assert_eq!(temps, vec![36.5, 37.8], "{detail}");
    assert_eq!(array(&detail["referrals"]).len(), 1, "{detail}");
}

#[test]
fn a_database_from_a_newer_gridbook_gets_a_chinese_page_and_is_left_alone() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let data = Data::new();
    data.ok(&format!("demo --villages 1 --households 3 --seed {SEED}"));
    let db = data.path().join(gridbook_store::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&db).expect("open the store's database");
        conn.pragma_update(None, "user_version", 999)
            .expect("set a future schema version");
    }
    let before = std::fs::read(&db).expect("read the database");

    let display = Display::start();
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    app.resize(PHONE.0, PHONE.1);
    let page = app.wait_text("[data-test=\"fatal\"]", "更新版本的 gridbook");
    let text = app.text(&page);
    assert!(text.contains("无法打开本机数据"), "{text}");
    assert!(text.contains("数据未被改动"), "{text}");
    assert!(
        text.contains(&data.path().display().to_string()),
        "the page names the data directory: {text}"
    );
    // Nothing to sync and nowhere to go without a store: no sync bar, no tabs.
    for gone in ["sync-bar", "tabbar", "side-nav"] {
        let found = app.all(&format!("[data-test=\"{gone}\"]"));
        assert!(found.is_empty(), "the page without a store shows {gone}");
    }
    drop(app);

    assert!(
        std::fs::read(&db).expect("read the database") == before,
        "the app changed a database it refused"
    );
    let version: i64 = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .expect("read the schema version");
    assert_eq!(version, 999);
}
