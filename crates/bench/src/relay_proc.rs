//! Relays as child processes (`gridbook relay serve`) and what the benchmarks read of
//! processes: CPU seconds and memory from `/proc`, and a plain HTTP GET for `/metrics`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// The benchmarks' error type.
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A relay running as a child process `gridbook --data DIR relay serve --listen 127.0.0.1:0`.
pub struct ChildRelay {
    /// The process.
    pub child: std::process::Child,
    /// The address devices use (`http://HOST:PORT`).
    pub url: String,
    /// The admin address (`/health`, `/metrics`), when asked for.
    pub admin: Option<String>,
}

/// How a child relay is started, beyond its data directory.
pub struct RelaySetup<'a> {
    /// `--listen` (port 0 picks one).
    pub listen: &'a str,
    /// Ask for an admin address on loopback.
    pub admin: bool,
    /// Environment of the relay process (`GRIDBOOK_RELAY_POSTGRES` serves a PostgreSQL
    /// database instead of the store in the data directory).
    pub env: Vec<(&'a str, String)>,
    /// Where its log lines (stderr) go.
    pub stderr: std::process::Stdio,
    /// A program and its arguments that run the relay (e.g. `valgrind --tool=callgrind`).
    pub wrapper: Vec<String>,
}

impl ChildRelay {
    /// Starts `bin --data DIR relay serve` on a free loopback port, logging warnings and
    /// errors only (unless `GRIDBOOK_LOG` says otherwise), with `env` added.
    pub fn spawn_env(bin: &Path, dir: &Path, env: Vec<(&str, String)>) -> Res<ChildRelay> {
        // One log line per request would flood the bench's output.
        let level = std::env::var("GRIDBOOK_LOG").unwrap_or_else(|_| "warn".into());
        let mut all = vec![("GRIDBOOK_LOG", level)];
        all.extend(env);
        ChildRelay::spawn_with(
            bin,
            dir,
            RelaySetup {
                listen: "127.0.0.1:0",
                admin: false,
                env: all,
                stderr: std::process::Stdio::inherit(),
                wrapper: Vec::new(),
            },
        )
    }

    /// Starts `bin --data DIR relay serve` as [`ChildRelay::spawn_env`] does, with nothing
    /// added.
    pub fn spawn(bin: &Path, dir: &Path) -> Res<ChildRelay> {
        ChildRelay::spawn_env(bin, dir, Vec::new())
    }

    /// Starts a relay as `setup` says; waits for the address lines it prints.
    pub fn spawn_with(bin: &Path, dir: &Path, setup: RelaySetup<'_>) -> Res<ChildRelay> {
        let mut cmd = match setup.wrapper.split_first() {
            Some((program, args)) => {
                let mut c = std::process::Command::new(program);
                c.args(args).arg(bin);
                c
            }
            None => std::process::Command::new(bin),
        };
        cmd.arg("--data")
            .arg(dir)
            .args(["relay", "serve", "--listen", setup.listen]);
        if setup.admin {
            cmd.args(["--admin", "127.0.0.1:0"]);
        }
        let mut child = cmd
            .envs(setup.env)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(setup.stderr)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("relay: no stdout")?;
        let mut lines = BufReader::new(stdout);
        let address = |lines: &mut BufReader<_>| -> Res<Option<String>> {
            // "中继已启动 http://ADDR", then "管理地址 http://ADDR"
            let mut line = String::new();
            lines.read_line(&mut line)?;
            Ok(line
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .map(str::to_owned))
        };
        let url = address(&mut lines)?;
        let admin = if setup.admin {
            address(&mut lines)?
        } else {
            None
        };
        let Some(url) = url.filter(|_| admin.is_some() || !setup.admin) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("relay did not start".into());
        };
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = lines.read_to_end(&mut sink);
        });
        Ok(ChildRelay { child, url, admin })
    }

    /// A `/proc/PID/status` figure of the relay (`VmHWM:`, `VmRSS:`), in MiB.
    pub fn status(&self, key: &str) -> f64 {
        proc_status(self.child.id(), key)
    }

    /// User + system CPU seconds of the child so far.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&format!("/proc/{}/stat", self.child.id()))
    }

    /// Kills the relay and waits for it.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `/proc/PID/status` figure (kB) in MiB; 0 when the process or the line is not there.
pub fn proc_status(pid: u32, key: &str) -> f64 {
    proc_kib(pid, "status", key)
}

/// A `key N kB` figure of `/proc/PID/FILE` (`status`, `smaps_rollup`) in MiB; 0 when the
/// process or the line is not there.
pub fn proc_kib(pid: u32, file: &str, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The `gridbook` binary next to the running program, where `cargo build` puts both.
pub fn default_relay_bin() -> Option<std::path::PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("gridbook")))
}

/// Clock ticks per second of `/proc/PID/stat`'s times.
pub fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Fields of a `/proc/PID/stat` text after the command name: `fields[0]` is field 3 (state),
/// so field `n` of proc(5) is `fields[n - 3]`.
pub fn stat_fields(stat: &str) -> Vec<&str> {
    stat.rsplit_once(')')
        .map_or("", |(_, r)| r)
        .split_whitespace()
        .collect()
}

/// Field `n` (numbered as in proc(5)) of `/proc/PID/stat`'s fields as a number; 0 if absent.
pub fn stat_field(fields: &[&str], n: usize) -> f64 {
    fields
        .get(n - 3)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// User + system CPU seconds (utime + stime, fields 14 and 15) of the `/proc/PID/stat` at
/// `stat_path`; 0 when it cannot be read.
pub fn cpu_seconds(stat_path: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(stat_path) else {
        return 0.0;
    };
    let f = stat_fields(&s);
    (stat_field(&f, 14) + stat_field(&f, 15)) / clock_ticks()
}

/// The body of `GET path` on `addr` (`http://HOST:PORT`).
pub fn http_get(addr: &str, path: &str) -> Res<String> {
    let host = addr.trim_start_matches("http://");
    let mut s = TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out
        .split_once("\r\n\r\n")
        .map_or(out.clone(), |(_, b)| b.to_owned()))
}
