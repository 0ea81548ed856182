//! gridbook-relay-pg: the relay's storage and device registry on PostgreSQL, for a county or a
//! province (many townships in one database, several relay processes on it).
//!
//! A township's relay keeps everything in its store's SQLite file (gridbook-relay's default);
//! this crate is the other engine behind [`gridbook_relay::Storage`] and
//! [`gridbook_relay::Registry`]. Its own crate so that builds without a province (the app, the
//! device CLI's tests, fuzzing) never compile a PostgreSQL client.
//!
//! - Client: tokio-postgres with a deadpool pool. The relay's sync engine is synchronous (it
//!   runs on blocking threads), so the store owns a small tokio runtime that drives the pool's
//!   connections and blocks on one query at a time per request; sqlx would bring compile-time
//!   checked queries against a live database and a much larger build for a dozen statements.
//! - Writes are serialized per document in the database: every message that may change a
//!   document runs in one transaction holding `pg_advisory_xact_lock` on (township, document),
//!   first catches the process's cached copy up from the stored chunks, and records each new
//!   change's (actor, seq) under a primary key, so an actor never gets two changes with one
//!   sequence number even if a cache were wrong. No sticky routing: a device may reach any
//!   process on every request (session state lives for one request; what persists, the shared
//!   heads, is in the database).
//! - Everything is keyed by township; a device's township is kept with it in the registry.
//!
//! Depends on gridbook-relay, gridbook-sync and gridbook-store (for the Automerge helpers it
//! shares with the SQLite path); must not depend on the CLI or tauri.

mod cache;
mod error;
pub mod migrate;
mod registry;
mod rules;
mod schema;
mod sql;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Mutex;

use gridbook_relay::{RelayError, Selection, Storage};

pub use error::{PgError, Result};
pub use registry::PgDevices;
pub use schema::SCHEMA_VERSION;
pub use view::PgView;

/// Connections each relay process keeps open at most.
const POOL_SIZE: usize = 16;

/// The relay's documents on PostgreSQL, for every township in the database.
pub struct PgStore {
    rt: Option<tokio::runtime::Runtime>,
    pool: deadpool_postgres::Pool,
    docs: cache::DocCache,
    relay_ids: Mutex<HashMap<String, String>>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db` or key=value), brings
    /// its schema to this code's version (refusing one that is newer) and checks it answers.
    pub fn connect(url: &str) -> Result<PgStore> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| PgError::Url(format!("{e}")))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("relay-pg")
            .enable_all()
            .build()?;
        let manager = deadpool_postgres::Manager::from_config(
            config,
            tokio_postgres::NoTls,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(std::time::Duration::from_secs(30)))
            .create_timeout(Some(std::time::Duration::from_secs(10)))
            .build()
            .map_err(|e| PgError::Unreachable(e.to_string()))?;
        let store = PgStore {
            rt: Some(rt),
            pool,
            docs: cache::DocCache::default(),
            relay_ids: Mutex::new(HashMap::new()),
        };
        store.block(async {
            let mut client = store.client().await?;
            schema::migrate(&mut client).await
        })?;
        Ok(store)
    }

    /// Runs `f` to completion on this store's runtime, from a blocking thread or from outside
    /// any runtime (a worker thread of a multi-threaded runtime steps aside first).
    pub(crate) fn block<F: Future>(&self, f: F) -> F::Output {
        #[allow(clippy::expect_used)]
        let rt = self
            .rt
            .as_ref()
            .expect("runtime lives as long as the store");
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::block_in_place(|| rt.block_on(f))
        } else {
            rt.block_on(f)
        }
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(PgError::from_pool)
    }

    /// Whether the grid of township `township` in the database holds village `village`.
    pub fn has_village(&self, township: &str, village: &str) -> Result<bool> {
        use automerge::ReadDoc;
        let grid = format!("grid:{township}");
        let mut doc = cache::Cached {
            doc: automerge::Automerge::new(),
            seq: 0,
        };
        self.block(async {
            let c = self.client().await?;
            view::catch_up(&c, township, &grid, &mut doc).await
        })?;
        let d = &doc.doc;
        let kind = match d.get(automerge::ROOT, village) {
            Ok(Some((automerge::Value::Object(_), obj))) => match d.get(&obj, "type") {
                Ok(Some((v, _))) => v.into_string().unwrap_or_default(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        Ok(kind == "village")
    }

    /// Townships with documents or devices in the database.
    pub fn townships(&self) -> Result<Vec<String>> {
        self.block(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "SELECT township FROM documents UNION SELECT township FROM devices
                     ORDER BY 1",
                    &[],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Dropped from inside the relay's runtime too: stop without blocking.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl Storage for PgStore {
    type View<'a> = PgView<'a>;

    fn view(&self, township: &str, selection: Selection) -> gridbook_relay::Result<PgView<'_>> {
        Ok(PgView::new(self, township, selection))
    }

    /// None: every device of a PostgreSQL registry names its own township.
    fn township(&self) -> gridbook_relay::Result<String> {
        Ok(String::new())
    }

    fn relay_id(&self, township: &str) -> gridbook_relay::Result<String> {
        if township.is_empty() {
            return Ok(String::new());
        }
        if let Some(id) = cache::lock(&self.relay_ids).get(township) {
            return Ok(id.clone());
        }
        let fresh = uuid::Uuid::new_v4().to_string();
        let id: String = self.block(async {
            let c = self.client().await?;
            c.execute(
                "INSERT INTO relays (township, relay_id) VALUES ($1, $2)
                 ON CONFLICT (township) DO NOTHING",
                &[&township, &fresh],
            )
            .await?;
            let row = c
                .query_one(
                    "SELECT relay_id FROM relays WHERE township = $1",
                    &[&township],
                )
                .await?;
            Ok::<_, PgError>(row.get(0))
        })?;
        cache::lock(&self.relay_ids).insert(township.to_owned(), id.clone());
        Ok(id)
    }

    fn health(&self) -> gridbook_relay::Result<()> {
        self.block(async {
            let c = self.client().await?;
            c.query_one("SELECT 1", &[]).await?;
            Ok::<_, PgError>(())
        })
        .map_err(Into::into)
    }

    fn documents(&self) -> gridbook_relay::Result<BTreeMap<String, u64>> {
        self.block(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "SELECT township, count(*) FROM documents GROUP BY township",
                    &[],
                )
                .await?;
            Ok::<_, PgError>(
                rows.iter()
                    .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                    .collect(),
            )
        })
        .map_err(Into::into)
    }

    fn database_bytes(&self) -> u64 {
        self.block(async {
            let c = self.client().await?;
            let n: i64 = c
                .query_one("SELECT pg_database_size(current_database())", &[])
                .await?
                .get(0);
            Ok::<_, PgError>(n as u64)
        })
        .unwrap_or(0)
    }
}

impl From<PgError> for RelayError {
    fn from(e: PgError) -> Self {
        match e {
            PgError::Relay(r) => *r,
            other => RelayError::Backend(other.to_string()),
        }
    }
}
