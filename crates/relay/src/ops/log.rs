//! The relay's logs: one structured line per request, startup and shutdown, every error with
//! its context. Lines name devices (their enrolled name, role and id) and documents by id,
//! never a resident: no record content, no free text of a refusal (it may quote a record), no
//! token.
//!
//! [`observe`] wraps the devices' routes: the handler fills the request's [`Note`] with what it
//! knows (device, documents, refusals), and the wrapper, which sees every answer including the
//! refusals made before the handler ran, counts it in the metrics and writes the line.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
    macro_rules! request_line {
        ($level:ident, $msg:literal) => {
            tracing::$level!(
                target: "gridbook_relay::request",
                route,
                status,
                device = device.as_str(),
                role = role.as_str(),
                device_id = device_id.as_str(),
                docs_in = n.docs_in,
                docs_out = n.docs_out,
                bytes_in = n.bytes_in,
                bytes_out,
                ms = (ms * 10.0).round() / 10.0,
                refused_count = n.refused.len(),
                refused = refused.as_str(),
                error,
                $msg
            )
        };
    }
    match status {
        500.. => request_line!(error, "request failed"),
        400..=499 => request_line!(warn, "request refused"),
        _ => request_line!(info, "request"),
    }
    resp
}
