//! The real app, end to end, with an edit the relay refuses: a relay serving a demo township on
//! 127.0.0.1, the built app under Xvfb driven through WebKitWebDriver.
//!
//! A grid worker's phone joins the township's sync in 设置 and receives its village. The relay
//! stops; meanwhile the township makes the device a checkpoint volunteer (its role changed in
//! the relay's registry, `relay.sqlite`), who may only read the ledger. The grid worker, whose
//! phone does not know yet, changes a resident's phone number: saved on the phone. The relay
//! comes back on the same address; 立即同步. The relay refuses the edit: a banner says so, and
//! its sheet names the record and the reason in Chinese. Discarding the edit there brings the
//! phone back to the relay's version: the sync bar says 已全部同步, and the device's ledger is
//! the relay's, heads and phone number alike.
//!
//! The banner goes to docs/screenshots/app-refused-edit-360x740.png.

use std::path::Path;
use std::time::Duration;

use gridbook_tests::procs::{Data, Server};
use gridbook_tests::webdriver::{App, Display};
use gridbook_tests::{array, str_of};

const PHONE: (u32, u32) = (360, 740);
const PIN: &str = "482916";
/// The phone number the grid worker types, and how a list shows it.
const NEW_PHONE: &str = "13511112222";
const NEW_PHONE_MASKED: &str = "135****2222";

/// The heads of document `doc` in the data directory `data` (its PIN, if encrypted).
fn heads_of(data: &Data, pin: Option<&str>, doc: &str) -> Vec<String> {
    let mut cmd = data.command("--json doc list");
    if let Some(pin) = pin {
        cmd.env("GRIDBOOK_PIN", pin);
    }
    let out = cmd.output().expect("run gridbook doc list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("doc list json");
    let d = array(&docs)
        .iter()
        .find(|d| str_of(d, "id") == doc)
        .unwrap_or_else(|| panic!("no {doc} in {docs}"));
    let mut heads: Vec<String> = array(&d["heads"])
        .iter()
        .map(|h| h.as_str().expect("head").to_owned())
        .collect();
    heads.sort();
    heads
}

/// The phone number of person `id` in the data directory `data` (its PIN, if encrypted), as
/// `person show` gives it (`--masked`: masked, and no reveal recorded).
fn phone_of(data: &Data, pin: Option<&str>, id: &str, masked: bool) -> String {
    let flag = if masked { " --masked" } else { "" };
    let mut cmd = data.command(&format!("--json person show {id}{flag}"));
    if let Some(pin) = pin {
        cmd.env("GRIDBOOK_PIN", pin);
    }
    let out = cmd.output().expect("run gridbook person show");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).expect("person json");
    p["phone"].as_str().unwrap_or_default().to_owned()
}

/// The first displayed element matching `css`.
fn displayed(app: &App, css: &str) -> gridbook_tests::webdriver::Element {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(e) = app.all(css).into_iter().find(|e| app.displayed(e)) {
            return e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no displayed {css} within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Taps the sync bar (立即同步) until `css` is displayed: a tap while the background sync is
/// under way does nothing, and the background waits longer after each failure.
fn sync_until(app: &App, css: &str) -> gridbook_tests::webdriver::Element {
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        app.tap("[data-test=\"sync-bar\"]");
        for _ in 0..20 {
            if let Some(e) = app.all(css).into_iter().find(|e| app.displayed(e)) {
                return e;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {css} after syncing for 40 s"
        );
    }
}

#[test]
fn an_edit_the_relay_refuses_is_shown_and_discarded_back_to_the_relays_version() {
    // The township, its first village's first household with a phone, and its relay.
    let relay = Data::new();
    relay.ok("demo --villages 2 --households 20 --seed 11");
    let village = str_of(&array(&relay.json("village list"))[0], "id").to_owned();
    let ledger = format!("ledger:{village}");
    let households = relay.json(&format!("household list --village {village}"));
    let (person, name, id_number, relay_phone) = array(&households)
        .iter()
        .find_map(|h| {
            let shown = relay.json(&format!("household show {}", str_of(h, "id")));
            array(&shown["residents"])
                .iter()
                .find(|r| r["phone"].as_str().is_some_and(|p| p.len() == 11))
                .map(|r| {
                    let s = |k| str_of(r, k).to_owned();
                    (s("id"), s("name"), s("id_number"), s("phone"))
                })
        })
        .expect("a resident with a phone in the first village");
    assert_ne!(relay_phone, NEW_PHONE);
    let logs = tempfile::tempdir().expect("tempdir");
    let log = logs.path().join("relay.log");
    let mut server = Server::start(relay.path(), "127.0.0.1:0", &log);
    let addr = server.addr().to_owned();
    let added = relay.json(&format!(
        "relay device add --village {village} --role grid-worker --name 网格员手机"
    ));
    let (device_id, token) = (str_of(&added, "device_id"), str_of(&added, "token"));

    // The app joins in 设置, sets its PIN, and receives its village.
    let display = Display::start();
    let data = Data::new();
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    app.resize(PHONE.0, PHONE.1);
    app.wait_text("[data-test=\"home\"]", "尚未加入");
    app.tab("设置");
    app.enroll(&server.url, token, PIN);
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");

    // The relay stops; the township makes the device a volunteer, who only reads the ledger.
    server.kill();
    drop(server);
    {
        let registry = rusqlite::Connection::open(relay.path().join("relay.sqlite"))
            .expect("open the relay's registry");
        let changed = registry
            .execute(
                "UPDATE devices SET role = 'volunteer' WHERE device_id = ?1",
                [device_id],
            )
            .expect("change the device's role");
        assert_eq!(changed, 1);
    }

    // The grid worker finds the resident by ID number and changes the phone: saved here.
    app.tab("户籍台账");
    app.fill("[data-test=\"search\"] input", &id_number);
    let hit = app.wait_text("[data-test=\"search-hit\"]", &name);
    app.click(&hit);
    let edit = displayed(
        &app,
        &format!("[data-person=\"{person}\"] [data-test=\"edit-person\"]"),
    );
    app.click(&edit);
    app.wait("[data-test=\"person-form\"]");
    app.fill("[data-field=\"phone\"] input", NEW_PHONE);
    app.tap("[data-test=\"save\"]");
    app.wait_text(&format!("[data-person=\"{person}\"]"), NEW_PHONE_MASKED);
    // The edit, and the form's two full values (ID number and phone), each recorded as shown.
    app.wait_text("[data-test=\"sync-unsynced\"]", "3 条未同步");

    // The relay comes back on the same address; 立即同步: the relay refuses the edit.
    let server = Server::start(relay.path(), &addr, &log);
    assert_eq!(server.addr(), addr);
    app.wait_toasts_gone();
    let banner = sync_until(&app, "[data-test=\"refused-banner\"]");
    assert!(
        app.text(&banner).contains("中继拒收了本机的 1 份修改"),
        "{}",
        app.text(&banner)
    );
    app.wait_toasts_gone();
    std::thread::sleep(Duration::from_millis(600));
    app.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/screenshots/app-refused-edit-360x740.png"),
    );
    assert!(
        app.all("[data-test=\"sync-unsynced\"]")
            .iter()
            .all(|e| !app.text(e).contains("已全部同步")),
        "a refused edit is not synced"
    );

    // Its sheet: which record, why, in Chinese; the device's role now.
    app.settle();
    app.click(&banner);
    app.settle();
    app.wait_text("[data-test=\"refused-what\"]", "户籍台账");
    app.wait_text("[data-test=\"refused-why\"]", "只能查看");
    app.wait_text("[data-test=\"refused-role\"]", "卡口志愿者");
    app.wait_text(
        "[data-test=\"refused-record\"]",
        &format!("人员：{name}（修改）"),
    );
    let item = app.wait("[data-test=\"refused-item\"]");
    let text = app.text(&item);
    assert!(!text.contains("read-only"), "the reason in Chinese: {text}");

    // Discard it, after the confirmation: the relay's version again, all synced.
    app.tap("[data-test=\"refused-discard\"]");
    app.wait_text(".van-dialog", "将丢弃本机");
    app.settle();
    app.tap(".van-dialog .van-dialog__confirm");
    app.wait_text(".van-toast", "已恢复为中继的版本");
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    app.settle();
    assert!(
        app.all("[data-test=\"refused-banner\"]")
            .iter()
            .all(|e| !app.displayed(e)),
        "the banner went with the refused edit"
    );
    // Another sync refuses nothing and leaves it so.
    app.tap("[data-test=\"sync-bar\"]");
    std::thread::sleep(Duration::from_secs(2));
    app.wait_text("[data-test=\"sync-unsynced\"]", "已全部同步");
    assert!(app.all("[data-test=\"refused-banner\"]").is_empty());
    drop(app);

    // The device's ledger is the relay's: heads and the phone number.
    // The device is a volunteer now: its reads are masked (the ledger's heads are compared).
    assert_eq!(
        phone_of(&data, Some(PIN), &person, true),
        gridbook_domain::privacy::mask_phone(&relay_phone)
    );
    assert_eq!(phone_of(&relay, None, &person, false), relay_phone);
    assert_eq!(
        heads_of(&data, Some(PIN), &ledger),
        heads_of(&relay, None, &ledger)
    );
    drop(server);
}
