//! What bench-province sets up and reads besides the relays: townships moved into PostgreSQL
//! (`gridbook relay migrate --to-postgres`, as the relay_pg tests make them), the PostgreSQL
//! server's processes (CPU, memory), the heads PostgreSQL holds, the machine's CPU.

use std::collections::BTreeMap;
use std::path::Path;

use gridbook_bench::load::{build_relay_store, enroll_tokens, ledger_of, Ledger};
use gridbook_bench::relay_proc::{
    clock_ticks, cpu_seconds, proc_kib, proc_status, stat_field, stat_fields, Res,
};
use gridbook_tests::pg::Postgres;

/// One township's relay store built from the demo, with `devices` grid-worker devices
/// enrolled over its villages in turn: its ledger (households and persons of each village)
/// and the devices' (village, token).
pub(super) struct Township {
    pub(super) ledger: Ledger,
    pub(super) tokens: Vec<(String, String)>,
}

/// Builds a township of `villages` villages × `households` households in `dir` (a SQLite
/// relay's data directory), with `devices` devices enrolled.
pub(super) fn township(
    dir: &Path,
    seed: u64,
    villages: usize,
    households: usize,
    devices: usize,
) -> Res<Township> {
    let store = build_relay_store(dir, seed, villages, villages * households)?;
    let ids: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = ledger_of(&store, &ids)?;
    let tokens = enroll_tokens(dir, &ids, devices)?;
    Ok(Township { ledger, tokens })
}

/// `gridbook --data DIR --json relay migrate --to-postgres URL`: moves the township relay in
/// `dir` (documents, devices with their tokens) into the database at `url`; documents moved.
pub(super) fn migrate(bin: &Path, dir: &Path, url: &str) -> Res<u64> {
    let out = std::process::Command::new(bin)
        .arg("--data")
        .arg(dir)
        .args(["--json", "relay", "migrate", "--to-postgres", url])
        .env("GRIDBOOK_LOG", "warn")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "relay migrate failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    if v["verified"] != true {
        return Err(format!("relay migrate did not verify: {v}").into());
    }
    Ok(v["migrated"]["documents"].as_u64().unwrap_or(0))
}

/// Document id → heads of every document of every township in the database at `url`.
pub(super) fn pg_heads(pg: &Postgres, url: &str) -> BTreeMap<String, String> {
    pg.psql(url, "SELECT id, heads FROM documents")
        .into_iter()
        .filter_map(|row| {
            row.split_once('|')
                .map(|(id, heads)| (id.to_owned(), heads.to_owned()))
        })
        .collect()
}

/// The processes of a PostgreSQL server: the postmaster and its children (the backends of
/// each connection, the background workers).
pub(super) struct PgProcs {
    postmaster: u32,
}

/// Memory of the server's processes at one moment, in MiB.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct PgMemory {
    /// Processes counted.
    pub(super) processes: usize,
    /// Sum of their resident sets (shared buffers counted once per process that touched
    /// them).
    pub(super) rss: f64,
    /// Sum of their proportional sets (shared pages divided among the processes sharing
    /// them): what the server holds.
    pub(super) pss: f64,
}

impl PgMemory {
    /// The larger of each figure.
    pub(super) fn max(self, other: PgMemory) -> PgMemory {
        PgMemory {
            processes: self.processes.max(other.processes),
            rss: self.rss.max(other.rss),
            pss: self.pss.max(other.pss),
        }
    }
}

impl PgProcs {
    /// The processes of `pg`.
    pub(super) fn of(pg: &Postgres) -> Res<PgProcs> {
        let postmaster = pg
            .server_pid()
            .ok_or("PostgreSQL: no postmaster.pid in its data directory")?;
        Ok(PgProcs { postmaster })
    }

    /// The children of the postmaster now.
    fn children(&self) -> Vec<u32> {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| stat_field(&stat_fields(&s), 4) as u32 == self.postmaster)
            })
            .collect()
    }

    /// CPU seconds (user + system) of the server so far: the postmaster's own and those of
    /// the children it has waited for (cutime, cstime), and those of the children alive now.
    pub(super) fn cpu_seconds(&self) -> f64 {
        let own = std::fs::read_to_string(format!("/proc/{}/stat", self.postmaster))
            .map(|s| {
                let f = stat_fields(&s);
                (14..=17).map(|n| stat_field(&f, n)).sum::<f64>() / clock_ticks()
            })
            .unwrap_or(0.0);
        own + self
            .children()
            .iter()
            .map(|pid| cpu_seconds(&format!("/proc/{pid}/stat")))
            .sum::<f64>()
    }

    /// Memory of the postmaster and its children now.
    pub(super) fn memory(&self) -> PgMemory {
        let mut pids = self.children();
        pids.push(self.postmaster);
        PgMemory {
            processes: pids.len(),
            rss: pids.iter().map(|p| proc_status(*p, "VmRSS:")).sum(),
            pss: pids
                .iter()
                .map(|p| proc_kib(*p, "smaps_rollup", "Pss:"))
                .sum(),
        }
    }
}

/// Busy and total CPU time of the whole machine so far (`/proc/stat`, in ticks): busy is
/// everything but idle and I/O wait, whoever used it.
pub(super) fn machine_cpu() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<f64> = s
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: f64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0.0) + v.get(4).copied().unwrap_or(0.0);
    (total - idle, total)
}
