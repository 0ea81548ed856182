//! Errors of sync.

/// Errors of the sync engine, the wire protocol and the client.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A message that does not decode: wrong magic, version, truncated, out of bounds.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] gridbook_store::StoreError),
    /// The relay could not be reached or the connection dropped; retrying is safe.
    #[error("network: {0}")]
    Network(String),
    /// The relay refused this device (unknown or revoked token, out of scope).
    #[error("refused by the relay ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// What the relay said.
        message: String,
    },
    /// The device is not enrolled with a relay.
    #[error("not enrolled: run `gridbook enroll --relay URL --token TOKEN`")]
    NotEnrolled,
    /// A relay's storage engine other than the store (PostgreSQL) failed.
    #[error("storage: {0}")]
    Backend(String),
    /// The session did not converge within its round limit.
    #[error("sync did not finish within {0} rounds")]
    TooManyRounds(usize),
}

/// Result of sync.
pub type Result<T, E = SyncError> = std::result::Result<T, E>;
