//! gridbook-relay-pg: the relay's storage and device registry on PostgreSQL, for a county or a
//! province (many townships in one database, several relay processes on it).
//!
//! A township's relay keeps everything in its store's SQLite file (gridbook-relay's default);
//! this crate is the other engine behind [`gridbook_relay::Storage`] and
//! [`gridbook_relay::Registry`]. Its own crate so that builds without a province (the app, the
//! device CLI's tests, fuzzing) never compile a PostgreSQL client.
//!
//! - Client: the synchronous `postgres` client (tokio-postgres wrapped, each connection with
//!   its own single-threaded runtime) and a small pool of our own (`pool`). The relay's sync
//!   engine is synchronous (it runs on blocking threads), so a statement runs on the thread of
//!   its request with no hop to another thread and back: with tokio-postgres on a shared
//!   runtime every statement woke the connection's I/O task on another thread and was woken
//!   in turn, and the relay spent about a quarter of its CPU switching threads. sqlx would
//!   bring compile-time checked queries against a live database and a much larger build for
//!   a few dozen statements.
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
mod pool;
mod registry;
mod rules;
mod schema;
mod sql;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use gridbook_relay::{RelayError, Selection, Storage};

pub use error::{PgError, Result};
pub use registry::PgDevices;
pub use schema::SCHEMA_VERSION;
pub use view::PgView;

use sql::{Conn, Db};

/// The relay's documents on PostgreSQL, for every township in the database.
pub struct PgStore {
    pool: pool::Pool,
    docs: cache::DocCache,
    relay_ids: Mutex<HashMap<String, String>>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db` or key=value), brings
    /// its schema to this code's version (refusing one that is newer) and checks it answers.
    pub fn connect(url: &str) -> Result<PgStore> {
        let config: postgres::Config = url.parse().map_err(|e| PgError::Url(format!("{e}")))?;
        let store = PgStore {
            pool: pool::Pool::new(config),
            docs: cache::DocCache::default(),
            relay_ids: Mutex::new(HashMap::new()),
        };
        store.with(schema::migrate)?;
        Ok(store)
    }

    /// Runs `f` on a pooled connection, on this thread (see [`pool::Pool::with`]).
    pub(crate) fn with<T>(&self, f: impl FnMut(&mut Conn) -> Result<T>) -> Result<T> {
        self.pool.with(f)
    }

    /// Whether the grid of township `township` in the database holds village `village`.
    pub fn has_village(&self, township: &str, village: &str) -> Result<bool> {
        use automerge::ReadDoc;
        let grid = format!("grid:{township}");
        let mut doc = cache::Cached {
            doc: automerge::Automerge::new(),
            seq: 0,
        };
        self.with(|c| view::catch_up(c, township, &grid, &mut doc))?;
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
        self.with(|c| {
            let rows = c.query(
                "SELECT township FROM documents UNION SELECT township FROM devices
                 ORDER BY 1",
                &[],
            )?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
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
        let id: String = self.with(|c| {
            c.execute(
                "INSERT INTO relays (township, relay_id) VALUES ($1, $2)
                 ON CONFLICT (township) DO NOTHING",
                &[&township, &fresh],
            )?;
            let row = c.query_one(
                "SELECT relay_id FROM relays WHERE township = $1",
                &[&township],
            )?;
            Ok(row.get(0))
        })?;
        cache::lock(&self.relay_ids).insert(township.to_owned(), id.clone());
        Ok(id)
    }

    fn health(&self) -> gridbook_relay::Result<()> {
        self.with(|c| {
            c.query_one("SELECT 1", &[])?;
            Ok(())
        })
        .map_err(Into::into)
    }

    fn documents(&self) -> gridbook_relay::Result<BTreeMap<String, u64>> {
        self.with(|c| {
            let rows = c.query(
                "SELECT township, count(*) FROM documents GROUP BY township",
                &[],
            )?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                .collect())
        })
        .map_err(Into::into)
    }

    fn database_bytes(&self) -> u64 {
        self.with(|c| {
            let n: i64 = c
                .query_one("SELECT pg_database_size(current_database())", &[])?
                .get(0);
            Ok(n as u64)
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
