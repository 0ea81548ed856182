//! Processes the end-to-end tests drive: data directories (a device or a relay's store) worked
//! through the `gridbook` command line, and `gridbook relay serve` in a child process.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

use serde_json::Value;

use crate::{array, gridbook_bin, str_of, words};

/// Document id → heads, as `doc list --json` shows them.
pub type Heads = BTreeMap<String, Vec<String>>;

/// One data directory (a device or the relay's store) driven through the CLI.
pub struct Data {
    /// The directory, removed when dropped.
    pub dir: tempfile::TempDir,
    /// `GRIDBOOK_NOW` for every command on this directory.
    pub now: Option<String>,
}

impl Default for Data {
    fn default() -> Self {
        Self::new()
    }
}

impl Data {
    /// A fresh, empty data directory.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
            now: None,
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `gridbook --data DIR <cmdline>`, not yet run.
    pub fn command(&self, cmdline: &str) -> Command {
        let mut c = Command::new(gridbook_bin());
        c.arg("--data")
            .arg(self.path())
            .args(words(cmdline))
            .env_remove("GRIDBOOK_DATA")
            .env_remove("GRIDBOOK_NOW");
        if let Some(now) = &self.now {
            c.env("GRIDBOOK_NOW", now);
        }
        c
    }

    /// Runs a command and returns what it did.
    pub fn run(&self, cmdline: &str) -> Output {
        self.command(cmdline).output().expect("run gridbook")
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, cmdline: &str) -> String {
        let out = self.run(cmdline);
        assert!(
            out.status.success(),
            "gridbook {cmdline} failed with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// `gridbook --json CMD --input FILE` of a pure command, with `input` written to FILE in
    /// the data directory.
    pub fn pure(&self, cmd: &str, input: &Value) -> Output {
        let path = self.path().join("input.json");
        std::fs::write(&path, input.to_string()).expect("write input");
        self.run(&format!("--json {cmd} --input {}", path.display()))
    }

    /// [`Data::pure`] that must succeed: its one JSON value.
    pub fn pure_ok(&self, cmd: &str, input: &Value) -> Value {
        let out = self.pure(cmd, input);
        assert!(out.status.success(), "{cmd}: {out:?}");
        serde_json::from_slice(&out.stdout).expect("JSON answer")
    }

    /// Runs a command with `--json` that must succeed, and parses its one JSON value.
    pub fn json(&self, cmdline: &str) -> Value {
        let text = self.ok(&format!("--json {cmdline}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{cmdline}: {e}: {text}"))
    }

    /// The heads of every document.
    pub fn heads(&self) -> Heads {
        array(&self.json("doc list"))
            .iter()
            .map(|d| {
                let heads = array(&d["heads"])
                    .iter()
                    .map(|h| h.as_str().expect("head").to_owned())
                    .collect();
                (str_of(d, "id").to_owned(), heads)
            })
            .collect()
    }

    /// The heads of the documents devices share: every document but this device's own log of
    /// exports and reveals (`exports:…`), which no other device of its village holds (reading
    /// a record whole, `person show`, writes to it).
    pub fn shared_heads(&self) -> Heads {
        let mut heads = self.heads();
        heads.retain(|doc, _| !doc.starts_with("exports:"));
        heads
    }

    /// The ids of every document.
    pub fn doc_ids(&self) -> BTreeSet<String> {
        self.heads().into_keys().collect()
    }

    /// `sync --json`, which must succeed.
    pub fn sync(&self) -> Value {
        self.json("sync")
    }

    /// `person show ID --json`.
    pub fn person(&self, id: &str) -> Value {
        self.json(&format!("person show {id}"))
    }

    /// `conflicts --json`.
    pub fn conflicts(&self) -> Value {
        self.json("conflicts")
    }

    /// `reindex --check`, which must find the projections equal.
    pub fn reindex_check(&self) {
        let out = self.run("--json reindex --check");
        assert_eq!(
            out.status.code(),
            Some(0),
            "reindex --check on {}: {}{}",
            self.path().display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A child process that is killed (SIGKILL) and reaped when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `gridbook relay serve` in a child process.
pub struct Server {
    child: Killed,
    /// `http://127.0.0.1:<port>` (`https://` when it serves TLS).
    pub url: String,
    log: PathBuf,
    /// Kept open: the relay must never write into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts the relay on `listen` (e.g. `127.0.0.1:0`); the log (stderr) goes to `log`.
    pub fn try_start(data: &Path, listen: &str, log: &Path) -> Result<Server, String> {
        Server::try_start_with(data, listen, log, &[])
    }

    /// [`Server::try_start`] with more arguments of `relay serve` (e.g. `--admin`, or
    /// `--tls-cert`/`--tls-key`).
    pub fn try_start_with(
        data: &Path,
        listen: &str,
        log: &Path,
        extra: &[&str],
    ) -> Result<Server, String> {
        let mut child = Command::new(gridbook_bin())
            .arg("--data")
            .arg(data)
            .args(["relay", "serve", "--listen", listen])
            .args(extra)
            .env_remove("GRIDBOOK_DATA")
            .env_remove("GRIDBOOK_NOW")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                File::options()
                    .create(true)
                    .append(true)
                    .open(log)
                    .expect("relay log"),
            ))
            .spawn()
            .expect("spawn gridbook relay serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let child = Killed(child);
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let url = line
            .strip_prefix("中继已启动 ")
            .map(|u| u.trim().to_owned())
            .filter(|u| u.starts_with("http://127.0.0.1:") || u.starts_with("https://127.0.0.1:"));
        match url {
            Some(url) => Ok(Server {
                child,
                url,
                log: log.to_owned(),
                _stdout: stdout,
            }),
            None => Err(format!(
                "relay did not start: stdout {line:?}, stderr {:?}",
                std::fs::read_to_string(log).unwrap_or_default()
            )),
        }
    }

    /// Starts the relay over TLS with the certificate (chain) `cert` and its key `key`;
    /// panics if it does not come up.
    pub fn start_tls(data: &Path, listen: &str, log: &Path, cert: &Path, key: &Path) -> Server {
        let (cert, key) = (cert.to_string_lossy(), key.to_string_lossy());
        let args = ["--tls-cert", cert.as_ref(), "--tls-key", key.as_ref()];
        let server =
            Server::try_start_with(data, listen, log, &args).unwrap_or_else(|e| panic!("{e}"));
        assert!(server.url.starts_with("https://"), "{}", server.url);
        server
    }

    /// Starts the relay; panics if it does not come up.
    pub fn start(data: &Path, listen: &str, log: &Path) -> Server {
        Server::try_start(data, listen, log).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The next line the relay prints on stdout after its first (e.g. its admin address).
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        let _ = self._stdout.read_line(&mut line);
        line
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> &str {
        self.url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
    }

    /// Panics unless the relay process is still running.
    pub fn assert_alive(&mut self) {
        let status = self.child.0.try_wait().expect("try_wait");
        assert!(
            status.is_none(),
            "the relay exited ({status:?}); its log: {}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// SIGKILL, and waits until the process is gone.
    pub fn kill(&mut self) {
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
    }
}
