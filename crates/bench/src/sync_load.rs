//! Part 5 of bench-sync: `--devices` devices spread over `--load-villages` villages, each
//! making one change per second and syncing, against a relay in a child process.
//!
//! Devices are light by default ([`gridbook_bench::light_device`]: real Automerge documents,
//! real changes, the real sync engine and HTTP client, no SQLite of their own), so that the
//! figures are the relay's and not those of 200 device stores sharing its two cores.
//! `--full-devices` makes each device a full store (SQLite, projections) in this process, on
//! `/dev/shm` unless `--devices-on-disk`.

use super::*;

pub(super) use gridbook_bench::load::{
    enroll_tokens, ledger_of, lock, Arrival, DeviceLog, Ledger, LoadDevice,
};

/// Opens one device per token at `url` (see [`gridbook_bench::load::open_devices`]).
pub(super) fn open_devices(
    o: &Opts,
    tokens: &[(String, String)],
    url: &str,
    dev_root: &Path,
) -> Res<Vec<LoadDevice>> {
    gridbook_bench::load::open_devices(o.full_devices, tokens, &[url.to_owned()], dev_root)
}

/// Runs every device, one change and one sync a second each, from `started` until
/// `deadline` (see [`gridbook_bench::load::drive`]).
pub(super) fn drive(
    devs: &[LoadDevice],
    ledger: &Ledger,
    seed: u64,
    started: Instant,
    deadline: Instant,
) -> Vec<DeviceLog> {
    gridbook_bench::load::drive(
        devs,
        ledger,
        seed,
        Duration::from_secs(1),
        (started, deadline),
        gridbook_bench::load::WORKERS,
    )
}

pub(super) fn load(o: &Opts, tmp: &Path) -> Res<()> {
    println!(
        "\n## 5. load: {} devices over {} villages, one change per device per second, {} s",
        o.devices, o.load_villages, o.seconds
    );
    let rdir = tmp.join("relay-load");
    // Full devices' stores: on tmpfs when there is one (each simulated device would write to
    // its own phone's storage, not to the relay's disk), else next to the relay's.
    let dev_tmp = device_root(o)?;
    let dev_root = dev_tmp.as_ref().map_or(tmp, |d| d.path());
    if o.full_devices {
        println!(
            "devices: full stores (SQLite, projections, Automerge) in this process, in {}",
            dev_root.display()
        );
    } else {
        println!("devices: light (Automerge documents in memory, the real sync engine and HTTP client; no device SQLite)");
    }
    let store = build_relay_store(&rdir, o.seed, o.load_villages, o.load_households)?;
    let villages: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = Arc::new(ledger_of(&store, &villages)?);
    let tokens = enroll_tokens(&rdir, &villages, o.devices)?;
    let devices = Devices::open(&rdir)?;
    let mut hostile_tokens = Vec::new();
    for i in 0..o.hostile {
        let v = &villages[i % villages.len()];
        hostile_tokens.push(
            devices
                .add(&format!("hostile-{i}"), "grid-worker", Some(v))?
                .1,
        );
    }
    drop(devices);

    // The relay: a child process if the gridbook binary is there, else in this process.
    let bin = o
        .relay_bin
        .clone()
        .filter(|b| b.is_file() && !o.in_process_relay);
    let (child, inproc, url) = match &bin {
        Some(b) => {
            drop(store);
            let c = ChildRelay::spawn(b, &rdir)?;
            let url = c.url.clone();
            println!(
                "relay: child process {} (pid {}) at {url}",
                b.display(),
                c.child.id()
            );
            (Some(c), None, url)
        }
        None => {
            let r = InProcRelay::start(&rdir, store)?;
            let url = r.url();
            println!(
                "relay: IN THIS PROCESS at {url} (no gridbook binary found; build it or pass --relay-bin): its RSS below includes the devices"
            );
            (None, Some(r), url)
        }
    };

    // Setup (not measured): every device enrolls and makes its first sync.
    let (devs, d) = time(|| open_devices(o, &tokens, &url, dev_root));
    let devs = devs?;
    println!(
        "(setup) {} devices enrolled and synced their village in {:.1} s",
        devs.len(),
        d.as_secs_f64()
    );
    let relay_cpu0 = child.as_ref().map_or(0.0, ChildRelay::cpu_seconds);
    let self_cpu0 = cpu_seconds("/proc/self/stat");

    // The measured part.
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let hostile_logs: Mutex<Vec<gridbook_bench::hostile::HostileLog>> = Mutex::new(Vec::new());
    let logs: Vec<DeviceLog> = std::thread::scope(|s| {
        for token in &hostile_tokens {
            let (url, hostile_logs) = (&url, &hostile_logs);
            s.spawn(move || {
                let log = gridbook_bench::hostile::run(url, token, deadline);
                lock(hostile_logs).push(log);
            });
        }
        drive(&devs, &ledger, o.seed, started, deadline)
    });
    let wall = started.elapsed();
    if o.hostile > 0 {
        let logs = std::mem::take(&mut *lock(&hostile_logs));
        let sent: usize = logs.iter().map(|l| l.sent).sum();
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        for l in &logs {
            for (k, v) in &l.statuses {
                *statuses.entry(*k).or_default() += v;
            }
        }
        println!(
            "hostile: {} connections sent {sent} bodies of {} B expanding to 64 MiB; answers by status {statuses:?}",
            o.hostile,
            gridbook_bench::hostile::bomb().len()
        );
    }
    let relay_cpu = child.as_ref().map_or(0.0, ChildRelay::cpu_seconds) - relay_cpu0;
    let self_cpu = cpu_seconds("/proc/self/stat") - self_cpu0;

    let mut syncs: Vec<Duration> = logs.iter().flat_map(|l| l.syncs.iter().copied()).collect();
    let mut rounds: Vec<usize> = logs.iter().flat_map(|l| l.rounds.iter().copied()).collect();
    let mut bytes: Vec<usize> = logs.iter().flat_map(|l| l.bytes.iter().copied()).collect();
    let errors: Vec<&String> = logs.iter().flat_map(|l| l.errors.iter()).collect();
    let refused: usize = logs.iter().map(|l| l.refused).sum();
    let verifications: usize = logs.iter().map(|l| l.verifications.len()).sum();
    let phone_edits: usize = logs.iter().map(|l| l.phone_edits).sum();
    let change_errors: usize = logs.iter().map(|l| l.change_errors).sum();
    let n = syncs.len();
    println!(
        "ran {:.1} s: {n} syncs ({:.1}/s), {} changes ({verifications} verifications, {phone_edits} phone edits, {change_errors} failed), {} sync errors, {refused} refused",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        verifications + phone_edits,
        errors.len()
    );
    if let Some(e) = errors.first() {
        println!("  first sync error: {e}");
    }
    let target = o.devices as f64 * o.seconds as f64;
    println!(
        "changes made / offered (one per device per second): {:.0}%",
        100.0 * (verifications + phone_edits) as f64 / target.max(1.0)
    );
    println!(
        "one sync call          p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms",
        pct(&mut syncs, 50.0),
        pct(&mut syncs, 99.0),
        pct(&mut syncs, 100.0)
    );
    println!(
        "rounds per sync        p50 {}  p99 {}  max {}     bytes per sync p50 {}  p99 {}",
        pct_usize(&mut rounds, 50.0),
        pct_usize(&mut rounds, 99.0),
        pct_usize(&mut rounds, 100.0),
        kib(pct_usize(&mut bytes, 50.0)),
        kib(pct_usize(&mut bytes, 99.0))
    );
    println!(
        "CPU during the load: relay {relay_cpu:.1} s, devices (this process) {self_cpu:.1} s, over {:.1} s wall on {} cores",
        wall.as_secs_f64(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // Final syncs: twice, so that every device also gets what the others pushed after it.
    let (failed, dfin) = time(|| gridbook_bench::load::final_syncs(&devs, 2));
    println!(
        "final syncs (2 passes over every device): {:.1} s, {} failed",
        dfin.as_secs_f64(),
        failed
    );

    let (rss_peak, rss_now) = match &child {
        Some(c) => (c.status("VmHWM:"), c.status("VmRSS:")),
        None => (peak_rss_mib(), 0.0),
    };
    let relay_store = match (child, inproc) {
        (Some(c), _) => {
            c.stop();
            Arc::new(Store::open(&rdir)?)
        }
        (None, Some(r)) => {
            let s = r.store.clone();
            drop(r);
            s
        }
        (None, None) => return Err("no relay".into()),
    };
    println!(
        "relay peak RSS (VmHWM) {rss_peak:.0} MiB{}",
        if rss_now > 0.0 {
            format!("  (RSS at the end {rss_now:.0} MiB)")
        } else {
            "  (in-process: includes the devices)".into()
        }
    );
    let db = std::fs::metadata(rdir.join(gridbook_store::DB_FILE)).map_or(0, |m| m.len() as usize);
    println!("relay database file {}", kib(db));

    // Every change arrived everywhere: on the devices of its village (same heads as the
    // relay, every verification), and at the relay (its projections).
    let relay_heads: BTreeMap<String, String> = relay_store.doc_heads()?.into_iter().collect();
    let made: Vec<Vec<String>> = logs.iter().map(|l| l.verifications.clone()).collect();
    let arrival = Arrival::check(&devs, &made, &relay_heads)?;
    println!("{}", arrival.line());
    let at_relay = gridbook_bench::load::verification_ids(&rdir)?;
    let missing_relay = made
        .iter()
        .flatten()
        .filter(|id| !at_relay.contains(*id))
        .count();
    println!(
        "verifications present at the relay {} of {verifications} (missing {missing_relay})",
        verifications - missing_relay
    );
    println!(
        "every change arrived everywhere: {}",
        if arrival.all() && missing_relay == 0 {
            "yes"
        } else {
            "NO"
        }
    );
    Ok(())
}

/// A temporary directory for the load's full device stores: on `/dev/shm` unless
/// `--devices-on-disk` is given or there is no tmpfs there; `None` means next to the relay.
pub(super) fn device_root(o: &Opts) -> Res<Option<tempfile::TempDir>> {
    let shm = Path::new("/dev/shm");
    if o.devices_on_disk || !shm.is_dir() {
        return Ok(None);
    }
    Ok(Some(
        tempfile::Builder::new()
            .prefix("bench-sync-devices-")
            .tempdir_in(shm)?,
    ))
}
