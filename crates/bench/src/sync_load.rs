//! Part 5 of bench-sync: `--devices` devices spread over `--load-villages` villages, each
//! making one change per second and syncing, against a relay in a child process.
//!
//! Devices are light by default ([`gridbook_bench::light_device`]: real Automerge documents,
//! real changes, the real sync engine and HTTP client, no SQLite of their own), so that the
//! figures are the relay's and not those of 200 device stores sharing its two cores.
//! `--full-devices` makes each device a full store (SQLite, projections) in this process, on
//! `/dev/shm` unless `--devices-on-disk`.

use super::*;
use gridbook_bench::light_device::LightDevice;
use gridbook_store::Val;
use gridbook_sync::client::{sync_with, Client};

/// What one device did during the load.
#[derive(Default)]
pub(super) struct DeviceLog {
    pub(super) syncs: Vec<Duration>,
    pub(super) rounds: Vec<usize>,
    bytes: Vec<usize>,
    pub(super) errors: Vec<String>,
    refused: usize,
    verifications: Vec<String>,
    phone_edits: usize,
    change_errors: usize,
}

impl DeviceLog {
    /// Changes made (verifications and phone edits).
    pub(super) fn changes(&self) -> usize {
        self.verifications.len() + self.phone_edits
    }
}

/// Households and persons of each village, for the devices' changes.
pub(super) type Ledger = HashMap<String, (Vec<String>, Vec<String>)>;

/// One simulated device of the load.
pub(super) struct LoadDevice {
    kind: DeviceKind,
    village: String,
    /// Where a full device's store lives.
    dir: PathBuf,
}

enum DeviceKind {
    Full(Store),
    Light {
        device: LightDevice,
        client: Client,
        peer: String,
    },
}

impl LoadDevice {
    fn open(dir: PathBuf, village: &str, url: &str, token: &str, full: bool) -> Res<LoadDevice> {
        let kind = if full {
            let store = Store::open(&dir)?;
            enroll(&store, url, token, None)?;
            DeviceKind::Full(store)
        } else {
            let client = Client::new(url, token);
            let peer = format!("relay:{}", client.hello()?.relay_id);
            DeviceKind::Light {
                device: LightDevice::new(&format!("load-{}", dir.display())),
                client,
                peer,
            }
        };
        let dev = LoadDevice {
            kind,
            village: village.to_owned(),
            dir,
        };
        dev.sync()?;
        Ok(dev)
    }

    fn ledger(&self) -> String {
        gridbook_store::doc_id(gridbook_store::DocKind::Ledger, &self.village)
    }

    pub(super) fn sync(&self) -> Res<SyncStats> {
        Ok(match &self.kind {
            DeviceKind::Full(store) => sync(store)?,
            DeviceKind::Light {
                device,
                client,
                peer,
            } => sync_with(device, peer, |r| client.post(r))?,
        })
    }

    /// A check of household `hid`: the event id.
    fn verify(&self, hid: &str) -> Option<String> {
        match &self.kind {
            DeviceKind::Full(store) => store.verify_household(hid).ok(),
            DeviceKind::Light { device, .. } => device.verify_household(&self.ledger(), hid),
        }
    }

    fn set_phone(&self, pid: &str, phone: String) -> bool {
        match &self.kind {
            DeviceKind::Full(store) => store.set_person(pid, &[("phone".into(), phone)]).is_ok(),
            DeviceKind::Light { device, .. } => device.set(
                &self.ledger(),
                pid,
                &[("phone".into(), Val::from(phone))],
                "edit",
            ),
        }
    }

    /// Change number `k` of the load: every fifth a phone edit of a random person, the others
    /// a check of a random household; noted in `log`.
    pub(super) fn change(
        &self,
        households: &[String],
        persons: &[String],
        rng: &mut SplitMix64,
        k: u64,
        log: &mut DeviceLog,
    ) {
        let ok = if k % 5 == 4 && !persons.is_empty() {
            let pid = &persons[rng.below(persons.len() as u64) as usize];
            let phone = format!("139{:08}", rng.below(100_000_000));
            let ok = self.set_phone(pid, phone);
            log.phone_edits += usize::from(ok);
            ok
        } else if households.is_empty() {
            false
        } else {
            let hid = &households[rng.below(households.len() as u64) as usize];
            self.verify(hid)
                .map(|eid| log.verifications.push(eid))
                .is_some()
        };
        if !ok {
            log.change_errors += 1;
        }
    }

    /// The village the device serves.
    pub(super) fn village(&self) -> &str {
        &self.village
    }

    fn doc_heads(&self) -> Res<BTreeMap<String, String>> {
        Ok(match &self.kind {
            DeviceKind::Full(store) => store.doc_heads()?.into_iter().collect(),
            DeviceKind::Light { device, .. } => device.doc_heads(),
        })
    }

    /// Ids of the verification events the device holds.
    fn verification_ids(&self) -> Res<BTreeSet<String>> {
        match &self.kind {
            DeviceKind::Full(_) => verification_ids(&self.dir),
            DeviceKind::Light { device, .. } => Ok(device.events(&self.ledger(), "check.")),
        }
    }
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
    let township = store.township_id()?;
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
    let (r, dfin) = time(|| -> Res<usize> {
        let mut failed = 0;
        for _ in 0..2 {
            for dev in &devs {
                if dev.sync().is_err() {
                    failed += 1;
                }
            }
        }
        Ok(failed)
    });
    println!(
        "final syncs (2 passes over every device): {:.1} s, {} failed",
        dfin.as_secs_f64(),
        r?
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

    // Every change arrived everywhere?
    let relay_heads: BTreeMap<String, String> = relay_store.doc_heads()?.into_iter().collect();
    let grid = format!("grid:{township}");
    let mut same = 0;
    let mut diverged = Vec::new();
    for (i, dev) in devs.iter().enumerate() {
        let mine = dev.doc_heads()?;
        let ledger_id = format!("ledger:{}", dev.village);
        let ok = [&ledger_id, &grid].iter().all(|id| {
            mine.get(*id)
                .is_some_and(|h| Some(h) == relay_heads.get(*id))
        });
        if ok {
            same += 1;
        } else {
            diverged.push(i);
        }
    }
    println!(
        "devices whose village ledger and grid have the relay's heads: {same}/{}{}",
        devs.len(),
        if diverged.is_empty() {
            String::new()
        } else {
            format!("  (diverged: {:?})", &diverged[..diverged.len().min(10)])
        }
    );
    // Verifications: every one made is at the relay and on every device of its village.
    let mut made: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (dev, log) in devs.iter().zip(&logs) {
        made.entry(dev.village.as_str())
            .or_default()
            .extend(log.verifications.iter().map(String::as_str));
    }
    let at_relay = verification_ids(&rdir)?;
    let missing_relay: usize = made
        .values()
        .flat_map(|s| s.iter())
        .filter(|id| !at_relay.contains(**id))
        .count();
    let mut devices_missing = 0;
    let mut missing_total = 0;
    for dev in &devs {
        let have = dev.verification_ids()?;
        let miss = made
            .get(dev.village.as_str())
            .map_or(0, |s| s.iter().filter(|id| !have.contains(**id)).count());
        if miss > 0 {
            devices_missing += 1;
            missing_total += miss;
        }
    }
    println!(
        "verifications made {verifications}; present at the relay {} (missing {missing_relay}); devices missing any of their village's: {devices_missing} ({missing_total} missing in all)",
        verifications - missing_relay
    );
    let all_ok = same == devs.len() && missing_relay == 0 && devices_missing == 0;
    println!(
        "every change arrived everywhere: {}",
        if all_ok { "yes" } else { "NO" }
    );
    Ok(())
}

/// Households and persons of each of `villages` in `store`.
pub(super) fn ledger_of(store: &Store, villages: &[String]) -> Res<Ledger> {
    let mut ledger = Ledger::new();
    for v in villages {
        let hh = store.households(Some(v))?;
        let mut persons = Vec::new();
        for h in &hh {
            persons.extend(store.household(&h.id)?.residents.into_iter().map(|p| p.id));
        }
        ledger.insert(v.clone(), (hh.into_iter().map(|h| h.id).collect(), persons));
    }
    Ok(ledger)
}

/// Adds `n` grid-worker devices to the relay registry in `rdir`, spread over `villages` in
/// turn: (village, token) of each.
pub(super) fn enroll_tokens(
    rdir: &Path,
    villages: &[String],
    n: usize,
) -> Res<Vec<(String, String)>> {
    let devices = Devices::open(rdir)?;
    let mut tokens = Vec::new();
    for i in 0..n {
        let v = &villages[i % villages.len()];
        tokens.push((
            v.clone(),
            devices.add(&format!("load-{i}"), "grid-worker", Some(v))?.1,
        ));
    }
    Ok(tokens)
}

/// Opens one device per token (four at a time), each enrolled at `url` and synced once.
pub(super) fn open_devices(
    o: &Opts,
    tokens: &[(String, String)],
    url: &str,
    dev_root: &Path,
) -> Res<Vec<LoadDevice>> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<LoadDevice>>> = Mutex::new((0..tokens.len()).map(|_| None).collect());
    let err: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tokens.len() {
                    break;
                }
                let (v, token) = &tokens[i];
                let dir = dev_root.join(format!("load-dev-{i}"));
                match LoadDevice::open(dir, v, url, token, o.full_devices) {
                    Ok(dev) => lock(&out)[i] = Some(dev),
                    Err(e) => *lock(&err) = Some(format!("device {i}: {e}")),
                }
            });
        }
    });
    if let Some(e) = lock(&err).take() {
        return Err(e.into());
    }
    let v = std::mem::take(&mut *lock(&out));
    Ok(v.into_iter().flatten().collect())
}

/// Runs every device (a change, then a sync, once a second each) from `started` until
/// `deadline`, one thread per device: what each did.
pub(super) fn drive(
    devs: &[LoadDevice],
    ledger: &Ledger,
    seed: u64,
    started: Instant,
    deadline: Instant,
) -> Vec<DeviceLog> {
    std::thread::scope(|s| {
        let handles: Vec<_> = devs
            .iter()
            .enumerate()
            .map(|(i, dev)| s.spawn(move || run_device(i, dev, ledger, seed, started, deadline)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    })
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

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Ids of the verification events in the store of `dir` (read with a plain connection).
fn verification_ids(dir: &Path) -> Res<BTreeSet<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join(gridbook_store::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let mut st =
        conn.prepare("SELECT id FROM events WHERE kind = 'verification' AND deleted = 0")?;
    let ids = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    Ok(ids)
}

/// One device of the load: a change, then a sync, once a second until the deadline.
fn run_device(
    i: usize,
    dev: &LoadDevice,
    ledger: &Ledger,
    seed: u64,
    started: Instant,
    deadline: Instant,
) -> DeviceLog {
    let mut log = DeviceLog::default();
    let Some((households, persons)) = ledger.get(&dev.village) else {
        return log;
    };
    let mut rng = SplitMix64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
    // Devices are not in step: each starts at its own moment of the first second.
    let mut next = started + Duration::from_millis(rng.below(1000));
    let mut k = 0u64;
    loop {
        let now = Instant::now();
        if next >= deadline {
            break;
        }
        if next > now {
            std::thread::sleep(next - now);
        }
        dev.change(households, persons, &mut rng, k, &mut log);
        let (r, d) = time(|| dev.sync());
        match r {
            Ok(s) => {
                log.syncs.push(d);
                log.rounds.push(s.rounds);
                log.bytes.push(s.bytes_sent + s.bytes_received);
                log.refused += s.refused.len();
            }
            Err(e) => log.errors.push(e.to_string()),
        }
        k += 1;
        // One change a second; a device that fell behind does not make up for lost seconds.
        next = (next + Duration::from_secs(1)).max(Instant::now());
    }
    log
}
