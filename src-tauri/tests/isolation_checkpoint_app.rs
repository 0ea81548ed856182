//! The real app at a checkpoint meets an isolated resident: a relay on 127.0.0.1 serving a
//! village with a resident in home isolation since the day before yesterday (day 3), and the
//! built app on the village's checkpoint tablet (a volunteer's: it holds the ledger and the
//! township control list, not the isolation cases), driven through WebKitWebDriver under Xvfb.
//!
//! The resident going out is matched with his state (居家隔离第3天，至…) on the match card
//! before anything is saved, the suggestion is 劝返 with that reason, and once saved and
//! synced the entry is on the case's day-by-day timeline where the 包保 team reads it
//! (`case show` on the township's store: "HH:MM 村口卡点登记外出，劝返"). Screenshots at
//! 360×740 go to docs/screenshots/app-checkpoint-isolated-*.png.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, Utc};
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, mainland_id, str_of};

/// The resident: nobody else has this name.
const NAME: &str = "诸葛明轩";

fn screenshot(app: &App, name: &str) {
    app.wait_toasts_gone();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    app.screenshot(&dir.join(format!("app-checkpoint-isolated-{name}-360x740.png")));
}

#[test]
fn an_isolated_resident_going_out_is_turned_back_and_the_entry_is_on_the_case() {
    // Today as the store counts days (UTC+8), and the case's day 1 two days before.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let start = today - Duration::days(2);
    let until = start + Duration::days(13);
    let state = format!("居家隔离第3天，至{}月{}日", until.month(), until.day());

    let relay = Data::new();
    let village = str_of(&relay.json("village add --name 桂花村"), "id").to_owned();
    relay.json(&format!(
        "checkpoint add --village {village} --name 村口卡点"
    ));
    let h = relay.json(&format!(
        "household add --village {village} --address 桂花村二组5号 --head-name {NAME} \
         --head-id {}",
        mainland_id(777)
    ));
    let person = str_of(&h, "person_id").to_owned();
    let case = str_of(
        &relay.json(&format!(
            "case start --person {person} --policy home-isolation --start {start}"
        )),
        "case_id",
    )
    .to_owned();
    let logs = tempfile::tempdir().expect("tempdir");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let added = relay.json(&format!(
        "relay device add --village {village} --role volunteer --name 村口平板"
    ));

    // The checkpoint tablet, enrolled and synced before the app opens.
    let tablet = Data::new();
    tablet.ok(&format!(
        "enroll --relay {} --token {}",
        server.url,
        str_of(&added, "token")
    ));
    tablet.sync();
    assert!(
        !tablet.doc_ids().contains(&format!("care:{village}")),
        "a volunteer's tablet holds no isolation case"
    );
    let display = Display::start();
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", tablet.path())],
    );
    app.resize(360, 740);
    app.tab("卡口");
    app.wait_text("[data-test=\"checkpoint-switch\"]", "村口卡点");

    // Going out: the match card shows the state before anything is saved.
    app.tap("[data-test=\"direction-out\"]");
    app.fill("[data-test=\"match-search\"] input", NAME);
    let hit = app.wait_text("[data-test=\"match-hit\"]", NAME);
    let tag = app.wait_text(
        "[data-test=\"match-hit\"] [data-test=\"match-isolation\"]",
        &state,
    );
    assert_eq!(app.text(&tag).trim(), state);
    screenshot(&app, "match");
    app.click(&hit);
    app.wait_text(
        "[data-test=\"matched\"] [data-test=\"isolation-state\"]",
        &state,
    );
    app.tap("[data-test=\"temp-36.5\"]");
    app.tap("[data-test=\"code-green\"]");
    // 劝返, with the reason, though the temperature and the code are fine.
    let suggestion = app.wait("[data-test=\"suggestion\"][data-decision=\"turn-back\"]");
    assert!(
        app.text(&suggestion).contains("劝返"),
        "{}",
        app.text(&suggestion)
    );
    app.wait_text("[data-test=\"reasons\"]", &state);
    screenshot(&app, "suggestion");
    app.tap("[data-test=\"save\"]");
    app.wait_text(".van-toast", &format!("{NAME} 已劝返"));
    app.wait_text(
        "[data-test=\"recent\"] [data-test=\"entry-row\"][data-decision=\"turn-back\"]",
        NAME,
    );
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");

    // The case's timeline, on the township's store the entry reached through the relay.
    let shown = relay.json(&format!("case show {case}"));
    let lines: Vec<&str> = array(&shown["checkpoint_entries"])
        .iter()
        .map(|e| str_of(e, "line"))
        .collect();
    assert_eq!(lines.len(), 1, "{shown}");
    assert!(lines[0].ends_with(" 村口卡点登记外出，劝返"), "{lines:?}");
    assert_eq!(shown["checkpoint_entries"][0]["day"], 3, "{shown}");
    relay.reindex_check();
}
