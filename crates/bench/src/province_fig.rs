//! The figures of one phase of bench-province's load, and when a phase counts as saturated.

use std::collections::BTreeMap;
use std::time::Duration;

use gridbook_bench::pct;

use super::{Opts, SATURATED_SHARE};

/// Figures of one phase of the load.
#[derive(Default)]
pub(super) struct Fig {
    pub(super) devices: usize,
    /// Threads that took the devices' turns.
    pub(super) workers: usize,
    pub(super) period: f64,
    pub(super) seconds: f64,
    pub(super) wall: f64,
    pub(super) syncs: Vec<Duration>,
    pub(super) rounds: Vec<usize>,
    /// How late each turn began (the load's threads all busy).
    pub(super) late: Vec<Duration>,
    /// From each turn's due time to the end of its sync.
    pub(super) due_to_done: Vec<Duration>,
    /// Each sync call: when it began after the phase's start, its wall time, its rounds.
    pub(super) timed: Vec<(Duration, Duration, usize)>,
    pub(super) errors: usize,
    pub(super) first_error: Option<String>,
    pub(super) changes: usize,
    /// CPU seconds of the relays, PostgreSQL, this process (the devices), the machine.
    pub(super) relay_cpu: f64,
    pub(super) pg_cpu: f64,
    pub(super) dev_cpu: f64,
    pub(super) machine_busy: f64,
}

impl Fig {
    pub(super) fn p50(&self) -> f64 {
        pct(&mut self.syncs.clone(), 50.0)
    }
    pub(super) fn p99(&self) -> f64 {
        pct(&mut self.syncs.clone(), 99.0)
    }
    pub(super) fn rate(&self) -> f64 {
        self.syncs.len() as f64 / self.wall.max(1e-9)
    }
    pub(super) fn offered(&self) -> f64 {
        self.devices as f64 / self.period
    }
    /// Syncs made as a share of those offered (one per device a period).
    pub(super) fn share(&self) -> f64 {
        self.syncs.len() as f64 / (self.offered() * self.seconds).max(1.0)
    }
    pub(super) fn relay_ms(&self) -> f64 {
        self.relay_cpu * 1000.0 / self.syncs.len().max(1) as f64
    }
    pub(super) fn pg_ms(&self) -> f64 {
        self.pg_cpu * 1000.0 / self.syncs.len().max(1) as f64
    }
    pub(super) fn of_cores(&self, cpu: f64) -> f64 {
        100.0 * cpu / self.wall.max(1e-9) / Opts::cores()
    }
    /// Why the phase counts as saturated (the syncs made fall behind those offered, or
    /// fail), if it does.
    pub(super) fn saturated(&self) -> Option<String> {
        let mut why = Vec::new();
        if self.share() < SATURATED_SHARE {
            why.push(format!(
                "{:.0}% of the offered syncs made",
                self.share() * 100.0
            ));
        }
        if self.errors > 0 {
            why.push(format!("{} sync errors", self.errors));
        }
        (!why.is_empty()).then(|| why.join(", "))
    }

    /// `at X syncs/s offered (Y/s made, p99 Z ms; CPU of the cores: …)`.
    pub(super) fn at_load(&self, pg: bool) -> String {
        let pg_part = if pg {
            format!(", PostgreSQL {:.0}%", self.of_cores(self.pg_cpu))
        } else {
            String::new()
        };
        format!(
            "at {:.1} syncs/s offered ({:.1}/s made, p99 {:.1} ms; CPU of the {} cores: relays {:.0}%{pg_part}, devices {:.0}%, whole machine {:.0}%)",
            self.offered(),
            self.rate(),
            self.p99(),
            Opts::cores(),
            self.of_cores(self.relay_cpu),
            self.of_cores(self.dev_cpu),
            self.machine_busy * 100.0
        )
    }

    pub(super) fn print(&self, pg: bool) {
        let mut rounds = self.rounds.clone();
        rounds.sort_unstable();
        println!(
            "  offered {:.1} syncs/s (period {} s): ran {:.1} s, {} syncs = {:.1}/s ({:.0}% of offered), {} changes, {} sync errors{}",
            self.offered(),
            self.period,
            self.wall,
            self.syncs.len(),
            self.rate(),
            self.share() * 100.0,
            self.changes,
            self.errors,
            self.first_error
                .as_ref()
                .map_or(String::new(), |e| format!(" (first: {e})"))
        );
        println!(
            "  one sync call p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms; rounds p50 {} max {}; turns began late (the {} load threads busy) p99 {:.1} ms  max {:.1} ms; from due to synced p99 {:.1} ms",
            self.p50(),
            self.p99(),
            pct(&mut self.syncs.clone(), 100.0),
            rounds.get(rounds.len() / 2).copied().unwrap_or(0),
            rounds.last().copied().unwrap_or(0),
            self.workers,
            pct(&mut self.late.clone(), 99.0),
            pct(&mut self.late.clone(), 100.0),
            pct(&mut self.due_to_done.clone(), 99.0)
        );
        let pg_part = if pg {
            format!(
                "; PostgreSQL {:.1} s = {:.3} ms per sync ({:.0}%)",
                self.pg_cpu,
                self.pg_ms(),
                self.of_cores(self.pg_cpu)
            )
        } else {
            String::new()
        };
        println!(
            "  CPU (% of the {} cores): relays {:.1} s = {:.3} ms per sync ({:.0}%){pg_part}; devices (this process) {:.1} s ({:.0}%); the whole machine busy {:.0}%",
            Opts::cores(),
            self.relay_cpu,
            self.relay_ms(),
            self.of_cores(self.relay_cpu),
            self.dev_cpu,
            self.of_cores(self.dev_cpu),
            self.machine_busy * 100.0
        );
        self.print_breakdown();
    }

    /// The sync calls by their round trips, and by when in the phase they began: whether the
    /// slow ones are the calls of more rounds, or a stretch of time when every call was slow.
    fn print_breakdown(&self) {
        let mut by_rounds: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
        for (_, d, r) in &self.timed {
            by_rounds.entry(*r).or_default().push(*d);
        }
        let parts: Vec<String> = by_rounds
            .iter_mut()
            .map(|(r, ds)| {
                format!(
                    "{r}: {} calls, p50 {:.1} ms p99 {:.1} ms",
                    ds.len(),
                    pct(ds, 50.0),
                    pct(ds, 99.0)
                )
            })
            .collect();
        println!("  by rounds: {}", parts.join("; "));
        let whole = (self.seconds / 12.0).ceil().max(1.0);
        for (step, until) in [
            (whole, self.seconds),
            (1.0, (2.0 * self.period).min(self.seconds)),
        ] {
            let mut by_time: BTreeMap<u64, Vec<Duration>> = BTreeMap::new();
            for (at, d, _) in self.timed.iter().filter(|t| t.0.as_secs_f64() < until) {
                by_time
                    .entry((at.as_secs_f64() / step) as u64)
                    .or_default()
                    .push(*d);
            }
            let parts: Vec<String> = by_time
                .iter_mut()
                .map(|(k, ds)| {
                    format!(
                        "{:.0}s {:.0}/{:.0}",
                        *k as f64 * step,
                        pct(ds, 99.0),
                        pct(ds, 100.0)
                    )
                })
                .collect();
            println!(
                "  by when the call began (every {step:.0} s up to {until:.0} s: p99/max ms): {}",
                parts.join("  ")
            );
        }
    }
}
