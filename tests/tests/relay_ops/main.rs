//! Running a relay, through the `gridbook` binary serving on 127.0.0.1 in a child
//! process: its JSON log has one line per sync request with the figures the device saw and no
//! personal data; `/metrics` on the admin address, read by Prometheus' own Python parser, moves
//! as syncs happen; `/health` answers; a backup taken while devices sync restores to a relay
//! whose projections equal a rebuild and whose documents hold only changes the source had, and
//! one taken with the devices stopped restores to the source's heads exactly; a relay whose
//! data is lost is rebuilt from a township device and loses nothing any device had. Also: a
//! revoked and an unknown token get the same 401, and `enroll` warns about plain HTTP to
//! another machine.

mod backups;
mod connections;
mod logging;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gridbook_store::Store;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::township::{Device, Township};
use gridbook_tests::{array, mainland_id, str_of};
use serde_json::Value;

/// A relay with a demo township, serving with a JSON log and an admin address.
struct World {
    t: Township,
    /// `127.0.0.1:<port>` of `/health` and `/metrics`.
    admin: String,
}

impl std::ops::Deref for World {
    type Target = Township;
    fn deref(&self) -> &Township {
        &self.t
    }
}

impl std::ops::DerefMut for World {
    fn deref_mut(&mut self) -> &mut Township {
        &mut self.t
    }
}

/// The arguments of `relay serve` for a JSON log and an admin address.
const SERVE_ARGS: [&str; 4] = ["--admin", "127.0.0.1:0", "--log-format", "json"];

/// The admin address a relay serving with [`SERVE_ARGS`] prints first.
fn admin_address(server: &mut Server) -> String {
    let line = server.next_line();
    line.trim()
        .strip_prefix("管理地址 http://")
        .unwrap_or_else(|| panic!("no admin address line: {line:?}"))
        .to_owned()
}

fn start(relay: &Data, log: &Path) -> (Server, String) {
    let mut server = Server::try_start_with(relay.path(), "127.0.0.1:0", log, &SERVE_ARGS)
        .unwrap_or_else(|e| panic!("{e}"));
    let admin = admin_address(&mut server);
    (server, admin)
}

impl World {
    fn new(villages: usize, households: usize) -> World {
        let relay = Data::new();
        relay.json(&format!(
            "demo --villages {villages} --households {households} --seed 5"
        ));
        let mut t = Township::serve_with(relay, &SERVE_ARGS);
        let admin = admin_address(&mut t.server);
        World { t, admin }
    }

    fn log_path(&self) -> PathBuf {
        self.logs.path().join("relay.log")
    }

    /// Every line of the relay's log so far (each must be JSON).
    fn log(&self) -> Vec<Value> {
        read_log(&self.log_path())
    }

    fn metrics(&self) -> BTreeMap<String, f64> {
        let (status, body) = http_get(&self.admin, "/metrics", None);
        assert_eq!(status, 200, "{body}");
        parse_prometheus(&body)
    }
}

fn read_log(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("relay log")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("log line not JSON ({e}): {l}")))
        .collect()
}

/// One HTTP/1.1 GET; returns the status and the body.
fn http_get(addr: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Samples of a Prometheus text exposition as Prometheus' Python client parses it:
/// `name{label="value",…}` (labels sorted) → value.
fn parse_prometheus(text: &str) -> BTreeMap<String, f64> {
    const SCRIPT: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
        out[s.name + ("{%s}" % labels if labels else "")] = s.value
print(json.dumps(out))
"#;
    // Debian's python3, where python3-prometheus-client installs (a pyenv or venv python
    // earlier in PATH would not see it).
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or("python3");
    let mut child = Command::new(python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (with python3-prometheus-client: scripts/setup.sh)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write metrics");
    let out = child.wait_with_output().expect("python3");
    assert!(
        out.status.success(),
        "prometheus_client could not parse /metrics: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parser output")
}

/// The number at `key` of a JSON object.
fn n(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number {key} in {v}"))
}

/// A revoked token and one that never existed get the same status and body.
#[test]
fn revoked_and_unknown_tokens_get_the_same_answer() {
    let w = World::new(1, 4);
    let d = w.device("grid-worker", Some(&w.villages[0]), "旧手机");
    let (ok, _) = http_get(w.server.addr(), "/v1/hello", Some(&d.token));
    assert_eq!(ok, 200);
    w.relay.json(&format!("relay device revoke {}", d.id));
    let revoked = http_get(w.server.addr(), "/v1/hello", Some(&d.token));
    let unknown = http_get(
        w.server.addr(),
        "/v1/hello",
        Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    );
    assert_eq!(revoked.0, 401, "{revoked:?}");
    assert_eq!(revoked, unknown);
    let out = d.run("--json sync");
    assert_eq!(out.status.code(), Some(3), "the CLI still says refused");
}

/// `enroll` warns before it sends a token over plain HTTP to another machine, not to this one.
#[test]
fn enroll_warns_about_plain_http_to_another_machine() {
    let d = Data::new();
    // 0.0.0.0 is not loopback; nothing listens on port 1, so the enroll itself fails fast.
    let out = d.run("enroll --relay http://0.0.0.0:1 --token abc");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("警告：中继地址使用 http://（未加密）"),
        "{err}"
    );
    let out = d.run("--lang en enroll --relay http://0.0.0.0:1 --token abc");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: the relay address uses http://"),
        "{err}"
    );
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "https://0.0.0.0:1",
    ] {
        let out = d.run(&format!("enroll --relay {url} --token abc"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("警告"), "{url}: {err}");
    }
}

/// Waits up to 15 s for `child` to exit; kills it and returns `None` if it does not.
fn exit_within(child: &mut std::process::Child) -> Option<std::process::ExitStatus> {
    for _ in 0..150 {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn plain_http_outside_loopback_is_refused_unless_asked_for() {
    let d = Data::new();
    let mut child = d
        .command("relay serve --listen 0.0.0.0:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status = exit_within(&mut child).expect("the relay served plain HTTP on 0.0.0.0");
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(
        err.contains("必须用 TLS") && err.contains("--plain-http"),
        "{err}"
    );

    // Loopback needs nothing; elsewhere, --plain-http says it is meant.
    for (listen, extra) in [("127.0.0.1:0", ""), ("0.0.0.0:0", " --plain-http")] {
        let mut child = d
            .command(&format!("relay serve --listen {listen}{extra}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
            &mut line,
        );
        let _ = child.kill();
        let _ = child.wait();
        let host = listen.split(':').next().unwrap_or_default();
        assert!(
            line.starts_with(&format!("中继已启动 http://{host}:")),
            "{listen}{extra}: {line:?}"
        );
    }
}
