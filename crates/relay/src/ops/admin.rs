//! The admin address: `/health` and `/metrics`, served apart from the devices' port so that
//! neither is reachable by whoever can reach the relay (bind it to loopback or a management
//! network).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::metrics::{Gauges, TownshipGauges};
use crate::{Enrolled, Relay, Storage};

/// Longest a health check or a scrape waits for the store.
const STORE_WAIT: Duration = Duration::from_secs(5);

/// The admin routes of `relay`.
pub fn router<S: Storage>(relay: Arc<Relay<S>>) -> Router {
    Router::new()
        .route("/health", get(health::<S>))
        .route("/metrics", get(metrics::<S>))
        .with_state(relay)
}

/// Runs `f` on the blocking pool, giving up after [`STORE_WAIT`].
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::time::timeout(STORE_WAIT, tokio::task::spawn_blocking(f))
        .await
        .ok()
        .and_then(Result::ok)
}

async fn health<S: Storage>(State(relay): State<Arc<Relay<S>>>) -> Response {
    let r = relay.clone();
    match blocking(move || r.storage.health()).await {
        Some(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        Some(Err(e)) => {
            tracing::error!(error = %e, "health check: the store did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "store error\n").into_response()
        }
        None => {
            tracing::error!("health check: the store did not answer within 5 s");
            (StatusCode::SERVICE_UNAVAILABLE, "store busy\n").into_response()
        }
    }
}

/// The scrape's figures from the store and the registry, each township's apart: one relay on
/// PostgreSQL serves many townships, and an operator needs to see which one is quiet or
/// growing. `/metrics` has no credentials to scope it by (it is on the admin address, which
/// only the operator reaches), so it shows every township the relay serves, labelled.
fn gauges<S: Storage>(relay: &Relay<S>) -> Gauges {
    let documents = relay.storage.documents();
    let devices = relay.devices.list();
    if let Err(e) = &documents {
        tracing::error!(error = %e, "metrics: counting documents failed");
    }
    if let Err(e) = &devices {
        tracing::error!(error = %e, "metrics: listing devices failed");
    }
    let up = documents.is_ok();
    let mut townships: BTreeMap<String, TownshipGauges> = documents
        .unwrap_or_default()
        .into_iter()
        .map(|(t, documents)| {
            let g = TownshipGauges {
                documents,
                ..TownshipGauges::default()
            };
            (t, g)
        })
        .collect();
    let seen: HashSet<String> = relay
        .metrics
        .seen_within(Duration::from_secs(86_400))
        .into_iter()
        .collect();
    for Enrolled { device, township } in devices.unwrap_or_default() {
        // A township's own registry names no township: its devices are the relay's.
        let township = township.unwrap_or_else(|| relay.township.clone());
        let g = townships.entry(township).or_default();
        if !device.revoked {
            g.devices_enrolled += 1;
        }
        if seen.contains(&device.device_id) {
            g.devices_seen_24h += 1;
        }
    }
    Gauges {
        up,
        townships,
        database_bytes: relay.storage.database_bytes(),
    }
}

async fn metrics<S: Storage>(State(relay): State<Arc<Relay<S>>>) -> Response {
    let r = relay.clone();
    let gauges = blocking(move || gauges(&r)).await.unwrap_or_default();
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        relay.metrics.render(&gauges),
    )
        .into_response()
}
