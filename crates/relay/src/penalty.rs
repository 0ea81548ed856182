//! Devices that keep sending what the relay refuses are heard more slowly.
//!
//! A sync request the relay refuses because it is busy (`503`), too large (`413`) or not a
//! sync message (`400`) is a strike against the device that sent it. Each device has a bucket
//! of [`BURST`] strikes that refills at one a second: an honest device, refused now and then
//! (the relay was busy, told it `Retry-After: 1`), never notices it. A stolen or buggy device
//! that ignores `Retry-After` and sends as fast as it is answered empties its bucket, and from
//! then on each of its requests waits, before it is looked at, until the bucket holds a strike
//! again: about one request a second per device, whatever it sends. The wait is a timer on its
//! own connection instead of a decompression, a database lookup and a log line per request,
//! so the honest devices keep the CPU; it holds no budget and no lock, the connections it can
//! hold are bounded by the listener's connection limit, and the table holds at most one entry
//! per enrolled device (removed when its bucket is full again and it is served). Success does
//! not refill the bucket: a valid request between refused ones buys nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Strikes a device may take in a row before it is made to wait.
pub const BURST: f64 = 30.0;
/// Strikes given back per second.
pub const REFILL_PER_SEC: f64 = 1.0;
/// The longest a device is made to wait (its debt is capped at this much refill).
pub const MAX_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Strikes left at `at`; negative while the device owes a wait.
    level: f64,
    at: Instant,
}

impl Bucket {
    fn level(&self, now: Instant) -> f64 {
        let refilled = now.saturating_duration_since(self.at).as_secs_f64() * REFILL_PER_SEC;
        (self.level + refilled).min(BURST)
    }
}

/// Strike buckets per device id.
#[derive(Debug, Default)]
pub struct Penalties {
    by_device: Mutex<HashMap<String, Bucket>>,
}

impl Penalties {
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        self.by_device.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How long `device` must still wait at `now` before its request is looked at.
    pub fn wait(&self, device: &str, now: Instant) -> Option<Duration> {
        let level = self.table().get(device)?.level(now);
        (level < 0.0).then(|| Duration::from_secs_f64(-level / REFILL_PER_SEC))
    }

    /// Records a refused request of `device` at `now`.
    pub fn strike(&self, device: &str, now: Instant) {
        let mut t = self.table();
        let b = t.entry(device.to_owned()).or_insert(Bucket {
            level: BURST,
            at: now,
        });
        let floor = -MAX_WAIT.as_secs_f64() * REFILL_PER_SEC;
        *b = Bucket {
            level: (b.level(now) - 1.0).max(floor),
            at: now,
        };
    }

    /// A request of `device` was served at `now`: its entry goes once its bucket is full.
    pub fn served(&self, device: &str, now: Instant) {
        let mut t = self.table();
        if t.get(device).is_some_and(|b| b.level(now) >= BURST) {
            t.remove(device);
        }
    }

    /// The number of devices with an entry.
    pub fn len(&self) -> usize {
        self.table().len()
    }

    /// Whether no device has an entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether an answer with `status` is a strike: the device sent what the relay could not take
/// (busy, too large, not a sync message), not a failure of the relay's own.
pub fn strikes(status: axum::http::StatusCode) -> bool {
    use axum::http::StatusCode as S;
    matches!(
        status,
        S::SERVICE_UNAVAILABLE | S::PAYLOAD_TOO_LARGE | S::BAD_REQUEST
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_free_then_one_a_second_and_serving_prunes() {
        let p = Penalties::default();
        let t0 = Instant::now();
        assert_eq!(p.wait("a", t0), None, "no strikes, no wait");
        for _ in 0..BURST as usize {
            p.strike("a", t0);
        }
        assert_eq!(p.wait("a", t0), None, "a burst of refusals costs nothing");
        p.strike("a", t0);
        assert_eq!(p.wait("a", t0), Some(Duration::from_secs(1)));
        assert_eq!(p.wait("b", t0), None, "another device is not held");
        let half = t0 + Duration::from_millis(500);
        assert_eq!(p.wait("a", half), Some(Duration::from_millis(500)));
        assert_eq!(p.wait("a", t0 + Duration::from_secs(1)), None);
        for _ in 0..1000 {
            p.strike("a", t0);
        }
        assert_eq!(p.wait("a", t0), Some(MAX_WAIT), "the wait is capped");
        p.served("a", t0);
        assert_eq!(
            p.wait("a", t0),
            Some(MAX_WAIT),
            "a valid request buys nothing"
        );
        let later = t0 + MAX_WAIT + Duration::from_secs(BURST as u64);
        assert_eq!(p.wait("a", later), None);
        p.served("a", later);
        assert!(p.is_empty(), "a full bucket's entry is dropped");
    }
}
