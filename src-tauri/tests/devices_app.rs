//! The real app, end to end, with one-time enrollment codes: a relay serving a
//! demo township on 127.0.0.1, the built app under Xvfb driven through WebKitWebDriver.
//!
//! The township officer's laptop joins by typing the short code the relay operator gave
//! (`relay device add --code`) into the window the shell opens at a phone's size, which then
//! widens to the desk layout by itself (a township device); opens 设备管理, adds a village doctor's phone and reads its code
//! off the screen; a second device (the CLI) enrolls with that code, a second use of it is
//! refused; the officer revokes the phone from the app and its next sync is refused.
//!
//! Screenshots at 1280×800 go to docs/screenshots/.

use std::path::{Path, PathBuf};

use gridbook_tests::procs::{Data, Server};
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, str_of};

const LAPTOP: (u32, u32) = (1280, 800);

fn shoot(app: &App, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    app.wait_toasts_gone();
    // Let Vant's transitions (a sheet closing, a popup opening) settle before the picture.
    std::thread::sleep(std::time::Duration::from_millis(800));
    let path: PathBuf = dir.join(format!("{name}-{}x{}.png", LAPTOP.0, LAPTOP.1));
    app.screenshot(&path);
}

#[test]
fn the_township_joins_with_a_code_adds_a_device_and_revokes_it() {
    let relay = Data::new();
    relay.ok("demo --villages 2 --households 20 --seed 11");
    let village = array(&relay.json("village list"))[0].clone();
    let logs = tempfile::tempdir().expect("tempdir");
    let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
    let laptop =
        relay.json("relay device add --township --role township --name 乡镇防控办电脑 --code");
    let code = str_of(&laptop, "code").to_owned();

    let display = Display::start();
    let data = tempfile::tempdir().expect("tempdir");
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    // The shell opens at a phone's size, as on every new device.
    let tab = app.wait_text("[data-test=\"tabbar\"] .van-tabbar-item", "设置");
    app.click(&tab);
    // The code typed as a person would: lower case, without the dash.
    app.enroll(&server.url, &code.to_lowercase().replace('-', ""), "482916");
    app.wait_toasts_gone();
    // Enrolled as the township's laptop, the window widens to the desk layout by itself.
    app.wait("[data-test=\"side-nav\"]");
    let width = app.script("return window.innerWidth;", serde_json::json!([]));
    assert!(width.as_u64().is_some_and(|w| w >= 1024), "{width}");
    app.resize(LAPTOP.0, LAPTOP.1);

    // 设备管理: the laptop itself is listed; add a village doctor's phone.
    app.tap("[data-test=\"settings-devices\"]");
    app.wait_text("[data-test=\"device-row\"]", "乡镇防控办电脑");
    app.open_sheet("[data-test=\"device-add\"]");
    app.fill("[data-test=\"device-name\"] input", "村医手机");
    app.tap("[data-test=\"device-role\"] [data-role=\"doctor\"]");
    app.tap(&format!(
        "[data-test=\"device-village\"] [data-village=\"{}\"]",
        str_of(&village, "id")
    ));
    app.tap("[data-test=\"device-save\"]");
    let shown = app.wait("[data-test=\"device-code-text\"]");
    let phone_code = app.text(&shown).trim().to_owned();
    assert_eq!(phone_code.len(), 9, "{phone_code}");
    shoot(&app, "app-device-code");
    app.tap("[data-test=\"device-code-done\"]");
    app.wait_text("[data-test=\"device-row\"]", "村医手机");

    // The phone (here the CLI) enrolls with the code; the code does not work twice.
    let phone = Data::new();
    let hello = phone.json(&format!(
        "enroll --relay {} --code {phone_code}",
        server.url
    ));
    assert_eq!(str_of(&hello, "role"), "doctor");
    assert_eq!(hello["village_id"], village["id"]);
    phone.sync();
    let again = Data::new().run(&format!(
        "enroll --relay {} --code {phone_code}",
        server.url
    ));
    assert_eq!(again.status.code(), Some(3), "a code used twice");

    // Revoke it from the app, after the confirmation; its next sync is refused.
    app.wait_text("[data-test=\"device-row\"]", "村医手机");
    app.script(
        "[...document.querySelectorAll('[data-test=\"device-row\"]')]
           .find((r) => r.innerText.includes('村医手机'))
           .querySelector('[data-test=\"device-revoke\"]').click();",
        serde_json::json!([]),
    );
    app.tap(".van-dialog .van-dialog__confirm");
    app.wait_text("[data-test=\"device-row\"] .van-tag", "已停用");
    shoot(&app, "app-device-revoked");
    let out = phone.run("--json sync");
    assert_eq!(out.status.code(), Some(3), "the revoked phone syncs");
    let listed = relay.json("relay device list");
    assert!(array(&listed)
        .iter()
        .any(|d| str_of(d, "name") == "村医手机" && d["revoked"] == true));
}
