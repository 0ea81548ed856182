//! Errors of the PostgreSQL relay storage.

/// Errors of the PostgreSQL relay storage.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The connection string does not parse.
    #[error("PostgreSQL URL: {0}")]
    Url(String),
    /// The server could not be reached or refused the connection.
    #[error("PostgreSQL unreachable: {0}")]
    Unreachable(String),
    /// The database's schema is newer than this code.
    #[error("PostgreSQL schema version {found} is newer than this gridbook ({supported}); upgrade gridbook")]
    TooNew {
        /// Version found in the database.
        found: i32,
        /// Newest version this code knows.
        supported: i32,
    },
    /// Every connection of this process stayed in use for as long as a request may wait.
    #[error("PostgreSQL: all {connections} connections of this relay stayed busy for {waited:?}")]
    Busy {
        /// Connections the process keeps open at most.
        connections: usize,
        /// How long the request waited.
        waited: std::time::Duration,
    },
    /// A query failed.
    #[error("PostgreSQL: {}", describe(.0))]
    Db(#[from] postgres::Error),
    /// Stored bytes do not load.
    #[error("stored document {0}: {1}")]
    Corrupt(String, String),
    /// A copy from SQLite did not verify.
    #[error("migration check failed: {0}")]
    Verify(String),
    /// The relay layer (registry input, the SQLite side of a migration).
    #[error(transparent)]
    Relay(Box<gridbook_relay::RelayError>),
    /// The SQLite store (the source of a migration), or a refused message.
    #[error(transparent)]
    Store(Box<gridbook_store::StoreError>),
    /// Reading the SQLite registry (the source of a migration).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl From<gridbook_relay::RelayError> for PgError {
    fn from(e: gridbook_relay::RelayError) -> Self {
        PgError::Relay(Box::new(e))
    }
}

impl From<gridbook_store::StoreError> for PgError {
    fn from(e: gridbook_store::StoreError) -> Self {
        PgError::Store(Box::new(e))
    }
}

impl PgError {
    /// A failed connection: the server is unreachable unless it answered with an error (a
    /// wrong password, a database that does not exist).
    pub(crate) fn from_connect(e: postgres::Error) -> PgError {
        if e.as_db_error().is_some() {
            PgError::Db(e)
        } else {
            PgError::Unreachable(describe(&e))
        }
    }
}

impl From<PgError> for gridbook_sync::SyncError {
    fn from(e: PgError) -> Self {
        match e {
            PgError::Store(s) => gridbook_sync::SyncError::Store(*s),
            other => gridbook_sync::SyncError::Backend(other.to_string()),
        }
    }
}

/// What went wrong, with its causes (the client's own message names only the kind of error:
/// "db error", "error connecting to server").
fn describe(e: &postgres::Error) -> String {
    let mut out = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Result of the PostgreSQL relay storage.
pub type Result<T, E = PgError> = std::result::Result<T, E>;
