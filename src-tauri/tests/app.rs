//! The real app, end to end: a relay serving a demo township on 127.0.0.1, the built app under
//! Xvfb driven through WebKitWebDriver (design.md §5), and a second device as a separate store
//! worked through the command line.
//!
//! The path of a grid worker's first morning: join the township's sync in 设置, add a household
//! whose head has a mistyped ID number (the Chinese message shows under the field and nothing
//! typed is lost), fix it and save, find the household again by the head's pinyin initials,
//! change a resident's phone, see the sync bar reach "已全部同步" — and a second device, synced
//! through the relay, has the household with the new phone. Screenshots at 360×740 and
//! 1280×800 go to docs/screenshots/ (shown in the README).

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

#[test]
fn a_grid_worker_adds_finds_edits_and_syncs_a_household() {
    // The relay: a demo township of two villages.
    let relay = Data::new();
    relay.ok(&format!("demo --villages 2 --households 80 --seed {SEED}"));
    let village = array(&relay.json("village list"))[0].clone();
    let village_name = str_of(&village, "name").to_owned();
    let logs = tempfile::tempdir().expect("tempdir");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let add_device = |name: &str| {
        let d = relay.json(&format!(
            "relay device add --township --role township --name {name}"
        ));
        str_of(&d, "token").to_owned()
    };

    // The app, on an empty data directory.
    let display = Display::start();
    let data = tempfile::tempdir().expect("tempdir");
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    app.resize(PHONE.0, PHONE.1);
    app.wait_text("[data-test=\"home\"]", "尚未加入");

    // 设置: join the township's sync with the address and the token the township gave out.
    tab(&app, "设置");
    fill(&app, "[data-test=\"relay-url\"] input", &server.url);
    fill(
        &app,
        "[data-test=\"token\"] input",
        &add_device("网格员-平板"),
    );
    app.tap("[data-test=\"enroll\"]");
    app.wait_text("[data-test=\"enroll-status\"]", "已加入");
    // Once the township's grid document is here, its name replaces the id.
    let township = gridbook_domain::demo::plan(SEED, 2, 80).township.name;
    app.wait_text("[data-test=\"enroll-status\"]", &township);
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    shoot(&app, "app-settings-enrolled");

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
        "校验位",
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
    let second = Data::new();
    let token = add_device("乡镇-笔记本");
    second.ok(&format!("enroll --relay {} --token {token}", server.url));
    second.json("sync");
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
