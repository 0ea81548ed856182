//! The relay's counters, kept in atomics so that a request costs a few relaxed additions, and
//! rendered in the Prometheus text format (version 0.0.4) when `/metrics` is scraped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// HTTP statuses counted one by one; any other is counted as `other`.
const STATUSES: [u16; 10] = [200, 400, 401, 403, 404, 405, 413, 415, 500, 503];

/// Routes counted one by one.
pub const ROUTES: [&str; 3] = ["sync", "hello", "other"];

/// Upper bounds (seconds) of the sync duration histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Why the relay refused a device's changes to a document, in a few fixed words (the free text
/// of a refusal may name records: it is never a metric label nor a log field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalReason {
    /// The document is outside the device's scope.
    OutOfScope,
    /// The device may only read the document.
    ReadOnly,
    /// The changes broke a rule (records that do not belong, a malformed message…).
    Invalid,
}

impl RefusalReason {
    /// Every reason, in the order of the counters.
    pub const ALL: [RefusalReason; 3] = [Self::OutOfScope, Self::ReadOnly, Self::Invalid];

    /// The reason of a refusal from its text as the sync engine gives it.
    pub fn of(text: &str) -> RefusalReason {
        if text.starts_with("out of scope") {
            Self::OutOfScope
        } else if text.starts_with("read-only") {
            Self::ReadOnly
        } else {
            Self::Invalid
        }
    }

    /// The label value.
    pub fn label(self) -> &'static str {
        match self {
            Self::OutOfScope => "out_of_scope",
            Self::ReadOnly => "read_only",
            Self::Invalid => "invalid",
        }
    }
}

/// Counters of one relay process.
pub struct Metrics {
    started: Instant,
    /// Whether requests are counted and logged (see [`Metrics::set_enabled`]).
    enabled: AtomicBool,
    /// Requests by route and status (`STATUSES` then `other`).
    requests: [[AtomicU64; STATUSES.len() + 1]; ROUTES.len()],
    /// Sync requests by duration bucket (`BUCKETS` then +Inf).
    sync_buckets: [AtomicU64; BUCKETS.len() + 1],
    sync_micros: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    docs_in: AtomicU64,
    docs_out: AtomicU64,
    refused: [AtomicU64; RefusalReason::ALL.len()],
    /// Device id → when it was last served (since this process started).
    seen: Mutex<HashMap<String, Instant>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            enabled: AtomicBool::new(true),
            requests: Default::default(),
            sync_buckets: Default::default(),
            sync_micros: AtomicU64::new(0),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            docs_in: AtomicU64::new(0),
            docs_out: AtomicU64::new(0),
            refused: Default::default(),
            seen: Mutex::new(HashMap::new()),
        }
    }
}

/// Figures the scrape reads from the store and the registry (not counted per request).
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    /// Each township's figures, by township id (a township's own relay: its one township).
    pub townships: BTreeMap<String, TownshipGauges>,
    /// Bytes of the store's database files (with its write-ahead log).
    pub database_bytes: u64,
    /// Whether the store answered.
    pub up: bool,
}

/// The figures of one township, labelled with it: a relay on PostgreSQL serves many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TownshipGauges {
    /// Documents in the store.
    pub documents: u64,
    /// Enrolled devices not revoked.
    pub devices_enrolled: u64,
    /// Devices served in the last 24 hours (since this process started).
    pub devices_seen_24h: u64,
}

/// A label value as the text format writes it (backslash, quote and newline escaped).
fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Turns the counting of requests, and with it their log lines, on or off (on by default;
    /// off only to measure what they cost: `GRIDBOOK_RELAY_OBSERVE=off`).
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Relaxed);
    }

    /// Whether requests are counted and logged.
    pub fn enabled(&self) -> bool {
        self.enabled.load(Relaxed)
    }

    /// Counts one finished request.
    pub fn request(&self, route: usize, status: u16, bytes_in: u64, bytes_out: u64) {
        if !self.enabled() {
            return;
        }
        let s = STATUSES
            .iter()
            .position(|&x| x == status)
            .unwrap_or(STATUSES.len());
        self.requests[route.min(ROUTES.len() - 1)][s].fetch_add(1, Relaxed);
        self.bytes_in.fetch_add(bytes_in, Relaxed);
        self.bytes_out.fetch_add(bytes_out, Relaxed);
    }

    /// Counts one answered sync request that took `took`, moved `docs_in` documents from the
    /// device and `docs_out` to it.
    pub fn sync(&self, took: Duration, docs_in: u64, docs_out: u64) {
        if !self.enabled() {
            return;
        }
        let secs = took.as_secs_f64();
        let b = BUCKETS
            .iter()
            .position(|&le| secs <= le)
            .unwrap_or(BUCKETS.len());
        self.sync_buckets[b].fetch_add(1, Relaxed);
        self.sync_micros
            .fetch_add(took.as_micros().min(u64::MAX as u128) as u64, Relaxed);
        self.docs_in.fetch_add(docs_in, Relaxed);
        self.docs_out.fetch_add(docs_out, Relaxed);
    }

    /// Counts one refused document.
    pub fn refused(&self, reason: RefusalReason) {
        if !self.enabled() {
            return;
        }
        let i = RefusalReason::ALL
            .iter()
            .position(|&r| r == reason)
            .unwrap_or(0);
        self.refused[i].fetch_add(1, Relaxed);
    }

    /// Notes that `device_id` was served now (allocates only for a device not seen yet).
    pub fn seen(&self, device_id: &str) {
        if !self.enabled() {
            return;
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        match seen.get_mut(device_id) {
            Some(t) => *t = now,
            None => {
                seen.insert(device_id.to_owned(), now);
            }
        }
    }

    /// The devices served within `window` (since this process started).
    pub fn seen_within(&self, window: Duration) -> Vec<String> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.iter()
            .filter(|(_, t)| t.elapsed() <= window)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The Prometheus text exposition of every counter and of `gauges`.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut o = String::with_capacity(4096);
        let head = |o: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        head(
            &mut o,
            "gridbook_relay_requests_total",
            "counter",
            "Requests of devices, by route and HTTP status.",
        );
        for (r, route) in ROUTES.iter().enumerate() {
            for (i, n) in self.requests[r].iter().enumerate() {
                let status = STATUSES
                    .get(i)
                    .map_or_else(|| "other".to_owned(), u16::to_string);
                let _ = writeln!(
                    o,
                    "gridbook_relay_requests_total{{route=\"{route}\",status=\"{status}\"}} {}",
                    n.load(Relaxed)
                );
            }
        }
        head(
            &mut o,
            "gridbook_relay_sync_duration_seconds",
            "histogram",
            "Time to answer one sync request (from its body read to its answer made).",
        );
        let mut cumulative = 0;
        for (i, n) in self.sync_buckets.iter().enumerate() {
            cumulative += n.load(Relaxed);
            let le = BUCKETS
                .get(i)
                .map_or_else(|| "+Inf".to_owned(), f64::to_string);
            let _ = writeln!(
                o,
                "gridbook_relay_sync_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            o,
            "gridbook_relay_sync_duration_seconds_sum {}\ngridbook_relay_sync_duration_seconds_count {cumulative}",
            self.sync_micros.load(Relaxed) as f64 / 1e6
        );
        let counters = [
            (
                "gridbook_relay_received_bytes_total",
                "Request body bytes received from devices (as sent, compressed or not).",
                &self.bytes_in,
            ),
            (
                "gridbook_relay_sent_bytes_total",
                "Response body bytes sent to devices.",
                &self.bytes_out,
            ),
            (
                "gridbook_relay_documents_received_total",
                "Sync messages received from devices (one per document per request).",
                &self.docs_in,
            ),
            (
                "gridbook_relay_documents_sent_total",
                "Sync messages sent to devices (one per document per answer).",
                &self.docs_out,
            ),
        ];
        for (name, help, v) in counters {
            head(&mut o, name, "counter", help);
            let _ = writeln!(o, "{name} {}", v.load(Relaxed));
        }
        head(
            &mut o,
            "gridbook_relay_refused_changes_total",
            "counter",
            "Documents whose changes from a device were refused, by reason.",
        );
        for (i, r) in RefusalReason::ALL.iter().enumerate() {
            let _ = writeln!(
                o,
                "gridbook_relay_refused_changes_total{{reason=\"{}\"}} {}",
                r.label(),
                self.refused[i].load(Relaxed)
            );
        }
        type Figure = fn(&TownshipGauges) -> u64;
        let per_township: [(&str, &str, Figure); 3] = [
            (
                "gridbook_relay_devices_seen_24h",
                "Devices served in the last 24 hours (since this process started), by township.",
                |t| t.devices_seen_24h,
            ),
            (
                "gridbook_relay_devices_enrolled",
                "Enrolled devices that are not revoked, by township.",
                |t| t.devices_enrolled,
            ),
            (
                "gridbook_relay_documents",
                "Documents in the store, by township.",
                |t| t.documents,
            ),
        ];
        for (name, help, figure) in per_township {
            head(&mut o, name, "gauge", help);
            for (township, g) in &gauges.townships {
                let _ = writeln!(
                    o,
                    "{name}{{township=\"{}\"}} {}",
                    label_value(township),
                    figure(g)
                );
            }
        }
        let gauges = [
            (
                "gridbook_relay_database_bytes",
                "Size of the store's database files, write-ahead log included.",
                gauges.database_bytes,
            ),
            (
                "gridbook_relay_up",
                "1 when the store answered the scrape's query.",
                u64::from(gauges.up),
            ),
            (
                "gridbook_relay_uptime_seconds",
                "Seconds since the relay started.",
                self.started.elapsed().as_secs(),
            ),
        ];
        for (name, help, v) in gauges {
            head(&mut o, name, "gauge", help);
            let _ = writeln!(o, "{name} {v}");
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_every_sync() {
        let m = Metrics::default();
        m.sync(Duration::from_millis(3), 1, 2);
        m.sync(Duration::from_millis(70), 0, 1);
        m.sync(Duration::from_secs(60), 0, 0);
        m.request(0, 200, 10, 20);
        m.request(0, 418, 1, 1);
        m.refused(RefusalReason::of(
            "read-only: changes from this device are not accepted",
        ));
        let text = m.render(&Gauges::default());
        assert!(text.contains("gridbook_relay_sync_duration_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(text.contains("gridbook_relay_sync_duration_seconds_bucket{le=\"0.1\"} 2\n"));
        assert!(text.contains("gridbook_relay_sync_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("gridbook_relay_sync_duration_seconds_count 3\n"));
        assert!(text.contains("{route=\"sync\",status=\"200\"} 1\n"));
        assert!(text.contains("{route=\"sync\",status=\"other\"} 1\n"));
        assert!(text.contains("gridbook_relay_received_bytes_total 11\n"));
        assert!(text.contains("gridbook_relay_refused_changes_total{reason=\"read_only\"} 1\n"));
        assert!(text.contains("gridbook_relay_documents_sent_total 3\n"));
    }

    #[test]
    fn counters_off_count_nothing_until_turned_on() {
        let m = Metrics::default();
        m.set_enabled(false);
        m.sync(Duration::from_millis(3), 1, 2);
        m.request(0, 200, 10, 20);
        m.seen("device-1");
        let text = m.render(&Gauges::default());
        assert!(text.contains("gridbook_relay_sync_duration_seconds_count 0\n"));
        assert!(text.contains("{route=\"sync\",status=\"200\"} 0\n"));
        assert!(m.seen_within(Duration::from_secs(60)).is_empty());
        m.set_enabled(true);
        m.request(0, 200, 10, 20);
        let text = m.render(&Gauges::default());
        assert!(text.contains("{route=\"sync\",status=\"200\"} 1\n"));
    }

    #[test]
    fn township_figures_are_labelled_with_their_township() {
        let m = Metrics::default();
        let mut g = Gauges::default();
        let figures = TownshipGauges {
            documents: 5,
            devices_enrolled: 2,
            devices_seen_24h: 1,
        };
        g.townships.insert("t-1".into(), figures);
        g.townships.insert("a\"b".into(), TownshipGauges::default());
        let text = m.render(&g);
        assert!(text.contains("gridbook_relay_documents{township=\"t-1\"} 5\n"));
        assert!(text.contains("gridbook_relay_devices_enrolled{township=\"t-1\"} 2\n"));
        assert!(text.contains("gridbook_relay_devices_seen_24h{township=\"t-1\"} 1\n"));
        assert!(text.contains("gridbook_relay_documents{township=\"a\\\"b\"} 0\n"));
    }
}
