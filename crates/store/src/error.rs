//! Errors of the record engine.

use gridbook_domain::FieldError;

/// Errors of the record engine.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input failed validation; nothing was written.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// A record, village or document that does not exist.
    #[error("not found: {what} {id}")]
    NotFound {
        /// What kind of thing was looked up.
        what: &'static str,
        /// The id that was not found.
        id: String,
    },
    /// The database was written by a newer gridbook.
    #[error("database schema version {found} is newer than this program supports ({supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Automerge refused a change or could not load a document.
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    /// Stored data that cannot be decoded.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A rule refuses the action (e.g. a case that is not releasable); nothing was written.
    #[error("{zh} ({en})")]
    Refused {
        /// Stable reason code(s), comma-separated.
        code: String,
        /// Chinese reason.
        zh: String,
        /// English reason.
        en: String,
    },
    /// The database is encrypted and no key (or a wrong one) was given.
    #[error("the store is locked")]
    Locked,
    /// File system error (creating the data directory).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Short stable kind for callers (CLI exit codes, UI error kinds).
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Invalid(_) => "invalid",
            StoreError::NotFound { .. } => "not_found",
            StoreError::TooNew { .. } => "too_new",
            StoreError::Sqlite(_) => "database",
            StoreError::Automerge(_) => "document",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Refused { .. } => "refused",
            StoreError::Io(_) => "io",
            StoreError::Locked => "locked",
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// Result of the record engine.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
