//! The relay's logs: one structured line per request (a device's requests that cost it a
//! strike, at most one a minute), startup and shutdown, every error with its context. Lines
//! name devices (their enrolled name, role and id) and documents by id, never a resident: no
//! record content, no free text of a refusal (it may quote a record), no token.
//!
//! [`observe`] wraps the devices' routes: the handler fills the request's [`Note`] with what it
//! knows (device, documents, refusals), and the wrapper, which sees every answer including the
//! refusals made before the handler ran, counts it in the metrics and writes the line.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use super::metrics::{Metrics, RefusalReason, ROUTES};
use crate::error::{RelayError, Result};

/// How log lines are written (on stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line, its fields at the top level.
    Json,
}

impl FromStr for LogFormat {
    type Err = RelayError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(RelayError::Invalid(format!(
                "log format '{other}': expected text or json"
            ))),
        }
    }
}

/// Environment variable with the level filter when no flag gives one.
pub const LEVEL_ENV: &str = "GRIDBOOK_LOG";

/// Environment variable that, set to `off`, makes `relay serve` neither count nor log its
/// requests (errors are still logged): only to measure what counting and logging cost.
pub const OBSERVE_ENV: &str = "GRIDBOOK_RELAY_OBSERVE";

/// Installs the process's log subscriber: `filter` is a level (`info`) or a list of
/// `target=level` directives with an optional default (`warn,gridbook_relay=debug`); without
/// one, `$GRIDBOOK_LOG`, else `info`. Does nothing if a subscriber is already installed.
pub fn init(format: LogFormat, filter: Option<&str>) -> Result<()> {
    let env = std::env::var(LEVEL_ENV).ok();
    let spec = filter
        .or(env.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("info");
    let targets = Targets::from_str(&directives(spec))
        .map_err(|e| RelayError::Invalid(format!("log level '{spec}': {e}")))?;
    let writer = std::io::stderr;
    let result = match format {
        LogFormat::Text => tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(false)
                    .with_filter(targets),
            )
            .try_init(),
        LogFormat::Json => tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false)
                    .with_writer(writer)
                    .with_filter(targets),
            )
            .try_init(),
    };
    // Already installed (a second relay in one process): keep the first.
    let _ = result;
    Ok(())
}

/// The filter directives of `spec`: a bare level (`info`) applies to gridbook's own targets,
/// and the libraries under them log warnings and errors only. Their own events and spans at
/// info and below are not for an operator, and enabling them is costly: Automerge's spans
/// around loading received changes made a relay at `info` spend about a third more
/// instructions per sync. A list of directives is taken as written.
fn directives(spec: &str) -> String {
    match tracing::level_filters::LevelFilter::from_str(spec) {
        Ok(level) => format!(
            "{},gridbook={level},gridbook_relay={level},gridbook_relay_pg={level},gridbook_sync={level},gridbook_store={level}",
            level.min(tracing::level_filters::LevelFilter::WARN)
        ),
        Err(_) => spec.to_owned(),
    }
}

/// What a handler learnt about its request, for the request's log line.
#[derive(Debug, Default)]
pub struct NoteData {
    /// The device's enrolled name, role and id, once authenticated.
    pub device: Option<(String, String, String)>,
    /// Documents the request carried a message about.
    pub docs_in: u64,
    /// Documents the answer carries a message about.
    pub docs_out: u64,
    /// Request body bytes (as received).
    pub bytes_in: u64,
    /// Refused documents: (document id, reason).
    pub refused: Vec<(String, RefusalReason)>,
    /// Why the request failed (a short message without personal data).
    pub error: Option<String>,
}

/// The note of one request, shared by the handler and [`observe`].
#[derive(Debug, Clone, Default)]
pub struct Note(pub Arc<Mutex<NoteData>>);

impl Note {
    /// Changes the note.
    pub fn with<R>(&self, f: impl FnOnce(&mut NoteData) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Wraps every request of the devices' routes: counts it and writes its line (only gives the
/// handler its note when the counters are off).
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut req: Request,
    next: Next,
) -> Response {
    if !metrics.enabled() {
        req.extensions_mut().insert(Note::default());
        return next.run(req).await;
    }
    let started = Instant::now();
    let route = match req.uri().path() {
        "/v1/sync" => 0,
        "/v1/hello" => 1,
        _ => 2,
    };
    let note = Note::default();
    req.extensions_mut().insert(note.clone());
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let bytes_out = resp.body().size_hint().exact().unwrap_or(0);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let n = std::mem::take(&mut *note.0.lock().unwrap_or_else(|p| p.into_inner()));
    metrics.request(route, status, n.bytes_in, bytes_out);
    if let Some((_, _, id)) = &n.device {
        metrics.seen(id);
    }
    for (_, r) in &n.refused {
        metrics.refused(*r);
    }
    let (device, role, device_id) = n.device.unwrap_or_default();
    let refused = n
        .refused
        .iter()
        .map(|(d, r)| format!("{d}={}", r.label()))
        .collect::<Vec<_>>()
        .join(",");
    let route = ROUTES[route];
    let error = n.error.as_deref().unwrap_or("");
    // Every line of a device's request starts with the route, the status and the device.
    macro_rules! device_line {
        ($level:ident, $msg:literal, $($fields:tt)*) => {
            tracing::$level!(
                target: "gridbook_relay::request",
                route,
                status,
                device = device.as_str(),
                role = role.as_str(),
                device_id = device_id.as_str(),
                $($fields)*
                $msg
            )
        };
    }
    macro_rules! request_line {
        ($level:ident, $msg:literal) => {
            device_line!(
                $level,
                $msg,
                docs_in = n.docs_in,
                docs_out = n.docs_out,
                bytes_in = n.bytes_in,
                bytes_out,
                ms = (ms * 10.0).round() / 10.0,
                refused_count = n.refused.len(),
                refused = refused.as_str(),
                error,
            )
        };
    }
    // A request that costs its device a strike (see `penalty`) is the device's doing, not
    // the relay's: a warning, and at most one line a minute per device, so that a device
    // hammering the relay does not flood its log (the metrics still count every request).
    let penalised = axum::http::StatusCode::from_u16(status).is_ok_and(crate::penalty::strikes);
    if penalised {
        if let Some(suppressed) = PENALISED.admit(&device_id, Instant::now()) {
            device_line!(
                warn,
                "request refused and penalised (one line a minute per device, suppressed: how many since the last)",
                bytes_in = n.bytes_in,
                error,
                suppressed,
            );
        }
        return resp;
    }
    match status {
        500.. => request_line!(error, "request failed"),
        400..=499 => request_line!(warn, "request refused"),
        _ => request_line!(info, "request"),
    }
    resp
}

/// How often a device's penalised requests are logged: once per this much time.
pub const PENALISED_EVERY: Duration = Duration::from_secs(60);

/// The devices whose penalised requests were logged lately (see [`observe`]).
static PENALISED: Penalised = Penalised::new();

/// When each device's last penalised request was logged, and how many were not since.
#[derive(Debug, Default)]
pub struct Penalised {
    by_device: Mutex<BTreeMap<String, (Instant, u64)>>,
}

impl Penalised {
    /// An empty table.
    pub const fn new() -> Self {
        Penalised {
            by_device: Mutex::new(BTreeMap::new()),
        }
    }

    /// Whether a penalised request of `device` at `now` is logged: `Some` with how many of
    /// its penalised requests were not since the last one that was, `None` to keep quiet.
    /// The table holds the devices logged within [`PENALISED_EVERY`] or with requests not
    /// logged yet: at most one entry per enrolled device.
    pub fn admit(&self, device: &str, now: Instant) -> Option<u64> {
        let mut t = self.by_device.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((last, suppressed)) = t.get_mut(device) {
            if now.saturating_duration_since(*last) < PENALISED_EVERY {
                *suppressed += 1;
                return None;
            }
            let n = std::mem::take(suppressed);
            *last = now;
            return Some(n);
        }
        t.retain(|_, (last, suppressed)| {
            *suppressed > 0 || now.saturating_duration_since(*last) < PENALISED_EVERY
        });
        t.insert(device.to_owned(), (now, 0));
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_penalised_device_is_logged_once_a_minute_with_what_was_suppressed() {
        let p = Penalised::default();
        let t0 = Instant::now();
        assert_eq!(p.admit("a", t0), Some(0), "the first is logged");
        for i in 1..=500 {
            assert_eq!(p.admit("a", t0 + Duration::from_millis(i * 100)), None);
        }
        assert_eq!(
            p.admit("b", t0),
            Some(0),
            "another device has its own minute"
        );
        let later = t0 + PENALISED_EVERY;
        assert_eq!(
            p.admit("a", later),
            Some(500),
            "a minute on, with the count"
        );
        assert_eq!(p.admit("a", later), None);
        assert_eq!(p.admit("a", later + PENALISED_EVERY), Some(1));
        // Devices quiet for a minute with nothing suppressed leave the table.
        assert_eq!(p.admit("c", later + PENALISED_EVERY * 3), Some(0));
        let t = p.by_device.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(t.keys().collect::<Vec<_>>(), ["c"], "only c is left");
    }
}
