//! Part 7c of bench-sync: what request logging and metrics cost the relay per sync, measured
//! so that the load of the machine does not enter the figures.
//!
//! One relay store (`--load-villages` villages, `--load-households` households) with
//! `--cost-devices` grid-worker devices over its villages. Each run starts a child relay on a
//! fresh copy of that store in one configuration:
//! - U, unobserved: `GRIDBOOK_LOG=warn`, `GRIDBOOK_RELAY_OBSERVE=off`, no admin address;
//! - O, observed as in production (and as in 7a): `GRIDBOOK_LOG=info`, a request line (text)
//!   per request into a file, the counters on, `/metrics` scraped every `--cost-scrape` syncs;
//! - C, counters without lines: O with `GRIDBOOK_LOG=warn` (to tell lines from counters).
//!
//! The devices (light, new for each run) enroll and sync twice (not measured), then make
//! `--cost-syncs` syncs one after the other, device after device, each after one change; the
//! same seed makes the same changes in every run. Measured over those syncs only:
//! - the relay's CPU (user + system of its process, `/proc/PID/stat`), `--cost-rounds` rounds
//!   of one run per configuration, the order turned every round (U O C, C O U, …);
//! - with `--callgrind`, once per configuration: the relay under `valgrind --tool=callgrind`,
//!   its instructions counted from after the warm-up (`callgrind_control --zero`) to the end of
//!   the syncs (`callgrind_control --dump`): the same count whatever else runs on the machine.
//!   The profiles stay in `--callgrind-dir` for `callgrind_annotate`.

use std::fs::File;

use super::load::{device_root, enroll_tokens, ledger_of, open_devices, DeviceLog, Ledger};
use super::ops::{copy_dir, counted_syncs, http_get, lines_in};
use super::*;

/// Parameters of part 7c.
pub(super) struct CostOpts {
    devices: usize,
    syncs: usize,
    rounds: usize,
    scrape_every: usize,
    configs: Vec<Config>,
    callgrind: bool,
    callgrind_dir: PathBuf,
}

impl CostOpts {
    pub(super) fn parse(quick: bool) -> CostOpts {
        let configs: String = arg("--cost-configs", "U,O,C".to_owned());
        CostOpts {
            devices: arg("--cost-devices", if quick { 10 } else { 40 }),
            syncs: arg("--cost-syncs", if quick { 200 } else { 2000 }),
            rounds: arg("--cost-rounds", if quick { 2 } else { 6 }),
            scrape_every: arg("--cost-scrape", 500),
            configs: configs.split(',').filter_map(Config::parse).collect(),
            callgrind: flag("--callgrind"),
            callgrind_dir: PathBuf::from(arg(
                "--callgrind-dir",
                std::env::temp_dir()
                    .join("bench-sync-callgrind")
                    .display()
                    .to_string(),
            )),
        }
    }
}

/// How a relay of a run is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Config {
    Unobserved,
    Observed,
    CountersOnly,
}

impl Config {
    fn parse(s: &str) -> Option<Config> {
        match s.trim() {
            "U" => Some(Config::Unobserved),
            "O" => Some(Config::Observed),
            "C" => Some(Config::CountersOnly),
            _ => None,
        }
    }

    fn letter(self) -> &'static str {
        match self {
            Config::Unobserved => "U",
            Config::Observed => "O",
            Config::CountersOnly => "C",
        }
    }

    fn env(self) -> Vec<(&'static str, String)> {
        let observe = gridbook_relay::ops::log::OBSERVE_ENV;
        match self {
            Config::Unobserved => vec![
                ("GRIDBOOK_LOG", "warn".to_owned()),
                (observe, "off".to_owned()),
            ],
            Config::Observed => vec![("GRIDBOOK_LOG", "info".to_owned())],
            Config::CountersOnly => vec![("GRIDBOOK_LOG", "warn".to_owned())],
        }
    }

    fn admin(self) -> bool {
        self != Config::Unobserved
    }
}

/// What one run measured.
struct Run {
    syncs: usize,
    requests: usize,
    errors: usize,
    /// Relay CPU seconds over the measured syncs.
    cpu: f64,
    /// Relay instructions over the measured syncs (under callgrind).
    instructions: Option<u64>,
    wall: f64,
    log_lines: usize,
    scrapes: usize,
    /// Sync requests answered 200 as the last scrape counted them.
    counted: Option<u64>,
}

impl Run {
    fn cpu_ms(&self) -> f64 {
        1000.0 * self.cpu / self.syncs.max(1) as f64
    }

    fn instructions_per_sync(&self) -> Option<f64> {
        self.instructions
            .map(|i| i as f64 / self.syncs.max(1) as f64)
    }
}

/// What every run shares.
struct Bench<'a> {
    o: &'a Opts,
    bin: &'a Path,
    pristine: PathBuf,
    tmp: &'a Path,
    tokens: Vec<(String, String)>,
    ledger: Ledger,
}

pub(super) fn cost(o: &Opts, tmp: &Path) -> Res<()> {
    let c = &o.cost;
    let Some(bin) = o.relay_bin.clone().filter(|b| b.is_file()) else {
        return Err("part 7c needs the gridbook binary next to this one, or --relay-bin".into());
    };
    println!(
        "\n## 7c. relay cost per sync, one sync at a time: {} devices over {} villages ({} households), {} syncs per run after a warm-up; configurations {}",
        c.devices,
        o.load_villages,
        o.load_households,
        c.syncs,
        c.configs
            .iter()
            .map(|c| c.letter())
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "U: GRIDBOOK_LOG=warn, GRIDBOOK_RELAY_OBSERVE=off, no admin address\n\
         O: GRIDBOOK_LOG=info, request lines (text) into a file, counters on, /metrics scraped every {} syncs\n\
         C: as O with GRIDBOOK_LOG=warn (counters and scrapes, no request lines)",
        c.scrape_every
    );
    println!(
        "load average at the start: {}",
        gridbook_bench::load_average()
    );
    let pristine = tmp.join("relay-cost");
    let store = build_relay_store(&pristine, o.seed, o.load_villages, o.load_households)?;
    let villages: Vec<String> = store.villages()?.into_iter().map(|v| v.id).collect();
    let ledger = ledger_of(&store, &villages)?;
    let tokens = enroll_tokens(&pristine, &villages, c.devices)?;
    drop(store);
    let b = Bench {
        o,
        bin: &bin,
        pristine,
        tmp,
        tokens,
        ledger,
    };

    let mut runs: Vec<(Config, Run)> = Vec::new();
    for round in 0..c.rounds {
        let mut order = c.configs.clone();
        if round % 2 == 1 {
            order.reverse();
        }
        for config in order {
            let run = b.run(config, &format!("{}-{round}", config.letter()), false)?;
            print_run(&format!("round {} {}", round + 1, config.letter()), &run);
            runs.push((config, run));
        }
    }
    let mut medians = Vec::new();
    for config in c.configs.iter().filter(|_| c.rounds > 0) {
        let mut ms: Vec<f64> = runs
            .iter()
            .filter(|(c, _)| c == config)
            .map(|(_, r)| r.cpu_ms())
            .collect();
        ms.sort_by(f64::total_cmp);
        let median = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
        println!(
            "{}: relay CPU per sync, median of {} runs {median:.3} ms (runs: {})",
            config.letter(),
            ms.len(),
            ms.iter()
                .map(|m| format!("{m:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        medians.push((*config, median));
    }
    let of = |c: Config, v: &[(Config, f64)]| v.iter().find(|(x, _)| *x == c).map(|(_, m)| *m);
    if let (Some(obs), Some(un)) = (
        of(Config::Observed, &medians[..]),
        of(Config::Unobserved, &medians[..]),
    ) {
        let ratio = obs / un.max(f64::MIN_POSITIVE);
        println!(
            "relay CPU per sync (medians), O / U: {obs:.3} / {un:.3} ms = {ratio:.3} ({:+.1} %)   goal ≤ +5 %: {}",
            100.0 * (ratio - 1.0),
            if ratio <= 1.05 { "met" } else { "NOT met" }
        );
    }

    if c.callgrind {
        std::fs::create_dir_all(&c.callgrind_dir)?;
        println!(
            "callgrind: one run per configuration, profiles in {}",
            c.callgrind_dir.display()
        );
        let mut counts = Vec::new();
        for config in &c.configs {
            let run = b.run(*config, config.letter(), true)?;
            print_run(&format!("callgrind {}", config.letter()), &run);
            if let Some(i) = run.instructions_per_sync() {
                counts.push((*config, i));
            }
        }
        if let (Some(obs), Some(un)) = (
            of(Config::Observed, &counts[..]),
            of(Config::Unobserved, &counts[..]),
        ) {
            let ratio = obs / un.max(f64::MIN_POSITIVE);
            println!(
                "relay instructions per sync, O / U: {:.0} / {:.0} = {ratio:.4} ({:+.2} %, {:+.0} instructions per sync)   goal ≤ +5 %: {}",
                obs,
                un,
                100.0 * (ratio - 1.0),
                obs - un,
                if ratio <= 1.05 { "met" } else { "NOT met" }
            );
        }
    }
    println!(
        "load average at the end: {}",
        gridbook_bench::load_average()
    );
    Ok(())
}

fn print_run(name: &str, r: &Run) {
    println!(
        "{name}: {} syncs ({} requests, {} errors) in {:.1} s; relay CPU {:.2} s = {:.3} ms per sync{}; log lines {}; {}",
        r.syncs,
        r.requests,
        r.errors,
        r.wall,
        r.cpu,
        r.cpu_ms(),
        r.instructions_per_sync()
            .map(|i| format!(", {i:.0} instructions per sync"))
            .unwrap_or_default(),
        r.log_lines,
        match r.counted {
            Some(n) => format!("{} scrapes, /metrics counted {n} sync requests", r.scrapes),
            None => "no counters".to_owned(),
        }
    );
}

/// Runs `callgrind_control ARG PID`.
fn callgrind_control(arg: &str, pid: u32) -> Res<()> {
    let out = std::process::Command::new("callgrind_control")
        .arg(arg)
        .arg(pid.to_string())
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "callgrind_control {arg}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// The `totals:` (instructions) of a callgrind profile, once it is written.
fn callgrind_total(file: &Path) -> Res<u64> {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(text) = std::fs::read_to_string(file) {
            if let Some(n) = text
                .lines()
                .find_map(|l| l.strip_prefix("totals:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
            {
                return Ok(n);
            }
        }
        if Instant::now() > until {
            return Err(format!("no callgrind profile in {}", file.display()).into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Bench<'_> {
    /// One run of configuration `config`, named `tag` (its files).
    fn run(&self, config: Config, tag: &str, callgrind: bool) -> Res<Run> {
        let c = &self.o.cost;
        let dir = self.tmp.join(format!("relay-cost-{tag}"));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&self.pristine, &dir)?;
        let log = self.tmp.join(format!("relay-cost-{tag}.log"));
        let profile = c.callgrind_dir.join(format!("relay-{tag}.callgrind"));
        let wrapper = if callgrind {
            for f in std::fs::read_dir(&c.callgrind_dir)?.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.starts_with(&format!("relay-{tag}.callgrind")) {
                    let _ = std::fs::remove_file(f.path());
                }
            }
            vec![
                "valgrind".to_owned(),
                "--tool=callgrind".to_owned(),
                "-q".to_owned(),
                format!("--callgrind-out-file={}", profile.display()),
            ]
        } else {
            Vec::new()
        };
        let relay = ChildRelay::spawn_with(
            self.bin,
            &dir,
            RelaySetup {
                listen: "127.0.0.1:0",
                admin: config.admin(),
                env: config.env(),
                stderr: File::create(&log)?.into(),
                wrapper,
            },
        )?;
        let dev_tmp = device_root(self.o)?;
        let dev_root = dev_tmp.as_ref().map_or(self.tmp, |d| d.path());
        let devs = open_devices(self.o, &self.tokens, &relay.url, &dev_root.join(tag))?;
        // The second sync of every device, and a first scrape: the relay's caches and
        // connections as they are in a relay that has been serving.
        for dev in &devs {
            dev.sync()?;
        }
        if let Some(a) = &relay.admin {
            http_get(a, "/metrics")?;
        }
        let pid = relay.child.id();
        if callgrind {
            callgrind_control("--zero", pid)?;
        }
        let cpu0 = relay.cpu_seconds();
        let started = Instant::now();
        let mut rngs: Vec<SplitMix64> = (0..devs.len())
            .map(|i| SplitMix64(self.o.seed ^ (i as u64).wrapping_mul(0x9E37_79B9)))
            .collect();
        let mut log_of = DeviceLog::default();
        let (mut requests, mut errors, mut scrapes) = (0, 0, 0);
        let empty = (Vec::new(), Vec::new());
        for j in 0..c.syncs {
            let i = j % devs.len().max(1);
            let dev = &devs[i];
            let (households, persons) = self.ledger.get(dev.village()).unwrap_or(&empty);
            dev.change(
                households,
                persons,
                &mut rngs[i],
                (j / devs.len()) as u64,
                &mut log_of,
            );
            match dev.sync() {
                Ok(s) => requests += s.rounds,
                Err(_) => errors += 1,
            }
            if let Some(a) = &relay.admin {
                if (j + 1) % c.scrape_every.max(1) == 0 && http_get(a, "/metrics").is_ok() {
                    scrapes += 1;
                }
            }
        }
        let wall = started.elapsed().as_secs_f64();
        let cpu = relay.cpu_seconds() - cpu0;
        let instructions = if callgrind {
            callgrind_control("--dump", pid)?;
            let mut dumped = profile.clone().into_os_string();
            dumped.push(".1");
            Some(callgrind_total(Path::new(&dumped))?)
        } else {
            None
        };
        let counted = match &relay.admin {
            Some(a) => http_get(a, "/metrics").ok().and_then(|m| counted_syncs(&m)),
            None => None,
        };
        relay.stop();
        let _ = std::fs::remove_dir_all(&dir);
        Ok(Run {
            syncs: c.syncs - errors,
            requests,
            errors,
            cpu,
            instructions,
            wall,
            log_lines: lines_in(&log),
            scrapes,
            counted,
        })
    }
}
