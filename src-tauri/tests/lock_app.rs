//! The real app on an encrypted store, under Xvfb through WebKitWebDriver: it starts
//! locked and shows nothing of the store, refuses a wrong PIN, opens with the right one, and
//! locks again after the idle minutes set in 设置. The lock screen at start goes to
//! docs/screenshots/app-lock-360x740.png.

use std::path::Path;
use std::time::{Duration, Instant};

use gridbook_tests::procs::Data;
use gridbook_tests::webdriver::{App, Display};

const PIN: &str = "246810";

/// Whether the lock screen is on.
fn locked(app: &App) -> bool {
    app.all("[data-test=\"lock-screen\"]")
        .iter()
        .any(|e| app.displayed(e))
}

/// Waits up to `secs` for the lock screen to be `on` (or off); how long it took.
fn wait_lock(app: &App, on: bool, secs: u64) -> Duration {
    let started = Instant::now();
    while locked(app) != on {
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "the lock screen is still {} after {secs} s",
            if on { "off" } else { "on" }
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    started.elapsed()
}

#[test]
fn the_app_starts_locked_unlocks_and_locks_again_after_the_idle_time() {
    let data = Data::new();
    let out = data
        .command("demo --villages 1 --households 5 --seed 11")
        .env("GRIDBOOK_PIN", PIN)
        .output()
        .expect("run gridbook");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.path().join(gridbook_keys::KEY_FILE).exists());

    let display = Display::start();
    let app = App::start(
        &display,
        Path::new(env!("CARGO_BIN_EXE_gridbook-app")),
        &[("GRIDBOOK_DATA", data.path())],
    );
    app.resize(360, 740);
    app.wait_text("[data-test=\"lock-screen\"]", "请输入 PIN 解锁");
    assert!(
        app.all("[data-test=\"household-row\"]").is_empty(),
        "nothing of the store behind the lock"
    );

    let pin = app.wait("[data-test=\"lock-pin\"] input");
    app.type_into(&pin, "135790");
    app.tap("[data-test=\"lock-unlock\"]");
    app.wait_text(
        "[data-test=\"lock-error\"]",
        "PIN 不正确（已连续错误 1 次）",
    );
    std::thread::sleep(Duration::from_millis(400));
    app.screenshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots/app-lock-360x740.png"),
    );

    let pin = app.wait("[data-test=\"lock-pin\"] input");
    app.type_into(&pin, PIN);
    app.tap("[data-test=\"lock-unlock\"]");
    wait_lock(&app, false, 20);
    let settings = app.wait_text("[data-test=\"tabbar\"] .van-tabbar-item", "设置");

    // The shortest idle time: one minute without a touch.
    app.click(&settings);
    app.wait_text("[data-test=\"lock-state\"]", "已加密");
    app.tap("[data-test=\"lock-idle-1\"]");
    let idle = wait_lock(&app, true, 100);
    assert!(
        idle >= Duration::from_secs(55),
        "locked too early: {idle:?}"
    );
    app.wait_text("[data-test=\"lock-screen\"]", "长时间未操作");
    let pin = app.wait("[data-test=\"lock-pin\"] input");
    app.type_into(&pin, PIN);
    app.tap("[data-test=\"lock-unlock\"]");
    wait_lock(&app, false, 20);
    app.wait("[data-test=\"lock-settings\"]");
}
