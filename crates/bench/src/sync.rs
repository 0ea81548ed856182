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
//!    `--ops-phases` alternating phases of `--ops-seconds`.
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
//!  [--season-days N] [--ops-phases N] [--ops-seconds S]
//!  [--only village,township,season,load,ops]`
//!
//! The load's devices are light replicas by default (see `sync_load.rs`); `--full-devices`
//! makes them full stores in this process, on `/dev/shm` unless `--devices-on-disk`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    only: BTreeSet<String>,
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

impl Opts {
    fn parse() -> Opts {
        let quick = flag("--quick");
        let q = |full: usize, small: usize| if quick { small } else { full };
        let default_bin = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("gridbook")));
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
            only: only.split(',').map(|s| s.trim().to_owned()).collect(),
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.only.contains(part)
    }
}

fn main() -> Res<()> {
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

/// A relay running as a child process `gridbook --data DIR relay serve --listen 127.0.0.1:0`.
struct ChildRelay {
    child: std::process::Child,
    url: String,
    /// The admin address (`/health`, `/metrics`), when asked for.
    admin: Option<String>,
}

/// How a child relay is started, beyond its data directory.
struct RelaySetup<'a> {
    /// `--listen` (port 0 picks one).
    listen: &'a str,
    /// Ask for an admin address on loopback.
    admin: bool,
    /// Environment of the relay process.
    env: Vec<(&'a str, String)>,
    /// Where its log lines (stderr) go.
    stderr: std::process::Stdio,
}

impl ChildRelay {
    fn spawn(bin: &Path, dir: &Path) -> Res<ChildRelay> {
        // One log line per request would flood the bench's output: warnings and errors
        // only, unless GRIDBOOK_LOG says otherwise.
        let level = std::env::var("GRIDBOOK_LOG").unwrap_or_else(|_| "warn".into());
        ChildRelay::spawn_with(
            bin,
            dir,
            RelaySetup {
                listen: "127.0.0.1:0",
                admin: false,
                env: vec![("GRIDBOOK_LOG", level)],
                stderr: std::process::Stdio::inherit(),
            },
        )
    }

    fn spawn_with(bin: &Path, dir: &Path, setup: RelaySetup<'_>) -> Res<ChildRelay> {
        let mut cmd = std::process::Command::new(bin);
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

    fn status(&self, key: &str) -> f64 {
        proc_status(self.child.id(), key)
    }

    /// User + system CPU seconds of the child so far.
    fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&format!("/proc/{}/stat", self.child.id()))
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `/proc/PID/status` figure (kB) in MiB.
fn proc_status(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn cpu_seconds(stat_path: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(stat_path) else {
        return 0.0;
    };
    // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) / clock_ticks()
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

/// The households of `village` (or all) with their residents, as JSON, and zstd level 3 of it.
fn json_baseline(store: &Store, village: Option<&str>) -> Res<(usize, usize, Duration)> {
    let rows = store.households(village)?;
    let details = rows
        .iter()
        .map(|h| store.household(&h.id))
        .collect::<Result<Vec<_>, _>>()?;
    let json = serde_json::to_vec(&details)?;
    let (z, dz) = time(|| zstd::encode_all(&json[..], 3));
    Ok((json.len(), z?.len(), dz))
}

/// Builds a relay store in `dir` with the demo township.
fn build_relay_store(dir: &Path, seed: u64, villages: usize, households: usize) -> Res<Arc<Store>> {
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

// ---------------------------------------------------------------------------------------------
// 1. Village.

struct VillageRun {
    relay: InProcRelay,
    village: String,
    a: Store,
    persons: Vec<String>,
    tmp: PathBuf,
}

fn village(o: &Opts, tmp: &Path) -> Res<VillageRun> {
    println!(
        "\n## 1. first sync of one village ({} households) onto an empty grid-worker device (goal ≤ 3 s, ≤ 2× zstd JSON)",
        o.households
    );
    let rdir = tmp.join("relay-village");
    let store = build_relay_store(&rdir, o.seed, 1, o.households)?;
    let v = store.villages()?.first().ok_or("no village")?.clone();
    let relay = InProcRelay::start(&rdir, store)?;
    let a = relay.device(&tmp.join("dev-a"), "grid-worker", Some(&v.id))?;
    let cpu0 = self_cpu();
    let (stats, d) = time(|| sync(&a));
    let cpu = self_cpu() - cpu0;
    let stats = stats?;
    print_stats("first sync", &stats, d, cpu);
    let got = a.households(Some(&v.id))?.len();
    println!(
        "device now holds {got} households ({} at the relay), {} persons",
        v.households, v.persons
    );
    let (json, z, dz) = json_baseline(&relay.store, Some(&v.id))?;
    let ratio = stats.bytes_received as f64 / z as f64;
    println!(
        "baseline: JSON of the households with residents {}  zstd-3 {} (compressed in {:.0} ms)",
        kib(json),
        kib(z),
        dz.as_secs_f64() * 1000.0
    );
    println!(
        "bytes received / zstd JSON      {ratio:.2}×   (sync bytes / raw JSON {:.2}×)",
        stats.bytes_received as f64 / json as f64
    );
    let today = relay.store.now_local().date();
    let am = automerge_sizes(o.seed, o.households, today);
    println!(
        "for reference, Automerge alone on the same document: save() {} ({:.2}× zstd JSON; zstd-3 of it {}); Automerge::load of it {:.0} ms",
        kib(am.saved),
        am.saved as f64 / z as f64,
        kib(am.saved_zstd),
        am.load.as_secs_f64() * 1000.0
    );
    println!(
        "  records touched by one one-field change, as the store finds them for a received message: {:.2} ms; Automerge::diff across the same change {:.1} ms ({:.0}× the store's way)",
        am.touched_one.as_secs_f64() * 1000.0,
        am.diff_one.as_secs_f64() * 1000.0,
        am.diff_one.as_secs_f64() / am.touched_one.as_secs_f64().max(1e-9)
    );
    println!(
        "  its {} changes: {} raw, of which audit messages {} (zstd-3 of the messages alone {})",
        am.changes,
        kib(am.raw),
        kib(am.messages),
        kib(am.messages_zstd)
    );
    println!(
        "goal ≤ 3 s: {}   goal ≤ 2×: {}",
        goal(d.as_secs_f64() <= 3.0),
        goal(ratio <= 2.0)
    );
    let persons = relay
        .store
        .households(Some(&v.id))?
        .iter()
        .map(|h| relay.store.household(&h.id).map(|d| d.residents))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .map(|p| p.id)
        .collect();
    Ok(VillageRun {
        relay,
        village: v.id,
        a,
        persons,
        tmp: tmp.to_path_buf(),
    })
}

/// Figures of the demo village document built by Automerge alone.
#[derive(Default)]
struct AmSizes {
    saved: usize,
    saved_zstd: usize,
    load: Duration,
    changes: usize,
    raw: usize,
    messages: usize,
    messages_zstd: usize,
    /// The store's `touched_records` across one one-field change, and `Automerge::diff`
    /// across the same change (the baseline).
    touched_one: Duration,
    diff_one: Duration,
}

/// The village document of the demo built by Automerge alone (as `bench-records` does): its
/// saved size (and zstd of that), the time to load it, the bytes of its changes and of their
/// audit messages.
fn automerge_sizes(seed: u64, households: usize, today: chrono::NaiveDate) -> AmSizes {
    use gridbook_store::demo::{write_households, DemoReport, Stamp};
    let plan = gridbook_domain::demo::plan(seed, 1, households);
    let hh = gridbook_domain::demo::village_households(seed, &plan, 0, today);
    let mut doc = automerge::Automerge::new();
    let stamp = Stamp {
        device: "设备-abcdef",
        created: "2026-01-01T00:00:00",
        now_ms: 0,
    };
    if write_households(&mut doc, &hh, &stamp, &mut DemoReport::default()).is_err() {
        return AmSizes::default();
    }
    let changes = doc.get_changes(&[]);
    let joined: String = changes.iter().filter_map(|c| c.message()).collect();
    let saved = doc.save();
    let (_, load) = time(|| automerge::Automerge::load(&saved));
    // What the store does for every received sync message (find the records it touched),
    // against a diff of the document across it.
    let (touched_one, diff_one) = {
        use automerge::transaction::Transactable;
        use automerge::ReadDoc;
        let before = doc.get_heads();
        let hid = hh
            .first()
            .map(|h| h.household.id.to_string())
            .unwrap_or_default();
        if let Ok(Some((_, obj))) = doc.get(automerge::ROOT, hid.as_str()) {
            let mut tx = doc.transaction();
            let _ = tx.put(&obj, "phone", "13900000000");
            tx.commit();
        }
        let after = doc.get_heads();
        let (_, touched) =
            time(|| gridbook_store::docs::touched_records(&doc, &before, &after).len());
        let (_, diff) = time(|| doc.diff(&before, &after).len());
        (touched, diff)
    };
    AmSizes {
        touched_one,
        diff_one,
        saved: saved.len(),
        saved_zstd: zstd::encode_all(&saved[..], 3).map_or(0, |z| z.len()),
        load,
        changes: changes.len(),
        raw: changes.iter().map(|c| c.raw_bytes().len()).sum(),
        messages: joined.len(),
        messages_zstd: zstd::encode_all(joined.as_bytes(), 3).map_or(0, |z| z.len()),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Township.

fn township(o: &Opts, tmp: &Path) -> Res<(InProcRelay, Store)> {
    let total = o.villages * o.households;
    println!(
        "\n## 2. first sync of a township ({} villages, {total} households) onto a township device (goal ≤ 30 s)",
        o.villages
    );
    let rdir = tmp.join("relay-township");
    let store = build_relay_store(&rdir, o.seed, o.villages, total)?;
    let relay = InProcRelay::start(&rdir, store)?;
    let t = relay.device(&tmp.join("dev-township"), "township", None)?;
    let cpu0 = self_cpu();
    let (stats, d) = time(|| sync(&t));
    let cpu = self_cpu() - cpu0;
    let stats = stats?;
    print_stats("first sync", &stats, d, cpu);
    let got = t.households(None)?.len();
    let docs = t.doc_heads()?.len();
    println!("device now holds {got} households in {docs} documents");
    let (json, z, _) = json_baseline(&relay.store, None)?;
    println!(
        "baseline: JSON {}  zstd-3 {}   bytes received / zstd JSON {:.2}×",
        kib(json),
        kib(z),
        stats.bytes_received as f64 / z as f64
    );
    println!("goal ≤ 30 s: {}", goal(d.as_secs_f64() <= 30.0));
    Ok((relay, t))
}

// ---------------------------------------------------------------------------------------------
// 3. Reconnect.

fn reconnect(label: &str, relay: &InProcRelay, dev: &Store) -> Res<()> {
    let meter = Meter::start(relay.addr)?;
    dev.set_setting("relay_url", &format!("http://{}", meter.addr))?;
    println!("{label}:");
    for i in 1..=2 {
        meter.reset();
        let (stats, d) = time(|| sync(dev));
        let stats = stats?;
        let body = stats.bytes_sent + stats.bytes_received;
        let wire = (meter.up.load(Ordering::Relaxed) + meter.down.load(Ordering::Relaxed)) as usize;
        println!(
            "  reconnect {i}: rounds {}  bodies {} (sent {}, received {})  on the socket {} in {} connection(s)  {:.1} ms   goal: {}",
            stats.rounds,
            kib(body),
            stats.bytes_sent,
            stats.bytes_received,
            kib(wire),
            meter.conns.load(Ordering::Relaxed),
            d.as_secs_f64() * 1000.0,
            goal(stats.rounds == 1 && wire <= 2048)
        );
    }
    dev.set_setting("relay_url", &relay.url())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. One edit A → B.

fn one_edit(o: &Opts, v: &VillageRun) -> Res<()> {
    println!(
        "\n## 4. one edit from device A to device B through the relay ({} edits; goal ≤ 100 ms, ≤ 2 KB)",
        o.edits
    );
    let b = v
        .relay
        .device(&v.tmp.join("dev-b"), "grid-worker", Some(&v.village))?;
    let (s, d) = time(|| sync(&b));
    println!("(setup) device B first sync {:.2} s", d.as_secs_f64());
    s?;
    sync(&v.a)?;
    let mut rng = SplitMix64(o.seed ^ 0x5EED);
    let (mut t_edit, mut t_a, mut t_b, mut t_ab) = (vec![], vec![], vec![], vec![]);
    let (mut b_a, mut b_b, mut b_ab, mut r_a, mut r_b) = (vec![], vec![], vec![], vec![], vec![]);
    let mut wrong = 0;
    let mut cpu_total = 0.0;
    for i in 0..=o.edits {
        let pid = &v.persons[rng.below(v.persons.len() as u64) as usize];
        let phone = format!("139{:08}", rng.below(100_000_000));
        let (r, de) = time(|| v.a.set_person(pid, &[("phone".into(), phone.clone())]));
        r?;
        let cpu0 = self_cpu();
        let (sa, da) = time(|| sync(&v.a));
        let (sb, db) = time(|| sync(&b));
        let cpu = self_cpu() - cpu0;
        let (sa, sb) = (sa?, sb?);
        if b.person(pid)?.phone.as_deref() != Some(phone.as_str()) {
            wrong += 1;
        }
        if i == 0 {
            continue; // warm-up: the first edit loads the documents
        }
        cpu_total += cpu;
        t_edit.push(de);
        t_a.push(da);
        t_b.push(db);
        t_ab.push(da + db);
        let (ba, bb) = (
            sa.bytes_sent + sa.bytes_received,
            sb.bytes_sent + sb.bytes_received,
        );
        b_a.push(ba);
        b_b.push(bb);
        b_ab.push(ba + bb);
        r_a.push(sa.rounds);
        r_b.push(sb.rounds);
    }
    let line =
        |name: &str, t: &mut Vec<Duration>, b: &mut Vec<usize>, r: Option<&mut Vec<usize>>| {
            let rounds = r.map_or(String::new(), |r| {
                format!(
                    "  rounds p50 {} max {}",
                    pct_usize(r, 50.0),
                    pct_usize(r, 100.0)
                )
            });
            println!(
                "{name:<22} p50 {:>7.1} ms  p95 {:>7.1} ms   bytes p50 {:>6}  p95 {:>6}{rounds}",
                pct(t, 50.0),
                pct(t, 95.0),
                pct_usize(b, 50.0),
                pct_usize(b, 95.0)
            );
        };
    println!(
        "local edit (set_person) p50 {:>6.1} ms  p95 {:>6.1} ms",
        pct(&mut t_edit, 50.0),
        pct(&mut t_edit, 95.0)
    );
    line("A sync (push)", &mut t_a, &mut b_a, Some(&mut r_a));
    line("B sync (pull)", &mut t_b, &mut b_b, Some(&mut r_b));
    line("A + B", &mut t_ab, &mut b_ab, None);
    println!(
        "CPU of this process (devices + relay) per edit, A + B syncs: {:.1} ms on average",
        cpu_total * 1000.0 / o.edits.max(1) as f64
    );
    println!(
        "B saw the new phone after its sync: {}/{}",
        o.edits + 1 - wrong,
        o.edits + 1
    );
    let (p95t, p95b) = (pct(&mut t_ab, 95.0), pct_usize(&mut b_ab, 95.0));
    println!(
        "goal ≤ 100 ms (p95 {p95t:.1} ms): {}   goal ≤ 2 KB (p95 {p95b} B): {}",
        goal(p95t <= 100.0),
        goal(p95b <= 2048)
    );
    Ok(())
}

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
use ops::ops;
