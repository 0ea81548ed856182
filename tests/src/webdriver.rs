//! The real app under test: a virtual display (Xvfb), WebKitWebDriver in front of the app's
//! webview, and the few W3C WebDriver calls the end-to-end tests make.
//!
//! WebKitWebDriver starts the app itself (`webkitgtk:browserOptions.binary`), so the app
//! inherits the driver's environment: `DISPLAY`, `TAURI_WEBVIEW_AUTOMATION` and whatever the
//! test passes (its data directory). Every process started here is killed when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which W3C WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A child process killed (SIGKILL) and reaped when dropped.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released for the child that needs it).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Panics with a hint unless `program` is on PATH.
fn require(program: &str, hint: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{program} is not installed ({hint}); scripts/setup.sh installs it"
    );
}

/// An X server on a display of its own, 1280×800 (the largest size the tests use).
pub struct Display {
    _xvfb: Reaped,
    /// `:N`.
    pub name: String,
}

impl Display {
    /// Starts Xvfb on the first free display from :90 up and waits for its socket.
    pub fn start() -> Display {
        require("Xvfb", "package xvfb");
        for n in 90..140 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
            if stale(&lock) {
                // An Xvfb killed without a chance to clean up (SIGKILL) leaves both behind.
                let _ = std::fs::remove_file(&lock);
                let _ = std::fs::remove_file(&socket);
            }
            if socket.exists() || lock.exists() {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn Xvfb");
            let mut xvfb = Reaped(child);
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if socket.exists() {
                    return Display {
                        _xvfb: xvfb,
                        name: format!(":{n}"),
                    };
                }
                if let Ok(Some(_)) = xvfb.0.try_wait() {
                    break; // lost a race for this display: try the next one
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("could not start Xvfb on any display :90–:139");
    }
}

/// Whether an X lock file names a process that no longer exists.
fn stale(lock: &std::path::Path) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    match text.trim().parse::<u32>() {
        Ok(pid) => !PathBuf::from(format!("/proc/{pid}")).exists(),
        Err(_) => false,
    }
}

/// WebKitWebDriver with one session: the app, started by the driver.
pub struct App {
    http: ureq::Agent,
    base: String,
    session: String,
    driver: Reaped,
}

/// An element of the app's page.
#[derive(Clone)]
pub struct Element {
    id: String,
}

impl App {
    /// Starts WebKitWebDriver on `display` with `env` and opens a session on `binary`.
    pub fn start(display: &Display, binary: &Path, env: &[(&str, &Path)]) -> App {
        require("WebKitWebDriver", "package webkit2gtk-driver");
        assert!(
            binary.exists(),
            "the app binary {} is missing",
            binary.display()
        );
        let port = free_port();
        let mut cmd = Command::new("WebKitWebDriver");
        cmd.arg(format!("--port={port}"))
            .arg("--host=127.0.0.1")
            .env("DISPLAY", &display.name)
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = Reaped(cmd.spawn().expect("spawn WebKitWebDriver"));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "WebKitWebDriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let http: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "webkitgtk:browserOptions": {"binary": binary, "args": []}
        }}});
        let value = call(&http, "POST", &format!("{base}/session"), Some(caps))
            .unwrap_or_else(|e| panic!("opening a WebDriver session on the app: {e}"));
        let session = value["sessionId"].as_str().expect("sessionId").to_owned();
        App {
            http,
            base,
            session,
            driver,
        }
    }

    /// The process id of WebKitWebDriver (the app runs below it).
    pub fn driver_pid(&self) -> u32 {
        self.driver.0.id()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        call(&self.http, method, &url, body)
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.cmd(method, path, body).unwrap_or_else(|e| {
            self.failure_screenshot();
            panic!("WebDriver {method} {path}: {e}")
        })
    }

    /// The screen at the moment a test fails, for the one who reads the failure.
    fn failure_screenshot(&self) {
        let path = std::env::temp_dir().join("gridbook-e2e-failure.png");
        if let Ok(v) = self.cmd("GET", "/screenshot", None) {
            if let Some(b64) = v.as_str() {
                let _ = std::fs::write(&path, base64_decode(b64));
                eprintln!("the screen at the failure: {}", path.display());
            }
        }
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.ok(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Every element matching `css` now.
    pub fn all(&self, css: &str) -> Vec<Element> {
        let v = self.ok(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str())
                    .map(|id| Element { id: id.to_owned() })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits (up to 20 s) until `css` matches a displayed element whose text contains `text`.
    pub fn wait_text(&self, css: &str, text: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            for e in self.all(css) {
                if self.displayed(&e) && self.text(&e).contains(text) {
                    return e;
                }
            }
            if Instant::now() > deadline {
                let seen: Vec<String> = self.all(css).iter().map(|e| self.text(e)).collect();
                self.failure_screenshot();
                panic!("no displayed {css} containing {text:?} within 20 s; seen: {seen:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits (up to 20 s) for a displayed element matching `css`.
    pub fn wait(&self, css: &str) -> Element {
        self.wait_text(css, "")
    }

    /// Whether `e` is displayed.
    pub fn displayed(&self, e: &Element) -> bool {
        self.cmd("GET", &format!("/element/{}/displayed", e.id), None)
            .map(|v| v.as_bool().unwrap_or(false))
            .unwrap_or(false)
    }

    /// The rendered text of `e` (`innerText`: WebKitWebDriver's own text call answers empty
    /// for some of Vant's elements).
    pub fn text(&self, e: &Element) -> String {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": "return arguments[0].innerText;", "args": [elem(e)]})),
        )
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
    }

    /// The current value of an input.
    pub fn value(&self, e: &Element) -> String {
        self.script("return arguments[0].value;", json!([elem(e)]))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Clicks `e` (scrolled into view first).
    pub fn click(&self, e: &Element) {
        self.script(
            "arguments[0].scrollIntoView({block: 'center'});",
            json!([elem(e)]),
        );
        self.ok("POST", &format!("/element/{}/click", e.id), Some(json!({})));
    }

    /// Dispatches a click event on `e` from the page's script: for elements the user taps
    /// through a transparent overlay (Vant's picker options lie under its mask), which
    /// WebDriver's own click refuses as "not interactable".
    pub fn click_through(&self, e: &Element) {
        self.script("arguments[0].click();", json!([elem(e)]));
    }

    /// Waits (up to 10 s) until no sheet or dialog is sliding in or out: a tap during a
    /// slide lands on the mask or on the sheet's old place.
    pub fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let moving =
            "return !!document.querySelector('[class*=\"-enter-active\"], [class*=\"-leave-active\"]');";
        while self.script(moving, json!([])) != json!(false) {
            assert!(
                Instant::now() < deadline,
                "a sheet or dialog did not stop moving"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Taps `css` once the screen is still, and waits for the sheet it opens to finish
    /// sliding in.
    pub fn open_sheet(&self, css: &str) {
        self.settle();
        self.tap(css);
        self.settle();
    }

    /// Waits for `css` and clicks it.
    pub fn tap(&self, css: &str) {
        let e = self.wait(css);
        self.click(&e);
    }

    /// Waits for the input `css` and replaces its text with `text`, typed key by key.
    pub fn fill(&self, css: &str, text: &str) {
        let input = self.wait(css);
        self.type_into(&input, text);
    }

    /// Goes to a screen through the tab bar (phone size).
    pub fn tab(&self, label: &str) {
        let item = self.wait_text("[data-test=\"tabbar\"] .van-tabbar-item", label);
        self.click(&item);
    }

    /// Joins the relay at `url` from the 设置 screen already open: the address, `typed` as
    /// the enrollment token or one-time code, 加入, and then the PIN the app asks for.
    pub fn enroll(&self, url: &str, typed: &str, pin: &str) {
        self.fill("[data-test=\"relay-url\"] input", url);
        self.fill("[data-test=\"token\"] input", typed);
        self.tap("[data-test=\"enroll\"]");
        self.wait_text("[data-test=\"enroll-status\"]", "已加入");
        self.set_pin_after_enrolling(pin);
    }

    /// Sets the PIN the app asks for right after it enrolls (its store has none yet): both
    /// fields, save, the recovery code shown once acknowledged, and the form gone.
    pub fn set_pin_after_enrolling(&self, pin: &str) {
        self.fill("[data-test=\"pin-setup-new\"] input", pin);
        self.fill("[data-test=\"pin-setup-again\"] input", pin);
        // The toast saying the device joined covers the button for a moment.
        self.wait_toasts_gone();
        self.tap("[data-test=\"pin-setup-save\"]");
        self.wait(".recovery-code-dialog");
        self.settle();
        self.tap(".recovery-code-dialog .van-dialog__confirm");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.all("[data-test=\"pin-setup\"]").is_empty() {
            assert!(
                Instant::now() < deadline,
                "the PIN form stayed after saving"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        self.settle();
    }

    /// Waits (up to 5 s) until no toast is displayed, so that a screenshot shows the screen.
    pub fn wait_toasts_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.all(".van-toast").iter().any(|t| self.displayed(t)) && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Replaces the text of an input: empties it the way select-all and delete would (an
    /// `input` event, which Vue's v-model listens to; WebDriver's own clear only fires
    /// `change`), then types `text` key by key.
    pub fn type_into(&self, e: &Element, text: &str) {
        self.script(
            "const el = arguments[0]; el.focus(); el.value = '';
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([elem(e)]),
        );
        if text.is_empty() {
            return; // emptied; the driver refuses an empty text
        }
        self.ok(
            "POST",
            &format!("/element/{}/value", e.id),
            Some(json!({ "text": text })),
        );
    }

    /// Sets the window's inner size (the page's viewport) and waits for the layout to follow.
    pub fn resize(&self, width: u32, height: u32) {
        self.ok(
            "POST",
            "/window/rect",
            Some(json!({"x": 0, "y": 0, "width": width, "height": height})),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.script("return window.innerWidth;", json!([])) != json!(width) {
            if Instant::now() > deadline {
                panic!(
                    "the window did not take the width {width} (innerWidth {})",
                    self.script("return window.innerWidth;", json!([]))
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the page to `path`.
    pub fn screenshot(&self, path: &Path) {
        let v = self.ok("GET", "/screenshot", None);
        let png = base64_decode(v.as_str().expect("screenshot base64"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot directory");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.cmd("DELETE", "", None);
    }
}

/// An element as a script argument.
pub fn elem(e: &Element) -> Value {
    json!({ ELEMENT: e.id })
}

/// One WebDriver call: the `value` of the answer, or the error it names.
fn call(http: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let resp = match (method, body) {
        ("GET", _) => http.get(url).call(),
        ("DELETE", _) => http.delete(url).call(),
        (_, body) => http
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or_else(|| json!({})).to_string().as_bytes()),
    };
    let mut resp = resp.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
    if status != 200 {
        return Err(format!("{status}: {}", v["value"]));
    }
    Ok(v["value"].clone())
}

/// Standard base64 (screenshots), without a crate for it.
fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue, // padding and line breaks
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(base64_decode("aGVsbG8="), b"hello");
        assert_eq!(base64_decode("aGVsbG8gd29ybGQ"), b"hello world");
        assert_eq!(base64_decode("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
        assert_eq!(base64_decode(""), b"");
    }
}
