//! bench-province: serving a province's devices from one SQLite relay and from two relay
//! processes on one PostgreSQL database, in one run, on this machine.
//!
//! (a) One SQLite relay (`gridbook relay serve`, a child process): `--devices` light devices
//!     (bench-sync part 5's, [`gridbook_bench::load`]) over `--villages` villages, each making
//!     one change and syncing every `--period` seconds for `--seconds`. A SQLite relay serves
//!     one township, so here the villages are one township's.
//! (b) The same load against two relay processes (`relay serve` with
//!     `GRIDBOOK_RELAY_POSTGRES`) on one throwaway PostgreSQL server
//!     ([`gridbook_tests::pg`]), the villages in `--townships` townships moved in with
//!     `relay migrate --to-postgres` (devices enrolled per township keep their tokens). Each
//!     device sends its requests to the two processes in turn (no sticky routing).
//!
//! The devices' turns (a change and a sync) are taken by a pool of threads in this process
//! (`--workers`, [`gridbook_bench::load::WORKERS`] by default), each device with at most one
//! sync in flight. Before the measured load, `--warmup` seconds of the same load (one period
//! by default) are run and reported apart (see [`Run::measure`]). Beside the sync call's times
//! are printed how late turns began for want of a free thread and the p99 from a turn's due
//! moment to the end of its sync (what a phone's user would wait, a queue in this process
//! included), and the calls by their round trips and by when they began.
//!
//! For each: p50/p99 of one sync call, syncs per second, the relays' CPU per sync (utime +
//! stime of `/proc/PID/stat`) and, for (b), PostgreSQL's (the postmaster and its backends),
//! relay and PostgreSQL memory, and whether every change arrived everywhere. Then the load is
//! raised (`--ramp-steps` steps of `--ramp-seconds`, the period halved each step) until it
//! saturates: fewer than 90 % of the offered syncs made, or errors; the first load whose p99
//! is over the goal is noted too. When the requirement's load is already over the goal, the
//! load is lowered the same way (the period doubled each step) until a phase meets it.
//!
//! (c) Flat reconnect (see `province_flat.rs`): one village device's quiet reconnect against
//!     deployments of `--flat` villages (townships of `--flat-township` villages) on
//!     PostgreSQL, relay-side time from the relay's `/metrics`.
//!
//! Goals: on (b) p99 ≤ 200 ms and relay CPU per sync ≤ 1.5× (a)'s, measured in the same run;
//! every change arrived everywhere; (c) flat.
//!
//! `bench-province [--quick] [--seed S] [--devices N] [--villages N] [--townships N]
//!  [--households N] [--period S] [--seconds S] [--warmup S] [--ramp-steps N]
//!  [--ramp-seconds S] [--flat 20,200,2000] [--flat-township N] [--reconnects N] [--relay-bin PATH]
//!  [--only sqlite,pg,flat] [--workers N]`
//!
//! The relays are the `gridbook` binary next to this one (`cargo build -p gridbook`), or
//! `--relay-bin PATH`. PostgreSQL comes from Debian's `postgresql` package.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gridbook_bench::load::{
    drive, final_syncs, lock, open_devices, Arrival, Ledger, LoadDevice, WORKERS,
};
use gridbook_bench::relay_proc::{cpu_seconds, default_relay_bin, ChildRelay, Res};
use gridbook_bench::{arg, flag, met, pct};
use gridbook_tests::pg::Postgres;

#[path = "province_fig.rs"]
mod fig;
#[path = "province_flat.rs"]
mod flat;
#[path = "province_setup.rs"]
mod setup;

use fig::Fig;
use setup::{machine_cpu, PgMemory, PgProcs};

/// The goal on (b)'s p99 of one sync call, ms.
const GOAL_P99_MS: f64 = 200.0;
/// The goal on (b)'s relay CPU per sync, as a multiple of (a)'s.
const GOAL_CPU_RATIO: f64 = 1.5;
/// A phase is saturated when fewer than this share of the offered syncs were made.
const SATURATED_SHARE: f64 = 0.9;

/// Command-line parameters.
pub(crate) struct Opts {
    quick: bool,
    seed: u64,
    devices: usize,
    villages: usize,
    townships: usize,
    /// Households per village.
    households: usize,
    period: f64,
    seconds: u64,
    /// Seconds of load before the measured phase (see [`Run::measure`]).
    warmup: u64,
    ramp_steps: usize,
    ramp_seconds: u64,
    pub(crate) flat: Vec<usize>,
    pub(crate) flat_township: usize,
    pub(crate) reconnects: usize,
    relay_bin: PathBuf,
    only: BTreeSet<String>,
    /// Threads that take the devices' turns.
    workers: usize,
}

impl Opts {
    fn parse() -> Opts {
        let quick = flag("--quick");
        let q = |full: usize, small: usize| if quick { small } else { full };
        let default_bin = default_relay_bin().unwrap_or_else(|| PathBuf::from("gridbook"));
        let list = |name: &str, default: &str| -> Vec<usize> {
            let mut v: Vec<usize> = arg(name, default.to_owned())
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .filter(|n| *n > 0)
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        Opts {
            quick,
            seed: arg("--seed", 7),
            devices: arg("--devices", q(2000, 200)),
            villages: arg("--villages", q(100, 10)),
            townships: arg("--townships", 5usize).max(1),
            households: arg("--households", q(20, 10)),
            period: arg("--period", 10.0f64).max(0.01),
            seconds: arg("--seconds", q(60, 10) as u64),
            warmup: arg("--warmup", q(10, 2) as u64),
            ramp_steps: arg("--ramp-steps", q(4, 3)),
            ramp_seconds: arg("--ramp-seconds", q(20, 5) as u64),
            flat: list("--flat", if quick { "2,20,200" } else { "20,200,2000" }),
            flat_township: arg("--flat-township", 20usize).max(1),
            reconnects: arg("--reconnects", q(500, 100)),
            relay_bin: PathBuf::from(arg("--relay-bin", default_bin.display().to_string())),
            workers: arg("--workers", WORKERS).max(1),
            only: arg("--only", "sqlite,pg,flat".to_owned())
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect(),
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.only.contains(part)
    }

    fn cores() -> f64 {
        std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
    }
}

fn main() -> Res<()> {
    let o = Opts::parse();
    gridbook_bench::header("bench-province");
    println!(
        "parameters{}: {} light devices over {} villages ({} households each), one change and one sync per device every {} s, {} s; (b) in {} townships; ramp {} steps of {} s; flat reconnect at {:?} villages ({} a township), {} reconnects each",
        if o.quick { " (--quick: ~1/10 scale)" } else { "" },
        o.devices,
        o.villages,
        o.households,
        o.period,
        o.seconds,
        o.townships,
        o.ramp_steps,
        o.ramp_seconds,
        o.flat,
        o.flat_township,
        o.reconnects
    );
    if !o.relay_bin.is_file() {
        return Err(format!(
            "no relay binary at {} (build it: cargo build -p gridbook, or pass --relay-bin PATH)",
            o.relay_bin.display()
        )
        .into());
    }
    let tmp = tempfile::tempdir()?;
    let a = if o.runs("sqlite") {
        Some(sqlite(&o, tmp.path())?)
    } else {
        None
    };
    let needs_pg = o.runs("pg") || o.runs("flat");
    let pg = needs_pg.then(Postgres::start);
    let b = match &pg {
        Some(pg) if o.runs("pg") => Some(postgres(&o, tmp.path(), pg)?),
        _ => None,
    };
    let flat = match &pg {
        Some(pg) if o.runs("flat") => Some(flat::flat(&o, tmp.path(), pg)?),
        _ => None,
    };
    println!("\n## verdicts");
    if let Some(b) = &b {
        let baseline = a.as_ref().map_or(String::new(), |a| {
            format!(" (baseline (a), same run: p99 {:.1} ms)", a.main.p99())
        });
        println!(
            "(b) p99 of one sync call ≤ {GOAL_P99_MS} ms: p99 {:.1} ms{baseline}: {}",
            b.main.p99(),
            met(b.main.p99() <= GOAL_P99_MS)
        );
    }
    if let (Some(a), Some(b)) = (&a, &b) {
        let ratio = b.main.relay_ms() / a.main.relay_ms().max(1e-9);
        println!(
            "(b) relay CPU per sync ≤ {GOAL_CPU_RATIO}× (a): {:.3} ms (both processes) against (a) {:.3} ms = {ratio:.2}×: {}  (with PostgreSQL's {:.3} ms: {:.3} ms = {:.2}× (a))",
            b.main.relay_ms(),
            a.main.relay_ms(),
            met(ratio <= GOAL_CPU_RATIO),
            b.main.pg_ms(),
            b.main.relay_ms() + b.main.pg_ms(),
            (b.main.relay_ms() + b.main.pg_ms()) / a.main.relay_ms().max(1e-9)
        );
    }
    for r in a.iter().chain(b.iter()) {
        println!(
            "{} every change arrived everywhere: {}",
            r.label,
            yes(r.arrived)
        );
        println!("{} saturates: {}", r.label, r.saturation);
    }
    if let Some(line) = flat {
        println!("{line}");
    }
    drop(pg);
    gridbook_bench::footer();
    Ok(())
}

/// `yes` or `NO`.
fn yes(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "NO"
    }
}

/// What one configuration showed.
struct Outcome {
    label: &'static str,
    main: Fig,
    arrived: bool,
    saturation: String,
}

/// One configuration under load: its relays, PostgreSQL's processes, the devices.
struct Run {
    relays: Vec<ChildRelay>,
    pg: Option<PgProcs>,
    devs: Vec<LoadDevice>,
    ledger: Ledger,
    /// Verification ids each device made, over every phase.
    made: Vec<Vec<String>>,
    /// PostgreSQL's largest memory seen under load.
    pg_peak: PgMemory,
    /// Threads that take the devices' turns.
    workers: usize,
}

impl Run {
    fn relay_cpu(&self) -> f64 {
        self.relays.iter().map(ChildRelay::cpu_seconds).sum()
    }

    /// One phase: every device makes a change and syncs once a `period` for `seconds`.
    fn phase(&mut self, seed: u64, period: f64, seconds: u64) -> Fig {
        let relay0 = self.relay_cpu();
        let pg0 = self.pg.as_ref().map_or(0.0, PgProcs::cpu_seconds);
        let self0 = cpu_seconds("/proc/self/stat");
        let m0 = machine_cpu();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let peak = Mutex::new(PgMemory::default());
        let (devs, ledger, pg, workers) = (&self.devs, &self.ledger, &self.pg, self.workers);
        let logs = std::thread::scope(|s| {
            if let Some(pg) = pg {
                let peak = &peak;
                s.spawn(move || {
                    while Instant::now() < deadline {
                        let m = pg.memory();
                        let mut p = lock(peak);
                        *p = p.max(m);
                        drop(p);
                        std::thread::sleep(Duration::from_millis(500));
                    }
                });
            }
            drive(
                devs,
                ledger,
                seed,
                Duration::from_secs_f64(period),
                (started, deadline),
                workers,
            )
        });
        let wall = started.elapsed().as_secs_f64();
        let m1 = machine_cpu();
        let mut fig = Fig {
            devices: self.devs.len(),
            workers,
            period,
            seconds: seconds as f64,
            wall,
            relay_cpu: self.relay_cpu() - relay0,
            pg_cpu: self.pg.as_ref().map_or(0.0, PgProcs::cpu_seconds) - pg0,
            dev_cpu: cpu_seconds("/proc/self/stat") - self0,
            machine_busy: (m1.0 - m0.0) / (m1.1 - m0.1).max(1.0),
            ..Fig::default()
        };
        self.pg_peak = self.pg_peak.max(*lock(&peak));
        for (made, log) in self.made.iter_mut().zip(&logs) {
            fig.syncs.extend(&log.syncs);
            fig.rounds.extend(&log.rounds);
            fig.late.extend(&log.late);
            fig.timed.extend(
                log.timed
                    .iter()
                    .map(|(at, d, r)| (at.saturating_duration_since(started), *d, *r)),
            );
            fig.due_to_done.extend(&log.due_to_done);
            fig.errors += log.errors.len();
            if fig.first_error.is_none() {
                fig.first_error = log.errors.first().cloned();
            }
            fig.changes += log.changes();
            made.extend(log.verifications.iter().cloned());
        }
        fig
    }

    /// The load at the requirement's period, then raised until it saturates; the main
    /// phase's figures and where it saturated.
    fn measure(&mut self, o: &Opts, pg: bool) -> (Fig, String) {
        // Each simulated device's first change after the setup's first sync splits the
        // columns of the documents it loaded whole, and this process faults in its new memory
        // (2,000 devices: most of its CPU for the first seconds, in the kernel zeroing pages,
        // and the sync calls of those seconds wait for the cores). A phone pays that once, on
        // its own CPU; the load is measured from the devices' second period on.
        if o.warmup > 0 {
            let warm = self.phase(o.seed ^ 0x5741_524d, o.period, o.warmup);
            println!(
                "(setup) warm-up, not measured: {} s of the same load, {} syncs, p99 {:.1} ms (max {:.1} ms), {} sync errors",
                o.warmup,
                warm.syncs.len(),
                warm.p99(),
                pct(&mut warm.syncs.clone(), 100.0),
                warm.errors
            );
        }
        println!(
            "load: one change and one sync per device every {} s, {} s",
            o.period, o.seconds
        );
        let main = self.phase(o.seed, o.period, o.seconds);
        main.print(pg);
        let capacity = Opts::cores() * 1000.0 / (main.relay_ms() + main.pg_ms()).max(1e-9);
        println!(
            "  at this CPU per sync the {} cores would carry {capacity:.0} syncs/s for the relays{} alone (the devices' CPU elsewhere)",
            Opts::cores(),
            if pg { " and PostgreSQL" } else { "" }
        );
        // The load is raised until the syncs made fall behind those offered (or fail); the
        // first step whose p99 passes the goal is noted on the way.
        let mut over_goal = (main.p99() > GOAL_P99_MS).then(|| main.at_load(pg));
        let mut saturated = main
            .saturated()
            .map(|why| format!("{why} {}", main.at_load(pg)));
        let mut period = o.period;
        for step in 1..=o.ramp_steps {
            if saturated.is_some() {
                break;
            }
            period /= 2.0;
            println!("ramp step {step}: period {period} s, {} s", o.ramp_seconds);
            let f = self.phase(o.seed ^ ((step as u64) << 32), period, o.ramp_seconds);
            f.print(pg);
            if over_goal.is_none() && f.p99() > GOAL_P99_MS {
                over_goal = Some(f.at_load(pg));
            }
            saturated = f.saturated().map(|why| format!("{why} {}", f.at_load(pg)));
        }
        let top = main.devices as f64 / period;
        let within = self.within_goal(o, &main, pg);
        let saturation = format!(
            "syncs fall behind: {}; p99 over {GOAL_P99_MS} ms: {}; p99 within {GOAL_P99_MS} ms: {within}",
            saturated.unwrap_or_else(|| format!("not up to {top:.1} syncs/s offered")),
            over_goal.unwrap_or_else(|| format!("not up to {top:.1} syncs/s offered"))
        );
        println!("saturates: {saturation}");
        (main, saturation)
    }

    /// The highest load tried whose p99 meets the goal. When the requirement's load is over
    /// the goal, the load is lowered (the period doubled each step, `--ramp-steps` steps of
    /// `--ramp-seconds`) until a phase meets it, so that the figures say what the setup
    /// carries within the goal on this machine.
    fn within_goal(&mut self, o: &Opts, main: &Fig, pg: bool) -> String {
        if main.p99() <= GOAL_P99_MS {
            return format!("at the requirement's load {}", main.at_load(pg));
        }
        let mut period = o.period;
        for step in 1..=o.ramp_steps {
            period *= 2.0;
            println!("lower step {step}: period {period} s, {} s", o.ramp_seconds);
            let f = self.phase(o.seed ^ ((step as u64) << 40), period, o.ramp_seconds);
            f.print(pg);
            if f.p99() <= GOAL_P99_MS {
                return f.at_load(pg);
            }
        }
        let bottom = main.devices as f64 / period;
        format!("not down to {bottom:.1} syncs/s offered")
    }

    /// Two passes of syncs over every device; stops the relays and reports their memory.
    fn finish(&mut self) {
        let (failed, d) = gridbook_bench::time(|| final_syncs(&self.devs, 2));
        println!(
            "final syncs (2 passes over every device): {:.1} s, {failed} failed",
            d.as_secs_f64()
        );
        for (i, r) in self.relays.iter().enumerate() {
            println!(
                "relay {i} (pid {}): peak RSS (VmHWM) {:.0} MiB, at the end (VmRSS) {:.0} MiB",
                r.child.id(),
                r.status("VmHWM:"),
                r.status("VmRSS:")
            );
        }
        if let Some(pg) = &self.pg {
            let now = pg.memory();
            println!(
                "PostgreSQL: {} processes; at the end RSS {:.0} MiB summed, PSS {:.0} MiB (shared pages divided among the processes); largest seen under load RSS {:.0} MiB, PSS {:.0} MiB",
                now.processes, now.rss, now.pss, self.pg_peak.rss, self.pg_peak.pss
            );
        }
        for r in self.relays.drain(..) {
            r.stop();
        }
    }
}

/// The devices, enrolled with `tokens` and synced once, each sending its requests to `urls`
/// in turn.
fn devices(tokens: &[(String, String)], urls: &[String], tmp: &Path) -> Res<Vec<LoadDevice>> {
    let (devs, d) = gridbook_bench::time(|| open_devices(false, tokens, urls, tmp));
    let devs = devs?;
    println!(
        "(setup) {} devices enrolled and synced their village in {:.1} s",
        devs.len(),
        d.as_secs_f64()
    );
    Ok(devs)
}

/// A device may have a connection open to each relay it syncs with (for the rounds of a
/// session, and between sessions less than `REUSE_IDLE` apart): the relays are told to take
/// them all, with room to spare.
fn connections(o: &Opts) -> Vec<(&'static str, String)> {
    let n = (o.devices * 2).max(1024);
    vec![("GRIDBOOK_RELAY_MAX_CONNECTIONS", n.to_string())]
}

fn sqlite(o: &Opts, tmp: &Path) -> Res<Outcome> {
    println!(
        "\n## (a) one SQLite relay: {} devices over {} villages (one township: a SQLite relay serves one)",
        o.devices, o.villages
    );
    let rdir = tmp.join("relay-sqlite");
    let t = setup::township(&rdir, o.seed, o.villages, o.households, o.devices)?;
    let relay = ChildRelay::spawn_env(&o.relay_bin, &rdir, connections(o))?;
    println!(
        "relay: child process {} (pid {}) at {}",
        o.relay_bin.display(),
        relay.child.id(),
        relay.url
    );
    let devs = devices(
        &t.tokens,
        std::slice::from_ref(&relay.url),
        &tmp.join("devices-a"),
    )?;
    let mut run = Run {
        made: vec![Vec::new(); devs.len()],
        relays: vec![relay],
        pg: None,
        devs,
        ledger: t.ledger,
        pg_peak: PgMemory::default(),
        workers: o.workers,
    };
    let (main, saturation) = run.measure(o, false);
    run.finish();
    let store = gridbook_store::Store::open(&rdir)?;
    let heads: BTreeMap<String, String> = store.doc_heads()?.into_iter().collect();
    let arrival = Arrival::check(&run.devs, &run.made, &heads)?;
    println!("{}", arrival.line());
    let at_relay = gridbook_bench::load::verification_ids(&rdir)?;
    let missing = run
        .made
        .iter()
        .flatten()
        .filter(|id| !at_relay.contains(*id))
        .count();
    println!("verifications missing at the relay: {missing}");
    let arrived = arrival.all() && missing == 0;
    println!("every change arrived everywhere: {}", yes(arrived));
    Ok(Outcome {
        label: "(a)",
        main,
        arrived,
        saturation,
    })
}

fn postgres(o: &Opts, tmp: &Path, pg: &Postgres) -> Res<Outcome> {
    println!(
        "\n## (b) two relay processes on one PostgreSQL: {} devices over {} villages in {} townships; each device's requests go to the two in turn",
        o.devices, o.villages, o.townships
    );
    let url = pg.database();
    let mut ledger = Ledger::new();
    let mut tokens = Vec::new();
    let mut first_dir = None;
    let (mut docs, mut moving) = (0, Duration::ZERO);
    for k in 0..o.townships {
        // Villages and devices shared out as evenly as they go.
        let share = |n: usize| n / o.townships + usize::from(k < n % o.townships);
        let dir = tmp.join(format!("township-{k}"));
        let t = setup::township(
            &dir,
            o.seed + 1 + k as u64,
            share(o.villages).max(1),
            o.households,
            share(o.devices),
        )?;
        let (n, d) = gridbook_bench::time(|| setup::migrate(&o.relay_bin, &dir, &url));
        docs += n?;
        moving += d;
        ledger.extend(t.ledger);
        tokens.extend(t.tokens);
        first_dir.get_or_insert(dir);
    }
    println!(
        "(setup) {} townships moved into PostgreSQL with `relay migrate --to-postgres` ({docs} documents, their devices with their tokens) in {:.1} s",
        o.townships,
        moving.as_secs_f64()
    );
    let dir = first_dir.ok_or("no township")?;
    let env = || {
        let mut env = connections(o);
        env.push(("GRIDBOOK_RELAY_POSTGRES", url.clone()));
        env
    };
    let relays = [
        ChildRelay::spawn_env(&o.relay_bin, &dir, env())?,
        ChildRelay::spawn_env(&o.relay_bin, &dir, env())?,
    ];
    let procs = PgProcs::of(pg)?;
    println!(
        "relays: two child processes (pids {} and {}) at {} and {}; PostgreSQL {} (postmaster pid {}, port {})",
        relays[0].child.id(),
        relays[1].child.id(),
        relays[0].url,
        relays[1].url,
        pg.dir().display(),
        pg.server_pid().unwrap_or(0),
        pg.port
    );
    let urls: Vec<String> = relays.iter().map(|r| r.url.clone()).collect();
    let devs = devices(&tokens, &urls, &tmp.join("devices-b"))?;
    let mut run = Run {
        made: vec![Vec::new(); devs.len()],
        relays: relays.into(),
        pg: Some(procs),
        devs,
        ledger,
        pg_peak: PgMemory::default(),
        workers: o.workers,
    };
    let (main, saturation) = run.measure(o, true);
    run.finish();
    let heads = setup::pg_heads(pg, &url);
    let arrival = Arrival::check(&run.devs, &run.made, &heads)?;
    println!("{}", arrival.line());
    let arrived = arrival.all();
    println!(
        "every change arrived everywhere (every device has PostgreSQL's heads, which hold every device's changes, and every verification of its village): {}",
        yes(arrived)
    );
    Ok(Outcome {
        label: "(b)",
        main,
        arrived,
        saturation,
    })
}
