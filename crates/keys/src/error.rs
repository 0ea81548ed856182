//! Errors of the key file.

/// Errors of the key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The PIN does not unwrap the data key.
    #[error("wrong PIN ({failures} in a row)")]
    WrongPin {
        /// Wrong PINs in a row, this one included.
        failures: u32,
        /// Seconds before the next attempt is allowed (0: now).
        wait_secs: u64,
    },
    /// Too many wrong PINs: no attempt before the wait is over.
    #[error("too many wrong PINs: wait {secs} s")]
    Wait {
        /// Seconds left.
        secs: u64,
    },
    /// A PIN of the wrong shape.
    #[error("a PIN must be 4 to 64 characters without control characters")]
    BadPin,
    /// The directory has no key file (the store is not encrypted).
    #[error("no key file: the store is not encrypted")]
    NoKeyFile,
    /// The directory already has a key file.
    #[error("the store already has a key file")]
    Exists,
    /// No recovery code was ever made for this store.
    #[error("no recovery code was made for this store")]
    NoRecovery,
    /// The key file cannot be read as one.
    #[error("corrupt key file: {0}")]
    Corrupt(String),
    /// The system's random source failed.
    #[error("random source failed: {0}")]
    Random(String),
    /// Reading or writing the key file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result of the key file.
pub type Result<T, E = KeyError> = std::result::Result<T, E>;
