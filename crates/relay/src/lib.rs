//! gridbook-relay: the small server devices sync with.
//!
//! It serves the documents of a store to enrolled devices. Each device authenticates with its
//! own token (only a hash is kept), and every request is checked against the device's role and
//! grid scope: a device of village A can neither read nor write village B, a volunteer only
//! reads the ledger, a revoked device is refused. Changes are applied only from peers allowed
//! to write that document, and only if they touch records that belong in it. Bodies are
//! bounded and decoded without panics; a malformed request gets an error, never harms what is
//! stored.
//!
//! Storage sits behind [`Storage`]; the store's SQLite file is the default. Depends on
//! gridbook-store and gridbook-sync; must not depend on the CLI or tauri.

mod access;
pub mod backend;
pub mod budget;
pub mod conn;
mod device_api;
pub mod devices;
pub mod enroll_codes;
mod error;
pub mod ops;
pub mod penalty;
mod server;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use gridbook_store::Store;
use gridbook_sync::body::{self, BodyError};
use gridbook_sync::identity::Hello;
use gridbook_sync::wire::Request;
use gridbook_sync::{serve, Replica};

pub use access::access;
pub use backend::{Enrolled, Registry, Selection, StoreView};
pub use device_api::Listed;
pub use devices::{Device, Devices};
pub use error::{RelayError, Result};
pub use ops::log::{LogFormat, Note};
pub use ops::metrics::Metrics;
pub use server::{run_with, serve_relay, Options};

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 << 20;

/// What the relay keeps documents in. The SQLite store (one township) is the default; a
/// deployment that outgrows one machine uses PostgreSQL (`gridbook-relay-pg`, many townships).
pub trait Storage: Send + Sync + 'static {
    /// What one request works on: the documents of one township that a device's selection
    /// names (see [`backend`]).
    type View<'a>: Replica
    where
        Self: 'a;
    /// The view of township `township` for a device whose selection is `selection`.
    fn view(&self, township: &str, selection: Selection) -> Result<Self::View<'_>>;
    /// The township of devices whose registry names none (a township's own relay).
    fn township(&self) -> Result<String>;
    /// This relay's id for `township`: devices name their sync peer after it.
    fn relay_id(&self, township: &str) -> Result<String>;
    /// Checks that the storage answers a trivial query (for `/health`).
    fn health(&self) -> Result<()>;
    /// Documents held, by township (for `/metrics`).
    fn documents(&self) -> Result<BTreeMap<String, u64>>;
    /// Bytes of the database on disk, if known (for `/metrics`).
    fn database_bytes(&self) -> u64 {
        0
    }
    /// Remembers the name `device` was enrolled with, so that the audit trail names the
    /// device from the registry rather than from what its changes say.
    fn note_device(&self, _device: &Device) -> Result<()> {
        Ok(())
    }
    /// Whether the township has village `id` (a township device adds devices only to those);
    /// a storage that cannot tell accepts any well-formed id.
    fn has_village(&self, _id: &str) -> Result<bool> {
        Ok(true)
    }
    /// Most sync requests worked on at once; more wait in a first-come queue. What the
    /// storage cannot do at the same time only waits on its locks when more are let in.
    fn parallel_requests(&self) -> usize {
        32
    }
}

impl Storage for Store {
    type View<'a> = StoreView<'a>;

    fn view(&self, _township: &str, selection: Selection) -> Result<StoreView<'_>> {
        Ok(StoreView::new(self, selection))
    }

    fn township(&self) -> Result<String> {
        Ok(self.township_id()?)
    }

    fn documents(&self) -> Result<BTreeMap<String, u64>> {
        Ok(BTreeMap::from([(self.township_id()?, self.doc_count()?)]))
    }

    fn relay_id(&self, _township: &str) -> Result<String> {
        if let Some(id) = self.setting("relay_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.set_setting("relay_id", &id)?;
        Ok(id)
    }

    fn health(&self) -> Result<()> {
        self.setting("relay_id").map(drop).map_err(Into::into)
    }

    /// One SQLite store answers one request at a time; a few more threads decompress, decode
    /// and encode beside it. With 32, the requests of 200 syncing devices waited on the store's
    /// lock, which is not first-come: bench-sync part 5's p99 was 346 and 776 ms against 106
    /// and 160 ms with 4, runs alternating on one quiet machine.
    fn parallel_requests(&self) -> usize {
        4
    }

    fn has_village(&self, id: &str) -> Result<bool> {
        Ok(self.villages()?.iter().any(|v| v.id == id))
    }

    fn database_bytes(&self) -> u64 {
        let db = self.dir().join(gridbook_store::DB_FILE);
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| {
                let mut p = db.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(p).ok()
            })
            .map(|m| m.len())
            .sum()
    }

    fn note_device(&self, device: &Device) -> Result<()> {
        Ok(self.note_device_name(&device.device_id, &device.name)?)
    }
}

/// Shared state of the relay's handlers.
pub struct Relay<S: Storage> {
    storage: Arc<S>,
    devices: Arc<dyn Registry>,
    township: String,
    relay_id: String,
    metrics: Arc<Metrics>,
    /// Devices (id, name) whose name the storage already has.
    noted: std::sync::Mutex<std::collections::HashSet<(String, String)>>,
    limiter: enroll_codes::Limiter,
    /// Bytes of request bodies in flight (see [`budget`]).
    budget: budget::Budget,
    /// Devices that keep sending after being refused (see [`penalty`]).
    penalties: penalty::Penalties,
    /// The heads each device was left at (see [`gridbook_sync::scopes`]).
    scopes: gridbook_sync::ScopeMemory,
    /// When each device's last sync was last written to the registry: written at most once
    /// a minute per device, not on every request (the registry keeps minutes).
    seen: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
}

impl<S: Storage> Relay<S> {
    /// A relay over `storage` with the device registry `devices`.
    pub fn new(storage: Arc<S>, devices: Arc<dyn Registry>) -> Result<Arc<Self>> {
        let township = storage.township()?;
        let relay_id = storage.relay_id(&township)?;
        Ok(Arc::new(Relay {
            storage,
            devices,
            township,
            relay_id,
            metrics: Arc::new(Metrics::default()),
            noted: Default::default(),
            limiter: enroll_codes::Limiter::default(),
            budget: budget::Budget::default(),
            penalties: penalty::Penalties::default(),
            scopes: gridbook_sync::ScopeMemory::default(),
            seen: Default::default(),
        }))
    }

    /// The relay's counters.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }
}

/// An HTTP error with a short message (never personal data).
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let busy = self.0 == StatusCode::SERVICE_UNAVAILABLE;
        let mut r = (self.0, self.1).into_response();
        if busy {
            r.headers_mut()
                .insert("retry-after", budget::RETRY_AFTER_SECS.into());
        }
        r
    }
}

/// The answer to a request the budget of bytes in flight cannot cover now.
fn busy() -> ApiError {
    ApiError(
        StatusCode::SERVICE_UNAVAILABLE,
        "relay busy: too many large requests at once, retry later".into(),
    )
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("relay error: {e}"),
    )
}

/// The answer to a token that is unknown or revoked: the same for both, so that it does not
/// tell whoever holds a token whether it was ever good.
pub const BAD_TOKEN: &str = "invalid device token";

/// The device a request's token names, with its township.
fn authenticate<S: Storage>(
    relay: &Relay<S>,
    headers: &HeaderMap,
    note: &Note,
) -> Result<(Device, String), ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError(StatusCode::UNAUTHORIZED, "missing device token".into()))?;
    let Enrolled { device, township } = relay
        .devices
        .by_token(token)
        .map_err(internal)?
        .filter(|e| !e.device.revoked)
        .ok_or_else(|| ApiError(StatusCode::UNAUTHORIZED, BAD_TOKEN.into()))?;
    let township = township.unwrap_or_else(|| relay.township.clone());
    note.with(|n| {
        n.device = Some((
            device.name.clone(),
            device.role.clone(),
            device.device_id.clone(),
        ))
    });
    note_device(relay, &device)?;
    Ok((device, township))
}

/// Notes the error of a failed request for its log line.
fn noted<T>(note: &Note, r: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(e) = &r {
        note.with(|n| n.error = Some(e.1.clone()));
    }
    r
}

/// Tells the storage a device's name once per (device, name) and process.
fn note_device<S: Storage>(relay: &Relay<S>, d: &Device) -> Result<(), ApiError> {
    let key = (d.device_id.clone(), d.name.clone());
    let mut noted = relay.noted.lock().unwrap_or_else(|p| p.into_inner());
    if !noted.contains(&key) {
        relay.storage.note_device(d).map_err(internal)?;
        noted.insert(key);
    }
    Ok(())
}

/// How often a device's last sync is written to the registry.
const SEEN_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Notes in the registry that `device_id` synced, unless that was done less than
/// [`SEEN_EVERY`] ago: a write on every request would serialize the syncs of all devices
/// on the registry's database. The map holds one entry per enrolled device that synced.
fn note_seen<S: Storage>(relay: &Relay<S>, device_id: &str) {
    let now = std::time::Instant::now();
    {
        let mut seen = relay.seen.lock().unwrap_or_else(|p| p.into_inner());
        match seen.get(device_id) {
            Some(at) if now.duration_since(*at) < SEEN_EVERY => return,
            _ => {
                seen.insert(device_id.to_owned(), now);
            }
        }
    }
    if let Err(e) = relay.devices.seen(device_id) {
        tracing::warn!(error = %e, "could not note the device's last sync");
    }
}

async fn hello<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (d, township) = noted(&note, authenticate(&relay, &headers, &note))?;
    let relay_id = if township == relay.township {
        relay.relay_id.clone()
    } else {
        let r = relay.clone();
        let t = township.clone();
        tokio::task::spawn_blocking(move || r.storage.relay_id(&t))
            .await
            .map_err(internal)?
            .map_err(internal)?
    };
    let hello = Hello {
        relay_id,
        township_id: township,
        village_id: d.village().map(str::to_owned),
        device_id: d.device_id,
        name: d.name,
        role: d.role,
    };
    let body = serde_json::to_string(&hello).map_err(internal)?;
    Ok(([("content-type", "application/json")], body).into_response())
}

async fn sync<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r = sync_inner(relay, &note, headers, body).await;
    noted(&note, r)
}

async fn sync_inner<S: Storage>(
    relay: Arc<Relay<S>>,
    note: &Note,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // The token is checked before the body is read: a stranger cannot make the relay buffer.
    let (device, township) = authenticate(&relay, &headers, note)?;
    // A device that keeps sending after being refused waits, holding nothing but its
    // connection, before its request is looked at.
    let id = device.device_id.clone();
    if let Some(wait) = relay.penalties.wait(&id, std::time::Instant::now()) {
        tokio::time::sleep(wait).await;
    }
    let r = sync_served(relay.clone(), note, headers, body, device, township).await;
    match &r {
        Ok(_) => relay.penalties.served(&id, std::time::Instant::now()),
        Err(ApiError(status, _)) if penalty::strikes(*status) => {
            relay.penalties.strike(&id, std::time::Instant::now())
        }
        Err(_) => {}
    }
    r
}

/// A sync request of an authenticated device.
async fn sync_served<S: Storage>(
    relay: Arc<Relay<S>>,
    note: &Note,
    headers: HeaderMap,
    body: Body,
    device: Device,
    township: String,
) -> Result<Response, ApiError> {
    // The body is reserved in the budget before it is read: its declared length, or the
    // largest body for one that does not declare it.
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(ApiError(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {MAX_BODY} bytes"),
        ));
    }
    let limit = declared.unwrap_or(MAX_BODY);
    let _held_body = relay.budget.try_take(limit).ok_or_else(busy)?;
    let body = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {MAX_BODY} bytes"),
        )
    })?;
    let started = std::time::Instant::now();
    note.with(|n| n.bytes_in = body.len() as u64);
    let note2 = note.clone();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(body::names_zstd)
    };
    let (compressed_in, compress_out) = (header("content-encoding"), header("accept-encoding"));
    let relay2 = relay.clone();
    let identity = (device.role.clone(), device.village().map(str::to_owned));
    let resp = tokio::task::spawn_blocking(move || {
        let plain;
        // Decompressed, a request is held twice: its plain bytes and the messages decoded
        // from them. Reserved before decompressing: the size its frame declares (checked by
        // the decoder), or the largest request.
        let size = if compressed_in {
            body::content_size(&body).unwrap_or(MAX_BODY as u64)
        } else {
            body.len() as u64
        };
        if size > MAX_BODY as u64 {
            return Err(ApiError(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("body larger than {MAX_BODY} bytes"),
            ));
        }
        let size = size as usize;
        let _held_plain = relay2
            .budget
            .try_take(size.saturating_mul(2))
            .ok_or_else(busy)?;
        let bytes = if compressed_in {
            plain = body::decompress(&body, size).map_err(|e| match e {
                BodyError::TooLarge(_) => ApiError(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
                BodyError::Corrupt(_) => ApiError(StatusCode::BAD_REQUEST, e.to_string()),
            })?;
            &plain[..]
        } else {
            &body[..]
        };
        let req =
            Request::decode(bytes).map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.to_string()))?;
        let access = |doc: &str| access::access(&device, &township, doc);
        let docs_in = req.messages.len() as u64;
        let view = relay2
            .storage
            .view(&township, Selection::of(&device, &township))
            .map_err(internal)?;
        let resp =
            serve(&view, &relay2.scopes, &device.device_id, &access, req).map_err(internal)?;
        let docs_out = resp.messages.len() as u64;
        note_seen(&relay2, &device.device_id);
        relay2.metrics.sync(started.elapsed(), docs_in, docs_out);
        note2.with(|n| {
            n.docs_in = docs_in;
            n.docs_out = docs_out;
            n.refused = resp
                .refused
                .iter()
                .map(|(d, why)| (d.clone(), ops::metrics::RefusalReason::of(why)))
                .collect();
        });
        let resp = resp.encode();
        Ok::<_, ApiError>(
            match compress_out.then(|| body::compress(&resp)).flatten() {
                Some(z) => (Some(body::ENCODING), z),
                None => (None, resp),
            },
        )
    })
    .await
    .map_err(internal)??;
    let (encoding, bytes) = resp;
    let mut out = ([("content-type", "application/octet-stream")], bytes).into_response();
    if let Some(e) = encoding {
        out.headers_mut()
            .insert("content-encoding", axum::http::HeaderValue::from_static(e));
    }
    gridbook_sync::identity::put(out.headers_mut(), &identity.0, identity.1.as_deref());
    Ok(out)
}

/// The relay's routes (the devices'), each request counted and logged.
pub fn router<S: Storage>(relay: Arc<Relay<S>>) -> Router {
    let metrics = relay.metrics.clone();
    Router::new()
        .route("/v1/hello", get(hello::<S>))
        .route("/v1/sync", post(sync::<S>))
        .route("/v1/enroll", post(device_api::enroll::<S>))
        .route(
            "/v1/devices",
            get(device_api::list::<S>).post(device_api::add::<S>),
        )
        .route("/v1/devices/revoke", post(device_api::revoke::<S>))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(relay)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            ops::log::observe,
        ))
}

/// TLS certificate and key (PEM files).
#[derive(Debug, Clone)]
pub struct Tls {
    /// Certificate chain.
    pub cert: PathBuf,
    /// Private key.
    pub key: PathBuf,
}

/// Serves the store in `dir` on `listen` until the process ends; `ready` gets the bound
/// address (useful with port 0).
pub fn run(
    dir: &Path,
    listen: &str,
    tls: Option<Tls>,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let options = Options {
        listen: listen.to_owned(),
        tls,
        admin: None,
        ..Options::default()
    };
    run_with(dir, &options, |addr, _| ready(addr))
}
