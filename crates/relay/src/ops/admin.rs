//! The admin address: `/health` and `/metrics`, served apart from the devices' port so that
//! neither is reachable by whoever can reach the relay (bind it to loopback or a management
//! network).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::metrics::Gauges;
use crate::{Relay, Storage};

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

async fn metrics<S: Storage>(State(relay): State<Arc<Relay<S>>>) -> Response {
    let r = relay.clone();
    let gauges = blocking(move || {
        let documents = r.storage.documents();
        let devices = r.devices.list();
        if let Err(e) = &documents {
            tracing::error!(error = %e, "metrics: counting documents failed");
        }
        if let Err(e) = &devices {
            tracing::error!(error = %e, "metrics: listing devices failed");
        }
        Gauges {
            up: documents.is_ok(),
            documents: documents.unwrap_or(0),
            database_bytes: r.storage.database_bytes(),
            devices_enrolled: devices.map_or(0, |d| d.iter().filter(|d| !d.revoked).count() as u64),
        }
    })
    .await
    .unwrap_or_default();
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        relay.metrics.render(&gauges),
    )
        .into_response()
}
