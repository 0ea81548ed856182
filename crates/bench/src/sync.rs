//! bench-sync: sync and relay figures, all over loopback HTTP with a real relay.
//!
//! 1. First sync of one village (default 1000 households, ~4k persons) onto an empty
//!    grid-worker device: time, bytes, and the ratio to zstd-compressed JSON of the same
//!    records (goal ≤ 3 s, ≤ 2×).
//! 2. First sync of a township (default 20 such villages) onto a township device (goal ≤ 30 s).
//! 3. Reconnect with nothing changed, village and township device: rounds and bytes, both as
//!    the client counts bodies and as measured on the socket by a counting proxy (goal 1 round
//!    trip, ≤ 2 KB).
//! 4. One edit from device A to device B through the relay: A edits a phone and syncs, B
//!    syncs; latency and bytes, p50/p95 over `--edits` repetitions (goal ≤ 100 ms, ≤ 2 KB).
//! 5. Load: `--devices` devices spread over `--load-villages` villages, each making one change
//!    per second and syncing, for `--seconds`; p50/p99 of one sync call, the relay's peak RSS
//!    (relay as a child process `gridbook relay serve`), and a check that every change arrived
//!    everywhere.
//!
//! 6. A season of checkpoint days (`--season-villages` × 2 checkpoints × `--season-days`):
//!    first sync of a township and a village device, then reconnect with nothing changed.
//! 7. Running a relay (only with `--only ops`; see `sync_ops.rs`): the cost of request logging
//!    and metrics under the load of part 5, and backups of a 20-village relay under load, in
//!    `--ops-phases` alternating phases of `--ops-seconds`. 7c (only with `--only cost`; see
//!    `sync_cost.rs`): the same cost from syncs made one at a time, in relay CPU and (with
//!    `--callgrind`) in instructions, which the machine's load does not change.
//! 8. Hostile load (only with `--only hostile`; see `sync_hostile.rs`): the load of part 5
//!    quiet, with `--hostile` (default 8) connections sending zstd bombs, and quiet again, in
//!    one run: relay peak RSS and honest p99 against the quiet phase.
//!
//! Scenarios 1–4 and 6 run the relay in this process (its own thread and tokio runtime); 5 runs it
//! as a child process so that its memory is its own: the `gridbook` binary next to this one
//! (`cargo build --release -p gridbook-bench -p gridbook`), or `--relay-bin PATH`; without it
//! the relay runs in this process and the output says so. Wall times on a busy machine are
//! shown next to the CPU seconds they took.
//!
//! `bench-sync [--quick] [--seed S] [--households N] [--villages N] [--edits N] [--devices N]
//!  [--seconds S] [--load-villages N] [--load-households N] [--relay-bin PATH]
//!  [--in-process-relay] [--full-devices [--devices-on-disk]] [--season-villages N]
//!  [--season-days N] [--ops-phases N] [--ops-seconds S] [--cost-devices N] [--cost-syncs N]
//!  [--cost-rounds N] [--cost-scrape N] [--cost-configs U,O,C] [--callgrind [--callgrind-dir D]]
//!  [--hostile N] [--only village,township,season,load,ops,cost,hostile]`
//!
//! The load's devices are light replicas by default (see `sync_load.rs`); `--full-devices`
//! makes them full stores in this process, on `/dev/shm` unless `--devices-on-disk`.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gridbook_bench::load::build_relay_store;
use gridbook_bench::relay_proc::{cpu_seconds, proc_status, ChildRelay, RelaySetup};
use gridbook_bench::{arg, pct, peak_rss_mib, time, SplitMix64};
use gridbook_relay::{Devices, Relay};
use gridbook_store::Store;
use gridbook_sync::client::{enroll, sync};
use gridbook_sync::SyncStats;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Command-line parameters.
struct Opts {
    quick: bool,
    seed: u64,
    households: usize,
    villages: usize,
    edits: usize,
    devices: usize,
    seconds: u64,
    load_villages: usize,
    load_households: usize,
    relay_bin: Option<PathBuf>,
    in_process_relay: bool,
    devices_on_disk: bool,
    full_devices: bool,
    /// Hostile connections during the load (see `gridbook_bench::hostile`).
    hostile: usize,
    season_villages: usize,
    season_days: usize,
    /// Phases of part 7 and their length.
    ops_phases: usize,
    ops_seconds: u64,
    /// Part 7c (see `sync_cost.rs`).
    cost: cost::CostOpts,
    only: BTreeSet<String>,
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

impl Opts {
    fn parse() -> Opts {
        let quick = flag("--quick");
        let q = |full: usize, small: usize| if quick { small } else { full };
        let default_bin = gridbook_bench::relay_proc::default_relay_bin();
        let relay_bin = match arg::<String>("--relay-bin", String::new()) {
            s if s.is_empty() => default_bin,
            s => Some(PathBuf::from(s)),
        };
        let only: String = arg("--only", "village,township,season,load".to_owned());
        Opts {
            quick,
            seed: arg("--seed", 7),
            households: arg("--households", q(1000, 100)),
            villages: arg("--villages", 20),
            edits: arg("--edits", q(50, 20)),
            devices: arg("--devices", q(200, 20)),
            seconds: arg("--seconds", q(60, 10) as u64),
            load_villages: arg("--load-villages", q(10, 2)),
            load_households: arg("--load-households", q(1000, 100)),
            relay_bin,
            in_process_relay: flag("--in-process-relay"),
            devices_on_disk: flag("--devices-on-disk"),
            full_devices: flag("--full-devices"),
            hostile: arg("--hostile", 0),
            season_villages: arg("--season-villages", q(20, 3)),
            season_days: arg("--season-days", q(90, 10)),
            ops_phases: arg("--ops-phases", 4),
            ops_seconds: arg("--ops-seconds", q(60, 10) as u64),
            cost: cost::CostOpts::parse(quick),
            only: only.split(',').map(|s| s.trim().to_owned()).collect(),
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.only.contains(part)
    }
}

fn main() -> Res<()> {
    if let Some(served) = hostile::serve_as_relay() {
        return served;
    }
    let o = Opts::parse();
    header(&o);
    let tmp = tempfile::tempdir()?;
    let mut village_devices = None;
    if o.runs("village") {
        village_devices = Some(village(&o, tmp.path())?);
    }
    let mut township_device = None;
    if o.runs("township") {
        township_device = Some(township(&o, tmp.path())?);
    }
    if village_devices.is_some() || township_device.is_some() {
        println!("\n## 3. reconnect with nothing changed (goal: 1 round trip, ≤ 2 KB for the whole scope)");
        if let Some(v) = &village_devices {
            reconnect("village device (grid + 1 ledger)", &v.relay, &v.a)?;
        }
        if let Some(t) = &township_device {
            let docs = t.1.doc_heads()?.len();
            reconnect(&format!("township device ({docs} documents)"), &t.0, &t.1)?;
        }
    }
    if let Some(v) = &village_devices {
        one_edit(&o, v)?;
    }
    drop(township_device);
    drop(village_devices);
    if o.runs("season") {
        season(&o, tmp.path())?;
    }
    if o.runs("load") {
        load(&o, tmp.path())?;
    }
    if o.runs("ops") {
        ops(&o, tmp.path())?;
    }
    if o.runs("cost") {
        cost::cost(&o, tmp.path())?;
    }
    if o.runs("hostile") {
        hostile::hostile(&o, tmp.path())?;
    }
    println!(
        "\nbench process peak RSS (devices + in-process relays of 1–4): {:.0} MiB",
        peak_rss_mib()
    );
    Ok(())
}

fn header(o: &Opts) {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S %z");
    let commit = gridbook_bench::commit();
    println!(
        "bench-sync  {now}  commit {commit}{}",
        if o.quick {
            "  (--quick: ~1/10 scale)"
        } else {
            ""
        }
    );
    println!(
        "machine: {}; everything over loopback HTTP (127.0.0.1)",
        gridbook_bench::machine()
    );
    println!(
        "parameters: seed {}  village {} households  township {} villages × {} households  edits {}",
        o.seed, o.households, o.villages, o.households, o.edits
    );
    println!(
        "            load: {} devices over {} villages ({} households in all), {} s, one change per device per second",
        o.devices, o.load_villages, o.load_households, o.seconds
    );
}

// ---------------------------------------------------------------------------------------------
// Relays.

/// A relay served in this process, on its own thread and tokio runtime.
struct InProcRelay {
    addr: SocketAddr,
    store: Arc<Store>,
    devices: Arc<Devices>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcRelay {
    fn start(dir: &Path, store: Arc<Store>) -> Res<InProcRelay> {
        let devices = Arc::new(Devices::open(dir)?);
        let app = gridbook_relay::router(Relay::new(store.clone(), devices.clone())?);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<Result<SocketAddr, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = addr_tx.send(Err(e.to_string()));
                    return;
                }
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = addr_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = addr_tx.send(listener.local_addr().map_err(|e| e.to_string()));
                let shutdown = async {
                    let _ = stopped.await;
                };
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    eprintln!("relay: {e}");
                }
            });
        });
        let addr = addr_rx.recv()??;
        Ok(InProcRelay {
            addr,
            store,
            devices,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Enrolls a new device store in `dir` with a fresh token of `role`.
    fn device(&self, dir: &Path, role: &str, village: Option<&str>) -> Res<Store> {
        let (_, token) = self.devices.add("bench", role, village)?;
        let store = Store::open(dir)?;
        enroll(&store, &self.url(), &token, None)?;
        Ok(store)
    }
}

impl Drop for InProcRelay {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A TCP proxy that counts the bytes that really cross the socket (HTTP headers included).
struct Meter {
    addr: SocketAddr,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
    conns: Arc<AtomicU64>,
}

impl Meter {
    fn start(target: SocketAddr) -> Res<Meter> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let (up, down, conns) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
        );
        let (u, d, c) = (up.clone(), down.clone(), conns.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(target) else {
                    continue;
                };
                c.fetch_add(1, Ordering::Relaxed);
                let pipe = |mut from: TcpStream, mut to: TcpStream, n: Arc<AtomicU64>| {
                    std::thread::spawn(move || {
                        let mut buf = vec![0u8; 64 << 10];
                        while let Ok(k) = from.read(&mut buf) {
                            // Counted before it is passed on: once the client has read an
                            // answer, every byte of it is in the count.
                            n.fetch_add(k as u64, Ordering::Relaxed);
                            if k == 0 || to.write_all(&buf[..k]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                };
                if let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) {
                    pipe(c2, server, u.clone());
                    pipe(s2, client, d.clone());
                }
            }
        });
        Ok(Meter {
            addr,
            up,
            down,
            conns,
        })
    }

    fn reset(&self) {
        self.up.store(0, Ordering::Relaxed);
        self.down.store(0, Ordering::Relaxed);
        self.conns.store(0, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------------------------
// Figures.

fn kib(b: usize) -> String {
    if b < 10 * 1024 {
        format!("{b} B")
    } else if b < 10 << 20 {
        format!("{:.1} KiB", b as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", b as f64 / 1048576.0)
    }
}

fn goal(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT MET"
    }
}

fn pct_usize(v: &mut [usize], p: f64) -> usize {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[((p / 100.0) * (v.len() - 1) as f64).round() as usize]
}

/// CPU seconds (user + system, every thread) of this process so far.
fn self_cpu() -> f64 {
    cpu_seconds("/proc/self/stat")
}

fn print_stats(label: &str, s: &SyncStats, d: Duration, cpu: f64) {
    println!(
        "{label:<12} {:>8.2} s wall ({cpu:.2} s CPU of this process: device + relay)  rounds {}  received {}  sent {}  docs changed {}{}",
        d.as_secs_f64(),
        s.rounds,
        kib(s.bytes_received),
        kib(s.bytes_sent),
        s.docs_received,
        if s.refused.is_empty() {
            String::new()
        } else {
            format!("  REFUSED {:?}", s.refused)
        }
    );
}

// ---------------------------------------------------------------------------------------------
// 1–4. One device against a relay in this process: in its own file.

#[path = "sync_device.rs"]
mod device;
use device::{one_edit, reconnect, township, village};

// ---------------------------------------------------------------------------------------------
// 5. Load: in its own file.

#[path = "sync_load.rs"]
mod load;
use load::load;

// ---------------------------------------------------------------------------------------------
// 6. A season of checkpoint days: in its own file.

#[path = "sync_season.rs"]
mod season;
use season::season;

// ---------------------------------------------------------------------------------------------
// 7. Running a relay: logging and metrics, backups under load; in its own file.

#[path = "sync_ops.rs"]
mod ops;

#[path = "sync_cost.rs"]
mod cost;

#[path = "sync_hostile.rs"]
mod hostile;
use ops::ops;
