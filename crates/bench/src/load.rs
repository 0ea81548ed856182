//! The load driver of the relay benchmarks (bench-sync part 5 and those built on it,
//! bench-province): simulated devices, each serving one village, making one change and then
//! syncing once a period, their turns taken by a pool of threads ([`WORKERS`]); and the
//! check that every change arrived everywhere.
//!
//! Devices are light by default ([`crate::light_device`]: real Automerge documents, real
//! changes, the real sync engine and HTTP client, no SQLite of their own), so that the figures
//! are the relay's and not those of the device stores sharing its cores; a full device is a
//! store (SQLite, projections) in this process.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use gridbook_relay::Devices;
use gridbook_store::{Store, Val};
use gridbook_sync::client::{enroll, sync, sync_with, Client};
use gridbook_sync::SyncStats;

use crate::light_device::LightDevice;
use crate::relay_proc::Res;
use crate::{time, SplitMix64};

/// What one device did during the load.
#[derive(Default)]
pub struct DeviceLog {
    /// Wall time of each sync call.
    pub syncs: Vec<Duration>,
    /// Round trips of each sync call.
    pub rounds: Vec<usize>,
    /// Bytes sent and received by each sync call.
    pub bytes: Vec<usize>,
    /// Sync calls that failed, with why.
    pub errors: Vec<String>,
    /// Documents the relay refused.
    pub refused: usize,
    /// Ids of the verification events made.
    pub verifications: Vec<String>,
    /// Phone edits made.
    pub phone_edits: usize,
    /// Changes that could not be made.
    pub change_errors: usize,
    /// How long after it was due each turn began (every thread busy with other devices).
    pub late: Vec<Duration>,
    /// From when each turn was due to the end of its sync: the sync's time as the device's
    /// user would see it, waiting for a thread included.
    pub due_to_done: Vec<Duration>,
    /// When each sync call began, with its wall time and round trips (for a timeline).
    pub timed: Vec<(Instant, Duration, usize)>,
}

impl DeviceLog {
    /// Changes made (verifications and phone edits).
    pub fn changes(&self) -> usize {
        self.verifications.len() + self.phone_edits
    }
}

/// Households and persons of each village, for the devices' changes.
pub type Ledger = HashMap<String, (Vec<String>, Vec<String>)>;

/// One simulated device of the load.
pub struct LoadDevice {
    kind: DeviceKind,
    village: String,
    /// Where a full device's store lives.
    dir: PathBuf,
}

enum DeviceKind {
    Full(Box<Store>),
    Light(Box<Light>),
}

/// A light device with its way to the relays.
struct Light {
    device: LightDevice,
    /// One client per relay process; requests go to each in turn.
    clients: Vec<Client>,
    turn: AtomicUsize,
    peer: String,
}

impl LoadDevice {
    /// A device of `village` enrolled with `token`, synced once. A light device sends each
    /// request to the next of `urls` in turn, starting with `urls[first % len]` (relay
    /// processes on one database behind a balancer without sticky routing); a full device
    /// syncs with `urls[first % len]` only.
    pub fn open(
        dir: PathBuf,
        village: &str,
        urls: &[String],
        first: usize,
        token: &str,
        full: bool,
    ) -> Res<LoadDevice> {
        let n = urls.len().max(1);
        let url = urls.get(first % n).ok_or("no relay address")?;
        let kind = if full {
            let store = Store::open(&dir)?;
            enroll(&store, url, token, None)?;
            DeviceKind::Full(Box::new(store))
        } else {
            let clients: Vec<Client> = (0..urls.len())
                .map(|k| Client::new(&urls[(first + k) % n], token))
                .collect();
            let peer = format!("relay:{}", clients[0].hello()?.relay_id);
            DeviceKind::Light(Box::new(Light {
                device: LightDevice::new(&format!("load-{}", dir.display())),
                clients,
                turn: AtomicUsize::new(0),
                peer,
            }))
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

    /// One sync session with the relay.
    pub fn sync(&self) -> Res<SyncStats> {
        Ok(match &self.kind {
            DeviceKind::Full(store) => sync(store)?,
            DeviceKind::Light(l) => sync_with(&l.device, &l.peer, |r| {
                let k = l.turn.fetch_add(1, Ordering::Relaxed);
                l.clients[k % l.clients.len()].post(r)
            })?,
        })
    }

    /// A check of household `hid`: the event id.
    fn verify(&self, hid: &str) -> Option<String> {
        match &self.kind {
            DeviceKind::Full(store) => store.verify_household(hid).ok(),
            DeviceKind::Light(l) => l.device.verify_household(&self.ledger(), hid),
        }
    }

    fn set_phone(&self, pid: &str, phone: String) -> bool {
        match &self.kind {
            DeviceKind::Full(store) => store.set_person(pid, &[("phone".into(), phone)]).is_ok(),
            DeviceKind::Light(l) => l.device.set(
                &self.ledger(),
                pid,
                &[("phone".into(), Val::from(phone))],
                "edit",
            ),
        }
    }

    /// Change number `k` of the load: every fifth a phone edit of a random person, the others
    /// a check of a random household; noted in `log`.
    pub fn change(
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
    pub fn village(&self) -> &str {
        &self.village
    }

    /// Heads of every document the device holds.
    pub fn doc_heads(&self) -> Res<BTreeMap<String, String>> {
        Ok(match &self.kind {
            DeviceKind::Full(store) => store.doc_heads()?.into_iter().collect(),
            DeviceKind::Light(l) => l.device.doc_heads(),
        })
    }

    /// Ids of the verification events the device holds.
    pub fn verification_ids(&self) -> Res<BTreeSet<String>> {
        match &self.kind {
            DeviceKind::Full(_) => verification_ids(&self.dir),
            DeviceKind::Light(l) => Ok(l.device.events(&self.ledger(), "check.")),
        }
    }
}

/// Builds a relay store in `dir` with the demo township (`villages` villages, `households`
/// households in all), saying so and how long it took.
pub fn build_relay_store(
    dir: &Path,
    seed: u64,
    villages: usize,
    households: usize,
) -> Res<Arc<Store>> {
    let store = Store::open(dir)?;
    let today = store.now_local().date();
    let (r, d) = time(|| store.demo(seed, villages, households, today));
    let r = r?;
    println!(
        "(setup) relay store: {} villages, {} households, {} persons built in {:.1} s",
        r.villages,
        r.households_created,
        r.persons_created,
        d.as_secs_f64()
    );
    Ok(Arc::new(store))
}

/// Households and persons of each of `villages` in `store`.
pub fn ledger_of(store: &Store, villages: &[String]) -> Res<Ledger> {
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
pub fn enroll_tokens(rdir: &Path, villages: &[String], n: usize) -> Res<Vec<(String, String)>> {
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

/// Opens one device per token (four at a time), each enrolled and synced once; device `i`
/// starts with relay `urls[i % len]` (see [`LoadDevice::open`]).
pub fn open_devices(
    full: bool,
    tokens: &[(String, String)],
    urls: &[String],
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
                match LoadDevice::open(dir, v, urls, i, token, full) {
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

/// Threads that take the devices' turns. A turn is a change and a sync (a few milliseconds
/// while the relay keeps up), so a few hundred threads serve thousands of devices, enough
/// that a turn seldom waits for one at the requirement's load; each device still has at most
/// one sync in flight, as a phone does. A thread per device would give the allocator a heap
/// per device whose memory is handed back between turns and faulted in (zeroed by the
/// kernel) again at the next: that, not the devices' work, was most of this process's CPU.
pub const WORKERS: usize = 256;

/// One device's state between its turns.
struct Turn {
    rng: SplitMix64,
    /// Changes made so far.
    k: u64,
    log: DeviceLog,
}

/// Runs every device (a change, then a sync, once a `period` each) from `started` until
/// `deadline`, on `workers` threads (see [`WORKERS`]): what each did. A turn due while every thread is busy
/// starts late; [`DeviceLog::late`] says by how much.
pub fn drive(
    devs: &[LoadDevice],
    ledger: &Ledger,
    seed: u64,
    period: Duration,
    (started, deadline): (Instant, Instant),
    workers: usize,
) -> Vec<DeviceLog> {
    let turns: Vec<Mutex<Turn>> = (0..devs.len())
        .map(|i| {
            Mutex::new(Turn {
                rng: SplitMix64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9)),
                k: 0,
                log: DeviceLog::default(),
            })
        })
        .collect();
    // Devices are not in step: each starts at its own moment of the first period.
    let mut due: BinaryHeap<Reverse<(Instant, usize)>> = turns
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let first = lock(t).rng.below(period.as_millis().max(1) as u64);
            Reverse((started + Duration::from_millis(first), i))
        })
        .filter(|Reverse((at, _))| *at < deadline)
        .collect();
    let (work_tx, work_rx) = mpsc::channel::<(Instant, usize)>();
    let (done_tx, done_rx) = mpsc::channel::<(Instant, usize)>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, devs.len().max(1)) {
            let (work_rx, done_tx, turns) = (&work_rx, done_tx.clone(), &turns);
            s.spawn(move || loop {
                let job = lock(work_rx).recv();
                let Ok((at, i)) = job else { break };
                let next = take_turn(&devs[i], &mut lock(&turns[i]), ledger, at, period);
                if done_tx.send((next, i)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Hands each turn to the threads when it is due, and takes the next turn of each
        // device back when its sync is over.
        let mut running = 0usize;
        loop {
            let now = Instant::now();
            while let Some(Reverse((at, i))) = due.peek().copied() {
                if at > now || work_tx.send((at, i)).is_err() {
                    break;
                }
                due.pop();
                running += 1;
            }
            if due.is_empty() && running == 0 {
                break;
            }
            let wait = due
                .peek()
                .map_or(Duration::from_secs(3600), |Reverse((at, _))| {
                    at.saturating_duration_since(now)
                });
            match done_rx.recv_timeout(wait) {
                Ok((next, i)) => {
                    running -= 1;
                    if next < deadline {
                        due.push(Reverse((next, i)));
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        drop(work_tx);
    });
    turns
        .into_iter()
        .map(|t| t.into_inner().unwrap_or_else(|p| p.into_inner()).log)
        .collect()
}

/// Locks `m`, also after a thread panicked holding it.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Ids of the verification events in the store of `dir` (read with a plain connection).
pub fn verification_ids(dir: &Path) -> Res<BTreeSet<String>> {
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

/// Device `dev`'s turn due at `at`: a change, then a sync, noted in `turn`. Returns when its
/// next turn is due: a period later, or now if this one ran past that (a device that fell
/// behind does not make up for lost time).
fn take_turn(
    dev: &LoadDevice,
    turn: &mut Turn,
    ledger: &Ledger,
    at: Instant,
    period: Duration,
) -> Instant {
    if let Some((households, persons)) = ledger.get(&dev.village) {
        turn.log.late.push(at.elapsed());
        dev.change(households, persons, &mut turn.rng, turn.k, &mut turn.log);
        let began = Instant::now();
        let (r, d) = time(|| dev.sync());
        match r {
            Ok(s) => {
                turn.log.timed.push((began, d, s.rounds));
                turn.log.syncs.push(d);
                turn.log.rounds.push(s.rounds);
                turn.log.bytes.push(s.bytes_sent + s.bytes_received);
                turn.log.refused += s.refused.len();
            }
            Err(e) => turn.log.errors.push(e.to_string()),
        }
        turn.k += 1;
        turn.log.due_to_done.push(at.elapsed());
    }
    (at + period).max(Instant::now())
}

/// Syncs every device `passes` times in turn, so that each also gets what the others pushed
/// after it: failed syncs.
pub fn final_syncs(devs: &[LoadDevice], passes: usize) -> usize {
    let mut failed = 0;
    for _ in 0..passes {
        for dev in devs {
            if dev.sync().is_err() {
                failed += 1;
            }
        }
    }
    failed
}

/// Whether every change of the load arrived everywhere.
#[derive(Debug, Default)]
pub struct Arrival {
    /// Devices whose village ledger and township grid have the relay's heads.
    pub same: usize,
    /// Devices in all.
    pub devices: usize,
    /// Indexes of the first devices that differ.
    pub diverged: Vec<usize>,
    /// Verifications made.
    pub verifications: usize,
    /// Devices missing any verification made in their village, and how many in all.
    pub devices_missing: usize,
    /// Verifications missing on devices, counted once per device.
    pub missing_total: usize,
}

impl Arrival {
    /// Compares each device's village ledger and township grid with `relay_heads` (document
    /// id → heads as the store prints them), and each device's verifications with those
    /// every device of its village made (`made[i]`: the verification ids device `i` made).
    pub fn check(
        devs: &[LoadDevice],
        made: &[Vec<String>],
        relay_heads: &BTreeMap<String, String>,
    ) -> Res<Arrival> {
        let mut a = Arrival {
            devices: devs.len(),
            ..Arrival::default()
        };
        for (i, dev) in devs.iter().enumerate() {
            let mine = dev.doc_heads()?;
            let ledger = dev.ledger();
            let grids: Vec<&String> = mine.keys().filter(|k| k.starts_with("grid:")).collect();
            let ok = grids.len() == 1
                && [&ledger, grids[0]].iter().all(|id| {
                    mine.get(*id)
                        .is_some_and(|h| Some(h) == relay_heads.get(*id))
                });
            if ok {
                a.same += 1;
            } else if a.diverged.len() < 10 {
                a.diverged.push(i);
            }
        }
        let mut by_village: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for (dev, ids) in devs.iter().zip(made) {
            a.verifications += ids.len();
            by_village
                .entry(dev.village())
                .or_default()
                .extend(ids.iter().map(String::as_str));
        }
        for dev in devs {
            let have = dev.verification_ids()?;
            let miss = by_village
                .get(dev.village())
                .map_or(0, |s| s.iter().filter(|id| !have.contains(**id)).count());
            if miss > 0 {
                a.devices_missing += 1;
                a.missing_total += miss;
            }
        }
        Ok(a)
    }

    /// Whether every device has the relay's heads and every verification of its village.
    pub fn all(&self) -> bool {
        self.same == self.devices && self.devices_missing == 0
    }

    /// `devices whose village ledger and grid have the relay's heads: …; verifications …`.
    pub fn line(&self) -> String {
        format!(
            "devices whose village ledger and grid have the relay's heads: {}/{}{}; verifications made {}, devices missing any of their village's: {} ({} missing in all)",
            self.same,
            self.devices,
            if self.diverged.is_empty() {
                String::new()
            } else {
                format!(" (diverged: {:?})", self.diverged)
            },
            self.verifications,
            self.devices_missing,
            self.missing_total
        )
    }
}
