//! Errors of the relay.

/// Errors of the relay.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Bad input from an operator (unknown role, missing village).
    #[error("{0}")]
    Invalid(String),
    /// No such device.
    #[error("unknown device {0}")]
    UnknownDevice(String),
    /// The device registry failed.
    #[error("device registry: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] gridbook_store::StoreError),
    /// Sync failed.
    #[error(transparent)]
    Sync(#[from] gridbook_sync::SyncError),
    /// A storage engine other than the store (PostgreSQL) failed.
    #[error("storage: {0}")]
    Backend(String),
    /// Network or TLS setup failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// Result of the relay.
pub type Result<T, E = RelayError> = std::result::Result<T, E>;
