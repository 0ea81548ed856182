//! gridbook-bench: shared helpers of the benchmark programs (timing, percentiles, memory).
//! Benchmarks print figures; they are programs, not tests. Nothing depends on this crate.

pub mod hostile;
pub mod light_device;
pub mod load;
pub mod relay_proc;

/// The allocator of gridbook's own binaries (the `gridbook` command and the app), so that the
/// programs measure what runs in the field.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

/// Times one call.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// The p-th percentile (0–100) of durations, in milliseconds.
pub fn pct(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort();
    let i = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// Peak resident set size of this process so far, in MiB (Linux `VmHWM`).
pub fn peak_rss_mib() -> f64 {
    relay_proc::proc_status(std::process::id(), "VmHWM:")
}

/// Bytes this process has caused to be written to storage so far (`write_bytes` of
/// `/proc/self/io`): what reaches the disk, WAL and checkpoints included; 0 where the kernel
/// does not say.
pub fn written_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("write_bytes:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

pub use gridbook_domain::demo::SplitMix64;

/// Reads `--name value` from the command line, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether `--name` is on the command line (a flag without a value).
pub fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

/// The short commit of the working directory (`git rev-parse --short HEAD`), or `?`.
pub fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|| "?".into())
}

/// CPU model and core count, e.g. `Intel(R) Xeon(R) Processor @ 2.80GHz, 2 cores`.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or `?`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

/// Prints the header every benchmark starts with: program, UTC time, commit, machine, load.
pub fn header(program: &str) {
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
    println!(
        "{program}  {now}  commit {}  machine: {}  load average at start: {}",
        commit(),
        machine(),
        load_average()
    );
}

/// Prints the closing line: the load average at the end and the peak RSS.
pub fn footer() {
    println!(
        "\nload average at end: {}   peak RSS {:.0} MiB",
        load_average(),
        peak_rss_mib()
    );
}

/// `p50 x ms  p95 y ms` of a set of durations.
pub fn p50_p95(samples: &mut [Duration]) -> (f64, f64) {
    (pct(samples, 50.0), pct(samples, 95.0))
}

/// `met` or `NOT met`.
pub fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// This thread's time on a CPU and time waiting for one in the run queue, in nanoseconds
/// (`/proc/thread-self/schedstat`); zeros where the kernel does not say. The kernel adds to
/// these at ticks and context switches, so one short call can read a whole tick or nothing:
/// only sums over many calls are exact, which is why [`Summary`] shows means.
pub fn sched_ns() -> (u64, u64) {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let mut f = s.split_whitespace().map(|v| v.parse::<u64>().unwrap_or(0));
    (f.next().unwrap_or(0), f.next().unwrap_or(0))
}

/// CPU time of the whole process so far, all its threads (user and system, from
/// `/proc/self/stat`, in clock ticks of 10 ms).
pub fn process_cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) start at its closing paren.
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|v| v.parse::<u64>().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the paren.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Wall time of one call, and what of it this thread spent on a CPU and waiting for one
/// (the load of other processes); the rest is waiting for the disk or a lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timed {
    /// Wall-clock time.
    pub wall: Duration,
    /// This thread's time on a CPU.
    pub cpu: Duration,
    /// This thread's time runnable but waiting for a CPU.
    pub queued: Duration,
}

/// Times one call like [`time`], with this thread's CPU and run-queue time.
pub fn time_sched<T>(f: impl FnOnce() -> T) -> (T, Timed) {
    let (run0, wait0) = sched_ns();
    let t = Instant::now();
    let out = f();
    let wall = t.elapsed();
    let (run1, wait1) = sched_ns();
    let ns = |a: u64, b: u64| Duration::from_nanos(b.saturating_sub(a));
    (
        out,
        Timed {
            wall,
            cpu: ns(run0, run1),
            queued: ns(wait0, wait1),
        },
    )
}

/// Percentiles of the wall times of a set of timed calls, and their mean CPU and run-queue
/// times.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Wall p50, ms.
    pub p50: f64,
    /// Wall p95, ms.
    pub p95: f64,
    /// Wall p99, ms.
    pub p99: f64,
    /// Wall max, ms.
    pub max: f64,
    /// Mean wall time, ms.
    pub mean: f64,
    /// Mean time on a CPU, ms.
    pub cpu: f64,
    /// Mean time waiting for a CPU, ms.
    pub queued: f64,
    /// How many samples were taken.
    pub n: usize,
}

impl Summary {
    /// Summarizes timed calls.
    pub fn of(samples: &[Timed]) -> Summary {
        let mut wall: Vec<Duration> = samples.iter().map(|t| t.wall).collect();
        let n = samples.len().max(1) as f64;
        let mean_ms = |f: fn(&Timed) -> Duration| {
            samples.iter().map(|t| f(t).as_secs_f64()).sum::<f64>() * 1000.0 / n
        };
        Summary {
            p50: pct(&mut wall, 50.0),
            p95: pct(&mut wall, 95.0),
            p99: pct(&mut wall, 99.0),
            max: pct(&mut wall, 100.0),
            mean: mean_ms(|t| t.wall),
            cpu: mean_ms(|t| t.cpu),
            queued: mean_ms(|t| t.queued),
            n: samples.len(),
        }
    }

    /// `p50 … ms  p95 … ms  p99 … ms  max … ms  (n=…)`.
    pub fn wall_line(&self) -> String {
        format!(
            "p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms  (n={})",
            self.p50, self.p95, self.p99, self.max, self.n
        )
    }

    /// Where the mean call's time went: on a CPU, waiting for one, the rest.
    pub fn cpu_line(&self) -> String {
        format!(
            "mean {:.2} ms: on a CPU {:.2} ms, waiting for a CPU {:.2} ms, other waits (disk, \
             locks) {:.2} ms",
            self.mean,
            self.cpu,
            self.queued,
            (self.mean - self.cpu - self.queued).max(0.0)
        )
    }
}
