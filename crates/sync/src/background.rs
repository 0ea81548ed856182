//! Background sync for the app: syncs whenever a relay is configured and reachable, backs
//! off when it is not, and reports its status. It never blocks the caller: it runs on its own
//! thread and is nudged (after a local write) through a channel.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use gridbook_store::Store;
use serde::Serialize;

use crate::error::SyncError;

/// What the sync bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// `idle`, `syncing`, `offline`, `error` or `not_enrolled`.
    pub state: &'static str,
    /// Local changes not yet acknowledged by the relay.
    pub unsynced: i64,
    /// Local time of the last successful sync.
    pub last_sync: Option<String>,
    /// What to tell the user for `offline` and `error`, in Chinese.
    pub message: Option<String>,
    /// The same in English.
    pub message_en: Option<String>,
}

/// When to try again: soon after a local change, every `interval` when all is well, and with
/// exponential backoff (capped) while the relay cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
    /// Wait between syncs when all is well.
    pub interval: Duration,
    /// First wait after a failure.
    pub base: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            failures: 0,
            interval: Duration::from_secs(30),
            base: Duration::from_secs(2),
            max: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// After a successful sync.
    pub fn success(&mut self) -> Duration {
        self.failures = 0;
        self.interval
    }

    /// After a failed sync: 2 s, 4 s, 8 s, … up to `max`.
    pub fn failure(&mut self) -> Duration {
        let wait = self.base.saturating_mul(1u32 << self.failures.min(16));
        self.failures += 1;
        wait.min(self.max)
    }
}

fn status(store: &Store, state: &'static str, error: Option<&SyncError>) -> SyncStatus {
    let (message, message_en) = error.map(SyncError::messages).unzip();
    SyncStatus {
        state,
        unsynced: store.unsynced().unwrap_or(0),
        last_sync: store.setting("last_sync").ok().flatten(),
        message,
        message_en,
    }
}

/// The status without syncing (for the first paint).
pub fn current_status(store: &Store) -> SyncStatus {
    let enrolled = store.setting("relay_url").ok().flatten().is_some();
    status(store, if enrolled { "idle" } else { "not_enrolled" }, None)
}

/// Runs until `nudges` is closed: syncs, reports, waits (or wakes early on a nudge).
pub fn run(store: Arc<Store>, nudges: Receiver<()>, report: impl Fn(SyncStatus)) {
    let mut backoff = Backoff::default();
    let mut last = "";
    loop {
        let wait = if store.setting("relay_url").ok().flatten().is_none() {
            last = "not_enrolled";
            report(status(&store, last, None));
            backoff.interval
        } else {
            // While the relay cannot be reached, a retry in the background is not news: the
            // bar stays "offline" until one succeeds instead of flickering to "syncing".
            if !matches!(last, "offline" | "error") {
                report(status(&store, "syncing", None));
            }
            match crate::client::sync(&store) {
                Ok(_) => {
                    last = "idle";
                    report(status(&store, last, None));
                    backoff.success()
                }
                Err(e) => {
                    last = match e {
                        SyncError::Network(_) => "offline",
                        _ => "error",
                    };
                    report(status(&store, last, Some(&e)));
                    backoff.failure()
                }
            }
        };
        match nudges.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {
                while nudges.try_recv().is_ok() {} // several writes, one sync
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_with_no_relay_is_not_enrolled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let last = current_status(&store);
        assert_eq!(last.state, "not_enrolled");
    }

    #[test]
    fn backoff_grows_caps_and_resets() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..10).map(|_| b.failure().as_secs()).collect();
        assert_eq!(waits, vec![2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(b.success(), Duration::from_secs(30));
        assert_eq!(b.failure(), Duration::from_secs(2));
    }

    #[test]
    fn unreachable_relay_reports_offline_and_stops_when_closed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        store
            .set_setting("relay_url", "http://127.0.0.1:9")
            .unwrap(); // discard port: refused
        store.set_setting("relay_token", "x").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let seen = std::sync::Mutex::new(Vec::new());
        // A nudge waiting: a second attempt at once, which is no news while offline.
        tx.send(()).unwrap();
        drop(tx);
        run(store, rx, |s| seen.lock().unwrap().push(s.state));
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen, vec!["syncing", "offline", "offline"]);
    }

    #[test]
    fn a_relay_address_without_its_scheme_is_an_error_not_offline() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        store.set_setting("relay_url", "192.168.1.10:7878").unwrap();
        store.set_setting("relay_token", "x").unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        drop(tx);
        let seen = std::sync::Mutex::new(Vec::new());
        run(store, rx, |s| seen.lock().unwrap().push(s));
        let seen = seen.into_inner().unwrap();
        let last = seen.last().unwrap();
        assert_eq!(last.state, "error");
        assert!(
            last.message.as_deref().unwrap().contains("http://"),
            "{last:?}"
        );
    }

    #[test]
    fn relay_addresses_need_their_scheme() {
        use crate::client::relay_address as r;
        assert_eq!(
            r(" https://relay.example.cn:7878/ ").unwrap(),
            "https://relay.example.cn:7878"
        );
        assert_eq!(r("http://127.0.0.1:7878").unwrap(), "http://127.0.0.1:7878");
        for bad in [
            "192.168.1.10:7878",
            "relay.example.cn",
            "ftp://x",
            "http://",
            "https:// x",
            "",
        ] {
            let e = r(bad).unwrap_err();
            assert_eq!(e.kind(), "invalid", "{bad}");
            assert!(e.messages().0.contains("http://"), "{bad}");
        }
    }
}
