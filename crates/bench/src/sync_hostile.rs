//! Part 8 of bench-sync (`--only hostile`): the honest load of part 5 with and without hostile
//! connections, in one run: a control relay, then an attacked one, each a child process.
//!
//! Each relay goes through three phases of `--seconds` each: quiet (the `--devices` light devices of part 5, one change
//! per device per second), hostile (the same, while `--hostile` devices with valid tokens send
//! the largest compressed body the relay accepts, a 2 KB zstd frame that expands to 64 MiB,
//! again and again on their own connections, see `gridbook_bench::hostile`), and quiet again.
//! For each phase: p50/p99 of an honest sync call, changes made, sync errors, relay CPU, and
//! the relay's memory: its peak resident set so far (`VmHWM` of `/proc/PID/status` at the end
//! of the phase) and the largest `VmRSS` sampled every 50 ms during the phase.
//!
//! Goals (the README's bounds): the relay's peak stays under its base (the peak of the quiet
//! phase) plus the 256 MiB budget for bodies in flight (`gridbook_relay::budget::BUDGET`); the
//! honest p99 during the hostile phase is at most twice that of the control relay's middle
//! phase (the same devices and load, nobody attacking: a relay's cost per sync grows with its
//! documents, so each phase is slower than the one before even without an attack).

use super::load::{drive, enroll_tokens, ledger_of, lock, open_devices, DeviceLog};
use super::*;

/// What one phase measured.
struct Phase {
    name: &'static str,
    syncs: Vec<Duration>,
    changes: usize,
    errors: usize,
    first_error: Option<String>,
    relay_cpu: f64,
    wall: Duration,
    /// The relay's VmHWM at the end of the phase, MiB.
    hwm: f64,
    /// The largest VmRSS sampled during the phase, MiB.
    rss_max: f64,
    hostile: BTreeMap<u16, usize>,
    hostile_sent: usize,
}

pub(super) fn hostile(o: &Opts, tmp: &Path) -> Res<()> {
    let n_hostile = if o.hostile == 0 { 8 } else { o.hostile };
    println!(
        "\n## 8. hostile load: {} honest light devices over {} villages, one change per device per second; phases quiet, {n_hostile} hostile connections, quiet; {} s each",
        o.devices, o.load_villages, o.seconds
    );
    // The relay's cost per sync grows as its documents do, so a later phase is slower than
    // the first one even without an attack. The baseline is therefore a control run: a fresh
    // relay and the same devices and phases with nobody attacking in the middle one.
    println!("### control run: the same three phases, nobody attacking");
    let control = run(o, tmp, "relay-control", 0)?;
    println!("### attacked run");
    let phases = run(o, tmp, "relay-hostile", n_hostile)?;

    let p99_first = pct(&mut phases[0].syncs.clone(), 99.0);
    let p99_control = pct(&mut control[1].syncs.clone(), 99.0);
    let p99_attacked = pct(&mut phases[1].syncs.clone(), 99.0);
    let base = phases[0].hwm;
    let bound = base + (gridbook_relay::budget::BUDGET >> 20) as f64;
    let peak = phases[1].hwm;
    println!(
        "relay peak RSS under attack {peak:.0} MiB; bound: quiet peak {base:.0} MiB + budget {} MiB = {bound:.0} MiB: {}",
        gridbook_relay::budget::BUDGET >> 20,
        if peak <= bound { "within" } else { "EXCEEDED" }
    );
    let ratio = p99_attacked / p99_control.max(0.001);
    println!(
        "honest p99 under attack {p99_attacked:.1} ms vs the control run's same phase {p99_control:.1} ms: {ratio:.2}× (goal ≤ 2×): {}",
        if ratio <= 2.0 { "met" } else { "MISSED" }
    );
    println!(
        "(for reference: the attacked run's first, quiet phase {p99_first:.1} ms; {:.2}×)",
        p99_attacked / p99_first.max(0.001)
    );
    Ok(())
}

/// One relay through the three phases, `n_hostile` connections attacking in the middle one.
fn run(o: &Opts, tmp: &Path, name: &str, n_hostile: usize) -> Res<Vec<Phase>> {
    let rdir = tmp.join(name);
    let store = build_relay_store(&rdir, o.seed, o.load_villages, o.load_households)?;
    let villages: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = ledger_of(&store, &villages)?;
    drop(store);
    let tokens = enroll_tokens(&rdir, &villages, o.devices)?;
    let registry = Devices::open(&rdir)?;
    let mut hostile_tokens = Vec::new();
    for i in 0..n_hostile {
        let v = &villages[i % villages.len()];
        hostile_tokens.push(
            registry
                .add(&format!("hostile-{i}"), "grid-worker", Some(v))?
                .1,
        );
    }
    drop(registry);
    let bomb = gridbook_bench::hostile::bomb();
    let Started { relay, url } = Measured::start(o, &rdir)?;
    let relay_in_process = matches!(relay, Measured::InProcess);
    let dev_dir = tmp.join(format!("{name}-devices"));
    std::fs::create_dir_all(&dev_dir)?;
    let (devs, d) = time(|| open_devices(o, &tokens, &url, &dev_dir));
    let devs = devs?;
    println!(
        "(setup) {} devices enrolled and synced their village in {:.1} s; VmHWM {:.0} MiB, VmRSS {:.0} MiB",
        devs.len(),
        d.as_secs_f64(),
        relay.status("VmHWM:"),
        relay.status("VmRSS:")
    );

    let mut phases = Vec::new();
    for (name, attackers) in [
        ("quiet", &[][..]),
        (
            if n_hostile == 0 { "middle" } else { "hostile" },
            &hostile_tokens[..],
        ),
        ("quiet again", &[][..]),
    ] {
        let relay_cpu0 = relay.cpu_seconds();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(o.seconds);
        let hostile_logs: Mutex<Vec<gridbook_bench::hostile::HostileLog>> = Mutex::new(Vec::new());
        let rss_max = Mutex::new(0.0f64);
        let logs: Vec<DeviceLog> = std::thread::scope(|s| {
            s.spawn(|| {
                while Instant::now() < deadline {
                    let rss = relay.status("VmRSS:");
                    let mut m = lock(&rss_max);
                    *m = m.max(rss);
                    drop(m);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
            for token in attackers {
                let (url, hostile_logs, bomb) = (&url, &hostile_logs, &bomb);
                s.spawn(move || {
                    let log = gridbook_bench::hostile::run_with(url, token, deadline, bomb);
                    lock(hostile_logs).push(log);
                });
            }
            drive(
                &devs,
                &ledger,
                o.seed ^ phases.len() as u64,
                started,
                deadline,
            )
        });
        let mut hostile = BTreeMap::new();
        let mut hostile_sent = 0;
        for l in lock(&hostile_logs).iter() {
            hostile_sent += l.sent;
            for (k, v) in &l.statuses {
                *hostile.entry(*k).or_default() += v;
            }
        }
        let errors: Vec<&String> = logs.iter().flat_map(|l| l.errors.iter()).collect();
        let rss_max = *lock(&rss_max);
        let mut phase = Phase {
            name,
            syncs: logs.iter().flat_map(|l| l.syncs.iter().copied()).collect(),
            changes: logs.iter().map(DeviceLog::changes).sum(),
            errors: errors.len(),
            first_error: errors.first().map(|e| (*e).clone()),
            relay_cpu: relay.cpu_seconds() - relay_cpu0,
            wall: started.elapsed(),
            hwm: relay.status("VmHWM:"),
            rss_max,
            hostile,
            hostile_sent,
        };
        report(o, &mut phase, bomb.len());
        phases.push(phase);
    }
    relay.stop();
    if relay_in_process {
        println!("(the relay ran in this process: the figures above include the 200 light devices and the hostile clients; the growth from the quiet phase is the relay's)");
    }

    Ok(phases)
}

/// Prints one phase.
fn report(o: &Opts, p: &mut Phase, bomb: usize) {
    let n = p.syncs.len();
    println!(
        "### {}: {n} honest syncs in {:.1} s, {} changes ({:.0}% of those offered), {} sync errors",
        p.name,
        p.wall.as_secs_f64(),
        p.changes,
        100.0 * p.changes as f64 / (o.devices as f64 * o.seconds as f64).max(1.0),
        p.errors
    );
    if let Some(e) = &p.first_error {
        println!("  first sync error: {e}");
    }
    println!(
        "  one honest sync call  p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms",
        pct(&mut p.syncs, 50.0),
        pct(&mut p.syncs, 99.0),
        pct(&mut p.syncs, 100.0)
    );
    if p.hostile_sent > 0 {
        println!(
            "  hostile: {} bodies of {} B expanding to 64 MiB sent; answers by status {:?} (0: no answer)",
            p.hostile_sent,
            bomb,
            p.hostile
        );
    }
    println!(
        "  relay: CPU {:.1} s over {:.1} s wall on {} cores; VmRSS max {:.0} MiB (sampled every 50 ms); VmHWM at the end {:.0} MiB",
        p.relay_cpu,
        p.wall.as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        p.rss_max,
        p.hwm
    );
}

/// The relay of part 8 and where its memory is read: a child process (`VmHWM`/`VmRSS` of its
/// `/proc/PID/status`), or, without the `gridbook` binary or with `--in-process-relay`, this
/// process (the relay's own serving loop, `gridbook_relay::serve_relay`, on a thread; its
/// figures then include the devices and the hostile clients).
enum Measured {
    Child(ChildRelay),
    InProcess,
}

struct Started {
    relay: Measured,
    url: String,
}

impl Measured {
    fn start(o: &Opts, rdir: &Path) -> Res<Started> {
        let bin = o
            .relay_bin
            .clone()
            .filter(|b| b.is_file() && !o.in_process_relay);
        if let Some(bin) = bin {
            let c = ChildRelay::spawn(&bin, rdir)?;
            println!(
                "relay: child process {} (pid {}) at {}; its memory from /proc/{}/status",
                bin.display(),
                c.child.id(),
                c.url,
                c.child.id()
            );
            let url = c.url.clone();
            return Ok(Started {
                relay: Measured::Child(c),
                url,
            });
        }
        let store = Arc::new(Store::open(rdir)?);
        let devices = Arc::new(Devices::open(rdir)?);
        let relay = Relay::new(store, devices)?;
        let options = gridbook_relay::Options {
            listen: "127.0.0.1:0".into(),
            ..gridbook_relay::Options::default()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        // Serves until the process ends.
        std::thread::spawn(move || {
            if let Err(e) = gridbook_relay::serve_relay(relay, &options, |addr, _| {
                let _ = tx.send(addr);
            }) {
                eprintln!("relay: {e}");
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(60))?;
        let url = format!("http://{addr}");
        println!(
            "relay: IN THIS PROCESS at {url} (its serving loop on a thread; memory from /proc/self/status, devices and hostile clients included)"
        );
        Ok(Started {
            relay: Measured::InProcess,
            url,
        })
    }

    fn status(&self, key: &str) -> f64 {
        match self {
            Measured::Child(c) => c.status(key),
            Measured::InProcess => proc_status(std::process::id(), key),
        }
    }

    fn cpu_seconds(&self) -> f64 {
        match self {
            Measured::Child(c) => c.cpu_seconds(),
            Measured::InProcess => cpu_seconds("/proc/self/stat"),
        }
    }

    fn stop(self) {
        if let Measured::Child(c) = self {
            c.stop();
        }
    }
}

/// `bench-sync --data DIR relay serve --listen ADDR`: this program as the child relay of part
/// 8 when the `gridbook` binary is not built (`--relay-bin` pointing at bench-sync itself): the
/// relay's own `run_with`, its log filter from `GRIDBOOK_LOG`, the bound address on stdout as
/// `gridbook relay serve` prints it. `None` when the arguments ask for something else.
pub(super) fn serve_as_relay() -> Option<Res<()>> {
    let args: Vec<String> = std::env::args().collect();
    let is = |i: usize, s: &str| args.get(i).is_some_and(|a| a == s);
    if !(is(1, "--data") && is(3, "relay") && is(4, "serve") && is(5, "--listen")) {
        return None;
    }
    let (dir, listen) = (PathBuf::from(&args[2]), args.get(6)?.clone());
    Some((|| -> Res<()> {
        gridbook_relay::ops::log::init(gridbook_relay::ops::log::LogFormat::Text, None)?;
        let options = gridbook_relay::Options {
            listen,
            ..gridbook_relay::Options::default()
        };
        gridbook_relay::run_with(&dir, &options, |addr, _| {
            println!("中继已启动 http://{addr}");
        })?;
        Ok(())
    })())
}
