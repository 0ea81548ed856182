//! A throwaway PostgreSQL server for tests: Debian's `postgresql` package, a cluster made with
//! `initdb` under a temporary directory, started with `pg_ctl` on 127.0.0.1 and a free port
//! (its unix socket in the same directory), stopped and removed when dropped.
//!
//! PostgreSQL refuses to run as root, and tests run as root here: the cluster is made and run
//! as the `postgres` user (through `runuser`) when the tests are root. Nothing is skipped: if
//! the server cannot start, [`Postgres::start`] panics saying why.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The directory of the newest installed PostgreSQL's programs (`/usr/lib/postgresql/N/bin`).
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let v = e.file_name().to_str()?.parse().ok()?;
                    let bin = e.path().join("bin");
                    bin.join("initdb").exists().then_some((v, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    match versions.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): \
             apt-get install postgresql (scripts/setup.sh installs it)"
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running throwaway server.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    /// Its port on 127.0.0.1.
    pub port: u16,
    databases: std::cell::Cell<u32>,
}

impl Postgres {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn checked(&self, what: &str, out: std::io::Result<Output>) -> Output {
        match out {
            Ok(o) if o.status.success() => o,
            Ok(o) => panic!(
                "PostgreSQL {what} failed ({}): {}{}\nserver log: {}",
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr),
                std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
            ),
            Err(e) => panic!("PostgreSQL {what} could not run: {e}"),
        }
    }

    /// Makes and starts a cluster; panics with the reason if it cannot.
    pub fn start() -> Postgres {
        let dir = tempfile::Builder::new()
            .prefix("gridbook-pg")
            .tempdir()
            .expect("temp dir");
        let as_postgres = is_root();
        let pg = Postgres {
            bin: bin_dir(),
            as_postgres,
            port: free_port(),
            databases: std::cell::Cell::new(0),
            dir,
        };
        let data = pg.dir.path().join("data");
        if as_postgres {
            let chown = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(pg.dir.path())
                .output();
            pg.checked("chown of the cluster directory", chown);
        }
        let initdb = pg
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "gridbook", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output();
        pg.checked("initdb", initdb);
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            pg.port,
            pg.dir.path().display()
        );
        let start = pg
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(pg.dir.path().join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"])
            .output();
        pg.checked("pg_ctl start", start);
        pg
    }

    /// The temporary directory of the cluster.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's process id (the postmaster's, first line of `postmaster.pid` in its data
    /// directory); its backends are its child processes.
    pub fn server_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.path().join("data").join("postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// A new empty database; returns its URL.
    pub fn database(&self) -> String {
        let n = self.databases.get() + 1;
        self.databases.set(n);
        let name = format!("gridbook{n}");
        let out = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "gridbook",
            ])
            .arg(&name)
            .output();
        self.checked("createdb", out);
        self.url(&name)
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://gridbook@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs `sql` with `psql` against the database at `url`; returns its rows (unaligned,
    /// fields separated by `|`).
    pub fn psql(&self, url: &str, sql: &str) -> Vec<String> {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
            .output();
        let out = self.checked("psql", out);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
