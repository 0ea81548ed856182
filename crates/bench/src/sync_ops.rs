//! Part 7 of bench-sync: what running a relay costs.
//!
//! 7a. Logging and metrics. The load of part 5 (`--devices` light devices over
//!     `--load-villages` villages, one change per device per second) against two child relays
//!     at once, each serving a copy of the same store and half of every village's devices, so
//!     that both see the same load of the (shared) machine at the same moments; one relay runs
//!     observed and the other not, swapped every phase (`--ops-phases` phases of
//!     `--ops-seconds`, both relays restarted on the same data and ports before each):
//!     - observed (O), as in production: one request line at info (text) into a file, as
//!       journald would keep it, the counters on, `/metrics` scraped every 15 s;
//!     - unobserved (U): warnings only (`GRIDBOOK_LOG=warn`), no counters and no request lines
//!       (`GRIDBOOK_RELAY_OBSERVE=off`), no admin address.
//!
//!     Each phase starts with one sync of every device (not measured: the restarted relay
//!     learns the devices' heads again). Printed per configuration: p50/p99 of one sync call
//!     and the relay's CPU (user + system, `/proc/PID/stat`) per sync call. Goal: ≤ 5 % more
//!     CPU per sync observed than unobserved.
//! 7b. Backup under load: a relay of `--villages` villages × `--households` households, the
//!     same load spread over its villages, `--ops-phases` phases alternating (same order) with
//!     `gridbook relay backup --out FILE` run back to back and without. Printed: backup time
//!     (the command, process start included), p99 of a sync call during the backups and in the
//!     phases without.

use std::fs::File;

use super::load::{device_root, drive, enroll_tokens, ledger_of, open_devices, DeviceLog};
use super::*;

/// What one relay's devices did in one phase of the load.
struct Phase {
    /// Configuration: observed (7a) or backups running (7b).
    on: bool,
    syncs: Vec<Duration>,
    /// Sync requests (rounds) of the measured calls.
    requests: usize,
    errors: usize,
    changes: usize,
    wall: f64,
    /// Relay CPU seconds over the measured part (7a).
    relay_cpu: f64,
}

impl Phase {
    fn of(on: bool, logs: &[DeviceLog], wall: f64, relay_cpu: f64) -> Phase {
        Phase {
            on,
            syncs: logs.iter().flat_map(|l| l.syncs.iter().copied()).collect(),
            requests: logs.iter().flat_map(|l| l.rounds.iter()).sum(),
            errors: logs.iter().map(|l| l.errors.len()).sum(),
            changes: logs.iter().map(DeviceLog::changes).sum(),
            wall,
            relay_cpu,
        }
    }

    fn cpu_per_sync_ms(&self) -> f64 {
        1000.0 * self.relay_cpu / self.syncs.len().max(1) as f64
    }
}

/// Whether phase `k` of 7b runs the backups: U O O U U O O U …
fn on_in(k: usize) -> bool {
    matches!(k % 4, 1 | 2)
}

pub(super) fn ops(o: &Opts, tmp: &Path) -> Res<()> {
    let Some(bin) = o.relay_bin.clone().filter(|b| b.is_file()) else {
        return Err("part 7 needs the gridbook binary next to this one, or --relay-bin".into());
    };
    logging_cost(o, tmp, &bin)?;
    backup_under_load(o, tmp, &bin)
}

/// A loopback port free now, for a relay restarted on the same address.
fn free_port() -> Res<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One sync of every device (a second try after a failure: the first request after a relay
/// restart may meet a connection the old relay closed): sync requests made, devices failed.
fn warm_up(devs: &[super::load::LoadDevice]) -> (usize, usize) {
    let (mut requests, mut failed) = (0, 0);
    for dev in devs {
        match dev.sync().or_else(|_| dev.sync()) {
            Ok(s) => requests += s.rounds,
            Err(_) => failed += 1,
        }
    }
    (requests, failed)
}

pub(super) use gridbook_bench::relay_proc::http_get;

/// Scrapes `/metrics` every 15 s from 5 s after `started` until `deadline`: good scrapes.
fn scrape_until(admin: &str, started: Instant, deadline: Instant) -> usize {
    let mut n = 0;
    let mut next = started + Duration::from_secs(5);
    while next < deadline {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        if http_get(admin, "/metrics").is_ok_and(|b| b.contains("gridbook_relay_up")) {
            n += 1;
        }
        next += Duration::from_secs(15);
    }
    n
}

/// The sync requests answered 200 that a `/metrics` text counts.
pub(super) fn counted_syncs(metrics: &str) -> Option<u64> {
    metrics
        .lines()
        .find(|l| l.starts_with("gridbook_relay_requests_total{route=\"sync\",status=\"200\"}"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
}

pub(super) fn lines_in(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

fn p(samples: &mut [Duration], q: f64) -> f64 {
    pct(samples, q)
}

/// Copies every file of the directory `from` into the new directory `to`.
pub(super) fn copy_dir(from: &Path, to: &Path) -> Res<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

fn logging_cost(o: &Opts, tmp: &Path, bin: &Path) -> Res<()> {
    println!(
        "\n## 7a. logging and metrics: {} devices over {} villages, one change per device per second, served by two relays at once (copies of one store, each village's devices split between them), one observed and one not, swapped every phase; {} phases of {} s (goal: ≤ 5 % more relay CPU per sync observed)",
        o.devices, o.load_villages, o.ops_phases, o.ops_seconds
    );
    println!(
        "observed (O): GRIDBOOK_LOG=info, request lines (text) into a file, counters on, /metrics scraped every 15 s\n\
         unobserved (U): GRIDBOOK_LOG=warn, GRIDBOOK_RELAY_OBSERVE=off (no counters, no request lines), no admin address"
    );
    let dirs = [tmp.join("relay-ops-a"), tmp.join("relay-ops-b")];
    let store = build_relay_store(&dirs[0], o.seed, o.load_villages, o.load_households)?;
    let villages: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = ledger_of(&store, &villages)?;
    let tokens = enroll_tokens(&dirs[0], &villages, o.devices)?;
    drop(store);
    copy_dir(&dirs[0], &dirs[1])?;
    let listen = [
        format!("127.0.0.1:{}", free_port()?),
        format!("127.0.0.1:{}", free_port()?),
    ];
    let dev_tmp = device_root(o)?;
    let dev_root = dev_tmp.as_ref().map_or(tmp, |d| d.path());
    let start = |r: usize, observed: bool, log: &Path| -> Res<ChildRelay> {
        let env = if observed {
            vec![("GRIDBOOK_LOG", "info".to_owned())]
        } else {
            vec![
                ("GRIDBOOK_LOG", "warn".to_owned()),
                (gridbook_relay::ops::log::OBSERVE_ENV, "off".to_owned()),
            ]
        };
        ChildRelay::spawn_with(
            bin,
            &dirs[r],
            RelaySetup {
                listen: &listen[r],
                admin: observed,
                env,
                stderr: File::create(log)?.into(),
                wrapper: Vec::new(),
            },
        )
    };
    // Device i serves village i mod V and syncs with relay (i / V) mod 2: each village has
    // as many devices on either relay. They enroll (not measured) at the addresses every
    // phase uses.
    let side = |i: usize| (i / villages.len().max(1)) % 2;
    let mut devs = Vec::new();
    let mut setup = 0.0;
    for r in 0..2 {
        let first = start(r, false, &tmp.join(format!("relay-ops-setup-{r}.log")))?;
        let mine: Vec<(String, String)> = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| side(*i) == r)
            .map(|(_, t)| t.clone())
            .collect();
        let (d, t) = time(|| open_devices(o, &mine, &first.url, &dev_root.join(format!("r{r}"))));
        devs.push(d?);
        setup += t.as_secs_f64();
        first.stop();
    }
    println!(
        "relays: two child processes {} at {} and {}, restarted for each phase; {} + {} devices enrolled and synced their village in {setup:.1} s",
        bin.display(),
        listen[0],
        listen[1],
        devs[0].len(),
        devs[1].len()
    );

    let mut phases = Vec::new();
    let mut paired = Vec::new();
    for k in 0..o.ops_phases {
        // Relay 0 observed in even phases, relay 1 in odd ones.
        let observed = |r: usize| (r + k).is_multiple_of(2);
        let relays = [
            start(0, observed(0), &tmp.join(format!("relay-ops-{k}-0.log")))?,
            start(1, observed(1), &tmp.join(format!("relay-ops-{k}-1.log")))?,
        ];
        let warm = [warm_up(&devs[0]), warm_up(&devs[1])];
        let cpu0 = [relays[0].cpu_seconds(), relays[1].cpu_seconds()];
        let started = Instant::now();
        let deadline = started + Duration::from_secs(o.ops_seconds);
        let seed = o.seed + k as u64;
        let (logs, scrapes) = std::thread::scope(|s| {
            let scrapers: Vec<_> = relays
                .iter()
                .filter_map(|r| r.admin.as_deref())
                .map(|a| s.spawn(move || scrape_until(a, started, deadline)))
                .collect();
            let other = s.spawn(|| drive(&devs[1], &ledger, seed, started, deadline));
            let mine = drive(&devs[0], &ledger, seed ^ 0x5eed, started, deadline);
            let scrapes: usize = scrapers.into_iter().map(|h| h.join().unwrap_or(0)).sum();
            ([mine, other.join().unwrap_or_default()], scrapes)
        });
        let wall = started.elapsed().as_secs_f64();
        let mut pair = [0.0; 2];
        for r in 0..2 {
            let cpu = relays[r].cpu_seconds() - cpu0[r];
            let counted = match &relays[r].admin {
                Some(a) => http_get(a, "/metrics").ok().and_then(|m| counted_syncs(&m)),
                None => None,
            };
            let phase = Phase::of(observed(r), &logs[r], wall, cpu);
            let log = tmp.join(format!("relay-ops-{k}-{r}.log"));
            let lines = lines_in(&log);
            let mut syncs = phase.syncs.clone();
            println!(
                "phase {} relay {r} {}: {} syncs ({} requests) in {:.1} s, {} errors, changes {:.0}% of offered; sync p50 {:.1} ms p99 {:.1} ms; relay CPU {:.2} s = {:.3} ms per sync; log lines {lines}; {}{}",
                k + 1,
                if observed(r) { "O" } else { "U" },
                syncs.len(),
                phase.requests,
                wall,
                phase.errors,
                100.0 * phase.changes as f64 / (devs[r].len() as f64 * o.ops_seconds as f64).max(1.0),
                p(&mut syncs, 50.0),
                p(&mut syncs, 99.0),
                cpu,
                phase.cpu_per_sync_ms(),
                match counted {
                    Some(c) => format!(
                        "counted by /metrics {c} sync requests of the {} made since it started ({scrapes} scrapes)",
                        warm[r].0 + phase.requests
                    ),
                    None => "no counters".into(),
                },
                if warm[r].1 > 0 {
                    format!("; warm-up: {} devices failed", warm[r].1)
                } else {
                    String::new()
                }
            );
            pair[usize::from(!observed(r))] = phase.cpu_per_sync_ms();
            phases.push(phase);
        }
        for r in relays {
            r.stop();
        }
        paired.push(pair[0] / pair[1].max(f64::MIN_POSITIVE));
    }
    summary(&phases, "observed", "unobserved", true);
    let (o_cpu, u_cpu) = cpu_per_sync(&phases);
    let ratio = o_cpu / u_cpu.max(f64::MIN_POSITIVE);
    paired.sort_by(f64::total_cmp);
    println!(
        "per phase, observed / unobserved CPU per sync: {}",
        paired
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "relay CPU per sync, observed / unobserved: {:.3} / {:.3} ms = {ratio:.3} ({:+.1} %)   goal ≤ +5 %: {}",
        o_cpu,
        u_cpu,
        100.0 * (ratio - 1.0),
        if ratio <= 1.05 { "met" } else { "NOT met" }
    );
    Ok(())
}

/// Relay CPU per sync (ms) of the "on" and the "off" phases, all their syncs together.
fn cpu_per_sync(phases: &[Phase]) -> (f64, f64) {
    let per = |on: bool| {
        let (cpu, n) = phases
            .iter()
            .filter(|p| p.on == on)
            .fold((0.0, 0), |(c, n), p| (c + p.relay_cpu, n + p.syncs.len()));
        1000.0 * cpu / n.max(1) as f64
    };
    (per(true), per(false))
}

/// Prints the sync calls of the "on" and the "off" phases, each set pooled.
fn summary(phases: &[Phase], on: &str, off: &str, cpu: bool) {
    for (flag, name) in [(true, on), (false, off)] {
        let mine: Vec<&Phase> = phases.iter().filter(|p| p.on == flag).collect();
        let mut syncs: Vec<Duration> = mine.iter().flat_map(|p| p.syncs.iter().copied()).collect();
        let wall: f64 = mine.iter().map(|p| p.wall).sum();
        let n = syncs.len();
        let errors: usize = mine.iter().map(|p| p.errors).sum();
        let requests: usize = mine.iter().map(|p| p.requests).sum();
        let relay_cpu: f64 = mine.iter().map(|p| p.relay_cpu).sum();
        println!(
            "{name:<11} {} phases, {:.0} s: {n} syncs ({:.1}/s, {requests} requests), {errors} errors; one sync call p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms{}",
            mine.len(),
            wall,
            n as f64 / wall.max(1e-9),
            p(&mut syncs, 50.0),
            p(&mut syncs, 99.0),
            p(&mut syncs, 100.0),
            if cpu {
                format!(
                    "; relay CPU {relay_cpu:.1} s = {:.3} ms per sync, {:.3} ms per request",
                    1000.0 * relay_cpu / n.max(1) as f64,
                    1000.0 * relay_cpu / requests.max(1) as f64
                )
            } else {
                String::new()
            }
        );
    }
}

/// One `gridbook relay backup` after another until `deadline`: (wall time, file bytes, ok).
fn backups_until(
    bin: &Path,
    rdir: &Path,
    tmp: &Path,
    deadline: Instant,
) -> Vec<(Duration, u64, bool)> {
    let mut out = Vec::new();
    let mut n = 0;
    while Instant::now() < deadline {
        let file = tmp.join(format!("relay-backup-{n}.sqlite"));
        n += 1;
        let (status, took) = time(|| {
            std::process::Command::new(bin)
                .arg("--data")
                .arg(rdir)
                .args(["relay", "backup", "--out"])
                .arg(&file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
        });
        let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
        out.push((took, bytes, status.is_ok_and(|s| s.success())));
        let _ = std::fs::remove_file(&file);
    }
    out
}

fn backup_under_load(o: &Opts, tmp: &Path, bin: &Path) -> Res<()> {
    println!(
        "\n## 7b. backup of a {}-village relay ({} households) under load: {} devices over its villages, one change per device per second; {} phases of {} s, without (U) and with (O) `gridbook relay backup` run back to back, U O O U …",
        o.villages,
        o.villages * o.households,
        o.devices,
        o.ops_phases,
        o.ops_seconds
    );
    let rdir = tmp.join("relay-backup");
    let store = build_relay_store(&rdir, o.seed, o.villages, o.villages * o.households)?;
    let villages: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = ledger_of(&store, &villages)?;
    let tokens = enroll_tokens(&rdir, &villages, o.devices)?;
    drop(store);
    let relay = ChildRelay::spawn_with(
        bin,
        &rdir,
        RelaySetup {
            listen: "127.0.0.1:0",
            admin: false,
            env: vec![("GRIDBOOK_LOG", "info".to_owned())],
            stderr: File::create(tmp.join("relay-backup.log"))?.into(),
            wrapper: Vec::new(),
        },
    )?;
    println!(
        "relay: child process {} at {}, request lines at info into a file, counters on",
        bin.display(),
        relay.url
    );
    let dev_tmp = device_root(o)?;
    let dev_root = dev_tmp.as_ref().map_or(tmp, |d| d.path());
    let (devs, d) = time(|| open_devices(o, &tokens, &relay.url, dev_root));
    let devs = devs?;
    println!(
        "(setup) {} devices enrolled and synced their village in {:.1} s; relay database {}",
        devs.len(),
        d.as_secs_f64(),
        kib(std::fs::metadata(rdir.join(gridbook_store::DB_FILE)).map_or(0, |m| m.len() as usize))
    );
    let mut phases = Vec::new();
    let mut backups = Vec::new();
    for k in 0..o.ops_phases {
        let on = on_in(k);
        let started = Instant::now();
        let deadline = started + Duration::from_secs(o.ops_seconds);
        let (logs, made) = std::thread::scope(|s| {
            let b = on.then(|| s.spawn(|| backups_until(bin, &rdir, tmp, deadline)));
            let logs = drive(&devs, &ledger, o.seed + k as u64, started, deadline);
            (
                logs,
                b.map_or_else(Vec::new, |h| h.join().unwrap_or_default()),
            )
        });
        let wall = started.elapsed().as_secs_f64();
        let phase = Phase::of(on, &logs, wall, 0.0);
        let mut syncs = phase.syncs.clone();
        println!(
            "phase {} {}: {} syncs in {:.1} s, {} errors; sync p50 {:.1} ms p99 {:.1} ms{}",
            k + 1,
            if on { "O" } else { "U" },
            syncs.len(),
            wall,
            phase.errors,
            p(&mut syncs, 50.0),
            p(&mut syncs, 99.0),
            if on {
                let mut t: Vec<Duration> = made.iter().map(|b| b.0).collect();
                format!(
                    "; {} backups ({} failed), each p50 {:.2} s max {:.2} s",
                    made.len(),
                    made.iter().filter(|b| !b.2).count(),
                    p(&mut t, 50.0) / 1000.0,
                    p(&mut t, 100.0) / 1000.0
                )
            } else {
                String::new()
            }
        );
        backups.extend(made);
        phases.push(phase);
    }
    relay.stop();
    summary(&phases, "backups", "no backup", false);
    let mut t: Vec<Duration> = backups.iter().map(|b| b.0).collect();
    let failed = backups.iter().filter(|b| !b.2).count();
    let bytes = backups.iter().map(|b| b.1).max().unwrap_or(0);
    println!(
        "backup (`gridbook relay backup --out FILE`, process start included): {} made, {failed} failed, p50 {:.2} s, max {:.2} s, file {}",
        backups.len(),
        p(&mut t, 50.0) / 1000.0,
        p(&mut t, 100.0) / 1000.0,
        kib(bytes as usize)
    );
    Ok(())
}
